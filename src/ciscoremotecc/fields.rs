//! What `ciscoremotecc` registers. Field abbreviations are a public
//! interface: never rename them.
use crate::epan::{Expert, ExpertGroup, Field, FieldKind, Protocol, Severity, Subtree};

pub static KIND: Field = Field::new(
    "ciscoremotecc.kind",
    "Kind",
    FieldKind::String,
    "Which remote call control body this is: request, response or cm (from its content type).",
);
pub static ELEMENT: Field = Field::new(
    "ciscoremotecc.element",
    "Operation",
    FieldKind::String,
    "Each top-level element of the body: the operation requested or answered, e.g. bulkregisterreq or optionsind.",
);
pub static RESPONSE_CODE: Field = Field::new(
    "ciscoremotecc.response.code",
    "Response Code",
    FieldKind::Uint(None),
    "The code of a remote call control response (200 when accepted).",
);
pub static OPTION: Field = Field::new(
    "ciscoremotecc.option",
    "Capability",
    FieldKind::String,
    "Each capability an optionsind lists, with its usage when given, e.g. dialog (hook status).",
);

pub static ETT_REMOTECC: Subtree = Subtree::new();

pub static MALFORMED: Expert = Expert::new(
    "ciscoremotecc.malformed",
    "Malformed remote call control body",
    ExpertGroup::Malformed,
    Severity::Warn,
);
pub static LIMIT: Expert = Expert::new(
    "ciscoremotecc.limit",
    "Remote call control body exceeds a decoding limit",
    ExpertGroup::Undecoded,
    Severity::Warn,
);
pub static ERROR_RESPONSE: Expert = Expert::new(
    "ciscoremotecc.response.error",
    "Remote call control request refused",
    ExpertGroup::ResponseCode,
    Severity::Warn,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "ciscoremotecc.plugin_bug",
    "Plugin bug while decoding remote call control",
    ExpertGroup::Malformed,
    Severity::Error,
);

pub static PROTOCOL: Protocol = Protocol::new(
    "Cisco Remote Call Control",
    c"CiscoRemoteCC",
    "ciscoremotecc",
    &[&KIND, &ELEMENT, &RESPONSE_CODE, &OPTION],
    &[&ETT_REMOTECC],
    &[&MALFORMED, &LIMIT, &ERROR_RESPONSE],
    &PLUGIN_BUG,
);
