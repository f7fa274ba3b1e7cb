//! The loop around the XML reader that every XML parser runs: skips a UTF-8 BOM,
//! refuses bodies that are not markup, turns the reader's positions into absolute byte
//! positions, and maps the end of the input and the reader's errors to
//! [`Issue::Truncated`] or [`Issue::Malformed`].

#![forbid(unsafe_code)]

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::Event;
use quick_xml::Reader;

use super::bytes::{is_xml_space, quote, shorten, to_abs};
use super::Issue;
use crate::span::Span;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Longest XML reader message passed on in a problem, in characters (some quote input).
const MAX_MESSAGE_LEN: usize = 120;

/// How a parser's expert infos have always read; kept per parser so that sharing this
/// loop changes no dissection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dialect {
    /// A body that is only the beginning of a UTF-8 BOM is truncated (otherwise it is
    /// not XML).
    pub(crate) partial_bom_truncated: bool,
    /// Reader errors keep quick-xml's own wording, and only unclosed markup counts as
    /// truncation. Otherwise the wording is ours (quoting at most a few characters of
    /// input), and `<!` cut short by the end of the input is a truncation too.
    pub(crate) reader_wording: bool,
}

impl Dialect {
    /// Phone objects, EMService, remote call control.
    pub(crate) const OWN: Dialect = Dialect {
        partial_bom_truncated: true,
        reader_wording: false,
    };
}

/// Why the loop stops: the problem is already recorded; open elements are closed at `at`.
pub(crate) struct Stop {
    pub(crate) at: usize,
}

/// What a parser does with the reader's events. Positions are absolute byte positions
/// of the input.
pub(crate) trait Events {
    /// Records a problem found by the loop.
    fn issue(&mut self, issue: Issue, span: Span);
    /// One event, from `start` to `end`.
    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> Result<(), Stop>;
    /// Whether the root element is complete (then the end of the input is no truncation).
    fn complete(&self) -> bool;
    /// The input ends or stops making sense at `at`: closes every open element there.
    fn close_all(&mut self, at: usize);
    /// A tolerant parser's chance to carry on after a problem at `at` instead of
    /// stopping: the position to go on reading from, or `None` (the default: stop, as
    /// every parser but the alarm reader does). `issue` is the reader's error, not yet
    /// recorded (the parser records what it makes of it when it carries on); `None`
    /// when the parser's own event handling stopped. Once resumed, the reader no longer
    /// matches end tags with start tags (it has not seen the start tags): the parser
    /// does.
    fn resume(&mut self, _at: usize, _issue: Option<&Issue>) -> Option<usize> {
        None
    }
}

/// Runs `input` through the XML reader into `events`.
pub(crate) fn read<E: Events>(input: &[u8], dialect: Dialect, events: &mut E) {
    let len = input.len();
    // The XML reader drops a UTF-8 BOM without telling; skip it here so that positions
    // stay exact.
    let base = if input.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else if dialect.partial_bom_truncated && !input.is_empty() && UTF8_BOM.starts_with(input) {
        // Cut inside the BOM.
        events.issue(Issue::Truncated, Span::new(0, len));
        return;
    } else {
        0
    };
    match input[base..].iter().position(|&b| !is_xml_space(b)) {
        None => {
            events.issue(Issue::Truncated, Span::new(len, 0));
            return;
        }
        Some(i) if input[base + i] != b'<' => {
            events.issue(Issue::NotXml, Span::between(base + i, len));
            return;
        }
        Some(_) => {}
    }

    let mut base = base;
    let mut resumed = false;
    'read: loop {
        let mut reader = Reader::from_reader(&input[base..]);
        // "AT&T" style text is kept (the parsers report the bare `&` or not) instead of
        // failing.
        reader.config_mut().allow_dangling_amp = true;
        if resumed {
            // The start tags before `base` are the parser's to match (see
            // [`Events::resume`]).
            reader.config_mut().check_end_names = false;
            reader.config_mut().allow_unmatched_ends = true;
        }
        loop {
            let start = to_abs(base, reader.buffer_position(), len);
            let event = reader.read_event();
            let end = to_abs(base, reader.buffer_position(), len).max(start);
            let result = match event {
                Ok(Event::Eof) => {
                    if !events.complete() {
                        events.issue(Issue::Truncated, Span::new(len, 0));
                    }
                    events.close_all(len);
                    return;
                }
                Ok(event) => events.event(event, start, end),
                Err(e) => {
                    // The error cannot start before the event being read.
                    let at = to_abs(base, reader.error_position(), len).max(start);
                    let (issue, span) = fault(input, dialect, &e, at, end);
                    match events.resume(at, Some(&issue)) {
                        Some(next) if next > base && next <= len => {
                            base = next;
                            resumed = true;
                            continue 'read;
                        }
                        _ => {}
                    }
                    events.issue(issue, span);
                    Err(Stop { at })
                }
            };
            if let Err(stop) = result {
                match events.resume(stop.at, None) {
                    Some(next) if next > base && next <= len => {
                        base = next;
                        resumed = true;
                        continue 'read;
                    }
                    _ => {}
                }
                events.close_all(stop.at);
                return;
            }
        }
    }
}

/// Whether the reader stopped inside markup that the input does not close: the input
/// is truncated.
pub(crate) fn unclosed(e: &XmlError) -> bool {
    matches!(
        e,
        XmlError::Syntax(
            SyntaxError::UnclosedTag
                | SyntaxError::UnclosedComment
                | SyntaxError::UnclosedCData
                | SyntaxError::UnclosedDoctype
                | SyntaxError::UnclosedPIOrXmlDecl,
        )
    )
}

/// A reader error at `at` (the event being read ends at `end`) as a problem.
fn fault(input: &[u8], dialect: Dialect, e: &XmlError, at: usize, end: usize) -> (Issue, Span) {
    let len = input.len();
    let truncated = match e {
        _ if unclosed(e) => true,
        _ if dialect.reader_wording => false,
        XmlError::IllFormed(IllFormedError::UnclosedReference) => true,
        // `<!` followed by the end of the input, or by a beginning of `--`, `[CDATA[` or
        // `DOCTYPE` that the input cuts short.
        XmlError::Syntax(SyntaxError::InvalidBangMarkup) => {
            let rest = &input[at..];
            [&b"<!--"[..], b"<![CDATA[", b"<!DOCTYPE"]
                .iter()
                .any(|m| rest.len() < m.len() && m[..rest.len()].eq_ignore_ascii_case(rest))
        }
        _ => false,
    };
    if truncated {
        return (Issue::Truncated, Span::between(at, len));
    }
    let why = match e {
        _ if dialect.reader_wording => e.to_string(),
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => format!(
            "end tag </{}> does not match start tag <{}>",
            quote(found.as_bytes()),
            quote(expected.as_bytes())
        ),
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
            format!("end tag </{}> without a start tag", quote(name.as_bytes()))
        }
        XmlError::Syntax(SyntaxError::InvalidBangMarkup) => {
            "'<!' not starting a comment, CDATA section or DOCTYPE".to_string()
        }
        other => shorten(&other.to_string(), MAX_MESSAGE_LEN),
    };
    let span = if end > at {
        Span::between(at, end)
    } else {
        Span::new(at, usize::from(at < len))
    };
    (Issue::Malformed(why), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the problems; the root is complete after its end tag.
    #[derive(Default)]
    struct Record {
        issues: Vec<(Issue, Span)>,
        depth: usize,
        closed: bool,
        closed_at: Option<usize>,
    }

    impl Events for Record {
        fn issue(&mut self, issue: Issue, span: Span) {
            self.issues.push((issue, span));
        }

        fn event(&mut self, event: Event<'_>, _: usize, _: usize) -> Result<(), Stop> {
            match event {
                Event::Start(_) => self.depth += 1,
                Event::End(_) => {
                    self.depth -= 1;
                    self.closed = self.depth == 0;
                }
                _ => {}
            }
            Ok(())
        }

        fn complete(&self) -> bool {
            self.closed
        }

        fn close_all(&mut self, at: usize) {
            self.closed_at = Some(at);
        }
    }

    const ALARM: Dialect = Dialect {
        partial_bom_truncated: false,
        reader_wording: true,
    };

    fn issues(input: &[u8], dialect: Dialect) -> Vec<(Issue, Span)> {
        let mut record = Record::default();
        read(input, dialect, &mut record);
        record.issues
    }

    #[test]
    fn bom_positions_and_partial_bom() {
        let mut record = Record::default();
        read(b"\xEF\xBB\xBF<a></a>", Dialect::OWN, &mut record);
        assert_eq!(record.issues, vec![]);
        assert_eq!(record.closed_at, Some(10));

        assert_eq!(
            issues(b"\xEF\xBB", Dialect::OWN),
            vec![(Issue::Truncated, Span::new(0, 2))]
        );
        assert_eq!(
            issues(b"\xEF\xBB", ALARM),
            vec![(Issue::NotXml, Span::new(0, 2))]
        );
        assert_eq!(
            issues(b" \n", Dialect::OWN),
            vec![(Issue::Truncated, Span::new(2, 0))]
        );
        assert_eq!(
            issues(b" x<a/>", ALARM),
            vec![(Issue::NotXml, Span::new(1, 5))]
        );
    }

    #[test]
    fn end_of_input_and_reader_errors() {
        assert_eq!(
            issues(b"<a><b>", Dialect::OWN),
            vec![(Issue::Truncated, Span::new(6, 0))]
        );
        assert_eq!(
            issues(b"<a><b", ALARM),
            vec![(Issue::Truncated, Span::new(3, 2))]
        );
        // `<!` at the end: truncated in our wording, malformed in quick-xml's.
        assert_eq!(
            issues(b"<a><!", Dialect::OWN),
            vec![(Issue::Truncated, Span::new(3, 2))]
        );
        assert_eq!(
            issues(b"<a><!", ALARM),
            vec![(
                Issue::Malformed("syntax error: unknown or missed symbol in markup".into()),
                Span::new(3, 1)
            )]
        );
        let ours = issues(b"<a></b>", Dialect::OWN);
        assert_eq!(
            ours[0].0,
            Issue::Malformed("end tag </b> does not match start tag <a>".into())
        );
        let theirs = issues(b"<a></b>", ALARM);
        assert_eq!(
            theirs[0].0,
            Issue::Malformed("ill-formed document: expected `</a>`, but `</b>` was found".into())
        );
        assert_eq!(ours[0].1, theirs[0].1);
    }
}
