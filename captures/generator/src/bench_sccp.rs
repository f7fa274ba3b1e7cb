//! One ordinary SCCP (Skinny) phone of the benchmark capture: registered with its
//! office's cluster over one Skinny connection to TCP 2000, which it keeps alive every
//! 30 s, each KeepAlive answered by a KeepAliveAck (seed 003: after registering, "the
//! phone will send a keep alive message every 30 seconds to the primary Callmanager
//! server"); or booting during the capture the SCCP way: the SIP phone's downloads and
//! DNS lookup, then a new connection, Alarm with its restart cause, Register,
//! RegisterAck + CapabilitiesReq, CapabilitiesRes, and keepalives on that connection.
//!
//! Seed 003's other keepalives, every 60 s to the secondary node of the phone's CUCM
//! group, need a secondary: each office's cluster here is a single node, so there are
//! none. No SIP, and no calls: SCCP call signalling is out of this capture's scope.

use crate::bench_phone::{start_up, Boot};
use crate::capture::Frame;
use crate::clock::{secs, Micros};
use crate::lab::{Lab, Node};
use crate::registration::RegisterOutcome;
use crate::skinny_pdu::KEEPALIVE_PRIMARY;
use crate::topology::Site;

/// The keepAliveInterval of the RegisterAck (`skinny_pdu::register_ack`).
pub const KEEPALIVE_INTERVAL: Micros = secs(KEEPALIVE_PRIMARY as u64);
/// A phone's keepalive timer drifts a little, as its SIP sibling's refresh timer does
/// (seed 004's phone sent two keepalives 30.011 s apart); both ways, up to this much.
pub const KEEPALIVE_JITTER: Micros = 100_000;

pub struct SccpBenchPhone {
    pub site: Site,
    /// Restarts in the capture; else it was registered before and only keeps alive.
    pub boot: Option<Boot>,
    /// When a phone that does not boot sends its first keepalive: some time in its
    /// first 30 s, where its timer happens to stand when the capture starts.
    pub first_keepalive: Micros,
}

impl SccpBenchPhone {
    /// The phone's frames until `span`.
    pub fn frames(&self, span: Micros) -> Vec<Frame> {
        let node = Node::Visiting;
        let phone = &self.site.phone;
        let mut lab = Lab::at(&self.site, &phone.seed_label("bench"), 0);
        let mut t = match &self.boot {
            Some(boot) => {
                let t_syn = start_up(&mut lab, boot.at);
                let accepted = RegisterOutcome::Accepted;
                let port = phone.sip_port_vc;
                // The RegisterAck starts the keepalive interval.
                let t_ack =
                    lab.skinny_register_after_restart(node, port, t_syn, boot.restart, accepted);
                next_keepalive(&mut lab, t_ack)
            }
            None => {
                lab.adopt_skinny(node, phone.sip_port_vc);
                self.first_keepalive
            }
        };
        while t < span {
            lab.skinny_keepalive(node, t);
            t = next_keepalive(&mut lab, t);
        }
        lab.finish().into_frames()
    }
}

/// When the keepalive after one sent (or a registration acknowledged) at `t` leaves.
fn next_keepalive(lab: &mut Lab, t: Micros) -> Micros {
    t + KEEPALIVE_INTERVAL - KEEPALIVE_JITTER + lab.rng().range(0, 2 * KEEPALIVE_JITTER + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multi_phone::PARIS;
    use crate::net::flags;
    use crate::registration::BOOTED;
    use crate::skinny_pdu::{
        ALARM, CAPABILITIES_REQ, CAPABILITIES_RES, KEEP_ALIVE, KEEP_ALIVE_ACK, REGISTER,
        REGISTER_ACK, SKINNY_PORT,
    };
    use crate::topology::{PhoneId, CP_7961};

    fn phone(boot: Option<Boot>, first_keepalive: Micros) -> SccpBenchPhone {
        let id = PhoneId::generated(
            [0x00, 0xeb, 0xd5, 0x01, 0x02, 0x04],
            [10, 100, 0, 41],
            &CP_7961,
            "user00021",
            "654321",
        );
        SccpBenchPhone {
            site: Site {
                visiting: PARIS.for_phone(&id, "40021"),
                home: PARIS.for_phone(&id, "40021"),
                phone: id,
            },
            boot,
            first_keepalive,
        }
    }

    /// (time, TCP flags, Skinny message ids) of each TCP frame to or from port 2000.
    fn skinny(frames: &[Frame]) -> Vec<(Micros, u8, Vec<u32>)> {
        frames
            .iter()
            .filter(|f| f.data[12..14] == [0x08, 0x00] && f.data[23] == 6)
            .filter_map(|f| {
                let tcp = &f.data[34..];
                let port = |at: usize| u16::from_be_bytes([tcp[at], tcp[at + 1]]);
                if port(0) != SKINNY_PORT && port(2) != SKINNY_PORT {
                    return None;
                }
                let mut payload = &tcp[usize::from(tcp[12] >> 4) * 4..];
                let mut ids = Vec::new();
                while !payload.is_empty() {
                    let len = u32::from_le_bytes(payload[..4].try_into().unwrap()) as usize;
                    ids.push(u32::from_le_bytes(payload[8..12].try_into().unwrap()));
                    payload = &payload[len + 8..];
                }
                Some((f.t, tcp[13], ids))
            })
            .collect()
    }

    fn with(list: &[(Micros, u8, Vec<u32>)], id: u32) -> Vec<Micros> {
        list.iter()
            .filter(|(_, _, ids)| ids.first() == Some(&id))
            .map(|(t, _, _)| *t)
            .collect()
    }

    #[test]
    fn a_registered_phone_keeps_alive_every_30_s() {
        let frames = phone(None, 12_000_000).frames(180_000_000);
        let list = skinny(&frames);
        assert_eq!(list.len(), frames.len(), "nothing but Skinny");
        assert!(list.iter().all(|(_, fl, _)| fl & flags::SYN == 0));
        let keepalives = with(&list, KEEP_ALIVE);
        let acks = with(&list, KEEP_ALIVE_ACK);
        assert_eq!(keepalives.len(), 6, "12 s, 42 s, .. 162 s");
        assert_eq!(keepalives[0], 12_000_000);
        for w in keepalives.windows(2) {
            assert!((w[1] - w[0]).abs_diff(KEEPALIVE_INTERVAL) <= KEEPALIVE_JITTER);
        }
        assert_eq!(acks.len(), keepalives.len());
        for (k, a) in keepalives.iter().zip(&acks) {
            assert!(a > k && a - k < 2_000, "acknowledged within 2 ms");
        }
        // KeepAlive, KeepAliveAck (carrying the CUCM's ACK), the phone's ACK.
        assert_eq!(frames.len(), 3 * keepalives.len());
    }

    #[test]
    fn a_booting_phone_downloads_resolves_then_registers_in_skinny() {
        let boot = Boot {
            at: 5_000_000,
            restart: BOOTED,
            outage: (25, "LastTimeInitialized"),
        };
        let frames = phone(Some(boot), 0).frames(100_000_000);
        assert!(frames[0].data[12..14] == [0x08, 0x06], "ARP first");
        let has = |f: &Frame, text: &str| f.data.windows(text.len()).any(|w| w == text.as_bytes());
        let at = |text: &str| frames.iter().position(|f| has(f, text)).unwrap();
        let config = at("GET /SEP00EBD5010204.cnf.xml.sgn");
        let dns = at("\x08cucm-par\x04emcc\x07example\x00");
        let alarm = at("25: Name=SEP00EBD5010204 Load= SCCP41.9-4-2SR3-1S Last=Initialized");
        assert!(config < dns && dns < alarm);
        assert!(frames.iter().all(|f| !has(f, "SIP/2.0")));
        let list = skinny(&frames);
        assert_eq!(list[0].1, flags::SYN, "a new connection");
        let messages: Vec<&[u32]> = list
            .iter()
            .map(|(_, _, ids)| ids.as_slice())
            .filter(|ids| !ids.is_empty())
            .take(4)
            .collect();
        assert_eq!(
            messages,
            [
                &[ALARM][..],
                &[REGISTER],
                &[REGISTER_ACK, CAPABILITIES_REQ],
                &[CAPABILITIES_RES]
            ]
        );
        let registered = with(&list, REGISTER_ACK)[0];
        let keepalives = with(&list, KEEP_ALIVE);
        assert_eq!(keepalives.len(), 3, "about 36 s, 66 s and 96 s");
        assert!((keepalives[0] - registered).abs_diff(KEEPALIVE_INTERVAL) <= KEEPALIVE_JITTER);
        assert_eq!(with(&list, KEEP_ALIVE_ACK).len(), 3);
    }
}
