//! Parser for Cisco remote call control bodies: `application/x-cisco-remotecc-request+xml`,
//! `application/x-cisco-remotecc-response+xml` and `application/x-cisco-remotecc-cm+xml`.
//!
//! Document shape (domain.md, "Content types seen"; the bodies a phone and a CUCM exchange
//! around a registration):
//!
//! ```text
//! <x-cisco-remotecc-request>                  root (or -response, or -cm)
//!   <bulkregisterreq>                         operation: every child of the root
//!     <contact all="true"><register/></contact>
//!   </bulkregisterreq>
//!   <optionsind>                              operation, and a capability list
//!     <combine max="6">..</combine>           capability "combine (max 6)"
//!     <dialog usage="hook status">..</dialog> capability "dialog (hook status)"
//!     <joinreq/>                              capability "joinreq"
//!   </optionsind>
//! </x-cisco-remotecc-request>
//!
//! <x-cisco-remotecc-response>
//!   <response>                                operation
//!     <code>200</code>                        response code (decimal)
//!     <optionsind>..</optionsind>             capabilities again (what the registrar uses)
//!   </response>
//! </x-cisco-remotecc-response>
//! ```
//!
//! The parser is pure: bytes in, an owned [`RemoteCcDocument`] out. It never panics and never
//! gives up silently: whatever was understood before a problem is returned together with a
//! list of [`Problem`]s, each carrying a [`Span`] of the input so the caller can highlight
//! the bytes. Every span is a byte range of the `input` given to [`parse_remotecc`].
//!
//! Only structure is extracted (operation names, capability labels, the response code);
//! the content of operations (`<contact>`, `<dndupdate>` ...) is checked for well-formedness
//! and otherwise skipped. Whitespace, comments and processing instructions are ignored.
//!
//! Work is linear in the input size and memory is bounded by the `MAX_*` constants below
//! (plus the XML reader's stack of open element names, which is at most the input size).

#![forbid(unsafe_code)]

pub use crate::span::Span;
use crate::xml::bytes::{quote, resolve_reference, trim_span};
use crate::xml::text::{utf8, TextBuf, MAX_REF_LEN};
use crate::xml::walk::{self, Chars, Cx, Rules, Sink, Tag};
use crate::xml::Issue;

/// At most this many operations (children of the root) are listed per document. Real bodies
/// carry one or two (`bulkregisterreq`, `optionsind`, `response`, `bulkupdate` ...); 64 leaves
/// room for batching without letting a crafted body allocate freely.
pub const MAX_OPERATIONS: usize = 64;

/// At most this many capabilities (children of `<optionsind>` elements) are listed per
/// document. A phone announces about 20; 256 is generous and still bounded.
pub const MAX_OPTIONS: usize = 256;

/// Deepest element nesting that is tracked (the root counts as 1). Real documents are at most
/// 5 deep; deeper elements are skipped (still checked for well-formedness by the XML reader)
/// with one [`ProblemKind::TooDeep`].
pub const MAX_DEPTH: usize = 32;

/// At most this many problems are reported per document, the last one being
/// [`ProblemKind::TooManyProblems`]; a hostile body must not grow the list without bound.
pub const MAX_PROBLEMS: usize = 32;

/// Longest element name or attribute value kept in an operation name or capability label,
/// in characters; longer ones are cut and end in `…`. Real names are below 30 characters,
/// and a dissector tree line has no use for more.
pub const MAX_NAME_LEN: usize = 256;

/// Longest `<code>` text examined, in characters. A status code has 3 digits; anything
/// longer than this is reported as a [`ProblemKind::BadResponseCode`] without being copied.
pub const MAX_CODE_LEN: usize = 64;

/// Root element of remote call control requests (`...-request+xml`).
pub const ROOT_REQUEST: &str = "x-cisco-remotecc-request";
/// Root element of remote call control responses (`...-response+xml`).
pub const ROOT_RESPONSE: &str = "x-cisco-remotecc-response";
/// Root element of `...-cm+xml` bodies.
pub const ROOT_CM: &str = "x-cisco-remotecc-cm";

/// One child element of the root: what the body asks for or answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The element name as sent (e.g. `bulkregisterreq`, `optionsind`, `response`), cut at
    /// [`MAX_NAME_LEN`] characters.
    pub name: String,
    /// The whole element, from `<` of the start tag to `>` of the end tag, or to where the
    /// input stopped making sense (truncation, malformed XML).
    pub span: Span,
}

/// One capability: a direct child of an `<optionsind>` element, wherever that appears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionEntry {
    /// The element name, followed by its distinguishing attributes when present:
    /// `usage` in parentheses, `max` as `max N`; both as `dialog (shared line, max 2)`.
    /// Attribute values are unescaped; names and values are cut at [`MAX_NAME_LEN`].
    pub label: String,
    /// The whole element, as for [`Operation::span`].
    pub span: Span,
}

/// What went wrong. Kinds marked "stops" end the parse: everything before the problem is
/// still returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Stops. The body does not start with markup (after whitespace and a UTF-8 BOM), or
    /// text appears before the root element.
    NotXml,
    /// Stops. The input ends inside markup or before the root element is closed (an empty
    /// body is reported this way too). The span covers the unfinished markup, or is empty at
    /// the end of the input.
    Truncated,
    /// Stops, except for a bad reference in an attribute value (kept as raw text). XML
    /// syntax error: mismatched end tag, bad name, bad attribute, content after the root ...
    Malformed(String),
    /// The root element is not one of [`ROOT_REQUEST`], [`ROOT_RESPONSE`], [`ROOT_CM`]
    /// (ignoring a namespace prefix and ASCII case); carries its name. The document is parsed anyway.
    UnexpectedRoot(String),
    /// The `<code>` of a top-level `<response>` is not a decimal number that fits 32 bits
    /// (or is empty, holds markup, or is repeated); carries the reason.
    BadResponseCode(String),
    /// More than [`MAX_OPERATIONS`] operations; the rest are not listed. Reported once.
    TooManyOperations,
    /// More than [`MAX_OPTIONS`] capabilities; the rest are not listed. Reported once.
    TooManyOptions,
    /// Nesting deeper than [`MAX_DEPTH`]; the deeper elements are skipped. Reported once.
    TooDeep,
    /// [`MAX_PROBLEMS`] reached; later problems are not reported.
    TooManyProblems,
    /// Invalid UTF-8 in a name, attribute value or code at the span; decoded as U+FFFD.
    BadUtf8,
}

/// A one-line description, suitable for an expert info.
impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::NotXml => f.write_str("Body is not XML"),
            ProblemKind::Truncated => f.write_str("Remote call control document is truncated"),
            ProblemKind::Malformed(why) => write!(f, "Malformed XML: {why}"),
            ProblemKind::UnexpectedRoot(name) => write!(
                f,
                "Root element is <{name}>, not <{ROOT_REQUEST}>, <{ROOT_RESPONSE}> or <{ROOT_CM}>"
            ),
            ProblemKind::BadResponseCode(why) => write!(f, "Bad response code: {why}"),
            ProblemKind::TooManyOperations => write!(
                f,
                "More than {MAX_OPERATIONS} operations; the rest are not listed"
            ),
            ProblemKind::TooManyOptions => write!(
                f,
                "More than {MAX_OPTIONS} capabilities; the rest are not listed"
            ),
            ProblemKind::TooDeep => write!(
                f,
                "Elements nested deeper than {MAX_DEPTH} levels are skipped"
            ),
            ProblemKind::TooManyProblems => write!(
                f,
                "More than {MAX_PROBLEMS} problems; the rest are not reported"
            ),
            ProblemKind::BadUtf8 => f.write_str("Invalid UTF-8 (shown as U+FFFD)"),
        }
    }
}

/// A problem and the bytes it is about.
pub type Problem = crate::xml::Problem<ProblemKind>;

/// Everything understood from one body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RemoteCcDocument {
    /// The root element's name as sent, cut at [`MAX_NAME_LEN`]; `None` when the input
    /// stopped (or was not XML) before a root element started.
    pub root: Option<String>,
    /// The whole root element as far as it got; empty at 0 when `root` is `None`.
    pub root_span: Span,
    /// Children of the root, in document order, at most [`MAX_OPERATIONS`].
    pub operations: Vec<Operation>,
    /// The `<code>` of a top-level `<response>` and the span of its text (trimmed of
    /// whitespace). Only a complete, valid code is given; otherwise see `problems`.
    pub response_code: Option<(u32, Span)>,
    /// Capabilities of all `<optionsind>` elements, in document order, at most
    /// [`MAX_OPTIONS`].
    pub options: Vec<OptionEntry>,
    pub problems: Vec<Problem>,
}

// Lookups the tests use to state expectations briefly.
#[cfg(test)]
impl RemoteCcDocument {
    /// First operation with exactly this name.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.name == name)
    }

    /// Whether the root element is one of the three known ones (a namespace prefix and
    /// ASCII case are ignored).
    pub fn has_known_root(&self) -> bool {
        self.root
            .as_deref()
            .is_some_and(|r| is_known_root(r.split_once(':').map_or(r, |(_, local)| local)))
    }
}

/// Whether `name` is one of [`ROOT_REQUEST`], [`ROOT_RESPONSE`], [`ROOT_CM`] (ASCII case
/// is ignored).
#[cfg(test)]
fn is_known_root(name: &str) -> bool {
    [ROOT_REQUEST, ROOT_RESPONSE, ROOT_CM]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
}

/// Parses a whole remote call control body. See the module documentation.
pub fn parse_remotecc(input: &[u8]) -> RemoteCcDocument {
    let mut sink = RemoteSink::default();
    let problems = walk::walk(input, RULES, &mut sink);
    let mut doc = sink.doc;
    doc.problems = problems;
    doc
}

// ---------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------

/// Remote call control text is UTF-8 whatever a declaration says (the declaration is not
/// read), and a tag's attribute syntax is checked before whether it may follow the root.
const RULES: Rules = Rules {
    declaration: false,
    attributes_first: true,
    ..Rules::new(MAX_DEPTH, MAX_PROBLEMS)
};

/// The walk decodes no text for this parser (names, labels and the code are decoded by
/// [`label`] and [`RemoteSink::text`], the declaration is not read): the issues below
/// never arrive and are mapped to the nearest kind.
impl From<Issue> for ProblemKind {
    fn from(issue: Issue) -> Self {
        match issue {
            Issue::NotXml => ProblemKind::NotXml,
            Issue::Truncated => ProblemKind::Truncated,
            Issue::Malformed(why) | Issue::BadReference(why) => ProblemKind::Malformed(why),
            Issue::BadUtf8 => ProblemKind::BadUtf8,
            Issue::TooDeep => ProblemKind::TooDeep,
            Issue::TooManyProblems => ProblemKind::TooManyProblems,
            Issue::UnsupportedEncoding(name) => {
                ProblemKind::Malformed(format!("unsupported encoding {name}"))
            }
            Issue::ValueTooLong => ProblemKind::Malformed("value too long".into()),
        }
    }
}

fn report_bad_utf8(cx: &mut Cx<'_, ProblemKind>, bad: Option<(usize, usize)>) {
    if let Some((start, end)) = bad {
        cx.problem(ProblemKind::BadUtf8, Span::between(start, end));
    }
}

/// Decodes an element name or attribute value (`unescape`: expanding references) for a
/// name or label, cut at [`MAX_NAME_LEN`] and then ending in `…`. A reference that is not
/// one of XML's is malformed XML here (kept as raw text), and invalid UTF-8 is reported
/// per run between references.
fn label(cx: &mut Cx<'_, ProblemKind>, span: Span, unescape: bool) -> String {
    let input = cx.input;
    let mut out = TextBuf::new(MAX_NAME_LEN);
    let raw = &input[span.range()];
    let mut i = 0;
    while i < raw.len() && !out.cut {
        let next_amp = if unescape {
            raw[i..]
                .iter()
                .position(|&b| b == b'&')
                .map_or(raw.len(), |p| i + p)
        } else {
            raw.len()
        };
        let mut bad = None;
        utf8(&raw[i..next_amp], span.start + i, &mut out, &mut bad);
        report_bad_utf8(cx, bad);
        i = next_amp;
        if i >= raw.len() {
            break;
        }
        // A reference: `&` .. `;` within MAX_REF_LEN bytes.
        let window = &raw[i + 1..raw.len().min(i + 2 + MAX_REF_LEN)];
        let resolved = window
            .iter()
            .position(|&b| b == b';')
            .and_then(|semi| resolve_reference(&window[..semi]).map(|c| (c, i + 2 + semi)));
        match resolved {
            Some((c, after)) => {
                out.push_char(c);
                i = after;
            }
            None => {
                let semi = window.iter().position(|&b| b == b';');
                let bad_end = semi.map_or(i + 1, |s| i + 2 + s);
                let why = match semi {
                    Some(_) => format!("unknown reference {}", quote(&raw[i..bad_end])),
                    None => "'&' not starting a reference".to_string(),
                };
                cx.problem(
                    ProblemKind::Malformed(why),
                    Span::between(span.start + i, span.start + bad_end),
                );
                out.push_char('&');
                i += 1;
            }
        }
    }
    if out.cut {
        out.text.push('…');
    }
    out.text
}

/// What an open element is, for the parser. An element can have several roles: a top-level
/// `<optionsind>` is both an operation and a capability list.
#[derive(Debug, Clone, Copy, Default)]
struct Frame {
    /// The root element.
    root: bool,
    /// Index into `operations`, for a listed child of the root.
    operation: Option<usize>,
    /// Index into `options`, for a listed child of an `<optionsind>`.
    option: Option<usize>,
    /// An `<optionsind>`: its children are capabilities.
    optionsind: bool,
    /// A `<response>` child of the root: its `<code>` child is the response code.
    response: bool,
    /// The `<code>` being collected (`RemoteSink::code`).
    code: bool,
}

/// The `<code>` element being read.
struct CodeText {
    /// The start tag.
    tag: Span,
    text: TextBuf,
    /// An element appeared inside `<code>`.
    markup: bool,
}

#[derive(Default)]
struct RemoteSink {
    doc: RemoteCcDocument,
    /// Open elements, at most [`MAX_DEPTH`].
    stack: Vec<Frame>,
    too_many_operations_reported: bool,
    too_many_options_reported: bool,
    /// A `<code>` was already met in a top-level response.
    code_seen: bool,
    code: Option<CodeText>,
}

impl Sink<ProblemKind> for RemoteSink {
    fn open(&mut self, cx: &mut Cx<'_, ProblemKind>, tag: &Tag<'_>) {
        let local = tag.local;
        let Some(&parent) = self.stack.last() else {
            let root_name = label(cx, tag.name, false);
            let known = [ROOT_REQUEST, ROOT_RESPONSE, ROOT_CM]
                .iter()
                .any(|r| r.as_bytes().eq_ignore_ascii_case(local));
            if !known {
                cx.problem(ProblemKind::UnexpectedRoot(root_name.clone()), tag.span);
            }
            self.doc.root = Some(root_name);
            self.doc.root_span = tag.span;
            self.stack.push(Frame {
                root: true,
                ..Frame::default()
            });
            return;
        };

        let mut frame = Frame {
            optionsind: local.eq_ignore_ascii_case(b"optionsind"),
            ..Frame::default()
        };
        if parent.root {
            frame.response = local.eq_ignore_ascii_case(b"response");
            if self.doc.operations.len() < MAX_OPERATIONS {
                frame.operation = Some(self.doc.operations.len());
                let name = label(cx, tag.name, false);
                self.doc.operations.push(Operation {
                    name,
                    span: tag.span,
                });
            } else if !self.too_many_operations_reported {
                self.too_many_operations_reported = true;
                cx.problem(ProblemKind::TooManyOperations, tag.span);
            }
        }
        if parent.optionsind {
            if self.doc.options.len() < MAX_OPTIONS {
                frame.option = Some(self.doc.options.len());
                let label = option_label(cx, tag);
                self.doc.options.push(OptionEntry {
                    label,
                    span: tag.span,
                });
            } else if !self.too_many_options_reported {
                self.too_many_options_reported = true;
                cx.problem(ProblemKind::TooManyOptions, tag.span);
            }
        }
        if parent.response && local.eq_ignore_ascii_case(b"code") {
            if self.code_seen {
                cx.problem(
                    ProblemKind::BadResponseCode(
                        "more than one <code>; only the first is used".into(),
                    ),
                    tag.span,
                );
            } else {
                self.code_seen = true;
                frame.code = true;
                self.code = Some(CodeText {
                    tag: tag.span,
                    text: TextBuf::new(MAX_CODE_LEN),
                    markup: false,
                });
            }
        }
        if parent.code {
            if let Some(code) = self.code.as_mut() {
                code.markup = true;
            }
        }
        self.stack.push(frame);
    }

    /// Only the text of the `<code>` being collected is read: as UTF-8, references
    /// expanded when they are XML's (otherwise kept as sent, which no number is).
    fn text(&mut self, cx: &mut Cx<'_, ProblemKind>, raw: Span, chars: Chars) {
        if !self.stack.last().is_some_and(|f| f.code) {
            return;
        }
        let Some(code) = self.code.as_mut() else {
            return;
        };
        let bytes = &cx.input[raw.range()];
        if chars == Chars::Reference {
            let body = bytes
                .strip_prefix(b"&")
                .and_then(|r| r.strip_suffix(b";"))
                .unwrap_or(bytes);
            if let Some(c) = resolve_reference(body) {
                code.text.push_char(c);
                return;
            }
        }
        let mut bad = None;
        utf8(bytes, raw.start, &mut code.text, &mut bad);
        report_bad_utf8(cx, bad);
    }

    fn close(
        &mut self,
        cx: &mut Cx<'_, ProblemKind>,
        content_end: usize,
        end: usize,
        complete: bool,
    ) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if let Some(op) = frame.operation.and_then(|i| self.doc.operations.get_mut(i)) {
            op.span = Span::between(op.span.start, end);
        }
        if let Some(opt) = frame.option.and_then(|i| self.doc.options.get_mut(i)) {
            opt.span = Span::between(opt.span.start, end);
        }
        if frame.code {
            // An unfinished `<code>` is dropped.
            if let Some(code) = self.code.take().filter(|_| complete) {
                self.finish_code(cx, code, content_end, end);
            }
        }
        if frame.root {
            self.doc.root_span = Span::between(self.doc.root_span.start, end);
        }
    }
}

/// The element name, followed by its distinguishing attributes (see [`OptionEntry`]).
fn option_label(cx: &mut Cx<'_, ProblemKind>, tag: &Tag<'_>) -> String {
    let input = cx.input;
    // The first `usage` and `max` attributes (names compared whole, ignoring ASCII case).
    let attr = |wanted: &[u8]| {
        tag.attrs
            .iter()
            .find(|a| input[a.name.range()].eq_ignore_ascii_case(wanted))
            .map(|a| a.value)
    };
    let (usage, max) = (attr(b"usage"), attr(b"max"));
    let mut label_text = label(cx, tag.name, false);
    let usage = usage.map(|v| label(cx, v, true));
    let max = max.map(|v| label(cx, v, true));
    match (usage, max) {
        (Some(usage), Some(max)) => label_text.push_str(&format!(" ({usage}, max {max})")),
        (Some(usage), None) => label_text.push_str(&format!(" ({usage})")),
        (None, Some(max)) => label_text.push_str(&format!(" (max {max})")),
        (None, None) => {}
    }
    label_text
}

impl RemoteSink {
    fn finish_code(
        &mut self,
        cx: &mut Cx<'_, ProblemKind>,
        code: CodeText,
        content_end: usize,
        end: usize,
    ) {
        let element = Span::between(code.tag.start, end);
        let content = trim_span(cx.input, Span::between(code.tag.end(), content_end));
        let fail = |why: String| (why, if content.len > 0 { content } else { element });
        let result = if code.markup {
            Err(fail("markup inside <code>".into()))
        } else if code.text.cut {
            Err(fail(format!("longer than {MAX_CODE_LEN} characters")))
        } else {
            let text = code
                .text
                .text
                .trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
            if text.is_empty() {
                Err(fail("empty <code>".into()))
            } else if !text.bytes().all(|b| b.is_ascii_digit()) {
                Err(fail(format!(
                    "\"{}\" is not a decimal number",
                    quote(text.as_bytes())
                )))
            } else {
                text.parse::<u32>()
                    .map_err(|_| fail(format!("{} is out of range", quote(text.as_bytes()))))
            }
        };
        match result {
            Ok(value) => self.doc.response_code = Some((value, content)),
            Err((why, span)) => cx.problem(ProblemKind::BadResponseCode(why), span),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::mutate::{mutations, Edits};
    use std::time::{Duration, Instant};

    const BULK: &str = "<x-cisco-remotecc-request><bulkregisterreq><contact all=\"true\"><register></register></contact></bulkregisterreq></x-cisco-remotecc-request>";

    const OPTIONS: &str = "<x-cisco-remotecc-request><optionsind><combine max=\"6\"><service-control></service-control></combine><dialog usage=\"hook status\"><unot></unot><sub></sub></dialog><dialog usage=\"shared line\"><unot></unot><sub></sub></dialog><presence usage=\"blf speed dial\"><unot></unot><sub></sub></presence><joinreq></joinreq><x-cisco-number></x-cisco-number><bfcp></bfcp><ix></ix><gatewayrecording></gatewayrecording><conferenceDetails></conferenceDetails><rpid-orig-called></rpid-orig-called></optionsind></x-cisco-remotecc-request>";

    const OPTIONS_LABELS: [&str; 11] = [
        "combine (max 6)",
        "dialog (hook status)",
        "dialog (shared line)",
        "presence (blf speed dial)",
        "joinreq",
        "x-cisco-number",
        "bfcp",
        "ix",
        "gatewayrecording",
        "conferenceDetails",
        "rpid-orig-called",
    ];

    /// The 200 OK body the capture generator writes (multi-line, self-closing elements).
    const RESPONSE: &str = "<x-cisco-remotecc-response>\n<response>\n<code>200</code>\n<optionsind>\n<combine max=\"6\">\n<remotecc><status/></remotecc>\n<service-control/>\n</combine>\n<dialog usage=\"hook status\"><unot/></dialog>\n<dialog usage=\"shared line\"><unot/></dialog>\n<presence usage=\"blf speed dial\"><unot/></presence>\n<joinreq></joinreq>\n<ix/>\n<bfcp/>\n</optionsind>\n</response>\n</x-cisco-remotecc-response>\n";

    /// The REGISTER's second part as the capture generator writes it (declaration, indents).
    const GEN_OPTIONS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-remotecc-request>\n  <optionsind>\n    <combine max=\"6\">\n      <remotecc>\n        <status></status>\n      </remotecc>\n      <service-control></service-control>\n    </combine>\n    <dialog usage=\"hook status\">\n      <unot></unot>\n      <sub></sub>\n    </dialog>\n    <joinreq></joinreq>\n    <cfwdall-anyline></cfwdall-anyline>\n    <conferenceDisplayInstance></conferenceDisplayInstance>\n  </optionsind>\n</x-cisco-remotecc-request>";

    /// The CUCM's REFER body (bulkupdate with text content).
    const BULK_UPDATE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-remotecc-request>\n<bulkupdate>\n<contact all=\"true\">\n<dndupdate>\n<state>disable</state>\n<option>ringeroff</option>\n</dndupdate>\n<hlogupdate>\n<status>on</status>\n</hlogupdate>\n</contact>\n</bulkupdate>\n</x-cisco-remotecc-request>\n";

    fn parse(input: &[u8]) -> RemoteCcDocument {
        let doc = parse_remotecc(input);
        check_spans(&doc, input.len());
        doc
    }

    fn check_spans(doc: &RemoteCcDocument, len: usize) {
        let mut spans = vec![doc.root_span];
        spans.extend(doc.operations.iter().map(|o| o.span));
        spans.extend(doc.options.iter().map(|o| o.span));
        spans.extend(doc.problems.iter().map(|p| p.span));
        spans.extend(doc.response_code.iter().map(|c| c.1));
        for s in spans {
            assert!(
                s.end() <= len,
                "span {s:?} beyond input of {len} bytes: {doc:?}"
            );
        }
        assert!(doc.operations.len() <= MAX_OPERATIONS);
        assert!(doc.options.len() <= MAX_OPTIONS);
        assert!(doc.problems.len() <= MAX_PROBLEMS);
    }

    fn kinds(doc: &RemoteCcDocument) -> Vec<ProblemKind> {
        doc.problems.iter().map(|p| p.kind.clone()).collect()
    }

    fn has(doc: &RemoteCcDocument, kind: &ProblemKind) -> bool {
        doc.problems.iter().any(|p| p.kind == *kind)
    }

    fn op_names(doc: &RemoteCcDocument) -> Vec<&str> {
        doc.operations.iter().map(|o| o.name.as_str()).collect()
    }

    fn labels(doc: &RemoteCcDocument) -> Vec<&str> {
        doc.options.iter().map(|o| o.label.as_str()).collect()
    }

    fn text(input: &str, span: Span) -> &str {
        &input[span.range()]
    }

    fn malformed(doc: &RemoteCcDocument) -> Option<&Problem> {
        doc.problems
            .iter()
            .find(|p| matches!(p.kind, ProblemKind::Malformed(_)))
    }

    #[test]
    fn bulk_register_request() {
        let doc = parse(BULK.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.root.as_deref(), Some(ROOT_REQUEST));
        assert!(doc.has_known_root());
        assert_eq!(doc.root_span, Span::new(0, BULK.len()));
        assert_eq!(op_names(&doc), vec!["bulkregisterreq"]);
        assert_eq!(
            text(BULK, doc.operations[0].span),
            "<bulkregisterreq><contact all=\"true\"><register></register></contact></bulkregisterreq>"
        );
        assert!(doc.options.is_empty());
        assert_eq!(doc.response_code, None);
    }

    #[test]
    fn options_indication() {
        let doc = parse(OPTIONS.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(op_names(&doc), vec!["optionsind"]);
        assert!(text(OPTIONS, doc.operations[0].span).starts_with("<optionsind><combine"));
        assert!(text(OPTIONS, doc.operations[0].span).ends_with("</optionsind>"));
        assert_eq!(labels(&doc), OPTIONS_LABELS);
        let spans: Vec<&str> = doc.options.iter().map(|o| text(OPTIONS, o.span)).collect();
        assert_eq!(
            spans[0],
            "<combine max=\"6\"><service-control></service-control></combine>"
        );
        assert_eq!(
            spans[1],
            "<dialog usage=\"hook status\"><unot></unot><sub></sub></dialog>"
        );
        assert_eq!(spans[4], "<joinreq></joinreq>");
        assert_eq!(spans[10], "<rpid-orig-called></rpid-orig-called>");
        assert_eq!(doc.operation("optionsind"), Some(&doc.operations[0]));
        assert_eq!(doc.operation("bulkregisterreq"), None);
    }

    #[test]
    fn response_with_code_and_options() {
        let doc = parse(RESPONSE.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.root.as_deref(), Some(ROOT_RESPONSE));
        assert_eq!(op_names(&doc), vec!["response"]);
        let (code, span) = doc.response_code.unwrap();
        assert_eq!(code, 200);
        assert_eq!(text(RESPONSE, span), "200");
        assert_eq!(
            labels(&doc),
            vec![
                "combine (max 6)",
                "dialog (hook status)",
                "dialog (shared line)",
                "presence (blf speed dial)",
                "joinreq",
                "ix",
                "bfcp"
            ]
        );
        let ix = doc.options.iter().find(|o| o.label == "ix").unwrap();
        assert_eq!(text(RESPONSE, ix.span), "<ix/>");
        assert_eq!(
            text(RESPONSE, doc.root_span),
            RESPONSE.trim_end_matches('\n')
        );

        // The brief's compact form.
        let compact = format!(
            "<x-cisco-remotecc-response><response><code>200</code>{}</response></x-cisco-remotecc-response>",
            &OPTIONS[OPTIONS.find("<optionsind>").unwrap()..OPTIONS.rfind("</x-cisco").unwrap()]
        );
        let doc = parse(compact.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.response_code.map(|c| c.0), Some(200));
        assert_eq!(labels(&doc), OPTIONS_LABELS);
    }

    #[test]
    fn generator_bodies() {
        let doc = parse(GEN_OPTIONS.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(op_names(&doc), vec!["optionsind"]);
        assert_eq!(
            labels(&doc),
            vec![
                "combine (max 6)",
                "dialog (hook status)",
                "joinreq",
                "cfwdall-anyline",
                "conferenceDisplayInstance"
            ]
        );
        assert!(text(GEN_OPTIONS, doc.root_span).starts_with("<x-cisco-remotecc-request>"));

        let doc = parse(BULK_UPDATE.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(op_names(&doc), vec!["bulkupdate"]);
        assert!(doc.options.is_empty());
        // <status> and <code>-like text elsewhere is not a response code.
        assert_eq!(doc.response_code, None);

        let cm = "<x-cisco-remotecc-cm><statuslineupdatereq><text>Hi</text></statuslineupdatereq><dndupdate/></x-cisco-remotecc-cm>";
        let doc = parse(cm.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.root.as_deref(), Some(ROOT_CM));
        assert_eq!(op_names(&doc), vec!["statuslineupdatereq", "dndupdate"]);
        assert_eq!(text(cm, doc.operations[1].span), "<dndupdate/>");
    }

    #[test]
    fn attribute_labels() {
        let input = "<x-cisco-remotecc-request><optionsind>\
            <dialog max='2' usage = 'shared line'/>\
            <presence USAGE=\"a &amp; b &#x41;&#66;\" other=\"x\"/>\
            <combine max=\"\"/>\
            <rcc:sub xmlns:rcc=\"urn:x\"/>\
            </optionsind></x-cisco-remotecc-request>";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(
            labels(&doc),
            vec![
                "dialog (shared line, max 2)",
                "presence (a & b AB)",
                "combine (max )",
                "rcc:sub"
            ]
        );

        // Bad references are kept raw, reported, and parsing goes on.
        let input = "<x-cisco-remotecc-request><optionsind><dialog usage=\"&foo; AT&T\"/><ix/></optionsind></x-cisco-remotecc-request>";
        let doc = parse(input.as_bytes());
        assert_eq!(labels(&doc), vec!["dialog (&foo; AT&T)", "ix"]);
        assert_eq!(doc.problems.len(), 2);
        assert_eq!(text(input, doc.problems[0].span), "&foo;");
        assert_eq!(text(input, doc.problems[1].span), "&");
        assert_eq!(
            doc.problems[0].kind,
            ProblemKind::Malformed("unknown reference &foo;".into())
        );
    }

    #[test]
    fn nested_and_namespaced_optionsind() {
        // Capabilities are the direct children of any <optionsind>, however deep.
        let input = "<x-cisco-remotecc-request><wrapper><rcc:optionsind><a><b/></a><optionsind><c/></optionsind></rcc:optionsind></wrapper></x-cisco-remotecc-request>";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(op_names(&doc), vec!["wrapper"]);
        assert_eq!(labels(&doc), vec!["a", "optionsind", "c"]);
    }

    #[test]
    fn response_codes() {
        fn code(body: &str) -> (RemoteCcDocument, String) {
            let input = format!(
                "<x-cisco-remotecc-response><response>{body}</response></x-cisco-remotecc-response>"
            );
            (parse(input.as_bytes()), input)
        }
        let (doc, input) = code("<code>\n 486 \t</code>");
        assert_eq!(doc.problems, vec![]);
        let (value, span) = doc.response_code.unwrap();
        assert_eq!((value, text(&input, span)), (486, "486"));

        let (doc, _) = code("<code>&#50;0<!-- x -->0</code>");
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.response_code.unwrap().0, 200);
        let (doc, _) = code("<code><![CDATA[404]]></code>");
        assert_eq!(doc.response_code.unwrap().0, 404);
        let (doc, _) = code("<code>0</code>");
        assert_eq!(doc.response_code.unwrap().0, 0);
        let (doc, _) = code("<code>4294967295</code>");
        assert_eq!(doc.response_code.unwrap().0, u32::MAX);

        let bad = |body: &str, why: &str, shown: &str| {
            let (doc, input) = code(body);
            assert_eq!(doc.response_code, None, "{body}");
            assert_eq!(
                kinds(&doc),
                vec![ProblemKind::BadResponseCode(why.into())],
                "{body}"
            );
            assert_eq!(text(&input, doc.problems[0].span), shown, "{body}");
        };
        bad(
            "<code> abc </code>",
            "\"abc\" is not a decimal number",
            "abc",
        );
        bad(
            "<code>+200</code>",
            "\"+200\" is not a decimal number",
            "+200",
        );
        bad(
            "<code>2 00</code>",
            "\"2 00\" is not a decimal number",
            "2 00",
        );
        bad(
            "<code>&amp;</code>",
            "\"&\" is not a decimal number",
            "&amp;",
        );
        bad(
            "<code>&bad;</code>",
            "\"&bad;\" is not a decimal number",
            "&bad;",
        );
        bad(
            "<code>4294967296</code>",
            "4294967296 is out of range",
            "4294967296",
        );
        bad("<code/>", "empty <code>", "<code/>");
        bad("<code> </code>", "empty <code>", "<code> </code>");
        bad("<code>2<b/>00</code>", "markup inside <code>", "2<b/>00");
        let long = "1".repeat(MAX_CODE_LEN + 1);
        bad(
            &format!("<code>{long}</code>"),
            "longer than 64 characters",
            &long,
        );

        // Only the first <code> counts.
        let (doc, input) = code("<code>200</code><code>500</code>");
        assert_eq!(doc.response_code.unwrap().0, 200);
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::BadResponseCode(
                "more than one <code>; only the first is used".into()
            )]
        );
        assert_eq!(text(&input, doc.problems[0].span), "<code>");

        // <code> elsewhere is not the response code.
        let input = "<x-cisco-remotecc-response><other><code>1</code></other><response><x><code>2</code></x></response></x-cisco-remotecc-response>";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.response_code, None);
        let input = "<x-cisco-remotecc-response><code>3</code></x-cisco-remotecc-response>";
        assert_eq!(parse(input.as_bytes()).response_code, None);

        // An unfinished code is not reported as a value.
        let input = "<x-cisco-remotecc-response><response><code>200";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.response_code, None);
        assert_eq!(kinds(&doc), vec![ProblemKind::Truncated]);
        assert_eq!(text(input, doc.operations[0].span), "<response><code>200");
    }

    #[test]
    fn every_prefix_is_truncated() {
        let with_bom = format!("\u{FEFF}{BULK}");
        for full in [
            BULK,
            OPTIONS,
            RESPONSE,
            GEN_OPTIONS,
            BULK_UPDATE,
            with_bom.as_str(),
            "<!-- c --><?pi x?><!DOCTYPE x-cisco-remotecc-request><x-cisco-remotecc-request><a><![CDATA[x]]>&amp;</a></x-cisco-remotecc-request>",
        ] {
            let bytes = full.as_bytes();
            let whole = parse(bytes);
            assert_eq!(whole.problems, vec![], "{full}");
            let complete = whole.root_span.end();
            for cut in 0..bytes.len() {
                let doc = parse(&bytes[..cut]);
                let truncated = has(&doc, &ProblemKind::Truncated);
                assert_eq!(truncated, cut < complete, "cut {cut}: {doc:?}");
                if cut < complete {
                    assert_eq!(kinds(&doc), vec![ProblemKind::Truncated], "cut {cut}");
                }
                // What was understood is a prefix of the whole document's content.
                assert!(whole.operations.len() >= doc.operations.len());
                for (a, b) in doc.operations.iter().zip(&whole.operations) {
                    assert_eq!(a.name, b.name);
                    assert_eq!(a.span.start, b.span.start);
                }
                for (a, b) in doc.options.iter().zip(&whole.options) {
                    assert_eq!(a.label, b.label, "cut {cut}");
                }
                if doc.response_code.is_some() {
                    assert_eq!(doc.response_code, whole.response_code);
                }
            }
        }
    }

    #[test]
    fn broken_tags() {
        let check = |input: &str, why: &str, at: &str| {
            let doc = parse(input.as_bytes());
            let p = malformed(&doc).unwrap_or_else(|| panic!("{input}: {doc:?}"));
            assert_eq!(p.kind, ProblemKind::Malformed(why.into()), "{input}");
            assert_eq!(text(input, p.span), at, "{input}");
            doc
        };
        let doc = check(
            "<x-cisco-remotecc-request><bulkregisterreq></bulk></x-cisco-remotecc-request>",
            "end tag </bulk> does not match start tag <bulkregisterreq>",
            "</bulk>",
        );
        // What came before stays, with spans up to the error.
        assert_eq!(op_names(&doc), vec!["bulkregisterreq"]);
        assert_eq!(doc.operations[0].span, Span::new(26, 17));
        assert_eq!(doc.root.as_deref(), Some(ROOT_REQUEST));
        assert_eq!(doc.root_span, Span::new(0, 43));

        check(
            "</x-cisco-remotecc-request>",
            "end tag </x-cisco-remotecc-request> without a start tag",
            "</x-cisco-remotecc-request>",
        );
        check(
            "<x-cisco-remotecc-request><a b=c/></x-cisco-remotecc-request>",
            "attribute value without quotes",
            "c",
        );
        check(
            "<x-cisco-remotecc-request><a b></a></x-cisco-remotecc-request>",
            "attribute without a value",
            ">",
        );
        // An unclosed quote swallows the rest of the input: the reader sees a truncated tag.
        let doc = parse(b"<x-cisco-remotecc-request><a b='1\"></a></x-cisco-remotecc-request>");
        assert_eq!(kinds(&doc), vec![ProblemKind::Truncated]);
        assert_eq!(doc.problems[0].span, Span::new(26, 40));
        check(
            "<x-cisco-remotecc-request><a b='1'c='2'/></x-cisco-remotecc-request>",
            "no space before an attribute",
            "c",
        );
        check(
            "<x-cisco-remotecc-request><a b='1' b=\"2\"/></x-cisco-remotecc-request>",
            "duplicate attribute",
            "b",
        );
        check(
            "<x-cisco-remotecc-request><a b='<'/></x-cisco-remotecc-request>",
            "'<' in an attribute value",
            "<",
        );
        check(
            "<x-cisco-remotecc-request><a 1='x'/></x-cisco-remotecc-request>",
            "bad attribute name",
            "1",
        );
        check(
            "<x-cisco-remotecc-request>< ></x-cisco-remotecc-request>",
            "element without a name",
            "< >",
        );
        check(
            "<x-cisco-remotecc-request><a/ ></x-cisco-remotecc-request>",
            "bad element name a/",
            "<a/ >",
        );
        check(
            "<x-cisco-remotecc-request><1a/></x-cisco-remotecc-request>",
            "bad element name 1a",
            "<1a/>",
        );
        check(
            "<x-cisco-remotecc-request/><b/>",
            "element <b> after the root element",
            "<b/>",
        );
        check(
            "<x-cisco-remotecc-request/>\n text",
            "text after the root element",
            "\n text",
        );
        check(
            "<x-cisco-remotecc-request><!x></x-cisco-remotecc-request>",
            "'<!' not starting a comment, CDATA section or DOCTYPE",
            "<",
        );

        // Whitespace and comments after the root are fine.
        let doc = parse(b"<x-cisco-remotecc-request/>\n<!-- end -->\r\n");
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.root_span, Span::new(0, 27));

        // Error messages quoting names stay short.
        let long = "n".repeat(10_000);
        let input = format!("<x-cisco-remotecc-request><{long}></m></x-cisco-remotecc-request>");
        let doc = parse(input.as_bytes());
        let ProblemKind::Malformed(why) = &malformed(&doc).unwrap().kind else {
            unreachable!()
        };
        assert!(why.len() < 200, "{why}");
    }

    #[test]
    fn unexpected_root_is_parsed_anyway() {
        let input = "<html><response><code>200</code></response><body/></html>";
        let doc = parse(input.as_bytes());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::UnexpectedRoot("html".into())]
        );
        assert_eq!(text(input, doc.problems[0].span), "<html>");
        assert_eq!(doc.root.as_deref(), Some("html"));
        assert!(!doc.has_known_root());
        assert_eq!(op_names(&doc), vec!["response", "body"]);
        assert_eq!(doc.response_code.unwrap().0, 200);

        // Case and a namespace prefix do not matter for the known roots.
        let doc = parse(b"<X-Cisco-RemoteCC-Request/>");
        assert_eq!(doc.problems, vec![]);
        let doc = parse(b"<r:x-cisco-remotecc-cm xmlns:r='u'><r:a/></r:x-cisco-remotecc-cm>");
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.root.as_deref(), Some("r:x-cisco-remotecc-cm"));
        assert_eq!(op_names(&doc), vec!["r:a"]);
    }

    #[test]
    fn not_xml_and_empty() {
        for input in [
            &b""[..],
            b"  \r\n\t",
            b"\xEF\xBB\xBF",
            b"<?xml version=\"1.0\"?>\n",
        ] {
            let doc = parse(input);
            assert_eq!(kinds(&doc), vec![ProblemKind::Truncated], "{input:?}");
            assert_eq!(doc.problems[0].span, Span::new(input.len(), 0));
            assert_eq!(doc.root, None);
            assert!(doc.operations.is_empty());
        }
        let doc = parse(b"  action=restart");
        assert_eq!(kinds(&doc), vec![ProblemKind::NotXml]);
        assert_eq!(doc.problems[0].span, Span::new(2, 14));
        let doc = parse(b"\xFF<a/>");
        assert_eq!(kinds(&doc), vec![ProblemKind::NotXml]);
        let doc = parse(b"<?xml version=\"1.0\"?>text<x-cisco-remotecc-request/>");
        assert_eq!(kinds(&doc), vec![ProblemKind::NotXml]);
        assert_eq!(doc.problems[0].span, Span::new(21, 4));
        assert_eq!(doc.root, None);
    }

    #[test]
    fn bad_utf8_is_replaced() {
        let input = b"<x-cisco-remotecc-request><op\xFF\xFEx/><optionsind><dialog usage=\"caf\xC3\"/></optionsind></x-cisco-remotecc-request>";
        let doc = parse(input);
        assert_eq!(op_names(&doc), vec!["op\u{FFFD}\u{FFFD}x", "optionsind"]);
        assert_eq!(labels(&doc), vec!["dialog (caf\u{FFFD})"]);
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::BadUtf8, ProblemKind::BadUtf8]
        );
        assert_eq!(doc.problems[0].span, Span::new(29, 2));
        assert_eq!(&input[doc.problems[1].span.range()], b"\xC3");

        let doc = parse(b"<x-cisco-remotecc-response><response><code>2\xFF0</code></response></x-cisco-remotecc-response>");
        assert_eq!(doc.response_code, None);
        assert_eq!(doc.problems[0].kind, ProblemKind::BadUtf8);
        assert_eq!(
            doc.problems[1].kind,
            ProblemKind::BadResponseCode("\"2\u{FFFD}0\" is not a decimal number".into())
        );
    }

    #[test]
    fn long_names_are_cut() {
        let name = "n".repeat(10_000);
        let usage = "u".repeat(10_000);
        let input = format!("<x-cisco-remotecc-request><{name}/><optionsind><{name} usage=\"{usage}\"/></optionsind></x-cisco-remotecc-request>");
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        let cut = format!("{}…", "n".repeat(MAX_NAME_LEN));
        assert_eq!(doc.operations[0].name, cut);
        assert_eq!(
            doc.options[0].label,
            format!("{cut} ({}…)", "u".repeat(MAX_NAME_LEN))
        );
        let root = format!("<{name}/>");
        let doc = parse(root.as_bytes());
        assert_eq!(kinds(&doc), vec![ProblemKind::UnexpectedRoot(cut)]);
    }

    #[test]
    fn many_operations_are_bounded_and_fast() {
        let body = "<op/>".repeat(100_000);
        let input = format!("<x-cisco-remotecc-request>{body}</x-cisco-remotecc-request>");
        let t = Instant::now();
        let doc = parse(input.as_bytes());
        assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
        assert_eq!(kinds(&doc), vec![ProblemKind::TooManyOperations]);
        assert_eq!(doc.operations.len(), MAX_OPERATIONS);
        assert_eq!(doc.problems[0].span, Span::new(26 + 5 * MAX_OPERATIONS, 5));
        assert_eq!(doc.root_span, Span::new(0, input.len()));
    }

    #[test]
    fn many_options_are_bounded_and_fast() {
        let body = "<dialog usage=\"x\"><unot/></dialog>".repeat(100_000);
        let input = format!(
            "<x-cisco-remotecc-request><optionsind>{body}</optionsind><after/></x-cisco-remotecc-request>"
        );
        let t = Instant::now();
        let doc = parse(input.as_bytes());
        assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
        assert_eq!(kinds(&doc), vec![ProblemKind::TooManyOptions]);
        assert_eq!(doc.options.len(), MAX_OPTIONS);
        assert!(doc.options.iter().all(|o| o.label == "dialog (x)"));
        assert_eq!(op_names(&doc), vec!["optionsind", "after"]);
    }

    #[test]
    fn deep_nesting_is_bounded_and_fast() {
        let depth = 1_000_000;
        let mut input = String::from("<x-cisco-remotecc-request><optionsind>");
        input.push_str(&"<a>".repeat(depth));
        input.push_str(&"</a>".repeat(depth));
        input.push_str("<ix/></optionsind><after/></x-cisco-remotecc-request>");
        let t = Instant::now();
        let doc = parse(input.as_bytes());
        assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
        assert_eq!(kinds(&doc), vec![ProblemKind::TooDeep]);
        assert_eq!(op_names(&doc), vec!["optionsind", "after"]);
        assert_eq!(labels(&doc), vec!["a", "ix"]);
        let first_a = &doc.options[0];
        assert_eq!(first_a.span.len, 7 * depth);

        // The same, never closed.
        let mut input = String::from("<x-cisco-remotecc-request>");
        input.push_str(&"<a>".repeat(depth));
        let t = Instant::now();
        let doc = parse(input.as_bytes());
        assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::TooDeep, ProblemKind::Truncated]
        );
        assert_eq!(doc.operations[0].span, Span::new(26, input.len() - 26));
        assert_eq!(doc.problems[0].span, Span::new(26 + 3 * (MAX_DEPTH - 1), 3));
    }

    #[test]
    fn problems_are_capped() {
        let body = "<dialog usage=\"&x;\"/>".repeat(1000);
        let input = format!(
            "<x-cisco-remotecc-request><optionsind>{body}</optionsind></x-cisco-remotecc-request>"
        );
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems.len(), MAX_PROBLEMS);
        assert_eq!(
            doc.problems.last().unwrap().kind,
            ProblemKind::TooManyProblems
        );
        assert_eq!(doc.options.len(), MAX_OPTIONS);
    }

    #[test]
    fn ignored_markup_and_positions_with_bom() {
        let input = "\u{FEFF}<?xml version=\"1.0\"?><!DOCTYPE x><!-- hi --><x-cisco-remotecc-request>\n\t<?pi?><!-- c --><a>text &amp; more <![CDATA[<b>]]></a>\n</x-cisco-remotecc-request>";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(op_names(&doc), vec!["a"]);
        assert_eq!(
            text(input, doc.operations[0].span),
            "<a>text &amp; more <![CDATA[<b>]]></a>"
        );
        assert!(text(input, doc.root_span).starts_with("<x-cisco-remotecc-request>"));
    }

    #[test]
    fn mutated_documents_never_panic() {
        // `parse` checks the span invariants.
        let specials = b"<>/&;#\"'=!?[]-:x\xFF\xC3\xEF 0\n";
        for bytes in mutations(
            0x2545_F491_4F6C_DD1D,
            &[BULK, OPTIONS, RESPONSE, GEN_OPTIONS, BULK_UPDATE],
            specials,
            5000,
            Edits { max: 6, cut: true },
        ) {
            let doc = parse(&bytes);
            if let Some((_, span)) = doc.response_code {
                assert!(std::str::from_utf8(&bytes[span.range()]).is_ok());
            }
        }
    }

    #[test]
    fn display_texts() {
        assert_eq!(ProblemKind::NotXml.to_string(), "Body is not XML");
        assert_eq!(
            ProblemKind::Truncated.to_string(),
            "Remote call control document is truncated"
        );
        assert_eq!(
            ProblemKind::Malformed("x".into()).to_string(),
            "Malformed XML: x"
        );
        assert_eq!(
            ProblemKind::UnexpectedRoot("html".into()).to_string(),
            "Root element is <html>, not <x-cisco-remotecc-request>, <x-cisco-remotecc-response> or <x-cisco-remotecc-cm>"
        );
        assert_eq!(
            ProblemKind::BadResponseCode("empty <code>".into()).to_string(),
            "Bad response code: empty <code>"
        );
        assert_eq!(
            ProblemKind::TooManyOperations.to_string(),
            "More than 64 operations; the rest are not listed"
        );
        assert_eq!(
            ProblemKind::TooManyOptions.to_string(),
            "More than 256 capabilities; the rest are not listed"
        );
        assert_eq!(
            ProblemKind::TooDeep.to_string(),
            "Elements nested deeper than 32 levels are skipped"
        );
        assert_eq!(
            ProblemKind::TooManyProblems.to_string(),
            "More than 32 problems; the rest are not reported"
        );
        assert_eq!(
            ProblemKind::BadUtf8.to_string(),
            "Invalid UTF-8 (shown as U+FFFD)"
        );
        for kind in [
            ProblemKind::NotXml,
            ProblemKind::TooDeep,
            ProblemKind::BadUtf8,
        ] {
            assert!(!kind.to_string().contains('\n'));
        }
    }

    #[test]
    fn span_helpers() {
        let s = Span::new(3, 4);
        assert_eq!((s.end(), s.range()), (7, 3..7));
        assert_eq!(Span::between(5, 2), Span::new(5, 0));
        assert!(is_known_root("x-cisco-remotecc-response"));
        assert!(!is_known_root("x-cisco-alarm"));
    }
}
