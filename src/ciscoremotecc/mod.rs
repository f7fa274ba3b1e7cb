#![forbid(unsafe_code)]
//! `ciscoremotecc`: remote call control bodies that Cisco phones and CUCM
//! exchange in SIP (REGISTER, REFER, NOTIFY): `bulkregisterreq`, the
//! capabilities of `optionsind`, response codes.

mod fields;
pub mod parse;

use crate::epan::{Dissector, Packet};
use fields::*;
use parse::ProblemKind;

/// The three content types, and what each is called in `ciscoremotecc.kind`.
const KINDS: [(&str, &str); 3] = [
    ("application/x-cisco-remotecc-request+xml", "request"),
    ("application/x-cisco-remotecc-response+xml", "response"),
    ("application/x-cisco-remotecc-cm+xml", "cm"),
];

// One dissector for the three content types: it learns which one from the
// key the media_type table matched. (Three dissectors of one protocol in one
// table share a description, which 4.6 warns about on every start.)
static DISSECTOR: Dissector = Dissector::new(c"ciscoremotecc", &PROTOCOL, dissect_body, &KIND);

fn dissect_body(packet: &mut Packet<'_>) -> usize {
    let matched = packet.match_string().unwrap_or_default();
    let kind = KINDS
        .iter()
        .find(|(media_type, _)| matched.eq_ignore_ascii_case(media_type))
        .map_or("unknown", |(_, kind)| kind);
    dissect(packet, kind)
}

pub fn register() {
    PROTOCOL.register();
    DISSECTOR.register();
}

pub fn handoff() {
    for (media_type, _) in KINDS {
        DISSECTOR.add_to_string_table(c"media_type", media_type);
    }
}

fn dissect(packet: &mut Packet<'_>, kind: &str) -> usize {
    let body_len = packet.bytes().len();
    let document = parse::parse_remotecc(packet.bytes());
    packet.set_protocol_column();
    let (proto_item, tree) = packet.add_protocol(0..body_len, &ETT_REMOTECC);
    let kind_item = packet.add_string(tree, &KIND, 0..0, kind);
    packet.set_generated(kind_item);

    for operation in &document.operations {
        packet.add_string(tree, &ELEMENT, operation.span.range(), &operation.name);
    }
    if let Some((code, span)) = document.response_code {
        let item = packet.add_uint(tree, &RESPONSE_CODE, span.range(), code);
        if !(200..300).contains(&code) {
            let message =
                format!("Remote call control response code {code}: the request was not accepted");
            packet.expert(item, &ERROR_RESPONSE, &message);
        }
    }
    for option in &document.options {
        packet.add_string(tree, &OPTION, option.span.range(), &option.label);
    }
    for problem in &document.problems {
        let expert = match problem.kind {
            ProblemKind::TooManyOperations
            | ProblemKind::TooManyOptions
            | ProblemKind::TooDeep
            | ProblemKind::TooManyProblems => &LIMIT,
            _ => &MALFORMED,
        };
        packet.expert_at(
            tree,
            expert,
            problem.span.range(),
            &problem.kind.to_string(),
        );
    }

    let mut summary: Vec<String> = document.operations.iter().map(|o| o.name.clone()).collect();
    if let Some((code, _)) = document.response_code {
        summary.push(code.to_string());
    }
    let summary = summary.join(" ");
    packet.append_text(proto_item, &format!(" ({kind}): {summary}"));
    packet.append_info(&format!("[remotecc {kind}: {summary}]"));
    body_len
}
