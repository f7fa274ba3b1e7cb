//! Our post-dissectors, run by one Wireshark post-dissector.
//!
//! Wireshark primes every field each post-dissector asks for, on every frame,
//! and calls each post-dissector on every frame (an RTP frame included). With
//! five of ours that cost more than the work they do: fields wanted by two of
//! them were primed twice, and each frame's protocol list was searched five
//! times. Registered as one, the wanted fields are primed once, the frame's
//! protocols are looked at once, and each member is called only when the frame
//! carries a protocol it reads, in the order the members were enlisted (the
//! flow, which reads the others' results, comes last). A member whose protocol
//! the user disabled is skipped, as Wireshark would skip its own post-dissector.

use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use once_cell::sync::OnceCell;

use super::dissector::Dissector;
use super::faults;
use super::inputs::{self, Pass};
use super::layers::{FrameLayers, ProtocolSet};
use super::sys;
use super::tcp;

struct Member {
    dissector: &'static Dissector,
    /// Bits of `Hub::layers` one of which the frame must carry; 0: every frame.
    gate: u64,
    /// A TCP port one end of the frame must have (read at each frame: a
    /// preference); None: any.
    port: Option<fn() -> u32>,
    /// Also called for TCP segments with a FIN or an RST that its gate lets
    /// by (the end of a connection it follows carries none of its layers).
    tcp_ends: bool,
    /// The fields of other protocols it reads.
    wanted: Vec<c_int>,
}

struct Hub {
    members: Vec<Member>,
    /// Every protocol a member's gate names; bit i of a gate is protocol i.
    layers: ProtocolSet,
    /// Our one Wireshark post-dissector.
    handle: HandlePtr,
    /// Some member sees every frame (has no gate).
    any_ungated: bool,
}

/// The post-dissector's handle: Wireshark's, valid for the process; only
/// passed back to Wireshark.
struct HandlePtr(sys::dissector_handle_t);
// SAFETY: a pointer Wireshark owns for the life of the process; we never read
// through it, only hand it back on Wireshark's own thread.
unsafe impl Send for HandlePtr {}
unsafe impl Sync for HandlePtr {}

/// The most protocols the gates can name together (bits of the layer mask).
const MAX_LAYERS: usize = 64;

/// A member as enlisted during handoff: its wanted fields and gate protocols.
struct Enlisted {
    dissector: &'static Dissector,
    wanted: Vec<c_int>,
    layers: Vec<c_int>,
    port: Option<fn() -> u32>,
    tcp_ends: bool,
}

static ENLISTED: Mutex<Vec<Enlisted>> = Mutex::new(Vec::new());
static HUB: OnceCell<Hub> = OnceCell::new();

/// Adds a post-dissector of ours; `start` registers them all.
pub(super) fn enlist(
    dissector: &'static Dissector,
    wanted: Vec<c_int>,
    layers: Vec<c_int>,
    port: Option<fn() -> u32>,
    tcp_ends: bool,
) {
    lock().push(Enlisted {
        dissector,
        wanted,
        layers,
        port,
        tcp_ends,
    });
}

fn lock() -> std::sync::MutexGuard<'static, Vec<Enlisted>> {
    ENLISTED.lock().unwrap_or_else(|p| p.into_inner())
}

/// Registers the one Wireshark post-dissector that runs every enlisted member.
/// Called once, after every handoff of ours.
pub(super) fn start() {
    let enlisted = std::mem::take(&mut *lock());
    if enlisted.is_empty() || HUB.get().is_some() {
        return;
    }
    let mut layers: Vec<c_int> = Vec::new();
    let mut members = Vec::new();
    for e in enlisted {
        let mut gate = 0u64;
        for id in e.layers {
            let bit = match layers.iter().position(|&l| l == id) {
                Some(bit) => bit,
                None if layers.len() < MAX_LAYERS => {
                    layers.push(id);
                    layers.len() - 1
                }
                // Too many protocols to gate on: this member sees every frame.
                None => {
                    gate = 0;
                    break;
                }
            };
            gate |= 1 << bit;
        }
        members.push(Member {
            dissector: e.dissector,
            gate,
            port: e.port,
            tcp_ends: e.tcp_ends && gate != 0,
            wanted: e.wanted,
        });
    }
    // SAFETY: a static name and callback; no callback data. The handle has no
    // protocol of its own (-1): each member checks its own protocol.
    let handle = unsafe {
        let handle = sys::register_dissector_with_data(
            c"emcc_postdissectors".as_ptr(),
            Some(run_members),
            -1,
            std::ptr::null_mut(),
        );
        sys::register_postdissector(handle);
        handle
    };
    let any_ungated = members.iter().any(|m| m.gate == 0 && m.port.is_none());
    let hub = Hub {
        members,
        layers: ProtocolSet::new(&layers),
        handle: HandlePtr(handle),
        any_ungated,
    };
    if HUB.set(hub).is_ok() {
        want_fields_of_enabled_members();
    }
}

/// Asks Wireshark for the fields the enabled members read, and for none
/// when every member's protocol is disabled. Wanted fields make Wireshark
/// build a protocol tree for every frame (`postdissectors_want_hfids`, which
/// 4.0 asks whatever the protocols' state, and 4.4 and later whenever the
/// post-dissector's handle has no protocol, as ours); with nothing wanted, a
/// user who disables our protocols pays nothing for them. Called at
/// registration and before each capture file is read (an init routine,
/// which runs before tshark decides whether it needs a tree for the file:
/// tshark.c, `cf_open` before `process_cap_file`; the GUI runs them again on
/// a redissection after Analyze > Enabled Protocols), as TRANSUM sets its
/// own only when enabled (packet-transum.c).
pub(super) fn want_fields_of_enabled_members() {
    let Some(hub) = HUB.get() else {
        return;
    };
    let mut wanted: Vec<c_int> = Vec::new();
    let mut any_enabled = false;
    for member in &hub.members {
        // SAFETY: a registered protocol id.
        if unsafe { sys::emcc_protocol_enabled(member.dissector.protocol.id()) } == 0 {
            continue;
        }
        any_enabled = true;
        for &id in &member.wanted {
            if !wanted.contains(&id) {
                wanted.push(id);
            }
        }
    }
    // Read from taps (the default), nothing is wanted: see `inputs`.
    if !inputs::choose(any_enabled) {
        wanted.clear();
    }
    // SAFETY: our registered handle; Wireshark copies the ids into its own
    // array (and frees the one it had).
    unsafe { sys::emcc_set_wanted_fields(hub.handle.0, wanted.as_ptr(), wanted.len() as c_int) };
    ANY_ENABLED.store(any_enabled, Ordering::Relaxed);
}

/// False when every member's protocol was disabled at the last init routine:
/// each frame then leaves at once. (Enabling one again makes Wireshark
/// redissect, which runs the init routines first.)
static ANY_ENABLED: AtomicBool = AtomicBool::new(true);

/// Wireshark calls this once per frame, after all its other dissectors.
unsafe extern "C" fn run_members(
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
    tree: *mut sys::proto_tree,
    _data: *mut std::ffi::c_void,
    _cb_data: *mut std::ffi::c_void,
) -> c_int {
    let Some(hub) = HUB.get() else {
        return 0;
    };
    faults::count_tree(!tree.is_null());
    if !ANY_ENABLED.load(Ordering::Relaxed) {
        return 0;
    }
    // Most frames (RTP, say) carry none of the protocols we read: they
    // leave here, after one walk of their layer list.
    // SAFETY: pinfo is valid for the call.
    let layers = match unsafe { FrameLayers::read_if_carrying(pinfo, &hub.layers) } {
        Some(layers) => layers,
        None if !hub.any_ungated => return 0,
        // SAFETY: as above.
        None => unsafe { FrameLayers::read(pinfo) },
    };
    let carried = layers.mask(&hub.layers);
    if carried == 0 && !hub.any_ungated {
        return 0;
    }
    let reading = if inputs::reads_tree() {
        None
    } else {
        // SAFETY: pinfo is valid for the call.
        match unsafe { inputs::pass_of(pinfo) } {
            Pass::Blind => return 0,
            pass => Some(pass),
        }
    };
    // Whether the frame ends a TCP connection, asked once and only for a
    // member that wants those frames and whose gate did not let this one by.
    let mut ends_tcp: Option<bool> = None;
    for member in &hub.members {
        if member.gate != 0 && member.gate & carried == 0 {
            // SAFETY: pinfo is valid for the call.
            let ends = member.tcp_ends
                && *ends_tcp.get_or_insert_with(|| unsafe { ends_tcp_connection(pinfo, reading) });
            if !ends {
                continue;
            }
        }
        if let Some(port) = member.port {
            // SAFETY: pinfo is valid for the call.
            if !unsafe { on_tcp_port(pinfo, port()) } {
                continue;
            }
        }
        // SAFETY: a registered protocol id.
        if unsafe { sys::emcc_protocol_enabled(member.dissector.protocol.id()) } == 0 {
            continue;
        }
        // Expert infos are filed under the protocol Wireshark believes is
        // dissecting: as call_dissector does for a handle with a protocol,
        // name the member's for its call, then give back what was there.
        // SAFETY: Wireshark's pointers for this call; the name is static.
        unsafe {
            let previous =
                sys::emcc_set_current_proto(pinfo, member.dissector.protocol.short_name.as_ptr());
            member
                .dissector
                .call(tvb, pinfo, tree, reading, Some(&layers));
            sys::emcc_set_current_proto(pinfo, previous);
        }
    }
    // What the members return is theirs: like Wireshark's own post-dissectors,
    // ours take no bytes of the frame.
    0
}

/// True when the frame is a TCP segment with a FIN or an RST, read from
/// TCP's tap record; when reading the tree (no taps) or without a record,
/// every TCP segment (the member reads the flags itself).
///
/// # Safety
/// `pinfo` is Wireshark's for the current call.
unsafe fn ends_tcp_connection(pinfo: *mut sys::packet_info, reading: Option<Pass>) -> bool {
    let (mut src, mut dst) = (0u32, 0u32);
    // SAFETY: pinfo is valid; the out pointers are local.
    if unsafe { sys::emcc_frame_tcp_ports(pinfo, &mut src, &mut dst) } == 0 {
        return false;
    }
    if reading.is_none() {
        return true;
    }
    let (mut stream, mut flags) = (0u32, 0u32);
    // SAFETY: out pointers are local; the shim reads TCP's tap record of this
    // dissection, if one was queued.
    let tapped = unsafe { sys::emcc_tapped_tcp(&mut stream, &mut flags, &mut src, &mut dst) } != 0;
    !tapped || flags & (tcp::FIN | tcp::RST) != 0
}

/// True when the frame's TCP header has `port` at one end.
///
/// # Safety
/// `pinfo` is Wireshark's for the current call.
unsafe fn on_tcp_port(pinfo: *mut sys::packet_info, port: u32) -> bool {
    let (mut src, mut dst) = (0u32, 0u32);
    // SAFETY: pinfo is valid; the out pointers are local.
    let tcp = unsafe { sys::emcc_frame_tcp_ports(pinfo, &mut src, &mut dst) } != 0;
    port != 0 && tcp && (src == port || dst == port)
}
