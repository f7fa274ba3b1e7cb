//! What `ciscotvs` registers. Field abbreviations are a public interface:
//! never rename them.
use super::messages::{COMMANDS, ROLES as ROLES_TABLE, STATUSES, TAGS};
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

// Decrypted messages (see messages.rs for the layout).
pub static MAGIC: Field = Field::new(
    "ciscotvs.magic",
    "Magic",
    FieldKind::Bytes,
    "First byte of a TVS message: 57 (hex).",
);
pub static VERSION: Field = Field::new(
    "ciscotvs.version",
    "Version",
    FieldKind::Uint(None),
    "Message format version, as sent.",
);
pub static COMMAND: Field = Field::new(
    "ciscotvs.command",
    "Command",
    FieldKind::Uint(Some(COMMANDS)),
    "What the message asks or answers: verify a certificate, or query one by subject.",
);
pub static RESERVED: Field = Field::new(
    "ciscotvs.reserved",
    "Reserved",
    FieldKind::Uint(None),
    "The reserved header byte, as sent.",
);
pub static SESSION_ID: Field = Field::new(
    "ciscotvs.session_id",
    "Session ID",
    FieldKind::UintHex,
    "Ties a response to its request: both carry the same session ID.",
);
pub static LENGTH: Field = Field::new(
    "ciscotvs.length",
    "Length",
    FieldKind::Uint(None),
    "Bytes of TLVs after the 10-byte header.",
);
pub static TLV: Field = Field::new(
    "ciscotvs.tlv",
    "TLV",
    FieldKind::Label,
    "One tag-length-value element of the message.",
);
pub static TLV_TAG: Field = Field::new(
    "ciscotvs.tlv.tag",
    "Tag",
    FieldKind::Uint(Some(TAGS)),
    "What the TLV holds.",
);
pub static TLV_LENGTH: Field = Field::new(
    "ciscotvs.tlv.length",
    "Length",
    FieldKind::Uint(None),
    "Bytes of the TLV's value.",
);
pub static TLV_VALUE: Field = Field::new(
    "ciscotvs.tlv.value",
    "Value",
    FieldKind::Bytes,
    "A value not decoded: a tag with no public meaning (real requests carry some), an impossible size, or cut short.",
);
pub static DEVICE_NAME_TYPE: Field = Field::new(
    "ciscotvs.device_name_type",
    "Device Name Type",
    FieldKind::Uint(None),
    "The byte before the device name: 1 in every public example; its meaning is not public.",
);
pub static DEVICE_NAME: Field = Field::new(
    "ciscotvs.device_name",
    "Device Name",
    FieldKind::String,
    "The phone asking, as CP-<model>-SEP<MAC> (e.g. CP-8861-SEPB000B4BA0AEE), without the type byte before it.",
);
pub static CERTIFICATE: Field = Field::new(
    "ciscotvs.certificate",
    "Certificate",
    FieldKind::Bytes,
    "A DER X.509 certificate: the one to verify, or the one TVS returns; decoded below by Wireshark's X.509 decoder.",
);
pub static SUBJECT: Field = Field::new(
    "ciscotvs.subject",
    "Subject Name",
    FieldKind::String,
    "A certificate subject in Cisco's form (CN=..;OU=..;O=..;L=..;ST=..;C=..), without the NUL that ends it.",
);
pub static STATUS: Field = Field::new(
    "ciscotvs.status",
    "Status",
    FieldKind::Uint(Some(STATUSES)),
    "TVS's verdict on the certificate: valid (0) or invalid (1).",
);
pub static ROLE: Field = Field::new(
    "ciscotvs.role",
    "Role",
    FieldKind::Uint(Some(ROLES_TABLE)),
    "A role TVS gives the certificate (one byte each), named like a CTL/ITL record function: one item per role.",
);
/// The name earlier versions gave each role; kept, hidden, so that filters written for
/// them still match.
pub static ROLES: Field = Field::new(
    "ciscotvs.roles",
    "Role (old name)",
    FieldKind::Uint(Some(ROLES_TABLE)),
    "The same role as ciscotvs.role, under the name earlier versions used; hidden in the tree.",
);
pub static TTL: Field = Field::new(
    "ciscotvs.ttl",
    "TTL",
    FieldKind::Uint(None),
    "Seconds the phone may keep relying on TVS's answer.",
);
pub static DATA: Field = Field::new(
    "ciscotvs.data",
    "Data",
    FieldKind::Bytes,
    "Decrypted bytes on the TVS port that do not start a TVS message.",
);

pub static ETT_TVS: Subtree = Subtree::new();
pub static ETT_MESSAGE: Subtree = Subtree::new();
pub static ETT_TLV: Subtree = Subtree::new();
pub static ETT_CERTIFICATE: Subtree = Subtree::new();

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
pub static STATUS_INVALID: Expert = Expert::new(
    "ciscotvs.status_invalid",
    "TVS says the certificate is not valid",
    ExpertGroup::ResponseCode,
    Severity::Warn,
);
pub static MALFORMED: Expert = Expert::new(
    "ciscotvs.malformed",
    "Malformed TVS message",
    ExpertGroup::Malformed,
    Severity::Warn,
);
pub static UNKNOWN: Expert = Expert::new(
    "ciscotvs.unknown",
    "TVS code without a known meaning",
    ExpertGroup::Undecoded,
    Severity::Note,
);
pub static SPLIT: Expert = Expert::new(
    "ciscotvs.split",
    "TVS message split over TLS records and not reassembled",
    ExpertGroup::Protocol,
    Severity::Warn,
);
pub static LIMIT: Expert = Expert::new(
    "ciscotvs.limit",
    "TVS decoding limit reached",
    ExpertGroup::Undecoded,
    Severity::Warn,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "ciscotvs.plugin_bug",
    "Plugin bug while decoding TVS",
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

pub static MEMORY_LIMIT: Expert = Expert::new(
    "ciscotvs.memory_limit",
    "The plugin's memory limit was reached: later TVS session frames are not decoded",
    ExpertGroup::Undecoded,
    Severity::Warn,
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
        &MAGIC,
        &VERSION,
        &COMMAND,
        &RESERVED,
        &SESSION_ID,
        &LENGTH,
        &TLV,
        &TLV_TAG,
        &TLV_LENGTH,
        &TLV_VALUE,
        &DEVICE_NAME_TYPE,
        &DEVICE_NAME,
        &CERTIFICATE,
        &SUBJECT,
        &STATUS,
        &ROLE,
        &ROLES,
        &TTL,
        &DATA,
    ],
    &[&ETT_TVS, &ETT_MESSAGE, &ETT_TLV, &ETT_CERTIFICATE],
    &[
        &RESET,
        &NO_RESPONSE,
        &STATUS_INVALID,
        &MALFORMED,
        &UNKNOWN,
        &SPLIT,
        &LIMIT,
        &MEMORY_LIMIT,
    ],
    &PLUGIN_BUG,
);
