//! Text for the user on standard output and standard error, written through
//! Wireshark's own C stdio streams.
//!
//! Rust's `print!` keeps a buffer of its own next to C's `stdout`: a report
//! printed that way lands wherever the two buffers happen to be flushed, in
//! the middle of tshark's packet lines when output goes to a file. And
//! `print!`/`eprintln!` panic when the stream is closed (`tshark ... | head`).
//! Through C stdio our text takes its place in tshark's own stream, and a
//! closed pipe behaves exactly as it does for tshark's own reports.

use std::sync::atomic::{AtomicBool, Ordering};

use super::c_strings::c_text;
use super::sys;

/// Writes `text` to standard output, after what tshark wrote so far.
pub fn write_stdout(text: &str) {
    let text = c_text(text);
    // SAFETY: a NUL-terminated string that outlives the call.
    unsafe { sys::emcc_write_stdout(text.as_ptr()) }
}

/// Writes `text` and a newline to standard error.
pub fn write_stderr_line(text: &str) {
    let text = c_text(&format!("{text}\n"));
    // SAFETY: as above.
    unsafe { sys::emcc_write_stderr(text.as_ptr()) }
}

/// A place in the plugin that reports its own failure on standard error at
/// most once per run: the first message says what broke; repeating it for
/// every frame would bury tshark's output.
pub struct ReportOnce {
    reported: AtomicBool,
}

impl ReportOnce {
    pub const fn new() -> ReportOnce {
        ReportOnce {
            reported: AtomicBool::new(false),
        }
    }

    /// Writes `message` (prefixed with the plugin's name) unless this place
    /// already did.
    pub fn report(&self, message: &str) {
        if !self.reported.swap(true, Ordering::Relaxed) {
            write_stderr_line(&format!("emcc plugin: {message}"));
        }
    }
}
