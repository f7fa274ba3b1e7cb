//! Decrypted TVS data (what TLS hands the ciscotvs dissector): messages in a
//! row, the rest undecoded, with and without the option to ask TLS for more.
#![no_main]

use emcc::harness::ciscotvs::{parse_messages, Rest};
use fuzz_support::within;
use libfuzzer_sys::fuzz_target;

/// The parser's documented limits (src/ciscotvs/messages.rs).
const MAX_MESSAGES: usize = 64;
const MAX_TLVS: usize = 64;
const MAX_PROBLEMS: usize = 32;

fuzz_target!(|data: &[u8]| {
    for can_wait in [false, true] {
        let parsed = parse_messages(data, can_wait);
        let n = data.len();
        assert!(parsed.messages.len() <= MAX_MESSAGES);
        let mut end = 0;
        for m in &parsed.messages {
            // Messages follow each other without overlap; the dissector slices
            // `data` with these spans.
            assert_eq!(m.span.start, end);
            within(m.span, n);
            end = m.span.end();
            let h = &m.header;
            for span in [
                h.magic.span,
                h.version.span,
                h.command.span,
                h.reserved.span,
            ] {
                within(span, n);
            }
            within(h.session_id.span, n);
            within(h.length.span, n);
            assert!(m.tlvs.len() <= MAX_TLVS);
            for tlv in &m.tlvs {
                for span in [tlv.span, tlv.tag.span, tlv.length.span, tlv.value_span] {
                    within(span, n);
                }
                let _ = &data[tlv.value_span.range()];
            }
            assert!(m.problems.len() <= MAX_PROBLEMS);
            for problem in &m.problems {
                within(problem.span, n);
                let _ = (problem.kind.text(), problem.kind.class());
            }
            let _ = m.status();
        }
        match parsed.rest {
            Rest::Nothing => assert_eq!(end, n),
            Rest::Incomplete { offset, needed } => {
                assert_eq!(offset, end);
                assert!(offset < n);
                // Without TLS to wait for, a message is decoded as far as it goes.
                assert!(can_wait || needed.is_none());
            }
            Rest::NotTvs { span, .. } | Rest::Skipped(span) => {
                assert_eq!(span.start, end);
                within(span, n);
                let _ = &data[span.range()];
            }
        }
    }
});
