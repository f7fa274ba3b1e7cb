//! A phone's voice call with a PSTN party behind a voice gateway, as the phone's SIP
//! connection to its CUCM node carries it: INVITE (with an SDP offer), 100 Trying,
//! 180 Ringing, 200 OK (with the SDP answer), ACK; later BYE and its 200 OK. The media
//! flows between the phone and the gateway, on the address and port each SDP names.
//!
//! Header shapes follow the phone's REGISTER and REFER (`phone.rs`) and CUCM's answers
//! (`cucm.rs`); CUCM relays the gateway's media description as its own.

use crate::clock::{http_date, Micros};
use crate::lab::{Lab, Node};
use crate::message::TextMessage;
use crate::net::Ipv4;
use crate::phone::{device_contact, ALLOW, SUPPORTED};
use crate::rtp::{MediaEnd, RtpStream};
use crate::sdp::{self, Audio};
use crate::sip;
use crate::tcp::Dir;
use crate::topology::{PhoneId, SIP_PORT};

/// CUCM relays the INVITE to the gateway and answers the phone with 100 this soon.
const CUCM_TRYING: Micros = 1_100;
/// A phone answers an INVITE with 100 Trying this soon.
const PHONE_TRYING: Micros = 600;
/// The ACK follows the 200 OK by this much (the peer's round trip and processing).
const ACK_DELAY: Micros = 3_800;
/// The 200 OK to a BYE.
const BYE_OK_DELAY: Micros = 2_900;
/// Media starts this long after the 200 OK: the phone's and the gateway's first packets.
const PHONE_MEDIA_DELAY: Micros = 14_000;
const GATEWAY_MEDIA_DELAY: Micros = 6_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    /// The phone dials out.
    Outgoing,
    /// A PSTN caller rings the phone through CUCM.
    Incoming,
}

/// One call: who calls whom, when each step happens (capture times), which media ports.
#[derive(Clone, Debug)]
pub struct CallPlan {
    pub direction: Direction,
    /// The INVITE.
    pub start: Micros,
    /// The 180 Ringing.
    pub ringing: Micros,
    /// The 200 OK that answers the INVITE.
    pub answer: Micros,
    /// The BYE (it may come after the capture ends).
    pub hangup: Micros,
    /// The phone's user hangs up first (else the PSTN party, through CUCM).
    pub phone_hangs_up: bool,
    /// The PSTN party's number.
    pub far_number: String,
    /// The phone's RTP port and its SDP session id.
    pub phone_port: u16,
    pub phone_session: u32,
    /// The voice gateway's media address and port, and CUCM's SDP session id for them.
    pub gateway: Ipv4,
    pub gateway_port: u16,
    pub gateway_session: u32,
}

/// A SIP message to send on the phone's connection at `t` (its last segment's time).
pub struct Scheduled {
    pub t: Micros,
    pub dir: Dir,
    pub msg: TextMessage,
}

impl CallPlan {
    fn phone_sdp(&self, phone: &PhoneId) -> String {
        Audio {
            writer: sdp::Writer::Phone,
            session_id: self.phone_session,
            ip: phone.host.ip,
            port: self.phone_port,
        }
        .encode()
    }

    fn gateway_sdp(&self) -> String {
        Audio {
            writer: sdp::Writer::Cucm,
            session_id: self.gateway_session,
            ip: self.gateway,
            port: self.gateway_port,
        }
        .encode()
    }

    /// The media in both directions, from just after the 200 OK until the BYE or `until`
    /// (the end of the capture), whichever comes first. The gateway is on another subnet:
    /// its packets carry the phone's router's MAC.
    pub fn media(&self, phone: &PhoneId, until: Micros, label: &str) -> [RtpStream; 2] {
        let end = self.hangup.min(until);
        let near = MediaEnd {
            mac: phone.host.mac,
            ip: phone.host.ip,
            port: self.phone_port,
        };
        let far = MediaEnd {
            mac: phone.gateway.mac,
            ip: self.gateway,
            port: self.gateway_port,
        };
        [
            RtpStream::new(
                near,
                far,
                self.answer + PHONE_MEDIA_DELAY,
                end,
                &format!("{label} out"),
            ),
            RtpStream::new(
                far,
                near,
                self.answer + GATEWAY_MEDIA_DELAY,
                end,
                &format!("{label} in"),
            ),
        ]
    }

    /// Every SIP message of the call on the phone's connection to `node`, in the order
    /// they are built (not necessarily time order); the caller drops those after the
    /// capture's end.
    pub fn messages(&self, lab: &mut Lab, node: Node) -> Vec<Scheduled> {
        match self.direction {
            Direction::Outgoing => self.outgoing(lab, node),
            Direction::Incoming => self.incoming(lab, node),
        }
    }

    fn outgoing(&self, lab: &mut Lab, node: Node) -> Vec<Scheduled> {
        let path = lab.sip_path(node);
        let (phone, c) = (path.phone, path.cluster);
        let line = &c.line_dn;
        let far = &self.far_number;
        let from = format!(
            "\"{line}\" <sip:{line}@{}>;tag={}",
            c.ip,
            lab.phone.new_tag()
        );
        let to = format!("<sip:{far}@{}>", c.ip);
        let call_id = lab.phone.new_call_id();
        let session = lab.phone.session_id();
        let ua = phone.model.user_agent;
        let invite = sip::request("INVITE", &format!("sip:{far}@{};user=phone", c.ip))
            .header("Via", lab.phone.via(path))
            .header("From", from.as_str())
            .header("To", to.as_str())
            .header("Call-ID", call_id.as_str())
            .header("Max-Forwards", "70")
            .header("Session-ID", session.as_str())
            .header("Date", http_date(self.start))
            .header("CSeq", "101 INVITE")
            .header("User-Agent", ua)
            .header("Contact", device_contact(path))
            .header("Expires", "180")
            .header("Accept", "application/sdp")
            .header("Allow", ALLOW)
            .header(
                "Remote-Party-ID",
                format!(
                    "\"{line}\" <sip:{line}@{}>;party=calling;id-type=subscriber;privacy=off;screen=yes",
                    c.ip
                ),
            )
            .header("Supported", SUPPORTED)
            .header("Allow-Events", "kpml,dialog")
            .length_header("Content-Length")
            .header("Content-Type", "application/sdp")
            .header("Content-Disposition", "session;handling=optional")
            .body(self.phone_sdp(phone));
        let cucm = lab.cucm(node);
        let to_tag = cucm.tag();
        let trying = cucm.trying(&invite, self.start + CUCM_TRYING);
        let called = format!("<sip:{far}@{}>;party=called;screen=no;privacy=off", c.ip);
        let far_contact = format!("<sip:{far}@{}:{SIP_PORT};transport=tcp>", c.ip);
        let ringing = sip::response_to(&invite, 180, "Ringing", &to_tag, &http_date(self.ringing))
            .header(
                "Allow",
                "INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY",
            )
            .header("Remote-Party-ID", called.as_str())
            .header("Contact", far_contact.as_str())
            .length_header("Content-Length");
        let ok = sip::response_to(&invite, 200, "OK", &to_tag, &http_date(self.answer))
            .header(
                "Allow",
                "INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY",
            )
            .header("Remote-Party-ID", called.as_str())
            .header("Contact", far_contact.as_str())
            .header("Supported", "replaces")
            .header("Content-Type", "application/sdp")
            .length_header("Content-Length")
            .body(self.gateway_sdp());
        let to_tagged = format!("{to};tag={to_tag}");
        let far_uri = format!("sip:{far}@{}:{SIP_PORT};transport=tcp", c.ip);
        let t_ack = self.answer + ACK_DELAY;
        let ack = sip::request("ACK", &far_uri)
            .header("Via", lab.phone.via(path))
            .header("From", from.as_str())
            .header("To", to_tagged.as_str())
            .header("Call-ID", call_id.as_str())
            .header("Max-Forwards", "70")
            .header("Session-ID", session.as_str())
            .header("Date", http_date(t_ack))
            .header("CSeq", "101 ACK")
            .header("User-Agent", ua)
            .length_header("Content-Length");
        let mut out = vec![
            Scheduled::from_phone(self.start, invite),
            Scheduled::to_phone(self.start + CUCM_TRYING, trying),
            Scheduled::to_phone(self.ringing, ringing),
            Scheduled::to_phone(self.answer, ok),
            Scheduled::from_phone(t_ack, ack),
        ];
        let t_ok = self.hangup + BYE_OK_DELAY;
        if self.phone_hangs_up {
            let bye = sip::request("BYE", &far_uri)
                .header("Via", lab.phone.via(path))
                .header("From", from.as_str())
                .header("To", to_tagged.as_str())
                .header("Call-ID", call_id.as_str())
                .header("Max-Forwards", "70")
                .header("Session-ID", session.as_str())
                .header("Date", http_date(self.hangup))
                .header("CSeq", "102 BYE")
                .header("User-Agent", ua)
                .length_header("Content-Length");
            let ok = cucm_ok(&bye, self.hangup + BYE_OK_DELAY);
            out.push(Scheduled::from_phone(self.hangup, bye));
            out.push(Scheduled::to_phone(t_ok, ok));
        } else {
            let phone_uri = format!(
                "sip:{}@{}:{};transport=tcp",
                phone.contact_user, phone.ip, path.local_port
            );
            let bye = sip::request("BYE", &phone_uri)
                .header("Via", lab.cucm(node).via())
                .header("From", to_tagged.as_str())
                .header("To", from.as_str())
                .header("Date", http_date(self.hangup))
                .header("Call-ID", call_id.as_str())
                .header("User-Agent", crate::cucm::SERVER)
                .header("Max-Forwards", "70")
                .header("CSeq", "101 BYE")
                .header("Reason", "Q.850;cause=16")
                .length_header("Content-Length");
            let ok = phone_ok(&bye, ua, t_ok);
            out.push(Scheduled::to_phone(self.hangup, bye));
            out.push(Scheduled::from_phone(t_ok, ok));
        }
        out
    }

    fn incoming(&self, lab: &mut Lab, node: Node) -> Vec<Scheduled> {
        let path = lab.sip_path(node);
        let (phone, c) = (path.phone, path.cluster);
        let line = &c.line_dn;
        let far = &self.far_number;
        let ua = phone.model.user_agent;
        let phone_uri = format!(
            "sip:{}@{}:{};transport=tcp",
            line, phone.ip, path.local_port
        );
        let cucm = lab.cucm(node);
        let from = format!("\"{far}\" <sip:{far}@{}>;tag={}", c.ip, cucm.tag());
        let to = format!("<sip:{line}@{}>", phone.ip);
        let call_id = cucm.call_id();
        let invite = sip::request("INVITE", &phone_uri)
            .header("Via", cucm.via())
            .header("From", from.as_str())
            .header("To", to.as_str())
            .header("Date", http_date(self.start))
            .header("Call-ID", call_id.as_str())
            .header("Supported", "timer,resource-priority,replaces")
            .header("Min-SE", "1800")
            .header("User-Agent", crate::cucm::SERVER)
            .header(
                "Allow",
                "INVITE, OPTIONS, INFO, BYE, CANCEL, ACK, PRACK, UPDATE, REFER, SUBSCRIBE, NOTIFY",
            )
            .header("CSeq", "101 INVITE")
            .header("Expires", "180")
            .header("Allow-Events", "presence, kpml")
            .header(
                "Remote-Party-ID",
                format!(
                    "\"{far}\" <sip:{far}@{}>;party=calling;screen=yes;privacy=off",
                    c.ip
                ),
            )
            .header(
                "Contact",
                format!("<sip:{far}@{}:{SIP_PORT};transport=tcp>", c.ip),
            )
            .header("Max-Forwards", "69")
            .header("Content-Type", "application/sdp")
            .length_header("Content-Length")
            .body(self.gateway_sdp());
        let t_trying = self.start + PHONE_TRYING;
        let trying = sip::response(100, "Trying")
            .copy(&invite, "Via")
            .copy(&invite, "From")
            .copy(&invite, "To")
            .header("Date", http_date(t_trying))
            .copy(&invite, "Call-ID")
            .copy(&invite, "CSeq")
            .header("Server", ua)
            .length_header("Content-Length");
        let tag = lab.phone.new_tag();
        let session = lab.phone.session_id();
        let contact = device_contact(path);
        let ringing = sip::response_to(&invite, 180, "Ringing", &tag, &http_date(self.ringing))
            .header("Server", ua)
            .header("Contact", contact.as_str())
            .header("Session-ID", session.as_str())
            .header("Allow", ALLOW)
            .length_header("Content-Length");
        let ok = sip::response_to(&invite, 200, "OK", &tag, &http_date(self.answer))
            .header("Server", ua)
            .header("Contact", contact.as_str())
            .header("Session-ID", session.as_str())
            .header("Allow", ALLOW)
            .header("Supported", SUPPORTED)
            .header("Content-Type", "application/sdp")
            .header("Content-Disposition", "session;handling=optional")
            .length_header("Content-Length")
            .body(self.phone_sdp(phone));
        let to_tagged = format!("{to};tag={tag}");
        let contact_uri = format!(
            "sip:{}@{}:{};transport=tcp",
            phone.contact_user, phone.ip, path.local_port
        );
        let t_ack = self.answer + ACK_DELAY;
        let ack = sip::request("ACK", &contact_uri)
            .header("Via", lab.cucm(node).via())
            .header("From", from.as_str())
            .header("To", to_tagged.as_str())
            .header("Date", http_date(t_ack))
            .header("Call-ID", call_id.as_str())
            .header("Max-Forwards", "70")
            .header("CSeq", "101 ACK")
            .length_header("Content-Length");
        let mut out = vec![
            Scheduled::to_phone(self.start, invite),
            Scheduled::from_phone(t_trying, trying),
            Scheduled::from_phone(self.ringing, ringing),
            Scheduled::from_phone(self.answer, ok),
            Scheduled::to_phone(t_ack, ack),
        ];
        let t_ok = self.hangup + BYE_OK_DELAY;
        if self.phone_hangs_up {
            let far_uri = format!("sip:{far}@{}:{SIP_PORT};transport=tcp", c.ip);
            let bye = sip::request("BYE", &far_uri)
                .header("Via", lab.phone.via(path))
                .header("From", to_tagged.as_str())
                .header("To", from.as_str())
                .header("Call-ID", call_id.as_str())
                .header("Max-Forwards", "70")
                .header("Session-ID", session.as_str())
                .header("Date", http_date(self.hangup))
                .header("CSeq", "101 BYE")
                .header("User-Agent", ua)
                .length_header("Content-Length");
            let ok = cucm_ok(&bye, t_ok);
            out.push(Scheduled::from_phone(self.hangup, bye));
            out.push(Scheduled::to_phone(t_ok, ok));
        } else {
            let bye = sip::request("BYE", &contact_uri)
                .header("Via", lab.cucm(node).via())
                .header("From", from.as_str())
                .header("To", to_tagged.as_str())
                .header("Date", http_date(self.hangup))
                .header("Call-ID", call_id.as_str())
                .header("User-Agent", crate::cucm::SERVER)
                .header("Max-Forwards", "70")
                .header("CSeq", "102 BYE")
                .header("Reason", "Q.850;cause=16")
                .length_header("Content-Length");
            let ok = phone_ok(&bye, ua, t_ok);
            out.push(Scheduled::to_phone(self.hangup, bye));
            out.push(Scheduled::from_phone(t_ok, ok));
        }
        out
    }
}

impl Scheduled {
    pub fn from_phone(t: Micros, msg: TextMessage) -> Scheduled {
        Scheduled {
            t,
            dir: Dir::ToServer,
            msg,
        }
    }

    pub fn to_phone(t: Micros, msg: TextMessage) -> Scheduled {
        Scheduled {
            t,
            dir: Dir::ToClient,
            msg,
        }
    }
}

/// CUCM's 200 OK to an in-dialog request (the To tag is already there).
fn cucm_ok(req: &TextMessage, t: Micros) -> TextMessage {
    sip::response_to(req, 200, "OK", "", &http_date(t))
        .header("Server", crate::cucm::SERVER)
        .length_header("Content-Length")
}

/// The phone's 200 OK to an in-dialog request.
fn phone_ok(req: &TextMessage, user_agent: &str, t: Micros) -> TextMessage {
    sip::response_to(req, 200, "OK", "", &http_date(t))
        .header("Server", user_agent)
        .length_header("Content-Length")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multi_phone::PARIS;
    use crate::topology::{Site, CP_7821};

    fn site() -> Site {
        let phone = PhoneId::generated(
            [0x00, 0xeb, 0xd5, 0x10, 0x20, 0x30],
            [10, 100, 0, 21],
            &CP_7821,
            "user00001",
            "123456",
        );
        Site {
            visiting: PARIS.for_phone(&phone, "40001"),
            home: PARIS.for_phone(&phone, "40001"),
            phone,
        }
    }

    fn plan(direction: Direction, phone_hangs_up: bool) -> CallPlan {
        CallPlan {
            direction,
            start: 1_000_000,
            ringing: 1_300_000,
            answer: 5_000_000,
            hangup: 65_000_000,
            phone_hangs_up,
            far_number: "915551234567".to_string(),
            phone_port: 24_580,
            phone_session: 4_242,
            gateway: [10, 20, 0, 41],
            gateway_port: 17_002,
            gateway_session: 1_717,
        }
    }

    fn start_line(m: &TextMessage) -> String {
        let bytes = m.encode();
        let text = String::from_utf8_lossy(&bytes);
        text.lines().next().unwrap().to_string()
    }

    #[test]
    fn a_call_is_invite_to_bye_with_both_sdps() {
        let site = site();
        for direction in [Direction::Outgoing, Direction::Incoming] {
            for phone_hangs_up in [true, false] {
                let mut lab = Lab::at(&site, "call test", 0);
                lab.adopt_sip(Node::Visiting, site.phone.sip_port_vc);
                let p = plan(direction, phone_hangs_up);
                let msgs = p.messages(&mut lab, Node::Visiting);
                let lines: Vec<String> = msgs.iter().map(|s| start_line(&s.msg)).collect();
                let first_word = |l: &String| l.split(' ').next().unwrap().to_string();
                let status = |l: &String| l.split(' ').nth(1).unwrap().to_string();
                assert_eq!(first_word(&lines[0]), "INVITE");
                assert_eq!(
                    lines[1..4].iter().map(status).collect::<Vec<_>>(),
                    ["100", "180", "200"]
                );
                assert_eq!(first_word(&lines[4]), "ACK");
                assert_eq!(first_word(&lines[5]), "BYE");
                assert_eq!(status(&lines[6]), "200");
                // Who sends what: the caller sends INVITE and ACK; the BYE comes from
                // whoever hangs up, its 200 from the other side.
                let phone_calls = direction == Direction::Outgoing;
                let from_phone = |s: &Scheduled| s.dir == Dir::ToServer;
                assert_eq!(from_phone(&msgs[0]), phone_calls);
                assert_eq!(from_phone(&msgs[3]), !phone_calls);
                assert_eq!(from_phone(&msgs[4]), phone_calls);
                assert_eq!(from_phone(&msgs[5]), phone_hangs_up);
                assert_eq!(from_phone(&msgs[6]), !phone_hangs_up);
                // One dialog: one Call-ID, the answer's To tag on ACK and BYE.
                let call_id = msgs[0].msg.get("Call-ID").unwrap();
                assert!(msgs.iter().all(|s| s.msg.get("Call-ID") == Some(call_id)));
                let tagged = msgs[3].msg.get("To").unwrap();
                assert!(tagged.contains(";tag="));
                assert_eq!(msgs[4].msg.get("To"), Some(tagged));
                // Offer and answer name the phone's and the gateway's media.
                let body = |m: &TextMessage| String::from_utf8(m.encode()).unwrap();
                let (offer, answer) = (body(&msgs[0].msg), body(&msgs[3].msg));
                let (phone_sdp, gateway_sdp) = if phone_calls {
                    (offer, answer)
                } else {
                    (answer, offer)
                };
                assert!(phone_sdp.contains("m=audio 24580 RTP/AVP"));
                assert!(phone_sdp.contains("c=IN IP4 10.100.0.21\r\n"));
                assert!(gateway_sdp.contains("m=audio 17002 RTP/AVP"));
                assert!(gateway_sdp.contains("c=IN IP4 10.20.0.41\r\n"));
                assert_eq!(msgs[5].t, p.hangup);
            }
        }
    }

    #[test]
    fn media_runs_from_the_answer_to_the_hangup_or_the_capture_end() {
        let site = site();
        let p = plan(Direction::Outgoing, true);
        let [out, back] = p.media(&site.phone, 200_000_000, "m");
        let out: Vec<_> = out.collect();
        let back: Vec<_> = back.collect();
        assert!(out[0].t > p.answer && back[0].t > p.answer);
        // 60 s of 20 ms ticks, the first 14 ms (6 ms) after the answer.
        assert_eq!(out.len(), 3_000);
        assert_eq!(back.len(), 3_000);
        assert!(out.last().unwrap().t < p.hangup);
        let [cut, _] = p.media(&site.phone, 35_000_000, "m");
        assert_eq!(cut.count(), 1_500);
    }
}
