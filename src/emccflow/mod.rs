#![forbid(unsafe_code)]
//! `emccflow`: labels every frame of a phone's EMCC login (or logout) with
//! its phase, says what the frame means, diagnoses where a login stopped,
//! and reports a per-phone timeline (`tshark -z emccflow`, a statistics
//! tree, and a tap).
//!
//! A post-dissector, registered after all our others: on each frame's first
//! pass it reads SIP, Skinny and TCP fields from Wireshark, and takes the values of
//! `emcc`, `ciscotl`, `ciscotvs` and `ciscoalarm` fields as those dissectors
//! add them (`epan::echo_fields`), feeds them to the flow (`machine`), and keeps
//! the decision per frame so every later pass, tap listener and GUI click
//! shows the same labels.

mod arrow;
pub(crate) mod facts;
mod fields;
mod label;
mod ladder;
pub(crate) mod machine;
mod phase;
pub(crate) mod report;
mod statistics;
mod steps;

use crate::epan::tcp::{self, FIN, RST, SYN, TCP_FLAGS, TCP_STREAM};
use crate::epan::{
    echo_fields, Arrow, Dissector, FlowGraph, ForeignField, Packet, StatsTree, Tap, TextStatistic,
};
use std::sync::Arc;

use crate::frame_memory::{show_limit, Footprint, FrameMemory, LARGE_BUDGET};
use crate::nstime::NsTime;
use crate::skinny_messages::{self, Sccp};
use crate::state::State;
use facts::{FrameFacts, Message, Tcp};
use fields::*;
use label::{FindingKind, Label, Outcome};
use machine::{Config, Decision, Flow};
use report::Report;

// Protocols (a protocol's filter name is also its field name).
static HTTP_LAYER: ForeignField = ForeignField::new(c"http", c"http");
static TLS_LAYER: ForeignField = ForeignField::new(c"tls", c"tls");
static SIP_LAYER: ForeignField = ForeignField::new(c"sip", c"sip");
static SIP_METHOD: ForeignField = ForeignField::new(c"sip.Method", c"sip");
static SIP_STATUS: ForeignField = ForeignField::new(c"sip.Status-Code", c"sip");
static SIP_STATUS_LINE: ForeignField = ForeignField::new(c"sip.Status-Line", c"sip");
static SIP_CSEQ_METHOD: ForeignField = ForeignField::new(c"sip.CSeq.method", c"sip");
static SIP_EVENT: ForeignField = ForeignField::new(c"sip.Event", c"sip");
static SIP_EXPIRES: ForeignField = ForeignField::new(c"sip.Expires", c"sip");
static SIP_CONTACT: ForeignField = ForeignField::new(c"sip.Contact", c"sip");
static HTTP_STATUS: ForeignField = ForeignField::new(c"http.response.code", c"http");
static EMCC_SERVLET: ForeignField = ForeignField::new(c"emcc.servlet", c"emcc");
static EMCC_ACTION: ForeignField = ForeignField::new(c"emcc.action", c"emcc");
static EMCC_DEVICE: ForeignField = ForeignField::new(c"emcc.device", c"emcc");
static EMCC_USER: ForeignField = ForeignField::new(c"emcc.userid", c"emcc");
static EMCC_ERROR_CODE: ForeignField = ForeignField::new(c"emcc.error.code", c"emcc");
static EMCC_ERROR_TEXT: ForeignField = ForeignField::new(c"emcc.error.text", c"emcc");
static EMCC_OBJECT: ForeignField = ForeignField::new(c"emcc.response.object", c"emcc");
static EMCC_SVC_REQUEST: ForeignField = ForeignField::new(c"emcc.svc.request", c"emcc");
static EMCC_SVC_DEVICE: ForeignField = ForeignField::new(c"emcc.svc.device", c"emcc");
static EMCC_SVC_USER: ForeignField = ForeignField::new(c"emcc.svc.user", c"emcc");
static EMCC_SVC_RESULT: ForeignField = ForeignField::new(c"emcc.svc.result", c"emcc");
static EMCC_SVC_ERROR: ForeignField = ForeignField::new(c"emcc.svc.error.code", c"emcc");
static TL_FILE: ForeignField = ForeignField::new(c"ciscotl.file", c"ciscotl");
static TL_KIND: ForeignField = ForeignField::new(c"ciscotl.file_kind", c"ciscotl");
static TL_DEVICE: ForeignField = ForeignField::new(c"ciscotl.device", c"ciscotl");
static TL_TRANSPORT: ForeignField = ForeignField::new(c"ciscotl.transport", c"ciscotl");
static TL_RESULT: ForeignField = ForeignField::new(c"ciscotl.result", c"ciscotl");
static TVS_EVENT: ForeignField = ForeignField::new(c"ciscotvs.event", c"ciscotvs");
static TVS_CLIENT: ForeignField = ForeignField::new(c"ciscotvs.client", c"ciscotvs");
static TVS_SERVER: ForeignField = ForeignField::new(c"ciscotvs.server", c"ciscotvs");
static TVS_STATUS: ForeignField = ForeignField::new(c"ciscotvs.status", c"ciscotvs");
static ALARM_NAME: ForeignField = ForeignField::new(c"ciscoalarm.name", c"ciscoalarm");
static ALARM_DEVICE: ForeignField = ForeignField::new(c"ciscoalarm.device_name", c"ciscoalarm");

/// Read from Wireshark: the fields of other protocols (and Skinny's,
/// `skinny_messages::WANTED`).
static WANTED: [&ForeignField; 10] = [
    &TCP_STREAM,
    &TCP_FLAGS,
    &SIP_METHOD,
    &SIP_STATUS,
    &SIP_STATUS_LINE,
    &SIP_CSEQ_METHOD,
    &SIP_EVENT,
    &SIP_EXPIRES,
    &SIP_CONTACT,
    &HTTP_STATUS,
];

/// Our own protocols' fields, handed over directly as our dissectors add them
/// (`epan::echo_fields`): wanting them would make Wireshark prime them on every
/// frame and build them as real items.
static OURS: [&ForeignField; 23] = [
    &EMCC_SERVLET,
    &EMCC_ACTION,
    &EMCC_DEVICE,
    &EMCC_USER,
    &EMCC_ERROR_CODE,
    &EMCC_ERROR_TEXT,
    &EMCC_OBJECT,
    &EMCC_SVC_REQUEST,
    &EMCC_SVC_DEVICE,
    &EMCC_SVC_USER,
    &EMCC_SVC_RESULT,
    &EMCC_SVC_ERROR,
    &TL_FILE,
    &TL_KIND,
    &TL_DEVICE,
    &TL_TRANSPORT,
    &TL_RESULT,
    &TVS_EVENT,
    &TVS_CLIENT,
    &TVS_SERVER,
    &TVS_STATUS,
    &ALARM_NAME,
    &ALARM_DEVICE,
];

static DISSECTOR: Dissector = Dissector::new_postdissector(c"emccflow", &PROTOCOL, dissect, &STEP);

pub static TAP: Tap = Tap::new(c"emccflow");

static REPORT_STATISTIC: TextStatistic = TextStatistic {
    cli: c"emccflow",
    title: c"EMCC Login Flow",
    tap: &TAP,
    reset: report_reset,
    packet: report_packet,
    draw: report_draw,
};

/// The same report as one JSON document, for scripts and CI.
static REPORT_JSON: TextStatistic = TextStatistic {
    cli: c"emccflow,json",
    title: c"EMCC Login Flow (JSON)",
    tap: &TAP,
    reset: report_reset,
    packet: report_packet,
    draw: report_json,
};

static STATS_TREE: StatsTree = StatsTree {
    tap: &TAP,
    abbr: c"emccflow",
    name: c"EMCC Login Flow",
    init: statistics::init,
    packet: statistics::packet,
};

/// The login as a ladder: Statistics > Flow Graph > EMCC Login Flow, and
/// `tshark -q -z flow,emccflow,network`.
static FLOW_GRAPH: FlowGraph = FlowGraph {
    name: c"emccflow",
    ui_name: c"EMCC Login Flow",
    protocol: &PROTOCOL,
    tap: &TAP,
    arrow: flow_graph_arrow,
};

static FLOW: State<Flow> = State::new(|| Flow::new(config()));
/// One label per frame of our traffic: at a million frames of a realistic
/// mix, about 60,000 labels of a few hundred bytes, so the large budget.
static LABELS: State<FrameMemory<Label>> = State::new(|| {
    FrameMemory::new(
        "login flow labels",
        "the login flow is not followed",
        LARGE_BUDGET,
    )
});
static REPORT: State<Report> = State::new(Report::default);

impl Footprint for Label {
    fn heap(&self) -> usize {
        let findings = self.findings.capacity() * std::mem::size_of::<label::Finding>()
            + self.findings.iter().map(|f| f.text.heap()).sum::<usize>();
        let outcome = match &self.outcome {
            Some(Outcome::Failed { reason, .. }) => reason.heap(),
            _ => 0,
        };
        self.who.key.heap()
            + self.who.device.heap()
            + self.who.phone.heap()
            + self.who.user.heap()
            + self.step.heap()
            + self.who.visiting.heap()
            + self.who.home.heap()
            + findings
            + outcome
            + self.arrow.heap()
    }
}

/// The label decided for `frame` on its first pass.
pub fn label_of(frame: u32) -> Option<Arc<Label>> {
    LABELS.lock().recall(frame)
}

fn config() -> Config {
    Config {
        visiting: Config::addresses(&VISITING_CLUSTERS.get()),
        home: Config::addresses(&HOME_CLUSTERS.get()),
        stuck_after: STUCK_AFTER.get(),
    }
}

pub fn register() {
    PROTOCOL.register();
    PROTOCOL.register_all_prefs(&[], &[&STUCK_AFTER], &[&VISITING_CLUSTERS, &HOME_CLUSTERS]);
    DISSECTOR.register();
    TAP.register();
}

/// Must run after every other post-dissector of ours: it reads their fields.
pub fn handoff() {
    // Everything the flow follows rides on TCP (Skinny too), SIP (also over
    // UDP) or TFTP; the fields of our own protocols name no layer of the frame.
    let mut wanted = WANTED.to_vec();
    wanted.extend(skinny_messages::WANTED);
    DISSECTOR.register_as_postdissector_on(&wanted, &[c"tcp", c"sip", c"tftp"]);
    echo_fields(&OURS);
    HTTP_LAYER.resolve();
    TLS_LAYER.resolve();
    SIP_LAYER.resolve();
    skinny_messages::LAYER.resolve();
    REPORT_STATISTIC.register();
    REPORT_JSON.register();
    STATS_TREE.register();
    FLOW_GRAPH.register();
}

pub fn preferences_applied() {
    FLOW.lock().set_config(config());
}

pub fn reset_capture_state() {
    *FLOW.lock() = Flow::new(config());
    LABELS.lock().clear();
}

fn dissect(packet: &mut Packet<'_>) -> usize {
    let frame = packet.frame_number();
    // Not remembered and at or after the memory's limit: the expert info on
    // the first frame refused, nothing after it (and no flow followed).
    let standing = LABELS.lock().standing(frame);
    if !standing.admit(packet, &ETT_FLOW, &MEMORY_LIMIT) {
        return 0;
    }
    let label = if packet.visited() {
        label_of(frame)
    } else {
        let decision = first_pass(packet);
        let mut labels = LABELS.lock();
        let mut kept = true;
        for (earlier, label) in decision.earlier {
            kept &= labels.remember_at(frame, earlier, label);
        }
        let label = decision.label.map(Arc::new);
        if let Some(label) = &label {
            kept &= labels.remember(frame, Arc::clone(label));
        }
        if !kept {
            let limit = labels.limit_at(frame);
            drop(labels);
            if let Some(limit) = limit {
                show_limit(packet, &ETT_FLOW, &MEMORY_LIMIT, &limit);
            }
            return 0;
        }
        label
    };
    if let Some(label) = label {
        show(packet, &label);
        TAP.queue(packet);
    }
    0
}

/// The first pass over a frame: what it says, and what the flow makes of
/// it. Most frames of a voice network (RTP, DNS, other TCP) say nothing to
/// the flow: they are left after a handful of field lookups.
fn first_pass(packet: &mut Packet<'_>) -> Decision {
    let tcp = tcp::header(packet).map(|(stream, flags)| Tcp {
        stream,
        syn: flags & SYN != 0,
        fin: flags & FIN != 0,
        rst: flags & RST != 0,
    });
    let message = gather_message(packet);
    let mut flow = FLOW.lock();
    if message.is_none() {
        let Some(tcp) = tcp.as_ref().filter(|t| flow.follows(t)) else {
            return Decision::default();
        };
        // Most followed connections are other web traffic: stop at its first
        // message rather than follow it to its end.
        if packet.carries(&[&HTTP_LAYER, &TLS_LAYER]) && flow.not_ours(tcp) {
            return Decision::default();
        }
    }
    // A frame without a message is labelled from its connection alone (its
    // latest message, `Flow::stream_frame`): its addresses are not read.
    let (src, dst) = if message.is_some() {
        packet.addresses()
    } else {
        (String::new(), String::new())
    };
    let message = message.map(|m| match m {
        // TVS's own markers name both ends; the frame's are the fallback.
        Message::Tvs {
            event,
            client,
            server,
            status,
        } => Message::Tvs {
            event,
            status,
            client: if client.is_empty() {
                src.clone()
            } else {
                client
            },
            server: if server.is_empty() {
                dst.clone()
            } else {
                server
            },
        },
        other => other,
    });
    flow.observe(&FrameFacts {
        frame: packet.frame_number(),
        time: NsTime::from(packet.time()),
        src,
        dst,
        tcp,
        message,
    })
}

/// The one message of the frame that matters to the flow, most specific first.
fn gather_message(packet: &mut Packet<'_>) -> Option<Message> {
    if packet.echoed_any() {
        if let Some(message) = gather_ours(packet) {
            return Some(message);
        }
    }
    // Most TCP frames are neither SIP nor Skinny: leave them before reading
    // fields.
    if packet.carries(&[&SIP_LAYER]) {
        return gather_sip(packet);
    }
    if packet.carries(&[&skinny_messages::LAYER]) {
        return gather_skinny(packet);
    }
    None
}

/// The Skinny message of the frame that is a step of a login: an SCCP phone
/// registers, unregisters and is told to restart in Skinny where a SIP phone
/// uses REGISTER and NOTIFY, reports its restart cause in an Alarm just
/// before it registers (where a SIP phone puts it in the REGISTER), and its
/// alarm documents in EnhancedAlarm (where a SIP phone sends a REFER).
/// With several, a registration message wins over an Alarm, and an Alarm
/// over an alarm document. Keepalives and capabilities are no steps: such a
/// frame is labelled like its connection.
fn gather_skinny(packet: &mut Packet<'_>) -> Option<Message> {
    let messages = skinny_messages::read(packet);
    let is_alarm = |m: &&Sccp| matches!(m, Sccp::Alarm { .. });
    let step = messages
        .iter()
        .find(|m| !is_alarm(m) && !matches!(m, Sccp::KeepAlive | Sccp::KeepAliveAck))
        .or_else(|| messages.iter().find(is_alarm));
    if let Some(step) = step {
        return Some(Message::Sccp(step.clone()));
    }
    // An alarm document (DeviceTLInfo, ...) ciscoalarm decoded from the
    // frame's EnhancedAlarm message.
    if !packet.echoed_any() {
        return None;
    }
    Some(Message::SkinnyAlarm {
        alarm: packet.echoed_string(&ALARM_NAME)?,
        device: packet.echoed_string(&ALARM_DEVICE),
    })
}

/// A message our other dissectors decoded in this frame (TVS, a download,
/// an EMCC servlet's), from the values they added.
fn gather_ours(packet: &mut Packet<'_>) -> Option<Message> {
    if let Some(event) = packet.echoed_string(&TVS_EVENT) {
        return Some(Message::Tvs {
            event,
            client: packet.echoed_string(&TVS_CLIENT).unwrap_or_default(),
            server: packet.echoed_string(&TVS_SERVER).unwrap_or_default(),
            status: packet.echoed_uint(&TVS_STATUS),
        });
    }
    if let Some(kind) = packet.echoed_string(&TL_KIND) {
        let transport = packet.echoed_string(&TL_TRANSPORT).unwrap_or_default();
        let result = packet.echoed_string(&TL_RESULT);
        // Only an answer over HTTP has a status; read for it alone.
        let status = if result.is_some() && transport == "HTTP" {
            packet.first_uint(&HTTP_STATUS)
        } else {
            None
        };
        return Some(Message::Download {
            file: packet.echoed_string(&TL_FILE).unwrap_or_default(),
            kind,
            device: packet.echoed_string(&TL_DEVICE),
            transport,
            result,
            status,
        });
    }
    let servlet = packet.echoed_string(&EMCC_SERVLET)?;
    Some(emcc_message(packet, &servlet))
}

fn gather_sip(packet: &mut Packet<'_>) -> Option<Message> {
    if let Some(method) = packet.first_string(&SIP_METHOD) {
        let contact = packet.first_string(&SIP_CONTACT);
        let expires = packet
            .first_uint(&SIP_EXPIRES)
            .or_else(|| contact.as_deref().and_then(facts::contact_expires));
        return Some(Message::SipRequest {
            method,
            event: packet.first_string(&SIP_EVENT),
            expires,
            device: contact.as_deref().and_then(facts::contact_device),
            alarm: packet.echoed_string(&ALARM_NAME),
            alarm_device: packet.echoed_string(&ALARM_DEVICE),
        });
    }
    if let Some(status) = packet.first_uint(&SIP_STATUS) {
        return Some(Message::SipResponse {
            status,
            phrase: packet
                .first_string(&SIP_STATUS_LINE)
                .map(|line| facts::status_phrase(&line))
                .unwrap_or_default(),
            method: packet.first_string(&SIP_CSEQ_METHOD).unwrap_or_default(),
        });
    }
    None
}

fn emcc_message(packet: &mut Packet<'_>, servlet: &str) -> Message {
    if servlet.starts_with("EMService") {
        return match packet.echoed_string(&EMCC_SVC_REQUEST) {
            Some(request) => Message::EmserviceRequest {
                request,
                device: packet.echoed_string(&EMCC_SVC_DEVICE),
                user: packet.echoed_string(&EMCC_SVC_USER),
            },
            None => Message::EmserviceResponse {
                result: packet.echoed_string(&EMCC_SVC_RESULT),
                error_code: packet.echoed_uint(&EMCC_SVC_ERROR),
            },
        };
    }
    match packet.echoed_string(&EMCC_ACTION) {
        Some(action) => Message::EmappRequest {
            action,
            device: packet.echoed_string(&EMCC_DEVICE),
            user: packet.echoed_string(&EMCC_USER),
        },
        None => Message::EmappResponse {
            error_code: packet.echoed_uint(&EMCC_ERROR_CODE),
            error_text: packet.echoed_string(&EMCC_ERROR_TEXT),
            object: packet.echoed_string(&EMCC_OBJECT),
        },
    }
}

fn show<'d>(packet: &mut Packet<'d>, label: &Label) {
    packet.place(None);
    let (item, tree) = packet.add_protocol(0..0, &ETT_FLOW);
    // Only what someone will see is built: the flow labels nearly every
    // frame of a phone capture, and tshark without -V shows none of it.
    let wanted = |packet: &Packet<'d>, field| packet.is_referenced(tree, field);
    let mut items = Vec::new();
    if wanted(packet, &PHASE) {
        items.push(packet.add_uint(tree, &PHASE, 0..0, label.phase.number()));
    }
    let side = label.side.map(|s| s.as_str());
    for (field, value) in [
        (&DEVICE, label.who.device.as_deref()),
        (&PHONE, label.who.phone.as_deref()),
        (&USER, label.who.user.as_deref()),
        (&CLUSTER, side),
    ] {
        if let Some(value) = value.as_ref().filter(|_| wanted(packet, field)) {
            items.push(packet.add_string(tree, field, 0..0, value));
        }
    }
    if wanted(packet, &STEP) {
        items.push(packet.add_string(tree, &STEP, 0..0, &label.step));
    }
    if wanted(packet, &ATTEMPT) {
        items.push(packet.add_uint(tree, &ATTEMPT, 0..0, label.attempt));
    }
    if let Some(elapsed) = label.elapsed().filter(|_| wanted(packet, &ELAPSED)) {
        items.push(packet.add_time(tree, &ELAPSED, 0..0, elapsed.secs(), elapsed.nsecs()));
    }
    for (field, value) in [(&VISITING, &label.who.visiting), (&HOME, &label.who.home)] {
        if let Some(value) = value.as_ref().filter(|_| wanted(packet, field)) {
            items.push(packet.add_string(tree, field, 0..0, value));
        }
    }
    for i in items {
        packet.set_generated(i);
    }
    for finding in &label.findings {
        let expert = match finding.kind {
            FindingKind::LoginRefused => &LOGIN_REFUSED,
            FindingKind::FilesUnavailable => &FILES_UNAVAILABLE,
            FindingKind::TvsFailed => &TVS_FAILED,
            FindingKind::RegisterRejected => &REGISTER_REJECTED,
            FindingKind::Stuck => &STUCK,
            FindingKind::FellBack => &FELL_BACK,
            FindingKind::Completed => &COMPLETED,
            FindingKind::MidFlow => &MID_FLOW,
        };
        packet.expert(item, expert, &finding.text);
    }
    packet.append_info_cstr(label.phase.info());
}

fn flow_graph_arrow(frame: u32) -> Option<Arrow> {
    let label = label_of(frame)?;
    ladder::arrow(&label)
}

fn report_reset() {
    REPORT.lock().clear();
}

fn report_packet(frame: u32) {
    if let Some(label) = label_of(frame) {
        REPORT.lock().add(frame, &label);
    }
}

fn report_draw() -> String {
    REPORT.lock().render()
}

fn report_json() -> String {
    REPORT.lock().render_json()
}
