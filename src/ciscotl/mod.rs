//! `ciscotl`: the phone fetching its trust lists (CTL, ITL), configuration
//! and softkey templates, over HTTP (port 6970 and others) or TFTP (UDP 69),
//! and the trust list and signed files themselves when the capture holds
//! them.
//!
//! A post-dissector reads what HTTP and TFTP show (file, status, TFTP error,
//! body), judges each step on the first pass (see `downloads`) and adds our
//! layer; what it read is remembered for later passes (see `frame_memory`).

mod body;
mod downloads;
mod fields;
pub mod files;
pub mod sha1;
pub mod signed_config;
pub mod trustlist;

use std::sync::{Mutex, MutexGuard};

use once_cell::sync::Lazy;

use crate::epan::{Dissector, ForeignField, Packet, Source};
use crate::frame_memory::FrameMemory;
use downloads::{Downloads, Event, Finding, Verdict};
use fields::*;
use files::FileKind;

static HTTP_URI: ForeignField = ForeignField::new(c"http.request.uri", c"http");
static HTTP_FOR_URI: ForeignField = ForeignField::new(c"http.response_for.uri", c"http");
static HTTP_STATUS: ForeignField = ForeignField::new(c"http.response.code", c"http");
static HTTP_BODY: ForeignField = ForeignField::new(c"http.file_data", c"http");
static TFTP_OPCODE: ForeignField = ForeignField::new(c"tftp.opcode", c"tftp");
static TFTP_SOURCE: ForeignField = ForeignField::new(c"tftp.source_file", c"tftp");
static TFTP_DESTINATION: ForeignField = ForeignField::new(c"tftp.destination_file", c"tftp");
static TFTP_ERROR_CODE: ForeignField = ForeignField::new(c"tftp.error.code", c"tftp");
static TFTP_ERROR_MESSAGE: ForeignField = ForeignField::new(c"tftp.error.message", c"tftp");

static DISSECTOR: Dissector = Dissector::new_postdissector(c"ciscotl", &PROTOCOL, dissect, &FILE);

const TFTP_READ_REQUEST: u32 = 1;
const TFTP_ERROR: u32 = 5;

/// File extensions of phone files that are not one of the named kinds
/// (firmware, ringers, locales): requests for them are shown too.
const OTHER_PHONE_FILES: &[&str] = &[".tlv", ".sgn", ".loads", ".sbn", ".zz", ".jar", ".cnf"];

/// A frame of ours: its event, the first pass's verdict, and the body.
#[derive(Clone)]
struct Seen {
    event: Event,
    verdict: Verdict,
    body: Option<Vec<u8>>,
}

static SEEN: Lazy<Mutex<FrameMemory<Seen>>> = Lazy::new(|| Mutex::new(FrameMemory::new()));
static DOWNLOADS: Lazy<Mutex<Downloads>> = Lazy::new(|| Mutex::new(Downloads::default()));

fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    // A panic while holding the lock leaves plain data behind: keep using it.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn register() {
    PROTOCOL.register();
    DISSECTOR.register();
}

pub fn handoff() {
    DISSECTOR.register_as_postdissector(&[
        &HTTP_URI,
        &HTTP_FOR_URI,
        &HTTP_STATUS,
        &HTTP_BODY,
        &TFTP_OPCODE,
        &TFTP_SOURCE,
        &TFTP_DESTINATION,
        &TFTP_ERROR_CODE,
        &TFTP_ERROR_MESSAGE,
    ]);
}

pub fn reset_capture_state() {
    lock(&SEEN).clear();
    lock(&DOWNLOADS).clear();
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let frame = packet.frame_number();
    let live = gather(packet);
    let (seen, origin) = match live {
        Some((event, body, origin)) => {
            let remembered = packet
                .visited()
                .then(|| lock(&SEEN).recall(frame))
                .flatten();
            let seen = match remembered {
                Some(seen) => seen,
                None => {
                    let kind = files::classify(event.file()).kind;
                    let verdict = lock(&DOWNLOADS).judge(frame, &event, kind);
                    let seen = Seen {
                        event,
                        verdict,
                        body,
                    };
                    lock(&SEEN).remember(frame, seen.clone());
                    seen
                }
            };
            (seen, origin)
        }
        None if packet.visited() => match lock(&SEEN).recall(frame) {
            Some(seen) => (seen, None),
            None => return 0,
        },
        None => return 0,
    };
    decode(packet, &seen, origin);
    0
}

/// Where our item goes: the file name's bytes (request) or the body
/// (response), in the data source HTTP or TFTP used.
type Origin<'d> = Option<(Source<'d>, usize, usize)>;

/// Reads one download step from HTTP or TFTP, if the frame has one of ours.
fn gather<'d>(packet: &mut Packet<'d>) -> Option<(Event, Option<Vec<u8>>, Origin<'d>)> {
    if let Some(uri) = packet.string_fields(&HTTP_URI).into_iter().next() {
        let file = phone_file(&uri.value)?;
        let origin = Some((uri.source, uri.range.start, uri.range.len()));
        return Some((Event::HttpRequest { file }, None, origin));
    }
    if let Some(for_uri) = packet.string_fields(&HTTP_FOR_URI).into_iter().next() {
        let file = phone_file(&for_uri.value)?;
        let status = packet
            .fields(&HTTP_STATUS)
            .into_iter()
            .find_map(|f| f.uint)?;
        let mut origin = None;
        let mut body = None;
        if let Some(b) = packet.fields(&HTTP_BODY).into_iter().next() {
            body = packet.source_bytes(b.source, b.range.clone());
            origin = Some((b.source, b.range.start, b.range.len()));
        }
        return Some((Event::HttpResponse { file, status }, body, origin));
    }
    let opcode = packet
        .fields(&TFTP_OPCODE)
        .into_iter()
        .find_map(|f| f.uint)?;
    if opcode == TFTP_READ_REQUEST {
        let name = packet.string_fields(&TFTP_SOURCE).into_iter().next()?;
        let origin = Some((name.source, name.range.start, name.range.len()));
        return Some((Event::TftpRequest { file: name.value }, None, origin));
    }
    if opcode == TFTP_ERROR {
        let name = packet.string_fields(&TFTP_DESTINATION).into_iter().next()?;
        let code = packet
            .fields(&TFTP_ERROR_CODE)
            .into_iter()
            .find_map(|f| f.uint)
            .unwrap_or(0);
        let message = packet
            .string_fields(&TFTP_ERROR_MESSAGE)
            .into_iter()
            .next()
            .map(|m| m.value)
            .unwrap_or_default();
        let event = Event::TftpError {
            file: name.value,
            code,
            message,
        };
        return Some((event, None, None));
    }
    None
}

/// The file name of a request path if it is a phone file.
fn phone_file(uri: &str) -> Option<String> {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let info = files::classify(path);
    let ours = info.kind != FileKind::Other
        || OTHER_PHONE_FILES.iter().any(|ext| info.name.ends_with(ext));
    ours.then_some(info.name)
}

fn decode<'d>(packet: &mut Packet<'d>, seen: &Seen, origin: Origin<'d>) {
    let info = files::classify(seen.event.file());
    packet.place(origin.map(|(source, start, _)| (source, start)));
    let len = origin.map_or(0, |(_, _, len)| len);
    let (item, tree) = packet.add_protocol(0..len, &ETT_TL);
    let add = |packet: &mut Packet<'d>, field, value: &str| {
        let item = packet.add_string(tree, field, 0..0, value);
        packet.set_generated(item);
    };
    add(packet, &FILE, &info.name);
    add(packet, &FILE_KIND, info.kind.as_str());
    if let Some(device) = &info.device {
        add(packet, &DEVICE, device);
    }
    add(packet, &TRANSPORT, seen.event.transport());
    if let Some(result) = seen.verdict.result {
        add(packet, &RESULT, result);
    }
    if let Some(from) = seen.verdict.fallback_from {
        let link = packet.add_uint(tree, &FALLBACK_FROM, 0..0, from);
        packet.set_generated(link);
    }
    if let Some((finding, text)) = &seen.verdict.finding {
        let expert = match finding {
            Finding::CtlAbsent => &CTL_ABSENT,
            Finding::Unavailable => &UNAVAILABLE,
            Finding::FallbackFailed => &FALLBACK_FAILED,
        };
        packet.expert(item, expert, text);
    }
    if let (Event::HttpResponse { status: 200, .. }, Some(bytes)) = (&seen.event, &seen.body) {
        body::decode(packet, tree, info.kind, bytes);
    }
    let mut summary = format!("[{} {}", info.kind.as_str(), seen.event.transport());
    if let Some(result) = seen.verdict.result {
        summary.push_str(&format!(" {result}"));
    }
    if let Some(from) = seen.verdict.fallback_from {
        summary.push_str(&format!(", fallback from frame {from}"));
    }
    summary.push(']');
    packet.append_info(&summary);
}
