//! The flow itself: per phone, which phase of which attempt each frame
//! belongs to, decided frame by frame on the first pass.
//!
//! Roles are inferred from the traffic: the server that answers EMApp is the
//! visiting cluster; servers the phone turns to after its restart that are
//! not the visiting cluster are the home cluster (preferences can name both
//! when a capture starts mid-flow). Nothing about addresses is built in.

use std::collections::{HashMap, HashSet};

use super::facts::{FrameFacts, Message, Tcp};
use super::label::{Finding, FindingKind, Kind, Label, Outcome};
use super::phase::{Phase, Side};
use super::steps;
use crate::emcc::codes;

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
pub const SETTLE_SECONDS: f64 = 10.0;

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub visiting: HashSet<String>,
    pub home: HashSet<String>,
    /// Seconds in one phase before the phone counts as stuck (0: never).
    pub stuck_after: f64,
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
    start: f64,
    phase: Phase,
    phase_since: f64,
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
    start: f64,
    server: String,
    until: f64,
}

#[derive(Clone, Debug, Default)]
struct PhoneState {
    addr: Option<String>,
    device: Option<String>,
    user: Option<String>,
    visiting: Option<String>,
    home: Vec<String>,
    attempts: u32,
    current: Option<Attempt>,
    tail: Option<Tail>,
    logged_in: bool,
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

#[derive(Clone, Debug)]
struct Transaction {
    key: String,
    phase: Phase,
    side: Option<Side>,
    attempt: u32,
    kind: Kind,
    start: Option<f64>,
    purpose: Purpose,
}

#[derive(Clone, Debug, Default)]
struct Stream {
    /// The label of the connection's latest message, reused for its TCP-only frames.
    last: Option<Label>,
    what: &'static str,
    pending: Vec<(u32, f64, TcpRole)>,
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
    phones: HashMap<String, PhoneState>,
    by_device: HashMap<String, String>,
    /// Servers seen answering EMApp (visiting clusters of some phone).
    emapp_servers: HashSet<String>,
    streams: HashMap<u32, Stream>,
    transactions: HashMap<(String, String, String), Transaction>,
    /// Phones whose mid-flow start is yet to be reported on their next label.
    mid_flow_pending: HashSet<String>,
}

/// Who is who in a frame: the phone's key and address, and the server.
struct Parties {
    key: String,
    phone_addr: Option<String>,
    server: String,
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

    pub fn observe(&mut self, facts: &FrameFacts) -> Decision {
        let mut label = facts.message.as_ref().and_then(|m| self.classify(facts, m));
        if let Some(label) = label.as_mut() {
            self.check_stuck(label);
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
            self.phones.insert(
                key.to_string(),
                PhoneState {
                    addr: addr.map(str::to_string),
                    ..PhoneState::default()
                },
            );
        }
        self.phones.get_mut(key)
    }

    fn note_device(&mut self, key: &str, device: Option<&String>) {
        let Some(device) = device else { return };
        if let Some(phone) = self.phones.get_mut(key) {
            phone.device = Some(device.clone());
        }
        if self.by_device.len() < MAX_PHONES || self.by_device.contains_key(device) {
            self.by_device.insert(device.clone(), key.to_string());
        }
    }

    fn is_visiting(&self, phone: &PhoneState, addr: &str) -> bool {
        if self.config.home.contains(addr) {
            return false;
        }
        match &phone.visiting {
            Some(v) => v == addr || self.config.visiting.contains(addr),
            None => self.config.visiting.contains(addr) || self.emapp_servers.contains(addr),
        }
    }

    fn is_home(&self, phone: &PhoneState, addr: &str) -> bool {
        self.config.home.contains(addr) || phone.home.iter().any(|h| h == addr)
    }

    fn parties_for_phone(&self, phone_addr: &str, server: &str) -> Parties {
        Parties {
            key: phone_addr.to_string(),
            phone_addr: Some(phone_addr.to_string()),
            server: server.to_string(),
        }
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
                    let p = self.parties_for_phone(&f.src, &f.dst);
                    self.phone_entry(&p.key, p.phone_addr.as_deref())?;
                    self.note_device(&p.key, device.as_ref());
                    self.on_register(f, &p, *expires)
                }
                "NOTIFY" if event.as_deref().is_some_and(is_service_control) => {
                    let p = self.parties_for_phone(&f.dst, &f.src);
                    self.phone_entry(&p.key, p.phone_addr.as_deref())?;
                    self.on_restart_notify(f, &p)
                }
                "REFER" => {
                    let from_phone = self.phones.contains_key(&f.src)
                        || (!self.phones.contains_key(&f.dst) && alarm.is_some());
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
                    self.on_refer(f, &p, from_phone, alarm.as_deref())
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
                let p = self.parties_for_phone(&f.src, &f.dst);
                self.phone_entry(&p.key, p.phone_addr.as_deref())?;
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
            } => self.on_emservice(f, &f.dst, device.as_deref(), None, |_| {
                steps::emservice_request(request, user.as_deref())
            }),
            Message::EmserviceResponse { result, error_code } => {
                let error = *error_code;
                let result = result.clone();
                self.on_emservice(f, &f.src, None, error, move |_| {
                    steps::emservice_response(result.as_deref(), error)
                })
            }
            Message::Download {
                file,
                kind,
                device,
                transport,
                result,
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
            } => {
                let p = self.parties_for_phone(client, server);
                self.phones.contains_key(&p.key).then_some(())?;
                self.on_tvs(f, &p, event)
            }
        }
    }

    fn on_register(&mut self, f: &FrameFacts, p: &Parties, expires: Option<u32>) -> Option<Label> {
        let phone = self.phones.get(&p.key)?.clone();
        let to_visiting = self.is_visiting(&phone, &p.server);
        let unregister = expires == Some(0);
        let (phase, side, purpose, step, finding) = match (&phone.current, unregister) {
            // During the login and restart, a REGISTER to the visiting cluster
            // whose Expires was cut off (short snaplen) is the unregister.
            (Some(a), false)
                if a.kind == Kind::Login
                    && a.phase <= Phase::Restart
                    && to_visiting
                    && expires.is_none() =>
            {
                (
                    Phase::Restart,
                    Side::Visiting,
                    Purpose::Unregister,
                    steps::UNREGISTER.to_string(),
                    None,
                )
            }
            (Some(a), false) if a.kind == Kind::Login && a.phase >= Phase::Restart => {
                if to_visiting {
                    let stop = a.phase;
                    let text = format!(
                        "the phone gave up in phase {} ({}) and registers with the visiting cluster again",
                        stop.number(),
                        stop.name()
                    );
                    (
                        stop,
                        Side::Visiting,
                        Purpose::FallbackRegister,
                        steps::FALLBACK_REGISTER.to_string(),
                        Some((FindingKind::FellBack, text)),
                    )
                } else {
                    self.add_home(&p.key, &p.server);
                    (
                        Phase::HomeRegistration,
                        Side::Home,
                        Purpose::HomeRegister,
                        steps::HOME_REGISTER.to_string(),
                        None,
                    )
                }
            }
            (Some(a), false) if a.kind == Kind::Logout => (
                Phase::Logout,
                side_of(to_visiting),
                Purpose::LogoutRegister,
                steps::LOGOUT_REGISTER.to_string(),
                None,
            ),
            (Some(a), true) if a.kind == Kind::Login => (
                Phase::Restart,
                Side::Visiting,
                Purpose::Unregister,
                steps::UNREGISTER.to_string(),
                None,
            ),
            (Some(_), true) => (
                Phase::Logout,
                Side::Home,
                Purpose::Unregister,
                steps::LOGOUT_UNREGISTER.to_string(),
                None,
            ),
            (None, true) if phone.logged_in && self.is_home(&phone, &p.server) => {
                self.start_attempt(&p.key, Kind::Logout, f.time, Phase::Logout);
                (
                    Phase::Logout,
                    Side::Home,
                    Purpose::Unregister,
                    steps::LOGOUT_UNREGISTER.to_string(),
                    None,
                )
            }
            (None, true) => return None,
            (_, false) => {
                if phone.logged_in && self.is_home(&phone, &p.server) {
                    return None;
                }
                if self.config.home.contains(&p.server) {
                    return None;
                }
                if let Some(phone) = self.phones.get_mut(&p.key) {
                    phone.visiting = Some(p.server.clone());
                    phone.logged_in = false;
                }
                (
                    Phase::VisitingRegistration,
                    Side::Visiting,
                    Purpose::Register,
                    steps::visiting_register(expires),
                    None,
                )
            }
        };
        self.enter_phase(&p.key, phase, f.time);
        let mut label = self.label(&p.key, f, phase, Some(side), step);
        if let Some((kind, text)) = finding {
            label.outcome =
                self.failure_outcome(&p.key, phase, "fell back to the visiting cluster");
            label.findings.push(Finding { kind, text });
            self.fail_current(&p.key, phase);
        }
        self.remember_transaction(f, &label, "REGISTER", purpose);
        Some(label)
    }

    fn on_restart_notify(&mut self, f: &FrameFacts, p: &Parties) -> Option<Label> {
        let phone = self.phones.get(&p.key)?.clone();
        let mut findings = Vec::new();
        let (phase, side, step) = match &phone.current {
            Some(a) if a.kind == Kind::Login && !a.failed => {
                (Phase::Restart, Side::Visiting, steps::RESTART_NOTIFY)
            }
            Some(a) if a.kind == Kind::Logout => (Phase::Logout, Side::Home, steps::LOGOUT_NOTIFY),
            _ if phone.logged_in || self.config.home.contains(&p.server) => {
                self.add_home(&p.key, &p.server);
                self.start_attempt(&p.key, Kind::Logout, f.time, Phase::Logout);
                (Phase::Logout, Side::Home, steps::LOGOUT_NOTIFY)
            }
            _ if phone.visiting.is_none() || !self.is_visiting(&phone, &p.server) => {
                // No login seen: the capture starts after the EMApp login.
                if let Some(phone) = self.phones.get_mut(&p.key) {
                    phone.visiting = Some(p.server.clone());
                }
                self.start_attempt(&p.key, Kind::Login, f.time, Phase::Restart);
                findings.push(Finding {
                    kind: FindingKind::MidFlow,
                    text: "no EMApp login of this phone in the capture before its restart: labelling from here (set emccflow.visiting_clusters/home_clusters if this is a logout)".to_string(),
                });
                (Phase::Restart, Side::Visiting, steps::RESTART_NOTIFY)
            }
            _ => return None,
        };
        self.enter_phase(&p.key, phase, f.time);
        let mut label = self.label(&p.key, f, phase, Some(side), step.to_string());
        label.findings = findings;
        self.remember_transaction(f, &label, "NOTIFY", Purpose::RestartNotify);
        Some(label)
    }

    fn on_refer(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        from_phone: bool,
        alarm: Option<&str>,
    ) -> Option<Label> {
        let phone = self.phones.get(&p.key)?.clone();
        let to_visiting = self.is_visiting(&phone, &p.server);
        let (phase, side) = match (&phone.current, &phone.tail) {
            (Some(a), _) if a.kind == Kind::Logout => (Phase::Logout, side_of(to_visiting)),
            (Some(a), _) if a.phase <= Phase::Restart && to_visiting => {
                (Phase::Restart, Side::Visiting)
            }
            (Some(a), _) if a.phase >= Phase::VisitingTrust && !to_visiting => {
                self.add_home(&p.key, &p.server);
                (Phase::HomeRegistration, Side::Home)
            }
            (Some(a), _) if to_visiting => (a.phase, Side::Visiting),
            (None, Some(t)) if t.server == p.server && f.time <= t.until => {
                (t.phase, side_of(to_visiting))
            }
            _ => return None,
        };
        let step = steps::report(from_phone, alarm, side);
        let label = self.label(&p.key, f, phase, Some(side), step);
        self.remember_transaction(f, &label, "REFER", Purpose::Report);
        Some(label)
    }

    fn on_sip_response(
        &mut self,
        f: &FrameFacts,
        status: u32,
        phrase: &str,
        method: &str,
    ) -> Option<Label> {
        let tx = self
            .transactions
            .get(&(f.dst.clone(), f.src.clone(), method.to_string()))?
            .clone();
        let final_response = status >= 200;
        let mut label = Label {
            key: tx.key.clone(),
            phase: tx.phase,
            side: tx.side,
            attempt: tx.attempt,
            kind: tx.kind,
            attempt_start: tx.start,
            time: f.time,
            step: steps::sip_response(method, status, phrase, tx.side, f.src == tx.key),
            ..self.label(&tx.key, f, tx.phase, tx.side, String::new())
        };
        if !final_response {
            return Some(label);
        }
        let ok = (200..300).contains(&status);
        match tx.purpose {
            Purpose::HomeRegister if ok => {
                let seconds = tx.start.map_or(0.0, |s| f.time - s);
                label.step = steps::HOME_REGISTERED.to_string();
                label.findings.push(Finding {
                    kind: FindingKind::Completed,
                    text: format!("EMCC login completed in {seconds:.1} s"),
                });
                label.outcome = Some(Outcome::Completed { seconds });
                self.finish(&tx.key, f, true);
            }
            Purpose::HomeRegister => {
                let text = format!("the home cluster rejected the registration: {status} {phrase}");
                label.findings.push(Finding {
                    kind: FindingKind::RegisterRejected,
                    text: text.clone(),
                });
                label.outcome = self.failure_outcome(
                    &tx.key,
                    tx.phase,
                    &format!("home registration rejected ({status} {phrase})"),
                );
                self.fail_current(&tx.key, tx.phase);
            }
            Purpose::LogoutRegister if ok => {
                let seconds = tx.start.map_or(0.0, |s| f.time - s);
                label.step = steps::LOGOUT_REGISTERED.to_string();
                label.findings.push(Finding {
                    kind: FindingKind::Completed,
                    text: format!("EMCC logout completed in {seconds:.1} s"),
                });
                label.outcome = Some(Outcome::Completed { seconds });
                self.finish(&tx.key, f, false);
            }
            Purpose::FallbackRegister if ok => self.finish(&tx.key, f, false),
            _ => {}
        }
        Some(label)
    }

    fn on_emapp_request(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        action: &str,
        user: Option<&String>,
    ) -> Option<Label> {
        self.emapp_servers.insert(p.server.clone());
        let phone = self.phones.get_mut(&p.key)?;
        phone.visiting = Some(p.server.clone());
        if let Some(user) = user {
            phone.user = Some(user.clone());
        }
        let current = phone.current.clone();
        let logged_in = phone.logged_in;
        let kind = if action == "logout" {
            Kind::Logout
        } else {
            Kind::Login
        };
        let continues = matches!(&current, Some(a) if a.kind == kind && !a.failed
            && (kind == Kind::Logout || a.phase <= Phase::Login));
        if !continues {
            let phase = if kind == Kind::Logout {
                Phase::Logout
            } else {
                Phase::Login
            };
            self.start_attempt(&p.key, kind, f.time, phase);
        }
        let _ = logged_in;
        let phase = if kind == Kind::Logout {
            Phase::Logout
        } else {
            Phase::Login
        };
        self.enter_phase(&p.key, phase, f.time);
        let user = self.phones.get(&p.key).and_then(|ph| ph.user.clone());
        let step = steps::emapp_request(action, user.as_deref());
        Some(self.label(&p.key, f, phase, Some(Side::Visiting), step))
    }

    fn on_emapp_response(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        error_code: Option<u32>,
        error_text: Option<&str>,
        object: &Option<String>,
    ) -> Option<Label> {
        let phone = self.phones.get(&p.key)?.clone();
        let attempt = phone.current.as_ref()?;
        let phase = if attempt.kind == Kind::Logout {
            Phase::Logout
        } else {
            Phase::Login
        };
        if attempt.phase > phase && attempt.kind == Kind::Login {
            return None;
        }
        let refused = error_code.is_some() || error_text.is_some();
        let step = steps::emapp_response(error_code, error_text, object.as_deref());
        let mut label = self.label(&p.key, f, phase, Some(Side::Visiting), step);
        if refused && !attempt.failed {
            let why = steps::refusal(error_code, error_text);
            label.outcome = self.failure_outcome(&p.key, phase, &format!("login refused, {why}"));
            label.findings.push(Finding {
                kind: FindingKind::LoginRefused,
                text: format!("the login was refused: {why}"),
            });
            self.fail_current(&p.key, phase);
        }
        Some(label)
    }

    /// EMService runs between the clusters: the frame names the phone only by
    /// its device, and its far end is the home cluster.
    fn on_emservice(
        &mut self,
        f: &FrameFacts,
        home: &str,
        device: Option<&str>,
        error: Option<u32>,
        step: impl FnOnce(()) -> String,
    ) -> Option<Label> {
        let key = match device {
            Some(device) => self
                .by_device
                .get(device)
                .cloned()
                .unwrap_or_else(|| device.to_string()),
            None => self
                .transactions
                .get(&(f.dst.clone(), f.src.clone(), "EMService".to_string()))
                .map(|tx| tx.key.clone())?,
        };
        let phone = self.phone_entry(&key, None)?;
        if phone.device.is_none() {
            phone.device = device.map(str::to_string);
        }
        if phone.current.is_none() {
            // The phone's own EMApp traffic is not in this capture.
            self.start_attempt(&key, Kind::Login, f.time, Phase::Login);
        }
        self.add_home(&key, home);
        let step = step(());
        let mut label = self.label(&key, f, Phase::Login, Some(Side::Home), step);
        if device.is_some() {
            self.remember_transaction(f, &label, "EMService", Purpose::Report);
        } else if let Some(code) = error {
            // The home cluster's refusal is the cause; the EMApp error the
            // phone gets next only repeats it.
            let meaning = codes::lookup(codes::EMSERVICE_ERRORS, code).unwrap_or("unknown code");
            let why = format!("EMService error {code} ({meaning})");
            label.outcome = self.failure_outcome(
                &key,
                Phase::Login,
                &format!("home cluster refused the login, {why}"),
            );
            label.findings.push(Finding {
                kind: FindingKind::LoginRefused,
                text: format!("the home cluster refused the login: {why}"),
            });
            self.fail_current(&key, Phase::Login);
        }
        Some(label)
    }

    /// A phone fetching files from a cluster the preferences call home
    /// while no login of it is in the capture: the capture started mid-login.
    fn join_mid_flow(&mut self, f: &FrameFacts, p: &Parties, kind: &str) -> Option<()> {
        let active = self
            .phones
            .get(&p.key)
            .is_some_and(|phone| phone.current.is_some());
        if active {
            return Some(());
        }
        if !self.config.home.contains(&p.server) {
            return self.phones.contains_key(&p.key).then_some(());
        }
        self.phone_entry(&p.key, p.phone_addr.as_deref())?;
        let phase = if matches!(kind, "CTL" | "ITL") {
            Phase::HomeTrust
        } else {
            Phase::HomeConfig
        };
        self.start_attempt(&p.key, Kind::Login, f.time, phase);
        self.mid_flow_pending.insert(p.key.clone());
        Some(())
    }

    fn on_download(
        &mut self,
        f: &FrameFacts,
        p: &Parties,
        file: &str,
        kind: &str,
        transport: &str,
        result: Option<&str>,
    ) -> Option<Label> {
        let phone = self.phones.get(&p.key)?.clone();
        let attempt = phone.current.clone()?;
        let to_visiting = self.is_visiting(&phone, &p.server);
        let trust = matches!(kind, "CTL" | "ITL");
        let (phase, side) = if attempt.kind == Kind::Logout {
            (Phase::Logout, side_of(to_visiting))
        } else if to_visiting {
            (Phase::VisitingTrust, Side::Visiting)
        } else {
            self.add_home(&p.key, &p.server);
            if trust {
                (Phase::HomeTrust, Side::Home)
            } else {
                (Phase::HomeConfig, Side::Home)
            }
        };
        if attempt.kind == Kind::Login && attempt.phase < Phase::Restart {
            // Downloads before any restart are the phone's own business.
            return None;
        }
        self.enter_phase(&p.key, phase, f.time);
        let step = steps::download(file, kind, transport, result, side);
        let mut label = self.label(&p.key, f, phase, Some(side), step);
        if self.mid_flow_pending.remove(&p.key) {
            label.findings.push(Finding {
                kind: FindingKind::MidFlow,
                text: "the capture starts after this phone's restart: labelling from its first request to a home-cluster address of the preferences".to_string(),
            });
        }
        let failed_for_good = match result {
            Some("ok") | None => false,
            Some("unavailable") if transport == "HTTP" => false,
            // No CTL: the cluster is not in mixed mode; the phone goes on.
            Some(_) if kind == "CTL" => false,
            Some(_) => transport == "TFTP",
        };
        if failed_for_good && !attempt.failed && attempt.kind == Kind::Login {
            let text = format!(
                "the {} cluster's {kind} file {file} is unavailable over HTTP and TFTP ({}): the phone cannot continue the login",
                side.as_str(),
                result.unwrap_or("")
            );
            label.outcome = self.failure_outcome(
                &p.key,
                phase,
                &format!(
                    "{}-cluster {kind} unavailable over HTTP and TFTP",
                    side.as_str()
                ),
            );
            label.findings.push(Finding {
                kind: FindingKind::FilesUnavailable,
                text,
            });
            self.fail_current(&p.key, phase);
        }
        Some(label)
    }

    fn on_tvs(&mut self, f: &FrameFacts, p: &Parties, event: &str) -> Option<Label> {
        let phone = self.phones.get(&p.key)?.clone();
        let attempt = phone.current.clone()?;
        if attempt.kind != Kind::Login || attempt.phase < Phase::Restart {
            return None;
        }
        let side = side_of(self.is_visiting(&phone, &p.server));
        let phase = Phase::HomeTrust;
        self.enter_phase(&p.key, phase, f.time);
        let mut label = self.label(&p.key, f, phase, Some(side), steps::tvs(event));
        if matches!(event, "reset" | "no-response") && !attempt.failed {
            let text = if event == "reset" {
                "TVS ended the session before vouching for the home cluster's ITL signer: the phone cannot trust the home cluster".to_string()
            } else {
                "TVS never answered the request to vouch for the home cluster's ITL signer"
                    .to_string()
            };
            let short = if event == "reset" {
                "TVS reset the session before answering"
            } else {
                "TVS never answered"
            };
            label.outcome = self.failure_outcome(&p.key, phase, short);
            label.findings.push(Finding {
                kind: FindingKind::TvsFailed,
                text,
            });
            self.fail_current(&p.key, phase);
        }
        Some(label)
    }

    // ---- attempts --------------------------------------------------------

    fn start_attempt(&mut self, key: &str, kind: Kind, time: f64, phase: Phase) {
        if let Some(phone) = self.phones.get_mut(key) {
            phone.attempts += 1;
            phone.tail = None;
            phone.current = Some(Attempt {
                number: phone.attempts,
                kind,
                start: time,
                phase,
                phase_since: time,
                stuck_reported: false,
                failed: false,
            });
        }
    }

    /// Moves the attempt on (never back: a late answer keeps its own label).
    fn enter_phase(&mut self, key: &str, phase: Phase, time: f64) {
        if let Some(Some(a)) = self.phones.get_mut(key).map(|p| p.current.as_mut()) {
            if phase > a.phase && !a.failed {
                a.phase = phase;
                a.phase_since = time;
                a.stuck_reported = false;
            }
        }
    }

    fn fail_current(&mut self, key: &str, _phase: Phase) {
        if let Some(Some(a)) = self.phones.get_mut(key).map(|p| p.current.as_mut()) {
            a.failed = true;
        }
    }

    /// The outcome to record, unless the attempt already failed earlier.
    fn failure_outcome(&self, key: &str, phase: Phase, reason: &str) -> Option<Outcome> {
        let attempt = self.phones.get(key)?.current.as_ref()?;
        (!attempt.failed).then(|| Outcome::Failed {
            phase,
            reason: reason.to_string(),
        })
    }

    fn finish(&mut self, key: &str, f: &FrameFacts, logged_in: bool) {
        let Some(phone) = self.phones.get_mut(key) else {
            return;
        };
        if let Some(a) = phone.current.take() {
            phone.tail = Some(Tail {
                number: a.number,
                kind: a.kind,
                phase: a.phase,
                start: a.start,
                server: f.src.clone(),
                until: f.time + SETTLE_SECONDS,
            });
        }
        phone.logged_in = logged_in;
    }

    fn add_home(&mut self, key: &str, server: &str) {
        if let Some(phone) = self.phones.get_mut(key) {
            if !phone.home.iter().any(|h| h == server) && phone.home.len() < 8 {
                phone.home.push(server.to_string());
            }
        }
    }

    fn check_stuck(&mut self, label: &mut Label) {
        let limit = self.config.stuck_after;
        if limit <= 0.0 {
            return;
        }
        let Some(Some(a)) = self.phones.get_mut(&label.key).map(|p| p.current.as_mut()) else {
            return;
        };
        if a.failed || a.stuck_reported || a.phase != label.phase {
            return;
        }
        let waited = label.time - a.phase_since;
        if waited > limit {
            a.stuck_reported = true;
            label.findings.push(Finding {
                kind: FindingKind::Stuck,
                text: format!(
                    "still in phase {} ({}) {waited:.1} s after entering it",
                    a.phase.number(),
                    a.phase.name()
                ),
            });
        }
    }

    fn label(
        &self,
        key: &str,
        f: &FrameFacts,
        phase: Phase,
        side: Option<Side>,
        step: String,
    ) -> Label {
        let phone = self.phones.get(key);
        let (attempt, kind, start) = match phone {
            Some(p) => match (&p.current, &p.tail) {
                (Some(a), _) => (a.number, a.kind, Some(a.start)),
                (None, Some(t)) if phase != Phase::VisitingRegistration => {
                    (t.number, t.kind, Some(t.start))
                }
                _ => (p.attempts + 1, Kind::Login, None),
            },
            None => (1, Kind::Login, None),
        };
        Label {
            key: key.to_string(),
            phase,
            device: phone.and_then(|p| p.device.clone()),
            phone: phone.and_then(|p| p.addr.clone()),
            user: phone.and_then(|p| p.user.clone()),
            side,
            step,
            attempt,
            kind,
            attempt_start: start,
            time: f.time,
            visiting: phone.and_then(|p| p.visiting.clone()),
            home: phone.and_then(|p| p.home.first().cloned()),
            findings: Vec::new(),
            outcome: None,
        }
    }

    fn remember_transaction(
        &mut self,
        f: &FrameFacts,
        label: &Label,
        method: &str,
        purpose: Purpose,
    ) {
        let key = (f.src.clone(), f.dst.clone(), method.to_string());
        if self.transactions.len() >= MAX_TRANSACTIONS && !self.transactions.contains_key(&key) {
            return;
        }
        self.transactions.insert(
            key,
            Transaction {
                key: label.key.clone(),
                phase: label.phase,
                side: label.side,
                attempt: label.attempt,
                kind: label.kind,
                start: label.attempt_start,
                purpose,
            },
        );
    }

    // ---- TCP-only frames -----------------------------------------------------

    /// A connection is forgotten once it is over (a reset, or the ACK after
    /// both FINs), so memory follows open connections, not all of them.
    fn forget_closed(&mut self, tcp: &Tcp) {
        let Some(stream) = self.streams.get_mut(&tcp.stream) else {
            return;
        };
        if tcp.fin {
            stream.fins = stream.fins.saturating_add(1);
        } else if tcp.rst || stream.fins >= 2 {
            self.streams.remove(&tcp.stream);
        }
    }

    fn stream_labelled(&mut self, tcp: &Tcp, label: &Label, f: &FrameFacts) -> Vec<(u32, Label)> {
        if !self.streams.contains_key(&tcp.stream) && self.streams.len() >= MAX_STREAMS {
            return Vec::new();
        }
        let stream = self.streams.entry(tcp.stream).or_default();
        stream.ignored = false;
        stream.what = connection_kind(f);
        stream.last = Some(label.clone());
        let what = stream.what;
        std::mem::take(&mut stream.pending)
            .into_iter()
            .map(|(frame, time, role)| {
                let mut earlier = label.clone();
                earlier.time = time;
                earlier.step = steps::tcp(role_name(role), what);
                earlier.findings.clear();
                earlier.outcome = None;
                (frame, earlier)
            })
            .collect()
    }

    fn stream_frame(&mut self, tcp: &Tcp, f: &FrameFacts) -> Option<Label> {
        let role = if tcp.rst {
            TcpRole::Reset
        } else if tcp.fin {
            TcpRole::Close
        } else if tcp.syn {
            TcpRole::Handshake
        } else {
            TcpRole::Ack
        };
        match self.streams.get_mut(&tcp.stream) {
            Some(stream) => {
                if let Some(last) = &stream.last {
                    let mut label = last.clone();
                    label.time = f.time;
                    label.step = steps::tcp(role_name(role), stream.what);
                    label.findings.clear();
                    label.outcome = None;
                    return Some(label);
                }
                if !stream.ignored && stream.pending.len() < MAX_PENDING_PER_STREAM {
                    // Before the first message, a bare ACK completes the handshake.
                    let role = if role == TcpRole::Ack {
                        TcpRole::Handshake
                    } else {
                        role
                    };
                    stream.pending.push((f.frame, f.time, role));
                }
                None
            }
            None => {
                if self.streams.len() < MAX_STREAMS {
                    let mut stream = Stream {
                        ignored: !tcp.syn,
                        ..Stream::default()
                    };
                    if tcp.syn {
                        stream.pending.push((f.frame, f.time, TcpRole::Handshake));
                    }
                    self.streams.insert(tcp.stream, stream);
                }
                None
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
        None => "connection",
    }
}

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;
