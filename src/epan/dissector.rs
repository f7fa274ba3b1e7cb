//! Dissector registration and the one trampoline through which Wireshark
//! calls every dissector of ours.

use std::ffi::{c_void, CStr, CString};
use std::os::raw::c_int;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

use super::faults;
use super::guard;
use super::inputs::Pass;
use super::layers::FrameLayers;
use super::packet::Packet;
use super::postdissectors;
use super::registry::{Field, ForeignField, Protocol};
use super::sys;

/// The dissect function of a protocol module: decodes the packet and returns
/// how many bytes it took (0: not ours).
pub type DissectFn = for<'d> fn(&mut Packet<'d>) -> usize;

/// One dissector (a `dissector_handle_t` once registered).
pub struct Dissector {
    pub name: &'static CStr,
    pub protocol: &'static Protocol,
    pub dissect: DissectFn,
    /// A string field of the protocol, used by the out-of-bounds test hook.
    pub probe_field: &'static Field,
    /// False for post-dissectors, which see every frame and read other
    /// protocols' fields: copying each frame's bytes would be wasted work.
    copies_bytes: bool,
    handle: AtomicPtr<sys::dissector_handle>,
    /// The port of a uint table it is attached to (0: none).
    attached: AtomicU32,
}

impl Dissector {
    pub const fn new(
        name: &'static CStr,
        protocol: &'static Protocol,
        dissect: DissectFn,
        probe_field: &'static Field,
    ) -> Dissector {
        Self::build(name, protocol, dissect, probe_field, true)
    }

    /// A dissector meant for `register_as_postdissector`: its packet holds no
    /// copy of the frame's bytes.
    pub const fn new_postdissector(
        name: &'static CStr,
        protocol: &'static Protocol,
        dissect: DissectFn,
        probe_field: &'static Field,
    ) -> Dissector {
        Self::build(name, protocol, dissect, probe_field, false)
    }

    const fn build(
        name: &'static CStr,
        protocol: &'static Protocol,
        dissect: DissectFn,
        probe_field: &'static Field,
        copies_bytes: bool,
    ) -> Dissector {
        Dissector {
            name,
            protocol,
            dissect,
            probe_field,
            copies_bytes,
            handle: AtomicPtr::new(std::ptr::null_mut()),
            attached: AtomicU32::new(0),
        }
    }

    /// Registers the dissector under its name. Call after the protocol's
    /// `register`, from the register callback.
    pub fn register(&'static self) {
        // SAFETY: `self` is static, so the callback data pointer stays valid
        // for the life of the process; the name is a static C string.
        let handle = unsafe {
            sys::register_dissector_with_data(
                self.name.as_ptr(),
                Some(trampoline),
                self.protocol.id(),
                self as *const Dissector as *mut c_void,
            )
        };
        self.handle.store(handle, Ordering::Relaxed);
    }

    /// Adds the dissector to a string-keyed dissector table, such as
    /// `media_type`. Call from the handoff callback.
    pub fn add_to_string_table(&'static self, table: &CStr, key: &str) {
        let key = Box::leak(
            CString::new(key)
                .expect("table keys are literals without NUL")
                .into_boxed_c_str(),
        );
        // SAFETY: the handle was created by `register`; Wireshark copies or
        // keeps the key, which is leaked for that reason.
        unsafe {
            sys::dissector_add_string(
                table.as_ptr(),
                key.as_ptr(),
                self.handle.load(Ordering::Relaxed),
            )
        };
    }

    /// Attaches the dissector to `port` of a uint table (e.g. `tls.port`, where TLS
    /// looks up who decodes the decrypted data), moving it from the port it had; 0
    /// detaches. Call from handoff and when preferences change.
    pub fn attach_to_port(&'static self, table: &CStr, port: u32) {
        move_port(
            table,
            self.handle.load(Ordering::Relaxed),
            &self.attached,
            port,
        );
    }
}

/// Moves `handle` in a uint dissector table from the port in `attached` to `port`.
fn move_port(table: &CStr, handle: *mut sys::dissector_handle, attached: &AtomicU32, port: u32) {
    if handle.is_null() {
        return;
    }
    let before = attached.swap(port, Ordering::Relaxed);
    // SAFETY: handle and table name are valid; Wireshark copies nothing it needs us to
    // keep.
    unsafe {
        if before != 0 && before != port {
            sys::dissector_delete_uint(table.as_ptr(), before, handle);
        }
        if port != 0 && before != port {
            sys::dissector_add_uint(table.as_ptr(), port, handle);
        }
    }
}

impl Dissector {
    /// Makes the dissector a post-dissector (called on every frame after all
    /// others) that reads the given fields of other protocols. Call from the
    /// handoff callback; fields that this Wireshark lacks are left out.
    pub fn register_as_postdissector(&'static self, wanted: &[&'static ForeignField]) {
        let layers: Vec<&CStr> = wanted.iter().map(|f| f.layer).collect();
        self.register_as_postdissector_on(wanted, &layers);
    }

    /// `register_as_postdissector`, called only for frames that carry one of
    /// `layers` (protocol filter names; the wanted fields' own layers by
    /// default). Names this Wireshark lacks are left out; if none is known the
    /// dissector sees every frame. Post-dissectors run in the order they are
    /// registered in (see `postdissectors`).
    pub fn register_as_postdissector_on(
        &'static self,
        wanted: &[&'static ForeignField],
        layers: &[&CStr],
    ) {
        self.enlist(wanted, layers, None, false);
    }

    /// `register_as_postdissector_on`, and also called for TCP segments that
    /// end a connection (FIN or RST), which carry none of `layers`: for a
    /// member that follows connections, without being called on every TCP
    /// segment.
    pub fn register_as_postdissector_on_and_tcp_ends(
        &'static self,
        wanted: &[&'static ForeignField],
        layers: &[&CStr],
    ) {
        self.enlist(wanted, layers, None, true);
    }

    /// `register_as_postdissector`, called only for TCP frames with the
    /// port `port()` returns at one end (0: none): a preference's port, read
    /// at each frame so that a changed preference applies at once.
    pub fn register_as_postdissector_on_tcp_port(
        &'static self,
        wanted: &[&'static ForeignField],
        port: fn() -> u32,
    ) {
        self.enlist(wanted, &[c"tcp"], Some(port), false);
    }

    fn enlist(
        &'static self,
        wanted: &[&'static ForeignField],
        layers: &[&CStr],
        port: Option<fn() -> u32>,
        tcp_ends: bool,
    ) {
        let layers: Vec<c_int> = layers
            .iter()
            // SAFETY: NUL-terminated names; registration thread.
            .map(|name| unsafe { sys::emcc_protocol_id(name.as_ptr()) })
            .filter(|&id| id >= 0)
            .collect();
        let wanted: Vec<c_int> = wanted
            .iter()
            .filter(|f| f.resolve())
            .map(|f| f.id())
            .collect();
        postdissectors::enlist(self, wanted, layers, port, tcp_ends);
    }
}

/// Every dissector call enters here. Panics are caught and reported as an
/// expert info; the C shim has already kept Wireshark exceptions from
/// reaching any Rust frame.
unsafe extern "C" fn trampoline(
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
    tree: *mut sys::proto_tree,
    _data: *mut c_void,
    cb_data: *mut c_void,
) -> c_int {
    // SAFETY: cb_data is the &'static Dissector given at registration.
    let dissector = unsafe { &*(cb_data as *const Dissector) };
    // SAFETY: the pointers come from Wireshark for this call.
    unsafe { dissector.call(tvb, pinfo, tree, None, None) }
}

impl Dissector {
    /// Runs the dissect function inside the panic guard and reports what went
    /// wrong as expert infos. `reading`: for a post-dissector member, how it
    /// reads other protocols this time (`None`: from the tree, as Wireshark
    /// passes it, the frame visited or not as Wireshark says).
    ///
    /// # Safety
    /// The pointers are the ones Wireshark passed for this call.
    pub(super) unsafe fn call(
        &'static self,
        tvb: *mut sys::tvbuff_t,
        pinfo: *mut sys::packet_info,
        tree: *mut sys::proto_tree,
        reading: Option<Pass>,
        layers: Option<&FrameLayers>,
    ) -> c_int {
        // Copying the bytes allocates: guarded like the rest. Should it fail,
        // a packet without a copy still reports the panic on the frame.
        // SAFETY (both): the caller passes Wireshark's pointers for this call.
        let (mut packet, setup_panic) = match guard::run(|| unsafe {
            Packet::new(tvb, pinfo, tree, self.protocol, self.copies_bytes)
        }) {
            Ok(packet) => (packet, None),
            Err(message) => (
                unsafe { Packet::new(tvb, pinfo, tree, self.protocol, false) },
                Some(message),
            ),
        };
        if let Some(pass) = reading {
            packet.read_from_taps(pass == Pass::Recalling);
        }
        if let Some(layers) = layers {
            packet.use_layers(layers);
        }
        let outcome = match setup_panic {
            Some(message) => Err(message),
            None => guard::run(|| {
                faults::in_dissector(&mut packet, self.probe_field);
                (self.dissect)(&mut packet)
            }),
        };
        let taken = match &outcome {
            Ok(taken) => *taken,
            Err(_) => packet.bytes().len(),
        };
        let panic = outcome.err();
        // Reporting itself is guarded too: it must never unwind into C.
        let _ = guard::run(|| packet.report_problems(panic.as_deref()));
        c_int::try_from(taken).unwrap_or(c_int::MAX)
    }
}

/// How another protocol's dissector is found.
enum Lookup {
    /// By its registered name (`find_dissector`).
    Name(&'static CStr),
    /// Under a key of a string dissector table (e.g. `ber.syntax`, `Certificate`).
    StringTable {
        table: &'static CStr,
        key: &'static CStr,
    },
}

/// Another protocol's dissector (TLS, X.509, ...), found at first use after
/// registration: we attach it to a port, or call it on part of our data.
pub struct ForeignDissector {
    lookup: Lookup,
    handle: AtomicPtr<sys::dissector_handle>,
    /// The port it is attached to by us (0: none).
    attached: AtomicU32,
}

impl ForeignDissector {
    pub const fn new(name: &'static CStr) -> ForeignDissector {
        ForeignDissector::with(Lookup::Name(name))
    }

    /// The dissector registered under `key` in the string table `table`.
    pub const fn in_string_table(table: &'static CStr, key: &'static CStr) -> ForeignDissector {
        ForeignDissector::with(Lookup::StringTable { table, key })
    }

    const fn with(lookup: Lookup) -> ForeignDissector {
        ForeignDissector {
            lookup,
            handle: AtomicPtr::new(std::ptr::null_mut()),
            attached: AtomicU32::new(0),
        }
    }

    /// The handle, looked up once; null when this Wireshark has no such dissector
    /// (looked up again next time: it may be registered later).
    pub(crate) fn handle(&self) -> *mut sys::dissector_handle {
        let handle = self.handle.load(Ordering::Relaxed);
        if !handle.is_null() {
            return handle;
        }
        // SAFETY: static C strings; called after registration.
        let handle = unsafe {
            match self.lookup {
                Lookup::Name(name) => sys::find_dissector(name.as_ptr()),
                Lookup::StringTable { table, key } => {
                    sys::emcc_find_string_handle(table.as_ptr(), key.as_ptr())
                }
            }
        };
        self.handle.store(handle, Ordering::Relaxed);
        handle
    }

    /// True when this Wireshark has the dissector.
    pub fn is_available(&self) -> bool {
        !self.handle().is_null()
    }

    /// Attaches the dissector to `port` of `table` (e.g. `tcp.port`),
    /// moving it from the port it was attached to before; 0 detaches.
    pub fn attach_to_port(&self, table: &CStr, port: u32) {
        move_port(table, self.handle(), &self.attached, port);
    }
}

/// A dissector of ours put in front of another protocol's on a port (Skinny's
/// TCP port, TLS on the TVS port): it calls the original as the table would
/// and then notes the tvb the original was given, which our post-dissector
/// reads in the same frame (`Packet::wrapped`). The original sees the same
/// tvbs as without us, so TCP reassembles for it as before. Needs no tap and
/// no tree: it works in every dissection.
pub struct PortWrapper {
    /// Its filter name (a protocol in name only) and dissector name.
    name: &'static CStr,
    /// How Decode As lists it.
    title: &'static CStr,
    original: &'static ForeignDissector,
    handle: AtomicPtr<sys::dissector_handle>,
    /// The port it is attached to (0: none).
    attached: AtomicU32,
}

impl PortWrapper {
    pub const fn new(
        name: &'static CStr,
        title: &'static CStr,
        original: &'static ForeignDissector,
    ) -> PortWrapper {
        PortWrapper {
            name,
            title,
            original,
            handle: AtomicPtr::new(std::ptr::null_mut()),
            attached: AtomicU32::new(0),
        }
    }

    pub(super) fn name(&self) -> &'static CStr {
        self.name
    }

    /// Registers the wrapper, once, when Wireshark has the original. Call
    /// from the register callback (it registers a protocol in name only).
    pub fn register(&'static self) {
        let original = self.original.handle();
        if !self.handle.load(Ordering::Relaxed).is_null() || original.is_null() {
            return;
        }
        let wrapper = Box::leak(Box::new(sys::emcc_wrapper {
            original,
            observe: Some(observe_wrapped),
            user: self as *const PortWrapper as *mut c_void,
        }));
        // SAFETY: the wrapper struct and the names live for the process.
        let handle =
            unsafe { sys::emcc_register_wrapper(self.name.as_ptr(), self.title.as_ptr(), wrapper) };
        self.handle.store(handle, Ordering::Relaxed);
    }

    /// Puts the wrapper at `port` of `table` (in the original's place, if it
    /// was there), moving it from the port it had; 0 detaches (see
    /// `Dissector::attach_to_port`). Call from handoff and when preferences
    /// change.
    pub fn attach_to_port(&'static self, table: &CStr, port: u32) {
        move_port(
            table,
            self.handle.load(Ordering::Relaxed),
            &self.attached,
            port,
        );
    }
}

/// Wireshark's original dissector returned normally on `tvb`: note it for
/// our post-dissector.
unsafe extern "C" fn observe_wrapped(
    user: *mut c_void,
    tvb: *mut sys::tvbuff_t,
    pinfo: *mut sys::packet_info,
) {
    // SAFETY: user is the &'static PortWrapper given at registration.
    let wrapper = unsafe { &*(user as *const PortWrapper) };
    // SAFETY: Wireshark's pointers for this call.
    let _ = guard::run(|| unsafe { super::inputs::stash_tvb(pinfo, wrapper.name, tvb) });
}
