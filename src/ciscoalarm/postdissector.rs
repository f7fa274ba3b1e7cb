//! One post-dissector for what other dissectors keep to themselves: the
//! `sip.Reason` header values and Skinny's XML data. It asks Wireshark for
//! those two fields only, and does nothing on frames that have neither.
//! What it read on a frame's first pass is remembered for later passes,
//! where Wireshark may not provide the fields (see `frame_memory`).

use std::sync::MutexGuard;

use super::fields::*;
use super::reason;
use super::{register_reason, skinny_alarm};
use crate::epan::{Dissector, ForeignField, Packet};
use crate::frame_memory::FrameMemory;
use crate::state::State;

static SIP_REASON: ForeignField = ForeignField::new(c"sip.Reason", c"sip");
static SKINNY_XML: ForeignField = ForeignField::new(c"skinny.xmlData", c"skinny");

static DISSECTOR: Dissector =
    Dissector::new_postdissector(c"ciscoalarm_post", &PROTOCOL, dissect, &REASON_LAST);

/// The texts decoded on a frame's first pass.
#[derive(Clone, Default)]
struct Inputs {
    reasons: Vec<String>,
    skinny_xml: Vec<String>,
}

static INPUTS: State<FrameMemory<Inputs>> = State::new(FrameMemory::new);

fn inputs() -> MutexGuard<'static, FrameMemory<Inputs>> {
    INPUTS.lock()
}

pub fn register() {
    DISSECTOR.register();
}

pub fn handoff() {
    DISSECTOR.register_as_postdissector(&[&SIP_REASON, &SKINNY_XML]);
}

pub fn forget_frames() {
    inputs().clear();
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let mut decoded = Inputs::default();
    for hit in packet.string_fields(&SIP_REASON) {
        if let Some(parsed) = reason::parse_reason(&hit.value) {
            register_reason::decode(
                packet,
                &hit.value,
                Some((hit.source, hit.range.clone())),
                &parsed,
            );
            decoded.reasons.push(hit.value);
        }
    }
    for hit in packet.string_fields(&SKINNY_XML) {
        if skinny_alarm::decode(packet, &hit.value, Some((hit.source, hit.range.start))) {
            decoded.skinny_xml.push(hit.value);
        }
    }
    let found = !decoded.reasons.is_empty() || !decoded.skinny_xml.is_empty();
    if found && !packet.visited() {
        inputs().remember(packet.frame_number(), decoded);
    } else if !found && packet.visited() {
        if let Some(remembered) = inputs().recall(packet.frame_number()) {
            for text in &remembered.reasons {
                if let Some(parsed) = reason::parse_reason(text) {
                    register_reason::decode(packet, text, None, &parsed);
                }
            }
            for xml in &remembered.skinny_xml {
                skinny_alarm::decode(packet, xml, None);
            }
        }
    }
    // Last of this frame's alarm decoding (alarm bodies came before, with SIP).
    super::statistics::queue(packet);
    0
}
