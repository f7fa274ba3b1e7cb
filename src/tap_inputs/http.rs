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

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

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
    /// Responses: the URI of the connection's last request not answered
    /// before.
    response_for: Option<String>,
    /// HTTP gave up before the links to other frames.
    unlinked: bool,
}

#[derive(Default)]
struct Http {
    /// The dissection the cache is for.
    dissection: u64,
    /// Shared with each field read of the dissection.
    messages: Arc<Vec<Message>>,
    /// The messages were read from TCP's payload (HTTP gave up on them).
    from_tcp: bool,
    /// The URI of the last request of each TCP stream whose response was
    /// not seen yet: what Wireshark 4.0 names on a response it cannot link
    /// (`http.response_for.uri`, the connection's last request URI).
    unanswered: HashMap<u32, String>,
}

/// Connections with a request waiting for its answer; past this the memory
/// starts afresh (only responses HTTP cannot link lose their URI).
const MAX_UNANSWERED: usize = 65_536;

static HTTP: State<Http> = State::new(Http::default);

pub fn reset_capture_state() {
    *HTTP.lock() = Http::default();
}

pub fn read<'d>(packet: &mut Packet<'d>, field: &[u8]) -> Vec<FoundField<'d>> {
    let (messages, from_tcp) = messages(packet);
    let buffers = packet.tapped_buffers(if from_tcp {
        Followed::Tcp
    } else {
        Followed::Http
    });
    let at = |index: Option<usize>| index.and_then(|i| buffers.get(i));
    let frame = packet.frame_source();
    let link = packet.http_link();
    let mut found = Vec::new();
    for message in messages.iter() {
        let link = link.filter(|_| !message.unlinked);
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
                if let Some((request, _)) = link.filter(|&(r, _)| r != 0 && message.code.is_some())
                {
                    found.push(super::uint_at(header, request));
                }
            }
            b"response_in" => {
                if let Some((_, response)) = link.filter(|&(_, r)| r != 0 && message.uri.is_some())
                {
                    found.push(super::uint_at(header, response));
                }
            }
            b"response_for.uri" => {
                if let Some(uri) = message.response_for.as_ref().filter(|_| !message.unlinked) {
                    found.push(FoundField {
                        string: Some(uri.clone()),
                        uint: None,
                        source: header,
                        range: 0..0,
                    });
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

/// The frame's messages, worked out once per dissection (and whether they
/// were read from TCP's payload, see `from_payload`).
fn messages(packet: &mut Packet<'_>) -> (Arc<Vec<Message>>, bool) {
    let dissection = packet.dissection();
    {
        let http = HTTP.lock();
        if http.dissection == dissection {
            return (Arc::clone(&http.messages), http.from_tcp);
        }
    }
    let tapped = packet.tapped_http();
    let buffers = packet.tapped_buffers(Followed::Http);
    let from_tcp = tapped.is_empty() && buffers.is_empty();
    let mut messages = if from_tcp {
        from_payload(packet)
    } else {
        let starts: Vec<Vec<u8>> = buffers.iter().map(|b| first_line(packet, b)).collect();
        if tapped.is_empty() {
            // HTTP got past the headers (it queued them) and gave up in
            // the body: its items of the start line and the links are there,
            // and the body's, when it queued the body before giving up.
            let mut message = starts.first().and_then(|line| start_line(line));
            if let Some(message) = &mut message {
                message.body = (buffers.len() > 1).then_some(1);
            }
            message.into_iter().collect()
        } else {
            pair(&tapped, &starts)
        }
    };
    let stream = packet.tapped_tcp().map(|t| t.stream);
    let mut http = HTTP.lock();
    if let Some(stream) = stream {
        remember_requests(&mut http.unanswered, stream, &mut messages);
    }
    let messages = Arc::new(messages);
    http.dissection = dissection;
    http.messages = Arc::clone(&messages);
    http.from_tcp = from_tcp;
    (messages, from_tcp)
}

/// A frame HTTP dissected but queued nothing for: it gave up (an exception)
/// before the end of the headers, as on a frame the capture cut short.
/// HTTP's items up to there came from the start line (packet-http.c,
/// `dissect_http_message`, `basic_request_dissector` and
/// `basic_response_dissector` run before the headers), so read that line
/// from the segment's payload (TCP's follow tap).
fn from_payload(packet: &mut Packet<'_>) -> Vec<Message> {
    let Some(payload) = packet.tapped_buffers(Followed::Tcp).last() else {
        return Vec::new();
    };
    let line = first_line(packet, payload);
    let mut message = start_line(&line);
    // HTTP adds the links to other frames after the headers: it never got
    // there.
    if let Some(message) = &mut message {
        message.unlinked = true;
    }
    message.into_iter().collect()
}

/// A message from its start line alone (RFC 9112 sections 3 and 4): a
/// request line `method SP target SP HTTP/x.y`, or a status line
/// `HTTP/x.y SP code ...`; `header` is 0 (the payload itself).
fn start_line(line: &[u8]) -> Option<Message> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut words = line.split(|&b| b == b' ');
    let first = words.next()?;
    if first.starts_with(b"HTTP/") {
        let code = words.next().filter(|c| c.len() == 3)?;
        let code = std::str::from_utf8(code).ok()?.parse().ok()?;
        return Some(Message {
            header: Some(0),
            code: Some(code),
            ..Message::default()
        });
    }
    let target = words.next()?;
    let version = words.next()?;
    if first.is_empty() || target.is_empty() || !version.starts_with(b"HTTP/") {
        return None;
    }
    let start = first.len() + 1;
    Some(Message {
        header: Some(0),
        uri: Some((
            String::from_utf8_lossy(target).into_owned(),
            start..start + target.len(),
        )),
        ..Message::default()
    })
}

/// Notes each request's URI as its connection's last unanswered one, and
/// names it on the next response, as Wireshark 4.0 names the connection's
/// last request URI (`conv_data->request_uri`, packet-http.c) on a response.
/// Unlike Wireshark, an answered URI is forgotten (that keeps the memory to
/// requests still open): a response that follows another without a request
/// of its own names none.
fn remember_requests(unanswered: &mut HashMap<u32, String>, stream: u32, messages: &mut [Message]) {
    for message in messages {
        if let Some((uri, _)) = &message.uri {
            if unanswered.len() >= MAX_UNANSWERED && !unanswered.contains_key(&stream) {
                unanswered.clear();
            }
            unanswered.insert(stream, uri.clone());
        } else if message.code.is_some() {
            message.response_for = unanswered.remove(&stream);
        }
    }
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

/// Most start lines fit this: read that much first, the rest only if needed
/// (a body buffer may be large and is never read whole here).
const USUAL_LINE: usize = 512;

fn first_line<'d>(packet: &mut Packet<'d>, buffer: Source<'d>) -> Vec<u8> {
    let mut want = USUAL_LINE;
    loop {
        let len = buffer.len().min(want);
        let mut bytes = packet.source_bytes(buffer, 0..len).unwrap_or_default();
        if let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            bytes.truncate(end);
            return bytes;
        }
        if len == buffer.len() || want >= MAX_LINE {
            return bytes;
        }
        want = MAX_LINE;
    }
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

    /// RFC 9112 section 3.2's request-line example and section 4's status line.
    #[test]
    fn start_lines_of_rfc_9112() {
        let request = start_line(b"GET /where?q=now HTTP/1.1\r").unwrap();
        let (uri, range) = request.uri.unwrap();
        assert_eq!(uri, "/where?q=now");
        assert_eq!(range, 4..16);
        assert_eq!(request.code, None);
        let response = start_line(b"HTTP/1.1 200 OK").unwrap();
        assert_eq!(response.code, Some(200));
        assert!(response.uri.is_none());
        // Not a start line: no version, a four-digit code, nothing.
        assert!(start_line(b"GET /where?q=now").is_none());
        assert!(start_line(b"HTTP/1.1 2000 OK").is_none());
        assert!(start_line(b"").is_none());
    }

    #[test]
    fn a_body_that_looks_like_nothing_else_is_the_body() {
        let tapped = [response(200)];
        let starts = [
            b"HTTP/1.1 200 OK".to_vec(),
            b"HTTP/1.1 is in this body".to_vec(),
        ];
        let messages = pair(&tapped, &starts);
        assert_eq!(messages[0].body, Some(1));
    }
}
