//! The alarm XML a Skinny (SCCP) phone sends in message 0x015A
//! (XMLAlarmMessage). Wireshark's Skinny dissector shows it as
//! `skinny.xmlData` and hands it straight to the XML dissector, through no
//! table we could join, so the post-dissector gives us that field and we
//! decode the same bytes as a REFER body.

use super::decode_document;
use super::parse::parse_alarm_document;
use crate::epan::{Packet, Source};

/// Only XML that is an alarm document: Skinny carries other XML too.
const ALARM_ROOT: &str = "<x-cisco-alarm";

/// Decodes `xml` if it is an alarm document; `origin` is where Skinny's
/// field starts (`None` for text remembered from an earlier pass).
pub fn decode<'d>(packet: &mut Packet<'d>, xml: &str, origin: Option<(Source<'d>, usize)>) -> bool {
    if !xml.contains(ALARM_ROOT) {
        return false;
    }
    let document = parse_alarm_document(xml.as_bytes());
    // Offsets of the document are offsets from the field's first byte.
    packet.place(origin);
    decode_document(packet, &document, xml.len(), None);
    true
}
