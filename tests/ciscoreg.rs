//! `ciscoreg` over its generated captures (captures/README.md, "Phone
//! registration health"): every frame the generator commented `ciscoreg:
//! EVENT[; expert=KIND]` carries that event and exactly those expert infos
//! of ours, in one pass and in two; no other frame is labelled; the `-z
//! ciscoreg` report and its JSON form, checked against the documented
//! schema and against each other.
mod common;

use std::collections::BTreeMap;

use common::json::{self, Json};
use common::{assert_matches_expected, fields_output, report_output, CISCOREG_FINDINGS};

const CAPTURES: [&str; 2] = ["ciscoreg-sip.pcapng", "ciscoreg-sccp.pcapng"];

/// frame → (event, expert kinds) as the generator's comments say.
fn commented(capture: &str) -> BTreeMap<u32, (String, Vec<String>)> {
    let out = fields_output(
        capture,
        "frame.comment",
        &["frame.number", "frame.comment"],
        &[],
    );
    let mut map = BTreeMap::new();
    for line in out.lines() {
        let (frame, comment) = line.split_once('\t').expect("two columns");
        let body = comment
            .strip_prefix("ciscoreg: ")
            .unwrap_or_else(|| panic!("{capture} frame {frame}: comment {comment:?}"));
        let (event, expert) = match body.split_once("; expert=") {
            Some((e, k)) => (e, vec![k.to_string()]),
            None => (body, Vec::new()),
        };
        map.insert(frame.parse().unwrap(), (event.to_string(), expert));
    }
    map
}

/// frame → (event, expert kinds) as the plugin shows them.
fn shown(capture: &str, extra: &[&str]) -> BTreeMap<u32, (String, Vec<String>)> {
    let out = fields_output(
        capture,
        "ciscoreg",
        &["frame.number", "ciscoreg.event"],
        extra,
    );
    let mut map: BTreeMap<u32, (String, Vec<String>)> = out
        .lines()
        .map(|line| {
            let (frame, events) = line.split_once('\t').expect("two columns");
            // One event per frame in these captures (one message a segment).
            (frame.parse().unwrap(), (events.to_string(), Vec::new()))
        })
        .collect();
    for kind in CISCOREG_FINDINGS {
        let filter = format!("ciscoreg.{kind}");
        for line in fields_output(capture, &filter, &["frame.number"], extra).lines() {
            let frame: u32 = line.parse().unwrap();
            map.get_mut(&frame)
                .unwrap_or_else(|| panic!("{capture}: {filter} on unlabelled frame {frame}"))
                .1
                .push(kind.to_string());
        }
    }
    map
}

#[test]
fn every_commented_frame_shows_its_event_and_expert_info() {
    for capture in CAPTURES {
        let expected = commented(capture);
        assert!(
            expected.len() > 90,
            "{capture}: {} comments",
            expected.len()
        );
        for extra in [&[][..], &["-2"][..]] {
            let actual = shown(capture, extra);
            for (frame, want) in &expected {
                assert_eq!(
                    actual.get(frame),
                    Some(want),
                    "{capture} {extra:?} frame {frame}"
                );
            }
            let extra_frames: Vec<&u32> = actual
                .keys()
                .filter(|f| !expected.contains_key(f))
                .collect();
            assert!(
                extra_frames.is_empty(),
                "{capture} {extra:?}: labelled without a comment: {extra_frames:?}"
            );
        }
    }
}

#[test]
fn frame_fields_of_a_refresh_a_keepalive_and_a_failover() {
    let out = fields_output(
        "ciscoreg-sip.pcapng",
        "frame.number == 9 || frame.number == 103 || frame.number == 158 || frame.number == 163",
        &[
            "frame.number",
            "ciscoreg.device",
            "ciscoreg.phone",
            "ciscoreg.signalling",
            "ciscoreg.event",
            "ciscoreg.cucm",
            "ciscoreg.role",
            "ciscoreg.expires",
            "ciscoreg.interval",
        ],
        &[],
    );
    assert_matches_expected("ciscoreg/sip-fields.txt", &out);
    let out = fields_output(
        "ciscoreg-sccp.pcapng",
        "frame.number == 9 || frame.number == 16 || frame.number == 146 || frame.number == 178",
        &[
            "frame.number",
            "ciscoreg.device",
            "ciscoreg.event",
            "ciscoreg.cucm",
            "ciscoreg.role",
            "ciscoreg.expires",
            "ciscoreg.interval",
            "_ws.col.Info",
        ],
        &[],
    );
    assert_matches_expected("ciscoreg/sccp-fields.txt", &out);
}

#[test]
fn the_report_per_phone() {
    for (capture, name) in CAPTURES.iter().zip(["sip", "sccp"]) {
        assert_matches_expected(
            &format!("ciscoreg/{name}-report.txt"),
            &report_output(capture, "ciscoreg"),
        );
        assert_matches_expected(
            &format!("ciscoreg/{name}-report.json"),
            &report_output(capture, "ciscoreg,json"),
        );
    }
}

fn str_or_null(v: Option<&Json>) -> bool {
    matches!(v, Some(Json::String(_) | Json::Null))
}

/// The JSON report follows the schema the README documents, and says what
/// the text report says.
#[test]
fn the_json_report_follows_its_schema_and_matches_the_text() {
    for capture in CAPTURES {
        let text = report_output(capture, "ciscoreg");
        let doc = json::parse(&report_output(capture, "ciscoreg,json"))
            .unwrap_or_else(|e| panic!("{capture}: not JSON: {e}"));
        assert_eq!(doc.keys(), ["phones", "schema"]);
        assert_eq!(doc.get("schema").and_then(Json::as_f64), Some(1.0));
        let phones = doc.get("phones").and_then(Json::as_array).unwrap();
        assert!(phones.len() >= 6, "{capture}: {} phones", phones.len());
        for phone in phones {
            assert_eq!(
                phone.keys(),
                [
                    "backup",
                    "cucms",
                    "device",
                    "findings",
                    "ip",
                    "keepalives",
                    "primary",
                    "refreshes",
                    "registrations",
                    "restarts",
                    "signalling",
                    "verdict"
                ],
                "{capture}"
            );
            for key in ["device", "primary", "backup"] {
                assert!(str_or_null(phone.get(key)), "{capture} {key}");
            }
            let ip = phone.get("ip").and_then(Json::as_str).unwrap();
            let signalling = phone.get("signalling").and_then(Json::as_str).unwrap();
            assert!(["SIP", "SCCP"].contains(&signalling));
            let verdict = phone.get("verdict").and_then(Json::as_str).unwrap();
            let device = phone.get("device").and_then(Json::as_str).unwrap();
            assert!(
                text.contains(&format!("{device}  {signalling}  {ip}\n")),
                "{capture}: {device} not in the text report"
            );
            assert!(
                text.contains(&format!("  Verdict: {verdict}\n")),
                "{capture}: verdict {verdict:?} not in the text report"
            );
            for finding in phone.get("findings").and_then(Json::as_array).unwrap() {
                assert_eq!(finding.keys(), ["frame", "kind", "text"]);
                let kind = finding.get("kind").and_then(Json::as_str).unwrap();
                assert!(CISCOREG_FINDINGS.contains(&kind), "{kind}");
                let frame = finding.get("frame").and_then(Json::as_f64).unwrap();
                let line = format!(
                    "  Frame {frame} {kind}: {}\n",
                    finding.get("text").and_then(Json::as_str).unwrap()
                );
                assert!(text.contains(&line), "{capture}: {line:?} not in the text");
            }
            for cucm in phone.get("cucms").and_then(Json::as_array).unwrap() {
                assert_eq!(
                    cucm.keys(),
                    [
                        "acknowledged",
                        "address",
                        "granted",
                        "interval",
                        "keepalives",
                        "refreshes",
                        "registered",
                        "registrations",
                        "rejected",
                        "role"
                    ]
                );
            }
            for restart in phone.get("restarts").and_then(Json::as_array).unwrap() {
                assert_eq!(restart.keys(), ["cause", "code", "frame", "last"]);
            }
        }
    }
}

#[test]
fn the_json_reader_of_these_tests_is_strict() {
    assert!(json::parse(r#"{"a": [1, 2.5, -3e2, true, null, "x\n\u00e9"]}"#).is_ok());
    for bad in [
        "{\"a\": 1,}",
        "[1 2]",
        "{a: 1}",
        "\"\u{1}\"",
        "01",
        "{} x",
        "{\"a\": 1, \"a\": 2}",
    ] {
        assert!(json::parse(bad).is_err(), "{bad:?} accepted");
    }
}
