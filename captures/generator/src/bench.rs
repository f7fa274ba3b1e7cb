//! The benchmark capture: a few minutes of a company's voice network as a sniffer on its
//! offices' uplink records it, with the plugin's traffic at a realistic share among
//! traffic it must leave alone.
//!
//! Offices of 200 phones (the crowd's addressing), each with a PC per ten phones. Every
//! phone is registered with its office's cluster: a SIP phone refreshes that
//! registration, an SCCP phone (a quarter of them) keeps its Skinny connection alive; a
//! few boot during the capture (configuration download, DNS, registration, a SIP phone's
//! alarms); some do an EMCC login or logout (the crowd's plan and outcome mix, in Skinny
//! for the SCCP ones); some SIP phones are in a call with a PSTN party (SIP through
//! CUCM, G.711 RTP with a voice gateway: the bulk of the frames). The PCs resolve names
//! and browse web sites. Every phone and PC draws from its own seeded generator, so the
//! capture for a number of phones and a seed is always the same bytes, and the number of
//! frames grows in proportion to the phones.

use crate::bench_phone::{BenchPhone, Boot, DNS_SERVER, REFRESH_INTERVAL};
use crate::bench_sccp::{SccpBenchPhone, KEEPALIVE_INTERVAL};
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
use crate::topology::{PhoneId, Signalling, Site};

/// How long the capture lasts: every SIP phone refreshes its registration at least once.
pub const SPAN: Micros = secs(180);
/// What the phones of an office of 200 do, in counts (a smaller last office gets its
/// share, rounded): EMCC logins and logouts (that is all those phones do in the
/// capture), boots, calls. Counts, not lots, so frames grow in proportion to phones.
pub const EMCC_PER_OFFICE: usize = 10;
pub const BOOTS_PER_OFFICE: usize = 6;
pub const CALLS_PER_OFFICE: usize = 5;
/// A quarter of the phones run SCCP: many Cisco networks still run SCCP loads on their
/// 79xx phones alongside SIP 78xx/88xx. The same share of the EMCC and of the booting
/// phones; none of the calling ones (SCCP call signalling is out of scope).
pub const SCCP_PER_OFFICE: usize = 50;
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
    /// Phones that signal in SCCP (the others: SIP), whatever they do.
    pub sccp: usize,
    pub emcc: usize,
    pub boots: usize,
    pub calls: usize,
    pub pcs: usize,
}

impl Census {
    fn count(&mut self, role: &Role) {
        self.sccp += usize::from(role.sccp);
        self.emcc += usize::from(role.emcc);
        self.boots += usize::from(role.boots);
        self.calls += usize::from(role.call.is_some());
    }
}

/// What one phone of an office does in the capture.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Role {
    /// Runs an SCCP load (else SIP).
    sccp: bool,
    emcc: bool,
    boots: bool,
    call: Option<CallSlot>,
}

impl Role {
    fn signalling(&self) -> Signalling {
        if self.sccp {
            Signalling::Sccp
        } else {
            Signalling::Sip
        }
    }
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
/// different phones, picked at random, and so are the SCCP ones: their share of the EMCC
/// phones, of the booting phones and of the office, the rest among the phones that only
/// stay registered. Calls spread evenly over the capture and over the range of durations
/// (stratified), so every office carries about as much media.
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
    // The slots are in random order: each group's first ones are as good as any.
    let sccp_of = |phones: usize| share(SCCP_PER_OFFICE, phones);
    let (sccp_emcc, sccp_boots) = (sccp_of(emcc), sccp_of(boots));
    let only_registered = emcc + boots..here - calls;
    let sccp_rest = sccp_of(here)
        .saturating_sub(sccp_emcc + sccp_boots)
        .min(only_registered.len());
    let sccp = slots[..sccp_emcc]
        .iter()
        .chain(&slots[emcc..emcc + sccp_boots])
        .chain(&slots[only_registered.start..only_registered.start + sccp_rest]);
    for &slot in sccp {
        roles[slot].sccp = true;
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
            census.count(&role);
            sources.extend(phone_sources(first + slot, seed, role));
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

/// Phone `index`'s frame sources: its signalling (and anything else it sends but media),
/// then its call's media.
fn phone_sources(index: usize, seed: u64, role: Role) -> Vec<Source> {
    let mut rng = Prng::from_label(&format!("bench {seed} phone {index}"));
    let signalling = role.signalling();
    if role.emcc {
        let track = crowd_plan(index, seed, signalling, &mut rng, EMCC_LATEST_START).track();
        return vec![uncommented(track.into_frames())];
    }
    let id = office_phone(index, seed, signalling, &mut rng);
    let site = office_site(index, id);
    let boot = boot(&mut rng);
    match signalling {
        Signalling::Sip => {
            let phone = sip_phone(site, boot, &mut rng, role);
            let (signalling, media) = phone.frames(SPAN);
            let mut list = vec![uncommented(signalling)];
            list.extend(media.into_iter().map(|m| Box::new(m) as Source));
            list
        }
        Signalling::Sccp => {
            let phone = SccpBenchPhone {
                site,
                boot: role.boots.then_some(boot),
                first_keepalive: rng.range(0, KEEPALIVE_INTERVAL),
            };
            vec![uncommented(phone.frames(SPAN))]
        }
    }
}

/// Where a phone that is not doing EMCC registers: its office's cluster.
fn office_site(index: usize, id: PhoneId) -> Site {
    let cluster = office_cluster(index / OFFICE_PHONES);
    let line = format!("{}", 40_000 + index);
    // The phone never leaves its cluster: "home" is only there because a lab has two.
    Site {
        visiting: cluster.for_phone(&id, &line),
        home: cluster.for_phone(&id, &line),
        phone: id,
    }
}

/// How a phone would boot in the capture: 70% power cycles, the rest restarts.
fn boot(rng: &mut Prng) -> Boot {
    let power_cycle = rng.range(0, 10) < 7;
    Boot {
        at: rng.range(0, BOOT_LATEST_START),
        restart: if power_cycle { BOOTED } else { RESTARTED },
        outage: if power_cycle {
            (25, "LastTimeInitialized")
        } else {
            (23, "LastTimeResetRestart")
        },
    }
}

/// A SIP phone that is not doing EMCC: registered (or booting), maybe in a call.
fn sip_phone(site: Site, boot: Boot, rng: &mut Prng, role: Role) -> BenchPhone {
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
mod tests;
