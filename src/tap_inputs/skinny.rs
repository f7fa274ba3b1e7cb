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

use crate::epan::{ForeignDissector, FoundField, Packet, PortWrapper, Source};

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

/// The occurrences of `skinny.<field>` in this frame's PDUs: the message
/// ids, and the few values of the messages we read, where Wireshark puts
/// them (packet-skinny.c, Wireshark 4.0):
/// - `messageId`: the header's third word (`dissect_skinny_pdu`);
/// - `DeviceName`: RegisterReq (0x0001), 16 ASCII bytes at the start of its
///   data (`handle_RegisterReqMessage`);
/// - `keepAliveInterval` and `secondaryKeepAliveInterval`: RegisterAck
///   (0x0081), words at 0 and 12 of its data, after a 6-byte date template
///   and 2 bytes of padding (`handle_RegisterAckMessage`);
/// - `text`: RegisterReject (0x009D), 32 ASCII bytes
///   (`handle_RegisterRejectMessage`), and Alarm (0x0020), 80 ASCII bytes
///   after the 4-byte severity (`handle_AlarmMessage`);
/// - `resetType`: Reset (0x009F), the word its data is (`handle_Reset`);
/// - `xmlData`: the alarm XML of EnhancedAlarmMessage (0x015A), see above.
///
/// Other messages that carry `DeviceName` or `text` in Wireshark's tree
/// (RegisterTokenReq, DisplayText, ...) are not read from taps.
pub fn read<'d>(packet: &mut Packet<'d>, field: &[u8]) -> Vec<FoundField<'d>> {
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
            let pdu_len = (word(0) as usize).saturating_add(8);
            let id = word(8);
            // The PDU's bytes that were captured, as far as it reaches.
            let pdu = Pdu {
                tvb,
                data: offset + HEADER,
                end: offset.saturating_add(pdu_len).min(tvb.len()),
            };
            match (field, id) {
                (b"messageId", _) => found.push(FoundField {
                    string: None,
                    uint: Some(id),
                    source: tvb,
                    range: offset + 8..offset + HEADER,
                }),
                (b"xmlData", ENHANCED_ALARM) => pdu.xml(packet, &mut found),
                (b"DeviceName", REGISTER) => pdu.ascii(packet, 0, 16, &mut found),
                (b"keepAliveInterval", REGISTER_ACK) => pdu.word(packet, 0, &mut found),
                (b"secondaryKeepAliveInterval", REGISTER_ACK) => pdu.word(packet, 12, &mut found),
                (b"text", REGISTER_REJECT) => pdu.ascii(packet, 0, 32, &mut found),
                (b"text", ALARM) => pdu.ascii(packet, 4, 80, &mut found),
                (b"resetType", RESET) => pdu.word(packet, 0, &mut found),
                _ => {}
            }
            offset = offset.saturating_add(pdu_len);
        }
    }
    found
}

const REGISTER: u32 = 0x0001;
const ALARM: u32 = 0x0020;
const REGISTER_ACK: u32 = 0x0081;
const REGISTER_REJECT: u32 = 0x009D;
const RESET: u32 = 0x009F;

/// One PDU of a wrapped tvb: its data starts at `data`; `end` is where the
/// PDU (or the captured bytes) ends.
struct Pdu<'d> {
    tvb: Source<'d>,
    data: usize,
    end: usize,
}

impl<'d> Pdu<'d> {
    /// The bytes `at..at + len` of the data, if the PDU holds them all (as
    /// Wireshark adds no item for a field past the PDU's end).
    fn bytes(&self, packet: &mut Packet<'d>, at: usize, len: usize) -> Option<Vec<u8>> {
        let start = self.data + at;
        if start + len > self.end {
            return None;
        }
        packet.source_bytes(self.tvb, start..start + len)
    }

    /// A little-endian word of the data.
    fn word(&self, packet: &mut Packet<'d>, at: usize, found: &mut Vec<FoundField<'d>>) {
        if let Some(b) = self.bytes(packet, at, 4) {
            found.push(FoundField {
                string: None,
                uint: Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                source: self.tvb,
                range: self.data + at..self.data + at + 4,
            });
        }
    }

    /// A fixed-width ASCII field: its value ends at the first NUL, as
    /// Wireshark's string of a fixed-length ENC_ASCII item.
    fn ascii(
        &self,
        packet: &mut Packet<'d>,
        at: usize,
        len: usize,
        found: &mut Vec<FoundField<'d>>,
    ) {
        if let Some(b) = self.bytes(packet, at, len) {
            let text = b.iter().position(|&c| c == 0).map_or(&b[..], |n| &b[..n]);
            found.push(FoundField {
                string: Some(ascii(text)),
                uint: None,
                source: self.tvb,
                range: self.data + at..self.data + at + len,
            });
        }
    }

    /// The alarm XML of an EnhancedAlarmMessage: from the message id's end
    /// to its NUL, at most `MAX_ALARM_XML` bytes.
    fn xml(&self, packet: &mut Packet<'d>, found: &mut Vec<FoundField<'d>>) {
        let start = self.data;
        let end = self.end.min(start + MAX_ALARM_XML).max(start);
        if let Some(text) = packet.source_bytes(self.tvb, start..end) {
            let len = text.iter().position(|&b| b == 0).unwrap_or(text.len());
            found.push(FoundField {
                string: Some(ascii(&text[..len])),
                uint: None,
                source: self.tvb,
                range: start..start + len,
            });
        }
    }
}

/// The text as Wireshark shows an ENC_ASCII string: bytes past 0x7F become
/// U+FFFD (epan/charsets.c, `get_ascii_string`).
fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b < 0x80 { b as char } else { '\u{FFFD}' })
        .collect()
}
