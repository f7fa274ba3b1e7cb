//! `emcc` over the generated captures: the lab login, each refusal family,
//! a logout, the EMService exchange between clusters, malformed input.
mod common;

use common::{assert_matches_expected, fields_output as fields, sandbox};

const FLOW: &[&str] = &[
    "frame.number",
    "emcc.servlet",
    "emcc.action",
    "emcc.device",
    "emcc.emcc_mode",
    "emcc.userid",
    "emcc.pin_present",
    "emcc.pin",
    "emcc.refresh",
    "emcc.request_in",
    "emcc.response.object",
    "emcc.response.title",
    "emcc.response.url",
    "emcc.error.code",
    "emcc.svc.request",
    "emcc.svc.user",
    "emcc.svc.device",
    "emcc.svc.result",
    "emcc.svc.error.code",
    "_ws.col.Info",
];

#[test]
fn lab_login_steps() {
    let out = fields("emcc-lab-login.pcapng", "emcc", FLOW, &[]);
    let actions: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split('\t').nth(2))
        .filter(|a| !a.is_empty())
        .collect();
    assert_eq!(
        actions,
        ["service-entry", "login-submit", "refresh", "init-services"],
        "{out}"
    );
    assert!(
        out.contains("[EMCC login-submit adgjm @ SEPC80084AA8743]"),
        "{out}"
    );
    assert!(out.contains("CiscoIPPhoneInput"), "the login form: {out}");
    assert_matches_expected("emcc/lab-login.txt", &out);
}

#[test]
fn the_pin_is_masked_flagged_and_revealed_on_request() {
    let filter = "emcc.pin_present == 1";
    // Our fields never show the PIN (stock HTTP still shows the URI: not ours to hide).
    let masked = fields(
        "emcc-lab-login.pcapng",
        filter,
        &["emcc.pin", "emcc.param.value"],
        &[],
    );
    assert!(masked.starts_with("********\t"), "{masked}");
    assert!(!masked.contains("134679"), "the PIN leaked: {masked}");
    let expert = fields(
        "emcc-lab-login.pcapng",
        "emcc.pin_in_clear",
        &["frame.number"],
        &[],
    );
    assert_eq!(expert, "23\n", "the PIN-in-clear warning");
    let revealed = fields(
        "emcc-lab-login.pcapng",
        filter,
        &["emcc.pin"],
        &["-o", "emcc.reveal_pin:TRUE"],
    );
    assert_eq!(revealed, "134679\n");
}

#[test]
fn responses_link_their_requests_and_the_reverse_on_a_second_pass() {
    let out = fields(
        "emcc-lab-login.pcapng",
        "emcc",
        &[
            "frame.number",
            "emcc.request_in",
            "emcc.response_in",
            "emcc.time",
        ],
        &["-2"],
    );
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    for pair in rows.chunks(2) {
        let (request, response) = (&pair[0], &pair[1]);
        assert_eq!(request[2], response[0], "response_in of {request:?}");
        assert_eq!(response[1], request[0], "request_in of {response:?}");
        assert!(response[3].parse::<f64>().unwrap() > 0.0, "{response:?}");
    }
    assert_eq!(rows.len(), 8, "{out}");
}

#[test]
fn a_successful_login_is_a_chat_item() {
    let out = fields(
        "emcc-lab-login.pcapng",
        "emcc.login_ok",
        &["frame.number", "_ws.expert.message"],
        &[],
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("25\t"), "{out}");
    assert!(
        out.contains("Login of adgjm on SEPC80084AA8743 accepted"),
        "{out}"
    );
}

#[test]
fn refusals_carry_their_code_and_meaning() {
    let out = fields(
        "emcc-login-refused.pcapng",
        "emcc.error",
        &["emcc.error.code", "emcc.error.text", "_ws.expert.message"],
        &[],
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("201\tAuthentication Error\t"), "{out}");
    assert!(
        out.contains("authentication error"),
        "meaning from the EMApp table: {out}"
    );

    let out = fields(
        "emcc-home-unknown-user.pcapng",
        "emcc.svc.error.code",
        &["frame.number", "emcc.svc.error.code", "_ws.col.Info"],
        &[],
    );
    let codes: Vec<&str> = out.lines().filter_map(|l| l.split('\t').nth(1)).collect();
    assert_eq!(
        codes,
        ["23", "23"],
        "EMService answer and the phone's message: {out}"
    );
    assert!(out.contains("[EMCC error 23 user does not exist]"), "{out}");
    assert_matches_expected(
        "emcc/home-unknown-user.txt",
        &fields("emcc-home-unknown-user.pcapng", "emcc", FLOW, &[]),
    );
}

#[test]
fn the_emservice_exchange_between_clusters() {
    let out = fields(
        "emcc-home-unknown-user.pcapng",
        "emcc.servlet == \"EMServiceServlet\"",
        &[
            "ip.src",
            "ip.dst",
            "emcc.action",
            "emcc.svc.request",
            "emcc.svc.user",
            "emcc.svc.device",
            "emcc.svc.result",
            "emcc.svc.error.code",
        ],
        &[],
    );
    assert_eq!(
        out,
        "192.168.7.100\t192.168.7.200\tcheck-user\tcheckUser\tadgjm\tSEPC80084AA8743\t\t\n\
         192.168.7.200\t192.168.7.100\t\t\t\t\tfailure\t23\n"
    );
}

#[test]
fn logout() {
    let out = fields(
        "emcc-lab-logout.pcapng",
        "emcc",
        &["frame.number", "emcc.action", "emcc.device"],
        &[],
    );
    assert!(out.starts_with("4\tlogout\tSEPC80084AA8743\n"), "{out}");
}

#[test]
fn malformed_exchanges_are_flagged_and_partly_decoded() {
    let out = fields(
        "emcc-malformed.pcapng",
        "emcc",
        FLOW.iter()
            .copied()
            .chain(["_ws.expert.message"])
            .collect::<Vec<_>>()
            .as_slice(),
        &[],
    );
    for expected in [
        "'%' not followed by two hex digits",
        "not valid UTF-8",
        "More than 64 parameters",
        "end tag </Titl> does not match",
        "Phone XML object is truncated",
        "error 299: meaning unknown",
        "\"abc\" is not a decimal number",
        "EMService error 99: meaning unknown",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert_matches_expected("emcc/malformed.txt", &out);
}

/// The post-dissectors (EMCC over HTTP, the REGISTER Reason, Skinny alarms)
/// give the same results in two passes as in one: with field output, and
/// with a display filter alone, where tshark 4.0 does not build the HTTP/SIP
/// items they read on the second pass (their first-pass inputs are replayed).
#[test]
fn two_passes_match_one_pass() {
    let wanted = [
        "frame.number",
        "emcc.action",
        "emcc.request_in",
        "emcc.error.code",
        "emcc.svc.error.code",
        "ciscoalarm.reason.code",
        "ciscoalarm.name",
    ];
    let s = sandbox();
    for capture in [
        "emcc-lab-login.pcapng",
        "emcc-home-unknown-user.pcapng",
        "ciscoalarm-skinny.pcapng",
    ] {
        let one = fields(capture, "frame", &wanted, &[]);
        let two = fields(capture, "frame", &wanted, &["-2"]);
        assert_eq!(one, two, "{capture}");
        let path = s.capture(capture);
        let filter = "emcc || ciscoalarm.reason.code || ciscoalarm.name";
        let summary = |extra: &[&str]| {
            let mut args = vec!["-n", "-r", &path];
            args.extend_from_slice(extra);
            args.extend(["-Y", filter, "-T", "fields", "-e", "frame.number"]);
            let run = s.tshark(&args);
            run.assert_clean(capture);
            run.stdout
        };
        let frames = summary(&[]);
        assert!(frames.lines().count() >= 1, "{capture}");
        assert_eq!(
            frames,
            summary(&["-2"]),
            "{capture}: display filter in two passes"
        );
    }
}

/// One refusal per error family: EMService codes passed on by EMApp and
/// EMApp's own, each with its meaning in the Info column.
#[test]
fn each_refusal_family_is_named() {
    let out = fields(
        "emcc-login-refusals.pcapng",
        "emcc.error",
        &["emcc.error.code", "emcc.svc.error.code", "_ws.col.Info"],
        &[],
    );
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 4, "{out}");
    assert!(
        rows[0].starts_with("\t31\t") && rows[0].contains("EMCC not enabled for user"),
        "{out}"
    );
    assert!(
        rows[1].starts_with("\t35\t") && rows[1].contains("visiting cluster unknown to home"),
        "{out}"
    );
    assert!(
        rows[2].starts_with("208\t\t") && rows[2].contains("EMService connection error"),
        "{out}"
    );
    assert!(
        rows[3].starts_with("202\t\t") && rows[3].contains("blank user id or PIN"),
        "{out}"
    );
}

/// The EM API's own answer shapes (Cisco's Extension Mobility API guide, rebuilt by
/// `captures/generator/src/emcc_em_api.rs`): profiles from `deviceProfileResults`, user
/// ids percent-encoded in answers shown decoded (and as sent), the plain API's code 2
/// and code 7 in words.
#[test]
fn em_api_answers_as_the_guide_shows_them() {
    let out = fields(
        "emcc-em-api.pcapng",
        "emcc",
        &[
            "frame.number",
            "emcc.action",
            "emcc.svc.request",
            "emcc.svc.user",
            "emcc.svc.user.raw",
            "emcc.svc.device",
            "emcc.svc.profile",
            "emcc.svc.error.code",
            "_ws.col.Info",
        ],
        &[],
    );
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 10, "{out}");
    // The userDeviceProfileQuery (escaped in lower case) and its answer.
    assert_eq!(
        rows[0][1..4],
        ["profile-query", "userDeviceProfileQuery", "em@cisco.com"]
    );
    assert_eq!(
        rows[1][2..7],
        [
            "deviceProfileResults",
            "em@cisco.com",
            "em%40cisco.com",
            "",
            "EM_UDP_7821"
        ]
    );
    // deviceUserResults and userDevicesResults.
    assert_eq!(
        rows[3][2..6],
        [
            "deviceUserResults",
            "em@cisco.com",
            "em%40cisco.com",
            "SEPC80084AA8743"
        ]
    );
    assert_eq!(
        rows[5][2..6],
        [
            "userDevicesResults",
            "em@cisco.com",
            "em%40cisco.com",
            "SEPC80084AA8743"
        ]
    );
    // Code 2 in the plain API's words; code 7 named.
    assert_eq!(rows[7][7], "2", "{out}");
    assert!(
        rows[7][8].contains("error 2 cannot authorize app user: blank user id or PIN"),
        "{out}"
    );
    assert_eq!(rows[9][7], "7", "{out}");
    assert!(rows[9][8].contains("error 7 logout request error"), "{out}");
}

/// Every bundled capture.
fn bundled_captures() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read captures/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".pcapng"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no captures in {}", dir.display());
    names
}

/// Issue 16: `emcc.time` is HTTP's own `http.time` of the same response,
/// to the nanosecond (it used to go through f64 seconds since 1970 and
/// showed 0.010600090 where HTTP showed 0.010600000).
#[test]
fn the_time_since_request_is_http_time_to_the_nanosecond() {
    let mut compared = 0;
    for capture in bundled_captures() {
        let out = fields(
            &capture,
            "emcc.time && http.time",
            &["frame.number", "http.time", "emcc.time"],
            &[],
        );
        for line in out.lines() {
            let row: Vec<&str> = line.split('\t').collect();
            assert_eq!(row.len(), 3, "{capture}: {line}");
            assert_eq!(
                row[2], row[1],
                "{capture} frame {}: emcc.time (left) differs from http.time (right)",
                row[0]
            );
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} responses compared");
}
