//! TFTP transfers put back together from their DATA blocks (RFC 1350, options per
//! RFC 2347/2348/2349), so that a file carried by TFTP is decoded like one HTTP carried.
//!
//! Wireshark 4.0 reassembles TFTP only with its preference `tftp.defragment` on (off by
//! default), and never when a block is missing; this plugin keeps the blocks itself, on
//! the first pass, in frame order. A transfer is known by the frame of its read request
//! (Wireshark's `tftp.request_frame` on every later packet). It ends with a block shorter
//! than the block size (complete, or with a block missing from the capture), or with an
//! ERROR packet; a transfer still open when the capture ends is reported at its last
//! packet, which only a later pass knows (`cut_at`).

#![forbid(unsafe_code)]

use std::collections::HashMap;

use super::trustlist;

/// RFC 1350's block size, used unless the server's OACK accepts a `blksize`.
pub const DEFAULT_BLOCK_SIZE: usize = 512;

/// Block sizes RFC 2348 allows; an OACK outside them is ignored (and the default kept).
const BLOCK_SIZES: std::ops::RangeInclusive<usize> = 8..=65_464;

/// Transfers followed at once: a phone opens a handful; a CUCM-side capture of every
/// phone of a cluster rebooting stays far below this.
pub const MAX_OPEN: usize = 100_000;

/// Bytes of one file kept for decoding: the decoders' own limit.
pub const MAX_FILE: usize = trustlist::MAX_FILE;

/// File bytes kept per capture, all transfers together: trust lists and configurations
/// are a few kilobytes each, so this holds thousands of them while bounding memory.
pub const MAX_HELD: usize = 64 * 1024 * 1024;

/// TFTP error 5 ("Unknown transfer ID") goes to a stray sender and does not end the
/// transfer (RFC 1350).
const UNKNOWN_TRANSFER_ID: u32 = 5;

/// How a transfer ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Ending {
    /// Every block from 1 to a short last block is in the capture.
    Complete,
    /// The last block arrived, but block `first` (and maybe more) is not in the capture,
    /// or not whole.
    Missing { first: u32 },
    /// The capture holds no packet of the transfer after this one (a later pass only);
    /// block `missing` before it was not there or not whole.
    Cut { missing: Option<u32> },
    /// An ERROR packet ended the transfer after some blocks.
    Aborted {
        code: u32,
        message: String,
        by_client: bool,
    },
}

/// What is known of a transfer when it ends.
#[derive(Clone, Debug, PartialEq)]
pub struct TransferEnd {
    pub file: String,
    pub ending: Ending,
    /// Blocks received in order from block 1 (before any gap).
    pub blocks: u32,
    /// Their bytes: the part of the file that can be decoded.
    pub size: usize,
    /// The highest block number seen.
    pub last_block: u32,
    pub block_size: usize,
    /// The size the server announced (`tsize` in its OACK).
    pub announced: Option<u64>,
    /// The failed HTTP download the read request fell back from.
    pub fallback_from: Option<u32>,
    /// Bytes were received that are not kept (decoding limits): the body is shorter than
    /// `size`.
    pub limited: bool,
}

impl TransferEnd {
    pub fn complete(&self) -> bool {
        self.ending == Ending::Complete
    }
}

/// A DATA block as a frame shows it.
pub enum Block<'a> {
    /// The block's own bytes.
    Own(&'a [u8]),
    /// The whole file, which Wireshark reassembled in this frame (its last block).
    Reassembled(&'a [u8]),
    /// A block the capture cut (snapshot length): its bytes are not all there.
    Cut,
}

struct Transfer {
    file: String,
    /// Only files the plugin decodes keep their bytes.
    keep: bool,
    client: String,
    fallback_from: Option<u32>,
    block_size: usize,
    announced: Option<u64>,
    bytes: Vec<u8>,
    blocks: u32,
    size: usize,
    next_block: u32,
    highest: u32,
    gap: Option<u32>,
    last_frame: Option<u32>,
    limited: bool,
}

impl Transfer {
    fn end(&self, ending: Ending) -> TransferEnd {
        TransferEnd {
            file: self.file.clone(),
            ending,
            blocks: self.blocks,
            size: self.size,
            last_block: self.highest,
            block_size: self.block_size,
            announced: self.announced,
            fallback_from: self.fallback_from,
            limited: self.limited,
        }
    }

    fn body(&self) -> Option<Vec<u8>> {
        self.keep.then(|| self.bytes.clone())
    }

    fn into_body(self) -> Option<Vec<u8>> {
        self.keep.then_some(self.bytes)
    }
}

#[derive(Default)]
pub struct Transfers {
    open: HashMap<u32, Transfer>,
    /// The last frame seen of each open transfer that has data, to its request frame.
    by_last_frame: HashMap<u32, u32>,
    /// File bytes kept so far in this capture.
    held: usize,
}

/// A finished transfer and the bytes kept of it.
pub type Finished = (TransferEnd, Option<Vec<u8>>);

impl Transfers {
    pub fn clear(&mut self) {
        *self = Transfers::default();
    }

    /// A read request (frame `request`) from `client`.
    pub fn start(
        &mut self,
        request: u32,
        file: &str,
        keep: bool,
        client: &str,
        fallback_from: Option<u32>,
    ) {
        if self.open.len() >= MAX_OPEN && !self.open.contains_key(&request) {
            return;
        }
        self.open.insert(
            request,
            Transfer {
                file: file.to_string(),
                keep,
                client: client.to_string(),
                fallback_from,
                block_size: DEFAULT_BLOCK_SIZE,
                announced: None,
                bytes: Vec::new(),
                blocks: 0,
                size: 0,
                next_block: 1,
                highest: 0,
                gap: None,
                last_frame: None,
                limited: false,
            },
        );
    }

    /// The options the server accepted (OACK).
    pub fn options(&mut self, request: u32, block_size: Option<usize>, tsize: Option<u64>) {
        let Some(t) = self.open.get_mut(&request) else {
            return;
        };
        if let Some(size) = block_size.filter(|s| BLOCK_SIZES.contains(s)) {
            t.block_size = size;
        }
        if tsize.is_some() {
            t.announced = tsize;
        }
    }

    /// A DATA packet of the transfer requested in frame `request`; returns the
    /// transfer if this block ends it.
    pub fn data(
        &mut self,
        request: u32,
        frame: u32,
        number: u32,
        block: Block,
    ) -> Option<Finished> {
        let t = self.open.get_mut(&request)?;
        let (bytes, last, cut) = match block {
            Block::Own(bytes) => (bytes, bytes.len() < t.block_size, false),
            // Wireshark reassembles only complete files, so the block's bytes are the
            // file's tail; a file that disagrees with what was kept is taken as is.
            Block::Reassembled(whole) => (whole.get(t.size..).unwrap_or_default(), true, false),
            // Whether it was the last block is unknown: the transfer stays open.
            Block::Cut => (&[][..], false, true),
        };
        if let Some(previous) = t.last_frame.replace(frame) {
            self.by_last_frame.remove(&previous);
        }
        t.highest = t.highest.max(number);
        if number >= t.next_block {
            if (number > t.next_block || cut) && t.gap.is_none() {
                t.gap = Some(t.next_block);
            }
            if t.gap.is_none() {
                t.blocks += 1;
                t.size += bytes.len();
                if t.keep {
                    let room = MAX_FILE
                        .saturating_sub(t.bytes.len())
                        .min(MAX_HELD.saturating_sub(self.held));
                    let kept = bytes.len().min(room);
                    t.bytes.extend_from_slice(&bytes[..kept]);
                    self.held += kept;
                    t.limited |= kept < bytes.len();
                }
            }
            t.next_block = number.saturating_add(1);
        }
        // A block sent again (number below the next one) changes nothing but is the
        // transfer's latest packet.
        if !last || number < t.highest {
            self.by_last_frame.insert(frame, request);
            return None;
        }
        let t = self.open.remove(&request)?;
        let ending = match t.gap {
            Some(first) => Ending::Missing { first },
            None => Ending::Complete,
        };
        let end = t.end(ending);
        Some((end, t.into_body()))
    }

    /// An ERROR packet sent by `sender` in the transfer requested in frame `request`.
    /// Ends the transfer; returns it if blocks had arrived (an error answering the
    /// request itself is the caller's ordinary TFTP error).
    pub fn error(
        &mut self,
        request: u32,
        code: u32,
        message: &str,
        sender: &str,
    ) -> Option<Finished> {
        if code == UNKNOWN_TRANSFER_ID {
            return None;
        }
        let t = self.open.remove(&request)?;
        if let Some(last) = t.last_frame {
            self.by_last_frame.remove(&last);
        }
        if t.highest == 0 {
            return None;
        }
        let end = t.end(Ending::Aborted {
            code,
            message: message.to_string(),
            by_client: sender == t.client,
        });
        Some((end, t.into_body()))
    }

    /// On a later pass: the transfer still open at the end of the capture whose last
    /// packet is `frame`. Nothing changes: a live capture may still bring its next block.
    pub fn cut_at(&self, frame: u32) -> Option<Finished> {
        let request = self.by_last_frame.get(&frame)?;
        let t = self.open.get(request)?;
        Some((t.end(Ending::Cut { missing: t.gap }), t.body()))
    }
}

/// What an engineer is told about a transfer that did not complete (kept
/// short: Wireshark cuts expert texts at 240 bytes).
pub fn explain(end: &TransferEnd) -> Option<String> {
    let file = &end.file;
    let got = got(end);
    match &end.ending {
        Ending::Complete => None,
        Ending::Missing { first } => Some(format!(
            "Block {first} of {file} is missing from the capture or cut short (the last \
             block is there): {got}"
        )),
        Ending::Cut { missing } => {
            let also = missing
                .map(|b| format!(", and block {b} is missing or cut short"))
                .unwrap_or_default();
            Some(format!(
                "Nothing of {file} after block {} is in the capture (it ended, or lost the \
                 rest){also}: {got}",
                end.last_block
            ))
        }
        Ending::Aborted {
            code,
            message,
            by_client,
        } => {
            let who = if *by_client { "client" } else { "server" };
            Some(format!(
                "The {who} aborted {file} after block {} with TFTP error {code} ({}) \
                 \"{message}\": {}; {got}",
                end.last_block,
                error_name(*code),
                error_meaning(*code)
            ))
        }
    }
}

fn got(end: &TransferEnd) -> String {
    let of = end
        .announced
        .map(|n| format!(" of {n} announced"))
        .unwrap_or_default();
    if end.blocks == 0 {
        format!("no block from the first on to decode (0 bytes{of})")
    } else {
        let plural = if end.blocks == 1 { "" } else { "s" };
        format!(
            "{} block{plural} ({} bytes{of}) decoded",
            end.blocks, end.size
        )
    }
}

/// RFC 1350 and RFC 2347 error names.
pub fn error_name(code: u32) -> &'static str {
    match code {
        0 => "Not defined",
        1 => "File not found",
        2 => "Access violation",
        3 => "Disk full or allocation exceeded",
        4 => "Illegal TFTP operation",
        5 => "Unknown transfer ID",
        6 => "File already exists",
        7 => "No such user",
        8 => "Option negotiation failed",
        _ => "unknown code",
    }
}

/// What an error means in the middle of a read.
fn error_meaning(code: u32) -> &'static str {
    match code {
        0 => "the message says why",
        1 => "the file went away during the transfer",
        2 => "the server stopped reading the file",
        3 => "the receiver has no room for the file",
        4 => "a packet broke the protocol",
        6 | 7 => "a write-request code, unexpected here",
        8 => "an option (blksize, tsize) was refused",
        _ => "a code TFTP does not define",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: &str = "192.168.7.104";
    const SERVER: &str = "192.168.7.200";

    fn started(keep: bool) -> Transfers {
        let mut t = Transfers::default();
        t.start(10, "CTLSEP1.tlv", keep, PHONE, Some(6));
        t
    }

    #[test]
    fn blocks_in_order_make_the_file() {
        let mut t = started(true);
        assert!(t.data(10, 11, 1, Block::Own(&[1; 512])).is_none());
        assert!(t.data(10, 13, 2, Block::Own(&[2; 512])).is_none());
        let (end, body) = t.data(10, 15, 3, Block::Own(&[3; 10])).unwrap();
        assert!(end.complete());
        assert_eq!((end.blocks, end.size, end.last_block), (3, 1034, 3));
        assert_eq!(end.fallback_from, Some(6));
        let body = body.unwrap();
        assert_eq!(body.len(), 1034);
        assert_eq!(&body[1020..], &[2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
        assert!(explain(&end).is_none());
        assert!(t.cut_at(13).is_none(), "a finished transfer is not cut");
    }

    #[test]
    fn a_file_of_whole_blocks_ends_with_an_empty_block() {
        let mut t = started(true);
        assert!(t.data(10, 11, 1, Block::Own(&[1; 512])).is_none());
        let (end, body) = t.data(10, 13, 2, Block::Own(&[])).unwrap();
        assert!(end.complete());
        assert_eq!(body.unwrap().len(), 512);
    }

    #[test]
    fn a_single_short_block_is_the_whole_file() {
        let mut t = started(true);
        let (end, body) = t.data(10, 11, 1, Block::Own(b"abc")).unwrap();
        assert!(end.complete());
        assert_eq!(body.unwrap(), b"abc");
    }

    #[test]
    fn the_negotiated_block_size_decides_the_last_block() {
        let mut t = started(true);
        t.options(10, Some(1468), Some(2000));
        assert!(t.data(10, 12, 1, Block::Own(&[0; 1000])).is_some());
        let mut t = started(true);
        t.options(10, Some(1468), Some(2000));
        assert!(t.data(10, 12, 1, Block::Own(&[0; 1468])).is_none());
        let (end, _) = t.data(10, 14, 2, Block::Own(&[0; 532])).unwrap();
        assert_eq!((end.block_size, end.announced), (1468, Some(2000)));
        let mut t = started(true);
        t.options(10, Some(4), None);
        assert!(
            t.data(10, 12, 1, Block::Own(&[0; 100])).is_some(),
            "blksize 4 ignored"
        );
    }

    #[test]
    fn blocks_sent_again_are_counted_once() {
        let mut t = started(true);
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        t.data(10, 12, 1, Block::Own(&[1; 512]));
        let (end, body) = t.data(10, 13, 2, Block::Own(&[2; 3])).unwrap();
        assert_eq!((end.blocks, end.size), (2, 515));
        assert_eq!(body.unwrap().len(), 515);
    }

    #[test]
    fn a_missing_block_leaves_the_part_before_it() {
        let mut t = started(true);
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        t.data(10, 13, 3, Block::Own(&[3; 512]));
        let (end, body) = t.data(10, 15, 4, Block::Own(&[4; 7])).unwrap();
        assert_eq!(end.ending, Ending::Missing { first: 2 });
        assert_eq!((end.blocks, end.size, end.last_block), (1, 512, 4));
        assert_eq!(body.unwrap(), vec![1; 512]);
        let text = explain(&end).unwrap();
        assert!(text.contains("Block 2 of CTLSEP1.tlv is missing"), "{text}");
        assert!(text.contains("1 block (512 bytes) decoded"), "{text}");
    }

    #[test]
    fn a_block_cut_by_the_snapshot_length_is_a_gap() {
        let mut t = started(true);
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        assert!(t.data(10, 13, 2, Block::Cut).is_none(), "never the last");
        let (end, _) = t.cut_at(13).unwrap();
        assert_eq!(end.ending, Ending::Cut { missing: Some(2) });
        assert!(explain(&end)
            .unwrap()
            .contains("block 2 is missing or cut short"));
        assert!(t.data(10, 15, 3, Block::Own(&[3; 512])).is_none());
        let (end, body) = t.data(10, 17, 4, Block::Own(&[4; 9])).unwrap();
        assert_eq!(end.ending, Ending::Missing { first: 2 });
        assert_eq!(body.unwrap().len(), 512);
    }

    #[test]
    fn a_missing_first_block_decodes_nothing() {
        let mut t = started(true);
        let (end, body) = t.data(10, 13, 2, Block::Own(&[3; 7])).unwrap();
        assert_eq!(end.ending, Ending::Missing { first: 1 });
        assert_eq!(body.unwrap(), Vec::<u8>::new());
        assert!(explain(&end)
            .unwrap()
            .contains("no block from the first on"));
    }

    #[test]
    fn explanations_fit_wiresharks_expert_text() {
        let end = TransferEnd {
            file: "SKb0ec918f-b9ee-994b-57ae-345883c1fde8.xml.sgn".into(),
            ending: Ending::Aborted {
                code: 0,
                message: "Transfer timed out after 5 tries".into(),
                by_client: true,
            },
            blocks: 2_047,
            size: 1_048_064,
            last_block: 2_047,
            block_size: 512,
            announced: Some(1_048_576),
            fallback_from: None,
            limited: false,
        };
        let text = explain(&end).unwrap();
        assert!(text.len() < 240, "{} bytes: {text}", text.len());
    }

    #[test]
    fn a_transfer_open_at_the_end_is_cut_at_its_last_packet() {
        let mut t = started(true);
        t.options(10, None, Some(4000));
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        t.data(10, 13, 2, Block::Own(&[2; 512]));
        assert!(t.cut_at(11).is_none());
        let (end, body) = t.cut_at(13).unwrap();
        assert_eq!(end.ending, Ending::Cut { missing: None });
        assert_eq!((end.blocks, end.last_block), (2, 2));
        assert_eq!(body.unwrap().len(), 1024);
        let text = explain(&end).unwrap();
        assert!(text.contains("after block 2"), "{text}");
        assert!(
            text.contains("2 blocks (1024 bytes of 4000 announced)"),
            "{text}"
        );
        assert!(t.cut_at(13).is_some(), "asking changes nothing");
    }

    #[test]
    fn an_error_after_blocks_aborts_the_transfer() {
        let mut t = started(true);
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        let (end, body) = t.error(10, 0, "Transfer timed out", SERVER).unwrap();
        assert_eq!(
            end.ending,
            Ending::Aborted {
                code: 0,
                message: "Transfer timed out".into(),
                by_client: false
            }
        );
        assert_eq!(body.unwrap().len(), 512);
        let text = explain(&end).unwrap();
        assert!(
            text.contains("The server aborted CTLSEP1.tlv after block 1"),
            "{text}"
        );
        assert!(text.contains("error 0 (Not defined)"), "{text}");
        assert!(t.cut_at(11).is_none(), "an aborted transfer is not cut");
        assert!(t.data(10, 12, 2, Block::Own(&[1; 3])).is_none(), "over");
    }

    #[test]
    fn an_error_from_the_phone_is_the_clients() {
        let mut t = started(true);
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        let (end, _) = t.error(10, 3, "Disk full", PHONE).unwrap();
        assert!(explain(&end).unwrap().starts_with("The client aborted"));
    }

    #[test]
    fn an_error_answering_the_request_is_not_a_transfer() {
        let mut t = started(true);
        assert!(t.error(10, 1, "File not found", SERVER).is_none());
        assert!(t.data(10, 12, 1, Block::Own(&[1; 3])).is_none(), "closed");
    }

    #[test]
    fn unknown_transfer_id_does_not_end_it() {
        let mut t = started(true);
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        assert!(t.error(10, 5, "Unknown transfer ID", SERVER).is_none());
        assert!(t.data(10, 13, 2, Block::Own(&[1; 3])).is_some());
    }

    #[test]
    fn wiresharks_reassembly_gives_the_whole_file() {
        let mut t = started(true);
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        let mut whole = vec![1; 512];
        whole.extend_from_slice(&[2; 20]);
        let (end, body) = t.data(10, 13, 2, Block::Reassembled(&whole)).unwrap();
        assert!(end.complete());
        assert_eq!(body.unwrap(), whole);
    }

    #[test]
    fn other_files_are_counted_not_kept() {
        let mut t = started(false);
        t.data(10, 11, 1, Block::Own(&[1; 512]));
        let (end, body) = t.data(10, 13, 2, Block::Own(&[1; 2])).unwrap();
        assert_eq!(end.size, 514);
        assert!(body.is_none());
    }

    #[test]
    fn bytes_kept_are_bounded() {
        let mut t = started(true);
        t.options(10, Some(65_464), None);
        let block = vec![0; 65_464];
        let mut n = 1;
        while t.data(10, n, n, Block::Own(&block)).is_none() && n < 40 {
            n += 1;
        }
        let (end, body) = t.data(10, 100, n + 1, Block::Own(&[])).unwrap();
        assert!(end.limited);
        assert_eq!(body.unwrap().len(), MAX_FILE);
        assert_eq!(end.size, n as usize * 65_464);
    }

    #[test]
    fn unknown_transfers_and_odd_numbers_are_harmless() {
        let mut t = Transfers::default();
        assert!(t.data(99, 1, 1, Block::Own(&[])).is_none());
        assert!(t.error(99, 0, "", "").is_none());
        t.options(99, Some(1024), None);
        let mut t = started(true);
        t.data(10, 11, u32::MAX, Block::Own(&[0; 512]));
        t.data(10, 12, 0, Block::Own(&[0; 512]));
        let (end, _) = t.cut_at(12).unwrap();
        assert_eq!(end.last_block, u32::MAX);
        assert!(matches!(end.ending, Ending::Cut { .. }));
    }
}
