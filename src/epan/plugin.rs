//! The symbols Wireshark's plugin loader looks up in our shared library.
//!
//! The loader reads `plugin_version` as a string at the symbol's address (so
//! it must be a char array, not a pointer), refuses the plugin unless
//! `plugin_want_major`/`plugin_want_minor` equal its own release, then calls
//! `plugin_register`. Wireshark 4.4+ also reads `plugin_describe`.
use std::os::raw::{c_char, c_int};

use super::guard;
use super::sys;
use super::version::{BoolPrefStorage, EI_INIT_VALUE, PLUGIN_DESC_DISSECTOR, WS_MAJOR, WS_MINOR};

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
    let checked = guard::run(abi_mismatch);
    match checked {
        Ok(None) => {}
        // Registering would let Wireshark write through pointers of the
        // wrong size: better no decoders than corrupted memory.
        Ok(Some(mismatch)) => return report_registration_failure("version check", &mismatch),
        Err(panic) => return report_registration_failure("version check", &panic),
    }
    // SAFETY: PLUGIN is static and its callbacks are valid for the process.
    unsafe { sys::proto_register_plugin(&PLUGIN) };
}

#[no_mangle]
pub extern "C" fn plugin_describe() -> u32 {
    PLUGIN_DESC_DISSECTOR
}

/// Compares what version.rs selected with what the C shim's headers say.
fn abi_mismatch() -> Option<String> {
    let (mut bool_pref_size, mut ei_init) = (0, 0);
    // SAFETY: two valid out-pointers; the shim only writes them.
    unsafe { sys::emcc_abi_facts(&mut bool_pref_size, &mut ei_init) };
    let rust_size = std::mem::size_of::<BoolPrefStorage>() as c_int;
    (bool_pref_size != rust_size || ei_init != EI_INIT_VALUE).then(|| {
        format!(
            "built for Wireshark {WS_MAJOR}.{WS_MINOR} but its headers disagree with \
             src/epan/version.rs: boolean preference {bool_pref_size} bytes (Rust: \
             {rust_size}), EI_INIT {ei_init} (Rust: {EI_INIT_VALUE})"
        )
    })
}

extern "C" fn register_protoinfo() {
    if let Err(message) = guard::run(crate::register_protocols) {
        report_registration_failure("registration", &message);
    }
    // SAFETY: static callbacks, valid for the process.
    unsafe {
        sys::register_init_routine(Some(capture_start));
        sys::register_cleanup_routine(Some(capture_end));
    }
}

/// Wireshark calls this before reading each capture file: state kept across
/// frames (per-device memories) starts afresh.
extern "C" fn capture_start() {
    let reset = || {
        super::echo::forget();
        crate::reset_capture_state();
        super::postdissectors::want_fields_of_enabled_members();
    };
    if let Err(message) = guard::run(reset) {
        report_registration_failure("capture reset", &message);
    }
}

/// Wireshark calls this when it closes a capture file: everything kept for
/// the file is freed then, not when the next file is opened.
extern "C" fn capture_end() {
    let end = || {
        super::echo::forget();
        crate::reset_capture_state();
        super::inputs::forget_stash();
        super::faults::report_trees();
    };
    if let Err(message) = guard::run(end) {
        report_registration_failure("capture cleanup", &message);
    }
}

extern "C" fn register_handoff() {
    if let Err(message) = guard::run(crate::register_handoffs) {
        report_registration_failure("handoff", &message);
    }
    if let Err(message) = guard::run(super::postdissectors::start) {
        report_registration_failure("post-dissector registration", &message);
    }
}

/// A failure here is a plugin bug found before any packet: say so once, on
/// stderr, the only channel Wireshark offers at this point.
fn report_registration_failure(stage: &str, message: &str) {
    // Formatting allocates: guarded, as everything a callback of ours does.
    let _ = guard::run(|| {
        super::output::write_stderr_line(&format!(
            "emcc plugin: {stage} failed, some decoders are unavailable: {message}"
        ))
    });
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
