//! SIP header values, parsed from the messages SIP's follow tap hands out
//! (packet-sip.c, `dissect_sip_common`: the tvb it dissects, queued for
//! `sip_follow` once per message; over TCP the same tvb may hold several
//! messages, and is queued once for each).

use std::ops::Range;

use crate::epan::{Followed, ForeignField, FoundField, Packet, Source, TappedBuffers};
use crate::sip_message::{self, SipMessage, StartLine};
use crate::state::State;

/// Frames SIP dissected (its filter name, resolved at handoff).
static SIP_LAYER: ForeignField = ForeignField::new(c"sip", c"sip");

pub fn handoff() {
    SIP_LAYER.resolve();
}

/// A follow buffer's bytes and the messages in it.
struct Buffer {
    bytes: Vec<u8>,
    messages: Vec<SipMessage>,
    /// The start line of a message the capture cut short.
    cut_start: Option<StartLine>,
}

#[derive(Default)]
struct Cache {
    dissection: u64,
    buffers: Vec<Buffer>,
}

static CACHE: State<Cache> = State::new(Cache::default);

/// SIP messages are small (RFC 3261 section 18.1.1 keeps UDP ones under
/// 1300 bytes); a buffer this large is read only this far.
const MAX_BUFFER: usize = 256 * 1024;

pub fn reset_capture_state() {
    *CACHE.lock() = Cache::default();
}

pub fn read<'d>(packet: &mut Packet<'d>, field: &[u8]) -> Vec<FoundField<'d>> {
    let mut sources = packet.tapped_buffers(Followed::Sip);
    if sources.is_empty() {
        // SIP gives up before its follow tap on a segment the capture cut
        // short (TCP), keeping only its items of the start line: read that
        // line from the segment's payload.
        if !packet.frame_is_cut() || !packet.carries(&[&SIP_LAYER]) {
            return Vec::new();
        }
        let payload = packet.tapped_buffers(Followed::Tcp).last();
        match payload.or_else(|| packet.tapped_buffers(Followed::Udp).last()) {
            Some(payload) => sources = TappedBuffers::one(payload),
            None => return Vec::new(),
        }
    }
    let dissection = packet.dissection();
    let mut cache = CACHE.lock();
    if cache.dissection != dissection {
        let stream = packet.tapped_tcp().is_some();
        let cut = packet.frame_is_cut();
        cache.buffers = sources
            .iter()
            .map(|source| {
                let bytes = packet
                    .source_bytes(source, 0..source.len().min(MAX_BUFFER))
                    .unwrap_or_default();
                if cut {
                    // A frame the capture cut: SIP gives up after the
                    // start line (with a tree), see `cut_short_start`.
                    let start = sip_message::cut_short_start(&bytes, stream);
                    return Buffer {
                        bytes,
                        messages: Vec::new(),
                        cut_start: start,
                    };
                }
                let messages = sip_message::messages(&bytes, stream)
                    .into_iter()
                    // Over TCP, SIP waits for the rest of a cut message
                    // before it dissects (and taps) it.
                    .filter(|m| !(stream && m.truncated))
                    .collect();
                Buffer {
                    bytes,
                    messages,
                    cut_start: None,
                }
            })
            .collect();
        cache.dissection = dissection;
    }
    let mut found = Vec::new();
    for (buffer, source) in cache.buffers.iter().zip(sources.iter()) {
        for message in &buffer.messages {
            found_in(
                &buffer.bytes,
                &message.start,
                Some(message),
                source,
                field,
                &mut found,
            );
        }
        if let Some(start) = &buffer.cut_start {
            found_in(&buffer.bytes, start, None, source, field, &mut found);
        }
    }
    found
}

/// Adds the occurrences of `field` in one message (`message` is None for a
/// start line alone).
fn found_in<'d>(
    bytes: &[u8],
    start: &StartLine,
    message: Option<&SipMessage>,
    source: Source<'d>,
    field: &[u8],
    found: &mut Vec<FoundField<'d>>,
) {
    let string = |range: Range<usize>, text: String| FoundField {
        string: Some(text),
        uint: None,
        source,
        range,
    };
    match (field, start) {
        (b"Method", StartLine::Request { method, .. }) => found.push(string(
            method.clone(),
            sip_message::ascii_text(bytes, method.clone()),
        )),
        (
            b"Status-Code",
            StartLine::Response {
                code, code_range, ..
            },
        ) => found.push(FoundField {
            string: None,
            uint: Some(u32::from(*code)),
            source,
            range: code_range.clone(),
        }),
        (b"Status-Line", StartLine::Response { status_line, .. }) => found.push(string(
            status_line.clone(),
            sip_message::text(bytes, status_line.clone()),
        )),
        (b"CSeq.method", _) => {
            if let Some(range) = message.and_then(SipMessage::cseq_method) {
                found.push(string(range.clone(), sip_message::text(bytes, range)));
            }
        }
        (b"Expires", _) => {
            for header in message
                .into_iter()
                .flat_map(|m| m.headers(bytes, "Expires"))
            {
                found.push(FoundField {
                    string: None,
                    uint: Some(sip_message::uint(bytes, header.value.clone())),
                    source,
                    range: header.whole.clone(),
                });
            }
        }
        (b"Event" | b"Contact" | b"Reason", _) => {
            let name = std::str::from_utf8(field).unwrap_or_default();
            for header in message.into_iter().flat_map(|m| m.headers(bytes, name)) {
                found.push(string(
                    header.whole.clone(),
                    sip_message::text(bytes, header.value.clone()),
                ));
            }
        }
        _ => {}
    }
}
