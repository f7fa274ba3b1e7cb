//! Registrations as a ladder (Statistics > Flow Graph > Cisco Phone
//! Registrations, `tshark -q -z flow,ciscoreg,network`): one arrow per
//! registration frame, the phone's refreshes or keepalives to each CUCM
//! and their answers, trouble marked. A display filter such as
//! `ciscoreg.device == "SEP..."` narrows it to one phone.

use crate::epan::{Arrow, Mark};

use super::label::{Event, EventLabel, FindingKind, RegLabel};

pub fn arrow(label: &RegLabel) -> Option<Arrow> {
    if label.events.is_empty() {
        return None;
    }
    let words: Vec<String> = label.events.iter().map(event_words).collect();
    let words = format!("{} {}", label.signalling.as_str(), words.join(" + "));
    // One conversation per phone, as in the EMCC Login Flow.
    Some(Arrow::new(
        &words,
        comment(label),
        label.phone_number,
        mark(label),
    ))
}

/// A few words per message: what it is, and the time granted if any.
fn event_words(event: &EventLabel) -> String {
    let words = match event.event {
        Event::KeepaliveAck => "keepalive ack",
        Event::Closed => "FIN",
        Event::Reset => "RST",
        other => other.as_str(),
    };
    match (event.event, event.expires) {
        (Event::Registered | Event::KeepaliveAck, Some(secs)) => format!("{words} {secs} s"),
        _ => words.to_string(),
    }
}

fn mark(label: &RegLabel) -> Mark {
    let has = |kinds: &[FindingKind]| label.findings.iter().any(|f| kinds.contains(&f.kind));
    if has(&[
        FindingKind::Missed,
        FindingKind::Rejected,
        FindingKind::Loop,
        FindingKind::Unregistered,
    ]) {
        Mark::Failed
    } else if has(&[FindingKind::Failover, FindingKind::Incomplete]) {
        Mark::Warning
    } else {
        Mark::Plain
    }
}

/// The device (or the phone's address), the Info column's words, and
/// the findings.
fn comment(label: &RegLabel) -> String {
    let who = label.device.as_deref().unwrap_or(&label.phone);
    let mut comment = format!("{who} {}", label.info());
    for finding in &label.findings {
        comment.push_str(&format!(" ({}: {})", finding.kind.as_str(), finding.text));
    }
    comment
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ciscoreg::facts::Signalling;
    use crate::ciscoreg::label::{Finding, Role};
    use crate::nstime::NsTime;

    fn event(event: Event, expires: Option<u32>) -> EventLabel {
        EventLabel {
            event,
            cucm: "10.0.0.1".into(),
            role: Some(Role::Primary),
            expires,
            interval: None,
        }
    }

    fn label(signalling: Signalling, events: Vec<EventLabel>) -> RegLabel {
        RegLabel {
            time: NsTime::from_secs(1),
            phone: Arc::from("10.0.1.5"),
            phone_number: 2,
            device: Some(Arc::from("SEP001122334455")),
            signalling,
            events,
            restart: None,
            findings: Vec::new(),
        }
    }

    #[test]
    fn words_name_the_message_and_the_time_granted() {
        let ok = arrow(&label(
            Signalling::Sip,
            vec![event(Event::Registered, Some(120))],
        ))
        .unwrap();
        assert_eq!(ok.label, "SIP registered 120 s");
        assert_eq!(ok.conversation, 2);
        assert_eq!(ok.mark, Mark::Plain);
        assert_eq!(
            ok.comment,
            "SEP001122334455 [SIP registered from 10.0.0.1 (primary), 120 s granted]"
        );
        // A segment with two Skinny messages: both named.
        let two = arrow(&label(
            Signalling::Sccp,
            vec![event(Event::Keepalive, None), event(Event::Closed, None)],
        ))
        .unwrap();
        assert_eq!(two.label, "SCCP keepalive + FIN");
    }

    #[test]
    fn trouble_is_marked_and_explained() {
        let mut missed = label(Signalling::Sccp, vec![event(Event::Keepalive, None)]);
        missed.findings.push(Finding {
            kind: FindingKind::Missed,
            text: "95 s since the last keepalive".into(),
        });
        let missed = arrow(&missed).unwrap();
        assert_eq!(missed.mark, Mark::Failed);
        assert_eq!(missed.label, "✗ SCCP keepalive");
        assert!(
            missed
                .comment
                .ends_with(" (missed: 95 s since the last keepalive)"),
            "{}",
            missed.comment
        );
        let mut failover = label(Signalling::Sip, vec![event(Event::Register, None)]);
        failover.findings.push(Finding {
            kind: FindingKind::Failover,
            text: "to the backup".into(),
        });
        assert_eq!(arrow(&failover).unwrap().mark, Mark::Warning);
        assert_eq!(arrow(&label(Signalling::Sip, Vec::new())), None);
    }
}
