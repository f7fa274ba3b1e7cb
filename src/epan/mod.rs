//! The one module with `unsafe`: the boundary to libwireshark.
//!
//! - `sys`: generated bindings, used only here;
//! - `shim.c` (compiled by build.rs): every Wireshark call that may throw;
//! - `plugin`: the exported symbols the plugin loader reads;
//! - `registry`: static tables of protocols, fields, subtrees, expert infos;
//! - `dissector`: dissector registration and the trampoline all calls enter by;
//! - `echo`: our own fields' values handed to a later post-dissector of ours;
//! - `postdissectors`: our post-dissectors, run by one Wireshark post-dissector;
//! - `inputs`: where they read other protocols from: taps (and wrappers), or the tree;
//! - `followed`: the follow taps' buffers of the current frame, found once per dissection;
//! - `packet`: the safe per-call API (bytes, columns, tree, expert infos);
//! - `tap`: taps, `-z` text statistics and statistics trees;
//! - `flow_graph` (and `flow_graph.c`): ladders in the Flow Graph and `-z flow,NAME`;
//! - `tcp`: a TCP segment's stream index and flags, from taps or the tree;
//! - `guard`: panics become values, never unwinding into C;
//! - `output`: text for the user, through Wireshark's C stdio;
//! - `c_strings`: text into C strings and shim messages back;
//! - `faults`: faults injected by the tests (cargo feature `fault-injection`).
//!
//! Everything outside this module is safe Rust.
#![allow(unsafe_code)]
// The tree/packet API is the surface every decoder of the plugin builds on;
// parts of it wait for the decoders still to come.
#![allow(dead_code)]

mod c_strings;
mod dissector;
mod echo;
mod faults;
mod flow_graph;
mod followed;
mod guard;
mod inputs;
mod layers;
mod output;
mod packet;
mod plugin;
mod postdissectors;
mod registry;
mod sys;
mod tap;
pub mod tcp;
mod version;

pub use dissector::{Dissector, ForeignDissector, PortWrapper};
pub use echo::echo_fields;
pub use flow_graph::{Arrow, FlowGraph, Mark};
pub use followed::TappedBuffers;
pub use inputs::{prefer_tree, set_tap_reader, Followed};
// Item and Tree are named by decoders that pass tree handles around.
#[allow(unused_imports)]
pub use packet::{FoundField, FoundString, Item, Packet, Source, TappedHttp, TappedTcp, Tree};
pub use registry::{
    BoolPref, Expert, ExpertGroup, Field, FieldKind, ForeignField, Protocol, Severity, StringPref,
    Subtree, UintPref,
};
pub use tap::{NodeId, StatsNodes, StatsTree, Tap, TextStatistic};
