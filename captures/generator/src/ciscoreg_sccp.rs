//! `ciscoreg-sccp`: six SCCP (Skinny) phones (CP-7941G on SCCP41.9-4-2SR3-1S,
//! 10.20.2.101-106) registering with the primary CUCM 10.20.0.11 on TCP 2000, some
//! keeping a connection to the secondary 10.20.0.12 alive: healthy, missed keepalives,
//! a rejected registration, failover to the secondary, an unregister, and a connection
//! the CUCM resets.
//!
//! Every PDU comes from `skinny_pdu.rs` (framed and laid out as `packet-skinny.c` reads
//! them, each builder citing its handler).
//!
//! The registration follows seed 003: Alarm `25: Name=.. Load= .. Last=Initialized`
//! (severity 2, parm1 and parm2 0), then Register (data length 68 as its CUCM log's "Msg
//! Size(received) = 68", protocolVer 0x8570000F as its `wait_register` line), then
//! RegisterAck with the keepalive intervals (30 s to the primary, 60 s to the secondary)
//! and, in the same segment, CapabilitiesReq ("sendCapabilitiesReq Send
//! StationOutputRegisterAck"), which the phone answers with CapabilitiesRes. Keepalives
//! every 30 s to the primary and every 60 s to the secondary, where the phone keeps a
//! connection without registering (seed 004: KeepAlive, KeepAliveAck, the phone's ACK).
//!
//! Comments: see `ciscoreg.rs`.

use crate::capture::Capture;
use crate::ciscoreg::{
    self, cucm_stack, endpoint, phone_stack, Event, Expert, Noise, BACKUP, PRIMARY, SIGNALLING_TOS,
    T0,
};
use crate::clock::{secs, us, Micros};
use crate::net::Host;
use crate::prng::Prng;
use crate::skinny_pdu::{
    capabilities_req, capabilities_res, keep_alive, keep_alive_ack, register_ack, register_reject,
    unregister, unregister_ack, Station, SKINNY_PORT,
};
use crate::tcp::{ConnSpec, Dir, TcpConn};
use crate::topology::DELAYED_ACK;

/// CP-7941G (`skinny.deviceType` 115, "7941G").
const DEVICE_TYPE_7941: u32 = 115;
const LOAD: &str = "SCCP41.9-4-2SR3-1S";

struct SccpPhone {
    host: Host,
    name: String,
}

impl SccpPhone {
    fn new(last: u8) -> SccpPhone {
        let mac = [0x00, 0x11, 0x22, 0x33, 0x44, last];
        SccpPhone {
            host: Host {
                mac,
                ip: [10, 20, 2, 100 + (last - 0xa0)],
            },
            name: format!("SEP{}", hex::encode_upper(mac)),
        }
    }

    fn station(&self) -> Station<'_> {
        Station {
            name: &self.name,
            ip: self.host.ip,
            mac: self.host.mac,
            device_type: DEVICE_TYPE_7941,
            load: LOAD,
        }
    }

    fn register(&self) -> Vec<u8> {
        self.station().register()
    }

    fn alarm(&self, cause: u32, last: &str) -> Vec<u8> {
        self.station().alarm(cause, last)
    }
}

type Note = (Event, Option<Expert>);

/// One Skinny connection of a phone to a node.
struct Link {
    conn: TcpConn,
    rng: Prng,
}

/// The Alarm leaves this long after the SYN, the Register this long after the Alarm
/// (seed 003: 16.299 and 16.367).
pub(crate) const AFTER_SYN: Micros = 1_150;
pub(crate) const REGISTER_AFTER_ALARM: Micros = 68_000;

impl Link {
    fn connect(cap: &mut Capture, phone: &SccpPhone, node: Host, port: u16, t: Micros) -> Link {
        let spec = ConnSpec {
            client: endpoint(phone.host, port),
            client_stack: phone_stack(&phone.name),
            server: endpoint(node, SKINNY_PORT),
            server_stack: cucm_stack(&node, DELAYED_ACK),
            tos: SIGNALLING_TOS,
        };
        let label = format!("ciscoreg-sccp {} {port}", phone.name);
        Link {
            conn: TcpConn::connect(cap, &spec, t, &label),
            rng: Prng::from_label(&format!("{label} timing")),
        }
    }

    fn send(&mut self, cap: &mut Capture, dir: Dir, t: Micros, bytes: &[u8], note: Option<Note>) {
        let id = self.conn.send(cap, dir, t, bytes).last;
        if let Some((event, expert)) = note {
            ciscoreg::mark(cap, id, event, expert);
        }
    }

    /// The node's answer follows a phone's message by about a millisecond.
    fn answer_time(&mut self, t: Micros) -> Micros {
        t + 600 + self.rng.range(0, 900)
    }

    /// Register at `t` (commented `note`) → RegisterAck, with CapabilitiesReq in the same
    /// segment and the phone's CapabilitiesRes when `capabilities`.
    fn register(
        &mut self,
        cap: &mut Capture,
        phone: &SccpPhone,
        t: Micros,
        note: Note,
        capabilities: bool,
    ) {
        self.send(cap, Dir::ToServer, t, &phone.register(), Some(note));
        let t_ack = self.answer_time(t);
        let mut answer = register_ack();
        if capabilities {
            answer.extend(capabilities_req());
        }
        let registered = Some((Event::Registered, None));
        self.send(cap, Dir::ToClient, t_ack, &answer, registered);
        if capabilities {
            let t_res = t_ack + 1_200 + self.rng.range(0, 600);
            self.send(cap, Dir::ToServer, t_res, &capabilities_res(), None);
        }
    }

    fn alarm(&mut self, cap: &mut Capture, phone: &SccpPhone, t: Micros, cause: u32, last: &str) {
        let note = Some((Event::Alarm, None));
        self.send(cap, Dir::ToServer, t, &phone.alarm(cause, last), note);
    }

    /// KeepAlive at `t`, acknowledged unless `acked` is false.
    fn keepalive(&mut self, cap: &mut Capture, t: Micros, expert: Option<Expert>, acked: bool) {
        let note = Some((Event::KeepAlive, expert));
        self.send(cap, Dir::ToServer, t, &keep_alive(), note);
        if acked {
            let t_ack = self.answer_time(t);
            let note = Some((Event::KeepAliveAck, None));
            self.send(cap, Dir::ToClient, t_ack, &keep_alive_ack(), note);
        }
    }

    /// The phone closes the connection at `t`: its FIN, and the CUCM's
    /// FIN/ACK in answer (`TcpConn::close` pushes it next), are commented
    /// `closed`.
    fn close(&mut self, cap: &mut Capture, t: Micros) {
        let fin = self.conn.close(cap, Dir::ToServer, t);
        ciscoreg::mark(cap, fin, Event::Closed, None);
        ciscoreg::mark(cap, fin + 1, Event::Closed, None);
    }

    fn finish(mut self, cap: &mut Capture) {
        self.conn.flush(cap);
    }
}

fn at(s: u64, u: u64) -> Micros {
    T0 + secs(s) + us(u)
}

const KEEPALIVE: Micros = 30_000_000;
const SECONDARY_KEEPALIVE: Micros = 60_000_000;

/// A phone's local ports: one a connection, drawn from its name.
fn ports(phone: &SccpPhone) -> u16 {
    Prng::from_label(&format!("ciscoreg-sccp ports {}", phone.name)).range(49_200, 52_000) as u16
}

/// Alarm, Register → RegisterAck on a new connection to the primary from `t`; returns
/// the link and the Register's time.
fn boot(cap: &mut Capture, phone: &SccpPhone, t: Micros, capabilities: bool) -> (Link, Micros) {
    let mut link = Link::connect(cap, phone, PRIMARY, ports(phone), t);
    link.alarm(cap, phone, t + AFTER_SYN, 25, "Initialized");
    let t_reg = t + AFTER_SYN + REGISTER_AFTER_ALARM;
    link.register(cap, phone, t_reg, (Event::Register, None), capabilities);
    (link, t_reg)
}

/// S1: healthy for five minutes, keepalives to the primary and the secondary.
fn healthy(cap: &mut Capture) {
    let phone = SccpPhone::new(0xa1);
    let (mut primary, t_reg) = boot(cap, &phone, at(1, 0), true);
    let t = at(1, 602_000);
    let mut secondary = Link::connect(cap, &phone, BACKUP, ports(&phone) + 1, t);
    for k in 0..=4 {
        secondary.keepalive(cap, t + AFTER_SYN + k * SECONDARY_KEEPALIVE, None, true);
    }
    for k in 1..=10 {
        primary.keepalive(cap, t_reg + k * KEEPALIVE, None, true);
    }
    primary.finish(cap);
    secondary.finish(cap);
}

/// S2: one KeepAlive left unacknowledged, so the next is late; later one KeepAlive
/// 75 s after the one before.
fn missed_keepalives(cap: &mut Capture) {
    let phone = SccpPhone::new(0xa2);
    let (mut link, t_reg) = boot(cap, &phone, at(3, 0), false);
    for k in 1..=6 {
        let expert = (k == 4).then_some(Expert::Missed);
        link.keepalive(cap, t_reg + k * KEEPALIVE, expert, k != 3);
    }
    let late = t_reg + 6 * KEEPALIVE + secs(75);
    link.keepalive(cap, late, Some(Expert::Missed), true);
    link.keepalive(cap, late + KEEPALIVE, None, true);
    link.finish(cap);
}

/// S3: RegisterReject "Unknown Device"; the phone closes.
fn rejected(cap: &mut Capture) {
    let phone = SccpPhone::new(0xa3);
    let t = at(5, 0);
    let mut link = Link::connect(cap, &phone, PRIMARY, ports(&phone), t);
    let t_reg = t + AFTER_SYN;
    link.send(
        cap,
        Dir::ToServer,
        t_reg,
        &phone.register(),
        Some((Event::Register, None)),
    );
    let t_rej = link.answer_time(t_reg);
    let note = Some((Event::Rejected, Some(Expert::Rejected)));
    link.send(
        cap,
        Dir::ToClient,
        t_rej,
        &register_reject("Unknown Device"),
        note,
    );
    link.close(cap, t_rej + 148_000);
    link.finish(cap);
}

/// S4: the primary stops acknowledging keepalives; the phone registers with the
/// secondary it kept alive and keeps alive there every 30 s.
fn failover(cap: &mut Capture) {
    let phone = SccpPhone::new(0xa4);
    let (mut primary, t_reg) = boot(cap, &phone, at(7, 0), false);
    let t = at(7, 611_000);
    let mut secondary = Link::connect(cap, &phone, BACKUP, ports(&phone) + 1, t);
    for k in 0..=2 {
        secondary.keepalive(cap, t + AFTER_SYN + k * SECONDARY_KEEPALIVE, None, true);
    }
    for k in 1..=5 {
        let expert = (k == 5).then_some(Expert::Missed);
        primary.keepalive(cap, t_reg + k * KEEPALIVE, expert, k <= 3);
    }
    let t_alarm = t_reg + 5 * KEEPALIVE + secs(3);
    secondary.alarm(cap, &phone, t_alarm, 17, "KeepaliveTO");
    let t_over = t_alarm + REGISTER_AFTER_ALARM;
    let note = (Event::Register, Some(Expert::Failover));
    secondary.register(cap, &phone, t_over, note, false);
    for k in 1..=4 {
        secondary.keepalive(cap, t_over + k * KEEPALIVE, None, true);
    }
    primary.finish(cap);
    secondary.finish(cap);
}

/// S5: a few keepalives, then Unregister → UnregisterAck and the phone closes.
fn unregisters(cap: &mut Capture) {
    let phone = SccpPhone::new(0xa5);
    let (mut link, t_reg) = boot(cap, &phone, at(9, 0), false);
    for k in 1..=3 {
        link.keepalive(cap, t_reg + k * KEEPALIVE, None, true);
    }
    let t = t_reg + 3 * KEEPALIVE + secs(11);
    link.send(
        cap,
        Dir::ToServer,
        t,
        &unregister(),
        Some((Event::Unregister, None)),
    );
    let t_ack = link.answer_time(t);
    let note = Some((Event::Unregistered, Some(Expert::Unregistered)));
    link.send(cap, Dir::ToClient, t_ack, &unregister_ack(), note);
    link.close(cap, t_ack + 205_000);
    link.finish(cap);
}

/// S6: two keepalives, then the CUCM resets the connection.
fn reset_by_cucm(cap: &mut Capture) {
    let phone = SccpPhone::new(0xa6);
    let (mut link, t_reg) = boot(cap, &phone, at(11, 0), false);
    for k in 1..=2 {
        link.keepalive(cap, t_reg + k * KEEPALIVE, None, true);
    }
    let rst = link
        .conn
        .reset(cap, Dir::ToClient, t_reg + 2 * KEEPALIVE + secs(14));
    ciscoreg::mark(cap, rst, Event::Reset, Some(Expert::Unregistered));
}

pub fn capture() -> Capture {
    let mut cap = Capture::new();
    ciscoreg::noise(
        &mut cap,
        &Noise {
            asker: SccpPhone::new(0xa1).host,
            target: PRIMARY,
            t_arp: at(0, 983_000),
            pc: Host {
                mac: [0x3c, 0x52, 0x82, 0x1a, 0x02, 0x3c],
                ip: [10, 20, 2, 60],
            },
            lookups: &[
                (at(44, 118_000), "portal.reg.example", [10, 20, 0, 90]),
                (at(203, 542_000), "mail.reg.example", [10, 20, 0, 91]),
            ],
            seed: "ciscoreg-sccp noise",
        },
    );
    healthy(&mut cap);
    missed_keepalives(&mut cap);
    rejected(&mut cap);
    failover(&mut cap);
    unregisters(&mut cap);
    reset_by_cucm(&mut cap);
    cap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_have_their_sizes() {
        let phone = SccpPhone::new(0xa1);
        assert_eq!(phone.name, "SEP0011223344A1");
        assert_eq!(phone.host.ip, [10, 20, 2, 101]);
        let data_length = |m: &[u8]| u32::from_le_bytes(m[..4].try_into().unwrap());
        assert_eq!(data_length(&phone.register()), 68);
        assert_eq!(data_length(&register_ack()), 24);
        assert_eq!(&register_ack()[16..22], b"M/D/YA");
        assert_eq!(data_length(&register_reject("Unknown Device")), 36);
        assert_eq!(data_length(&phone.alarm(25, "Initialized")), 4 + 92);
        assert_eq!(data_length(&capabilities_res()), 296);
        assert_eq!(keep_alive(), [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let alarm = phone.alarm(25, "Initialized");
        let text = &alarm[16..96];
        assert!(text
            .starts_with(b"25: Name=SEP0011223344A1 Load= SCCP41.9-4-2SR3-1S Last=Initialized\0"));
    }

    #[test]
    fn the_cases_each_show_up() {
        let all: Vec<String> = capture()
            .frames()
            .iter()
            .filter_map(|f| f.comment.clone())
            .collect();
        let count = |s: &str| all.iter().filter(|c| c.as_str() == s).count();
        assert_eq!(count("ciscoreg: keepalive; expert=missed"), 3);
        assert_eq!(count("ciscoreg: rejected; expert=rejected"), 1);
        assert_eq!(count("ciscoreg: register; expert=failover"), 1);
        assert_eq!(count("ciscoreg: unregistered; expert=unregistered"), 1);
        assert_eq!(count("ciscoreg: reset; expert=unregistered"), 1);
        assert_eq!(count("ciscoreg: closed"), 4);
        assert_eq!(count("ciscoreg: register"), 6);
        assert_eq!(count("ciscoreg: registered"), 6);
        assert_eq!(count("ciscoreg: alarm"), 6);
    }
}
