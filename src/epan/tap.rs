//! Taps, tap listeners and statistics: how Wireshark's statistics (tshark
//! `-z`, the Statistics menu) see what our dissectors found.
//!
//! Our taps queue no data of their own: the dissector keeps its per-frame
//! record on the Rust side, and listeners are told the frame number. That
//! keeps Rust values out of Wireshark's memory and makes a record readable
//! again on any later pass.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicI32, Ordering};

use super::faults;
use super::guard;
use super::output::{self, ReportOnce};
use super::packet::Packet;
use super::sys;

/// A tap our dissector feeds once per frame it labels.
pub struct Tap {
    name: &'static CStr,
    id: AtomicI32,
}

impl Tap {
    pub const fn new(name: &'static CStr) -> Tap {
        Tap {
            name,
            id: AtomicI32::new(-1),
        }
    }

    pub fn name(&self) -> &'static CStr {
        self.name
    }

    /// Call from the protocol's register callback.
    pub fn register(&self) {
        // SAFETY: registration thread; the name is static.
        let id = unsafe { sys::emcc_register_tap(self.name.as_ptr()) };
        self.id.store(id, Ordering::Relaxed);
    }

    /// Tells the tap's listeners about this frame (after the frame is dissected).
    pub fn queue(&self, packet: &Packet<'_>) {
        let id = self.id.load(Ordering::Relaxed);
        if id < 0 {
            return;
        }
        // SAFETY: pinfo is valid for the call; the shim queues a static marker.
        unsafe { sys::emcc_tap_queue(id, packet.pinfo_ptr()) };
    }
}

/// A text report for tshark's `-z <cli>`: a tap listener that sees every
/// frame queued on `tap` and prints its report when tshark draws.
pub struct TextStatistic {
    pub cli: &'static CStr,
    pub title: &'static CStr,
    pub tap: &'static Tap,
    /// Starts a new report (Wireshark may re-run taps over a capture).
    pub reset: fn(),
    /// One frame queued on the tap.
    pub packet: fn(frame: u32),
    /// The finished report, printed to standard output.
    pub draw: fn() -> String,
}

impl TextStatistic {
    /// Call from the handoff callback, after the tap is registered.
    pub fn register(&'static self) {
        // SAFETY: registration thread; strings and self are static.
        unsafe {
            sys::emcc_register_cli_statistic(
                self.cli.as_ptr(),
                self.title.as_ptr(),
                Some(text_statistic_init),
                self as *const TextStatistic as *mut c_void,
            )
        };
    }
}

/// Wireshark asks for the statistic (`-z` on tshark's command line). Returns
/// 0 to refuse it, after saying why on standard error.
unsafe extern "C" fn text_statistic_init(argument: *const c_char, user: *mut c_void) -> c_int {
    // SAFETY: user is the &'static TextStatistic given at registration.
    let stat = unsafe { &*(user as *const TextStatistic) };
    let argument = if argument.is_null() {
        String::new()
    } else {
        // SAFETY: Wireshark passes a NUL-terminated argument.
        unsafe { CStr::from_ptr(argument) }
            .to_string_lossy()
            .into_owned()
    };
    match guard::run(|| start_statistic(stat, &argument)) {
        Ok(Ok(())) => 1,
        Ok(Err(message)) => {
            output::write_stderr_line(&message);
            0
        }
        Err(panic) => {
            output::write_stderr_line(&format!(
                "emcc plugin: cannot start -z {argument}: plugin bug: {panic}"
            ));
            0
        }
    }
}

/// Checks the `-z` argument and attaches the statistic's listener.
fn start_statistic(stat: &'static TextStatistic, argument: &str) -> Result<(), String> {
    let cli = stat.cli.to_string_lossy();
    // tshark hands over every argument that starts with our name: `-z
    // emccflow,tree` goes to the statistics tree registered under that name,
    // anything else after a comma is not ours to guess at.
    if argument != cli {
        return Err(format!(
            "tshark: invalid \"-z {argument}\" argument: use -z {cli}"
        ));
    }
    let listener = Box::leak(Box::new(sys::emcc_tap_listener {
        user: stat as *const TextStatistic as *mut c_void,
        reset: Some(listener_reset),
        packet: Some(listener_packet),
        draw: Some(listener_draw),
    }));
    let mut error = [0 as c_char; 256];
    // SAFETY: the listener lives for the process; error is a local buffer.
    let ok = unsafe {
        sys::emcc_register_tap_listener(
            stat.tap.name.as_ptr(),
            listener,
            error.as_mut_ptr(),
            error.len() as c_int,
        )
    };
    if ok == 0 {
        // SAFETY: the shim NUL-terminates the message.
        let message = unsafe { CStr::from_ptr(error.as_ptr()) }.to_string_lossy();
        return Err(format!("tshark: cannot start -z {cli}: {message}"));
    }
    Ok(())
}

fn statistic(user: *mut c_void) -> &'static TextStatistic {
    // SAFETY: every listener's user pointer is a &'static TextStatistic.
    unsafe { &*(user as *const TextStatistic) }
}

/// Where a panic in a report's callbacks was already reported.
static REPORT_PANIC: ReportOnce = ReportOnce::new();

/// A panic in a report's callback: said once, and the report starts afresh
/// rather than go on from state the panic left half-updated.
fn report_failed(stat: &TextStatistic, stage: &str, panic: &str) {
    REPORT_PANIC.report(&format!(
        "bug in the -z {} report ({stage}): {panic}; the report starts afresh and \
         misses the frames before",
        stat.cli.to_string_lossy()
    ));
    let _ = guard::run(stat.reset);
}

unsafe extern "C" fn listener_reset(user: *mut c_void) {
    let stat = statistic(user);
    if let Err(panic) = guard::run(stat.reset) {
        REPORT_PANIC.report(&format!(
            "bug in the -z {} report (reset): {panic}",
            stat.cli.to_string_lossy()
        ));
    }
}

unsafe extern "C" fn listener_packet(user: *mut c_void, frame: u32) -> c_int {
    let stat = statistic(user);
    let outcome = guard::run(|| {
        faults::in_tap(frame);
        (stat.packet)(frame)
    });
    if let Err(panic) = outcome {
        report_failed(stat, &format!("frame {frame}"), &panic);
    }
    0
}

unsafe extern "C" fn listener_draw(user: *mut c_void) {
    let stat = statistic(user);
    match guard::run(stat.draw) {
        Ok(report) => output::write_stdout(&report),
        Err(panic) => REPORT_PANIC.report(&format!(
            "bug in the -z {} report (printing it): {panic}",
            stat.cli.to_string_lossy()
        )),
    }
}

/// A statistics tree: Wireshark's Statistics menu entry, and
/// `tshark -z <abbr>,tree`.
pub struct StatsTree {
    pub tap: &'static Tap,
    pub abbr: &'static CStr,
    /// The menu entry and window title.
    pub name: &'static CStr,
    /// Creates the fixed top nodes.
    pub init: fn(&mut StatsNodes),
    /// Counts one frame queued on the tap.
    pub packet: fn(&mut StatsNodes, frame: u32),
}

impl StatsTree {
    /// Call from the handoff callback. Returns false when the shim has no
    /// slot left (it has a fixed number).
    pub fn register(&'static self) -> bool {
        let callbacks = sys::emcc_stats_tree_callbacks {
            user: self as *const StatsTree as *mut c_void,
            init: Some(stats_init),
            packet: Some(stats_packet),
        };
        // SAFETY: registration thread; the shim copies the callbacks.
        unsafe {
            sys::emcc_register_stats_tree(
                self.tap.name.as_ptr(),
                self.abbr.as_ptr(),
                self.name.as_ptr(),
                &callbacks,
            ) != 0
        }
    }
}

/// A node of a statistics tree; `StatsNodes::ROOT` is the tree itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeId(c_int);

/// The nodes of one statistics tree, during one callback.
pub struct StatsNodes {
    st: *mut sys::stats_tree,
}

impl StatsNodes {
    pub const ROOT: NodeId = NodeId(0);

    pub fn create(&mut self, name: &str, parent: NodeId, with_children: bool) -> NodeId {
        let name = c_name(name);
        // SAFETY: st is valid during the callback; the name is copied.
        NodeId(unsafe {
            sys::emcc_stats_tree_create_node(self.st, name.as_ptr(), parent.0, with_children.into())
        })
    }

    /// Counts one more under `name` (created on first use).
    pub fn tick(&mut self, name: &str, parent: NodeId, with_children: bool) -> NodeId {
        let name = c_name(name);
        // SAFETY: as above.
        NodeId(unsafe {
            sys::emcc_stats_tree_tick(self.st, name.as_ptr(), parent.0, with_children.into())
        })
    }
}

fn c_name(name: &str) -> std::ffi::CString {
    std::ffi::CString::new(name.replace('\0', " ")).unwrap_or_default()
}

fn stats_tree(user: *mut c_void) -> &'static StatsTree {
    // SAFETY: every stats tree's user pointer is a &'static StatsTree.
    unsafe { &*(user as *const StatsTree) }
}

/// Where a panic in a statistics tree's callbacks was already reported.
static TREE_PANIC: ReportOnce = ReportOnce::new();

unsafe extern "C" fn stats_init(user: *mut c_void, st: *mut sys::stats_tree) {
    let tree = stats_tree(user);
    let mut nodes = StatsNodes { st };
    if let Err(panic) = guard::run(|| (tree.init)(&mut nodes)) {
        TREE_PANIC.report(&format!(
            "bug in the {} statistics (start): {panic}",
            tree.name.to_string_lossy()
        ));
    }
}

unsafe extern "C" fn stats_packet(
    user: *mut c_void,
    st: *mut sys::stats_tree,
    frame: u32,
) -> c_int {
    let tree = stats_tree(user);
    let mut nodes = StatsNodes { st };
    let outcome = guard::run(|| {
        faults::in_tap(frame);
        (tree.packet)(&mut nodes, frame)
    });
    if let Err(panic) = outcome {
        // The tree's counts live in Wireshark: only this frame's are missing.
        TREE_PANIC.report(&format!(
            "bug in the {} statistics (frame {frame}): {panic}; its counts miss that frame",
            tree.name.to_string_lossy()
        ));
    }
    1
}
