//! The last SIP message a phone sent or received before it went out of service, as a
//! LastOutOfServiceInformation alarm summarises it (`LastProtocolEventSent`,
//! `LastProtocolEventReceived`), split into its parts.

#![forbid(unsafe_code)]

use crate::span::{spanned_str, trim_bounds, Span, Spanned};

/// `Sent:` or `Rcvd:` in LastProtocolEventSent / LastProtocolEventReceived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

/// The parts of a LastProtocolEvent value:
/// `Sent:REGISTER sip:192.168.110.100 SIP/2.0 Cseq:336 REGISTER CallId:c4b9..@192.168.15.20 `
/// or `Rcvd:SIP/2.0 200 OK Cseq:122 REGISTER CallId:..`. Spans are byte ranges of the string
/// given to [`split_protocol_event`]. Parts that are absent are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolEvent<'a> {
    /// `Sent` / `Rcvd`, the span covering the word without the colon.
    pub direction: Spanned<Direction>,
    /// The SIP start line as summarised by the phone (`REGISTER sip:.. SIP/2.0`,
    /// `SIP/2.0 200 OK`), trimmed.
    pub start_line: Spanned<&'a str>,
    /// The method of a request (`REGISTER`) or the status code and reason of a response
    /// (`200 OK`).
    pub method_or_status: Spanned<&'a str>,
    /// Response status code.
    pub status_code: Option<Spanned<u16>>,
    /// Request-URI of a request.
    pub request_uri: Option<Spanned<&'a str>>,
    /// `SIP/2.0`.
    pub sip_version: Option<Spanned<&'a str>>,
    /// Everything after `Cseq:` up to `CallId:`, trimmed (`336 REGISTER`).
    pub cseq: Option<Spanned<&'a str>>,
    /// CSeq number (absent if not a decimal u32).
    pub cseq_number: Option<Spanned<u32>>,
    /// CSeq method.
    pub cseq_method: Option<Spanned<&'a str>>,
    /// Call-ID (first word after `CallId:`).
    pub call_id: Option<Spanned<&'a str>>,
}

/// Why [`split_protocol_event`] could not split a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolEventError {
    /// The value does not start with `Sent:` or `Rcvd:` (after whitespace).
    NoDirection,
    /// Nothing after the direction.
    Empty,
}

impl std::fmt::Display for ProtocolEventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProtocolEventError::NoDirection => "does not start with Sent: or Rcvd:",
            ProtocolEventError::Empty => "nothing after Sent:/Rcvd:",
        })
    }
}

impl std::error::Error for ProtocolEventError {}

/// Whitespace-separated words of `s[start..end]` as (start, end) pairs.
fn words(s: &str, start: usize, end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = s.as_bytes();
    let mut i = start;
    std::iter::from_fn(move || {
        while i < end && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= end {
            return None;
        }
        let w = i;
        while i < end && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        Some((w, i))
    })
}

/// ASCII case-insensitive search of `needle` in `s[from..]`; returns its byte index.
fn find_ci(s: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = &s.as_bytes()[from..];
    let n = needle.as_bytes();
    if n.is_empty() || hay.len() < n.len() {
        return None;
    }
    hay.windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
        .map(|p| from + p)
}

/// A non-empty run of ASCII digits as a u32 (no sign, no overflow).
fn parse_decimal(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Splits a LastProtocolEventSent/Received value into its parts (see [`ProtocolEvent`]).
pub fn split_protocol_event(s: &str) -> Result<ProtocolEvent<'_>, ProtocolEventError> {
    let (lead, _) = trim_bounds(s, 0, s.len());
    let rest = &s.as_bytes()[lead..];
    let direction = if rest.len() >= 5 && rest[..5].eq_ignore_ascii_case(b"Sent:") {
        Direction::Sent
    } else if rest.len() >= 5 && rest[..5].eq_ignore_ascii_case(b"Rcvd:") {
        Direction::Received
    } else {
        return Err(ProtocolEventError::NoDirection);
    };
    let direction = Spanned {
        value: direction,
        span: Span::new(lead, 4),
    };
    let body = lead + 5;
    if s[body..].trim().is_empty() {
        return Err(ProtocolEventError::Empty);
    }

    let cseq_at = find_ci(s, body, "Cseq:");
    let call_id_at = find_ci(s, cseq_at.unwrap_or(body), "CallId:");
    let line_end = cseq_at.or(call_id_at).unwrap_or(s.len());
    let (ls, le) = trim_bounds(s, body, line_end);
    let start_line = spanned_str(s, ls, le);

    let mut status_code = None;
    let mut request_uri = None;
    let mut sip_version = None;
    let mut line_words = words(s, ls, le);
    let method_or_status;
    match line_words.next() {
        Some((ws, we))
            if we - ws >= 4 && s.as_bytes()[ws..ws + 4].eq_ignore_ascii_case(b"SIP/") =>
        {
            // Response: SIP/2.0 <code> <reason...>
            sip_version = Some(spanned_str(s, ws, we));
            let (rs, re) = trim_bounds(s, we, le);
            method_or_status = spanned_str(s, rs, re);
            if let Some((cs, ce)) = words(s, rs, re).next() {
                status_code = parse_decimal(&s[cs..ce])
                    .and_then(|v| u16::try_from(v).ok())
                    .map(|value| Spanned {
                        value,
                        span: Span::between(cs, ce),
                    });
            }
        }
        Some((ws, we)) => {
            // Request: <method> <uri> <version>
            method_or_status = spanned_str(s, ws, we);
            request_uri = line_words.next().map(|(a, b)| spanned_str(s, a, b));
            sip_version = line_words.next().map(|(a, b)| spanned_str(s, a, b));
        }
        None => method_or_status = spanned_str(s, ls, le),
    }

    let mut cseq = None;
    let mut cseq_number = None;
    let mut cseq_method = None;
    if let Some(at) = cseq_at {
        let (cs, ce) = trim_bounds(s, at + 5, call_id_at.unwrap_or(s.len()));
        cseq = Some(spanned_str(s, cs, ce));
        let mut parts = words(s, cs, ce);
        if let Some((ns, ne)) = parts.next() {
            cseq_number = parse_decimal(&s[ns..ne]).map(|value| Spanned {
                value,
                span: Span::between(ns, ne),
            });
            cseq_method = parts.next().map(|(a, b)| spanned_str(s, a, b));
        }
    }
    let call_id = call_id_at
        .and_then(|at| words(s, at + 7, s.len()).next())
        .map(|(a, b)| spanned_str(s, a, b));

    Ok(ProtocolEvent {
        direction,
        start_line,
        method_or_status,
        status_code,
        request_uri,
        sip_version,
        cseq,
        cseq_number,
        cseq_method,
        call_id,
    })
}

/// A protocol event in the SCCP form: `1:Register`, `129:RegisterAck` (the Skinny
/// message id in decimal, a colon, then the phone's name for the message), as an SCCP
/// phone's LastOutOfServiceInformation carries it (domain.md, "x-cisco-alarm"; the
/// CP-7961G alarm in FreeSWITCH's `src/mod/endpoints/mod_skinny/test-skinny.pl`). The
/// direction is the parameter's (LastProtocolEventSent or ...Received): the value has
/// none. Spans are byte ranges of the string given to [`split_sccp_event`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SccpEvent<'a> {
    /// The Skinny message id.
    pub id: Spanned<u32>,
    /// The name after the colon, trimmed; may be empty.
    pub name: Spanned<&'a str>,
}

/// Splits a value of the SCCP form (see [`SccpEvent`]); `None` for any other value.
pub fn split_sccp_event(s: &str) -> Option<SccpEvent<'_>> {
    let (lead, end) = trim_bounds(s, 0, s.len());
    let digits = s.as_bytes()[lead..end]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let colon = lead + digits;
    if s.as_bytes().get(colon) != Some(&b':') {
        return None;
    }
    let id = parse_decimal(&s[lead..colon])?;
    let (ns, ne) = trim_bounds(s, colon + 1, end);
    Some(SccpEvent {
        id: Spanned {
            value: id,
            span: Span::between(lead, colon),
        },
        name: spanned_str(s, ns, ne),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_texts() {
        assert_eq!(
            ProtocolEventError::NoDirection.to_string(),
            "does not start with Sent: or Rcvd:"
        );
    }

    #[test]
    fn protocol_event_request() {
        let s = "Sent:REGISTER sip:192.168.110.100 SIP/2.0 Cseq:336 REGISTER CallId:c4b9cd80-86470022-467f1380-3b60328a@192.168.15.20 ";
        let e = split_protocol_event(s).unwrap();
        assert_eq!(
            e.direction,
            Spanned {
                value: Direction::Sent,
                span: Span::new(0, 4)
            }
        );
        let text = |x: Spanned<&'static str>| {
            assert_eq!(&s[x.span.range()], x.value);
            x.value
        };
        assert_eq!(text(e.start_line), "REGISTER sip:192.168.110.100 SIP/2.0");
        assert_eq!(text(e.method_or_status), "REGISTER");
        assert_eq!(text(e.request_uri.unwrap()), "sip:192.168.110.100");
        assert_eq!(text(e.sip_version.unwrap()), "SIP/2.0");
        assert_eq!(e.status_code, None);
        assert_eq!(text(e.cseq.unwrap()), "336 REGISTER");
        let n = e.cseq_number.unwrap();
        assert_eq!((n.value, &s[n.span.range()]), (336, "336"));
        assert_eq!(text(e.cseq_method.unwrap()), "REGISTER");
        assert_eq!(
            text(e.call_id.unwrap()),
            "c4b9cd80-86470022-467f1380-3b60328a@192.168.15.20"
        );
    }

    #[test]
    fn protocol_event_response() {
        let s = "Rcvd:SIP/2.0 200 OK Cseq:122 REGISTER CallId:c4b9cd80-86470003-6438bc5f-78ebaf4c@192.168.15.22 ";
        let e = split_protocol_event(s).unwrap();
        assert_eq!(e.direction.value, Direction::Received);
        assert_eq!(e.start_line.value, "SIP/2.0 200 OK");
        assert_eq!(e.method_or_status.value, "200 OK");
        assert_eq!(&s[e.method_or_status.span.range()], "200 OK");
        assert_eq!(e.sip_version.unwrap().value, "SIP/2.0");
        let code = e.status_code.unwrap();
        assert_eq!((code.value, &s[code.span.range()]), (200, "200"));
        assert_eq!(e.request_uri, None);
        assert_eq!(e.cseq_number.unwrap().value, 122);
        assert_eq!(e.cseq_method.unwrap().value, "REGISTER");
        assert_eq!(
            e.call_id.unwrap().value,
            "c4b9cd80-86470003-6438bc5f-78ebaf4c@192.168.15.22"
        );
    }

    #[test]
    fn protocol_event_partial_and_odd() {
        assert_eq!(
            split_protocol_event(""),
            Err(ProtocolEventError::NoDirection)
        );
        assert_eq!(
            split_protocol_event("Sending:X"),
            Err(ProtocolEventError::NoDirection)
        );
        assert_eq!(
            split_protocol_event("Sent:  "),
            Err(ProtocolEventError::Empty)
        );
        assert_eq!(
            split_protocol_event("é"),
            Err(ProtocolEventError::NoDirection)
        );

        let e = split_protocol_event(" Sent:OPTIONS").unwrap();
        assert_eq!(e.direction.span, Span::new(1, 4));
        assert_eq!(e.method_or_status.value, "OPTIONS");
        assert_eq!((e.request_uri, e.cseq, e.call_id), (None, None, None));

        let e = split_protocol_event("Rcvd:SIP/2.0 503 Service Unavailable CallId:abc").unwrap();
        assert_eq!(e.method_or_status.value, "503 Service Unavailable");
        assert_eq!(e.status_code.unwrap().value, 503);
        assert_eq!(e.cseq, None);
        assert_eq!(e.call_id.unwrap().value, "abc");

        let e = split_protocol_event("Rcvd:SIP/2.0 9999999 X Cseq:+5 INVITE").unwrap();
        assert_eq!(e.status_code, None);
        assert_eq!(e.cseq.unwrap().value, "+5 INVITE");
        assert_eq!(e.cseq_number, None);
        assert_eq!(e.cseq_method.unwrap().value, "INVITE");

        let e = split_protocol_event("sent:INVITE sip:é@x SIP/2.0 cseq:99999999999 INVITE callid:")
            .unwrap();
        assert_eq!(e.request_uri.unwrap().value, "sip:é@x");
        assert_eq!(e.cseq_number, None);
        assert_eq!(e.call_id, None);
    }

    #[test]
    fn sccp_events() {
        // The two events of the CP-7961G alarm in FreeSWITCH's mod_skinny
        // test-skinny.pl.
        let e = split_sccp_event("1:Register").unwrap();
        assert_eq!((e.id.value, e.id.span), (1, Span::new(0, 1)));
        assert_eq!((e.name.value, e.name.span), ("Register", Span::new(2, 8)));
        let e = split_sccp_event(" 129:RegisterAck ").unwrap();
        assert_eq!((e.id.value, e.id.span), (129, Span::new(1, 3)));
        assert_eq!(e.name.value, "RegisterAck");
        assert_eq!(split_sccp_event("129:").unwrap().name.value, "");
        for odd in [
            "",
            "Register",
            ":Register",
            "Sent:REGISTER",
            "1 :x",
            "99999999999:x",
        ] {
            assert_eq!(split_sccp_event(odd), None, "{odd:?}");
        }
        // Not SIP either.
        assert_eq!(
            split_protocol_event("1:Register"),
            Err(ProtocolEventError::NoDirection)
        );
    }
}
