//! Static descriptions of protocols, fields, subtrees and expert infos, and
//! their registration with Wireshark.
//!
//! Protocol modules declare `static` tables of these types; Wireshark writes
//! the ids it assigns straight into the atomics (it keeps the pointers), and
//! the dissection API reads them back.

use std::ffi::{c_void, CStr, CString};
use std::os::raw::c_int;
use std::ptr;
use std::sync::atomic::{AtomicI32, Ordering};

use super::sys;
use super::version::{bool_pref_storage, bool_pref_value, BoolPrefStorage, EI_INIT_VALUE};

/// How a field's value is typed and shown.
#[derive(Clone, Copy, Debug)]
pub enum FieldKind {
    /// No value: a label, or the header of a subtree.
    Label,
    /// Text.
    String,
    /// Unsigned number shown in decimal, named from the table when given.
    Uint(Option<&'static [(u32, &'static str)]>),
    /// Unsigned 32-bit number shown in hexadecimal (identifiers).
    UintHex,
    /// Raw bytes, shown as hex separated by spaces.
    Bytes,
    /// True or false.
    Bool,
    /// Date and time, shown in UTC.
    AbsoluteTime,
    /// A duration in seconds.
    RelativeTime,
    /// A frame number pointing at the request of this response.
    RequestFrame,
    /// A frame number pointing at the response of this request.
    ResponseFrame,
    /// A frame number pointing at any related frame.
    RelatedFrame,
}

/// One field (`hf_register_info`).
pub struct Field {
    pub abbrev: &'static str,
    pub name: &'static str,
    pub kind: FieldKind,
    /// A full sentence, shown in `tshark -G fields` and the GUI's status bar.
    pub blurb: &'static str,
    id: AtomicI32,
}

impl Field {
    pub const fn new(
        abbrev: &'static str,
        name: &'static str,
        kind: FieldKind,
        blurb: &'static str,
    ) -> Field {
        Field {
            abbrev,
            name,
            kind,
            blurb,
            id: AtomicI32::new(-1),
        }
    }

    pub(crate) fn id(&self) -> c_int {
        self.id.load(Ordering::Relaxed)
    }
}

/// A field of another protocol (e.g. `sip.Reason`), looked up by name at
/// handoff, when every protocol is registered.
pub struct ForeignField {
    pub abbrev: &'static CStr,
    /// The protocol (filter name) the field belongs to: frames without it
    /// are never searched for the field.
    pub layer: &'static CStr,
    id: AtomicI32,
}

impl ForeignField {
    pub const fn new(abbrev: &'static CStr, layer: &'static CStr) -> ForeignField {
        ForeignField {
            abbrev,
            layer,
            id: AtomicI32::new(-1),
        }
    }

    /// Looks the field up; false when this Wireshark has no such field.
    pub fn resolve(&self) -> bool {
        // SAFETY: the name is a valid C string; called at handoff.
        let id = unsafe { sys::proto_registrar_get_id_byname(self.abbrev.as_ptr()) };
        self.id.store(id, Ordering::Relaxed);
        id >= 0
    }

    pub(crate) fn id(&self) -> c_int {
        self.id.load(Ordering::Relaxed)
    }
}

/// One subtree type (`ett`): Wireshark remembers per type whether the user
/// expanded it.
pub struct Subtree {
    id: AtomicI32,
}

impl Subtree {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Subtree {
        Subtree {
            id: AtomicI32::new(-1),
        }
    }

    pub(crate) fn id(&self) -> c_int {
        self.id.load(Ordering::Relaxed)
    }
}

/// Expert info group (what kind of finding).
#[derive(Clone, Copy, Debug)]
pub enum ExpertGroup {
    Malformed,
    Protocol,
    Sequence,
    ResponseCode,
    RequestCode,
    Undecoded,
    Security,
    Comment,
}

/// Expert info severity.
#[derive(Clone, Copy, Debug)]
pub enum Severity {
    Chat,
    Note,
    Warn,
    Error,
}

/// Layout of Wireshark's `expert_field`, which it writes through a pointer.
#[repr(C)]
pub(crate) struct ExpertIds {
    ei: AtomicI32,
    hf: AtomicI32,
}

/// One expert info (`ei_register_info`).
pub struct Expert {
    pub abbrev: &'static str,
    pub summary: &'static str,
    pub group: ExpertGroup,
    pub severity: Severity,
    ids: ExpertIds,
}

impl Expert {
    pub const fn new(
        abbrev: &'static str,
        summary: &'static str,
        group: ExpertGroup,
        severity: Severity,
    ) -> Expert {
        Expert {
            abbrev,
            summary,
            group,
            severity,
            ids: ExpertIds {
                ei: AtomicI32::new(EI_INIT_VALUE),
                hf: AtomicI32::new(EI_INIT_VALUE),
            },
        }
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::expert_field {
        // expert_field is two ints, like ExpertIds; Wireshark writes both at
        // registration and only reads them afterwards.
        &self.ids as *const ExpertIds as *mut sys::expert_field
    }
}

/// A boolean preference of a protocol (Edit > Preferences > Protocols, and
/// `tshark -o proto.name:TRUE`).
pub struct BoolPref {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    value: BoolPrefStorage,
}

impl BoolPref {
    pub const fn new(
        name: &'static str,
        title: &'static str,
        description: &'static str,
        default: bool,
    ) -> BoolPref {
        BoolPref {
            name,
            title,
            description,
            value: bool_pref_storage(default),
        }
    }

    /// The current setting (Wireshark writes it when the user changes it).
    pub fn get(&self) -> bool {
        bool_pref_value(&self.value)
    }
}

/// An unsigned number preference of a protocol (a port, a timeout).
pub struct UintPref {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    value: std::sync::atomic::AtomicU32,
}

impl UintPref {
    pub const fn new(
        name: &'static str,
        title: &'static str,
        description: &'static str,
        default: u32,
    ) -> UintPref {
        UintPref {
            name,
            title,
            description,
            value: std::sync::atomic::AtomicU32::new(default),
        }
    }

    /// The current setting (Wireshark writes it when the user changes it).
    pub fn get(&self) -> u32 {
        self.value.load(Ordering::Relaxed)
    }
}

/// A text preference of a protocol (an address list, a name).
pub struct StringPref {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Wireshark swaps in its own copy at registration and on every change.
    value: std::sync::atomic::AtomicPtr<std::os::raw::c_char>,
}

impl StringPref {
    pub const fn new(
        name: &'static str,
        title: &'static str,
        description: &'static str,
        default: &'static CStr,
    ) -> StringPref {
        StringPref {
            name,
            title,
            description,
            value: std::sync::atomic::AtomicPtr::new(default.as_ptr() as *mut _),
        }
    }

    /// The current setting.
    pub fn get(&self) -> String {
        let ptr = self.value.load(Ordering::Relaxed);
        if ptr.is_null() {
            return String::new();
        }
        // SAFETY: the pointer is our static default or Wireshark's NUL-terminated
        // copy, replaced only on the thread that also dissects.
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    }
}

/// One protocol with everything it registers.
pub struct Protocol {
    /// Long name, e.g. "Cisco Phone Alarm".
    pub name: &'static str,
    /// Short name, shown in the Protocol column.
    pub short_name: &'static CStr,
    /// Filter name, e.g. "ciscoalarm".
    pub filter_name: &'static str,
    pub fields: &'static [&'static Field],
    pub subtrees: &'static [&'static Subtree],
    pub experts: &'static [&'static Expert],
    /// Raised when the plugin itself fails on a packet (a panic, or a tree
    /// item Wireshark refused): every protocol has one.
    pub plugin_bug: &'static Expert,
    id: AtomicI32,
}

impl Protocol {
    pub const fn new(
        name: &'static str,
        short_name: &'static CStr,
        filter_name: &'static str,
        fields: &'static [&'static Field],
        subtrees: &'static [&'static Subtree],
        experts: &'static [&'static Expert],
        plugin_bug: &'static Expert,
    ) -> Protocol {
        Protocol {
            name,
            short_name,
            filter_name,
            fields,
            subtrees,
            experts,
            plugin_bug,
            id: AtomicI32::new(-1),
        }
    }

    pub(crate) fn id(&self) -> c_int {
        self.id.load(Ordering::Relaxed)
    }

    /// Registers the protocol, its fields, subtrees and expert infos. Called
    /// once, from the plugin's register callback.
    pub fn register(&'static self) {
        // SAFETY: called on Wireshark's registration thread with C strings
        // and tables that live for the whole process (leaked or static).
        unsafe {
            let id = sys::proto_register_protocol(
                leak_cstr(self.name),
                self.short_name.as_ptr(),
                leak_cstr(self.filter_name),
            );
            self.id.store(id, Ordering::Relaxed);
            for field in self.fields {
                register_field(id, field);
            }
            if super::faults::bad_field() {
                register_bad_field(id, self.filter_name);
            }
            let ett: Vec<*mut c_int> = self.subtrees.iter().map(|s| s.id.as_ptr()).collect();
            let ett = Box::leak(ett.into_boxed_slice());
            sys::proto_register_subtree_array(ett.as_ptr(), ett.len() as c_int);
            let module = sys::expert_register_protocol(id);
            for expert in self.experts.iter().chain([&self.plugin_bug]) {
                let mut err = sys::emcc_error::default();
                let ok = sys::emcc_register_expert(
                    module,
                    expert.as_ptr(),
                    leak_cstr(expert.abbrev),
                    group_code(expert.group),
                    severity_code(expert.severity),
                    leak_cstr(expert.summary),
                    &mut err,
                );
                if ok == 0 {
                    refused("expert info", expert.abbrev, &err);
                }
            }
        }
    }
}

impl Protocol {
    /// Registers the protocol's preferences. Call after `register`. When
    /// the user changes one, `crate::preferences_applied` runs.
    pub fn register_prefs(
        &'static self,
        prefs: &[&'static BoolPref],
        numbers: &[&'static UintPref],
    ) {
        self.register_all_prefs(prefs, numbers, &[]);
    }

    /// `register_prefs` with text preferences too.
    pub fn register_all_prefs(
        &'static self,
        prefs: &[&'static BoolPref],
        numbers: &[&'static UintPref],
        texts: &[&'static StringPref],
    ) {
        // SAFETY: registration thread; storage and strings live forever.
        unsafe {
            let module = sys::prefs_register_protocol(self.id(), Some(preferences_applied));
            for pref in numbers {
                sys::emcc_register_uint_pref(
                    module,
                    leak_cstr(pref.name),
                    leak_cstr(pref.title),
                    leak_cstr(pref.description),
                    pref.value.as_ptr(),
                );
            }
            for pref in texts {
                sys::emcc_register_string_pref(
                    module,
                    leak_cstr(pref.name),
                    leak_cstr(pref.title),
                    leak_cstr(pref.description),
                    pref.value.as_ptr() as *mut *const std::os::raw::c_char,
                );
            }
            for pref in prefs {
                sys::emcc_register_bool_pref(
                    module,
                    leak_cstr(pref.name),
                    leak_cstr(pref.title),
                    leak_cstr(pref.description),
                    pref.value.as_ptr() as *mut c_void,
                );
            }
        }
    }
}

/// Wireshark's callback after preferences change (and once after they are
/// read at start-up).
extern "C" fn preferences_applied() {
    let outcome = super::guard::run(|| {
        super::faults::in_preferences();
        crate::preferences_applied()
    });
    if let Err(panic) = outcome {
        // State the callback was updating starts afresh when next locked
        // (crate::state); the settings themselves are Wireshark's.
        PREFERENCES_PANIC.report(&format!(
            "bug while applying preferences: {panic}; some settings may not take effect"
        ));
    }
}

static PREFERENCES_PANIC: super::output::ReportOnce = super::output::ReportOnce::new();

/// # Safety
/// Registration thread only; `field` is static.
unsafe fn register_field(proto: c_int, field: &'static Field) {
    let (ftype, display, strings): (u32, c_int, *const c_void) = match field.kind {
        FieldKind::Label => (sys::FT_NONE, sys::BASE_NONE as c_int, ptr::null()),
        FieldKind::String => (sys::FT_STRING, sys::BASE_NONE as c_int, ptr::null()),
        FieldKind::Uint(names) => (
            sys::FT_UINT32,
            sys::BASE_DEC as c_int,
            names.map_or(ptr::null(), leak_value_strings),
        ),
        FieldKind::UintHex => (sys::FT_UINT32, sys::BASE_HEX as c_int, ptr::null()),
        FieldKind::Bytes => (sys::FT_BYTES, sys::SEP_SPACE as c_int, ptr::null()),
        FieldKind::Bool => (sys::FT_BOOLEAN, sys::BASE_NONE as c_int, ptr::null()),
        FieldKind::AbsoluteTime => (
            sys::FT_ABSOLUTE_TIME,
            sys::ABSOLUTE_TIME_UTC as c_int,
            ptr::null(),
        ),
        FieldKind::RelativeTime => (sys::FT_RELATIVE_TIME, sys::BASE_NONE as c_int, ptr::null()),
        FieldKind::RequestFrame => framenum(sys::FT_FRAMENUM_REQUEST),
        FieldKind::ResponseFrame => framenum(sys::FT_FRAMENUM_RESPONSE),
        FieldKind::RelatedFrame => framenum(sys::FT_FRAMENUM_NONE),
    };
    let mut err = sys::emcc_error::default();
    let ok = sys::emcc_register_field(
        proto,
        field.id.as_ptr(),
        leak_cstr(field.name),
        leak_cstr(field.abbrev),
        ftype as c_int,
        display,
        strings,
        0,
        leak_cstr(field.blurb),
        &mut err,
    );
    if ok == 0 {
        refused("field", field.abbrev, &err);
    }
}

/// Test hook (`EMCC_FAULT_INJECT=bad-field`): a field Wireshark's
/// registration checks reject (an integer shown in no base).
///
/// # Safety
/// Registration thread only.
unsafe fn register_bad_field(proto: c_int, filter_name: &str) {
    let id = Box::leak(Box::new(AtomicI32::new(-1)));
    let abbrev = format!("{filter_name}.injected_bad_field");
    let mut err = sys::emcc_error::default();
    let ok = sys::emcc_register_field(
        proto,
        id.as_ptr(),
        leak_cstr("Injected bad field"),
        leak_cstr(&abbrev),
        sys::FT_UINT32 as c_int,
        sys::BASE_NONE as c_int,
        ptr::null(),
        0,
        leak_cstr(""),
        &mut err,
    );
    if ok == 0 {
        refused("field", &abbrev, &err);
    }
}

/// Wireshark refused a definition of ours (a plugin bug found at start-up):
/// said on standard error, the only channel there is before any packet; the
/// rest of the plugin and of Wireshark carries on without it.
fn refused(what: &str, abbrev: &str, err: &sys::emcc_error) {
    let message = super::c_strings::c_message(&err.message);
    super::output::write_stderr_line(&format!(
        "emcc plugin: Wireshark refused {what} {abbrev}, which stays unavailable: {}",
        message.trim_end()
    ));
}

/// FT_FRAMENUM fields carry their relation in the `strings` pointer
/// (Wireshark's FRAMENUM_TYPE macro).
fn framenum(relation: u32) -> (u32, c_int, *const c_void) {
    (
        sys::FT_FRAMENUM,
        sys::BASE_NONE as c_int,
        relation as usize as *const c_void,
    )
}

/// Builds a NULL-terminated `value_string` array that lives forever.
fn leak_value_strings(names: &'static [(u32, &'static str)]) -> *const c_void {
    let mut table: Vec<sys::value_string> = names
        .iter()
        .map(|&(value, name)| sys::value_string {
            value,
            strptr: leak_cstr(name),
        })
        .collect();
    table.push(sys::value_string {
        value: 0,
        strptr: ptr::null(),
    });
    Box::leak(table.into_boxed_slice()).as_ptr() as *const c_void
}

/// Registration strings must outlive the process's use of them: leak them.
fn leak_cstr(text: &str) -> *const std::os::raw::c_char {
    let owned = CString::new(text.replace('\0', " ")).unwrap_or_default();
    Box::leak(owned.into_boxed_c_str()).as_ptr()
}

fn group_code(group: ExpertGroup) -> c_int {
    (match group {
        ExpertGroup::Malformed => sys::PI_MALFORMED,
        ExpertGroup::Protocol => sys::PI_PROTOCOL,
        ExpertGroup::Sequence => sys::PI_SEQUENCE,
        ExpertGroup::ResponseCode => sys::PI_RESPONSE_CODE,
        ExpertGroup::RequestCode => sys::PI_REQUEST_CODE,
        ExpertGroup::Undecoded => sys::PI_UNDECODED,
        ExpertGroup::Security => sys::PI_SECURITY,
        ExpertGroup::Comment => sys::PI_COMMENTS_GROUP,
    }) as c_int
}

fn severity_code(severity: Severity) -> c_int {
    (match severity {
        Severity::Chat => sys::PI_CHAT,
        Severity::Note => sys::PI_NOTE,
        Severity::Warn => sys::PI_WARN,
        Severity::Error => sys::PI_ERROR,
    }) as c_int
}
