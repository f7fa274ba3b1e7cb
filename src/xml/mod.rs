//! The XML layer under the XML body parsers (alarm, remote call control, phone objects,
//! EMService), so that a BOM, a truncated body or a reader error is handled by one piece
//! of code (issue 14). The signed configuration reader (`ciscotl::signed_config`) keeps
//! its own leaf-value loop and takes only [`bytes`] and [`reader::unclosed`] from here.
//!
//! - [`bytes`]: byte-level syntax (whitespace, names, attributes, references, quotes).
//! - [`reader`]: the loop around quick-xml: BOM, "is this XML at all", absolute
//!   positions, the end of the input, and reader errors mapped to truncation or
//!   malformation.
//! - [`text`]: character data and attribute values to strings: UTF-8 or ISO-8859-1,
//!   references, a character budget.
//! - [`walk`]: a tree walker on top of [`reader`] that also checks names and
//!   attributes, tracks the root and the depth limit, and hands elements and text to a
//!   [`walk::Sink`] (phone objects, EMService, remote call control).
//! - `mutate` (tests only): byte mutations of sample inputs for "never panics" tests.
//!
//! The parsers differ in a few ways that show in their expert infos (wording of reader
//! errors, leniency towards references, whether the declaration is read);
//! [`reader::Dialect`], [`text::Refs`] and [`walk::Rules`] name those differences
//! instead of each parser carrying its own copy of the loop. The alarm parser sits on
//! [`reader`] and [`text`] but not on [`walk`]: it looks attributes up lazily and
//! leniently, and reports misplaced content in its own words. It is also the only one
//! that opts into [`reader::Events::resume`] (carry on after a value that is not
//! well-formed XML, issue 15); the others stop at the first reader error, as before.

#![forbid(unsafe_code)]

pub(crate) mod bytes;
// Used by the query parser's tests too: they mutate inputs the same way.
#[cfg(test)]
pub(crate) mod mutate;
pub(crate) mod reader;
pub(crate) mod text;
pub(crate) mod walk;

use crate::span::Span;

/// Problems found by this layer; each parser maps them to its own problem kinds (same
/// names), through `From<Issue>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Issue {
    NotXml,
    Truncated,
    Malformed(String),
    BadUtf8,
    BadReference(String),
    UnsupportedEncoding(String),
    TooDeep,
    ValueTooLong,
    TooManyProblems,
}

/// `From<Issue>` for a parser's problem kind that has a variant of each issue's name
/// (and shape): the parsers whose text the shared decoder reads (alarm, phone objects,
/// EMService).
macro_rules! issue_kinds {
    ($kind:ty) => {
        impl From<$crate::xml::Issue> for $kind {
            fn from(issue: $crate::xml::Issue) -> Self {
                use $crate::xml::Issue;
                match issue {
                    Issue::NotXml => Self::NotXml,
                    Issue::Truncated => Self::Truncated,
                    Issue::Malformed(why) => Self::Malformed(why),
                    Issue::BadUtf8 => Self::BadUtf8,
                    Issue::BadReference(why) => Self::BadReference(why),
                    Issue::UnsupportedEncoding(name) => Self::UnsupportedEncoding(name),
                    Issue::TooDeep => Self::TooDeep,
                    Issue::ValueTooLong => Self::ValueTooLong,
                    Issue::TooManyProblems => Self::TooManyProblems,
                }
            }
        }
    };
}
pub(crate) use issue_kinds;

/// A problem and the bytes of the input it is about; each XML parser's `Problem` with
/// its own kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem<K> {
    pub kind: K,
    pub span: Span,
}

/// A parser's problem list, capped: a hostile body must not grow it without bound.
pub(crate) struct Problems<K> {
    list: Vec<Problem<K>>,
    max: usize,
}

impl<K: From<Issue>> Problems<K> {
    /// At most `max` problems, the last one then being [`Issue::TooManyProblems`].
    pub(crate) fn new(max: usize) -> Self {
        Problems {
            list: Vec::new(),
            max,
        }
    }

    pub(crate) fn push(&mut self, kind: K, span: Span) {
        let n = self.list.len() + 1;
        if n < self.max {
            self.list.push(Problem { kind, span });
        } else if n == self.max {
            self.list.push(Problem {
                kind: Issue::TooManyProblems.into(),
                span,
            });
        }
    }

    pub(crate) fn issue(&mut self, issue: Issue, span: Span) {
        self.push(issue.into(), span);
    }

    pub(crate) fn into_vec(self) -> Vec<Problem<K>> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_capped() {
        let mut problems = Problems::<Issue>::new(3);
        for at in 0..5 {
            problems.issue(Issue::BadUtf8, Span::new(at, 1));
        }
        let list: Vec<_> = problems
            .into_vec()
            .into_iter()
            .map(|p| (p.kind, p.span))
            .collect();
        assert_eq!(
            list,
            vec![
                (Issue::BadUtf8, Span::new(0, 1)),
                (Issue::BadUtf8, Span::new(1, 1)),
                (Issue::TooManyProblems, Span::new(2, 1)),
            ]
        );
    }
}
