//! The TVS session tracker fed, frame by frame, with what TCP and TLS show of
//! connections to the TVS port: a few interleaved streams between a few
//! hosts, any flags, any TLS records, times that may jump.
#![no_main]

use emcc::harness::ciscotvs::{FrameFacts, Sessions};
use emcc::harness::NsTime;
use fuzz_support::{next_time, number, word, Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const HOSTS: &[&str] = &["10.0.0.1", "10.0.0.2", "10.0.9.9", "fe80::1"];
/// TLS content types: change cipher spec, alert, handshake, application data.
const RECORD_TYPES: &[u32] = &[20, 21, 22, 23];
const MAX_FRAMES: usize = 256;

fn frame(u: &mut Unstructured, previous: NsTime) -> Result<FrameFacts> {
    let mut records = Vec::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let kind = number(u, RECORD_TYPES)? as u8;
        // TLS record lengths are 16-bit; the tracker sums them per session.
        let len = if u.ratio(15, 16)? {
            u32::from(u.arbitrary::<u16>()?)
        } else {
            u.arbitrary()?
        };
        records.push((kind, len));
    }
    Ok(FrameFacts {
        stream: u.int_in_range(0..=3)?,
        src: word(u, HOSTS)?,
        dst: word(u, HOSTS)?,
        to_server: u.arbitrary()?,
        syn: u.ratio(1, 6)?,
        ack: u.arbitrary()?,
        fin: u.ratio(1, 8)?,
        rst: u.ratio(1, 12)?,
        records,
        time: next_time(u, previous)?,
    })
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let timeout = NsTime::from_secs(number(&mut u, &[0, 5, 30])?);
    let mut sessions = Sessions::default();
    let mut time = NsTime::from_secs(1_700_000_000);
    let mut sessions_seen = 0;
    for frame_number in 1..=MAX_FRAMES as u32 {
        if u.is_empty() {
            break;
        }
        let facts = frame(&mut u, time)?;
        time = facts.time;
        let marker = sessions.observe(frame_number, &facts, timeout);
        // Sessions are numbered 1, 2, ... in order of appearance.
        assert!(marker.session >= 1 && marker.session <= sessions_seen + 1);
        sessions_seen = sessions_seen.max(marker.session);
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
