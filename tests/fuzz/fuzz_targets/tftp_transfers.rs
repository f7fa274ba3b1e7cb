//! TFTP transfers as the ciscotl post-dissector follows them (see
//! src/ciscotl/tftp_steps.rs): read requests, OACKs, DATA blocks (own bytes,
//! a reassembled file, or cut by the snapshot length), ERRORs, the later
//! pass's question "is a transfer cut at this frame?", interleaved with HTTP
//! downloads of the same files; each finished file is decoded as its kind.
#![no_main]

use emcc::harness::ciscotl::{
    classify_file, config_facts, explain, parse_signed, parse_trust_list, Block, Downloads, Event,
    FileKind, Transfers, MAX_FILE, MAX_HELD,
};
use fuzz_support::{number, word, Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const FILES: &[&str] = &[
    "ITLSEP0011223344AA.tlv",
    "CTLSEP0011223344AA.tlv",
    "SEP0011223344AA.cnf.xml.sgn",
    "SEP0011223344AA.cnf.xml",
    "SKdefault.xml.sgn",
    "sip78xx.12-1-1.loads",
];
const HOSTS: &[&str] = &["10.0.0.1", "10.0.0.100", "10.0.0.200"];
const BLOCK_SIZES: &[u32] = &[512, 1428, 8, 7, 65464, 65465, 0];
const HTTP_STATUSES: &[u32] = &[200, 404, 500, 503];
const TFTP_ERRORS: &[u32] = &[0, 1, 2, 5, 8];
const MAX_STEPS: usize = 256;

struct State {
    transfers: Transfers,
    downloads: Downloads,
    /// Read request frames so far (the transfers' keys).
    requests: Vec<u32>,
    /// Block numbers sent so far per request, to send mostly the next one.
    next_block: Vec<u32>,
    held: usize,
}

fn request(u: &mut Unstructured, s: &State) -> Result<(usize, u32)> {
    if s.requests.is_empty() || u.ratio(1, 16)? {
        return Ok((usize::MAX, u.arbitrary()?));
    }
    let i = u.choose_index(s.requests.len())?;
    Ok((i, s.requests[i]))
}

/// Block bytes: from the input when short, a repeated byte when long (so that
/// size limits are reachable without megabytes of fuzz input).
fn block_bytes(u: &mut Unstructured) -> Result<Vec<u8>> {
    if u.ratio(3, 4)? {
        let len = u.int_in_range(0..=600)?.min(u.len());
        Ok(u.bytes(len)?.to_vec())
    } else {
        let len = number(u, &[512, 1428, 65464, 70000])? as usize;
        Ok(vec![u.arbitrary::<u8>()?; len.min(1 << 20)])
    }
}

fn step(u: &mut Unstructured, s: &mut State, frame: u32) -> Result<()> {
    let mut ended = None;
    match u.int_in_range(0..=6)? {
        0 => {
            let file = word(u, FILES)?;
            let event = Event::TftpRequest { file: file.clone() };
            let kind = classify_file(&file).kind;
            let verdict = s.downloads.judge(frame, &event, kind);
            let client = word(u, HOSTS)?;
            s.transfers.start(
                frame,
                &file,
                kind != FileKind::Other,
                &client,
                verdict.fallback_from,
            );
            s.requests.push(frame);
            s.next_block.push(1);
        }
        1 => {
            let (_, r) = request(u, s)?;
            let size = if u.arbitrary()? {
                Some(number(u, BLOCK_SIZES)? as usize)
            } else {
                None
            };
            let tsize = if u.arbitrary()? {
                Some(u.arbitrary()?)
            } else {
                None
            };
            s.transfers.options(r, size, tsize);
        }
        2 | 3 => {
            let (i, r) = request(u, s)?;
            let number = match s.next_block.get_mut(i) {
                Some(next) if u.ratio(7, 8)? => {
                    *next = next.saturating_add(1);
                    *next - 1
                }
                _ => u.arbitrary()?,
            };
            let bytes = block_bytes(u)?;
            let block = match u.int_in_range(0..=9)? {
                0 => Block::Cut,
                1 => Block::Reassembled(&bytes),
                _ => Block::Own(&bytes),
            };
            ended = s.transfers.data(r, frame, number, block);
        }
        4 => {
            let (_, r) = request(u, s)?;
            let code = number(u, TFTP_ERRORS)?;
            let message = word(u, &["File not found", ""])?;
            let sender = word(u, HOSTS)?;
            ended = s.transfers.error(r, code, &message, &sender);
            let event = Event::TftpError {
                file: word(u, FILES)?,
                code,
                message,
            };
            let kind = classify_file(event.file()).kind;
            let _ = s.downloads.judge(frame, &event, kind);
        }
        5 => {
            // A later pass: nothing changes.
            let asked = if u.arbitrary()? {
                frame.saturating_sub(u.int_in_range(1..=8)?)
            } else {
                u.arbitrary()?
            };
            if let Some((end, body)) = s.transfers.cut_at(asked) {
                let _ = explain(&end);
                if let Some(body) = body {
                    assert!(body.len() <= MAX_FILE);
                }
            }
        }
        _ => {
            let file = word(u, FILES)?;
            let event = if u.arbitrary()? {
                Event::HttpRequest { file }
            } else {
                Event::HttpResponse {
                    file,
                    status: number(u, HTTP_STATUSES)?,
                }
            };
            let kind = classify_file(event.file()).kind;
            let _ = s.downloads.judge(frame, &event, kind);
        }
    }
    if let Some((end, body)) = ended {
        // What the dissector does with a finished transfer.
        assert!(end.blocks <= end.last_block);
        let _ = explain(&end);
        let event = Event::TftpData {
            file: end.file.clone(),
            complete: end.complete(),
        };
        let kind = classify_file(&end.file).kind;
        let _ = s.downloads.judge(frame, &event, kind);
        if let Some(body) = body {
            assert!(body.len() <= end.size && body.len() <= MAX_FILE);
            assert!(end.limited || body.len() == end.size);
            s.held += body.len();
            assert!(s.held <= MAX_HELD);
            match kind {
                FileKind::Ctl | FileKind::Itl => drop(parse_trust_list(&body)),
                FileKind::SignedConfig | FileKind::Softkey => drop(parse_signed(&body)),
                FileKind::Config => drop(config_facts(&body)),
                FileKind::Other => {}
            }
        }
    }
    Ok(())
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let mut s = State {
        transfers: Transfers::default(),
        downloads: Downloads::default(),
        requests: Vec::new(),
        next_block: Vec::new(),
        held: 0,
    };
    for frame in 1..=MAX_STEPS as u32 {
        if u.is_empty() {
            break;
        }
        step(&mut u, &mut s, frame)?;
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
