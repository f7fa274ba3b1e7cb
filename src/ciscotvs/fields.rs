//! What `ciscotvs` registers. Field abbreviations are a public interface:
//! never rename them.
use crate::epan::{Expert, ExpertGroup, Field, FieldKind, Protocol, Severity, Subtree, UintPref};

pub static SESSION: Field = Field::new(
    "ciscotvs.session",
    "Session",
    FieldKind::Uint(None),
    "Which TVS connection of the capture this frame belongs to (1 for the first).",
);
pub static EVENT: Field = Field::new(
    "ciscotvs.event",
    "Event",
    FieldKind::String,
    "What this frame is in the session: connect, handshake, request, response, close, reset or no-response.",
);
pub static CLIENT: Field = Field::new(
    "ciscotvs.client",
    "Client",
    FieldKind::String,
    "The phone asking TVS to vouch for a certificate.",
);
pub static SERVER: Field = Field::new(
    "ciscotvs.server",
    "Server",
    FieldKind::String,
    "The TVS server (a node of the visiting cluster during EMCC).",
);
pub static REQUEST_LEN: Field = Field::new(
    "ciscotvs.request_len",
    "Request Length",
    FieldKind::Uint(None),
    "Bytes of TLS application data the phone sent so far (its request).",
);
pub static RESPONSE_LEN: Field = Field::new(
    "ciscotvs.response_len",
    "Response Length",
    FieldKind::Uint(None),
    "Bytes of TLS application data TVS answered so far.",
);
pub static RTT: Field = Field::new(
    "ciscotvs.rtt",
    "Response Time",
    FieldKind::RelativeTime,
    "Seconds from the phone's request to the first byte of TVS's response.",
);
pub static DURATION: Field = Field::new(
    "ciscotvs.duration",
    "Duration",
    FieldKind::RelativeTime,
    "Seconds from the first frame of the connection to its close or reset.",
);

pub static ETT_TVS: Subtree = Subtree::new();

pub static RESET: Expert = Expert::new(
    "ciscotvs.reset",
    "TVS connection reset or alerted before answering",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static NO_RESPONSE: Expert = Expert::new(
    "ciscotvs.no_response",
    "TVS never answered the request",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "ciscotvs.plugin_bug",
    "Plugin bug while marking a TVS session",
    ExpertGroup::Malformed,
    Severity::Error,
);

pub static TCP_PORT: UintPref = UintPref::new(
    "tcp_port",
    "TVS TCP port",
    "The TCP port of the Trust Verification Service; it is decoded as TLS and its sessions are marked (0: off).",
    2445,
);
pub static RESPONSE_TIMEOUT: UintPref = UintPref::new(
    "response_timeout",
    "Response timeout (seconds)",
    "A TVS request still unanswered this many seconds later, when the connection closes, is reported as no-response.",
    5,
);

pub static PROTOCOL: Protocol = Protocol::new(
    "Cisco Trust Verification Service",
    c"CiscoTVS",
    "ciscotvs",
    &[
        &SESSION,
        &EVENT,
        &CLIENT,
        &SERVER,
        &REQUEST_LEN,
        &RESPONSE_LEN,
        &RTT,
        &DURATION,
    ],
    &[&ETT_TVS],
    &[&RESET, &NO_RESPONSE],
    &PLUGIN_BUG,
);
