//! An SCCP (Skinny) phone reporting DeviceTLInfo in message 0x015A
//! (XMLAlarmMessage) to the visiting cluster on TCP 2000: the same alarm XML
//! SIP phones put in REFER bodies.
//!
//! Skinny framing (little-endian): data length (counts the message id and the
//! payload), header version, message id, then the payload; here the XML and
//! a terminating NUL.

use crate::alarm::{alarm, Param};
use crate::capture::Capture;
use crate::clock::{secs, us};
use crate::net::Host;
use crate::tcp::{ConnSpec, Dir, Endpoint, TcpConn};
use crate::topology::{ARTICLE_PHONE, QUICK_ACK, VISITING};

const XML_ALARM_MESSAGE: u32 = 0x015A;
const SKINNY_PORT: u16 = 2000;

/// A 7965 running SCCP, next to the lab's SIP phone.
const SCCP_PHONE: Host = Host {
    mac: [0x00, 0x24, 0x14, 0x2d, 0xdf, 0x24],
    ip: [192, 168, 7, 105],
};

fn skinny_message(id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + payload.len());
    out.extend_from_slice(&(4 + payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

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
    let mut payload = device_tl_info().into_bytes();
    payload.push(0);
    let sent = conn.send(
        &mut cap,
        Dir::ToServer,
        secs(1) + us(5_000),
        &skinny_message(XML_ALARM_MESSAGE, &payload),
    );
    cap.note(sent.last, "Skinny XMLAlarmMessage (0x015A): DeviceTLInfo");
    conn.flush(&mut cap);
    cap
}
