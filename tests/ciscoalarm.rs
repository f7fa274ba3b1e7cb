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
    assert!(
        trees.iter().any(|t| t.contains("Alarm Name: DeviceTLInfo")),
        "{trees:?}"
    );
    assert!(
        trees
            .iter()
            .any(|t| t.contains("Last Restart Cause: Reset-Restart (23)")),
        "{trees:?}"
    );
    assert_matches_expected("lab-alarm-trees.txt", &trees.join("\n"));
}

#[test]
fn info_column_carries_the_alarm_summary() {
    let out = fields(
        LAB,
        "ciscoalarm.name",
        &["frame.number", "_ws.col.Protocol", "_ws.col.Info"],
    );
    assert!(out.lines().count() >= 4, "{out}");
    for line in out.lines() {
        assert!(line.contains("CiscoAlarm"), "protocol column: {line}");
        assert!(line.contains("[Alarm: "), "info column: {line}");
    }
    let out = fields(
        LAB,
        "ciscoalarm.reason.code",
        &["frame.number", "_ws.col.Info"],
    );
    assert_eq!(
        out.lines().count(),
        2,
        "the two REGISTERs with a Reason:\n{out}"
    );
    assert!(out.contains("[cisco-alarm 25 Initialized]"), "{out}");
    assert!(out.contains("[cisco-alarm 23 Reset-Restart]"), "{out}");
}

/// Every typed field over seed 002's two alarms, as the phone sent them.
#[test]
fn seed_002_alarms_decode_into_typed_fields() {
    let typed = [
        "frame.number",
        "ciscoalarm.name",
        "ciscoalarm.device_name",
        "ciscoalarm.tl.itl_signature",
        "ciscoalarm.tl.ctl_signature",
        "ciscoalarm.tl.itl_tftp_server",
        "ciscoalarm.tl.ctl_tftp_server",
        "ciscoalarm.tl.status_code",
        "ciscoalarm.oos.reason",
        "ciscoalarm.oos.reason_text",
        "ciscoalarm.oos.model",
        "ciscoalarm.oos.dhcpv4_status",
        "ciscoalarm.oos.tftp_cfg_status",
        "ciscoalarm.oos.cucm_addr",
        "ciscoalarm.oos.voice_vlan",
        "ciscoalarm.oos.neighbor_device",
        "ciscoalarm.oos.neighbor_port",
        "ciscoalarm.oos.timestamp",
        "ciscoalarm.oos.last_sent",
        "ciscoalarm.oos.last_received",
        "ciscoalarm.oos.event.message",
        "ciscoalarm.oos.event.uri",
        "ciscoalarm.oos.event.cseq",
        "ciscoalarm.oos.event.cseq_method",
        "ciscoalarm.oos.event.call_id",
    ];
    let out = fields("ciscoalarm-seed002.pcapng", "ciscoalarm.name", &typed);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    let col = |name: &str| typed.iter().position(|f| *f == name).unwrap();
    let tl = &rows[0];
    assert_eq!(
        tl[col("ciscoalarm.tl.itl_signature")],
        "3e 91 a3 5d a3 d6 bd b7 0f 09 21 98 18 3f 64 d3 b2 8e 80 15"
    );
    assert_eq!(
        tl[col("ciscoalarm.tl.ctl_signature")],
        "",
        "Not Installed has no bytes"
    );
    assert_eq!(
        tl[col("ciscoalarm.tl.itl_tftp_server")],
        "pub.techvivi.local"
    );
    assert_eq!(tl[col("ciscoalarm.tl.status_code")], "3");
    let oos = &rows[1];
    assert_eq!(oos[col("ciscoalarm.name")], "LastOutOfServiceInformation");
    assert_eq!(oos[col("ciscoalarm.oos.reason")], "25");
    assert_eq!(
        oos[col("ciscoalarm.oos.reason_text")],
        "LastTimeInitialized"
    );
    assert_eq!(oos[col("ciscoalarm.oos.model")], "CP-7821");
    assert_eq!(oos[col("ciscoalarm.oos.dhcpv4_status")], "1");
    assert_eq!(
        oos[col("ciscoalarm.oos.neighbor_port")],
        "GigabitEthernet0/21"
    );
    assert_eq!(
        oos[col("ciscoalarm.oos.timestamp")],
        "Jan 15, 2020 22:45:04.808000000 UTC"
    );
    assert_eq!(oos[col("ciscoalarm.oos.event.message")], "REGISTER,200 OK");
    assert_eq!(oos[col("ciscoalarm.oos.event.cseq")], "336,122");
    assert_eq!(
        oos[col("ciscoalarm.oos.event.call_id")],
        "c4b9cd80-86470022-467f1380-3b60328a@192.168.15.20,c4b9cd80-86470003-6438bc5f-78ebaf4c@192.168.15.22"
    );
    assert_matches_expected("seed002-typed-fields.txt", &out);
}

/// The ITL change is decided on the first pass and the same on the second.
#[test]
fn itl_change_is_the_same_in_one_and_two_passes() {
    let s = sandbox();
    let path = s.capture("ciscoalarm-seed002.pcapng");
    for passes in [&[][..], &["-2"][..]] {
        let mut args = vec!["-n", "-r", &path];
        args.extend_from_slice(passes);
        args.extend([
            "-Y",
            "ciscoalarm.itl_changed",
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "ciscoalarm.tl.previous_frame",
        ]);
        let run = s.tshark(&args);
        run.assert_clean("ITL change");
        assert_eq!(run.stdout, "6\t1\n", "passes {passes:?}");
    }
}

/// Alarm parts of a multipart/mixed body, and Skinny's XMLAlarmMessage.
#[test]
fn alarms_in_multipart_bodies_and_skinny_messages() {
    let out = fields(
        "ciscoalarm-multipart.pcapng",
        "ciscoalarm.name",
        &["frame.number", "ciscoalarm.name"],
    );
    assert_eq!(
        out,
        "2\tDeviceTLInfo\n5\tDeviceTLInfo,ImageDownloadSuccess\n"
    );
    let out = fields(
        "ciscoalarm-skinny.pcapng",
        "ciscoalarm",
        &[
            "frame.number",
            "skinny.messageId",
            "ciscoalarm.device_name",
            "ciscoalarm.tl.itl_tftp_server",
        ],
    );
    assert_eq!(
        out,
        "4\t346\tSEP0024142DDF24\t192.168.7.100\n6\t346\tSEP0024142DDF24\t\n"
    );
}

/// The sloppy LastOutOfServiceInformation an SCCP phone sends (laid out as the
/// CP-7961G alarm published with FreeSWITCH's mod_skinny tests, test-skinny.pl):
/// the unescaped `<not open>` costs that value only (flagged, shown as sent), the
/// empty Enum is no error, and the SCCP-form events decode.
#[test]
fn sloppy_sccp_alarm_decodes_whole() {
    let out = fields(
        "ciscoalarm-skinny.pcapng",
        "ciscoalarm.name == \"LastOutOfServiceInformation\"",
        &[
            "frame.number",
            "ciscoalarm.oos.cucm_addr",
            "ciscoalarm.oos.event.skinny_id",
            "ciscoalarm.oos.event.skinny_name",
            "ciscoalarm.oos.reason",
            "ciscoalarm.oos.timestamp",
        ],
    );
    let row: Vec<&str> = out.trim_end().split('\t').collect();
    assert_eq!(
        row[..5],
        ["6", "<not open>", "1,129", "Register,RegisterAck", ""],
        "{out}"
    );
    assert!(!row[5].is_empty(), "{out}");
    let params = fields(
        "ciscoalarm-skinny.pcapng",
        "frame.number == 6",
        &["ciscoalarm.param.name"],
    );
    assert_eq!(params.trim_end().split(',').count(), 23, "{params}");
    let experts = fields(
        "ciscoalarm-skinny.pcapng",
        "frame.number == 6 && (ciscoalarm.malformed || ciscoalarm.truncated || ciscoalarm.bad_value)",
        &["ciscoalarm.bad_value", "ciscoalarm.malformed"],
    );
    assert_eq!(experts, "1\t\n", "one bad value expert, nothing malformed");

    let s = sandbox();
    let path = s.capture("ciscoalarm-skinny.pcapng");
    let run = s.tshark(&["-n", "-r", &path, "-Y", "frame.number == 6", "-V"]);
    run.assert_clean("tree of the sloppy SCCP alarm");
    let tree = subtree_text(&run.stdout, "Cisco Phone Alarm");
    assert!(
        tree.contains("Value of UnifiedCMIPAddress is not well-formed XML"),
        "{tree}"
    );
    assert!(
        tree.contains("Skinny Message ID: RegisterAck (129)"),
        "{tree}"
    );
    assert!(!tree.contains("not a number"), "{tree}");
    assert_matches_expected("sccp-sloppy-alarm-tree.txt", &tree);
}

/// Selecting a field highlights the text it came from: for every string
/// field of ours, the bytes under it (PDML `value`, hex) spell its value
/// (remote call control items cover their whole element).
#[test]
fn string_fields_point_at_their_own_bytes() {
    let s = sandbox();
    let mut checked = 0;
    for capture in ["ciscoalarm-seed002.pcapng", LAB, "ciscoalarm-skinny.pcapng"] {
        let path = s.capture(capture);
        let run = s.tshark(&[
            "-n",
            "-r",
            &path,
            "-Y",
            "ciscoalarm || ciscoremotecc",
            "-T",
            "pdml",
        ]);
        run.assert_clean("pdml");
        for line in run.stdout.lines().map(str::trim) {
            let ours = line.starts_with("<field name=\"ciscoalarm.")
                || line.starts_with("<field name=\"ciscoremotecc.");
            let (Some(show), Some(value)) = (attribute(line, "show"), attribute(line, "value"))
            else {
                continue;
            };
            // Strings only (bytes and numbers show differently); generated
            // items and labels carry no bytes of their own.
            let is_string = [
                ".name\"",
                ".value\"",
                "device_name",
                "tftp_server",
                ".model",
                ".cucm_addr",
                ".call_id",
                ".last\"",
                ".load\"",
                ".element",
                ".option",
            ]
            .iter()
            .any(|k| line.contains(k));
            if !ours || !is_string || value.is_empty() || line.contains(".param\"") {
                continue;
            }
            let bytes: Vec<u8> = (0..value.len() / 2)
                .map(|i| u8::from_str_radix(&value[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            if line.contains("ciscoremotecc.") {
                // Operations and capabilities highlight their whole element.
                let name = unescape(show);
                let name = name.split(" (").next().unwrap_or_default();
                assert!(text.starts_with(&format!("<{name}")), "{capture}: {line}");
            } else {
                assert_eq!(text, unescape(show), "{capture}: {line}");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} fields checked");
}

fn attribute<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + line[start..].find('"')?;
    Some(&line[start..end])
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// An SCCP phone's Alarm message (0x0020) carries the restart cause a SIP
/// phone puts in its REGISTER's Reason, as `25: Name=... Load= ... Last=...`
/// (seeds/003): the same `ciscoalarm.reason.*` fields, in one pass and two,
/// and only for Alarm messages (other Skinny texts are not restart causes).
#[test]
fn skinny_alarm_messages_carry_the_restart_cause() {
    let capture = "ciscoreg-sccp.pcapng";
    let columns = [
        "frame.number",
        "skinny.messageId",
        "ciscoalarm.reason.code",
        "ciscoalarm.reason.device",
        "ciscoalarm.reason.load",
        "ciscoalarm.reason.last",
    ];
    let one = fields(capture, "ciscoalarm.reason.code", &columns);
    assert_matches_expected("sccp-alarm-reasons.txt", &one);
    assert_eq!(one.lines().count(), 6, "{one}");
    let s = sandbox();
    let path = s.capture(capture);
    let mut args = vec![
        "-n",
        "-2",
        "-r",
        path.as_str(),
        "-Y",
        "ciscoalarm.reason.code",
    ];
    args.extend(["-T", "fields"]);
    for c in columns {
        args.extend(["-e", c]);
    }
    let two = s.tshark(&args);
    two.assert_clean("two passes");
    assert_eq!(one, two.stdout, "one pass and two differ");
}
