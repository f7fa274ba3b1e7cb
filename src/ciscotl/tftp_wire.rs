//! TFTP read from a UDP payload instead of Wireshark's protocol tree: a parser of
//! one packet (RFC 1350 RRQ/WRQ/DATA/ACK/ERROR, RFC 2347 OACK and options) and a
//! tracker that tells, for each packet, what Wireshark 4.0's TFTP dissector shows
//! beside its bytes: the read request it belongs to (`tftp.request_frame`), the full
//! block number past 65535 (`tftp.block.full`), the file name on later packets
//! (`tftp.destination_file`), and, with the preference `tftp.defragment` on, the
//! whole file in the frame that completes it (`tftp.reassembled.data`).
//!
//! The tracker follows the dissector's choices as read in Wireshark 4.0's
//! `epan/dissectors/packet-tftp.c` and the conversation and reassembly code it calls
//! (`epan/conversation.c`, `epan/reassemble.c`); each rule below names the function
//! it comes from. Frames must be given in frame order on the first pass; a frame
//! given again gets the answer of its first time.

#![forbid(unsafe_code)]
// Not called yet: the post-dissector moves to `tftp::read_payload` separately.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use super::transfers::{MAX_FILE, MAX_HELD, MAX_OPEN};
use crate::frame_memory::MAX_FRAMES;

/// The UDP port of TFTP servers (RFC 1350 section 4; Wireshark's default
/// `tftp.udp.port` range, `UDP_PORT_TFTP_RANGE`).
pub const TFTP_PORT: u16 = 69;

/// Opcodes, RFC 1350 section 5; OACK, RFC 2347.
pub const RRQ: u16 = 1;
pub const WRQ: u16 = 2;
pub const DATA: u16 = 3;
pub const ACK: u16 = 4;
pub const ERROR: u16 = 5;
pub const OACK: u16 = 6;

/// RFC 1350 section 1: data is sent in blocks of 512 bytes unless an option
/// (RFC 2348 `blksize`) says otherwise.
const DEFAULT_BLOCK_SIZE: u16 = 512;

/// RFC 2348: the block sizes a `blksize` option may take. Wireshark 4.0 ignores an
/// OACK value outside them (`tftp_dissect_options`).
const BLOCK_SIZES: std::ops::RangeInclusive<i32> = 8..=65_464;

/// A NUL-terminated string of a packet: `start..nul` is its text, `nul` the index
/// of its terminating zero byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zstr {
    pub start: usize,
    pub nul: usize,
}

impl Zstr {
    /// The text, without its zero byte.
    pub fn text(&self) -> Range<usize> {
        self.start..self.nul
    }

    /// The text and its zero byte: the bytes Wireshark's item of it covers.
    pub fn item(&self) -> Range<usize> {
        self.start..self.nul + 1
    }
}

/// One TFTP packet as far as its captured bytes go. A field Wireshark could not
/// read (bytes missing, string without its zero byte) is `None` and, as in
/// Wireshark, nothing after it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// RFC 1350 section 5 (figure 5-1): opcode 1 (RRQ) or 2 (WRQ), file name,
    /// zero, mode, zero; RFC 2347 section "Packet Formats": options follow as
    /// name, zero, value, zero pairs.
    Request {
        write: bool,
        file: Option<Zstr>,
        mode: Option<Zstr>,
        options: Vec<(Zstr, Zstr)>,
    },
    /// RFC 1350 figure 5-2: opcode 3, block number, 0 to block-size bytes. `data`
    /// is the captured part after the 4-byte header.
    Data {
        block: Option<u16>,
        data: Range<usize>,
    },
    /// RFC 1350 figure 5-3: opcode 4, block number.
    Ack { block: Option<u16> },
    /// RFC 1350 figure 5-4: opcode 5, error code, message, zero.
    Error {
        code: Option<u16>,
        message: Option<Zstr>,
    },
    /// RFC 2347: opcode 6, then the accepted options as name/value pairs.
    OptionAck { options: Vec<(Zstr, Zstr)> },
    /// Another opcode (Wireshark shows the rest as bytes).
    Other { opcode: u16 },
}

fn u16_at(payload: &[u8], at: usize) -> Option<u16> {
    let b = payload.get(at..at + 2)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

/// The string starting at `at`, if its zero byte was captured (Wireshark's
/// `tvb_strsize` throws otherwise, also when `at` is the end of the bytes).
fn zstr(payload: &[u8], at: usize) -> Option<Zstr> {
    let rest = payload.get(at..)?;
    let len = rest.iter().position(|&b| b == 0)?;
    Some(Zstr {
        start: at,
        nul: at + len,
    })
}

/// Name/value pairs from `at` to the end (RFC 2347), stopping where a pair is not
/// whole (as Wireshark 4.0's `tftp_dissect_options`: both lengths are taken
/// before either item is added).
fn options(payload: &[u8], mut at: usize) -> Vec<(Zstr, Zstr)> {
    let mut found = Vec::new();
    while at < payload.len() {
        let Some(name) = zstr(payload, at) else { break };
        let Some(value) = zstr(payload, name.nul + 1) else {
            break;
        };
        at = value.nul + 1;
        found.push((name, value));
    }
    found
}

/// Parses one TFTP packet from the captured UDP payload; `None` when not even
/// the opcode is there.
pub fn parse(payload: &[u8]) -> Option<Message> {
    let opcode = u16_at(payload, 0)?;
    Some(match opcode {
        RRQ | WRQ => {
            let file = zstr(payload, 2);
            let mode = file.and_then(|f| zstr(payload, f.nul + 1));
            let options = mode.map_or_else(Vec::new, |m| options(payload, m.nul + 1));
            Message::Request {
                write: opcode == WRQ,
                file,
                mode,
                options,
            }
        }
        DATA => Message::Data {
            block: u16_at(payload, 2),
            data: 4.min(payload.len())..payload.len(),
        },
        ACK => Message::Ack {
            block: u16_at(payload, 2),
        },
        ERROR => {
            let code = u16_at(payload, 2);
            Message::Error {
                code,
                message: code.and_then(|_| zstr(payload, 4)),
            }
        }
        OACK => Message::OptionAck {
            options: options(payload, 2),
        },
        other => Message::Other { opcode: other },
    })
}

/// Text of a string field as Wireshark 4.0 decodes `ENC_ASCII`: a byte above
/// 0x7f becomes U+FFFD.
pub fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b < 0x80 { b as char } else { '\u{fffd}' })
        .collect()
}

/// Wireshark 4.0's test for a read or write request body (`is_valid_request_body`):
/// every byte after the opcode printable or zero, an even, non-zero number of
/// zeros, and a mode of "netascii", "octet" or "mail" (RFC 1350 section 5) in
/// any case.
pub fn is_valid_request_body(payload: &[u8]) -> bool {
    let body = payload.get(2..).unwrap_or(&[]);
    let mut zeros = 0usize;
    for &b in body {
        if b == 0 {
            zeros += 1;
        } else if !(0x20..=0x7e).contains(&b) {
            return false;
        }
    }
    if zeros == 0 || zeros % 2 != 0 {
        return false;
    }
    let Some(file) = zstr(payload, 2) else {
        return false;
    };
    let Some(mode) = zstr(payload, file.nul + 1) else {
        return false;
    };
    let mode = &payload[mode.text()];
    ["netascii", "octet", "mail"]
        .iter()
        .any(|m| mode.eq_ignore_ascii_case(m.as_bytes()))
}

/// Wireshark 4.0's `is_valid_request`: at least 4 bytes, an RRQ or WRQ opcode,
/// and a valid body.
pub fn is_valid_request(payload: &[u8]) -> bool {
    payload.len() >= 4
        && matches!(u16_at(payload, 0), Some(RRQ | WRQ))
        && is_valid_request_body(payload)
}

/// The block number counting 16-bit wraps, from the block expected next
/// (Wireshark 4.0 `determine_full_blocknum`): the nearest number with these low
/// 16 bits, but never one below zero.
pub fn full_block(block: u16, next: u32) -> u32 {
    let delta = next.wrapping_sub(u32::from(block)) as u16 as i16;
    if i32::from(delta) > next as i32 {
        return u32::from(block);
    }
    next.wrapping_sub(i32::from(delta) as u32)
}

/// A number as C's `strtol` reads Wireshark's printable copy of an option value
/// (`tvb_format_text`, which escapes control bytes, so only spaces lead), cast
/// to C `int` as `tftp_dissect_options` does.
fn strtol_int(text: &[u8]) -> i32 {
    let mut rest = text;
    while let [b' ', tail @ ..] = rest {
        rest = tail;
    }
    let negative = matches!(rest.first(), Some(b'-'));
    if matches!(rest.first(), Some(b'-' | b'+')) {
        rest = &rest[1..];
    }
    let mut value: i64 = 0;
    let mut overflow = false;
    for &b in rest.iter().take_while(|b| b.is_ascii_digit()) {
        match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    let long = match (overflow, negative) {
        (true, false) => i64::MAX,
        (true, true) => i64::MIN,
        (false, true) => -value,
        (false, false) => value,
    };
    long as i32
}

/// One UDP datagram Wireshark handed its TFTP dissector.
pub struct Datagram<'a> {
    pub frame: u32,
    /// Network addresses as text (any stable spelling: they are only compared).
    pub src: &'a str,
    pub dst: &'a str,
    pub src_port: u16,
    pub dst_port: u16,
    /// The captured UDP payload.
    pub payload: &'a [u8],
    /// The UDP payload's length on the wire (more than `payload.len()` when the
    /// capture cut the frame).
    pub reported_len: usize,
}

/// What Wireshark shows of a frame beside its own bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Told {
    /// `tftp.request_frame`; 0 when the packet belongs to no request (Wireshark
    /// then shows neither it nor `tftp.destination_file`).
    pub request_frame: u32,
    /// The request's file name (`tftp.destination_file` on packets after it).
    pub file: Option<Arc<str>>,
    /// `tftp.block.full` of a DATA or ACK packet.
    pub full_block: Option<u32>,
    /// The whole file, in the frame that completed it (`tftp.defragment` on).
    pub reassembled: Option<Arc<[u8]>>,
}

/// A TFTP conversation's state, as Wireshark 4.0's `tftp_conv_info_t` (only the
/// parts that change what is shown).
struct Conv {
    block_size: u16,
    source_file: Option<Arc<str>>,
    destination_file: Option<Arc<str>>,
    request_frame: u32,
    next_block: u32,
    reassembly_id: u32,
    last_reassembly_frame: u32,
}

impl Conv {
    fn new(id: u32) -> Conv {
        Conv {
            block_size: DEFAULT_BLOCK_SIZE,
            source_file: None,
            destination_file: None,
            request_frame: 0,
            next_block: 1,
            reassembly_id: id,
            last_reassembly_frame: u32::MAX,
        }
    }
}

/// A file being put back together: Wireshark's reassembly key is the id and the
/// packet's addresses and ports in its direction (`addresses_ports` functions).
#[derive(Clone, PartialEq, Eq, Hash)]
struct ReassemblyKey {
    id: u32,
    src: String,
    dst: String,
    src_port: u16,
    dst_port: u16,
}

#[derive(Default)]
struct Reassembly {
    /// Offset (block - 1) of the first block shorter than the block size.
    last: Option<u32>,
    /// The first copy of each block (a retransmission repeats it, and
    /// `fragment_defragment_and_free` keeps the earliest).
    blocks: BTreeMap<u32, Vec<u8>>,
    held: usize,
    /// More than `MAX_FILE` bytes: given up (Wireshark would go on).
    too_big: bool,
}

/// Follows TFTP conversations across frames. Owned by the caller; clear it (or
/// make a new one) for a new capture.
#[derive(Default)]
pub struct TftpTracker {
    convs: Vec<Conv>,
    /// Conversations a request opened, by client address, client port and server
    /// address (the server's port is a wildcard); the latest one counts.
    by_request: HashMap<(String, u16, String), usize>,
    /// Conversations of packets no request explains (Wireshark's fallback,
    /// `find_conversation_pinfo`: UDP's own, per address/port pair).
    by_pair: HashMap<(String, u16, String, u16), usize>,
    reassemblies: HashMap<ReassemblyKey, Reassembly>,
    reassembling: usize,
    /// Bytes of finished files remembered for their frames.
    kept: usize,
    told: HashMap<u32, Told>,
    last_frame: u32,
}

impl TftpTracker {
    pub fn new() -> TftpTracker {
        TftpTracker::default()
    }

    pub fn clear(&mut self) {
        *self = TftpTracker::default();
    }

    /// What Wireshark shows of this datagram beside its bytes. The first call for
    /// a frame decides; a later call for the same frame returns that answer.
    /// A frame older than the last one seen and not remembered (memory full)
    /// gets an empty answer and changes nothing.
    pub fn dissect(&mut self, d: &Datagram<'_>, defragment: bool) -> Told {
        if let Some(told) = self.told.get(&d.frame) {
            return told.clone();
        }
        if d.frame <= self.last_frame && !self.told.is_empty() {
            return Told::default();
        }
        self.last_frame = d.frame;
        let told = self.first_time(d, defragment);
        if self.told.len() < MAX_FRAMES {
            if let Some(file) = &told.reassembled {
                self.kept += file.len();
            }
            self.told.insert(d.frame, told.clone());
        }
        told
    }

    fn first_time(&mut self, d: &Datagram<'_>, defragment: bool) -> Told {
        let Some(message) = parse(d.payload) else {
            return Told::default();
        };
        let Some(conv) = self.conversation(d) else {
            return Told::default();
        };
        let mut told = Told::default();
        let info = &self.convs[conv];
        let is_request = matches!(message, Message::Request { .. });
        // dissect_tftp_message: every packet but a request names the request's
        // file and frame, once a request was seen.
        if info.request_frame != 0 && !is_request {
            told.request_frame = info.request_frame;
            let file = info.source_file.as_ref().or(info.destination_file.as_ref());
            told.file = Some(file.cloned().unwrap_or_else(|| Arc::from("")));
        }
        match message {
            // A request with a file name is the transfer's request from now on
            // (the RRQ/WRQ cases of dissect_tftp_message).
            Message::Request {
                write,
                file: Some(file),
                ..
            } => {
                let name: Arc<str> = Arc::from(ascii(&d.payload[file.text()]));
                let info = &mut self.convs[conv];
                if write {
                    info.destination_file = Some(name);
                    info.source_file = None;
                } else {
                    info.source_file = Some(name);
                    info.destination_file = None;
                }
                info.request_frame = d.frame;
            }
            Message::Data { block: Some(b), .. } => {
                told.full_block = Some(full_block(b, self.convs[conv].next_block));
                told.reassembled = self.data(conv, d, told.full_block.unwrap_or(0), defragment);
            }
            Message::Ack { block: Some(b) } => {
                told.full_block = Some(full_block(b, self.convs[conv].next_block));
            }
            Message::OptionAck { options } => {
                // tftp_dissect_options: an OACK's blksize within RFC 2348's range
                // sets the block size; other values are ignored.
                for (name, value) in options {
                    if d.payload[name.text()].eq_ignore_ascii_case(b"blksize") {
                        let size = strtol_int(&d.payload[value.text()]);
                        if BLOCK_SIZES.contains(&size) {
                            self.convs[conv].block_size = size as u16;
                        }
                    }
                }
            }
            _ => {}
        }
        told
    }

    /// The conversation Wireshark 4.0's `dissect_tftp` files the packet under.
    fn conversation(&mut self, d: &Datagram<'_>) -> Option<usize> {
        let client_side = (d.src.to_owned(), d.src_port, d.dst.to_owned());
        // A valid request to the TFTP port always opens a new conversation, keyed
        // by the client's address and port and the server's address
        // (create_tftp_conversation).
        if d.dst_port == TFTP_PORT && is_valid_request(d.payload) {
            return self.open(client_side);
        }
        // Otherwise the conversation of a packet to the client, then of one from
        // it (find_conversation with NO_PORT_B, latest first).
        let to_client = (d.dst.to_owned(), d.dst_port, d.src.to_owned());
        if let Some(&c) = self.by_request.get(&to_client) {
            return Some(c);
        }
        if let Some(&c) = self.by_request.get(&client_side) {
            return Some(c);
        }
        // A request to another port reached TFTP through its UDP heuristic
        // (dissect_tftp_heur), which opens a conversation too.
        if d.dst_port != TFTP_PORT && is_valid_request_body(d.payload) {
            return self.open(client_side);
        }
        // Else the address/port pair's own conversation (dissect_tftp's last
        // resort), which starts with no request.
        let (a, b) = ((d.src, d.src_port), (d.dst, d.dst_port));
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let pair = (lo.0.to_owned(), lo.1, hi.0.to_owned(), hi.1);
        if let Some(&c) = self.by_pair.get(&pair) {
            return Some(c);
        }
        let c = self.new_conv()?;
        self.by_pair.insert(pair, c);
        Some(c)
    }

    fn open(&mut self, key: (String, u16, String)) -> Option<usize> {
        let c = self.new_conv()?;
        self.by_request.insert(key, c);
        Some(c)
    }

    /// A new conversation, unless `MAX_OPEN` are known (then packets of new
    /// transfers go unexplained).
    fn new_conv(&mut self) -> Option<usize> {
        if self.convs.len() >= MAX_OPEN {
            return None;
        }
        let id = self.convs.len();
        self.convs.push(Conv::new(id as u32));
        Some(id)
    }

    /// A DATA block's sequence analysis and, with `defragment`, reassembly
    /// (the TFTP_DATA case of dissect_tftp_message). Returns the whole file if
    /// this block completed it.
    fn data(
        &mut self,
        conv: usize,
        d: &Datagram<'_>,
        block: u32,
        defragment: bool,
    ) -> Option<Arc<[u8]>> {
        let info = &mut self.convs[conv];
        // The block's length on the wire, in 16 bits as Wireshark keeps it.
        let bytes = d.reported_len.saturating_sub(4) as u16;
        let is_last = bytes < info.block_size;
        if block > info.next_block {
            info.next_block = block.wrapping_add(1);
        } else if block == info.next_block {
            info.next_block = info.next_block.wrapping_add(1);
        }
        if is_last && block == 1 {
            // A one-block file is whole in its frame; no later block of this
            // conversation is reassembled.
            info.last_reassembly_frame = d.frame;
            return None;
        }
        if !defragment || d.frame > info.last_reassembly_frame {
            return None;
        }
        let key = ReassemblyKey {
            id: info.reassembly_id,
            src: d.src.to_owned(),
            dst: d.dst.to_owned(),
            src_port: d.src_port,
            dst_port: d.dst_port,
        };
        let captured = d.payload.get(4..4 + usize::from(bytes));
        let whole = self.add_block(key, block.wrapping_sub(1), captured, is_last)?;
        self.convs[conv].last_reassembly_frame = d.frame;
        Some(whole)
    }

    /// Wireshark 4.0's `fragment_add_seq_check` for one block: `offset` is the
    /// block number less one, `captured` the block's bytes (`None` when the capture
    /// cut them: the block is then not added, though a last block still fixes
    /// the end). Returns the file once blocks 0 to the end are all there.
    fn add_block(
        &mut self,
        key: ReassemblyKey,
        offset: u32,
        captured: Option<&[u8]>,
        is_last: bool,
    ) -> Option<Arc<[u8]>> {
        if !self.reassemblies.contains_key(&key) && self.reassembling >= MAX_OPEN {
            return None;
        }
        let r = self.reassemblies.entry(key.clone()).or_insert_with(|| {
            self.reassembling += 1;
            Reassembly::default()
        });
        if is_last && r.last.is_none() {
            r.last = Some(offset);
        }
        let bytes = captured?;
        if r.too_big {
            return None;
        }
        if !r.blocks.contains_key(&offset) {
            if r.held + bytes.len() > MAX_FILE {
                r.too_big = true;
                r.blocks = BTreeMap::new();
                r.held = 0;
                return None;
            }
            r.held += bytes.len();
            r.blocks.insert(offset, bytes.to_vec());
        }
        let last = r.last?;
        // fragment_add_seq_work: complete when every offset from 0 to the last
        // block's is present (blocks past it are kept and appended).
        let contiguous = r.blocks.keys().zip(0u32..).take_while(|(k, i)| *k == i);
        if contiguous.count() as u64 <= u64::from(last) {
            return None;
        }
        let r = self.reassemblies.remove(&key)?;
        self.reassembling -= 1;
        if self.kept + r.held > MAX_HELD {
            return None;
        }
        let whole: Vec<u8> = r.blocks.into_values().flatten().collect();
        Some(Arc::from(whole))
    }
}

/// What `tftp::read` takes from Wireshark's tree for a packet, with byte ranges
/// into the UDP payload instead of tree items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// A read request: its file name (`tftp.source_file`) and the bytes of that
    /// item (the name and its zero byte).
    Request { file: String, item: Range<usize> },
    /// An OACK's `blksize` (RFC 2348) and `tsize` (RFC 2349), read as `read` reads
    /// `tftp.option.name`/`tftp.option.value`.
    Options {
        request: u32,
        block_size: Option<usize>,
        tsize: Option<u64>,
    },
    /// A DATA block: its full number, and either the file Wireshark reassembled
    /// or the block's captured bytes (`data.data`; none for an empty block).
    Data {
        request: u32,
        block: u32,
        own: Option<Range<usize>>,
        reassembled: Option<Arc<[u8]>>,
    },
    Error {
        file: String,
        code: u32,
        message: String,
        request: u32,
    },
}

/// The fields `tftp::read` would have found for this packet.
pub fn shown(message: &Message, told: &Told, payload: &[u8]) -> Option<Shown> {
    let text = |z: &Zstr| ascii(&payload[z.text()]);
    let request = told.request_frame;
    match message {
        Message::Request {
            write: false,
            file: Some(file),
            ..
        } => Some(Shown::Request {
            file: text(file),
            item: file.item(),
        }),
        Message::OptionAck { options } if request != 0 => {
            let (mut block_size, mut tsize) = (None, None);
            for (name, value) in options {
                let value = text(value);
                let value = value.trim();
                let name = text(name);
                if name.eq_ignore_ascii_case("blksize") {
                    block_size = value.parse().ok();
                } else if name.eq_ignore_ascii_case("tsize") {
                    tsize = value.parse().ok();
                }
            }
            Some(Shown::Options {
                request,
                block_size,
                tsize,
            })
        }
        Message::Data { data, .. } if request != 0 => Some(Shown::Data {
            request,
            block: told.full_block?,
            // dissect_data adds `data.data` only for captured bytes.
            own: (!data.is_empty()).then(|| data.clone()),
            reassembled: told.reassembled.clone(),
        }),
        Message::Error { code, message } if request != 0 => Some(Shown::Error {
            file: told.file.as_deref().unwrap_or("").to_owned(),
            code: code.map_or(0, u32::from),
            message: message.as_ref().map(text).unwrap_or_default(),
            request,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: &str = "10.0.0.1";
    const SERVER: &str = "10.0.0.2";

    /// RFC 1350 figure 5-1 (RRQ), with RFC 2347 "Packet Formats" options.
    fn rrq(file: &str, mode: &str, options: &[(&str, &str)]) -> Vec<u8> {
        let mut p = vec![0, 1];
        for s in [file, mode] {
            p.extend_from_slice(s.as_bytes());
            p.push(0);
        }
        for (n, v) in options {
            p.extend_from_slice(n.as_bytes());
            p.push(0);
            p.extend_from_slice(v.as_bytes());
            p.push(0);
        }
        p
    }

    /// RFC 1350 figure 5-2.
    fn data(block: u16, bytes: &[u8]) -> Vec<u8> {
        let mut p = vec![0, 3];
        p.extend_from_slice(&block.to_be_bytes());
        p.extend_from_slice(bytes);
        p
    }

    /// RFC 1350 figure 5-3.
    fn ack(block: u16) -> Vec<u8> {
        let mut p = vec![0, 4];
        p.extend_from_slice(&block.to_be_bytes());
        p
    }

    /// RFC 1350 figure 5-4.
    fn error(code: u16, message: &str) -> Vec<u8> {
        let mut p = vec![0, 5];
        p.extend_from_slice(&code.to_be_bytes());
        p.extend_from_slice(message.as_bytes());
        p.push(0);
        p
    }

    /// RFC 2347 "Packet Formats": OACK.
    fn oack(options: &[(&str, &str)]) -> Vec<u8> {
        let mut p = vec![0, 6];
        for (n, v) in options {
            p.extend_from_slice(n.as_bytes());
            p.push(0);
            p.extend_from_slice(v.as_bytes());
            p.push(0);
        }
        p
    }

    /// A capture being dissected: frames numbered in order.
    struct Capture {
        tracker: TftpTracker,
        frame: u32,
        defragment: bool,
    }

    impl Capture {
        fn new(defragment: bool) -> Capture {
            Capture {
                tracker: TftpTracker::new(),
                frame: 0,
                defragment,
            }
        }

        /// The next frame, from `src`:`sp` to `dst`:`dp`; `cut` keeps only that many
        /// bytes of the payload.
        fn send(
            &mut self,
            (src, sp): (&str, u16),
            (dst, dp): (&str, u16),
            payload: &[u8],
            cut: Option<usize>,
        ) -> (u32, Told, Option<Shown>) {
            self.frame += 1;
            let captured = &payload[..cut.unwrap_or(payload.len()).min(payload.len())];
            let d = Datagram {
                frame: self.frame,
                src,
                dst,
                src_port: sp,
                dst_port: dp,
                payload: captured,
                reported_len: payload.len(),
            };
            let told = self.tracker.dissect(&d, self.defragment);
            let shown = parse(captured).and_then(|m| shown(&m, &told, captured));
            (self.frame, told, shown)
        }

        fn phone_sends(&mut self, port: u16, payload: &[u8]) -> (u32, Told, Option<Shown>) {
            self.send((PHONE, 50_000), (SERVER, port), payload, None)
        }

        fn server_sends(&mut self, port: u16, payload: &[u8]) -> (u32, Told, Option<Shown>) {
            self.send((SERVER, port), (PHONE, 50_000), payload, None)
        }
    }

    fn block_of(shown: &Option<Shown>) -> (u32, u32) {
        match shown {
            Some(Shown::Data { request, block, .. }) => (*request, *block),
            other => panic!("not a DATA packet: {other:?}"),
        }
    }

    #[test]
    fn parses_rfc_1350_packets() {
        // RFC 1350 figure 5-1: opcode 1, "foobar", 0, "octet", 0.
        let p = rrq("foobar", "octet", &[]);
        let Some(Message::Request {
            write: false,
            file: Some(file),
            mode: Some(mode),
            options,
        }) = parse(&p)
        else {
            panic!("not a read request")
        };
        assert_eq!(&p[file.text()], b"foobar");
        assert_eq!(file.item(), 2..9);
        assert_eq!(&p[mode.text()], b"octet");
        assert!(options.is_empty());
        assert!(is_valid_request(&p));
        // Figure 5-2, 5-3, 5-4.
        assert_eq!(
            parse(&data(7, b"abc")),
            Some(Message::Data {
                block: Some(7),
                data: 4..7
            })
        );
        assert_eq!(parse(&ack(7)), Some(Message::Ack { block: Some(7) }));
        let e = error(1, "File not found");
        let Some(Message::Error {
            code: Some(1),
            message: Some(m),
        }) = parse(&e)
        else {
            panic!("not an error")
        };
        assert_eq!(&e[m.text()], b"File not found");
    }

    #[test]
    fn parses_rfc_2347_to_2349_options() {
        // RFC 2348 "Blocksize Option Specification" example: RRQ for "foobar",
        // octet mode, blksize 1428; RFC 2349's timeout example asks for 1 second;
        // RFC 2349 "Transfer Size Option Specification": tsize 0 in a read request.
        let p = rrq(
            "foobar",
            "octet",
            &[("blksize", "1428"), ("timeout", "1"), ("tsize", "0")],
        );
        let Some(Message::Request { options, .. }) = parse(&p) else {
            panic!("not a request")
        };
        let pairs: Vec<(&[u8], &[u8])> = options
            .iter()
            .map(|(n, v)| (&p[n.text()], &p[v.text()]))
            .collect();
        let want: [(&[u8], &[u8]); 3] =
            [(b"blksize", b"1428"), (b"timeout", b"1"), (b"tsize", b"0")];
        assert_eq!(pairs, want);
        // A pair without its value's zero byte is not read (nor anything after).
        let mut cut = oack(&[("blksize", "1428")]);
        cut.extend_from_slice(b"tsize\x0012");
        let Some(Message::OptionAck { options }) = parse(&cut) else {
            panic!("not an OACK")
        };
        assert_eq!(options.len(), 1);
    }

    #[test]
    fn refuses_garbage_and_short_packets() {
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&[0]), None);
        assert_eq!(parse(&[0, 9, 1, 2]), Some(Message::Other { opcode: 9 }));
        assert_eq!(
            parse(&[0, 3, 0]),
            Some(Message::Data {
                block: None,
                data: 3..3
            })
        );
        // No zero byte after the name: no name.
        assert!(matches!(
            parse(b"\x00\x01abc"),
            Some(Message::Request { file: None, .. })
        ));
        assert!(!is_valid_request(b"\x00\x01abc"));
        assert!(!is_valid_request(&rrq("a", "binary", &[])));
        assert!(!is_valid_request(&rrq("a\x7f", "octet", &[])));
        assert!(is_valid_request(&rrq("a", "NetAscii", &[])));
        let mut c = Capture::new(true);
        let (_, told, shown) = c.phone_sends(69, &[0xff, 0xfe, 0xfd]);
        assert_eq!((told, shown), (Told::default(), None));
    }

    #[test]
    fn follows_a_transfer_from_a_new_server_port() {
        let mut c = Capture::new(false);
        let (request, told, shown) = c.phone_sends(69, &rrq("SEPA.cnf.xml", "octet", &[]));
        assert_eq!(told, Told::default());
        assert_eq!(
            shown,
            Some(Shown::Request {
                file: "SEPA.cnf.xml".into(),
                item: 2..15
            })
        );
        // The server answers from a port of its own (RFC 1350 section 4).
        let (_, told, shown) = c.server_sends(40_000, &data(1, &[1; 512]));
        assert_eq!(told.request_frame, request);
        assert_eq!(told.file.as_deref(), Some("SEPA.cnf.xml"));
        assert_eq!(
            shown,
            Some(Shown::Data {
                request,
                block: 1,
                own: Some(4..516),
                reassembled: None
            })
        );
        let (_, told, shown) = c.phone_sends(40_000, &ack(1));
        assert_eq!(
            (told.request_frame, told.full_block, shown),
            (request, Some(1), None)
        );
        let (_, _, shown) = c.server_sends(40_000, &data(2, &[2; 100]));
        assert_eq!(block_of(&shown), (request, 2));
        // Another phone's packets belong to no request.
        let (_, told, shown) = c.send(("10.0.0.9", 1), (SERVER, 40_000), &ack(1), None);
        assert_eq!((told.request_frame, shown), (0, None));
    }

    #[test]
    fn reassembles_with_defragment_only() {
        for defragment in [false, true] {
            let mut c = Capture::new(defragment);
            c.phone_sends(69, &rrq("f", "octet", &[]));
            c.server_sends(40_000, &data(1, &[1; 512]));
            // A retransmitted block: Wireshark keeps the first copy.
            let (_, _, dup) = c.server_sends(40_000, &data(1, &[9; 512]));
            assert_eq!(block_of(&dup).1, 1);
            let (_, told, _) = c.server_sends(40_000, &data(2, b"end"));
            let mut file = vec![1; 512];
            file.extend_from_slice(b"end");
            let want = defragment.then(|| Arc::<[u8]>::from(file));
            assert_eq!(told.reassembled, want);
            // After the file is whole nothing more is reassembled.
            let (_, told, _) = c.server_sends(40_000, &data(2, b"end"));
            assert_eq!(told.reassembled, None);
        }
    }

    #[test]
    fn an_empty_last_block_has_no_data_item() {
        // RFC 2348 (and RFC 1350 section 6): a file of whole blocks ends with an
        // empty DATA packet.
        let mut c = Capture::new(true);
        let (request, ..) = c.phone_sends(69, &rrq("f", "octet", &[]));
        c.server_sends(40_000, &data(1, &[1; 512]));
        let (_, told, shown) = c.server_sends(40_000, &data(2, &[]));
        assert_eq!(told.reassembled.as_deref(), Some(&[1u8; 512][..]));
        let Some(Shown::Data { own, block, .. }) = shown else {
            panic!("not DATA")
        };
        assert_eq!((own, block, told.request_frame), (None, 2, request));
        // Without reassembly an empty block shows nothing either.
        let mut c = Capture::new(false);
        c.phone_sends(69, &rrq("f", "octet", &[]));
        c.server_sends(40_000, &data(1, &[1; 512]));
        let (_, _, shown) = c.server_sends(40_000, &data(2, &[]));
        assert!(matches!(shown, Some(Shown::Data { own: None, .. })));
    }

    #[test]
    fn counts_blocks_past_65535() {
        let mut c = Capture::new(true);
        c.phone_sends(69, &rrq("big", "octet", &[("blksize", "8")]));
        // RFC 2348: an OACK accepting blksize 8, the smallest allowed.
        c.server_sends(40_000, &oack(&[("blksize", "8")]));
        for n in 1..=65_535u32 {
            let (_, told, _) = c.server_sends(40_000, &data(n as u16, &[n as u8; 8]));
            assert_eq!(told.full_block, Some(n));
        }
        // A duplicate of the last block before the wrap keeps its number.
        let (_, told, _) = c.server_sends(40_000, &data(65_535, &[0; 8]));
        assert_eq!(told.full_block, Some(65_535));
        let (_, told, _) = c.server_sends(40_000, &data(0, &[0; 8]));
        assert_eq!(told.full_block, Some(65_536));
        let (_, told, _) = c.phone_sends(40_000, &ack(0));
        assert_eq!(told.full_block, Some(65_536));
        let (_, told, _) = c.server_sends(40_000, &data(1, b"end"));
        assert_eq!(told.full_block, Some(65_537));
        let whole = told.reassembled.expect("reassembled");
        assert_eq!(whole.len(), 65_536 * 8 + 3);
        assert_eq!(&whole[..8], &[1; 8]);
        assert_eq!(&whole[65_536 * 8..], b"end");
    }

    #[test]
    fn full_block_numbers_never_go_below_zero() {
        assert_eq!(full_block(1, 1), 1);
        assert_eq!(full_block(0, 1), 0);
        assert_eq!(full_block(65_535, 1), 65_535);
        assert_eq!(full_block(0, 65_536), 65_536);
        assert_eq!(full_block(65_535, 65_537), 65_535);
        assert_eq!(full_block(2, 65_537), 65_538);
    }

    #[test]
    fn an_error_names_the_request_and_its_file() {
        let mut c = Capture::new(false);
        let (request, ..) = c.phone_sends(69, &rrq("CTLSEPA.tlv", "octet", &[]));
        // RFC 1350 section 5: error code 1, "File not found".
        let (_, _, shown) = c.server_sends(40_001, &error(1, "File not found"));
        assert_eq!(
            shown,
            Some(Shown::Error {
                file: "CTLSEPA.tlv".into(),
                code: 1,
                message: "File not found".into(),
                request
            })
        );
        // Code without message, and no code at all.
        let (_, _, shown) = c.server_sends(40_001, &[0, 5, 0, 2, b'x']);
        assert!(
            matches!(shown, Some(Shown::Error { code: 2, ref message, .. }) if message.is_empty())
        );
        let (_, _, shown) = c.server_sends(40_001, &[0, 5, 0]);
        assert!(matches!(shown, Some(Shown::Error { code: 0, .. })));
        // An error no request explains is not shown with a file: skipped.
        let mut c = Capture::new(false);
        let (_, _, shown) = c.server_sends(40_001, &error(1, "File not found"));
        assert_eq!(shown, None);
    }

    #[test]
    fn reads_an_oack_and_uses_its_block_size() {
        let mut c = Capture::new(false);
        let (request, ..) = c.phone_sends(
            69,
            &rrq(
                "ITLSEPA.tlv",
                "octet",
                &[("blksize", "1428"), ("tsize", "0")],
            ),
        );
        // RFC 2349: the server returns the file's size in the OACK.
        let (_, _, shown) =
            c.server_sends(40_002, &oack(&[("BLKSIZE", "1428"), ("tsize", "3000")]));
        assert_eq!(
            shown,
            Some(Shown::Options {
                request,
                block_size: Some(1428),
                tsize: Some(3000)
            })
        );
        // 1428 bytes is a whole block now, 512 is the last.
        c.server_sends(40_002, &data(1, &[1; 1428]));
        c.server_sends(40_002, &data(2, &[2; 1428]));
        let (_, told, _) = c.server_sends(40_002, &data(3, &[3; 144]));
        assert_eq!(told.full_block, Some(3));
        // A blksize out of RFC 2348's range leaves 512 in force.
        let mut c = Capture::new(true);
        c.phone_sends(69, &rrq("g", "octet", &[]));
        let (_, _, shown) = c.server_sends(40_003, &oack(&[("blksize", "4")]));
        assert!(matches!(
            shown,
            Some(Shown::Options {
                block_size: Some(4),
                ..
            })
        ));
        c.server_sends(40_003, &data(1, &[1; 512]));
        let (_, told, _) = c.server_sends(40_003, &data(2, &[1; 8]));
        assert_eq!(told.reassembled.map(|f| f.len()), Some(520));
        assert_eq!(strtol_int(b" 1428x"), 1428);
        assert_eq!(strtol_int(b"99999999999999999999"), -1);
    }

    #[test]
    fn a_cut_block_is_not_reassembled() {
        let mut c = Capture::new(true);
        c.phone_sends(69, &rrq("h", "octet", &[]));
        c.server_sends(40_004, &data(1, &[1; 512]));
        let (_, told, shown) = c.send(
            (SERVER, 40_004),
            (PHONE, 50_000),
            &data(2, &[2; 512]),
            Some(100),
        );
        assert_eq!(told.reassembled, None);
        assert!(
            matches!(shown, Some(Shown::Data { own: Some(ref r), block: 2, .. }) if *r == (4..100))
        );
        // The last block arrives whole, but block 2 is missing: no file.
        let (_, told, _) = c.server_sends(40_004, &data(3, &[3; 10]));
        assert_eq!((told.reassembled, told.full_block), (None, Some(3)));
        // A cut last block still ends the file for the block count.
        let mut c = Capture::new(true);
        c.phone_sends(69, &rrq("i", "octet", &[]));
        c.server_sends(40_005, &data(1, &[1; 512]));
        let (_, told, _) = c.send(
            (SERVER, 40_005),
            (PHONE, 50_000),
            &data(2, &[2; 300]),
            Some(50),
        );
        assert_eq!((told.reassembled, told.full_block), (None, Some(2)));
    }

    #[test]
    fn a_new_request_from_the_same_port_starts_afresh() {
        let mut c = Capture::new(true);
        let (first, ..) = c.phone_sends(69, &rrq("a", "octet", &[]));
        c.server_sends(40_006, &data(1, &[1; 512]));
        let (second, ..) = c.phone_sends(69, &rrq("b", "octet", &[]));
        let (_, told, shown) = c.server_sends(40_007, &data(1, b"x"));
        assert_ne!(first, second);
        assert_eq!(block_of(&shown), (second, 1));
        assert_eq!(told.file.as_deref(), Some("b"));
        // The old server port's late packet goes to the latest request too (the
        // conversation is the phone's address and port).
        let (_, told, _) = c.server_sends(40_006, &data(2, b"late"));
        assert_eq!((told.request_frame, told.full_block), (second, Some(2)));
    }

    #[test]
    fn a_frame_seen_again_gets_its_first_answer() {
        let mut c = Capture::new(true);
        let rq = rrq("j", "octet", &[]);
        let d1 = data(1, &[1; 512]);
        let d2 = data(2, b"end");
        let frames: Vec<(u32, Told)> = [(69, &rq), (40_008, &d1), (40_008, &d2)]
            .into_iter()
            .enumerate()
            .map(|(i, (port, p))| {
                let (frame, told, _) = if i == 0 {
                    c.phone_sends(port, p)
                } else {
                    c.server_sends(port, p)
                };
                (frame, told)
            })
            .collect();
        // A new request later changes the state, not earlier answers.
        c.phone_sends(69, &rrq("k", "octet", &[]));
        for (i, (frame, first)) in frames.iter().enumerate() {
            let p = [&rq, &d1, &d2][i];
            let (src, dst) = if i == 0 {
                (PHONE, SERVER)
            } else {
                (SERVER, PHONE)
            };
            let d = Datagram {
                frame: *frame,
                src,
                dst,
                src_port: 1,
                dst_port: 2,
                payload: p,
                reported_len: p.len(),
            };
            assert_eq!(&c.tracker.dissect(&d, true), first);
        }
        assert!(frames[2].1.reassembled.is_some());
    }

    #[test]
    fn a_request_to_another_port_or_an_invalid_one() {
        // A valid request to a port other than 69 opens a conversation too
        // (Wireshark's UDP heuristic, dissect_tftp_heur).
        let mut c = Capture::new(false);
        let (request, ..) = c.phone_sends(1069, &rrq("h.tlv", "octet", &[]));
        let (_, _, shown) = c.server_sends(40_010, &data(1, b"x"));
        assert_eq!(block_of(&shown), (request, 1));
        // RFC 1350 knows no mode "binary": such a request opens nothing and takes
        // over the conversation of its port (dissect_tftp's lookups), whose block
        // count goes on.
        let (invalid, ..) = c.phone_sends(69, &rrq("other.tlv", "binary", &[]));
        let (_, told, shown) = c.server_sends(40_010, &data(2, b"y"));
        assert_eq!(block_of(&shown), (invalid, 2));
        assert_eq!(told.file.as_deref(), Some("other.tlv"));
        // Alone, it belongs to its address/port pair; a server answering from
        // port 69 is then tied to it.
        let mut c = Capture::new(false);
        let (invalid, ..) = c.phone_sends(69, &rrq("d.tlv", "binary", &[]));
        let (_, _, shown) = c.server_sends(69, &error(4, "Illegal mode"));
        assert!(matches!(shown, Some(Shown::Error { request, code: 4, .. }) if request == invalid));
    }

    #[test]
    fn a_file_over_the_limit_is_not_reassembled() {
        let mut c = Capture::new(true);
        c.phone_sends(69, &rrq("huge", "octet", &[("blksize", "65464")]));
        c.server_sends(40_009, &oack(&[("blksize", "65464")]));
        let block = vec![7u8; 65_464];
        let blocks = MAX_FILE / block.len() + 1;
        for n in 1..=blocks {
            c.server_sends(40_009, &data(n as u16, &block));
        }
        let (_, told, shown) = c.server_sends(40_009, &data(blocks as u16 + 1, b"end"));
        assert_eq!(told.reassembled, None);
        assert!(matches!(shown, Some(Shown::Data { own: Some(_), .. })));
        assert!(c.tracker.reassemblies.values().all(|r| r.held == 0));
    }
}
