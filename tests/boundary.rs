//! The boundary between the plugin and Wireshark, where a wrong move shows
//! up as output in the wrong place, findings under the wrong protocol, or a
//! crash: report output, expert info ownership, `-z` arguments, and panics
//! and exceptions in callbacks other than dissection (faults injected with
//! `EMCC_FAULT_INJECT`, see src/epan/faults.rs).
mod common;

use std::fs::File;
use std::process::Stdio;

use common::{assert_no_panic_text, sandbox};

const LAB: &str = "emcc-lab-login.pcapng";

/// The report's first line (a rule of '=').
fn report_start(stdout: &str) -> usize {
    stdout
        .lines()
        .position(|l| l.starts_with("====="))
        .expect("the report's rule")
}

/// A packet line of tshark's one-line summary: the frame number first, an
/// arrow from source to destination (report lines have neither).
fn is_packet_line(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()) && line.contains(" → ")
}

/// Every line before the report is a whole packet line, and the report
/// follows the last packet, as tshark's own reports do.
fn assert_report_after_packets(stdout: &str, what: &str) {
    let start = report_start(stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let packets = &lines[..start];
    assert!(
        packets.len() > 100,
        "{what}: the packets come first:\n{stdout}"
    );
    for line in packets {
        assert!(
            is_packet_line(line) && !line.contains("====="),
            "{what}: not a whole packet line: {line:?}"
        );
    }
    assert!(
        lines[start + 1].starts_with("EMCC Login Flow"),
        "{what}: the report's title follows its rule:\n{stdout}"
    );
    assert!(
        lines[start..].iter().all(|l| !is_packet_line(l)),
        "{what}: no packet line inside or after the report:\n{stdout}"
    );
}

#[test]
fn the_report_follows_the_packets_through_a_pipe_and_in_a_file() {
    let s = sandbox();
    let capture = s.capture(LAB);
    let args = ["-r", capture.as_str(), "-z", "emccflow"];
    let run = s.tshark(&args);
    run.assert_clean("-z emccflow through a pipe");
    assert_report_after_packets(&run.stdout, "through a pipe");

    // A file is what users redirect to (`> out`): fully buffered by C stdio.
    let path = s.scratch("report-order.txt");
    let file = File::create(&path).expect("create the output file");
    let status = s
        .tshark_command(&args, &[], None)
        .stdout(file)
        .status()
        .expect("run tshark");
    assert!(status.success());
    let written = std::fs::read_to_string(&path).expect("read the output file");
    assert_report_after_packets(&written, "in a file");
}

/// Exit status and standard error of tshark whose standard output is a pipe
/// nobody reads: closed before tshark writes (`tshark ... | head -0`).
fn with_closed_stdout(args: &[&str], plugin: bool) -> (Option<i32>, String) {
    let s = sandbox();
    let mut env = vec![];
    let bare_home;
    if !plugin {
        bare_home = s.home().with_file_name("bare-home");
        env.push(("HOME", bare_home.to_str().expect("UTF-8 path")));
    }
    let mut child = s
        .tshark_command(args, &env, Some(120))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tshark");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for tshark");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_the_report_as_it_ends_tshark_s_own() {
    let s = sandbox();
    let capture = s.capture(LAB);
    let (stock_code, _) = with_closed_stdout(&["-r", &capture, "-q", "-z", "io,phs"], false);
    for report in ["emccflow", "emccflow,tree", "io,phs"] {
        let (code, stderr) = with_closed_stdout(&["-r", &capture, "-q", "-z", report], true);
        assert_no_panic_text(&stderr, report);
        assert_eq!(
            code, stock_code,
            "-z {report} into a closed pipe: the exit status of tshark's own -z io,phs"
        );
    }
}

/// `tshark -q -z expert` (and the GUI's Expert Information) name the
/// protocol of each finding: every one of ours under its own protocol.
#[test]
fn expert_infos_are_filed_under_our_protocols() {
    let s = sandbox();
    let mut seen = std::collections::BTreeSet::new();
    for name in [
        LAB,
        "emcc-tvs-no-response.pcapng",
        "emcc-ctl-itl-unavailable.pcapng",
        "ciscotl-malformed.pcapng",
        "emcc-login-refused.pcapng",
    ] {
        let capture = s.capture(name);
        let run = s.tshark(&["-r", &capture, "-q", "-z", "expert"]);
        run.assert_clean(name);
        let mut group = "";
        for line in run.stdout.lines() {
            if let Some((heading, _)) = line.split_once(" (") {
                if !line.starts_with(' ') {
                    group = heading;
                    continue;
                }
            }
            let columns: Vec<&str> = line.split_whitespace().collect();
            if columns.len() < 4 || !columns[0].bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let protocol = columns[2];
            // Packet comments of the capture file are Wireshark's, filed
            // under the frame.
            if group == "Comments" {
                continue;
            }
            assert_ne!(
                protocol, "Frame",
                "{name}: a finding filed under Frame: {line}"
            );
            seen.insert(protocol.to_string());
        }
    }
    for ours in ["EMCC", "EMCCFlow", "CiscoTL", "CiscoTVS", "CiscoAlarm"] {
        assert!(seen.contains(ours), "no finding of {ours} in {seen:?}");
    }
}

#[test]
fn a_bad_z_argument_is_refused() {
    let s = sandbox();
    let capture = s.capture(LAB);
    let run = s.tshark(&["-r", &capture, "-q", "-z", "emccflow,bogus"]);
    assert_ne!(
        run.code,
        Some(0),
        "-z emccflow,bogus must fail:\n{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("invalid \"-z emccflow,bogus\" argument: use -z emccflow"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("EMCC Login Flow"), "{}", run.stdout);
    // The statistics tree has a name that starts like ours: still its own.
    let tree = s.tshark(&["-r", &capture, "-q", "-z", "emccflow,tree"]);
    tree.assert_clean("-z emccflow,tree");
    assert!(tree.stdout.contains("EMCC Login Flow:"), "{}", tree.stdout);
}

/// Lines on standard error from the plugin.
fn plugin_messages(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("emcc plugin:"))
        .collect()
}

#[test]
fn a_panic_in_a_tap_is_reported_once_and_the_report_starts_afresh() {
    let s = sandbox();
    let capture = s.capture(LAB);
    let args = [
        "-r",
        capture.as_str(),
        "-q",
        "-z",
        "emccflow",
        "-z",
        "emccflow,tree",
    ];
    let normal = s.tshark(&args);
    normal.assert_clean("no fault");
    // Frames 14 and 46 are labelled: they reach the taps.
    let run = s.tshark_with_env(&args, &[("EMCC_FAULT_INJECT", "tap-panic@14,tap-panic@46")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let messages = plugin_messages(&run.stderr);
    assert_eq!(
        messages.len(),
        2,
        "one message for the report, one for the tree:\n{}",
        run.stderr
    );
    let said = |start: &str, rest: &str| {
        messages
            .iter()
            .any(|m| m.starts_with(start) && m.contains("fault injected") && m.contains(rest))
    };
    assert!(
        said(
            "emcc plugin: bug in the -z emccflow report (frame 14): ",
            "starts afresh"
        ),
        "{}",
        run.stderr
    );
    assert!(
        said(
            "emcc plugin: bug in the EMCC Login Flow statistics (frame 14): ",
            "miss that frame"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    // The report is printed, from the frames after the last failure on.
    assert!(run.stdout.contains("EMCC Login Flow\n"), "{}", run.stdout);
    assert_ne!(
        run.stdout, normal.stdout,
        "frames before 46 are missing from the report"
    );
}

#[test]
fn a_panic_in_a_flow_graph_is_reported_once_and_costs_only_that_arrow() {
    let s = sandbox();
    let capture = s.capture(LAB);
    let args = ["-r", capture.as_str(), "-q", "-z", "flow,emccflow,network"];
    let normal = s.tshark(&args);
    normal.assert_clean("no fault");
    // Frames 14 and 23 are messages of the login: each has an arrow.
    let run = s.tshark_with_env(&args, &[("EMCC_FAULT_INJECT", "tap-panic@14,tap-panic@23")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let messages = plugin_messages(&run.stderr);
    assert_eq!(messages.len(), 1, "said once:\n{}", run.stderr);
    assert!(
        messages[0].starts_with("emcc plugin: bug in the EMCC Login Flow flow graph (frame 14): ")
            && messages[0].contains("fault injected")
            && messages[0].ends_with("the frame has no arrow"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    // The ladder is drawn without the two frames' arrows (two lines each).
    let lines = |out: &str| out.lines().count();
    assert_eq!(
        lines(&run.stdout) + 4,
        lines(&normal.stdout),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("EMApp service entry"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("EMApp login form"), "{}", run.stdout);
}

#[test]
fn a_panic_in_the_preference_callback_is_reported_once() {
    let s = sandbox();
    let capture = s.capture(LAB);
    let args = [
        "-r",
        capture.as_str(),
        "-q",
        "-z",
        "emccflow",
        "-o",
        "emccflow.stuck_after:60",
    ];
    let normal = s.tshark(&args);
    normal.assert_clean("no fault");
    let run = s.tshark_with_env(&args, &[("EMCC_FAULT_INJECT", "pref-panic")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let messages = plugin_messages(&run.stderr);
    assert_eq!(messages.len(), 1, "{}", run.stderr);
    assert!(
        messages[0].starts_with("emcc plugin: bug while applying preferences: fault injected"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, normal.stdout, "decoding carries on");
}

#[test]
fn a_definition_wireshark_refuses_is_reported_and_the_rest_starts() {
    let s = sandbox();
    let capture = s.capture(LAB);
    let run = s.tshark_with_env(
        &[
            "-r",
            &capture,
            "-Y",
            "ciscoalarm.name",
            "-T",
            "fields",
            "-e",
            "ciscoalarm.name",
        ],
        &[("EMCC_FAULT_INJECT", "bad-field")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let messages = plugin_messages(&run.stderr);
    assert_eq!(
        messages.len(),
        common::OUR_PROTOCOLS.len(),
        "one per protocol:\n{}",
        run.stderr
    );
    for (message, protocol) in messages.iter().zip(common::OUR_PROTOCOLS) {
        assert!(
            message.starts_with(&format!(
                "emcc plugin: Wireshark refused field {protocol}.injected_bad_field, which stays unavailable: "
            )),
            "{message}"
        );
    }
    assert!(
        run.stdout.contains("DeviceTLInfo"),
        "the alarms are still decoded:\n{}",
        run.stdout
    );
}
