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
    let text = c_buffer_text(raw);
    if text.is_empty() {
        "no message".to_string()
    } else {
        text
    }
}

/// The NUL-terminated text in a buffer the shim filled (an address, say),
/// with one allocation: it runs for many frames.
pub(super) fn c_buffer_text(raw: &[c_char]) -> String {
    let len = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
    // SAFETY: c_char and u8 have the same size and alignment; the slice
    // stays borrowed from `raw`.
    let bytes = unsafe { std::slice::from_raw_parts(raw.as_ptr().cast::<u8>(), len) };
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}
