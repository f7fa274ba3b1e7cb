//! What each EMCC request was, remembered on the first pass so that its
//! response (a later frame) can say what it answers and how long it took.

use std::collections::HashMap;

/// Requests remembered at most: a CUCM-side capture of a busy day holds
/// many logins, each a handful of requests; this bounds memory far above.
pub const MAX_REQUESTS: usize = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct RequestInfo {
    /// Capture time, seconds since the epoch.
    pub time: f64,
    pub action: String,
    pub device: Option<String>,
    pub user: Option<String>,
}

#[derive(Default)]
pub struct Requests {
    by_frame: HashMap<u32, RequestInfo>,
}

impl Requests {
    pub fn clear(&mut self) {
        self.by_frame.clear();
    }

    pub fn remember(&mut self, frame: u32, info: RequestInfo) {
        if self.by_frame.len() < MAX_REQUESTS || self.by_frame.contains_key(&frame) {
            self.by_frame.insert(frame, info);
        }
    }

    pub fn get(&self, frame: u32) -> Option<&RequestInfo> {
        self.by_frame.get(&frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(action: &str) -> RequestInfo {
        RequestInfo {
            time: 1.5,
            action: action.into(),
            device: None,
            user: None,
        }
    }

    #[test]
    fn remembers_and_forgets() {
        let mut r = Requests::default();
        r.remember(14, info("service-entry"));
        assert_eq!(r.get(14).unwrap().action, "service-entry");
        assert!(r.get(15).is_none());
        r.clear();
        assert!(r.get(14).is_none());
    }

    #[test]
    fn a_frame_seen_again_is_updated_not_added() {
        let mut r = Requests::default();
        r.remember(14, info("a"));
        r.remember(14, info("b"));
        assert_eq!(r.by_frame.len(), 1);
        assert_eq!(r.get(14).unwrap().action, "b");
    }
}
