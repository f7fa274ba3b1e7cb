//! The lab context every capture is built in: the site (phone and clusters), the capture,
//! the phone, the two CUCM nodes, the phone's signalling connections (SIP, or Skinny for
//! an SCCP phone), and helpers for one-shot HTTP and UDP traffic.
//!
//! The phases themselves live in `registration.rs` (`registration_sccp.rs` for an SCCP
//! phone), `emapp_flow.rs`, `downloads.rs` and `tvs.rs`; `scenario.rs` strings them
//! together.

use crate::capture::{Capture, FrameId};
use crate::clock::Micros;
use crate::cucm::Cucm;
use crate::message::TextMessage;
use crate::net::{self, Ipv4Params, ETHERTYPE_IPV4, PROTO_UDP};
use crate::phone::{Phone, RegisterKind, Registration, SipPath};
use crate::prng::Prng;
use crate::skinny_pdu::SKINNY_PORT;
use crate::tcp::{ConnSpec, Dir, Endpoint, Sent, Stack, TcpConn};
use crate::topology::{
    Cluster, PhoneId, Signalling, Site, ARTICLE_SITE, DELAYED_ACK, QUICK_ACK, SIP_PORT,
};

/// A CUCM node of the lab.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Node {
    Visiting,
    Home,
}

impl Node {
    /// The other cluster of the login.
    pub fn other(self) -> Node {
        match self {
            Node::Visiting => Node::Home,
            Node::Home => Node::Visiting,
        }
    }

    fn index(self) -> usize {
        match self {
            Node::Visiting => 0,
            Node::Home => 1,
        }
    }
}

impl Site {
    pub fn cluster(&self, node: Node) -> &Cluster {
        match node {
            Node::Visiting => &self.visiting,
            Node::Home => &self.home,
        }
    }
}

/// The phone's SIP connection to one node.
struct SipLink {
    conn: TcpConn,
    port: u16,
}

pub struct Lab<'s> {
    pub cap: Capture,
    pub phone: Phone<'s>,
    site: &'s Site,
    /// Capture time at which this lab's clock starts: the phases' times are relative to it.
    origin: Micros,
    cucm: [Cucm<'s>; 2],
    sip: [Option<SipLink>; 2],
    /// An SCCP phone's Skinny connection to each node.
    skinny: [Option<TcpConn>; 2],
    registration: [Option<Registration>; 2],
    rng: Prng,
    next_port: u16,
}

/// One HTTP request and its response on a fresh TCP connection that the server closes.
pub struct Exchange<'a> {
    pub client: Endpoint,
    pub client_stack: Stack,
    pub server: Endpoint,
    pub server_stack: Stack,
    pub t_request: Micros,
    pub request: &'a TextMessage,
    /// When the response's last segment leaves (where Wireshark shows it).
    pub t_response: Micros,
    pub response: &'a TextMessage,
}

pub struct ExchangeFrames {
    pub request: Sent,
    pub response: Sent,
}

impl Lab<'static> {
    /// The article's lab, its clock starting with the capture.
    pub fn new(label: &str) -> Lab<'static> {
        Lab::at(&ARTICLE_SITE, label, 0)
    }
}

impl<'s> Lab<'s> {
    /// A lab for any site whose clock starts at capture time `origin`; `label` seeds it.
    pub fn at(site: &'s Site, label: &str, origin: Micros) -> Lab<'s> {
        let mut rng = Prng::from_label(label);
        let next_port = rng.range(50_900, 51_200) as u16;
        let cucm =
            |c: &'s Cluster| Cucm::new(c, &site.phone.seed_label(&format!("cucm {}", c.label)));
        Lab {
            cap: Capture::new(),
            phone: Phone::new(&site.phone, &format!("{label} phone")),
            site,
            origin,
            cucm: [cucm(&site.visiting), cucm(&site.home)],
            sip: [None, None],
            skinny: [None, None],
            registration: [None, None],
            rng,
            next_port,
        }
    }

    pub fn phone_id(&self) -> &'s PhoneId {
        &self.site.phone
    }

    pub fn cluster(&self, node: Node) -> &'s Cluster {
        self.site.cluster(node)
    }

    /// What the phone's firmware signals with.
    pub fn signalling(&self) -> Signalling {
        self.phone_id().model.signalling
    }

    /// Capture time at which this lab's clock starts (0 for the article's lab).
    pub fn origin(&self) -> Micros {
        self.origin
    }

    /// Capture time of `t` on this lab's clock (the article's tables give times from the
    /// start of its capture; another phone's run of the same phases starts elsewhere).
    pub fn at_time(&self, t: Micros) -> Micros {
        self.origin + t
    }

    pub fn note(&mut self, id: FrameId, text: &str) {
        self.cap.note(id, text);
    }

    pub fn cucm(&mut self, node: Node) -> &mut Cucm<'s> {
        &mut self.cucm[node.index()]
    }

    /// A fresh ephemeral port for the phone (Linux hands them out in a loose sequence).
    pub fn ephemeral_port(&mut self) -> u16 {
        self.next_port += self.rng.range(1, 40) as u16;
        self.next_port
    }

    pub fn rng(&mut self) -> &mut Prng {
        &mut self.rng
    }

    // ---- SIP connections -------------------------------------------------------------

    /// The phone's connection from `port` to the node's `server_port` (SIP or Skinny).
    fn signalling_spec(&self, node: Node, port: u16, server_port: u16) -> ConnSpec {
        let c = self.cluster(node);
        let phone = self.phone_id();
        ConnSpec {
            client: phone.endpoint(port),
            client_stack: phone.stack(),
            server: c.endpoint(server_port),
            server_stack: c.stack(DELAYED_ACK),
            tos: 0x60, // CS3: both the phone and CUCM mark call signalling
        }
    }

    fn sip_spec(&self, node: Node, port: u16) -> ConnSpec {
        self.signalling_spec(node, port, SIP_PORT)
    }

    /// The phone connects to the node's SIP port from `port`, SYN at `t`.
    pub fn open_sip(&mut self, node: Node, port: u16, t: Micros) {
        let label = self
            .phone_id()
            .seed_label(&format!("sip {port} {:?}", node));
        let spec = self.sip_spec(node, port);
        let conn = TcpConn::connect(&mut self.cap, &spec, t, &label);
        self.sip[node.index()] = Some(SipLink { conn, port });
    }

    /// A SIP connection that was up before the capture started.
    pub fn adopt_sip(&mut self, node: Node, port: u16) {
        let label = (self.phone_id()).seed_label(&format!("sip {port} {:?} adopted", node));
        let conn = TcpConn::established(&self.sip_spec(node, port), &label);
        self.sip[node.index()] = Some(SipLink { conn, port });
    }

    pub fn close_sip(&mut self, node: Node, initiator: Dir, t: Micros) -> FrameId {
        let mut link = self.sip[node.index()].take().expect("no SIP connection");
        link.conn.close(&mut self.cap, initiator, t)
    }

    pub fn sip_path(&self, node: Node) -> SipPath<'s> {
        let link = self.sip[node.index()].as_ref().expect("no SIP connection");
        SipPath {
            phone: self.phone_id(),
            cluster: self.cluster(node),
            local_port: link.port,
        }
    }

    /// Sends a SIP message whose last segment leaves at `t_last`; `continuation` forces
    /// the last segment to hold exactly that many bytes (if the first still fits a segment).
    pub fn sip_send(
        &mut self,
        node: Node,
        dir: Dir,
        t_last: Micros,
        msg: &TextMessage,
        continuation: Option<usize>,
    ) -> Sent {
        let link = self.sip[node.index()].as_mut().expect("no SIP connection");
        let bytes = msg.encode();
        match continuation {
            Some(tail) => {
                let cut = (bytes.len() - tail).min(crate::tcp::SEGMENT_PAYLOAD);
                link.conn.send_cut(&mut self.cap, dir, t_last, &bytes, cut)
            }
            None => link.conn.send_ending(&mut self.cap, dir, t_last, &bytes),
        }
    }

    /// A REGISTER from the phone in its registration dialog with `node` (kept across
    /// refreshes and the unregister, started afresh after [`drop_registration`](Self::drop_registration)).
    pub fn phone_register(&mut self, node: Node, t: Micros, kind: &RegisterKind) -> TextMessage {
        let path = self.sip_path(node);
        let phone = &mut self.phone;
        let reg = self.registration[node.index()].get_or_insert_with(|| phone.new_registration());
        phone.register(reg, path, t, kind)
    }

    /// The phone registered with `node` before the capture started; its last REGISTER
    /// had CSeq `cseq`.
    pub fn assume_registered(&mut self, node: Node, cseq: u32) {
        let reg = self.phone.new_registration().with_cseq(cseq);
        self.registration[node.index()] = Some(reg);
    }

    /// The Call-ID of the phone's registration with `node` (a restart NOTIFY names it).
    pub fn register_call_id(&self, node: Node) -> String {
        let reg = self.registration[node.index()]
            .as_ref()
            .expect("not registered");
        reg.call_id().to_string()
    }

    /// Forgets the registration dialog (after an unregister the next one starts afresh).
    pub fn drop_registration(&mut self, node: Node) {
        self.registration[node.index()] = None;
    }

    // ---- Skinny connections (SCCP phones) --------------------------------------------

    /// The phone connects to the node's Skinny port from `port`, SYN at `t`.
    pub fn open_skinny(&mut self, node: Node, port: u16, t: Micros) {
        let label = self
            .phone_id()
            .seed_label(&format!("skinny {port} {:?}", node));
        let spec = self.signalling_spec(node, port, SKINNY_PORT);
        let conn = TcpConn::connect(&mut self.cap, &spec, t, &label);
        self.skinny[node.index()] = Some(conn);
    }

    /// A Skinny connection that was up before the capture started.
    pub fn adopt_skinny(&mut self, node: Node, port: u16) {
        let label = self
            .phone_id()
            .seed_label(&format!("skinny {port} {:?} adopted", node));
        let spec = self.signalling_spec(node, port, SKINNY_PORT);
        self.skinny[node.index()] = Some(TcpConn::established(&spec, &label));
    }

    /// Sends Skinny PDUs (one or more, in one TCP send) leaving at `t`.
    pub fn skinny_send(&mut self, node: Node, dir: Dir, t: Micros, pdus: &[u8]) -> Sent {
        let conn = self.skinny[node.index()]
            .as_mut()
            .expect("no Skinny connection");
        conn.send(&mut self.cap, dir, t, pdus)
    }

    pub fn close_skinny(&mut self, node: Node, initiator: Dir, t: Micros) -> FrameId {
        let mut conn = self.skinny[node.index()]
            .take()
            .expect("no Skinny connection");
        conn.close(&mut self.cap, initiator, t)
    }

    // ---- one-shot traffic -----------------------------------------------------------

    pub fn exchange(&mut self, x: &Exchange) -> ExchangeFrames {
        let spec = ConnSpec {
            client: x.client,
            client_stack: x.client_stack,
            server: x.server,
            server_stack: x.server_stack,
            tos: 0,
        };
        let label = self.phone_id().seed_label(&format!(
            "http {}:{} {}",
            net::fmt_ip(x.client.host.ip),
            x.client.port,
            x.t_request
        ));
        let t_syn = x.t_request - self.rng.range(700, 1_100);
        let mut conn = TcpConn::connect(&mut self.cap, &spec, t_syn, &label);
        let request = conn.send(
            &mut self.cap,
            Dir::ToServer,
            x.t_request,
            &x.request.encode(),
        );
        let response = conn.send_ending(
            &mut self.cap,
            Dir::ToClient,
            x.t_response,
            &x.response.encode(),
        );
        let t_fin = x.t_response + self.rng.range(60, 200);
        conn.close(&mut self.cap, Dir::ToClient, t_fin);
        ExchangeFrames { request, response }
    }

    /// The phone asks a node's web server (`port`) something on a fresh connection.
    pub fn phone_exchange(
        &mut self,
        node: Node,
        port: u16,
        t_request: Micros,
        request: &TextMessage,
        t_response: Micros,
        response: &TextMessage,
    ) -> ExchangeFrames {
        let c = self.cluster(node);
        let phone = self.phone_id();
        let client = phone.endpoint(self.ephemeral_port());
        self.exchange(&Exchange {
            client,
            client_stack: phone.stack(),
            server: c.endpoint(port),
            server_stack: c.stack(QUICK_ACK),
            t_request,
            request,
            t_response,
            response,
        })
    }

    pub fn udp(&mut self, from: Endpoint, to: Endpoint, t: Micros, payload: &[u8]) -> FrameId {
        let datagram = net::udp(from.host.ip, to.host.ip, from.port, to.port, payload);
        let ip = Ipv4Params {
            src: from.host.ip,
            dst: to.host.ip,
            protocol: PROTO_UDP,
            id: self.rng.next_u32() as u16,
            tos: 0,
            ttl: 64,
        };
        let packet = net::ipv4(&ip, &datagram);
        let frame = net::ethernet(to.host.mac, from.host.mac, ETHERTYPE_IPV4, &packet);
        let id = self.cap.push(t, frame);
        self.cap.mark_message(id);
        id
    }

    /// The phone resolves the MAC of a node (or of its router, for a node on another
    /// subnet) before its first packet to it.
    pub fn arp(&mut self, node: Node, t: Micros) {
        let phone = self.phone_id();
        let hop = phone.next_hop(&self.cluster(node).host);
        let ask = self.cap.push(t, net::arp_request(&phone.host, hop.ip));
        self.note(ask, &format!("phone resolves {}", net::fmt_ip(hop.ip)));
        let t_reply = t + self.rng.range(150, 400);
        self.cap.push(t_reply, net::arp_reply(&hop, &phone.host));
    }

    /// Flushes ACKs still owed on open connections and hands the capture over.
    pub fn finish(mut self) -> Capture {
        for link in self.sip.iter_mut().flatten() {
            link.conn.flush(&mut self.cap);
        }
        for conn in self.skinny.iter_mut().flatten() {
            conn.flush(&mut self.cap);
        }
        self.cap
    }
}
