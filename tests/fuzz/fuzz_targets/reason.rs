//! The REGISTER `Reason` header value (`SIP;cause=200;text="cisco-alarm:23 ..."`)
//! the ciscoalarm post-dissector reads from SIP, and the same text in an SCCP
//! phone's Skinny Alarm (`25: Name=... Last=...`).
#![no_main]

use emcc::harness::ciscoalarm::{parse_reason, parse_skinny_alarm};
use fuzz_support::{is_slice, within};
use libfuzzer_sys::fuzz_target;

/// The parser's documented limits (src/ciscoalarm/reason.rs).
const MAX_PAIRS: usize = 32;
const MAX_PROBLEMS: usize = 32;

fuzz_target!(|text: &str| {
    for reason in [parse_reason(text), parse_skinny_alarm(text)]
        .into_iter()
        .flatten()
    {
        check(text, reason);
    }
});

fn check(text: &str, reason: emcc::harness::ciscoalarm::CiscoReason<'_>) {
    let n = text.len();
    if let Some(protocol) = reason.protocol {
        is_slice(text, protocol.span, protocol.value);
    }
    if let Some(cause) = reason.cause {
        within(cause.span, n);
    }
    is_slice(text, reason.text.span, reason.text.value);
    if let Some(code) = reason.code {
        within(code.span, n);
    }
    assert!(reason.pairs.len() <= MAX_PAIRS);
    for pair in &reason.pairs {
        is_slice(text, pair.key_span, pair.key_text);
        is_slice(text, pair.value_span, pair.value);
    }
    assert!(reason.problems.len() <= MAX_PROBLEMS);
    for problem in &reason.problems {
        within(problem.span, n);
        let _ = problem.kind.to_string();
    }
    let _ = (reason.device(), reason.load(), reason.last());
}
