//! What the two phone-registration-health captures share (`ciscoreg-sip`,
//! `ciscoreg-sccp`): their lab (CUCM primary 10.20.0.11, backup 10.20.0.12, a DNS
//! server, one flat 10.20.0.0/16 LAN so every frame carries its hosts' own MACs), their
//! clock (2026-03-02 09:00:00 UTC), the `ciscoreg:` ground-truth comments and a little
//! traffic that is no registration's.
//!
//! Every frame that carries a registration message (a REGISTER or its response, a
//! Skinny Register, RegisterAck, RegisterReject, KeepAlive, KeepAliveAck, Unregister,
//! UnregisterAck or Alarm) and every FIN or RST that ends a registration connection
//! carries exactly one pcapng comment, `ciscoreg: EVENT` or `ciscoreg: EVENT;
//! expert=KIND`: what a registration-health dissector should see there, and the expert
//! info it should raise at that frame. No other frame of these captures has a comment.

use crate::capture::{Capture, FrameId};
use crate::clock::{Micros, START_UNIX_US};
use crate::dns;
use crate::net::{self, Host, Ipv4Params, PROTO_UDP};
use crate::prng::Prng;
use crate::tcp::{Endpoint, Stack};
use crate::topology::{server_stack, QUICK_ACK};

/// Capture time of 2026-03-02 09:00:00 UTC (Unix 1772442000): the capture clock counts
/// from the lab captures' 2019 start, so these captures' times are offsets from here.
pub const T0: Micros = 1_772_442_000_000_000 - START_UNIX_US;

/// The primary CUCM (first in the phones' CallManager group).
pub const PRIMARY: Host = Host {
    mac: [0x00, 0x50, 0x56, 0xaa, 0x00, 0x11],
    ip: [10, 20, 0, 11],
};

/// The backup (secondary) CUCM.
pub const BACKUP: Host = Host {
    mac: [0x00, 0x50, 0x56, 0xaa, 0x00, 0x12],
    ip: [10, 20, 0, 12],
};

/// The lab's DNS server (noise only).
pub const DNS_SERVER: Host = Host {
    mac: [0x00, 0x50, 0x56, 0xaa, 0x00, 0x05],
    ip: [10, 20, 0, 5],
};

/// DSCP CS3, how Cisco phones and CUCM mark call signalling (SIP and SCCP alike).
pub const SIGNALLING_TOS: u8 = 0x60;

/// What a registration-health dissector should see at a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Register,
    Refresh,
    KeepAlive,
    Trying,
    Registered,
    KeepAliveAck,
    Rejected,
    Unregister,
    Unregistered,
    Alarm,
    Closed,
    Reset,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Register => "register",
            Event::Refresh => "refresh",
            Event::KeepAlive => "keepalive",
            Event::Trying => "trying",
            Event::Registered => "registered",
            Event::KeepAliveAck => "keepalive-ack",
            Event::Rejected => "rejected",
            Event::Unregister => "unregister",
            Event::Unregistered => "unregistered",
            Event::Alarm => "alarm",
            Event::Closed => "closed",
            Event::Reset => "reset",
        }
    }
}

/// The expert info a registration-health dissector should raise at a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expert {
    /// A refresh or keepalive that came late, or after one that went unanswered.
    Missed,
    /// The CUCM refused the registration.
    Rejected,
    /// The phone registers with its backup CUCM after losing the primary.
    Failover,
    /// The phone keeps registering afresh (third and later time in a short while).
    Loop,
    /// The CUCM ends the registration (UnregisterAck, its RST or FIN).
    Unregistered,
}

impl Expert {
    pub fn as_str(self) -> &'static str {
        match self {
            Expert::Missed => "missed",
            Expert::Rejected => "rejected",
            Expert::Failover => "failover",
            Expert::Loop => "loop",
            Expert::Unregistered => "unregistered",
        }
    }
}

/// The comment text: `ciscoreg: EVENT` or `ciscoreg: EVENT; expert=KIND`.
pub fn comment(event: Event, expert: Option<Expert>) -> String {
    match expert {
        Some(kind) => format!("ciscoreg: {}; expert={}", event.as_str(), kind.as_str()),
        None => format!("ciscoreg: {}", event.as_str()),
    }
}

/// Comments frame `id` (once: a second note would be appended to the first).
pub fn mark(cap: &mut Capture, id: FrameId, event: Event, expert: Option<Expert>) {
    cap.note(id, &comment(event, expert));
}

/// A CUCM's stack on a registration connection: CUCM answers within Linux's delayed-ACK
/// time, so its ACKs ride on its answers; a request it leaves unanswered gets a lone ACK.
pub fn cucm_stack(host: &Host, delayed_ack: Micros) -> Stack {
    // Each node's 1000 Hz timestamp clock starts somewhere of its own.
    let mut rng = Prng::from_label(&format!("ciscoreg cucm {}", net::fmt_ip(host.ip)));
    server_stack(rng.range(1_000_000, 900_000_000) as u32, delayed_ack)
}

/// A phone's stack (the lab phones' Linux: window 29200 scaled by 16, 100 Hz timestamps,
/// quick ACKs); `seed` draws its timestamp origin.
pub fn phone_stack(seed: &str) -> Stack {
    let mut rng = Prng::from_label(&format!("ciscoreg phone stack {seed}"));
    Stack {
        window: 29_200,
        window_scale: 4,
        window_step: 2_224,
        window_max: 29_200 * 8,
        ts_hz: 100,
        ts_origin: rng.range(100_000, 4_000_000) as u32,
        ack_delay: QUICK_ACK,
        ttl: 64,
    }
}

pub fn endpoint(host: Host, port: u16) -> Endpoint {
    Endpoint { host, port }
}

/// Traffic that is no registration's: `asker` resolves `target` by ARP at `t`, and a PC
/// looks names up (A records) at the given times. Nothing here carries a comment.
pub struct Noise<'a> {
    pub asker: Host,
    pub target: Host,
    pub t_arp: Micros,
    pub pc: Host,
    pub lookups: &'a [(Micros, &'a str, net::Ipv4)],
    pub seed: &'a str,
}

pub fn noise(cap: &mut Capture, n: &Noise) {
    let mut rng = Prng::from_label(n.seed);
    cap.push(n.t_arp, net::arp_request(&n.asker, n.target.ip));
    let t_reply = n.t_arp + rng.range(150, 400);
    cap.push(t_reply, net::arp_reply(&n.target, &n.asker));
    for &(t, name, ip) in n.lookups {
        let port = rng.range(49_152, 65_535) as u16;
        let id = rng.next_u32() as u16;
        let query = dns::query(id, name, dns::TYPE_A);
        let answer = dns::answer(id, name, dns::TYPE_A, &[ip], 300);
        let udp = |rng: &mut Prng, from: &Host, to: &Host, sport, dport, payload: &[u8]| {
            let ip = Ipv4Params {
                src: from.ip,
                dst: to.ip,
                protocol: PROTO_UDP,
                id: rng.next_u32() as u16,
                tos: 0,
                ttl: 64,
            };
            net::udp_frame(from.mac, to.mac, &ip, sport, dport, payload)
        };
        let q = udp(&mut rng, &n.pc, &DNS_SERVER, port, dns::DNS_PORT, &query);
        cap.push(t, q);
        let t_answer = t + rng.range(400, 1_800);
        let a = udp(&mut rng, &DNS_SERVER, &n.pc, dns::DNS_PORT, port, &answer);
        cap.push(t_answer, a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::http_date;

    #[test]
    fn the_clock_starts_on_the_labs_morning() {
        assert_eq!(http_date(T0), "Mon, 02 Mar 2026 09:00:00 GMT");
    }

    #[test]
    fn comments_have_the_documented_form() {
        assert_eq!(comment(Event::Refresh, None), "ciscoreg: refresh");
        assert_eq!(
            comment(Event::KeepAliveAck, None),
            "ciscoreg: keepalive-ack"
        );
        assert_eq!(
            comment(Event::Reset, Some(Expert::Unregistered)),
            "ciscoreg: reset; expert=unregistered"
        );
    }
}
