//! The trackers fed frame by frame: TFTP transfers (blocks of a file), TVS
//! sessions (what TCP and TLS show of each connection), and the EMCC login flow
//! (what each frame tells it), with realistic sequences and the largest ones.

use std::hint::black_box;

use emcc::harness::ciscotl::{Block, Transfers};
use emcc::harness::ciscotvs;
use emcc::harness::emccflow::{Config, Flow, FrameFacts, Message, Tcp};
use emcc::harness::NsTime;

use crate::Case;

pub fn cases() -> Vec<Case> {
    let mut cases = tftp();
    cases.extend(tvs_sessions());
    cases.extend(flow());
    cases
}

/// One TFTP read of `file` in blocks of `block_size` (negotiated when not 512).
fn transfer(file: &[u8], block_size: usize) {
    let mut transfers = Transfers::default();
    transfers.start(1, "ITLSEPC80084AA8743.tlv", true, "10.0.0.5", None);
    if block_size != 512 {
        transfers.options(1, Some(block_size), Some(file.len() as u64));
    }
    let mut blocks: Vec<&[u8]> = file.chunks(block_size).collect();
    if file.len() % block_size == 0 {
        // A file of whole blocks ends with an empty one.
        blocks.push(&[]);
    }
    for (i, block) in blocks.into_iter().enumerate() {
        let number = i as u32 + 1;
        black_box(transfers.data(1, number + 1, number, Block::Own(block)));
    }
}

fn tftp() -> Vec<Case> {
    const P: &str = "TFTP transfers";
    // A real ITL file's size (the corpus seeds are 6.5 KB).
    let itl = vec![0xa5u8; 6531];
    let biggest = vec![0x5au8; 1024 * 1024]; // MAX_FILE: the most kept of a file
    let blocks = |len: usize, size: usize| len / size + 1;
    vec![
        Case::bytes(P, "ITL file, 512-byte blocks", itl.len(), move || {
            transfer(black_box(&itl), 512)
        })
        .with_items(blocks(6531, 512)),
        Case::bytes(P, "1 MiB in 8-byte blocks", biggest.len(), move || {
            transfer(black_box(&biggest), 8)
        })
        .with_items(blocks(1024 * 1024, 8)),
    ]
}

/// To server, SYN, ACK, FIN, TLS records (content type, length), seconds after the
/// connection's first frame.
type TvsFrame = (bool, bool, bool, bool, &'static [(u8, u32)], f64);

/// The frames of one TVS connection: TCP handshake, TLS handshake, the phone's
/// request and the server's response, close.
fn tvs_connection(stream: u32, phone: &str, time: f64) -> Vec<ciscotvs::FrameFacts> {
    let server = "192.168.7.100";
    let shape: [TvsFrame; 12] = [
        (true, true, false, false, &[], 0.0),
        (false, true, true, false, &[], 0.001),
        (true, false, true, false, &[], 0.002),
        (true, false, true, false, &[(22, 210)], 0.003),
        (false, false, true, false, &[(22, 2900)], 0.010),
        (
            true,
            false,
            true,
            false,
            &[(22, 300), (20, 1), (22, 40)],
            0.020,
        ),
        (false, false, true, false, &[(20, 1), (22, 40)], 0.025),
        (true, false, true, false, &[(23, 1250)], 0.030),
        (false, false, true, false, &[(23, 40)], 0.080),
        (true, false, true, true, &[(21, 26)], 0.090),
        (false, false, true, true, &[], 0.091),
        (true, false, true, false, &[], 0.092),
    ];
    shape
        .iter()
        .map(|&(to_server, syn, ack, fin, records, after)| {
            let (src, dst) = if to_server {
                (phone, server)
            } else {
                (server, phone)
            };
            ciscotvs::FrameFacts {
                stream,
                src: src.into(),
                dst: dst.into(),
                to_server,
                syn,
                ack,
                fin,
                rst: false,
                records: records.to_vec(),
                time: seconds(time + after),
            }
        })
        .collect()
}

/// A time of these sequences, given in seconds.
fn seconds(time: f64) -> NsTime {
    NsTime::new(0, (time * 1e9).round() as i64)
}

/// `connections` of `frames`, `at_once` of them open together, frames interleaved.
fn interleave<T>(connections: Vec<Vec<T>>, at_once: usize) -> Vec<T> {
    let mut out = Vec::new();
    let mut rest = connections.into_iter();
    loop {
        let mut group: Vec<std::vec::IntoIter<T>> =
            rest.by_ref().take(at_once).map(Vec::into_iter).collect();
        if group.is_empty() {
            return out;
        }
        loop {
            let before = out.len();
            out.extend(group.iter_mut().filter_map(Iterator::next));
            if out.len() == before {
                break;
            }
        }
    }
}

fn feed_sessions(frames: &[ciscotvs::FrameFacts]) {
    let mut sessions = ciscotvs::Sessions::default();
    for (i, facts) in frames.iter().enumerate() {
        black_box(sessions.observe(i as u32 + 1, facts, NsTime::from_secs(5)));
    }
}

fn tvs_sessions() -> Vec<Case> {
    const P: &str = "TVS sessions";
    let phone = |i: u32| format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255);
    let typical = interleave(
        (0..2000)
            .map(|i| tvs_connection(i, &phone(i), f64::from(i) * 0.01))
            .collect(),
        50,
    );
    // Connections that only ever send a SYN: past MAX_SESSIONS the table starts over.
    let crowd: Vec<ciscotvs::FrameFacts> = (0..250_000)
        .map(|i| tvs_connection(i, &phone(i), f64::from(i) * 0.001).remove(0))
        .collect();
    vec![
        Case::items(P, "2000 connections, 50 at once", typical.len(), {
            move || feed_sessions(black_box(&typical))
        }),
        Case::items(P, "250k SYNs", crowd.len(), move || {
            feed_sessions(black_box(&crowd))
        }),
    ]
}

/// Builds a sequence of flow frames: numbers and times in order.
#[derive(Default)]
struct Frames {
    list: Vec<FrameFacts>,
}

impl Frames {
    fn push(&mut self, src: &str, dst: &str, tcp: Option<Tcp>, message: Option<Message>) {
        let frame = self.list.len() as u32 + 1;
        self.list.push(FrameFacts {
            frame,
            time: NsTime::new(1_700_000_000, i64::from(frame) * 2_000_000),
            src: src.into(),
            dst: dst.into(),
            tcp,
            message,
        });
    }
}

fn tcp(stream: u32, syn: bool, fin: bool) -> Option<Tcp> {
    Some(Tcp {
        stream,
        syn,
        fin,
        rst: false,
    })
}

fn register(expires: u32, device: &str) -> Message {
    Message::SipRequest {
        method: "REGISTER".into(),
        event: None,
        expires: Some(expires),
        device: Some(device.into()),
        alarm: None,
        alarm_device: None,
    }
}

fn ok(method: &str) -> Message {
    Message::SipResponse {
        status: 200,
        phrase: "OK".into(),
        method: method.into(),
    }
}

fn download(file: &str, kind: &str, result: Option<&str>) -> Message {
    Message::Download {
        file: file.into(),
        kind: kind.into(),
        device: None,
        transport: "HTTP".into(),
        result: result.map(str::to_string),
        status: result.map(|_| 200),
    }
}

/// One step of a phone's login: who sends what, on which connection.
enum Step {
    /// A SIP message and the TCP ACK that answers it, on the phone's SIP connection
    /// to `server`.
    Sip {
        to_server: bool,
        server: usize,
        message: Message,
    },
    /// A whole HTTP exchange on a connection of its own: TCP handshake, request,
    /// response, close.
    Http {
        client: usize,
        server: usize,
        request: Message,
        response: Message,
    },
}

/// Addresses of a login: the phone, the visiting and the home cluster.
const PHONE: usize = 0;
const VISITING: usize = 1;
const HOME: usize = 2;

/// A phone's whole EMCC login (the article's sequence, abridged).
fn login(device: &str) -> Vec<Step> {
    let sip = |to_server, server, message| Step::Sip {
        to_server,
        server,
        message,
    };
    let http = |client, server, request, response| Step::Http {
        client,
        server,
        request,
        response,
    };
    let emapp = |action: &str, user: Option<&str>| Message::EmappRequest {
        action: action.into(),
        device: Some(device.into()),
        user: user.map(str::to_string),
    };
    let page = |object: &str| Message::EmappResponse {
        error_code: None,
        error_text: None,
        object: Some(object.into()),
    };
    let itl = format!("ITL{device}.tlv");
    let config = format!("{device}.cnf.xml.sgn");
    vec![
        sip(true, VISITING, register(3600, device)),
        sip(false, VISITING, ok("REGISTER")),
        http(
            PHONE,
            VISITING,
            emapp("service-entry", None),
            page("CiscoIPPhoneInput"),
        ),
        http(
            PHONE,
            VISITING,
            emapp("login-submit", Some("adgjm")),
            page("CiscoIPPhoneExecute"),
        ),
        http(
            VISITING,
            HOME,
            Message::EmserviceRequest {
                request: "emcc-login".into(),
                device: Some(device.into()),
                user: Some("adgjm".into()),
            },
            Message::EmserviceResponse {
                result: Some("success".into()),
                error_code: None,
            },
        ),
        sip(
            false,
            VISITING,
            Message::SipRequest {
                method: "NOTIFY".into(),
                event: Some("service-control".into()),
                expires: None,
                device: None,
                alarm: None,
                alarm_device: None,
            },
        ),
        sip(true, VISITING, ok("NOTIFY")),
        sip(true, VISITING, register(0, device)),
        sip(false, VISITING, ok("REGISTER")),
        http(
            PHONE,
            VISITING,
            download(&itl, "ITL", None),
            download(&itl, "ITL", Some("ok")),
        ),
        http(
            PHONE,
            HOME,
            download(&itl, "ITL", None),
            download(&itl, "ITL", Some("ok")),
        ),
        http(
            PHONE,
            HOME,
            download(&config, "signed-config", None),
            download(&config, "signed-config", Some("ok")),
        ),
        sip(true, HOME, register(3600, device)),
        sip(false, HOME, ok("REGISTER")),
    ]
}

/// A frame to be: source, destination, TCP, message.
type Planned = (String, String, Option<Tcp>, Option<Message>);

/// The frames of `phones` logging in, `at_once` of them at the same time (their
/// frames interleaved): about 80 frames each.
fn logins(phones: u32, at_once: usize) -> Vec<FrameFacts> {
    let mut next_stream = 0;
    let per_phone: Vec<Vec<Planned>> = (0..phones)
        .map(|i| {
            let hosts = [
                format!("10.1.{}.{}", i >> 8 & 255, i & 255),
                "192.168.7.100".to_string(),
                "192.168.8.200".to_string(),
            ];
            let device = format!("SEP{:012X}", 0xC800_0000_0000u64 + u64::from(i));
            let mut frames = Vec::new();
            let mut sip_streams = [None, None, None];
            for step in login(&device) {
                match step {
                    Step::Sip {
                        to_server,
                        server,
                        message,
                    } => {
                        let stream = *sip_streams[server].get_or_insert_with(|| {
                            next_stream += 1;
                            next_stream
                        });
                        let (a, b) = if to_server {
                            (PHONE, server)
                        } else {
                            (server, PHONE)
                        };
                        let (a, b) = (hosts[a].clone(), hosts[b].clone());
                        frames.push((
                            a.clone(),
                            b.clone(),
                            tcp(stream, false, false),
                            Some(message),
                        ));
                        frames.push((b, a, tcp(stream, false, false), None));
                    }
                    Step::Http {
                        client,
                        server,
                        request,
                        response,
                    } => {
                        next_stream += 1;
                        let s = next_stream;
                        let (c, v) = (hosts[client].clone(), hosts[server].clone());
                        let up = |tcp, m| (c.clone(), v.clone(), tcp, m);
                        let down = |tcp, m| (v.clone(), c.clone(), tcp, m);
                        frames.extend([
                            up(tcp(s, true, false), None),
                            down(tcp(s, true, false), None),
                            up(tcp(s, false, false), None),
                            up(tcp(s, false, false), Some(request)),
                            down(tcp(s, false, false), Some(response)),
                            up(tcp(s, false, false), None),
                            up(tcp(s, false, true), None),
                            down(tcp(s, false, true), None),
                            up(tcp(s, false, false), None),
                        ]);
                    }
                }
            }
            frames
        })
        .collect();
    let mut out = Frames::default();
    for (src, dst, tcp, message) in interleave(per_phone, at_once) {
        out.push(&src, &dst, tcp, message);
    }
    out.list
}

/// Registered phones refreshing their registration (over UDP), `rounds` times.
fn refreshes(phones: u32, rounds: u32) -> Vec<FrameFacts> {
    let mut out = Frames::default();
    for _ in 0..rounds {
        for i in 0..phones {
            let phone = format!("10.2.{}.{}", i >> 8 & 255, i & 255);
            let device = format!("SEP{:012X}", 0xC900_0000_0000u64 + u64::from(i));
            out.push(&phone, "192.168.7.100", None, Some(register(3600, &device)));
            out.push("192.168.7.100", &phone, None, Some(ok("REGISTER")));
        }
    }
    out.list
}

fn feed_flow(frames: &[FrameFacts]) {
    let mut flow = Flow::new(Config::default());
    for facts in frames {
        black_box(flow.observe(facts));
    }
}

fn flow() -> Vec<Case> {
    const P: &str = "EMCC flow";
    let typical = logins(500, 20);
    let refresh = refreshes(5000, 4);
    // More phones than the flow tracks (MAX_PHONES), each registering once.
    let crowd = refreshes(250_000, 1);
    let case = |name: &str, frames: Vec<FrameFacts>| {
        Case::items(P, name, frames.len(), move || feed_flow(black_box(&frames)))
    };
    vec![
        case("500 logins, 20 at once", typical),
        case("5000 phones refreshing", refresh),
        case("250k phones registering", crowd),
    ]
}
