//! The Wireshark configuration profile "EMCC" (`src/profile/`), installed by
//! the real `emcc-install` into the sandbox, against the real tshark with the
//! plugin: every field it names exists, every display filter in it compiles,
//! tshark run with `-C EMCC` reports no profile error, and its columns and
//! coloring rules do what they say on the lab capture.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use common::{assert_matches_expected, sandbox_with_profile as installed};

const PROFILE: &str = "EMCC";

fn profile_dir() -> PathBuf {
    installed()
        .home()
        .join(".config/wireshark/profiles")
        .join(PROFILE)
}

fn profile_file(name: &str) -> String {
    let path = profile_dir().join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Lines that are not comments or blank.
fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// (rule name, filter) of every coloring rule.
fn coloring_rules() -> Vec<(String, String)> {
    content_lines(&profile_file("colorfilters"))
        .map(|line| {
            let parts: Vec<&str> = line.split('@').collect();
            assert_eq!(
                parts.len(),
                4,
                "coloring rule not @name@filter@colours: {line}"
            );
            assert!(
                parts[3].starts_with('[') && parts[3].matches('[').count() == 2,
                "colours: {line}"
            );
            (parts[1].to_string(), parts[2].to_string())
        })
        .collect()
}

/// (label, filter) of every filter button; the file is Wireshark's UAT
/// format: quoted fields, `\x22` for a quote inside one.
fn filter_buttons() -> Vec<(String, String)> {
    content_lines(&profile_file("dfilter_buttons"))
        .map(|line| {
            let fields: Vec<String> = line
                .trim()
                .strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or_else(|| panic!("button not quoted: {line}"))
                .split("\",\"")
                .map(|f| f.replace("\\x22", "\""))
                .collect();
            assert_eq!(fields.len(), 4, "button needs 4 fields: {line}");
            assert!(fields[0] == "TRUE" || fields[0] == "FALSE", "{line}");
            assert!(!fields[1].is_empty() && !fields[3].is_empty(), "{line}");
            (fields[1].clone(), fields[2].clone())
        })
        .collect()
}

/// The fields of the custom columns (`%Cus:FIELD:occurrence:R`).
fn column_fields() -> Vec<String> {
    let prefs = profile_file("preferences");
    prefs
        .split("%Cus:")
        .skip(1)
        .map(|rest| rest.split(':').next().unwrap_or("").to_string())
        .collect()
}

/// Every display filter of the profile, named by where it comes from.
fn all_filters() -> Vec<(String, String)> {
    let mut filters: Vec<(String, String)> = coloring_rules()
        .into_iter()
        .map(|(name, f)| (format!("coloring rule {name:?}"), f))
        .collect();
    filters.extend(
        filter_buttons()
            .into_iter()
            .map(|(label, f)| (format!("filter button {label:?}"), f)),
    );
    filters
}

/// Names a filter refers to: words outside quoted strings that start with
/// a letter (fields and protocols; our filters use symbolic operators).
fn names_in(filter: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_string = false;
    let mut word = String::new();
    for c in filter.chars().chain([' ']) {
        if c == '"' {
            in_string = !in_string;
            continue;
        }
        if !in_string && (c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-') {
            word.push(c);
            continue;
        }
        if word.starts_with(|c: char| c.is_ascii_alphabetic()) {
            names.push(word.clone());
        }
        word.clear();
    }
    names
}

#[test]
fn profile_has_columns_rules_and_buttons() {
    assert_eq!(
        column_fields(),
        [
            "emccflow.phase",
            "emccflow.device",
            "emccflow.user",
            "emccflow.cluster"
        ]
    );
    let rules = coloring_rules();
    for phase in 1..=8 {
        assert!(
            rules
                .iter()
                .any(|(_, f)| f == &format!("emccflow.phase == {phase}")),
            "no coloring rule for phase {phase}"
        );
    }
    for diagnosis in [
        "login_refused",
        "files_unavailable",
        "tvs_failed",
        "register_rejected",
        "stuck",
        "fell_back",
    ] {
        let field = format!("emccflow.{diagnosis}");
        let first_rule = rules.iter().position(|(_, f)| names_in(f).contains(&field));
        let first_phase = rules
            .iter()
            .position(|(_, f)| f.starts_with("emccflow.phase"));
        assert!(
            first_rule.is_some() && first_rule < first_phase,
            "{field} must be coloured before the phase tints (the first match wins)"
        );
    }
    let labels: Vec<String> = filter_buttons().into_iter().map(|(l, _)| l).collect();
    for label in [
        "This phone",
        "Alarms",
        "Trust path",
        "Registrations",
        "Reg. trouble",
        "Errors only",
    ] {
        assert!(labels.iter().any(|l| l == label), "no button {label:?}");
    }
}

#[test]
fn every_field_named_in_the_profile_exists() {
    let s = installed();
    let run = s.tshark(&["-G", "fields"]);
    run.assert_clean("tshark -G fields");
    let known: BTreeSet<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.split('\t').nth(2))
        .collect();
    let mut named: Vec<(String, String)> = column_fields()
        .into_iter()
        .map(|f| ("a column".to_string(), f))
        .collect();
    for (place, filter) in all_filters() {
        named.extend(names_in(&filter).into_iter().map(|n| (place.clone(), n)));
    }
    assert!(named.len() > 40, "too few names found: {named:?}");
    let missing: Vec<String> = named
        .iter()
        .filter(|(_, name)| !known.contains(name.as_str()))
        .map(|(place, name)| format!("{name} (in {place})"))
        .collect();
    assert!(
        missing.is_empty(),
        "fields tshark does not know: {missing:?}"
    );
}

#[test]
fn every_filter_in_the_profile_compiles() {
    let s = installed();
    let capture = s.capture("emcc-lab-login.pcapng");
    let filters = all_filters();
    // One run for all of them; only on failure one run each, to name it.
    let all: Vec<String> = filters.iter().map(|(_, f)| format!("({f})")).collect();
    let run = s.tshark(&["-n", "-r", &capture, "-Y", &all.join(" || "), "-c", "1"]);
    if run.code == Some(0) && run.stderr.is_empty() {
        return;
    }
    let mut failures = Vec::new();
    for (place, filter) in &filters {
        let run = s.tshark(&["-n", "-r", &capture, "-Y", filter, "-c", "1"]);
        if run.code != Some(0) || !run.stderr.is_empty() {
            failures.push(format!("{place}: {filter}\n{}", run.stderr));
        }
    }
    panic!(
        "display filters of the profile do not compile:\n{}",
        failures.join("\n")
    );
}

#[test]
fn tshark_reads_the_profile_without_complaint() {
    let s = installed();
    let capture = s.capture("emcc-lab-login.pcapng");
    // --color makes tshark compile the coloring rules too.
    let run = s.tshark(&["-C", PROFILE, "--color", "-n", "-r", &capture]);
    run.assert_clean("tshark -C EMCC");
    assert!(
        run.stderr.trim().is_empty(),
        "tshark complains about the profile:\n{}",
        run.stderr
    );
    let summary = |frame: &str| {
        run.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{frame} ")))
            .unwrap_or_else(|| panic!("frame {frame} in the summary"))
    };
    // The summary line uses the profile's columns: phase, device, user, cluster.
    let frame_110 = summary("110");
    assert!(
        frame_110.contains("Home-cluster trust SEPC80084AA8743 adgjm home"),
        "{frame_110}"
    );
    // Addresses and ports as numbers: the phone's MAC, not "Cisco_aa:87:43"
    // (by default Wireshark names a MAC's manufacturer), 5060, not "sip".
    let frame_1 = summary("1");
    assert!(
        frame_1.contains("c8:00:84:aa:87:43 → ff:ff:ff:ff:ff:ff ARP"),
        "{frame_1}"
    );
    let frame_3 = summary("3");
    assert!(frame_3.contains(" 49921 → 5060 [SYN]"), "{frame_3}");
    let names = s.tshark(&[
        "-C",
        PROFILE,
        "-r",
        &capture,
        "-Y",
        "frame.number <= 2",
        "-T",
        "fields",
        "-e",
        "eth.src_resolved",
        "-e",
        "eth.dst_resolved",
    ]);
    names.assert_clean("resolved names with the profile");
    assert_eq!(
        names.stdout,
        "c8:00:84:aa:87:43\tff:ff:ff:ff:ff:ff\n00:50:56:8a:3c:11\tc8:00:84:aa:87:43\n"
    );
}

/// The profile's column widths (`recent`) are for its columns
/// (`preferences`), one each, in the same order; tests/gui.sh checks in the
/// real Wireshark that each is wide enough for its widest text.
#[test]
fn column_widths_match_the_columns() {
    let prefs = profile_file("preferences");
    let formats: Vec<String> = prefs
        .split("gui.column.format:")
        .nth(1)
        .expect("gui.column.format in preferences")
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with('\t'))
        .map(|l| {
            let format = l.trim().trim_end_matches(',').rsplit(", ").next().unwrap();
            // "%Cus:FIELD:0:R" is saved as "%Cus:FIELD" in recent.
            let format = format.trim_matches('"');
            match format.strip_prefix("%Cus:") {
                Some(custom) => format!("%Cus:{}", custom.split(':').next().unwrap()),
                None => format.to_string(),
            }
        })
        .collect();
    let recent =
        fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/profile/recent"))
            .unwrap();
    let widths: Vec<(String, u32)> = recent
        .split("column.width:")
        .nth(1)
        .expect("column.width in recent")
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with('\t'))
        .map(|l| {
            let (format, width) = l.trim().trim_end_matches(',').rsplit_once(", ").unwrap();
            (format.trim_matches('"').to_string(), width.parse().unwrap())
        })
        .collect();
    let width_formats: Vec<String> = widths.iter().map(|(f, _)| f.clone()).collect();
    assert_eq!(width_formats, formats);
    assert!(
        widths.iter().all(|(_, w)| (40..=2000).contains(w)),
        "{widths:?}"
    );
}

/// Which coloring rule each labelled frame of the lab login gets, counted.
#[test]
fn lab_login_frames_are_coloured_by_phase() {
    let s = installed();
    let capture = s.capture("emcc-lab-login.pcapng");
    let run = s.tshark(&[
        "-C",
        PROFILE,
        "--color",
        "-n",
        "-r",
        &capture,
        "-Y",
        "emccflow",
        "-T",
        "fields",
        "-e",
        "emccflow.phase",
        "-e",
        "frame.coloring_rule.name",
    ]);
    run.assert_clean("coloring rules over the lab capture");
    let mut counts = std::collections::BTreeMap::new();
    for line in run.stdout.lines() {
        *counts.entry(line.to_string()).or_insert(0) += 1;
    }
    let table: String = counts
        .iter()
        .map(|(line, n)| format!("{n}\t{line}\n"))
        .collect();
    assert_matches_expected("profile/lab-login-colours.txt", &table);
}
