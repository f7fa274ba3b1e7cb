//! TCP connection builder: three-way handshake, sequence and acknowledgement bookkeeping,
//! MSS segmentation, quick and delayed ACKs, orderly FIN close and RST.
//!
//! The goal is a stream tshark reassembles without complaint: no gaps, no overlaps, ACKs
//! that never run ahead of the data, windows and timestamps that move like a Linux
//! stack's (the phone and CUCM both run Linux; the article's TVS frames show their
//! options: MSS 1460, SACK permitted, timestamps, window scale 16 and 128).

use crate::capture::{Capture, FrameId};
use crate::clock::Micros;
use crate::net::{self, flags, Host, Ipv4Params, TcpHeader, ETHERTYPE_IPV4, PROTO_TCP};
use crate::prng::Prng;

pub const MSS: u16 = 1460;
/// Payload of a full segment: the MSS minus the 12-byte timestamp option every segment carries.
pub const SEGMENT_PAYLOAD: usize = MSS as usize - 12;
/// Back-to-back segments leave a host about this far apart on a gigabit link.
const SEGMENT_GAP: Micros = 13;

#[derive(Clone, Copy)]
pub struct Endpoint {
    pub host: Host,
    pub port: u16,
}

/// How one host's TCP stack behaves on one connection.
#[derive(Clone, Copy)]
pub struct Stack {
    /// Receive window sent in the SYN (unscaled); the scaled window starts there too.
    pub window: u32,
    pub window_scale: u8,
    /// Growth of the advertised window whenever new data is acknowledged (Linux receive
    /// buffer autotuning, roughly: the article's phone grows by 2224 bytes per ACK).
    pub window_step: u32,
    pub window_max: u32,
    /// Timestamp clock: the article's phone ticks at 100 Hz, CUCM at 1000 Hz.
    pub ts_hz: u32,
    /// TSval at capture time zero.
    pub ts_origin: u32,
    /// Wait before a lone ACK when no data goes back: quick (a few hundred microseconds,
    /// Linux quick-ack mode) or delayed (40 ms, what CUCM's SIP stack shows).
    pub ack_delay: Micros,
    pub ttl: u8,
}

pub struct ConnSpec {
    pub client: Endpoint,
    pub client_stack: Stack,
    pub server: Endpoint,
    pub server_stack: Stack,
    /// IPv4 TOS byte on both directions (SIP signalling is CS3, 0x60).
    pub tos: u8,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dir {
    ToServer,
    ToClient,
}

impl Dir {
    pub fn reverse(self) -> Dir {
        match self {
            Dir::ToServer => Dir::ToClient,
            Dir::ToClient => Dir::ToServer,
        }
    }
}

/// The frames that carried one message: Wireshark shows the message on the last one.
#[derive(Clone, Copy, Debug)]
pub struct Sent {
    pub first: FrameId,
    pub last: FrameId,
}

struct Side {
    ep: Endpoint,
    stack: Stack,
    snd_nxt: u32,
    rcv_nxt: u32,
    last_ack_sent: u32,
    window: u32,
    ts_recent: u32,
    ip_id: u16,
    /// When this side owes the peer a lone ACK, unless it sends something first.
    ack_due: Option<Micros>,
    /// Data arrived since the last window advertisement (drives window growth).
    data_since_ack: bool,
    /// Full-size segments received since the last ACK: Linux ACKs every second one.
    full_segments: u32,
}

impl Side {
    fn new(ep: Endpoint, stack: Stack, rng: &mut Prng) -> Side {
        Side {
            ep,
            stack,
            snd_nxt: rng.next_u32(),
            rcv_nxt: 0,
            last_ack_sent: 0,
            window: stack.window,
            ts_recent: 0,
            ip_id: rng.next_u32() as u16,
            ack_due: None,
            data_since_ack: false,
            full_segments: 0,
        }
    }

    fn tsval(&self, t: Micros) -> u32 {
        let ticks = t * u64::from(self.stack.ts_hz) / 1_000_000;
        self.stack.ts_origin.wrapping_add(ticks as u32)
    }

    fn owes_ack(&self) -> bool {
        self.rcv_nxt != self.last_ack_sent
    }
}

pub struct TcpConn {
    client: Side,
    server: Side,
    tos: u8,
    rng: Prng,
    open: bool,
}

fn syn_options(tsval: u32, tsecr: u32, window_scale: u8) -> Vec<u8> {
    // Linux order, as in the article's SYN: MSS, SACK permitted, timestamps, NOP, WS.
    let mut o = vec![2, 4];
    o.extend_from_slice(&MSS.to_be_bytes());
    o.extend_from_slice(&[4, 2, 8, 10]);
    o.extend_from_slice(&tsval.to_be_bytes());
    o.extend_from_slice(&tsecr.to_be_bytes());
    o.extend_from_slice(&[1, 3, 3, window_scale]);
    o
}

fn timestamp_options(tsval: u32, tsecr: u32) -> Vec<u8> {
    let mut o = vec![1, 1, 8, 10];
    o.extend_from_slice(&tsval.to_be_bytes());
    o.extend_from_slice(&tsecr.to_be_bytes());
    o
}

/// Splits a message into segment payloads; `cut` forces the first segment to end there.
fn chunks(data: &[u8], cut: Option<usize>) -> Vec<&[u8]> {
    let (head, tail) = match cut {
        Some(at) => {
            assert!(at > 0 && at < data.len(), "cut outside the message");
            data.split_at(at)
        }
        None => (data, &data[data.len()..]),
    };
    head.chunks(SEGMENT_PAYLOAD)
        .chain(tail.chunks(SEGMENT_PAYLOAD))
        .collect()
}

impl TcpConn {
    fn new(spec: &ConnSpec, label: &str) -> TcpConn {
        let mut rng = Prng::from_label(label);
        TcpConn {
            client: Side::new(spec.client, spec.client_stack, &mut rng),
            server: Side::new(spec.server, spec.server_stack, &mut rng),
            tos: spec.tos,
            rng,
            open: true,
        }
    }

    /// Opens a connection with a three-way handshake whose SYN leaves at `t`.
    pub fn connect(cap: &mut Capture, spec: &ConnSpec, t: Micros, label: &str) -> TcpConn {
        let mut c = TcpConn::new(spec, label);
        c.emit(cap, Dir::ToServer, t, flags::SYN, &[]);
        let t_synack = t + c.rng.range(60, 110);
        c.emit(cap, Dir::ToClient, t_synack, flags::SYN | flags::ACK, &[]);
        let t_ack = t_synack + c.rng.range(150, 320);
        c.emit(cap, Dir::ToServer, t_ack, flags::ACK, &[]);
        c
    }

    /// A connection opened before the capture started: no handshake frames.
    pub fn established(spec: &ConnSpec, label: &str) -> TcpConn {
        let mut c = TcpConn::new(spec, label);
        for side in [&mut c.client, &mut c.server] {
            side.window =
                (side.stack.window + 4 * side.stack.window_step).min(side.stack.window_max);
        }
        c.client.rcv_nxt = c.server.snd_nxt;
        c.client.last_ack_sent = c.server.snd_nxt;
        c.server.rcv_nxt = c.client.snd_nxt;
        c.server.last_ack_sent = c.client.snd_nxt;
        c.client.ts_recent = c.server.tsval(0);
        c.server.ts_recent = c.client.tsval(0);
        c
    }

    fn pair(&mut self, from: Dir) -> (&mut Side, &mut Side) {
        match from {
            Dir::ToServer => (&mut self.client, &mut self.server),
            Dir::ToClient => (&mut self.server, &mut self.client),
        }
    }

    fn emit(&mut self, cap: &mut Capture, from: Dir, t: Micros, fl: u8, payload: &[u8]) -> FrameId {
        let tos = self.tos;
        let (me, peer) = self.pair(from);
        let syn = fl & flags::SYN != 0;
        let acking = fl & flags::ACK != 0;
        let tsval = me.tsval(t);
        let options = if syn {
            syn_options(tsval, me.ts_recent, me.stack.window_scale)
        } else {
            timestamp_options(tsval, me.ts_recent)
        };
        if acking && !syn && me.data_since_ack {
            me.window = (me.window + me.stack.window_step).min(me.stack.window_max);
            me.data_since_ack = false;
        }
        let window = if fl & flags::RST != 0 {
            0
        } else if syn {
            me.window.min(0xffff)
        } else {
            me.window >> me.stack.window_scale
        };
        let ack = if acking { me.rcv_nxt } else { 0 };
        if acking {
            me.last_ack_sent = me.rcv_nxt;
            me.ack_due = None;
            me.full_segments = 0;
        }
        let header = TcpHeader {
            src_port: me.ep.port,
            dst_port: peer.ep.port,
            seq: me.snd_nxt,
            ack,
            flags: fl,
            window: window as u16,
            options: &options,
        };
        let segment = net::tcp(me.ep.host.ip, peer.ep.host.ip, &header, payload);
        let ip = Ipv4Params {
            src: me.ep.host.ip,
            dst: peer.ep.host.ip,
            protocol: PROTO_TCP,
            id: me.ip_id,
            tos,
            ttl: me.stack.ttl,
        };
        let packet = net::ipv4(&ip, &segment);
        me.ip_id = me.ip_id.wrapping_add(1);
        let advance = payload.len() as u32 + u32::from(syn) + u32::from(fl & flags::FIN != 0);
        me.snd_nxt = me.snd_nxt.wrapping_add(advance);
        // The peer receives every segment, in order.
        peer.rcv_nxt = me.snd_nxt;
        peer.ts_recent = tsval;
        if !payload.is_empty() {
            peer.data_since_ack = true;
        }
        let frame = net::ethernet(peer.ep.host.mac, me.ep.host.mac, ETHERTYPE_IPV4, &packet);
        cap.push(t, frame)
    }

    /// Emits the lone ACKs that fell due before `t` (data sent at `t` would carry them).
    fn settle(&mut self, cap: &mut Capture, t: Micros) {
        loop {
            let c = self.client.ack_due.filter(|&d| d < t);
            let s = self.server.ack_due.filter(|&d| d < t);
            let (dir, at) = match (c, s) {
                (None, None) => break,
                (Some(a), None) => (Dir::ToServer, a),
                (None, Some(b)) => (Dir::ToClient, b),
                (Some(a), Some(b)) if a <= b => (Dir::ToServer, a),
                (Some(_), Some(b)) => (Dir::ToClient, b),
            };
            self.emit(cap, dir, at, flags::ACK, &[]);
        }
    }

    fn transmit(
        &mut self,
        cap: &mut Capture,
        dir: Dir,
        t_first: Micros,
        data: &[u8],
        cut: Option<usize>,
    ) -> Sent {
        assert!(self.open, "send on a closed connection");
        assert!(!data.is_empty(), "empty message");
        self.settle(cap, t_first);
        let pieces = chunks(data, cut);
        let count = pieces.len();
        let mut first = None;
        let mut last = 0;
        let mut t = t_first;
        for (i, piece) in pieces.into_iter().enumerate() {
            let push = if i + 1 == count { flags::PSH } else { 0 };
            let id = self.emit(cap, dir, t, flags::ACK | push, piece);
            cap.mark_part(id);
            first.get_or_insert(id);
            last = id;
            let quick = self.rng.range(40, 160);
            let (_, receiver) = self.pair(dir);
            if piece.len() == SEGMENT_PAYLOAD {
                receiver.full_segments += 1;
            }
            if receiver.full_segments >= 2 {
                self.emit(cap, dir.reverse(), t + quick, flags::ACK, &[]);
            }
            t += SEGMENT_GAP;
        }
        cap.mark_message(last);
        let t_last = t - SEGMENT_GAP;
        let jitter = self.rng.range(0, 120);
        let (_, receiver) = self.pair(dir);
        if receiver.owes_ack() {
            let due = t_last + receiver.stack.ack_delay + jitter;
            receiver.ack_due = Some(receiver.ack_due.map_or(due, |d| d.min(due)));
        }
        Sent {
            first: first.expect("at least one segment"),
            last,
        }
    }

    fn span(data: &[u8], cut: Option<usize>) -> Micros {
        (chunks(data, cut).len() as Micros - 1) * SEGMENT_GAP
    }

    /// Sends a message whose first segment leaves at `t`.
    pub fn send(&mut self, cap: &mut Capture, dir: Dir, t: Micros, data: &[u8]) -> Sent {
        self.transmit(cap, dir, t, data, None)
    }

    /// Sends a message whose last segment (where Wireshark shows it) leaves at `t_last`.
    pub fn send_ending(
        &mut self,
        cap: &mut Capture,
        dir: Dir,
        t_last: Micros,
        data: &[u8],
    ) -> Sent {
        let t_first = t_last - TcpConn::span(data, None);
        self.transmit(cap, dir, t_first, data, None)
    }

    /// Like [`send_ending`](Self::send_ending), forcing the first segment to end at byte `cut`.
    pub fn send_cut(
        &mut self,
        cap: &mut Capture,
        dir: Dir,
        t_last: Micros,
        data: &[u8],
        cut: usize,
    ) -> Sent {
        let t_first = t_last - TcpConn::span(data, Some(cut));
        self.transmit(cap, dir, t_first, data, Some(cut))
    }

    /// Orderly close: FIN from `initiator` at `t`, the peer's FIN/ACK, the final ACK.
    pub fn close(&mut self, cap: &mut Capture, initiator: Dir, t: Micros) -> FrameId {
        assert!(self.open, "close on a closed connection");
        self.settle(cap, t);
        let fin = self.emit(cap, initiator, t, flags::FIN | flags::ACK, &[]);
        let t_peer = t + self.rng.range(60, 250);
        self.emit(
            cap,
            initiator.reverse(),
            t_peer,
            flags::FIN | flags::ACK,
            &[],
        );
        let t_last = t_peer + self.rng.range(60, 250);
        self.emit(cap, initiator, t_last, flags::ACK, &[]);
        self.open = false;
        fin
    }

    /// Abortive close: RST from `from` at `t`; nothing follows on this connection.
    pub fn reset(&mut self, cap: &mut Capture, from: Dir, t: Micros) -> FrameId {
        assert!(self.open, "reset on a closed connection");
        self.settle(cap, t);
        let rst = self.emit(cap, from, t, flags::RST | flags::ACK, &[]);
        self.client.ack_due = None;
        self.server.ack_due = None;
        self.open = false;
        rst
    }

    /// Emits every ACK still owed (call before the capture ends).
    pub fn flush(&mut self, cap: &mut Capture) {
        self.settle(cap, Micros::MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Seg {
        seq: u32,
        ack: u32,
        flags: u8,
        len: usize,
        from_client: bool,
    }

    fn stack(ack_delay: Micros) -> Stack {
        Stack {
            window: 29_200,
            window_scale: 4,
            window_step: 2_224,
            window_max: 200_000,
            ts_hz: 100,
            ts_origin: 1_000,
            ack_delay,
            ttl: 64,
        }
    }

    fn spec() -> ConnSpec {
        let host = |last: u8| Host {
            mac: [2, 0, 0, 0, 0, last],
            ip: [10, 0, 0, last],
        };
        ConnSpec {
            client: Endpoint {
                host: host(1),
                port: 40_000,
            },
            client_stack: stack(200),
            server: Endpoint {
                host: host(2),
                port: 80,
            },
            server_stack: stack(40_000),
            tos: 0,
        }
    }

    /// Reads the frames back in time order, as a sniffer would list them.
    fn parse(cap: &Capture) -> Vec<Seg> {
        let bytes = cap.to_pcapng();
        let mut at = 0;
        let mut out = Vec::new();
        while at < bytes.len() {
            let kind = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
            let total = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
            if kind == 6 {
                let f = &bytes[at + 28..];
                let ip = &f[14..];
                let tcp = &ip[20..];
                let hl = usize::from(tcp[12] >> 4) * 4;
                let total_ip = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
                out.push(Seg {
                    seq: u32::from_be_bytes(tcp[4..8].try_into().unwrap()),
                    ack: u32::from_be_bytes(tcp[8..12].try_into().unwrap()),
                    flags: tcp[13],
                    len: total_ip - 20 - hl,
                    from_client: ip[15] == 1,
                });
            }
            at += total;
        }
        out
    }

    /// Every segment must start where its direction left off and never ACK unsent data.
    fn check_stream(segs: &[Seg]) {
        let mut next = [None::<u32>; 2];
        for s in segs {
            let me = usize::from(!s.from_client);
            if let Some(n) = next[me] {
                assert_eq!(s.seq, n, "gap or overlap");
            }
            let adv = s.len as u32 + u32::from(s.flags & (flags::SYN | flags::FIN) != 0);
            next[me] = Some(s.seq.wrapping_add(adv));
            if s.flags & flags::ACK != 0 {
                let peer_next = next[1 - me].expect("ACK before the peer's SYN");
                assert!(peer_next.wrapping_sub(s.ack) as i32 >= 0, "ACK beyond data");
            }
        }
    }

    #[test]
    fn request_response_close() {
        let mut cap = Capture::new();
        let mut c = TcpConn::connect(&mut cap, &spec(), 0, "t1");
        c.send(&mut cap, Dir::ToServer, 1_000, b"GET / HTTP/1.1\r\n\r\n");
        c.send(&mut cap, Dir::ToClient, 5_000, &vec![b'x'; 3_000]);
        c.close(&mut cap, Dir::ToClient, 6_000);
        let segs = parse(&cap);
        check_stream(&segs);
        let lens: Vec<usize> = segs.iter().filter(|s| s.len > 0).map(|s| s.len).collect();
        assert_eq!(lens, vec![18, 1448, 1448, 104]);
        // The server's delayed ACK is never sent: its response carries the ACK.
        assert!(segs[3].from_client && segs[4].ack == segs[3].seq + 18);
        // The client ACKs after the second full segment.
        assert!(segs
            .iter()
            .any(|s| s.from_client && s.len == 0 && s.flags == flags::ACK));
    }

    #[test]
    fn cut_forces_a_short_continuation() {
        let mut cap = Capture::new();
        let mut c = TcpConn::connect(&mut cap, &spec(), 0, "t2");
        let msg = vec![b'y'; 1_503];
        let sent = c.send_cut(&mut cap, Dir::ToServer, 10_000, &msg, 1_448);
        assert_eq!(sent.last, sent.first + 1);
        c.flush(&mut cap);
        let segs = parse(&cap);
        check_stream(&segs);
        let lens: Vec<usize> = segs.iter().filter(|s| s.len > 0).map(|s| s.len).collect();
        assert_eq!(lens, vec![1448, 55]);
        assert_eq!(segs.last().unwrap().ack, segs[3].seq + 1_503);
    }

    #[test]
    fn reset_ends_the_stream() {
        let mut cap = Capture::new();
        let mut c = TcpConn::connect(&mut cap, &spec(), 0, "t3");
        c.send(&mut cap, Dir::ToServer, 1_000, b"hello");
        c.reset(&mut cap, Dir::ToClient, 1_100);
        assert!(!c.open);
        let segs = parse(&cap);
        check_stream(&segs);
        assert_eq!(segs.last().unwrap().flags, flags::RST | flags::ACK);
    }
}
