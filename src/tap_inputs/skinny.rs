//! Skinny's alarm XML (`skinny.xmlData`), from the PDUs Skinny was given.
//!
//! Skinny (SCCP) runs over TCP port 2000 (Wireshark's default, packet-skinny.c
//! `TCP_PORT_SKINNY`); each PDU is a 4-byte little-endian data length, a
//! 4-byte header version, then the message (4-byte message id and its data):
//! data length + 8 bytes in all (packet-skinny.c, `get_skinny_pdu_len`).
//! Wireshark hands the XML of EnhancedAlarmMessage (0x015A) straight to its
//! XML dissector, through no table we could join (`dissect_skinny_xml`): the
//! text starts after the message id and runs to its NUL, at most 2048 bytes
//! (`handle_EnhancedAlarmMessage`). A wrapper on Skinny's port sees the same
//! tvbs as Skinny (whole PDUs once TCP reassembled them); we walk their PDUs.

use crate::epan::{ForeignDissector, FoundField, Packet, PortWrapper};

static SKINNY_DISSECTOR: ForeignDissector = ForeignDissector::new(c"skinny");
static SKINNY: PortWrapper = PortWrapper::new(
    c"emcc_skinny",
    c"Skinny (alarm XML read by the EMCC plugin)",
    &SKINNY_DISSECTOR,
);

/// Wireshark's Skinny port.
const SKINNY_PORT: u32 = 2000;
const ENHANCED_ALARM: u32 = 0x015A;
/// Data length (4), header version (4), message id (4).
const HEADER: usize = 12;
const MAX_ALARM_XML: usize = 2048;
/// More PDUs than this in one tvb are not looked at (a flood of keepalives).
const MAX_PDUS: usize = 4096;

pub fn register() {
    SKINNY.register();
}

/// In Skinny's place on its port (after Skinny's own handoff put it there:
/// plugins' handoffs run after the built-in ones).
pub fn handoff() {
    SKINNY.attach_to_port(c"tcp.port", SKINNY_PORT);
}

pub fn read<'d>(packet: &mut Packet<'d>) -> Vec<FoundField<'d>> {
    let mut found = Vec::new();
    for tvb in packet.wrapped(&SKINNY) {
        let mut offset = 0usize;
        for _ in 0..MAX_PDUS {
            if offset + HEADER > tvb.len() {
                break;
            }
            let Some(header) = packet.source_bytes(tvb, offset..offset + HEADER) else {
                break;
            };
            let word = |at: usize| {
                u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
            };
            let pdu_len = word(0) as usize + 8;
            if word(8) == ENHANCED_ALARM {
                let start = offset + HEADER;
                let end = (offset + pdu_len).min(tvb.len()).min(start + MAX_ALARM_XML);
                if let Some(text) = packet.source_bytes(tvb, start..end.max(start)) {
                    let len = text.iter().position(|&b| b == 0).unwrap_or(text.len());
                    found.push(FoundField {
                        string: Some(ascii(&text[..len])),
                        uint: None,
                        source: tvb,
                        range: start..start + len,
                    });
                }
            }
            offset += pdu_len;
        }
    }
    found
}

/// The text as Wireshark shows an ENC_ASCII string: bytes past 0x7F become
/// U+FFFD (epan/charsets.c, `get_ascii_string`).
fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b < 0x80 { b as char } else { '\u{FFFD}' })
        .collect()
}
