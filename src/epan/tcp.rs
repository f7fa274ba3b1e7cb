//! A TCP segment's stream index and flags as our post-dissectors read
//! them: from TCP's tap record when reading taps (no lookup of fields on
//! every TCP segment), from `tcp.stream` and `tcp.flags` when reading the
//! tree. Members that read it list `TCP_STREAM` and `TCP_FLAGS` among
//! their wanted fields, for the tree.

use super::packet::Packet;
use super::registry::ForeignField;

pub static TCP_STREAM: ForeignField = ForeignField::new(c"tcp.stream", c"tcp");
pub static TCP_FLAGS: ForeignField = ForeignField::new(c"tcp.flags", c"tcp");

/// TCP header flags (RFC 9293 section 3.1), as `tcp.flags` and TCP's tap
/// record (`th_flags`) carry them.
pub const FIN: u32 = 0x01;
pub const SYN: u32 = 0x02;
pub const RST: u32 = 0x04;

/// The frame's TCP stream index and flags (the same values as `tcp.stream`
/// and `tcp.flags`).
pub fn header(packet: &mut Packet<'_>) -> Option<(u32, u32)> {
    if packet.reads_taps() {
        return packet.tapped_tcp().map(|tcp| (tcp.stream, tcp.flags));
    }
    let stream = packet.first_uint(&TCP_STREAM)?;
    Some((stream, packet.first_uint(&TCP_FLAGS).unwrap_or(0)))
}
