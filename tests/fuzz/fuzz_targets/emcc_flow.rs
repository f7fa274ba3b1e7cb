//! The EMCC login flow state machine (`Flow::observe`) fed with a short
//! sequence of frames: a few phones and cluster servers, TCP streams with any
//! flags, and every kind of message the flow reads (SIP, EMApp, EMService,
//! downloads, TVS), with the words the flow reacts to most of the time and
//! any text otherwise; times that advance, jump or go back; preferences that
//! name clusters or not. Every label goes into the `-z emccflow` report, which
//! is drawn at the end.
#![no_main]

use std::collections::HashSet;

use emcc::harness::emccflow::{Config, Flow, FrameFacts, Message, Report, Sccp, Tcp};
use emcc::harness::NsTime;
use fuzz_support::{maybe_word, next_time, number, word, Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Phones, a visiting and a home cluster, and one host that is neither.
const HOSTS: &[&str] = &[
    "10.0.0.11",
    "10.0.0.12",
    "10.0.0.100",
    "10.0.0.200",
    "10.0.9.9",
];
const DEVICES: &[&str] = &["SEP0011223344AA", "SEP0011223344BB"];
const USERS: &[&str] = &["alice", "bob"];
const METHODS: &[&str] = &["REGISTER", "NOTIFY", "REFER", "SUBSCRIBE", "INVITE"];
const EVENTS: &[&str] = &["service-control", "dialog"];
const ALARMS: &[&str] = &["DeviceTLInfo", "LastOutOfServiceInformation"];
const STATUSES: &[u32] = &[100, 200, 202, 401, 403, 404, 500, 503];
const ACTIONS: &[&str] = &[
    "service-entry",
    "login-submit",
    "logout",
    "refresh",
    "init-services",
    "other",
];
const EM_ERRORS: &[u32] = &[0, 1, 6, 25, 31, 201, 207, 211];
const SVC_REQUESTS: &[&str] = &[
    "login",
    "logout",
    "emcc-login",
    "emcc-logout",
    "check-user",
    "query",
    "response",
];
const SVC_RESULTS: &[&str] = &["success", "failure"];
const FILES: &[&str] = &[
    "ITLSEP0011223344AA.tlv",
    "CTLSEP0011223344AA.tlv",
    "SEP0011223344AA.cnf.xml.sgn",
];
const KINDS: &[&str] = &["ITL", "CTL", "signed-config", "config", "softkey", "other"];
const TRANSPORTS: &[&str] = &["HTTP", "TFTP"];
const RESULTS: &[&str] = &[
    "ok",
    "not-found",
    "unavailable",
    "http-error",
    "tftp-error",
    "incomplete",
];
const TVS_EVENTS: &[&str] = &[
    "connect",
    "handshake",
    "request",
    "response",
    "close",
    "reset",
    "no-response",
];
const MAX_FRAMES: usize = 128;

fn message(u: &mut Unstructured) -> Result<Message> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Message::SipRequest {
            method: word(u, METHODS)?,
            event: maybe_word(u, EVENTS)?,
            expires: if u.arbitrary()? {
                Some(number(u, &[0, 3600])?)
            } else {
                None
            },
            device: maybe_word(u, DEVICES)?,
            alarm: maybe_word(u, ALARMS)?,
            alarm_device: maybe_word(u, DEVICES)?,
        },
        1 => Message::SipResponse {
            status: number(u, STATUSES)?,
            phrase: word(u, &["OK", "Forbidden"])?,
            method: word(u, METHODS)?,
        },
        2 => Message::EmappRequest {
            action: word(u, ACTIONS)?,
            device: maybe_word(u, DEVICES)?,
            user: maybe_word(u, USERS)?,
        },
        3 => Message::EmappResponse {
            error_code: if u.arbitrary()? {
                Some(number(u, EM_ERRORS)?)
            } else {
                None
            },
            error_text: maybe_word(u, &["Login is unavailable"])?,
            object: maybe_word(u, &["CiscoIPPhoneText", "CiscoIPPhoneExecute"])?,
        },
        4 => Message::EmserviceRequest {
            request: word(u, SVC_REQUESTS)?,
            device: maybe_word(u, DEVICES)?,
            user: maybe_word(u, USERS)?,
        },
        5 => Message::EmserviceResponse {
            result: maybe_word(u, SVC_RESULTS)?,
            error_code: if u.arbitrary()? {
                Some(number(u, EM_ERRORS)?)
            } else {
                None
            },
        },
        6 => Message::Download {
            file: word(u, FILES)?,
            kind: word(u, KINDS)?,
            device: maybe_word(u, DEVICES)?,
            transport: word(u, TRANSPORTS)?,
            result: maybe_word(u, RESULTS)?,
            status: if u.arbitrary()? {
                Some(number(u, &[200, 404, 503])?)
            } else {
                None
            },
        },
        8 => Message::SkinnyAlarm {
            alarm: word(u, ALARMS)?,
            device: maybe_word(u, DEVICES)?,
        },
        7 => Message::Sccp(match u.int_in_range(0..=5)? {
            0 => Sccp::Register {
                device: maybe_word(u, DEVICES)?,
            },
            1 => Sccp::RegisterAck {
                keepalive: Some(30),
                secondary: None,
            },
            2 => Sccp::RegisterReject {
                text: word(u, &["", "Unknown device"])?,
            },
            3 => Sccp::Unregister,
            4 => Sccp::UnregisterAck,
            _ => Sccp::Reset {
                kind: Some(number(u, &[1, 2, 3, 7])?),
            },
        }),
        _ => Message::Tvs {
            event: word(u, TVS_EVENTS)?,
            client: word(u, HOSTS)?,
            server: word(u, HOSTS)?,
            status: if u.arbitrary()? {
                Some(number(u, &[0, 1, 7])?)
            } else {
                None
            },
        },
    })
}

fn addresses(u: &mut Unstructured) -> Result<HashSet<String>> {
    let mut set = HashSet::new();
    for host in HOSTS {
        if u.ratio(1, 8)? {
            set.insert(host.to_string());
        }
    }
    Ok(set)
}

fn run(data: &[u8], report: &mut Report) -> Result<()> {
    let mut u = Unstructured::new(data);
    let config = Config {
        visiting: addresses(&mut u)?,
        home: addresses(&mut u)?,
        stuck_after: number(&mut u, &[0, 30, 1])?,
    };
    let mut flow = Flow::new(config);
    let mut time = NsTime::from_secs(1_700_000_000);
    for frame in 1..=MAX_FRAMES as u32 {
        if u.is_empty() {
            break;
        }
        time = next_time(&mut u, time)?;
        let tcp = if u.ratio(2, 3)? {
            Some(Tcp {
                stream: u.int_in_range(0..=5)?,
                syn: u.ratio(1, 6)?,
                fin: u.ratio(1, 8)?,
                rst: u.ratio(1, 16)?,
            })
        } else {
            None
        };
        let message = if u.ratio(3, 4)? {
            Some(message(&mut u)?)
        } else {
            None
        };
        // As the plugin does: a frame of another application's message on a
        // followed connection (web traffic) stops it being followed.
        if message.is_none() {
            if let Some(tcp) = tcp.as_ref().filter(|t| flow.follows(t)) {
                if u.ratio(1, 3)? && flow.not_ours(tcp) {
                    assert!(!flow.follows(tcp) || tcp.syn);
                    continue;
                }
            }
        }
        let facts = FrameFacts {
            frame,
            time,
            src: word(&mut u, HOSTS)?,
            dst: word(&mut u, HOSTS)?,
            tcp,
            message,
        };
        let decision = flow.observe(&facts);
        // Labels decided now for earlier frames (a connection's handshake)
        // are for frames already seen, each once.
        let mut earlier = HashSet::new();
        for (number, label) in &decision.earlier {
            assert!(*number < frame, "frame {frame} labels frame {number}");
            assert!(earlier.insert(*number), "frame {number} labelled twice");
            report.add(*number, label);
        }
        if let Some(label) = &decision.label {
            if let Some(elapsed) = label.elapsed() {
                assert!(elapsed >= NsTime::ZERO);
            }
            report.add(frame, label);
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut report = Report::default();
    let _ = run(data, &mut report);
    let _ = report.render();
});
