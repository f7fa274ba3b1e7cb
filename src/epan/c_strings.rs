//! Text across the boundary: Rust strings into C strings for Wireshark, and
//! the fixed message buffers the shim fills back into Rust strings.

use std::ffi::CString;
use std::os::raw::c_char;

/// Text for Wireshark: NUL bytes would cut it short, so they become U+FFFD.
pub(super) fn c_text(text: &str) -> CString {
    if !text.contains('\0') {
        return CString::new(text).unwrap_or_default();
    }
    CString::new(text.replace('\0', "\u{fffd}")).unwrap_or_default()
}

/// A NUL-terminated message the shim wrote into a buffer of ours (an
/// exception's text), or "no message" when it is empty.
pub(super) fn c_message(raw: &[c_char]) -> String {
    let bytes: Vec<u8> = raw
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    if bytes.is_empty() {
        "no message".to_string()
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
