//! The benchmark capture: a few minutes of a company's voice network as a sniffer on its
//! offices' uplink records it, with the plugin's traffic at a realistic share among
//! traffic it must leave alone.
//!
//! Offices of 200 phones (the crowd's addressing), each with a PC per ten phones. Every
//! phone is registered with its office's cluster and refreshes that registration; a few
//! boot during the capture (configuration download, DNS, registration, alarms); some do
//! an EMCC login or logout (the crowd's plan and outcome mix); some are in a call with a
//! PSTN party (SIP through CUCM, G.711 RTP with a voice gateway: the bulk of the
//! frames). The PCs resolve names and browse web sites. Every phone and PC draws from
//! its own seeded generator, so the capture for a number of phones and a seed is always
//! the same bytes, and the number of frames grows in proportion to the phones.

use crate::bench_phone::{BenchPhone, Boot, DNS_SERVER, REFRESH_INTERVAL};
use crate::call::{CallPlan, Direction};
use crate::capture::Frame;
use crate::clock::{secs, Micros};
use crate::mix::{Merged, Source};
use crate::multi_phone::{crowd_plan, office_address, office_cluster, office_phone, OFFICE_PHONES};
use crate::net::{Host, Ipv4};
use crate::office_pc::pc_traffic;
use crate::phone::{LoadStyle, Restart};
use crate::prng::Prng;
use crate::registration::{BOOTED, RESTARTED};
use crate::topology::Site;

/// How long the capture lasts: every phone refreshes its registration at least once.
pub const SPAN: Micros = secs(180);
/// What the phones of an office of 200 do, in counts (a smaller last office gets its
/// share, rounded): EMCC logins and logouts (that is all those phones do in the
/// capture), boots, calls. Counts, not lots, so frames grow in proportion to phones.
pub const EMCC_PER_OFFICE: usize = 10;
pub const BOOTS_PER_OFFICE: usize = 6;
pub const CALLS_PER_OFFICE: usize = 5;
/// EMCC runs start early enough to end in the capture (a login takes about 45 s).
const EMCC_LATEST_START: Micros = SPAN - secs(60);
/// Boots start early enough to register in the capture.
const BOOT_LATEST_START: Micros = SPAN - secs(10);
/// Calls start in the capture's first `CALL_WINDOW`, last 20 s to 3 min; some are
/// still going when the capture ends.
const CALL_WINDOW: Micros = SPAN - secs(5);
const CALL_SHORTEST: Micros = secs(20);
const CALL_LONGEST: Micros = secs(180);
/// One office PC per this many phones (at least one per office).
pub const PHONES_PER_PC: usize = 10;
/// The voice gateways that carry the PSTN calls' media, in the data centre.
const GATEWAYS: [Ipv4; 2] = [[10, 20, 0, 41], [10, 20, 0, 42]];
/// Even ports from 16384 to 32766, and where the gateways' turn starts (arbitrary).
const RTP_PORTS: u64 = 8_192;
const GATEWAY_FIRST_PORT: u64 = 1_234;

/// What a phone's REGISTERs report when it last restarted before the capture.
const CM_CLOSED_TCP: Restart = Restart {
    code: 14,
    last: "CM-closed-TCP",
    style: LoadStyle::Single,
};
const KEEPALIVE_TIMEOUT: Restart = Restart {
    code: 17,
    last: "KeepaliveTO",
    style: LoadStyle::Single,
};

/// What each phone does, counted (the tests check the shares).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Census {
    pub phones: usize,
    pub emcc: usize,
    pub boots: usize,
    pub calls: usize,
    pub pcs: usize,
}

/// What one phone of an office does in the capture.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Role {
    emcc: bool,
    boots: bool,
    call: Option<CallSlot>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CallSlot {
    start: Micros,
    length: Micros,
    /// Numbers the capture's calls: picks the gateway and its RTP port, so no two calls
    /// share a gateway port.
    number: usize,
}

/// Rounds an office's share for an office of `here` phones.
fn share(per_office: usize, here: usize) -> usize {
    (per_office * here + OFFICE_PHONES / 2) / OFFICE_PHONES
}

fn shuffle<T>(list: &mut [T], rng: &mut Prng) {
    for i in (1..list.len()).rev() {
        list.swap(i, rng.range(0, i as u64 + 1) as usize);
    }
}

/// Who does what in an office of `here` phones: EMCC, booting and calling phones are
/// different phones, picked at random. Calls spread evenly over the capture and over the
/// range of durations (stratified), so every office carries about as much media.
fn office_roles(office: usize, here: usize, seed: u64) -> Vec<Role> {
    let mut rng = Prng::from_label(&format!("bench {seed} office {office} roles"));
    let mut slots: Vec<usize> = (0..here).collect();
    shuffle(&mut slots, &mut rng);
    let emcc = share(EMCC_PER_OFFICE, here);
    let boots = share(BOOTS_PER_OFFICE, here).min(here - emcc);
    let calls = share(CALLS_PER_OFFICE, here).min(here - emcc - boots);
    let mut roles = vec![Role::default(); here];
    for &slot in &slots[..emcc] {
        roles[slot].emcc = true;
    }
    for &slot in &slots[emcc..emcc + boots] {
        roles[slot].boots = true;
    }
    let mut lengths: Vec<usize> = (0..calls).collect();
    shuffle(&mut lengths, &mut rng);
    let stratum = |k: usize, range: Micros, rng: &mut Prng| {
        let width = range / calls as u64;
        k as u64 * width + rng.range(0, width)
    };
    for (k, &slot) in slots[here - calls..].iter().enumerate() {
        let start = stratum(k, CALL_WINDOW, &mut rng);
        let length = CALL_SHORTEST + stratum(lengths[k], CALL_LONGEST - CALL_SHORTEST, &mut rng);
        roles[slot].call = Some(CallSlot {
            start,
            length,
            number: office * CALLS_PER_OFFICE + k,
        });
    }
    roles
}

/// The capture's frame sources, in the order ties are broken: each office's phones (a
/// phone's signalling, then its call's media), then the office's PCs.
pub fn sources(phones: usize, seed: u64) -> (Vec<Source>, Census) {
    let mut sources: Vec<Source> = Vec::new();
    let mut census = Census {
        phones,
        ..Census::default()
    };
    for office in 0..phones.div_ceil(OFFICE_PHONES) {
        let first = office * OFFICE_PHONES;
        let here = OFFICE_PHONES.min(phones - first);
        for (slot, role) in office_roles(office, here, seed).into_iter().enumerate() {
            let index = first + slot;
            let mut rng = Prng::from_label(&format!("bench {seed} phone {index}"));
            if role.emcc {
                census.emcc += 1;
                let track = crowd_plan(index, seed, &mut rng, EMCC_LATEST_START).track();
                sources.push(uncommented(track.into_frames()));
                continue;
            }
            let phone = ordinary_phone(index, seed, &mut rng, role);
            census.boots += usize::from(phone.boot.is_some());
            census.calls += phone.calls.len();
            let (signalling, media) = phone.frames(SPAN);
            sources.push(uncommented(signalling));
            sources.extend(media.into_iter().map(|m| Box::new(m) as Source));
        }
        for pc in 0..here.div_ceil(PHONES_PER_PC) {
            census.pcs += 1;
            let ip = office_address(first);
            let host = Host {
                mac: [0x3c, 0x52, 0x82, ip[1], ip[2], 0x30 + pc as u8],
                ip: [ip[0], ip[1], ip[2], 230 + pc as u8],
            };
            let label = format!("bench {seed} office {office} pc {pc}");
            let capture = pc_traffic(host, DNS_SERVER, SPAN, &label);
            sources.push(uncommented(capture.into_frames()));
        }
    }
    (sources, census)
}

/// The whole capture's frames in time order, generated as they are read.
pub fn frames_in_order(phones: usize, seed: u64) -> (Merged, Census) {
    let (sources, census) = sources(phones, seed);
    (Merged::new(sources), census)
}

/// The frames without the generator's notes and labels: a capture as a sniffer writes it.
fn uncommented(mut list: Vec<Frame>) -> Source {
    for f in &mut list {
        f.comment = None;
        f.label = None;
    }
    Box::new(list.into_iter())
}

/// A phone that is not doing EMCC: registered (or booting), maybe in a call.
fn ordinary_phone(index: usize, seed: u64, rng: &mut Prng, role: Role) -> BenchPhone {
    let id = office_phone(index, seed, rng);
    let cluster = office_cluster(index / OFFICE_PHONES);
    let line = format!("{}", 40_000 + index);
    // The phone never leaves its cluster: "home" is only there because a lab has two.
    let site = Site {
        visiting: cluster.for_phone(&id, &line),
        home: cluster.for_phone(&id, &line),
        phone: id,
    };
    let power_cycle = rng.range(0, 10) < 7;
    let boot = Boot {
        at: rng.range(0, BOOT_LATEST_START),
        restart: if power_cycle { BOOTED } else { RESTARTED },
        outage: if power_cycle {
            (25, "LastTimeInitialized")
        } else {
            (23, "LastTimeResetRestart")
        },
    };
    let last_restart = match rng.range(0, 100) {
        0..=59 => BOOTED,
        60..=84 => RESTARTED,
        85..=94 => CM_CLOSED_TCP,
        _ => KEEPALIVE_TIMEOUT,
    };
    BenchPhone {
        site,
        boot: role.boots.then_some(boot),
        last_restart,
        first_refresh: rng.range(0, REFRESH_INTERVAL),
        cseq: rng.range(101, 5_000) as u32,
        calls: role
            .call
            .map(|slot| call_plan(rng, slot))
            .into_iter()
            .collect(),
    }
}

fn call_plan(rng: &mut Prng, slot: CallSlot) -> CallPlan {
    let start = slot.start;
    let direction = if rng.range(0, 2) == 0 {
        Direction::Outgoing
    } else {
        Direction::Incoming
    };
    // Outgoing: the PSTN takes a moment to ring. Incoming: the phone rings at once.
    let ringing = start
        + match direction {
            Direction::Outgoing => rng.range(150_000, 900_000),
            Direction::Incoming => rng.range(5_000, 15_000),
        };
    let answer = ringing + rng.range(2_000_000, 12_000_000);
    // Phones and gateways take even RTP ports from 16384 up; a gateway hands them out
    // in turn.
    let even_port = |n: u64| 16_384 + 2 * (n % RTP_PORTS) as u16;
    let per_gateway = (slot.number / GATEWAYS.len()) as u64;
    CallPlan {
        direction,
        start,
        ringing,
        answer,
        hangup: answer + slot.length,
        phone_hangs_up: rng.range(0, 2) == 0,
        far_number: format!("9{}", rng.decimal(10)),
        phone_port: even_port(rng.next_u64()),
        phone_session: rng.range(1_000, 30_000) as u32,
        gateway: GATEWAYS[slot.number % GATEWAYS.len()],
        gateway_port: even_port(GATEWAY_FIRST_PORT + per_gateway),
        gateway_session: rng.range(1_000, 30_000) as u32,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::OnceLock;

    use super::*;
    use crate::capture::stream_pcapng;
    use crate::rtp::FRAME_LEN;

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
        let full = office_roles(0, 200, 1);
        assert_eq!(count(&full), (10, 6, 5, 0));
        assert_eq!(count(&office_roles(3, 100, 1)), (5, 3, 3, 0));
        assert_eq!(count(&office_roles(3, 1, 1)), (0, 0, 0, 0));
        assert_ne!(office_roles(0, 200, 2), full, "the seed picks other phones");
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
}
