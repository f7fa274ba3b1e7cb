//! What each TFTP packet means for our layer: a read request starts a
//! transfer (see `transfers`), an OACK sets its options, and the packet that
//! ends it (its last block, an ERROR, or on a later pass the last packet of a
//! transfer the capture cut) is shown with the file it carried.

use super::downloads::{Event, Finding, Verdict};
use super::fields::*;
use super::files::{self, FileKind};
use super::tftp::{Place, TftpPacket};
use super::transfers::{self, Block, Ending, Finished, TransferEnd};
use super::{judged, saturate, Origin, Seen, DOWNLOADS, TRANSFERS};
use crate::epan::{Item, Packet, Tree};
use std::ffi::CStr;

/// Data sources this plugin adds for a file TFTP carried when Wireshark shows
/// none (its `tftp.defragment` is off, a block is missing, a later pass).
const TFTP_FILE: &CStr = c"TFTP file (CiscoTL)";
const TFTP_PARTIAL_FILE: &CStr = c"Partial TFTP file (CiscoTL)";

/// The end of a transfer that carried data, as a frame of ours.
pub(super) fn transfer_seen((end, body): Finished, mut verdict: Verdict) -> Seen {
    verdict.fallback_from = end.fallback_from;
    Seen {
        event: Event::TftpData {
            file: end.file.clone(),
            complete: end.complete(),
        },
        verdict,
        body,
        transfer: Some(end),
    }
}

/// Follows a TFTP transfer; a frame that starts, ends or breaks it is ours.
pub(super) fn step(frame: u32, packet: &TftpPacket<'_>) -> Option<Seen> {
    match packet {
        TftpPacket::Request { file, client, .. } => {
            let event = Event::TftpRequest { file: file.clone() };
            let seen = judged(frame, event, None, None);
            let keep = files::classify(file).kind != FileKind::Other;
            let from = seen.verdict.fallback_from;
            TRANSFERS.lock().start(frame, file, keep, client, from);
            Some(seen)
        }
        TftpPacket::Options {
            request,
            block_size,
            tsize,
        } => {
            TRANSFERS.lock().options(*request, *block_size, *tsize);
            None
        }
        TftpPacket::Data {
            request,
            block,
            bytes,
            reassembled,
            cut,
            ..
        } => {
            let block_bytes = if *cut {
                Block::Cut
            } else if *reassembled {
                Block::Reassembled(bytes)
            } else {
                Block::Own(bytes)
            };
            let finished = TRANSFERS
                .lock()
                .data(*request, frame, *block, block_bytes)?;
            let event = Event::TftpData {
                file: finished.0.file.clone(),
                complete: finished.0.complete(),
            };
            let kind = files::classify(event.file()).kind;
            let verdict = DOWNLOADS.lock().judge(frame, &event, kind);
            Some(transfer_seen(finished, verdict))
        }
        TftpPacket::Error {
            file,
            code,
            message,
            request,
            sender,
        } => {
            let aborted = request.and_then(|r| TRANSFERS.lock().error(r, *code, message, sender));
            let event = Event::TftpError {
                file: file.clone(),
                code: *code,
                message: message.clone(),
            };
            let (body, end) = match aborted {
                Some((end, body)) => (body, Some(end)),
                None => (None, None),
            };
            let mut seen = judged(frame, event, body, end);
            if seen.transfer.is_some() {
                // Blocks had arrived: the file exists, whatever the error says.
                if let Some((Finding::CtlAbsent, _)) = seen.verdict.finding {
                    seen.verdict.finding = None;
                }
            }
            Some(seen)
        }
    }
}

/// A file TFTP carried is placed where Wireshark shows the whole of it: its
/// reassembled data (preference `tftp.defragment`), or the single block of a
/// one-block file. Otherwise `own_source` gives it a data source of its own.
pub(super) fn data_origin<'d>(
    place: Option<Place<'d>>,
    reassembled: bool,
    seen: &Seen,
) -> Origin<'d> {
    let end = seen.transfer.as_ref()?;
    let len = seen.body.as_ref()?.len();
    let whole = end.complete() && !end.limited && (reassembled || end.blocks == 1);
    place.filter(|&(_, _, n)| whole && n == len)
}

/// A data source of the frame holding the file's bytes that were kept.
pub(super) fn own_source<'d>(packet: &mut Packet<'d>, seen: &Seen) -> Origin<'d> {
    let (end, bytes) = (seen.transfer.as_ref()?, seen.body.as_ref()?);
    let name = if end.complete() {
        TFTP_FILE
    } else {
        TFTP_PARTIAL_FILE
    };
    let source = packet.new_data_source(bytes, name)?;
    Some((source, 0, bytes.len()))
}

/// What is known of a TFTP transfer at its end, and what went wrong.
pub(super) fn transfer_items<'d>(
    packet: &mut Packet<'d>,
    tree: Tree<'d>,
    item: Item<'d>,
    end: &TransferEnd,
) {
    let mut add = |field, value: u32| {
        let item = packet.add_uint(tree, field, 0..0, value);
        packet.set_generated(item);
    };
    add(&SIZE, saturate(end.size));
    add(&TFTP_BLOCKS, end.blocks);
    add(&TFTP_BLOCK_SIZE, saturate(end.block_size));
    if let Some(announced) = end.announced {
        add(&TFTP_TSIZE, u32::try_from(announced).unwrap_or(u32::MAX));
    }
    if let Some(text) = transfers::explain(end) {
        let expert = match end.ending {
            Ending::Aborted { .. } => &TRANSFER_ABORTED,
            _ => &INCOMPLETE,
        };
        packet.expert(item, expert, &text);
    }
    if end.limited {
        let text = format!(
            "Only part of {} is kept for decoding (limits: {} bytes per file, {} bytes of TFTP files per capture)",
            end.file,
            transfers::MAX_FILE,
            transfers::MAX_HELD
        );
        packet.expert(item, &LIMIT, &text);
    }
}
