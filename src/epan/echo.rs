//! Values of our own fields, handed to a later post-dissector of ours in the
//! same frame without asking Wireshark for them.
//!
//! `emccflow` reads what `emcc`, `ciscotl`, `ciscotvs` and `ciscoalarm` decoded
//! in the frame. Reading them as Wireshark fields means wanting them, and a
//! wanted field is primed on every frame and built as a real tree item wherever
//! it occurs, shown or not. Instead, the values of the fields named by
//! `echo_fields` are noted here as our dissectors add them on a frame's first
//! pass, and read back by field; the first value added is the one read, as the
//! first item of a field would be.

use std::os::raw::c_int;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::layers::{bitmap_place, BITMAP_WORDS};
use super::registry::ForeignField;
use crate::state::State;

/// A value as it was added.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Echoed {
    Text(String),
    Number(u32),
}

/// Values kept for one frame: more are not needed (a frame has a handful of
/// the fields read) and a hostile frame must not grow memory.
const MAX_PER_FRAME: usize = 64;

struct FrameEchoes {
    frame: u32,
    values: Vec<(c_int, Echoed)>,
}

/// Field ids whose values are noted, sorted.
static ECHOED_FIELDS: Mutex<Vec<c_int>> = Mutex::new(Vec::new());
/// Their bits (`layers::bitmap_place`): asked at every field any dissector
/// of ours adds, most of which are not echoed, so most answers need no lock.
static MAY_BE_ECHOED: [AtomicU64; BITMAP_WORDS] = [const { AtomicU64::new(0) }; BITMAP_WORDS];

/// The current frame's values; a panic while they are updated leaves none.
static CURRENT: State<FrameEchoes> = State::new(|| FrameEchoes {
    frame: 0,
    values: Vec::new(),
});

fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Notes the values of these fields of ours from now on. Call at handoff; fields
/// unknown to Wireshark are left out.
pub fn echo_fields(fields: &[&'static ForeignField]) {
    let mut ids = lock(&ECHOED_FIELDS);
    ids.extend(fields.iter().filter(|f| f.resolve()).map(|f| f.id()));
    ids.sort_unstable();
    ids.dedup();
    for &id in ids.iter() {
        let (word, bit) = bitmap_place(id);
        MAY_BE_ECHOED[word].fetch_or(bit, Ordering::Relaxed);
    }
}

pub(super) fn is_echoed(id: c_int) -> bool {
    let (word, bit) = bitmap_place(id);
    MAY_BE_ECHOED[word].load(Ordering::Relaxed) & bit != 0
        && lock(&ECHOED_FIELDS).binary_search(&id).is_ok()
}

/// Notes a value added in `frame` (values of an earlier frame are dropped).
pub(super) fn record(frame: u32, id: c_int, value: Echoed) {
    let mut current = CURRENT.lock();
    if current.frame != frame {
        current.frame = frame;
        current.values.clear();
    }
    if current.values.len() < MAX_PER_FRAME {
        current.values.push((id, value));
    }
}

/// Forgets the values kept: a new capture file starts (its frame numbers start
/// again, and its frame N is not the last file's).
pub(super) fn forget() {
    let mut current = CURRENT.lock();
    current.frame = 0;
    current.values.clear();
}

/// Whether any value was noted in `frame` (on most frames, none).
pub(super) fn any_in(frame: u32) -> bool {
    let current = CURRENT.lock();
    current.frame == frame && !current.values.is_empty()
}

/// The first value of field `id` added in `frame`.
pub(super) fn first(frame: u32, id: c_int) -> Option<Echoed> {
    let current = CURRENT.lock();
    if current.frame != frame {
        return None;
    }
    current
        .values
        .iter()
        .find(|(field, _)| *field == id)
        .map(|(_, value)| value.clone())
}

/// Every value of field `id` added in `frame`, in the order added.
pub(super) fn all(frame: u32, id: c_int) -> Vec<Echoed> {
    let current = CURRENT.lock();
    if current.frame != frame {
        return Vec::new();
    }
    current
        .values
        .iter()
        .filter(|(field, _)| *field == id)
        .map(|(_, value)| value.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_belong_to_their_frame_and_the_first_wins() {
        record(7, 1, Echoed::Text("a".into()));
        record(7, 1, Echoed::Text("b".into()));
        record(7, 2, Echoed::Number(9));
        assert_eq!(first(7, 1), Some(Echoed::Text("a".into())));
        assert_eq!(first(7, 2), Some(Echoed::Number(9)));
        assert_eq!(
            all(7, 1),
            [Echoed::Text("a".into()), Echoed::Text("b".into())]
        );
        assert_eq!(first(8, 1), None, "another frame sees nothing");
        assert!(all(8, 1).is_empty());
        assert!(any_in(7) && !any_in(8));
        record(8, 2, Echoed::Number(3));
        assert_eq!(first(7, 1), None, "an earlier frame's values are gone");
        assert_eq!(first(8, 2), Some(Echoed::Number(3)));
        for i in 0..1000 {
            record(9, 5, Echoed::Number(i));
        }
        assert_eq!(CURRENT.lock().values.len(), MAX_PER_FRAME);
        forget();
        assert_eq!(first(9, 5), None, "a new capture starts empty");
        record(9, 5, Echoed::Number(1));
        assert_eq!(first(9, 5), Some(Echoed::Number(1)));
    }
}
