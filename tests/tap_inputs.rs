//! The plugin reads other protocols from what their dissectors hand to taps
//! (and from two wrappers of ours), not from the protocol tree, so that
//! Wireshark builds no tree because of it (src/epan/inputs.rs,
//! src/tap_inputs/). This pins, on the release under test:
//! - that no tree is built because of us, and `-q` alone dissects nothing;
//! - that every tap and follow record we read says what the tree says: on
//!   every bundled capture the plugin's output read from taps equals its
//!   output read from the tree (the preference `emcc.read_protocol_tree`),
//!   in `-V`, in fields, and in the `-z emccflow` and `-z ciscoreg,json`
//!   reports (Skinny's registration values included, from
//!   `ciscoreg-sccp.pcapng`);
//! - that tshark `-2` reads the tree by itself (its first pass has no taps).
mod common;

use common::{bundled_captures, sandbox};

const LAB: &str = "emcc-lab-login.pcapng";
const TREE: [&str; 2] = ["-o", "emcc.read_protocol_tree:TRUE"];
const COUNT_TREES: (&str, &str) = ("EMCC_FAULT_INJECT", "count-trees");

/// `(frames with a tree, frames)` our post-dissector saw, from the probe's
/// line on standard error.
fn trees(args: &[&str]) -> (u64, u64) {
    let s = sandbox();
    let run = s.tshark_with_env(args, &[COUNT_TREES]);
    let line = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("emcc: protocol tree on "))
        .unwrap_or_else(|| panic!("no tree count for {args:?}; stderr:\n{}", run.stderr));
    let (with, all) = line
        .trim_end_matches(" frames")
        .split_once(" of ")
        .expect("N of M frames");
    (with.parse().unwrap(), all.parse().unwrap())
}

#[test]
fn a_plain_read_builds_no_tree_because_of_us() {
    let s = sandbox();
    let lab = s.capture(LAB);
    let (with, all) = trees(&["-n", "-r", &lab]);
    assert!(all > 100, "{all} frames seen");
    assert_eq!(with, 0, "a plain read got a tree on {with} of {all} frames");
    // What needs a tree still gets one (the probe sees it).
    assert_eq!(trees(&["-n", "-r", &lab, "-V"]), (all, all));
    // The preference brings back the tree on every frame.
    let mut tree = vec!["-n", "-r", &lab];
    tree.extend(TREE);
    assert_eq!(trees(&tree), (all, all));
}

#[test]
fn q_alone_dissects_nothing() {
    let s = sandbox();
    let lab = s.capture(LAB);
    assert_eq!(trees(&["-n", "-r", &lab, "-q"]), (0, 0));
}

/// Runs tshark twice on `capture`, reading taps and reading the tree, and
/// asserts the same output.
fn same_from_taps_and_tree(capture: &str, args: &[&str]) {
    let s = sandbox();
    let path = s.capture(capture);
    let mut taps = vec!["-n", "-r", &path];
    taps.extend(args);
    let mut tree = taps.clone();
    tree.extend(TREE);
    let from_taps = s.tshark(&taps);
    from_taps.assert_clean(capture);
    let from_tree = s.tshark(&tree);
    from_tree.assert_clean(capture);
    if from_taps.stdout != from_tree.stdout {
        let first = from_taps
            .stdout
            .lines()
            .zip(from_tree.stdout.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b);
        panic!("{capture} {args:?}: taps and tree differ; first difference (line, taps, tree): {first:?}");
    }
}

#[test]
fn every_capture_decodes_the_same_from_taps_and_from_the_tree() {
    let ours = "emcc || ciscotl || ciscotvs || ciscoalarm || ciscoremotecc || emccflow || ciscoreg";
    for capture in bundled_captures() {
        same_from_taps_and_tree(&capture, &["-V", "-Y", ours]);
    }
}

#[test]
fn summary_lines_and_the_report_are_the_same_from_taps_and_from_the_tree() {
    for capture in bundled_captures() {
        // Summary lines carry our Info suffixes on every frame.
        same_from_taps_and_tree(&capture, &[]);
        same_from_taps_and_tree(&capture, &["-q", "-z", "emccflow"]);
        same_from_taps_and_tree(&capture, &["-q", "-z", "ciscoreg,json"]);
    }
}

#[test]
fn two_passes_read_the_tree_by_themselves() {
    // tshark -2 dissects every frame without taps first: the plugin reads the
    // tree then (src/host_program.rs), so the first pass decides.
    let s = sandbox();
    let lab = s.capture(LAB);
    let (with, all) = trees(&["-n", "-r", &lab, "-2"]);
    // Every frame twice: with a tree in the first pass, as a summary line
    // (no tree) in the second.
    assert!(all > 0 && with * 2 == all, "{with} of {all}");
}
