//! What the tracker decided about one frame: kept per frame so that every
//! later pass, the report and the GUI show the same thing.

use std::sync::Arc;

use super::facts::{Restart, Signalling};
use crate::nstime::NsTime;

pub type Text = Arc<str>;

/// One word for what a registration frame does (`ciscoreg.event`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A registration that starts afresh (first to that CUCM, after a
    /// restart, or while not registered there).
    Register,
    /// A SIP REGISTER renewing a registration that still holds.
    Refresh,
    /// A SIP keepalive REGISTER (`Expires: 0`, `cisco-keep-alive`) or an
    /// SCCP KeepAlive.
    Keepalive,
    /// SIP 1xx to a REGISTER.
    Trying,
    /// SIP 401/407 to a REGISTER: the phone is asked for credentials.
    Challenged,
    /// The CUCM accepted a register or refresh.
    Registered,
    KeepaliveAck,
    Rejected,
    Unregister,
    Unregistered,
    /// An SCCP Alarm (the phone's last restart cause, sent before Register).
    Alarm,
    /// A FIN on the registration connection.
    Closed,
    /// An RST on the registration connection.
    Reset,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Register => "register",
            Event::Refresh => "refresh",
            Event::Keepalive => "keepalive",
            Event::Trying => "trying",
            Event::Challenged => "challenged",
            Event::Registered => "registered",
            Event::KeepaliveAck => "keepalive-ack",
            Event::Rejected => "rejected",
            Event::Unregister => "unregister",
            Event::Unregistered => "unregistered",
            Event::Alarm => "alarm",
            Event::Closed => "closed",
            Event::Reset => "reset",
        }
    }
}

/// A CUCM's place in the phone's list: the one it registers with first, or
/// a backup it only keeps alive (or fails over to).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Primary,
    Backup,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Backup => "backup",
        }
    }
}

/// The expert infos, named as their `ciscoreg.<kind>` without the prefix
/// (the `kind` of the JSON report).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    Missed,
    Rejected,
    Failover,
    Loop,
    Unregistered,
    /// A value the tracker needs is missing (it assumes a default), or a
    /// device turned up at a new address.
    Incomplete,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Missed => "missed",
            FindingKind::Rejected => "rejected",
            FindingKind::Failover => "failover",
            FindingKind::Loop => "loop",
            FindingKind::Unregistered => "unregistered",
            FindingKind::Incomplete => "incomplete",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub text: String,
}

/// One registration message of the frame (a TCP segment may carry several
/// Skinny messages).
#[derive(Clone, Debug, PartialEq)]
pub struct EventLabel {
    pub event: Event,
    pub cucm: Text,
    pub role: Option<Role>,
    /// Seconds granted: SIP's Expires in a 2xx, SCCP's keepalive interval
    /// in a RegisterAck.
    pub expires: Option<u32>,
    /// Since the previous refresh or keepalive to that CUCM.
    pub interval: Option<NsTime>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegLabel {
    pub time: NsTime,
    pub phone: Text,
    /// The phone's number in the capture, in the order the tracker met it.
    pub phone_number: u32,
    pub device: Option<Text>,
    pub signalling: Signalling,
    pub events: Vec<EventLabel>,
    /// A restart cause this frame announced.
    pub restart: Option<Restart>,
    pub findings: Vec<Finding>,
}

impl RegLabel {
    /// The Info column's words: "[SIP refresh to 10.0.0.1 (primary), 115 s
    /// after the last]". Written into one string: it is built for every
    /// labelled frame of a plain read.
    pub fn info(&self) -> String {
        use std::fmt::Write;
        let mut text = String::with_capacity(64 * self.events.len());
        text.push('[');
        for (n, e) in self.events.iter().enumerate() {
            if n > 0 {
                text.push_str("; ");
            }
            text.push_str(self.signalling.as_str());
            text.push(' ');
            text.push_str(e.event.as_str());
            text.push_str(match e.event {
                Event::Register
                | Event::Refresh
                | Event::Keepalive
                | Event::Unregister
                | Event::Alarm => " to ",
                Event::Closed | Event::Reset => " with ",
                _ => " from ",
            });
            text.push_str(&e.cucm);
            if let Some(role) = e.role {
                text.push_str(" (");
                text.push_str(role.as_str());
                text.push(')');
            }
            if let Some(expires) = e.expires {
                let _ = write!(text, ", {expires} s granted");
            }
            if let Some(interval) = e.interval {
                let _ = write!(text, ", {} s after the last", interval.decimals(0));
            }
        }
        text.push(']');
        text
    }
}
