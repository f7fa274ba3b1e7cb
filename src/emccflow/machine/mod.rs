//! The flow itself: per phone, which phase of which attempt each frame
//! belongs to, decided frame by frame on the first pass.
//!
//! Roles are inferred from the traffic: the server that answers EMApp is the
//! visiting cluster; servers the phone turns to after its restart that are
//! not the visiting cluster are the home cluster (preferences can name both
//! when a capture starts mid-flow). Nothing about addresses is built in.

use crate::u32_map::U32Map;
use std::collections::{HashMap, HashSet};

mod attempts;
mod sccp;
mod servlets;
mod sip;
mod streams;

use super::arrow;
use super::facts::{FrameFacts, Message, Tcp};
use super::label::{Finding, FindingKind, Kind, Label, Outcome, Text, Who};
use super::phase::{Phase, Side};
use super::steps;
use crate::emcc::codes;
use crate::nstime::NsTime;
use std::cell::RefCell;
use std::sync::Arc;

/// Phones tracked at most; later ones are not labelled (memory stays bounded
/// on captures of whole clusters).
pub const MAX_PHONES: usize = 200_000;
/// Open TCP connections remembered at most (closed ones are forgotten).
pub const MAX_STREAMS: usize = 100_000;
/// SIP transactions remembered at most (request awaiting its responses).
pub const MAX_TRANSACTIONS: usize = 200_000;
/// Frames before a connection's first message that are labelled once the
/// message shows what the connection is (the handshake).
const MAX_PENDING_PER_STREAM: usize = 4;
/// After a login or logout completes, the phone's SIP messages with the
/// cluster it registered with still belong to it for this long (the
/// DeviceTLInfo and remotecc REFERs that follow the registration).
pub const SETTLE_SECONDS: u32 = 10;

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub visiting: HashSet<String>,
    pub home: HashSet<String>,
    /// Seconds in one phase before the phone counts as stuck (0: never).
    pub stuck_after: u32,
}

impl Config {
    /// Address lists as typed in a preference: commas or whitespace between.
    pub fn addresses(text: &str) -> HashSet<String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// What the flow decided at one frame: its label, and labels for earlier
/// frames of the same connection that can now be told (the handshake).
#[derive(Debug, Default)]
pub struct Decision {
    pub label: Option<Label>,
    pub earlier: Vec<(u32, Label)>,
}

#[derive(Clone, Debug)]
struct Attempt {
    number: u32,
    kind: Kind,
    start: NsTime,
    phase: Phase,
    phase_since: NsTime,
    stuck_reported: bool,
    /// Decided and reported: later frames keep labels but change nothing.
    failed: bool,
}

/// An attempt that just ended: its last messages still belong to it.
#[derive(Clone, Debug)]
struct Tail {
    number: u32,
    kind: Kind,
    phase: Phase,
    start: NsTime,
    server: Text,
    until: NsTime,
}

#[derive(Clone, Debug, Default)]
struct PhoneState {
    /// The phone's number in the capture: the order the flow met it (from 1).
    number: u32,
    addr: Option<Text>,
    device: Option<Text>,
    user: Option<Text>,
    visiting: Option<Text>,
    home: Vec<Text>,
    attempts: u32,
    current: Option<Attempt>,
    tail: Option<Tail>,
    logged_in: bool,
    /// The `Who` of its latest label, reused while it still holds.
    who: RefCell<Option<Arc<Who>>>,
}

impl PhoneState {
    /// Whom this phone's labels are about now (`key`: its key in the flow).
    fn who(&self, key: &Text) -> Arc<Who> {
        let mut cached = self.who.borrow_mut();
        if let Some(who) = cached.as_ref().filter(|who| self.still_is(who, key)) {
            return Arc::clone(who);
        }
        let who = Arc::new(Who {
            number: self.number,
            key: key.clone(),
            device: self.device.clone(),
            phone: self.addr.clone(),
            user: self.user.clone(),
            visiting: self.visiting.clone(),
            home: self.home.first().cloned(),
        });
        *cached = Some(Arc::clone(&who));
        who
    }

    /// `who` holds the very strings the phone holds now (compared as
    /// pointers: a string the flow replaced is a new one).
    fn still_is(&self, who: &Who, key: &Text) -> bool {
        fn same(a: Option<&Text>, b: Option<&Text>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
        }
        Arc::ptr_eq(&who.key, key)
            && same(who.device.as_ref(), self.device.as_ref())
            && same(who.phone.as_ref(), self.addr.as_ref())
            && same(who.user.as_ref(), self.user.as_ref())
            && same(who.visiting.as_ref(), self.visiting.as_ref())
            && same(who.home.as_ref(), self.home.first())
    }
}

/// What a remembered SIP request was, for labelling its responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Register,
    Unregister,
    HomeRegister,
    FallbackRegister,
    LogoutRegister,
    RestartNotify,
    Report,
}

/// A registration request as the flow sees it, SIP or Skinny.
#[derive(Clone, Copy, Debug)]
struct Registering {
    unregister: bool,
    /// The expiry the phone asks (SIP), for the step's words.
    expires: Option<u32>,
    /// A SIP REGISTER whose expiry the capture cut off: during a login it is
    /// taken for the unregister.
    expires_unknown: bool,
    /// What the answers are remembered by: SIP answers a REGISTER (to
    /// register or unregister), Skinny a Register or an Unregister.
    register_method: &'static str,
    unregister_method: &'static str,
}

impl Registering {
    fn sip(expires: Option<u32>) -> Registering {
        Registering {
            unregister: expires == Some(0),
            expires,
            expires_unknown: expires.is_none(),
            register_method: "REGISTER",
            unregister_method: "REGISTER",
        }
    }

    fn sccp(unregister: bool) -> Registering {
        Registering {
            unregister,
            expires: None,
            expires_unknown: false,
            register_method: sccp::REGISTER,
            unregister_method: sccp::UNREGISTER,
        }
    }
}

/// What a registration request is in a phone's login or logout
/// (`Flow::registration_case`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RegisterCase {
    /// Not part of a login or logout the flow follows.
    Ignored,
    /// Registering with the visiting cluster, out of any attempt (phase 1).
    Visiting,
    /// The unregister before the restart (phase 3).
    Unregister,
    /// Registering with the home cluster after the restart (phase 7).
    Home,
    /// Back to the visiting cluster after a restart: the login stopped in
    /// this phase.
    Fallback(Phase),
    /// Registering again for a logout, with this side.
    Logout(Side),
    /// Unregistering from the home cluster for a logout (`starts`: no
    /// logout attempt yet, this starts one).
    LogoutUnregister { starts: bool },
}

/// How a cluster tells a phone to restart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RestartOrder {
    /// SIP: a NOTIFY with `Event: service-control`.
    Notify,
    /// SCCP: a Skinny Reset.
    Reset,
}

impl RestartOrder {
    fn restart_step(self) -> &'static str {
        match self {
            RestartOrder::Notify => steps::RESTART_NOTIFY,
            RestartOrder::Reset => steps::RESTART_RESET,
        }
    }

    fn logout_step(self) -> &'static str {
        match self {
            RestartOrder::Notify => steps::LOGOUT_NOTIFY,
            RestartOrder::Reset => steps::LOGOUT_RESET,
        }
    }
}

#[derive(Clone, Debug)]
struct Transaction {
    key: Text,
    phase: Phase,
    side: Option<Side>,
    attempt: u32,
    kind: Kind,
    start: Option<NsTime>,
    purpose: Purpose,
}

#[derive(Clone, Debug, Default)]
struct Stream {
    /// The label of the connection's latest message, reused for its TCP-only frames.
    last: Option<Label>,
    what: &'static str,
    pending: Vec<(u32, NsTime, TcpRole)>,
    /// Connection's first frame was not a SYN and no message labelled it yet.
    ignored: bool,
    /// FINs seen (both sides closing: the next frame is the last ACK).
    fins: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TcpRole {
    Handshake,
    Ack,
    Close,
    Reset,
}

#[derive(Default)]
pub struct Flow {
    config: Config,
    phones: HashMap<Text, PhoneState>,
    by_device: HashMap<Text, Text>,
    /// Servers seen answering EMApp (visiting clusters of some phone).
    emapp_servers: HashSet<Text>,
    streams: U32Map<Stream>,
    transactions: HashMap<(String, String, String), Transaction>,
    /// Phones whose mid-flow start is yet to be reported on their next label.
    mid_flow_pending: HashSet<Text>,
}

/// Who is who in a frame: the phone's key and address, and the server.
struct Parties {
    key: Text,
    phone_addr: Option<Text>,
    server: Text,
}

impl Flow {
    pub fn new(config: Config) -> Flow {
        Flow {
            config,
            ..Flow::default()
        }
    }

    pub fn set_config(&mut self, config: Config) {
        self.config = config;
    }

    /// Whether a frame of this TCP connection without a message of its own
    /// can still get a label: the connection is followed, or opening.
    pub fn follows(&self, tcp: &Tcp) -> bool {
        tcp.syn || self.streams.contains_key(&tcp.stream)
    }

    pub fn observe(&mut self, facts: &FrameFacts) -> Decision {
        let mut label = None;
        if let Some(message) = &facts.message {
            label = self.classify(facts, message);
            if let Some(label) = label.as_mut() {
                self.check_stuck(label);
                label.arrow = Some(arrow::label(message).into());
            }
        }
        let mut decision = Decision::default();
        if let Some(tcp) = &facts.tcp {
            match &label {
                Some(label) => decision.earlier = self.stream_labelled(tcp, label, facts),
                None => label = self.stream_frame(tcp, facts),
            }
            self.forget_closed(tcp);
        }
        decision.label = label;
        decision
    }

    // ---- who is who ------------------------------------------------------

    fn phone_entry(&mut self, key: &str, addr: Option<&str>) -> Option<&mut PhoneState> {
        if !self.phones.contains_key(key) {
            if self.phones.len() >= MAX_PHONES {
                return None;
            }
            let number = u32::try_from(self.phones.len()).unwrap_or(u32::MAX - 1) + 1;
            self.phones.insert(
                key.into(),
                PhoneState {
                    number,
                    addr: addr.map(Text::from),
                    ..PhoneState::default()
                },
            );
        }
        self.phones.get_mut(key)
    }

    fn note_device(&mut self, key: &Text, device: Option<&String>) {
        let Some(device) = device else { return };
        let device = match self.phones.get_mut(key) {
            Some(phone) => match &phone.device {
                Some(known) if **known == **device => known.clone(),
                _ => {
                    let device = Text::from(device.as_str());
                    phone.device = Some(device.clone());
                    device
                }
            },
            None => Text::from(device.as_str()),
        };
        if self.by_device.len() < MAX_PHONES || self.by_device.contains_key(&device) {
            self.by_device.insert(device, key.clone());
        }
    }

    fn is_visiting(&self, phone: &PhoneState, addr: &str) -> bool {
        if self.config.home.contains(addr) {
            return false;
        }
        match &phone.visiting {
            Some(v) => **v == *addr || self.config.visiting.contains(addr),
            None => self.config.visiting.contains(addr) || self.emapp_servers.contains(addr),
        }
    }

    fn is_home(&self, phone: &PhoneState, addr: &str) -> bool {
        self.config.home.contains(addr) || phone.home.iter().any(|h| **h == *addr)
    }

    fn parties_for_phone(&self, phone_addr: &str, server: &str) -> Parties {
        // A known phone's address is shared with its entry, not copied.
        let key = match self.phones.get_key_value(phone_addr) {
            Some((key, _)) => key.clone(),
            None => Text::from(phone_addr),
        };
        Parties {
            phone_addr: Some(key.clone()),
            key,
            server: server.into(),
        }
    }

    /// The parties of a message that makes `phone` one the flow follows
    /// (its entry made if new); None when the flow holds all the phones it
    /// may.
    fn followed_phone(&mut self, phone: &str, server: &str) -> Option<Parties> {
        let p = self.parties_for_phone(phone, server);
        self.phone_entry(&p.key, p.phone_addr.as_deref())?;
        Some(p)
    }

    // ---- messages ----------------------------------------------------------

    fn classify(&mut self, f: &FrameFacts, message: &Message) -> Option<Label> {
        match message {
            Message::SipRequest {
                method,
                event,
                expires,
                device,
                alarm,
                alarm_device,
            } => match method.as_str() {
                "REGISTER" => {
                    let p = self.followed_phone(&f.src, &f.dst)?;
                    self.note_device(&p.key, device.as_ref());
                    self.on_register(f, &p, Registering::sip(*expires))
                }
                "NOTIFY" if event.as_deref().is_some_and(is_service_control) => {
                    let p = self.followed_phone(&f.dst, &f.src)?;
                    self.on_restart_order(f, &p, RestartOrder::Notify)
                }
                "REFER" => {
                    let from_phone = self.phones.contains_key(f.src.as_str())
                        || (!self.phones.contains_key(f.dst.as_str()) && alarm.is_some());
                    let p = if from_phone {
                        self.parties_for_phone(&f.src, &f.dst)
                    } else {
                        self.parties_for_phone(&f.dst, &f.src)
                    };
                    if !self.phones.contains_key(&p.key) {
                        return None;
                    }
                    if from_phone {
                        self.note_device(&p.key, alarm_device.as_ref());
                    }
                    self.on_refer(f, &p, from_phone, alarm.as_deref(), true)
                }
                _ => None,
            },
            Message::SipResponse {
                status,
                phrase,
                method,
            } => self.on_sip_response(f, *status, phrase, method),
            Message::EmappRequest {
                action,
                device,
                user,
            } => {
                let p = self.followed_phone(&f.src, &f.dst)?;
                self.note_device(&p.key, device.as_ref());
                self.on_emapp_request(f, &p, action, user.as_ref())
            }
            Message::EmappResponse {
                error_code,
                error_text,
                object,
            } => {
                let p = self.parties_for_phone(&f.dst, &f.src);
                self.phones.contains_key(&p.key).then_some(())?;
                self.on_emapp_response(f, &p, *error_code, error_text.as_deref(), object)
            }
            Message::EmserviceRequest {
                request,
                device,
                user,
            } => {
                // An EMCC login asks the home cluster `checkUser`, then `login`
                // (seeds/001, the home cluster's log). Other requests (the EM API's
                // queries, a logout) come from any application user of the EM API
                // (Cisco's Extension Mobility API guide): they are followed only for
                // a device already in a login the flow follows.
                let starts_login = matches!(request.as_str(), "checkUser" | "login");
                self.on_emservice(f, &f.dst, device.as_deref(), None, starts_login, |_| {
                    steps::emservice_request(request, user.as_deref())
                })
            }
            Message::EmserviceResponse { result, error_code } => {
                let error = *error_code;
                let result = result.clone();
                self.on_emservice(f, &f.src, None, error, false, move |_| {
                    steps::emservice_response(result.as_deref(), error)
                })
            }
            Message::Download {
                file,
                kind,
                device,
                transport,
                result,
                ..
            } => {
                let p = if result.is_some() {
                    self.parties_for_phone(&f.dst, &f.src)
                } else {
                    self.parties_for_phone(&f.src, &f.dst)
                };
                self.join_mid_flow(f, &p, kind)?;
                self.note_device(&p.key, device.as_ref());
                self.on_download(f, &p, file, kind, transport, result.as_deref())
            }
            Message::Tvs {
                event,
                client,
                server,
                ..
            } => {
                let p = self.parties_for_phone(client, server);
                self.phones.contains_key(&p.key).then_some(())?;
                self.on_tvs(f, &p, event)
            }
            Message::Sccp(message) => self.on_sccp(f, message),
            Message::SkinnyAlarm { alarm, device } => {
                let p = self.parties_for_phone(&f.src, &f.dst);
                if !self.phones.contains_key(&p.key) {
                    return None;
                }
                self.note_device(&p.key, device.as_ref());
                self.on_refer(f, &p, true, Some(alarm), false)
            }
        }
    }
}

fn side_of(visiting: bool) -> Side {
    if visiting {
        Side::Visiting
    } else {
        Side::Home
    }
}

fn is_service_control(event: &str) -> bool {
    event
        .split(';')
        .next()
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("service-control"))
}

fn role_name(role: TcpRole) -> &'static str {
    match role {
        TcpRole::Handshake => "handshake",
        TcpRole::Ack => "segment",
        TcpRole::Close => "close",
        TcpRole::Reset => "reset",
    }
}

fn connection_kind(f: &FrameFacts) -> &'static str {
    match &f.message {
        Some(Message::SipRequest { .. } | Message::SipResponse { .. }) => "SIP connection",
        Some(Message::EmappRequest { .. } | Message::EmappResponse { .. }) => "EMApp connection",
        Some(Message::EmserviceRequest { .. } | Message::EmserviceResponse { .. }) => {
            "EMService connection"
        }
        Some(Message::Download { .. }) => "file download connection",
        Some(Message::Tvs { .. }) => "TVS connection",
        Some(Message::Sccp(_) | Message::SkinnyAlarm { .. }) => "SCCP connection",
        None => "connection",
    }
}

#[cfg(test)]
mod tests;
