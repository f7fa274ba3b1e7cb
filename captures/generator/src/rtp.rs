//! RTP voice media (RFC 3550) as a phone and a voice gateway send it with G.711 µ-law
//! (payload type 0, RFC 3551): one packet every 20 ms, each holding 160 samples. With
//! Ethernet, IPv4, UDP and RTP headers a packet is a 214-byte frame.
//!
//! A stream is generated as it is read, so a large capture never holds its media in
//! memory: each stream is one direction of one call.

use crate::capture::Frame;
use crate::clock::Micros;
use crate::net::{self, Ipv4, Ipv4Params, Mac, PROTO_UDP};
use crate::prng::Prng;

pub const PAYLOAD_TYPE_PCMU: u8 = 0;
/// Packetization interval of Cisco phones' G.711 (the SDP's `a=ptime:20`).
pub const PACKET_INTERVAL: Micros = 20_000;
/// 20 ms of 8 kHz samples, one byte each.
pub const SAMPLES_PER_PACKET: usize = 160;
/// Ethernet, IPv4, UDP and RTP headers, then the samples.
#[cfg(test)]
pub const FRAME_LEN: usize = 14 + 20 + 8 + 12 + SAMPLES_PER_PACKET;
/// DSCP EF, how Cisco phones and gateways mark voice.
const TOS_EF: u8 = 0xb8;
/// How late a packet may leave after its 20 ms tick (scheduling noise on the sender).
const MAX_JITTER: Micros = 400;

/// One end of a media stream as seen on the capture's LAN: the MAC the frame carries
/// there (the router's for a host on another subnet), the address and the RTP port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaEnd {
    pub mac: Mac,
    pub ip: Ipv4,
    pub port: u16,
}

/// One direction of a call's media, from `start` (first packet) until before `end`.
pub struct RtpStream {
    from: MediaEnd,
    to: MediaEnd,
    tick: Micros,
    end: Micros,
    seq: u16,
    timestamp: u32,
    ssrc: u32,
    ip_id: u16,
    first: bool,
    rng: Prng,
}

impl RtpStream {
    /// `label` seeds the stream's SSRC, sequence and timestamp origins, jitter and samples.
    pub fn new(from: MediaEnd, to: MediaEnd, start: Micros, end: Micros, label: &str) -> Self {
        let mut rng = Prng::from_label(label);
        RtpStream {
            from,
            to,
            tick: start,
            end,
            seq: rng.next_u32() as u16,
            timestamp: rng.next_u32(),
            ssrc: rng.next_u32(),
            ip_id: rng.next_u32() as u16,
            first: true,
            rng,
        }
    }

    fn packet(&mut self) -> Vec<u8> {
        let mut rtp = Vec::with_capacity(12 + SAMPLES_PER_PACKET);
        rtp.push(0x80); // version 2, no padding, no extension, no CSRC
                        // The marker bit starts a talkspurt: the stream's first packet.
        rtp.push(PAYLOAD_TYPE_PCMU | if self.first { 0x80 } else { 0 });
        rtp.extend_from_slice(&self.seq.to_be_bytes());
        rtp.extend_from_slice(&self.timestamp.to_be_bytes());
        rtp.extend_from_slice(&self.ssrc.to_be_bytes());
        // Samples: seeded noise (what they encode is of no interest to a dissector).
        for _ in 0..SAMPLES_PER_PACKET / 8 {
            rtp.extend_from_slice(&self.rng.next_u64().to_le_bytes());
        }
        let ip = Ipv4Params {
            src: self.from.ip,
            dst: self.to.ip,
            protocol: PROTO_UDP,
            id: self.ip_id,
            tos: TOS_EF,
            ttl: 64,
        };
        net::udp_frame(
            self.from.mac,
            self.to.mac,
            &ip,
            self.from.port,
            self.to.port,
            &rtp,
        )
    }
}

impl Iterator for RtpStream {
    type Item = Frame;

    fn next(&mut self) -> Option<Frame> {
        if self.tick >= self.end {
            return None;
        }
        let t = self.tick + self.rng.range(0, MAX_JITTER);
        let data = self.packet();
        self.first = false;
        self.seq = self.seq.wrapping_add(1);
        self.timestamp = self.timestamp.wrapping_add(SAMPLES_PER_PACKET as u32);
        self.ip_id = self.ip_id.wrapping_add(1);
        self.tick += PACKET_INTERVAL;
        Some(Frame::bare(t, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: MediaEnd = MediaEnd {
        mac: [0, 0xeb, 0xd5, 0, 0, 1],
        ip: [10, 100, 0, 21],
        port: 24_580,
    };
    const GATEWAY: MediaEnd = MediaEnd {
        mac: [0, 0x26, 0x0b, 100, 0, 1],
        ip: [10, 20, 0, 41],
        port: 17_002,
    };

    #[test]
    fn fifty_packets_a_second_of_214_bytes() {
        let frames: Vec<Frame> = RtpStream::new(PHONE, GATEWAY, 1_000, 1_001_000, "s").collect();
        assert_eq!(frames.len(), 50);
        assert!(frames
            .iter()
            .all(|f| f.data.len() == FRAME_LEN && FRAME_LEN == 214));
        assert!(frames.windows(2).all(|w| w[0].t < w[1].t));
        assert!(frames[0].t >= 1_000 && frames[49].t < 1_000 + 49 * 20_000 + MAX_JITTER);
    }

    #[test]
    fn headers_advance_by_one_packet() {
        let frames: Vec<Frame> = RtpStream::new(PHONE, GATEWAY, 0, 60_000, "h").collect();
        let rtp = |f: &Frame| f.data[42..54].to_vec();
        let field = |b: &[u8], at: usize| u32::from_be_bytes(b[at..at + 4].try_into().unwrap());
        let (a, b) = (rtp(&frames[0]), rtp(&frames[1]));
        assert_eq!(a[0], 0x80);
        assert_eq!(a[1], 0x80, "marker on the first packet, PCMU");
        assert_eq!(b[1], 0x00);
        let seq = |x: &[u8]| u16::from_be_bytes([x[2], x[3]]);
        assert_eq!(seq(&b), seq(&a).wrapping_add(1));
        assert_eq!(field(&b, 4), field(&a, 4).wrapping_add(160));
        assert_eq!(field(&b, 8), field(&a, 8), "one SSRC per stream");
        // Addresses and ports as the SDP gave them.
        let f = &frames[0].data;
        assert_eq!(&f[0..6], &GATEWAY.mac);
        assert_eq!(&f[6..12], &PHONE.mac);
        assert_eq!(f[15], TOS_EF);
        assert_eq!(&f[26..30], &PHONE.ip);
        assert_eq!(&f[30..34], &GATEWAY.ip);
        assert_eq!(u16::from_be_bytes([f[34], f[35]]), PHONE.port);
        assert_eq!(u16::from_be_bytes([f[36], f[37]]), GATEWAY.port);
    }
}
