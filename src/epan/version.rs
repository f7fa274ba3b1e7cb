//! Everything that differs between Wireshark releases on the Rust side, in one
//! place. build.rs sets the `ws_ge_X_Y` cfgs from the headers it found; the C
//! shim absorbs the differences the C preprocessor can (HFILL, EXPFILL,
//! argument widths, `field_info.value`, the bool preference pointer).
use std::os::raw::c_int;

/// major.minor of the Wireshark the plugin was built against; the loader
/// refuses the plugin in any other release.
pub const WS_MAJOR: c_int = parse_decimal(env!("EMCC_WS_MAJOR"));
pub const WS_MINOR: c_int = parse_decimal(env!("EMCC_WS_MINOR"));

// Each threshold below was read in the headers of 4.0.17, 4.2.2, 4.4.18 and
// 4.6.9; shim.c checks the C side of each against the headers it is compiled
// with, and `emcc_abi_check` (plugin.rs) compares both sides at load time.

/// Value of `EI_INIT`'s members: -1 up to 4.4, 0 from 4.6 on.
#[cfg(not(ws_ge_4_6))]
pub const EI_INIT_VALUE: c_int = -1;
#[cfg(ws_ge_4_6)]
pub const EI_INIT_VALUE: c_int = 0;

/// Storage of a boolean preference, which Wireshark writes through a
/// pointer: a 4-byte gboolean up to 4.2, a 1-byte bool from 4.4 (a wrong
/// size corrupts memory next to it).
#[cfg(not(ws_ge_4_4))]
pub type BoolPrefStorage = std::sync::atomic::AtomicI32;
#[cfg(ws_ge_4_4)]
pub type BoolPrefStorage = std::sync::atomic::AtomicBool;

#[cfg(not(ws_ge_4_4))]
pub const fn bool_pref_storage(value: bool) -> BoolPrefStorage {
    std::sync::atomic::AtomicI32::new(value as c_int)
}
#[cfg(ws_ge_4_4)]
pub const fn bool_pref_storage(value: bool) -> BoolPrefStorage {
    std::sync::atomic::AtomicBool::new(value)
}

#[cfg(not(ws_ge_4_4))]
pub fn bool_pref_value(storage: &BoolPrefStorage) -> bool {
    storage.load(std::sync::atomic::Ordering::Relaxed) != 0
}
#[cfg(ws_ge_4_4)]
pub fn bool_pref_value(storage: &BoolPrefStorage) -> bool {
    storage.load(std::sync::atomic::Ordering::Relaxed)
}

/// `WS_PLUGIN_DESC_DISSECTOR`, returned by `plugin_describe` (read from 4.4 on,
/// ignored before).
pub const PLUGIN_DESC_DISSECTOR: u32 = 1;

const fn parse_decimal(text: &str) -> c_int {
    let bytes = text.as_bytes();
    let mut value: c_int = 0;
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "version from build.rs is not a number"
        );
        value = value * 10 + (bytes[i] - b'0') as c_int;
        i += 1;
    }
    value
}
