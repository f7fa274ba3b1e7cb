use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::*;
use crate::bench_sccp::KEEPALIVE_JITTER;
use crate::capture::stream_pcapng;
use crate::net::flags;
use crate::rtp::FRAME_LEN;
use crate::skinny_pdu::*;

/// Two full offices, generated once for the tests that read frames.
const PHONES: usize = 400;

fn capture() -> &'static (Vec<Frame>, Census) {
    static CAPTURE: OnceLock<(Vec<Frame>, Census)> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let (frames, census) = frames_in_order(PHONES, 7);
        (frames.collect(), census)
    })
}

/// An address and port.
type End = (Ipv4, u16);

/// (protocol, source, destination) of an IPv4 frame (TCP or UDP).
fn flow(f: &Frame) -> Option<(u8, End, End)> {
    if f.data[12..14] != [0x08, 0x00] {
        return None;
    }
    let ip = &f.data[14..];
    let addr = |at: usize| -> Ipv4 { ip[at..at + 4].try_into().unwrap() };
    let port = |at: usize| u16::from_be_bytes([ip[at], ip[at + 1]]);
    Some((ip[9], (addr(12), port(20)), (addr(16), port(22))))
}

fn tcp_payload(f: &Frame) -> &[u8] {
    let ip = &f.data[14..];
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    let offset = 20 + usize::from(ip[32] >> 4) * 4;
    &ip[offset..total]
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Kind {
    Rtp,
    Sip,
    Dns,
    Web,
    Downloads,
    Emcc,
    Skinny,
    Arp,
}

fn kind(f: &Frame) -> Kind {
    let Some((proto, (_, sport), (_, dport))) = flow(f) else {
        return Kind::Arp;
    };
    let either = |p: u16| sport == p || dport == p;
    let media_port = |p: u16| (16_384..32_768).contains(&p);
    match proto {
        17 if either(53) => Kind::Dns,
        17 if media_port(sport) && media_port(dport) => Kind::Rtp,
        17 => Kind::Emcc, // TFTP, to port 69 and back from a fresh server port
        _ if either(5060) => Kind::Sip,
        _ if either(80) => Kind::Web,
        _ if either(6970) => Kind::Downloads,
        _ if either(SKINNY_PORT) => Kind::Skinny,
        _ => Kind::Emcc, // EMApp (8080) and TVS (2445)
    }
}

#[test]
fn office_roles_have_their_counts() {
    let count = |roles: &[Role]| {
        (
            roles.iter().filter(|r| r.emcc).count(),
            roles.iter().filter(|r| r.boots).count(),
            roles.iter().filter(|r| r.call.is_some()).count(),
            roles
                .iter()
                .filter(|r| r.emcc as u8 + r.boots as u8 + r.call.is_some() as u8 > 1)
                .count(),
        )
    };
    // SCCP phones: all, doing EMCC, booting, calling.
    let sccp = |roles: &[Role]| {
        let sccp = || roles.iter().filter(|r| r.sccp);
        (
            sccp().count(),
            sccp().filter(|r| r.emcc).count(),
            sccp().filter(|r| r.boots).count(),
            sccp().filter(|r| r.call.is_some()).count(),
        )
    };
    let full = office_roles(0, 200, 1);
    assert_eq!(count(&full), (10, 6, 5, 0));
    assert_eq!(sccp(&full), (50, 3, 2, 0), "a quarter, no call");
    let half = office_roles(3, 100, 1);
    assert_eq!(count(&half), (5, 3, 3, 0));
    assert_eq!(sccp(&half), (25, 1, 1, 0));
    assert_eq!(count(&office_roles(3, 1, 1)), (0, 0, 0, 0));
    assert_eq!(sccp(&office_roles(3, 1, 1)), (0, 0, 0, 0));
    let other = office_roles(0, 200, 2);
    assert_ne!(other, full, "the seed picks other phones");
    let sccp_slots =
        |roles: &[Role]| -> Vec<usize> { (0..200).filter(|&i| roles[i].sccp).collect() };
    assert_ne!(sccp_slots(&other), sccp_slots(&full));
    // Stratified: one call starts in each fifth of the window, one length per fifth.
    let calls: Vec<CallSlot> = full.iter().filter_map(|r| r.call).collect();
    let fifth = |v: Micros, range: Micros| v * 5 / range;
    let starts: BTreeSet<u64> = calls.iter().map(|c| fifth(c.start, CALL_WINDOW)).collect();
    let range = CALL_LONGEST - CALL_SHORTEST;
    let lengths: BTreeSet<u64> = calls
        .iter()
        .map(|c| fifth(c.length - CALL_SHORTEST, range))
        .collect();
    assert_eq!(starts.len(), 5);
    assert_eq!(lengths.len(), 5);
    let numbers: BTreeSet<usize> = calls.iter().map(|c| c.number).collect();
    assert_eq!(numbers, (0..5).collect());
}

#[test]
fn the_mix_is_mostly_media_with_every_kind_present() {
    let (frames, census) = capture();
    assert_eq!(
        *census,
        Census {
            phones: 400,
            sccp: 100,
            emcc: 20,
            boots: 12,
            calls: 10,
            pcs: 40
        }
    );
    let mut kinds: BTreeMap<Kind, usize> = BTreeMap::new();
    for f in frames {
        *kinds.entry(kind(f)).or_default() += 1;
    }
    let share = |k: Kind| kinds.get(&k).copied().unwrap_or(0) as f64 / frames.len() as f64;
    assert!((0.70..0.90).contains(&share(Kind::Rtp)), "{kinds:?}");
    assert!(share(Kind::Sip) > 0.02, "{kinds:?}");
    assert!(share(Kind::Emcc) > 0.01, "{kinds:?}");
    assert!(share(Kind::Web) > 0.03, "{kinds:?}");
    assert!(share(Kind::Dns) > 0.005, "{kinds:?}");
    assert!(share(Kind::Downloads) > 0.01, "{kinds:?}");
    assert!(share(Kind::Skinny) > 0.01, "{kinds:?}");
    assert!(kinds[&Kind::Arp] >= 2 * (12 + 40), "{kinds:?}");
    // About 200 frames a phone: 5000 phones make about a million.
    let per_phone = frames.len() / PHONES;
    assert!(
        (180..230).contains(&per_phone),
        "{per_phone} frames a phone"
    );
    assert!(frames.windows(2).all(|w| w[0].t <= w[1].t));
    assert!(frames.last().unwrap().t < SPAN + 1_000_000);
    assert!(frames
        .iter()
        .all(|f| f.comment.is_none() && f.label.is_none()));
    let media: Vec<&Frame> = frames.iter().filter(|f| kind(f) == Kind::Rtp).collect();
    assert!(media.iter().all(|f| f.data.len() == FRAME_LEN));
}

/// Every RTP packet goes between an address and port one SDP names and another.
#[test]
fn media_flows_between_the_addresses_the_sdp_names() {
    let (frames, census) = capture();
    // Each TCP direction's bytes put together (no loss, no reordering here).
    let mut streams: BTreeMap<(End, End), Vec<u8>> = BTreeMap::new();
    for f in frames {
        if let Some((6, from, to)) = flow(f) {
            streams
                .entry((from, to))
                .or_default()
                .extend(tcp_payload(f));
        }
    }
    let mut described: BTreeSet<End> = BTreeSet::new();
    let mut offers = 0;
    for bytes in streams.values() {
        let text = String::from_utf8_lossy(bytes);
        for sdp in text.split("\r\n\r\nv=0\r\n").skip(1) {
            offers += 1;
            let line = |prefix: &str| {
                let at = sdp.find(prefix).expect("SDP line") + prefix.len();
                sdp[at..].split(['\r', ' ']).next().unwrap().to_string()
            };
            let ip: Vec<u8> = line("c=IN IP4 ")
                .split('.')
                .map(|p| p.parse().unwrap())
                .collect();
            let port: u16 = line("m=audio ").parse().unwrap();
            described.insert((ip.try_into().unwrap(), port));
        }
    }
    assert_eq!(offers, 2 * census.calls, "an offer and an answer per call");
    // No two calls share a media address and port.
    assert_eq!(described.len(), 2 * census.calls);
    let mut media_flows = BTreeSet::new();
    for f in frames.iter().filter(|f| kind(f) == Kind::Rtp) {
        let (_, from, to) = flow(f).unwrap();
        assert!(described.contains(&from), "{from:?} in no SDP");
        assert!(described.contains(&to), "{to:?} in no SDP");
        media_flows.insert((from, to));
    }
    assert_eq!(media_flows.len(), 2 * census.calls, "both ways, every call");
}

#[test]
fn the_same_phones_and_seed_give_the_same_bytes() {
    let write = |phones, seed| {
        let mut out = Vec::new();
        let (frames, _) = frames_in_order(phones, seed);
        let written = stream_pcapng(frames, &mut out).unwrap();
        assert_eq!(written.bytes, out.len() as u64);
        out
    };
    let a = write(60, 3);
    assert_eq!(a, write(60, 3));
    assert_ne!(a, write(60, 4));
}

#[test]
fn frames_grow_in_proportion_to_phones() {
    let (frames, _) = capture();
    let (half, _) = frames_in_order(PHONES / 2, 7);
    let ratio = frames.len() as f64 / half.count() as f64;
    assert!(
        (1.85..2.15).contains(&ratio),
        "doubling the phones: x{ratio:.3}"
    );
}

/// Each phone's address and role in the tests' capture.
fn phones() -> Vec<(Ipv4, Role)> {
    (0..PHONES.div_ceil(OFFICE_PHONES))
        .flat_map(|office| {
            let first = office * OFFICE_PHONES;
            let here = OFFICE_PHONES.min(PHONES - first);
            let roles = office_roles(office, here, 7).into_iter();
            roles
                .enumerate()
                .map(move |(slot, role)| (office_address(first + slot), role))
        })
        .collect()
}

/// The Skinny PDUs in `bytes`, each checked: a basic header, a known message, and a
/// data length that counts the id and the payload (the PDU's bytes less 8).
fn skinny_pdus(mut bytes: &[u8]) -> Vec<u32> {
    const KNOWN: [u32; 12] = [
        KEEP_ALIVE,
        REGISTER,
        CAPABILITIES_RES,
        ALARM,
        UNREGISTER,
        REGISTER_ACK,
        CAPABILITIES_REQ,
        REGISTER_REJECT,
        RESET,
        KEEP_ALIVE_ACK,
        UNREGISTER_ACK,
        ENHANCED_ALARM,
    ];
    let mut ids = Vec::new();
    while !bytes.is_empty() {
        assert!(bytes.len() >= 12, "a PDU header cut short");
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let pdu = word(0) as usize + 8;
        assert!((12..=bytes.len()).contains(&pdu), "data length {}", word(0));
        assert_eq!(word(4), 0, "basic header version");
        assert!(KNOWN.contains(&word(8)), "message {:#x}", word(8));
        ids.push(word(8));
        bytes = &bytes[pdu..];
    }
    ids
}

#[test]
fn a_quarter_of_the_phones_are_sccp_and_only_they_speak_skinny() {
    let (frames, census) = capture();
    let sccp: BTreeSet<Ipv4> = phones()
        .into_iter()
        .filter_map(|(ip, role)| role.sccp.then_some(ip))
        .collect();
    assert_eq!(sccp.len(), census.sccp);
    assert_eq!(census.sccp * 4, census.phones);
    let (mut skinny, mut sip) = (BTreeSet::new(), BTreeSet::new());
    for f in frames {
        let Some((_, from, to)) = flow(f) else {
            continue;
        };
        for (phone, other) in [(from, to), (to, from)] {
            if !sccp.contains(&phone.0) {
                continue;
            }
            assert_ne!(other.1, 5060, "SIP from or to SCCP phone {:?}", phone.0);
            assert_ne!(kind(f), Kind::Rtp, "a call on SCCP phone {:?}", phone.0);
        }
        match kind(f) {
            Kind::Skinny => skinny.extend(
                [from.0, to.0]
                    .into_iter()
                    .filter(|ip| ip[0..2] == [10, 100]),
            ),
            Kind::Sip => sip.extend(
                [from.0, to.0]
                    .into_iter()
                    .filter(|ip| ip[0..2] == [10, 100]),
            ),
            _ => {}
        }
    }
    assert_eq!(
        skinny, sccp,
        "every SCCP phone, and only they, speak Skinny"
    );
    assert_eq!(sip.len(), census.phones - census.sccp);
    assert!(sip.is_disjoint(&sccp));
}

#[test]
fn skinny_pdus_are_well_formed() {
    let (frames, _) = capture();
    // Each direction of each Skinny connection, its bytes put together.
    let mut streams: BTreeMap<(End, End), Vec<u8>> = BTreeMap::new();
    for f in frames.iter().filter(|f| kind(f) == Kind::Skinny) {
        let (_, from, to) = flow(f).unwrap();
        streams
            .entry((from, to))
            .or_default()
            .extend(tcp_payload(f));
    }
    let mut count: BTreeMap<u32, usize> = BTreeMap::new();
    for bytes in streams.values() {
        for id in skinny_pdus(bytes) {
            *count.entry(id).or_default() += 1;
        }
    }
    // At least five from each of the two offices' 45 SCCP phones that neither boot nor
    // do EMCC.
    assert!(count[&KEEP_ALIVE] >= 5 * 2 * 45, "{count:?}");
    assert_eq!(count[&KEEP_ALIVE], count[&KEEP_ALIVE_ACK]);
    assert_eq!(count[&REGISTER_ACK], count[&CAPABILITIES_REQ]);
    for id in [
        ALARM,
        REGISTER,
        CAPABILITIES_RES,
        RESET,
        UNREGISTER,
        ENHANCED_ALARM,
    ] {
        assert!(count.contains_key(&id), "no {id:#x}: {count:?}");
    }
}

/// A TCP segment of a phone's Skinny connection.
struct Segment {
    t: Micros,
    from_phone: bool,
    tcp_flags: u8,
    pdus: Vec<u32>,
}

#[test]
fn every_ordinary_sccp_phone_keeps_alive_every_30_s_acknowledged() {
    let (frames, _) = capture();
    let mut by_phone: BTreeMap<Ipv4, Vec<Segment>> = phones()
        .into_iter()
        .filter(|(_, role)| role.sccp && !role.emcc)
        .map(|(ip, _)| (ip, Vec::new()))
        .collect();
    for f in frames.iter().filter(|f| kind(f) == Kind::Skinny) {
        let (_, from, to) = flow(f).unwrap();
        for (phone, from_phone) in [(from.0, true), (to.0, false)] {
            if let Some(list) = by_phone.get_mut(&phone) {
                list.push(Segment {
                    t: f.t,
                    from_phone,
                    tcp_flags: f.data[14 + 20 + 13],
                    pdus: skinny_pdus(tcp_payload(f)),
                });
            }
        }
    }
    let booting: BTreeSet<Ipv4> = phones()
        .into_iter()
        .filter_map(|(ip, role)| (role.sccp && role.boots).then_some(ip))
        .collect();
    // Of each office's 50 SCCP phones, 3 do EMCC.
    assert_eq!(by_phone.len(), 2 * (SCCP_PER_OFFICE - 3));
    let near = |gap: Micros| gap.abs_diff(KEEPALIVE_INTERVAL) <= KEEPALIVE_JITTER;
    for (ip, list) in &by_phone {
        let times = |from_phone: bool, id: u32| -> Vec<Micros> {
            list.iter()
                .filter(|s| s.from_phone == from_phone && s.pdus.first() == Some(&id))
                .map(|s| s.t)
                .collect()
        };
        let keepalives = times(true, KEEP_ALIVE);
        // Whence the keepalive interval runs: a booting phone's RegisterAck, else the
        // interval running when the capture started.
        let since = if booting.contains(ip) {
            let acks = times(false, REGISTER_ACK);
            assert_eq!(acks.len(), 1, "{ip:?} registers once");
            assert!(list[0].tcp_flags & flags::SYN != 0, "{ip:?} connects");
            assert!(keepalives.first().map_or(true, |&k| near(k - acks[0])));
            acks[0]
        } else {
            assert!(list.iter().all(|s| s.tcp_flags & flags::SYN == 0));
            assert!(keepalives[0] < KEEPALIVE_INTERVAL, "{ip:?}");
            0
        };
        assert!(keepalives.windows(2).all(|w| near(w[1] - w[0])), "{ip:?}");
        let last = keepalives.last().copied().unwrap_or(since);
        assert!(
            last + KEEPALIVE_INTERVAL + KEEPALIVE_JITTER >= SPAN,
            "{ip:?} stops keeping alive"
        );
        // Each KeepAlive's next Skinny message is the CUCM's KeepAliveAck, within 2 ms.
        let messages: Vec<&Segment> = list.iter().filter(|s| !s.pdus.is_empty()).collect();
        for (i, keepalive) in messages.iter().enumerate() {
            if !(keepalive.from_phone && keepalive.pdus == [KEEP_ALIVE]) {
                continue;
            }
            let (t, ack) = (keepalive.t, messages[i + 1]);
            assert!(
                !ack.from_phone && ack.pdus == [KEEP_ALIVE_ACK],
                "{ip:?} at {t}"
            );
            assert!(ack.t - t < 2_000, "{ip:?} at {t}");
        }
        assert_eq!(keepalives.len(), times(false, KEEP_ALIVE_ACK).len());
    }
}
