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
            "ciscotl.signer.serial",
            "ciscotl.signer.ca_name",
            "ciscotl.key_size",
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
    // The signer ID container's name, serial and CA name, and the one-byte key-size
    // index (2: 2048 bits), as certutils writes them.
    assert!(
        itl.contains("\tCN=ITLRECOVERY_cucm-vc.lab.local;"),
        "signer name: {itl}"
    );
    assert!(itl.contains("\t2048\t"), "key size: {itl}");
    let signed = out
        .lines()
        .find(|l| l.starts_with("102\t"))
        .expect("the VC's config");
    assert!(
        signed.contains("\tsigned-config\t1.0\t"),
        "signed files carry header version 1.0: {signed}"
    );
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

/// Files laid out as certutils writes them and Cisco 118893's `show ctl` prints them
/// (container signer, one-byte key size, bare 0x0D padding): no warning, no note.
#[test]
fn real_layouts_trigger_no_expert_info() {
    let flagged = fields(
        "emcc-lab-login.pcapng",
        "ciscotl.malformed || ciscotl.unusual",
        &["frame.number", "_ws.expert.message"],
        &[],
    );
    assert_eq!(flagged, "", "{flagged}");
}

const TFTP: &str = "ciscotl-tftp.pcapng";

const TRANSFERS: &[&str] = &[
    "frame.number",
    "ciscotl.file",
    "ciscotl.file_kind",
    "ciscotl.transport",
    "ciscotl.result",
    "ciscotl.fallback_from",
    "ciscotl.size",
    "ciscotl.tftp.blocks",
    "ciscotl.tftp.block_size",
    "ciscotl.tftp.tsize",
    "_ws.col.Info",
];

/// The row of `frame` in tab-separated output, split into columns.
fn row(out: &str, frame: u32) -> Vec<String> {
    let prefix = format!("{frame}\t");
    let line = out
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no frame {frame} in\n{out}"));
    line.split('\t').map(str::to_string).collect()
}

/// HTTP 503 for the CTL, then the TFTP fallback that completes; the ITL with
/// a negotiated block size; the signed configuration aborted, then whole; the
/// softkey template with a block the sniffer missed.
#[test]
fn tftp_transfers_and_their_results() {
    let out = fields(TFTP, "ciscotl", TRANSFERS, &[]);
    assert_eq!(row(&out, 6)[4], "unavailable", "the HTTP 503");
    let request = row(&out, 10);
    assert_eq!(&request[2..6], ["CTL", "TFTP", "", "6"], "{request:?}");
    let ctl = row(&out, 35);
    assert_eq!(
        &ctl[2..10],
        ["CTL", "TFTP", "ok", "6", "6514", "13", "512", ""],
        "the fallback's last block, linked to the HTTP failure: {ctl:?}"
    );
    assert!(
        ctl[10].ends_with("[CTL TFTP ok, fallback from frame 6]"),
        "{ctl:?}"
    );
    let itl = row(&out, 48);
    assert_eq!(
        &itl[2..10],
        ["ITL", "TFTP", "ok", "", "6526", "5", "1468", "6526"],
        "blksize and tsize from the OACK: {itl:?}"
    );
    let aborted = row(&out, 60);
    assert_eq!(
        &aborted[2..9],
        [
            "signed-config",
            "TFTP",
            "tftp-error",
            "",
            "2048",
            "4",
            "512"
        ],
        "{aborted:?}"
    );
    assert_eq!(&row(&out, 94)[4..8], ["ok", "", "8270", "17"]);
    assert_eq!(
        &row(&out, 110)[2..8],
        ["softkey", "TFTP", "incomplete", "", "1024", "2"],
        "blocks 1-2 before the missed block 3"
    );
    assert!(
        !out.lines().any(|l| l.starts_with("115\t")),
        "a transfer cut by the end of the capture is only known on a later pass:\n{out}"
    );
    assert_matches_expected("ciscotl/tftp-transfers.txt", &out);
}

const FILE_FIELDS: &[&str] = &[
    "frame.number",
    "ciscotl.file_kind",
    "ciscotl.version",
    "ciscotl.signer",
    "ciscotl.digest_alg",
    "ciscotl.timestamp",
    "ciscotl.filename",
    "ciscotl.record.function",
    "ciscotl.record.dns_name",
    "ciscotl.record.subject",
    "ciscotl.record.ip",
    "ciscotl.cfg.call_manager",
    "ciscotl.cfg.tftp_server",
    "ciscotl.cfg.emcc_url",
    "ciscotl.sha1",
];

/// TFTP-carried files get the decoders and fields of HTTP-carried ones.
#[test]
fn tftp_files_are_decoded_like_http_ones() {
    let out = fields(TFTP, "ciscotl.version", FILE_FIELDS, &[]);
    let ctl = row(&out, 35);
    assert_eq!(ctl[1], "CTL");
    assert_eq!(ctl[2], "1.2");
    assert!(ctl[3].starts_with("CN=cucm-hc.lab.local;"), "{ctl:?}");
    assert_eq!(ctl[4], "2", "SHA-256");
    assert_eq!(ctl[6], "CTLFile.tlv");
    assert_eq!(ctl[7], "0|2|4|0", "SAST, CCM+TFTP, CAPF, SAST");
    assert!(
        ctl[9].contains("CN=ITLRECOVERY_cucm-hc.lab.local"),
        "{ctl:?}"
    );
    assert_eq!(
        ctl[10],
        "192.168.7.200|192.168.7.200|192.168.7.200|192.168.7.200"
    );
    assert_eq!(ctl[14].len(), 59, "a SHA-1: {ctl:?}");
    let itl = row(&out, 48);
    assert_eq!(
        (itl[6].as_str(), itl[7].as_str()),
        ("ITLFile.tlv", "0|2|21|4")
    );
    let config = row(&out, 94);
    assert_eq!(config[1], "signed-config");
    assert_eq!(
        config[11], "192.168.7.200",
        "the home cluster's call manager"
    );
    assert!(config[13].contains("/emapp/EMAppServlet"), "{config:?}");
    assert_matches_expected("ciscotl/tftp-files.txt", &out);
}

/// The same home-cluster ITL over HTTP (the lab login) and over TFTP: one
/// SHA-1, so the TFTP file is put together byte for byte.
#[test]
fn the_itl_over_tftp_is_the_itl_over_http() {
    let sha1 = |capture: &str, frame: u32| {
        let out = fields(
            capture,
            "ciscotl.sha1",
            &["frame.number", "ciscotl.sha1"],
            &[],
        );
        row(&out, frame)[1].clone()
    };
    let http = sha1("emcc-lab-login.pcapng", 127);
    assert!(!http.is_empty());
    assert_eq!(sha1(TFTP, 48), http);
}

/// Each complete file matches what Wireshark's own TFTP export writes, and
/// the plugin changes nothing in that export: tshark exports the same files
/// and ends the same way with and without it. Where the releases differ it
/// is tshark's own doing: 4.2 (seen with 4.2.2) exports no TFTP file at all,
/// and 4.6 (seen with 4.6.9) aborts ("free(): invalid size") after writing
/// them, plugin or not.
#[test]
fn tftp_files_match_wiresharks_export() {
    let s = common::sandbox();
    let path = s.capture(TFTP);
    let export = |suffix: &str, with_plugin: bool| {
        let dir =
            std::env::temp_dir().join(format!("emcc-tftp-export-{}-{suffix}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        let target = format!("tftp,{}", dir.display());
        let args = ["-n", "-r", &path, "-q", "--export-objects", &target];
        let run = if with_plugin {
            s.tshark(&args)
        } else {
            s.tshark_without_plugin(&args)
        };
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        (dir, run, files)
    };
    let (dir, run, files) = export("plugin", true);
    let (bare_dir, bare, bare_files) = export("bare", false);
    let _ = std::fs::remove_dir_all(&bare_dir);
    assert_eq!(
        run.code, bare.code,
        "tshark ends the same with and without the plugin:\n{}",
        run.stderr
    );
    common::assert_no_panic_text(&run.stderr, "export objects");
    if !common::ws_at_least(4, 6) {
        run.assert_clean("export objects");
    }
    let names = |files: &[std::path::PathBuf]| -> Vec<String> {
        files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&files), names(&bare_files), "the same files exported");
    let ours = fields(TFTP, "ciscotl.sha1", &["ciscotl.file", "ciscotl.sha1"], &[]);
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let sum = std::process::Command::new("sha1sum")
            .arg(file)
            .output()
            .expect("sha1sum");
        let hex: String = String::from_utf8_lossy(&sum.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        let spaced: Vec<String> = hex
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let expected = format!("{name}\t{}", spaced.join(" "));
        assert!(ours.contains(&expected), "{expected} not in\n{ours}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let exported_by_this_tshark = if common::ws_release() == (4, 2) { 0 } else { 3 };
    assert_eq!(
        files.len(),
        exported_by_this_tshark,
        "CTL, ITL and the whole signed configuration (none from tshark 4.2)"
    );
}

/// A block missing from the capture and an error in the middle: warned about
/// with what it means, and what arrived before is decoded (no SHA-1 of a part).
#[test]
fn incomplete_and_aborted_transfers_say_what_happened() {
    let out = fields(
        TFTP,
        "ciscotl.incomplete || ciscotl.transfer_aborted",
        &[
            "frame.number",
            "ciscotl.incomplete",
            "ciscotl.transfer_aborted",
            "ciscotl.signer",
            "ciscotl.sha1",
            "_ws.expert.message",
        ],
        &[],
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    let aborted = row(&out, 60);
    assert!(
        aborted[3].starts_with("CN=cucm-hc.lab.local"),
        "header decoded: {aborted:?}"
    );
    assert_eq!(aborted[4], "", "no SHA-1 of a part");
    assert!(
        aborted[5].contains(
            "The server aborted SEPC80084AA8743.cnf.xml.sgn after block 4 with TFTP error 0 \
             (Not defined) \"Transfer timed out\": the message says why; 4 blocks (2048 bytes) decoded"
        ),
        "{aborted:?}"
    );
    let missed = row(&out, 110);
    assert!(missed[3].starts_with("CN=cucm-hc.lab.local"), "{missed:?}");
    assert_eq!(missed[4], "");
    assert!(
        missed[5].contains(
            "Block 3 of SKb0ec918f-b9ee-994b-57ae-345883c1fde8.xml.sgn is missing from the \
             capture or cut short (the last block is there): 2 blocks (1024 bytes) decoded"
        ),
        "{missed:?}"
    );
    let severities = fields(
        TFTP,
        "ciscotl.incomplete || ciscotl.transfer_aborted",
        &["frame.number", "_ws.expert.severity"],
        &[],
    );
    assert!(
        severities.lines().all(|l| l.contains("6291456")),
        "warnings: {severities}"
    );
}

/// The capture ends in the middle of the unsigned configuration: a later
/// pass knows that no block follows and decodes the part that arrived.
#[test]
fn a_transfer_cut_by_the_end_of_the_capture_shows_on_a_later_pass() {
    let fields_of = &[
        "frame.number",
        "ciscotl.file",
        "ciscotl.result",
        "ciscotl.size",
        "ciscotl.cfg.call_manager",
        "ciscotl.incomplete",
        "_ws.expert.message",
    ];
    let one = fields(TFTP, "ciscotl.incomplete", fields_of, &[]);
    assert!(
        !one.contains("\n115\t") && !one.starts_with("115\t"),
        "{one}"
    );
    let two = fields(TFTP, "ciscotl.incomplete", fields_of, &["-2"]);
    let cut = row(&two, 115);
    assert_eq!(
        &cut[1..5],
        [
            "SEPC80084AA8743.cnf.xml",
            "incomplete",
            "1024",
            "192.168.7.200"
        ],
        "{cut:?}"
    );
    assert!(
        cut[6].contains(
            "Nothing of SEPC80084AA8743.cnf.xml after block 2 is in the capture (it ended, \
             or lost the rest): 2 blocks (1024 bytes) decoded"
        ),
        "{cut:?}"
    );
    // Everything else is as on one pass.
    let all_one = fields(TFTP, "ciscotl", TRANSFERS, &[]);
    let all_two = fields(TFTP, "ciscotl", TRANSFERS, &["-2"]);
    let without_cut: String = all_two
        .lines()
        .filter(|l| !l.starts_with("115\t"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(all_one, without_cut);
}

/// With Wireshark's `tftp.defragment` on, the file is decoded on Wireshark's
/// reassembled data; off (the default), on a data source of the plugin's
/// own. The values are the same.
#[test]
fn wiresharks_reassembly_is_used_when_it_is_on() {
    let defragment = ["-o", "tftp.defragment:TRUE"];
    let plain = fields(TFTP, "ciscotl.version", FILE_FIELDS, &[]);
    let reassembled = fields(TFTP, "ciscotl.version", FILE_FIELDS, &defragment);
    assert_eq!(plain, reassembled);
    let s = common::sandbox();
    let path = s.capture(TFTP);
    let sources = |extra: &[&str]| {
        let mut args = vec!["-n", "-r", &path, "-x", "-Y", "frame.number == 35"];
        args.extend_from_slice(extra);
        let run = s.tshark(&args);
        run.assert_clean("hex dump of frame 35");
        run.stdout
            .lines()
            .filter(|l| l.ends_with("bytes):"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        sources(&[]),
        ["Frame (416 bytes):", "TFTP file (CiscoTL) (6514 bytes):"]
    );
    assert_eq!(
        sources(&defragment),
        ["Frame (416 bytes):", "Reassembled TFTP (6514 bytes):"]
    );
}
