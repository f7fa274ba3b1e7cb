//! The Info column as a field (issue 16). From 4.2 the columns are also
//! fields (`_ws.col.info`), added to the tree as a copy of the columns taken
//! before post-dissectors run; `emcc` and `emccflow` are post-dissectors that
//! append to Info, so the shim sets the field again after each append
//! (`refresh_info_field`, top of src/epan/shim.c: `fvalue_set_string` from
//! 4.4, the value's buffer rewritten in place on 4.2). These tests read that
//! field every way tshark can: `-T fields -e`, a display filter, and the full
//! tree outputs (`-V`, `-T pdml`). 4.0 has no column fields at all: there the
//! tests say so and check the column itself (`-e _ws.col.Info` reads the
//! column in 4.0).
mod common;

use common::{fields_output, sandbox, ws_at_least};

/// A capture in which every frame `emccflow` labels gets "[EMCC <phase> ...]"
/// appended to Info by a post-dissector.
const CAPTURE: &str = "emcc-lab-login.pcapng";
const SUFFIX: &str = "[EMCC ";

/// The field that holds Info as tshark's -e reads it on this release.
fn info_field() -> &'static str {
    if ws_at_least(4, 2) {
        "_ws.col.info"
    } else {
        // 4.0: no `_ws.col.*` fields; -e _ws.col.Info reads the column.
        "_ws.col.Info"
    }
}

/// Frame numbers of the frames `emccflow` labels.
fn labelled_frames() -> Vec<String> {
    let out = fields_output(CAPTURE, "emccflow", &["frame.number"], &[]);
    let frames: Vec<String> = out.lines().map(str::to_string).collect();
    assert!(
        frames.len() >= 20,
        "{CAPTURE}: too few emccflow frames:\n{out}"
    );
    frames
}

#[test]
fn column_fields_exist_from_4_2_only() {
    let run = sandbox().tshark(&["-G", "fields"]);
    run.assert_clean("tshark -G fields");
    let has_info_field = run
        .stdout
        .lines()
        .any(|l| l.split('\t').nth(2) == Some("_ws.col.info"));
    assert_eq!(
        has_info_field,
        ws_at_least(4, 2),
        "_ws.col.info is a registered field from 4.2 on, and only there"
    );
}

#[test]
fn fields_output_of_info_carries_the_post_dissector_suffix() {
    let out = fields_output(CAPTURE, "emccflow", &["emccflow.phase", info_field()], &[]);
    assert_eq!(out.lines().count(), labelled_frames().len(), "{out}");
    for line in out.lines() {
        let (phase, info) = line.split_once('\t').unwrap();
        assert!(
            info.contains(&format!("{SUFFIX}{phase} ")),
            "{}: Info without the emccflow suffix: {line}",
            info_field()
        );
    }
    if ws_at_least(4, 2) {
        // The capitalised name is the same field there (an alias).
        let alias = fields_output(
            CAPTURE,
            "emccflow",
            &["emccflow.phase", "_ws.col.Info"],
            &[],
        );
        assert_eq!(alias, out, "-e _ws.col.Info and -e _ws.col.info differ");
    }
    // Two passes: the field is refreshed on the second pass as well.
    let two = fields_output(CAPTURE, "emccflow", &[info_field()], &["-2"]);
    for line in two.lines() {
        assert!(
            line.contains(SUFFIX),
            "two passes, Info without the suffix: {line}"
        );
    }
}

#[test]
fn display_filter_on_the_info_field_sees_the_suffix() {
    let s = sandbox();
    let path = s.capture(CAPTURE);
    let filter = format!("_ws.col.info contains \"{SUFFIX}\"");
    let run = s.tshark(&[
        "-n",
        "-r",
        &path,
        "-Y",
        &filter,
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    if !ws_at_least(4, 2) {
        // 4.0 has no such field: tshark refuses the filter.
        assert_ne!(run.code, Some(0), "4.0 accepted {filter}:\n{}", run.stdout);
        assert!(run.stderr.contains("_ws.col.info"), "{}", run.stderr);
        return;
    }
    run.assert_clean(&filter);
    let matched: Vec<String> = run.stdout.lines().map(str::to_string).collect();
    assert_eq!(
        matched,
        labelled_frames(),
        "{filter} must match exactly the frames emccflow labels"
    );
    // A full tree (-V) with the same filter: the same frames, each printed
    // with the post-dissector's tree.
    let run = s.tshark(&["-n", "-r", &path, "-Y", &filter, "-V"]);
    run.assert_clean(&format!("-V -Y {filter}"));
    let trees =
        run.stdout.matches("\nFrame ").count() + usize::from(run.stdout.starts_with("Frame "));
    assert_eq!(trees, matched.len(), "-V -Y {filter}");
    assert!(
        run.stdout.matches("\nEMCC Login Flow").count() >= matched.len(),
        "every frame shown has the emccflow tree:\n{}",
        &run.stdout[..run.stdout.len().min(4000)]
    );
}

#[test]
fn full_tree_outputs_show_the_whole_info_text() {
    let s = sandbox();
    let path = s.capture(CAPTURE);
    // -V with the summary line (-P): the column, every release.
    let run = s.tshark(&["-n", "-r", &path, "-Y", "emccflow", "-P", "-V"]);
    run.assert_clean("-P -V");
    // Summary lines: "  N  time src → dst PROTO len Info"; tree lines
    // have no arrow between addresses.
    let summaries = run
        .stdout
        .lines()
        .filter(|l| l.contains(" → ") && l.contains(SUFFIX))
        .count();
    assert_eq!(summaries, labelled_frames().len(), "-P -V summary lines");
    // PDML holds the hidden column fields (4.2+) when tshark fills the
    // columns, which it does when a filter names them: `_ws.col` (the
    // protocol) primes no `_ws.col.info`, so the shim finds that field in
    // the full tree (the unindexed path, as the GUI's details pane has it).
    if !ws_at_least(4, 2) {
        let run = s.tshark(&["-n", "-r", &path, "-Y", "emccflow", "-T", "pdml"]);
        run.assert_clean("-T pdml");
        assert!(
            !run.stdout.contains("\"_ws.col"),
            "4.0 has no column fields"
        );
        return;
    }
    let run = s.tshark(&["-n", "-r", &path, "-Y", "emccflow && _ws.col", "-T", "pdml"]);
    run.assert_clean("-T pdml");
    let infos: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("<field name=\"_ws.col.info\""))
        .collect();
    assert_eq!(infos.len(), labelled_frames().len(), "{infos:?}");
    for line in infos {
        assert!(
            line.contains(SUFFIX),
            "PDML _ws.col.info without the suffix: {line}"
        );
    }
}
