//! What Wireshark's TFTP dissector shows of a frame, read from its fields: a read
//! request, the options a server accepted, a DATA block (or the file Wireshark
//! reassembled), an ERROR. Wireshark ties every packet after the read request to it
//! (`tftp.request_frame`), even when the server answers from a fresh port.
//!
//! A block's bytes are what Wireshark hands its Data dissector (`data.data`): the block
//! in the frame, or, in the last block's frame when the preference `tftp.defragment` is
//! on, the whole file in the "Reassembled TFTP" data source (`tftp.reassembled.data`).
//! An empty block has no Data item.
//!
//! `read_payload` builds the same packets from the UDP payload (see `tftp_wire`),
//! without asking Wireshark for a protocol tree.

use super::tftp_wire::{self, Datagram, Shown, TftpTracker};
use crate::epan::{Followed, ForeignField, Packet, Source};
use crate::state::State;
use std::ffi::CStr;

static OPCODE: ForeignField = ForeignField::new(c"tftp.opcode", c"tftp");
static SOURCE_FILE: ForeignField = ForeignField::new(c"tftp.source_file", c"tftp");
static DESTINATION_FILE: ForeignField = ForeignField::new(c"tftp.destination_file", c"tftp");
static ERROR_CODE: ForeignField = ForeignField::new(c"tftp.error.code", c"tftp");
static ERROR_MESSAGE: ForeignField = ForeignField::new(c"tftp.error.message", c"tftp");
static REQUEST_FRAME: ForeignField = ForeignField::new(c"tftp.request_frame", c"tftp");
static BLOCK: ForeignField = ForeignField::new(c"tftp.block", c"tftp");
/// The block number past 65535 (Wireshark 4.0.x counts wrapped blocks on).
static FULL_BLOCK: ForeignField = ForeignField::new(c"tftp.block.full", c"tftp");
static OPTION_NAME: ForeignField = ForeignField::new(c"tftp.option.name", c"tftp");
static OPTION_VALUE: ForeignField = ForeignField::new(c"tftp.option.value", c"tftp");
static REASSEMBLED: ForeignField = ForeignField::new(c"tftp.reassembled.data", c"tftp");
static DATA: ForeignField = ForeignField::new(c"data.data", c"data");

/// The TFTP fields the post-dissector asks Wireshark for.
pub static WANTED: [&ForeignField; 12] = [
    &OPCODE,
    &SOURCE_FILE,
    &DESTINATION_FILE,
    &ERROR_CODE,
    &ERROR_MESSAGE,
    &REQUEST_FRAME,
    &BLOCK,
    &FULL_BLOCK,
    &OPTION_NAME,
    &OPTION_VALUE,
    &REASSEMBLED,
    &DATA,
];

const READ_REQUEST: u32 = 1;
const DATA_PACKET: u32 = 3;
const ERROR: u32 = 5;
const OPTION_ACK: u32 = 6;

/// Bytes in a data source: where an item of ours can point.
pub type Place<'d> = (Source<'d>, usize, usize);

/// One TFTP packet of interest.
pub enum TftpPacket<'d> {
    Request {
        file: String,
        /// The file name's bytes.
        place: Place<'d>,
        client: String,
    },
    Options {
        request: u32,
        block_size: Option<usize>,
        tsize: Option<u64>,
    },
    Data {
        request: u32,
        block: u32,
        bytes: Vec<u8>,
        /// `bytes` is the whole file Wireshark reassembled.
        reassembled: bool,
        /// The capture cut the frame: `bytes` may be only part of the block.
        cut: bool,
        place: Option<Place<'d>>,
    },
    Error {
        file: String,
        code: u32,
        message: String,
        request: Option<u32>,
        sender: String,
    },
}

/// Frames TFTP dissected (its protocol's filter name, resolved at handoff).
static TFTP_LAYER: ForeignField = ForeignField::new(c"tftp", c"tftp");

/// The capture's TFTP conversations, when reading from taps.
static TRACKER: State<TftpTracker> = State::new(TftpTracker::new);

pub fn handoff() {
    TFTP_LAYER.resolve();
}

pub fn reset_capture_state() {
    TRACKER.lock().clear();
}

pub fn read<'d>(packet: &mut Packet<'d>) -> Option<TftpPacket<'d>> {
    if packet.reads_taps() {
        return read_tapped(packet);
    }
    match packet.first_uint(&OPCODE)? {
        READ_REQUEST => {
            let name = packet.string_fields(&SOURCE_FILE).into_iter().next()?;
            Some(TftpPacket::Request {
                file: name.value,
                place: (name.source, name.range.start, name.range.len()),
                client: packet.addresses().0,
            })
        }
        OPTION_ACK => {
            let request = packet.first_uint(&REQUEST_FRAME)?;
            let names = packet.string_fields(&OPTION_NAME);
            let values = packet.string_fields(&OPTION_VALUE);
            let mut block_size = None;
            let mut tsize = None;
            for (name, value) in names.iter().zip(&values) {
                let value = value.value.trim();
                if name.value.eq_ignore_ascii_case("blksize") {
                    block_size = value.parse().ok();
                } else if name.value.eq_ignore_ascii_case("tsize") {
                    tsize = value.parse().ok();
                }
            }
            Some(TftpPacket::Options {
                request,
                block_size,
                tsize,
            })
        }
        DATA_PACKET => {
            let request = packet.first_uint(&REQUEST_FRAME)?;
            let block = packet
                .first_uint(&FULL_BLOCK)
                .or_else(|| packet.first_uint(&BLOCK))?;
            let whole = packet.fields(&REASSEMBLED).into_iter().next();
            let reassembled = whole.is_some();
            let found = whole.or_else(|| packet.fields(&DATA).into_iter().next());
            let (bytes, place) = match found {
                Some(f) => {
                    let bytes = packet.source_bytes(f.source, f.range.clone())?;
                    (bytes, Some((f.source, f.range.start, f.range.len())))
                }
                None => (Vec::new(), None),
            };
            Some(TftpPacket::Data {
                request,
                block,
                bytes,
                reassembled,
                cut: packet.frame_is_cut(),
                place,
            })
        }
        ERROR => {
            let name = packet.string_fields(&DESTINATION_FILE).into_iter().next()?;
            let code = packet.first_uint(&ERROR_CODE).unwrap_or(0);
            let message = packet
                .string_fields(&ERROR_MESSAGE)
                .into_iter()
                .next()
                .map(|m| m.value)
                .unwrap_or_default();
            Some(TftpPacket::Error {
                file: name.value,
                code,
                message,
                request: packet.first_uint(&REQUEST_FRAME),
                sender: packet.addresses().0,
            })
        }
        _ => None,
    }
}

/// A frame TFTP dissected, from UDP's follow tap (packet-udp.c queues each
/// UDP payload tvb, `decode_udp_ports`): the innermost UDP payload is TFTP's.
fn read_tapped<'d>(packet: &mut Packet<'d>) -> Option<TftpPacket<'d>> {
    if !packet.carries(&[&TFTP_LAYER]) {
        return None;
    }
    let payload = packet.tapped_buffers(Followed::Udp).last()?;
    let bytes = packet.source_bytes(payload, 0..payload.len())?;
    let (src_port, dst_port) = packet.udp_ports()?;
    let udp = UdpPayload {
        bytes: &bytes,
        src_port: u16::try_from(src_port).ok()?,
        dst_port: u16::try_from(dst_port).ok()?,
    };
    read_payload(packet, payload, &udp, &mut TRACKER.lock())
}

/// The UDP datagram of a frame Wireshark dissected as TFTP, as the caller got it
/// (Wireshark's `udp_follow` tap): the payload's captured bytes and the ports.
pub struct UdpPayload<'a> {
    pub bytes: &'a [u8],
    pub src_port: u16,
    pub dst_port: u16,
}

/// The name Wireshark 4.0 gives the data source of a file it reassembled
/// (packet-tftp.c, `dissect_tftp_message`, its call of `process_reassembled_data`).
const REASSEMBLED_SOURCE: &CStr = c"Reassembled TFTP";

/// The same packet as `read`, from the UDP payload instead of the tree. `payload`
/// is the data source holding `udp.bytes` (places point into it); `tracker` follows
/// the capture's conversations (see `tftp_wire`). Each frame must be given exactly
/// once, in frame order, on the pass that decides it (the tracker remembers no
/// frame). A file Wireshark reassembled (its preference `tftp.defragment`) is read
/// from the data source Wireshark added to the frame, not redone.
pub fn read_payload<'d>(
    packet: &mut Packet<'d>,
    payload: Source<'d>,
    udp: &UdpPayload<'_>,
    tracker: &mut TftpTracker,
) -> Option<TftpPacket<'d>> {
    let (src, dst) = packet.addresses();
    let datagram = Datagram {
        frame: packet.frame_number(),
        src: &src,
        dst: &dst,
        src_port: udp.src_port,
        dst_port: udp.dst_port,
        payload: udp.bytes,
    };
    let told = tracker.dissect(&datagram);
    let message = tftp_wire::parse(udp.bytes)?;
    let place = |r: std::ops::Range<usize>| (payload, r.start, r.len());
    Some(match tftp_wire::shown(&message, &told, udp.bytes)? {
        Shown::Request { file, item } => TftpPacket::Request {
            file,
            place: place(item),
            client: src,
        },
        Shown::Options {
            request,
            block_size,
            tsize,
        } => TftpPacket::Options {
            request,
            block_size,
            tsize,
        },
        Shown::Data {
            request,
            block,
            own,
        } => {
            let cut = packet.frame_is_cut();
            // The file Wireshark reassembled (its preference tftp.defragment)
            // is in the data source it added to this frame.
            match packet.data_source_named(REASSEMBLED_SOURCE) {
                Some(source) => {
                    let bytes = packet.source_bytes(source, 0..source.len())?;
                    let len = bytes.len();
                    TftpPacket::Data {
                        request,
                        block,
                        bytes,
                        reassembled: true,
                        cut,
                        place: Some((source, 0, len)),
                    }
                }
                None => TftpPacket::Data {
                    request,
                    block,
                    bytes: own.clone().map_or_else(Vec::new, |r| udp.bytes[r].to_vec()),
                    reassembled: false,
                    cut,
                    place: own.map(place),
                },
            }
        }
        Shown::Error {
            file,
            code,
            message,
            request,
        } => TftpPacket::Error {
            file,
            code,
            message,
            request: Some(request),
            sender: src,
        },
    })
}
