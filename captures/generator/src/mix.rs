//! Several phones' traffic in one capture, as a sniffer on their LAN records it: each
//! phone's frames (a track) built on its own lab clock, then interleaved by time.
//!
//! A track can start late, as a capture started in the middle of a phone's login does:
//! everything before the cut is gone, TCP connections opened earlier go on without their
//! handshake. Tracks of EMCC phones can carry ground truth: a `flow: <DEVICE> phase <N>`
//! packet comment on every frame that completes an application message.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::capture::{Capture, Frame};
use crate::clock::Micros;
use crate::lab::Lab;
use crate::phase::Phase;

/// One source of frames for a mixed capture, in time order.
pub struct Track {
    frames: Vec<Frame>,
}

impl Track {
    pub fn new(capture: Capture) -> Track {
        Track {
            frames: capture.into_frames(),
        }
    }

    /// A phone's lab, its frames labelled with `flow:` comments.
    pub fn labelled(lab: Lab) -> Track {
        let device = lab.phone_id().device_name.to_string();
        let mut track = Track::new(lab.finish());
        track.label_flows(&device);
        track.forget_article_refs();
        track
    }

    #[cfg(test)]
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Drops every frame before `t`: the capture starts then for this track.
    pub fn start_at(&mut self, t: Micros) {
        self.frames.retain(|f| f.t >= t);
    }

    /// When the first message of `phase` starts (its first segment), if it was sent.
    pub fn phase_start(&self, phase: Phase) -> Option<Micros> {
        self.frames
            .iter()
            .find(|f| f.phase == Some(phase))
            .map(|f| f.t)
    }

    /// Drops everything before the first message of `phase` (nothing if it never came).
    pub fn start_with(&mut self, phase: Phase) {
        if let Some(t) = self.phase_start(phase) {
            self.start_at(t);
        }
    }

    /// Removes the `flow:` comments (a benchmark capture may not want them).
    pub fn drop_labels(&mut self) {
        for f in &mut self.frames {
            f.label = None;
        }
    }

    /// The frames, in time order.
    pub fn into_frames(self) -> Vec<Frame> {
        self.frames
    }

    /// Writes the phase of every complete message as a `flow:` comment.
    fn label_flows(&mut self, device: &str) {
        for f in &mut self.frames {
            if let (Some(phase), true) = (f.phase, f.ends_message) {
                f.label = Some(flow_label(device, phase));
            }
        }
    }

    /// The article's frame numbers mean nothing outside the article's lab: keep only
    /// what each comment says about its frame.
    fn forget_article_refs(&mut self) {
        for f in &mut self.frames {
            if let Some(c) = &mut f.comment {
                *c = c
                    .split("; ")
                    .map(without_article_ref)
                    .collect::<Vec<_>>()
                    .join("; ");
            }
        }
    }
}

/// The ground-truth comment: `flow: SEP00EBD5A1C201 phase 5`.
pub fn flow_label(device: &str, phase: Phase) -> String {
    format!("flow: {device} phase {}", phase.number())
}

/// `article #585: 200 OK` becomes `200 OK`; other notes stay as they are.
fn without_article_ref(note: &str) -> &str {
    let Some(rest) = note.strip_prefix("article #") else {
        return note;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    match rest[digits..].strip_prefix(": ") {
        Some(text) if digits > 0 => text,
        _ => note,
    }
}

/// Interleaves the tracks by time. Equal times keep the order the tracks were given in,
/// then each track's own order, so the result never depends on how the sort works.
pub fn merge(tracks: Vec<Track>) -> Capture {
    let mut keyed: Vec<(Micros, usize, usize, Frame)> = tracks
        .into_iter()
        .enumerate()
        .flat_map(|(track, t)| {
            t.frames
                .into_iter()
                .enumerate()
                .map(move |(i, f)| (f.t, track, i, f))
        })
        .collect();
    keyed.sort_unstable_by_key(|&(t, track, i, _)| (t, track, i));
    Capture::from_frames(keyed.into_iter().map(|(_, _, _, f)| f).collect())
}

/// A source of frames in time order, read as the merged capture is written.
pub type Source = Box<dyn Iterator<Item = Frame>>;

/// The frames of `sources` (each in time order) in time order, pulled one at a time, so
/// only one frame per source is held. Equal times keep the order the sources were given
/// in, then each source's own order: the order [`merge`] gives the same frames.
pub struct Merged {
    sources: Vec<Source>,
    heads: Vec<Option<Frame>>,
    /// (time, source) of every source's next frame; the earliest on top.
    next: BinaryHeap<Reverse<(Micros, usize)>>,
}

impl Merged {
    pub fn new(sources: Vec<Source>) -> Merged {
        let mut merged = Merged {
            heads: Vec::with_capacity(sources.len()),
            next: BinaryHeap::with_capacity(sources.len()),
            sources,
        };
        for i in 0..merged.sources.len() {
            let head = merged.sources[i].next();
            merged.heads.push(None);
            merged.put(i, head);
        }
        merged
    }

    fn put(&mut self, source: usize, frame: Option<Frame>) {
        if let Some(f) = frame {
            self.next.push(Reverse((f.t, source)));
            self.heads[source] = Some(f);
        }
    }
}

impl Iterator for Merged {
    type Item = Frame;

    fn next(&mut self) -> Option<Frame> {
        let Reverse((_, source)) = self.next.pop()?;
        let frame = self.heads[source]
            .take()
            .expect("a queued source has a head");
        let following = self.sources[source].next();
        if let Some(f) = &following {
            assert!(f.t >= frame.t, "a source went back in time");
        }
        self.put(source, following);
        Some(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(frames: &[(Micros, u8)]) -> Track {
        let mut c = Capture::new();
        for &(t, tag) in frames {
            c.push(t, vec![tag]);
        }
        Track::new(c)
    }

    fn tags(c: Capture) -> Vec<u8> {
        c.into_frames().iter().map(|f| f.data[0]).collect()
    }

    #[test]
    fn merge_interleaves_by_time_with_a_stable_tie_break() {
        let a = track(&[(10, 1), (30, 3), (30, 4)]);
        let b = track(&[(20, 2), (30, 5), (40, 6)]);
        assert_eq!(tags(merge(vec![a, b])), vec![1, 2, 3, 4, 5, 6]);
        // Swapping the tracks swaps only the tied frames.
        let a = track(&[(10, 1), (30, 3), (30, 4)]);
        let b = track(&[(20, 2), (30, 5), (40, 6)]);
        assert_eq!(tags(merge(vec![b, a])), vec![1, 2, 5, 3, 4, 6]);
    }

    #[test]
    fn streaming_merge_orders_as_merge_does() {
        let make = || {
            vec![
                track(&[(10, 1), (30, 3), (30, 4)]),
                track(&[(20, 2), (30, 5), (40, 6)]),
                track(&[]),
                track(&[(0, 7), (30, 8)]),
            ]
        };
        let whole = tags(merge(make()));
        let sources: Vec<Source> = make()
            .into_iter()
            .map(|t| Box::new(t.into_frames().into_iter()) as Source)
            .collect();
        let streamed: Vec<u8> = Merged::new(sources).map(|f| f.data[0]).collect();
        assert_eq!(streamed, whole);
        assert_eq!(streamed, vec![7, 1, 2, 3, 4, 5, 8, 6]);
    }

    #[test]
    fn a_late_start_drops_what_came_before() {
        let mut t = track(&[(10, 1), (20, 2), (20, 3), (30, 4)]);
        t.start_at(20);
        let kept: Vec<u8> = t.frames().iter().map(|f| f.data[0]).collect();
        assert_eq!(kept, vec![2, 3, 4]);
    }

    #[test]
    fn phases_start_at_their_first_segment() {
        let mut c = Capture::new();
        c.push(5, vec![0]); // before any phase
        c.enter(Phase::EmccLogin);
        let a = c.push(10, vec![1]);
        c.mark_message(a);
        c.enter(Phase::RestartAndUnregister);
        c.push(12, vec![2]); // an ACK: no message, no phase
        let first = c.push(20, vec![3]);
        c.mark_part(first);
        let last = c.push(21, vec![4]);
        c.mark_message(last);
        let mut t = Track::new(c);
        assert_eq!(t.phase_start(Phase::RestartAndUnregister), Some(20));
        assert_eq!(t.phase_start(Phase::Logout), None);
        t.label_flows("SEP001122334455");
        let labels: Vec<Option<&str>> = t.frames().iter().map(|f| f.label.as_deref()).collect();
        assert_eq!(
            labels,
            vec![
                None,
                Some("flow: SEP001122334455 phase 2"),
                None,
                None,
                Some("flow: SEP001122334455 phase 3"),
            ]
        );
        t.start_with(Phase::RestartAndUnregister);
        assert_eq!(t.len(), 2);
        t.start_with(Phase::Logout); // never sent: nothing dropped
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn article_references_are_dropped_from_notes() {
        assert_eq!(without_article_ref("article #585: 200 OK"), "200 OK");
        assert_eq!(without_article_ref("article #: x"), "article #: x");
        assert_eq!(without_article_ref("variant: 403"), "variant: 403");
        let mut c = Capture::new();
        let id = c.push(0, vec![0]);
        c.note(id, "first segment");
        c.note(id, "article #5: REGISTER");
        let mut t = Track::new(c);
        t.forget_article_refs();
        assert_eq!(
            t.frames()[0].comment.as_deref(),
            Some("first segment; REGISTER")
        );
    }
}
