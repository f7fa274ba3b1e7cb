//! Phone alarms (`application/x-cisco-alarm+xml`), which Cisco SIP phones send to CUCM
//! in REFER bodies: `<x-cisco-alarm><Alarm Name=".."><ParameterList>` holding `<String>`
//! and `<Enum>` parameters. Line ends are bare LF, as the phone writes them.

use crate::net::fmt_ip;
use crate::topology::PhoneId;
use crate::xml::escape;

pub enum Param<'a> {
    Text(&'a str, String),
    Enum(&'a str, u32),
    /// A String value written as the firmware writes it, not escaped: SCCP phones put
    /// `<not open>` there (the CP-7961G alarm in FreeSWITCH's mod_skinny
    /// test-skinny.pl), which is not well-formed XML.
    Raw(&'a str, &'a str),
    /// An Enum with no number at all (same source: ReasonForOutOfService).
    EmptyEnum(&'a str),
}

pub fn alarm(name: &str, params: &[Param]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-alarm>\n");
    out.push_str(&format!(
        "<Alarm Name=\"{}\">\n<ParameterList>\n",
        escape(name)
    ));
    for p in params {
        let line = match p {
            Param::Text(n, v) => format!("<String name=\"{n}\">{}</String>\n", escape(v)),
            Param::Enum(n, v) => format!("<Enum name=\"{n}\">{v}</Enum>\n"),
            Param::Raw(n, v) => format!("<String name=\"{n}\">{v}</String>\n"),
            Param::EmptyEnum(n) => format!("<Enum name=\"{n}\"></Enum>\n"),
        };
        out.push_str(&line);
    }
    out.push_str("</ParameterList>\n</Alarm>\n</x-cisco-alarm>\n");
    out
}

/// The trust lists the phone has installed, reported after every (re)configuration.
/// `itl_signature` is 20 hex bytes separated by spaces, with the phone's trailing space.
pub fn device_tl_info(phone: &PhoneId, itl_signature: &str, itl_tftp_server: &str) -> String {
    alarm(
        "DeviceTLInfo",
        &[
            Param::Text("DeviceName", phone.device_name.to_string()),
            Param::Text("IPv4Address", phone.ip.to_string()),
            Param::Text("IPv6Address", String::new()),
            Param::Text("CTL_Signature", "Not Installed".into()),
            Param::Text("CTL_TFTP_Server", "N/A".into()),
            Param::Text("ITL_Signature", itl_signature.into()),
            Param::Text("ITL_TFTP_Server", itl_tftp_server.into()),
            // Meaning not public; 3 is what phones report on successful logins.
            Param::Text("StatusCode", "3".into()),
        ],
    )
}

/// What the phone remembers about the last time it lost service.
pub struct OutOfService<'a> {
    pub unified_cm: &'a str,
    pub local_port: u16,
    pub timestamp_ms: u64,
    pub reason: u32,
    pub reason_text: &'a str,
    pub last_sent: String,
    pub last_received: String,
}

pub fn last_out_of_service(phone: &PhoneId, o: &OutOfService) -> String {
    alarm(
        "LastOutOfServiceInformation",
        &[
            Param::Text("DeviceName", phone.device_name.to_string()),
            Param::Text("DeviceIPv4Address", format!("{}/24", phone.ip)),
            Param::Text("IPv4DefaultGateway", fmt_ip(phone.gateway.ip)),
            Param::Text("DeviceIPv6Address", String::new()),
            Param::Text("IPv6DefaultGateway", String::new()),
            Param::Text("ModelNumber", phone.model.name.into()),
            Param::Text("NeighborIPv4Address", phone.switch_ip.to_string()),
            Param::Text("NeighborIPv6Address", String::new()),
            Param::Text("NeighborDeviceID", phone.switch_name.to_string()),
            Param::Text("NeighborPortID", phone.switch_port.to_string()),
            Param::Enum("DHCPv4Status", 1),
            Param::Enum("DHCPv6Status", 3),
            Param::Enum("TFTPCfgStatus", 1),
            Param::Enum("DNSStatusUnifiedCM1", 4),
            Param::Enum("DNSStatusUnifiedCM2", 0),
            Param::Enum("DNSStatusUnifiedCM3", 0),
            Param::Enum("DNSv6StatusUnifiedCM1", 0),
            Param::Enum("DNSv6StatusUnifiedCM2", 0),
            Param::Enum("DNSv6StatusUnifiedCM3", 0),
            // 4095: no voice VLAN (the phone's log shows "vvlan: 4095").
            Param::Text("VoiceVLAN", "4095".into()),
            Param::Text("UnifiedCMIPAddress", o.unified_cm.into()),
            Param::Text("LocalPort", o.local_port.to_string()),
            Param::Text("TimeStamp", o.timestamp_ms.to_string()),
            Param::Enum("ReasonForOutOfService", o.reason),
            Param::Text("LastProtocolEventSent", o.last_sent.clone()),
            Param::Text("LastProtocolEventReceived", o.last_received.clone()),
            Param::Text("ReasonForOutOfServiceText", o.reason_text.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_tl_info_shape() {
        let x = device_tl_info(&crate::topology::ARTICLE_PHONE, "AA BB ", "192.168.7.100");
        assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-alarm>\n"));
        assert!(x.contains("<Alarm Name=\"DeviceTLInfo\">\n<ParameterList>\n"));
        assert!(x.contains("<String name=\"ITL_Signature\">AA BB </String>\n"));
        assert!(x.ends_with("</ParameterList>\n</Alarm>\n</x-cisco-alarm>\n"));
    }

    #[test]
    fn enums_are_numbers() {
        let x = alarm("A", &[Param::Enum("E", 25)]);
        assert!(x.contains("<Enum name=\"E\">25</Enum>"));
    }

    #[test]
    fn raw_values_and_empty_enums_are_written_as_given() {
        let x = alarm("A", &[Param::Raw("U", "<not open>"), Param::EmptyEnum("R")]);
        assert!(x.contains("<String name=\"U\"><not open></String>\n"));
        assert!(x.contains("<Enum name=\"R\"></Enum>\n"));
    }
}
