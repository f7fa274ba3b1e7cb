//! One ordinary phone of the benchmark capture: registered with its office's cluster over
//! one TCP connection, refreshing that registration, maybe booting during the capture
//! (configuration download, DNS, registration, the alarms a phone sends after it
//! starts), maybe in a call. Its SIP messages are sent in time order on the connection;
//! its calls' media come apart, as streams generated while the capture is written.

use crate::call::{CallPlan, Scheduled};
use crate::capture::Frame;
use crate::clock::{unix_us, us, Micros};
use crate::dns::{self, DNS_PORT};
use crate::lab::{Lab, Node};
use crate::net::{Host, Ipv4};
use crate::phone::{RegisterKind, Restart, ALARM_TYPE};
use crate::registration::{tl_info, Outage};
use crate::rtp::RtpStream;
use crate::tcp::{Dir, Endpoint};
use crate::topology::Site;

/// CUCM grants TCP registrations 120 s (the `Expires` of its 200 OK, the default SIP
/// Station KeepAlive Interval); the phone refreshes a little before, give or take a second.
pub const REFRESH_INTERVAL: Micros = 115_000_000;
const REFRESH_JITTER: Micros = 1_000_000;
/// Two SIP messages on one connection never leave closer together than this.
const MIN_GAP: Micros = 150;
/// The node's 100 Trying and 200 OK follow a REGISTER by this much.
const REGISTER_TRYING: Micros = 900;
const REGISTER_OK: Micros = 1_700;

/// The phone restarts during the capture.
pub struct Boot {
    pub at: Micros,
    /// Why, as its first REGISTER's Reason header (or an SCCP phone's Alarm) says.
    pub restart: Restart,
    /// The outage a SIP phone reports in LastOutOfServiceInformation: reason code and
    /// text.
    pub outage: (u32, &'static str),
}

pub struct BenchPhone {
    pub site: Site,
    /// Restarts in the capture; else it was registered before and only refreshes.
    pub boot: Option<Boot>,
    /// The restart its REGISTERs report when it does not boot in the capture.
    pub last_restart: Restart,
    /// When a phone that does not boot sends its first refresh, and the CSeq before it.
    pub first_refresh: Micros,
    pub cseq: u32,
    pub calls: Vec<CallPlan>,
}

/// The DNS server every office uses, on another subnet.
pub const DNS_SERVER: Ipv4 = [10, 20, 0, 53];

impl BenchPhone {
    /// The phone's signalling, HTTP and DNS frames until `span`, and its calls' media.
    pub fn frames(&self, span: Micros) -> (Vec<Frame>, Vec<RtpStream>) {
        let phone = &self.site.phone;
        let node = Node::Visiting;
        let mut lab = Lab::at(&self.site, &phone.seed_label("bench"), 0);
        let (restart, first_refresh) = match &self.boot {
            Some(boot) => (
                boot.restart,
                self.boot_up(&mut lab, boot) + REFRESH_INTERVAL,
            ),
            None => {
                lab.adopt_sip(node, phone.sip_port_vc);
                lab.assume_registered(node, self.cseq);
                (self.last_restart, self.first_refresh)
            }
        };
        let mut plan: Vec<Scheduled> = Vec::new();
        let mut t = first_refresh;
        while t < span {
            let reg = lab.phone_register(node, t, &RegisterKind::Bind(restart));
            let cucm = lab.cucm(node);
            let trying = cucm.trying(&reg, t + REGISTER_TRYING);
            let ok = cucm.refreshed(&reg, t + REGISTER_OK);
            plan.push(Scheduled::from_phone(t, reg));
            plan.push(Scheduled::to_phone(t + REGISTER_TRYING, trying));
            plan.push(Scheduled::to_phone(t + REGISTER_OK, ok));
            t += REFRESH_INTERVAL - REFRESH_JITTER + lab.rng().range(0, 2 * REFRESH_JITTER);
        }
        let mut media = Vec::with_capacity(2 * self.calls.len());
        for (i, call) in self.calls.iter().enumerate() {
            plan.extend(call.messages(&mut lab, node));
            let label = phone.seed_label(&format!("bench call {i}"));
            media.extend(call.media(phone, span, &label));
        }
        plan.retain(|s| s.t < span);
        plan.sort_by_key(|s| s.t); // stable: a message built first goes first on a tie
        let mut last = 0;
        for s in &plan {
            let t = s.t.max(last + MIN_GAP);
            lab.sip_send(node, s.dir, t, &s.msg, None);
            last = t;
        }
        (lab.finish().into_frames(), media)
    }

    /// The phone starts up at `boot.at` (see [`start_up`]), connects and registers, then
    /// reports its trust list and its last outage. Returns when it registered.
    fn boot_up(&self, lab: &mut Lab, boot: &Boot) -> Micros {
        let node = Node::Visiting;
        let phone = &self.site.phone;
        let c = &self.site.visiting;
        let t0 = boot.at;
        let t = start_up(lab, t0);
        lab.open_sip(node, phone.sip_port_vc, t);
        let t_reg = t + us(1_300);
        let reg = lab.phone_register(node, t_reg, &RegisterKind::Bind(boot.restart));
        lab.sip_send(node, Dir::ToServer, t_reg, &reg, None);
        let trying = lab.cucm(node).trying(&reg, t_reg + REGISTER_TRYING);
        lab.sip_send(node, Dir::ToClient, t_reg + REGISTER_TRYING, &trying, None);
        let ok = lab.cucm(node).registered(&reg, t_reg + REGISTER_OK, false);
        lab.sip_send(node, Dir::ToClient, t_reg + REGISTER_OK, &ok, None);

        let path = lab.sip_path(node);
        let t = t_reg + us(118_000);
        let refer = lab.phone.refer(path, t, ALARM_TYPE, &tl_info(phone, c));
        lab.sip_send(node, Dir::ToServer, t, &refer, None);
        let accepted = lab.cucm(node).accepted(&refer, t + us(2_700));
        lab.sip_send(node, Dir::ToClient, t + us(2_700), &accepted, None);
        let (reason, text) = boot.outage;
        let down_for = lab.rng().range(20_000_000, 300_000_000);
        let outage = Outage {
            reason,
            text,
            node,
            local_port: lab.ephemeral_port(),
            at_unix_ms: (unix_us(t0) - down_for) / 1_000,
            last_cseq: self.cseq,
        };
        let t = t + us(352_000);
        let report = lab.out_of_service_report(&outage);
        let refer = lab.phone.refer(path, t, ALARM_TYPE, &report);
        lab.sip_send(node, Dir::ToServer, t, &refer, None);
        let accepted = lab.cucm(node).accepted(&refer, t + us(2_500));
        lab.sip_send(node, Dir::ToClient, t + us(2_500), &accepted, None);
        t_reg
    }
}

/// A phone powered up or restarted at `t0` finds its router, downloads its trust list and
/// configuration and resolves its node's name, the same whatever it signals with; returns
/// when it connects to the node.
pub fn start_up(lab: &mut Lab, t0: Micros) -> Micros {
    let node = Node::Visiting;
    let c = lab.cluster(node);
    lab.arp(node, t0);
    lab.visiting_downloads(t0 + us(40_000), false);
    let t = t0 + us(1_150_000);
    let answered = resolve(lab, t, &c.fqdn, c.host.ip);
    answered + us(30_000)
}

/// The phone asks the office's DNS server for `name`'s address at `t`; returns when the
/// answer arrives.
fn resolve(lab: &mut Lab, t: Micros, name: &str, address: Ipv4) -> Micros {
    let phone = lab.phone_id();
    let me = phone.endpoint(lab.ephemeral_port());
    let server = Endpoint {
        host: Host {
            mac: phone.gateway.mac,
            ip: DNS_SERVER,
        },
        port: DNS_PORT,
    };
    let id = lab.rng().next_u32() as u16;
    lab.udp(me, server, t, &dns::query(id, name, dns::TYPE_A));
    let t_answer = t + lab.rng().range(600, 1_800);
    let answer = dns::answer(id, name, dns::TYPE_A, &[address], 3_600);
    lab.udp(server, me, t_answer, &answer);
    t_answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multi_phone::PARIS;
    use crate::net::flags;
    use crate::registration::BOOTED;
    use crate::topology::{PhoneId, CP_7841};

    fn phone(boot: Option<Boot>, first_refresh: Micros) -> BenchPhone {
        let id = PhoneId::generated(
            [0x00, 0xeb, 0xd5, 0x01, 0x02, 0x03],
            [10, 100, 0, 40],
            &CP_7841,
            "user00020",
            "654321",
        );
        BenchPhone {
            site: Site {
                visiting: PARIS.for_phone(&id, "40020"),
                home: PARIS.for_phone(&id, "40020"),
                phone: id,
            },
            boot,
            last_restart: Restart {
                code: 14,
                last: "CM-closed-TCP",
                style: crate::phone::LoadStyle::Single,
            },
            first_refresh,
            cseq: 700,
            calls: Vec::new(),
        }
    }

    fn has(f: &Frame, text: &str) -> bool {
        f.data.windows(text.len()).any(|w| w == text.as_bytes())
    }

    fn first(frames: &[Frame], text: &str) -> usize {
        frames
            .iter()
            .position(|f| has(f, text))
            .unwrap_or_else(|| panic!("no {text}"))
    }

    fn syn(f: &Frame) -> bool {
        f.data[23] == 6 && f.data[47] & flags::SYN != 0
    }

    #[test]
    fn a_registered_phone_refreshes_reporting_its_last_restart() {
        let (frames, media) = phone(None, 10_000_000).frames(250_000_000);
        assert!(media.is_empty());
        assert!(frames.windows(2).all(|w| w[0].t <= w[1].t));
        let registers: Vec<&Frame> = frames
            .iter()
            .filter(|f| has(f, "REGISTER sip:10.20.0.10 SIP/2.0\r\n"))
            .collect();
        // At 10 s, about 125 s and about 240 s.
        assert_eq!(registers.len(), 3);
        for (i, r) in registers.iter().enumerate() {
            assert!(has(r, "cisco-alarm:14 Name=SEP00EBD5010203"));
            assert!(has(r, &format!("CSeq: {} REGISTER", 701 + i)));
        }
        let gap = registers[1].t - registers[0].t;
        assert!(gap.abs_diff(REFRESH_INTERVAL) <= REFRESH_JITTER);
        let oks: Vec<&Frame> = frames.iter().filter(|f| has(f, "SIP/2.0 200 OK")).collect();
        assert_eq!(oks.len(), 3);
        assert!(oks
            .iter()
            .all(|f| has(f, "Expires: 120") && !has(f, "x-cisco-newreg")));
        assert!(
            frames.iter().all(|f| !syn(f)),
            "the connection predates the capture"
        );
    }

    #[test]
    fn a_booting_phone_downloads_resolves_registers_then_reports() {
        let boot = Boot {
            at: 5_000_000,
            restart: BOOTED,
            outage: (25, "LastTimeInitialized"),
        };
        let (frames, _) = phone(Some(boot), 0).frames(200_000_000);
        assert!(frames[0].data[12..14] == [0x08, 0x06], "ARP first");
        assert_eq!(frames[0].t, 5_000_000);
        let steps = [
            "GET /CTLSEP00EBD5010203.tlv",
            "GET /ITLSEP00EBD5010203.tlv",
            "GET /SEP00EBD5010203.cnf.xml.sgn",
            "\x08cucm-par\x04emcc\x07example\x00",
            "REGISTER sip:10.20.0.10",
            "<Alarm Name=\"DeviceTLInfo\">",
            "<Alarm Name=\"LastOutOfServiceInformation\">",
        ];
        let at: Vec<usize> = steps.iter().map(|s| first(&frames, s)).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
        let register = &frames[at[4]];
        assert!(has(register, "cisco-alarm:25 Name=SEP00EBD5010203"));
        assert!(has(register, "Last=Initialized"));
        assert!(syn(&frames[at[4] - 3]), "a new SIP connection");
        assert!(has(
            &frames[first(&frames, "SIP/2.0 200 OK")],
            "x-cisco-newreg"
        ));
        // Then it refreshes, its first REGISTER's dialog going on.
        let registers: Vec<&Frame> = frames
            .iter()
            .filter(|f| has(f, "REGISTER sip:10.20.0.10 SIP/2.0\r\n"))
            .collect();
        assert_eq!(registers.len(), 2);
        assert!(registers[1].t - registers[0].t >= REFRESH_INTERVAL - REFRESH_JITTER);
        assert!(has(registers[1], "Last=Initialized"));
    }
}
