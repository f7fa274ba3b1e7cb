//! The memories that keep each frame's decision for later passes, at their
//! byte limit (`src/frame_memory.rs`): the budget is lowered with the test
//! hook `EMCC_MEMORY_LIMIT_BYTES` so that the bundled captures reach it. The
//! first frame a module could not remember shows one `<proto>.memory_limit`
//! expert info saying what is lost, later frames show nothing of that
//! module, and one pass and two passes (`-2`) agree.
mod common;

use common::fields_output_with_env;

const LOGIN: &str = "emcc-lab-login.pcapng";
const PROTOCOLS: [&str; 6] = [
    "emcc",
    "emccflow",
    "ciscotl",
    "ciscotvs",
    "ciscoalarm",
    "ciscoreg",
];

/// `tshark -n -r capture [extra] -Y filter -T fields -e ...` with the budget.
fn fields(budget: Option<&str>, capture: &str, extra: &[&str], filter: &str, e: &[&str]) -> String {
    let env: Vec<(&str, &str)> = budget
        .map(|b| ("EMCC_MEMORY_LIMIT_BYTES", b))
        .into_iter()
        .collect();
    fields_output_with_env(capture, filter, e, extra, &env)
}

/// The frame and the text of each `<proto>.memory_limit` expert info.
fn limits(budget: &str, proto: &str, extra: &[&str]) -> Vec<(u32, String)> {
    let filter = format!("{proto}.memory_limit");
    let out = fields(
        Some(budget),
        LOGIN,
        extra,
        &filter,
        &["frame.number", "_ws.expert.message"],
    );
    out.lines()
        .map(|line| {
            let (frame, messages) = line.split_once('\t').expect("two columns");
            let ours: Vec<&str> = messages
                .split('|')
                .filter(|m| m.contains("memory limit"))
                .collect();
            (frame.parse().expect("frame number"), ours.join(","))
        })
        .collect()
}

/// Lines (frame number first) of frames at or after `from`.
fn from_frame(out: &str, from: u32) -> Vec<&str> {
    out.lines()
        .filter(|l| {
            let frame: u32 = l.split('\t').next().unwrap().parse().unwrap();
            frame >= from
        })
        .collect()
}

#[test]
fn default_budgets_are_not_reached_by_the_bundled_captures() {
    let filter = PROTOCOLS.map(|p| format!("{p}.memory_limit")).join(" || ");
    for capture in [LOGIN, "emcc-multi-phone.pcapng", "ciscotl-tftp.pcapng"] {
        let out = fields(None, capture, &["-2"], &filter, &["frame.number"]);
        assert_eq!(out, "", "{capture}");
    }
}

#[test]
fn emcc_at_its_limit_shows_one_expert_that_says_what_was_dropped() {
    let one = limits("2000", "emcc", &[]);
    assert_eq!(one.len(), 1, "one expert info in a single pass: {one:?}");
    let (frame, text) = &one[0];
    assert_eq!(
        text,
        &format!(
            "From frame {frame} on, EMCC messages are not decoded: the plugin's memory limit of \
             2000 bytes (or 1000000 frames) for EMCC messages (URIs and bodies) was reached. \
             Split the capture (e.g. editcap -c 500000) to see the rest"
        )
    );
    // Earlier frames are decoded as usual.
    let decoded = fields(Some("2000"), LOGIN, &[], "emcc.action", &["frame.number"]);
    let first: u32 = decoded
        .lines()
        .next()
        .expect("some EMCC decoded")
        .parse()
        .unwrap();
    assert!(first < *frame, "{decoded}");
    // Later frames show nothing of emcc, on either pass.
    for extra in [&[][..], &["-2"][..]] {
        let after = fields(Some("2000"), LOGIN, extra, "emcc", &["frame.number"]);
        assert!(
            from_frame(&after, *frame) == vec![frame.to_string().as_str()],
            "{extra:?}: {after}"
        );
    }
    // The request that was refused was HTTP traffic of ours: without the
    // limit it decodes.
    let whole = fields(None, LOGIN, &[], "emcc", &["frame.number"]);
    assert!(whole.lines().any(|l| l == frame.to_string()), "{whole}");
    assert!(from_frame(&whole, *frame).len() > 1);
}

#[test]
fn one_pass_and_two_passes_agree_at_the_limit() {
    for budget in ["0", "2000", "20000"] {
        let mut reached = 0;
        for proto in PROTOCOLS {
            let one = limits(budget, proto, &[]);
            let two = limits(budget, proto, &["-2"]);
            assert!(one.len() <= 1, "{proto} at {budget}: {one:?}");
            assert_eq!(one, two, "{proto} at {budget}: the expert info on both");
            let Some((frame, _)) = one.first() else {
                continue;
            };
            reached += 1;
            let e = ["frame.number", "_ws.expert.message"];
            let single = fields(Some(budget), LOGIN, &[], proto, &e);
            let double = fields(Some(budget), LOGIN, &["-2"], proto, &e);
            assert_eq!(
                from_frame(&single, *frame),
                from_frame(&double, *frame),
                "{proto} at {budget}: frames from {frame} on"
            );
            // Other dissectors of ciscoalarm (alarm bodies in SIP), ciscotl
            // (TFTP) and ciscotvs (decrypted messages) keep no memory.
            if ["emcc", "emccflow", "ciscoreg"].contains(&proto) {
                assert_eq!(
                    from_frame(&single, *frame).len(),
                    1,
                    "{proto} at {budget}: nothing after frame {frame}: {single}"
                );
            }
        }
        assert!(reached > 0, "budget {budget} reaches some memory");
    }
    // A budget of nothing stops every module at its first frame.
    for proto in PROTOCOLS {
        assert_eq!(limits("0", proto, &[]).len(), 1, "{proto}");
    }
}
