//! Character data and attribute values to strings: decoded as UTF-8 (invalid bytes as
//! U+FFFD) or ISO-8859-1, with XML's five predefined entities and character references
//! expanded, and cut at a character budget. Bad bytes, bad references and cutting are
//! reported as [`Issue`]s.

#![forbid(unsafe_code)]

use super::bytes::{is_xml_space, quote, resolve_reference};
use super::{Issue, Problems};
use crate::span::Span;

/// Longest reference body (`&...;`) looked for by [`Refs::Strict`]; keeps the scan for
/// `;` linear. The longest valid ones are `&#x10FFFF;` and `&#1114111;`.
pub(crate) const MAX_REF_LEN: usize = 16;

/// How references are read; kept per parser so that sharing this decoder changes no
/// dissection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refs {
    /// As XML has them: `&#x` in lower case, at most 8 digits, a `;` within
    /// [`MAX_REF_LEN`] bytes; a reference that the end of the input cuts short is left to
    /// the truncation report. Phone objects and EMService.
    Strict,
    /// Alarm bodies: `&#X` too, any number of digits up to U+10FFFF, and the `;` looked
    /// for up to the next `&`, `<` or whitespace.
    Lenient,
}

/// The character set of a declaration's `encoding` label: `Some(true)` for ISO-8859-1,
/// `Some(false)` for UTF-8 (and its subset US-ASCII), `None` for any other. `label` is
/// trimmed and in lower case.
pub(crate) fn is_latin1(label: &str) -> Option<bool> {
    match label {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => Some(false),
        // The labels of ISO-8859-1 in the IANA character set registry, and common
        // spellings.
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" | "iso-ir-100"
        | "cp819" | "ibm819" | "csisolatin1" => Some(true),
        _ => None,
    }
}

/// A string being decoded, with its character budget.
pub(crate) struct TextBuf {
    pub(crate) text: String,
    chars: usize,
    max: usize,
    pub(crate) cut: bool,
}

impl TextBuf {
    pub(crate) fn new(max: usize) -> Self {
        TextBuf {
            text: String::new(),
            chars: 0,
            max,
            cut: false,
        }
    }

    /// Appends as much of `s` as the budget allows; false once the text had to be cut.
    pub(crate) fn push_str(&mut self, s: &str) -> bool {
        if self.cut {
            return false;
        }
        let room = self.max - self.chars;
        // Fast path: a string never has more characters than bytes.
        if s.len() <= room {
            self.text.push_str(s);
            self.chars += s.chars().count();
            return true;
        }
        match s.char_indices().nth(room) {
            None => {
                self.text.push_str(s);
                self.chars += s.chars().count();
                true
            }
            Some((cut_at, _)) => {
                self.text.push_str(&s[..cut_at]);
                self.chars = self.max;
                self.cut = true;
                false
            }
        }
    }

    pub(crate) fn push_char(&mut self, c: char) -> bool {
        if self.cut {
            return false;
        }
        if self.chars < self.max {
            self.text.push(c);
            self.chars += 1;
            true
        } else {
            self.cut = true;
            false
        }
    }
}

/// Decodes `bytes` found at absolute position `abs` as UTF-8 into `buf`, invalid
/// sequences as U+FFFD; widens `bad` to cover the invalid bytes met (decoding stops when
/// `buf` is full).
pub(crate) fn utf8(bytes: &[u8], abs: usize, buf: &mut TextBuf, bad: &mut Option<(usize, usize)>) {
    let mut at = abs;
    for chunk in bytes.utf8_chunks() {
        if !buf.push_str(chunk.valid()) {
            return;
        }
        at += chunk.valid().len();
        let invalid = chunk.invalid().len();
        if invalid > 0 {
            *bad = Some(bad.map_or((at, at + invalid), |(s, _)| (s, at + invalid)));
            if !buf.push_char(char::REPLACEMENT_CHARACTER) {
                return;
            }
            at += invalid;
        }
    }
}

/// How the text of one input is decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decoder<'a> {
    pub(crate) input: &'a [u8],
    /// ISO-8859-1 (from the XML declaration) rather than UTF-8.
    pub(crate) latin1: bool,
    pub(crate) refs: Refs,
}

impl Decoder<'_> {
    /// Appends the text of `raw` to `buf`: unescaped unless `literal`, decoded.
    /// Reports bad bytes, bad references and cutting.
    pub(crate) fn append<K: From<Issue>>(
        &self,
        raw: Span,
        literal: bool,
        buf: &mut TextBuf,
        problems: &mut Problems<K>,
    ) {
        let was_cut = buf.cut;
        let bytes = &self.input[raw.range()];
        let mut bad: Option<(usize, usize)> = None;
        let mut i = 0;
        while i < bytes.len() && !buf.cut {
            let seg_end = if literal {
                bytes.len()
            } else {
                bytes[i..]
                    .iter()
                    .position(|&b| b == b'&')
                    .map_or(bytes.len(), |p| i + p)
            };
            self.plain(&bytes[i..seg_end], raw.start + i, buf, &mut bad);
            i = seg_end;
            if i < bytes.len() {
                i = self.reference(bytes, i, raw.start, buf, &mut bad, problems);
            }
        }
        if let Some((start, end)) = bad {
            problems.issue(Issue::BadUtf8, Span::between(start, end));
        }
        if !was_cut && buf.cut {
            problems.issue(Issue::ValueTooLong, raw);
        }
    }

    /// Decodes a name or attribute value (`unescape`: references too) into at most `max`
    /// characters; also says whether it was cut.
    pub(crate) fn decode<K: From<Issue>>(
        &self,
        span: Span,
        unescape: bool,
        max: usize,
        problems: &mut Problems<K>,
    ) -> (String, bool) {
        let mut buf = TextBuf::new(max);
        self.append(span, !unescape, &mut buf, problems);
        let cut = buf.cut;
        (buf.text, cut)
    }

    /// Bytes without references.
    fn plain(&self, bytes: &[u8], abs: usize, buf: &mut TextBuf, bad: &mut Option<(usize, usize)>) {
        if self.latin1 {
            for &b in bytes {
                if !buf.push_char(char::from(b)) {
                    return;
                }
            }
            return;
        }
        utf8(bytes, abs, buf, bad);
    }

    /// The `&` at `bytes[amp]` (`bytes` found at `abs`); returns the index after it.
    fn reference<K: From<Issue>>(
        &self,
        bytes: &[u8],
        amp: usize,
        abs: usize,
        buf: &mut TextBuf,
        bad: &mut Option<(usize, usize)>,
        problems: &mut Problems<K>,
    ) -> usize {
        let body_start = amp + 1;
        let limit = match self.refs {
            Refs::Strict => bytes.len().min(body_start + MAX_REF_LEN + 1),
            Refs::Lenient => bytes.len(),
        };
        let semi = bytes[body_start..limit]
            .iter()
            .position(|&b| matches!(b, b';' | b'&' | b'<') || is_xml_space(b))
            .map(|p| body_start + p)
            .filter(|&j| bytes[j] == b';');
        let Some(semi) = semi else {
            buf.push_char('&');
            // A reference that the end of the input cuts short is a truncation, reported
            // as such at the end.
            let cut_short = self.refs == Refs::Strict
                && limit == bytes.len()
                && abs + bytes.len() == self.input.len()
                && !bytes[body_start..]
                    .iter()
                    .any(|&b| matches!(b, b'&' | b'<') || is_xml_space(b));
            if !cut_short {
                problems.issue(
                    Issue::BadReference("'&' not starting a reference".into()),
                    Span::new(abs + amp, 1),
                );
            }
            return body_start;
        };
        let body = &bytes[body_start..semi];
        let resolved = match self.refs {
            Refs::Strict => resolve_reference(body),
            Refs::Lenient => resolve_lenient(body),
        };
        match resolved {
            Some(c) => {
                buf.push_char(c);
            }
            None => {
                self.plain(&bytes[amp..=semi], abs + amp, buf, bad);
                let shown = match self.refs {
                    Refs::Strict => quote(body),
                    Refs::Lenient => short_lossy(body),
                };
                problems.issue(
                    Issue::BadReference(format!("unknown or invalid reference &{shown};")),
                    Span::between(abs + amp, abs + semi + 1),
                );
            }
        }
        semi + 1
    }
}

/// XML's predefined entities and character references, for [`Refs::Lenient`]: `&#X41;`
/// as well as `&#x41;`, and any number of (leading zero) digits.
fn resolve_lenient(body: &[u8]) -> Option<char> {
    let (digits, radix) = match body {
        [b'#', b'x' | b'X', digits @ ..] => (digits, 16),
        [b'#', digits @ ..] => (digits, 10),
        _ => return resolve_reference(body),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u32 = 0;
    for &d in digits {
        let digit = char::from(d).to_digit(radix)?;
        value = value.checked_mul(radix)?.checked_add(digit)?;
        if value > 0x10FFFF {
            return None;
        }
    }
    char::from_u32(value).filter(|&c| c != '\0')
}

/// At most 32 characters of `bytes`, for [`Refs::Lenient`]'s problem messages.
fn short_lossy(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(&bytes[..bytes.len().min(32)]);
    if bytes.len() > 32 {
        format!("{s}...")
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(problems: Problems<Issue>) -> Vec<(Issue, Span)> {
        problems
            .into_vec()
            .into_iter()
            .map(|p| (p.kind, p.span))
            .collect()
    }

    fn decode(input: &str, refs: Refs) -> (String, Vec<(Issue, Span)>) {
        let decoder = Decoder {
            input: input.as_bytes(),
            latin1: false,
            refs,
        };
        let mut problems = Problems::new(8);
        let (text, _) = decoder.decode(Span::new(0, input.len()), true, 64, &mut problems);
        (text, pairs(problems))
    }

    #[test]
    fn strict_and_lenient_references() {
        assert_eq!(decode("&#x41;&#66;&amp;", Refs::Strict).0, "AB&");
        assert_eq!(
            decode("&#X41;&#0000000066;", Refs::Lenient),
            ("AB".into(), vec![])
        );
        let (text, problems) = decode("&#X41;&#0000000066;", Refs::Strict);
        assert_eq!(text, "&#X41;&#0000000066;");
        assert_eq!(
            problems,
            vec![
                (
                    Issue::BadReference("unknown or invalid reference &#X41;".into()),
                    Span::new(0, 6)
                ),
                (
                    Issue::BadReference("unknown or invalid reference &#0000000066;".into()),
                    Span::new(6, 13)
                ),
            ]
        );
        // The `;` is looked for within MAX_REF_LEN bytes only by Strict.
        let long = "&a23456789abcdefgh;";
        assert_eq!(decode(long, Refs::Strict).1[0].1, Span::new(0, 1));
        assert_eq!(decode(long, Refs::Lenient).1[0].1, Span::new(0, long.len()));
        // A reference the end of the input cuts short is the truncation report's.
        assert_eq!(decode("a &am", Refs::Strict), ("a &am".into(), vec![]));
        assert_eq!(decode("a &am", Refs::Lenient).1.len(), 1);
    }

    #[test]
    fn bad_bytes_latin1_and_the_budget() {
        let input = b"a\xFFb\xC3";
        let decoder = Decoder {
            input,
            latin1: false,
            refs: Refs::Strict,
        };
        let mut problems = Problems::new(8);
        let (text, cut) = decoder.decode(Span::new(0, 4), false, 64, &mut problems);
        assert_eq!((text.as_str(), cut), ("a\u{FFFD}b\u{FFFD}", false));
        assert_eq!(pairs(problems), vec![(Issue::BadUtf8, Span::new(1, 3))]);

        let latin1 = Decoder {
            latin1: true,
            ..decoder
        };
        let mut problems = Problems::<Issue>::new(8);
        assert_eq!(
            latin1.decode(Span::new(0, 4), false, 3, &mut problems),
            ("a\u{FF}b".into(), true)
        );
        assert_eq!(
            pairs(problems),
            vec![(Issue::ValueTooLong, Span::new(0, 4))]
        );
        assert_eq!(is_latin1("latin1"), Some(true));
        assert_eq!(is_latin1("us-ascii"), Some(false));
        assert_eq!(is_latin1("shift_jis"), None);
    }
}
