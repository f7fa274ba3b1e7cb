//! What `ciscoalarm` registers: the protocol, its fields, subtrees and expert
//! infos. Field abbreviations are a public interface: never rename them.
use crate::epan::{Expert, ExpertGroup, Field, FieldKind, Protocol, Severity, Subtree};

pub static NAME: Field = Field::new(
    "ciscoalarm.name",
    "Alarm Name",
    FieldKind::String,
    "The Name attribute of the Alarm element: which alarm the phone reports.",
);
pub static PARAM: Field = Field::new(
    "ciscoalarm.param",
    "Parameter",
    FieldKind::Label,
    "One parameter of the alarm's ParameterList, in document order.",
);
pub static PARAM_NAME: Field = Field::new(
    "ciscoalarm.param.name",
    "Parameter Name",
    FieldKind::String,
    "The name attribute of the parameter.",
);
pub static PARAM_VALUE: Field = Field::new(
    "ciscoalarm.param.value",
    "Parameter Value",
    FieldKind::String,
    "The text of the parameter, entities decoded and surrounding spaces trimmed.",
);
pub static PARAM_KIND: Field = Field::new(
    "ciscoalarm.param.kind",
    "Parameter Kind",
    FieldKind::String,
    "The parameter's element: String (free text) or Enum (a number whose meaning depends on the alarm).",
);

pub static ETT_ALARM: Subtree = Subtree::new();
pub static ETT_PARAM: Subtree = Subtree::new();

pub static MALFORMED: Expert = Expert::new(
    "ciscoalarm.malformed",
    "Malformed alarm document",
    ExpertGroup::Malformed,
    Severity::Warn,
);
pub static TRUNCATED: Expert = Expert::new(
    "ciscoalarm.truncated",
    "Alarm document cut short",
    ExpertGroup::Malformed,
    Severity::Warn,
);
pub static LIMIT: Expert = Expert::new(
    "ciscoalarm.limit",
    "Alarm document exceeds a decoding limit",
    ExpertGroup::Undecoded,
    Severity::Warn,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "ciscoalarm.plugin_bug",
    "Plugin bug while decoding a Cisco alarm",
    ExpertGroup::Malformed,
    Severity::Error,
);

pub static PROTOCOL: Protocol = Protocol::new(
    "Cisco Phone Alarm",
    c"CiscoAlarm",
    "ciscoalarm",
    &[&NAME, &PARAM, &PARAM_NAME, &PARAM_VALUE, &PARAM_KIND],
    &[&ETT_ALARM, &ETT_PARAM],
    &[&MALFORMED, &TRUNCATED, &LIMIT],
    &PLUGIN_BUG,
);
