//! `ciscoalarm` over the generated captures, compared with expected output.
mod common;

use common::{assert_matches_expected, sandbox};

const LAB: &str = "emcc-lab-login.pcapng";

fn fields(capture: &str, filter: &str, fields: &[&str]) -> String {
    let s = sandbox();
    let path = s.capture(capture);
    let mut args = vec!["-n", "-r", &path, "-Y", filter, "-T", "fields"];
    for f in fields {
        args.extend(["-e", f]);
    }
    let run = s.tshark(&args);
    run.assert_clean(&format!("fields over {capture}"));
    run.stdout
}

#[test]
fn lab_alarm_refers_name_their_alarm() {
    let out = fields(
        LAB,
        "sip.Method == \"REFER\" && sip.Content-Type contains \"x-cisco-alarm\"",
        &["frame.number", "ip.dst", "ciscoalarm.name"],
    );
    let names: Vec<&str> = out.lines().filter_map(|l| l.split('\t').nth(2)).collect();
    assert!(
        names.len() >= 2,
        "expected alarm REFERs in the lab capture:\n{out}"
    );
    assert!(
        names.iter().all(|n| !n.is_empty()),
        "an alarm REFER was not decoded:\n{out}"
    );
    assert!(names.contains(&"DeviceTLInfo"), "{out}");
    assert_matches_expected("lab-alarm-names.txt", &out);
}

#[test]
fn lab_alarm_parameters_in_document_order() {
    let out = fields(
        LAB,
        "ciscoalarm",
        &[
            "frame.number",
            "ciscoalarm.name",
            "ciscoalarm.param.kind",
            "ciscoalarm.param.name",
            "ciscoalarm.param.value",
        ],
    );
    assert_matches_expected("lab-alarm-params.txt", &out);
}

#[test]
fn lab_alarm_fields_as_json() {
    let s = sandbox();
    let path = s.capture(LAB);
    let mut args = vec!["-n", "-r", &path, "-Y", "ciscoalarm", "-T", "json"];
    for f in [
        "frame.number",
        "ciscoalarm.name",
        "ciscoalarm.param.kind",
        "ciscoalarm.param.name",
        "ciscoalarm.param.value",
    ] {
        args.extend(["-e", f]);
    }
    let run = s.tshark(&args);
    run.assert_clean("json over the lab capture");
    assert_matches_expected("lab-alarm-fields.json", &run.stdout);
}

/// Our subtree out of `tshark -V` text: the line naming the protocol and
/// every following line indented deeper.
fn subtree_text(verbose: &str, protocol_line: &str) -> String {
    let mut out = String::new();
    let mut indent = None;
    for line in verbose.lines() {
        let depth = line.len() - line.trim_start().len();
        match indent {
            None if line.trim_start().starts_with(protocol_line) => {
                indent = Some(depth);
                out.push_str(line.trim_start());
                out.push('\n');
            }
            Some(base) if depth > base && !line.trim().is_empty() => {
                out.push_str(&line[base..]);
                out.push('\n');
            }
            Some(_) => break,
            None => {}
        }
    }
    out
}

/// The tree as a user sees it in the details pane, for each lab alarm.
#[test]
fn lab_alarm_trees() {
    let s = sandbox();
    let path = s.capture(LAB);
    let run = s.tshark(&["-n", "-r", &path, "-Y", "ciscoalarm", "-V"]);
    run.assert_clean("tree of the lab alarms");
    let trees: Vec<String> = run
        .stdout
        .split("\n\n")
        .map(|frame| subtree_text(frame, "Cisco Phone Alarm"))
        .filter(|t| !t.is_empty())
        .collect();
    assert!(trees.len() >= 2, "{}", run.stdout);
    assert!(trees[0].contains("Alarm Name: "), "{}", trees[0]);
    assert_matches_expected("lab-alarm-trees.txt", &trees.join("\n"));
}

#[test]
fn info_column_carries_the_alarm_summary() {
    let out = fields(
        LAB,
        "ciscoalarm",
        &["frame.number", "_ws.col.Protocol", "_ws.col.Info"],
    );
    for line in out.lines() {
        assert!(line.contains("CiscoAlarm"), "protocol column: {line}");
        assert!(line.contains("[Alarm: "), "info column: {line}");
    }
}
