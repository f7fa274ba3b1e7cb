//! TCP frames without a message of their own: labelled like the connection's
//! latest message; the handshake once the first message shows what it is.

use super::*;

impl Flow {
    /// A connection is forgotten once it is over (a reset, or the ACK after
    /// both FINs), so memory follows open connections, not all of them.
    pub(super) fn forget_closed(&mut self, tcp: &Tcp) {
        let Some(stream) = self.streams.get_mut(&tcp.stream) else {
            return;
        };
        if tcp.fin {
            stream.fins = stream.fins.saturating_add(1);
        } else if tcp.rst || stream.fins >= 2 {
            self.streams.remove(&tcp.stream);
        }
    }

    /// A frame of this connection carries another application's message (web
    /// browsing from the phone's PC port, say): a connection not labelled yet
    /// is not part of a login, and is no longer followed. True when forgotten.
    pub fn not_ours(&mut self, tcp: &Tcp) -> bool {
        let unlabelled = self
            .streams
            .get(&tcp.stream)
            .is_some_and(|stream| stream.last.is_none());
        if unlabelled {
            self.streams.remove(&tcp.stream);
        }
        unlabelled
    }

    pub(super) fn stream_labelled(
        &mut self,
        tcp: &Tcp,
        label: &Label,
        f: &FrameFacts,
    ) -> Vec<(u32, Label)> {
        if !self.streams.contains_key(&tcp.stream) && self.streams.len() >= MAX_STREAMS {
            return Vec::new();
        }
        let stream = self.streams.entry(tcp.stream).or_default();
        stream.ignored = false;
        stream.what = connection_kind(f);
        stream.last = Some(label.clone());
        let what = stream.what;
        std::mem::take(&mut stream.pending)
            .into_iter()
            .map(|(frame, time, role)| {
                let mut earlier = label.clone();
                earlier.time = time;
                earlier.step = steps::tcp(role_name(role), what);
                earlier.findings.clear();
                earlier.outcome = None;
                earlier.arrow = None;
                (frame, earlier)
            })
            .collect()
    }

    pub(super) fn stream_frame(&mut self, tcp: &Tcp, f: &FrameFacts) -> Option<Label> {
        let role = if tcp.rst {
            TcpRole::Reset
        } else if tcp.fin {
            TcpRole::Close
        } else if tcp.syn {
            TcpRole::Handshake
        } else {
            TcpRole::Ack
        };
        match self.streams.get_mut(&tcp.stream) {
            Some(stream) => {
                if let Some(last) = &stream.last {
                    let mut label = last.clone();
                    label.time = f.time;
                    label.step = steps::tcp(role_name(role), stream.what);
                    label.findings.clear();
                    label.outcome = None;
                    label.arrow = None;
                    return Some(label);
                }
                if !stream.ignored && stream.pending.len() < MAX_PENDING_PER_STREAM {
                    // Before the first message, a bare ACK completes the handshake.
                    let role = if role == TcpRole::Ack {
                        TcpRole::Handshake
                    } else {
                        role
                    };
                    stream.pending.push((f.frame, f.time, role));
                }
                None
            }
            None => {
                if self.streams.len() < MAX_STREAMS {
                    let mut stream = Stream {
                        ignored: !tcp.syn,
                        ..Stream::default()
                    };
                    if tcp.syn {
                        stream.pending.push((f.frame, f.time, TcpRole::Handshake));
                    }
                    self.streams.insert(tcp.stream, stream);
                }
                None
            }
        }
    }
}
