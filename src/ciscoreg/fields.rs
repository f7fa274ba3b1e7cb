//! What `ciscoreg` registers. Field abbreviations are a public interface:
//! never rename them.
use crate::epan::{Expert, ExpertGroup, Field, FieldKind, Protocol, Severity, Subtree};

pub static DEVICE: Field = Field::new(
    "ciscoreg.device",
    "Device",
    FieldKind::String,
    "The phone's device name (SEP followed by its MAC address), once a REGISTER's Contact or a Skinny Register named it.",
);
pub static PHONE: Field = Field::new(
    "ciscoreg.phone",
    "Phone Address",
    FieldKind::String,
    "The phone's network address.",
);
pub static SIGNALLING: Field = Field::new(
    "ciscoreg.signalling",
    "Signalling",
    FieldKind::String,
    "How the phone registers: SIP or SCCP.",
);
pub static EVENT: Field = Field::new(
    "ciscoreg.event",
    "Event",
    FieldKind::String,
    "What the frame does, in one word: register, refresh, keepalive, trying, challenged, registered, keepalive-ack, rejected, unregister, unregistered, alarm, closed or reset.",
);
pub static CUCM: Field = Field::new(
    "ciscoreg.cucm",
    "CUCM",
    FieldKind::String,
    "The CUCM node's address at the other end.",
);
pub static ROLE: Field = Field::new(
    "ciscoreg.role",
    "Role",
    FieldKind::String,
    "The CUCM's place in the phone's list: primary (the one it registers with first) or backup (one it only keeps alive, or fails over to).",
);
pub static EXPIRES: Field = Field::new(
    "ciscoreg.expires",
    "Granted",
    FieldKind::Uint(None),
    "Seconds the CUCM granted: a SIP 2xx's Expires, or an SCCP RegisterAck's keepalive interval.",
);
pub static INTERVAL: Field = Field::new(
    "ciscoreg.interval",
    "Interval",
    FieldKind::RelativeTime,
    "Seconds since the phone's previous refresh or keepalive to this CUCM.",
);

pub static ETT_REG: Subtree = Subtree::new();

pub static MISSED: Expert = Expert::new(
    "ciscoreg.missed",
    "Keepalive or refresh missed: not acknowledged, or sent after the granted time",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static REJECTED: Expert = Expert::new(
    "ciscoreg.rejected",
    "CUCM rejected the registration",
    ExpertGroup::ResponseCode,
    Severity::Error,
);
pub static FAILOVER: Expert = Expert::new(
    "ciscoreg.failover",
    "Phone registers with its backup CUCM",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static LOOP: Expert = Expert::new(
    "ciscoreg.loop",
    "Phone registers again and again",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static UNREGISTERED: Expert = Expert::new(
    "ciscoreg.unregistered",
    "Phone unregistered, or dropped by CUCM",
    ExpertGroup::Sequence,
    Severity::Warn,
);
pub static INCOMPLETE: Expert = Expert::new(
    "ciscoreg.incomplete",
    "Registration message without a value the tracker needs, or a device at a new address",
    ExpertGroup::Protocol,
    Severity::Note,
);
pub static MEMORY_LIMIT: Expert = Expert::new(
    "ciscoreg.memory_limit",
    "The plugin's memory limit was reached: later registration frames are not decoded",
    ExpertGroup::Undecoded,
    Severity::Warn,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "ciscoreg.plugin_bug",
    "Plugin bug while following phone registrations",
    ExpertGroup::Malformed,
    Severity::Error,
);

pub static PROTOCOL: Protocol = Protocol::new(
    "Cisco Phone Registration",
    c"CiscoReg",
    "ciscoreg",
    &[
        &DEVICE,
        &PHONE,
        &SIGNALLING,
        &EVENT,
        &CUCM,
        &ROLE,
        &EXPIRES,
        &INTERVAL,
    ],
    &[&ETT_REG],
    &[
        &MISSED,
        &REJECTED,
        &FAILOVER,
        &LOOP,
        &UNREGISTERED,
        &INCOMPLETE,
        &MEMORY_LIMIT,
    ],
    &PLUGIN_BUG,
);
