//! Parser for EMApp's responses: Cisco IP phone XML objects (`text/xml`).
//!
//! Document shapes (domain.md, "EMApp"; the pages the capture generator writes):
//!
//! ```text
//! <CiscoIPPhoneInput>                            the login form (any root is accepted)
//!   <Title>Extension Mobility</Title>            title
//!   <Prompt>Enter your User ID and PIN</Prompt>  prompt
//!   <URL>http://..:8080/emapp/EMAppServlet?device=SEP..&amp;EMCC=true</URL>   a URL
//!   <InputItem>..<QueryStringParam>seq</QueryStringParam>..</InputItem>
//!   <SoftKeyItem><Name>Submit</Name><URL>SoftKey:Submit</URL>..</SoftKeyItem>
//! </CiscoIPPhoneInput>
//! <CiscoIPPhoneText>
//!   <Title>..</Title><Prompt>Error 201: Authentication Error</Prompt>
//!   <Text>[201] Authentication Error</Text>      text; the EM error shown to the user
//! </CiscoIPPhoneText>
//! <CiscoIPPhoneMenu><MenuItem><Name>..</Name><URL>..</URL></MenuItem>..</CiscoIPPhoneMenu>
//! <CiscoIPPhoneExecute><ExecuteItem Priority="0" URL="Init:Services"/></CiscoIPPhoneExecute>
//! ```
//!
//! Collected: the root element's name; the first `<Title>`, `<Prompt>` and `<Text>` child
//! of the root; the URLs the object points the phone to (the text of `<URL>` children of
//! the root and of `<MenuItem>`s, and the `URL` attribute of `<ExecuteItem>`s; soft key
//! URLs such as `SoftKey:Submit` are phone actions, not requests, and are not listed); and
//! the EM error shown in the title, prompt or text (see [`EmError`]). Element and attribute
//! names are matched without a namespace prefix and ignoring ASCII case.
//!
//! The parser is pure: bytes in, an owned [`PhoneObject`] out. It never panics and never
//! gives up silently: whatever was understood before a problem is returned together with a
//! list of [`Problem`]s, each carrying a [`Span`] (a byte range of the input) so the caller
//! can highlight the bytes. Text is unescaped (XML's five entities and character
//! references) and decoded as UTF-8, or ISO-8859-1 when the XML declaration says so.
//!
//! Work is linear in the input size and memory is bounded by the `MAX_*` constants below
//! (plus the XML reader's stack of open element names, which is at most the input size).
//!
//! The XML event loop is the shared one (`crate::xml::walk`).

#![forbid(unsafe_code)]

use super::em_error::{find_em_error, ErrorSource};
use crate::span::trim_bounds;
pub use crate::span::{Span, Spanned};
use crate::xml::bytes::trim_span;
use crate::xml::walk::{self, Chars, Collector, Cx, Rules, Sink, Tag};

/// Deepest element nesting that is tracked (the root counts as 1). Phone objects are at
/// most 3 deep (`CiscoIPPhoneMenu` / `MenuItem` / `URL`); deeper elements are skipped
/// (still checked for well-formedness by the XML reader) with one [`ProblemKind::TooDeep`].
pub const MAX_DEPTH: usize = 16;

/// At most this many URLs are listed. The phone services SDK allows 100 menu items and
/// 3 execute items per object; more are reported once with [`ProblemKind::TooManyUrls`].
pub const MAX_URLS: usize = 128;

/// Longest title, prompt or text kept, in characters. The SDK limits `<Text>` to 4000
/// bytes (title and prompt are shorter); longer ones are cut with
/// [`ProblemKind::ValueTooLong`].
pub const MAX_TEXT_LEN: usize = 4096;

/// Longest URL kept, in characters. The SDK limits URLs to 256 bytes; 2048 leaves room
/// for long queries. Longer ones are cut with [`ProblemKind::ValueTooLong`].
pub const MAX_URL_LEN: usize = 2048;

/// Longest root element name kept, in characters (real ones are below 30); longer ones
/// are cut with [`ProblemKind::ValueTooLong`].
pub const MAX_NAME_LEN: usize = 256;

/// At most this many problems are reported per document, the last one being
/// [`ProblemKind::TooManyProblems`]; a hostile body must not grow the list without bound.
pub const MAX_PROBLEMS: usize = 32;

/// An Extension Mobility error shown to the user, read from the title, prompt or text in
/// one of the forms [`find_em_error`] knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmError {
    pub code: u32,
    /// The code's digits; the whole element text when entities or CDATA make raw bytes and
    /// text differ.
    pub span: Span,
    /// The message without the code (`Authentication Error`, `Login is unavailable`);
    /// may be empty.
    pub text: String,
    /// The message's bytes, with the same fallback as `span`.
    pub text_span: Span,
}

/// What went wrong. Kinds marked "stops" end the parse: everything before the problem is
/// still returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Stops. The body does not start with markup (after whitespace and a UTF-8 BOM), or
    /// text appears before the root element.
    NotXml,
    /// Stops. The input ends inside markup or before the root element is closed (an empty
    /// body too). The span covers the unfinished markup, or is empty at the end.
    Truncated,
    /// Stops, except for a bad attribute syntax in an XML declaration. XML syntax error:
    /// mismatched end tag, bad name, bad attribute, content after the root ...
    Malformed(String),
    /// Invalid UTF-8 at the span; decoded as U+FFFD.
    BadUtf8,
    /// An entity or character reference that is not one of XML's five entities or a valid
    /// character number, or a bare `&`; kept as raw text.
    BadReference(String),
    /// The XML declaration names an encoding other than UTF-8, US-ASCII or ISO-8859-1; the
    /// body is decoded as UTF-8.
    UnsupportedEncoding(String),
    /// Nesting deeper than [`MAX_DEPTH`]; the deeper elements are skipped. Reported once.
    TooDeep,
    /// A text, URL or name was cut ([`MAX_TEXT_LEN`], [`MAX_URL_LEN`], [`MAX_NAME_LEN`]).
    ValueTooLong,
    /// More than [`MAX_URLS`] URLs; the rest are not listed. Reported once.
    TooManyUrls,
    /// A second `<Title>`, `<Prompt>` or `<Text>` in the root (carries the name); only the
    /// first is used.
    Duplicate(String),
    /// An `<ExecuteItem>` without a `URL` attribute.
    MissingUrl,
    /// [`MAX_PROBLEMS`] reached; later problems are not reported.
    TooManyProblems,
}

/// A one-line description, suitable for an expert info.
impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::NotXml => f.write_str("Body is not XML"),
            ProblemKind::Truncated => f.write_str("Phone XML object is truncated"),
            ProblemKind::Malformed(why) => write!(f, "Malformed XML: {why}"),
            ProblemKind::BadUtf8 => f.write_str("Invalid UTF-8 (shown as U+FFFD)"),
            ProblemKind::BadReference(why) => write!(f, "Bad reference: {why}"),
            ProblemKind::UnsupportedEncoding(name) => {
                write!(f, "Encoding {name:?} is not supported; decoded as UTF-8")
            }
            ProblemKind::TooDeep => write!(
                f,
                "Elements nested deeper than {MAX_DEPTH} levels are skipped"
            ),
            ProblemKind::ValueTooLong => write!(
                f,
                "Value cut (texts at {MAX_TEXT_LEN} characters, URLs at {MAX_URL_LEN})"
            ),
            ProblemKind::TooManyUrls => {
                write!(f, "More than {MAX_URLS} URLs; the rest are not listed")
            }
            ProblemKind::Duplicate(name) => {
                write!(f, "Second <{name}> in the object; only the first is used")
            }
            ProblemKind::MissingUrl => f.write_str("ExecuteItem without a URL attribute"),
            ProblemKind::TooManyProblems => write!(
                f,
                "More than {MAX_PROBLEMS} problems; the rest are not reported"
            ),
        }
    }
}

// The shared XML layer's problems are these kinds, under the same names.
crate::xml::issue_kinds!(ProblemKind);

/// A problem and the bytes it is about.
pub type Problem = crate::xml::Problem<ProblemKind>;

/// Everything understood from one phone XML object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhoneObject {
    /// The root element's name as sent (`CiscoIPPhoneInput` ...), with the span of the
    /// whole root element as far as it got; `None` when no root element started.
    pub root: Option<Spanned<String>>,
    /// Text of the root's first `<Title>`, `<Prompt>`, `<Text>`: unescaped, without leading
    /// and trailing whitespace; the span covers those raw bytes (entities not expanded).
    /// An element the input stops inside of is not given.
    pub title: Option<Spanned<String>>,
    pub prompt: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    /// URLs in document order (see the module documentation), unescaped and trimmed; the
    /// span covers the raw element text or attribute value. At most [`MAX_URLS`].
    pub urls: Vec<Spanned<String>>,
    /// The first EM error found in the title, prompt or text, in document order.
    pub error: Option<EmError>,
    /// Which table `error`'s code belongs to; meaningless (the default) without `error`.
    pub error_source: ErrorSource,
    pub problems: Vec<Problem>,
}

/// Parses a whole phone XML object. See the module documentation.
pub fn parse_phone_xml(body: &[u8]) -> PhoneObject {
    let mut sink = PhoneSink::default();
    let problems = walk::walk(body, Rules::new(MAX_DEPTH, MAX_PROBLEMS), &mut sink);
    let mut obj = sink.obj;
    obj.problems = problems;
    obj
}

// ---------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Prompt,
    Text,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Title => "Title",
            Field::Prompt => "Prompt",
            Field::Text => "Text",
        }
    }
}

/// What an open element is, for the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Root,
    MenuItem,
    /// A title, prompt or text being collected.
    Field(Field),
    /// A `<URL>` being collected.
    Url,
    Other,
}

#[derive(Default)]
struct PhoneSink {
    obj: PhoneObject,
    stack: Vec<Frame>,
    /// The title, prompt, text or URL being read (they do not nest).
    collect: Option<Collector>,
    too_many_urls_reported: bool,
}

impl PhoneSink {
    /// Whether another URL may be listed; reports the limit once.
    fn url_room(&mut self, cx: &mut Cx<'_, ProblemKind>, tag: Span) -> bool {
        if self.obj.urls.len() < MAX_URLS {
            return true;
        }
        if !self.too_many_urls_reported {
            self.too_many_urls_reported = true;
            cx.problem(ProblemKind::TooManyUrls, tag);
        }
        false
    }

    fn slot(&mut self, field: Field) -> &mut Option<Spanned<String>> {
        match field {
            Field::Title => &mut self.obj.title,
            Field::Prompt => &mut self.obj.prompt,
            Field::Text => &mut self.obj.text,
        }
    }

    fn finish_field(&mut self, cx: &Cx<'_, ProblemKind>, field: Field, value: Spanned<String>) {
        if self.obj.error.is_none() {
            if let Some((error, source)) = em_error(cx.input, &value) {
                self.obj.error = Some(error);
                self.obj.error_source = source;
            }
        }
        *self.slot(field) = Some(value);
    }
}

/// The EM error in a collected text, with spans mapped to the input.
fn em_error(input: &[u8], value: &Spanned<String>) -> Option<(EmError, ErrorSource)> {
    let (code, digits, msg, source) = find_em_error(&value.value)?;
    // Offsets into the text are offsets into the input only when the raw bytes are the
    // text (no references, no CDATA, no replaced bytes).
    let exact = input.get(value.span.range()) == Some(value.value.as_bytes());
    let map = |r: std::ops::Range<usize>| {
        if exact {
            Span::between(value.span.start + r.start, value.span.start + r.end)
        } else {
            value.span
        }
    };
    let error = EmError {
        code,
        span: map(digits),
        text: value.value[msg.clone()].to_string(),
        text_span: map(msg),
    };
    Some((error, source))
}

impl Sink<ProblemKind> for PhoneSink {
    fn open(&mut self, cx: &mut Cx<'_, ProblemKind>, tag: &Tag<'_>) {
        let parent = self.stack.last().copied();
        let local = tag.local;
        let frame = match parent {
            None => {
                let (name, _) = cx.decode(tag.name, false, MAX_NAME_LEN);
                self.obj.root = Some(Spanned {
                    value: name,
                    span: tag.span,
                });
                Frame::Root
            }
            Some(Frame::Root) => {
                let field = [Field::Title, Field::Prompt, Field::Text]
                    .into_iter()
                    .find(|f| local.eq_ignore_ascii_case(f.name().as_bytes()));
                if let Some(field) = field {
                    if self.slot(field).is_some() {
                        cx.problem(ProblemKind::Duplicate(field.name().into()), tag.span);
                        Frame::Other
                    } else {
                        self.collect = Some(Collector::new(MAX_TEXT_LEN, tag.span.end()));
                        Frame::Field(field)
                    }
                } else if local.eq_ignore_ascii_case(b"URL") {
                    self.start_url(cx, tag)
                } else if local.eq_ignore_ascii_case(b"MenuItem") {
                    Frame::MenuItem
                } else {
                    if local.eq_ignore_ascii_case(b"ExecuteItem") {
                        match tag.attr(cx.input, b"URL") {
                            Some(value) => {
                                if self.url_room(cx, tag.span) {
                                    let (url, _) = cx.decode(value, true, MAX_URL_LEN);
                                    let (s, e) = trim_bounds(&url, 0, url.len());
                                    self.obj.urls.push(Spanned {
                                        value: url[s..e].to_string(),
                                        span: trim_span(cx.input, value),
                                    });
                                }
                            }
                            None => cx.problem(ProblemKind::MissingUrl, tag.span),
                        }
                    }
                    Frame::Other
                }
            }
            Some(Frame::MenuItem) if local.eq_ignore_ascii_case(b"URL") => self.start_url(cx, tag),
            Some(_) => Frame::Other,
        };
        self.stack.push(frame);
    }

    fn text(&mut self, cx: &mut Cx<'_, ProblemKind>, raw: Span, chars: Chars) {
        if matches!(self.stack.last(), Some(Frame::Field(_) | Frame::Url)) {
            if let Some(c) = self.collect.as_mut() {
                c.text(cx, raw, chars);
            }
        }
    }

    fn close(&mut self, cx: &mut Cx<'_, ProblemKind>, _: usize, end: usize, complete: bool) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Root => {
                if let Some(root) = self.obj.root.as_mut() {
                    root.span = Span::between(root.span.start, end);
                }
            }
            Frame::Field(field) => {
                if let Some(c) = self.collect.take() {
                    if complete {
                        let value = c.finish(cx.input);
                        self.finish_field(cx, field, value);
                    }
                }
            }
            Frame::Url => {
                if let Some(c) = self.collect.take() {
                    if complete {
                        self.obj.urls.push(c.finish(cx.input));
                    }
                }
            }
            Frame::MenuItem | Frame::Other => {}
        }
    }
}

impl PhoneSink {
    fn start_url(&mut self, cx: &mut Cx<'_, ProblemKind>, tag: &Tag<'_>) -> Frame {
        if self.collect.is_some() || !self.url_room(cx, tag.span) {
            return Frame::Other;
        }
        self.collect = Some(Collector::new(MAX_URL_LEN, tag.span.end()));
        Frame::Url
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::mutate::{mutations, Edits};
    use std::time::{Duration, Instant};

    // The bodies the capture generator writes (emapp.rs), byte for byte.
    const LOGIN_FORM: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CiscoIPPhoneInput>\n<Title>Extension Mobility</Title>\n<Prompt>Enter your User ID and PIN</Prompt>\n<URL>http://192.168.7.100:8080/emapp/EMAppServlet?device=SEPC80084AA8743&amp;EMCC=true</URL>\n<InputItem>\n<DisplayName>User ID</DisplayName>\n<QueryStringParam>userid</QueryStringParam>\n<DefaultValue>adgjm</DefaultValue>\n<InputFlags>A</InputFlags>\n</InputItem>\n<InputItem>\n<DisplayName>PIN</DisplayName>\n<QueryStringParam>seq</QueryStringParam>\n<DefaultValue></DefaultValue>\n<InputFlags>NP</InputFlags>\n</InputItem>\n<SoftKeyItem>\n<Name>Submit</Name>\n<URL>SoftKey:Submit</URL>\n<Position>1</Position>\n</SoftKeyItem>\n<SoftKeyItem>\n<Name>Exit</Name>\n<URL>SoftKey:Exit</URL>\n<Position>3</Position>\n</SoftKeyItem>\n</CiscoIPPhoneInput>\n";

    const LOGIN_ACCEPTED: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CiscoIPPhoneText>\n<Title>Extension Mobility</Title>\n<Prompt>Please wait</Prompt>\n<Text>Login successful</Text>\n</CiscoIPPhoneText>\n";

    const LOGIN_LOADING: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CiscoIPPhoneText>\n<Title>Extension Mobility</Title>\n<Prompt>Loading profile test_emcc_udp</Prompt>\n<Text>Login successful for adgjm. The phone restarts with the profile from the home cluster.</Text>\n<SoftKeyItem>\n<Name>Exit</Name>\n<URL>SoftKey:Exit</URL>\n<Position>3</Position>\n</SoftKeyItem>\n</CiscoIPPhoneText>\n";

    const INIT_SERVICES: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CiscoIPPhoneExecute>\n<ExecuteItem Priority=\"0\" URL=\"Init:Services\"/>\n</CiscoIPPhoneExecute>\n";

    const AUTH_ERROR: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CiscoIPPhoneText>\n<Title>Extension Mobility</Title>\n<Prompt>Error 201: Authentication Error</Prompt>\n<Text>[201] Authentication Error</Text>\n</CiscoIPPhoneText>\n";

    const UNAVAILABLE: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CiscoIPPhoneText>\n<Title>Extension Mobility</Title>\n<Prompt>Login failed</Prompt>\n<Text>Login is unavailable (23)</Text>\n</CiscoIPPhoneText>\n";

    const LOGOUT_ACCEPTED: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CiscoIPPhoneText>\n<Title>Extension Mobility</Title>\n<Prompt>Please wait</Prompt>\n<Text>Logout successful</Text>\n</CiscoIPPhoneText>\n";

    const MENU: &str = "<CiscoIPPhoneMenu><Title>Services</Title><Prompt>Pick one</Prompt><MenuItem><Name>EM</Name><URL>http://a/emapp/EMAppServlet?device=#DEVICENAME#</URL></MenuItem><MenuItem><Name>Dir</Name><URL> http://a/dir </URL></MenuItem><SoftKeyItem><Name>Select</Name><URL>SoftKey:Select</URL></SoftKeyItem></CiscoIPPhoneMenu>";

    const ALL: [&str; 8] = [
        LOGIN_FORM,
        LOGIN_ACCEPTED,
        LOGIN_LOADING,
        INIT_SERVICES,
        AUTH_ERROR,
        UNAVAILABLE,
        LOGOUT_ACCEPTED,
        MENU,
    ];

    fn parse(input: &[u8]) -> PhoneObject {
        let obj = parse_phone_xml(input);
        check_spans(&obj, input.len());
        obj
    }

    fn check_spans(obj: &PhoneObject, len: usize) {
        let mut spans: Vec<Span> = obj.problems.iter().map(|p| p.span).collect();
        spans.extend(obj.root.iter().map(|r| r.span));
        for f in [&obj.title, &obj.prompt, &obj.text].into_iter().flatten() {
            spans.push(f.span);
        }
        spans.extend(obj.urls.iter().map(|u| u.span));
        if let Some(e) = &obj.error {
            spans.push(e.span);
            spans.push(e.text_span);
        }
        for s in spans {
            assert!(s.end() <= len, "span {s:?} beyond {len}: {obj:?}");
        }
        assert!(obj.urls.len() <= MAX_URLS);
        assert!(obj.problems.len() <= MAX_PROBLEMS);
    }

    fn kinds(obj: &PhoneObject) -> Vec<ProblemKind> {
        obj.problems.iter().map(|p| p.kind.clone()).collect()
    }

    fn text(input: &str, span: Span) -> &str {
        &input[span.range()]
    }

    fn value(f: &Option<Spanned<String>>) -> Option<&str> {
        f.as_ref().map(|f| f.value.as_str())
    }

    fn urls(obj: &PhoneObject) -> Vec<&str> {
        obj.urls.iter().map(|u| u.value.as_str()).collect()
    }

    #[test]
    fn login_form() {
        let obj = parse(LOGIN_FORM.as_bytes());
        assert_eq!(obj.problems, vec![]);
        let root = obj.root.as_ref().unwrap();
        assert_eq!(root.value, "CiscoIPPhoneInput");
        assert!(text(LOGIN_FORM, root.span).starts_with("<CiscoIPPhoneInput>\n<Title>"));
        assert!(text(LOGIN_FORM, root.span).ends_with("</CiscoIPPhoneInput>"));
        assert_eq!(value(&obj.title), Some("Extension Mobility"));
        assert_eq!(
            text(LOGIN_FORM, obj.title.as_ref().unwrap().span),
            "Extension Mobility"
        );
        assert_eq!(value(&obj.prompt), Some("Enter your User ID and PIN"));
        assert_eq!(obj.text, None);
        // The form's submit URL, unescaped; soft key URLs are not listed.
        assert_eq!(
            urls(&obj),
            vec!["http://192.168.7.100:8080/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true"]
        );
        assert_eq!(
            text(LOGIN_FORM, obj.urls[0].span),
            "http://192.168.7.100:8080/emapp/EMAppServlet?device=SEPC80084AA8743&amp;EMCC=true"
        );
        assert_eq!(obj.error, None);
    }

    #[test]
    fn text_pages_without_errors() {
        for (body, prompt, txt) in [
            (LOGIN_ACCEPTED, "Please wait", "Login successful"),
            (LOGOUT_ACCEPTED, "Please wait", "Logout successful"),
            (
                LOGIN_LOADING,
                "Loading profile test_emcc_udp",
                "Login successful for adgjm. The phone restarts with the profile from the home cluster.",
            ),
        ] {
            let obj = parse(body.as_bytes());
            assert_eq!(obj.problems, vec![], "{body}");
            assert_eq!(obj.root.as_ref().unwrap().value, "CiscoIPPhoneText");
            assert_eq!(value(&obj.title), Some("Extension Mobility"));
            assert_eq!(value(&obj.prompt), Some(prompt));
            assert_eq!(value(&obj.text), Some(txt));
            assert_eq!(text(body, obj.text.as_ref().unwrap().span), txt);
            assert_eq!(obj.error, None);
            assert!(obj.urls.is_empty());
        }
    }

    #[test]
    fn execute_items() {
        let obj = parse(INIT_SERVICES.as_bytes());
        assert_eq!(obj.problems, vec![]);
        assert_eq!(obj.root.as_ref().unwrap().value, "CiscoIPPhoneExecute");
        assert_eq!(urls(&obj), vec!["Init:Services"]);
        assert_eq!(text(INIT_SERVICES, obj.urls[0].span), "Init:Services");

        let input = "<CiscoIPPhoneExecute><ExecuteItem URL='Key:Services'/><ExecuteItem Priority=\"1\" url=\"http://x/a?b=1&amp;c=2\"></ExecuteItem><ExecuteItem Priority=\"2\"/></CiscoIPPhoneExecute>";
        let obj = parse(input.as_bytes());
        assert_eq!(urls(&obj), vec!["Key:Services", "http://x/a?b=1&c=2"]);
        assert_eq!(text(input, obj.urls[1].span), "http://x/a?b=1&amp;c=2");
        assert_eq!(kinds(&obj), vec![ProblemKind::MissingUrl]);
        assert_eq!(
            text(input, obj.problems[0].span),
            "<ExecuteItem Priority=\"2\"/>"
        );
    }

    #[test]
    fn menu_urls() {
        let obj = parse(MENU.as_bytes());
        assert_eq!(obj.problems, vec![]);
        assert_eq!(
            urls(&obj),
            vec![
                "http://a/emapp/EMAppServlet?device=#DEVICENAME#",
                "http://a/dir"
            ]
        );
        assert_eq!(text(MENU, obj.urls[1].span), "http://a/dir");
        assert_eq!(value(&obj.title), Some("Services"));
        // <URL> elsewhere (inside <InputItem>, deeper) is not listed.
        let input = "<CiscoIPPhoneInput><InputItem><URL>a</URL></InputItem><MenuItem><x><URL>b</URL></x></MenuItem></CiscoIPPhoneInput>";
        assert!(parse(input.as_bytes()).urls.is_empty());
    }

    #[test]
    fn generator_errors() {
        let obj = parse(AUTH_ERROR.as_bytes());
        assert_eq!(obj.problems, vec![]);
        let e = obj.error.as_ref().unwrap();
        // The prompt comes first in the document.
        assert_eq!(e.code, 201);
        assert_eq!(obj.error_source, ErrorSource::EmApp);
        assert_eq!(e.text, "Authentication Error");
        assert_eq!(text(AUTH_ERROR, e.span), "201");
        assert_eq!(
            text(AUTH_ERROR, obj.prompt.as_ref().unwrap().span),
            "Error 201: Authentication Error"
        );
        assert!(e.span.start > obj.prompt.as_ref().unwrap().span.start);
        assert_eq!(text(AUTH_ERROR, e.text_span), "Authentication Error");
        assert_eq!(value(&obj.text), Some("[201] Authentication Error"));

        let obj = parse(UNAVAILABLE.as_bytes());
        let e = obj.error.as_ref().unwrap();
        assert_eq!(e.code, 23);
        assert_eq!(obj.error_source, ErrorSource::EmService);
        assert_eq!(e.text, "Login is unavailable");
        assert_eq!(text(UNAVAILABLE, e.span), "23");
        assert_eq!(text(UNAVAILABLE, e.text_span), "Login is unavailable");
        assert_eq!(value(&obj.prompt), Some("Login failed"));
    }

    #[test]
    fn error_spans_with_entities() {
        // Raw bytes differ from the text: both spans fall back to the element text.
        let input = "<CiscoIPPhoneText><Title>[201] Auth &amp; more</Title></CiscoIPPhoneText>";
        let obj = parse(input.as_bytes());
        let e = obj.error.unwrap();
        assert_eq!((e.code, e.text.as_str()), (201, "Auth & more"));
        assert_eq!(text(input, e.span), "[201] Auth &amp; more");
        assert_eq!(e.text_span, e.span);
        // Whitespace around the text is trimmed, spans stay exact.
        let input =
            "<CiscoIPPhoneText><Text>\n  Login is unavailable (31)\n</Text></CiscoIPPhoneText>";
        let e = parse(input.as_bytes()).error.unwrap();
        assert_eq!(text(input, e.span), "31");
        assert_eq!(text(input, e.text_span), "Login is unavailable");
        // The first error in document order wins; a CDATA text counts.
        let input = "<CiscoIPPhoneText><Text><![CDATA[[210] Init]]></Text><Prompt>[205] x</Prompt></CiscoIPPhoneText>";
        let obj = parse(input.as_bytes());
        assert_eq!(obj.error.as_ref().unwrap().code, 210);
        assert_eq!(value(&obj.text), Some("[210] Init"));
    }

    #[test]
    fn duplicates_and_nested_fields() {
        let input = "<CiscoIPPhoneText><Title>a</Title><Title>b</Title><x><Text>[201] no</Text></x></CiscoIPPhoneText>";
        let obj = parse(input.as_bytes());
        assert_eq!(value(&obj.title), Some("a"));
        assert_eq!(obj.text, None);
        assert_eq!(obj.error, None);
        assert_eq!(kinds(&obj), vec![ProblemKind::Duplicate("Title".into())]);
        assert_eq!(text(input, obj.problems[0].span), "<Title>");
        // Child elements of a field do not add to its text.
        let input = "<CiscoIPPhoneText><Text>a<b>x</b>c</Text></CiscoIPPhoneText>";
        let obj = parse(input.as_bytes());
        assert_eq!(value(&obj.text), Some("ac"));
        // An empty field.
        let input = "<CiscoIPPhoneText><Prompt/><Text></Text></CiscoIPPhoneText>";
        let obj = parse(input.as_bytes());
        assert_eq!(value(&obj.prompt), Some(""));
        assert_eq!(obj.prompt.unwrap().span, Span::new(27, 0));
        assert_eq!(obj.text.unwrap().span, Span::new(33, 0));
    }

    #[test]
    fn every_prefix_is_truncated() {
        for full in ALL {
            let bytes = full.as_bytes();
            let whole = parse(bytes);
            assert_eq!(whole.problems, vec![], "{full}");
            let complete = whole.root.as_ref().unwrap().span.end();
            for cut in 0..bytes.len() {
                let obj = parse(&bytes[..cut]);
                if cut < complete {
                    assert_eq!(kinds(&obj), vec![ProblemKind::Truncated], "cut {cut}");
                } else {
                    assert_eq!(obj.problems, vec![], "cut {cut}");
                }
                // What was understood agrees with the whole document.
                for (part, all) in [
                    (&obj.title, &whole.title),
                    (&obj.prompt, &whole.prompt),
                    (&obj.text, &whole.text),
                ] {
                    if part.is_some() {
                        assert_eq!(part, all, "cut {cut}");
                    }
                }
                assert!(obj.urls.len() <= whole.urls.len());
                assert_eq!(obj.urls[..], whole.urls[..obj.urls.len()], "cut {cut}");
                if obj.error.is_some() {
                    assert_eq!(obj.error, whole.error, "cut {cut}");
                    assert_eq!(obj.error_source, whole.error_source, "cut {cut}");
                }
            }
        }
    }

    #[test]
    fn malformed_documents() {
        let check = |input: &str, why: &str, at: &str| {
            let obj = parse(input.as_bytes());
            let p = obj
                .problems
                .iter()
                .find(|p| matches!(p.kind, ProblemKind::Malformed(_)))
                .unwrap_or_else(|| panic!("{input}: {obj:?}"));
            assert_eq!(p.kind, ProblemKind::Malformed(why.into()), "{input}");
            assert_eq!(text(input, p.span), at, "{input}");
            obj
        };
        let obj = check(
            "<CiscoIPPhoneText><Title>x</Title><Text>y</Txt></CiscoIPPhoneText>",
            "end tag </Txt> does not match start tag <Text>",
            "</Txt>",
        );
        // Understood before the error: the title, and the root up to the error.
        assert_eq!(value(&obj.title), Some("x"));
        assert_eq!(obj.text, None);
        assert_eq!(obj.root.unwrap().span, Span::new(0, 41));
        check(
            "<CiscoIPPhoneExecute><ExecuteItem URL=Init:Services/></CiscoIPPhoneExecute>",
            "attribute value without quotes",
            "I",
        );
        check(
            "<CiscoIPPhoneExecute><ExecuteItem URL='a' URL='b'/></CiscoIPPhoneExecute>",
            "duplicate attribute",
            "U",
        );
        check(
            "<CiscoIPPhoneText/><CiscoIPPhoneText/>",
            "element <CiscoIPPhoneText> after the root element",
            "<CiscoIPPhoneText/>",
        );
        check(
            "<CiscoIPPhoneText></CiscoIPPhoneText>trailing",
            "text after the root element",
            "trailing",
        );
        check(
            "</CiscoIPPhoneText>",
            "end tag </CiscoIPPhoneText> without a start tag",
            "</CiscoIPPhoneText>",
        );
        check(
            "<CiscoIPPhoneText><1/></CiscoIPPhoneText>",
            "bad element name 1",
            "<1/>",
        );
        check(
            "<?xml version=1.0?><CiscoIPPhoneText/>",
            "attribute value without quotes in the XML declaration",
            "1",
        );

        for (input, kind) in [
            (&b""[..], ProblemKind::Truncated),
            (b"\r\n ", ProblemKind::Truncated),
            (b"Login successful", ProblemKind::NotXml),
            (b"\xFF<a/>", ProblemKind::NotXml),
            (b"<?xml version=\"1.0\"?>text<a/>", ProblemKind::NotXml),
        ] {
            let obj = parse(input);
            assert_eq!(kinds(&obj), vec![kind], "{input:?}");
            assert_eq!(obj.root, None);
        }
    }

    #[test]
    fn references_encodings_and_bad_bytes() {
        let input =
            "<CiscoIPPhoneText><Title>AT&T &#65;&#x42; &nope; caf\u{e9}</Title></CiscoIPPhoneText>";
        let obj = parse(input.as_bytes());
        assert_eq!(value(&obj.title), Some("AT&T AB &nope; caf\u{e9}"));
        assert_eq!(
            kinds(&obj),
            vec![
                ProblemKind::BadReference("'&' not starting a reference".into()),
                ProblemKind::BadReference("unknown or invalid reference &nope;".into())
            ]
        );
        assert_eq!(text(input, obj.problems[1].span), "&nope;");

        let input = b"<CiscoIPPhoneText><Text>caf\xE9 \xFF</Text></CiscoIPPhoneText>";
        let obj = parse(input);
        assert_eq!(value(&obj.text), Some("caf\u{FFFD} \u{FFFD}"));
        assert_eq!(kinds(&obj), vec![ProblemKind::BadUtf8]);
        assert_eq!(obj.problems[0].span, Span::new(27, 3));

        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><CiscoIPPhoneText><Text>caf\xE9</Text></CiscoIPPhoneText>";
        let obj = parse(latin1);
        assert_eq!(obj.problems, vec![]);
        assert_eq!(value(&obj.text), Some("caf\u{e9}"));

        let other = b"<?xml version='1.0' encoding='Shift_JIS'?><CiscoIPPhoneText/>";
        let obj = parse(other);
        assert_eq!(
            kinds(&obj),
            vec![ProblemKind::UnsupportedEncoding("shift_jis".into())]
        );

        let bom = format!("\u{FEFF}{LOGIN_ACCEPTED}");
        let obj = parse(bom.as_bytes());
        assert_eq!(obj.problems, vec![]);
        assert_eq!(text(&bom, obj.text.unwrap().span), "Login successful");
    }

    #[test]
    fn deep_nesting_is_bounded_and_fast() {
        let depth = 1_000_000;
        let mut input = String::from("<CiscoIPPhoneMenu><MenuItem>");
        input.push_str(&"<a>".repeat(depth));
        input.push_str(&"</a>".repeat(depth));
        input.push_str("<URL>u</URL></MenuItem><Title>t</Title></CiscoIPPhoneMenu>");
        let started = Instant::now();
        let obj = parse(input.as_bytes());
        assert!(started.elapsed() < Duration::from_secs(20));
        assert_eq!(kinds(&obj), vec![ProblemKind::TooDeep]);
        assert_eq!(urls(&obj), vec!["u"]);
        assert_eq!(value(&obj.title), Some("t"));
        assert_eq!(obj.problems[0].span, Span::new(28 + 3 * (MAX_DEPTH - 2), 3));

        let input = format!("<CiscoIPPhoneText>{}", "<a>".repeat(depth));
        let obj = parse(input.as_bytes());
        assert_eq!(
            kinds(&obj),
            vec![ProblemKind::TooDeep, ProblemKind::Truncated]
        );
        assert_eq!(obj.root.unwrap().span, Span::new(0, input.len()));
    }

    #[test]
    fn huge_inputs_are_bounded() {
        let item = "<MenuItem><Name>n</Name><URL>http://x/y</URL></MenuItem>";
        let input = format!(
            "<CiscoIPPhoneMenu>{}<Title>after</Title></CiscoIPPhoneMenu>",
            item.repeat(100_000)
        );
        let started = Instant::now();
        let obj = parse(input.as_bytes());
        assert!(started.elapsed() < Duration::from_secs(20));
        assert_eq!(obj.urls.len(), MAX_URLS);
        assert_eq!(kinds(&obj), vec![ProblemKind::TooManyUrls]);
        assert_eq!(value(&obj.title), Some("after"));

        let long = "x".repeat(MAX_TEXT_LEN * 100);
        let input =
            format!("<CiscoIPPhoneText><Text>{long}</Text><URL>{long}</URL></CiscoIPPhoneText>");
        let obj = parse(input.as_bytes());
        assert_eq!(obj.text.as_ref().unwrap().value.len(), MAX_TEXT_LEN);
        assert_eq!(obj.urls[0].value.len(), MAX_URL_LEN);
        assert_eq!(
            kinds(&obj),
            vec![ProblemKind::ValueTooLong, ProblemKind::ValueTooLong]
        );
        // The span still covers all the text.
        assert_eq!(obj.text.unwrap().span.len, long.len());

        let input = format!(
            "<CiscoIPPhoneText>{}</CiscoIPPhoneText>",
            "<Title>&bad;</Title>".repeat(1000)
        );
        let obj = parse(input.as_bytes());
        assert_eq!(obj.problems.len(), MAX_PROBLEMS);
        assert_eq!(
            obj.problems.last().unwrap().kind,
            ProblemKind::TooManyProblems
        );

        let name = "N".repeat(10_000);
        let obj = parse(format!("<{name}/>").as_bytes());
        assert_eq!(obj.root.as_ref().unwrap().value.len(), MAX_NAME_LEN);
        assert_eq!(kinds(&obj), vec![ProblemKind::ValueTooLong]);
    }

    #[test]
    fn mutated_documents_never_panic() {
        // `parse` checks the span invariants.
        let specials = b"<>/&;#\"'=!?[]-:x\xFF\xC3\xEF 0(2)\n";
        for bytes in mutations(
            0x2545_F491_4F6C_DD1D,
            &ALL,
            specials,
            5000,
            Edits { max: 6, cut: true },
        ) {
            let obj = parse(&bytes);
            if let Some(e) = &obj.error {
                assert!(!obj.problems.is_empty() || e.span.len > 0);
            }
        }
    }

    #[test]
    fn display_texts() {
        assert_eq!(ProblemKind::NotXml.to_string(), "Body is not XML");
        assert_eq!(
            ProblemKind::Truncated.to_string(),
            "Phone XML object is truncated"
        );
        assert_eq!(
            ProblemKind::Malformed("x".into()).to_string(),
            "Malformed XML: x"
        );
        assert_eq!(
            ProblemKind::TooManyUrls.to_string(),
            "More than 128 URLs; the rest are not listed"
        );
        assert_eq!(
            ProblemKind::Duplicate("Title".into()).to_string(),
            "Second <Title> in the object; only the first is used"
        );
        assert_eq!(
            ProblemKind::MissingUrl.to_string(),
            "ExecuteItem without a URL attribute"
        );
        assert_eq!(
            ProblemKind::ValueTooLong.to_string(),
            "Value cut (texts at 4096 characters, URLs at 2048)"
        );
        assert_eq!(
            ProblemKind::TooDeep.to_string(),
            "Elements nested deeper than 16 levels are skipped"
        );
        assert_eq!(
            ProblemKind::TooManyProblems.to_string(),
            "More than 32 problems; the rest are not reported"
        );
    }
}
