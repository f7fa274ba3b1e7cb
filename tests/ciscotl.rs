//! `ciscotl` over the generated captures: the lab's downloads, the fallback
//! from HTTP to TFTP, a file missing on both, and the files themselves.
mod common;

use common::{assert_matches_expected, fields_output as fields};

const DOWNLOADS: &[&str] = &[
    "frame.number",
    "ciscotl.file",
    "ciscotl.file_kind",
    "ciscotl.device",
    "ciscotl.transport",
    "ciscotl.result",
    "ciscotl.fallback_from",
    "_ws.col.Info",
];

#[test]
fn lab_downloads_and_their_results() {
    let out = fields("emcc-lab-login.pcapng", "ciscotl", DOWNLOADS, &[]);
    for expected in [
        "72\tCTLSEPC80084AA8743.tlv\tCTL\tSEPC80084AA8743\tHTTP\tnot-found\t",
        "112\tCTLSEPC80084AA8743.tlv\tCTL\tSEPC80084AA8743\tHTTP\tunavailable\t",
        "116\tCTLSEPC80084AA8743.tlv\tCTL\tSEPC80084AA8743\tTFTP\t\t112\t",
        "117\tCTLSEPC80084AA8743.tlv\tCTL\tSEPC80084AA8743\tTFTP\tnot-found\t",
        "174\tSKb0ec918f-b9ee-994b-57ae-345883c1fde8.xml.sgn\tsoftkey\t\tHTTP\tok\t",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    assert_matches_expected("ciscotl/lab-downloads.txt", &out);
}

#[test]
fn the_engineer_is_told_what_a_failure_means() {
    let lab = fields(
        "emcc-lab-login.pcapng",
        "ciscotl.ctl_absent || ciscotl.unavailable || ciscotl.fallback_failed",
        &[
            "frame.number",
            "ciscotl.ctl_absent",
            "ciscotl.unavailable",
            "ciscotl.fallback_failed",
        ],
        &[],
    );
    // CTL: 404 from the VC, 503 then TFTP File not found from the HC: no
    // CTL is normal, no real problem anywhere.
    assert!(
        !lab.contains("fallback_failed") && lab.lines().count() == 3,
        "{lab}"
    );
    let broken = fields(
        "emcc-ctl-itl-unavailable.pcapng",
        "ciscotl.fallback_failed",
        &["frame.number", "ciscotl.file", "_ws.expert.message"],
        &[],
    );
    assert_eq!(broken.lines().count(), 1, "{broken}");
    assert!(
        broken.contains("ITLSEPC80084AA8743.tlv is unavailable over HTTP (503"),
        "{broken}"
    );
}

#[test]
fn trust_list_and_signed_files_are_decoded() {
    let out = fields(
        "emcc-lab-login.pcapng",
        "ciscotl.sha1",
        &[
            "frame.number",
            "ciscotl.file_kind",
            "ciscotl.version",
            "ciscotl.signer",
            "ciscotl.digest_alg",
            "ciscotl.timestamp",
            "ciscotl.filename",
            "ciscotl.record.function",
            "ciscotl.record.dns_name",
            "ciscotl.record.ip",
            "ciscotl.cfg.call_manager",
            "ciscotl.cfg.tftp_server",
            "ciscotl.cfg.emcc_url",
            "ciscotl.sha1",
        ],
        &[],
    );
    let itl = out
        .lines()
        .find(|l| l.starts_with("85\t"))
        .expect("the VC's ITL");
    assert!(itl.contains("\tITL\t1.2\t"), "{itl}");
    assert!(
        itl.contains("\t0|2|21|4\t"),
        "SAST, CCM+TFTP, TVS, CAPF: {itl}"
    );
    let home_config = out
        .lines()
        .find(|l| l.starts_with("161\t"))
        .expect("the HC's config");
    assert!(home_config.contains("192.168.7.200"), "{home_config}");
    assert!(home_config.contains("/emapp/EMAppServlet"), "{home_config}");
    assert_matches_expected("ciscotl/lab-files.txt", &out);
}

#[test]
fn two_passes_match_one_pass() {
    for capture in ["emcc-lab-login.pcapng", "emcc-ctl-itl-unavailable.pcapng"] {
        let one = fields(capture, "ciscotl", DOWNLOADS, &[]);
        let two = fields(capture, "ciscotl", DOWNLOADS, &["-2"]);
        assert_eq!(one, two, "{capture}");
    }
}

/// Broken trust lists and a cut signed configuration: flagged where they
/// break, with what could be decoded before.
#[test]
fn malformed_files_are_flagged_and_partly_decoded() {
    let out = fields(
        "ciscotl-malformed.pcapng",
        "ciscotl.sha1",
        &[
            "frame.number",
            "ciscotl.record.function",
            "_ws.expert.message",
        ],
        &[],
    );
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 5, "{out}");
    assert!(
        rows[0].contains("\t0|2|21\t") && rows[0].contains("goes past the end"),
        "cut: {}",
        rows[0]
    );
    assert!(
        rows[1].contains("Record length 0"),
        "zero-length record: {}",
        rows[1]
    );
    assert!(
        rows[2].contains("Unknown tag 238"),
        "unknown tag: {}",
        rows[2]
    );
    assert!(
        rows[3].contains("does not start with a version TLV"),
        "web page: {}",
        rows[3]
    );
    assert!(
        rows[4].contains("XML is truncated"),
        "cut config: {}",
        rows[4]
    );
    let flagged = fields(
        "ciscotl-malformed.pcapng",
        "ciscotl.malformed",
        &["frame.number"],
        &[],
    );
    assert!(flagged.lines().count() >= 4, "{flagged}");
}
