//! The plugin loads into the real tshark and registers what it promises.
mod common;

use common::{assert_matches_expected, protocol_of, sandbox, OUR_PROTOCOLS};

fn is_ours(abbrev: &str) -> bool {
    protocol_of(abbrev).is_some()
}

/// `F name abbrev type parent base bitmask blurb` lines of ours from `tshark -G fields`.
fn our_fields() -> Vec<Vec<String>> {
    let run = sandbox().tshark(&["-G", "fields"]);
    run.assert_clean("tshark -G fields");
    run.stdout
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect::<Vec<_>>())
        .filter(|cols| cols.len() > 2 && cols[0] == "F" && is_ours(&cols[2]))
        .collect()
}

#[test]
fn tshark_lists_the_plugin() {
    let run = sandbox().tshark(&["-G", "plugins"]);
    run.assert_clean("tshark -G plugins");
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("emcc.so"))
        .expect("emcc.so listed");
    assert!(line.contains(env!("CARGO_PKG_VERSION")), "{line}");
    assert!(line.contains("dissector"), "{line}");
}

#[test]
fn protocols_are_registered() {
    let run = sandbox().tshark(&["-G", "protocols"]);
    run.assert_clean("tshark -G protocols");
    for proto in OUR_PROTOCOLS {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.split('\t').nth(2) == Some(proto)),
            "protocol {proto} missing from -G protocols"
        );
    }
}

#[test]
fn field_list_is_stable() {
    let listing: String = our_fields()
        .iter()
        .map(|cols| format!("{}\t{}\t{}\n", cols[2], cols[3], cols[1]))
        .collect();
    assert_matches_expected("fields.txt", &listing);
}

/// Every field has a description that is a sentence, except the entries
/// Wireshark creates for expert infos (it gives them none). The reference
/// in docs/fields.md is generated from these (tests/docs.rs), and
/// docs/protocols.md says when each expert info is raised.
#[test]
fn every_field_is_described() {
    let fields = our_fields();
    assert!(!fields.is_empty());
    for cols in &fields {
        let (abbrev, ftype, blurb) = (&cols[2], &cols[3], cols.get(7).map_or("", String::as_str));
        if blurb.is_empty() {
            assert_eq!(ftype, "FT_NONE", "{abbrev} has no description");
        } else {
            assert!(
                blurb.ends_with('.'),
                "{abbrev}: blurb is not a sentence: {blurb}"
            );
        }
    }
}

/// The harness shows 4.6's ISO 8601 times as earlier releases print them
/// (see `common::normalise_stock_output`).
#[test]
fn iso_times_are_shown_as_older_tshark_prints_them() {
    use common::classic_times;
    assert_eq!(
        classic_times("5\t2019-03-09T18:29:01.327000000Z|2020-01-15T22:45:04Z\n"),
        "5\tMar  9, 2019 18:29:01.327000000 UTC|Jan 15, 2020 22:45:04 UTC\n"
    );
    assert_eq!(
        classic_times("2019-13-09T18:29:01Z"),
        "2019-13-09T18:29:01Z"
    );
    assert_eq!(
        classic_times("2019-03-09T18:29:01+01"),
        "2019-03-09T18:29:01+01"
    );
    assert_eq!(classic_times("no time"), "no time");
}

/// Our post-dissectors run together (one Wireshark post-dissector), yet a
/// protocol the user disables is skipped on its own, as Wireshark skips its
/// own post-dissectors: the others still decode.
#[test]
fn a_disabled_protocol_is_skipped_and_the_others_still_decode() {
    let s = sandbox();
    let lab = s.capture("emcc-lab-login.pcapng");
    let count = |disabled: &str| {
        let mut args = vec!["-n", "-r", &lab, "-T", "fields"];
        if !disabled.is_empty() {
            args.extend(["--disable-protocol", disabled]);
        }
        args.extend([
            "-e",
            "emcc.action",
            "-e",
            "ciscotl.file",
            "-e",
            "emccflow.phase",
        ]);
        let run = s.tshark(&args);
        run.assert_clean(&format!("disabled {disabled:?}"));
        let mut counts = [0usize; 3];
        for line in run.stdout.lines() {
            for (i, value) in line.split('\t').enumerate().take(3) {
                counts[i] += usize::from(!value.is_empty());
            }
        }
        counts
    };
    let all = count("");
    assert!(all.iter().all(|&n| n > 0), "everything decodes: {all:?}");
    let without_flow = count("emccflow");
    assert_eq!(without_flow, [all[0], all[1], 0]);
    let without_tl = count("ciscotl");
    assert_eq!(without_tl[0], all[0]);
    assert_eq!(without_tl[1], 0);
}
