//! Alarm REFERs from seed 002's phone (CP-7821 SEPC4B9CD808647 at 192.168.15.20, CUCM
//! 192.168.110.100, SIP over UDP 5060 as in `udp_alarms`) that take an alarm decoder past
//! the single well-formed DeviceTLInfo: both seed alarms with a trust-list change,
//! multipart bodies, and one REFER per kind of malformed body.
//!
//! Every REFER starts one second after the previous one and CUCM answers each with 202
//! Accepted. A REFER larger than the Ethernet MTU leaves the phone as IPv4 fragments, which
//! Wireshark reassembles by default; the frame holding the last fragment carries the
//! REFER's comment, so `frame.comment` and the reassembled SIP message sit together.

use crate::alarm::{alarm, Param};
use crate::capture::Capture;
use crate::clock::{http_date, secs, us, Micros};
use crate::message::TextMessage;
use crate::net::{self, Ipv4Params, ETHERTYPE_IPV4, PROTO_UDP};
use crate::prng::Prng;
use crate::sip::{self, Part};
use crate::udp_alarms::{self, CUCM_IP, CUCM_MAC, PHONE_IP, PHONE_MAC, SIP_PORT};

type Station = (net::Mac, net::Ipv4);
const PHONE: Station = (PHONE_MAC, PHONE_IP);
const CUCM: Station = (CUCM_MAC, CUCM_IP);

/// Ethernet MTU: an IP packet longer than this has to be fragmented.
const MTU: usize = 1500;
const IPV4_HEADER_LEN: usize = 20;
const UDP_HEADER_LEN: usize = 8;
/// The largest UDP payload one IPv4 datagram can carry (65535 - 20 - 8).
const MAX_UDP_PAYLOAD: usize = 65_507;
/// Flags/offset word of a fragment that is not the datagram's last.
const MORE_FRAGMENTS: u16 = 0x2000;

/// The brief's pacing: one REFER per second.
const REFER_INTERVAL: Micros = secs(1);
/// CUCM's 202 comes this long after the REFER's last frame (as in `udp_alarms`).
const ANSWER_DELAY: Micros = us(2_500);
/// Back-to-back fragments: a full 1514-byte frame lasts about 121 µs at 100 Mb/s.
const FRAGMENT_GAP: Micros = us(125);

const ALARM_TYPE: &str = "application/x-cisco-alarm+xml";
const ALARM_DISPOSITION: &str = "session;handling=required";
const BOUNDARY: &str = "uniqueBoundary";

const DEVICE_NAME: &str = "SEPC4B9CD808647";
const SEED_ITL_SIGNATURE: &str = "3E 91 A3 5D A3 D6 BD B7 0F 09 21 98 18 3F 64 D3 B2 8E 80 15 ";
const SEED_ITL_SERVER: &str = "pub.techvivi.local";
/// Invented: the trust list the phone reports once it takes its ITL from another server.
const OTHER_ITL_SIGNATURE: &str = "A7 1C 52 E0 9B 34 6F D8 02 C5 7E 91 4B 3A F6 28 DD 60 19 8E ";
const OTHER_ITL_SERVER: &str = "cucm-home.techvivi.local";
/// Malformed on purpose: 39 hex digits (odd) and one `Z`.
const ODD_ITL_SIGNATURE: &str = "3E 91 A3 5D A3 D6 BD B7 0F 09 21 98 18 3F 64 D3 B2 8E 80 1Z ";

/// Parameters in the "too many parameters" alarm. 3000 do not fit one UDP datagram
/// (65507 bytes) in any plausible spelling; 1700 is a round count that does, with the
/// REFER's headers, in about 64 kB (a test checks it).
const MANY_PARAMS: usize = 1_700;
/// Nesting depth of the `<a>` elements planted inside a ParameterList.
const NESTING_DEPTH: usize = 200;
/// Length of the oversized parameter value (10 kB).
const LONG_VALUE_LEN: usize = 10 * 1024;

/// What makes each REFER its own transaction and dialog, in the phone's formats:
/// tags and Call-IDs start with its MAC and a per-call counter.
struct ReferIds {
    branch: String,
    from_tag: String,
    call_id: String,
    cid: String,
}

impl ReferIds {
    /// Seed 002's first REFER (DeviceTLInfo), as `udp_alarms` also uses it.
    fn seed_device_tl_info() -> Self {
        ReferIds {
            branch: "z9hG4bK525f6d5b".into(),
            from_tag: "c4b9cd80864700020acadc33-3512f52a".into(),
            call_id: "c4b9cd80-86470002-1eb10ed0-2f2fc25e@192.168.15.20".into(),
            cid: "082f1702".into(),
        }
    }

    /// Seed 002's second REFER (LastOutOfServiceInformation).
    fn seed_out_of_service() -> Self {
        ReferIds {
            branch: "z9hG4bK399c9a5d".into(),
            from_tag: "c4b9cd80864700035188412b-15206e63".into(),
            call_id: "c4b9cd80-86470003-49128325-06b80b98@192.168.15.20".into(),
            cid: "65877be3".into(),
        }
    }

    fn invented(counter: u16, rng: &mut Prng) -> Self {
        ReferIds {
            branch: sip::branch(rng),
            from_tag: format!("c4b9cd808647{counter:04x}{}-{}", rng.hex(8), rng.hex(8)),
            call_id: format!(
                "c4b9cd80-8647{counter:04x}-{}-{}@192.168.15.20",
                rng.hex(8),
                rng.hex(8)
            ),
            cid: rng.hex(8),
        }
    }
}

/// A REFER body: a bare alarm document (possibly malformed), or a multipart/mixed body.
enum Body {
    Alarm(Vec<u8>),
    Multipart(Vec<u8>),
}

/// The REFER of `udp_alarms` with the given identifiers and body. Like `udp_alarms` it
/// leaves out the seed's Session-ID header, which would push the DeviceTLInfo REFER past
/// the MTU.
fn refer(ids: &ReferIds, t: Micros, body: Body) -> TextMessage {
    let me = "\"Laurent Robert\" <sip:7821@192.168.15.20>";
    let m = sip::request("REFER", "sip:192.168.110.100")
        .header(
            "Via",
            format!("SIP/2.0/UDP 192.168.15.20:5060;branch={}", ids.branch),
        )
        .header("From", format!("{me};tag={}", ids.from_tag))
        .header("To", "<sip:192.168.110.100>")
        .header("Call-ID", ids.call_id.as_str())
        .header("Date", http_date(t))
        .header("CSeq", "1000 REFER")
        .header("User-Agent", "Cisco-CP7821/11.5.1")
        .header("Expires", "10")
        .header("Max-Forwards", "70")
        .header(
            "Contact",
            "<sip:e47a851c-de7c-3804-b05b-40f49816efd1@192.168.15.20:5060;transport=udp>;+u.sip!devicename.ccm.cisco.com=\"SEPC4B9CD808647\"",
        )
        .header("Require", "norefersub")
        .header("Referred-By", me)
        .header("Refer-To", format!("cid:{}@192.168.15.20", ids.cid))
        .header("Content-Id", format!("<{}@192.168.15.20>", ids.cid))
        .header(
            "Allow",
            "ACK,BYE,CANCEL,INVITE,NOTIFY,OPTIONS,REFER,REGISTER,UPDATE,SUBSCRIBE",
        );
    match body {
        Body::Alarm(bytes) => m
            .length_header("Content-Length")
            .header("Content-Type", ALARM_TYPE)
            .header("Content-Disposition", ALARM_DISPOSITION)
            .body(bytes),
        // The part headers say what each part is; the message only announces MIME,
        // as the phone's multipart REGISTER does.
        Body::Multipart(bytes) => m
            .header(
                "Content-Type",
                format!("multipart/mixed; boundary={BOUNDARY}"),
            )
            .header("Mime-Version", "1.0")
            .length_header("Content-Length")
            .body(bytes),
    }
}

fn ip_params(from: Station, to: Station, id: u16) -> Ipv4Params {
    Ipv4Params {
        src: from.1,
        dst: to.1,
        protocol: PROTO_UDP,
        id,
        tos: 0x60,
        ttl: 64,
    }
}

/// One IPv4 fragment (RFC 791): `offset` is in bytes and must be a multiple of 8.
/// Built by `net::ipv4`, whose Don't Fragment word is replaced by the fragment's.
fn ipv4_fragment(p: &Ipv4Params, offset: usize, more: bool, data: &[u8]) -> Vec<u8> {
    assert_eq!(offset % 8, 0, "fragment offsets count 8-byte units");
    let mut packet = net::ipv4(p, data);
    let mut word = u16::try_from(offset / 8).expect("offset beyond 13 bits");
    if more {
        word |= MORE_FRAGMENTS;
    }
    packet[6..8].copy_from_slice(&word.to_be_bytes());
    packet[10..12].copy_from_slice(&[0, 0]);
    let sum = net::internet_checksum(&packet[..IPV4_HEADER_LEN]);
    packet[10..12].copy_from_slice(&sum.to_be_bytes());
    packet
}

/// A whole UDP datagram cut into Ethernet frames of at most the MTU: every fragment but
/// the last carries a multiple of 8 bytes and More Fragments, all share the IP id.
fn fragments(from: Station, to: Station, id: u16, datagram: &[u8]) -> Vec<Vec<u8>> {
    let per_fragment = (MTU - IPV4_HEADER_LEN) / 8 * 8;
    let count = datagram.len().div_ceil(per_fragment);
    let p = ip_params(from, to, id);
    datagram
        .chunks(per_fragment)
        .enumerate()
        .map(|(i, chunk)| {
            let packet = ipv4_fragment(&p, i * per_fragment, i + 1 < count, chunk);
            net::ethernet(to.0, from.0, ETHERTYPE_IPV4, &packet)
        })
        .collect()
}

/// The frames carrying one SIP message over UDP: a single frame (Don't Fragment set, as
/// in `udp_alarms`) when it fits the MTU, IPv4 fragments otherwise.
fn udp_frames(from: Station, to: Station, id: u16, sip: &[u8]) -> Vec<Vec<u8>> {
    assert!(
        sip.len() <= MAX_UDP_PAYLOAD,
        "a {}-byte SIP message does not fit one UDP datagram",
        sip.len()
    );
    if IPV4_HEADER_LEN + UDP_HEADER_LEN + sip.len() <= MTU {
        return vec![udp_alarms::frame(from, to, id, sip)];
    }
    let datagram = net::udp(from.1, to.1, SIP_PORT, SIP_PORT, sip);
    fragments(from, to, id, &datagram)
}

/// A capture of REFER / 202 exchanges between the phone and CUCM.
struct AlarmCapture {
    cap: Capture,
    /// When the next REFER starts.
    t: Micros,
    rng: Prng,
    /// The phone's per-call counter, continued across REFERs.
    counter: u16,
    phone_ip_id: u16,
    cucm_ip_id: u16,
}

impl AlarmCapture {
    /// `first_counter`: the per-call counter of the first invented REFER (the seed's
    /// two REFERs use 2 and 3).
    fn new(label: &str, first_counter: u16) -> Self {
        AlarmCapture {
            cap: Capture::new(),
            t: secs(1),
            rng: Prng::from_label(label),
            counter: first_counter,
            phone_ip_id: 0x1f2e,
            cucm_ip_id: 0x5a11,
        }
    }

    /// A REFER with fresh identifiers; returns the frame number where it is complete.
    fn send(&mut self, body: Body, what: &str) -> usize {
        let ids = ReferIds::invented(self.counter, &mut self.rng);
        self.counter += 1;
        self.send_with(&ids, body, what)
    }

    /// Frames are pushed in time order, so a frame's number is the capture's length
    /// right after it is pushed.
    fn send_with(&mut self, ids: &ReferIds, body: Body, what: &str) -> usize {
        let start = self.t;
        let refer = refer(ids, start, body);
        let frames = udp_frames(PHONE, CUCM, self.phone_ip_id, &refer.encode());
        self.phone_ip_id = self.phone_ip_id.wrapping_add(1);

        let total = frames.len();
        let complete = self.cap.len() + total;
        let mut at = start;
        for (i, frame) in frames.into_iter().enumerate() {
            let id = self.cap.push(at, frame);
            if i + 1 < total {
                let note = format!(
                    "IPv4 fragment {} of {total} of the REFER reassembled in frame {complete}",
                    i + 1
                );
                self.cap.note(id, &note);
            } else if total > 1 {
                self.cap
                    .note(id, &format!("last of {total} IPv4 fragments; {what}"));
            } else {
                self.cap.note(id, what);
            }
            at += FRAGMENT_GAP;
        }

        let tag = self.rng.decimal(10);
        let accepted = sip::response_to(&refer, 202, "Accepted", &tag, &http_date(start))
            .length_header("Content-Length");
        let answer = udp_alarms::frame(CUCM, PHONE, self.cucm_ip_id, &accepted.encode());
        self.cap.push(at - FRAGMENT_GAP + ANSWER_DELAY, answer);
        self.cucm_ip_id = self.cucm_ip_id.wrapping_add(1);

        self.t += REFER_INTERVAL;
        complete
    }

    /// A REGISTER carrying `reason` in its Reason header, answered 200 OK:
    /// how a phone reports its last restart cause.
    fn send_register(&mut self, reason: &str, what: &str) -> usize {
        let ids = ReferIds::invented(self.counter, &mut self.rng);
        self.counter += 1;
        let start = self.t;
        let register = sip::request("REGISTER", "sip:192.168.110.100")
            .header(
                "Via",
                format!("SIP/2.0/UDP 192.168.15.20:5060;branch={}", ids.branch),
            )
            .header("From", format!("<sip:7821@192.168.110.100>;tag={}", ids.from_tag))
            .header("To", "<sip:7821@192.168.110.100>")
            .header("Call-ID", ids.call_id.as_str())
            .header("Max-Forwards", "70")
            .header("Date", http_date(start))
            .header("CSeq", "101 REGISTER")
            .header("User-Agent", "Cisco-CP7821/11.5.1")
            .header(
                "Contact",
                "<sip:e47a851c-de7c-3804-b05b-40f49816efd1@192.168.15.20:5060;transport=udp>;+u.sip!devicename.ccm.cisco.com=\"SEPC4B9CD808647\"",
            )
            .header("Reason", reason)
            .header("Expires", "3600")
            .length_header("Content-Length");
        let frame = udp_alarms::frame(PHONE, CUCM, self.phone_ip_id, &register.encode());
        self.phone_ip_id = self.phone_ip_id.wrapping_add(1);
        let id = self.cap.push(start, frame);
        self.cap.note(id, what);
        let tag = self.rng.decimal(10);
        let ok = sip::response_to(&register, 200, "OK", &tag, &http_date(start))
            .header("Expires", "120")
            .length_header("Content-Length");
        let answer = udp_alarms::frame(CUCM, PHONE, self.cucm_ip_id, &ok.encode());
        self.cap.push(start + ANSWER_DELAY, answer);
        self.cucm_ip_id = self.cucm_ip_id.wrapping_add(1);
        self.t += REFER_INTERVAL;
        id + 1
    }

    fn finish(self) -> Capture {
        self.cap
    }
}

/// Seed 002's DeviceTLInfo with the given trust list.
fn device_tl_info(itl_signature: &str, itl_server: &str) -> String {
    let params = [
        Param::Text("DeviceName", DEVICE_NAME.into()),
        Param::Text("IPv4Address", "192.168.15.20".into()),
        Param::Text("IPv6Address", String::new()),
        Param::Text("CTL_Signature", "Not Installed".into()),
        Param::Text("CTL_TFTP_Server", "N/A".into()),
        Param::Text("ITL_Signature", itl_signature.into()),
        Param::Text("ITL_TFTP_Server", itl_server.into()),
        Param::Text("StatusCode", "3".into()),
    ];
    alarm("DeviceTLInfo", &params)
}

fn seed_device_tl_info() -> String {
    device_tl_info(SEED_ITL_SIGNATURE, SEED_ITL_SERVER)
}

/// Seed 002's LastOutOfServiceInformation, every parameter as the seed prints it (the
/// received event's Call-ID does end in 192.168.15.22 there).
fn seed_out_of_service() -> String {
    let text = |name, value: &str| Param::Text(name, value.into());
    alarm(
        "LastOutOfServiceInformation",
        &[
            text("DeviceName", DEVICE_NAME),
            text("DeviceIPv4Address", "192.168.15.20/24"),
            text("IPv4DefaultGateway", "192.168.15.251"),
            text("DeviceIPv6Address", ""),
            text("IPv6DefaultGateway", ""),
            text("ModelNumber", "CP-7821"),
            text("NeighborIPv4Address", "192.168.15.252"),
            text("NeighborIPv6Address", ""),
            text("NeighborDeviceID", "3560_DC_SW.techvivi.local"),
            text("NeighborPortID", "GigabitEthernet0/21"),
            Param::Enum("DHCPv4Status", 1),
            Param::Enum("DHCPv6Status", 3),
            Param::Enum("TFTPCfgStatus", 1),
            Param::Enum("DNSStatusUnifiedCM1", 0),
            Param::Enum("DNSStatusUnifiedCM2", 0),
            Param::Enum("DNSStatusUnifiedCM3", 0),
            Param::Enum("DNSv6StatusUnifiedCM1", 0),
            Param::Enum("DNSv6StatusUnifiedCM2", 0),
            Param::Enum("DNSv6StatusUnifiedCM3", 0),
            text("VoiceVLAN", "15"),
            text("UnifiedCMIPAddress", "192.168.110.100"),
            text("LocalPort", "50386"),
            text("TimeStamp", "1579128304808"),
            Param::Enum("ReasonForOutOfService", 25),
            text(
                "LastProtocolEventSent",
                "Sent:REGISTER sip:192.168.110.100 SIP/2.0 Cseq:336 REGISTER CallId:c4b9cd80-86470022-467f1380-3b60328a@192.168.15.20 ",
            ),
            text(
                "LastProtocolEventReceived",
                "Rcvd:SIP/2.0 200 OK Cseq:122 REGISTER CallId:c4b9cd80-86470003-6438bc5f-78ebaf4c@192.168.15.22 ",
            ),
            text("ReasonForOutOfServiceText", "LastTimeInitialized"),
        ],
    )
}

/// Invented: a short alarm of another name, for the two-alarm multipart body.
fn image_download_success() -> String {
    let text = |name, value: &str| Param::Text(name, value.into());
    alarm(
        "ImageDownloadSuccess",
        &[
            text("DeviceName", DEVICE_NAME),
            text("IPv4Address", "192.168.15.20"),
            text("ImageName", "sip78xx.11-5-1-18"),
            text("ServerAddress", "192.168.110.100"),
            text("DownloadMethod", "HTTP"),
        ],
    )
}

fn alarm_part(body: &[u8]) -> Part<'_> {
    Part {
        content_type: ALARM_TYPE,
        disposition: Some(ALARM_DISPOSITION),
        body,
    }
}

// Byte surgery on rendered alarms: the malformed bodies are well-formed ones with one
// thing broken, so each differs from the seed in exactly what its comment says.

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `doc` with its only occurrence of `from` replaced by `to`.
fn replace_once(doc: &[u8], from: &str, to: &[u8]) -> Vec<u8> {
    let at = find(doc, from.as_bytes()).unwrap_or_else(|| panic!("{from:?} not in the alarm"));
    assert!(
        find(&doc[at + 1..], from.as_bytes()).is_none(),
        "{from:?} twice in the alarm"
    );
    [&doc[..at], to, &doc[at + from.len()..]].concat()
}

/// `doc` with the text of parameter `name` replaced by raw bytes (no escaping, so
/// invalid encodings and non-numbers get through).
fn with_value(doc: &[u8], name: &str, value: &[u8]) -> Vec<u8> {
    let open = format!(" name=\"{name}\">");
    let start =
        find(doc, open.as_bytes()).unwrap_or_else(|| panic!("no parameter {name}")) + open.len();
    let end = start + find(&doc[start..], b"</").expect("unclosed parameter");
    [&doc[..start], value, &doc[end..]].concat()
}

/// `doc` with `extra` added as the ParameterList's last children.
fn with_extra_children(doc: &[u8], extra: &[u8]) -> Vec<u8> {
    let end = "</ParameterList>";
    replace_once(doc, end, &[extra, end.as_bytes()].concat())
}

/// The document as a sender that stopped mid-write: everything up to `keep` bytes into
/// the value of parameter `name`.
fn cut_inside(doc: &[u8], name: &str, keep: usize) -> Vec<u8> {
    let open = format!(" name=\"{name}\">");
    let start =
        find(doc, open.as_bytes()).unwrap_or_else(|| panic!("no parameter {name}")) + open.len();
    doc[..start + keep].to_vec()
}

/// A DeviceTLInfo holding only `<String name="Param1">1</String>` ... `ParamN`, with
/// distinct names so that a decoder cannot merge them.
fn many_params() -> String {
    let names: Vec<String> = (1..=MANY_PARAMS).map(|i| format!("Param{i}")).collect();
    let params: Vec<Param> = names
        .iter()
        .zip(1..)
        .map(|(name, i)| Param::Text(name, i.to_string()))
        .collect();
    alarm("DeviceTLInfo", &params)
}

fn nested_elements(depth: usize) -> String {
    format!("{}x{}\n", "<a>".repeat(depth), "</a>".repeat(depth))
}

/// A 10 kB hostname-like value: hex digits cycling, nothing to escape.
fn long_value(len: usize) -> String {
    "0123456789abcdef".chars().cycle().take(len).collect()
}

/// `ciscoalarm-seed002`: both seed alarms, then the trust list changes once.
pub fn seed002() -> Capture {
    let mut c = AlarmCapture::new("ciscoalarm-seed002", 4);
    let first = c.send_with(
        &ReferIds::seed_device_tl_info(),
        Body::Alarm(seed_device_tl_info().into_bytes()),
        "seed 002 alarm 1: DeviceTLInfo, ITL from pub.techvivi.local",
    );
    c.send_with(
        &ReferIds::seed_out_of_service(),
        Body::Alarm(seed_out_of_service().into_bytes()),
        "seed 002 alarm 2: LastOutOfServiceInformation (1.7 kB body, sent as IPv4 fragments)",
    );
    let changed = device_tl_info(OTHER_ITL_SIGNATURE, OTHER_ITL_SERVER);
    let change = c.send(
        Body::Alarm(changed.clone().into_bytes()),
        &format!(
            "DeviceTLInfo again: ITL_Signature and ITL_TFTP_Server (cucm-home.techvivi.local) \
             differ from frame {first}: the trust list changed"
        ),
    );
    c.send(
        Body::Alarm(changed.into_bytes()),
        &format!("DeviceTLInfo again, same trust list as frame {change}: no change"),
    );
    c.finish()
}

/// `ciscoalarm-multipart`: alarms inside multipart/mixed bodies.
pub fn multipart() -> Capture {
    let mut c = AlarmCapture::new("ciscoalarm-multipart", 2);
    let tl_info = seed_device_tl_info();
    // Invented text: what a second, human-readable part could say.
    let note = "Trust list report from SEPC4B9CD808647: ITL from pub.techvivi.local, no CTL";
    let alarm_and_text = sip::multipart(
        BOUNDARY,
        &[
            alarm_part(tl_info.as_bytes()),
            Part {
                content_type: "text/plain",
                disposition: Some("render;handling=optional"),
                body: note.as_bytes(),
            },
        ],
    );
    c.send(
        Body::Multipart(alarm_and_text),
        "multipart/mixed: a DeviceTLInfo alarm part and a text/plain part",
    );
    let download = image_download_success();
    let two_alarms = sip::multipart(
        BOUNDARY,
        &[
            alarm_part(tl_info.as_bytes()),
            alarm_part(download.as_bytes()),
        ],
    );
    c.send(
        Body::Multipart(two_alarms),
        "multipart/mixed: two alarm parts, DeviceTLInfo and ImageDownloadSuccess (invented)",
    );
    c.finish()
}

/// One malformed alarm body and what its REFER's comment says about it.
struct Malformed {
    what: String,
    body: Vec<u8>,
}

fn case(what: impl Into<String>, body: impl Into<Vec<u8>>) -> Malformed {
    Malformed {
        what: what.into(),
        body: body.into(),
    }
}

/// Seed 002's LastOutOfServiceInformation with values no decoder can map: a timestamp
/// beyond u64, an unknown DHCP status, a non-numeric enum, an event line without fields.
fn broken_out_of_service() -> Vec<u8> {
    let mut doc = seed_out_of_service().into_bytes();
    for (name, value) in [
        ("TimeStamp", "99999999999999999999"),
        ("DHCPv4Status", "7"),
        ("ReasonForOutOfService", "abc"),
        ("LastProtocolEventSent", "garbage without fields"),
    ] {
        doc = with_value(&doc, name, value.as_bytes());
    }
    doc
}

/// The malformed bodies (a) to (m), in the brief's order.
fn malformed_bodies() -> Vec<Malformed> {
    let tl_info = seed_device_tl_info().into_bytes();
    let unknown_alarm = alarm(
        "NoSuchAlarm",
        &[
            Param::Text("DeviceName", DEVICE_NAME.into()),
            Param::Enum("NoSuchEnum", 4),
        ],
    );
    vec![
        case(
            "(a) sender-truncated: XML cut inside the ITL_Signature value; \
             Content-Length matches the cut body",
            cut_inside(&tl_info, "ITL_Signature", 11),
        ),
        case(
            "(b) mismatched closing tag: <String name=\"StatusCode\">3</Enum>",
            replace_once(
                &tl_info,
                "<String name=\"StatusCode\">3</String>",
                b"<String name=\"StatusCode\">3</Enum>",
            ),
        ),
        case(
            "(c) declared UTF-8, but ITL_TFTP_Server holds bytes 0xFF 0xFE (not UTF-8)",
            with_value(&tl_info, "ITL_TFTP_Server", b"pub\xff\xfe.techvivi.local"),
        ),
        case(
            "(d) ISO-8859-1 document: CTL_Signature \"Non install\u{e9}\" with byte 0xE9",
            replace_once(
                &with_value(&tl_info, "CTL_Signature", b"Non install\xe9"),
                "encoding=\"UTF-8\"",
                b"encoding=\"ISO-8859-1\"",
            ),
        ),
        case(
            "(e) ITL_Signature with 39 hex digits (odd) and a non-hex 'Z'",
            device_tl_info(ODD_ITL_SIGNATURE, SEED_ITL_SERVER),
        ),
        case(
            "(f) DeviceTLInfo with StatusCode 'banana' and an unknown parameter FutureParam",
            with_extra_children(
                &with_value(&tl_info, "StatusCode", b"banana"),
                b"<String name=\"FutureParam\">1</String>\n",
            ),
        ),
        case(
            "(g) unknown alarm name NoSuchAlarm with an <Enum> and an unknown element <Blob>",
            with_extra_children(unknown_alarm.as_bytes(), b"<Blob name=\"x\">1</Blob>\n"),
        ),
        case(
            format!(
                "(h) {MANY_PARAMS} parameters (3000 would exceed one UDP datagram), \
                 sent as IPv4 fragments"
            ),
            many_params(),
        ),
        case(
            format!("(i) {NESTING_DEPTH}-deep nesting of <a> elements inside ParameterList"),
            with_extra_children(&tl_info, nested_elements(NESTING_DEPTH).as_bytes()),
        ),
        case(
            format!("(j) ITL_TFTP_Server value of {LONG_VALUE_LEN} bytes, sent as IPv4 fragments"),
            device_tl_info(SEED_ITL_SIGNATURE, &long_value(LONG_VALUE_LEN)),
        ),
        case(
            "(k) not XML at all: a line of plain text",
            "DeviceTLInfo SEPC4B9CD808647 ITL=pub.techvivi.local StatusCode=3\n",
        ),
        case("(l) empty body, Content-Length 0", Vec::new()),
        case(
            "(m) LastOutOfServiceInformation with TimeStamp 99999999999999999999 (overflow), \
             DHCPv4Status 7 (unknown), ReasonForOutOfService 'abc', \
             LastProtocolEventSent 'garbage without fields'",
            broken_out_of_service(),
        ),
    ]
}

/// `ciscoalarm-malformed`: one REFER per malformed body, each still answered 202.
pub fn malformed() -> Capture {
    let mut c = AlarmCapture::new("ciscoalarm-malformed", 2);
    for m in malformed_bodies() {
        c.send(Body::Alarm(m.body), &m.what);
    }
    c.send_register(
        "SIP;cause=200;text=\"cisco-alarm:abc Name=SEPC4B9CD808647 Load=",
        "(n) REGISTER whose Reason has a non-numeric cisco-alarm code, an empty Load= and no closing quote",
    );
    c.send_register(
        "SIP;cause=200;text=\"cisco-alarm:99 Name= Last=Initialized\"",
        "(o) REGISTER whose Reason has an undocumented cause 99 and an empty Name=",
    );
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sip_len(body: Vec<u8>) -> usize {
        let ids = ReferIds::invented(2, &mut Prng::new(1));
        refer(&ids, 0, Body::Alarm(body)).encode().len()
    }

    #[test]
    fn seed_device_tl_info_matches_udp_alarms() {
        assert_eq!(seed_device_tl_info(), udp_alarms::device_tl_info());
        // Same identifiers, time and IP id: the first REFER is ciscoalarm-udp's.
        let ours = seed002();
        let theirs = udp_alarms::alarm_over_udp();
        assert_eq!(ours.frames()[0].data, theirs.frames()[0].data);
    }

    #[test]
    fn fragments_rebuild_the_datagram() {
        let datagram: Vec<u8> = (0..4000u32).map(|i| i as u8).collect();
        let frames = fragments(PHONE, CUCM, 7, &datagram);
        assert_eq!(frames.len(), 3);
        let mut rebuilt = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            let ip = &f[14..];
            assert!(f.len() <= 14 + MTU);
            assert_eq!(net::internet_checksum(&ip[..IPV4_HEADER_LEN]), 0);
            assert_eq!(&ip[4..6], &7u16.to_be_bytes());
            let word = u16::from_be_bytes([ip[6], ip[7]]);
            assert_eq!(word & MORE_FRAGMENTS != 0, i + 1 < frames.len());
            assert_eq!(usize::from(word & 0x1fff) * 8, rebuilt.len());
            rebuilt.extend_from_slice(&ip[IPV4_HEADER_LEN..]);
        }
        assert_eq!(rebuilt, datagram);
    }

    #[test]
    fn odd_signature_is_odd_with_one_non_hex() {
        let chars: Vec<char> = ODD_ITL_SIGNATURE.chars().filter(|c| *c != ' ').collect();
        let hex = chars.iter().filter(|c| c.is_ascii_hexdigit()).count();
        assert_eq!(hex % 2, 1);
        assert_eq!(chars.len() - hex, 1);
    }

    #[test]
    fn many_params_fill_but_fit_one_datagram() {
        let doc = many_params();
        assert_eq!(doc.matches("<String name=\"Param").count(), MANY_PARAMS);
        assert!(doc.contains(&format!("name=\"Param{MANY_PARAMS}\">{MANY_PARAMS}<")));
        assert!(sip_len(doc.into_bytes()) <= MAX_UDP_PAYLOAD);
    }

    #[test]
    fn broken_values_are_where_they_belong() {
        let doc = String::from_utf8(broken_out_of_service()).unwrap();
        assert!(doc.contains("<String name=\"TimeStamp\">99999999999999999999</String>"));
        assert!(doc.contains("<Enum name=\"ReasonForOutOfService\">abc</Enum>"));
        assert!(doc.contains("<Enum name=\"DHCPv4Status\">7</Enum>"));
        let cut = cut_inside(seed_device_tl_info().as_bytes(), "ITL_Signature", 11);
        assert!(cut.ends_with(b"<String name=\"ITL_Signature\">3E 91 A3 5D"));
    }

    #[test]
    fn seed_captures_have_their_frames() {
        // Seed: four REFERs (the second in two fragments), each with a 202.
        assert_eq!(seed002().len(), 2 + 3 + 2 + 2);
        // Multipart: two REFERs of two fragments each, each with a 202.
        assert_eq!(multipart().len(), 2 * 3);
    }
}
