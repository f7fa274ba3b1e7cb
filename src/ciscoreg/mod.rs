#![forbid(unsafe_code)]
//! `ciscoreg`: follows every phone's registration with its CUCMs, over SIP
//! and SCCP, through a whole capture: labels each registration frame
//! (`ciscoreg.event`, the CUCM and its role, the granted time, the interval
//! since the last refresh or keepalive), raises an expert info where
//! trouble shows (missed keepalives, rejections, failovers, loops,
//! unregistrations), and reports every phone's health (`tshark -z
//! ciscoreg`, `-z ciscoreg,json`).
//!
//! A post-dissector: on each frame's first pass it reads SIP's and
//! Skinny's fields and TCP's header (`inputs`), feeds them to the tracker,
//! and keeps the decision per frame, so that later passes, taps and the GUI
//! show the same labels.

pub(crate) mod facts;
mod fields;
mod inputs;
mod label;
mod ladder;
pub(crate) mod report;
mod statistics;
pub(crate) mod tracker;

use std::sync::Arc;

use crate::epan::{
    echo_fields, Arrow, Dissector, FlowGraph, Packet, StatsTree, Tap, TextStatistic,
};
use crate::frame_memory::{show_limit, Footprint, FrameMemory, SMALL_BUDGET};
use crate::nstime::NsTime;
use crate::state::State;
use facts::FrameFacts;
use fields::*;
use label::{FindingKind, RegLabel};
use report::Report;
use tracker::Tracker;

static DISSECTOR: Dissector = Dissector::new_postdissector(c"ciscoreg", &PROTOCOL, dissect, &EVENT);

pub static TAP: Tap = Tap::new(c"ciscoreg");

static REPORT_TEXT: TextStatistic = TextStatistic {
    cli: c"ciscoreg",
    title: c"Cisco Phone Registrations",
    tap: &TAP,
    reset: report_reset,
    packet: report_packet,
    draw: report_text,
};

static REPORT_JSON: TextStatistic = TextStatistic {
    cli: c"ciscoreg,json",
    title: c"Cisco Phone Registrations (JSON)",
    tap: &TAP,
    reset: report_reset,
    packet: report_packet,
    draw: report_json,
};

static STATS_TREE: StatsTree = StatsTree {
    tap: &TAP,
    abbr: c"ciscoreg",
    name: c"Cisco Phone Registrations",
    init: statistics::init,
    packet: statistics::packet,
};

/// Registrations as a ladder: Statistics > Flow Graph > Cisco Phone
/// Registrations, and `tshark -q -z flow,ciscoreg,network`.
static FLOW_GRAPH: FlowGraph = FlowGraph {
    name: c"ciscoreg",
    ui_name: c"Cisco Phone Registrations",
    protocol: &PROTOCOL,
    tap: &TAP,
    arrow: flow_graph_arrow,
};

static TRACKER: State<Tracker> = State::new(Tracker::new);
/// One label per registration frame: a phone refreshing every two minutes
/// makes a few a minute, so the small budget.
static LABELS: State<FrameMemory<RegLabel>> = State::new(|| {
    FrameMemory::new(
        "registration labels",
        "registrations are not followed",
        SMALL_BUDGET,
    )
});
static REPORT: State<Report> = State::new(Report::default);

impl Footprint for RegLabel {
    fn heap(&self) -> usize {
        let events = self.events.capacity() * std::mem::size_of::<label::EventLabel>();
        let findings = self.findings.capacity() * std::mem::size_of::<label::Finding>()
            + self.findings.iter().map(|f| f.text.heap()).sum::<usize>();
        let restart = self
            .restart
            .as_ref()
            .and_then(|r| r.last.as_ref())
            .map_or(0, |l| l.heap());
        // The phone's and the CUCMs' strings are shared with the tracker.
        events + findings + restart
    }
}

pub fn register() {
    PROTOCOL.register();
    DISSECTOR.register();
    TAP.register();
}

/// Before `emccflow`'s handoff: post-dissectors run in enlisting order.
pub fn handoff() {
    // Registration messages ride on SIP (also over UDP) and Skinny,
    // configuration files on HTTP or TFTP; the ends of the registration
    // connections carry none of these: TCP segments with a FIN or an RST
    // are handed over too (not every TCP segment).
    let mut wanted = inputs::WANTED.to_vec();
    wanted.extend(crate::skinny_messages::WANTED);
    DISSECTOR
        .register_as_postdissector_on_and_tcp_ends(&wanted, &[c"sip", c"skinny", c"http", c"tftp"]);
    echo_fields(&[&inputs::CFG_CALL_MANAGER]);
    inputs::resolve_layers();
    REPORT_TEXT.register();
    REPORT_JSON.register();
    STATS_TREE.register();
    FLOW_GRAPH.register();
}

pub fn reset_capture_state() {
    *TRACKER.lock() = Tracker::new();
    LABELS.lock().clear();
}

fn label_of(frame: u32) -> Option<Arc<RegLabel>> {
    LABELS.lock().recall(frame)
}

fn flow_graph_arrow(frame: u32) -> Option<Arrow> {
    let label = label_of(frame)?;
    ladder::arrow(&label)
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let frame = packet.frame_number();
    let label = if packet.visited() {
        // Not remembered and at or after the memory's limit: the expert
        // info on the first frame refused, nothing after it.
        let standing = LABELS.lock().standing(frame);
        if !standing.admit(packet, &ETT_REG, &MEMORY_LIMIT) {
            return 0;
        }
        let Some(label) = label_of(frame) else {
            return 0;
        };
        label
    } else {
        // Most frames (TCP segments of other traffic) leave in there.
        let Some(label) = first_pass(packet) else {
            return 0;
        };
        let label = Arc::new(label);
        let mut labels = LABELS.lock();
        if !labels.remember(frame, Arc::clone(&label)) {
            let limit = labels.limit_at(frame);
            drop(labels);
            if let Some(limit) = limit {
                show_limit(packet, &ETT_REG, &MEMORY_LIMIT, &limit);
            }
            return 0;
        }
        label
    };
    show(packet, &label);
    TAP.queue(packet);
    0
}

/// The first pass over a frame: its registration messages (or the end of a
/// registration connection) and what the tracker makes of them.
fn first_pass(packet: &mut Packet<'_>) -> Option<RegLabel> {
    let sip_or_skinny = packet.carries(&[&inputs::SIP_LAYER, &crate::skinny_messages::LAYER]);
    let tcp = crate::epan::tcp::header(packet);
    let closing = tcp.and_then(|(_, flags)| inputs::closing(flags));
    let config = if packet.echoed_any() {
        packet.echoed_strings(&inputs::CFG_CALL_MANAGER)
    } else {
        Vec::new()
    };
    // Most TCP frames are neither a registration message, nor the end of a
    // connection, nor a configuration file: they leave here.
    if !sip_or_skinny && closing.is_none() && config.is_empty() {
        return None;
    }
    let mut facts_inputs = Vec::new();
    if !config.is_empty() {
        facts_inputs.push(facts::Input::Config { cucms: config });
    }
    if sip_or_skinny {
        facts_inputs.extend(inputs::messages(packet));
    }
    let mut tracker = TRACKER.lock();
    if let (Some((stream, _)), Some(reset)) = (tcp, closing) {
        if tracker.follows(stream) || !facts_inputs.is_empty() {
            facts_inputs.push(facts::Input::Closed { reset });
        }
    }
    if facts_inputs.is_empty() {
        return None;
    }
    let (src, dst) = packet.addresses();
    tracker.observe(&FrameFacts {
        frame: packet.frame_number(),
        time: NsTime::from(packet.time()),
        src,
        dst,
        stream: tcp.map(|(stream, _)| stream),
        inputs: facts_inputs,
    })
}

fn show<'d>(packet: &mut Packet<'d>, label: &RegLabel) {
    packet.place(None);
    let (item, tree) = packet.add_protocol(0..0, &ETT_REG);
    let wanted = |packet: &Packet<'d>, field| packet.is_referenced(tree, field);
    let mut items = Vec::new();
    for (field, value) in [
        (&DEVICE, label.device.as_deref()),
        (&PHONE, Some(&*label.phone)),
        (&SIGNALLING, Some(label.signalling.as_str())),
    ] {
        if let Some(value) = value.filter(|_| wanted(packet, field)) {
            items.push(packet.add_string(tree, field, 0..0, value));
        }
    }
    for event in &label.events {
        if wanted(packet, &EVENT) {
            items.push(packet.add_string(tree, &EVENT, 0..0, event.event.as_str()));
        }
        if wanted(packet, &CUCM) {
            items.push(packet.add_string(tree, &CUCM, 0..0, &event.cucm));
        }
        if let Some(role) = event.role.filter(|_| wanted(packet, &ROLE)) {
            items.push(packet.add_string(tree, &ROLE, 0..0, role.as_str()));
        }
        if let Some(expires) = event.expires.filter(|_| wanted(packet, &EXPIRES)) {
            items.push(packet.add_uint(tree, &EXPIRES, 0..0, expires));
        }
        if let Some(interval) = event.interval.filter(|_| wanted(packet, &INTERVAL)) {
            items.push(packet.add_time(tree, &INTERVAL, 0..0, interval.secs(), interval.nsecs()));
        }
    }
    for i in items {
        packet.set_generated(i);
    }
    for finding in &label.findings {
        let expert = match finding.kind {
            FindingKind::Missed => &MISSED,
            FindingKind::Rejected => &REJECTED,
            FindingKind::Failover => &FAILOVER,
            FindingKind::Loop => &LOOP,
            FindingKind::Unregistered => &UNREGISTERED,
            FindingKind::Incomplete => &INCOMPLETE,
        };
        packet.expert(item, expert, &finding.text);
    }
    packet.append_info(&label.info());
}

fn report_reset() {
    REPORT.lock().clear();
}

fn report_packet(frame: u32) {
    if let Some(label) = label_of(frame) {
        REPORT.lock().add(frame, &label);
    }
}

fn report_text() -> String {
    REPORT.lock().render_text()
}

fn report_json() -> String {
    REPORT.lock().render_json()
}
