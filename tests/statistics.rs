//! The statistics trees of the Statistics menu besides the login flow's:
//! `-z ciscoalarm,tree` (Cisco Phone Alarms), `-z emcc,tree` (EMCC
//! Extension Mobility) and `-z ciscoreg,tree` (Cisco Phone Registrations),
//! on captures with alarms, refusals, registration faults and many phones,
//! in one pass and two; and that their counts agree with the fields.
mod common;

use common::{assert_matches_expected, fields_output, sandbox};

/// `tshark -q -z TREE,tree`: name (indented as printed) and count per line;
/// rates and burst times depend on nothing of ours.
fn tree(capture: &str, statistic: &str, extra: &[&str]) -> String {
    let s = sandbox();
    let path = s.capture(capture);
    let z = format!("{statistic},tree");
    let mut args = vec!["-n", "-q", "-r", &path];
    args.extend_from_slice(extra);
    args.extend(["-z", &z]);
    let run = s.tshark(&args);
    run.assert_clean(&format!("-z {z} over {capture}"));
    let mut lines = Vec::new();
    for line in run.stdout.lines() {
        if line.starts_with('=') || line.starts_with('-') || line.trim().is_empty() {
            continue;
        }
        // Columns are separated by runs of spaces; names have single ones.
        let indent = line.len() - line.trim_start().len();
        let mut cols = line.split("  ").map(str::trim).filter(|c| !c.is_empty());
        let name = cols.next().unwrap_or("");
        let count = cols.next().unwrap_or("");
        lines.push(format!("{}{name}\t{count}", " ".repeat(indent)));
    }
    lines.join("\n") + "\n"
}

/// The count printed for a top-level node.
fn count_of(tree: &str, node: &str) -> usize {
    tree.lines()
        .find_map(|l| l.strip_prefix(node)?.strip_prefix('\t')?.parse().ok())
        .unwrap_or_else(|| panic!("no node {node:?} in\n{tree}"))
}

/// How many values of `field` the frames matching `filter` carry.
fn occurrences(capture: &str, filter: &str, field: &str) -> usize {
    fields_output(capture, filter, &[field], &[])
        .lines()
        .map(|l| l.split('|').filter(|v| !v.is_empty()).count())
        .sum()
}

#[test]
fn alarms_by_name_and_device() {
    for (capture, expected) in [
        ("emcc-lab-login.pcapng", "lab-login"),
        ("emcc-multi-phone.pcapng", "multi-phone"),
        ("ciscoalarm-multipart.pcapng", "multipart"),
        ("ciscoalarm-skinny.pcapng", "skinny"),
    ] {
        let one_pass = tree(capture, "ciscoalarm", &[]);
        assert_matches_expected(&format!("statistics/ciscoalarm-{expected}.txt"), &one_pass);
        assert_eq!(
            one_pass,
            tree(capture, "ciscoalarm", &["-2"]),
            "{capture}: two passes count differently"
        );
        assert_eq!(
            count_of(&one_pass, "Alarms by name and device"),
            occurrences(capture, "ciscoalarm.name", "ciscoalarm.name"),
            "{capture}: alarms counted vs ciscoalarm.name"
        );
        assert_eq!(
            count_of(
                &one_pass,
                "Restart causes (REGISTER Reason, SCCP Alarm) by device"
            ),
            occurrences(capture, "ciscoalarm.reason.code", "ciscoalarm.reason.code"),
            "{capture}: restart causes counted vs ciscoalarm.reason.code"
        );
    }
}

#[test]
fn em_requests_and_errors() {
    for (capture, expected) in [
        ("emcc-lab-login.pcapng", "lab-login"),
        ("emcc-login-refusals.pcapng", "login-refusals"),
        ("emcc-multi-phone.pcapng", "multi-phone"),
    ] {
        let one_pass = tree(capture, "emcc", &[]);
        assert_matches_expected(&format!("statistics/emcc-{expected}.txt"), &one_pass);
        assert_eq!(
            one_pass,
            tree(capture, "emcc", &["-2"]),
            "{capture}: two passes count differently"
        );
        assert_eq!(
            count_of(&one_pass, "Requests by action"),
            occurrences(capture, "emcc.action && http.request", "emcc.action"),
            "{capture}: requests counted vs requests decoded"
        );
        let errors = occurrences(capture, "emcc.error.code", "emcc.error.code")
            + occurrences(capture, "emcc.svc.error.code", "emcc.svc.error.code");
        assert_eq!(
            count_of(&one_pass, "EM errors by code and device"),
            errors,
            "{capture}: errors counted vs error codes decoded"
        );
    }
}

#[test]
fn registration_events_findings_and_cucms() {
    for (capture, expected) in [
        ("ciscoreg-sip.pcapng", "sip"),
        ("ciscoreg-sccp.pcapng", "sccp"),
    ] {
        let one_pass = tree(capture, "ciscoreg", &[]);
        assert_matches_expected(&format!("statistics/ciscoreg-{expected}.txt"), &one_pass);
        assert_eq!(
            one_pass,
            tree(capture, "ciscoreg", &["-2"]),
            "{capture}: two passes count differently"
        );
        assert_eq!(
            count_of(&one_pass, "Registration events"),
            occurrences(capture, "ciscoreg", "ciscoreg.event"),
            "{capture}: events counted vs events shown"
        );
        let findings: usize = common::CISCOREG_FINDINGS
            .iter()
            .map(|kind| {
                let filter = format!("ciscoreg.{kind}");
                fields_output(capture, &filter, &["frame.number"], &[])
                    .lines()
                    .count()
            })
            .sum();
        assert_eq!(
            count_of(&one_pass, "Findings"),
            findings,
            "{capture}: findings counted vs expert infos"
        );
    }
}
