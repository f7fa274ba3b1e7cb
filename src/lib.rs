//! Wireshark plugin that makes Cisco Unified CM phone traffic readable, for
//! engineers tracing an Extension Mobility Cross Cluster (EMCC) login.
//!
//! Layout: `epan` is the only module touching Wireshark (and the only one
//! where the unsafe_code lint is allowed); each protocol module holds a pure parser and the glue
//! that turns its result into fields.
#![deny(unsafe_code)]

mod ciscoalarm;
mod ciscoreg;
mod ciscoremotecc;
mod ciscotl;
mod ciscotvs;
mod emcc;
mod emccflow;
mod epan;
mod frame_memory;
pub mod harness;
mod host_program;
mod http_requests;
mod json;
mod message_fields;
mod nstime;
pub mod sip_message;
mod skinny_messages;
mod span;
mod state;
mod tap_inputs;
mod tlv;
mod u32_map;
mod xml;

/// Called once by Wireshark (through `epan::plugin`) to register protocols.
fn register_protocols() {
    ciscoalarm::register();
    ciscoreg::register();
    ciscoremotecc::register();
    ciscotl::register();
    ciscotvs::register();
    emcc::register();
    emccflow::register();
    tap_inputs::register();
}

/// Called once after every protocol of every plugin is registered.
fn register_handoffs() {
    ciscoalarm::handoff();
    ciscoremotecc::handoff();
    ciscotl::handoff();
    ciscotvs::handoff();
    emcc::handoff();
    tap_inputs::handoff();
    ciscoreg::handoff();
    // Last: it reads the fields the post-dissectors above add.
    emccflow::handoff();
}

/// Called before each capture file is read: state kept across frames starts
/// afresh.
fn reset_capture_state() {
    epan::prefer_tree(emcc::reads_protocol_tree() || host_program::dissects_without_taps());
    tap_inputs::reset_capture_state();
    http_requests::reset_capture_state();
    ciscoalarm::reset_capture_state();
    emcc::reset_capture_state();
    ciscotl::reset_capture_state();
    ciscotvs::reset_capture_state();
    ciscoreg::reset_capture_state();
    emccflow::reset_capture_state();
}

/// Called after the user changes a preference of ours (and at start-up).
fn preferences_applied() {
    ciscotvs::preferences_applied();
    emccflow::preferences_applied();
}
