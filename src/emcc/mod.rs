#![forbid(unsafe_code)]
//! `emcc`: the Extension Mobility HTTP exchanges of an EMCC login: the phone
//! with the EMApp servlet (and its JSP pages) on the visiting cluster, the
//! clusters with each other's EMService servlet.
//!
//! HTTP keeps its own decoding: a post-dissector reads the request URI,
//! the URI a response answers (see `http_requests`), and the body that HTTP
//! found, and adds our layer on frames whose path is ours (any host, any
//! port).

pub mod codes;
pub mod em_error;
pub mod emservice;
mod fields;
pub mod phone_xml;
pub mod query;
mod request;
mod response;
mod statistics;

use std::sync::{Arc, MutexGuard};

use crate::epan::{Dissector, ForeignField, Packet, Source};
use crate::frame_memory::{
    show_limit, standing, Footprint, FrameMemory, LARGE_BUDGET, SMALL_BUDGET,
};
use crate::http_requests::{self, HttpMessage};
use crate::nstime::NsTime;
use crate::state::State;
use fields::*;

static HTTP_RESPONSE_IN: ForeignField = ForeignField::new(c"http.response_in", c"http");
static HTTP_BODY: ForeignField = ForeignField::new(c"http.file_data", c"http");

static DISSECTOR: Dissector = Dissector::new_postdissector(c"emcc", &PROTOCOL, dissect, &ACTION);

/// What each request was (first pass), for its response.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestInfo {
    /// Capture time (since the epoch).
    pub time: NsTime,
    pub action: String,
    pub device: Option<String>,
    pub user: Option<String>,
}

impl Footprint for RequestInfo {
    fn heap(&self) -> usize {
        self.action.heap() + self.device.heap() + self.user.heap()
    }
}

/// At its limit, the request is decoded but responses from then on show no
/// request details (time, action, user, device), on every pass alike; the
/// request shows the expert info, and nothing of ours after it is decoded.
static REQUESTS: State<FrameMemory<RequestInfo>> = State::new(|| {
    FrameMemory::new(
        "EMCC request summaries",
        "later EMCC messages are not decoded",
        SMALL_BUDGET,
    )
});

/// What HTTP told us on a frame of ours, kept for passes where HTTP's
/// fields are missing (see `frame_memory`). It holds bodies: the large
/// budget.
static INPUTS: State<FrameMemory<HttpInputs>> = State::new(|| {
    FrameMemory::new(
        "EMCC messages (URIs and bodies)",
        "EMCC messages are not decoded",
        LARGE_BUDGET,
    )
});

fn requests() -> MutexGuard<'static, FrameMemory<RequestInfo>> {
    REQUESTS.lock()
}

/// What the post-dissector reads from HTTP for one frame.
#[derive(Clone, Default)]
pub struct HttpInputs {
    pub uri: Option<String>,
    pub for_uri: Option<String>,
    pub request_in: Option<u32>,
    pub response_in: Option<u32>,
    pub body: Option<Vec<u8>>,
}

impl Footprint for HttpInputs {
    fn heap(&self) -> usize {
        self.uri.heap() + self.for_uri.heap() + self.body.heap()
    }
}

/// Where those inputs' bytes are in this pass; `None` for remembered ones.
#[derive(Clone, Copy, Default)]
pub struct Origins<'d> {
    pub uri: Option<(Source<'d>, usize)>,
    pub body: Option<(Source<'d>, usize)>,
}

pub fn register() {
    PROTOCOL.register();
    PROTOCOL.register_prefs(&[&REVEAL_PIN, &READ_PROTOCOL_TREE], &[]);
    DISSECTOR.register();
    statistics::register();
}

pub fn handoff() {
    let mut wanted = http_requests::WANTED.to_vec();
    wanted.extend([&HTTP_RESPONSE_IN, &HTTP_BODY]);
    DISSECTOR.register_as_postdissector(&wanted);
    statistics::handoff();
}

/// Whether the user asked for other protocols to be read from the tree.
pub fn reads_protocol_tree() -> bool {
    READ_PROTOCOL_TREE.get()
}

/// A new capture file.
pub fn reset_capture_state() {
    requests().clear();
    INPUTS.lock().clear();
}

/// One HTTP message per frame is decoded (the first); phones and CUCM do
/// not pipeline these requests.
fn dissect(packet: &mut Packet<'_>) -> usize {
    let frame = packet.frame_number();
    let (inputs, origins) = gather(packet);
    let fresh = inputs.uri.is_some() || inputs.for_uri.is_some();
    if !fresh && !packet.visited() {
        return 0;
    }
    let remembered = INPUTS.lock().recall(frame);
    let limits = [INPUTS.lock().limit(), requests().limit()];
    if !standing(frame, remembered.is_some(), &limits).admit(packet, &ETT_EMCC, &MEMORY_LIMIT) {
        return 0;
    }
    if fresh {
        let inputs = Arc::new(inputs);
        if !packet.visited() && !INPUTS.lock().remember(frame, Arc::clone(&inputs)) {
            if let Some(limit) = INPUTS.lock().limit_at(frame) {
                show_limit(packet, &ETT_EMCC, &MEMORY_LIMIT, &limit);
            }
            return 0;
        }
        decode(packet, &inputs, origins);
    } else if let Some(remembered) = remembered {
        // A request's response was not known on the first pass: the
        // remembered inputs are shared with the memory (and later passes),
        // so this pass decodes its own copy with the link filled in.
        let linked = (remembered.uri.is_some() && remembered.response_in.is_none())
            .then(|| http_requests::response_to(frame))
            .flatten()
            .map(|response| HttpInputs {
                response_in: Some(response),
                ..HttpInputs::clone(&remembered)
            });
        decode(
            packet,
            linked.as_ref().unwrap_or(&remembered),
            Origins::default(),
        );
    } else {
        return 0;
    }
    // Limits of memories that do not stop this frame's decoding: the
    // request details for responses (this module), request URIs and
    // response links (`http_requests`, shared with `ciscotl`).
    let limit = requests()
        .limit_at(frame)
        .or_else(|| http_requests::limit_at(frame));
    if let Some(limit) = limit {
        show_limit(packet, &ETT_EMCC, &MEMORY_LIMIT, &limit);
    }
    0
}

/// Reads what HTTP put in the tree; the body only for paths of ours.
fn gather<'d>(packet: &mut Packet<'d>) -> (HttpInputs, Origins<'d>) {
    let mut inputs = HttpInputs::default();
    let mut origins = Origins::default();
    let ours = |uri: &str| query::parse_target(uri).servlet.is_some();
    match http_requests::read(packet, ours) {
        None => return (inputs, origins),
        Some(HttpMessage::Request(uri)) => {
            origins.uri = Some((uri.source, uri.range.start));
            inputs.uri = Some(uri.value);
        }
        Some(HttpMessage::Response {
            uri,
            request_frame,
            place,
        }) => {
            origins.uri = Some(place);
            inputs.for_uri = Some(uri);
            inputs.request_in = request_frame;
        }
    }
    inputs.response_in = packet.first_uint(&HTTP_RESPONSE_IN);
    if let Some(body) = packet.fields(&HTTP_BODY).into_iter().next() {
        inputs.body = packet.source_bytes(body.source, body.range.clone());
        origins.body = Some((body.source, body.range.start));
    }
    (inputs, origins)
}

/// Decodes a request or a response; false when the frame is not ours.
fn decode<'d>(packet: &mut Packet<'d>, inputs: &HttpInputs, origins: Origins<'d>) -> bool {
    if let Some(uri) = &inputs.uri {
        request::decode(packet, uri, inputs, origins)
    } else if let Some(for_uri) = &inputs.for_uri {
        response::decode(packet, for_uri, inputs, origins)
    } else {
        false
    }
}

/// Names shown in the Info column and expert texts are cut to this many
/// characters (the fields keep them whole): a 20 kB user id helps no one there.
const MAX_SHOWN_NAME: usize = 64;

/// `name`, cut to `MAX_SHOWN_NAME` characters with an ellipsis.
fn shown(name: &str) -> String {
    match name.char_indices().nth(MAX_SHOWN_NAME) {
        Some((cut, _)) => format!("{}...", &name[..cut]),
        None => name.to_string(),
    }
}

/// This frame's capture time, in Wireshark's integers.
fn frame_time(packet: &Packet<'_>) -> NsTime {
    NsTime::from(packet.time())
}
