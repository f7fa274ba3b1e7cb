//! `ciscotvs`: TVS connections marked from TCP and TLS headers alone.
mod common;

use common::{assert_matches_expected, fields_output as fields};

const MARKERS: &[&str] = &[
    "frame.number",
    "ciscotvs.session",
    "ciscotvs.event",
    "ciscotvs.client",
    "ciscotvs.server",
    "ciscotvs.request_len",
    "ciscotvs.response_len",
    "ciscotvs.rtt",
    "ciscotvs.duration",
];

#[test]
fn the_lab_tvs_session_is_decoded_as_tls_and_marked() {
    let out = fields("emcc-lab-login.pcapng", "ciscotvs.event", MARKERS, &[]);
    let events: Vec<&str> = out.lines().filter_map(|l| l.split('\t').nth(2)).collect();
    assert_eq!(events.first(), Some(&"connect"), "{out}");
    assert!(
        events.contains(&"handshake")
            && events.contains(&"request")
            && events.contains(&"response"),
        "{out}"
    );
    assert_eq!(events.last(), Some(&"close"), "{out}");
    assert!(
        out.contains("\t192.168.7.104\t192.168.7.100\t"),
        "phone to the VC's TVS: {out}"
    );
    let tls = fields(
        "emcc-lab-login.pcapng",
        "tcp.port == 2445 && tls.record",
        &["frame.number"],
        &[],
    );
    assert!(tls.lines().count() >= 6, "2445 decoded as TLS: {tls}");
    assert_matches_expected("ciscotvs/lab.txt", &out);
}

#[test]
fn a_reset_or_silence_is_reported_once() {
    let reset = fields(
        "emcc-tvs-reset.pcapng",
        "ciscotvs.reset || ciscotvs.no_response",
        &["frame.number", "ciscotvs.event", "_ws.expert.message"],
        &[],
    );
    assert_eq!(reset.lines().count(), 1, "{reset}");
    assert!(
        reset.contains("\treset\t") && reset.contains("ended before answering the request"),
        "{reset}"
    );
    let silent = fields(
        "emcc-tvs-no-response.pcapng",
        "ciscotvs.reset || ciscotvs.no_response",
        &["frame.number", "ciscotvs.event", "_ws.expert.message"],
        &[],
    );
    assert_eq!(silent.lines().count(), 1, "{silent}");
    assert!(
        silent.contains("\tno-response\t") && silent.contains("closed 10.0 s after the request"),
        "{silent}"
    );
}

/// TLS on the TVS port comes from our registration, which follows the
/// preference. (Wireshark's own TLS-over-TCP heuristic also finds 2445; it
/// is turned off here so that only the registration is tested.)
#[test]
fn the_port_is_a_preference() {
    let no_heuristic = ["--disable-heuristic", "tls_tcp"];
    let tls_on_2445 = "tcp.port == 2445 && tls";
    let ours = fields(
        "emcc-lab-login.pcapng",
        tls_on_2445,
        &["frame.number"],
        &no_heuristic,
    );
    assert!(
        ours.lines().count() >= 6,
        "2445 decoded as TLS by the plugin: {ours}"
    );
    let moved = [
        "--disable-heuristic",
        "tls_tcp",
        "-o",
        "ciscotvs.tcp_port:2446",
    ];
    assert_eq!(
        fields(
            "emcc-lab-login.pcapng",
            tls_on_2445,
            &["frame.number"],
            &moved
        ),
        ""
    );
    assert_eq!(
        fields(
            "emcc-lab-login.pcapng",
            "ciscotvs",
            &["frame.number"],
            &moved
        ),
        "",
        "markers follow the port"
    );
    let off = fields(
        "emcc-lab-login.pcapng",
        "ciscotvs",
        &["frame.number"],
        &["-o", "ciscotvs.tcp_port:0"],
    );
    assert_eq!(off, "", "port 0 turns the markers off");
}

#[test]
fn two_passes_match_one_pass() {
    for capture in [
        "emcc-lab-login.pcapng",
        "emcc-tvs-reset.pcapng",
        "emcc-tvs-no-response.pcapng",
    ] {
        let one = fields(capture, "ciscotvs", MARKERS, &[]);
        let two = fields(capture, "ciscotvs", MARKERS, &["-2"]);
        assert_eq!(one, two, "{capture}");
    }
}
