#![forbid(unsafe_code)]
//! `ciscotl`: the phone fetching its trust lists (CTL, ITL), configuration
//! and softkey templates, over HTTP (port 6970 and others) or TFTP (UDP 69),
//! and the trust list and signed files themselves when the capture holds
//! them.
//!
//! A post-dissector reads what HTTP and TFTP show (file, status, TFTP error,
//! body, DATA blocks), judges each step on the first pass (see `downloads`),
//! puts TFTP transfers back together (see `tftp_steps`, `transfers`) and adds
//! our layer; what it read is remembered for later passes (see
//! `frame_memory`).

mod body;
pub(crate) mod downloads;
mod fields;
pub mod files;
pub mod signed_config;
mod tftp;
mod tftp_steps;
pub(crate) mod tftp_wire;
pub(crate) mod transfers;
pub mod trustlist;

use crate::epan::{Dissector, ForeignField, Packet, Source};
use std::sync::Arc;

use crate::frame_memory::{
    show_limit, Footprint, FrameMemory, LimitReached, Standing, LARGE_BUDGET,
};
use crate::http_requests::{self, HttpMessage};
use crate::state::State;
use downloads::{transfer_verdict, Downloads, Event, Finding, Verdict};
use fields::*;
use files::FileKind;
use tftp::TftpPacket;
use transfers::{TransferEnd, Transfers};

static HTTP_STATUS: ForeignField = ForeignField::new(c"http.response.code", c"http");
static HTTP_BODY: ForeignField = ForeignField::new(c"http.file_data", c"http");

static DISSECTOR: Dissector = Dissector::new_postdissector(c"ciscotl", &PROTOCOL, dissect, &FILE);

/// File extensions of phone files that are not one of the named kinds
/// (firmware, ringers, locales): requests for them are shown too.
const OTHER_PHONE_FILES: &[&str] = &[".tlv", ".sgn", ".loads", ".sbn", ".zz", ".jar", ".cnf"];

/// A frame of ours: its event, the first pass's verdict, the body, and at
/// the end of a TFTP transfer what is known of it.
struct Seen {
    event: Event,
    verdict: Verdict,
    body: Option<Vec<u8>>,
    transfer: Option<TransferEnd>,
}

impl Footprint for Seen {
    fn heap(&self) -> usize {
        let event = match &self.event {
            Event::TftpError { file, message, .. } => file.heap() + message.heap(),
            other => other.file().len(),
        };
        let finding = self
            .verdict
            .finding
            .as_ref()
            .map_or(0, |(_, text)| text.heap());
        let transfer = self.transfer.as_ref().map_or(0, |t| t.file.heap());
        event + finding + self.body.heap() + transfer
    }
}

/// It holds file bodies: the large budget.
static SEEN: State<FrameMemory<Seen>> = State::new(|| {
    FrameMemory::new(
        "downloaded files",
        "phone file downloads are not decoded",
        LARGE_BUDGET,
    )
});
static DOWNLOADS: State<Downloads> = State::new(Downloads::default);
static TRANSFERS: State<Transfers> = State::new(Transfers::default);

pub fn register() {
    PROTOCOL.register();
    DISSECTOR.register();
}

pub fn handoff() {
    let mut wanted: Vec<&'static ForeignField> = http_requests::WANTED.to_vec();
    wanted.extend([&HTTP_STATUS, &HTTP_BODY]);
    wanted.extend(tftp::WANTED.iter().copied());
    DISSECTOR.register_as_postdissector(&wanted);
    tftp::handoff();
}

pub fn reset_capture_state() {
    tftp::reset_capture_state();
    SEEN.lock().clear();
    DOWNLOADS.lock().clear();
    TRANSFERS.lock().clear();
}

/// Where our item goes: the file name's bytes (request) or the body
/// (response), in the data source HTTP or TFTP used.
type Origin<'d> = Option<(Source<'d>, usize, usize)>;

/// What a frame shows of a download.
enum Found<'d> {
    /// An HTTP request or response of a phone file.
    Http {
        event: Event,
        body: Option<Vec<u8>>,
        origin: Origin<'d>,
    },
    Tftp(TftpPacket<'d>),
}

/// What a pass shows of a frame.
enum Shown {
    Nothing,
    /// The memory-limit expert info alone.
    Limit(LimitReached),
    Seen(Arc<Seen>),
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let frame = packet.frame_number();
    let mut found = gather(packet);
    let shown = if packet.visited() {
        later_pass(frame, &mut found)
    } else {
        first_pass(frame, &mut found)
    };
    let seen = match shown {
        Shown::Nothing => return 0,
        Shown::Limit(limit) => {
            show_limit(packet, &ETT_TL, &MEMORY_LIMIT, &limit);
            return 0;
        }
        Shown::Seen(seen) => seen,
    };
    let origin = found.and_then(|f| origin_of(f, &seen));
    decode(packet, &seen, origin);
    // Request URIs and response links (shared with `emcc`) do not stop
    // this frame's decoding.
    if let Some(limit) = http_requests::limit_at(frame) {
        show_limit(packet, &ETT_TL, &MEMORY_LIMIT, &limit);
    }
    0
}

/// Judges the frame's step on the first pass and remembers it.
fn first_pass(frame: u32, found: &mut Option<Found<'_>>) -> Shown {
    let Some(found) = found.as_mut() else {
        return Shown::Nothing;
    };
    if let Some(shown) = stopped(frame) {
        return shown;
    }
    let seen = match found {
        Found::Http { event, body, .. } => judged(frame, event.clone(), body.take(), None),
        Found::Tftp(packet) => match tftp_steps::step(frame, packet) {
            Some(seen) => seen,
            None => return Shown::Nothing,
        },
    };
    keep(frame, seen)
}

/// A later pass shows what the first decided. A TFTP transfer still open at
/// the end of the capture is only known now, at its last packet.
fn later_pass(frame: u32, found: &mut Option<Found<'_>>) -> Shown {
    if let Some(seen) = SEEN.lock().recall(frame) {
        return Shown::Seen(seen);
    }
    if let Some(shown) = stopped(frame) {
        return shown;
    }
    if let Some(Found::Http { event, body, .. }) = found {
        // Not decided before (its inputs were missing on the first pass):
        // judged now, as the first pass would.
        return keep(frame, judged(frame, event.clone(), body.take(), None));
    }
    match TRANSFERS.lock().cut_at(frame) {
        Some(cut) => Shown::Seen(Arc::new(tftp_steps::transfer_seen(
            cut,
            transfer_verdict(false, None),
        ))),
        None => Shown::Nothing,
    }
}

/// For a frame not remembered: the limit's expert info on the first frame
/// refused, nothing after it; `None` before any limit.
fn stopped(frame: u32) -> Option<Shown> {
    match SEEN.lock().standing(frame) {
        Standing::Open => None,
        Standing::AtLimit(limit) => Some(Shown::Limit(limit)),
        Standing::Beyond => Some(Shown::Nothing),
    }
}

/// Remembers what was decided; a frame the memory refuses shows the limit
/// instead, on this pass as on later ones.
fn keep(frame: u32, seen: Seen) -> Shown {
    let seen = Arc::new(seen);
    let mut memory = SEEN.lock();
    if memory.remember(frame, Arc::clone(&seen)) {
        Shown::Seen(seen)
    } else {
        memory.limit_at(frame).map_or(Shown::Nothing, Shown::Limit)
    }
}

fn judged(frame: u32, event: Event, body: Option<Vec<u8>>, t: Option<TransferEnd>) -> Seen {
    let kind = files::classify(event.file()).kind;
    let verdict = DOWNLOADS.lock().judge(frame, &event, kind);
    Seen {
        event,
        verdict,
        body,
        transfer: t,
    }
}

/// Where the frame's item points (for a file TFTP carried, see
/// `tftp_steps::data_origin`).
fn origin_of<'d>(found: Found<'d>, seen: &Seen) -> Origin<'d> {
    match found {
        Found::Http { origin, .. } => origin,
        Found::Tftp(TftpPacket::Request { place, .. }) => Some(place),
        Found::Tftp(TftpPacket::Data {
            place, reassembled, ..
        }) => tftp_steps::data_origin(place, reassembled, seen),
        Found::Tftp(_) => None,
    }
}

/// Reads one download step from HTTP or TFTP, if the frame has one of ours.
fn gather<'d>(packet: &mut Packet<'d>) -> Option<Found<'d>> {
    let ours = |uri: &str| phone_file(uri).is_some();
    match http_requests::read(packet, ours) {
        Some(HttpMessage::Request(uri)) => {
            let file = phone_file(&uri.value)?;
            let origin = Some((uri.source, uri.range.start, uri.range.len()));
            return Some(Found::Http {
                event: Event::HttpRequest { file },
                body: None,
                origin,
            });
        }
        Some(HttpMessage::Response { uri, .. }) => return http_response(packet, &uri),
        None => {}
    }
    tftp::read(packet).map(Found::Tftp)
}

/// A response to a request of a phone file: its status and body.
fn http_response<'d>(packet: &mut Packet<'d>, uri: &str) -> Option<Found<'d>> {
    let file = phone_file(uri)?;
    let status = packet.first_uint(&HTTP_STATUS)?;
    let mut origin = None;
    let mut body = None;
    if let Some(b) = packet.fields(&HTTP_BODY).into_iter().next() {
        body = packet.source_bytes(b.source, b.range.clone());
        origin = Some((b.source, b.range.start, b.range.len()));
    }
    let event = Event::HttpResponse { file, status };
    Some(Found::Http {
        event,
        body,
        origin,
    })
}

/// The file name of a request path if it is a phone file.
fn phone_file(uri: &str) -> Option<String> {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let info = files::classify(path);
    let ours = info.kind != FileKind::Other
        || OTHER_PHONE_FILES.iter().any(|ext| info.name.ends_with(ext));
    ours.then_some(info.name)
}

fn decode<'d>(packet: &mut Packet<'d>, seen: &Seen, mut origin: Origin<'d>) {
    let info = files::classify(seen.event.file());
    if origin.is_none() {
        origin = tftp_steps::own_source(packet, seen);
    }
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
    if let Some(end) = &seen.transfer {
        tftp_steps::transfer_items(packet, tree, item, end);
    }
    match (&seen.event, &seen.body, &seen.transfer) {
        (Event::HttpResponse { status: 200, .. }, Some(bytes), _) => {
            let size = packet.add_uint(tree, &SIZE, 0..0, saturate(bytes.len()));
            packet.set_generated(size);
            body::decode(packet, tree, info.kind, bytes, true);
        }
        (_, Some(bytes), Some(end)) if !bytes.is_empty() => {
            let whole = end.complete() && !end.limited;
            body::decode(packet, tree, info.kind, bytes, whole);
        }
        _ => {}
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

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
