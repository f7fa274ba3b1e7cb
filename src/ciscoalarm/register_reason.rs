//! The REGISTER Reason header a Cisco phone sends:
//! `Reason: SIP;cause=200;text="cisco-alarm:23 Name=SEP.. Load=.. Last=Reset-Restart"`,
//! the last cause of a restart or unregistration.
//!
//! SIP passes headers to no other dissector: the post-dissector hands us the
//! `sip.Reason` values SIP put in the tree, and we add our fields over the
//! same bytes (in SIP's data source, e.g. a reassembled message).

use super::codes::{self, RESTART_CAUSES};
use super::fields::*;
use super::parse::Span;
use super::reason::{CiscoReason, ReasonPair};
use super::statistics;
use crate::epan::{Field, Packet, Source, Tree};

/// `origin`: SIP's item (data source and byte range) the value came from;
/// `None` for a value remembered from an earlier pass (no byte ranges then).
pub fn decode<'d>(
    packet: &mut Packet<'d>,
    value: &str,
    origin: Option<(Source<'d>, std::ops::Range<usize>)>,
    parsed: &CiscoReason,
) {
    // SIP's item covers "Reason: value"; find where the value starts, so our
    // spans (relative to the value) land on the right bytes.
    let item_range = origin.as_ref().map_or(0..0, |(_, r)| r.clone());
    let value_start = origin.as_ref().and_then(|(source, range)| {
        let bytes = packet.source_bytes(*source, range.clone())?;
        find(&bytes, value.as_bytes())
    });
    let at = |span: Span| match value_start {
        Some(start) => start + span.start..start + span.end(),
        None => 0..item_range.len(),
    };
    packet.place(
        origin
            .as_ref()
            .map(|(source, range)| (*source, range.start)),
    );
    let (item, tree) = packet.add_protocol(0..item_range.len(), &ETT_REASON);

    let mut info = String::from("[cisco-alarm");
    if let Some(code) = &parsed.code {
        let code_item = packet.add_uint(tree, &REASON_CODE, at(code.span), code.value);
        info.push_str(&format!(" {}", code.value));
        match codes::lookup(RESTART_CAUSES, code.value) {
            Some(name) => {
                info.push_str(&format!(" {name}"));
                packet.append_text(
                    item,
                    &format!(", Last Restart Cause: {} ({name})", code.value),
                );
            }
            None => {
                let message = format!("cisco-alarm cause {} has no known meaning", code.value);
                packet.expert_at(tree, &UNKNOWN, at(code.span), &message);
                let _ = code_item;
            }
        }
    }
    info.push(']');
    if let Some(code) = &parsed.code {
        let cause = match codes::lookup(RESTART_CAUSES, code.value) {
            Some(name) => format!("{} {name}", code.value),
            None => code.value.to_string(),
        };
        let device = parsed.device().map(|d| d.value.to_string());
        statistics::note(
            packet.frame_number(),
            statistics::Reported::Restart { cause, device },
        );
    }
    let pairs: [(Option<&ReasonPair>, &Field); 5] = [
        (parsed.device(), &REASON_DEVICE),
        (parsed.load(), &REASON_LOAD),
        (parsed.active_load(), &REASON_ACTIVE_LOAD),
        (parsed.inactive_load(), &REASON_INACTIVE_LOAD),
        (parsed.last(), &REASON_LAST),
    ];
    for (pair, field) in pairs {
        if let Some(pair) = pair {
            add_pair(packet, tree, field, pair, &at);
        }
    }
    for problem in &parsed.problems {
        packet.expert_at(
            tree,
            &BAD_REASON,
            at(problem.span),
            &problem.kind.to_string(),
        );
    }
    packet.append_info(&info);
}

fn add_pair<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    field: &Field,
    pair: &ReasonPair,
    at: &impl Fn(Span) -> std::ops::Range<usize>,
) {
    packet.add_string(tree, field, at(pair.value_span), pair.value);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
