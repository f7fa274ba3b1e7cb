#![forbid(unsafe_code)]
//! `ciscoalarm`: what a Cisco phone tells CUCM about itself.
//! - XML alarms in SIP REFER bodies (`application/x-cisco-alarm+xml`, also as
//!   a part of `multipart/mixed`): every parameter, plus typed fields for
//!   DeviceTLInfo and LastOutOfServiceInformation;
//! - the `cisco-alarm:N` text of a REGISTER's Reason header, and the same
//!   alarm XML sent by Skinny phones (message 0x015A): both through a
//!   post-dissector, since SIP hands headers, and Skinny its XML, to nobody.
//!
//! `parse` and `reason` are pure parsers with byte spans; the files here turn
//! their results into tree items, columns and expert infos.

pub mod codes;
mod device_tl;
mod fields;
mod out_of_service;
pub mod parse;
mod postdissector;
pub mod protocol_event;
pub mod reason;
mod register_reason;
pub mod signature;
mod skinny_alarm;
mod statistics;
mod trust_memory;

use std::ops::Range;

use crate::epan::{Dissector, Packet, Tree};
use fields::*;
use parse::{Alarm, Param, ParamKind, ProblemKind, Span};

/// Content type SIP (and multipart/mixed) look up in `media_type`.
pub const MEDIA_TYPE: &str = "application/x-cisco-alarm+xml";

static DISSECTOR: Dissector = Dissector::new(c"ciscoalarm", &PROTOCOL, dissect, &NAME);

pub fn register() {
    PROTOCOL.register();
    DISSECTOR.register();
    postdissector::register();
    statistics::register();
}

pub fn handoff() {
    DISSECTOR.add_to_string_table(c"media_type", MEDIA_TYPE);
    postdissector::handoff();
    statistics::handoff();
}

/// A new capture file: forget what devices reported in the previous one.
pub fn reset_capture_state() {
    device_tl::forget_devices();
    postdissector::forget_frames();
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let body_len = packet.bytes().len();
    let document = parse::parse_alarm_document(packet.bytes());
    let cut_short = packet.is_truncated().then(|| packet.reported_len());
    decode_document(packet, &document, body_len, cut_short);
    body_len
}

/// Adds an alarm document of `len` bytes (at offset 0 of the current item
/// source): the protocol item, every alarm, problems, columns.
/// `reported_len` is set when the capture cut the document short.
fn decode_document(
    packet: &mut Packet<'_>,
    document: &parse::AlarmDocument,
    len: usize,
    reported_len: Option<usize>,
) {
    packet.set_protocol_column();
    let (proto_item, tree) = packet.add_protocol(0..len, &ETT_ALARM);

    // Only a document without problems is trusted as a device's report of
    // its state (a cut or broken one would make up trust-list changes).
    let well_formed = document.problems.is_empty();
    let mut summaries = Vec::new();
    for alarm in &document.alarms {
        summaries.push(decode_alarm(packet, tree, alarm, well_formed));
    }
    report_problems(packet, tree, &document.problems, len, reported_len);

    if !summaries.is_empty() {
        let names: Vec<&str> = document
            .alarms
            .iter()
            .map(|a| a.name.as_deref().unwrap_or("?"))
            .collect();
        packet.append_text(proto_item, &format!(": {}", names.join(", ")));
        packet.append_info(&format!("[Alarm: {}]", summaries.join("; ")));
    }
}

/// Adds one alarm's fields; returns its Info column summary.
fn decode_alarm<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    alarm: &Alarm,
    well_formed: bool,
) -> String {
    let name = alarm.name.as_deref().unwrap_or("?");
    if let Some(name) = &alarm.name {
        packet.add_string(tree, &NAME, alarm.name_span.range(), name);
    }
    if let Some(device) = alarm.param("DeviceName") {
        packet.add_string(
            tree,
            &DEVICE_NAME,
            value_range(device),
            device.trimmed_value(),
        );
    }
    statistics::note(
        packet.frame_number(),
        statistics::Reported::Alarm {
            name: name.to_string(),
            device: alarm
                .param("DeviceName")
                .map(|d| d.trimmed_value().to_string()),
        },
    );
    let (detail, known_params) = match name {
        "DeviceTLInfo" => (
            device_tl::decode(packet, tree, alarm, well_formed),
            device_tl::KNOWN_PARAMS,
        ),
        "LastOutOfServiceInformation" => (
            out_of_service::decode(packet, tree, alarm),
            out_of_service::KNOWN_PARAMS,
        ),
        _ => {
            if alarm.name.is_some() {
                let message = format!(
                    "Alarm {name} has no typed decoding in this plugin: its parameters are shown as sent"
                );
                packet.expert_at(tree, &UNKNOWN, alarm.name_span.range(), &message);
            }
            (None, &[][..])
        }
    };
    add_parameters(packet, tree, alarm, known_params);
    match detail {
        Some(detail) => format!("{name} {detail}"),
        None => name.to_string(),
    }
}

/// Unknown parameters named one by one in expert notes, per alarm; the rest
/// are counted in one more note (a flood of notes helps nobody).
const MAX_UNKNOWN_PARAM_NOTES: usize = 5;

/// Every parameter, known or not, in document order, each as a subtree.
fn add_parameters<'d>(packet: &mut Packet<'d>, tree: Tree<'d>, alarm: &Alarm, known: &[&str]) {
    let name = alarm.name.as_deref().unwrap_or("?");
    let mut unknown = 0;
    for param in &alarm.params {
        if !known.is_empty() && !known.contains(&param.name.as_str()) {
            unknown += 1;
            if unknown <= MAX_UNKNOWN_PARAM_NOTES {
                let message = format!(
                    "Parameter {} is not known in {name} alarms: shown as sent",
                    param.name
                );
                packet.expert_at(tree, &UNKNOWN, param.element.range(), &message);
            }
        }
        if !packet.wants_tree() {
            continue;
        }
        let value = param.trimmed_value();
        let meaning = match name {
            "LastOutOfServiceInformation" => out_of_service::value_meaning(param),
            _ => None,
        };
        let label = match meaning {
            Some(meaning) => format!("{}: {value} ({meaning})", param.name),
            None => format!("{}: {value}", param.name),
        };
        let item = packet.add_label(tree, &PARAM, param.element.range(), &label);
        let sub = packet.subtree(item, &ETT_PARAM);
        packet.add_string(sub, &PARAM_NAME, param.name_span.range(), &param.name);
        packet.add_string(sub, &PARAM_VALUE, value_range(param), value);
        let kind = match param.kind {
            ParamKind::Other => param.tag.as_str(),
            _ => param.kind.as_str(),
        };
        let kind = packet.add_string(sub, &PARAM_KIND, param.element.range(), kind);
        packet.set_generated(kind);
    }
    if unknown > MAX_UNKNOWN_PARAM_NOTES {
        let message = format!(
            "{} more parameters are not known in {name} alarms: shown as sent",
            unknown - MAX_UNKNOWN_PARAM_NOTES
        );
        packet.expert_at(tree, &UNKNOWN, alarm.element.range(), &message);
    }
}

fn report_problems<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    problems: &[parse::Problem],
    len: usize,
    reported_len: Option<usize>,
) {
    for problem in problems {
        let expert = match problem.kind {
            ProblemKind::Truncated => &TRUNCATED,
            ProblemKind::TooManyAlarms
            | ProblemKind::TooManyParams
            | ProblemKind::TooDeep
            | ProblemKind::ValueTooLong
            | ProblemKind::TooManyProblems => &LIMIT,
            // One value the tolerant reader kept as raw text; the rest is decoded.
            ProblemKind::BadValue { .. } => &BAD_VALUE,
            _ => &MALFORMED,
        };
        packet.expert_at(
            tree,
            expert,
            problem.span.range(),
            &problem.kind.to_string(),
        );
    }
    let flagged = problems.iter().any(|p| p.kind == ProblemKind::Truncated);
    if let (Some(reported), false) = (reported_len, flagged) {
        let message = format!("Only {len} of {reported} bytes were captured");
        packet.expert_at(tree, &TRUNCATED, len..len, &message);
    }
}

/// Bytes of a parameter's value without surrounding spaces.
fn value_range(param: &Param) -> Range<usize> {
    param.value_trimmed_span.range()
}

/// Bytes of part of a parameter's trimmed value (a span relative to
/// `trimmed_value()`). Exact when the value holds no entity references;
/// otherwise the decoded text no longer lines up with the bytes, and the
/// whole value is highlighted instead.
fn value_part_range(param: &Param, part: Span) -> Range<usize> {
    let whole = param.value_trimmed_span;
    if param.trimmed_value().len() == whole.len {
        let start = whole.start + part.start;
        start..start + part.len
    } else {
        whole.range()
    }
}
