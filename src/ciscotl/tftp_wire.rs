//! TFTP read from a UDP payload instead of Wireshark's protocol tree: a parser of
//! one packet (RFC 1350 RRQ/WRQ/DATA/ACK/ERROR, RFC 2347 OACK and options) and a
//! tracker that tells, for each packet, what Wireshark 4.0's TFTP dissector shows
//! beside its bytes: the read request it belongs to (`tftp.request_frame`), the full
//! block number past 65535 (`tftp.block.full`) and the file name on later packets
//! (`tftp.destination_file`). A file Wireshark reassembled (preference
//! `tftp.defragment`) is not redone here: the caller reads it from the data source
//! Wireshark adds.
//!
//! The tracker follows the dissector's choices as read in Wireshark 4.0's
//! `epan/dissectors/packet-tftp.c` and the conversation code it calls
//! (`epan/conversation.c`); each rule below names the function it comes from.
//! Each frame must be given exactly once, in frame order, on the pass that decides it.

#![forbid(unsafe_code)]

use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::sync::Arc;

use super::files::MAX_NAME_LEN;
use super::transfers::MAX_OPEN;

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
}

/// A TFTP conversation's state, as Wireshark 4.0's `tftp_conv_info_t` (only the
/// parts that change what is shown: its block size only decides the end of a file
/// for reassembly, which is read from Wireshark's own data source instead).
struct Conv {
    source_file: Option<Arc<str>>,
    destination_file: Option<Arc<str>>,
    request_frame: u32,
    next_block: u32,
}

impl Conv {
    fn new() -> Conv {
        Conv {
            source_file: None,
            destination_file: None,
            request_frame: 0,
            next_block: 1,
        }
    }
}

/// A conversation's number: conversations are numbered in the order they start.
type ConvId = u64;

/// Follows TFTP conversations across frames. Owned by the caller; clear it (or
/// make a new one) for a new capture.
///
/// Each frame must be given exactly once, in frame order, on the pass that decides
/// it: the tracker keeps no memory of frames, so a frame given again counts again
/// (its request restarts the conversation, its block moves the expected block on).
///
/// Memory is bounded: at most `MAX_OPEN` conversations are known, each keeping at
/// most `files::MAX_NAME_LEN` bytes of file name and one key of two addresses
/// (`Packet::addresses` reads at most 63 bytes each), so well under 1 KiB a
/// conversation. Wireshark never forgets a conversation; when the table is full the
/// tracker forgets its oldest half (by start), so new transfers are still followed
/// and only a late packet of a forgotten one is told wrong (it belongs to no
/// request). [`TftpTracker::full_at`] tells the caller this happened.
#[derive(Default)]
pub struct TftpTracker {
    /// Known conversations, oldest first: `convs[i]` is number `first + i`.
    convs: VecDeque<Conv>,
    first: ConvId,
    /// Conversations a request opened, by client address, client port and server
    /// address (the server's port is a wildcard); the latest one counts.
    by_request: HashMap<(String, u16, String), ConvId>,
    /// Conversations of packets no request explains (Wireshark's fallback,
    /// `find_conversation_pinfo`: UDP's own, per address/port pair).
    by_pair: HashMap<(String, u16, String, u16), ConvId>,
    /// The first frame at which the table was full and old conversations were
    /// forgotten.
    full_at: Option<u32>,
}

impl TftpTracker {
    pub fn new() -> TftpTracker {
        TftpTracker::default()
    }

    pub fn clear(&mut self) {
        *self = TftpTracker::default();
    }

    /// True once the conversation table was full at some frame (see
    /// [`TftpTracker::full_at`]).
    pub fn is_full(&self) -> bool {
        self.full_at.is_some()
    }

    /// The first frame at which the table held `MAX_OPEN` conversations and the
    /// oldest half was forgotten (from then on, a late packet of a forgotten
    /// transfer may be told wrong).
    pub fn full_at(&self) -> Option<u32> {
        self.full_at
    }

    /// What Wireshark shows of this datagram beside its bytes. Give each frame
    /// once, in frame order (see [`TftpTracker`]).
    pub fn dissect(&mut self, d: &Datagram<'_>) -> Told {
        let Some(message) = parse(d.payload) else {
            return Told::default();
        };
        let conv = self.conversation(d);
        let mut told = Told::default();
        let info = &mut self.convs[(conv - self.first) as usize];
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
                let name = kept_name(&d.payload[file.text()]);
                if write {
                    info.destination_file = Some(name);
                    info.source_file = None;
                } else {
                    info.source_file = Some(name);
                    info.destination_file = None;
                }
                info.request_frame = d.frame;
            }
            // The TFTP_DATA case of dissect_tftp_message: the full block number,
            // then its sequence analysis.
            Message::Data { block: Some(b), .. } => {
                let block = full_block(b, info.next_block);
                told.full_block = Some(block);
                if block > info.next_block {
                    info.next_block = block.wrapping_add(1);
                } else if block == info.next_block {
                    info.next_block = info.next_block.wrapping_add(1);
                }
            }
            Message::Ack { block: Some(b) } => {
                told.full_block = Some(full_block(b, info.next_block));
            }
            _ => {}
        }
        told
    }

    /// The conversation Wireshark 4.0's `dissect_tftp` files the packet under.
    fn conversation(&mut self, d: &Datagram<'_>) -> ConvId {
        let client_side = (d.src.to_owned(), d.src_port, d.dst.to_owned());
        // A valid request to the TFTP port always opens a new conversation, keyed
        // by the client's address and port and the server's address
        // (create_tftp_conversation).
        if d.dst_port == TFTP_PORT && is_valid_request(d.payload) {
            return self.open(client_side, d.frame);
        }
        // Otherwise the conversation of a packet to the client, then of one from
        // it (find_conversation with NO_PORT_B, latest first).
        let to_client = (d.dst.to_owned(), d.dst_port, d.src.to_owned());
        if let Some(&c) = self.by_request.get(&to_client) {
            return c;
        }
        if let Some(&c) = self.by_request.get(&client_side) {
            return c;
        }
        // A request to another port reached TFTP through its UDP heuristic
        // (dissect_tftp_heur), which opens a conversation too.
        if d.dst_port != TFTP_PORT && is_valid_request_body(d.payload) {
            return self.open(client_side, d.frame);
        }
        // Else the address/port pair's own conversation (dissect_tftp's last
        // resort), which starts with no request.
        let (a, b) = ((d.src, d.src_port), (d.dst, d.dst_port));
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let pair = (lo.0.to_owned(), lo.1, hi.0.to_owned(), hi.1);
        if let Some(&c) = self.by_pair.get(&pair) {
            return c;
        }
        let c = self.new_conv(d.frame);
        self.by_pair.insert(pair, c);
        c
    }

    fn open(&mut self, key: (String, u16, String), frame: u32) -> ConvId {
        let c = self.new_conv(frame);
        self.by_request.insert(key, c);
        c
    }

    /// A new conversation. When `MAX_OPEN` are known, the oldest half is forgotten
    /// first (and `full_at` set), so the table never holds more than `MAX_OPEN`.
    fn new_conv(&mut self, frame: u32) -> ConvId {
        if self.convs.len() >= MAX_OPEN {
            let forget = self.convs.len() / 2;
            self.convs.drain(..forget);
            self.first += forget as ConvId;
            let first = self.first;
            self.by_request.retain(|_, c| *c >= first);
            self.by_pair.retain(|_, c| *c >= first);
            self.full_at.get_or_insert(frame);
        }
        self.convs.push_back(Conv::new());
        self.first + (self.convs.len() - 1) as ConvId
    }
}

/// A request's file name as kept for its later packets: the ASCII text of its
/// first `files::MAX_NAME_LEN` bytes, cut to that many bytes at a character
/// boundary. The plugin classifies a name by no more than that (files.rs,
/// `classify`), so the cut changes no verdict and bounds the memory per transfer.
fn kept_name(raw: &[u8]) -> Arc<str> {
    let mut name = ascii(&raw[..raw.len().min(MAX_NAME_LEN)]);
    let mut end = name.len().min(MAX_NAME_LEN);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name.truncate(end);
    Arc::from(name)
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
    /// A DATA block: its full number and the block's captured bytes
    /// (`data.data`; none for an empty block).
    Data {
        request: u32,
        block: u32,
        own: Option<Range<usize>>,
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
    }

    impl Capture {
        fn new() -> Capture {
            Capture {
                tracker: TftpTracker::new(),
                frame: 0,
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
            };
            let told = self.tracker.dissect(&d);
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
        let mut c = Capture::new();
        let (_, told, shown) = c.phone_sends(69, &[0xff, 0xfe, 0xfd]);
        assert_eq!((told, shown), (Told::default(), None));
    }

    #[test]
    fn follows_a_transfer_from_a_new_server_port() {
        let mut c = Capture::new();
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
                own: Some(4..516)
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
    fn a_retransmitted_block_keeps_its_number() {
        let mut c = Capture::new();
        let (request, ..) = c.phone_sends(69, &rrq("f", "octet", &[]));
        c.server_sends(40_000, &data(1, &[1; 512]));
        let (_, _, dup) = c.server_sends(40_000, &data(1, &[9; 512]));
        assert_eq!(block_of(&dup), (request, 1));
        let (_, told, _) = c.server_sends(40_000, &data(2, b"end"));
        assert_eq!(told.full_block, Some(2));
    }

    #[test]
    fn an_empty_last_block_has_no_data_item() {
        // RFC 2348 (and RFC 1350 section 6): a file of whole blocks ends with an
        // empty DATA packet.
        let mut c = Capture::new();
        let (request, ..) = c.phone_sends(69, &rrq("f", "octet", &[]));
        c.server_sends(40_000, &data(1, &[1; 512]));
        let (_, told, shown) = c.server_sends(40_000, &data(2, &[]));
        let Some(Shown::Data { own, block, .. }) = shown else {
            panic!("not DATA")
        };
        assert_eq!((own, block, told.request_frame), (None, 2, request));
    }

    #[test]
    fn counts_blocks_past_65535() {
        let mut c = Capture::new();
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
        let mut c = Capture::new();
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
        let mut c = Capture::new();
        let (_, _, shown) = c.server_sends(40_001, &error(1, "File not found"));
        assert_eq!(shown, None);
    }

    #[test]
    fn reads_an_oack() {
        let mut c = Capture::new();
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
        // Blocks of the new size count on from 1.
        c.server_sends(40_002, &data(1, &[1; 1428]));
        c.server_sends(40_002, &data(2, &[2; 1428]));
        let (_, told, _) = c.server_sends(40_002, &data(3, &[3; 144]));
        assert_eq!((told.request_frame, told.full_block), (request, Some(3)));
        // A blksize out of RFC 2348's range is shown as sent (the caller judges it).
        let mut c = Capture::new();
        c.phone_sends(69, &rrq("g", "octet", &[]));
        let (_, _, shown) = c.server_sends(40_003, &oack(&[("blksize", "4")]));
        assert!(matches!(
            shown,
            Some(Shown::Options {
                block_size: Some(4),
                ..
            })
        ));
    }

    #[test]
    fn a_cut_block_shows_its_captured_bytes() {
        let mut c = Capture::new();
        let (request, ..) = c.phone_sends(69, &rrq("h", "octet", &[]));
        c.server_sends(40_004, &data(1, &[1; 512]));
        let (_, told, shown) = c.send(
            (SERVER, 40_004),
            (PHONE, 50_000),
            &data(2, &[2; 512]),
            Some(100),
        );
        assert_eq!((told.request_frame, told.full_block), (request, Some(2)));
        assert!(
            matches!(shown, Some(Shown::Data { own: Some(ref r), block: 2, .. }) if *r == (4..100))
        );
        let (_, told, _) = c.server_sends(40_004, &data(3, &[3; 10]));
        assert_eq!(told.full_block, Some(3));
        // Cut inside its block number: no number, nothing shown, the count stays.
        let (_, told, shown) = c.send(
            (SERVER, 40_004),
            (PHONE, 50_000),
            &data(4, &[4; 512]),
            Some(3),
        );
        assert_eq!((told.full_block, shown), (None, None));
        let (_, told, _) = c.server_sends(40_004, &data(4, &[4; 10]));
        assert_eq!(told.full_block, Some(4));
    }

    #[test]
    fn a_new_request_from_the_same_port_starts_afresh() {
        let mut c = Capture::new();
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
    fn a_request_to_another_port_or_an_invalid_one() {
        // A valid request to a port other than 69 opens a conversation too
        // (Wireshark's UDP heuristic, dissect_tftp_heur).
        let mut c = Capture::new();
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
        let mut c = Capture::new();
        let (invalid, ..) = c.phone_sends(69, &rrq("d.tlv", "binary", &[]));
        let (_, _, shown) = c.server_sends(69, &error(4, "Illegal mode"));
        assert!(matches!(shown, Some(Shown::Error { request, code: 4, .. }) if request == invalid));
    }

    #[test]
    fn a_full_table_forgets_its_oldest_half() {
        let mut c = Capture::new();
        let (oldest, ..) = c.phone_sends(69, &rrq("oldest.tlv", "octet", &[]));
        // One read request per client fills the table (each opens a conversation,
        // create_tftp_conversation).
        let client = |i: usize| format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
        let mut newest = 0;
        for i in 1..MAX_OPEN {
            let addr = client(i);
            (newest, ..) = c.send((&addr, 1_000), (SERVER, 69), &rrq("f", "octet", &[]), None);
        }
        assert_eq!(
            (c.tracker.convs.len(), c.tracker.full_at()),
            (MAX_OPEN, None)
        );
        let (_, told, _) = c.server_sends(40_000, &data(1, b"x"));
        assert_eq!(told.request_frame, oldest);
        // One more: the oldest half goes, the table shrinks, the new one is followed.
        let late = client(MAX_OPEN);
        let (request, ..) = c.send((&late, 2_000), (SERVER, 69), &rrq("n", "octet", &[]), None);
        assert!(c.tracker.is_full());
        assert_eq!(c.tracker.full_at(), Some(request));
        assert_eq!(c.tracker.convs.len(), MAX_OPEN / 2 + 1);
        assert!(c.tracker.by_request.len() <= MAX_OPEN / 2 + 1);
        let (_, told, _) = c.send((SERVER, 40_001), (&late, 2_000), &data(1, b"y"), None);
        assert_eq!(
            (told.request_frame, told.file.as_deref()),
            (request, Some("n"))
        );
        let last = client(MAX_OPEN - 1);
        let (_, told, _) = c.send((SERVER, 40_002), (&last, 1_000), &data(1, b"z"), None);
        assert_eq!(told.request_frame, newest);
        // The oldest transfer is forgotten: its late block belongs to no request.
        let (_, told, shown) = c.server_sends(40_000, &data(2, b"x"));
        assert_eq!((told.request_frame, shown), (0, None));
        // Filling again forgets again; the first full frame is kept.
        for i in 0..MAX_OPEN {
            let addr = format!("11.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
            c.send((&addr, 1_000), (SERVER, 69), &rrq("f", "octet", &[]), None);
            assert!(c.tracker.convs.len() <= MAX_OPEN);
        }
        assert!(c.tracker.by_request.len() + c.tracker.by_pair.len() <= MAX_OPEN);
        assert_eq!(c.tracker.full_at(), Some(request));
        c.tracker.clear();
        assert!(!c.tracker.is_full());
    }

    #[test]
    fn keeps_a_long_file_name_cut() {
        let mut c = Capture::new();
        let long = "a".repeat(2 * MAX_NAME_LEN);
        let (request, _, shown) = c.phone_sends(69, &rrq(&long, "octet", &[]));
        // The request itself shows its whole name (read from its own bytes).
        assert!(matches!(shown, Some(Shown::Request { ref file, .. }) if *file == long));
        let (_, told, _) = c.server_sends(40_000, &error(1, "File not found"));
        assert_eq!(told.request_frame, request);
        assert_eq!(told.file.as_deref(), Some(&long[..MAX_NAME_LEN]));
        // Bytes above 0x7f become U+FFFD (3 bytes): cut at a character boundary.
        // Such a request is not valid and takes over its port's conversation.
        let mut p = vec![0, 1];
        p.extend(std::iter::repeat_n(0xff, MAX_NAME_LEN));
        p.extend_from_slice(b"\0octet\0");
        c.phone_sends(69, &p);
        let (_, told, _) = c.server_sends(40_000, &error(1, "File not found"));
        let file = told.file.expect("a file name");
        assert_eq!(file.len(), MAX_NAME_LEN / 3 * 3);
        assert!(file.chars().all(|ch| ch == '\u{fffd}'));
        assert_eq!(kept_name(b"short"), Arc::from("short"));
    }
}
