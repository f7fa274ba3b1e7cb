//! A tree walker on the XML loop ([`super::reader`]): checks element names and attribute
//! syntax (stricter than the XML reader), tracks the root and the depth limit, decodes
//! text, and hands elements and text to a [`Sink`]. Problems go to one capped list of
//! the parser's own problem kind. Used by the phone object, EMService and remote call
//! control parsers.

#![forbid(unsafe_code)]

use quick_xml::events::Event;

use super::bytes::{
    is_valid_name, is_xml_space, local_part, quote, scan_attributes, shorten, trim_span, Attr,
    MAX_QUOTE_LEN,
};
use super::reader::{self, Dialect, Events, Stop};
use super::text::{is_latin1, Decoder, Refs, TextBuf};
use super::{Issue, Problem, Problems};
use crate::span::{trim_bounds, Span, Spanned};

/// What a parser asks of the walk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    /// Elements deeper than this (the root counts as 1) are not handed to the sink;
    /// reported once with [`Issue::TooDeep`].
    pub(crate) max_depth: usize,
    /// At most this many problems, the last one then being [`Issue::TooManyProblems`].
    pub(crate) max_problems: usize,
    /// Whether the XML declaration's `encoding` is read (and its attributes checked);
    /// otherwise text is UTF-8 whatever the declaration says.
    pub(crate) declaration: bool,
    /// Whether a tag's attribute syntax is checked before whether the element may stand
    /// where it does (after the root element): which of the two problems a tag with both
    /// gets.
    pub(crate) attributes_first: bool,
}

impl Rules {
    /// The declaration read, names checked before attributes (phone objects, EMService).
    pub(crate) const fn new(max_depth: usize, max_problems: usize) -> Self {
        Rules {
            max_depth,
            max_problems,
            declaration: true,
            attributes_first: false,
        }
    }
}

/// A start tag (or empty-element tag) handed to the sink.
pub(crate) struct Tag<'t> {
    /// From `<` to `>`.
    pub(crate) span: Span,
    /// The qualified name.
    pub(crate) name: Span,
    /// The name without a namespace prefix.
    pub(crate) local: &'t [u8],
    pub(crate) attrs: &'t [Attr],
}

impl Tag<'_> {
    /// The value span of the first attribute whose name (without a prefix) is `name`,
    /// ignoring ASCII case.
    pub(crate) fn attr(&self, input: &[u8], name: &[u8]) -> Option<Span> {
        self.attrs
            .iter()
            .find(|a| local_part(&input[a.name.range()]).eq_ignore_ascii_case(name))
            .map(|a| a.value)
    }
}

/// Which kind of character data a [`Sink::text`] call carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chars {
    /// Text, possibly with references (and bare `&`s) to expand.
    Text,
    /// One reference, `&` .. `;`.
    Reference,
    /// The content of a CDATA section: literal.
    CData,
}

/// What a parser does with the elements and text the walk finds. Only elements within
/// the depth limit are handed over, nested as in the document: every `open` is followed
/// by its `close` (also for `<a/>`, and when the input stops inside the element, with
/// `complete` false).
pub(crate) trait Sink<K> {
    fn open(&mut self, cx: &mut Cx<'_, K>, tag: &Tag<'_>);
    /// Character data of the innermost open element.
    fn text(&mut self, cx: &mut Cx<'_, K>, raw: Span, chars: Chars);
    /// The innermost open element's content ends at `content_end` and the element at
    /// `end` (`complete`), or the input stops making sense there (not `complete`).
    fn close(&mut self, cx: &mut Cx<'_, K>, content_end: usize, end: usize, complete: bool);
}

/// The input, its character set and the problem list, lent to the sink.
pub(crate) struct Cx<'a, K> {
    pub(crate) input: &'a [u8],
    decoder: Decoder<'a>,
    problems: Problems<K>,
}

impl<K: From<Issue>> Cx<'_, K> {
    /// Records a problem, keeping to the cap.
    pub(crate) fn problem(&mut self, kind: K, span: Span) {
        self.problems.push(kind, span);
    }

    /// Appends the text of `raw` to `buf`: unescaped unless `literal`, decoded.
    /// Reports bad bytes, bad references and cutting.
    pub(crate) fn append(&mut self, raw: Span, literal: bool, buf: &mut TextBuf) {
        self.decoder.append(raw, literal, buf, &mut self.problems);
    }

    /// Decodes a name or attribute value (`unescape`: references too) into at most
    /// `max` characters; also says whether it was cut.
    pub(crate) fn decode(&mut self, span: Span, unescape: bool, max: usize) -> (String, bool) {
        self.decoder.decode(span, unescape, max, &mut self.problems)
    }
}

/// The text of one element being read: its character data (not that of child
/// elements), decoded, and where it lies.
pub(crate) struct Collector {
    buf: TextBuf,
    content_start: usize,
    /// From the first character data to the end of the last.
    pieces: Option<(usize, usize)>,
}

impl Collector {
    /// `max`: characters kept; `content_start`: just after the start tag.
    pub(crate) fn new(max: usize, content_start: usize) -> Self {
        Collector {
            buf: TextBuf::new(max),
            content_start,
            pieces: None,
        }
    }

    pub(crate) fn text<K: From<Issue>>(&mut self, cx: &mut Cx<'_, K>, raw: Span, chars: Chars) {
        cx.append(raw, chars == Chars::CData, &mut self.buf);
        let start = self.pieces.map_or(raw.start, |(s, _)| s);
        self.pieces = Some((start, raw.end()));
    }

    /// The text without leading and trailing whitespace, with the span of those raw
    /// bytes (empty just after the start tag when there is no text).
    pub(crate) fn finish(self, input: &[u8]) -> Spanned<String> {
        let span = match self.pieces {
            Some((start, end)) => trim_span(input, Span::between(start, end)),
            None => Span::new(self.content_start, 0),
        };
        let text = self.buf.text;
        let (s, e) = trim_bounds(&text, 0, text.len());
        let value = if (s, e) == (0, text.len()) {
            text
        } else {
            text[s..e].to_string()
        };
        Spanned { value, span }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RootState {
    Before,
    Inside,
    After,
}

struct Walker<'a, 's, K, S> {
    cx: Cx<'a, K>,
    sink: &'s mut S,
    rules: Rules,
    /// Open elements handed to the sink.
    depth: usize,
    /// Open elements below `max_depth`, counted only.
    excess: usize,
    root: RootState,
    too_deep_reported: bool,
    attrs: Vec<Attr>,
    names: Vec<Span>,
}

/// Runs `input` through the XML reader into `sink`; returns the problems.
pub(crate) fn walk<K: From<Issue>, S: Sink<K>>(
    input: &[u8],
    rules: Rules,
    sink: &mut S,
) -> Vec<Problem<K>> {
    let mut walker = Walker {
        cx: Cx {
            input,
            decoder: Decoder {
                input,
                latin1: false,
                refs: Refs::Strict,
            },
            problems: Problems::new(rules.max_problems),
        },
        sink,
        rules,
        depth: 0,
        excess: 0,
        root: RootState::Before,
        too_deep_reported: false,
        attrs: Vec::new(),
        names: Vec::new(),
    };
    reader::read(input, Dialect::OWN, &mut walker);
    walker.cx.problems.into_vec()
}

impl<K: From<Issue>, S: Sink<K>> Events for Walker<'_, '_, K, S> {
    fn issue(&mut self, issue: Issue, span: Span) {
        self.cx.problems.issue(issue, span);
    }

    // Inlined into the loop, as when the loop was the walker's own: one call less per
    // event (and the event dropped in place) is a few per cent of the parse.
    #[inline]
    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> Result<(), Stop> {
        match event {
            Event::Start(e) => self.on_open(e.name().as_ref().len(), start, end, false),
            Event::Empty(e) => self.on_open(e.name().as_ref().len(), start, end, true),
            Event::End(_) => {
                self.on_close(start, end);
                Ok(())
            }
            Event::Text(_) => {
                let blank = self.cx.input[start..end].iter().all(|&b| is_xml_space(b));
                self.on_text(Span::between(start, end), blank, Chars::Text)
            }
            Event::GeneralRef(_) => {
                self.on_text(Span::between(start, end), false, Chars::Reference)
            }
            Event::CData(_) => {
                // `<![CDATA[` .. `]]>`: the content is literal.
                let inner = Span::between((start + 9).min(end), end.saturating_sub(3));
                self.on_text(inner, false, Chars::CData)
            }
            Event::Decl(_) => {
                if self.rules.declaration && self.root == RootState::Before {
                    self.on_decl(start, end);
                }
                Ok(())
            }
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Eof => Ok(()),
        }
    }

    fn complete(&self) -> bool {
        self.root == RootState::After
    }

    fn close_all(&mut self, at: usize) {
        self.excess = 0;
        while self.depth > 0 {
            self.depth -= 1;
            self.sink.close(&mut self.cx, at, at, false);
        }
    }
}

impl<K: From<Issue>, S: Sink<K>> Walker<'_, '_, K, S> {
    fn malformed(&mut self, why: String, span: Span, at: usize) -> Stop {
        self.cx.problems.issue(Issue::Malformed(why), span);
        Stop { at }
    }

    /// `<?xml version=".." encoding=".."?>`: picks the character set.
    fn on_decl(&mut self, start: usize, end: usize) {
        let input = self.cx.input;
        // `<?xml` .. `?>`
        let from = (start + 5).min(end);
        let to = end.saturating_sub(2).max(from);
        if let Err((at, why)) = scan_attributes(input, from, to, &mut self.attrs, &mut self.names) {
            self.cx.problems.issue(
                Issue::Malformed(format!("{why} in the XML declaration")),
                Span::new(at.min(end), usize::from(at < end)),
            );
            return;
        }
        let Some(attr) = self
            .attrs
            .iter()
            .find(|a| input[a.name.range()].eq_ignore_ascii_case(b"encoding"))
        else {
            return;
        };
        let value = attr.value;
        let label = String::from_utf8_lossy(&input[value.range()])
            .trim()
            .to_ascii_lowercase();
        match is_latin1(&label) {
            Some(latin1) => self.cx.decoder.latin1 = latin1,
            None => self.cx.problems.issue(
                Issue::UnsupportedEncoding(shorten(&label, MAX_QUOTE_LEN)),
                value,
            ),
        }
    }

    /// `<` name attributes (`/`)`>`: the attribute syntax.
    #[inline]
    fn check_attributes(&mut self, tag: Span, name: Span, empty: bool) -> Result<(), Stop> {
        let end = tag.end();
        // The reader guarantees the brackets.
        let attrs_end = end
            .saturating_sub(if empty { 2 } else { 1 })
            .max(name.end());
        match scan_attributes(
            self.cx.input,
            name.end(),
            attrs_end,
            &mut self.attrs,
            &mut self.names,
        ) {
            Ok(()) => Ok(()),
            Err((at, why)) => Err(self.malformed(
                why.to_string(),
                Span::new(at.min(end), usize::from(at < end)),
                tag.start,
            )),
        }
    }

    fn on_open(
        &mut self,
        name_len: usize,
        start: usize,
        end: usize,
        empty: bool,
    ) -> Result<(), Stop> {
        let input = self.cx.input;
        let tag = Span::between(start, end);
        // Clamped to the tag so that a surprising reader position cannot index out of
        // bounds.
        let name = Span::between((start + 1).min(end), (start + 1 + name_len).min(end));
        if !is_valid_name(&input[name.range()]) {
            let why = if name_len == 0 {
                "element without a name".to_string()
            } else {
                format!("bad element name {}", quote(&input[name.range()]))
            };
            return Err(self.malformed(why, tag, start));
        }
        if self.rules.attributes_first {
            self.check_attributes(tag, name, empty)?;
        }
        match self.root {
            RootState::After => {
                let why = format!(
                    "element <{}> after the root element",
                    quote(&input[name.range()])
                );
                return Err(self.malformed(why, tag, start));
            }
            RootState::Before => {
                self.root = RootState::Inside;
            }
            RootState::Inside => {}
        }
        if !self.rules.attributes_first {
            self.check_attributes(tag, name, empty)?;
        }

        if self.excess > 0 || self.depth >= self.rules.max_depth {
            if !empty {
                self.excess += 1;
            }
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                self.cx.problems.issue(Issue::TooDeep, tag);
            }
            return Ok(());
        }
        let t = Tag {
            span: tag,
            name,
            local: local_part(&input[name.range()]),
            attrs: &self.attrs,
        };
        self.sink.open(&mut self.cx, &t);
        if empty {
            self.sink.close(&mut self.cx, end, end, true);
            if self.depth == 0 {
                self.root = RootState::After;
            }
        } else {
            self.depth += 1;
        }
        Ok(())
    }

    fn on_close(&mut self, start: usize, end: usize) {
        if self.excess > 0 {
            self.excess -= 1;
            return;
        }
        // The XML reader has already checked that the end tag matches its start tag.
        if self.depth > 0 {
            self.depth -= 1;
            self.sink.close(&mut self.cx, start, end, true);
            if self.depth == 0 {
                self.root = RootState::After;
            }
        }
    }

    fn on_text(&mut self, raw: Span, blank: bool, chars: Chars) -> Result<(), Stop> {
        match self.root {
            RootState::Before if !blank => {
                self.cx.problems.issue(Issue::NotXml, raw);
                Err(Stop { at: raw.start })
            }
            RootState::After if !blank => {
                Err(self.malformed("text after the root element".into(), raw, raw.start))
            }
            RootState::Inside if self.excess == 0 && self.depth > 0 => {
                self.sink.text(&mut self.cx, raw, chars);
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
