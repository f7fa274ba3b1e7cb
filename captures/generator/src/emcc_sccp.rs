//! `emcc-sccp`: four SCCP (Skinny) phones of the Paris office (10.20.6.0/24) doing EMCC,
//! built as `emcc-multi-phone` is (one lab per phone, tracks interleaved by time, a
//! `flow:` phase label on every message): their registrations, restarts and
//! unregisters are Skinny on TCP 2000 (`registration_sccp.rs`), the rest (EMApp,
//! downloads, TVS) is what a SIP phone does. One phone is caught mid-flow, one logs in,
//! one is refused by its home cluster's RegisterReject and falls back, one logs out.

use crate::capture::Capture;
use crate::clock::{secs, us};
use crate::mix::merge;
use crate::multi_phone::{login, visitor, PhonePlan, Run, BOSTON, TOKYO};
use crate::phase::Phase;
use crate::registration::RegisterOutcome;
use crate::topology::{PhoneId, CP_7961, CP_7965};

/// The four phones, in the order their tracks are merged (their first frames' order).
/// Their starts keep every registration in the capture shorter than the 30 s keepalive
/// interval it grants (the late phone's home registration, the logout's registration
/// back on the VC end with the capture): no KeepAlive is due, so every Skinny message
/// belongs to one phase of one flow.
pub fn plans() -> Vec<PhonePlan> {
    let plan = |site, start, run, capture_from| PhonePlan {
        site,
        start,
        run,
        capture_from,
    };
    vec![
        // Its login started before the capture: the first frame is its Reset.
        plan(
            visitor(
                PhoneId::generated(
                    [0x00, 0x24, 0xc4, 0x18, 0xf2, 0x5d],
                    [10, 20, 6, 24],
                    &CP_7965,
                    "ynakamura",
                    "613942",
                ),
                "4034",
                &TOKYO,
                "8134",
            ),
            0,
            login(|_| {}),
            Some(Phase::RestartAndUnregister),
        ),
        plan(
            visitor(
                PhoneId::generated(
                    [0x00, 0x1e, 0x4a, 0x3b, 0x61, 0x07],
                    [10, 20, 6, 21],
                    &CP_7961,
                    "ebernard",
                    "530217",
                ),
                "4031",
                &BOSTON,
                "6131",
            ),
            secs(27),
            login(|_| {}),
            None,
        ),
        plan(
            visitor(
                PhoneId::generated(
                    [0x00, 0x22, 0x90, 0x5c, 0x12, 0xa8],
                    [10, 20, 6, 22],
                    &CP_7965,
                    "hmuller",
                    "884150",
                ),
                "4032",
                &TOKYO,
                "8132",
            ),
            secs(28) + us(200_000),
            login(|o| o.home_register = RegisterOutcome::Forbidden),
            None,
        ),
        plan(
            visitor(
                PhoneId::generated(
                    [0x00, 0x1b, 0xd4, 0x77, 0x0e, 0x3c],
                    [10, 20, 6, 23],
                    &CP_7961,
                    "sdubois",
                    "271605",
                ),
                "4033",
                &BOSTON,
                "6133",
            ),
            secs(34),
            Run::Logout,
            None,
        ),
    ]
}

/// `emcc-sccp.pcapng`: the four phones interleaved.
pub fn emcc_sccp() -> Capture {
    merge(plans().iter().map(PhonePlan::track).collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::capture::Frame;
    use crate::net::{flags, Ipv4};
    use crate::skinny_pdu::*;

    /// What the tests read of a TCP frame.
    struct Segment<'a> {
        src: Ipv4,
        sport: u16,
        dport: u16,
        flags: u8,
        payload: &'a [u8],
    }

    impl<'a> Segment<'a> {
        fn on_skinny(&self) -> bool {
            self.sport == SKINNY_PORT || self.dport == SKINNY_PORT
        }

        /// The phone's end of the connection.
        fn phone_port(&self) -> u16 {
            if self.sport == SKINNY_PORT {
                self.dport
            } else {
                self.sport
            }
        }

        /// The Skinny PDUs it carries (none on other ports).
        fn pdus(&self) -> Vec<(u32, &'a [u8])> {
            if self.on_skinny() {
                pdus(self.payload)
            } else {
                Vec::new()
            }
        }
    }

    fn tcp(f: &Frame) -> Option<Segment<'_>> {
        if f.data[12..14] != [0x08, 0x00] || f.data[23] != 6 {
            return None;
        }
        let ip = &f.data[14..];
        let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
        let t = &ip[usize::from(ip[0] & 0x0f) * 4..total];
        let port = |at: usize| u16::from_be_bytes([t[at], t[at + 1]]);
        Some(Segment {
            src: ip[12..16].try_into().unwrap(),
            sport: port(0),
            dport: port(2),
            flags: t[13],
            payload: &t[usize::from(t[12] >> 4) * 4..],
        })
    }

    /// The PDUs of a Skinny segment, each whole: (message id, PDU). Fails on a PDU whose
    /// data length does not match the bytes that follow.
    fn pdus(mut data: &[u8]) -> Vec<(u32, &[u8])> {
        let mut out = Vec::new();
        while !data.is_empty() {
            let length = u32::from_le_bytes(data[..4].try_into().unwrap()) as usize;
            assert!(data.len() >= 8 + length, "a PDU runs past its segment");
            assert_eq!(data[4..8], [0; 4], "header version");
            let id = u32::from_le_bytes(data[8..12].try_into().unwrap());
            out.push((id, &data[..8 + length]));
            data = &data[8 + length..];
        }
        out
    }

    fn flow(f: &Frame) -> Option<(String, u8)> {
        let rest = f.label.as_deref()?.strip_prefix("flow: ")?;
        let (device, phase) = rest.split_once(" phase ")?;
        Some((device.to_string(), phase.parse().ok()?))
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    /// Every Skinny message of the capture, per device: (phase, message id), in order.
    fn skinny_messages() -> BTreeMap<String, Vec<(u8, u32)>> {
        let mut seen: BTreeMap<String, Vec<(u8, u32)>> = BTreeMap::new();
        for f in emcc_sccp().into_frames() {
            let Some(s) = tcp(&f) else { continue };
            if s.payload.is_empty() || !s.on_skinny() {
                continue;
            }
            let (device, phase) = flow(&f).expect("every Skinny segment is labelled");
            let list = seen.entry(device).or_default();
            list.extend(s.pdus().into_iter().map(|(id, _)| (phase, id)));
        }
        seen
    }

    const ACCEPTED: [u32; 5] = [
        ALARM,
        REGISTER,
        REGISTER_ACK,
        CAPABILITIES_REQ,
        CAPABILITIES_RES,
    ];
    const RESTART: [u32; 4] = [RESET, ENHANCED_ALARM, UNREGISTER, UNREGISTER_ACK];

    fn in_phase(phase: u8, ids: &[u32]) -> Vec<(u8, u32)> {
        ids.iter().map(|&id| (phase, id)).collect()
    }

    #[test]
    fn each_phone_sends_its_skinny_messages_in_their_phases() {
        let seen = skinny_messages();
        let full_login = [
            in_phase(1, &ACCEPTED),
            in_phase(3, &RESTART),
            in_phase(7, &ACCEPTED),
        ];
        assert_eq!(seen["SEP001E4A3B6107"], full_login.concat());
        let mid_flow = [in_phase(3, &RESTART), in_phase(7, &ACCEPTED)];
        assert_eq!(seen["SEP0024C418F25D"], mid_flow.concat());
        // Refused at home; the fallback carries the phase the login stopped in.
        let rejected = [
            in_phase(1, &ACCEPTED),
            in_phase(3, &RESTART),
            in_phase(7, &[ALARM, REGISTER, REGISTER_REJECT]),
            in_phase(7, &ACCEPTED),
        ];
        assert_eq!(seen["SEP0022905C12A8"], rejected.concat());
        let logout = [in_phase(8, &RESTART), in_phase(8, &ACCEPTED)];
        assert_eq!(seen["SEP001BD4770E3C"], logout.concat());
        assert_eq!(seen.len(), 4);
    }

    #[test]
    fn alarms_name_each_restart_cause() {
        let mut texts: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in emcc_sccp().into_frames() {
            let Some(s) = tcp(&f) else { continue };
            for (id, pdu) in s.pdus() {
                if id == ALARM {
                    let text = &pdu[16..96];
                    let end = text.iter().position(|&b| b == 0).unwrap();
                    let text = String::from_utf8(text[..end].to_vec()).unwrap();
                    texts.entry(flow(&f).unwrap().0).or_default().push(text);
                }
            }
        }
        let rejected = &texts["SEP0022905C12A8"];
        assert_eq!(
            rejected[0],
            "25: Name=SEP0022905C12A8 Load= SCCP45.9-4-2SR3-1S Last=Initialized"
        );
        assert!(
            rejected[1].starts_with("23: Name=SEP0022905C12A8 ")
                && rejected[1].ends_with(" Last=Reset-Restart")
        );
        assert!(rejected[2].starts_with("24: ") && rejected[2].ends_with(" Last=Phone-Reg-Rej"));
        assert_eq!(
            texts["SEP001BD4770E3C"],
            ["23: Name=SEP001BD4770E3C Load= SCCP41.9-4-2SR3-1S Last=reset-restart"]
        );
    }

    #[test]
    fn pdus_carry_the_phones_identities() {
        let frames = emcc_sccp().into_frames();
        let mut registers = 0;
        for plan in plans() {
            let phone = &plan.site.phone;
            let sent = frames
                .iter()
                .filter_map(tcp)
                .filter(|s| s.src == phone.host.ip);
            for (id, pdu) in sent.flat_map(|s| s.pdus()) {
                if id == REGISTER {
                    let name = &pdu[12..12 + phone.device_name.len()];
                    assert_eq!(name, phone.device_name.as_bytes());
                    assert_eq!(pdu[36..40], phone.host.ip);
                    let device_type = u32::from_le_bytes(pdu[40..44].try_into().unwrap());
                    assert_eq!(device_type, phone.model.device_type());
                    registers += 1;
                }
                if id == ENHANCED_ALARM {
                    assert!(contains(pdu, "<Alarm Name=\"DeviceTLInfo\">"));
                    assert!(pdu.ends_with(b"</x-cisco-alarm>\n\0"));
                    assert!(contains(pdu, &phone.device_name));
                }
            }
        }
        // Seven Registers: with the VC and the HC for each login seen whole, the fallback,
        // the logout's, and the home one of the phone caught mid-flow.
        assert_eq!(registers, 7);
        let reject = frames
            .iter()
            .filter_map(tcp)
            .flat_map(|s| s.pdus())
            .find(|(id, _)| *id == REGISTER_REJECT)
            .unwrap();
        assert_eq!(reject.1, register_reject("Unknown Device"));
    }

    #[test]
    fn the_capture_is_skinny_only_without_keepalives() {
        for f in emcc_sccp().into_frames() {
            assert!(!contains(&f.data, "SIP/2.0"));
            if let Some(s) = tcp(&f) {
                assert!(s.sport != 5060 && s.dport != 5060);
                let ids: Vec<u32> = s.pdus().iter().map(|p| p.0).collect();
                assert!(!ids.contains(&KEEP_ALIVE) && !ids.contains(&KEEP_ALIVE_ACK));
            }
            let comment = f.comment.as_deref().unwrap_or("");
            assert!(!comment.contains("article #"), "{comment}");
        }
    }

    #[test]
    fn no_registration_outlives_its_keepalive_interval() {
        let frames = emcc_sccp().into_frames();
        let end = frames.last().unwrap().t;
        // Per connection (its phone-side port): when CUCM acknowledged the registration,
        // and when the connection closed.
        let mut acked = BTreeMap::new();
        let mut closed = BTreeMap::new();
        for f in &frames {
            let Some(s) = tcp(f) else { continue };
            if s.pdus().iter().any(|p| p.0 == REGISTER_ACK) {
                acked.insert(s.phone_port(), f.t);
            }
            if s.on_skinny() && s.flags & flags::FIN != 0 {
                closed.entry(s.phone_port()).or_insert(f.t);
            }
        }
        // The late phone's first registration is not in the capture.
        assert_eq!(acked.len(), 6);
        let interval = secs(u64::from(KEEPALIVE_PRIMARY));
        for (port, t) in acked {
            let until = closed.get(&port).copied().unwrap_or(end);
            assert!(
                until - t < interval,
                "port {port}: a KeepAlive would be due"
            );
        }
    }

    #[test]
    fn the_late_phone_starts_with_its_reset_on_an_open_connection() {
        let frames = emcc_sccp().into_frames();
        let first = &frames[0];
        assert_eq!(flow(first), Some(("SEP0024C418F25D".to_string(), 3)));
        let s = tcp(first).unwrap();
        assert_eq!(s.sport, SKINNY_PORT);
        assert_eq!(s.payload, reset(RESET_TYPE_RESTART));
        let port = plans()[0].site.phone.sip_port_vc;
        let on_link: Vec<u8> = frames
            .iter()
            .filter_map(tcp)
            .filter(|s| s.on_skinny() && s.phone_port() == port)
            .map(|s| s.flags)
            .collect();
        assert!(on_link.len() > 5);
        assert!(on_link.iter().all(|&f| f & flags::SYN == 0));
        assert!(on_link.iter().any(|&f| f & flags::FIN != 0));
    }

    #[test]
    fn the_tracks_interleave() {
        let frames = emcc_sccp().into_frames();
        assert!(frames.windows(2).all(|w| w[0].t <= w[1].t));
        // The phone's address among a frame's two (ARP frames have none).
        let phone = |f: &Frame| {
            let ips = (f.data[12..14] == [0x08, 0x00]).then(|| &f.data[26..34])?;
            Some(if ips[..3] == [10, 20, 6] {
                ips[3]
            } else {
                ips[7]
            })
        };
        let mut owners: Vec<u8> = frames.iter().filter_map(phone).collect();
        owners.dedup();
        assert!(
            owners.len() > 20,
            "phones barely interleave: {}",
            owners.len()
        );
        let count = frames.len();
        assert!((400..=700).contains(&count), "{count} frames");
    }
}
