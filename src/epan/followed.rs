//! The buffers the follow taps gave the current frame, found once per
//! dissection and shared by every read of it.
//!
//! Finding them walks Wireshark's tap queue once per buffer
//! (`fetch_tapped_data` looks an entry up from the queue's start), and a
//! SIP frame is asked for them by each field read of each member: five or
//! six times. The list is kept here, by dissection, and handed out without
//! a copy.

use std::os::raw::c_int;
use std::sync::Arc;

use super::inputs::Followed;
use super::packet::Source;
use super::sys;
use crate::state::State;

/// A buffer as found: Wireshark's tvb and its captured length.
#[derive(Clone, Copy)]
struct Found {
    tvb: *mut sys::tvbuff_t,
    captured_len: usize,
}

// SAFETY: a pointer Wireshark owns, kept only for the dissection it was
// found in (`Cache::dissection`) and handed out only as a `Source` of that
// dissection's frame, on Wireshark's dissecting thread.
unsafe impl Send for Found {}
unsafe impl Sync for Found {}

/// One list per follow tap (`Followed` numbers them).
const TAPS: usize = 4;

#[derive(Default)]
struct Cache {
    dissection: u64,
    lists: [Option<Arc<[Found]>>; TAPS],
}

static CACHE: State<Cache> = State::new(Cache::default);

/// Wireshark frees the frame's tvbs after this: no pointer outlives its
/// frame (a frame end routine, registered with the frame's first list).
extern "C" fn frame_ended() {
    let _ = super::guard::run(|| *CACHE.lock() = Cache::default());
}

/// The buffers one follow tap gave this frame, each once, in order.
#[derive(Clone)]
pub struct TappedBuffers<'d> {
    shared: Option<Arc<[Found]>>,
    /// A buffer found otherwise (see `TappedBuffers::one`).
    own: Option<Source<'d>>,
}

impl<'d> TappedBuffers<'d> {
    pub(super) fn none() -> Self {
        TappedBuffers {
            shared: None,
            own: None,
        }
    }

    /// A list of one buffer.
    pub fn one(source: Source<'d>) -> Self {
        TappedBuffers {
            shared: None,
            own: Some(source),
        }
    }

    pub fn len(&self) -> usize {
        match (&self.shared, self.own) {
            (Some(list), _) => list.len(),
            (None, Some(_)) => 1,
            (None, None) => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, index: usize) -> Option<Source<'d>> {
        match (&self.shared, self.own) {
            (Some(list), _) => list.get(index).map(|f| source(*f)),
            (None, own) => own.filter(|_| index == 0),
        }
    }

    pub fn last(&self) -> Option<Source<'d>> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = Source<'d>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

fn source<'d>(found: Found) -> Source<'d> {
    Source::from_raw(found.tvb, found.captured_len)
}

/// The buffers `tap` gave the frame of `dissection`: read from the tap
/// queue at the first question of the dissection, from memory after.
///
/// # Safety
/// Only while a dissection with taps runs (our post-dissector deciding a
/// frame): the queue's tvbs belong to its frame; `pinfo` is its.
pub(super) unsafe fn tapped<'d>(
    pinfo: *mut sys::packet_info,
    dissection: u64,
    tap: Followed,
) -> TappedBuffers<'d> {
    let slot = tap as usize;
    let mut cache = CACHE.lock();
    if cache.dissection != dissection {
        cache.dissection = dissection;
        cache.lists = Default::default();
        // SAFETY: pinfo is valid; the routine is a static function.
        unsafe { sys::emcc_on_frame_end(pinfo, Some(frame_ended)) };
    }
    let list = match &cache.lists[slot] {
        Some(list) => Arc::clone(list),
        None => {
            // SAFETY: as this function's.
            let list: Arc<[Found]> = unsafe { scan(tap) }.into();
            cache.lists[slot] = Some(Arc::clone(&list));
            list
        }
    };
    TappedBuffers {
        shared: Some(list),
        own: None,
    }
}

/// # Safety
/// As `tapped`.
unsafe fn scan(tap: Followed) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    // The tap queue holds at most 5000 entries (epan/tap.c).
    for idx in 0..5000 {
        // SAFETY: fetches this frame's tap queue; the tvb lives for the frame.
        let tvb = unsafe { sys::emcc_tapped_buffer(tap as c_int, idx) };
        if tvb.is_null() {
            break;
        }
        if found.iter().any(|f| f.tvb == tvb) {
            continue;
        }
        // SAFETY: a tvb of the current frame.
        let captured_len = unsafe { sys::emcc_tvb_captured_length(tvb) } as usize;
        found.push(Found { tvb, captured_len });
    }
    found
}
