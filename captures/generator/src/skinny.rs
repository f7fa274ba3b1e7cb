//! An SCCP (Skinny) phone reporting DeviceTLInfo in message 0x015A
//! (XMLAlarmMessage) to the visiting cluster on TCP 2000: the same alarm XML
//! SIP phones put in REFER bodies; then a LastOutOfServiceInformation as
//! sloppy as real SCCP firmware writes it (the CP-7961G alarm published with
//! FreeSWITCH's mod_skinny tests, `src/mod/endpoints/mod_skinny/test-skinny.pl`:
//! an unescaped `<not open>` value, an empty Enum, protocol events in the SCCP
//! form `1:Register` / `129:RegisterAck`), so that this capture does not share
//! the decoder's assumptions.
//!
//! The PDUs come from `skinny_pdu.rs`: the XML and a terminating NUL.

use crate::alarm::{alarm, Param};
use crate::capture::Capture;
use crate::clock::{secs, us};
use crate::net::Host;
use crate::skinny_pdu::{enhanced_alarm, SKINNY_PORT};
use crate::tcp::{ConnSpec, Dir, Endpoint, TcpConn};
use crate::topology::{ARTICLE_PHONE, QUICK_ACK, VISITING};

/// A 7965 running SCCP, next to the lab's SIP phone.
const SCCP_PHONE: Host = Host {
    mac: [0x00, 0x24, 0x14, 0x2d, 0xdf, 0x24],
    ip: [192, 168, 7, 105],
};

fn device_tl_info() -> String {
    alarm(
        "DeviceTLInfo",
        &[
            Param::Text("DeviceName", "SEP0024142DDF24".into()),
            Param::Text("IPv4Address", "192.168.7.105".into()),
            Param::Text("IPv6Address", String::new()),
            Param::Text("CTL_Signature", "Not Installed".into()),
            Param::Text("CTL_TFTP_Server", "N/A".into()),
            Param::Text(
                "ITL_Signature",
                "79 39 7B 91 55 23 29 6C 89 A2 6E 8D BB EA 64 E3 AA 61 58 3D ".into(),
            ),
            Param::Text("ITL_TFTP_Server", "192.168.7.100".into()),
            Param::Text("StatusCode", "3".into()),
        ],
    )
}

/// The phone's last loss of service, laid out as the published CP-7961G alarm
/// (test-skinny.pl): its parameters in its order, without the DNSv6 statuses and
/// ReasonForOutOfServiceText it does not send, `<not open>` unescaped where the
/// Unified CM address would be, LocalPort -1, VoiceVLAN 4095, an empty
/// ReasonForOutOfService, and the last events as Skinny message id (decimal) and
/// name. This phone's own identity and addresses.
fn sccp_out_of_service() -> String {
    alarm(
        "LastOutOfServiceInformation",
        &[
            Param::Text("DeviceName", "SEP0024142DDF24".into()),
            Param::Text("DeviceIPv4Address", "192.168.7.105/24".into()),
            Param::Text("IPv4DefaultGateway", "192.168.7.1".into()),
            Param::Text("DeviceIPv6Address", String::new()),
            Param::Text("IPv6DefaultGateway", String::new()),
            Param::Text("ModelNumber", "CP-7965G".into()),
            Param::Text("NeighborIPv4Address", "192.168.7.2".into()),
            Param::Text("NeighborIPv6Address", String::new()),
            Param::Text("NeighborDeviceID", "lab-sw1".into()),
            Param::Text("NeighborPortID", "5".into()),
            Param::Enum("DHCPv4Status", 1),
            Param::Enum("DHCPv6Status", 0),
            Param::Enum("TFTPCfgStatus", 0),
            Param::Enum("DNSStatusUnifiedCM1", 0),
            Param::Enum("DNSStatusUnifiedCM2", 0),
            Param::Enum("DNSStatusUnifiedCM3", 0),
            Param::Text("VoiceVLAN", "4095".into()),
            Param::Raw("UnifiedCMIPAddress", "<not open>"),
            Param::Text("LocalPort", "-1".into()),
            Param::Text("TimeStamp", "1552156300120".into()),
            Param::EmptyEnum("ReasonForOutOfService"),
            // Skinny message 1 (RegisterReq) and 129 = 0x81 (RegisterAck).
            Param::Text("LastProtocolEventSent", "1:Register".into()),
            Param::Text("LastProtocolEventReceived", "129:RegisterAck".into()),
        ],
    )
}

pub fn xml_alarm() -> Capture {
    let mut cap = Capture::new();
    let spec = ConnSpec {
        client: Endpoint {
            host: SCCP_PHONE,
            port: 51_002,
        },
        client_stack: ARTICLE_PHONE.stack(),
        server: VISITING.endpoint(SKINNY_PORT),
        server_stack: VISITING.stack(QUICK_ACK),
        tos: 0x60,
    };
    let mut conn = TcpConn::connect(&mut cap, &spec, secs(1), "skinny");
    let sent = conn.send(
        &mut cap,
        Dir::ToServer,
        secs(1) + us(5_000),
        &enhanced_alarm(&device_tl_info()),
    );
    cap.note(sent.last, "Skinny XMLAlarmMessage (0x015A): DeviceTLInfo");
    let sent = conn.send(
        &mut cap,
        Dir::ToServer,
        secs(1) + us(25_000),
        &enhanced_alarm(&sccp_out_of_service()),
    );
    cap.note(
        sent.last,
        "Skinny XMLAlarmMessage (0x015A): LastOutOfServiceInformation, sloppy as SCCP firmware writes it",
    );
    conn.flush(&mut cap);
    cap
}
