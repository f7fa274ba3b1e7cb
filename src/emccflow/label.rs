//! What the flow decides about one frame: kept per frame (so every pass and
//! every tap listener sees the first pass's decision) and shown as fields.

use super::phase::{Phase, Side};
use crate::nstime::NsTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Login,
    Logout,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::Logout => "logout",
        }
    }
}

/// Something worth an expert info at this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    LoginRefused,
    FilesUnavailable,
    TvsFailed,
    RegisterRejected,
    Stuck,
    FellBack,
    Completed,
    MidFlow,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub text: String,
}

/// How an attempt ended, recorded on the frame that decided it.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Completed { seconds: NsTime },
    Failed { phase: Phase, reason: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The phone this frame belongs to: its address, or its device name when
    /// the frame does not show the phone (server-to-server EMService).
    pub key: String,
    pub phase: Phase,
    pub device: Option<String>,
    pub phone: Option<String>,
    pub user: Option<String>,
    pub side: Option<Side>,
    pub step: String,
    pub attempt: u32,
    pub kind: Kind,
    /// When the attempt started; None for the registration before it.
    pub attempt_start: Option<NsTime>,
    pub time: NsTime,
    pub visiting: Option<String>,
    pub home: Option<String>,
    pub findings: Vec<Finding>,
    pub outcome: Option<Outcome>,
}

impl Label {
    /// Time since the attempt started (0 for a frame out of order before it).
    pub fn elapsed(&self) -> Option<NsTime> {
        self.attempt_start
            .map(|start| self.time.since(start).at_least_zero())
    }
}
