//! `emcc`: the Extension Mobility HTTP exchanges of an EMCC login: the phone
//! with the EMApp servlet (and its JSP pages) on the visiting cluster, the
//! clusters with each other's EMService servlet.
//!
//! HTTP keeps its own decoding: a post-dissector reads the request URI,
//! the URI a response answers, and the body that HTTP found, and adds our
//! layer on frames whose path is ours (any host, any port).

pub mod codes;
pub mod emservice;
mod fields;
pub mod phone_xml;
pub mod query;
mod request;
mod requests;
mod response;

use std::sync::Mutex;

use once_cell::sync::Lazy;

use crate::epan::{Dissector, ForeignField, Packet};
use fields::*;
use requests::Requests;

static HTTP_URI: ForeignField = ForeignField::new(c"http.request.uri", c"http");
static HTTP_FOR_URI: ForeignField = ForeignField::new(c"http.response_for.uri", c"http");
static HTTP_REQUEST_IN: ForeignField = ForeignField::new(c"http.request_in", c"http");
static HTTP_RESPONSE_IN: ForeignField = ForeignField::new(c"http.response_in", c"http");
static HTTP_BODY: ForeignField = ForeignField::new(c"http.file_data", c"http");

static DISSECTOR: Dissector = Dissector::new_postdissector(c"emcc", &PROTOCOL, dissect, &ACTION);

/// Requests seen on the first pass, for their responses.
static REQUESTS: Lazy<Mutex<Requests>> = Lazy::new(|| Mutex::new(Requests::default()));

fn requests() -> std::sync::MutexGuard<'static, Requests> {
    // A panic while holding the lock leaves plain data behind: keep using it.
    REQUESTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn register() {
    PROTOCOL.register();
    PROTOCOL.register_prefs(&[&REVEAL_PIN]);
    DISSECTOR.register();
}

pub fn handoff() {
    DISSECTOR.register_as_postdissector(&[
        &HTTP_URI,
        &HTTP_FOR_URI,
        &HTTP_REQUEST_IN,
        &HTTP_RESPONSE_IN,
        &HTTP_BODY,
    ]);
}

/// A new capture file.
pub fn reset_capture_state() {
    requests().clear();
}

/// One HTTP message per frame is decoded (the first); phones and CUCM do
/// not pipeline these requests.
fn dissect(packet: &mut Packet<'_>) -> usize {
    if let Some(uri) = packet.string_fields(&HTTP_URI).into_iter().next() {
        request::decode(packet, &uri);
    } else if let Some(for_uri) = packet.string_fields(&HTTP_FOR_URI).into_iter().next() {
        response::decode(packet, &for_uri);
    }
    0
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

/// Seconds since the epoch of this frame.
fn frame_time(packet: &Packet<'_>) -> f64 {
    let (secs, nsecs) = packet.time();
    secs as f64 + f64::from(nsecs) / 1e9
}
