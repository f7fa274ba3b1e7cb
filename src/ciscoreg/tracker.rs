//! Follows every phone's registration with each of its CUCMs through a
//! capture, one frame at a time, and says what each registration frame
//! means (`RegLabel`). Pure: no Wireshark here.
//!
//! The facts it relies on (../shared/domain.md, "Phone registration and
//! keepalives", from seeds/003 and seeds/004):
//! - a SIP phone registers with the first CUCM of its list (REGISTER, 100
//!   Trying, 200 OK granting a shorter Expires than asked, 120 s in
//!   seeds/004) and refreshes before the grant runs out; to a backup CUCM it
//!   sends keepalive REGISTERs, `Expires: 0` with the Contact parameter
//!   `cisco-keep-alive` (not an unregister); a plain `Expires: 0` is an
//!   unregister (RFC 3261 section 10.2.2);
//! - the first REGISTER after a restart carries `Reason: ... cisco-alarm:N`;
//! - an SCCP phone registers with its primary CUCM (Register, RegisterAck
//!   with the keepalive intervals for the primary and the secondary), keeps
//!   a TCP connection to the secondary with keepalives only, and sends
//!   KeepAlives at those intervals (30 s and 60 s in seeds/003);
//! - a missed keepalive or refresh makes CUCM unregister the phone
//!   (EndPointUnregistered reason 13, keepalive timeout).
//!
//! What no document says and this module assumes, stated where it is used:
//! a phone first seen refreshing (no Reason header, no earlier frame) is
//! taken to be registered already (a capture that starts mid-life); a
//! keepalive later than one and a half announced intervals is reported as
//! late.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use super::facts::{FrameFacts, Input, Restart, Sccp, Signalling};
use super::label::{Event, EventLabel, Finding, FindingKind, RegLabel, Role, Text};
use crate::nstime::NsTime;

/// Fresh registrations of one phone within this many seconds...
const LOOP_WINDOW_SECS: u32 = 600;
/// ...at least this many times: a registration loop.
const LOOP_COUNT: usize = 3;
/// Phones followed at most (a capture of a whole campus has a few
/// thousand); later ones are not labelled.
const MAX_PHONES: usize = 50_000;
/// CUCMs per phone followed at most (a CUCM group has three).
const MAX_LINKS: usize = 8;
/// Registration connections remembered at most.
const MAX_STREAMS: usize = 200_000;

/// What the phone asked a CUCM and has not yet had answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Asked {
    Register,
    Refresh,
    Keepalive,
    Unregister,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    asked: Asked,
    frame: u32,
}

/// A phone and one of its CUCMs.
#[derive(Debug)]
struct Link {
    cucm: Text,
    role: Option<Role>,
    registered: bool,
    /// Seconds the CUCM granted (SIP Expires) or asked between keepalives
    /// (SCCP).
    granted: Option<u32>,
    /// The last register, refresh or keepalive sent to it.
    last_renewal: Option<NsTime>,
    pending: Option<Pending>,
    /// Where the CUCM dropped the phone (reset or closed the connection).
    dropped: Option<u32>,
}

impl Link {
    fn new(cucm: &str) -> Link {
        Link {
            cucm: cucm.into(),
            role: None,
            registered: false,
            granted: None,
            last_renewal: None,
            pending: None,
            dropped: None,
        }
    }

    /// Why this CUCM looks gone, in words, if it does.
    fn trouble(&self) -> Option<String> {
        if let Some(frame) = self.dropped {
            return Some(format!("it dropped the connection at frame {frame}"));
        }
        match self.pending {
            Some(Pending {
                asked: Asked::Register | Asked::Refresh,
                frame,
            }) => Some(format!("its REGISTER of frame {frame} got no answer")),
            Some(Pending {
                asked: Asked::Keepalive,
                frame,
            }) => Some(format!("the keepalive of frame {frame} got no answer")),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Phone {
    /// Its number in the capture: the order the tracker met it (from 1).
    number: u32,
    address: Text,
    device: Option<Text>,
    signalling: Signalling,
    primary: Option<Text>,
    links: Vec<Link>,
    /// Its fresh registrations within the loop window: frame, time, CUCM.
    registrations: VecDeque<(u32, NsTime, Text)>,
    /// SCCP: the secondary's keepalive interval from the last RegisterAck.
    secondary_interval: Option<u32>,
    /// SCCP: an Alarm announced a restart; the next Register follows it.
    restarted: bool,
    /// The CUCMs its configuration file lists, in order, once seen.
    config: Vec<Text>,
}

impl Phone {
    fn link(&mut self, cucm: &str) -> Option<usize> {
        if let Some(i) = self.links.iter().position(|l| &*l.cucm == cucm) {
            return Some(i);
        }
        if self.links.len() >= MAX_LINKS {
            return None;
        }
        self.links.push(Link::new(cucm));
        Some(self.links.len() - 1)
    }
}

/// One registration connection: whose, and who closed it first.
#[derive(Debug)]
struct Stream {
    phone: Text,
    cucm: Text,
    /// Set by the first FIN or RST: true when the CUCM sent it.
    first_closer_was_cucm: Option<bool>,
}

#[derive(Debug, Default)]
pub struct Tracker {
    phones: HashMap<Text, Phone>,
    streams: HashMap<u32, Stream>,
    /// Configuration files of phones not seen registering yet (a phone
    /// downloads its file before it registers), by address.
    configs: HashMap<Text, Vec<String>>,
    /// The address each device name was last seen registering from.
    devices: HashMap<Text, Text>,
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Whether `stream` carried registration messages (only FINs and RSTs
    /// of those mean anything here).
    pub fn follows(&self, stream: u32) -> bool {
        self.streams.contains_key(&stream)
    }

    /// The frame's label, if it is a registration frame of a phone followed.
    pub fn observe(&mut self, facts: &FrameFacts) -> Option<RegLabel> {
        let mut label: Option<RegLabel> = None;
        for input in &facts.inputs {
            let step = match input {
                Input::Closed { reset } => self.closed(facts, *reset),
                Input::Config { cucms } => {
                    self.config(&facts.dst, cucms);
                    None
                }
                other => self.message(facts, other),
            };
            let Some((phone, event, finding, restart)) = step else {
                continue;
            };
            let p = &self.phones[&phone];
            let label = label.get_or_insert_with(|| RegLabel {
                time: facts.time,
                phone: Arc::clone(&p.address),
                phone_number: p.number,
                device: p.device.clone(),
                signalling: p.signalling,
                events: Vec::new(),
                restart: None,
                findings: Vec::new(),
            });
            if label.device.is_none() {
                label.device = p.device.clone();
            }
            label.events.push(event);
            label.findings.extend(finding);
            if restart.is_some() {
                label.restart = restart;
            }
        }
        label
    }

    /// A configuration file for the phone at `address`: its CUCM list gives
    /// the roles (names that are not addresses match no CUCM and are left
    /// out). A phone not followed yet is not added for it.
    fn config(&mut self, address: &str, cucms: &[String]) {
        let Some(phone) = self.phones.get_mut(address) else {
            self.configs.insert(address.into(), cucms.to_vec());
            if self.configs.len() > MAX_PHONES {
                self.configs.clear();
            }
            return;
        };
        phone.set_config(cucms);
    }

    /// A FIN or RST on a registration connection.
    fn closed(&mut self, facts: &FrameFacts, reset: bool) -> Option<Step> {
        let stream = self.streams.get_mut(&facts.stream?)?;
        let by_cucm = facts.src == *stream.cucm;
        let first = stream.first_closer_was_cucm.is_none();
        if first {
            stream.first_closer_was_cucm = Some(by_cucm);
        }
        let (phone_key, cucm) = (Arc::clone(&stream.phone), Arc::clone(&stream.cucm));
        let phone = self.phones.get_mut(&phone_key)?;
        let signalling = phone.signalling;
        let i = phone.link(&cucm)?;
        let link = &mut phone.links[i];
        let mut finding = None;
        // The CUCM ending a connection the phone did not end first: the
        // phone is no longer registered there.
        if by_cucm && first && (link.registered || link.role == Some(Role::Backup)) {
            let how = if reset { "reset" } else { "closed" };
            finding = Some(Finding {
                kind: FindingKind::Unregistered,
                text: format!(
                    "CUCM {cucm} {how} the phone's {} connection at this frame: the phone is \
                     no longer registered (or kept alive) there and must register again. \
                     CUCM drops a phone it believes gone (keepalive or refresh timeout, \
                     EndPointUnregistered reason 13), a duplicate IP address, or a reset of \
                     the device: check CUCM's EndPointUnregistered alarm for this device",
                    signalling.as_str()
                ),
            });
            link.dropped = Some(facts.frame);
        }
        if by_cucm && first {
            link.registered = false;
        }
        let event = EventLabel {
            event: if reset { Event::Reset } else { Event::Closed },
            cucm: Arc::clone(&link.cucm),
            role: link.role,
            expires: None,
            interval: None,
        };
        Some((phone_key, event, finding.into_iter().collect(), None))
    }

    /// A SIP or Skinny registration message.
    fn message(&mut self, facts: &FrameFacts, input: &Input) -> Option<Step> {
        let from_phone = match input {
            Input::SipRegister { .. } => true,
            Input::SipResponse { .. } => false,
            // The CUCM's order to restart is the EMCC flow's business (its
            // phase 3); the registration follows from the Unregister after it.
            Input::Sccp(Sccp::Reset { .. }) => return None,
            Input::Sccp(m) => m.from_phone(),
            Input::Closed { .. } | Input::Config { .. } => return None,
        };
        let (phone_address, cucm) = if from_phone {
            (&facts.src, &facts.dst)
        } else {
            (&facts.dst, &facts.src)
        };
        let signalling = match input {
            Input::Sccp(_) => Signalling::Sccp,
            _ => Signalling::Sip,
        };
        let key = self.phone_key(phone_address, signalling)?;
        if let Some(stream) = facts.stream {
            if self.streams.len() < MAX_STREAMS || self.streams.contains_key(&stream) {
                let entry = self.streams.entry(stream).or_insert_with(|| Stream {
                    phone: Arc::clone(&key),
                    cucm: cucm.as_str().into(),
                    first_closer_was_cucm: None,
                });
                // A stream index reused with other ends (a merged capture).
                if *entry.cucm != **cucm || entry.phone != key {
                    *entry = Stream {
                        phone: Arc::clone(&key),
                        cucm: cucm.as_str().into(),
                        first_closer_was_cucm: None,
                    };
                }
            }
        }
        let phone = self.phones.get_mut(&key)?;
        let first_sight = phone.links.is_empty();
        let i = phone.link(cucm)?;
        let at = Now {
            frame: facts.frame,
            time: facts.time,
            first_sight,
        };
        let mut notes = Vec::new();
        let named = match input {
            Input::SipRegister { device, .. } => device.as_deref(),
            Input::Sccp(Sccp::Register { device }) => device.as_deref(),
            _ => None,
        };
        if let Some(device) = named.filter(|d| !d.is_empty()) {
            notes.extend(self.moved(device, &key, facts.frame));
        }
        match input {
            Input::SipRegister { expires: None, .. } => notes.push(Finding {
                kind: FindingKind::Incomplete,
                text: "REGISTER without Expires (no header, no Contact parameter): the phone \
                       leaves the registration's length to the CUCM (RFC 3261 section \
                       10.2.1); taken as a registration"
                    .to_string(),
            }),
            Input::Sccp(Sccp::RegisterAck {
                keepalive: None, ..
            }) => notes.push(Finding {
                kind: FindingKind::Incomplete,
                text: "RegisterAck without a keepalive interval (shorter than its layout, or \
                       cut by the capture): keepalives to this CUCM are not checked against an \
                       interval"
                    .to_string(),
            }),
            _ => {}
        }
        let phone = self.phones.get_mut(&key)?;
        let (event, finding, restart) = match input {
            Input::SipRegister {
                expires,
                keep_alive,
                device,
                restart,
            } => {
                phone.learn_device(device.as_deref());
                sip_register(phone, i, at, *expires, *keep_alive, restart.as_ref())
            }
            Input::SipResponse {
                status,
                phrase,
                expires,
                keep_alive,
            } => sip_response(phone, i, *status, phrase, *expires, *keep_alive),
            Input::Sccp(m) => sccp(phone, i, at, m)?,
            Input::Closed { .. } | Input::Config { .. } => return None,
        };
        let findings = finding.into_iter().chain(notes).collect();
        Some((key, event, findings, restart))
    }

    /// A device name registering from `address` that was last seen at
    /// another address: the two are followed as two phones.
    fn moved(&mut self, device: &str, address: &Text, frame: u32) -> Option<Finding> {
        if let Some(before) = self.devices.get(device) {
            if before == address {
                return None;
            }
            let text = format!(
                "{device} registered from {before} before: from frame {frame} it registers \
                 from {address}, and is followed as another phone from here (a new DHCP \
                 lease, or two devices configured with one name)"
            );
            self.devices.insert(device.into(), Arc::clone(address));
            return Some(Finding {
                kind: FindingKind::Incomplete,
                text,
            });
        }
        if self.devices.len() < MAX_PHONES {
            self.devices.insert(device.into(), Arc::clone(address));
        }
        None
    }

    /// The phone at `address`, added if new (and there is room).
    fn phone_key(&mut self, address: &str, signalling: Signalling) -> Option<Text> {
        if let Some((key, _)) = self.phones.get_key_value(address) {
            return Some(Arc::clone(key));
        }
        if self.phones.len() >= MAX_PHONES {
            return None;
        }
        let key: Text = address.into();
        let config = self.configs.remove(address);
        let number = u32::try_from(self.phones.len()).unwrap_or(u32::MAX - 1) + 1;
        self.phones.insert(
            Arc::clone(&key),
            Phone {
                number,
                address: Arc::clone(&key),
                device: None,
                signalling,
                primary: None,
                links: Vec::new(),
                registrations: VecDeque::new(),
                secondary_interval: None,
                restarted: false,
                config: Vec::new(),
            },
        );
        if let (Some(cucms), Some(phone)) = (config, self.phones.get_mut(&key)) {
            phone.set_config(&cucms);
        }
        Some(key)
    }
}

/// A phone key, the event, its findings, and a restart cause announced.
type Step = (Text, EventLabel, Vec<Finding>, Option<Restart>);
type Decided = (EventLabel, Option<Finding>, Option<Restart>);

#[derive(Clone, Copy)]
struct Now {
    frame: u32,
    time: NsTime,
    /// No earlier frame of this phone was seen.
    first_sight: bool,
}

impl Phone {
    fn learn_device(&mut self, device: Option<&str>) {
        if let Some(device) = device.filter(|d| !d.is_empty()) {
            if self.device.as_deref() != Some(device) {
                self.device = Some(device.into());
            }
        }
    }

    /// Roles from the configuration file: the first CUCM it lists is the
    /// primary, the others backups (seeds/003: the phone registers with the
    /// first CUCM of the list). A later file replaces an earlier one.
    fn set_config(&mut self, cucms: &[String]) {
        self.config = cucms
            .iter()
            .take(MAX_LINKS)
            .map(|c| c.as_str().into())
            .collect();
        self.primary = self.config.first().cloned();
        for link in &mut self.links {
            link.role = self.config.iter().position(|c| *c == link.cucm).map(|at| {
                if at == 0 {
                    Role::Primary
                } else {
                    Role::Backup
                }
            });
        }
    }

    /// The role the configuration file gives `cucm`, if one was seen.
    fn role_in_config(&self, cucm: &str) -> Option<Role> {
        let at = self.config.iter().position(|c| &**c == cucm)?;
        Some(if at == 0 { Role::Primary } else { Role::Backup })
    }

    /// A phone is registered with one CUCM at a time (it keeps the others
    /// alive only).
    fn registered_only_with(&mut self, i: usize) {
        for (j, link) in self.links.iter_mut().enumerate() {
            link.registered = j == i;
        }
    }

    fn event(&self, i: usize, event: Event) -> EventLabel {
        EventLabel {
            event,
            cucm: Arc::clone(&self.links[i].cucm),
            role: self.links[i].role,
            expires: None,
            interval: None,
        }
    }

    /// A fresh registration with link `i`: its role, and whether it is a
    /// failover or one registration too many. A phone that registers
    /// elsewhere while its primary showed trouble fails over. One that does
    /// so after a restart, its primary showing none, works down a CUCM list
    /// it may just have downloaded (an EMCC login moves it to the home
    /// cluster's): the CUCM it registers with is its new primary. (Restart
    /// causes do not tell the two apart: an SCCP phone reports one before
    /// every Register, `17 ... Last=KeepaliveTO` when it fails over.)
    fn fresh_registration(&mut self, i: usize, at: Now, after_restart: bool) -> Option<Finding> {
        let cucm = Arc::clone(&self.links[i].cucm);
        let primary_trouble = self
            .primary
            .as_ref()
            .filter(|p| **p != cucm)
            .and_then(|p| self.links.iter().find(|l| l.cucm == *p))
            .and_then(Link::trouble);
        let new_list = after_restart && primary_trouble.is_none();
        if new_list
            && self.primary.as_ref().is_some_and(|p| *p != cucm)
            && self.role_in_config(&cucm) != Some(Role::Backup)
        {
            for link in &mut self.links {
                link.role = None;
            }
            self.primary = None;
        }
        if self.links[i].role.is_none() {
            self.links[i].role = Some(self.role_in_config(&cucm).unwrap_or(match &self.primary {
                None => Role::Primary,
                Some(_) => Role::Backup,
            }));
        }
        if self.primary.is_none() && self.links[i].role == Some(Role::Primary) {
            self.primary = Some(Arc::clone(&cucm));
        }
        let window = at.time.since(NsTime::new(i64::from(LOOP_WINDOW_SECS), 0));
        self.registrations
            .push_back((at.frame, at.time, Arc::clone(&cucm)));
        while self
            .registrations
            .front()
            .is_some_and(|(_, t, _)| *t < window)
        {
            self.registrations.pop_front();
        }
        // Again and again with the same CUCM: moving between clusters (an
        // EMCC login and its fallback) is not a loop.
        let same: Vec<&(u32, NsTime, Text)> = self
            .registrations
            .iter()
            .filter(|(_, _, c)| *c == cucm)
            .collect();
        if same.len() >= LOOP_COUNT {
            let (first_frame, first_time, _) = same[0];
            let frames: Vec<String> = same.iter().map(|(f, _, _)| f.to_string()).collect();
            return Some(Finding {
                kind: FindingKind::Loop,
                text: format!(
                    "Registration {} of this phone with {cucm} in {} s (frames {}; the first \
                     at frame {first_frame}): the phone keeps registering afresh. Look at the \
                     restart causes it reports (REGISTER Reason or Skinny Alarm), its power \
                     and network link, and CUCM's EndPointUnregistered alarms for it",
                    same.len(),
                    at.time.since(*first_time).at_least_zero().decimals(0),
                    frames.join(", ")
                ),
            });
        }
        let primary = self.primary.clone()?;
        if *primary == *cucm || new_list {
            return None;
        }
        let why = match primary_trouble {
            Some(trouble) => format!("after the primary {primary} stopped answering ({trouble})"),
            None => format!("although the primary {primary} showed no trouble in this capture"),
        };
        Some(Finding {
            kind: FindingKind::Failover,
            text: format!(
                "The phone registers with its backup CUCM {cucm} {why}. Check the primary's \
                 reachability and its CallManager service; the phone returns to the primary \
                 when it answers again"
            ),
        })
    }
}

fn sip_register(
    phone: &mut Phone,
    i: usize,
    at: Now,
    expires: Option<u32>,
    keep_alive: bool,
    restart: Option<&Restart>,
) -> Decided {
    let interval = phone.links[i]
        .last_renewal
        .map(|t| at.time.since(t).at_least_zero());
    let before = phone.links[i].pending;
    // RFC 3261 section 10.2.1: without Expires the registrar chooses; the
    // phone still asks to be registered.
    if expires == Some(0) && keep_alive {
        let link = &mut phone.links[i];
        if link.role.is_none() {
            link.role = Some(Role::Backup);
        }
        link.last_renewal = Some(at.time);
        link.pending = Some(Pending {
            asked: Asked::Keepalive,
            frame: at.frame,
        });
        let finding = unanswered(before, "keepalive REGISTER", &link.cucm);
        let mut event = phone.event(i, Event::Keepalive);
        event.interval = interval;
        return (event, finding, None);
    }
    if expires == Some(0) {
        phone.links[i].pending = Some(Pending {
            asked: Asked::Unregister,
            frame: at.frame,
        });
        return (phone.event(i, Event::Unregister), None, None);
    }
    let link = &phone.links[i];
    // A phone first seen refreshing, without a restart cause, was registered
    // before the capture started.
    let refresh = restart.is_none() && (link.registered || at.first_sight);
    let finding;
    let event;
    if refresh {
        if link.role.is_none() && phone.primary.is_none() {
            phone.primary = Some(Arc::clone(&link.cucm));
            phone.links[i].role = Some(Role::Primary);
        }
        let link = &phone.links[i];
        finding = unanswered(before, "REGISTER", &link.cucm).or_else(|| {
            late_refresh(
                interval,
                link.granted.filter(|_| link.registered),
                &link.cucm,
            )
        });
        event = Event::Refresh;
    } else {
        finding = phone.fresh_registration(i, at, restart.is_some());
        event = Event::Register;
    }
    let link = &mut phone.links[i];
    link.last_renewal = Some(at.time);
    link.pending = Some(Pending {
        asked: if refresh {
            Asked::Refresh
        } else {
            Asked::Register
        },
        frame: at.frame,
    });
    let mut label = phone.event(i, event);
    if refresh {
        label.interval = interval;
    }
    (label, finding, restart.cloned())
}

/// A refresh sent after the previous grant ran out.
fn late_refresh(interval: Option<NsTime>, granted: Option<u32>, cucm: &str) -> Option<Finding> {
    let (interval, granted) = (interval?, granted?);
    let deadline = NsTime::new(i64::from(granted), 0);
    if interval <= deadline {
        return None;
    }
    Some(Finding {
        kind: FindingKind::Missed,
        text: format!(
            "Refresh sent {} s after the previous registration with {cucm}, which granted \
             {granted} s: the registration had lapsed {} s earlier, and CUCM unregisters a \
             phone whose registration runs out (EndPointUnregistered reason 13, keepalive \
             timeout). Check the phone's network path to the CUCM and its load",
            interval.decimals(1),
            interval.since(deadline).decimals(1)
        ),
    })
}

/// The previous request to that CUCM still unanswered when the phone asks
/// again.
fn unanswered(before: Option<Pending>, what: &str, cucm: &str) -> Option<Finding> {
    let pending = before?;
    if pending.asked == Asked::Unregister {
        return None;
    }
    let earlier = match pending.asked {
        Asked::Keepalive => "keepalive",
        _ => "REGISTER",
    };
    Some(Finding {
        kind: FindingKind::Missed,
        text: format!(
            "This {what} follows the {earlier} of frame {} to {cucm}, which got no answer: \
             the CUCM did not acknowledge it (or the capture missed the answer). Unanswered \
             keepalives make the phone fail over to its backup",
            pending.frame
        ),
    })
}

fn sip_response(
    phone: &mut Phone,
    i: usize,
    status: u32,
    phrase: &str,
    expires: Option<u32>,
    keep_alive: bool,
) -> Decided {
    let pending = phone.links[i].pending;
    let cucm = Arc::clone(&phone.links[i].cucm);
    if status < 200 {
        return (phone.event(i, Event::Trying), None, None);
    }
    phone.links[i].pending = None;
    if status == 401 || status == 407 {
        return (phone.event(i, Event::Challenged), None, None);
    }
    if status >= 300 {
        phone.links[i].registered = false;
        let finding = Finding {
            kind: FindingKind::Rejected,
            text: format!(
                "CUCM {cucm} rejected the registration: {status} {phrase}. {}",
                rejection_advice(status)
            ),
        };
        return (phone.event(i, Event::Rejected), Some(finding), None);
    }
    let asked = pending.map(|p| p.asked).unwrap_or(match expires {
        Some(0) if keep_alive => Asked::Keepalive,
        Some(0) => Asked::Unregister,
        _ => Asked::Register,
    });
    match asked {
        Asked::Register | Asked::Refresh => {
            phone.registered_only_with(i);
            let link = &mut phone.links[i];
            link.dropped = None;
            if expires.is_some() {
                link.granted = expires;
            }
            let mut event = phone.event(i, Event::Registered);
            event.expires = expires;
            (event, None, None)
        }
        Asked::Keepalive => (phone.event(i, Event::KeepaliveAck), None, None),
        Asked::Unregister => {
            phone.links[i].registered = false;
            let finding = Finding {
                kind: FindingKind::Unregistered,
                text: format!(
                    "The phone unregistered from {cucm} (REGISTER with Expires: 0, accepted): \
                     it is shutting down, restarting or moving to another CUCM"
                ),
            };
            (phone.event(i, Event::Unregistered), Some(finding), None)
        }
    }
}

/// What a SIP status to a REGISTER usually means on CUCM.
fn rejection_advice(status: u32) -> &'static str {
    match status {
        403 => "Check the phone's security profile and digest credentials in CUCM",
        404 => {
            "Check that the device (and its directory number) is configured on this \
             CUCM cluster"
        }
        503 => {
            "The CUCM is overloaded or not in the phone's CUCM group: check the \
             device pool's CUCM group"
        }
        _ => "Check the device's configuration in CUCM and the CUCM's SIP trace for the reason",
    }
}

fn sccp(phone: &mut Phone, i: usize, at: Now, message: &Sccp) -> Option<Decided> {
    let cucm = Arc::clone(&phone.links[i].cucm);
    Some(match message {
        Sccp::Alarm { text } => {
            let restart = super::facts::skinny_alarm_restart(text);
            // An SCCP phone reports its restart cause before it registers
            // (seeds/003).
            phone.restarted = restart.is_some();
            (phone.event(i, Event::Alarm), None, restart)
        }
        Sccp::Register { device } => {
            phone.learn_device(device.as_deref());
            let after_restart = std::mem::take(&mut phone.restarted);
            let finding = phone.fresh_registration(i, at, after_restart);
            let link = &mut phone.links[i];
            // Keepalives are counted from the registration: after a
            // failover the secondary's interval gives way to the primary's.
            link.last_renewal = Some(at.time);
            link.pending = Some(Pending {
                asked: Asked::Register,
                frame: at.frame,
            });
            (phone.event(i, Event::Register), finding, None)
        }
        Sccp::RegisterAck {
            keepalive,
            secondary,
        } => {
            phone.registered_only_with(i);
            let link = &mut phone.links[i];
            link.dropped = None;
            link.pending = None;
            if keepalive.is_some() {
                link.granted = *keepalive;
            }
            if secondary.is_some() {
                phone.secondary_interval = *secondary;
            }
            for (j, other) in phone.links.iter_mut().enumerate() {
                if j != i && !other.registered && other.role == Some(Role::Backup) {
                    other.granted = phone.secondary_interval;
                }
            }
            let mut event = phone.event(i, Event::Registered);
            event.expires = *keepalive;
            (event, None, None)
        }
        Sccp::RegisterReject { text } => {
            let link = &mut phone.links[i];
            link.registered = false;
            link.pending = None;
            let finding = Finding {
                kind: FindingKind::Rejected,
                text: format!(
                    "CUCM {cucm} rejected the registration: \"{text}\". Check that the device \
                     is configured on this CUCM as an SCCP phone with this device name, and \
                     that the CUCM is in its device pool's CUCM group"
                ),
            };
            (phone.event(i, Event::Rejected), Some(finding), None)
        }
        Sccp::KeepAlive => {
            let primary = phone.primary.clone();
            let secondary_interval = phone.secondary_interval;
            let link = &mut phone.links[i];
            // Keepalives on a connection that never registered, to another
            // CUCM than the primary: the secondary (seeds/003).
            if link.role.is_none() && primary.is_some_and(|p| p != link.cucm) {
                link.role = Some(Role::Backup);
                link.granted = link.granted.or(secondary_interval);
            }
            let interval = link.last_renewal.map(|t| at.time.since(t).at_least_zero());
            let finding = match link.pending {
                Some(p) if p.asked == Asked::Keepalive => {
                    unanswered(Some(p), "KeepAlive", &link.cucm)
                }
                _ => late_keepalive(interval, link.granted, &link.cucm),
            };
            link.last_renewal = Some(at.time);
            link.pending = Some(Pending {
                asked: Asked::Keepalive,
                frame: at.frame,
            });
            let mut event = phone.event(i, Event::Keepalive);
            event.interval = interval;
            (event, finding, None)
        }
        Sccp::KeepAliveAck => {
            let link = &mut phone.links[i];
            if link.pending.is_some_and(|p| p.asked == Asked::Keepalive) {
                link.pending = None;
            }
            (phone.event(i, Event::KeepaliveAck), None, None)
        }
        Sccp::Unregister => {
            phone.links[i].pending = Some(Pending {
                asked: Asked::Unregister,
                frame: at.frame,
            });
            (phone.event(i, Event::Unregister), None, None)
        }
        Sccp::UnregisterAck => {
            let link = &mut phone.links[i];
            link.registered = false;
            link.pending = None;
            let finding = Finding {
                kind: FindingKind::Unregistered,
                text: format!(
                    "The phone unregistered from {cucm} (UnregisterReq, acknowledged): it is \
                     shutting down, restarting or moving to another CUCM"
                ),
            };
            (phone.event(i, Event::Unregistered), Some(finding), None)
        }
        Sccp::Reset { .. } => return None,
    })
}

/// A keepalive later than one and a half announced intervals (an
/// assumption: the documents give the intervals, not CUCM's tolerance).
fn late_keepalive(interval: Option<NsTime>, announced: Option<u32>, cucm: &str) -> Option<Finding> {
    let (interval, announced) = (interval?, announced?);
    if announced == 0 || interval <= NsTime::new(i64::from(announced) * 3 / 2, 0) {
        return None;
    }
    Some(Finding {
        kind: FindingKind::Missed,
        text: format!(
            "KeepAlive sent {} s after the previous one to {cucm}; the RegisterAck asked for \
             one every {announced} s: keepalives were missed (or lost before the capture \
             point). CUCM unregisters a phone whose keepalives stop (EndPointUnregistered \
             reason 13, keepalive timeout)",
            interval.decimals(1)
        ),
    })
}

#[cfg(test)]
mod tests;
