//! `ciscoreg-sip`: eight SIP phones (CP-8845, 10.20.1.101-108) registering with the
//! primary CUCM 10.20.0.11 and keeping a backup (10.20.0.12) alive, each showing one
//! registration-health case: healthy, a late refresh, rejections, failover to the
//! backup, a registration loop, a connection the CUCM resets, SIP over UDP, and a phone
//! whose registration began before the capture.
//!
//! Message shapes follow the seeds: seed 003's REGISTER (header order, `Reason:
//! SIP;cause=200;text="cisco-alarm:N Name=.. Load=.. Last=.."`, `Expires: 3600`, a
//! Contact with `+sip.instance` and `+u.sip!devicename.ccm.cisco.com`), seed 004's
//! answers (100 Trying, then 200 OK with `Expires: 120` and the Contact echoed with
//! `;expires=120`; refreshes about every 115 s) and its keepalive REGISTER to the backup
//! CUCM (`Expires: 0`, Contact parameters `;expires=0;cisco-keep-alive`). The CUCM's
//! answers are `cucm.rs`'s (To tags, `Server: Cisco-CUCM11.5`, `x-cisco-newreg` on a new
//! binding). Invented: the answer to a keepalive (200 OK echoing the keepalive Contact,
//! no Expires header) and the 404's shape.
//!
//! Comments: see `ciscoreg.rs`.

use std::borrow::Cow;

use crate::capture::{Capture, FrameId};
use crate::ciscoreg::{
    self, comment, cucm_stack, endpoint, Event, Expert, Noise, BACKUP, PRIMARY, SIGNALLING_TOS, T0,
};
use crate::clock::{http_date, secs, us, Micros};
use crate::cucm::{Cucm, SERVER};
use crate::message::TextMessage;
use crate::net::{self, Host, Ipv4Params, PROTO_UDP};
use crate::phone::{Phone, SUPPORTED};
use crate::prng::Prng;
use crate::sip;
use crate::tcp::{ConnSpec, Dir, TcpConn};
use crate::topology::{Cluster, Model, PhoneId, Signalling, DELAYED_ACK, SIP_PORT};

/// Cisco IP Phone 8845 on 14.2(1): `tkmodel` 36670 in the Contact's model parameter.
const CP_8845: Model = Model {
    name: "CP-8845",
    enumeration: "36670",
    load: "sip8845_65.14-2-1-0001-14",
    inactive_load: "sip8845_65.14-1-1-0001-125",
    user_agent: "Cisco-CP8845/14.2.1",
    signalling: Signalling::Sip,
};

/// A CUCM node as `Cucm` wants it; only `host`, `ip` and `label` matter here.
const fn node(host: Host, ip: &'static str, fqdn: &'static str, label: &'static str) -> Cluster {
    Cluster {
        host,
        ip: Cow::Borrowed(ip),
        fqdn: Cow::Borrowed(fqdn),
        cluster_id: Cow::Borrowed("ClusterLab"),
        line_dn: Cow::Borrowed(""),
        label: Cow::Borrowed(label),
        ts_origin: 0,
        certs_not_before: Cow::Borrowed("250901080000Z"),
        certs_not_after: Cow::Borrowed("300831080000Z"),
        files_unix: 1_772_000_000,
    }
}

static PRIMARY_NODE: Cluster = node(PRIMARY, "10.20.0.11", "cucm1.reg.example", "reg-primary");
static BACKUP_NODE: Cluster = node(BACKUP, "10.20.0.12", "cucm2.reg.example", "reg-backup");

/// The 100 Trying and the final answer follow a REGISTER by about this much.
const TRYING_AFTER: Micros = 700;
const ANSWER_AFTER: Micros = 1_600;
/// Refresh interval: CUCM grants 120 s, the phone refreshes a little before.
const REFRESH: Micros = 115_000_000;

/// The `cisco-alarm:N ... Last=..` a REGISTER reports.
#[derive(Clone, Copy)]
struct Cause {
    code: u32,
    last: &'static str,
}

const INITIALIZED: Cause = Cause {
    code: 25,
    last: "Initialized",
};
const REGISTRATION_REJECTED: Cause = Cause {
    code: 24,
    last: "Phone-Reg-Rej",
};
const CM_CLOSED_TCP: Cause = Cause {
    code: 14,
    last: "CM-closed-TCP",
};

#[derive(Clone, Copy)]
enum Kind {
    /// Expires 3600, with a Reason header or without (a refresh).
    Bind(Option<Cause>),
    /// Expires 0 and `;expires=0;cisco-keep-alive` on the Contact (to the backup).
    KeepAlive,
    /// Expires 0: remove the binding.
    Unbind,
}

/// The final answer a REGISTER gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// 200 OK to a binding the node did not hold (`x-cisco-newreg`).
    NewBinding,
    /// 200 OK to a refresh.
    Refreshed,
    KeepAliveOk,
    Unregistered,
    NotFound,
}

enum Wire {
    Tcp(TcpConn),
    /// SIP over UDP, 5060 to 5060; the IP ids of the phone's and of the node's datagrams.
    Udp([u16; 2]),
}

/// One SIP phone of the capture.
struct SipPhone {
    id: PhoneId,
    dn: &'static str,
}

impl SipPhone {
    fn new(last: u8, dn: &'static str) -> SipPhone {
        let mac = [0x00, 0x11, 0x22, 0x33, 0x44, last];
        let id = PhoneId::generated(mac, [10, 20, 1, 100 + last], &CP_8845, dn, "0000");
        SipPhone { id, dn }
    }

    fn reason(&self, c: Cause) -> String {
        format!(
            "SIP;cause=200;text=\"cisco-alarm:{} Name={} Load={} Last={}\"",
            c.code, self.id.device_name, self.id.model.load, c.last
        )
    }
}

/// The phone's registration dialog with one node over one connection (or UDP).
struct Link<'a> {
    phone: &'a SipPhone,
    cucm: Cucm<'static>,
    port: u16,
    wire: Wire,
    call_id: String,
    from_tag: String,
    cseq: u32,
    rng: Prng,
}

impl<'a> Link<'a> {
    fn spec(phone: &SipPhone, node: &Cluster, port: u16) -> ConnSpec {
        ConnSpec {
            client: phone.id.endpoint(port),
            client_stack: phone.id.stack(),
            server: endpoint(node.host, SIP_PORT),
            server_stack: cucm_stack(&node.host, DELAYED_ACK),
            tos: SIGNALLING_TOS,
        }
    }

    fn with_wire(
        phone: &'a SipPhone,
        ua: &mut Phone,
        node: &'static Cluster,
        port: u16,
        wire: Wire,
    ) -> Link<'a> {
        let label = phone
            .id
            .seed_label(&format!("ciscoreg {} {port}", node.label));
        Link {
            phone,
            cucm: Cucm::new(node, &label),
            port,
            wire,
            call_id: ua.new_call_id(),
            from_tag: ua.new_tag(),
            cseq: 100,
            rng: Prng::from_label(&label),
        }
    }

    /// A new TCP connection to the node, SYN at `t_syn`.
    fn connect(
        cap: &mut Capture,
        phone: &'a SipPhone,
        ua: &mut Phone,
        node: &'static Cluster,
        port: u16,
        t_syn: Micros,
    ) -> Link<'a> {
        let label = phone
            .id
            .seed_label(&format!("ciscoreg tcp {} {port}", node.label));
        let conn = TcpConn::connect(cap, &Link::spec(phone, node, port), t_syn, &label);
        Link::with_wire(phone, ua, node, port, Wire::Tcp(conn))
    }

    /// A connection (and dialog, last CSeq `cseq`) from before the capture started.
    fn established(
        phone: &'a SipPhone,
        ua: &mut Phone,
        node: &'static Cluster,
        port: u16,
        cseq: u32,
    ) -> Link<'a> {
        let label = phone
            .id
            .seed_label(&format!("ciscoreg tcp {} {port}", node.label));
        let conn = TcpConn::established(&Link::spec(phone, node, port), &label);
        let mut link = Link::with_wire(phone, ua, node, port, Wire::Tcp(conn));
        link.cseq = cseq;
        link
    }

    fn udp(phone: &'a SipPhone, ua: &mut Phone, node: &'static Cluster) -> Link<'a> {
        let mut rng = Prng::from_label(&phone.id.seed_label("ciscoreg udp ids"));
        let ids = [rng.next_u32() as u16, rng.next_u32() as u16];
        Link::with_wire(phone, ua, node, SIP_PORT, Wire::Udp(ids))
    }

    fn transport(&self) -> (&'static str, &'static str) {
        match self.wire {
            Wire::Tcp(_) => ("TCP", "tcp"),
            Wire::Udp(_) => ("UDP", "udp"),
        }
    }

    fn register(&mut self, t: Micros, kind: Kind) -> TextMessage {
        self.cseq += 1;
        let id = &self.phone.id;
        let node_ip = &self.cucm.cluster.ip;
        let (via_transport, uri_transport) = self.transport();
        let aor = format!("<sip:{}@{node_ip}>", self.phone.dn);
        let mut contact = format!(
            "<sip:{}@{}:{};transport={uri_transport}>;+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-{}>\";\
             +u.sip!devicename.ccm.cisco.com=\"{}\";+u.sip!model.ccm.cisco.com=\"{}\"",
            id.contact_user,
            id.ip,
            self.port,
            id.mac_hex(),
            id.device_name,
            id.model.enumeration
        );
        if let Kind::KeepAlive = kind {
            contact.push_str(";expires=0;cisco-keep-alive");
        }
        let m = sip::request("REGISTER", &format!("sip:{node_ip}"))
            .header(
                "Via",
                format!(
                    "SIP/2.0/{via_transport} {}:{};branch={}",
                    id.ip,
                    self.port,
                    sip::branch(&mut self.rng)
                ),
            )
            .header("From", format!("{aor};tag={}", self.from_tag))
            .header("To", aor)
            .header("Call-ID", self.call_id.clone())
            .header("Max-Forwards", "70")
            .header("Date", http_date(t))
            .header("CSeq", format!("{} REGISTER", self.cseq))
            .header("User-Agent", id.model.user_agent)
            .header("Contact", contact)
            .header("Supported", SUPPORTED)
            .length_header("Content-Length");
        match kind {
            Kind::Bind(Some(cause)) => m
                .header("Reason", self.phone.reason(cause))
                .header("Expires", "3600"),
            Kind::Bind(None) => m.header("Expires", "3600"),
            Kind::KeepAlive | Kind::Unbind => m.header("Expires", "0"),
        }
    }

    fn answer(&mut self, req: &TextMessage, t: Micros, answer: Answer) -> TextMessage {
        match answer {
            Answer::NewBinding => self.cucm.registered(req, t, false),
            Answer::Refreshed => self.cucm.refreshed(req, t),
            Answer::Unregistered => self.cucm.unregistered(req, t),
            Answer::KeepAliveOk => {
                let tag = self.cucm.tag();
                sip::response_to(req, 200, "OK", &tag, &http_date(t))
                    .header("Server", SERVER)
                    .copy(req, "Contact")
                    .header("Supported", "X-cisco-srtp-fallback,X-cisco-sis-8.0.0")
                    .length_header("Content-Length")
            }
            Answer::NotFound => {
                let tag = self.cucm.tag();
                sip::response_to(req, 404, "Not Found", &tag, &http_date(t))
                    .header("Server", SERVER)
                    .length_header("Content-Length")
            }
        }
    }

    /// Sends `msg` at `t` and comments the frame Wireshark shows it on.
    fn send(
        &mut self,
        cap: &mut Capture,
        dir: Dir,
        t: Micros,
        msg: &TextMessage,
        note: (Event, Option<Expert>),
    ) -> FrameId {
        let bytes = msg.encode();
        let id = match &mut self.wire {
            Wire::Tcp(conn) => conn.send(cap, dir, t, &bytes).last,
            Wire::Udp(ids) => {
                let phone = self.phone.id.host;
                let node = self.cucm.cluster.host;
                let (from, to, ip_id) = match dir {
                    Dir::ToServer => (phone, node, &mut ids[0]),
                    Dir::ToClient => (node, phone, &mut ids[1]),
                };
                let ip = Ipv4Params {
                    src: from.ip,
                    dst: to.ip,
                    protocol: PROTO_UDP,
                    id: *ip_id,
                    tos: SIGNALLING_TOS,
                    ttl: 64,
                };
                *ip_id = ip_id.wrapping_add(1);
                let frame = net::udp_frame(from.mac, to.mac, &ip, SIP_PORT, SIP_PORT, &bytes);
                cap.push(t, frame)
            }
        };
        cap.note(id, &comment(note.0, note.1));
        id
    }

    /// A REGISTER at `t` (commented `note`), then 100 Trying unless `trying` is false,
    /// then `answer` (if any), each commented as the convention says.
    fn exchange(
        &mut self,
        cap: &mut Capture,
        t: Micros,
        kind: Kind,
        note: (Event, Option<Expert>),
        trying: bool,
        answer: Option<Answer>,
    ) {
        let req = self.register(t, kind);
        self.send(cap, Dir::ToServer, t, &req, note);
        let jitter = self.rng.range(0, 300);
        if trying {
            let t_trying = t + TRYING_AFTER + jitter;
            let msg = self.cucm.trying(&req, t_trying);
            self.send(cap, Dir::ToClient, t_trying, &msg, (Event::Trying, None));
        }
        if let Some(a) = answer {
            let t_answer = t + ANSWER_AFTER + jitter + self.rng.range(0, 400);
            let msg = self.answer(&req, t_answer, a);
            let note = match a {
                Answer::NewBinding | Answer::Refreshed => (Event::Registered, None),
                Answer::KeepAliveOk => (Event::KeepAliveAck, None),
                Answer::Unregistered => (Event::Unregistered, Some(Expert::Unregistered)),
                Answer::NotFound => (Event::Rejected, Some(Expert::Rejected)),
            };
            self.send(cap, Dir::ToClient, t_answer, &msg, note);
        }
    }

    /// REGISTER (Expires 3600) → 100 Trying → 200 OK (Expires 120).
    fn bind(
        &mut self,
        cap: &mut Capture,
        t: Micros,
        cause: Option<Cause>,
        note: (Event, Option<Expert>),
    ) {
        let answer = if note.0 == Event::Register {
            Answer::NewBinding
        } else {
            Answer::Refreshed
        };
        self.exchange(cap, t, Kind::Bind(cause), note, true, Some(answer));
    }

    /// Keepalive REGISTER to the backup → 200 OK.
    fn keepalive(&mut self, cap: &mut Capture, t: Micros) {
        let note = (Event::KeepAlive, None);
        self.exchange(
            cap,
            t,
            Kind::KeepAlive,
            note,
            false,
            Some(Answer::KeepAliveOk),
        );
    }

    fn conn(&mut self) -> &mut TcpConn {
        match &mut self.wire {
            Wire::Tcp(conn) => conn,
            Wire::Udp(_) => panic!("no connection over UDP"),
        }
    }

    /// The phone closes the connection at `t`: its FIN, and the CUCM's
    /// FIN/ACK in answer (`TcpConn::close` pushes it next), are commented
    /// `closed`.
    fn close(&mut self, cap: &mut Capture, t: Micros) {
        let fin = self.conn().close(cap, Dir::ToServer, t);
        ciscoreg::mark(cap, fin, Event::Closed, None);
        ciscoreg::mark(cap, fin + 1, Event::Closed, None);
    }

    fn finish(mut self, cap: &mut Capture) {
        if let Wire::Tcp(conn) = &mut self.wire {
            conn.flush(cap);
        }
    }
}

/// Capture time `s` seconds plus `u` microseconds after 09:00:00.
fn at(s: u64, u: u64) -> Micros {
    T0 + secs(s) + us(u)
}

/// The REGISTER leaves this long after the SYN (handshake done, SIP stack ready).
const AFTER_SYN: Micros = 1_150;

/// A: healthy for eight minutes, keepalives to the backup, then unregisters and closes.
fn healthy(cap: &mut Capture) {
    let phone = SipPhone::new(0x01, "5001");
    let mut ua = Phone::new(&phone.id, &phone.id.seed_label("ciscoreg ua"));
    let t = at(1, 0);
    let mut primary = Link::connect(cap, &phone, &mut ua, &PRIMARY_NODE, phone.id.sip_port_vc, t);
    let t_reg = t + AFTER_SYN;
    primary.bind(cap, t_reg, Some(INITIALIZED), (Event::Register, None));
    let t = at(3, 0);
    let mut backup = Link::connect(cap, &phone, &mut ua, &BACKUP_NODE, phone.id.sip_port_hc, t);
    let t_ka = t + AFTER_SYN;
    backup.keepalive(cap, t_ka);
    for k in 1..=4 {
        primary.bind(cap, t_reg + k * REFRESH, None, (Event::Refresh, None));
        backup.keepalive(cap, t_ka + k * REFRESH);
    }
    let t = at(481, 0);
    let unregister = (Event::Unregister, None);
    primary.exchange(
        cap,
        t,
        Kind::Unbind,
        unregister,
        false,
        Some(Answer::Unregistered),
    );
    primary.close(cap, at(481, 412_000));
    primary.finish(cap);
    backup.finish(cap);
}

/// B: one refresh 20 s after the granted 120 s ran out, then on time again.
fn missed_refresh(cap: &mut Capture) {
    let phone = SipPhone::new(0x02, "5002");
    let mut ua = Phone::new(&phone.id, &phone.id.seed_label("ciscoreg ua"));
    let t = at(4, 0);
    let mut link = Link::connect(cap, &phone, &mut ua, &PRIMARY_NODE, phone.id.sip_port_vc, t);
    let t0 = t + AFTER_SYN;
    link.bind(cap, t0, Some(INITIALIZED), (Event::Register, None));
    link.bind(cap, t0 + REFRESH, None, (Event::Refresh, None));
    let late = t0 + REFRESH + secs(140);
    link.bind(cap, late, None, (Event::Refresh, Some(Expert::Missed)));
    link.bind(cap, late + REFRESH, None, (Event::Refresh, None));
    link.bind(cap, late + 2 * REFRESH, None, (Event::Refresh, None));
    link.finish(cap);
}

/// C: 404 Not Found, and again a minute later.
fn rejected(cap: &mut Capture) {
    let phone = SipPhone::new(0x03, "5003");
    let mut ua = Phone::new(&phone.id, &phone.id.seed_label("ciscoreg ua"));
    let t = at(6, 0);
    let mut link = Link::connect(cap, &phone, &mut ua, &PRIMARY_NODE, phone.id.sip_port_vc, t);
    let t0 = t + AFTER_SYN;
    for (i, cause) in [INITIALIZED, REGISTRATION_REJECTED].into_iter().enumerate() {
        let note = (Event::Register, None);
        let t = t0 + secs(60) * i as u64;
        link.exchange(
            cap,
            t,
            Kind::Bind(Some(cause)),
            note,
            true,
            Some(Answer::NotFound),
        );
    }
    link.finish(cap);
}

/// D: the primary stops answering; the phone registers with the backup it kept alive.
fn failover(cap: &mut Capture) {
    let phone = SipPhone::new(0x04, "5004");
    let mut ua = Phone::new(&phone.id, &phone.id.seed_label("ciscoreg ua"));
    let t = at(8, 0);
    let mut primary = Link::connect(cap, &phone, &mut ua, &PRIMARY_NODE, phone.id.sip_port_vc, t);
    let t_reg = t + AFTER_SYN;
    primary.bind(cap, t_reg, Some(INITIALIZED), (Event::Register, None));
    let t = at(10, 0);
    let mut backup = Link::connect(cap, &phone, &mut ua, &BACKUP_NODE, phone.id.sip_port_hc, t);
    let t_ka = t + AFTER_SYN;
    backup.keepalive(cap, t_ka);
    primary.bind(cap, t_reg + REFRESH, None, (Event::Refresh, None));
    backup.keepalive(cap, t_ka + REFRESH);
    // No answer at all: the node's TCP stack still acknowledges the segment.
    let t_lost = t_reg + 2 * REFRESH;
    let refresh = (Event::Refresh, None);
    primary.exchange(cap, t_lost, Kind::Bind(None), refresh, false, None);
    backup.keepalive(cap, t_ka + 2 * REFRESH);
    let t_over = t_lost + secs(32);
    backup.bind(cap, t_over, None, (Event::Register, Some(Expert::Failover)));
    for k in 1..=2 {
        backup.bind(cap, t_over + k * REFRESH, None, (Event::Refresh, None));
    }
    primary.finish(cap);
    backup.finish(cap);
}

/// E: registers afresh four times, 45 s apart, each time dropping the connection 40 s
/// after; the third and fourth registrations are a loop.
fn registration_loop(cap: &mut Capture) {
    let phone = SipPhone::new(0x05, "5005");
    let mut ua = Phone::new(&phone.id, &phone.id.seed_label("ciscoreg ua"));
    for k in 0..4u64 {
        let t = at(12 + 45 * k, 0);
        let port = phone.id.sip_port_vc + 3 + 5 * k as u16;
        let mut link = Link::connect(cap, &phone, &mut ua, &PRIMARY_NODE, port, t);
        let expert = (k >= 2).then_some(Expert::Loop);
        link.bind(
            cap,
            t + AFTER_SYN,
            Some(CM_CLOSED_TCP),
            (Event::Register, expert),
        );
        link.close(cap, t + secs(40));
        link.finish(cap);
    }
}

/// F: registered and refreshed once; the CUCM then resets the connection.
fn reset_by_cucm(cap: &mut Capture) {
    let phone = SipPhone::new(0x06, "5006");
    let mut ua = Phone::new(&phone.id, &phone.id.seed_label("ciscoreg ua"));
    let t = at(14, 0);
    let mut link = Link::connect(cap, &phone, &mut ua, &PRIMARY_NODE, phone.id.sip_port_vc, t);
    let t0 = t + AFTER_SYN;
    link.bind(cap, t0, Some(INITIALIZED), (Event::Register, None));
    link.bind(cap, t0 + REFRESH, None, (Event::Refresh, None));
    let rst = link.conn().reset(cap, Dir::ToClient, t0 + secs(170));
    ciscoreg::mark(cap, rst, Event::Reset, Some(Expert::Unregistered));
}

/// G: SIP over UDP 5060, registered and refreshed once.
fn over_udp(cap: &mut Capture) {
    let phone = SipPhone::new(0x07, "5007");
    let mut ua = Phone::new(&phone.id, &phone.id.seed_label("ciscoreg ua"));
    let mut link = Link::udp(&phone, &mut ua, &PRIMARY_NODE);
    let t0 = at(16, 0);
    link.bind(cap, t0, Some(INITIALIZED), (Event::Register, None));
    link.bind(cap, t0 + REFRESH, None, (Event::Refresh, None));
}

/// H: registered before the capture started; its first frame is a refresh.
fn mid_life(cap: &mut Capture) {
    let phone = SipPhone::new(0x08, "5008");
    let mut ua = Phone::new(&phone.id, &phone.id.seed_label("ciscoreg ua"));
    let port = phone.id.sip_port_vc;
    let mut link = Link::established(&phone, &mut ua, &PRIMARY_NODE, port, 1_146);
    let t0 = at(30, 0);
    let refreshed = Some(Answer::Refreshed);
    for k in 0..2 {
        let note = (Event::Refresh, None);
        link.exchange(
            cap,
            t0 + k * REFRESH,
            Kind::Bind(None),
            note,
            false,
            refreshed,
        );
    }
    link.finish(cap);
}

pub fn capture() -> Capture {
    let mut cap = Capture::new();
    let phone_a = SipPhone::new(0x01, "5001").id.host;
    ciscoreg::noise(
        &mut cap,
        &Noise {
            asker: phone_a,
            target: PRIMARY,
            t_arp: at(0, 981_000),
            pc: Host {
                mac: [0x3c, 0x52, 0x82, 0x1a, 0x01, 0x3c],
                ip: [10, 20, 1, 60],
            },
            lookups: &[
                (at(37, 204_000), "portal.reg.example", [10, 20, 0, 90]),
                (at(301, 733_000), "mail.reg.example", [10, 20, 0, 91]),
            ],
            seed: "ciscoreg-sip noise",
        },
    );
    healthy(&mut cap);
    missed_refresh(&mut cap);
    rejected(&mut cap);
    failover(&mut cap);
    registration_loop(&mut cap);
    reset_by_cucm(&mut cap);
    over_udp(&mut cap);
    mid_life(&mut cap);
    cap
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments() -> Vec<String> {
        capture()
            .frames()
            .iter()
            .filter_map(|f| f.comment.clone())
            .collect()
    }

    #[test]
    fn every_comment_follows_the_convention() {
        let events = [
            "register",
            "refresh",
            "keepalive",
            "trying",
            "registered",
            "keepalive-ack",
            "rejected",
            "unregister",
            "unregistered",
            "closed",
            "reset",
        ];
        let experts = ["missed", "rejected", "failover", "loop", "unregistered"];
        let all = comments();
        assert!(!all.is_empty());
        for c in &all {
            let rest = c.strip_prefix("ciscoreg: ").expect(c);
            let (event, expert) = match rest.split_once("; expert=") {
                Some((e, k)) => (e, Some(k)),
                None => (rest, None),
            };
            assert!(events.contains(&event), "{c}");
            assert!(expert.map_or(true, |k| experts.contains(&k)), "{c}");
        }
    }

    #[test]
    fn the_cases_each_show_up() {
        let all = comments();
        let count = |s: &str| all.iter().filter(|c| c.as_str() == s).count();
        assert_eq!(count("ciscoreg: refresh; expert=missed"), 1);
        assert_eq!(count("ciscoreg: rejected; expert=rejected"), 2);
        assert_eq!(count("ciscoreg: register; expert=failover"), 1);
        assert_eq!(count("ciscoreg: register; expert=loop"), 2);
        assert_eq!(count("ciscoreg: reset; expert=unregistered"), 1);
        assert_eq!(count("ciscoreg: unregister"), 1);
        assert_eq!(count("ciscoreg: unregistered; expert=unregistered"), 1);
        assert_eq!(count("ciscoreg: closed"), 10);
    }

    #[test]
    fn frames_are_in_time_order_from_nine_o_clock() {
        let cap = capture();
        let frames = cap.frames();
        assert!(frames.windows(2).all(|w| w[0].t <= w[1].t));
        assert!(frames[0].t >= T0 && frames[0].t < T0 + secs(1));
    }
}
