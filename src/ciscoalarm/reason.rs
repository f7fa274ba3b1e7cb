//! Parser for the `Reason` header Cisco phones put in REGISTER (domain.md, "REGISTER Reason
//! header"):
//!
//! ```text
//! Reason: SIP;cause=200;text="cisco-alarm:25 Name=SEPC80084AA8743 Load=sip78xx.12-1-1-12 Last=Initialized"
//!         |    |         |     |           |  key=value pairs, separated by spaces
//!         |    |         |     |           `- last restart/unregister cause (codes::RESTART_CAUSES)
//!         |    |         |     `- marker
//!         |    |         `- SIP reason text (quoted-string)
//!         |    `- SIP cause
//!         `- protocol
//! ```
//!
//! Keys seen: `Name` (device name), `Load`, `ActiveLoad`, `InactiveLoad`, `Last` (the cause
//! as text). Loads may also be written `Load=..|ActiveLoad=..`. Unknown keys are kept.
//!
//! The parser is lenient (missing or unbalanced quotes, missing parts, values with spaces:
//! a word without `=` continues the previous value) and reports what it had to forgive as
//! [`ReasonProblem`]s. All spans are byte ranges of the string given to [`parse_reason`];
//! values borrow from it, raw (quoted-string escapes such as `\"` are not undone).

#![forbid(unsafe_code)]

use crate::span::{spanned_str as spanned, trim_bounds as trim, Span, Spanned};

/// Longest header value looked at, in bytes. Real values are about 100 bytes; the rest of a
/// longer value is ignored with [`ReasonProblemKind::TooLong`].
pub const MAX_REASON_LEN: usize = 4096;

/// At most this many key=value pairs are kept (real headers have 3 or 4); later ones are
/// dropped with [`ReasonProblemKind::TooManyPairs`].
pub const MAX_PAIRS: usize = 32;

/// At most this many problems are kept, the last one being
/// [`ReasonProblemKind::TooManyProblems`].
pub const MAX_REASON_PROBLEMS: usize = 32;

/// The marker that makes a Reason text a Cisco alarm (compared ASCII case-insensitively and
/// followed by `:`).
pub const CISCO_ALARM: &str = "cisco-alarm";

/// What a key means, when the key is one of the known ones (compared ASCII
/// case-insensitively).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKey {
    /// `Name=`: the device name (`SEP..`).
    Name,
    /// `Load=`: the firmware load.
    Load,
    /// `ActiveLoad=`: the load in the active partition.
    ActiveLoad,
    /// `InactiveLoad=`: the load in the inactive partition.
    InactiveLoad,
    /// `Last=`: the last restart/unregister cause as text.
    Last,
    /// Any other key, kept as sent.
    Other,
}

impl ReasonKey {
    fn classify(key: &str) -> Self {
        const KNOWN: [(&str, ReasonKey); 5] = [
            ("Name", ReasonKey::Name),
            ("Load", ReasonKey::Load),
            ("ActiveLoad", ReasonKey::ActiveLoad),
            ("InactiveLoad", ReasonKey::InactiveLoad),
            ("Last", ReasonKey::Last),
        ];
        KNOWN
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map_or(ReasonKey::Other, |&(_, v)| v)
    }
}

/// One `key=value` of the cisco-alarm text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonPair<'a> {
    pub key: ReasonKey,
    /// The key as sent.
    pub key_text: &'a str,
    pub key_span: Span,
    /// The value as sent, trimmed; may contain spaces when words without `=` followed it.
    pub value: &'a str,
    pub value_span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonProblemKind {
    /// The marker was not at the start of a `text=` parameter but elsewhere in the header;
    /// the text runs from the marker to the next `"` or the end.
    NoTextParameter,
    /// No number after `cisco-alarm:`.
    MissingCode,
    /// Something other than a decimal u32 after `cisco-alarm:`.
    BadCode,
    /// `cause=` is not a decimal u32.
    BadCause,
    /// A quote is missing or unbalanced around the text.
    UnterminatedQuote,
    /// `key=` with nothing after it.
    MissingValue,
    /// Words before the first `key=value`, or after a closing quote.
    UnexpectedText,
    /// More than [`MAX_PAIRS`] pairs.
    TooManyPairs,
    /// The input is longer than [`MAX_REASON_LEN`]; the span is the ignored part.
    TooLong,
    /// [`MAX_REASON_PROBLEMS`] reached.
    TooManyProblems,
}

/// A one-line description, suitable for an expert info.
impl std::fmt::Display for ReasonProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReasonProblemKind::NoTextParameter => {
                f.write_str("cisco-alarm text not at the start of a text= parameter")
            }
            ReasonProblemKind::MissingCode => f.write_str("No cause number after cisco-alarm:"),
            ReasonProblemKind::BadCode => f.write_str("Cause after cisco-alarm: is not a number"),
            ReasonProblemKind::BadCause => f.write_str("Reason cause= is not a number"),
            ReasonProblemKind::UnterminatedQuote => f.write_str("Quote missing or unbalanced"),
            ReasonProblemKind::MissingValue => f.write_str("Key without a value"),
            ReasonProblemKind::UnexpectedText => f.write_str("Text that is not key=value"),
            ReasonProblemKind::TooManyPairs => {
                write!(
                    f,
                    "More than {MAX_PAIRS} key=value pairs; the rest are skipped"
                )
            }
            ReasonProblemKind::TooLong => {
                write!(
                    f,
                    "Reason longer than {MAX_REASON_LEN} bytes; the rest is ignored"
                )
            }
            ReasonProblemKind::TooManyProblems => write!(
                f,
                "More than {MAX_REASON_PROBLEMS} problems; the rest are not reported"
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonProblem {
    pub kind: ReasonProblemKind,
    pub span: Span,
}

/// A Reason header value holding a cisco-alarm text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiscoReason<'a> {
    /// The protocol of the reason value holding the text (`SIP`).
    pub protocol: Option<Spanned<&'a str>>,
    /// `cause=` of that reason value.
    pub cause: Option<Spanned<u32>>,
    /// The cisco-alarm text, without quotes, trimmed.
    pub text: Spanned<&'a str>,
    /// The number after `cisco-alarm:` (see `codes::RESTART_CAUSES`).
    pub code: Option<Spanned<u32>>,
    /// Pairs in order, duplicates kept.
    pub pairs: Vec<ReasonPair<'a>>,
    pub problems: Vec<ReasonProblem>,
}

impl<'a> CiscoReason<'a> {
    /// First pair with this key (for [`ReasonKey::Other`], the first unknown key).
    pub fn get(&self, key: ReasonKey) -> Option<&ReasonPair<'a>> {
        self.pairs.iter().find(|p| p.key == key)
    }

    /// `Name=`: the device name.
    pub fn device(&self) -> Option<&ReasonPair<'a>> {
        self.get(ReasonKey::Name)
    }

    pub fn load(&self) -> Option<&ReasonPair<'a>> {
        self.get(ReasonKey::Load)
    }

    pub fn active_load(&self) -> Option<&ReasonPair<'a>> {
        self.get(ReasonKey::ActiveLoad)
    }

    pub fn inactive_load(&self) -> Option<&ReasonPair<'a>> {
        self.get(ReasonKey::InactiveLoad)
    }

    pub fn last(&self) -> Option<&ReasonPair<'a>> {
        self.get(ReasonKey::Last)
    }
}

/// Parses a Reason header value. `None` when no reason value carries a cisco-alarm text
/// (the header is about something else).
pub fn parse_reason(input: &str) -> Option<CiscoReason<'_>> {
    let mut problems = Problems(Vec::new());
    let mut len = input.len().min(MAX_REASON_LEN);
    while !input.is_char_boundary(len) {
        len -= 1;
    }
    let s = &input[..len];

    let found = find_text_parameter(s, &mut problems).or_else(|| {
        // Not in a `text=` parameter: look for the marker anywhere.
        let at = find_marker(s, 0, s.len())?;
        let b = s.as_bytes();
        let end = (at..s.len()).find(|&i| b[i] == b'"').unwrap_or(s.len());
        problems.push(ReasonProblemKind::NoTextParameter, Span::between(at, end));
        Some(Found {
            protocol: None,
            cause: None,
            text: (at, end),
        })
    })?;
    if len < input.len() {
        problems.push(ReasonProblemKind::TooLong, Span::between(len, input.len()));
    }

    let (ts, te) = trim(s, found.text.0, found.text.1);
    let mut reason = CiscoReason {
        protocol: found.protocol,
        cause: found.cause,
        text: spanned(s, ts, te),
        code: None,
        pairs: Vec::new(),
        problems: Vec::new(),
    };
    parse_alarm_text(s, ts, te, &mut reason, &mut problems);
    reason.problems = problems.0;
    Some(reason)
}

/// The text of a Skinny (SCCP) Alarm message (0x0020), the same restart cause
/// in another form: `25: Name=ipctest2 Load= 7.0.1.0 Last=Initialized` (the CUCM
/// trace of seeds/003, `StationInit: ... text="25: Name=..."`): the code, a
/// colon, then the pairs a REGISTER's cisco-alarm text has. `None` when the text
/// does not start with a code and a colon (other alarms).
pub fn parse_skinny_alarm(input: &str) -> Option<CiscoReason<'_>> {
    let mut len = input.len().min(MAX_REASON_LEN);
    while !input.is_char_boundary(len) {
        len -= 1;
    }
    let s = &input[..len];
    let (ts, te) = trim(s, 0, s.len());
    let colon = s[ts..te].find(':').map(|i| ts + i)?;
    let (cs, ce) = trim(s, ts, colon);
    let code = parse_decimal(&s[cs..ce])?;
    let mut problems = Problems(Vec::new());
    if len < input.len() {
        problems.push(ReasonProblemKind::TooLong, Span::between(len, input.len()));
    }
    let mut reason = CiscoReason {
        protocol: None,
        cause: None,
        text: spanned(s, ts, te),
        code: Some(Spanned {
            value: code,
            span: Span::between(cs, ce),
        }),
        pairs: Vec::new(),
        problems: Vec::new(),
    };
    let tokens = words(s, colon + 1, te);
    parse_pairs(s, &tokens, te, &mut reason, &mut problems);
    reason.problems = problems.0;
    Some(reason)
}

// ---------------------------------------------------------------------------------------

struct Problems(Vec<ReasonProblem>);

impl Problems {
    fn push(&mut self, kind: ReasonProblemKind, span: Span) {
        let n = self.0.len();
        if n + 1 < MAX_REASON_PROBLEMS {
            self.0.push(ReasonProblem { kind, span });
        } else if n + 1 == MAX_REASON_PROBLEMS {
            self.0.push(ReasonProblem {
                kind: ReasonProblemKind::TooManyProblems,
                span,
            });
        }
    }
}

/// Where the cisco-alarm text is, with the parts of its reason value.
struct Found<'a> {
    protocol: Option<Spanned<&'a str>>,
    cause: Option<Spanned<u32>>,
    /// Byte bounds of the text, quotes excluded.
    text: (usize, usize),
}

/// Splits `s[from..to]` at `sep` bytes outside double quotes (backslash escapes inside
/// quotes). An unclosed quote runs to `to`.
fn split_outside_quotes(s: &str, from: usize, to: usize, sep: u8) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut parts = Vec::new();
    let mut start = from;
    let mut in_quotes = false;
    let mut i = from;
    while i < to {
        match b[i] {
            b'\\' if in_quotes => i += 1,
            b'"' => in_quotes = !in_quotes,
            c if c == sep && !in_quotes => {
                parts.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push((start, to));
    parts
}

/// The `cisco-alarm` marker (followed by `:`, whitespace or the end) in `s[from..to]`.
fn find_marker(s: &str, from: usize, to: usize) -> Option<usize> {
    let b = s.as_bytes();
    let m = CISCO_ALARM.as_bytes();
    (from..to.saturating_sub(m.len() - 1)).find(|&i| {
        b[i..i + m.len()].eq_ignore_ascii_case(m)
            && (i + m.len() == to || b[i + m.len()] == b':' || b[i + m.len()].is_ascii_whitespace())
    })
}

fn starts_with_marker(s: &str, start: usize, end: usize) -> bool {
    find_marker(s, start, end) == Some(start)
}

/// A non-empty run of ASCII digits as a u32.
fn parse_decimal(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Looks through the comma-separated reason values for a `text=` parameter starting with
/// the marker.
fn find_text_parameter<'a>(s: &'a str, problems: &mut Problems) -> Option<Found<'a>> {
    for (rs, re) in split_outside_quotes(s, 0, s.len(), b',') {
        let params = split_outside_quotes(s, rs, re, b';');
        let mut text = None;
        let mut cause_span = None;
        for &(ps, pe) in params.iter().skip(1) {
            let Some(eq) = s[ps..pe].find('=').map(|p| ps + p) else {
                continue;
            };
            let (ns, ne) = trim(s, ps, eq);
            let (vs, ve) = trim(s, eq + 1, pe);
            let name = &s[ns..ne];
            if name.eq_ignore_ascii_case("text") && text.is_none() {
                text = Some((vs, ve));
            } else if name.eq_ignore_ascii_case("cause") && cause_span.is_none() {
                cause_span = Some((vs, ve));
            }
        }
        let Some((vs, ve)) = text else { continue };
        let mut local = Problems(Vec::new());
        let inner = unquote(s, vs, ve, &mut local);
        let (ts, te) = trim(s, inner.0, inner.1);
        if !starts_with_marker(s, ts, te) {
            continue;
        }
        for p in local.0 {
            problems.push(p.kind, p.span);
        }
        let (ps, pe) = trim(s, params[0].0, params[0].1);
        let protocol = (ps < pe).then(|| spanned(s, ps, pe));
        let cause = cause_span.and_then(|(cs, ce)| match parse_decimal(&s[cs..ce]) {
            Some(value) => Some(Spanned {
                value,
                span: Span::between(cs, ce),
            }),
            None => {
                problems.push(ReasonProblemKind::BadCause, Span::between(cs, ce));
                None
            }
        });
        return Some(Found {
            protocol,
            cause,
            text: inner,
        });
    }
    None
}

/// The content of a parameter value `s[vs..ve]` (already trimmed), without its quotes.
fn unquote(s: &str, vs: usize, ve: usize, problems: &mut Problems) -> (usize, usize) {
    let b = s.as_bytes();
    if vs < ve && b[vs] == b'"' {
        let mut i = vs + 1;
        while i < ve {
            match b[i] {
                b'\\' => i += 2,
                b'"' => {
                    if i + 1 < ve {
                        problems.push(ReasonProblemKind::UnexpectedText, Span::between(i + 1, ve));
                    }
                    return (vs + 1, i);
                }
                _ => i += 1,
            }
        }
        problems.push(ReasonProblemKind::UnterminatedQuote, Span::new(vs, 1));
        (vs + 1, ve)
    } else if ve > vs && b[ve - 1] == b'"' {
        problems.push(ReasonProblemKind::UnterminatedQuote, Span::new(ve - 1, 1));
        (vs, ve - 1)
    } else {
        (vs, ve)
    }
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Length of the `key` in `key=` at the start of `b`, if `b` starts that way.
fn key_len(b: &[u8]) -> Option<usize> {
    let n = b.iter().take_while(|&&c| is_key_byte(c)).count();
    (n > 0 && b.get(n) == Some(&b'=')).then_some(n)
}

/// Whitespace-separated words of `s[from..to]`.
fn words(s: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        while i < to && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let w = i;
        while i < to && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        if w < i {
            out.push((w, i));
        }
    }
    out
}

/// `cisco-alarm:N key=value ...` in `s[ts..te]`.
fn parse_alarm_text<'a>(
    s: &'a str,
    ts: usize,
    te: usize,
    reason: &mut CiscoReason<'a>,
    problems: &mut Problems,
) {
    let b = s.as_bytes();
    let mut pos = ts + CISCO_ALARM.len();
    if pos < te && b[pos] == b':' {
        pos += 1;
    }
    let tokens = words(s, pos, te);
    let mut tokens = tokens.as_slice();
    match tokens.first() {
        None => problems.push(ReasonProblemKind::MissingCode, Span::new(pos, 0)),
        Some(&(ws, _)) if key_len(&b[ws..]).is_some() => {
            problems.push(ReasonProblemKind::MissingCode, Span::new(pos, 0));
        }
        Some(&(ws, we)) => {
            match parse_decimal(&s[ws..we]) {
                Some(value) => {
                    reason.code = Some(Spanned {
                        value,
                        span: Span::between(ws, we),
                    })
                }
                None => problems.push(ReasonProblemKind::BadCode, Span::between(ws, we)),
            }
            tokens = &tokens[1..];
        }
    }

    parse_pairs(s, tokens, te, reason, problems);
}

/// The `Key=value` pairs of an alarm text, from its words after the code.
fn parse_pairs<'a>(
    s: &'a str,
    tokens: &[(usize, usize)],
    te: usize,
    reason: &mut CiscoReason<'a>,
    problems: &mut Problems,
) {
    let b = s.as_bytes();
    // (key start, key end, value start, value end) of each pair.
    let mut pairs: Vec<(usize, usize, usize, usize)> = Vec::new();
    'tokens: for &(ws, we) in tokens {
        if key_len(&b[ws..we]).is_none() {
            match pairs.last_mut() {
                // A word without `=`: the previous value had a space in it.
                Some(last) => last.3 = we,
                None => problems.push(ReasonProblemKind::UnexpectedText, Span::between(ws, we)),
            }
            continue;
        }
        // One or more `key=value` pieces, split at `|` followed by `key=`.
        let mut start = ws;
        while start < we {
            if pairs.len() == MAX_PAIRS {
                problems.push(ReasonProblemKind::TooManyPairs, Span::between(start, te));
                break 'tokens;
            }
            let Some(klen) = key_len(&b[start..we]) else {
                break;
            };
            let value_start = start + klen + 1;
            let value_end = (value_start..we)
                .find(|&i| b[i] == b'|' && key_len(&b[i + 1..we]).is_some())
                .unwrap_or(we);
            pairs.push((start, start + klen, value_start, value_end));
            start = value_end + 1;
        }
    }
    for (ks, ke, vs, ve) in pairs {
        let key_text = &s[ks..ke];
        // `key= word`: the word is the value.
        let (vs, ve) = trim(s, vs, ve.max(vs));
        if vs >= ve {
            problems.push(ReasonProblemKind::MissingValue, Span::between(ks, vs));
        }
        reason.pairs.push(ReasonPair {
            key: ReasonKey::classify(key_text),
            key_text,
            key_span: Span::between(ks, ke),
            value: &s[vs..ve],
            value_span: Span::between(vs, ve),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"SIP;cause=200;text="cisco-alarm:25 Name=SEPC80084AA8743 Load=sip78xx.12-1-1-12 Last=Initialized""#;

    /// seeds/003's SCCP phone: `Load= 7.0.1.0`, a space after the `=`.
    #[test]
    fn the_skinny_alarm_of_seed_003() {
        let text = "25: Name=ipctest2 Load= 7.0.1.0 Last=Initialized";
        let r = parse_skinny_alarm(text).unwrap();
        check(text, &r);
        assert_eq!(r.code.map(|c| c.value), Some(25));
        assert_eq!(r.device().map(|p| p.value), Some("ipctest2"));
        assert_eq!(r.load().map(|p| p.value), Some("7.0.1.0"));
        assert_eq!(r.last().map(|p| p.value), Some("Initialized"));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(parse_skinny_alarm("Name=x Last=y").is_none());
        assert!(parse_skinny_alarm("x: Name=y").is_none());
        assert!(parse_skinny_alarm("").is_none());
        let r = parse_skinny_alarm("17:").unwrap();
        assert_eq!(r.code.map(|c| c.value), Some(17));
        assert!(r.pairs.is_empty());
    }

    /// Every span is inside the input, on character boundaries, and slices to its value.
    fn check(input: &str, r: &CiscoReason<'_>) {
        let ok = |sp: Span| {
            assert!(sp.end() <= input.len(), "{sp:?}");
            assert!(input.is_char_boundary(sp.start) && input.is_char_boundary(sp.end()));
        };
        for p in &r.problems {
            ok(p.span);
        }
        assert!(r.problems.len() <= MAX_REASON_PROBLEMS);
        assert!(r.pairs.len() <= MAX_PAIRS);
        ok(r.text.span);
        assert_eq!(&input[r.text.span.range()], r.text.value);
        if let Some(p) = r.protocol {
            assert_eq!(&input[p.span.range()], p.value);
        }
        for pair in &r.pairs {
            ok(pair.key_span);
            ok(pair.value_span);
            assert_eq!(&input[pair.key_span.range()], pair.key_text);
            assert_eq!(&input[pair.value_span.range()], pair.value);
            assert!(pair.value_span.start > pair.key_span.end());
        }
        if let Some(c) = r.code {
            assert_eq!(input[c.span.range()].parse::<u32>().ok(), Some(c.value));
        }
    }

    fn parse(input: &str) -> CiscoReason<'_> {
        let r = parse_reason(input).expect("a cisco-alarm reason");
        check(input, &r);
        r
    }

    fn kinds(r: &CiscoReason<'_>) -> Vec<ReasonProblemKind> {
        r.problems.iter().map(|p| p.kind).collect()
    }

    fn pairs<'a>(r: &CiscoReason<'a>) -> Vec<(ReasonKey, &'a str, &'a str)> {
        r.pairs
            .iter()
            .map(|p| (p.key, p.key_text, p.value))
            .collect()
    }

    #[test]
    fn example_from_domain() {
        let r = parse(EXAMPLE);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.protocol.unwrap().value, "SIP");
        let cause = r.cause.unwrap();
        assert_eq!((cause.value, &EXAMPLE[cause.span.range()]), (200, "200"));
        assert_eq!(
            r.text.value,
            "cisco-alarm:25 Name=SEPC80084AA8743 Load=sip78xx.12-1-1-12 Last=Initialized"
        );
        let code = r.code.unwrap();
        assert_eq!((code.value, &EXAMPLE[code.span.range()]), (25, "25"));
        assert_eq!(
            pairs(&r),
            vec![
                (ReasonKey::Name, "Name", "SEPC80084AA8743"),
                (ReasonKey::Load, "Load", "sip78xx.12-1-1-12"),
                (ReasonKey::Last, "Last", "Initialized"),
            ]
        );
        assert_eq!(r.device().unwrap().value, "SEPC80084AA8743");
        assert_eq!(r.load().unwrap().value, "sip78xx.12-1-1-12");
        assert_eq!(r.last().unwrap().value, "Initialized");
        assert_eq!(r.active_load(), None);
        assert_eq!(r.inactive_load(), None);
    }

    #[test]
    fn display_texts() {
        assert_eq!(
            ReasonProblemKind::TooManyPairs.to_string(),
            "More than 32 key=value pairs; the rest are skipped"
        );
    }

    #[test]
    fn active_and_inactive_loads() {
        let input = r#"SIP;cause=200;text="cisco-alarm:23 Name=SEPC80084AA8743 ActiveLoad=sip78xx.12-1-1-12 InactiveLoad=sip78xx.11-7-1-17 Last=Reset-Restart""#;
        let r = parse(input);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.code.unwrap().value, 23);
        assert_eq!(r.active_load().unwrap().value, "sip78xx.12-1-1-12");
        assert_eq!(r.inactive_load().unwrap().value, "sip78xx.11-7-1-17");
        assert_eq!(r.last().unwrap().value, "Reset-Restart");
        assert_eq!(r.load(), None);
    }

    #[test]
    fn pipe_separated_loads() {
        let input = r#"SIP;cause=200;text="cisco-alarm:25 Name=SEP1 Load=sip78xx.12-1-1-12|ActiveLoad=sip78xx.12-1-1-12 Last=a|b""#;
        let r = parse(input);
        assert_eq!(r.problems, vec![]);
        assert_eq!(
            pairs(&r),
            vec![
                (ReasonKey::Name, "Name", "SEP1"),
                (ReasonKey::Load, "Load", "sip78xx.12-1-1-12"),
                (ReasonKey::ActiveLoad, "ActiveLoad", "sip78xx.12-1-1-12"),
                // `|` not followed by `key=` is part of the value.
                (ReasonKey::Last, "Last", "a|b"),
            ]
        );
    }

    #[test]
    fn unknown_keys_and_values_with_spaces_are_kept() {
        let input = r#"SIP;text="cisco-alarm:20 Name=SEP1 Foo=bar baz Last=Phone Keypad X.y=1=2""#;
        let r = parse(input);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.cause, None);
        assert_eq!(
            pairs(&r),
            vec![
                (ReasonKey::Name, "Name", "SEP1"),
                (ReasonKey::Other, "Foo", "bar baz"),
                (ReasonKey::Last, "Last", "Phone Keypad"),
                (ReasonKey::Other, "X.y", "1=2"),
            ]
        );
        assert_eq!(r.get(ReasonKey::Other).unwrap().key_text, "Foo");
    }

    #[test]
    fn missing_parts() {
        let r = parse(r#"SIP;cause=200;text="cisco-alarm:25""#);
        assert_eq!(
            (r.code.unwrap().value, r.pairs.len(), r.problems.len()),
            (25, 0, 0)
        );

        for input in [
            r#"SIP;text="cisco-alarm:""#,
            r#"SIP;text="cisco-alarm""#,
            r#"SIP;text="cisco-alarm:   ""#,
        ] {
            let r = parse(input);
            assert_eq!(kinds(&r), vec![ReasonProblemKind::MissingCode], "{input}");
            assert_eq!(r.code, None);
        }

        let r = parse(r#"SIP;text="cisco-alarm:Name=SEP1 Last=x""#);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::MissingCode]);
        assert_eq!(r.device().unwrap().value, "SEP1");

        let input = r#"SIP;text="cisco-alarm:25 Name= Load=x Last=""#;
        let r = parse(input);
        assert_eq!(
            kinds(&r),
            vec![
                ReasonProblemKind::MissingValue,
                ReasonProblemKind::MissingValue
            ]
        );
        assert_eq!(&input[r.problems[0].span.range()], "Name=");
        assert_eq!(&input[r.problems[1].span.range()], "Last=");
        assert_eq!(r.device().unwrap().value, "");
        assert_eq!(r.load().unwrap().value, "x");

        // `key= value` with a space after '='.
        let r = parse(r#"SIP;text="cisco-alarm:25 Name= SEP1""#);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.device().unwrap().value, "SEP1");
    }

    #[test]
    fn bad_codes() {
        for (input, bad) in [
            (r#"SIP;text="cisco-alarm:25x Name=A""#, "25x"),
            (
                r#"SIP;text="cisco-alarm:99999999999 Name=A""#,
                "99999999999",
            ),
            (r#"SIP;text="cisco-alarm:-1 Name=A""#, "-1"),
            (r#"SIP;text="cisco-alarm:+1 Name=A""#, "+1"),
        ] {
            let r = parse(input);
            assert_eq!(kinds(&r), vec![ReasonProblemKind::BadCode], "{input}");
            assert_eq!(&input[r.problems[0].span.range()], bad);
            assert_eq!(r.code, None);
            assert_eq!(r.device().unwrap().value, "A");
        }
        let input = r#"SIP;cause=2x0;text="cisco-alarm:25""#;
        let r = parse(input);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::BadCause]);
        assert_eq!(&input[r.problems[0].span.range()], "2x0");
        assert_eq!(r.cause, None);
    }

    #[test]
    fn quotes_missing_or_unbalanced() {
        // No quotes at all.
        let input = "SIP;cause=200;text=cisco-alarm:25 Name=SEP1 Last=Initialized";
        let r = parse(input);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.last().unwrap().value, "Initialized");

        // No closing quote.
        let input = r#"SIP;cause=200;text="cisco-alarm:25 Name=SEP1 Last=Initialized"#;
        let r = parse(input);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::UnterminatedQuote]);
        assert_eq!(&input[r.problems[0].span.range()], "\"");
        assert_eq!(r.last().unwrap().value, "Initialized");

        // No opening quote.
        let input = r#"SIP;cause=200;text=cisco-alarm:25 Name=SEP1 Last=Initialized""#;
        let r = parse(input);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::UnterminatedQuote]);
        assert_eq!(r.problems[0].span.start, input.len() - 1);
        assert_eq!(r.last().unwrap().value, "Initialized");

        // Text after the closing quote.
        let input = r#"SIP;text="cisco-alarm:25 Name=A" junk"#;
        let r = parse(input);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::UnexpectedText]);
        assert_eq!(&input[r.problems[0].span.range()], " junk");

        // An escaped quote stays raw in the value.
        let input = r#"SIP;text="cisco-alarm:25 Name=a\"b Last=x""#;
        let r = parse(input);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.device().unwrap().value, r#"a\"b"#);
        assert_eq!(r.last().unwrap().value, "x");
    }

    #[test]
    fn not_a_cisco_alarm() {
        for input in [
            "",
            "SIP;cause=200",
            r#"SIP;cause=200;text="OK""#,
            "Q.850;cause=16;text=\"Normal call clearing\"",
            r#"SIP;text="cisco-alarms:25""#,
            r#"SIP;text="not cisco-alarm:25""#,
            "garbage \"\"\" ;;; ,,, ===",
        ] {
            // A marker elsewhere is still found, with a problem saying so.
            let r = parse_reason(input);
            if input.contains("cisco-alarm:") {
                let r = r.unwrap();
                assert_eq!(kinds(&r), vec![ReasonProblemKind::NoTextParameter]);
            } else {
                assert_eq!(r, None, "{input}");
            }
        }
    }

    #[test]
    fn several_reason_values() {
        let input =
            r#"Q.850;cause=16;text="Normal, really", SIP;cause=200;text="cisco-alarm:25 Name=A""#;
        let r = parse(input);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.protocol.unwrap().value, "SIP");
        assert_eq!(r.cause.unwrap().value, 200);
        assert_eq!(r.device().unwrap().value, "A");
    }

    #[test]
    fn marker_outside_text_parameter() {
        let input = "cisco-alarm:25 Name=A Last=Initialized";
        let r = parse(input);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::NoTextParameter]);
        assert_eq!(r.protocol, None);
        assert_eq!(r.code.unwrap().value, 25);
        assert_eq!(r.last().unwrap().value, "Initialized");

        let input = r#"SIP;cause=200;reason="cisco-alarm:24 Name=B";x=1"#;
        let r = parse(input);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::NoTextParameter]);
        assert_eq!(r.text.value, "cisco-alarm:24 Name=B");
        assert_eq!(r.device().unwrap().value, "B");
    }

    #[test]
    fn case_and_whitespace_insensitive_syntax() {
        let input =
            r#"  sip ; CAUSE = 200 ; Text = " Cisco-Alarm: 25   name=SEP1   LAST=Initialized "  "#;
        let r = parse(input);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.protocol.unwrap().value, "sip");
        assert_eq!(r.cause.unwrap().value, 200);
        assert_eq!(
            r.text.value,
            "Cisco-Alarm: 25   name=SEP1   LAST=Initialized"
        );
        assert_eq!(r.code.unwrap().value, 25);
        assert_eq!(r.device().unwrap().key_text, "name");
        assert_eq!(r.last().unwrap().value, "Initialized");
    }

    #[test]
    fn unexpected_words_before_pairs() {
        let input = r#"SIP;text="cisco-alarm:25 junk more Name=A""#;
        let r = parse(input);
        assert_eq!(
            kinds(&r),
            vec![
                ReasonProblemKind::UnexpectedText,
                ReasonProblemKind::UnexpectedText
            ]
        );
        assert_eq!(&input[r.problems[0].span.range()], "junk");
        assert_eq!(r.device().unwrap().value, "A");
    }

    #[test]
    fn too_many_pairs() {
        let many: String = (0..100).map(|i| format!(" K{i}=v{i}")).collect();
        let input = format!("SIP;text=\"cisco-alarm:25{many}\"");
        let r = parse(&input);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::TooManyPairs]);
        assert_eq!(r.pairs.len(), MAX_PAIRS);
        assert_eq!(r.pairs[MAX_PAIRS - 1].value, format!("v{}", MAX_PAIRS - 1));
        // Also when the pairs come in one word.
        let many: String = (0..100).map(|i| format!("K{i}=v|")).collect();
        let input = format!("SIP;text=\"cisco-alarm:25 {many}\"");
        let r = parse(&input);
        assert_eq!(kinds(&r), vec![ReasonProblemKind::TooManyPairs]);
        assert_eq!(r.pairs.len(), MAX_PAIRS);
    }

    #[test]
    fn too_long_input_is_cut_at_a_char_boundary() {
        let input = format!(
            "SIP;text=\"cisco-alarm:25 Name=A Last={}\"",
            "é".repeat(MAX_REASON_LEN)
        );
        let r = parse(&input);
        assert!(kinds(&r).contains(&ReasonProblemKind::TooLong));
        assert!(kinds(&r).contains(&ReasonProblemKind::UnterminatedQuote));
        let p = r
            .problems
            .iter()
            .find(|p| p.kind == ReasonProblemKind::TooLong)
            .unwrap();
        assert_eq!(p.span.end(), input.len());
        assert!(p.span.start <= MAX_REASON_LEN);
        assert_eq!(r.device().unwrap().value, "A");
        // Far too long, and nothing but separators.
        let input = ";\"".repeat(100_000);
        assert_eq!(parse_reason(&input), None);
    }

    #[test]
    fn problems_are_capped() {
        let junk: String = (0..200).map(|_| " Name=").collect();
        let input = format!("SIP;text=\"cisco-alarm:25{junk}\"");
        let r = parse(&input);
        assert_eq!(r.problems.len(), MAX_REASON_PROBLEMS);
        assert_eq!(
            r.problems.last().unwrap().kind,
            ReasonProblemKind::TooManyProblems
        );
    }

    #[test]
    fn every_prefix_and_mutation() {
        for cut in 0..=EXAMPLE.len() {
            let input = &EXAMPLE[..cut];
            if let Some(r) = parse_reason(input) {
                check(input, &r);
            }
        }
        let mut state: u32 = 0x1234_5678;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as usize
        };
        let specials = [
            "\"",
            "\\",
            ";",
            ",",
            "=",
            "|",
            " ",
            "é",
            ":",
            "cisco-alarm:",
        ];
        for _ in 0..5000 {
            let mut s = EXAMPLE.to_string();
            for _ in 0..1 + next() % 3 {
                let mut at = next() % (s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                if next() % 2 == 0 {
                    s.insert_str(at, specials[next() % specials.len()]);
                } else if at < s.len() {
                    s.remove(at);
                }
            }
            if let Some(r) = parse_reason(&s) {
                check(&s, &r);
            }
        }
    }
}
