//! A capture under construction: frames with their times, in any order, sorted on output.
//!
//! Several TCP streams are built one after another yet overlap in time; sorting by time
//! (stably, so equal times keep causal order) interleaves them as a sniffer would.

use std::io::{self, Write};

use crate::clock::{unix_us, Micros};
use crate::pcapng;
use crate::phase::Phase;

pub type FrameId = usize;

/// The capture-wide snapshot length: large enough that nothing is cut.
pub const FULL_SNAPLEN: u32 = 262_144;
/// Who wrote the file and on which interface (the section and interface blocks).
const USER_APPLICATION: &str = "emcc-captures (emcc-dissector lab generator)";
const INTERFACE_NAME: &str = "phone-span";

pub struct Frame {
    pub t: Micros,
    pub data: Vec<u8>,
    /// A pcapng packet comment: ties key frames to the article's table rows.
    pub comment: Option<String>,
    /// The login phase whose message this frame carries (a part of), if any. Captures
    /// that ask for it write it out as a second packet comment (see `mix.rs`).
    pub phase: Option<Phase>,
    /// This frame completes its message: Wireshark shows the message here.
    pub ends_message: bool,
    /// A second pcapng packet comment (the ground-truth `flow:` label).
    pub label: Option<String>,
}

impl Frame {
    /// A frame with nothing but its time and bytes.
    pub fn bare(t: Micros, data: Vec<u8>) -> Frame {
        Frame {
            t,
            data,
            comment: None,
            phase: None,
            ends_message: false,
            label: None,
        }
    }
}

pub struct Capture {
    frames: Vec<Frame>,
    pub snaplen: u32,
    /// TLS key log lines, written as a Decryption Secrets Block before the packets
    /// (none: no block, as in every capture without decryptable TLS).
    pub tls_key_log: Vec<String>,
    /// The phase messages built from now on belong to.
    phase: Option<Phase>,
}

impl Capture {
    pub fn new() -> Self {
        Capture {
            frames: Vec::new(),
            snaplen: FULL_SNAPLEN,
            tls_key_log: Vec::new(),
            phase: None,
        }
    }

    /// A capture of frames built elsewhere (in any order; written sorted by time).
    pub fn from_frames(frames: Vec<Frame>) -> Self {
        Capture {
            frames,
            ..Capture::new()
        }
    }

    pub fn push(&mut self, t: Micros, data: Vec<u8>) -> FrameId {
        self.frames.push(Frame::bare(t, data));
        self.frames.len() - 1
    }

    /// Messages sent from now on belong to `phase`.
    pub fn enter(&mut self, phase: Phase) {
        self.phase = Some(phase);
    }

    /// Frame `id` carries part of an application message.
    pub fn mark_part(&mut self, id: FrameId) {
        self.frames[id].phase = self.phase;
    }

    /// Frame `id` completes an application message (where Wireshark shows it).
    pub fn mark_message(&mut self, id: FrameId) {
        self.mark_part(id);
        self.frames[id].ends_message = true;
    }

    pub fn note(&mut self, id: FrameId, text: &str) {
        let comment = &mut self.frames[id].comment;
        match comment {
            Some(existing) => {
                existing.push_str("; ");
                existing.push_str(text);
            }
            None => *comment = Some(text.to_string()),
        }
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// The frames as they will be written (tests inspect them).
    #[cfg(test)]
    pub fn frames(&self) -> Vec<&Frame> {
        self.in_time_order()
    }

    fn in_time_order(&self) -> Vec<&Frame> {
        let mut order: Vec<&Frame> = self.frames.iter().collect();
        order.sort_by_key(|f| f.t); // stable
        order
    }

    /// The frames as they will be written, given away (to merge captures).
    pub fn into_frames(self) -> Vec<Frame> {
        let mut frames = self.frames;
        frames.sort_by_key(|f| f.t); // stable
        frames
    }

    pub fn to_pcapng(&self) -> Vec<u8> {
        let mut out = pcapng::section_header(USER_APPLICATION);
        out.extend(pcapng::interface_description(
            pcapng::LINKTYPE_ETHERNET,
            self.snaplen,
            INTERFACE_NAME,
        ));
        if !self.tls_key_log.is_empty() {
            out.extend(pcapng::tls_key_log(&self.tls_key_log));
        }
        for f in self.in_time_order() {
            out.extend(packet_block(f, self.snaplen));
        }
        out
    }
}

fn packet_block(f: &Frame, snaplen: u32) -> Vec<u8> {
    let comments: Vec<&str> = [f.comment.as_deref(), f.label.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    pcapng::enhanced_packet(unix_us(f.t), &f.data, snaplen, &comments)
}

/// What [`stream_pcapng`] wrote.
#[derive(Debug, PartialEq, Eq)]
pub struct Written {
    pub frames: u64,
    pub bytes: u64,
}

/// Writes frames that arrive in time order straight to `out`, each as soon as it comes,
/// the same bytes [`Capture::to_pcapng`] writes for them (full snapshot length, no key
/// log): a capture too large to hold in memory.
pub fn stream_pcapng<W: Write>(
    frames: impl Iterator<Item = Frame>,
    mut out: W,
) -> io::Result<Written> {
    let mut bytes = 0u64;
    let mut put = |block: &[u8], out: &mut W| -> io::Result<()> {
        bytes += block.len() as u64;
        out.write_all(block)
    };
    put(&pcapng::section_header(USER_APPLICATION), &mut out)?;
    let interface =
        pcapng::interface_description(pcapng::LINKTYPE_ETHERNET, FULL_SNAPLEN, INTERFACE_NAME);
    put(&interface, &mut out)?;
    let mut count = 0u64;
    let mut last = 0;
    for f in frames {
        assert!(f.t >= last, "frames out of time order");
        last = f.t;
        put(&packet_block(&f, FULL_SNAPLEN), &mut out)?;
        count += 1;
    }
    out.flush()?;
    Ok(Written {
        frames: count,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_come_out_sorted_and_stable() {
        let mut c = Capture::new();
        c.push(30, vec![3]);
        c.push(10, vec![1]);
        c.push(10, vec![2]);
        let order: Vec<u8> = c.in_time_order().iter().map(|f| f.data[0]).collect();
        assert_eq!(order, vec![1, 2, 3]);
    }

    #[test]
    fn streaming_writes_what_the_capture_writes() {
        let mut c = Capture::new();
        c.push(30, vec![3; 70]);
        let id = c.push(10, vec![1; 61]);
        c.note(id, "first");
        c.push(10, vec![2; 99]);
        let whole = c.to_pcapng();
        let mut streamed = Vec::new();
        let written = stream_pcapng(c.into_frames().into_iter(), &mut streamed).unwrap();
        assert_eq!(streamed, whole);
        assert_eq!(
            written,
            Written {
                frames: 3,
                bytes: whole.len() as u64
            }
        );
    }

    #[test]
    #[should_panic(expected = "out of time order")]
    fn streaming_refuses_frames_out_of_order() {
        let frames = vec![Frame::bare(5, vec![0; 60]), Frame::bare(4, vec![0; 60])];
        let _ = stream_pcapng(frames.into_iter(), Vec::new());
    }

    #[test]
    fn notes_accumulate() {
        let mut c = Capture::new();
        let id = c.push(0, vec![0]);
        c.note(id, "a");
        c.note(id, "b");
        assert_eq!(c.frames[id].comment.as_deref(), Some("a; b"));
    }
}
