//! Small parsers of single field values Wireshark hands the plugin: a file
//! name or request path (ciscotl), a SIP Contact and status line (emccflow),
//! an EM error text (emcc), an address-list preference (emccflow).
#![no_main]

use emcc::harness::ciscotl::classify_file;
use emcc::harness::emcc::find_em_error;
use emcc::harness::emccflow::{contact_device, contact_expires, status_phrase, Config};
use libfuzzer_sys::fuzz_target;

/// Longest file name kept (src/ciscotl/files.rs).
const MAX_NAME_LEN: usize = 512;

fuzz_target!(|text: &str| {
    let info = classify_file(text);
    assert!(info.name.len() <= MAX_NAME_LEN);
    let _ = info.kind.as_str();
    if let Some(device) = contact_device(text) {
        assert!(!device.is_empty() && device.len() <= 64);
    }
    let _ = contact_expires(text);
    let _ = status_phrase(text);
    for address in Config::addresses(text) {
        assert!(!address.is_empty());
    }
    if let Some((_, digits, message, _)) = find_em_error(text) {
        // The dissector slices the text with both ranges.
        assert!(text.get(digits).is_some() && text.get(message).is_some());
    }
});
