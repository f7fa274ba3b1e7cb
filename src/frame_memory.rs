//! What a post-dissector read from other protocols on a frame's first pass,
//! kept for later passes. Wireshark fills a post-dissector's wanted fields
//! on the first pass only: on a second pass (`tshark -2`, re-filtering in
//! the GUI) the fields may be missing, and the remembered inputs are decoded
//! again instead, so every pass shows the same result.
#![forbid(unsafe_code)]

use std::collections::HashMap;

/// Frames remembered at most per post-dissector: only frames that carry our
/// traffic are kept, so this bounds memory far above real captures.
pub const MAX_FRAMES: usize = 1_000_000;

pub struct FrameMemory<T> {
    by_frame: HashMap<u32, T>,
}

impl<T: Clone> FrameMemory<T> {
    pub fn new() -> Self {
        FrameMemory {
            by_frame: HashMap::new(),
        }
    }

    pub fn clear(&mut self) {
        self.by_frame.clear();
    }

    pub fn remember(&mut self, frame: u32, inputs: T) {
        if self.by_frame.len() < MAX_FRAMES || self.by_frame.contains_key(&frame) {
            self.by_frame.insert(frame, inputs);
        }
    }

    pub fn recall(&self, frame: u32) -> Option<T> {
        self.by_frame.get(&frame).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_recalls_and_clears() {
        let mut m = FrameMemory::new();
        m.remember(7, "uri".to_string());
        assert_eq!(m.recall(7).as_deref(), Some("uri"));
        assert_eq!(m.recall(8), None);
        m.clear();
        assert_eq!(m.recall(7), None);
    }
}
