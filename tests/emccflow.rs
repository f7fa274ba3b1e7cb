//! `emccflow` over the generated captures: the phase of every frame the
//! article's tables list, each failure ending in the right phase with the
//! right diagnosis, the `-z emccflow` report, the statistics tree, the same
//! labels in one and two passes, and a capture that starts mid-flow.
mod common;

use common::{assert_matches_expected, fields_output as fields, sandbox};

/// The article's packet tables, by section: (first, last article frame, phase).
const ARTICLE_SECTIONS: &[(u32, u32, u32)] = &[
    (5, 8, 1),     // "The device is registered with the visiting cluster"
    (127, 324, 2), // "The EMCC service is selected and the user logs into the service"
    (342, 362, 3), // "The phone receives a notify telling it to restart ..."
    (372, 415, 4), // "The phone requests the CTL/ITL/CNF from the visiting cluster"
    (445, 497, 5), // "The phone requests the CTL from the home cluster ... TVS"
    (509, 554, 6), // "... config file and softkey template from the home cluster"
    (570, 596, 7), // "Then the phone moves forward with registering to the home cluster"
];

fn article_phase(row: u32) -> Option<u32> {
    ARTICLE_SECTIONS
        .iter()
        .find(|(first, last, _)| (*first..=*last).contains(&row))
        .map(|&(_, _, phase)| phase)
}

/// (frame, article row, phase shown) for every frame commented `article #N`.
fn article_rows(extra: &[&str]) -> Vec<(u32, u32, Option<u32>)> {
    let out = fields(
        "emcc-lab-login.pcapng",
        "frame.comment contains \"article #\"",
        &["frame.number", "frame.comment", "emccflow.phase"],
        extra,
    );
    out.lines()
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let frame = cols[0].parse().unwrap();
            let row = cols[1]
                .split("article #")
                .nth(1)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|r| r.parse().ok())
                .unwrap_or_else(|| panic!("frame {frame}: no article row in {:?}", cols[1]));
            (frame, row, cols[2].parse().ok())
        })
        .collect()
}

#[test]
fn lab_frames_carry_the_phase_of_their_article_section() {
    for extra in [&[][..], &["-2"][..]] {
        let rows = article_rows(extra);
        assert!(rows.len() >= 50, "only {} article rows", rows.len());
        let mut checked = 0;
        for (frame, row, shown) in rows {
            // Rows outside the tables (e.g. the TCP handshake rows of the TVS
            // table are inside; ARP is not) are skipped.
            let Some(expected) = article_phase(row) else {
                continue;
            };
            assert_eq!(
                shown,
                Some(expected),
                "frame {frame} (article #{row}) with {extra:?}"
            );
            checked += 1;
        }
        assert!(checked >= 50, "only {checked} rows checked");
    }
}

const LABEL: &[&str] = &[
    "frame.number",
    "emccflow.phase",
    "emccflow.attempt",
    "emccflow.cluster",
    "emccflow.device",
    "emccflow.user",
    "emccflow.phone",
    "emccflow.elapsed",
    "emccflow.step",
];

#[test]
fn lab_labels_every_frame_of_the_login() {
    let out = fields("emcc-lab-login.pcapng", "emccflow", LABEL, &["-2"]);
    assert_matches_expected("emccflow/lab-login-labels.txt", &out);
    // Everything but the two ARP frames belongs to the login.
    assert_eq!(out.lines().count(), 200);
}

/// Single pass cannot label a connection's handshake before its first
/// message shows what it is; every other frame gets the same label.
#[test]
fn one_pass_and_two_passes_agree() {
    // (Wireshark's own Info text of reassembled segments differs between
    // passes, so the suffix is checked on its own.)
    let fields_ = ["frame.number", "emccflow.phase", "emccflow.step"];
    for capture in [
        "emcc-lab-login.pcapng",
        "emcc-tvs-reset.pcapng",
        "emcc-lab-logout.pcapng",
    ] {
        let one = fields(capture, "", &fields_, &[]);
        let two = fields(capture, "", &fields_, &["-2"]);
        let mut unlabelled = 0;
        for (a, b) in one.lines().zip(two.lines()) {
            if a == b {
                continue;
            }
            let one_cols: Vec<&str> = a.split('\t').collect();
            let two_cols: Vec<&str> = b.split('\t').collect();
            assert!(
                one_cols[1].is_empty() && two_cols[2].starts_with("TCP handshake"),
                "{capture}: one pass {a:?} vs two passes {b:?}"
            );
            unlabelled += 1;
        }
        assert_eq!(one.lines().count(), two.lines().count());
        let info = fields(
            capture,
            "emccflow",
            &["emccflow.phase", "_ws.col.Info"],
            &[],
        );
        for line in info.lines() {
            let (phase, info) = line.split_once('\t').unwrap();
            assert!(
                info.contains(&format!("[EMCC {phase} ")),
                "{capture}: Info without the phase suffix: {line}"
            );
        }
        assert!(unlabelled <= 45, "{capture}: {unlabelled} frames differ");
    }
}

fn report(capture: &str, extra: &[&str]) -> String {
    let s = sandbox();
    let path = s.capture(capture);
    let mut args = vec!["-n", "-q", "-r", &path, "-z", "emccflow"];
    args.extend_from_slice(extra);
    let run = s.tshark(&args);
    run.assert_clean(&format!("-z emccflow over {capture}"));
    run.stdout
}

#[test]
fn lab_report() {
    let out = report("emcc-lab-login.pcapng", &[]);
    assert_matches_expected("emccflow/lab-login-report.txt", &out);
    assert!(out.contains("Verdict: completed in 27.0 s"), "{out}");
    // Two passes also label the handshakes of the connections (single pass
    // cannot: see one_pass_and_two_passes_agree), so phases start a frame or
    // three earlier; the attempt and its verdict are the same.
    let two = report("emcc-lab-login.pcapng", &["-2"]);
    assert_matches_expected("emccflow/lab-login-report-2pass.txt", &two);
    assert!(two.contains("Verdict: completed in 27.0 s"), "{two}");
}

#[test]
fn statistics_tree() {
    let s = sandbox();
    let path = s.capture("emcc-tvs-reset.pcapng");
    let run = s.tshark(&["-n", "-q", "-r", &path, "-z", "emccflow,tree"]);
    run.assert_clean("-z emccflow,tree");
    let counts: Vec<String> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with('=') && !l.starts_with('-'))
        // Name and count only: rates depend on nothing of ours.
        .map(|l| {
            // Columns are separated by runs of spaces; names have single ones.
            let mut cols = l.split("  ").map(str::trim).filter(|c| !c.is_empty());
            let name = cols.next().unwrap_or("");
            let count = cols.next().unwrap_or("");
            format!("{name}\t{count}")
        })
        .collect();
    assert_matches_expected("emccflow/tvs-reset-tree.txt", &(counts.join("\n") + "\n"));
}

/// Each failure capture: its report (with the verdict), and the expert info
/// raised at the frame where the login went wrong.
#[test]
fn failures_end_in_the_right_phase_with_the_right_diagnosis() {
    let cases = [
        (
            "emcc-login-refused",
            "emccflow.login_refused",
            "stopped in phase 2: login refused, EMApp error 201",
        ),
        (
            "emcc-home-unknown-user",
            "emccflow.login_refused",
            "stopped in phase 2: home cluster refused the login, EMService error 23 (user does not exist)",
        ),
        (
            "emcc-ctl-itl-unavailable",
            "emccflow.files_unavailable",
            "stopped in phase 5: home-cluster ITL unavailable over HTTP and TFTP",
        ),
        (
            "emcc-tvs-reset",
            "emccflow.tvs_failed",
            "stopped in phase 5: TVS reset the session before answering",
        ),
        (
            "emcc-tvs-no-response",
            "emccflow.tvs_failed",
            "stopped in phase 5: TVS never answered",
        ),
        (
            "emcc-home-register-rejected",
            "emccflow.register_rejected",
            "stopped in phase 7: home registration rejected (403 Forbidden)",
        ),
        (
            "emcc-lab-logout",
            "emccflow.completed",
            "logout completed in 4.8 s",
        ),
    ];
    for (capture, expert, verdict) in cases {
        let file = format!("{capture}.pcapng");
        let out = report(&file, &[]);
        assert!(
            out.contains(&format!("Verdict: {verdict}")),
            "{capture}: no verdict {verdict:?} in\n{out}"
        );
        assert_matches_expected(&format!("emccflow/{capture}-report.txt"), &out);
        let flagged = fields(&file, expert, &["frame.number", "emccflow.phase"], &[]);
        assert_eq!(
            flagged.lines().count(),
            1,
            "{capture}: {expert} should be raised once: {flagged}"
        );
    }
    // A phone that gives up on the home cluster says so where it registers back.
    let fell_back = fields(
        "emcc-tvs-reset.pcapng",
        "emccflow.fell_back",
        &["sip.Method", "emccflow.phase", "emccflow.cluster"],
        &[],
    );
    assert_eq!(fell_back, "REGISTER\t5\tvisiting\n");
}

#[test]
fn logout_is_phase_8() {
    let out = fields(
        "emcc-lab-logout.pcapng",
        "emccflow",
        &["emccflow.phase", "emccflow.attempt"],
        &[],
    );
    assert!(out.lines().count() > 50);
    assert!(out.lines().all(|l| l.starts_with('8')), "{out}");
}

/// A copy of the lab capture that starts at the restart NOTIFY.
fn lab_from(first_frame: u32, tag: &str) -> String {
    let s = sandbox();
    let dir = std::env::temp_dir().join(format!("emcc-flow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(format!("{tag}.pcapng"));
    let status = std::process::Command::new("editcap")
        .args(["-r", &s.capture("emcc-lab-login.pcapng")])
        .arg(&out)
        .arg(format!("{first_frame}-1000"))
        .status()
        .expect("run editcap");
    assert!(status.success());
    for path in [&dir, &out] {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    out.to_string_lossy().into_owned()
}

#[test]
fn capture_starting_at_the_restart_is_labelled_from_there() {
    let s = sandbox();
    let path = lab_from(47, "from-notify");
    let run = s.tshark(&[
        "-n",
        "-2",
        "-r",
        &path,
        "-Y",
        "sip.Method || ciscotl.file_kind || emccflow.mid_flow",
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "emccflow.phase",
        "-e",
        "emccflow.cluster",
        "-e",
        "_ws.expert.message",
    ]);
    run.assert_clean("mid-flow capture");
    assert_matches_expected("emccflow/mid-flow-from-notify.txt", &run.stdout);
    let first = run.stdout.lines().next().unwrap_or("");
    assert!(first.contains("\t3\tvisiting\t"), "{first}");
    assert!(first.contains("no EMApp login of this phone"), "{first}");
    let report = s.tshark(&["-n", "-q", "-r", &path, "-z", "emccflow"]);
    assert!(
        report.stdout.contains("Verdict: completed in"),
        "{}",
        report.stdout
    );
}

/// Starting even later, after the phone has left the visiting cluster: the
/// home cluster's address in the preferences lets the flow pick it up.
#[test]
fn home_cluster_preference_picks_up_a_late_capture() {
    let s = sandbox();
    let path = lab_from(107, "from-home-ctl");
    let args = |extra: &'static [&'static str]| {
        let mut a = vec!["-n", "-r", path.as_str(), "-q", "-z", "emccflow"];
        a.extend_from_slice(extra);
        a
    };
    let without = s.tshark(&args(&[]));
    assert!(without.stdout.contains("Attempts: 0"), "{}", without.stdout);
    let with = s.tshark(&args(&["-o", "emccflow.home_clusters:192.168.7.200"]));
    with.assert_clean("home_clusters preference");
    assert!(with.stdout.contains("Attempts: 1"), "{}", with.stdout);
    assert!(
        with.stdout.contains("Verdict: completed in"),
        "{}",
        with.stdout
    );
}

/// Every frame commented `flow: DEVICE phase N` by the generator shows that
/// phase and device, in one pass and two; the phone caught mid-flow names
/// no device on its first frames. Returns how many frames were checked.
fn follows_the_generators_ground_truth(capture: &str, mid_flow_phone: &str) -> usize {
    let mut checked = 0;
    for extra in [&[][..], &["-2"][..]] {
        let out = fields(
            capture,
            "frame.comment contains \"flow:\"",
            &[
                "frame.number",
                "frame.comment",
                "emccflow.device",
                "emccflow.phase",
            ],
            extra,
        );
        checked = 0;
        for line in out.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            let truth = cols[1].rsplit("flow: ").next().unwrap();
            let (device, phase) = truth.split_once(" phase ").unwrap();
            assert_eq!(
                cols[3], phase,
                "{capture} frame {} ({truth}) with {extra:?}",
                cols[0]
            );
            // The mid-flow phone's restart order and its answer name no
            // device; every later frame does.
            let unnamed_yet = cols[2].is_empty() && device == mid_flow_phone;
            assert!(
                cols[2] == device || unnamed_yet,
                "{capture} frame {}: device {:?}, truth {device}",
                cols[0],
                cols[2]
            );
            checked += 1;
        }
    }
    checked
}

/// Six phones of another site, interleaved, one caught mid-flow: every
/// message carries the phase the generator sent it in (`flow:` comments).
#[test]
fn several_phones_follow_the_generators_ground_truth() {
    let checked = follows_the_generators_ground_truth("emcc-multi-phone.pcapng", "SEPF87B20C4D019");
    assert!(checked >= 200, "only {checked} frames with ground truth");
    let stranger = fields(
        "emcc-multi-phone.pcapng",
        "emccflow && ip.addr == 10.20.5.60",
        &["frame.number"],
        &["-2"],
    );
    assert!(
        stranger.is_empty(),
        "the PC's web traffic was labelled: {stranger}"
    );
    let out = report("emcc-multi-phone.pcapng", &[]);
    assert_matches_expected("emccflow/multi-phone-report.txt", &out);
    assert!(
        out.contains("Phones: 6  Attempts: 6  Completed: 3  Failed: 3  Incomplete: 0"),
        "{out}"
    );
}

/// Four SCCP phones: Skinny's Register, Reset and Unregister take the place
/// of SIP's REGISTER and NOTIFY (a login, a login whose home registration is
/// rejected, a logout, a login caught at its Reset).
#[test]
fn sccp_phones_follow_the_generators_ground_truth() {
    const CAPTURE: &str = "emcc-sccp.pcapng";
    let checked = follows_the_generators_ground_truth(CAPTURE, "SEP0024C418F25D");
    assert!(checked >= 130, "only {checked} frames with ground truth");
    let out = report(CAPTURE, &[]);
    assert_matches_expected("emccflow/sccp-report.txt", &out);
    assert!(
        out.contains("Phones: 4  Attempts: 4  Completed: 3  Failed: 1  Incomplete: 0"),
        "{out}"
    );
    // The rejection, where it shows, with the Skinny text; the fallback
    // Register back on the visiting cluster; the restart orders.
    let steps = fields(
        CAPTURE,
        "emccflow.register_rejected || emccflow.fell_back || skinny.messageId == 0x009f",
        &["frame.number", "emccflow.phase", "emccflow.step"],
        &[],
    );
    assert_matches_expected("emccflow/sccp-steps.txt", &steps);
}
