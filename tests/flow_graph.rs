//! The EMCC Login Flow ladder: `tshark -q -z flow,emccflow,network` (the
//! text of Statistics > Flow Graph > EMCC Login Flow). Goldens of the lab
//! and failure captures, and checks that do not rest on a golden: one arrow
//! per message the flow labelled (no TCP segment), every phase of the lab
//! login in order, one failure mark per failed attempt, the display filter
//! narrowing the ladder to one phone.
mod common;

use common::{assert_matches_expected, fields_output as fields, report_output, sandbox};

/// The ladder's text as tshark prints it.
fn ladder(capture: &str, mode: &str) -> String {
    report_output(capture, &format!("flow,emccflow,{mode}"))
}

/// The rows of a ladder: (label, comment) of each arrow, in order. A row
/// is the line above its arrow: `|<time>|<columns with the label>|<comment>`.
fn rows(ladder: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = ladder.lines().collect();
    let mut rows = Vec::new();
    for pair in lines.windows(2) {
        let is_arrow = pair[1].contains("--") && (pair[1].contains('>') || pair[1].contains('<'));
        if !is_arrow || pair[0].contains("--") {
            continue;
        }
        let row = pair[0];
        // The comment follows the last column's bar.
        let comment_at = row.rfind('|').expect("a row has bars");
        let comment = row[comment_at + 1..].to_string();
        // `|<time>|...` with one conversation, `<conv> |<time>|...` with
        // several: the label is the first text after the time.
        let label = row[..comment_at]
            .split('|')
            .skip(2)
            .map(str::trim)
            .find(|cell| !cell.is_empty())
            .unwrap_or("")
            .to_string();
        rows.push((label, comment));
    }
    rows
}

/// The steps the flow gave the frames with a message of their own (the
/// others are TCP segments of a followed connection), in frame order.
fn message_steps(capture: &str) -> Vec<String> {
    fields(
        capture,
        "emccflow",
        &["emccflow.phase", "emccflow.step"],
        &[],
    )
    .lines()
    .filter(|line| !line.contains("\tTCP "))
    .map(|line| {
        let (phase, step) = line.split_once('\t').unwrap();
        format!("[EMCC {phase} {step}")
    })
    .collect()
}

/// One arrow per message, in frame order, each commented with its phase
/// and step as the frame's fields say.
fn assert_one_arrow_per_message(capture: &str, ladder: &str) -> Vec<(String, String)> {
    let rows = rows(ladder);
    let steps = message_steps(capture);
    assert_eq!(
        rows.len(),
        steps.len(),
        "{capture}: {} arrows for {} messages:\n{ladder}",
        rows.len(),
        steps.len()
    );
    for ((label, comment), step) in rows.iter().zip(&steps) {
        assert!(!label.is_empty(), "{capture}: an arrow without a label");
        // The comment is `[EMCC <n> <short>] <step>...`: the phase number
        // and the step text must be the frame's.
        let (number, text) = step["[EMCC ".len()..].split_once(' ').unwrap();
        assert!(
            comment.starts_with(&format!("[EMCC {number} ")) && comment.contains(text),
            "{capture}: comment {comment:?} is not of phase {number}, step {text:?}"
        );
    }
    rows
}

#[test]
fn lab_login_is_a_ladder_of_the_articles_seven_phases() {
    const CAPTURE: &str = "emcc-lab-login.pcapng";
    let out = ladder(CAPTURE, "network");
    assert_matches_expected("flow_graph/lab-login-network.txt", &out);
    let rows = assert_one_arrow_per_message(CAPTURE, &out);
    // Phases 1 to 7 in order, none skipped.
    let mut phases: Vec<u32> = rows
        .iter()
        .map(|(_, comment)| comment["[EMCC ".len()..][..1].parse().unwrap())
        .collect();
    phases.dedup();
    assert_eq!(phases, [1, 2, 3, 4, 5, 6, 7], "{out}");
    // The columns: the phone, the visiting cluster, the home cluster.
    let header: String = out.lines().take(2).collect();
    for node in ["192.168.7.104", "192.168.7.100", "192.168.7.200"] {
        assert!(header.contains(node), "{node} not a column:\n{out}");
    }
    // The completion is marked, once, on the home cluster's 200 OK.
    let done: Vec<_> = rows.iter().filter(|(l, _)| l.starts_with('✓')).collect();
    assert_eq!(done.len(), 1, "{out}");
    assert_eq!(done[0].0, "✓ REGISTER 200");
    // Labels from the article's words: the CTL the visiting cluster does not
    // have (normal), the home cluster's CTL over HTTP falling back to TFTP.
    for label in [
        "CTL 404 (normal)",
        "CTL 503 -> TFTP",
        "ITL 200",
        "EMApp submit adgjm",
    ] {
        assert!(
            rows.iter().any(|(l, _)| l == label),
            "no {label:?} in\n{out}"
        );
    }
}

#[test]
fn standard_addresses_draw_the_same_ladder() {
    // `standard` takes the frames' network addresses (any_addr), `network`
    // their source and destination: the same for IP.
    const CAPTURE: &str = "emcc-lab-login.pcapng";
    assert_eq!(
        ladder(CAPTURE, "standard"),
        ladder(CAPTURE, "network"),
        "standard and network differ"
    );
}

#[test]
fn each_failure_is_marked_where_the_attempt_stopped() {
    let cases = [
        ("emcc-login-refused", "✗ EMApp error 201"),
        ("emcc-home-unknown-user", "✗ EMService error 23"),
        ("emcc-ctl-itl-unavailable", "✗ ITL TFTP not found"),
        ("emcc-tvs-reset", "✗ TVS reset"),
        ("emcc-tvs-no-response", "✗ TVS no answer"),
        ("emcc-home-register-rejected", "✗ REGISTER 403"),
    ];
    for (capture, failed) in cases {
        let file = format!("{capture}.pcapng");
        let out = ladder(&file, "network");
        assert_matches_expected(&format!("flow_graph/{capture}-network.txt"), &out);
        let rows = assert_one_arrow_per_message(&file, &out);
        let marked: Vec<_> = rows.iter().filter(|(l, _)| l.starts_with('✗')).collect();
        assert_eq!(marked.len(), 1, "{capture}: {marked:?}");
        assert_eq!(marked[0].0, failed, "{capture}");
        assert!(
            marked[0].1.ends_with("(the login stops here)"),
            "{capture}: {}",
            marked[0].1
        );
        // Nothing completes in a failed login.
        assert!(!rows.iter().any(|(l, _)| l.starts_with('✓')), "{capture}");
    }
}

#[test]
fn several_phones_are_conversations_and_a_filter_keeps_one() {
    const CAPTURE: &str = "emcc-multi-phone.pcapng";
    let out = ladder(CAPTURE, "network");
    assert_matches_expected("flow_graph/multi-phone-network.txt", &out);
    assert_one_arrow_per_message(CAPTURE, &out);
    // Several phones: tshark numbers the conversations (one per phone).
    assert!(out.starts_with("Conv.|"), "{out}");
    let phone = "SEP00EBD5A1C201";
    let filter = format!("flow,emccflow,network,emccflow.device == \"{phone}\"");
    let one = report_output(CAPTURE, &filter);
    let rows = rows(&one);
    assert!(rows.len() >= 20, "{one}");
    // One phone: one conversation, no conversation column.
    assert!(one.starts_with("|Time"), "{one}");
    let own = fields(
        CAPTURE,
        &format!("emccflow.device == \"{phone}\" && !(emccflow.step contains \"TCP \")"),
        &["frame.number"],
        &[],
    );
    assert_eq!(rows.len(), own.lines().count(), "{one}");
}

#[test]
fn sccp_phones_ladder_in_skinny() {
    const CAPTURE: &str = "emcc-sccp.pcapng";
    let out = ladder(CAPTURE, "network");
    assert_matches_expected("flow_graph/sccp-network.txt", &out);
    let rows = assert_one_arrow_per_message(CAPTURE, &out);
    for label in [
        "Register",
        "RegisterAck",
        "Reset restart",
        "Unregister",
        "✗ RegisterReject",
    ] {
        assert!(
            rows.iter().any(|(l, _)| l == label),
            "no {label:?} in\n{out}"
        );
    }
}

#[test]
fn a_capture_without_a_phone_in_a_login_draws_nothing() {
    // Alarms, downloads and a TVS session of phones the flow never saw
    // register or log in: no arrows, and tshark prints nothing.
    for capture in [
        "ciscoalarm-udp.pcapng",
        "ciscotl-tftp.pcapng",
        "ciscotvs-decrypted.pcapng",
    ] {
        let s = sandbox();
        let path = s.capture(capture);
        let run = s.tshark(&["-n", "-q", "-r", &path, "-z", "flow,emccflow,network"]);
        run.assert_clean(capture);
        assert_eq!(run.stdout, "", "{capture}");
    }
    // Registrations outside a login are phase 1 steps (as their Info says).
    let out = ladder("ciscoreg-sip.pcapng", "network");
    let arrows = rows(&out);
    assert!(!arrows.is_empty());
    assert!(
        arrows
            .iter()
            .all(|(_, c)| c.starts_with("[EMCC 1 VC registration] ")),
        "{arrows:?}"
    );
}

/// Registrations: one arrow per frame `ciscoreg` labelled, a conversation
/// per phone, the frames with trouble marked.
fn registration_ladder(capture: &str) -> Vec<(String, String)> {
    let out = report_output(capture, "flow,ciscoreg,network");
    let name = capture.trim_end_matches(".pcapng");
    assert_matches_expected(&format!("flow_graph/{name}-registrations.txt"), &out);
    let rows = rows(&out);
    let frames = fields(capture, "ciscoreg", &["frame.number"], &[]);
    assert_eq!(rows.len(), frames.lines().count(), "{capture}:\n{out}");
    let failed = fields(
        capture,
        "ciscoreg.missed || ciscoreg.rejected || ciscoreg.loop || ciscoreg.unregistered",
        &["frame.number"],
        &[],
    );
    let marked = rows.iter().filter(|(l, _)| l.starts_with('✗')).count();
    assert_eq!(marked, failed.lines().count(), "{capture}:\n{out}");
    assert!(marked > 0, "{capture}: the capture shows no trouble");
    rows
}

#[test]
fn registrations_are_a_ladder_per_phone() {
    let sip = registration_ladder("ciscoreg-sip.pcapng");
    assert!(
        sip.iter().any(|(l, _)| l == "SIP registered 120 s"),
        "{sip:?}"
    );
    assert!(sip.iter().any(|(l, _)| l == "SIP keepalive ack"), "{sip:?}");
    let sccp = registration_ladder("ciscoreg-sccp.pcapng");
    assert!(
        sccp.iter().any(|(l, _)| l.starts_with("SCCP keepalive")),
        "{sccp:?}"
    );
    // One phone: its frames alone, the device in every comment.
    let device = "SEP001122334401";
    let one = report_output(
        "ciscoreg-sip.pcapng",
        &format!("flow,ciscoreg,network,ciscoreg.device == \"{device}\""),
    );
    let rows = rows(&one);
    let own = fields(
        "ciscoreg-sip.pcapng",
        &format!("ciscoreg.device == \"{device}\""),
        &["frame.number"],
        &[],
    );
    assert_eq!(rows.len(), own.lines().count(), "{one}");
    assert!(rows.iter().all(|(_, c)| c.starts_with(device)), "{one}");
}
