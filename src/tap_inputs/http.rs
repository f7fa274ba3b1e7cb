//! HTTP values from HTTP's taps: the `http` tap gives each message's method,
//! request URI and status code; the `http_follow` tap gives each message's
//! header block, then its body as HTTP hands it to the next dissector
//! (de-chunked, decompressed: the bytes of `http.file_data`) when it has one
//! (packet-http.c, `dissect_http_message`: the follow tap is queued with the
//! header block, then with the body, then the `http` tap with the message).
//!
//! Which request a response answers, and the reverse (`http.request_in`,
//! `http.response_in`), is HTTP's own record of the frame, which it keeps
//! from its first pass on whether or not anyone taps (`Packet::http_link`):
//! the same links as HTTP's items in every pass, `-2` included.

use std::ops::Range;

use crate::epan::{Followed, FoundField, Packet, Source, TappedHttp};
use crate::state::State;

/// One HTTP message of the frame, as the taps describe it.
#[derive(Clone, Default)]
struct Message {
    /// Index of its header block among the frame's follow buffers.
    header: Option<usize>,
    /// Index of its body.
    body: Option<usize>,
    uri: Option<(String, Range<usize>)>,
    code: Option<u32>,
}

#[derive(Default)]
struct Http {
    /// The dissection the cache is for.
    dissection: u64,
    messages: Vec<Message>,
}

static HTTP: State<Http> = State::new(Http::default);

pub fn reset_capture_state() {
    *HTTP.lock() = Http::default();
}

pub fn read<'d>(packet: &mut Packet<'d>, field: &[u8]) -> Vec<FoundField<'d>> {
    let buffers = packet.tapped_buffers(Followed::Http);
    let messages = messages(packet, &buffers);
    let at = |index: Option<usize>| index.and_then(|i| buffers.get(i).copied());
    let frame = packet.frame_source();
    let link = packet.http_link();
    let mut found = Vec::new();
    for message in &messages {
        let header = at(message.header).unwrap_or(frame);
        match field {
            b"request.uri" => {
                if let Some((uri, range)) = &message.uri {
                    found.push(FoundField {
                        string: Some(uri.clone()),
                        uint: None,
                        source: header,
                        range: if message.header.is_some() {
                            range.clone()
                        } else {
                            0..0
                        },
                    });
                }
            }
            b"request_in" => {
                if let Some((request, _)) = link.filter(|&(r, _)| r != 0 && message.code.is_some()) {
                    found.push(super::uint_at(header, request));
                }
            }
            b"response_in" => {
                if let Some((_, response)) = link.filter(|&(_, r)| r != 0 && message.uri.is_some()) {
                    found.push(super::uint_at(header, response));
                }
            }
            b"response.code" => {
                if let Some(code) = message.code {
                    found.push(super::uint_at(header, code));
                }
            }
            b"file_data" => {
                if let Some(body) = at(message.body) {
                    found.push(FoundField {
                        string: None,
                        uint: None,
                        source: body,
                        range: 0..body.len(),
                    });
                }
            }
            _ => {}
        }
    }
    found
}

/// The frame's messages, worked out once per dissection.
fn messages<'d>(packet: &mut Packet<'d>, buffers: &[Source<'d>]) -> Vec<Message> {
    let dissection = packet.dissection();
    if HTTP.lock().dissection == dissection {
        return HTTP.lock().messages.clone();
    }
    let tapped = packet.tapped_http();
    let starts: Vec<Vec<u8>> = buffers.iter().map(|&b| first_line(packet, b)).collect();
    let messages = pair(&tapped, &starts);
    let mut http = HTTP.lock();
    http.dissection = dissection;
    http.messages = messages.clone();
    messages
}

/// Matches each tapped message with its header block (and body) among the
/// follow buffers, in order.
fn pair(tapped: &[TappedHttp], starts: &[Vec<u8>]) -> Vec<Message> {
    let mut messages = Vec::with_capacity(tapped.len());
    let mut next = 0;
    for (i, message) in tapped.iter().enumerate() {
        let mut found = Message {
            code: message.method.is_none().then_some(message.code),
            ..Message::default()
        };
        if let Some(j) = (next..starts.len()).find(|&j| begins(message, &starts[j])) {
            found.header = Some(j);
            next = j + 1;
            let next_is_header = tapped
                .get(i + 1)
                .zip(starts.get(next))
                .is_some_and(|(m, start)| begins(m, start));
            if next < starts.len() && !next_is_header {
                found.body = Some(next);
                next += 1;
            }
        }
        if let Some(uri) = &message.uri {
            let range = found
                .header
                .and_then(|j| uri_range(&starts[j], uri))
                .unwrap_or(0..0);
            found.uri = Some((uri.clone(), range));
        }
        messages.push(found);
    }
    messages
}

/// Whether a buffer starting with `start` is the header block of `message`:
/// a request line begins with its method and a space, a status line with
/// the protocol version (RFC 9112 sections 3 and 4).
fn begins(message: &TappedHttp, start: &[u8]) -> bool {
    match &message.method {
        Some(method) => {
            start.starts_with(method.as_bytes()) && start.get(method.len()) == Some(&b' ')
        }
        None => start.starts_with(b"HTTP/"),
    }
}

/// Where the request target is in the request line: after the method and
/// one space, up to the next space (RFC 9112 section 3).
fn uri_range(line: &[u8], uri: &str) -> Option<Range<usize>> {
    let start = line.iter().position(|&b| b == b' ')? + 1;
    let end = start + uri.len();
    (line.get(start..end) == Some(uri.as_bytes())).then_some(start..end)
}

/// Request lines this long are refused by every server we know of; our
/// URIs are far shorter.
const MAX_LINE: usize = 8192;

fn first_line<'d>(packet: &mut Packet<'d>, buffer: Source<'d>) -> Vec<u8> {
    let mut bytes = packet
        .source_bytes(buffer, 0..buffer.len().min(MAX_LINE))
        .unwrap_or_default();
    if let Some(end) = bytes.iter().position(|&b| b == b'\n') {
        bytes.truncate(end);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, uri: &str) -> TappedHttp {
        TappedHttp {
            method: Some(method.into()),
            code: 0,
            uri: Some(uri.into()),
        }
    }

    fn response(code: u32) -> TappedHttp {
        TappedHttp {
            method: None,
            code,
            uri: None,
        }
    }

    #[test]
    fn a_request_with_a_body_then_a_response_without() {
        let tapped = [request("POST", "/emapp/EMAppServlet"), response(200)];
        let starts = [
            b"POST /emapp/EMAppServlet HTTP/1.1".to_vec(),
            b"device=SEP0001".to_vec(),
            b"HTTP/1.1 200 OK".to_vec(),
        ];
        let messages = pair(&tapped, &starts);
        assert_eq!(messages[0].header, Some(0));
        assert_eq!(messages[0].body, Some(1));
        assert_eq!(messages[0].uri.as_ref().unwrap().1, 5..24);
        assert_eq!(messages[1].header, Some(2));
        assert_eq!(messages[1].body, None);
        assert_eq!(messages[1].code, Some(200));
    }

    #[test]
    fn a_body_that_looks_like_nothing_else_is_the_body() {
        let tapped = [response(200)];
        let starts = [b"HTTP/1.1 200 OK".to_vec(), b"HTTP/1.1 is in this body".to_vec()];
        let messages = pair(&tapped, &starts);
        assert_eq!(messages[0].body, Some(1));
    }
}
