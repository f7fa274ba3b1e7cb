//! What the flow decides about one frame: kept per frame (so every pass and
//! every tap listener sees the first pass's decision) and shown as fields.

use std::sync::Arc;

use super::phase::{Phase, Side};
use crate::nstime::NsTime;

/// A string a label shares with the flow's memory and with other labels:
/// the same phone's name, user and clusters are on thousands of frames, and
/// a clone of a label must not copy them (each copy is a malloc and a free
/// on a frame that is mostly someone else's).
pub type Text = Arc<str>;

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
    Completed {
        seconds: NsTime,
    },
    Failed {
        phase: Phase,
        reason: String,
        /// The code the refusal carried: an EMApp or EMService error code, a
        /// SIP status; None for failures without one (TVS, files, fallback).
        code: Option<u32>,
    },
}

/// Whom a label is about. It changes only when the flow learns something
/// about the phone (its device name, user, clusters), so the labels of a
/// phone's frames share one: a label is cloned for every TCP segment of a
/// followed connection, and each shared string is an atomic count to move.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Who {
    /// The phone's number in the capture, in the order the flow met it
    /// (from 1; 0 for a frame of a phone the flow does not hold).
    pub number: u32,
    /// The phone this frame belongs to: its address, or its device name when
    /// the frame does not show the phone (server-to-server EMService).
    pub key: Text,
    pub device: Option<Text>,
    pub phone: Option<Text>,
    pub user: Option<Text>,
    pub visiting: Option<Text>,
    pub home: Option<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub who: Arc<Who>,
    pub phase: Phase,
    pub side: Option<Side>,
    pub step: Text,
    pub attempt: u32,
    pub kind: Kind,
    /// When the attempt started; None for the registration before it.
    pub attempt_start: Option<NsTime>,
    pub time: NsTime,
    pub findings: Vec<Finding>,
    pub outcome: Option<Outcome>,
    /// The words above the frame's arrow in the ladder (`arrow`): frames
    /// with a message of their own have one, the rest of a connection none.
    pub arrow: Option<Text>,
}

impl Label {
    /// Time since the attempt started (0 for a frame out of order before it).
    pub fn elapsed(&self) -> Option<NsTime> {
        self.attempt_start
            .map(|start| self.time.since(start).at_least_zero())
    }
}
