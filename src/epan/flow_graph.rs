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
/// text has no colours, so the protocol's label says it too).
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

/// Wireshark's dark text colour (its default colouring rules' foreground).
const TEXT: u32 = 0x12_27_2e;

/// Pale tints for plain rows, one per conversation in turn, so that
/// interleaved phones stay apart and a marked row stands out.
const PALE: [u32; 6] = [
    0xf4_f4_f4, 0xe8_f0_fa, 0xf3_ea_f7, 0xea_f5_ea, 0xfb_f1_e6, 0xe9_f6_f6,
];

impl Mark {
    /// Text on background, 0xRRGGBB: a marked row in a strong tint (red,
    /// yellow, green, as Wireshark's colouring rules for errors, warnings
    /// and good news), a plain row in its conversation's pale one.
    fn colors(self, conversation: u16) -> (u32, u32) {
        match self {
            Mark::Plain => (TEXT, PALE[usize::from(conversation) % PALE.len()]),
            Mark::Failed => (TEXT, 0xff_80_80),
            Mark::Warning => (TEXT, 0xff_d9_66),
            Mark::Completed => (TEXT, 0x8f_d1_8f),
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

impl Arrow {
    /// An arrow labelled `words`, marked: tshark's text has no colours, so
    /// a marked label starts with a sign (`✗` failed, `!` warning, `✓`
    /// completed). `conversation` wraps past 65,535 (Wireshark's u16).
    pub fn new(words: &str, comment: String, conversation: u32, mark: Mark) -> Arrow {
        let label = match mark {
            Mark::Plain => words.to_string(),
            Mark::Failed => format!("✗ {words}"),
            Mark::Warning => format!("! {words}"),
            Mark::Completed => format!("✓ {words}"),
        };
        Arrow {
            label,
            comment,
            conversation: (conversation % 0x1_0000) as u16,
            mark,
        }
    }
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
        let (fg, bg) = arrow.mark.colors(arrow.conversation);
        // SAFETY: out points at the shim's local, valid for this call; the
        // strings stay in HANDED until the next call, and the shim copies
        // them before that.
        unsafe {
            *out = sys::emcc_flow_arrow {
                label: label.as_ptr(),
                comment: comment.as_ptr(),
                conversation: arrow.conversation,
                fg_color: fg,
                bg_color: bg,
            };
        }
    });
    1
}
