//! Where our post-dissectors get other protocols' values from.
//!
//! Two ways, chosen before each file is read (`choose`):
//! - **taps** (the default): what Wireshark's SIP, HTTP, TCP and UDP
//!   dissectors queue for tap listeners during a frame, read back by our
//!   post-dissector in the same frame (`fetch_tapped_data`, epan/tap.c), and
//!   what two wrappers of ours saw (Skinny's and TLS's TCP ports). None of
//!   it needs a protocol tree, so Wireshark builds none because of us. The
//!   follow taps queue their buffers only while someone listens
//!   (packet-sip.c, packet-http.c, packet-udp.c: `have_tap_listener`), so we
//!   listen as dissector helpers (`TL_IS_DISSECTOR_HELPER`, which makes no one
//!   dissect a frame: tap.c `tap_listeners_require_dissection`). Taps run
//!   only in dissections made with them (`epan_dissect_run_with_taps`): the
//!   first read in tshark and the GUI, tshark's second pass with `-2`, a
//!   statistic's retap. A frame is decided the first time it is seen with
//!   taps, in frame order; later dissections show what was decided.
//! - **the protocol tree**: the fields Wireshark put in the tree, asked for
//!   as a post-dissector's wanted fields, which makes Wireshark build a tree
//!   for every frame. For programs that dissect frames without taps before
//!   they show them: `tshark -2` (its first pass) and sharkd, recognised by
//!   `crate::host_program`, and any other when the preference
//!   `emcc.read_protocol_tree` is on.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;

use once_cell::sync::OnceCell;

use super::c_strings::c_message;
use super::output;
use super::packet::{FoundField, Packet};
use super::registry::ForeignField;
use super::sys;

/// Reads another protocol's field from tap data (see `set_tap_reader`).
pub type TapReader = for<'d> fn(&mut Packet<'d>, &ForeignField) -> Vec<FoundField<'d>>;

static TAP_READER: OnceCell<TapReader> = OnceCell::new();

/// Installs the code (safe, outside this module) that answers `Packet::fields`
/// from tap data.
pub fn set_tap_reader(reader: TapReader) {
    let _ = TAP_READER.set(reader);
}

pub(super) fn tap_reader() -> Option<TapReader> {
    TAP_READER.get().copied()
}

/// True while the post-dissectors read the protocol tree (the preference).
static READS_TREE: AtomicBool = AtomicBool::new(false);

/// The preference's value, as the user set it (applied at the next file).
static TREE_PREFERRED: AtomicBool = AtomicBool::new(false);

pub fn prefer_tree(on: bool) {
    TREE_PREFERRED.store(on, Ordering::Relaxed);
}

pub fn reads_tree() -> bool {
    READS_TREE.load(Ordering::Relaxed)
}

/// Frames up to this one were decided (taps mode); 0: none yet.
static DECIDED_THROUGH: AtomicU32 = AtomicU32::new(0);

/// Counts our post-dissector's runs: tells one dissection of a frame from
/// the next, for per-frame caches of what was read.
static DISSECTION: AtomicU64 = AtomicU64::new(0);

/// Chooses how this file is read; called before each file (init routine).
/// `any_enabled`: one of our post-dissectors' protocols is enabled. Returns
/// true when the post-dissectors should want their tree fields.
pub(super) fn choose(any_enabled: bool) -> bool {
    DECIDED_THROUGH.store(0, Ordering::Relaxed);
    forget_stash();
    let tree = TREE_PREFERRED.load(Ordering::Relaxed);
    READS_TREE.store(tree, Ordering::Relaxed);
    if any_enabled && !tree {
        start_listening();
    } else {
        // SAFETY: removes only our own listeners, if registered.
        unsafe { sys::emcc_inputs_stop() };
    }
    any_enabled && tree
}

fn start_listening() {
    let mut error = [0 as c_char; 200];
    // SAFETY: the buffer holds 200 bytes; the shim NUL-terminates.
    let ok = unsafe { sys::emcc_inputs_start(error.as_mut_ptr(), error.len() as c_int) };
    if ok == 0 {
        output::write_stderr_line(&format!(
            "emcc plugin: cannot read SIP, HTTP and TFTP from Wireshark's taps ({}); \
             set the preference emcc.read_protocol_tree to TRUE",
            c_message(&error)
        ));
    }
}

/// How a post-dissector call should treat its frame.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// First dissection with inputs: decide and remember.
    Deciding,
    /// Decided before: show what was remembered.
    Recalling,
    /// Nothing can be read and nothing was decided: leave the frame.
    Blind,
}

/// The pass of this dissection of the frame (taps mode).
///
/// # Safety
/// `pinfo` is Wireshark's for the current call.
pub(super) unsafe fn pass_of(pinfo: *mut sys::packet_info) -> Pass {
    DISSECTION.fetch_add(1, Ordering::Relaxed);
    // SAFETY: pinfo is valid for the call.
    let frame = unsafe { sys::emcc_frame_number(pinfo) };
    let decided = DECIDED_THROUGH.load(Ordering::Relaxed);
    if frame <= decided {
        return Pass::Recalling;
    }
    // SAFETY: pinfo is valid; the probe queues a static marker.
    if unsafe { sys::emcc_inputs_tapped(pinfo) } == 0 {
        return Pass::Blind;
    }
    DECIDED_THROUGH.store(frame, Ordering::Relaxed);
    Pass::Deciding
}

/// Identifies the current dissection of a frame.
pub(super) fn dissection() -> u64 {
    DISSECTION.load(Ordering::Relaxed)
}

/// Follow taps we listen to (their order is the shim's).
#[derive(Clone, Copy)]
pub enum Followed {
    /// SIP message buffers (a TCP one may hold several messages).
    Sip = 0,
    /// HTTP header blocks, then each message's de-chunked body.
    Http = 1,
    /// Every UDP payload.
    Udp = 2,
    /// Every TCP segment's payload.
    Tcp = 3,
}

/// What one wrapper of ours saw in the current frame: the tvbs handed to
/// the wrapped dissector, by wrapper.
struct Stash {
    frame: u32,
    seen: Vec<(&'static CStr, usize)>,
}

/// The tvb pointers are Wireshark's for the frame being dissected, kept as
/// integers and handed out only during the same frame (see `stashed`).
static STASH: Mutex<Stash> = Mutex::new(Stash {
    frame: 0,
    seen: Vec::new(),
});

fn stash() -> std::sync::MutexGuard<'static, Stash> {
    STASH.lock().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn forget_stash() {
    let mut stash = stash();
    stash.frame = 0;
    stash.seen.clear();
}

/// Remembers a tvb a wrapper saw in the current frame. The stash is emptied
/// when the frame's dissection ends (a frame end routine), so no tvb
/// pointer outlives its frame.
///
/// # Safety
/// `pinfo` and `tvb` are Wireshark's for the current call.
pub(super) unsafe fn stash_tvb(
    pinfo: *mut sys::packet_info,
    wrapper: &'static CStr,
    tvb: *mut sys::tvbuff_t,
) {
    // SAFETY: pinfo is valid for the call.
    let frame = unsafe { sys::emcc_frame_number(pinfo) };
    let mut stash = stash();
    if stash.frame != frame || stash.seen.is_empty() {
        stash.frame = frame;
        stash.seen.clear();
        // SAFETY: pinfo is valid; the routine is a static function.
        unsafe { sys::emcc_on_frame_end(pinfo, Some(frame_ended)) };
    }
    // A misbehaving capture could hand the wrapper many PDUs; the few we
    // need are at the front.
    if stash.seen.len() < 1024 {
        stash.seen.push((wrapper, tvb as usize));
    }
}

/// Wireshark frees the frame's tvbs after this.
extern "C" fn frame_ended() {
    let _ = super::guard::run(forget_stash);
}

/// The tvbs `wrapper` saw in `frame`, in order.
pub(super) fn stashed(frame: u32, wrapper: &CStr) -> Vec<*mut sys::tvbuff_t> {
    let stash = stash();
    if stash.frame != frame {
        return Vec::new();
    }
    stash
        .seen
        .iter()
        .filter(|(w, _)| *w == wrapper)
        .map(|&(_, tvb)| tvb as *mut sys::tvbuff_t)
        .collect()
}
