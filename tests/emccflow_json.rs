//! `tshark -q -z emccflow,json` on every bundled capture: the document
//! parses (a strict reader), has exactly the keys the README's schema
//! documents, and says what the text report (`-z emccflow`) says, attempt by
//! attempt; the verdicts' codes on the failure captures; and the README's
//! batch recipe (`xargs -P` and `jq -e`) run as written.
mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use common::json::{self, Json};
use common::{bundled_captures, report_output, sandbox};

fn text_of(value: Option<&Json>) -> String {
    match value {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Null) | None => "-".to_string(),
        Some(other) => panic!("not a string or null: {other:?}"),
    }
}

fn number(value: Option<&Json>) -> f64 {
    value
        .and_then(Json::as_f64)
        .unwrap_or_else(|| panic!("not a number: {value:?}"))
}

/// Checks one attempt against the text report; returns its status.
fn check_attempt(capture: &str, text: &str, attempt: &Json) -> String {
    assert_eq!(
        attempt.keys(),
        ["home", "kind", "number", "phases", "verdict", "visiting"],
        "{capture}"
    );
    let kind = attempt.get("kind").and_then(Json::as_str).unwrap();
    assert!(["login", "logout"].contains(&kind), "{capture}: {kind}");
    let head = format!(
        "Attempt: {} ({kind})  Visiting: {}  Home: {}\n",
        number(attempt.get("number")),
        text_of(attempt.get("visiting")),
        text_of(attempt.get("home"))
    );
    assert!(text.contains(&head), "{capture}: {head:?} not in\n{text}");
    for phase in attempt.get("phases").and_then(Json::as_array).unwrap() {
        assert_eq!(
            phase.keys(),
            [
                "end",
                "first_frame",
                "last_frame",
                "name",
                "outcome",
                "phase",
                "start"
            ],
            "{capture}"
        );
        let outcome = phase.get("outcome").and_then(Json::as_str).unwrap();
        assert!(["ok", "failed", "open"].contains(&outcome), "{capture}");
        // The text row up to its duration (computed there from the exact
        // times, here it would be from rounded ones), and its outcome.
        let row = format!(
            "  {:<36} {:>7} {:>7} {:>9.3} {:>9.3} ",
            format!(
                "{} {}",
                number(phase.get("phase")),
                phase.get("name").and_then(Json::as_str).unwrap()
            ),
            number(phase.get("first_frame")),
            number(phase.get("last_frame")),
            number(phase.get("start")),
            number(phase.get("end")),
        );
        let line = text
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("{capture}: no row {row:?} in\n{text}"));
        assert!(line.ends_with(&format!("  {outcome}")), "{capture}: {line}");
    }
    let verdict = attempt.get("verdict").unwrap();
    assert_eq!(
        verdict.keys(),
        ["code", "diagnosis", "phase", "status"],
        "{capture}"
    );
    let status = verdict.get("status").and_then(Json::as_str).unwrap();
    let diagnosis = verdict.get("diagnosis").and_then(Json::as_str).unwrap();
    let line = format!("Verdict: {diagnosis}\n");
    assert!(text.contains(&line), "{capture}: {line:?} not in the text");
    let phase = number(verdict.get("phase"));
    match status {
        "completed" => assert!(diagnosis.contains("completed in"), "{capture}"),
        "failed" => assert!(
            diagnosis.starts_with(&format!("stopped in phase {phase}: ")),
            "{capture}: {diagnosis}"
        ),
        "incomplete" => assert!(
            diagnosis.starts_with(&format!("incomplete: the capture ends in phase {phase} ")),
            "{capture}: {diagnosis}"
        ),
        other => panic!("{capture}: status {other}"),
    }
    assert!(
        matches!(verdict.get("code"), Some(Json::Null | Json::Number(_))),
        "{capture}"
    );
    status.to_string()
}

#[test]
fn the_json_report_follows_its_schema_and_matches_the_text() {
    let mut attempts_seen = 0;
    for capture in bundled_captures() {
        let text = report_output(&capture, "emccflow");
        let doc = json::parse(&report_output(&capture, "emccflow,json"))
            .unwrap_or_else(|e| panic!("{capture}: not JSON: {e}"));
        assert_eq!(doc.keys(), ["phones", "schema"], "{capture}");
        assert_eq!(doc.get("schema").and_then(Json::as_f64), Some(1.0));
        let phones = doc.get("phones").and_then(Json::as_array).unwrap();
        let (mut attempts, mut completed, mut failed) = (0, 0, 0);
        for phone in phones {
            assert_eq!(
                phone.keys(),
                ["attempts", "device", "ip", "user"],
                "{capture}"
            );
            let head = format!(
                "Device: {}  User: {}  Phone: {}\n",
                text_of(phone.get("device")),
                text_of(phone.get("user")),
                text_of(phone.get("ip"))
            );
            assert!(text.contains(&head), "{capture}: {head:?} not in the text");
            for attempt in phone.get("attempts").and_then(Json::as_array).unwrap() {
                attempts += 1;
                match check_attempt(&capture, &text, attempt).as_str() {
                    "completed" => completed += 1,
                    "failed" => failed += 1,
                    _ => {}
                }
            }
        }
        let counts = format!(
            "Phones: {}  Attempts: {attempts}  Completed: {completed}  Failed: {failed}  Incomplete: {}\n",
            phones.len(),
            attempts - completed - failed
        );
        assert!(
            text.contains(&counts),
            "{capture}: {counts:?} not in\n{text}"
        );
        attempts_seen += attempts;
    }
    assert!(attempts_seen >= 20, "only {attempts_seen} attempts in all");
}

/// The code a failure carried: the EMApp or EMService error, the SIP status
/// of a refused REGISTER; none where the failure has no code.
#[test]
fn failed_verdicts_carry_their_code() {
    for (capture, code) in [
        ("emcc-login-refused.pcapng", Some(201.0)),
        ("emcc-home-unknown-user.pcapng", Some(23.0)),
        ("emcc-home-register-rejected.pcapng", Some(403.0)),
        ("emcc-tvs-reset.pcapng", None),
        ("emcc-ctl-itl-unavailable.pcapng", None),
    ] {
        let doc = json::parse(&report_output(capture, "emccflow,json")).unwrap();
        let verdicts: Vec<&Json> = doc
            .get("phones")
            .and_then(Json::as_array)
            .unwrap()
            .iter()
            .flat_map(|p| p.get("attempts").and_then(Json::as_array).unwrap())
            .map(|a| a.get("verdict").unwrap())
            .filter(|v| v.get("status").and_then(Json::as_str) == Some("failed"))
            .collect();
        assert_eq!(verdicts.len(), 1, "{capture}");
        assert_eq!(
            verdicts[0].get("code").and_then(Json::as_f64),
            code,
            "{capture}"
        );
    }
}

/// The README's batch recipe, as written there (the block after `<!--
/// recipe: batch -->`): one JSON per capture in `reports/`, and `jq -e`
/// failing the run when a login did not complete.
#[test]
fn the_batch_recipe_runs_as_the_readme_writes_it() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("<!-- recipe: batch -->")
        .nth(1)
        .expect("a `<!-- recipe: batch -->` block in the README");
    let script: String = block
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block after the marker")
        .to_string();
    let s = sandbox();
    for (case, captures, expect_ok) in [
        ("all", bundled_captures(), false),
        (
            "completed",
            vec![
                "emcc-lab-login.pcapng".to_string(),
                "emcc-lab-logout.pcapng".to_string(),
            ],
            true,
        ),
    ] {
        let dir = s.scratch(&format!("recipe-{case}"));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("captures")).unwrap();
        for capture in &captures {
            fs::copy(s.capture(capture), dir.join("captures").join(capture)).unwrap();
        }
        // Written by the user tshark runs as.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        s.share();
        let run = s.shell(&script, &dir);
        assert_eq!(
            run.code == Some(0),
            expect_ok,
            "{case}: the recipe exited {:?}\n{}\n{}",
            run.code,
            run.stdout,
            run.stderr
        );
        for capture in &captures {
            let name = capture.trim_end_matches(".pcapng");
            let path = dir.join("reports").join(format!("{name}.json"));
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{case}: {}: {e}", path.display()));
            json::parse(&text).unwrap_or_else(|e| panic!("{case}: {name}: {e}"));
        }
        if !expect_ok {
            // It says which logins did not complete.
            assert!(
                run.stdout
                    .contains("stopped in phase 5: TVS never answered"),
                "{case}: {}",
                run.stdout
            );
        }
    }
}
