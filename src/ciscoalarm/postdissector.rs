//! One post-dissector for what other dissectors keep to themselves: the
//! `sip.Reason` header values, Skinny's XML data and the text of Skinny's
//! Alarm message (the SCCP form of the REGISTER Reason's restart cause). It
//! reads those fields only, and does nothing on frames that have none.
//! What it read on a frame's first pass is remembered for later passes,
//! where Wireshark may not provide the fields (see `frame_memory`).

use std::sync::MutexGuard;

use super::fields::*;
use super::reason::{self, CiscoReason};
use super::{register_reason, skinny_alarm};
use crate::epan::{Dissector, ForeignField, FoundString, Packet};
use crate::frame_memory::{show_limit, Footprint, FrameMemory, SMALL_BUDGET};
use crate::message_fields::{by_message, Start};
use crate::skinny_messages;
use crate::state::State;

static SIP_REASON: ForeignField = ForeignField::new(c"sip.Reason", c"sip");
static SKINNY_XML: ForeignField = ForeignField::new(c"skinny.xmlData", c"skinny");

/// Skinny's Alarm message (packet-skinny.c, `handle_AlarmMessage`: severity,
/// then an 80-byte text).
const SKINNY_ALARM: u32 = 0x0020;

static DISSECTOR: Dissector =
    Dissector::new_postdissector(c"ciscoalarm_post", &PROTOCOL, dissect, &REASON_LAST);

/// Skinny XML data is an alarm when it has this root (as
/// `skinny_alarm::decode` decides).
const ALARM_ROOT: &str = "<x-cisco-alarm";

/// The texts decoded on a frame's first pass.
#[derive(Default)]
struct Inputs {
    reasons: Vec<String>,
    skinny_xml: Vec<String>,
    skinny_alarms: Vec<String>,
}

impl Footprint for Inputs {
    fn heap(&self) -> usize {
        self.reasons.heap() + self.skinny_xml.heap() + self.skinny_alarms.heap()
    }
}

static INPUTS: State<FrameMemory<Inputs>> = State::new(|| {
    FrameMemory::new(
        "alarm texts",
        "alarms in SIP Reason and Skinny are not decoded",
        SMALL_BUDGET,
    )
});

fn inputs() -> MutexGuard<'static, FrameMemory<Inputs>> {
    INPUTS.lock()
}

pub fn register() {
    DISSECTOR.register();
}

pub fn handoff() {
    DISSECTOR.register_as_postdissector(&[
        &SIP_REASON,
        &SKINNY_XML,
        &skinny_messages::MESSAGE_ID,
        &skinny_messages::TEXT,
    ]);
}

pub fn forget_frames() {
    inputs().clear();
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let frame = packet.frame_number();
    // What decodes is known before anything is added, so that a frame the
    // memory refuses shows nothing but the limit.
    let hits = packet.string_fields(&SIP_REASON);
    // Parsed once: the Reasons that are alarms are kept with their parse.
    let reasons: Vec<_> = hits
        .iter()
        .filter_map(|hit| reason::parse_reason(&hit.value).map(|parsed| (hit, parsed)))
        .collect();
    let skinny: Vec<_> = packet
        .string_fields(&SKINNY_XML)
        .into_iter()
        .filter(|hit| hit.value.contains(ALARM_ROOT))
        .collect();
    let alarm_texts = skinny_alarm_texts(packet);
    let alarms: Vec<_> = alarm_texts
        .iter()
        .filter_map(|hit| reason::parse_skinny_alarm(&hit.value).map(|parsed| (hit, parsed)))
        .collect();
    let found = !reasons.is_empty() || !skinny.is_empty() || !alarms.is_empty();
    if found || packet.visited() {
        decode(packet, frame, found, &reasons, skinny, &alarms);
    }
    // Last of this frame's alarm decoding (alarm bodies came before, with SIP).
    super::statistics::queue(packet);
    0
}

/// The texts of the frame's Skinny Alarm messages (`skinny.text` is also
/// the text of other messages: only an Alarm's is read).
fn skinny_alarm_texts<'d>(packet: &mut Packet<'d>) -> Vec<FoundString<'d>> {
    let ids = packet.fields(&skinny_messages::MESSAGE_ID);
    if !ids.iter().any(|id| id.uint == Some(SKINNY_ALARM)) {
        return Vec::new();
    }
    let starts = Start::at_each(&ids);
    by_message(packet, &skinny_messages::TEXT, &starts)
        .into_iter()
        .zip(&ids)
        .filter(|(_, id)| id.uint == Some(SKINNY_ALARM))
        .flat_map(|(texts, _)| texts)
        .filter_map(|text| {
            Some(FoundString {
                value: text.string?,
                source: text.source,
                range: text.range,
            })
        })
        .collect()
}

fn decode<'d>(
    packet: &mut Packet<'d>,
    frame: u32,
    found: bool,
    reasons: &[(&FoundString<'d>, CiscoReason<'_>)],
    skinny: Vec<FoundString<'d>>,
    alarms: &[(&FoundString<'d>, CiscoReason<'_>)],
) {
    let standing = inputs().standing(frame);
    if !standing.admit(packet, &ETT_ALARM, &MEMORY_LIMIT) {
        return;
    }
    let mut memory = inputs();
    if found {
        if !packet.visited() {
            let kept = Inputs {
                reasons: reasons.iter().map(|(hit, _)| hit.value.clone()).collect(),
                skinny_xml: skinny.iter().map(|hit| hit.value.clone()).collect(),
                skinny_alarms: alarms.iter().map(|(hit, _)| hit.value.clone()).collect(),
            };
            if !memory.remember(frame, kept) {
                let limit = memory.limit_at(frame);
                drop(memory);
                if let Some(limit) = limit {
                    show_limit(packet, &ETT_ALARM, &MEMORY_LIMIT, &limit);
                }
                return;
            }
        }
        drop(memory);
        for (hit, parsed) in reasons {
            let origin = Some((hit.source, hit.range.clone()));
            register_reason::decode(packet, &hit.value, origin, parsed);
        }
        for hit in skinny {
            skinny_alarm::decode(packet, &hit.value, Some((hit.source, hit.range.start)));
        }
        for (hit, parsed) in alarms {
            let origin = Some((hit.source, hit.range.clone()));
            register_reason::decode(packet, &hit.value, origin, parsed);
        }
    } else if let Some(remembered) = memory.recall(frame) {
        drop(memory);
        for text in &remembered.reasons {
            if let Some(parsed) = reason::parse_reason(text) {
                register_reason::decode(packet, text, None, &parsed);
            }
        }
        for xml in &remembered.skinny_xml {
            skinny_alarm::decode(packet, xml, None);
        }
        for text in &remembered.skinny_alarms {
            if let Some(parsed) = reason::parse_skinny_alarm(text) {
                register_reason::decode(packet, text, None, &parsed);
            }
        }
    }
}
