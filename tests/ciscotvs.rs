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
        MANY_RECORDS,
    ] {
        let one = fields(capture, "ciscotvs", MARKERS, &[]);
        let two = fields(capture, "ciscotvs", MARKERS, &["-2"]);
        assert_eq!(one, two, "{capture}");
    }
}

const MANY_RECORDS: &str = "ciscotvs-many-records.pcapng";

/// Every TLS record of a frame counts, however many one TCP segment packs: the
/// request and the response of this session are 20 application-data records each,
/// in one segment (48 and 64 bytes a record). The plugin once read only the first
/// 16 occurrences of a field in a frame, and silently left the rest out.
#[test]
fn every_record_of_a_segment_counts() {
    let records = fields(
        MANY_RECORDS,
        "tcp.port == 2445 && tls.record.content_type == 23",
        &["frame.number", "tls.record.length"],
        &[],
    );
    let per_frame: Vec<(&str, Vec<&str>)> = records
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(frame, lengths)| (frame, lengths.split('|').collect()))
        .collect();
    assert_eq!(per_frame.len(), 2, "request and response frames: {records}");
    assert_eq!(per_frame[0].1, ["48"; 20], "TLS sees 20 records: {records}");
    assert_eq!(per_frame[1].1, ["64"; 20], "TLS sees 20 records: {records}");
    let (request, response) = (per_frame[0].0, per_frame[1].0);

    let out = fields(MANY_RECORDS, "ciscotvs", MARKERS, &[]);
    let row_of = |frame: &str| -> Vec<&str> {
        out.lines()
            .find(|l| l.split('\t').next() == Some(frame))
            .unwrap_or_else(|| panic!("no frame {frame} in:\n{out}"))
            .split('\t')
            .collect()
    };
    let asked = row_of(request);
    assert_eq!(
        asked[2..6],
        ["request", "192.168.7.104", "192.168.7.100", "960"],
        "20 records of 48 bytes: {out}"
    );
    let answered = row_of(response);
    assert_eq!(
        answered[2..7],
        ["response", "192.168.7.104", "192.168.7.100", "960", "1280"],
        "20 records of 64 bytes: {out}"
    );
    assert_matches_expected("ciscotvs/many-records.txt", &out);
}

// ---- decrypted TVS messages --------------------------------------------------------

const DECRYPTED: &str = "ciscotvs-decrypted.pcapng";

const MESSAGE_FIELDS: &[&str] = &[
    "frame.number",
    "ciscotvs.session",
    "ciscotvs.command",
    "ciscotvs.session_id",
    "ciscotvs.length",
    "ciscotvs.tlv.tag",
    "ciscotvs.device_name",
    "ciscotvs.subject",
    "ciscotvs.status",
    "ciscotvs.role",
    "ciscotvs.ttl",
    "ciscotvs.tlv.value",
    "ciscotvs.data",
    "_ws.expert.message",
    "ciscotvs.device_name_type",
];

const MESSAGES: &str = "ciscotvs.command || ciscotvs.data || ciscotvs.split";

/// The line of `out` for `frame`, split into columns.
fn row(out: &str, frame: u32) -> Vec<String> {
    out.lines()
        .find(|l| l.split('\t').next() == Some(&frame.to_string()))
        .unwrap_or_else(|| panic!("no frame {frame} in:\n{out}"))
        .split('\t')
        .map(str::to_string)
        .collect()
}

/// A copy of a capture, changed by `change`, next to the others in the sandbox.
fn variant(name: &str, change: impl FnOnce(&str, &str)) -> String {
    let source = common::sandbox().capture(DECRYPTED);
    let target = std::path::Path::new(&source)
        .with_file_name(name)
        .to_string_lossy()
        .into_owned();
    change(&source, &target);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    name.to_string()
}

#[test]
fn decrypted_messages_show_their_fields() {
    let out = fields(DECRYPTED, MESSAGES, MESSAGE_FIELDS, &[]);
    // Session 1: verify the home cluster's ITL signer, answered valid.
    let request = row(&out, 12);
    assert_eq!(request[2..4], ["1", "0x8dd23759"], "{request:?}");
    // The device name as real phones send it (Cisco document 213407): a type byte 0x01,
    // shown apart, then CP-<model>-SEP<MAC>.
    assert_eq!(request[6], "CP-7821-SEPC80084AA8743");
    assert_eq!(request[14], "1", "the type byte");
    let valid = row(&out, 14);
    assert_eq!(valid[2..4], ["2", "0x8dd23759"], "same session ID");
    assert_eq!(valid[8..11], ["0", "0", "3600"], "valid, SAST, an hour");
    // Session 2: invalid, with the warning in words.
    let invalid = row(&out, 32);
    assert_eq!(invalid[8], "1");
    assert!(
        invalid[13].contains("TVS answered invalid") && invalid[13].contains("login fails"),
        "{invalid:?}"
    );
    // Session 3: query by subject, issuer and serial (213407's layout; the latter two
    // under tags that are not public, each a note); the answer, split over two records,
    // is whole in 52.
    let query = row(&out, 48);
    assert_eq!(query[2], "3");
    assert!(query[7].starts_with("CN=cucm-hc.lab.local;"), "{query:?}");
    assert!(query[7].ends_with(";C=US"), "no NUL, no U+FFFD: {query:?}");
    assert_eq!(query[5], "1|3|240|241");
    assert!(query[13].contains("TLV tag 240 (0xf0) has no public meaning"));
    assert!(
        !out.lines().any(|l| l.starts_with("50\t")),
        "50 is a part: {out}"
    );
    let answer = row(&out, 52);
    assert_eq!(answer[2], "4");
    assert_eq!(answer[5], "7|2|8|9", "status, certificate, roles, TTL");
    assert_eq!(
        answer[8..11],
        ["0", "0|3", "86400"],
        "valid, SAST and TFTP, a day"
    );
    // Session 4: two messages in one record, each flagged; a TLV past the end; no magic.
    let two = row(&out, 68);
    assert_eq!(two[2], "1|9");
    assert!(
        two[13].contains("TLV tag 42 (0x2a) has no public meaning")
            && two[13].contains("Unknown TVS command 9")
    );
    assert_eq!(two[11], "de ad be ef");
    let bad = row(&out, 70);
    assert!(
        bad[13].contains("TLV 9 (TTL) claims 8 bytes, only 4 left"),
        "{bad:?}"
    );
    assert!(
        bad[13].contains("starts with 0x75, not the magic 0x57"),
        "{bad:?}"
    );
    assert_eq!(bad[12].len(), 14 * 3 - 1, "14 bytes of data: {bad:?}");
    assert_matches_expected("ciscotvs/decrypted.txt", &out);
}

#[test]
fn experts_have_their_severities() {
    let experts = |filter: &str| fields(DECRYPTED, filter, &["frame.number"], &[]);
    assert_eq!(experts("ciscotvs.status_invalid"), "32\n");
    assert_eq!(experts("ciscotvs.malformed"), "70\n");
    assert_eq!(experts("ciscotvs.unknown"), "48\n68\n");
    let notes = fields(DECRYPTED, "ciscotvs.unknown", &["_ws.expert.severity"], &[]);
    assert!(!notes.contains("6291456"), "notes, not warnings: {notes}");
    assert_eq!(
        experts("ciscotvs.split || ciscotvs.limit || ciscotvs.plugin_bug"),
        ""
    );
    let warnings = fields(
        DECRYPTED,
        "ciscotvs.status_invalid",
        &["_ws.expert.severity"],
        &[],
    );
    assert!(warnings.contains("6291456"), "warning severity: {warnings}");
}

/// Filters on what real messages carry: the device name without its type byte, each
/// one-byte role on its own; the roles' earlier name still filters (hidden in the tree).
#[test]
fn filters_match_the_real_layout() {
    let frames = |filter: &str| fields(DECRYPTED, filter, &["frame.number"], &[]);
    assert_eq!(
        frames("ciscotvs.device_name == \"CP-7821-SEPC80084AA8743\""),
        "12\n30\n48\n68\n"
    );
    assert_eq!(frames("ciscotvs.role == 3"), "52\n");
    assert_eq!(frames("ciscotvs.roles == 3"), "52\n");
    assert_eq!(frames("ciscotvs.role == 0 && ciscotvs.role == 3"), "52\n");
}

#[test]
fn certificates_go_to_the_x509_decoder() {
    let out = fields(
        DECRYPTED,
        "ciscotvs.certificate",
        &["frame.number", "x509sat.uTF8String", "x509af.serialNumber"],
        &[],
    );
    // Frames 6, 24, ... carry the server's own certificate (TLS decodes it): only
    // ours are selected here, and each names its subject.
    let frames: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(frames, ["12", "30", "52", "68"], "{out}");
    assert!(
        row(&out, 12)[1].contains("ITLRECOVERY_cucm-hc.lab.local"),
        "{out}"
    );
    assert!(row(&out, 52)[1].contains("Collaboration ClusterTwo|cucm-hc.lab.local"));
}

/// The same capture without its key log shows only the session markers: the
/// message fields come from decryption, nothing else.
#[test]
fn decryption_is_what_produces_the_messages() {
    let no_keys = variant("ciscotvs-no-secrets.pcapng", |from, to| {
        let status = std::process::Command::new("editcap")
            .args(["--discard-all-secrets", from, to])
            .status()
            .expect("run editcap");
        assert!(status.success());
    });
    assert_eq!(fields(&no_keys, MESSAGES, &["frame.number"], &[]), "");
    assert_eq!(
        fields(
            &no_keys,
            "ciscotvs.device_name || ciscotvs.tlv",
            &["frame.number"],
            &[]
        ),
        ""
    );
    let with_keys = fields(DECRYPTED, "ciscotvs.event", MARKERS, &[]);
    let without = fields(&no_keys, "ciscotvs.event", MARKERS, &[]);
    assert_eq!(with_keys, without, "the markers need no keys");
    assert!(without.contains("\trequest\t") && without.contains("\tresponse\t"));
}

/// With TLS's reassembly of application data off, the split answer cannot be
/// gathered: its first part is decoded and flagged, the second is not a message.
#[test]
fn a_split_message_is_flagged_when_tls_cannot_gather_it() {
    let off = ["-o", "tls.desegment_ssl_application_data:FALSE"];
    let out = fields(DECRYPTED, MESSAGES, MESSAGE_FIELDS, &off);
    let first = row(&out, 50);
    assert_eq!(first[2], "4");
    assert!(
        first[13].contains("announces 1053 bytes of TLVs, the data holds 590"),
        "{first:?}"
    );
    let second = row(&out, 52);
    assert!(second[13].contains("Not a TVS message"), "{second:?}");
    assert_eq!(
        fields(DECRYPTED, "ciscotvs.split", &["frame.number"], &off),
        "50\n"
    );
}

/// Our place in TLS's `tls.port` table follows the port preference. With the port
/// moved, Wireshark's TLS heuristic still finds and decrypts the sessions on 2445,
/// but TLS no longer hands their data to us.
#[test]
fn decrypted_messages_follow_the_port_preference() {
    let moved = ["-o", "ciscotvs.tcp_port:2446"];
    let finished = fields(
        DECRYPTED,
        "tls.handshake.type == 20",
        &["frame.number"],
        &moved,
    );
    assert_eq!(
        finished.lines().count(),
        8,
        "every Finished decrypted: {finished}"
    );
    assert_eq!(fields(DECRYPTED, MESSAGES, &["frame.number"], &moved), "");
    let off = fields(
        DECRYPTED,
        "ciscotvs",
        &["frame.number"],
        &["-o", "ciscotvs.tcp_port:0"],
    );
    assert_eq!(off, "");
}

#[test]
fn decrypted_two_passes_match_one_pass() {
    let one = fields(DECRYPTED, MESSAGES, MESSAGE_FIELDS, &[]);
    let two = fields(DECRYPTED, MESSAGES, MESSAGE_FIELDS, &["-2"]);
    assert_eq!(one, two);
}

/// Bit flips in the encrypted application data, with TLS told to keep records whose
/// MAC fails: the garbage reaches our parser (and the X.509 decoder) through the
/// real tshark. No crash, no plugin bug, problems reported as expert infos.
#[test]
fn garbled_decrypted_data_is_reported_not_fatal() {
    let mut flagged = 0;
    for seed in 1..=12u64 {
        let name = format!("ciscotvs-garbled-{seed}.pcapng");
        let name = variant(&name, |from, to| {
            let mut bytes = std::fs::read(from).unwrap();
            garble_application_data(&mut bytes, seed);
            std::fs::write(to, bytes).unwrap();
        });
        let s = common::sandbox();
        let path = s.capture(&name);
        let run = s.tshark(&[
            "-n",
            "-V",
            "-r",
            &path,
            "-o",
            "tls.ignore_ssl_mac_failed:TRUE",
        ]);
        run.assert_clean(&name);
        assert!(!run.stdout.contains("Plugin bug"), "{name}");
        flagged += fields(
            &name,
            "ciscotvs.malformed || ciscotvs.unknown || ciscotvs.data",
            &["frame.number"],
            &["-o", "tls.ignore_ssl_mac_failed:TRUE"],
        )
        .lines()
        .count();
    }
    assert!(
        flagged > 12,
        "garbage reached the parser: {flagged} frames flagged"
    );
}

/// Flips a few seeded bits in the explicit IV and first blocks of every TLS
/// application data record (17 03 03 length) found in the file, keeping the last
/// two blocks (padding) intact so TLS still hands the record on.
fn garble_application_data(bytes: &mut [u8], seed: u64) {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut at = 0;
    while at + 5 < bytes.len() {
        if bytes[at..at + 3] == [0x17, 0x03, 0x03] {
            let len = usize::from(u16::from_be_bytes([bytes[at + 3], bytes[at + 4]]));
            let body = at + 5;
            if len >= 64 && len % 16 == 0 && body + len <= bytes.len() {
                for _ in 0..3 {
                    let k = (next() % (len as u64 - 32)) as usize;
                    bytes[body + k] ^= 1 << (next() % 8);
                }
            }
        }
        at += 1;
    }
}

/// A relative time as tshark prints it ("1.250000000", "-0.5") in whole
/// nanoseconds, so that differences are exact.
fn nanoseconds(text: &str) -> i128 {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    assert!(frac.len() <= 9, "{text}");
    let whole: i128 = whole.parse().unwrap_or_else(|_| panic!("{text}"));
    let frac: i128 = format!("{frac:0<9}").parse().unwrap();
    sign * (whole * 1_000_000_000 + frac)
}

/// Issue 16: the durations are computed from Wireshark's own integer times,
/// so they match TCP's stock counterparts to the nanosecond: a session's
/// duration is `tcp.time_relative` of its closing frame (both count from the
/// connection's first frame), its response time the difference of
/// `tcp.time_relative` between the response and the request.
#[test]
fn durations_match_tcp_times_to_the_nanosecond() {
    let columns = [
        "frame.number",
        "tcp.stream",
        "tcp.time_relative",
        "ciscotvs.event",
        "ciscotvs.rtt",
        "ciscotvs.duration",
    ];
    let extra = ["-o", "tcp.calculate_timestamps:TRUE"];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut captures: Vec<String> = std::fs::read_dir(&dir)
        .expect("read captures/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".pcapng"))
        .collect();
    captures.sort();
    let (mut durations, mut rtts) = (0, 0);
    for capture in &captures {
        let out = fields(capture, "ciscotvs", &columns, &extra);
        // Per TCP stream, tcp.time_relative of its first request.
        let mut requests = std::collections::HashMap::new();
        for line in out.lines() {
            let row: Vec<&str> = line.split('\t').collect();
            assert_eq!(row.len(), columns.len(), "{capture}: {line}");
            let [frame, stream, relative, event, rtt, duration] = row[..] else {
                unreachable!()
            };
            if event == "request" {
                requests.entry(stream).or_insert(relative);
            }
            if !duration.is_empty() {
                assert_eq!(
                    duration, relative,
                    "{capture} frame {frame}: ciscotvs.duration (left) and tcp.time_relative"
                );
                durations += 1;
            }
            if !rtt.is_empty() {
                let asked = requests
                    .get(stream)
                    .unwrap_or_else(|| panic!("{capture} frame {frame}: rtt without request"));
                assert_eq!(
                    nanoseconds(rtt),
                    nanoseconds(relative) - nanoseconds(asked),
                    "{capture} frame {frame}: ciscotvs.rtt {rtt}, tcp.time_relative {relative} - {asked}"
                );
                // Printed as Wireshark prints a relative time: 9 decimals.
                assert_eq!(rtt.split_once('.').map(|(_, f)| f.len()), Some(9), "{rtt}");
                rtts += 1;
            }
        }
    }
    assert!(
        durations >= 3 && rtts >= 2,
        "compared {durations} durations, {rtts} rtts"
    );
}
