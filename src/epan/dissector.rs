//! Dissector registration and the one trampoline through which Wireshark
//! calls every dissector of ours.

use std::ffi::{c_void, CStr, CString};
use std::os::raw::c_int;
use std::sync::atomic::{AtomicPtr, Ordering};

use once_cell::sync::Lazy;

use super::guard;
use super::packet::Packet;
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
}

impl Dissector {
    /// Makes the dissector a post-dissector (called on every frame after all
    /// others) that reads the given fields of other protocols. Call from the
    /// handoff callback; fields that this Wireshark lacks are left out.
    pub fn register_as_postdissector(&'static self, wanted: &[&'static ForeignField]) {
        let ids: Vec<c_int> = wanted
            .iter()
            .filter(|f| f.resolve())
            .map(|f| f.id())
            .collect();
        let handle = self.handle.load(Ordering::Relaxed);
        // SAFETY: the handle was created by `register`; the shim copies ids.
        unsafe {
            sys::register_postdissector(handle);
            sys::emcc_set_wanted_fields(handle, ids.as_ptr(), ids.len() as c_int);
        }
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
    let mut packet =
        unsafe { Packet::new(tvb, pinfo, tree, dissector.protocol, dissector.copies_bytes) };
    let outcome = guard::run(|| {
        inject_faults(&mut packet, dissector);
        (dissector.dissect)(&mut packet)
    });
    let taken = match &outcome {
        Ok(taken) => *taken,
        Err(_) => packet.bytes().len(),
    };
    let panic = outcome.err();
    // Reporting itself is guarded too: it must never unwind into C.
    let _ = guard::run(|| packet.report_problems(panic.as_deref()));
    c_int::try_from(taken).unwrap_or(c_int::MAX)
}

/// Faults injected on purpose by the test suite, from the environment
/// variable `EMCC_FAULT_INJECT`, e.g. `panic@12,oob@14`: frame 12 panics
/// inside the dissector, frame 14 reads and adds items out of bounds. Unset
/// in normal use; read once.
#[derive(Debug, PartialEq)]
enum Fault {
    Panic(u32),
    OutOfBounds(u32),
}

static FAULTS: Lazy<Vec<Fault>> = Lazy::new(|| {
    std::env::var("EMCC_FAULT_INJECT")
        .map(|spec| parse_faults(&spec))
        .unwrap_or_default()
});

fn parse_faults(spec: &str) -> Vec<Fault> {
    spec.split(',')
        .filter_map(|item| {
            let (kind, frame) = item.trim().split_once('@')?;
            let frame = frame.parse().ok()?;
            match kind {
                "panic" => Some(Fault::Panic(frame)),
                "oob" => Some(Fault::OutOfBounds(frame)),
                _ => None,
            }
        })
        .collect()
}

fn inject_faults(packet: &mut Packet<'_>, dissector: &Dissector) {
    if FAULTS.is_empty() {
        return;
    }
    let frame = packet.frame_number();
    for fault in FAULTS.iter() {
        match *fault {
            Fault::Panic(f) if f == frame => {
                panic!("fault injected by EMCC_FAULT_INJECT in frame {frame}")
            }
            Fault::OutOfBounds(f) if f == frame => {
                let root = packet.root();
                packet.inject_out_of_bounds(root, dissector.probe_field);
            }
            _ => {}
        }
    }
}

/// Another protocol's dissector (e.g. TLS), found by name at handoff, that
/// we attach to a port of a dissector table.
pub struct ForeignDissector {
    pub name: &'static CStr,
    handle: AtomicPtr<sys::dissector_handle>,
    /// The port it is attached to by us (0: none).
    attached: std::sync::atomic::AtomicU32,
}

impl ForeignDissector {
    pub const fn new(name: &'static CStr) -> ForeignDissector {
        ForeignDissector {
            name,
            handle: AtomicPtr::new(std::ptr::null_mut()),
            attached: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// Attaches the dissector to `port` of `table` (e.g. `tcp.port`),
    /// moving it from the port it was attached to before; 0 detaches.
    pub fn attach_to_port(&self, table: &CStr, port: u32) {
        let mut handle = self.handle.load(Ordering::Relaxed);
        if handle.is_null() {
            // SAFETY: a static C string; called after registration.
            handle = unsafe { sys::find_dissector(self.name.as_ptr()) };
            self.handle.store(handle, Ordering::Relaxed);
        }
        if handle.is_null() {
            return;
        }
        let before = self.attached.swap(port, Ordering::Relaxed);
        // SAFETY: handle and table name are valid; Wireshark copies nothing
        // it needs us to keep.
        unsafe {
            if before != 0 && before != port {
                sys::dissector_delete_uint(table.as_ptr(), before, handle);
            }
            if port != 0 && before != port {
                sys::dissector_add_uint(table.as_ptr(), port, handle);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_specs_parse_and_ignore_junk() {
        assert_eq!(
            parse_faults("panic@12, oob@14,bogus@1,panic@x,oob"),
            vec![Fault::Panic(12), Fault::OutOfBounds(14)]
        );
        assert!(parse_faults("").is_empty());
    }
}
