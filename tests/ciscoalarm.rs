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
fn lab_alarm_tree_as_json() {
    let s = sandbox();
    let path = s.capture(LAB);
    let run = s.tshark(&[
        "-n",
        "-r",
        &path,
        "-Y",
        "ciscoalarm",
        "-T",
        "json",
        "-J",
        "ciscoalarm",
    ]);
    run.assert_clean("json over the lab capture");
    assert_matches_expected("lab-alarm.json", &run.stdout);
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
