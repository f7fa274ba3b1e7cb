//! What a post-dissector read from other protocols on a frame's first pass,
//! kept for later passes. Wireshark fills a post-dissector's wanted fields
//! on the first pass only: on a second pass (`tshark -2`, re-filtering in
//! the GUI) the fields may be missing, and the remembered inputs are decoded
//! again instead, so every pass shows the same result.
//!
//! Memory is bounded twice: at most `MAX_FRAMES` frames and at most a budget
//! of bytes per memory (roughly: each value's `Footprint`, plus the map's
//! entry). Values are kept behind an `Arc`: a later pass shares what the
//! first kept, it does not copy it.
//!
//! At a limit, a memory refuses the value, and every value after it: what is
//! kept is a prefix of the capture, so the answer of every pass is the same.
//! It remembers the frame of its first refusal (`LimitReached`). A module
//! shows nothing of its own for a frame it could not remember (a later pass
//! could not repeat it), only the memory-limit expert info on that first
//! refused frame, on every pass (`show_limit`); later frames it did not keep
//! show nothing on any pass (`Standing`).
//!
//! Test hook: the environment variable `EMCC_MEMORY_LIMIT_BYTES`, read once
//! per process, replaces every memory's byte budget (so that tests reach the
//! limits with small captures). It is not meant for users.
#![forbid(unsafe_code)]

use crate::u32_map::U32Map;
use std::mem::size_of;
use std::sync::{Arc, OnceLock};

use crate::epan::{Expert, Packet, Subtree};

/// Frames remembered at most per post-dissector: only frames that carry our
/// traffic are kept, so this bounds memory far above real captures.
pub const MAX_FRAMES: usize = 1_000_000;

const MIB: usize = 1 << 20;

/// Budget of a memory that keeps message or file bodies (`emcc`'s HTTP
/// inputs, `ciscotl`'s downloads) or one label per frame of our traffic
/// (`emccflow`). The plugin's target is at most +10% of tshark's own memory
/// on a capture of a million frames (tshark uses about 370 MB there, see
/// docs/performance.md). The benchmark's million-frame mix keeps about
/// 60,000 `emccflow` labels of about 600 bytes (37 MB, already about that
/// target) and far less in the other memories: a budget must stay above
/// such realistic needs (a limit there would lose decoding), so these
/// budgets bound pathological captures (huge bodies, a capture of nothing
/// but our traffic) rather than meet the target. In all, at most
/// 3 x 64 + 5 x 16 = 272 MiB.
pub const LARGE_BUDGET: usize = 64 * MIB;

/// Budget of a memory of small values (URIs, request summaries, markers,
/// alarm texts): a few MB at a million frames.
pub const SMALL_BUDGET: usize = 16 * MIB;

/// The environment variable that replaces every budget (a test hook).
pub const LIMIT_VARIABLE: &str = "EMCC_MEMORY_LIMIT_BYTES";

/// `default`, unless the test hook `EMCC_MEMORY_LIMIT_BYTES` says otherwise.
fn budget(default: usize) -> usize {
    static OVERRIDE: OnceLock<Option<usize>> = OnceLock::new();
    OVERRIDE
        .get_or_init(|| std::env::var(LIMIT_VARIABLE).ok()?.trim().parse().ok())
        .unwrap_or(default)
}

/// Roughly how many bytes a value takes: its own size plus what it owns on
/// the heap.
pub trait Footprint {
    /// Heap bytes owned (capacity of strings and vectors, and so on).
    fn heap(&self) -> usize;

    fn footprint(&self) -> usize
    where
        Self: Sized,
    {
        size_of::<Self>() + self.heap()
    }
}

impl Footprint for u32 {
    fn heap(&self) -> usize {
        0
    }
}

impl Footprint for String {
    fn heap(&self) -> usize {
        self.capacity()
    }
}

/// A shared string counts in full for every holder: an upper bound, so a
/// budget is never exceeded because values are shared.
impl Footprint for std::sync::Arc<str> {
    fn heap(&self) -> usize {
        self.len()
    }
}

impl Footprint for Vec<u8> {
    fn heap(&self) -> usize {
        self.capacity()
    }
}

impl Footprint for Vec<String> {
    fn heap(&self) -> usize {
        self.capacity() * size_of::<String>() + self.iter().map(String::heap).sum::<usize>()
    }
}

impl<T: Footprint> Footprint for Option<T> {
    fn heap(&self) -> usize {
        self.as_ref().map_or(0, T::heap)
    }
}

/// The first frame a memory refused, and what that memory is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitReached {
    pub frame: u32,
    pub budget: usize,
    /// What the memory keeps ("EMCC messages (URIs and bodies)").
    pub what: &'static str,
    /// What is lost from that frame on ("EMCC messages are not decoded").
    pub dropped: &'static str,
}

impl LimitReached {
    /// The expert info's text.
    pub fn text(&self) -> String {
        format!(
            "From frame {} on, {}: the plugin's memory limit of {} (or {} frames) for {} was \
             reached. Split the capture (e.g. editcap -c 500000) to see the rest",
            self.frame,
            self.dropped,
            shown_size(self.budget),
            MAX_FRAMES,
            self.what,
        )
    }
}

fn shown_size(bytes: usize) -> String {
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Where a frame stands against a module's memory limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Remembered, or before any limit: decoded as usual.
    Open,
    /// The first frame refused: only the memory-limit expert info is shown.
    AtLimit(LimitReached),
    /// After a limit and not remembered: nothing is shown.
    Beyond,
}

/// `frame`'s standing against `limits` (the module's memories' limits);
/// `remembered` when the module's memory holds the frame.
pub fn standing(frame: u32, remembered: bool, limits: &[Option<LimitReached>]) -> Standing {
    if remembered {
        return Standing::Open;
    }
    let Some(first) = limits.iter().flatten().min_by_key(|l| l.frame) else {
        return Standing::Open;
    };
    match frame.cmp(&first.frame) {
        std::cmp::Ordering::Less => Standing::Open,
        std::cmp::Ordering::Equal => Standing::AtLimit(*first),
        std::cmp::Ordering::Greater => Standing::Beyond,
    }
}

impl Standing {
    /// What a frame's standing asks of a dissector before it decodes
    /// anything: true (decode on) when `Open`; false (stop) otherwise, after
    /// showing the memory-limit expert info on the frame `AtLimit`.
    pub fn admit(self, packet: &mut Packet<'_>, subtree: &Subtree, expert: &Expert) -> bool {
        match self {
            Standing::Open => true,
            Standing::AtLimit(limit) => {
                show_limit(packet, subtree, expert, &limit);
                false
            }
            Standing::Beyond => false,
        }
    }
}

/// Shows the memory-limit expert info (the module's `<proto>.memory_limit`)
/// on an item of the module's protocol of its own.
pub fn show_limit(
    packet: &mut Packet<'_>,
    subtree: &Subtree,
    expert: &Expert,
    limit: &LimitReached,
) {
    packet.place(None);
    let (item, _) = packet.add_protocol(0..0, subtree);
    packet.expert(item, expert, &limit.text());
}

pub struct FrameMemory<T> {
    by_frame: U32Map<Arc<T>>,
    what: &'static str,
    dropped: &'static str,
    budget: usize,
    used: usize,
    refused_from: Option<u32>,
}

impl<T: Footprint> FrameMemory<T> {
    /// A memory of `what`, whose limit loses `dropped` (both for the expert
    /// info's text), holding at most `budget` bytes (unless the test hook
    /// says otherwise) and `MAX_FRAMES` frames.
    pub fn new(what: &'static str, dropped: &'static str, budget: usize) -> Self {
        Self::with_exact_budget(what, dropped, self::budget(budget))
    }

    fn with_exact_budget(what: &'static str, dropped: &'static str, budget: usize) -> Self {
        FrameMemory {
            by_frame: U32Map::default(),
            what,
            dropped,
            budget,
            used: 0,
            refused_from: None,
        }
    }

    /// A new capture: nothing kept, no limit reached.
    pub fn clear(&mut self) {
        self.by_frame.clear();
        self.used = 0;
        self.refused_from = None;
    }

    /// Keeps `value` for `frame`; false when refused (a limit reached now or
    /// before).
    pub fn remember(&mut self, frame: u32, value: impl Into<Arc<T>>) -> bool {
        self.remember_at(frame, frame, value)
    }

    /// Keeps `value` for frame `key` while dissecting frame `dissected` (the
    /// one that reaches the limit, if this refuses first).
    pub fn remember_at(&mut self, dissected: u32, key: u32, value: impl Into<Arc<T>>) -> bool {
        if self.refused_from.is_some() {
            return false;
        }
        let value = value.into();
        let cost = Self::cost(&value);
        let replaced = self.by_frame.get(&key).map(|old| Self::cost(old));
        let used = self.used - replaced.unwrap_or(0) + cost;
        let frames = self.by_frame.len() + usize::from(replaced.is_none());
        if used > self.budget || frames > MAX_FRAMES {
            self.refused_from = Some(dissected);
            return false;
        }
        self.used = used;
        self.by_frame.insert(key, value);
        true
    }

    /// What was kept for `frame`, shared with the memory.
    pub fn recall(&self, frame: u32) -> Option<Arc<T>> {
        self.by_frame.get(&frame).cloned()
    }

    pub fn contains(&self, frame: u32) -> bool {
        self.by_frame.contains_key(&frame)
    }

    /// The first refusal, if any.
    pub fn limit(&self) -> Option<LimitReached> {
        self.refused_from.map(|frame| LimitReached {
            frame,
            budget: self.budget,
            what: self.what,
            dropped: self.dropped,
        })
    }

    /// The first refusal, if it was on `frame`.
    pub fn limit_at(&self, frame: u32) -> Option<LimitReached> {
        self.limit().filter(|l| l.frame == frame)
    }

    /// `frame`'s standing against this memory's limit alone (no lookup
    /// before the limit is reached).
    pub fn standing(&self, frame: u32) -> Standing {
        match self.limit() {
            None => Standing::Open,
            limit => standing(frame, self.contains(frame), &[limit]),
        }
    }

    /// Bytes counted for `value`: its footprint, the map's entry and the
    /// `Arc`'s counts.
    fn cost(value: &T) -> usize {
        value.footprint() + size_of::<(u32, Arc<T>)>() + 2 * size_of::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(budget: usize) -> FrameMemory<String> {
        FrameMemory::with_exact_budget("URIs", "Nothing decoded", budget)
    }

    #[test]
    fn remembers_recalls_and_clears() {
        let mut m = memory(SMALL_BUDGET);
        assert!(m.remember(7, "uri".to_string()));
        assert_eq!(m.recall(7).as_deref().map(String::as_str), Some("uri"));
        assert_eq!(m.recall(8), None);
        m.clear();
        assert_eq!(m.recall(7), None);
    }

    #[test]
    fn recalls_share_the_value() {
        let mut m = memory(SMALL_BUDGET);
        m.remember(3, "x".repeat(1000));
        let (a, b) = (m.recall(3).unwrap(), m.recall(3).unwrap());
        assert!(Arc::ptr_eq(&a, &b));
    }

    #[test]
    fn refuses_over_budget_and_from_then_on() {
        let one = FrameMemory::<String>::cost(&"x".repeat(100));
        let mut m = memory(2 * one + one / 2);
        assert!(m.remember(1, "x".repeat(100)));
        assert!(m.remember(2, "x".repeat(100)));
        assert_eq!(m.limit(), None);
        assert_eq!(m.standing(3), Standing::Open);
        assert!(!m.remember(3, "x".repeat(100)));
        let limit = m.limit().unwrap();
        assert_eq!(limit.frame, 3);
        // Sticky: even a small value, even a replacement, is refused now.
        assert!(!m.remember(4, String::new()));
        assert!(!m.remember(1, String::new()));
        assert_eq!(m.limit(), Some(limit));
        assert_eq!(m.recall(1).as_deref().map(String::len), Some(100));
        assert_eq!(m.recall(3), None);
        assert_eq!(m.standing(1), Standing::Open);
        assert_eq!(m.standing(3), Standing::AtLimit(limit));
        assert_eq!(m.standing(4), Standing::Beyond);
        assert_eq!(m.limit_at(3), Some(limit));
        assert_eq!(m.limit_at(4), None);
        m.clear();
        assert_eq!(m.limit(), None);
        assert!(m.remember(4, String::new()));
    }

    #[test]
    fn replacing_counts_the_difference() {
        let one = FrameMemory::<String>::cost(&"x".repeat(100));
        let mut m = memory(one);
        assert!(m.remember(1, "x".repeat(100)));
        assert!(m.remember(1, "y".repeat(100)));
        assert!(m.remember(1, "z".repeat(10)));
        assert_eq!(m.limit(), None);
    }

    #[test]
    fn refusal_is_charged_to_the_dissected_frame() {
        let mut m = memory(0);
        assert!(!m.remember_at(9, 4, String::new()));
        assert_eq!(m.limit().map(|l| l.frame), Some(9));
    }

    #[test]
    fn standing_takes_the_first_limit_and_remembered_frames_stay_open() {
        let limit = |frame| {
            Some(LimitReached {
                frame,
                budget: MIB,
                what: "w",
                dropped: "d",
            })
        };
        let limits = [None, limit(8), limit(5)];
        assert_eq!(standing(4, false, &limits), Standing::Open);
        assert_eq!(
            standing(5, false, &limits),
            Standing::AtLimit(limit(5).unwrap())
        );
        assert_eq!(standing(6, false, &limits), Standing::Beyond);
        assert_eq!(standing(6, true, &limits), Standing::Open);
    }

    #[test]
    fn text_says_what_was_dropped_and_how_to_see_it() {
        let text = LimitReached {
            frame: 12,
            budget: 64 * MIB,
            what: "EMCC messages (URIs and bodies)",
            dropped: "EMCC messages are not decoded",
        }
        .text();
        assert_eq!(
            text,
            "From frame 12 on, EMCC messages are not decoded: the plugin's memory limit of 64 MiB \
             (or 1000000 frames) for EMCC messages (URIs and bodies) was reached. Split the \
             capture (e.g. editcap -c 500000) to see the rest"
        );
    }
}
