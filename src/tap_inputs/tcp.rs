//! `tcp.stream` and `tcp.flags`, from the header TCP queues for its tap
//! (packet-tcp.c, `tap_queue_packet(tcp_tap, ...)` after every segment; the
//! stream index and flags are the items' values).

use crate::epan::{FoundField, Packet};

pub fn read<'d>(packet: &mut Packet<'d>, field: &[u8]) -> Vec<FoundField<'d>> {
    let Some(tcp) = packet.tapped_tcp() else {
        return Vec::new();
    };
    let value = match field {
        b"stream" => tcp.stream,
        b"flags" => tcp.flags,
        _ => return Vec::new(),
    };
    let frame = packet.frame_source();
    vec![super::uint_at(frame, value)]
}
