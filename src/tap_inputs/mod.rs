//! Other protocols' values, read from what their dissectors hand out without
//! a protocol tree (see `epan::inputs`): answers `Packet::fields` for the
//! fields our post-dissectors read, with the same values (and, where the
//! bytes are at hand, the same byte ranges) as Wireshark's own items.
//!
//! - `tcp`: `tcp.stream`, `tcp.flags` from TCP's tap;
//! - `sip`: the SIP header fields we read, parsed from the messages SIP's
//!   follow tap hands out (`crate::sip_message`);
//! - `http`: request URI, status code, body and the request/response links,
//!   from HTTP's tap and follow tap;
//! - `skinny`: Skinny's message ids, alarm XML and the values of its
//!   registration messages, from the PDUs a wrapper on Skinny's port saw;
//! - `tls`: TLS record types and lengths on the TVS port, from the records a
//!   wrapper in front of TLS saw.
//!
//! TFTP is read by `ciscotl` itself, from UDP's follow tap.
#![forbid(unsafe_code)]

mod http;
mod sip;
mod skinny;
mod tcp;
pub mod tls;

use crate::epan::{ForeignField, FoundField, Packet};

/// Called once at registration: `Packet::fields` asks us from now on.
pub fn register() {
    crate::epan::set_tap_reader(read);
    skinny::register();
    tls::TVS_TLS.register();
}

pub fn handoff() {
    skinny::handoff();
    sip::handoff();
}

/// A new capture file.
pub fn reset_capture_state() {
    http::reset_capture_state();
    sip::reset_capture_state();
}

/// The occurrences of `field` in this frame, read from taps.
fn read<'d>(packet: &mut Packet<'d>, field: &ForeignField) -> Vec<FoundField<'d>> {
    let name = field.abbrev.to_bytes();
    if let Some(rest) = name.strip_prefix(b"tcp.") {
        tcp::read(packet, rest)
    } else if let Some(rest) = name.strip_prefix(b"sip.") {
        sip::read(packet, rest)
    } else if let Some(rest) = name.strip_prefix(b"http.") {
        http::read(packet, rest)
    } else if let Some(rest) = name.strip_prefix(b"skinny.") {
        skinny::read(packet, rest)
    } else if let Some(rest) = name.strip_prefix(b"tls.record.") {
        tls::read(packet, rest)
    } else {
        Vec::new()
    }
}

/// A value found at the start of `source` without bytes of its own.
fn uint_at<'d>(source: crate::epan::Source<'d>, value: u32) -> FoundField<'d> {
    FoundField {
        string: None,
        uint: Some(value),
        source,
        range: 0..0,
    }
}
