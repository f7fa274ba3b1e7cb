//! `ciscoalarm`: the XML alarms a Cisco phone sends in SIP REFER bodies
//! (`application/x-cisco-alarm+xml`), e.g. DeviceTLInfo.
//!
//! `parse` turns the body into alarms and parameters with byte spans; this
//! file turns that into tree items, columns and expert infos.

// The typed decoders (DeviceTLInfo, LastOutOfServiceInformation, the REGISTER
// Reason header) use these next; until then parts of them are unused.
#[allow(dead_code)]
pub mod codes;
mod fields;
#[allow(dead_code)]
pub mod parse;
#[allow(dead_code)]
pub mod reason;

use crate::epan::{Dissector, Packet};
use fields::*;
use parse::{ProblemKind, Span};

/// Content type SIP (and multipart/mixed) look up in `media_type`.
pub const MEDIA_TYPE: &str = "application/x-cisco-alarm+xml";

static DISSECTOR: Dissector = Dissector::new(c"ciscoalarm", &PROTOCOL, dissect, &NAME);

pub fn register() {
    PROTOCOL.register();
    DISSECTOR.register();
}

pub fn handoff() {
    DISSECTOR.add_to_string_table(c"media_type", MEDIA_TYPE);
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let body_len = packet.bytes().len();
    let document = parse::parse_alarm_document(packet.bytes());
    packet.set_protocol_column();
    let (proto_item, tree) = packet.add_protocol(0..body_len, &ETT_ALARM);

    let mut summary = Vec::new();
    for alarm in &document.alarms {
        let name = alarm.name.as_deref().unwrap_or("?");
        summary.push(name.to_string());
        if let Some(name) = &alarm.name {
            packet.add_string(tree, &NAME, range(alarm.name_span), name);
        }
        if !packet.wants_tree() {
            continue;
        }
        for param in &alarm.params {
            let value = param.trimmed_value();
            let label = format!("{}: {}", param.name, value);
            let item = packet.add_label(tree, &PARAM, range(param.element), &label);
            let sub = packet.subtree(item, &ETT_PARAM);
            packet.add_string(sub, &PARAM_NAME, range(param.name_span), &param.name);
            packet.add_string(sub, &PARAM_VALUE, range(param.value_trimmed_span), value);
            let kind =
                packet.add_string(sub, &PARAM_KIND, range(param.element), param.kind.as_str());
            packet.set_generated(kind);
        }
    }

    for problem in &document.problems {
        let expert = match problem.kind {
            ProblemKind::Truncated => &TRUNCATED,
            ProblemKind::TooManyAlarms
            | ProblemKind::TooManyParams
            | ProblemKind::TooDeep
            | ProblemKind::ValueTooLong => &LIMIT,
            _ => &MALFORMED,
        };
        packet.expert_at(tree, expert, range(problem.span), &problem.kind.to_string());
    }
    if packet.is_truncated()
        && !document
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::Truncated)
    {
        let message = format!(
            "Only {} of {} bytes were captured",
            body_len,
            packet.reported_len()
        );
        packet.expert_at(tree, &TRUNCATED, body_len..body_len, &message);
    }

    if !summary.is_empty() {
        packet.append_text(proto_item, &format!(": {}", summary.join(", ")));
        packet.append_info(&format!("[Alarm: {}]", summary.join(", ")));
    }
    body_len
}

fn range(span: Span) -> std::ops::Range<usize> {
    span.range()
}
