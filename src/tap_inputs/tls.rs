//! TLS record types and lengths (`tls.record.content_type`,
//! `tls.record.length`) on the TVS port, from the tvbs TLS was given there.
//!
//! `ciscotvs` puts TLS on the TVS port behind our wrapper (`TVS_TLS`), which
//! sees exactly what TLS sees: with TCP reassembly on, whole records. Each
//! record is a 5-byte header (content type, 2-byte version, 2-byte big-endian
//! length) and that many bytes (RFC 8446 section 5.1, RFC 5246 section
//! 6.2.1); TLS shows each complete record it finds, in order, and asks TCP
//! for the rest of an incomplete one (packet-tls.c, `dissect_ssl3_record`).

use crate::epan::{ForeignDissector, FoundField, Packet, PortWrapper};

static TLS: ForeignDissector = ForeignDissector::new(c"tls");

/// TLS on the TVS port, behind our wrapper.
pub static TVS_TLS: PortWrapper = PortWrapper::new(
    c"emcc_tvs_tls",
    c"TLS (TVS records read by the EMCC plugin)",
    &TLS,
);

const RECORD_HEADER: usize = 5;
/// Records looked at per tvb; TVS sessions have a handful.
const MAX_RECORDS: usize = 4096;

pub fn read<'d>(packet: &mut Packet<'d>, field: &[u8]) -> Vec<FoundField<'d>> {
    let want_type = match field {
        b"content_type" => true,
        b"length" => false,
        _ => return Vec::new(),
    };
    let mut found = Vec::new();
    for tvb in packet.wrapped(&TVS_TLS) {
        let mut offset = 0usize;
        for _ in 0..MAX_RECORDS {
            let end_of_header = offset + RECORD_HEADER;
            if end_of_header > tvb.len() {
                break;
            }
            let Some(header) = packet.source_bytes(tvb, offset..end_of_header) else {
                break;
            };
            let length = u16::from_be_bytes([header[3], header[4]]) as usize;
            let end = end_of_header + length;
            // An incomplete record waits for the rest (TCP reassembly).
            if end > tvb.reported_len() {
                break;
            }
            let (value, range) = if want_type {
                (u32::from(header[0]), offset..offset + 1)
            } else {
                (length as u32, offset + 3..offset + 5)
            };
            found.push(FoundField {
                string: None,
                uint: Some(value),
                source: tvb,
                range,
            });
            // A record the capture cut short ends TLS's work on the tvb
            // (an exception after its header).
            if end > tvb.len() {
                break;
            }
            offset = end;
        }
    }
    found
}
