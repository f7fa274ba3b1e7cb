//! Statistics > Cisco Phone Alarms (`-z ciscoalarm,tree`): the alarms the
//! phones reported, by name and then device, and the restart causes their
//! REGISTERs gave.
//!
//! A frame's alarms are decoded in several calls (one per alarm body, the
//! REGISTER Reason and Skinny XML in the post-dissector), so they are
//! collected while the frame is dissected and handed to the tap once, by
//! the post-dissector, which runs after all of them. Listeners run right
//! after the frame's dissection: they read what was handed over for it.
//! The post-dissector runs on frames with SIP or Skinny, which carry every
//! alarm phones send; an alarm body in anything else would not be counted.

use crate::epan::{Packet, StatsNodes, StatsTree, Tap};
use crate::state::State;

pub static TAP: Tap = Tap::new(c"ciscoalarm");

static STATS_TREE: StatsTree = StatsTree {
    tap: &TAP,
    abbr: c"ciscoalarm",
    name: c"Cisco Phone Alarms",
    init,
    packet,
};

const BY_NAME: &str = "Alarms by name and device";
const RESTARTS: &str = "Restart causes (REGISTER Reason, SCCP Alarm) by device";
const NO_DEVICE: &str = "(no device named)";

/// One thing a phone reported in a frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Reported {
    Alarm {
        name: String,
        device: Option<String>,
    },
    Restart {
        cause: String,
        device: Option<String>,
    },
}

#[derive(Default)]
struct FrameReports {
    frame: u32,
    reports: Vec<Reported>,
}

/// Collected during the current frame's dissection.
static COLLECTING: State<FrameReports> = State::new(FrameReports::default);
/// Handed to the tap's listeners for `frame`.
static TAPPED: State<FrameReports> = State::new(FrameReports::default);

pub fn register() {
    TAP.register();
}

pub fn handoff() {
    STATS_TREE.register();
}

/// Notes what `frame` reported (called by each decoding).
pub fn note(frame: u32, reported: Reported) {
    let mut collecting = COLLECTING.lock();
    if collecting.frame != frame {
        collecting.frame = frame;
        collecting.reports.clear();
    }
    collecting.reports.push(reported);
}

/// Hands this frame's reports to the tap; called once per frame, last.
pub fn queue(packet: &Packet<'_>) {
    let frame = packet.frame_number();
    let reports = {
        let mut collecting = COLLECTING.lock();
        if collecting.frame != frame {
            return;
        }
        std::mem::take(&mut collecting.reports)
    };
    if reports.is_empty() {
        return;
    }
    *TAPPED.lock() = FrameReports { frame, reports };
    TAP.queue(packet);
}

fn init(nodes: &mut StatsNodes) {
    nodes.create(BY_NAME, StatsNodes::ROOT, true);
    nodes.create(RESTARTS, StatsNodes::ROOT, true);
}

fn packet(nodes: &mut StatsNodes, frame: u32) {
    let tapped = TAPPED.lock();
    if tapped.frame != frame {
        return;
    }
    for reported in &tapped.reports {
        let (top, what, device) = match reported {
            Reported::Alarm { name, device } => (BY_NAME, name, device),
            Reported::Restart { cause, device } => (RESTARTS, cause, device),
        };
        let top = nodes.tick(top, StatsNodes::ROOT, true);
        let what = nodes.tick(what, top, true);
        nodes.tick(device.as_deref().unwrap_or(NO_DEVICE), what, false);
    }
}
