//! Per-device memory of the trust list (ITL) each phone last reported in a
//! DeviceTLInfo alarm, to point out when it changes. During an EMCC login the
//! phone moves from the visiting cluster's ITL to the home cluster's; a change
//! at any other time is worth a look too.
//!
//! Decided on the first pass over a frame and remembered per frame, so that a
//! second pass (`tshark -2`) or a re-dissection in the GUI shows the same.

use std::collections::HashMap;

/// Devices remembered at most; a capture of a whole CUCM cluster holds tens
/// of thousands of phones, so this bounds memory without losing real ones.
pub const MAX_DEVICES: usize = 100_000;

/// Changes remembered at most (each is one DeviceTLInfo frame).
pub const MAX_CHANGES: usize = 1_000_000;

/// What a device reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustReport {
    pub frame: u32,
    pub itl_signature: String,
    pub itl_server: String,
}

/// A report that differs from the device's previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustChange {
    pub previous: TrustReport,
}

/// A change is looked up by everything that identifies the report, so the
/// order in which frames are re-dissected does not matter.
type ChangeKey = (u32, String, String, String);

#[derive(Default)]
pub struct TrustMemory {
    last: HashMap<String, TrustReport>,
    changes: HashMap<ChangeKey, TrustChange>,
}

impl TrustMemory {
    /// Forgets everything (a new capture file).
    pub fn clear(&mut self) {
        self.last.clear();
        self.changes.clear();
    }

    /// Records a DeviceTLInfo report seen for the first time (first pass) and
    /// returns the change it makes, if any.
    pub fn observe(&mut self, device: &str, report: TrustReport) -> Option<TrustChange> {
        let key = (
            report.frame,
            device.to_string(),
            report.itl_signature.clone(),
            report.itl_server.clone(),
        );
        let change = match self.last.get(device) {
            Some(previous)
                if previous.itl_signature != report.itl_signature
                    || previous.itl_server != report.itl_server =>
            {
                Some(TrustChange {
                    previous: previous.clone(),
                })
            }
            _ => None,
        };
        if let Some(change) = &change {
            if self.changes.len() < MAX_CHANGES {
                self.changes.insert(key, change.clone());
            }
        }
        if self.last.len() < MAX_DEVICES || self.last.contains_key(device) {
            self.last.insert(device.to_string(), report);
        }
        change
    }

    /// The change decided on the first pass for this report (later passes).
    pub fn recall(&self, device: &str, report: &TrustReport) -> Option<TrustChange> {
        let key = (
            report.frame,
            device.to_string(),
            report.itl_signature.clone(),
            report.itl_server.clone(),
        );
        self.changes.get(&key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(frame: u32, sig: &str, server: &str) -> TrustReport {
        TrustReport {
            frame,
            itl_signature: sig.into(),
            itl_server: server.into(),
        }
    }

    #[test]
    fn the_first_report_of_a_device_is_no_change() {
        let mut m = TrustMemory::default();
        assert_eq!(m.observe("SEP1", report(5, "AA", "vc")), None);
        assert_eq!(m.observe("SEP1", report(9, "AA", "vc")), None);
    }

    #[test]
    fn a_new_signature_or_server_is_a_change_linked_to_the_previous_frame() {
        let mut m = TrustMemory::default();
        m.observe("SEP1", report(5, "AA", "vc"));
        let change = m.observe("SEP1", report(9, "BB", "hc")).unwrap();
        assert_eq!(change.previous, report(5, "AA", "vc"));
        let change = m.observe("SEP1", report(12, "BB", "other")).unwrap();
        assert_eq!(change.previous.frame, 9);
    }

    #[test]
    fn devices_are_independent() {
        let mut m = TrustMemory::default();
        m.observe("SEP1", report(1, "AA", "vc"));
        assert_eq!(m.observe("SEP2", report(2, "BB", "hc")), None);
    }

    #[test]
    fn later_passes_recall_what_the_first_pass_decided() {
        let mut m = TrustMemory::default();
        m.observe("SEP1", report(5, "AA", "vc"));
        m.observe("SEP1", report(9, "BB", "hc"));
        // Re-dissection in any order gives the same answers.
        assert_eq!(
            m.recall("SEP1", &report(9, "BB", "hc"))
                .unwrap()
                .previous
                .frame,
            5
        );
        assert_eq!(m.recall("SEP1", &report(5, "AA", "vc")), None);
    }

    #[test]
    fn clear_forgets_everything() {
        let mut m = TrustMemory::default();
        m.observe("SEP1", report(5, "AA", "vc"));
        m.clear();
        assert_eq!(m.observe("SEP1", report(9, "BB", "hc")), None);
    }

    #[test]
    fn memory_stops_growing_at_the_device_limit() {
        let mut m = TrustMemory::default();
        for i in 0..(MAX_DEVICES + 10) {
            m.observe(&format!("SEP{i}"), report(i as u32, "AA", "vc"));
        }
        assert_eq!(m.last.len(), MAX_DEVICES);
        // A remembered device still updates.
        assert!(m.observe("SEP0", report(1, "BB", "hc")).is_some());
    }
}
