//! The registration tracker (`ciscoreg`'s `Tracker::observe`) fed with a
//! short sequence of frames: a few phones and CUCMs, TCP streams or none, and
//! every kind of registration message (SIP REGISTER with any Expires, keepalive
//! flag and restart cause, SIP answers of any status, every Skinny message,
//! connection ends), with times that advance, jump or go back. Every label
//! goes into the `-z ciscoreg` reports, drawn at the end as text and JSON.
#![no_main]

use emcc::harness::ciscoreg::{FrameFacts, Input, Report, Restart, Sccp, Tracker};
use emcc::harness::NsTime;
use fuzz_support::{maybe_word, next_time, number, word, Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const HOSTS: &[&str] = &["10.0.1.1", "10.0.1.2", "10.0.0.11", "10.0.0.12", "10.0.9.9"];
const DEVICES: &[&str] = &["SEP0011223344AA", "SEP0011223344BB", ""];
const STATUSES: &[u32] = &[100, 180, 200, 202, 401, 403, 404, 407, 500, 503, 0, 999];
const EXPIRES: &[u32] = &[0, 60, 120, 3600, u32::MAX];
const TEXTS: &[&str] = &[
    "Unknown Device",
    "25: Name=SEP1 Load= 9.4 Last=Initialized",
    "",
];
const MAX_FRAMES: usize = 128;

fn restart(u: &mut Unstructured) -> Result<Option<Restart>> {
    if !u.ratio(1, 3)? {
        return Ok(None);
    }
    Ok(Some(Restart {
        code: if u.arbitrary()? {
            Some(number(u, &[12, 14, 17, 25, 1000])?)
        } else {
            None
        },
        last: maybe_word(u, &["Initialized", "KeepaliveTO"])?,
    }))
}

fn input(u: &mut Unstructured) -> Result<Input> {
    Ok(match u.int_in_range(0..=11)? {
        0 => Input::SipRegister {
            expires: if u.ratio(7, 8)? {
                Some(number(u, EXPIRES)?)
            } else {
                None
            },
            keep_alive: u.ratio(1, 3)?,
            device: maybe_word(u, DEVICES)?,
            restart: restart(u)?,
        },
        1 => Input::SipResponse {
            status: number(u, STATUSES)?,
            phrase: word(u, &["OK", "Not Found", ""])?,
            expires: if u.arbitrary()? {
                Some(number(u, EXPIRES)?)
            } else {
                None
            },
            keep_alive: u.ratio(1, 4)?,
        },
        2 => Input::Sccp(Sccp::Register {
            device: maybe_word(u, DEVICES)?,
        }),
        3 => Input::Sccp(Sccp::RegisterAck {
            keepalive: if u.arbitrary()? {
                Some(number(u, &[0, 30, 60, u32::MAX])?)
            } else {
                None
            },
            secondary: if u.arbitrary()? {
                Some(number(u, &[0, 60])?)
            } else {
                None
            },
        }),
        4 => Input::Sccp(Sccp::RegisterReject {
            text: word(u, TEXTS)?,
        }),
        5 | 6 => Input::Sccp(Sccp::KeepAlive),
        7 => Input::Sccp(Sccp::KeepAliveAck),
        8 => Input::Sccp(Sccp::Unregister),
        9 => Input::Sccp(Sccp::UnregisterAck),
        10 => Input::Sccp(Sccp::Alarm {
            text: word(u, TEXTS)?,
        }),
        _ => Input::Closed {
            reset: u.arbitrary()?,
        },
    })
}

fn run(data: &[u8], report: &mut Report) -> Result<()> {
    let mut u = Unstructured::new(data);
    let mut tracker = Tracker::new();
    let mut time = NsTime::from_secs(1_700_000_000);
    for frame in 1..=MAX_FRAMES as u32 {
        if u.is_empty() {
            break;
        }
        time = next_time(&mut u, time)?;
        let mut inputs = Vec::new();
        for _ in 0..u.int_in_range(1..=3)? {
            inputs.push(input(&mut u)?);
        }
        let facts = FrameFacts {
            frame,
            time,
            src: word(&mut u, HOSTS)?,
            dst: word(&mut u, HOSTS)?,
            stream: if u.ratio(3, 4)? {
                Some(u.int_in_range(0..=5)?)
            } else {
                None
            },
            inputs,
        };
        if let Some(label) = tracker.observe(&facts) {
            assert!(!label.events.is_empty(), "a label says what happened");
            assert!(label.events.len() <= facts.inputs.len());
            let _ = label.info();
            report.add(frame, &label);
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut report = Report::default();
    let _ = run(data, &mut report);
    let _ = report.render_text();
    let _ = report.render_json();
});
