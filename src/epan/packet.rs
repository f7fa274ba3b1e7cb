//! The safe view of one dissector call: the packet's bytes (copied once, only
//! what was captured), its frame data, the Info and Protocol columns, and a
//! small tree-building API whose every call goes through the C shim.

use std::ffi::CStr;
use std::marker::PhantomData;
use std::ops::Range;
use std::os::raw::c_int;
use std::ptr;

use super::c_strings::{c_buffer_text, c_message, c_text};
use super::dissector::{ForeignDissector, PortWrapper};
use super::echo::{self, Echoed};
use super::followed::{self, TappedBuffers};
use super::inputs::{self, Followed};
use super::layers::FrameLayers;
use super::registry::{Expert, Field, ForeignField, Protocol, Subtree};
use super::sys;

/// A place in the protocol tree to add items under. `None` inside when
/// Wireshark builds no tree for this pass: every add is then a cheap no-op.
#[derive(Clone, Copy)]
pub struct Tree<'d> {
    raw: *mut sys::proto_tree,
    _call: PhantomData<&'d ()>,
}

/// An item added to the tree (or nothing, when no tree is built).
#[derive(Clone, Copy)]
pub struct Item<'d> {
    raw: *mut sys::proto_item,
    _call: PhantomData<&'d ()>,
}

impl Item<'_> {
    /// True when the item exists (a tree is being built and Wireshark took it).
    pub fn exists(&self) -> bool {
        !self.raw.is_null()
    }
}

/// A data source (tvb) of the current frame: our own, or one another
/// protocol's item points into (a reassembled SIP message, say).
#[derive(Clone, Copy)]
pub struct Source<'d> {
    raw: *mut sys::tvbuff_t,
    captured_len: usize,
    _call: PhantomData<&'d ()>,
}

impl<'d> Source<'d> {
    /// A tvb of the current frame, with its captured length.
    pub(super) fn from_raw(raw: *mut sys::tvbuff_t, captured_len: usize) -> Source<'d> {
        Source {
            raw,
            captured_len,
            _call: PhantomData,
        }
    }

    /// How many bytes it had on the wire (captured or not).
    pub fn reported_len(&self) -> usize {
        // SAFETY: a tvb of the current frame (the lifetime 'd says so).
        unsafe { sys::emcc_tvb_reported_length(self.raw) as usize }
    }
}

/// The same tvb: fields of one message share their source.
impl PartialEq for Source<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.raw, other.raw)
    }
}

impl Source<'_> {
    /// How many bytes of it were captured.
    pub fn len(&self) -> usize {
        self.captured_len
    }

    pub fn is_empty(&self) -> bool {
        self.captured_len == 0
    }
}

/// A value another protocol put in the tree, and where its bytes are.
pub struct FoundField<'d> {
    /// For string fields.
    pub string: Option<String>,
    /// For unsigned 32-bit fields and frame numbers.
    pub uint: Option<u32>,
    pub source: Source<'d>,
    pub range: Range<usize>,
}

/// A TCP header as TCP's tap gives it.
#[derive(Clone, Copy, Debug)]
pub struct TappedTcp {
    pub stream: u32,
    pub flags: u32,
    pub src_port: u32,
    pub dst_port: u32,
}

/// An HTTP message as HTTP's tap gives it.
#[derive(Clone, Debug)]
pub struct TappedHttp {
    /// Requests only.
    pub method: Option<String>,
    /// Responses only (0 for requests).
    pub code: u32,
    /// Requests only.
    pub uri: Option<String>,
}

/// A string value another protocol put in the tree, and where its bytes are.
pub struct FoundString<'d> {
    pub value: String,
    pub source: Source<'d>,
    pub range: Range<usize>,
}

/// Most fields occur at most once per frame: their occurrences fit this
/// buffer on the stack and cost one call of the shim. A field with more (the
/// TLS records of one segment, say) is asked again for the rest, into a
/// buffer of the exact size: every occurrence is read.
const FOUND_ON_STACK: usize = 16;

/// The first Wireshark exception the shim caught during this call.
struct Refusal {
    message: String,
    count: u32,
}

/// One call of one of our dissectors.
pub struct Packet<'d> {
    pinfo: *mut sys::packet_info,
    tvb: *mut sys::tvbuff_t,
    tree: *mut sys::proto_tree,
    protocol: &'static Protocol,
    bytes: Vec<u8>,
    reported_len: usize,
    /// Where tree items currently point: `tvb` unless `use_source` changed it,
    /// and the offset in it that item ranges are relative to.
    items_tvb: *mut sys::tvbuff_t,
    items_len: usize,
    items_base: usize,
    refusal: Option<Refusal>,
    /// Set for a post-dissector member reading other protocols from taps:
    /// whether this frame was decided before (else Wireshark's `visited`).
    taps_recall: Option<bool>,
    /// The frame's protocols, when our post-dissector read them already.
    layers: Option<&'d FrameLayers>,
    _call: PhantomData<&'d mut ()>,
}

impl<'d> Packet<'d> {
    /// # Safety
    /// The pointers are the ones Wireshark passed to the dissector callback
    /// and stay valid for `'d`; `tree` may be null.
    pub(crate) unsafe fn new(
        tvb: *mut sys::tvbuff_t,
        pinfo: *mut sys::packet_info,
        tree: *mut sys::proto_tree,
        protocol: &'static Protocol,
        copy_bytes: bool,
    ) -> Packet<'d> {
        let captured = sys::emcc_tvb_captured_length(tvb) as usize;
        let reported_len = sys::emcc_tvb_reported_length(tvb) as usize;
        let mut packet = Packet {
            pinfo,
            tvb,
            tree,
            protocol,
            bytes: Vec::new(),
            reported_len,
            items_tvb: tvb,
            items_len: captured,
            items_base: 0,
            refusal: None,
            taps_recall: None,
            layers: None,
            _call: PhantomData,
        };
        if copy_bytes {
            packet.bytes = packet.copy_bytes(0, captured).unwrap_or_default();
        }
        packet
    }

    /// Copies `len` bytes at `offset` out of the tvb; a Wireshark exception
    /// (out of bounds) is caught in the shim and recorded.
    fn copy_bytes(&mut self, offset: usize, len: usize) -> Option<Vec<u8>> {
        let mut buffer = vec![0u8; len];
        let mut err = sys::emcc_error::default();
        // SAFETY: `buffer` holds `len` bytes; tvb is valid for the call.
        let ok = unsafe {
            sys::emcc_tvb_copy(
                self.tvb,
                to_c_int(offset),
                to_c_int(len),
                buffer.as_mut_ptr(),
                &mut err,
            )
        };
        self.note_refusal(&err);
        (ok != 0).then_some(buffer)
    }

    /// Occurrences of another protocol's field in this frame's tree (present
    /// only when the field was asked for, see
    /// `Dissector::register_as_postdissector`), all of them, in tree order.
    pub fn fields(&mut self, field: &ForeignField) -> Vec<FoundField<'d>> {
        if self.taps_recall.is_some() {
            return match inputs::tap_reader() {
                // Only the deciding dissection has taps to read.
                Some(read) if self.taps_recall == Some(false) => read(self, field),
                _ => Vec::new(),
            };
        }
        let mut found = Vec::new();
        every_hit(
            |first, out| self.find_fields(field, first, out),
            |hits| keep_hits(hits, &mut found),
        );
        found
    }

    /// Asks the shim for the occurrences of `field` from index `first` on,
    /// copied into `out`; returns how many the frame holds in all.
    fn find_fields(
        &mut self,
        field: &ForeignField,
        first: usize,
        out: &mut [sys::emcc_field_hit],
    ) -> usize {
        let mut err = sys::emcc_error::default();
        // SAFETY: `out` holds `out.len()` entries and the shim writes no more
        // than that; the pointers it returns are valid during this call and
        // copied by `keep_hits` before the dissector returns.
        let total = unsafe {
            sys::emcc_find_fields(
                self.pinfo,
                self.tree,
                field.id(),
                field.layer.as_ptr(),
                to_c_int(first),
                out.as_mut_ptr(),
                to_c_int(out.len()),
                &mut err,
            )
        };
        self.note_refusal(&err);
        total.max(0) as usize
    }

    /// The first unsigned value of another protocol's field in this frame.
    pub fn first_uint(&mut self, field: &ForeignField) -> Option<u32> {
        self.fields(field).into_iter().find_map(|f| f.uint)
    }

    /// The first string value of another protocol's field in this frame.
    pub fn first_string(&mut self, field: &ForeignField) -> Option<String> {
        self.fields(field).into_iter().find_map(|f| f.string)
    }

    /// The string occurrences of another protocol's field (see `fields`).
    pub fn string_fields(&mut self, field: &ForeignField) -> Vec<FoundString<'d>> {
        self.fields(field)
            .into_iter()
            .filter_map(|f| {
                Some(FoundString {
                    value: f.string?,
                    source: f.source,
                    range: f.range,
                })
            })
            .collect()
    }

    /// Copies bytes of another data source (captured bytes only).
    pub fn source_bytes(&mut self, source: Source<'d>, range: Range<usize>) -> Option<Vec<u8>> {
        let start = range.start.min(source.captured_len);
        let end = range.end.clamp(start, source.captured_len);
        let mut buffer = vec![0u8; end - start];
        let mut err = sys::emcc_error::default();
        // SAFETY: buffer holds end - start bytes; the shim catches exceptions.
        let ok = unsafe {
            sys::emcc_tvb_copy(
                source.raw,
                to_c_int(start),
                to_c_int(end - start),
                buffer.as_mut_ptr(),
                &mut err,
            )
        };
        self.note_refusal(&err);
        (ok != 0).then_some(buffer)
    }

    /// Adds a data source to the frame holding a copy of `bytes` (a file this
    /// plugin put together from several packets), shown under `name` next
    /// to the frame's bytes. `None` for empty bytes or if Wireshark refused.
    pub fn new_data_source(&mut self, bytes: &[u8], name: &'static CStr) -> Option<Source<'d>> {
        if bytes.is_empty() || bytes.len() > c_int::MAX as usize {
            return None;
        }
        let mut err = sys::emcc_error::default();
        // SAFETY: `bytes` is valid for the call and copied into packet-scoped
        // memory by the shim; the name is a static C string; the shim
        // catches exceptions.
        let raw = unsafe {
            sys::emcc_new_data_source(
                self.tvb,
                self.pinfo,
                bytes.as_ptr(),
                to_c_int(bytes.len()),
                name.as_ptr(),
                &mut err,
            )
        };
        self.note_refusal(&err);
        (!raw.is_null()).then_some(Source {
            raw,
            captured_len: bytes.len(),
            _call: PhantomData,
        })
    }

    /// Makes the following tree items point into `source` instead of our
    /// own data (the post-dissector highlights bytes of SIP's message).
    pub fn use_source(&mut self, source: Source<'d>) {
        self.use_source_at(source, 0);
    }

    /// Places the following items where `origin` says: in another data
    /// source from a base offset, or, for `None` (inputs remembered from an
    /// earlier pass, whose data source is gone), on our own data without
    /// byte ranges.
    pub fn place(&mut self, origin: Option<(Source<'d>, usize)>) {
        match origin {
            Some((source, base)) => self.use_source_at(source, base),
            None => {
                self.items_tvb = self.tvb;
                self.items_len = 0;
                self.items_base = 0;
            }
        }
    }

    /// Like `use_source`, with item ranges counted from `base` in it: a
    /// decoder of a document found at `base` keeps its own offsets.
    pub fn use_source_at(&mut self, source: Source<'d>, base: usize) {
        self.items_tvb = source.raw;
        self.items_len = source.captured_len;
        self.items_base = base;
    }

    /// The bytes Wireshark captured for this tvb (maybe fewer than reported).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// True when the capture cut this data short (snapshot length).
    pub fn is_truncated(&self) -> bool {
        self.bytes.len() < self.reported_len
    }

    /// True when the capture kept fewer bytes of this frame than it had (the
    /// snapshot length); unlike `is_truncated`, also for post-dissectors,
    /// which hold no copy of the bytes.
    pub fn frame_is_cut(&self) -> bool {
        // SAFETY: tvb is valid for the call.
        let captured = unsafe { sys::emcc_tvb_captured_length(self.tvb) } as usize;
        captured < self.reported_len
    }

    pub fn reported_len(&self) -> usize {
        self.reported_len
    }

    pub(crate) fn pinfo_ptr(&self) -> *mut sys::packet_info {
        self.pinfo
    }

    /// The key under which a string dissector table (such as `media_type`)
    /// called this dissector, if one did.
    pub fn match_string(&self) -> Option<String> {
        // SAFETY: pinfo is valid; the string, when set, is NUL-terminated and
        // lives during the call; it is copied at once.
        unsafe {
            let raw = sys::emcc_match_string(self.pinfo);
            (!raw.is_null()).then(|| CStr::from_ptr(raw).to_string_lossy().into_owned())
        }
    }

    pub fn frame_number(&self) -> u32 {
        // SAFETY: pinfo is valid for the call.
        unsafe { sys::emcc_frame_number(self.pinfo) }
    }

    /// True on the second and later dissection of this frame; for a
    /// post-dissector reading taps, once the frame was decided (`inputs`).
    pub fn visited(&self) -> bool {
        if let Some(recall) = self.taps_recall {
            return recall;
        }
        // SAFETY: pinfo is valid for the call.
        unsafe { sys::emcc_frame_visited(self.pinfo) != 0 }
    }

    /// The frame's protocols as read by the caller, for `carries`.
    pub(super) fn use_layers(&mut self, layers: &'d FrameLayers) {
        self.layers = Some(layers);
    }

    /// Makes this post-dissector call read other protocols from taps (see
    /// `inputs`); `recall`: the frame was decided before.
    pub(super) fn read_from_taps(&mut self, recall: bool) {
        self.taps_recall = Some(recall);
    }

    /// True when other protocols' values come from taps, not the tree.
    pub fn reads_taps(&self) -> bool {
        self.taps_recall.is_some()
    }

    /// Identifies this dissection of the frame (for caches of what was read).
    pub fn dissection(&self) -> u64 {
        inputs::dissection()
    }

    /// The frame's first TCP header as TCP's tap gave it (stream index,
    /// flags, ports); only while reading taps.
    pub fn tapped_tcp(&self) -> Option<TappedTcp> {
        if self.taps_recall != Some(false) {
            return None;
        }
        let (mut stream, mut flags, mut src_port, mut dst_port) = (0u32, 0u32, 0u32, 0u32);
        // SAFETY: out pointers are local; fetches this frame's tap queue.
        let found =
            unsafe { sys::emcc_tapped_tcp(&mut stream, &mut flags, &mut src_port, &mut dst_port) };
        (found != 0).then_some(TappedTcp {
            stream,
            flags,
            src_port,
            dst_port,
        })
    }

    /// The buffers a follow tap gave this frame, each once, in order; only
    /// while reading taps.
    pub fn tapped_buffers(&self, tap: Followed) -> TappedBuffers<'d> {
        if self.taps_recall != Some(false) {
            return TappedBuffers::none();
        }
        // SAFETY: a deciding dissection with taps (taps_recall says so).
        unsafe { followed::tapped(self.pinfo, self.dissection(), tap) }
    }

    /// The HTTP messages HTTP's tap gave this frame; only while reading taps.
    pub fn tapped_http(&self) -> Vec<TappedHttp> {
        let mut found = Vec::new();
        if self.taps_recall != Some(false) {
            return found;
        }
        for idx in 0..5000 {
            let (mut method, mut code, mut uri) = (ptr::null(), 0u32, ptr::null());
            // SAFETY: out pointers are local; the strings are Wireshark's,
            // valid during the call, and copied at once.
            let ok = unsafe { sys::emcc_tapped_http(idx, &mut method, &mut code, &mut uri) };
            if ok == 0 {
                break;
            }
            let text = |raw: *const std::os::raw::c_char| {
                // SAFETY: NUL-terminated when not null (see above).
                (!raw.is_null()).then(|| {
                    unsafe { CStr::from_ptr(raw) }
                        .to_string_lossy()
                        .into_owned()
                })
            };
            found.push(TappedHttp {
                method: text(method),
                code,
                uri: text(uri),
            });
        }
        found
    }

    /// HTTP's own link of this frame's message: (request frame, response
    /// frame), each 0 when not known yet; any pass, with or without taps.
    pub fn http_link(&self) -> Option<(u32, u32)> {
        let (mut request, mut response) = (0u32, 0u32);
        // SAFETY: pinfo is valid; out pointers are local.
        let found = unsafe { sys::emcc_http_link(self.pinfo, &mut request, &mut response) };
        (found != 0).then_some((request, response))
    }

    /// The tvbs a wrapper of ours saw in this frame, in order.
    pub fn wrapped(&self, wrapper: &PortWrapper) -> Vec<Source<'d>> {
        let frame = self.frame_number();
        inputs::stashed(frame, wrapper.name())
            .into_iter()
            .map(|raw| self.source_of(raw))
            .collect()
    }

    /// The tvb this dissector was called with, as a data source.
    pub fn frame_source(&self) -> Source<'d> {
        self.source_of(self.tvb)
    }

    fn source_of(&self, raw: *mut sys::tvbuff_t) -> Source<'d> {
        // SAFETY: a tvb of the current frame.
        Source::from_raw(raw, unsafe { sys::emcc_tvb_captured_length(raw) } as usize)
    }

    /// The frame's capture time as seconds and nanoseconds since the epoch.
    pub fn time(&self) -> (i64, i32) {
        let (mut secs, mut nsecs) = (0i64, 0i32);
        // SAFETY: pinfo is valid; the out pointers are local.
        unsafe { sys::emcc_frame_abs_time(self.pinfo, &mut secs, &mut nsecs) };
        (secs, nsecs)
    }

    /// Source and destination port of the frame's (innermost) TCP header;
    /// None when the frame is not TCP.
    pub fn tcp_ports(&self) -> Option<(u32, u32)> {
        let (mut src, mut dst) = (0u32, 0u32);
        // SAFETY: pinfo is valid; the out pointers are local.
        let tcp = unsafe { sys::emcc_frame_tcp_ports(self.pinfo, &mut src, &mut dst) };
        (tcp != 0).then_some((src, dst))
    }

    /// Source and destination port of the frame's UDP header; None when the
    /// frame is not UDP.
    pub fn udp_ports(&self) -> Option<(u32, u32)> {
        let (mut src, mut dst) = (0u32, 0u32);
        // SAFETY: pinfo is valid; the out pointers are local.
        let udp = unsafe { sys::emcc_frame_udp_ports(self.pinfo, &mut src, &mut dst) };
        (udp != 0).then_some((src, dst))
    }

    /// The frame's data source Wireshark shows under `name` (without the
    /// byte count it appends), such as a file another protocol reassembled.
    pub fn data_source_named(&self, name: &CStr) -> Option<Source<'d>> {
        // SAFETY: pinfo is valid; the name is NUL-terminated.
        let raw = unsafe { sys::emcc_data_source_named(self.pinfo, name.as_ptr()) };
        (!raw.is_null()).then(|| self.source_of(raw))
    }

    /// The frame's network source and destination addresses, as text.
    pub fn addresses(&self) -> (String, String) {
        let mut src = [0 as std::os::raw::c_char; 64];
        let mut dst = [0 as std::os::raw::c_char; 64];
        // SAFETY: both buffers hold 64 bytes; the shim NUL-terminates.
        unsafe { sys::emcc_frame_addresses(self.pinfo, src.as_mut_ptr(), dst.as_mut_ptr(), 64) };
        (c_buffer_text(&src), c_buffer_text(&dst))
    }

    /// True when the frame carries one of these protocols (each named by a
    /// `ForeignField` of the protocol's own filter name, resolved at handoff).
    pub fn carries(&self, protocols: &[&ForeignField]) -> bool {
        // Asked on many frames with two or three protocols: no allocation.
        let mut ids = [-1 as c_int; 8];
        for (id, protocol) in ids.iter_mut().zip(protocols) {
            *id = protocol.id();
        }
        let ids = &ids[..protocols.len().min(8)];
        match self.layers {
            Some(layers) => layers.carries_any(ids),
            // SAFETY: pinfo is valid for the call.
            None => unsafe { FrameLayers::read(self.pinfo) }.carries_any(ids),
        }
    }

    /// True when Wireshark wants a tree for this pass.
    pub fn wants_tree(&self) -> bool {
        !self.tree.is_null()
    }

    /// The tree Wireshark passed in (our protocol item goes under it).
    pub fn root(&self) -> Tree<'d> {
        Tree {
            raw: self.tree,
            _call: PhantomData,
        }
    }

    /// Shows our protocol's short name in the Protocol column.
    pub fn set_protocol_column(&mut self) {
        // SAFETY: the short name is a 'static C string, as col_set_str needs.
        unsafe { sys::emcc_col_set_protocol(self.pinfo, self.protocol.short_name.as_ptr()) }
    }

    /// Appends text to the Info column (copied by Wireshark), and to the
    /// column's field where the release has one (see shim.c).
    pub fn append_info(&mut self, text: &str) {
        let text = c_text(text);
        self.append_info_cstr(&text);
    }

    /// `append_info` for text already NUL-terminated (no copy).
    pub fn append_info_cstr(&mut self, text: &CStr) {
        // SAFETY: pinfo and tree (or null) valid; text lives across the call.
        unsafe { sys::emcc_col_append_info(self.pinfo, self.tree, text.as_ptr()) }
    }

    /// Adds our protocol's item over `range` and returns the subtree under it.
    pub fn add_protocol(&mut self, range: Range<usize>, subtree: &Subtree) -> (Item<'d>, Tree<'d>) {
        if self.tree.is_null() {
            // What Wireshark would answer (no item without a tree), without
            // the exception frame the shim sets up around the call.
            return (Item::none(), self.subtree(Item::none(), subtree));
        }
        let (start, len) = self.clamp(range);
        let mut err = sys::emcc_error::default();
        // SAFETY: pointers valid for the call; the shim catches exceptions.
        let raw = unsafe {
            sys::emcc_add_protocol(
                self.tree,
                self.protocol.id(),
                self.items_tvb,
                start,
                len,
                &mut err,
            )
        };
        self.note_refusal(&err);
        let item = Item {
            raw,
            _call: PhantomData,
        };
        (item, self.subtree(item, subtree))
    }

    /// The subtree under `item` (nothing when the item does not exist).
    pub fn subtree(&mut self, item: Item<'d>, subtree: &Subtree) -> Tree<'d> {
        if item.raw.is_null() {
            return Tree {
                raw: ptr::null_mut(),
                _call: PhantomData,
            };
        }
        let mut err = sys::emcc_error::default();
        // SAFETY: item is a live proto_item of this call.
        let raw = unsafe { sys::emcc_item_add_subtree(item.raw, subtree.id(), &mut err) };
        self.note_refusal(&err);
        Tree {
            raw,
            _call: PhantomData,
        }
    }

    /// Notes the value for a later post-dissector of ours (see `echo`), on the
    /// frame's first pass, when the field is one of those echoed.
    fn echo(&self, field: &Field, value: impl FnOnce() -> Echoed) {
        if echo::is_echoed(field.id()) && !self.visited() {
            echo::record(self.frame_number(), field.id(), value());
        }
    }

    /// Whether a dissector of ours added a value of an echoed field in this
    /// frame's first pass: one question instead of one per field on the
    /// many frames where none did.
    pub fn echoed_any(&self) -> bool {
        echo::any_in(self.frame_number())
    }

    /// The first value of one of our echoed fields (`echo::echo_fields`) that
    /// a dissector of ours added in this frame's first pass.
    pub fn echoed_string(&self, field: &ForeignField) -> Option<String> {
        match echo::first(self.frame_number(), field.id())? {
            Echoed::Text(text) => Some(text),
            Echoed::Number(n) => Some(n.to_string()),
        }
    }

    /// Every value of one of our echoed fields added in this frame's first
    /// pass, in order (the call managers of a configuration file, say).
    pub fn echoed_strings(&self, field: &ForeignField) -> Vec<String> {
        echo::all(self.frame_number(), field.id())
            .into_iter()
            .map(|value| match value {
                Echoed::Text(text) => text,
                Echoed::Number(n) => n.to_string(),
            })
            .collect()
    }

    /// As `echoed_string`, for unsigned integer fields.
    pub fn echoed_uint(&self, field: &ForeignField) -> Option<u32> {
        match echo::first(self.frame_number(), field.id())? {
            Echoed::Number(n) => Some(n),
            Echoed::Text(_) => None,
        }
    }

    /// Whether an item of `field` in `tree` would be kept (the tree is shown,
    /// or something asks for the field): lets a dissector skip building
    /// values nobody will see, as Wireshark's own dissectors do.
    pub fn is_referenced(&self, tree: Tree<'d>, field: &Field) -> bool {
        // SAFETY: tree is null or valid for the call.
        !tree.raw.is_null() && unsafe { sys::emcc_field_is_referenced(tree.raw, field.id()) != 0 }
    }

    pub fn add_string(
        &mut self,
        tree: Tree<'d>,
        field: &Field,
        range: Range<usize>,
        value: &str,
    ) -> Item<'d> {
        self.echo(field, || Echoed::Text(value.to_string()));
        if tree.raw.is_null() {
            return Item::none();
        }
        let value = c_text(value);
        self.add(tree, range, |t, tvb, s, l, e| unsafe {
            sys::emcc_add_string(t, field.id(), tvb, s, l, value.as_ptr(), e)
        })
    }

    pub fn add_uint(
        &mut self,
        tree: Tree<'d>,
        field: &Field,
        range: Range<usize>,
        value: u32,
    ) -> Item<'d> {
        self.echo(field, || Echoed::Number(value));
        self.add(tree, range, |t, tvb, s, l, e| unsafe {
            sys::emcc_add_uint(t, field.id(), tvb, s, l, value, e)
        })
    }

    pub fn add_bool(
        &mut self,
        tree: Tree<'d>,
        field: &Field,
        range: Range<usize>,
        value: bool,
    ) -> Item<'d> {
        self.add(tree, range, |t, tvb, s, l, e| unsafe {
            sys::emcc_add_boolean(t, field.id(), tvb, s, l, c_int::from(value), e)
        })
    }

    pub fn add_bytes(
        &mut self,
        tree: Tree<'d>,
        field: &Field,
        range: Range<usize>,
        value: &[u8],
    ) -> Item<'d> {
        self.add(tree, range, |t, tvb, s, l, e| unsafe {
            sys::emcc_add_bytes(
                t,
                field.id(),
                tvb,
                s,
                l,
                value.as_ptr(),
                to_c_int(value.len()),
                e,
            )
        })
    }

    /// Adds a time: absolute (seconds since the epoch) or relative, by field.
    pub fn add_time(
        &mut self,
        tree: Tree<'d>,
        field: &Field,
        range: Range<usize>,
        secs: i64,
        nsecs: i32,
    ) -> Item<'d> {
        self.add(tree, range, |t, tvb, s, l, e| unsafe {
            sys::emcc_add_time(t, field.id(), tvb, s, l, secs, nsecs, e)
        })
    }

    /// Adds a label item (a `FieldKind::Label` field) showing `text`.
    pub fn add_label(
        &mut self,
        tree: Tree<'d>,
        field: &Field,
        range: Range<usize>,
        text: &str,
    ) -> Item<'d> {
        if tree.raw.is_null() {
            return Item::none();
        }
        let text = c_text(text);
        self.add(tree, range, |t, tvb, s, l, e| unsafe {
            sys::emcc_add_none(t, field.id(), tvb, s, l, text.as_ptr(), e)
        })
    }

    /// True when the protocol that called us (TLS, for decrypted data) can gather
    /// more bytes for a message cut at the end of this data.
    pub fn can_desegment(&self) -> bool {
        // SAFETY: pinfo is valid for the call.
        unsafe { sys::emcc_can_desegment(self.pinfo) != 0 }
    }

    /// Asks the calling protocol to call again with the data from `offset` on once
    /// `more` further bytes are there (`None`: at least one more record, length not
    /// known yet). Only meaningful when `can_desegment` is true.
    pub fn request_more(&mut self, offset: usize, more: Option<usize>) {
        let more = more.map_or(0, |n| u32::try_from(n.max(1)).unwrap_or(u32::MAX));
        // SAFETY: pinfo is valid for the call.
        unsafe { sys::emcc_request_more(self.pinfo, to_c_int(offset), more) }
    }

    /// Calls another protocol's dissector on `range` of the current data, its items
    /// under `tree`. `Ok(None)`: this Wireshark has no such dissector; `Err`: it
    /// stopped on an exception (a malformed input, usually), with Wireshark's message.
    /// Either way the caller decides what to tell the user: not a plugin bug.
    pub fn call_dissector(
        &mut self,
        dissector: &ForeignDissector,
        tree: Tree<'d>,
        range: Range<usize>,
    ) -> Result<Option<usize>, String> {
        let handle = dissector.handle();
        if handle.is_null() {
            return Ok(None);
        }
        let (start, len) = self.clamp(range);
        let mut err = sys::emcc_error::default();
        // SAFETY: handle, tvb, pinfo are valid for the call (tree may be null); the
        // shim catches any exception the dissector throws.
        let taken = unsafe {
            sys::emcc_call_on_subset(
                handle,
                self.items_tvb,
                start,
                len,
                self.pinfo,
                tree.raw,
                &mut err,
            )
        };
        if err.caught != 0 {
            return Err(c_message(&err.message));
        }
        Ok(Some(taken.max(0) as usize))
    }

    /// Marks an item as computed by the dissector, not read from the bytes.
    pub fn set_generated(&mut self, item: Item<'d>) {
        if !item.raw.is_null() {
            // SAFETY: item is a live proto_item of this call.
            unsafe { sys::emcc_item_set_generated(item.raw) }
        }
    }

    /// Hides an item from the tree while keeping it filterable.
    pub fn set_hidden(&mut self, item: Item<'d>) {
        if !item.raw.is_null() {
            // SAFETY: item is a live proto_item of this call.
            unsafe { sys::emcc_item_set_hidden(item.raw) }
        }
    }

    pub fn append_text(&mut self, item: Item<'d>, text: &str) {
        if item.raw.is_null() {
            return;
        }
        let text = c_text(text);
        let mut err = sys::emcc_error::default();
        // SAFETY: item is live; text outlives the call.
        unsafe { sys::emcc_item_append_text(item.raw, text.as_ptr(), &mut err) };
        self.note_refusal(&err);
    }

    /// Raises an expert info on `item` (or on the packet, when the item does
    /// not exist). Expert infos are recorded even when no tree is built.
    pub fn expert(&mut self, item: Item<'d>, expert: &Expert, message: &str) {
        let message = c_text(message);
        let mut err = sys::emcc_error::default();
        // SAFETY: pinfo is valid, item is live or null, expert is static.
        unsafe {
            sys::emcc_expert_add(
                self.pinfo,
                item.raw,
                expert.as_ptr(),
                message.as_ptr(),
                &mut err,
            )
        };
        self.note_refusal(&err);
    }

    /// Raises an expert info as its own tree item over `range`, so selecting
    /// it highlights the offending bytes. Recorded even without a tree.
    pub fn expert_at(
        &mut self,
        tree: Tree<'d>,
        expert: &Expert,
        range: Range<usize>,
        message: &str,
    ) -> Item<'d> {
        let (start, len) = self.clamp(range);
        let message = c_text(message);
        let mut err = sys::emcc_error::default();
        // SAFETY: pointers valid for the call (tree may be null); the shim
        // catches exceptions.
        let raw = unsafe {
            sys::emcc_add_expert(
                tree.raw,
                self.pinfo,
                expert.as_ptr(),
                self.items_tvb,
                start,
                len,
                message.as_ptr(),
                &mut err,
            )
        };
        self.note_refusal(&err);
        Item {
            raw,
            _call: PhantomData,
        }
    }

    /// Shared body of the add_* calls: clamps the byte range to what was
    /// captured (Wireshark throws on ranges past it) and records a refusal.
    fn add(
        &mut self,
        tree: Tree<'d>,
        range: Range<usize>,
        call: impl FnOnce(
            *mut sys::proto_tree,
            *mut sys::tvbuff_t,
            c_int,
            c_int,
            *mut sys::emcc_error,
        ) -> *mut sys::proto_item,
    ) -> Item<'d> {
        if tree.raw.is_null() {
            return Item::none();
        }
        let (start, len) = self.clamp(range);
        let mut err = sys::emcc_error::default();
        let raw = call(tree.raw, self.items_tvb, start, len, &mut err);
        self.note_refusal(&err);
        Item {
            raw,
            _call: PhantomData,
        }
    }

    fn clamp(&self, range: Range<usize>) -> (c_int, c_int) {
        let start = range
            .start
            .saturating_add(self.items_base)
            .min(self.items_len);
        let end = range
            .end
            .saturating_add(self.items_base)
            .clamp(start, self.items_len);
        (to_c_int(start), to_c_int(end - start))
    }

    fn note_refusal(&mut self, err: &sys::emcc_error) {
        if err.caught == 0 {
            return;
        }
        match &mut self.refusal {
            Some(refusal) => refusal.count += 1,
            None => {
                self.refusal = Some(Refusal {
                    message: c_message(&err.message),
                    count: 1,
                })
            }
        }
    }

    /// Reports, once per call, what went wrong inside the plugin: a panic
    /// message, and/or exceptions Wireshark threw at the shim.
    pub(crate) fn report_problems(&mut self, panic: Option<&str>) {
        // Added as tree items on the root (not only to the expert tap), so
        // that `_ws.expert` filters and field output see them.
        let root = self.root();
        let end = self.bytes.len();
        let bug = self.protocol.plugin_bug;
        if let Some(message) = panic {
            let text = format!(
                "Plugin bug in {}: {message}; the rest of this packet was not decoded",
                self.protocol.filter_name
            );
            self.expert_at(root, bug, 0..end, &text);
        }
        if let Some(refusal) = self.refusal.take() {
            let text = format!(
                "Plugin bug in {}: Wireshark refused {} request(s) of the plugin ({})",
                self.protocol.filter_name, refusal.count, refusal.message
            );
            self.expert_at(root, bug, 0..end, &text);
        }
    }

    /// Test hook: reads past the end of the tvb and adds an item with a range
    /// past it, as a buggy decoder would. Both must be caught by the shim.
    pub(crate) fn inject_out_of_bounds(&mut self, tree: Tree<'d>, field: &Field) {
        let past_end = self.reported_len + 64;
        let _ = self.copy_bytes(past_end, 16);
        let mut err = sys::emcc_error::default();
        // SAFETY: the shim catches the bounds exception Wireshark throws.
        unsafe {
            sys::emcc_add_string(
                tree.raw,
                field.id(),
                self.tvb,
                to_c_int(past_end),
                16,
                c"out of bounds".as_ptr(),
                &mut err,
            )
        };
        self.note_refusal(&err);
    }
}

impl Item<'_> {
    pub fn none() -> Self {
        Item {
            raw: ptr::null_mut(),
            _call: PhantomData,
        }
    }
}

/// Copies what the shim found into owned values.
fn keep_hits<'d>(hits: &[sys::emcc_field_hit], found: &mut Vec<FoundField<'d>>) {
    found.reserve_exact(hits.len());
    for hit in hits {
        if hit.tvb.is_null() {
            continue;
        }
        let string = (!hit.string.is_null()).then(|| {
            // SAFETY: a NUL-terminated string owned by Wireshark, valid
            // during the dissector call that found it.
            unsafe { std::ffi::CStr::from_ptr(hit.string) }
                .to_string_lossy()
                .into_owned()
        });
        // SAFETY: the tvb belongs to this frame.
        let captured_len = unsafe { sys::emcc_tvb_captured_length(hit.tvb) } as usize;
        let start = hit.start.max(0) as usize;
        found.push(FoundField {
            string,
            uint: (hit.has_uint != 0).then_some(hit.uint),
            source: Source {
                raw: hit.tvb,
                captured_len,
                _call: PhantomData,
            },
            range: start..start + hit.length.max(0) as usize,
        });
    }
}

/// Every occurrence of a field: `find(first, out)` copies the occurrences
/// from index `first` on into `out` (as many as fit) and returns how many
/// there are in all; `keep` takes each run of copied ones, in order. Up to
/// `FOUND_ON_STACK` occurrences cost one `find` into a buffer on the stack;
/// more cost a second one into a buffer of exactly the rest's size.
fn every_hit<T: Copy + Default>(
    mut find: impl FnMut(usize, &mut [T]) -> usize,
    mut keep: impl FnMut(&[T]),
) {
    let mut head = [T::default(); FOUND_ON_STACK];
    let total = find(0, &mut head);
    keep(&head[..total.min(FOUND_ON_STACK)]);
    if total > FOUND_ON_STACK {
        // Nothing changes the tree between the two calls (on a later pass
        // the shim searches it once more); should the count differ, only
        // what this call copied is kept.
        let mut rest = vec![T::default(); total - FOUND_ON_STACK];
        let again = find(FOUND_ON_STACK, &mut rest);
        let copied = again.saturating_sub(FOUND_ON_STACK).min(rest.len());
        keep(&rest[..copied]);
    }
}

/// Offsets past i32::MAX cannot occur in a tvb; saturate rather than wrap.
fn to_c_int(value: usize) -> c_int {
    c_int::try_from(value).unwrap_or(c_int::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for the shim over a frame holding `occurrences`: copies
    /// from `first` on, as many as fit, and returns the count of all.
    fn shim(occurrences: &[u32], first: usize, out: &mut [u32]) -> usize {
        let from = occurrences.get(first..).unwrap_or_default();
        for (slot, value) in out.iter_mut().zip(from) {
            *slot = *value;
        }
        occurrences.len()
    }

    /// Runs `every_hit` over `frame`; returns what was kept and each call's
    /// (first, buffer length).
    fn read(frame: &[u32]) -> (Vec<u32>, Vec<(usize, usize)>) {
        let (mut kept, mut calls) = (Vec::new(), Vec::new());
        every_hit(
            |first, out: &mut [u32]| {
                calls.push((first, out.len()));
                shim(frame, first, out)
            },
            |hits| kept.extend_from_slice(hits),
        );
        (kept, calls)
    }

    #[test]
    fn every_occurrence_is_read() {
        for n in [0u32, 1, 2, 15, 16, 17, 20, 33, 1000] {
            let frame: Vec<u32> = (1..=n).collect();
            let (kept, calls) = read(&frame);
            assert_eq!(kept, frame, "{n} occurrences");
            if n as usize <= FOUND_ON_STACK {
                assert_eq!(calls, [(0, FOUND_ON_STACK)], "one call for {n}");
            } else {
                let rest = n as usize - FOUND_ON_STACK;
                assert_eq!(
                    calls,
                    [(0, FOUND_ON_STACK), (FOUND_ON_STACK, rest)],
                    "a second call, sized exactly, for {n}"
                );
            }
        }
    }

    /// Should the second call see another count (it cannot: nothing changes
    /// the tree in between), only what was really copied is kept.
    #[test]
    fn a_changed_count_keeps_only_what_was_copied() {
        let twenty: Vec<u32> = (1..=20).collect();
        let mut calls = 0;
        let mut kept = Vec::new();
        every_hit(
            |first, out: &mut [u32]| {
                calls += 1;
                let frame = if calls == 1 {
                    &twenty[..]
                } else {
                    &twenty[..18]
                };
                shim(frame, first, out)
            },
            |hits| kept.extend_from_slice(hits),
        );
        assert_eq!(kept, (1..=18).collect::<Vec<u32>>());
        let mut calls = 0;
        let mut kept = Vec::new();
        let thirty: Vec<u32> = (1..=30).collect();
        every_hit(
            |first, out: &mut [u32]| {
                calls += 1;
                let frame = if calls == 1 { &twenty[..] } else { &thirty[..] };
                shim(frame, first, out)
            },
            |hits| kept.extend_from_slice(hits),
        );
        assert_eq!(kept, twenty, "no more than the buffer holds");
    }
}
