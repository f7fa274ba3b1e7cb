//! Faults injected on purpose by the test suite, to prove that the plugin's
//! guards hold: only in builds with the cargo feature `fault-injection`
//! (the test harness builds the plugin with it; what users build and install
//! has none of this, not even the reading of the variable).
//!
//! The environment variable `EMCC_FAULT_INJECT` lists them, e.g.
//! `panic@12,oob@14,tap-panic@20,pref-panic,bad-field`:
//! - `panic@N`: every dissector of ours panics on frame N;
//! - `oob@N`: they read and add items past the end of the data on frame N;
//! - `tap-panic@N`: our tap listeners and statistics trees panic on frame N;
//! - `pref-panic`: the preference callback panics;
//! - `bad-field`: registration adds a field Wireshark rejects;
//! - `count-trees` (a probe, not a fault): when a file is closed, says on
//!   standard error on how many of the frames our post-dissector saw
//!   Wireshark built a protocol tree (`emcc: protocol tree on N of M
//!   frames`): the tests prove with it that the plugin makes Wireshark build
//!   no tree it would not have built.

use super::packet::Packet;
use super::registry::Field;

#[cfg(feature = "fault-injection")]
mod enabled {
    use once_cell::sync::Lazy;

    #[derive(Debug, PartialEq)]
    pub(super) enum Fault {
        Panic(u32),
        OutOfBounds(u32),
        TapPanic(u32),
        PrefPanic,
        BadField,
        CountTrees,
    }

    pub(super) static FAULTS: Lazy<Vec<Fault>> = Lazy::new(|| {
        std::env::var("EMCC_FAULT_INJECT")
            .map(|spec| parse(&spec))
            .unwrap_or_default()
    });

    pub(super) fn parse(spec: &str) -> Vec<Fault> {
        spec.split(',')
            .filter_map(|item| {
                let item = item.trim();
                match item {
                    "pref-panic" => return Some(Fault::PrefPanic),
                    "bad-field" => return Some(Fault::BadField),
                    "count-trees" => return Some(Fault::CountTrees),
                    _ => {}
                }
                let (kind, frame) = item.split_once('@')?;
                let frame = frame.parse().ok()?;
                match kind {
                    "panic" => Some(Fault::Panic(frame)),
                    "oob" => Some(Fault::OutOfBounds(frame)),
                    "tap-panic" => Some(Fault::TapPanic(frame)),
                    _ => None,
                }
            })
            .collect()
    }
}

/// In a dissector call, before the dissector runs.
#[cfg(feature = "fault-injection")]
pub(super) fn in_dissector(packet: &mut Packet<'_>, probe_field: &Field) {
    use enabled::{Fault, FAULTS};
    let frame = packet.frame_number();
    for fault in FAULTS.iter() {
        match *fault {
            Fault::Panic(f) if f == frame => {
                panic!("fault injected by EMCC_FAULT_INJECT in frame {frame}")
            }
            Fault::OutOfBounds(f) if f == frame => {
                let root = packet.root();
                packet.inject_out_of_bounds(root, probe_field);
            }
            _ => {}
        }
    }
}

/// In a tap listener or statistics tree callback for `frame`.
#[cfg(feature = "fault-injection")]
pub(super) fn in_tap(frame: u32) {
    if enabled::FAULTS.contains(&enabled::Fault::TapPanic(frame)) {
        panic!("fault injected by EMCC_FAULT_INJECT in the tap callback of frame {frame}");
    }
}

/// In the preference callback.
#[cfg(feature = "fault-injection")]
pub(super) fn in_preferences() {
    if enabled::FAULTS.contains(&enabled::Fault::PrefPanic) {
        panic!("fault injected by EMCC_FAULT_INJECT in the preference callback");
    }
}

/// True when registration should add a field Wireshark rejects.
#[cfg(feature = "fault-injection")]
pub(super) fn bad_field() -> bool {
    enabled::FAULTS.contains(&enabled::Fault::BadField)
}

/// Frames our post-dissector saw, and those of them with a protocol tree.
#[cfg(feature = "fault-injection")]
static TREES: std::sync::Mutex<(u64, u64)> = std::sync::Mutex::new((0, 0));

/// Our post-dissector saw a frame (with a tree or without).
#[cfg(feature = "fault-injection")]
pub(super) fn count_tree(has_tree: bool) {
    if enabled::FAULTS.contains(&enabled::Fault::CountTrees) {
        let mut trees = TREES.lock().unwrap_or_else(|p| p.into_inner());
        trees.0 += 1;
        trees.1 += u64::from(has_tree);
    }
}

/// The file is closed: say how many frames had a tree, and start afresh.
#[cfg(feature = "fault-injection")]
pub(super) fn report_trees() {
    if enabled::FAULTS.contains(&enabled::Fault::CountTrees) {
        let mut trees = TREES.lock().unwrap_or_else(|p| p.into_inner());
        super::output::write_stderr_line(&format!(
            "emcc: protocol tree on {} of {} frames",
            trees.1, trees.0
        ));
        *trees = (0, 0);
    }
}

#[cfg(not(feature = "fault-injection"))]
pub(super) fn count_tree(_has_tree: bool) {}

#[cfg(not(feature = "fault-injection"))]
pub(super) fn report_trees() {}

#[cfg(not(feature = "fault-injection"))]
pub(super) fn in_dissector(_packet: &mut Packet<'_>, _probe_field: &Field) {}

#[cfg(not(feature = "fault-injection"))]
pub(super) fn in_tap(_frame: u32) {}

#[cfg(not(feature = "fault-injection"))]
pub(super) fn in_preferences() {}

#[cfg(not(feature = "fault-injection"))]
pub(super) fn bad_field() -> bool {
    false
}

#[cfg(all(test, feature = "fault-injection"))]
mod tests {
    use super::enabled::{parse, Fault};

    #[test]
    fn fault_specs_parse_and_ignore_junk() {
        assert_eq!(
            parse(
                "panic@12, oob@14,bogus@1,panic@x,oob,tap-panic@3,pref-panic,bad-field,count-trees"
            ),
            vec![
                Fault::Panic(12),
                Fault::OutOfBounds(14),
                Fault::TapPanic(3),
                Fault::PrefPanic,
                Fault::BadField,
                Fault::CountTrees
            ]
        );
        assert!(parse("").is_empty());
    }
}
