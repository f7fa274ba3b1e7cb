//! Captures with several phones: each phone runs the lab's phases on its own site (its
//! identity, the visiting cluster its office uses, its user's home cluster) from its own
//! start time, and the tracks are interleaved as a sniffer on the office LAN records them.
//!
//! [`multi_phone`] is the committed capture (six phones, other addresses than the
//! article's, one starting mid-flow); [`crowd`] builds any number of phones with a seeded
//! mix of outcomes plus unrelated web traffic, for large benchmark captures.

use crate::capture::Capture;
use crate::clock::{http_date, secs, us, Micros};
use crate::downloads::HomeTrust;
use crate::emapp_flow::LoginOutcome;
use crate::http;
use crate::lab::Lab;
use crate::mix::{merge, Track};
use crate::net::{fmt_ip, Host, Ipv4};
use crate::phase::Phase;
use crate::prng::Prng;
use crate::registration::RegisterOutcome;
use crate::scenario::{self, LabOptions, ARTICLE};
use crate::tcp::{ConnSpec, Dir, Endpoint, TcpConn};
use crate::topology::{
    ip_text, router_mac, server_stack, Cluster, PhoneId, Signalling, Site, Text, CP_7821, CP_7841,
    CP_7961, CP_7965, QUICK_ACK,
};
use crate::tvs::TvsOutcome;

/// What a phone does in the capture.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Run {
    /// An EMCC login with these outcomes; a login that fails after the restart ends with
    /// the fallback registration on the visiting cluster.
    Login(LabOptions),
    /// The logout of a user logged in an hour earlier.
    Logout,
}

/// One phone of a multi-phone capture.
pub struct PhonePlan {
    pub site: Site,
    /// Capture time at which the phone's run starts (its lab's origin).
    pub start: Micros,
    pub run: Run,
    /// The capture misses everything of this phone before the first message of this phase.
    pub capture_from: Option<Phase>,
}

impl PhonePlan {
    /// The phone's frames, labelled with their phases.
    pub fn track(&self) -> Track {
        let phone = &self.site.phone;
        let mut lab = Lab::at(&self.site, &phone.seed_label("lab"), self.start);
        match self.run {
            Run::Login(options) => scenario::run_to_the_end(&mut lab, &options),
            Run::Logout => scenario::logout(&mut lab, self.start),
        }
        let mut track = Track::labelled(lab);
        if let Some(phase) = self.capture_from {
            track.start_with(phase);
        }
        track
    }
}

/// A CUCM node of a multi-phone site; [`for_phone`](Self::for_phone) gives it as one
/// phone's lab needs it.
pub struct ClusterSpec {
    pub ip: Ipv4,
    pub fqdn: &'static str,
    pub cluster_id: &'static str,
    pub label: &'static str,
}

impl ClusterSpec {
    /// The cluster, seen from `phone`'s LAN, with the phone's line `line_dn` on it.
    pub fn for_phone(&self, phone: &PhoneId, line_dn: &str) -> Cluster {
        let mut rng = Prng::from_label(&format!("{} cluster", self.label));
        let mac = if phone.on_link(self.ip) {
            [0x00, 0x50, 0x56, self.ip[1], self.ip[2], self.ip[3]]
        } else {
            phone.gateway.mac
        };
        Cluster {
            host: Host { mac, ip: self.ip },
            ip: ip_text(self.ip),
            fqdn: Text::Borrowed(self.fqdn),
            cluster_id: Text::Borrowed(self.cluster_id),
            line_dn: Text::Owned(line_dn.to_string()),
            label: Text::Borrowed(self.label),
            ts_origin: rng.range(500_000, 9_000_000) as u32,
            certs_not_before: Text::Borrowed("180917120412Z"),
            certs_not_after: Text::Borrowed("230916120411Z"),
            files_unix: 1_550_000_000 + rng.range(0, 800_000) as u32,
        }
    }
}

/// The committed capture's visiting cluster: the Paris office's CUCM.
pub const PARIS: ClusterSpec = ClusterSpec {
    ip: [10, 20, 0, 10],
    fqdn: "cucm-par.emcc.example",
    cluster_id: "ClusterParis",
    label: "paris",
};

/// Home cluster of three of the visitors.
pub const BOSTON: ClusterSpec = ClusterSpec {
    ip: [10, 30, 0, 10],
    fqdn: "cucm-bos.emcc.example",
    cluster_id: "ClusterBoston",
    label: "boston",
};

/// Home cluster of the other three.
pub const TOKYO: ClusterSpec = ClusterSpec {
    ip: [10, 40, 0, 10],
    fqdn: "cucm-tyo.emcc.example",
    cluster_id: "ClusterTokyo",
    label: "tokyo",
};

/// A phone of the Paris office whose user's home is `home`.
pub(crate) fn visitor(
    phone: PhoneId,
    visiting_line: &str,
    home: &ClusterSpec,
    home_line: &str,
) -> Site {
    Site {
        visiting: PARIS.for_phone(&phone, visiting_line),
        home: home.for_phone(&phone, home_line),
        phone,
    }
}

pub(crate) fn login(change: impl FnOnce(&mut LabOptions)) -> Run {
    let mut o = ARTICLE;
    change(&mut o);
    Run::Login(o)
}

/// The six phones of `emcc-multi-phone`, in the order their tracks are merged.
pub fn committed_plans() -> Vec<PhonePlan> {
    let plan = |site, start, run, capture_from| PhonePlan {
        site,
        start,
        run,
        capture_from,
    };
    vec![
        // Its login started before the capture: the first frame is its restart NOTIFY.
        plan(
            visitor(
                PhoneId::generated(
                    [0xf8, 0x7b, 0x20, 0xc4, 0xd0, 0x19],
                    [10, 20, 5, 23],
                    &CP_7821,
                    "tsato",
                    "305771",
                ),
                "4023",
                &TOKYO,
                "8123",
            ),
            0,
            login(|_| {}),
            Some(Phase::RestartAndUnregister),
        ),
        plan(
            visitor(
                PhoneId::generated(
                    [0x00, 0xeb, 0xd5, 0xa1, 0xc2, 0x01],
                    [10, 20, 5, 21],
                    &CP_7841,
                    "jdupont",
                    "482913",
                ),
                "4021",
                &BOSTON,
                "6121",
            ),
            secs(27),
            login(|_| {}),
            None,
        ),
        plan(
            visitor(
                PhoneId::generated(
                    [0xa4, 0x56, 0x30, 0x2b, 0x7e, 0x6a],
                    [10, 20, 5, 24],
                    &CP_7841,
                    "lrossi",
                    "771204",
                ),
                "4024",
                &BOSTON,
                "6124",
            ),
            secs(29) + us(350_000),
            login(|o| o.home_trust = HomeTrust::CtlAndItlUnavailable),
            None,
        ),
        plan(
            visitor(
                PhoneId::generated(
                    [0x70, 0x10, 0x5c, 0x3d, 0x8e, 0x42],
                    [10, 20, 5, 22],
                    &CP_7821,
                    "mkowalski",
                    "190466",
                ),
                "4022",
                &BOSTON,
                "6122",
            ),
            secs(31) + us(120_000),
            login(|o| o.login = LoginOutcome::AuthenticationError),
            None,
        ),
        plan(
            visitor(
                PhoneId::generated(
                    [0x00, 0xeb, 0xd5, 0xa1, 0xc3, 0xf7],
                    [10, 20, 5, 25],
                    &CP_7821,
                    "akim",
                    "650318",
                ),
                "4025",
                &TOKYO,
                "8125",
            ),
            secs(33) + us(500_000),
            Run::Logout,
            None,
        ),
        plan(
            visitor(
                PhoneId::generated(
                    [0x70, 0x10, 0x5c, 0x3d, 0x90, 0xb5],
                    [10, 20, 5, 26],
                    &CP_7841,
                    "pnovak",
                    "228840",
                ),
                "4026",
                &TOKYO,
                "8126",
            ),
            secs(35) + us(800_000),
            login(|o| o.tvs = TvsOutcome::Reset),
            None,
        ),
    ]
}

/// A PC of the office and an intranet web server.
const PC: Host = Host {
    mac: [0x3c, 0x52, 0x82, 0x61, 0x0a, 0x3c],
    ip: [10, 20, 5, 60],
};
const INTRANET: Ipv4 = [10, 20, 0, 80];

/// `emcc-multi-phone.pcapng`: six phones of the Paris office interleaved, and a PC
/// browsing the intranet meanwhile.
pub fn multi_phone() -> Capture {
    let mut tracks: Vec<Track> = committed_plans().iter().map(PhonePlan::track).collect();
    let server = Host {
        mac: router_mac(PC.ip),
        ip: INTRANET,
    };
    tracks.push(web_browsing(
        PC,
        server,
        secs(28),
        2,
        secs(6),
        "multi-phone pc",
    ));
    merge(tracks)
}

/// `pages` HTTP GETs from `pc` to `server`, one per connection, `gap` apart (give or take
/// a second): traffic with nothing to do with EMCC, so no `flow:` labels.
pub fn web_browsing(
    pc: Host,
    server: Host,
    start: Micros,
    pages: usize,
    gap: Micros,
    seed: &str,
) -> Track {
    let mut rng = Prng::from_label(seed);
    let mut cap = Capture::new();
    let mut t = start;
    for page in 0..pages {
        let spec = ConnSpec {
            client: Endpoint {
                host: pc,
                port: rng.range(49_152, 65_000) as u16,
            },
            client_stack: server_stack(rng.next_u32(), QUICK_ACK),
            server: Endpoint {
                host: server,
                port: 80,
            },
            server_stack: server_stack(rng.next_u32(), QUICK_ACK),
            tos: 0,
        };
        let label = format!("{seed} page {page}");
        let mut conn = TcpConn::connect(&mut cap, &spec, t, &label);
        let path = format!("/news/{}.html", rng.hex(6));
        let request = http::request("GET", &path)
            .header("Host", fmt_ip(server.ip))
            .header("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)")
            .header("Accept", "text/html");
        let t_request = t + us(400);
        conn.send(&mut cap, Dir::ToServer, t_request, &request.encode());
        let t_response = t_request + rng.range(3_000, 20_000);
        let words = rng.range(200, 3_000) as usize;
        let body = format!(
            "<html><body><h1>Office news</h1><p>{}</p></body></html>\n",
            rng.hex(words)
        );
        let response = http::response(200, "OK")
            .header("Date", http_date(t_response))
            .header("Content-Type", "text/html")
            .length_header("Content-Length")
            .body(body);
        conn.send(&mut cap, Dir::ToClient, t_response, &response.encode());
        conn.close(&mut cap, Dir::ToClient, t_response + us(300));
        conn.flush(&mut cap);
        t += gap + rng.range(0, 900_000);
    }
    Track::new(cap)
}

/// A large capture for benchmarks: `phones` phones, in offices of 200 phones (one /24
/// each, 10.100.0.0 upwards), visiting one of two clusters, homed on one of three, each
/// starting somewhere in the first `phones / 10 + 60` seconds with an outcome drawn from
/// a fixed mix (60% success, 10% refused, 5% CTL/ITL unavailable, 5% TVS reset, 3% TVS
/// silent, 5% home registration refused, 12% logout); a quarter of the phones that start
/// in the first minute are caught mid-flow. About 160 frames per phone plus 10 of web
/// traffic (one PC per office fetching one page per phone): 6000 phones make about a
/// million frames. `ground_truth` adds the `flow:` comments.
pub fn crowd(phones: usize, seed: u64, ground_truth: bool) -> Capture {
    let mut rng = Prng::from_label(&format!("crowd {seed}"));
    let span = secs(phones as u64 / 10 + 60);
    let mut tracks = Vec::with_capacity(phones + phones / OFFICE_PHONES + 1);
    for index in 0..phones {
        let office = index / OFFICE_PHONES;
        let plan = crowd_plan(index, seed, Signalling::Sip, &mut rng, span);
        let ip = plan.site.phone.host.ip;
        let mut track = plan.track();
        if !ground_truth {
            track.drop_labels();
        }
        tracks.push(track);
        if index % OFFICE_PHONES == 0 {
            let pc = Host {
                mac: [0x3c, 0x52, 0x82, ip[1], ip[2], 0x3c],
                ip: [ip[0], ip[1], ip[2], 250],
            };
            let server = Host {
                mac: router_mac(ip),
                ip: [10, 20, 0, 80],
            };
            let pages = OFFICE_PHONES.min(phones - index);
            let seed = format!("crowd {seed} pc {office}");
            let gap = span / pages as u64;
            tracks.push(web_browsing(pc, server, 0, pages, gap, &seed));
        }
    }
    merge(tracks)
}

/// Phones per office (one /24 each) in the large generated captures.
pub const OFFICE_PHONES: usize = 200;

/// The address of phone `index` of a large capture: offices of 200 phones on /24s from
/// 10.100.0.0 upwards, phones at .20 to .219.
pub fn office_address(index: usize) -> Ipv4 {
    let office = index / OFFICE_PHONES;
    [
        10,
        100 + (office / 250) as u8,
        (office % 250) as u8,
        (index % OFFICE_PHONES + 20) as u8,
    ]
}

/// The cluster an office's phones register with (offices alternate between two).
pub fn office_cluster(office: usize) -> &'static ClusterSpec {
    [&PARIS, &CROWD_LYON][office % 2]
}

/// Phone `index` of a large capture: its MAC from the index and seed, its model (one
/// that runs `signalling`) and PIN drawn from `rng`, user `userNNNNN`.
pub fn office_phone(index: usize, seed: u64, signalling: Signalling, rng: &mut Prng) -> PhoneId {
    let mut mac = [0x00, 0xeb, 0xd5, 0, 0, 0];
    mac[3..].copy_from_slice(
        &(index as u32 ^ (seed as u32).wrapping_mul(0x9e37_79b1)).to_be_bytes()[1..],
    );
    let model = match signalling {
        Signalling::Sip => [&CP_7841, &CP_7821, &CP_7821][rng.range(0, 3) as usize],
        Signalling::Sccp => [&CP_7961, &CP_7965][rng.range(0, 2) as usize],
    };
    let user = format!("user{index:05}");
    let pin = rng.decimal(6);
    PhoneId::generated(mac, office_address(index), model, &user, &pin)
}

/// A crowd phone's EMCC run: identity (see [`office_phone`]: a model that runs
/// `signalling`), home cluster, start (in the first `span`) and outcome drawn from `rng`
/// in that order, from a fixed mix: 60% success, 10% refused, 5% CTL/ITL unavailable, 5%
/// TVS reset, 3% TVS silent, 5% home registration refused, 12% logout. A quarter of the
/// phones that start in the first minute are caught mid-flow.
pub fn crowd_plan(
    index: usize,
    seed: u64,
    signalling: Signalling,
    rng: &mut Prng,
    span: Micros,
) -> PhonePlan {
    let homes = [&BOSTON, &TOKYO, &CROWD_SYDNEY];
    let id = office_phone(index, seed, signalling, rng);
    let vc = office_cluster(index / OFFICE_PHONES);
    let hc = homes[rng.range(0, homes.len() as u64) as usize];
    let site = Site {
        visiting: vc.for_phone(&id, &format!("{}", 40_000 + index)),
        home: hc.for_phone(&id, &format!("{}", 60_000 + index)),
        phone: id,
    };
    let start = rng.range(0, span);
    let run = match rng.range(0, 100) {
        0..=59 => login(|_| {}),
        60..=69 => login(|o| o.login = LoginOutcome::AuthenticationError),
        70..=74 => login(|o| o.home_trust = HomeTrust::CtlAndItlUnavailable),
        75..=79 => login(|o| o.tvs = TvsOutcome::Reset),
        80..=82 => login(|o| o.tvs = TvsOutcome::NoResponse),
        83..=87 => login(|o| o.home_register = RegisterOutcome::Forbidden),
        _ => Run::Logout,
    };
    let capture_from =
        (start < secs(60) && rng.range(0, 4) == 0).then_some(Phase::RestartAndUnregister);
    PhonePlan {
        site,
        start,
        run,
        capture_from,
    }
}

const CROWD_LYON: ClusterSpec = ClusterSpec {
    ip: [10, 21, 0, 10],
    fqdn: "cucm-lyo.emcc.example",
    cluster_id: "ClusterLyon",
    label: "lyon",
};

const CROWD_SYDNEY: ClusterSpec = ClusterSpec {
    ip: [10, 50, 0, 10],
    fqdn: "cucm-syd.emcc.example",
    cluster_id: "ClusterSydney",
    label: "sydney",
};

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::capture::Frame;
    use crate::net::flags;

    fn ipv4(f: &Frame) -> Option<&[u8]> {
        (f.data[12..14] == [0x08, 0x00]).then(|| &f.data[14..])
    }

    /// (source port, destination port, flags) of a TCP frame.
    fn tcp(f: &Frame) -> Option<(u16, u16, u8)> {
        let ip = ipv4(f)?;
        (ip[9] == 6).then(|| {
            let t = &ip[20..];
            (
                u16::from_be_bytes([t[0], t[1]]),
                u16::from_be_bytes([t[2], t[3]]),
                t[13],
            )
        })
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    /// Device name and phase of a `flow:` label.
    fn flow(f: &Frame) -> Option<(String, u8)> {
        let rest = f.label.as_deref()?.strip_prefix("flow: ")?;
        let (device, phase) = rest.split_once(" phase ")?;
        Some((device.to_string(), phase.parse().ok()?))
    }

    fn committed() -> Vec<Frame> {
        multi_phone().into_frames()
    }

    #[test]
    fn generated_phones_leave_no_trace_of_the_article_lab() {
        const ARTICLE_TEXTS: [&str; 9] = [
            "192.168.7.",
            "SEPC80084AA8743",
            "c80084aa",
            "adgjm",
            "134679",
            "lab.local",
            "ClusterOne",
            "ClusterTwo",
            "04984998-fe29-08c0-6d47-5593bf4ce606",
        ];
        for plan in committed_plans() {
            let track = plan.track();
            let phone = &plan.site.phone;
            let mut named = 0;
            for f in track.frames() {
                for text in ARTICLE_TEXTS {
                    assert!(
                        !contains(&f.data, text),
                        "{text} in a frame of {}",
                        phone.device_name
                    );
                }
                if let Some(ip) = ipv4(f) {
                    assert_ne!(ip[12..15], [192, 168, 7]);
                    assert_ne!(ip[16..19], [192, 168, 7]);
                    assert!(ip[12..16] == phone.host.ip || ip[16..20] == phone.host.ip);
                }
                named += usize::from(contains(&f.data, &phone.device_name));
            }
            assert!(named >= 3, "{} barely named", phone.device_name);
            // A logout names the device only; a login names its user too.
            let user = track
                .frames()
                .iter()
                .any(|f| contains(&f.data, &phone.user_id));
            assert_eq!(user, plan.run != Run::Logout, "{}", phone.user_id);
        }
    }

    #[test]
    fn each_phone_goes_through_the_phases_its_outcome_allows() {
        let mut phases: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for f in committed() {
            if let Some((device, phase)) = flow(&f) {
                assert!(f.ends_message && f.phase.map(Phase::number) == Some(phase));
                phases.entry(device).or_default().push(phase);
            }
        }
        let seen = |device: &str| -> (BTreeSet<u8>, u8) {
            let list = &phases[device];
            (list.iter().copied().collect(), *list.last().unwrap())
        };
        let set = |v: &[u8]| v.iter().copied().collect::<BTreeSet<u8>>();
        // Caught mid-flow, then a full login.
        assert_eq!(seen("SEPF87B20C4D019"), (set(&[3, 4, 5, 6, 7]), 7));
        assert_eq!(seen("SEP00EBD5A1C201"), (set(&[1, 2, 3, 4, 5, 6, 7]), 7));
        // CTL and ITL unavailable: stops in phase 5, falls back (still phase 5).
        assert_eq!(seen("SEPA456302B7E6A"), (set(&[1, 2, 3, 4, 5]), 5));
        // Refused by EMApp.
        assert_eq!(seen("SEP70105C3D8E42"), (set(&[1, 2]), 2));
        assert_eq!(seen("SEP00EBD5A1C3F7"), (set(&[8]), 8));
        // TVS reset: stops in phase 5, falls back.
        assert_eq!(seen("SEP70105C3D90B5"), (set(&[1, 2, 3, 4, 5]), 5));
        assert_eq!(phases.len(), 6);
    }

    #[test]
    fn the_late_phone_starts_with_its_restart_notify_on_an_open_connection() {
        let frames = committed();
        let first = &frames[0];
        assert_eq!(flow(first), Some(("SEPF87B20C4D019".to_string(), 3)));
        assert!(contains(&first.data, "NOTIFY sip:4023@10.20.5.23:"));
        let plans = committed_plans();
        let late = &plans[0].site.phone;
        let sip = |f: &Frame| {
            tcp(f).is_some_and(|(s, d, _)| s == late.sip_port_vc || d == late.sip_port_vc)
        };
        let on_sip: Vec<&Frame> = frames.iter().filter(|f| sip(f)).collect();
        assert!(on_sip.len() > 10);
        // The connection was opened before the capture: no SYN, yet it closes with FIN.
        assert!(on_sip.iter().all(|f| tcp(f).unwrap().2 & flags::SYN == 0));
        assert!(on_sip.iter().any(|f| tcp(f).unwrap().2 & flags::FIN != 0));
    }

    #[test]
    fn headers_dates_follow_each_phones_clock() {
        let mut checked = 0;
        for f in committed() {
            let Some(at) = f.data.windows(8).position(|w| w == b"\r\nDate: ") else {
                continue;
            };
            let text = &f.data[at + 8..];
            let end = text.windows(2).position(|w| w == b"\r\n").unwrap();
            let date = std::str::from_utf8(&text[..end]).unwrap();
            // The header may sit in a message's first segment, a few microseconds before
            // the time the message was stamped with.
            assert!(
                date == http_date(f.t) || date == http_date(f.t + secs(1)),
                "Date {date} on a frame at {}",
                http_date(f.t)
            );
            checked += 1;
        }
        assert!(checked > 100, "only {checked} dates");
    }

    #[test]
    fn the_tracks_interleave() {
        let frames = committed();
        assert!(frames.windows(2).all(|w| w[0].t <= w[1].t));
        let owner = |f: &Frame| ipv4(f).map(|ip| (ip[15], ip[19]));
        let mut switches = 0;
        let mut last = None;
        for f in &frames {
            if let Some(o) = owner(f) {
                switches += usize::from(last.is_some_and(|l| l != o));
                last = Some(o);
            }
        }
        assert!(switches > 50, "phones barely interleave: {switches}");
        assert!(
            (500..=1_000).contains(&frames.len()),
            "{} frames",
            frames.len()
        );
    }

    #[test]
    fn a_crowd_is_deterministic_and_holds_every_phone() {
        let a = crowd(24, 5, true);
        assert_eq!(a.to_pcapng(), crowd(24, 5, true).to_pcapng());
        assert_ne!(a.to_pcapng(), crowd(24, 6, true).to_pcapng());
        let frames = a.into_frames();
        let devices: BTreeSet<String> = frames.iter().filter_map(flow).map(|(d, _)| d).collect();
        assert_eq!(devices.len(), 24);
        let bare = crowd(24, 5, false).into_frames();
        assert_eq!(bare.len(), frames.len());
        assert!(bare.iter().all(|f| f.label.is_none()));
    }
}
