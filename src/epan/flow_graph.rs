//! Sequence analyses: a protocol's frames as a ladder, in Wireshark's
//! Statistics > Flow Graph and in `tshark -q -z flow,NAME,network` (or
//! `,standard`). Wireshark builds the ladder from one item per frame its
//! analysis hands it; ours are built by `flow_graph.c` from the `Arrow` a
//! protocol gives for a frame queued on its tap.

use std::cell::RefCell;
use std::ffi::{c_int, c_void, CStr, CString};

use super::c_strings::c_text;
use super::faults;
use super::guard;
use super::output::ReportOnce;
use super::registry::Protocol;
use super::sys;
use super::tap::Tap;

/// How a row of the ladder stands out (the Flow Graph colours it; tshark's
/// text has no colours, so the label says it too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Drawn in the conversation's colour.
    Plain,
    /// Something went wrong here (a refusal, a failed download, ...).
    Failed,
    /// Worth a look, not a failure (a fallback).
    Warning,
    /// The attempt completed here.
    Completed,
}

impl Mark {
    /// Text on background, 0xRRGGBB: light tints with dark text, readable in
    /// light and dark themes alike, close to Wireshark's default colouring
    /// rules for errors (red) and warnings (yellow).
    fn colors(self) -> Option<(u32, u32)> {
        match self {
            Mark::Plain => None,
            Mark::Failed => Some((0x12_27_2e, 0xff_a0_a0)),
            Mark::Warning => Some((0x12_27_2e, 0xff_f0_a0)),
            Mark::Completed => Some((0x12_27_2e, 0xb8_e8_b8)),
        }
    }
}

/// One frame's arrow.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Above the arrow: a few words (tshark's text cuts a label to the
    /// distance between the two columns, 20 characters for neighbours).
    pub label: String,
    /// Right of the ladder: the whole sentence.
    pub comment: String,
    /// Rows of one conversation share a colour in the Flow Graph, and
    /// tshark's text separates conversations (and numbers them when there
    /// are several).
    pub conversation: u16,
    pub mark: Mark,
}

/// A sequence analysis fed by a tap of ours.
pub struct FlowGraph {
    /// `-z flow,<name>,...`.
    pub name: &'static CStr,
    /// The Flow Graph's "Flow type" entry.
    pub ui_name: &'static CStr,
    pub protocol: &'static Protocol,
    pub tap: &'static Tap,
    /// The arrow of a frame queued on the tap; None: no arrow.
    pub arrow: fn(frame: u32) -> Option<Arrow>,
}

impl FlowGraph {
    /// Call from the handoff callback, after the tap and the protocol are
    /// registered: tshark names its `-z flow,...` statistics after the
    /// analyses registered before its taps are. Returns false when the shim
    /// has no slot left (it has a fixed number).
    pub fn register(&'static self) -> bool {
        let callbacks = sys::emcc_flow_graph_callbacks {
            user: self as *const FlowGraph as *mut c_void,
            arrow: Some(flow_arrow),
        };
        // SAFETY: registration thread; the strings and self are static, the
        // shim copies the callbacks.
        unsafe {
            sys::emcc_register_flow_graph(
                self.name.as_ptr(),
                self.ui_name.as_ptr(),
                self.protocol.id(),
                self.tap.name().as_ptr(),
                &callbacks,
            ) != 0
        }
    }
}

thread_local! {
    /// The last arrow's strings: the shim copies them before it asks again.
    static HANDED: RefCell<(CString, CString)> = RefCell::new(Default::default());
}

/// Where a panic in an analysis was already reported.
static GRAPH_PANIC: ReportOnce = ReportOnce::new();

unsafe extern "C" fn flow_arrow(
    user: *mut c_void,
    frame: u32,
    out: *mut sys::emcc_flow_arrow,
) -> c_int {
    // SAFETY: every analysis's user pointer is a &'static FlowGraph.
    let graph = unsafe { &*(user as *const FlowGraph) };
    let arrow = match guard::run(|| {
        faults::in_tap(frame);
        (graph.arrow)(frame)
    }) {
        Ok(Some(arrow)) => arrow,
        Ok(None) => return 0,
        Err(panic) => {
            GRAPH_PANIC.report(&format!(
                "bug in the {} flow graph (frame {frame}): {panic}; the frame has no arrow",
                graph.ui_name.to_string_lossy()
            ));
            return 0;
        }
    };
    HANDED.with_borrow_mut(|(label, comment)| {
        *label = c_text(&arrow.label);
        *comment = c_text(&arrow.comment);
        let (fg, bg) = arrow.mark.colors().unwrap_or((0, 0));
        // SAFETY: out points at the shim's local, valid for this call; the
        // strings stay in HANDED until the next call, and the shim copies
        // them before that.
        unsafe {
            *out = sys::emcc_flow_arrow {
                label: label.as_ptr(),
                comment: comment.as_ptr(),
                conversation: arrow.conversation,
                marked: c_int::from(arrow.mark != Mark::Plain),
                fg_color: fg,
                bg_color: bg,
            };
        }
    });
    1
}
