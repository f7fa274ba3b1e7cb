//! The alarm XML a Skinny (SCCP) phone sends in message 0x015A
//! (XMLAlarmMessage). Wireshark's Skinny dissector shows it as
//! `skinny.xmlData` and hands it straight to the XML dissector, through no
//! table we could join, so the post-dissector gives us that field and we
//! decode the same bytes as a REFER body.

use super::decode_document;
use super::parse::parse_alarm_document;
use crate::epan::{FoundString, Packet};

/// Only XML that is an alarm document: Skinny carries other XML too.
const ALARM_ROOT: &str = "<x-cisco-alarm";

pub fn decode<'d>(packet: &mut Packet<'d>, hit: &FoundString<'d>) {
    if !hit.value.contains(ALARM_ROOT) {
        return;
    }
    let document = parse_alarm_document(hit.value.as_bytes());
    // Offsets of the document are offsets from the field's first byte.
    packet.use_source_at(hit.source, hit.range.start);
    decode_document(packet, &document, hit.value.len(), None);
}
