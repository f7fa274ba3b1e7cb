//! Typed alarm values on their own (DeviceTLInfo signatures, the protocol
//! events of LastOutOfServiceInformation): any text, not only what survives
//! the XML parser.
#![no_main]

use emcc::harness::ciscoalarm::{decode_hex_signature, split_protocol_event};
use fuzz_support::{is_slice, within};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match decode_hex_signature(text) {
        Ok(Some(bytes)) => assert!(bytes.len() <= text.len() / 2),
        Ok(None) => {}
        Err(e) => {
            assert!(e.index <= text.len());
            let _ = e.to_string();
        }
    }
    match split_protocol_event(text) {
        Ok(event) => {
            within(event.direction.span, text.len());
            is_slice(text, event.start_line.span, event.start_line.value);
            is_slice(
                text,
                event.method_or_status.span,
                event.method_or_status.value,
            );
            for part in [
                event.request_uri,
                event.sip_version,
                event.cseq,
                event.cseq_method,
                event.call_id,
            ]
            .into_iter()
            .flatten()
            {
                is_slice(text, part.span, part.value);
            }
            if let Some(code) = event.status_code {
                within(code.span, text.len());
            }
            if let Some(number) = event.cseq_number {
                within(number.span, text.len());
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
