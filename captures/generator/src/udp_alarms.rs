//! Seed 002's DeviceTLInfo alarm sent over SIP/UDP by another lab's phone
//! (CP-7821 SEPC4B9CD808647 at 192.168.15.20, CUCM 192.168.110.100), once
//! whole and once cut by a snapshot length inside the alarm body.
//!
//! Over UDP the SIP dissector hands the body on even when the capture cut it,
//! which is how a decoder meets a truncated alarm in practice; over TCP a cut
//! segment stops reassembly before any body reaches it.

use crate::alarm::{alarm, Param};
use crate::capture::Capture;
use crate::clock::{http_date, secs, us};
use crate::net::{self, Ipv4Params, ETHERTYPE_IPV4, PROTO_UDP};
use crate::sip;

pub(crate) const PHONE_MAC: net::Mac = [0xc4, 0xb9, 0xcd, 0x80, 0x86, 0x47];
pub(crate) const PHONE_IP: net::Ipv4 = [192, 168, 15, 20];
pub(crate) const CUCM_MAC: net::Mac = [0x00, 0x50, 0x56, 0x8a, 0x77, 0x01];
pub(crate) const CUCM_IP: net::Ipv4 = [192, 168, 110, 100];
pub(crate) const SIP_PORT: u16 = 5060;

/// Cuts the REFER (about 1.5 KB on the wire) inside its alarm body.
pub const CUT_SNAPLEN: u32 = 1100;

pub(crate) fn device_tl_info() -> String {
    alarm(
        "DeviceTLInfo",
        &[
            Param::Text("DeviceName", "SEPC4B9CD808647".into()),
            Param::Text("IPv4Address", "192.168.15.20".into()),
            Param::Text("IPv6Address", String::new()),
            Param::Text("CTL_Signature", "Not Installed".into()),
            Param::Text("CTL_TFTP_Server", "N/A".into()),
            Param::Text(
                "ITL_Signature",
                "3E 91 A3 5D A3 D6 BD B7 0F 09 21 98 18 3F 64 D3 B2 8E 80 15 ".into(),
            ),
            Param::Text("ITL_TFTP_Server", "pub.techvivi.local".into()),
            Param::Text("StatusCode", "3".into()),
        ],
    )
}

pub(crate) fn frame(
    from: (net::Mac, net::Ipv4),
    to: (net::Mac, net::Ipv4),
    id: u16,
    payload: &[u8],
) -> Vec<u8> {
    let datagram = net::udp(from.1, to.1, SIP_PORT, SIP_PORT, payload);
    let ip = Ipv4Params {
        src: from.1,
        dst: to.1,
        protocol: PROTO_UDP,
        id,
        tos: 0x60,
        ttl: 64,
    };
    net::ethernet(to.0, from.0, ETHERTYPE_IPV4, &net::ipv4(&ip, &datagram))
}

pub fn alarm_over_udp() -> Capture {
    let mut cap = Capture::new();
    let t0 = secs(1);
    let refer = sip::request("REFER", "sip:192.168.110.100")
        .header("Via", "SIP/2.0/UDP 192.168.15.20:5060;branch=z9hG4bK525f6d5b")
        .header(
            "From",
            "\"Laurent Robert\" <sip:7821@192.168.15.20>;tag=c4b9cd80864700020acadc33-3512f52a",
        )
        .header("To", "<sip:192.168.110.100>")
        .header("Call-ID", "c4b9cd80-86470002-1eb10ed0-2f2fc25e@192.168.15.20")
        .header("Date", http_date(t0))
        .header("CSeq", "1000 REFER")
        .header("User-Agent", "Cisco-CP7821/11.5.1")
        .header("Expires", "10")
        .header("Max-Forwards", "70")
        .header(
            "Contact",
            "<sip:e47a851c-de7c-3804-b05b-40f49816efd1@192.168.15.20:5060;transport=udp>;+u.sip!devicename.ccm.cisco.com=\"SEPC4B9CD808647\"",
        )
        .header("Require", "norefersub")
        .header("Referred-By", "\"Laurent Robert\" <sip:7821@192.168.15.20>")
        .header("Refer-To", "cid:082f1702@192.168.15.20")
        .header("Content-Id", "<082f1702@192.168.15.20>")
        .header(
            "Allow",
            "ACK,BYE,CANCEL,INVITE,NOTIFY,OPTIONS,REFER,REGISTER,UPDATE,SUBSCRIBE",
        )
        .length_header("Content-Length")
        .header("Content-Type", "application/x-cisco-alarm+xml")
        .header("Content-Disposition", "session;handling=required")
        .body(device_tl_info());
    let phone = (PHONE_MAC, PHONE_IP);
    let cucm = (CUCM_MAC, CUCM_IP);
    let id = cap.push(t0, frame(phone, cucm, 0x1f2e, &refer.encode()));
    cap.note(id, "seed 002: DeviceTLInfo alarm REFER over UDP");
    let accepted = sip::response_to(&refer, 202, "Accepted", "1708299782", &http_date(t0))
        .length_header("Content-Length");
    cap.push(
        t0 + us(2_500),
        frame(cucm, phone, 0x5a11, &accepted.encode()),
    );
    cap
}

pub fn alarm_over_udp_cut() -> Capture {
    let mut cap = alarm_over_udp();
    cap.snaplen = CUT_SNAPLEN;
    cap
}
