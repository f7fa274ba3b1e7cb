//! SIP message buffers as SIP's follow tap hands them to the plugin
//! (src/sip_message.rs): one UDP datagram, or TCP data holding messages back to
//! back; the first byte picks which.
#![no_main]

use emcc::sip_message::{self, StartLine};
use libfuzzer_sys::fuzz_target;

fn check(bytes: &[u8], stream: bool) {
    let n = bytes.len();
    let mut end = 0;
    for message in sip_message::messages(bytes, stream) {
        // Messages are in order, inside the buffer, and do not overlap.
        assert!(message.range.start >= end && message.range.end <= n);
        assert!(message.range.start <= message.range.end);
        end = message.range.end;
        assert!(message.body.start <= message.body.end && message.body.end <= n);
        match &message.start {
            StartLine::Request { method, uri, line } => {
                for r in [method, uri, line] {
                    assert!(r.start <= r.end && r.end <= n);
                }
                let _ = sip_message::ascii_text(bytes, method.clone());
            }
            StartLine::Response {
                code_range,
                status_line,
                ..
            } => {
                assert!(code_range.end <= n && status_line.end <= n);
                let _ = sip_message::text(bytes, status_line.clone());
            }
        }
        if let Some(r) = message.cseq_method() {
            assert!(r.start <= r.end && r.end <= n);
        }
        for name in ["Contact", "Expires", "Event", "Reason", "CSeq"] {
            for header in message.headers(bytes, name) {
                assert!(header.value.end <= n && header.whole.end <= n);
                assert!(header.whole.start <= header.value.start.min(header.whole.end));
                let _ = sip_message::text(bytes, header.value.clone());
                let _ = sip_message::uint(bytes, header.value.clone());
            }
        }
    }
    let _ = sip_message::cut_short_start(bytes, stream);
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    check(rest, first & 1 == 1);
});
