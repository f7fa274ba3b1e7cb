//! Ethernet II, ARP, IPv4, TCP and UDP encoders with correct checksums.
//!
//! Wireshark does not validate checksums by default, but a capture that is meant to be
//! a reference must survive `tcp.check_checksum:TRUE` and friends.

pub type Mac = [u8; 6];
pub type Ipv4 = [u8; 4];

/// A station on the lab LAN (all hosts share one subnet, so no router MAC is involved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Host {
    pub mac: Mac,
    pub ip: Ipv4,
}

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_ARP: u16 = 0x0806;
pub const PROTO_TCP: u8 = 6;
pub const PROTO_UDP: u8 = 17;
const BROADCAST: Mac = [0xff; 6];
/// Frames shorter than this are padded on the wire (64 bytes minus the 4-byte FCS).
const MIN_FRAME: usize = 60;

/// TCP flag bits.
pub mod flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}

pub fn fmt_ip(ip: Ipv4) -> String {
    format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])
}

/// RFC 1071 one's-complement sum of 16-bit words (an odd byte is padded with zero).
fn sum_words(mut acc: u32, data: &[u8]) -> u32 {
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        acc += u32::from(u16::from_be_bytes([w[0], w[1]]));
    }
    if let [last] = words.remainder() {
        acc += u32::from(*last) << 8;
    }
    acc
}

fn fold(mut acc: u32) -> u16 {
    while acc >> 16 != 0 {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

pub fn internet_checksum(data: &[u8]) -> u16 {
    fold(sum_words(0, data))
}

/// The IPv4 pseudo-header that TCP and UDP checksums cover.
fn pseudo_header_sum(src: Ipv4, dst: Ipv4, protocol: u8, length: usize) -> u32 {
    let mut acc = sum_words(0, &src);
    acc = sum_words(acc, &dst);
    acc += u32::from(protocol);
    acc + length as u32
}

pub fn ethernet(dst: Mac, src: Mac, ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(MIN_FRAME.max(14 + payload.len()));
    frame.extend_from_slice(&dst);
    frame.extend_from_slice(&src);
    frame.extend_from_slice(&ethertype.to_be_bytes());
    frame.extend_from_slice(payload);
    if frame.len() < MIN_FRAME {
        frame.resize(MIN_FRAME, 0);
    }
    frame
}

pub struct Ipv4Params {
    pub src: Ipv4,
    pub dst: Ipv4,
    pub protocol: u8,
    pub id: u16,
    /// DSCP/ECN byte: Cisco phones and CUCM mark SIP signalling CS3 (0x60).
    pub tos: u8,
    pub ttl: u8,
}

pub fn ipv4(p: &Ipv4Params, payload: &[u8]) -> Vec<u8> {
    let total = 20 + payload.len();
    assert!(total <= 0xffff, "IPv4 packet too long");
    let mut h = Vec::with_capacity(total);
    h.push(0x45); // version 4, 5 words of header
    h.push(p.tos);
    h.extend_from_slice(&(total as u16).to_be_bytes());
    h.extend_from_slice(&p.id.to_be_bytes());
    h.extend_from_slice(&0x4000u16.to_be_bytes()); // Don't Fragment, as Linux sets it
    h.push(p.ttl);
    h.push(p.protocol);
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(&p.src);
    h.extend_from_slice(&p.dst);
    let sum = internet_checksum(&h);
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    h.extend_from_slice(payload);
    h
}

pub struct TcpHeader<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub window: u16,
    /// Already padded to a multiple of four bytes.
    pub options: &'a [u8],
}

pub fn tcp(src: Ipv4, dst: Ipv4, h: &TcpHeader, payload: &[u8]) -> Vec<u8> {
    assert_eq!(h.options.len() % 4, 0, "TCP options must be padded");
    let header_len = 20 + h.options.len();
    let mut s = Vec::with_capacity(header_len + payload.len());
    s.extend_from_slice(&h.src_port.to_be_bytes());
    s.extend_from_slice(&h.dst_port.to_be_bytes());
    s.extend_from_slice(&h.seq.to_be_bytes());
    s.extend_from_slice(&h.ack.to_be_bytes());
    s.push(((header_len / 4) as u8) << 4);
    s.push(h.flags);
    s.extend_from_slice(&h.window.to_be_bytes());
    s.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
    s.extend_from_slice(h.options);
    s.extend_from_slice(payload);
    let sum = fold(sum_words(
        pseudo_header_sum(src, dst, PROTO_TCP, s.len()),
        &s,
    ));
    s[16..18].copy_from_slice(&sum.to_be_bytes());
    s
}

pub fn udp(src: Ipv4, dst: Ipv4, src_port: u16, dst_port: u16, payload: &[u8]) -> Vec<u8> {
    let len = 8 + payload.len();
    let mut d = Vec::with_capacity(len);
    d.extend_from_slice(&src_port.to_be_bytes());
    d.extend_from_slice(&dst_port.to_be_bytes());
    d.extend_from_slice(&(len as u16).to_be_bytes());
    d.extend_from_slice(&[0, 0]);
    d.extend_from_slice(payload);
    let mut sum = fold(sum_words(pseudo_header_sum(src, dst, PROTO_UDP, len), &d));
    if sum == 0 {
        sum = 0xffff; // zero means "no checksum" in UDP
    }
    d[6..8].copy_from_slice(&sum.to_be_bytes());
    d
}

/// A whole UDP frame from `src_mac` to `dst_mac` (the next hop's, off the sender's subnet).
pub fn udp_frame(
    src_mac: Mac,
    dst_mac: Mac,
    ip: &Ipv4Params,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
) -> Vec<u8> {
    debug_assert_eq!(ip.protocol, PROTO_UDP);
    let datagram = udp(ip.src, ip.dst, src_port, dst_port, payload);
    ethernet(dst_mac, src_mac, ETHERTYPE_IPV4, &ipv4(ip, &datagram))
}

fn arp(op: u16, sender: &Host, target_mac: Mac, target_ip: Ipv4) -> Vec<u8> {
    let mut a = Vec::with_capacity(28);
    a.extend_from_slice(&1u16.to_be_bytes()); // Ethernet
    a.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
    a.extend_from_slice(&[6, 4]);
    a.extend_from_slice(&op.to_be_bytes());
    a.extend_from_slice(&sender.mac);
    a.extend_from_slice(&sender.ip);
    a.extend_from_slice(&target_mac);
    a.extend_from_slice(&target_ip);
    a
}

/// "Who has `target_ip`?" broadcast by `sender`.
pub fn arp_request(sender: &Host, target_ip: Ipv4) -> Vec<u8> {
    let body = arp(1, sender, [0; 6], target_ip);
    ethernet(BROADCAST, sender.mac, ETHERTYPE_ARP, &body)
}

pub fn arp_reply(sender: &Host, target: &Host) -> Vec<u8> {
    let body = arp(2, sender, target.mac, target.ip);
    ethernet(target.mac, sender.mac, ETHERTYPE_ARP, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Ipv4 = [192, 168, 7, 104];
    const B: Ipv4 = [192, 168, 7, 100];

    #[test]
    fn rfc1071_example_header() {
        // The classic example header, checksum field zeroed: expected 0xb861.
        let h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(internet_checksum(&h), 0xb861);
    }

    #[test]
    fn ipv4_header_verifies() {
        let p = Ipv4Params {
            src: A,
            dst: B,
            protocol: PROTO_TCP,
            id: 0x1234,
            tos: 0x60,
            ttl: 64,
        };
        let pkt = ipv4(&p, b"xyz");
        assert_eq!(pkt.len(), 23);
        assert_eq!(internet_checksum(&pkt[..20]), 0);
    }

    #[test]
    fn tcp_and_udp_checksums_verify_with_pseudo_header() {
        let h = TcpHeader {
            src_port: 49921,
            dst_port: 5060,
            seq: 1,
            ack: 2,
            flags: flags::ACK | flags::PSH,
            window: 1825,
            options: &[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2],
        };
        let seg = tcp(A, B, &h, b"odd-length payload!");
        assert_eq!(
            fold(sum_words(
                pseudo_header_sum(A, B, PROTO_TCP, seg.len()),
                &seg
            )),
            0
        );
        let dgram = udp(A, B, 50000, 69, b"\x00\x01abc\x00octet\x00");
        let sum = sum_words(pseudo_header_sum(A, B, PROTO_UDP, dgram.len()), &dgram);
        assert_eq!(fold(sum), 0);
    }

    #[test]
    fn short_frames_are_padded() {
        let host = Host {
            mac: [2, 0, 0, 0, 0, 1],
            ip: A,
        };
        let f = arp_request(&host, B);
        assert_eq!(f.len(), 60);
        assert_eq!(&f[12..14], &[0x08, 0x06]);
        assert_eq!(&f[38..42], &B);
    }
}
