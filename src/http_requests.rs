//! Which request an HTTP response answers, for the post-dissectors that read
//! HTTP (`emcc`, `ciscotl`).
//!
//! Up to 4.2 Wireshark names the request's URI on the response in
//! `http.response_for.uri`; 4.4 dropped that field and shows the URI on the
//! response as a generated `http.request.uri` instead, the field of the
//! request's own URI. Every release links a response to the frame of its
//! request (`http.request_in`, on responses only), so: a frame with
//! `request_in` is a response, and the URI of each request a decoder cares
//! about is remembered by frame on the first pass and looked up from the
//! response. One code path for every release, with one fallback: 4.0 does
//! not always link a response to its request (a capture cut by a short
//! snapshot length) where it still names the URI the response is for, and
//! that name is used then (the field does not resolve from 4.4 on).
#![forbid(unsafe_code)]

use std::sync::MutexGuard;

use crate::epan::{ForeignField, FoundString, Packet, Source};
use crate::frame_memory::{FrameMemory, LimitReached, SMALL_BUDGET};
use crate::state::State;

pub static REQUEST_URI: ForeignField = ForeignField::new(c"http.request.uri", c"http");
pub static REQUEST_IN: ForeignField = ForeignField::new(c"http.request_in", c"http");
/// Up to 4.2 only.
pub static RESPONSE_FOR_URI: ForeignField = ForeignField::new(c"http.response_for.uri", c"http");

/// The fields `read` needs: part of each caller's wanted fields.
pub const WANTED: [&ForeignField; 3] = [&REQUEST_URI, &REQUEST_IN, &RESPONSE_FOR_URI];

/// The HTTP message of a frame, as far as a decoder of ours cares.
pub enum HttpMessage<'d> {
    /// A request, with its URI and where HTTP shows it.
    Request(FoundString<'d>),
    /// A response, with the URI of its request, the request's frame (when
    /// HTTP linked it), and where HTTP shows the link.
    Response {
        uri: String,
        request_frame: Option<u32>,
        place: (Source<'d>, usize),
    },
}

/// Request URIs by frame, only those some caller called its own. At its
/// limit, responses to later requests are not recognised, on every pass
/// alike (the request's URI is not there to recall); the caller that decoded
/// the refused request shows the expert info (see `limit_at`).
static URIS: State<FrameMemory<String>> = State::new(|| {
    FrameMemory::new(
        "HTTP request URIs",
        "responses are not matched to requests",
        SMALL_BUDGET,
    )
});

/// The frame of the first response to each of those requests: HTTP shows it
/// on the request (`http.response_in`) only on a later pass, where from 4.4
/// a post-dissector's wanted fields may be missing. At its limit, requests
/// do not link to their responses on later passes (as on the first).
static RESPONSES: State<FrameMemory<u32>> = State::new(|| {
    FrameMemory::new(
        "HTTP response links",
        "requests do not link to their responses",
        SMALL_BUDGET,
    )
});

fn uris() -> MutexGuard<'static, FrameMemory<String>> {
    URIS.lock()
}

/// A new capture file.
pub fn reset_capture_state() {
    uris().clear();
    RESPONSES.lock().clear();
}

/// The frame of the first response seen to the request in `request_frame`.
pub fn response_to(request_frame: u32) -> Option<u32> {
    RESPONSES.lock().recall(request_frame).map(|f| *f)
}

/// A memory limit of ours reached on `frame`: the caller that decoded the
/// frame (its request or response was theirs) shows it.
pub fn limit_at(frame: u32) -> Option<LimitReached> {
    uris()
        .limit_at(frame)
        .or_else(|| RESPONSES.lock().limit_at(frame))
}

/// The frame's request or response whose request URI satisfies `ours`;
/// `None` for anything else (no HTTP, another URI, a response whose
/// request was not seen). Requests are remembered here, so a response is
/// only recognised after its request was read on the first pass.
pub fn read<'d>(packet: &mut Packet<'d>, ours: fn(&str) -> bool) -> Option<HttpMessage<'d>> {
    let link = packet
        .fields(&REQUEST_IN)
        .into_iter()
        .find(|f| f.uint.is_some());
    if let Some(link) = link {
        let request_frame = link.uint?;
        let uri = uris().recall(request_frame)?;
        let mut responses = RESPONSES.lock();
        if responses.recall(request_frame).is_none() {
            responses.remember_at(packet.frame_number(), request_frame, packet.frame_number());
        }
        drop(responses);
        return ours(&uri).then_some(HttpMessage::Response {
            uri: uri.to_string(),
            request_frame: Some(request_frame),
            place: (link.source, link.range.start),
        });
    }
    if let Some(named) = packet.string_fields(&RESPONSE_FOR_URI).into_iter().next() {
        return ours(&named.value).then_some(HttpMessage::Response {
            uri: named.value,
            request_frame: None,
            place: (named.source, named.range.start),
        });
    }
    let uri = packet.string_fields(&REQUEST_URI).into_iter().next()?;
    if !ours(&uri.value) {
        return None;
    }
    uris().remember(packet.frame_number(), uri.value.clone());
    Some(HttpMessage::Request(uri))
}
