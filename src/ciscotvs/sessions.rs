//! The shape of each TVS connection, from what TCP and TLS show without
//! keys: connect, handshake, the phone's request, the server's response,
//! close or reset, and whether the response ever came.
//!
//! Fed the frames of TVS connections in capture order on the first pass.
#![forbid(unsafe_code)]

use crate::u32_map::U32Map;

use crate::nstime::NsTime;

/// Connections tracked at most (a TVS server sees one per phone that needs
/// a certificate checked; old ones are dropped past this).
pub const MAX_SESSIONS: usize = 100_000;

/// TLS record content types (RFC 8446, 5.1).
const CHANGE_CIPHER_SPEC: u8 = 20;
const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;

/// What one frame shows.
#[derive(Clone, Debug, Default)]
pub struct FrameFacts {
    pub stream: u32,
    pub src: String,
    pub dst: String,
    /// True when the frame goes to the TVS port (from the phone).
    pub to_server: bool,
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
    /// TLS records in the frame: content type and length.
    pub records: Vec<(u8, u32)>,
    /// Capture time (since the epoch).
    pub time: NsTime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Connect,
    Handshake,
    Request,
    Response,
    Close,
    Reset,
    NoResponse,
}

impl Event {
    pub const fn as_str(self) -> &'static str {
        match self {
            Event::Connect => "connect",
            Event::Handshake => "handshake",
            Event::Request => "request",
            Event::Response => "response",
            Event::Close => "close",
            Event::Reset => "reset",
            Event::NoResponse => "no-response",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// Reset or alert after the request, before any response.
    ResetBeforeResponse { request_frame: u32 },
    /// Closed without an answer to the request.
    NoResponse { request_frame: u32, waited: NsTime },
}

/// What a frame of a TVS connection is, in the session.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub session: u32,
    pub event: Option<Event>,
    pub client: String,
    pub server: String,
    pub request_len: Option<u32>,
    pub response_len: Option<u32>,
    pub rtt: Option<NsTime>,
    pub duration: Option<NsTime>,
    pub finding: Option<Finding>,
}

#[derive(Clone, Debug)]
struct Session {
    index: u32,
    client: String,
    server: String,
    start: NsTime,
    request: Option<(u32, NsTime)>,
    request_len: u32,
    response_len: u32,
    answered: bool,
    /// A finding was reported: one per session is enough.
    reported: bool,
}

#[derive(Default)]
pub struct Sessions {
    by_stream: U32Map<Session>,
    count: u32,
}

impl Sessions {
    pub fn clear(&mut self) {
        self.by_stream.clear();
        self.count = 0;
    }

    /// The marker of one frame; `timeout` is how long a request may wait
    /// before a close counts as "no response".
    pub fn observe(&mut self, frame: u32, facts: &FrameFacts, timeout: NsTime) -> Marker {
        if !self.by_stream.contains_key(&facts.stream) && self.by_stream.len() >= MAX_SESSIONS {
            self.by_stream.clear();
        }
        let count = &mut self.count;
        let session = self.by_stream.entry(facts.stream).or_insert_with(|| {
            *count += 1;
            let (client, server) = if facts.to_server {
                (facts.src.clone(), facts.dst.clone())
            } else {
                (facts.dst.clone(), facts.src.clone())
            };
            Session {
                index: *count,
                client,
                server,
                start: facts.time,
                request: None,
                request_len: 0,
                response_len: 0,
                answered: false,
                reported: false,
            }
        });
        let mut event = None;
        let mut rtt = None;
        let mut finding = None;
        if facts.syn && !facts.ack {
            event = Some(Event::Connect);
        }
        for &(kind, len) in &facts.records {
            match kind {
                HANDSHAKE | CHANGE_CIPHER_SPEC => event = event.or(Some(Event::Handshake)),
                APPLICATION_DATA if facts.to_server => {
                    session.request_len = session.request_len.saturating_add(len);
                    session.request.get_or_insert((frame, facts.time));
                    event = Some(Event::Request);
                }
                APPLICATION_DATA => {
                    session.response_len = session.response_len.saturating_add(len);
                    if !session.answered {
                        session.answered = true;
                        rtt = session.request.map(|(_, t)| facts.time.since(t));
                    }
                    event = Some(Event::Response);
                }
                ALERT => {
                    if let (Some((request_frame, _)), false) = (session.request, session.answered) {
                        finding = Some(Finding::ResetBeforeResponse { request_frame });
                    }
                }
                _ => {}
            }
        }
        let ended = facts.fin || facts.rst;
        if ended {
            event = Some(if facts.rst {
                Event::Reset
            } else {
                Event::Close
            });
            if let (Some((request_frame, asked)), false) = (session.request, session.answered) {
                let waited = facts.time.since(asked);
                if facts.rst {
                    finding = Some(Finding::ResetBeforeResponse { request_frame });
                } else {
                    if waited >= timeout {
                        event = Some(Event::NoResponse);
                    }
                    finding = Some(Finding::NoResponse {
                        request_frame,
                        waited,
                    });
                }
            }
        }
        if finding.is_some() {
            if session.reported {
                finding = None;
            }
            session.reported = true;
        }
        Marker {
            session: session.index,
            event,
            client: session.client.clone(),
            server: session.server.clone(),
            request_len: (session.request_len > 0).then_some(session.request_len),
            response_len: (session.response_len > 0).then_some(session.response_len),
            rtt,
            duration: ended.then(|| facts.time.since(session.start)),
            finding,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nstime::tests::t;

    const FIVE: NsTime = NsTime::from_secs(5);

    fn frame(to_server: bool, time: &str) -> FrameFacts {
        FrameFacts {
            stream: 3,
            src: if to_server { "phone" } else { "tvs" }.into(),
            dst: if to_server { "tvs" } else { "phone" }.into(),
            to_server,
            time: t(time),
            ..Default::default()
        }
    }

    #[test]
    fn a_whole_session() {
        let mut s = Sessions::default();
        let mut syn = frame(true, "1.0");
        syn.syn = true;
        let m = s.observe(1, &syn, FIVE);
        assert_eq!((m.session, m.event), (1, Some(Event::Connect)));
        assert_eq!((m.client.as_str(), m.server.as_str()), ("phone", "tvs"));
        let mut hello = frame(true, "1.1");
        hello.records = vec![(HANDSHAKE, 120)];
        assert_eq!(s.observe(4, &hello, FIVE).event, Some(Event::Handshake));
        let mut request = frame(true, "2.0");
        request.records = vec![(APPLICATION_DATA, 229)];
        let m = s.observe(8, &request, FIVE);
        assert_eq!((m.event, m.request_len), (Some(Event::Request), Some(229)));
        let mut response = frame(false, "2.5");
        response.records = vec![(APPLICATION_DATA, 1045)];
        let m = s.observe(9, &response, FIVE);
        assert_eq!(m.event, Some(Event::Response));
        assert_eq!(m.rtt, Some(t("0.5")));
        let mut fin = frame(true, "3.0");
        fin.fin = true;
        let m = s.observe(10, &fin, FIVE);
        assert_eq!((m.event, m.finding.clone()), (Some(Event::Close), None));
        assert_eq!(m.duration, Some(t("2")));
    }

    #[test]
    fn a_reset_before_the_response_is_a_finding() {
        let mut s = Sessions::default();
        let mut request = frame(true, "2.0");
        request.records = vec![(APPLICATION_DATA, 229)];
        s.observe(8, &request, FIVE);
        let mut rst = frame(false, "2.1");
        rst.rst = true;
        let m = s.observe(9, &rst, FIVE);
        assert_eq!(m.event, Some(Event::Reset));
        assert_eq!(
            m.finding,
            Some(Finding::ResetBeforeResponse { request_frame: 8 })
        );
    }

    #[test]
    fn a_close_long_after_an_unanswered_request_is_no_response() {
        let mut s = Sessions::default();
        let mut request = frame(true, "2.0");
        request.records = vec![(APPLICATION_DATA, 229)];
        s.observe(8, &request, FIVE);
        let mut fin = frame(true, "12.0");
        fin.fin = true;
        let m = s.observe(20, &fin, FIVE);
        assert_eq!(m.event, Some(Event::NoResponse));
        assert!(matches!(
            m.finding,
            Some(Finding::NoResponse {
                request_frame: 8,
                ..
            })
        ));
    }

    #[test]
    fn sessions_are_numbered_in_order_of_appearance() {
        let mut s = Sessions::default();
        let mut a = frame(true, "1.0");
        a.stream = 7;
        let mut b = frame(true, "1.0");
        b.stream = 2;
        assert_eq!(s.observe(1, &a, FIVE).session, 1);
        assert_eq!(s.observe(2, &b, FIVE).session, 2);
        assert_eq!(s.observe(3, &a, FIVE).session, 1);
    }

    /// Found by fuzzing (tests/fuzz, target tvs_sessions): the byte counts of a session
    /// overflowed (a panic in debug builds) once its records passed 4 GiB.
    #[test]
    fn byte_counts_saturate() {
        let mut s = Sessions::default();
        let mut request = frame(true, "2.0");
        request.records = vec![
            (APPLICATION_DATA, u32::MAX - 10),
            (APPLICATION_DATA, 16_384),
        ];
        assert_eq!(s.observe(8, &request, FIVE).request_len, Some(u32::MAX));
        let mut response = frame(false, "2.5");
        response.records = vec![(APPLICATION_DATA, u32::MAX); 2];
        assert_eq!(s.observe(9, &response, FIVE).response_len, Some(u32::MAX));
    }

    /// Issue 16: in f64 seconds since 1970 these times lost their last
    /// digits; in Wireshark's integers they are exact.
    #[test]
    fn times_are_exact_to_the_nanosecond() {
        let mut s = Sessions::default();
        let mut syn = frame(true, "1700000012.000000001");
        syn.syn = true;
        s.observe(1, &syn, FIVE);
        let mut request = frame(true, "1700000012.1");
        request.records = vec![(APPLICATION_DATA, 229)];
        s.observe(2, &request, FIVE);
        let mut response = frame(false, "1700000012.1106");
        response.records = vec![(APPLICATION_DATA, 1045)];
        let m = s.observe(3, &response, FIVE);
        assert_eq!(m.rtt, Some(t("0.0106")));
        assert_eq!(m.rtt.unwrap().to_string(), "0.010600000");
        let mut fin = frame(true, "1700000014");
        fin.fin = true;
        let m = s.observe(4, &fin, FIVE);
        assert_eq!(m.duration, Some(t("1.999999999")));
        assert_eq!(
            (m.duration.unwrap().secs(), m.duration.unwrap().nsecs()),
            (1, 999_999_999)
        );
    }

    /// The timeout is compared exactly: a close 5 s after the request is
    /// "no response" with a 5 s timeout, one a nanosecond earlier is not.
    #[test]
    fn the_timeout_is_compared_to_the_nanosecond() {
        for (close, expected) in [
            ("1700000017.25", Event::NoResponse),
            ("1700000017.249999999", Event::Close),
        ] {
            let mut s = Sessions::default();
            let mut request = frame(true, "1700000012.25");
            request.records = vec![(APPLICATION_DATA, 229)];
            s.observe(8, &request, FIVE);
            let mut fin = frame(true, close);
            fin.fin = true;
            let m = s.observe(20, &fin, FIVE);
            assert_eq!(m.event, Some(expected), "{close}");
            let Some(Finding::NoResponse { waited, .. }) = m.finding else {
                panic!("{close}: {:?}", m.finding)
            };
            assert_eq!(waited, t(close).since(t("1700000012.25")));
        }
    }

    /// Times from a hostile capture: far apart, backwards; no overflow.
    #[test]
    fn odd_times_do_not_overflow() {
        let mut s = Sessions::default();
        let mut request = frame(true, "0");
        request.time = NsTime::new(i64::MIN, 0);
        request.records = vec![(APPLICATION_DATA, 229)];
        s.observe(8, &request, FIVE);
        let mut response = frame(false, "0");
        response.time = NsTime::new(i64::MAX, 999_999_999);
        response.records = vec![(APPLICATION_DATA, 1045)];
        assert_eq!(s.observe(9, &response, FIVE).rtt, Some(NsTime::MAX));
        let mut fin = frame(true, "-5");
        fin.fin = true;
        assert_eq!(
            s.observe(10, &fin, FIVE).duration,
            Some(t("-5").since(NsTime::new(i64::MIN, 0)))
        );
    }
}
