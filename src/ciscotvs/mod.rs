#![forbid(unsafe_code)]
//! `ciscotvs`: the phone's connections to the Trust Verification Service
//! (TCP 2445, TLS), which vouches for certificates the phone does not trust
//! yet (during EMCC: the home cluster's ITL signer).
//!
//! The port is handed to Wireshark's TLS dissector (a preference holds it),
//! and a post-dissector marks every frame of each connection with its
//! session and what the frame is, from TCP and TLS record headers alone
//! (no keys needed). When a key log decrypts the session, TLS hands the
//! application data to our `ciscotvs` dissector (registered for the same port
//! in `tls.port`), which decodes the TVS messages themselves.

mod decrypted;
mod fields;
pub(crate) mod messages;
pub(crate) mod sessions;

use crate::epan::{Dissector, ForeignField, Packet};
use std::sync::Arc;

use crate::frame_memory::{show_limit, Footprint, FrameMemory, Standing, SMALL_BUDGET};
use crate::nstime::NsTime;
use crate::state::State;
use fields::*;
use sessions::{Finding, FrameFacts, Marker, Sessions};

static TCP_STREAM: ForeignField = ForeignField::new(c"tcp.stream", c"tcp");
static TCP_FLAGS: ForeignField = ForeignField::new(c"tcp.flags", c"tcp");
static TLS_TYPE: ForeignField = ForeignField::new(c"tls.record.content_type", c"tls");
static TLS_LENGTH: ForeignField = ForeignField::new(c"tls.record.length", c"tls");

static DISSECTOR: Dissector =
    Dissector::new_postdissector(c"ciscotvs_session", &PROTOCOL, dissect, &EVENT);
/// Decrypted application data of the TVS port, from TLS.
static MESSAGES: Dissector =
    Dissector::new(c"ciscotvs", &PROTOCOL, decrypted::dissect, &DEVICE_NAME);

const FIN: u32 = 0x01;
const SYN: u32 = 0x02;
const RST: u32 = 0x04;
const ACK: u32 = 0x10;

static SESSIONS: State<Sessions> = State::new(Sessions::default);
/// One marker per frame of a TVS connection: small values.
static MARKERS: State<FrameMemory<Marker>> = State::new(|| {
    FrameMemory::new(
        "TVS session markers",
        "TVS sessions are not followed",
        SMALL_BUDGET,
    )
});

impl Footprint for Marker {
    fn heap(&self) -> usize {
        self.client.heap() + self.server.heap()
    }
}

pub fn register() {
    PROTOCOL.register();
    PROTOCOL.register_prefs(&[], &[&TCP_PORT, &RESPONSE_TIMEOUT]);
    DISSECTOR.register();
    MESSAGES.register();
}

pub fn handoff() {
    // Only frames on the TVS port: most TCP frames are not TVS.
    DISSECTOR.register_as_postdissector_on_tcp_port(
        &[&TCP_STREAM, &TCP_FLAGS, &TLS_TYPE, &TLS_LENGTH],
        || TCP_PORT.get(),
    );
    preferences_applied();
}

/// The port may have changed: TLS, and our place in TLS's table, follow it.
pub fn preferences_applied() {
    crate::tap_inputs::tls::TVS_TLS.attach_to_port(c"tcp.port", TCP_PORT.get());
    MESSAGES.attach_to_port(c"tls.port", TCP_PORT.get());
}

pub fn reset_capture_state() {
    SESSIONS.lock().clear();
    MARKERS.lock().clear();
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let port = TCP_PORT.get();
    if port == 0 {
        return 0;
    }
    let frame = packet.frame_number();
    let marker = if packet.visited() {
        let markers = MARKERS.lock();
        let marker = markers.recall(frame);
        if marker.is_none() {
            if let Standing::AtLimit(limit) = markers.standing(frame) {
                drop(markers);
                show_limit(packet, &ETT_TVS, &MEMORY_LIMIT, &limit);
                return 0;
            }
        }
        marker
    } else {
        let Some(facts) = gather(packet, port) else {
            return 0;
        };
        // After the limit, sessions are no longer followed.
        let standing = MARKERS.lock().standing(frame);
        if !standing.admit(packet, &ETT_TVS, &MEMORY_LIMIT) {
            return 0;
        }
        let timeout = NsTime::from_secs(RESPONSE_TIMEOUT.get());
        let marker = Arc::new(SESSIONS.lock().observe(frame, &facts, timeout));
        let mut markers = MARKERS.lock();
        if !markers.remember(frame, Arc::clone(&marker)) {
            let limit = markers.limit_at(frame);
            drop(markers);
            if let Some(limit) = limit {
                show_limit(packet, &ETT_TVS, &MEMORY_LIMIT, &limit);
            }
            return 0;
        }
        Some(marker)
    };
    if let Some(marker) = marker {
        decode(packet, &marker);
    }
    0
}

/// TCP and TLS facts of a frame to or from the TVS port.
fn gather(packet: &mut Packet<'_>, port: u32) -> Option<FrameFacts> {
    // From the frame's own data, not fields: most TCP frames are not TVS.
    let (src_port, dst_port) = packet.tcp_ports()?;
    if src_port != port && dst_port != port {
        return None;
    }
    let stream = packet.first_uint(&TCP_STREAM)?;
    let flags = packet.first_uint(&TCP_FLAGS).unwrap_or(0);
    let types: Vec<u32> = packet
        .fields(&TLS_TYPE)
        .into_iter()
        .filter_map(|f| f.uint)
        .collect();
    let lengths: Vec<u32> = packet
        .fields(&TLS_LENGTH)
        .into_iter()
        .filter_map(|f| f.uint)
        .collect();
    let records = types
        .iter()
        .zip(lengths.iter())
        .map(|(&t, &l)| (u8::try_from(t).unwrap_or(0), l))
        .collect();
    let (src, dst) = packet.addresses();
    Some(FrameFacts {
        stream,
        src,
        dst,
        to_server: dst_port == port,
        syn: flags & SYN != 0,
        ack: flags & ACK != 0,
        fin: flags & FIN != 0,
        rst: flags & RST != 0,
        records,
        time: NsTime::from(packet.time()),
    })
}

fn decode<'d>(packet: &mut Packet<'d>, marker: &Marker) {
    packet.place(None);
    let (item, tree) = packet.add_protocol(0..0, &ETT_TVS);
    let generated = |packet: &mut Packet<'d>, item| packet.set_generated(item);
    let i = packet.add_uint(tree, &SESSION, 0..0, marker.session);
    generated(packet, i);
    if let Some(event) = marker.event {
        let i = packet.add_string(tree, &EVENT, 0..0, event.as_str());
        generated(packet, i);
    }
    let i = packet.add_string(tree, &CLIENT, 0..0, &marker.client);
    generated(packet, i);
    let i = packet.add_string(tree, &SERVER, 0..0, &marker.server);
    generated(packet, i);
    if let Some(len) = marker.request_len {
        let i = packet.add_uint(tree, &REQUEST_LEN, 0..0, len);
        generated(packet, i);
    }
    if let Some(len) = marker.response_len {
        let i = packet.add_uint(tree, &RESPONSE_LEN, 0..0, len);
        generated(packet, i);
    }
    for (value, field) in [(marker.rtt, &RTT), (marker.duration, &DURATION)] {
        if let Some(time) = value {
            // A negative time (frames merged out of order) shows 0, as before.
            let time = time.at_least_zero();
            let i = packet.add_time(tree, field, 0..0, time.secs(), time.nsecs());
            generated(packet, i);
        }
    }
    match &marker.finding {
        Some(Finding::ResetBeforeResponse { request_frame }) => {
            let text = format!(
                "TVS session {} ended before answering the request in frame {request_frame}: the phone cannot validate the certificate",
                marker.session
            );
            packet.expert(item, &RESET, &text);
        }
        Some(Finding::NoResponse {
            request_frame,
            waited,
        }) => {
            let text = format!(
                "TVS session {} closed {} s after the request in frame {request_frame} without an answer",
                marker.session,
                waited.decimals(1)
            );
            packet.expert(item, &NO_RESPONSE, &text);
        }
        None => {}
    }
    if let Some(event) = marker.event {
        packet.append_info(&format!("[TVS {} {}]", marker.session, event.as_str()));
    }
}
