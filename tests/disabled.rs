//! With our protocols disabled (Analyze > Enabled Protocols, or tshark's
//! `--disable-protocol`), the plugin asks Wireshark for no field of other
//! protocols, so Wireshark builds no protocol tree because of it: a plain
//! read costs what it costs without the plugin (docs/performance.md). Here:
//! what is decoded is then exactly what tshark decodes without the plugin,
//! and a protocol left enabled alone still gets the fields it reads.
mod common;

use common::{sandbox, OUR_PROTOCOLS};

const LAB: &str = "emcc-lab-login.pcapng";

/// `--disable-protocol P` for each of ours except `keep`.
fn disable_all_but(keep: &[&str]) -> Vec<String> {
    OUR_PROTOCOLS
        .iter()
        .filter(|p| !keep.contains(p))
        .flat_map(|p| ["--disable-protocol".to_string(), p.to_string()])
        .collect()
}

#[test]
fn all_disabled_decodes_exactly_what_tshark_alone_decodes() {
    let s = sandbox();
    let capture = s.capture(LAB);
    // TLS names the application protocol registered on TVS's port (2445)
    // even when that protocol is disabled: the one difference, left out.
    let mut args: Vec<String> = ["-n", "-r", &capture, "-V", "-Y", "!(tcp.port == 2445)"]
        .map(String::from)
        .to_vec();
    let without = s.tshark_without_plugin(&args.iter().map(String::as_str).collect::<Vec<_>>());
    args.extend(disable_all_but(&[]));
    let with = s.tshark(&args.iter().map(String::as_str).collect::<Vec<_>>());
    with.assert_clean("all of ours disabled");
    assert!(with.stdout.len() > 100_000, "{}", with.stdout.len());
    assert!(with.stdout == without.stdout, "the outputs differ");
}

#[test]
fn a_protocol_enabled_alone_still_reads_its_inputs() {
    let s = sandbox();
    let capture = s.capture(LAB);
    // ciscoalarm's REGISTER reader takes SIP's Reason header from the fields
    // it asks Wireshark for: asked for even when the others are disabled.
    let mut args: Vec<String> = [
        "-n",
        "-r",
        &capture,
        "-Y",
        "ciscoalarm.reason.code",
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "ciscoalarm.reason.code",
    ]
    .map(String::from)
    .to_vec();
    args.extend(disable_all_but(&["ciscoalarm"]));
    let run = s.tshark(&args.iter().map(String::as_str).collect::<Vec<_>>());
    run.assert_clean("ciscoalarm alone");
    assert!(run.stdout.starts_with("6\t25\n"), "{}", run.stdout);
}
