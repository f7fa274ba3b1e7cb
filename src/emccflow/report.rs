//! The `-z emccflow` text report: per phone and attempt, one row per phase
//! and a verdict. Scripts parse it, so its layout is fixed and documented in
//! the README (section "EMCC flow report"); `-z emccflow,json` prints the
//! same as one JSON document (schema in the README, "Login report as JSON").

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::label::{Kind, Label, Outcome, Text};
use super::phase::Phase;
use crate::json::{json_opt, json_str, json_uint};
use crate::nstime::NsTime;

/// The JSON report's schema version: it changes when a field changes
/// meaning or goes away (a new field does not change it).
pub const SCHEMA: u32 = 1;

/// Attempts reported at most (phones of a whole cluster stay readable).
pub const MAX_ATTEMPTS: usize = 100_000;

#[derive(Clone, Debug)]
struct Row {
    first: u32,
    last: u32,
    start: NsTime,
    end: NsTime,
}

#[derive(Clone, Debug)]
struct Attempt {
    key: Text,
    number: u32,
    kind: Kind,
    device: Option<Text>,
    user: Option<Text>,
    phone: Option<Text>,
    visiting: Option<Text>,
    home: Option<Text>,
    start: Option<NsTime>,
    first_frame: u32,
    phases: BTreeMap<Phase, Row>,
    outcome: Option<Outcome>,
    /// The attempt's furthest phase (logins only move forward).
    reached: Phase,
}

#[derive(Default)]
pub struct Report {
    attempts: BTreeMap<(Text, u32), Attempt>,
}

impl Report {
    pub fn clear(&mut self) {
        self.attempts.clear();
    }

    pub fn add(&mut self, frame: u32, label: &Label) {
        let id = (label.who.key.clone(), label.attempt);
        if !self.attempts.contains_key(&id) && self.attempts.len() >= MAX_ATTEMPTS {
            return;
        }
        let attempt = self.attempts.entry(id).or_insert_with(|| Attempt {
            key: label.who.key.clone(),
            number: label.attempt,
            kind: label.kind,
            device: None,
            user: None,
            phone: None,
            visiting: None,
            home: None,
            start: None,
            first_frame: frame,
            phases: BTreeMap::new(),
            outcome: None,
            reached: label.phase,
        });
        attempt.kind = label.kind;
        for (mine, theirs) in [
            (&mut attempt.device, &label.who.device),
            (&mut attempt.user, &label.who.user),
            (&mut attempt.phone, &label.who.phone),
            (&mut attempt.visiting, &label.who.visiting),
            (&mut attempt.home, &label.who.home),
        ] {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
        if attempt.start.is_none() {
            attempt.start = label.attempt_start;
        }
        attempt.first_frame = attempt.first_frame.min(frame);
        attempt.reached = attempt.reached.max(label.phase);
        let row = attempt.phases.entry(label.phase).or_insert(Row {
            first: frame,
            last: frame,
            start: label.time,
            end: label.time,
        });
        if frame < row.first {
            row.first = frame;
            row.start = label.time;
        }
        if frame >= row.last {
            row.last = frame;
            row.end = label.time;
        }
        if let Some(outcome) = &label.outcome {
            if attempt.outcome.is_none() || matches!(outcome, Outcome::Completed { .. }) {
                attempt.outcome = Some(outcome.clone());
            }
        }
    }

    /// The attempts the reports show (those that started: a phone only
    /// registering is no attempt), in the order they start in the capture.
    fn shown(&self) -> Vec<&Attempt> {
        let mut shown: Vec<&Attempt> = self
            .attempts
            .values()
            .filter(|a| a.start.is_some())
            .collect();
        shown.sort_by_key(|a| (a.first_frame, a.key.clone(), a.number));
        shown
    }

    pub fn render(&self) -> String {
        let shown = self.shown();
        let phones: std::collections::BTreeSet<&str> = shown.iter().map(|a| &*a.key).collect();
        let count = |f: &dyn Fn(&Attempt) -> bool| shown.iter().filter(|a| f(a)).count();
        let completed = count(&|a| matches!(a.outcome, Some(Outcome::Completed { .. })));
        let failed = count(&|a| matches!(a.outcome, Some(Outcome::Failed { .. })));
        let mut out = String::new();
        let rule = "=".repeat(88);
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(out, "EMCC Login Flow");
        let _ = writeln!(
            out,
            "Phones: {}  Attempts: {}  Completed: {completed}  Failed: {failed}  Incomplete: {}",
            phones.len(),
            shown.len(),
            shown.len() - completed - failed
        );
        for attempt in shown {
            let _ = writeln!(out, "{}", "-".repeat(88));
            render_attempt(&mut out, attempt);
        }
        let _ = writeln!(out, "{rule}");
        out
    }
}

fn or_unknown(value: &Option<Text>) -> &str {
    value.as_deref().unwrap_or("-")
}

fn render_attempt(out: &mut String, a: &Attempt) {
    let start = a.start.unwrap_or(NsTime::ZERO);
    let _ = writeln!(
        out,
        "Device: {}  User: {}  Phone: {}",
        or_unknown(&a.device),
        or_unknown(&a.user),
        or_unknown(&a.phone)
    );
    let _ = writeln!(
        out,
        "Attempt: {} ({})  Visiting: {}  Home: {}",
        a.number,
        a.kind.as_str(),
        or_unknown(&a.visiting),
        or_unknown(&a.home)
    );
    let _ = writeln!(
        out,
        "  {:<36} {:>7} {:>7} {:>9} {:>9} {:>9}  Outcome",
        "Phase", "First", "Last", "Start", "End", "Duration"
    );
    for (phase, row) in &a.phases {
        let outcome = row_outcome(a, *phase);
        let _ = writeln!(
            out,
            "  {:<36} {:>7} {:>7} {:>9} {:>9} {:>9}  {outcome}",
            format!("{} {}", phase.number(), phase.name()),
            row.first,
            row.last,
            row.start.since(start).decimals(3),
            row.end.since(start).decimals(3),
            row.end.since(row.start).decimals(3)
        );
    }
    let _ = writeln!(out, "Verdict: {}", verdict(a).diagnosis);
}

/// A phase's outcome in an attempt: where it failed, still open at the end
/// of the capture, or done.
fn row_outcome(a: &Attempt, phase: Phase) -> &'static str {
    match &a.outcome {
        Some(Outcome::Failed { phase: stopped, .. }) if *stopped == phase => "failed",
        None if phase == a.reached => "open",
        _ => "ok",
    }
}

struct Verdict {
    status: &'static str,
    phase: Phase,
    /// The text report's verdict line, after `Verdict: `.
    diagnosis: String,
    code: Option<u32>,
}

fn verdict(a: &Attempt) -> Verdict {
    match &a.outcome {
        Some(Outcome::Completed { seconds }) => Verdict {
            status: "completed",
            phase: a.reached,
            diagnosis: match a.kind {
                Kind::Login => format!("completed in {} s", seconds.decimals(1)),
                Kind::Logout => format!("logout completed in {} s", seconds.decimals(1)),
            },
            code: None,
        },
        Some(Outcome::Failed {
            phase,
            reason,
            code,
        }) => Verdict {
            status: "failed",
            phase: *phase,
            diagnosis: format!("stopped in phase {}: {reason}", phase.number()),
            code: *code,
        },
        None => Verdict {
            status: "incomplete",
            phase: a.reached,
            diagnosis: format!(
                "incomplete: the capture ends in phase {} ({})",
                a.reached.number(),
                a.reached.name()
            ),
            code: None,
        },
    }
}

impl Report {
    /// The report as one JSON document: the attempts grouped by phone, in
    /// the order the phones' first attempts start.
    pub fn render_json(&self) -> String {
        // Grouped through an index: a capture of a whole cluster has tens
        // of thousands of phones.
        let mut phones: Vec<Vec<&Attempt>> = Vec::new();
        let mut index: HashMap<&Text, usize> = HashMap::new();
        for attempt in self.shown() {
            match index.get(&attempt.key) {
                Some(&i) => phones[i].push(attempt),
                None => {
                    index.insert(&attempt.key, phones.len());
                    phones.push(vec![attempt]);
                }
            }
        }
        let mut out = String::new();
        let _ = write!(out, "{{\"schema\": {SCHEMA}, \"phones\": [");
        for (n, attempts) in phones.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            // What the phone's latest attempt knows of it.
            let known = |get: fn(&Attempt) -> &Option<Text>| {
                attempts.iter().rev().find_map(|a| get(a).as_deref())
            };
            let _ = write!(
                out,
                "\n  {{\"device\": {}, \"user\": {}, \"ip\": {}, \"attempts\": [",
                json_opt(known(|a| &a.device)),
                json_opt(known(|a| &a.user)),
                json_opt(known(|a| &a.phone)),
            );
            for (m, attempt) in attempts.iter().enumerate() {
                if m > 0 {
                    out.push_str(", ");
                }
                attempt_json(&mut out, attempt);
            }
            out.push_str("]}");
        }
        out.push_str(if phones.is_empty() { "]}\n" } else { "\n]}\n" });
        out
    }
}

fn attempt_json(out: &mut String, a: &Attempt) {
    let start = a.start.unwrap_or(NsTime::ZERO);
    let _ = write!(
        out,
        "{{\"number\": {}, \"kind\": {}, \"visiting\": {}, \"home\": {}, \"phases\": [",
        a.number,
        json_str(a.kind.as_str()),
        json_opt(a.visiting.as_deref()),
        json_opt(a.home.as_deref()),
    );
    for (n, (phase, row)) in a.phases.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "{{\"phase\": {}, \"name\": {}, \"first_frame\": {}, \"last_frame\": {}, \
             \"start\": {}, \"end\": {}, \"outcome\": {}}}",
            phase.number(),
            json_str(phase.name()),
            row.first,
            row.last,
            row.start.since(start).decimals(3),
            row.end.since(start).decimals(3),
            json_str(row_outcome(a, *phase)),
        );
    }
    let v = verdict(a);
    let _ = write!(
        out,
        "], \"verdict\": {{\"status\": {}, \"phase\": {}, \"diagnosis\": {}, \"code\": {}}}}}",
        json_str(v.status),
        v.phase.number(),
        json_str(&v.diagnosis),
        json_uint(v.code),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nstime::tests::t;

    /// Attempts start at 10 s (or at 1700000010 s for times since 1970).
    fn start(time: &str) -> NsTime {
        if time.len() > 9 {
            t("1700000010")
        } else {
            t("10")
        }
    }

    fn label(phase: Phase, attempt: u32, time: &str, outcome: Option<Outcome>) -> Label {
        Label {
            who: std::sync::Arc::new(super::super::label::Who {
                number: 1,
                key: "10.0.0.5".into(),
                device: Some("SEP1".into()),
                phone: Some("10.0.0.5".into()),
                user: None,
                visiting: Some("10.1.1.1".into()),
                home: None,
            }),
            phase,
            side: None,
            step: "".into(),
            attempt,
            kind: Kind::Login,
            attempt_start: (phase != Phase::VisitingRegistration).then(|| start(time)),
            time: t(time),
            findings: Vec::new(),
            outcome,
            arrow: None,
        }
    }

    #[test]
    fn rows_times_and_verdicts() {
        let mut report = Report::default();
        report.add(1, &label(Phase::VisitingRegistration, 1, "8.0", None));
        report.add(2, &label(Phase::Login, 1, "10.0", None));
        let failed = Outcome::Failed {
            phase: Phase::HomeTrust,
            reason: "TVS never answered".into(),
            code: None,
        };
        report.add(5, &label(Phase::HomeTrust, 1, "12.5", Some(failed)));
        report.add(9, &label(Phase::Login, 2, "40.0", None));
        let text = report.render();
        assert!(text.contains("Phones: 1  Attempts: 2  Completed: 0  Failed: 1  Incomplete: 1"));
        assert!(text.contains("Verdict: stopped in phase 5: TVS never answered"));
        assert!(text.contains("Verdict: incomplete: the capture ends in phase 2 (EMCC login)"));
        let row = text
            .lines()
            .find(|l| l.trim_start().starts_with("1 Visiting"))
            .unwrap();
        assert!(row.contains("-2.000"), "{row}");
        let failed_row = text
            .lines()
            .find(|l| l.contains("5 Home-cluster trust"))
            .unwrap();
        assert!(failed_row.ends_with("failed"), "{failed_row}");
    }

    #[test]
    fn json_groups_each_phones_attempts_under_it() {
        let mut report = Report::default();
        let of = |key: &str, attempt, time| {
            let mut l = label(Phase::Login, attempt, time, None);
            l.who = std::sync::Arc::new(super::super::label::Who {
                key: key.into(),
                phone: Some(key.into()),
                ..super::super::label::Who::default()
            });
            l
        };
        report.add(1, &of("10.0.0.5", 1, "10.0"));
        report.add(2, &of("10.0.0.6", 1, "10.0"));
        report.add(3, &of("10.0.0.5", 2, "10.0"));
        let json = report.render_json();
        let phones: Vec<&str> = json.lines().skip(1).collect();
        assert_eq!(phones.len(), 3, "{json}");
        assert!(phones[0].contains("\"ip\": \"10.0.0.5\""), "{json}");
        assert_eq!(phones[0].matches("\"number\": ").count(), 2, "{json}");
        assert_eq!(phones[1].matches("\"number\": ").count(), 1, "{json}");
        assert_eq!(phones[2], "]}");
    }

    #[test]
    fn registration_only_phones_are_left_out() {
        let mut report = Report::default();
        report.add(1, &label(Phase::VisitingRegistration, 1, "8.0", None));
        assert!(report.render().contains("Phones: 0  Attempts: 0"));
    }

    /// Times are computed in Wireshark's integers, then rounded to the
    /// shown decimals, never through f64.
    #[test]
    fn times_are_rounded_from_the_exact_values() {
        let mut report = Report::default();
        report.add(2, &label(Phase::Login, 1, "1700000010", None));
        let done = Outcome::Completed {
            seconds: t("1.9499"),
        };
        report.add(3, &label(Phase::Login, 1, "1700000011.9995", Some(done)));
        let text = report.render();
        let row = text.lines().find(|l| l.contains("2 EMCC login")).unwrap();
        assert!(row.contains("    0.000     2.000     2.000  ok"), "{row}");
        assert!(text.contains("Verdict: completed in 1.9 s"), "{text}");
    }
}
