//! What `ciscoalarm` registers: the protocol, its fields, subtrees and expert
//! infos. Field abbreviations are a public interface: never rename them.
use super::codes::{DHCP_STATUS, RESTART_CAUSES, SKINNY_MESSAGES};
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

pub static DEVICE_NAME: Field = Field::new(
    "ciscoalarm.device_name",
    "Device Name",
    FieldKind::String,
    "The device the alarm is about (its DeviceName parameter), e.g. SEP followed by the MAC address.",
);

// DeviceTLInfo: the trust lists the phone has installed.
pub static TL_ITL_SIGNATURE: Field = Field::new(
    "ciscoalarm.tl.itl_signature",
    "ITL Signature",
    FieldKind::Bytes,
    "Signature of the installed Identity Trust List, decoded from the ITL_Signature hex text; absent when not installed.",
);
pub static TL_CTL_SIGNATURE: Field = Field::new(
    "ciscoalarm.tl.ctl_signature",
    "CTL Signature",
    FieldKind::Bytes,
    "Signature of the installed Certificate Trust List, decoded from the CTL_Signature hex text; absent when not installed.",
);
pub static TL_ITL_TFTP_SERVER: Field = Field::new(
    "ciscoalarm.tl.itl_tftp_server",
    "ITL TFTP Server",
    FieldKind::String,
    "The TFTP server the installed ITL came from: in EMCC it moves from the visiting to the home cluster.",
);
pub static TL_CTL_TFTP_SERVER: Field = Field::new(
    "ciscoalarm.tl.ctl_tftp_server",
    "CTL TFTP Server",
    FieldKind::String,
    "The TFTP server the installed CTL came from (N/A when none is installed).",
);
pub static TL_STATUS_CODE: Field = Field::new(
    "ciscoalarm.tl.status_code",
    "Status Code",
    FieldKind::Uint(None),
    "The StatusCode parameter of DeviceTLInfo; its meaning is not public (3 is seen on successful logins).",
);
pub static TL_PREVIOUS_FRAME: Field = Field::new(
    "ciscoalarm.tl.previous_frame",
    "Previous Report",
    FieldKind::RelatedFrame,
    "The frame of this device's previous DeviceTLInfo, when its ITL signature or TFTP server differed.",
);

// LastOutOfServiceInformation: why and how the phone last lost service.
pub static OOS_REASON: Field = Field::new(
    "ciscoalarm.oos.reason",
    "Reason For Out Of Service",
    FieldKind::Uint(None),
    "The ReasonForOutOfService number; the numbers are not public, the name comes from ReasonForOutOfServiceText when sent.",
);
pub static OOS_REASON_TEXT: Field = Field::new(
    "ciscoalarm.oos.reason_text",
    "Reason For Out Of Service Text",
    FieldKind::String,
    "The ReasonForOutOfServiceText parameter: the phone's own name for the reason.",
);
pub static OOS_MODEL: Field = Field::new(
    "ciscoalarm.oos.model",
    "Model",
    FieldKind::String,
    "The phone model (ModelNumber), e.g. CP-7821.",
);
pub static OOS_DHCPV4_STATUS: Field = Field::new(
    "ciscoalarm.oos.dhcpv4_status",
    "DHCPv4 Status",
    FieldKind::Uint(Some(DHCP_STATUS)),
    "The DHCPv4Status parameter: how the phone's last DHCPv4 exchange went.",
);
pub static OOS_TFTP_CFG_STATUS: Field = Field::new(
    "ciscoalarm.oos.tftp_cfg_status",
    "TFTP Config Status",
    FieldKind::Uint(None),
    "The TFTPCfgStatus parameter; its numbers are not public.",
);
pub static OOS_CUCM_ADDR: Field = Field::new(
    "ciscoalarm.oos.cucm_addr",
    "Unified CM Address",
    FieldKind::String,
    "The Unified CM the phone was registered with (UnifiedCMIPAddress).",
);
pub static OOS_VOICE_VLAN: Field = Field::new(
    "ciscoalarm.oos.voice_vlan",
    "Voice VLAN",
    FieldKind::String,
    "The voice VLAN the phone used (VoiceVLAN).",
);
pub static OOS_NEIGHBOR_DEVICE: Field = Field::new(
    "ciscoalarm.oos.neighbor_device",
    "Neighbor Device",
    FieldKind::String,
    "The switch the phone is connected to, as CDP/LLDP named it (NeighborDeviceID).",
);
pub static OOS_NEIGHBOR_PORT: Field = Field::new(
    "ciscoalarm.oos.neighbor_port",
    "Neighbor Port",
    FieldKind::String,
    "The switch port the phone is connected to (NeighborPortID).",
);
pub static OOS_TIMESTAMP: Field = Field::new(
    "ciscoalarm.oos.timestamp",
    "Timestamp",
    FieldKind::AbsoluteTime,
    "When the phone went out of service, from the TimeStamp milliseconds since 1970.",
);
pub static OOS_LAST_SENT: Field = Field::new(
    "ciscoalarm.oos.last_sent",
    "Last Protocol Event Sent",
    FieldKind::String,
    "The last signalling message the phone sent before losing service (LastProtocolEventSent).",
);
pub static OOS_LAST_RECEIVED: Field = Field::new(
    "ciscoalarm.oos.last_received",
    "Last Protocol Event Received",
    FieldKind::String,
    "The last signalling message the phone received before losing service (LastProtocolEventReceived).",
);
pub static EVENT_MESSAGE: Field = Field::new(
    "ciscoalarm.oos.event.message",
    "Method or Status",
    FieldKind::String,
    "The SIP method (e.g. REGISTER) or status (e.g. 200 OK) of a last protocol event.",
);
pub static EVENT_URI: Field = Field::new(
    "ciscoalarm.oos.event.uri",
    "Request-URI",
    FieldKind::String,
    "The Request-URI of a last protocol event that was a request.",
);
pub static EVENT_CSEQ: Field = Field::new(
    "ciscoalarm.oos.event.cseq",
    "CSeq",
    FieldKind::Uint(None),
    "The CSeq number of a last protocol event.",
);
pub static EVENT_CSEQ_METHOD: Field = Field::new(
    "ciscoalarm.oos.event.cseq_method",
    "CSeq Method",
    FieldKind::String,
    "The method named in the CSeq of a last protocol event.",
);
pub static EVENT_CALL_ID: Field = Field::new(
    "ciscoalarm.oos.event.call_id",
    "Call-ID",
    FieldKind::String,
    "The Call-ID of a last protocol event: find the message itself with sip.Call-ID.",
);
pub static EVENT_SKINNY_ID: Field = Field::new(
    "ciscoalarm.oos.event.skinny_id",
    "Skinny Message ID",
    FieldKind::Uint(Some(SKINNY_MESSAGES)),
    "The Skinny message id of a last protocol event an SCCP phone writes as id:name (1:Register), named as Wireshark's Skinny dissector names it where known.",
);
pub static EVENT_SKINNY_NAME: Field = Field::new(
    "ciscoalarm.oos.event.skinny_name",
    "Skinny Message Name",
    FieldKind::String,
    "The phone's own name for the Skinny message of a last protocol event in the id:name form (Register, RegisterAck).",
);

// The REGISTER Reason header: Reason: SIP;cause=200;text="cisco-alarm:N ...",
// and the text of an SCCP phone's Skinny Alarm message: "N: Name=... Last=...".
pub static REASON_CODE: Field = Field::new(
    "ciscoalarm.reason.code",
    "Last Restart Cause",
    FieldKind::Uint(Some(RESTART_CAUSES)),
    "The cisco-alarm number of a REGISTER's Reason header (or the number before the colon of an SCCP phone's Alarm text): why the phone last restarted or unregistered.",
);
pub static REASON_LAST: Field = Field::new(
    "ciscoalarm.reason.last",
    "Last",
    FieldKind::String,
    "The Last= text of the cisco-alarm Reason: the phone's own name for the cause.",
);
pub static REASON_DEVICE: Field = Field::new(
    "ciscoalarm.reason.device",
    "Device Name",
    FieldKind::String,
    "The Name= of the cisco-alarm Reason: the registering device.",
);
pub static REASON_LOAD: Field = Field::new(
    "ciscoalarm.reason.load",
    "Load",
    FieldKind::String,
    "The Load= of the cisco-alarm Reason: the firmware the phone runs.",
);
pub static REASON_ACTIVE_LOAD: Field = Field::new(
    "ciscoalarm.reason.active_load",
    "Active Load",
    FieldKind::String,
    "The ActiveLoad= of the cisco-alarm Reason: the firmware in the active partition.",
);
pub static REASON_INACTIVE_LOAD: Field = Field::new(
    "ciscoalarm.reason.inactive_load",
    "Inactive Load",
    FieldKind::String,
    "The InactiveLoad= of the cisco-alarm Reason: the firmware in the inactive partition.",
);

pub static ETT_ALARM: Subtree = Subtree::new();
pub static ETT_PARAM: Subtree = Subtree::new();
pub static ETT_EVENT: Subtree = Subtree::new();
pub static ETT_REASON: Subtree = Subtree::new();

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
pub static BAD_VALUE: Expert = Expert::new(
    "ciscoalarm.bad_value",
    "Parameter value not in the expected form",
    ExpertGroup::Malformed,
    Severity::Warn,
);
pub static UNKNOWN: Expert = Expert::new(
    "ciscoalarm.unknown",
    "Alarm, parameter or value unknown to this plugin: shown raw",
    ExpertGroup::Undecoded,
    Severity::Note,
);
pub static ITL_CHANGED: Expert = Expert::new(
    "ciscoalarm.itl_changed",
    "The device reports a different ITL than before",
    ExpertGroup::Sequence,
    Severity::Note,
);
pub static BAD_REASON: Expert = Expert::new(
    "ciscoalarm.reason.malformed",
    "Malformed cisco-alarm Reason header",
    ExpertGroup::Malformed,
    Severity::Warn,
);
pub static PLUGIN_BUG: Expert = Expert::new(
    "ciscoalarm.plugin_bug",
    "Plugin bug while decoding a Cisco alarm",
    ExpertGroup::Malformed,
    Severity::Error,
);

pub static MEMORY_LIMIT: Expert = Expert::new(
    "ciscoalarm.memory_limit",
    "The plugin's memory limit was reached: later alarm frames are not decoded",
    ExpertGroup::Undecoded,
    Severity::Warn,
);

pub static PROTOCOL: Protocol = Protocol::new(
    "Cisco Phone Alarm",
    c"CiscoAlarm",
    "ciscoalarm",
    &[
        &NAME,
        &DEVICE_NAME,
        &PARAM,
        &PARAM_NAME,
        &PARAM_VALUE,
        &PARAM_KIND,
        &TL_ITL_SIGNATURE,
        &TL_CTL_SIGNATURE,
        &TL_ITL_TFTP_SERVER,
        &TL_CTL_TFTP_SERVER,
        &TL_STATUS_CODE,
        &TL_PREVIOUS_FRAME,
        &OOS_REASON,
        &OOS_REASON_TEXT,
        &OOS_MODEL,
        &OOS_DHCPV4_STATUS,
        &OOS_TFTP_CFG_STATUS,
        &OOS_CUCM_ADDR,
        &OOS_VOICE_VLAN,
        &OOS_NEIGHBOR_DEVICE,
        &OOS_NEIGHBOR_PORT,
        &OOS_TIMESTAMP,
        &OOS_LAST_SENT,
        &OOS_LAST_RECEIVED,
        &EVENT_MESSAGE,
        &EVENT_URI,
        &EVENT_CSEQ,
        &EVENT_CSEQ_METHOD,
        &EVENT_CALL_ID,
        &EVENT_SKINNY_ID,
        &EVENT_SKINNY_NAME,
        &REASON_CODE,
        &REASON_LAST,
        &REASON_DEVICE,
        &REASON_LOAD,
        &REASON_ACTIVE_LOAD,
        &REASON_INACTIVE_LOAD,
    ],
    &[&ETT_ALARM, &ETT_PARAM, &ETT_EVENT, &ETT_REASON],
    &[
        &MALFORMED,
        &TRUNCATED,
        &LIMIT,
        &BAD_VALUE,
        &UNKNOWN,
        &ITL_CHANGED,
        &BAD_REASON,
        &MEMORY_LIMIT,
    ],
    &PLUGIN_BUG,
);
