//! Statistics > EMCC Extension Mobility (`-z emcc,tree`): the requests by
//! action, and the EM errors: those shown to phones (EMApp) and those
//! EMService answered, by code and then device.
//!
//! One HTTP message is decoded per frame; its errors are noted while its
//! answer is decoded, and the request or response decoding hands the whole
//! to the tap at its end. Listeners run right after the frame's dissection:
//! they read what was handed over for it.

use crate::epan::{Packet, StatsNodes, StatsTree, Tap};
use crate::state::State;

pub static TAP: Tap = Tap::new(c"emcc");

static STATS_TREE: StatsTree = StatsTree {
    tap: &TAP,
    abbr: c"emcc",
    name: c"EMCC Extension Mobility",
    init,
    packet,
};

const REQUESTS: &str = "Requests by action";
const ERRORS: &str = "EM errors by code and device";
const NO_DEVICE: &str = "(device not known)";

/// Which servlet's table an error code is from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Table {
    EmApp,
    EmService,
}

#[derive(Clone, Debug, PartialEq)]
struct EmError {
    table: Table,
    code: u32,
    meaning: String,
}

#[derive(Default)]
struct FrameExchange {
    frame: u32,
    action: Option<String>,
    device: Option<String>,
    errors: Vec<EmError>,
}

/// Errors noted during the current frame's dissection.
static COLLECTING: State<FrameExchange> = State::new(FrameExchange::default);
/// Handed to the tap's listeners for `frame`.
static TAPPED: State<FrameExchange> = State::new(FrameExchange::default);

pub fn register() {
    TAP.register();
}

pub fn handoff() {
    STATS_TREE.register();
}

/// Notes an EM error found in `frame`'s message.
pub fn note_error(frame: u32, table: Table, code: u32, meaning: &str) {
    let mut collecting = COLLECTING.lock();
    if collecting.frame != frame {
        *collecting = FrameExchange {
            frame,
            ..Default::default()
        };
    }
    collecting.errors.push(EmError {
        table,
        code,
        meaning: meaning.to_string(),
    });
}

/// Hands this frame's message to the tap: `action` for a request, `None`
/// for a response; `device` is the phone it is about, when known.
pub fn queue(packet: &Packet<'_>, action: Option<&str>, device: Option<&str>) {
    let frame = packet.frame_number();
    let errors = {
        let mut collecting = COLLECTING.lock();
        if collecting.frame == frame {
            std::mem::take(&mut collecting.errors)
        } else {
            Vec::new()
        }
    };
    *TAPPED.lock() = FrameExchange {
        frame,
        action: action.map(str::to_string),
        device: device.map(str::to_string),
        errors,
    };
    TAP.queue(packet);
}

fn init(nodes: &mut StatsNodes) {
    nodes.create(REQUESTS, StatsNodes::ROOT, true);
    nodes.create(ERRORS, StatsNodes::ROOT, true);
}

fn packet(nodes: &mut StatsNodes, frame: u32) {
    let tapped = TAPPED.lock();
    if tapped.frame != frame {
        return;
    }
    if let Some(action) = &tapped.action {
        let requests = nodes.tick(REQUESTS, StatsNodes::ROOT, true);
        nodes.tick(action, requests, false);
    }
    for error in &tapped.errors {
        let errors = nodes.tick(ERRORS, StatsNodes::ROOT, true);
        let table = match error.table {
            Table::EmApp => "EMApp",
            Table::EmService => "EMService",
        };
        let name = format!("{table} {}: {}", error.code, error.meaning);
        let code = nodes.tick(&name, errors, true);
        nodes.tick(tapped.device.as_deref().unwrap_or(NO_DEVICE), code, false);
    }
}
