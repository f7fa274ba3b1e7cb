#![forbid(unsafe_code)]
//! For fuzzing and benchmarks, not an API.
//!
//! The plugin is used through Wireshark, never as a Rust library; the `rlib` crate
//! type exists only so that the fuzz targets in `tests/fuzz/` and benchmarks can
//! call the pure parsers and state machines directly. This module re-exports
//! exactly those entry points, grouped by protocol; names, types and behaviour
//! change whenever the plugin needs them to. Everything else stays private.

/// Where in its input a parsed value came from (every parser's spans).
pub use crate::span::Span;

/// Times and durations in seconds and nanoseconds (frame times of the TVS
/// sessions and the EMCC flow).
pub use crate::nstime::NsTime;

/// Alarm XML bodies, their typed values, and the REGISTER `Reason` header.
pub mod ciscoalarm {
    pub use crate::ciscoalarm::parse::parse_alarm_document;
    pub use crate::ciscoalarm::protocol_event::split_protocol_event;
    pub use crate::ciscoalarm::reason::{parse_reason, parse_skinny_alarm, CiscoReason};
    pub use crate::ciscoalarm::signature::decode_hex_signature;
}

/// The registration tracker, the facts it is fed frame by frame, and the
/// `-z ciscoreg` reports made of its labels.
pub mod ciscoreg {
    pub use crate::ciscoreg::facts::{FrameFacts, Input, Restart, Sccp};
    pub use crate::ciscoreg::report::Report;
    pub use crate::ciscoreg::tracker::Tracker;
}

/// Remote call control bodies.
pub mod ciscoremotecc {
    pub use crate::ciscoremotecc::parse::parse_remotecc;
}

/// EMApp request targets and forms, the phone XML it answers, EMService XML.
pub mod emcc {
    pub use crate::emcc::em_error::find_em_error;
    pub use crate::emcc::emservice::{classify as classify_emservice, parse_emservice};
    pub use crate::emcc::phone_xml::parse_phone_xml;
    pub use crate::emcc::query::{classify as classify_request, parse_form, parse_target};
}

/// TVS messages (decrypted) and the session tracker fed with TCP/TLS facts.
pub mod ciscotvs {
    pub use crate::ciscotvs::messages::{parse as parse_messages, Rest};
    pub use crate::ciscotvs::sessions::{FrameFacts, Sessions};
}

/// Phone file names, CTL/ITL files, signed files and configurations, the TFTP
/// transfer tracker and the download judge.
pub mod ciscotl {
    pub use crate::ciscotl::downloads::{Downloads, Event};
    pub use crate::ciscotl::files::{classify as classify_file, FileKind};
    pub use crate::ciscotl::signed_config::{config_facts, parse_signed};
    pub use crate::ciscotl::tftp_wire::{
        parse as parse_tftp, shown as tftp_shown, Datagram, Shown, TftpTracker,
    };
    pub use crate::ciscotl::transfers::{explain, Block, Transfers, MAX_FILE, MAX_HELD};
    pub use crate::ciscotl::trustlist::parse_trust_list;
}

/// The EMCC login flow state machine, the facts it is fed frame by frame, and the
/// `-z emccflow` report made of its labels.
pub mod emccflow {
    pub use crate::emccflow::facts::{
        contact_device, contact_expires, status_phrase, FrameFacts, Message, Tcp,
    };
    pub use crate::emccflow::machine::{Config, Decision, Flow};
    pub use crate::emccflow::report::Report;
    pub use crate::skinny_messages::Sccp;
}
