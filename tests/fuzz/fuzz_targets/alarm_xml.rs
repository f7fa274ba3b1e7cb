//! An alarm body (SIP REFER, Skinny 0x015A) as the ciscoalarm dissector sees
//! it: the document, then the typed values it decodes from parameters.
#![no_main]

use emcc::harness::ciscoalarm::{decode_hex_signature, parse_alarm_document, split_protocol_event};
use fuzz_support::within;
use libfuzzer_sys::fuzz_target;

/// The parser's documented limits (src/ciscoalarm/parse.rs).
const MAX_ALARMS: usize = 16;
const MAX_PARAMS: usize = 256;
const MAX_PROBLEMS: usize = 64;
const MAX_VALUE_CHARS: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let doc = parse_alarm_document(data);
    let n = data.len();
    assert!(doc.alarms.len() <= MAX_ALARMS);
    assert!(doc.problems.len() <= MAX_PROBLEMS);
    for problem in &doc.problems {
        within(problem.span, n);
        let _ = problem.kind.to_string();
    }
    for alarm in &doc.alarms {
        within(alarm.name_span, n);
        within(alarm.element, n);
        assert!(alarm.params.len() <= MAX_PARAMS);
        for p in &alarm.params {
            for span in [p.element, p.name_span, p.value_span, p.value_trimmed_span] {
                within(span, n);
            }
            assert!(p.value.chars().count() <= MAX_VALUE_CHARS);
            let value = p.trimmed_value();
            if let Err(e) = decode_hex_signature(value) {
                assert!(e.index <= value.len());
                let _ = e.to_string();
            }
            if let Ok(event) = split_protocol_event(value) {
                let mut spans = vec![event.direction.span, event.start_line.span];
                spans.push(event.method_or_status.span);
                spans.extend(event.status_code.map(|s| s.span));
                spans.extend(event.request_uri.map(|s| s.span));
                spans.extend(event.sip_version.map(|s| s.span));
                spans.extend(event.cseq.map(|s| s.span));
                spans.extend(event.cseq_number.map(|s| s.span));
                spans.extend(event.cseq_method.map(|s| s.span));
                spans.extend(event.call_id.map(|s| s.span));
                for span in spans {
                    within(span, value.len());
                }
            }
        }
    }
});
