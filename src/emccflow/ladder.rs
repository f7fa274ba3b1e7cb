//! The EMCC Login Flow ladder (Statistics > Flow Graph, `tshark -q -z
//! flow,emccflow,network`): one arrow per message of a login or logout (the
//! TCP segments around them have none), the phase and the step as the
//! row's comment, failures and completions marked.

use crate::epan::{Arrow, Mark};

use super::label::{FindingKind, Label, Outcome};

/// The arrow of a frame the flow labelled; None for a frame without a
/// message of its own.
pub fn arrow(label: &Label) -> Option<Arrow> {
    let words = label.arrow.as_deref()?;
    // One conversation per phone: its rows share a tint, and tshark's text
    // separates phones.
    Some(Arrow::new(
        words,
        comment(label),
        label.who.number,
        mark(label),
    ))
}

fn mark(label: &Label) -> Mark {
    match &label.outcome {
        Some(Outcome::Failed { .. }) => return Mark::Failed,
        Some(Outcome::Completed { .. }) => return Mark::Completed,
        None => {}
    }
    let has = |kinds: &[FindingKind]| label.findings.iter().any(|f| kinds.contains(&f.kind));
    if has(&[
        FindingKind::LoginRefused,
        FindingKind::FilesUnavailable,
        FindingKind::TvsFailed,
        FindingKind::RegisterRejected,
    ]) {
        Mark::Failed
    } else if has(&[FindingKind::FellBack, FindingKind::Stuck]) {
        Mark::Warning
    } else if has(&[FindingKind::Completed]) {
        Mark::Completed
    } else {
        Mark::Plain
    }
}

/// `[EMCC <phase>] <step>`, and what the step does not say itself: that
/// the attempt is stuck, that the capture starts in the middle of it, or
/// that it stops here (the step says why).
fn comment(label: &Label) -> String {
    let mut comment = format!("{} {}", label.phase.info().to_string_lossy(), label.step);
    for finding in &label.findings {
        if matches!(finding.kind, FindingKind::Stuck | FindingKind::MidFlow) {
            comment.push_str(&format!(" ({})", finding.text));
        }
    }
    if let Some(Outcome::Failed { .. }) = &label.outcome {
        comment.push_str(&format!(" (the {} stops here)", label.kind.as_str()));
    }
    comment
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::emccflow::label::{Finding, Kind, Who};
    use crate::emccflow::phase::Phase;
    use crate::nstime::NsTime;

    fn label(phase: Phase, step: &str, arrow: Option<&str>) -> Label {
        Label {
            who: Arc::new(Who {
                number: 3,
                key: "10.0.0.5".into(),
                ..Who::default()
            }),
            phase,
            side: None,
            step: step.into(),
            attempt: 1,
            kind: Kind::Login,
            attempt_start: None,
            time: NsTime::from_secs(10),
            findings: Vec::new(),
            outcome: None,
            arrow: arrow.map(Into::into),
        }
    }

    #[test]
    fn only_messages_get_an_arrow() {
        assert_eq!(
            arrow(&label(
                Phase::Login,
                "TCP segment of the EMApp connection",
                None
            )),
            None
        );
        let submit = arrow(&label(
            Phase::Login,
            "Phone submits user jdoe and the PIN to EMApp",
            Some("EMApp submit jdoe"),
        ))
        .unwrap();
        assert_eq!(submit.label, "EMApp submit jdoe");
        assert_eq!(
            submit.comment,
            "[EMCC 2 login] Phone submits user jdoe and the PIN to EMApp"
        );
        assert_eq!(submit.conversation, 3);
        assert_eq!(submit.mark, Mark::Plain);
    }

    #[test]
    fn a_failure_is_marked_and_says_why_the_attempt_stopped() {
        let mut refused = label(
            Phase::Login,
            "EMApp refuses: EMApp error 201 (authentication error)",
            Some("EMApp error 201"),
        );
        refused.outcome = Some(Outcome::Failed {
            phase: Phase::Login,
            reason: "login refused, EMApp error 201".into(),
            code: Some(201),
        });
        let arrow = arrow(&refused).unwrap();
        assert_eq!(arrow.label, "✗ EMApp error 201");
        assert_eq!(arrow.mark, Mark::Failed);
        assert_eq!(
            arrow.comment,
            "[EMCC 2 login] EMApp refuses: EMApp error 201 (authentication error) \
             (the login stops here)"
        );
    }

    #[test]
    fn completion_and_fallback_are_marked() {
        let mut done = label(Phase::HomeRegistration, "accepted", Some("REGISTER 200"));
        done.outcome = Some(Outcome::Completed {
            seconds: NsTime::from_secs(40),
        });
        assert_eq!(arrow(&done).unwrap().label, "✓ REGISTER 200");
        let mut back = label(Phase::HomeTrust, "gives up", Some("REGISTER"));
        back.findings.push(Finding {
            kind: FindingKind::FellBack,
            text: "the phone gave up in phase 5".into(),
        });
        let back = arrow(&back).unwrap();
        assert_eq!(back.mark, Mark::Warning);
        assert_eq!(back.label, "! REGISTER");
        // The step says it: the finding's words are not repeated.
        assert_eq!(back.comment, "[EMCC 5 home trust] gives up");
        let mut late = label(Phase::HomeTrust, "TVS answers", Some("TVS answer"));
        late.findings.push(Finding {
            kind: FindingKind::Stuck,
            text: "still in phase 5 (Home-cluster trust) 70.0 s after entering it".into(),
        });
        let late = arrow(&late).unwrap();
        assert_eq!(late.mark, Mark::Warning);
        assert_eq!(
            late.comment,
            "[EMCC 5 home trust] TVS answers (still in phase 5 (Home-cluster trust) 70.0 s \
             after entering it)"
        );
    }
}
