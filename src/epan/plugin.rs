//! The symbols Wireshark's plugin loader looks up in our shared library.
//!
//! The loader reads `plugin_version` as a string at the symbol's address (so
//! it must be a char array, not a pointer), refuses the plugin unless
//! `plugin_want_major`/`plugin_want_minor` equal its own release, then calls
//! `plugin_register`. Wireshark 4.4+ also reads `plugin_describe`.
use std::os::raw::{c_char, c_int};

use super::guard;
use super::sys;
use super::version::{PLUGIN_DESC_DISSECTOR, WS_MAJOR, WS_MINOR};

const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

#[no_mangle]
#[used]
pub static plugin_version: [c_char; VERSION.len()] = c_chars(VERSION);

#[no_mangle]
#[used]
pub static plugin_want_major: c_int = WS_MAJOR;

#[no_mangle]
#[used]
pub static plugin_want_minor: c_int = WS_MINOR;

/// Wireshark keeps this pointer for the whole process.
static PLUGIN: sys::proto_plugin = sys::proto_plugin {
    register_protoinfo: Some(register_protoinfo),
    register_handoff: Some(register_handoff),
};

#[no_mangle]
pub extern "C" fn plugin_register() {
    guard::install_panic_hook();
    // SAFETY: PLUGIN is static and its callbacks are valid for the process.
    unsafe { sys::proto_register_plugin(&PLUGIN) };
}

#[no_mangle]
pub extern "C" fn plugin_describe() -> u32 {
    PLUGIN_DESC_DISSECTOR
}

extern "C" fn register_protoinfo() {
    if let Err(message) = guard::run(crate::register_protocols) {
        report_registration_failure("registration", &message);
    }
    // SAFETY: a static callback, valid for the process.
    unsafe { sys::register_init_routine(Some(capture_start)) };
}

/// Wireshark calls this before reading each capture file: state kept across
/// frames (per-device memories) starts afresh.
extern "C" fn capture_start() {
    if let Err(message) = guard::run(crate::reset_capture_state) {
        report_registration_failure("capture reset", &message);
    }
}

extern "C" fn register_handoff() {
    if let Err(message) = guard::run(crate::register_handoffs) {
        report_registration_failure("handoff", &message);
    }
}

/// A failure here is a plugin bug found before any packet: say so once, on
/// stderr, the only channel Wireshark offers at this point.
fn report_registration_failure(stage: &str, message: &str) {
    eprintln!("emcc plugin: {stage} failed, some decoders are unavailable: {message}");
}

const fn c_chars<const N: usize>(text: &str) -> [c_char; N] {
    let bytes = text.as_bytes();
    let mut out = [0 as c_char; N];
    let mut i = 0;
    while i < N {
        out[i] = bytes[i] as c_char;
        i += 1;
    }
    out
}
