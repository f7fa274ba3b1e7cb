//! Parser for `application/x-cisco-alarm+xml` bodies (phone alarms sent in SIP REFER,
//! and in Skinny message 0x015A by SCCP phones).
//!
//! Document shape (domain.md, "x-cisco-alarm"):
//!
//! ```text
//! <x-cisco-alarm>
//!   <Alarm Name="DeviceTLInfo">                  one or more alarms
//!     <ParameterList>
//!       <String name="DeviceName">SEP..</String>  named text value
//!       <Enum name="StatusCode">3</Enum>          named number (meaning often not public)
//!     </ParameterList>
//!   </Alarm>
//! </x-cisco-alarm>
//! ```
//!
//! The parser is pure: bytes in, an owned [`AlarmDocument`] out. It never panics and never
//! gives up silently: whatever was understood before a problem is returned together with a
//! list of [`Problem`]s, each carrying a [`Span`] of the input so the caller can highlight
//! the bytes. Every span is a byte range of the `input` given to [`parse_alarm_document`].
//!
//! Values are kept as the phone sent them (after XML unescaping); no meaning is attached
//! here. Well-known parameter values are split into parts by `super::signature` and
//! `super::protocol_event`, again without interpreting numbers.
//!
//! Work is linear in the input size and memory is bounded by the `MAX_*` constants below
//! (plus the XML reader's stack of open element names, which is at most the input size).

#![forbid(unsafe_code)]

use crate::xml::bytes::{is_xml_space, trim_span};
use crate::xml::reader::{self, Dialect, Events, Stop};
use crate::xml::text::{is_latin1, Decoder, Refs, TextBuf};
use crate::xml::{Issue, Problems};
use quick_xml::events::Event;

pub use crate::span::Span;

/// At most this many `<Alarm>` elements are collected per document. Phones send one alarm
/// per REFER; 16 leaves room for batching without letting a crafted body allocate freely.
pub const MAX_ALARMS: usize = 16;

/// At most this many parameters are collected per alarm. The largest real alarm
/// (LastOutOfServiceInformation) has about 30; 256 is generous and still bounded.
pub const MAX_PARAMS: usize = 256;

/// Deepest element nesting that is tracked (the root counts as 1). Real documents are
/// 4 deep; anything below this depth is skipped (still checked for well-formedness by the
/// XML reader) with one [`ProblemKind::TooDeep`].
pub const MAX_DEPTH: usize = 16;

/// Longest parameter value kept, in characters. Real values are below 200 characters
/// (protocol events with a Call-ID); longer values are cut with [`ProblemKind::ValueTooLong`].
pub const MAX_VALUE_LEN: usize = 4096;

/// Longest alarm name, parameter name or element name kept, in characters (same reason as
/// [`MAX_VALUE_LEN`]; real names are below 40 characters).
pub const MAX_NAME_LEN: usize = 256;

/// At most this many problems are reported per document, the last one being
/// [`ProblemKind::TooManyProblems`]; a hostile body must not grow the list without bound.
pub const MAX_PROBLEMS: usize = 64;

/// Which element a parameter was sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// `<String name="..">text</String>`
    String,
    /// `<Enum name="..">number</Enum>` (the number is kept as text: it may not be one)
    Enum,
    /// Any other child element of `<ParameterList>`; see [`Param::tag`].
    Other,
}

impl ParamKind {
    /// The element name this kind stands for (`"Other"` for any other element).
    pub const fn as_str(self) -> &'static str {
        match self {
            ParamKind::String => "String",
            ParamKind::Enum => "Enum",
            ParamKind::Other => "Other",
        }
    }
}

/// One child element of `<ParameterList>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub kind: ParamKind,
    /// The element name as sent (`String`, `Enum`, or anything else).
    pub tag: String,
    /// The whole element, from `<` of the start tag to `>` of the end tag, or to where the
    /// input stopped making sense (truncation, malformed XML).
    pub element: Span,
    /// The `name` attribute's value, unescaped. For [`ParamKind::Other`] elements without a
    /// `name` attribute this is the element name; for `String`/`Enum` without one it is empty
    /// (and a [`ProblemKind::MissingParamName`] is reported).
    pub name: String,
    /// The `name` attribute's value inside the quotes, or the element name in the start tag
    /// when there is no `name` attribute.
    pub name_span: Span,
    /// The element's text content, unescaped, with leading/trailing whitespace kept as sent
    /// (use [`Param::trimmed_value`] for display). Cut at [`MAX_VALUE_LEN`] characters.
    pub value: String,
    /// Raw bytes between the start tag and the end tag (entities not yet expanded). Empty at
    /// the end of the tag for `<x/>`.
    pub value_span: Span,
    /// `value_span` without leading and trailing XML whitespace.
    pub value_trimmed_span: Span,
}

impl Param {
    /// The value without leading and trailing XML whitespace (space, tab, CR, LF).
    pub fn trimmed_value(&self) -> &str {
        self.value.trim_matches(is_xml_space_char)
    }
}

/// One `<Alarm>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    /// The `Name` attribute, unescaped; `None` when absent.
    pub name: Option<String>,
    /// The `Name` attribute's value inside the quotes, or the whole start tag when absent.
    pub name_span: Span,
    /// The whole `<Alarm>` element as far as it got.
    pub element: Span,
    /// Children of all `<ParameterList>` elements, in document order.
    pub params: Vec<Param>,
}

impl Alarm {
    /// First parameter with exactly this `name`.
    pub fn param(&self, name: &str) -> Option<&Param> {
        param(self, name)
    }
}

/// What went wrong. Kinds marked "stops" end the parse: everything before the problem is
/// still returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Stops. The body does not start with markup (after whitespace and a UTF-8 BOM), or
    /// text appears before the root element.
    NotXml,
    /// Invalid UTF-8 at the span; decoded as U+FFFD.
    BadUtf8,
    /// Stops. The input ends inside markup or before `</x-cisco-alarm>` (an empty body is
    /// reported this way too). The span covers the unfinished markup, or is empty at the end.
    Truncated,
    /// Stops. XML syntax error (mismatched end tag, bad attribute ...), with the XML reader's
    /// description.
    Malformed(String),
    /// Stops. The root element is not `<x-cisco-alarm>`; carries its name.
    UnexpectedRoot(String),
    /// An `<Alarm>` without a `Name` attribute.
    MissingAlarmName,
    /// A `<String>` or `<Enum>` without a `name` attribute.
    MissingParamName,
    /// More than [`MAX_PARAMS`] parameters in one alarm; the rest of that alarm's parameters
    /// are skipped. Reported once per alarm.
    TooManyParams,
    /// Nesting deeper than [`MAX_DEPTH`]; the deeper elements are skipped. Reported once.
    TooDeep,
    /// A value longer than [`MAX_VALUE_LEN`] (or a name longer than [`MAX_NAME_LEN`]) was cut.
    ValueTooLong,
    /// More than [`MAX_ALARMS`] alarms; the rest are skipped. Reported once.
    TooManyAlarms,
    /// The XML declaration names an encoding this parser does not decode (only UTF-8,
    /// US-ASCII and ISO-8859-1 are); the body is decoded as UTF-8 with replacement characters.
    UnsupportedEncoding(String),
    /// An entity or character reference that is not one of XML's five predefined entities or
    /// a valid character number, or a bare `&`. Kept as raw text in the value.
    BadReference(String),
    /// Well-formed XML in a place this format does not use it (an element other than `Alarm`
    /// under the root, text between parameters, an element inside a parameter ...). Skipped
    /// (the span still shows it), or stops when it follows the root element.
    UnexpectedContent(String),
    /// A parameter value that is not well-formed XML (an element, or markup the reader
    /// cannot read, between the parameter's start and end tags): the value is its raw
    /// text, and reading goes on after the parameter's end tag. Carries the parameter's
    /// name and what is wrong. Real firmware writes such values: a CP-7961G sent
    /// `<String name="UnifiedCMIPAddress"><not open></String>` (the alarm published in
    /// FreeSWITCH's `src/mod/endpoints/mod_skinny/test-skinny.pl`).
    BadValue { name: String, why: String },
    /// [`MAX_PROBLEMS`] reached; later problems are not reported.
    TooManyProblems,
}

/// A one-line description, suitable for an expert info.
impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::NotXml => f.write_str("Body is not XML"),
            ProblemKind::BadUtf8 => f.write_str("Invalid UTF-8 (shown as U+FFFD)"),
            ProblemKind::Truncated => f.write_str("Alarm document is truncated"),
            ProblemKind::Malformed(why) => write!(f, "Malformed XML: {why}"),
            ProblemKind::UnexpectedRoot(name) => {
                write!(f, "Root element is <{name}>, not <{ROOT_NAME}>")
            }
            ProblemKind::MissingAlarmName => f.write_str("Alarm without a Name attribute"),
            ProblemKind::MissingParamName => f.write_str("Parameter without a name attribute"),
            ProblemKind::TooManyParams => write!(
                f,
                "More than {MAX_PARAMS} parameters in one alarm; the rest are skipped"
            ),
            ProblemKind::TooDeep => write!(
                f,
                "Elements nested deeper than {MAX_DEPTH} levels are skipped"
            ),
            ProblemKind::ValueTooLong => write!(
                f,
                "Value cut at {MAX_VALUE_LEN} characters (names at {MAX_NAME_LEN})"
            ),
            ProblemKind::TooManyAlarms => {
                write!(f, "More than {MAX_ALARMS} alarms; the rest are skipped")
            }
            ProblemKind::UnsupportedEncoding(name) => {
                write!(f, "Encoding {name:?} is not supported; decoded as UTF-8")
            }
            ProblemKind::BadReference(why) => write!(f, "Bad reference: {why}"),
            ProblemKind::UnexpectedContent(what) => write!(f, "Unexpected content: {what}"),
            ProblemKind::BadValue { name, why } => write!(
                f,
                "Value of {name} is not well-formed XML ({why}): shown as sent"
            ),
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

/// Everything understood from one body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlarmDocument {
    pub alarms: Vec<Alarm>,
    pub problems: Vec<Problem>,
}

/// First parameter of `alarm` whose `name` is exactly `name`.
fn param<'a>(alarm: &'a Alarm, name: &str) -> Option<&'a Param> {
    alarm.params.iter().find(|p| p.name == name)
}

/// Parses a whole x-cisco-alarm body. See the module documentation.
pub fn parse_alarm_document(input: &[u8]) -> AlarmDocument {
    let mut parser = Parser::new(input);
    reader::read(input, DIALECT, &mut parser);
    AlarmDocument {
        alarms: parser.alarms,
        problems: parser.problems.into_vec(),
    }
}

// ---------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------

const ROOT_NAME: &str = "x-cisco-alarm";

/// A body that is only a beginning of a BOM is not XML here, and reader errors keep
/// quick-xml's wording: alarm expert infos have always read so.
const DIALECT: Dialect = Dialect {
    partial_bom_truncated: false,
    reader_wording: true,
};

fn is_xml_space_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Scans the attributes of a tag, `input[from..to]` being the part after the element name
/// (up to and including the closing `>`, `/>` or `?>`), and returns the first attribute
/// whose name equals `wanted` (ASCII case-insensitive): the span of its value inside the
/// quotes. `Err(position)` on bad syntax.
fn find_attribute(
    input: &[u8],
    from: usize,
    to: usize,
    wanted: &str,
) -> Result<Option<Span>, usize> {
    let mut found = None;
    let mut i = from;
    loop {
        while i < to && is_xml_space(input[i]) {
            i += 1;
        }
        if i >= to || matches!(input[i], b'>' | b'/' | b'?') {
            return Ok(found);
        }
        let name_start = i;
        while i < to && !is_xml_space(input[i]) && !matches!(input[i], b'=' | b'>' | b'/' | b'?') {
            i += 1;
        }
        let name = Span::between(name_start, i);
        while i < to && is_xml_space(input[i]) {
            i += 1;
        }
        if i >= to || input[i] != b'=' {
            return Err(i.min(to.saturating_sub(1)));
        }
        i += 1;
        while i < to && is_xml_space(input[i]) {
            i += 1;
        }
        if i >= to || !matches!(input[i], b'"' | b'\'') {
            return Err(i.min(to.saturating_sub(1)));
        }
        let quote = input[i];
        let value_start = i + 1;
        let Some(p) = input[value_start..to].iter().position(|&b| b == quote) else {
            return Err(i);
        };
        let value = Span::new(value_start, p);
        i = value_start + p + 1;
        if found.is_none() && input[name.range()].eq_ignore_ascii_case(wanted.as_bytes()) {
            found = Some(value);
        }
    }
}

/// What an open element is, for the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// `<x-cisco-alarm>`
    Root,
    /// `<Alarm>`: the last entry of `Parser::alarms`.
    Alarm,
    /// `<ParameterList>` of the last alarm.
    ParamList,
    /// A parameter: the last entry of the last alarm's params; its text goes to `value`.
    Param,
    /// An element that is not collected (unexpected, or over a limit), with its subtree.
    Ignored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RootState {
    Before,
    Inside,
    After,
}

struct Parser<'a> {
    input: &'a [u8],
    /// The character set comes from the XML declaration.
    decoder: Decoder<'a>,
    alarms: Vec<Alarm>,
    problems: Problems<ProblemKind>,
    /// Open elements, at most [`MAX_DEPTH`].
    stack: Vec<Frame>,
    /// Open elements below `MAX_DEPTH`, counted only.
    excess_depth: usize,
    too_deep_reported: bool,
    too_many_alarms_reported: bool,
    /// Whether the current alarm already reported TooManyParams.
    too_many_params_reported: bool,
    root: RootState,
    /// Text of the open parameter.
    value: TextBuf,
    /// Names (spans of the input) of the elements the collected frames of a parameter's
    /// path stand for: root, Alarm, ParameterList, parameter, by depth.
    frame_names: [Span; 4],
    /// Whether reading resumed after a bad value: end tags are then matched here.
    resumed: bool,
    /// Once resumed: names of the open elements (all of them, even below
    /// [`MAX_DEPTH`]). Kept only then, so that well-formed documents pay nothing.
    names: Vec<Span>,
    /// Where to go on reading after a bad value (see [`Events::resume`]).
    resume_at: Option<usize>,
}

impl Events for Parser<'_> {
    fn issue(&mut self, issue: Issue, span: Span) {
        self.problems.issue(issue, span);
    }

    #[inline]
    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> Result<(), Stop> {
        self.on_event(event, start, end)
    }

    fn complete(&self) -> bool {
        self.root == RootState::After
    }

    fn close_all(&mut self, at: usize) {
        self.excess_depth = 0;
        self.names.clear();
        while let Some(frame) = self.stack.pop() {
            self.finish(frame, at, at);
        }
    }

    fn resume(&mut self, _at: usize, issue: Option<&Issue>) -> Option<usize> {
        match issue {
            // The parser stopped itself after a bad value.
            None => self.resume_at.take(),
            // The reader cannot read a parameter's value: that value only is lost.
            Some(issue) => {
                let why = match issue {
                    Issue::Malformed(why) => why.clone(),
                    Issue::Truncated => "markup not closed".to_string(),
                    other => ProblemKind::from(other.clone()).to_string(),
                };
                self.skip_bad_value(why)
            }
        }
    }
}

impl<'a> Parser<'a> {
    fn new(input: &'a [u8]) -> Self {
        Parser {
            input,
            decoder: Decoder {
                input,
                latin1: false,
                refs: Refs::Lenient,
            },
            alarms: Vec::new(),
            problems: Problems::new(MAX_PROBLEMS),
            stack: Vec::new(),
            excess_depth: 0,
            too_deep_reported: false,
            too_many_alarms_reported: false,
            too_many_params_reported: false,
            root: RootState::Before,
            value: TextBuf::new(MAX_VALUE_LEN),
            frame_names: [Span::new(0, 0); 4],
            resumed: false,
            names: Vec::new(),
            resume_at: None,
        }
    }

    fn problem(&mut self, kind: ProblemKind, span: Span) {
        self.problems.push(kind, span);
    }

    fn on_event(&mut self, event: Event<'_>, start: usize, end: usize) -> Result<(), Stop> {
        match event {
            Event::Decl(_) => {
                if self.root == RootState::Before {
                    self.on_decl(start, end)?;
                }
                Ok(())
            }
            Event::Start(e) => {
                let name_len = e.name().as_ref().len();
                let local = e.local_name();
                self.on_open(local.as_ref(), name_len, start, end, false)?;
                if self.resumed {
                    self.names.push(Span::new(start + 1, name_len));
                }
                Ok(())
            }
            Event::Empty(e) => {
                let name_len = e.name().as_ref().len();
                let local = e.local_name();
                self.on_open(local.as_ref(), name_len, start, end, true)
            }
            Event::End(e) => {
                if self.resumed {
                    self.check_end_name(e.name().as_ref(), start, end)?;
                }
                self.on_close(start, end);
                Ok(())
            }
            // Entity references arrive as their own events; both go through the same
            // unescaping of the raw bytes.
            Event::Text(_) | Event::GeneralRef(_) => self.on_text(start, end, true),
            Event::CData(_) => {
                // `<![CDATA[` .. `]]>`: the content is literal.
                let inner = Span::between(start + 9, end.saturating_sub(3));
                self.on_text(inner.start, inner.end(), false)
            }
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Eof => Ok(()),
        }
    }

    /// `<?xml version=".." encoding=".."?>`: picks the charset.
    fn on_decl(&mut self, start: usize, end: usize) -> Result<(), Stop> {
        let attr = match find_attribute(self.input, start + 5, end, "encoding") {
            Ok(attr) => attr,
            Err(at) => {
                self.problem(
                    ProblemKind::Malformed("bad attribute syntax in the XML declaration".into()),
                    Span::new(at, 1),
                );
                return Err(Stop { at: start });
            }
        };
        let Some(attr) = attr else {
            return Ok(());
        };
        let label = String::from_utf8_lossy(&self.input[attr.range()]);
        let label = label.trim().to_ascii_lowercase();
        match is_latin1(&label) {
            Some(latin1) => self.decoder.latin1 = latin1,
            None => {
                let mut shown = TextBuf::new(MAX_NAME_LEN);
                shown.push_str(&label);
                self.problem(ProblemKind::UnsupportedEncoding(shown.text), attr);
            }
        }
        Ok(())
    }

    /// Decodes a name or attribute value.
    fn decode(&mut self, span: Span, unescape: bool) -> String {
        self.decoder
            .decode(span, unescape, MAX_NAME_LEN, &mut self.problems)
            .0
    }

    fn attribute(
        &mut self,
        tag: Span,
        name_len: usize,
        wanted: &str,
    ) -> Result<Option<Span>, Stop> {
        find_attribute(self.input, tag.start + 1 + name_len, tag.end(), wanted).map_err(|at| {
            self.problem(
                ProblemKind::Malformed("bad attribute syntax".into()),
                Span::new(at, 1),
            );
            Stop { at: tag.start }
        })
    }

    fn on_open(
        &mut self,
        local: &[u8],
        name_len: usize,
        start: usize,
        end: usize,
        empty: bool,
    ) -> Result<(), Stop> {
        let tag = Span::between(start, end);
        match self.root {
            RootState::Before => {
                if local.eq_ignore_ascii_case(ROOT_NAME.as_bytes()) {
                    if empty {
                        self.root = RootState::After;
                    } else {
                        self.root = RootState::Inside;
                        self.frame_names[0] = Span::new(start + 1, name_len);
                        self.stack.push(Frame::Root);
                    }
                    return Ok(());
                }
                let name = self.decode(Span::new(start + 1, name_len), false);
                self.problem(ProblemKind::UnexpectedRoot(name), tag);
                return Err(Stop { at: start });
            }
            RootState::After => {
                self.problem(
                    ProblemKind::UnexpectedContent("element after the root element".into()),
                    tag,
                );
                return Err(Stop { at: start });
            }
            RootState::Inside => {}
        }

        if self.excess_depth > 0 || self.stack.len() >= MAX_DEPTH {
            if !empty {
                self.excess_depth += 1;
            }
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                self.problem(ProblemKind::TooDeep, tag);
            }
            return Ok(());
        }

        let parent = self.stack.last().copied().unwrap_or(Frame::Ignored);
        let frame = match parent {
            Frame::Root if local.eq_ignore_ascii_case(b"Alarm") => {
                if self.alarms.len() >= MAX_ALARMS {
                    if !self.too_many_alarms_reported {
                        self.too_many_alarms_reported = true;
                        self.problem(ProblemKind::TooManyAlarms, tag);
                    }
                    Frame::Ignored
                } else {
                    self.start_alarm(tag, name_len)?;
                    Frame::Alarm
                }
            }
            Frame::Alarm if local.eq_ignore_ascii_case(b"ParameterList") => Frame::ParamList,
            Frame::ParamList => {
                let full = !matches!(self.alarms.last(), Some(a) if a.params.len() < MAX_PARAMS);
                if full {
                    if !self.too_many_params_reported {
                        self.too_many_params_reported = true;
                        self.problem(ProblemKind::TooManyParams, tag);
                    }
                    Frame::Ignored
                } else {
                    self.start_param(local, tag, name_len)?;
                    Frame::Param
                }
            }
            Frame::Ignored => Frame::Ignored,
            Frame::Param => {
                // Markup inside a value: real firmware writes unescaped text such as
                // `<not open>` (domain.md, "x-cisco-alarm"; the CP-7961G alarm in
                // FreeSWITCH's mod_skinny test-skinny.pl). The value is its raw text and
                // the parameters after it are read on.
                let name = self.decode(Span::new(start + 1, name_len), false);
                if let Some(next) = self.skip_bad_value(format!("element <{name}> inside it")) {
                    self.resume_at = Some(next);
                    return Err(Stop { at: start });
                }
                self.problem(
                    ProblemKind::UnexpectedContent(format!("element <{name}> inside a parameter")),
                    tag,
                );
                Frame::Ignored
            }
            Frame::Root | Frame::Alarm => {
                let name = self.decode(Span::new(start + 1, name_len), false);
                let place = match parent {
                    Frame::Root => "in <x-cisco-alarm>",
                    _ => "in <Alarm>",
                };
                self.problem(
                    ProblemKind::UnexpectedContent(format!("element <{name}> {place}")),
                    tag,
                );
                Frame::Ignored
            }
        };
        if empty {
            self.finish(frame, end, end);
        } else {
            if let Some(slot) = self.frame_names.get_mut(self.stack.len()) {
                *slot = Span::new(start + 1, name_len);
            }
            self.stack.push(frame);
        }
        Ok(())
    }

    fn start_alarm(&mut self, tag: Span, name_len: usize) -> Result<(), Stop> {
        let (name, name_span) = match self.attribute(tag, name_len, "Name")? {
            Some(attr) => (Some(self.decode(attr, true)), attr),
            None => {
                self.problem(ProblemKind::MissingAlarmName, tag);
                (None, tag)
            }
        };
        self.alarms.push(Alarm {
            name,
            name_span,
            element: tag,
            params: Vec::new(),
        });
        self.too_many_params_reported = false;
        Ok(())
    }

    fn start_param(&mut self, local: &[u8], tag: Span, name_len: usize) -> Result<(), Stop> {
        let kind = if local.eq_ignore_ascii_case(b"String") {
            ParamKind::String
        } else if local.eq_ignore_ascii_case(b"Enum") {
            ParamKind::Enum
        } else {
            ParamKind::Other
        };
        let tag_name_span = Span::new(tag.start + 1, name_len);
        let attr = self.attribute(tag, name_len, "name")?;
        let tag_name = self.decode(tag_name_span, false);
        let (name, name_span) = match attr {
            Some(attr) => (self.decode(attr, true), attr),
            None if kind == ParamKind::Other => (tag_name.clone(), tag_name_span),
            None => {
                self.problem(ProblemKind::MissingParamName, tag);
                (String::new(), tag_name_span)
            }
        };
        self.value = TextBuf::new(MAX_VALUE_LEN);
        let value_span = Span::new(tag.end(), 0);
        if let Some(alarm) = self.alarms.last_mut() {
            alarm.params.push(Param {
                kind,
                tag: tag_name,
                element: tag,
                name,
                name_span,
                value: String::new(),
                value_span,
                value_trimmed_span: value_span,
            });
        }
        Ok(())
    }

    /// Matches an end tag with the open element's start tag, once reading resumed after a
    /// bad value (the XML reader does it until then), in the reader's words.
    fn check_end_name(&mut self, found: &[u8], start: usize, end: usize) -> Result<(), Stop> {
        use quick_xml::errors::{Error as XmlError, IllFormedError};
        let found_text = || String::from_utf8_lossy(found).into_owned();
        let error = match self.names.pop() {
            Some(open) if &self.input[open.range()] == found => return Ok(()),
            Some(open) => IllFormedError::MismatchedEndTag {
                expected: String::from_utf8_lossy(&self.input[open.range()]).into_owned(),
                found: found_text(),
            },
            None => IllFormedError::UnmatchedEndTag(found_text()),
        };
        let why = XmlError::IllFormed(error).to_string();
        self.problem(ProblemKind::Malformed(why), Span::between(start, end));
        Err(Stop { at: start })
    }

    /// The open parameter's value is not well-formed XML (`why`): finds the parameter's
    /// end tag, keeps the raw text before it as the value, reports it and closes the
    /// parameter. Returns where reading goes on (after the end tag), or `None` when the
    /// value is not that of an open parameter or its end tag is nowhere.
    ///
    /// Real firmware writes one parameter per line and may leave markup unescaped in a
    /// value (the CP-7961G alarm in FreeSWITCH's mod_skinny `test-skinny.pl`); the
    /// open-source chan-sccp reads these alarms line by line for that reason
    /// (`handle_XMLAlarmMessage` in its `src/sccp_actions.c`). Here the unit is the
    /// parameter element rather than the line, so other layouts are read the same way.
    fn skip_bad_value(&mut self, why: String) -> Option<usize> {
        if self.excess_depth > 0 || self.stack.last() != Some(&Frame::Param) {
            return None;
        }
        let input = self.input;
        let tag = *self.frame_names.get(self.stack.len() - 1)?;
        let param = self.alarms.last()?.params.last()?;
        // Only the values phones write: other elements keep their subtrees.
        if param.kind == ParamKind::Other {
            return None;
        }
        let value_start = param.value_span.start;
        let (end_tag, next) = find_end_tag(input, value_start, &input[tag.range()])?;
        let mut raw = TextBuf::new(MAX_VALUE_LEN);
        let value_span = Span::between(value_start, end_tag);
        // Raw text, references and all: it is not XML text to unescape.
        self.decoder
            .append(value_span, true, &mut raw, &mut self.problems);
        self.stack.pop();
        // The open elements are now exactly the collected frames (the parameter's
        // path): from here on their end tags are matched by the parser.
        self.resumed = true;
        self.names.clear();
        self.names
            .extend_from_slice(self.frame_names.get(..self.stack.len())?);
        self.value = TextBuf::new(MAX_VALUE_LEN);
        let p = self.alarms.last_mut()?.params.last_mut()?;
        p.element = Span::between(p.element.start, next);
        p.value_span = value_span;
        p.value_trimmed_span = trim_span(input, value_span);
        p.value = raw.text;
        let name = p.name.clone();
        self.problem(
            ProblemKind::BadValue { name, why },
            trim_span(input, value_span),
        );
        Some(next)
    }

    fn on_close(&mut self, start: usize, end: usize) {
        if self.excess_depth > 0 {
            self.excess_depth -= 1;
            return;
        }
        // The XML reader has already checked that the end tag matches its start tag.
        if let Some(frame) = self.stack.pop() {
            self.finish(frame, start, end);
        }
        if self.stack.is_empty() && self.root == RootState::Inside {
            self.root = RootState::After;
        }
    }

    /// Completes an element whose content ends at `content_end` and whole element at `end`.
    fn finish(&mut self, frame: Frame, content_end: usize, end: usize) {
        match frame {
            Frame::Alarm => {
                if let Some(alarm) = self.alarms.last_mut() {
                    alarm.element = Span::between(alarm.element.start, end);
                }
            }
            Frame::Param => {
                let value = std::mem::replace(&mut self.value, TextBuf::new(MAX_VALUE_LEN));
                let input = self.input;
                if let Some(p) = self.alarms.last_mut().and_then(|a| a.params.last_mut()) {
                    p.element = Span::between(p.element.start, end);
                    p.value_span = Span::between(p.value_span.start, content_end);
                    p.value_trimmed_span = trim_span(input, p.value_span);
                    p.value = value.text;
                }
            }
            Frame::Root | Frame::ParamList | Frame::Ignored => {}
        }
    }

    fn on_text(&mut self, start: usize, end: usize, unescape: bool) -> Result<(), Stop> {
        let raw = &self.input[start..end];
        let blank = raw.iter().all(|&b| is_xml_space(b));
        match self.root {
            RootState::Before if !blank => {
                self.problem(ProblemKind::NotXml, Span::between(start, end));
                return Err(Stop { at: start });
            }
            RootState::After if !blank => {
                self.problem(
                    ProblemKind::UnexpectedContent("text after the root element".into()),
                    Span::between(start, end),
                );
                return Err(Stop { at: start });
            }
            RootState::Before | RootState::After => return Ok(()),
            RootState::Inside => {}
        }
        if self.excess_depth > 0 {
            return Ok(());
        }
        match self.stack.last() {
            Some(Frame::Param) => self.decoder.append(
                Span::between(start, end),
                !unescape,
                &mut self.value,
                &mut self.problems,
            ),
            Some(Frame::Root | Frame::Alarm | Frame::ParamList) if !blank => self.problem(
                ProblemKind::UnexpectedContent("text outside a parameter".into()),
                Span::between(start, end),
            ),
            _ => {}
        }
        Ok(())
    }
}

/// The first end tag `</name>` (spaces allowed before `>`) at or after `from`: where it
/// starts and where it ends. `None` when the next parameter (`<String`, `<Enum`) or the
/// end of the list (`</ParameterList`) comes first: a value does not reach that far, and
/// the document is then broken in a way that one value does not explain.
fn find_end_tag(input: &[u8], from: usize, name: &[u8]) -> Option<(usize, usize)> {
    let starts_tag = |rest: &[u8], tag: &[u8]| {
        rest.len() > tag.len()
            && rest[..tag.len()].eq_ignore_ascii_case(tag)
            && (is_xml_space(rest[tag.len()]) || matches!(rest[tag.len()], b'>' | b'/'))
    };
    let mut i = from;
    while i < input.len() {
        let at = i + input[i..].iter().position(|&b| b == b'<')?;
        let rest = &input[at + 1..];
        if starts_tag(rest, b"String")
            || starts_tag(rest, b"Enum")
            || starts_tag(rest, b"/ParameterList")
        {
            return None;
        }
        if rest.first() == Some(&b'/') && rest[1..].starts_with(name) {
            let mut j = at + 2 + name.len();
            while j < input.len() && is_xml_space(input[j]) {
                j += 1;
            }
            if input.get(j) == Some(&b'>') {
                return Some((at, j + 1));
            }
        }
        i = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::protocol_event::{split_protocol_event, Direction};
    use super::super::signature::decode_hex_signature;
    use super::*;
    use crate::xml::mutate::{mutations, Edits};
    use std::time::{Duration, Instant};

    /// seeds/002: the DeviceTLInfo REFER body, verbatim (570 bytes, the Content-Length).
    const SEED_TL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<x-cisco-alarm>
<Alarm Name="DeviceTLInfo">
<ParameterList>
<String name="DeviceName">SEPC4B9CD808647</String>
<String name="IPv4Address">192.168.15.20</String>
<String name="IPv6Address"></String>
<String name="CTL_Signature">Not Installed</String>
<String name="CTL_TFTP_Server">N/A</String>
<String name="ITL_Signature">3E 91 A3 5D A3 D6 BD B7 0F 09 21 98 18 3F 64 D3 B2 8E 80 15 </String>
<String name="ITL_TFTP_Server">pub.techvivi.local</String>
<String name="StatusCode">3</String>
</ParameterList>
</Alarm>
</x-cisco-alarm>"#;

    /// seeds/002: the LastOutOfServiceInformation REFER body, verbatim.
    const SEED_OOS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<x-cisco-alarm>
<Alarm Name="LastOutOfServiceInformation">
<ParameterList>
<String name="DeviceName">SEPC4B9CD808647</String>
<String name="DeviceIPv4Address">192.168.15.20/24</String>
<String name="IPv4DefaultGateway">192.168.15.251</String>
<String name="DeviceIPv6Address"></String>
<String name="IPv6DefaultGateway"></String>
<String name="ModelNumber">CP-7821</String>
<String name="NeighborIPv4Address">192.168.15.252</String>
<String name="NeighborIPv6Address"></String>
<String name="NeighborDeviceID">3560_DC_SW.techvivi.local</String>
<String name="NeighborPortID">GigabitEthernet0/21</String>
<Enum name="DHCPv4Status">1</Enum>
<Enum name="DHCPv6Status">3</Enum>
<Enum name="TFTPCfgStatus">1</Enum>
<Enum name="DNSStatusUnifiedCM1">0</Enum>
<Enum name="DNSStatusUnifiedCM2">0</Enum>
<Enum name="DNSStatusUnifiedCM3">0</Enum>
<Enum name="DNSv6StatusUnifiedCM1">0</Enum>
<Enum name="DNSv6StatusUnifiedCM2">0</Enum>
<Enum name="DNSv6StatusUnifiedCM3">0</Enum>
<String name="VoiceVLAN">15</String>
<String name="UnifiedCMIPAddress">192.168.110.100</String>
<String name="LocalPort">50386</String>
<String name="TimeStamp">1579128304808</String>
<Enum name="ReasonForOutOfService">25</Enum>
<String name="LastProtocolEventSent">Sent:REGISTER sip:192.168.110.100 SIP/2.0 Cseq:336 REGISTER CallId:c4b9cd80-86470022-467f1380-3b60328a@192.168.15.20 </String>
<String name="LastProtocolEventReceived">Rcvd:SIP/2.0 200 OK Cseq:122 REGISTER CallId:c4b9cd80-86470003-6438bc5f-78ebaf4c@192.168.15.22 </String>
<String name="ReasonForOutOfServiceText">LastTimeInitialized</String>
</ParameterList>
</Alarm>
</x-cisco-alarm>"#;

    /// Every span lies inside the input, and the documented relations between spans hold.
    fn check_spans(doc: &AlarmDocument, input: &[u8]) {
        let n = input.len();
        for p in &doc.problems {
            assert!(p.span.end() <= n, "{p:?} outside {n}");
        }
        assert!(doc.problems.len() <= MAX_PROBLEMS);
        assert!(doc.alarms.len() <= MAX_ALARMS);
        for a in &doc.alarms {
            assert!(a.element.end() <= n);
            assert!(a.name_span.end() <= n);
            assert!(a.params.len() <= MAX_PARAMS);
            for p in &a.params {
                assert!(p.element.end() <= n, "{p:?}");
                assert!(p.name_span.end() <= n);
                assert!(p.element.start >= a.element.start && p.element.end() <= a.element.end());
                assert!(p.value_span.start >= p.element.start);
                assert!(p.value_span.end() <= p.element.end());
                assert!(p.value_trimmed_span.start >= p.value_span.start);
                assert!(p.value_trimmed_span.end() <= p.value_span.end());
                assert!(p.value.chars().count() <= MAX_VALUE_LEN);
                assert!(p.name.chars().count() <= MAX_NAME_LEN);
            }
        }
    }

    fn parse(input: &[u8]) -> AlarmDocument {
        let doc = parse_alarm_document(input);
        check_spans(&doc, input);
        doc
    }

    fn kinds(doc: &AlarmDocument) -> Vec<ProblemKind> {
        doc.problems.iter().map(|p| p.kind.clone()).collect()
    }

    fn has(doc: &AlarmDocument, pred: impl Fn(&ProblemKind) -> bool) -> bool {
        doc.problems.iter().any(|p| pred(&p.kind))
    }

    /// Wraps parameter elements in a complete document.
    fn wrap(params: &str) -> String {
        format!("<x-cisco-alarm><Alarm Name=\"T\"><ParameterList>{params}</ParameterList></Alarm></x-cisco-alarm>")
    }

    fn only_value(input: &str) -> (AlarmDocument, String) {
        let doc = parse(input.as_bytes());
        let v = doc.alarms[0].params[0].value.clone();
        (doc, v)
    }

    #[test]
    fn seed_device_tl_info() {
        assert_eq!(SEED_TL.len(), 570);
        let doc = parse(SEED_TL.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.alarms.len(), 1);
        let alarm = &doc.alarms[0];
        assert_eq!(alarm.name.as_deref(), Some("DeviceTLInfo"));
        assert_eq!(&SEED_TL[alarm.name_span.range()], "DeviceTLInfo");
        assert!(SEED_TL[alarm.element.range()].starts_with("<Alarm Name="));
        assert!(SEED_TL[alarm.element.range()].ends_with("</Alarm>"));
        let expected = [
            ("DeviceName", "SEPC4B9CD808647"),
            ("IPv4Address", "192.168.15.20"),
            ("IPv6Address", ""),
            ("CTL_Signature", "Not Installed"),
            ("CTL_TFTP_Server", "N/A"),
            (
                "ITL_Signature",
                "3E 91 A3 5D A3 D6 BD B7 0F 09 21 98 18 3F 64 D3 B2 8E 80 15 ",
            ),
            ("ITL_TFTP_Server", "pub.techvivi.local"),
            ("StatusCode", "3"),
        ];
        assert_eq!(alarm.params.len(), expected.len());
        for (p, (name, value)) in alarm.params.iter().zip(expected) {
            assert_eq!(p.kind, ParamKind::String);
            assert_eq!(p.tag, "String");
            assert_eq!(p.name, name);
            assert_eq!(p.value, value);
            assert_eq!(&SEED_TL[p.name_span.range()], name);
            assert_eq!(&SEED_TL[p.value_span.range()], value);
            assert_eq!(&SEED_TL[p.value_trimmed_span.range()], value.trim());
            assert_eq!(p.trimmed_value(), value.trim());
            let element = &SEED_TL[p.element.range()];
            assert_eq!(element, format!("<String name=\"{name}\">{value}</String>"));
        }
        let sig = alarm.param("ITL_Signature").unwrap();
        assert_eq!(
            decode_hex_signature(&sig.value).unwrap().unwrap(),
            vec![
                0x3E, 0x91, 0xA3, 0x5D, 0xA3, 0xD6, 0xBD, 0xB7, 0x0F, 0x09, 0x21, 0x98, 0x18, 0x3F,
                0x64, 0xD3, 0xB2, 0x8E, 0x80, 0x15
            ]
        );
        let ctl = param(alarm, "CTL_Signature").unwrap();
        assert_eq!(decode_hex_signature(&ctl.value), Ok(None));
        assert!(param(alarm, "NoSuchThing").is_none());
    }

    #[test]
    fn seed_last_out_of_service() {
        let doc = parse(SEED_OOS.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.alarms.len(), 1);
        let alarm = &doc.alarms[0];
        assert_eq!(alarm.name.as_deref(), Some("LastOutOfServiceInformation"));
        use ParamKind::{Enum as E, String as S};
        let expected = [
            (S, "DeviceName", "SEPC4B9CD808647"),
            (S, "DeviceIPv4Address", "192.168.15.20/24"),
            (S, "IPv4DefaultGateway", "192.168.15.251"),
            (S, "DeviceIPv6Address", ""),
            (S, "IPv6DefaultGateway", ""),
            (S, "ModelNumber", "CP-7821"),
            (S, "NeighborIPv4Address", "192.168.15.252"),
            (S, "NeighborIPv6Address", ""),
            (S, "NeighborDeviceID", "3560_DC_SW.techvivi.local"),
            (S, "NeighborPortID", "GigabitEthernet0/21"),
            (E, "DHCPv4Status", "1"),
            (E, "DHCPv6Status", "3"),
            (E, "TFTPCfgStatus", "1"),
            (E, "DNSStatusUnifiedCM1", "0"),
            (E, "DNSStatusUnifiedCM2", "0"),
            (E, "DNSStatusUnifiedCM3", "0"),
            (E, "DNSv6StatusUnifiedCM1", "0"),
            (E, "DNSv6StatusUnifiedCM2", "0"),
            (E, "DNSv6StatusUnifiedCM3", "0"),
            (S, "VoiceVLAN", "15"),
            (S, "UnifiedCMIPAddress", "192.168.110.100"),
            (S, "LocalPort", "50386"),
            (S, "TimeStamp", "1579128304808"),
            (E, "ReasonForOutOfService", "25"),
            (
                S,
                "LastProtocolEventSent",
                "Sent:REGISTER sip:192.168.110.100 SIP/2.0 Cseq:336 REGISTER CallId:c4b9cd80-86470022-467f1380-3b60328a@192.168.15.20 ",
            ),
            (
                S,
                "LastProtocolEventReceived",
                "Rcvd:SIP/2.0 200 OK Cseq:122 REGISTER CallId:c4b9cd80-86470003-6438bc5f-78ebaf4c@192.168.15.22 ",
            ),
            (S, "ReasonForOutOfServiceText", "LastTimeInitialized"),
        ];
        assert_eq!(alarm.params.len(), expected.len());
        for (p, (kind, name, value)) in alarm.params.iter().zip(expected) {
            assert_eq!(p.kind, kind, "{name}");
            assert_eq!(p.name, name);
            assert_eq!(p.value, value);
            assert_eq!(&SEED_OOS[p.name_span.range()], name);
            assert_eq!(&SEED_OOS[p.value_span.range()], value);
            assert_eq!(&SEED_OOS[p.value_trimmed_span.range()], value.trim());
            let tag = if kind == E { "Enum" } else { "String" };
            assert_eq!(p.tag, tag);
            assert_eq!(
                &SEED_OOS[p.element.range()],
                format!("<{tag} name=\"{name}\">{value}</{tag}>")
            );
        }

        let sent =
            split_protocol_event(&alarm.param("LastProtocolEventSent").unwrap().value).unwrap();
        assert_eq!(sent.direction.value, Direction::Sent);
        assert_eq!(sent.method_or_status.value, "REGISTER");
        assert_eq!(sent.request_uri.unwrap().value, "sip:192.168.110.100");
        assert_eq!(sent.cseq_number.unwrap().value, 336);
        let rcvd =
            split_protocol_event(&alarm.param("LastProtocolEventReceived").unwrap().value).unwrap();
        assert_eq!(rcvd.direction.value, Direction::Received);
        assert_eq!(rcvd.method_or_status.value, "200 OK");
        assert_eq!(rcvd.status_code.unwrap().value, 200);
    }

    #[test]
    fn both_seeds_in_one_document_keep_order() {
        let body = |s: &str| {
            let start = s.find("<Alarm").unwrap();
            let end = s.rfind("</Alarm>").unwrap() + "</Alarm>".len();
            s[start..end].to_string()
        };
        let input = format!(
            "<x-cisco-alarm>{}\n{}</x-cisco-alarm>",
            body(SEED_TL),
            body(SEED_OOS)
        );
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        let names: Vec<_> = doc
            .alarms
            .iter()
            .map(|a| a.name.as_deref().unwrap())
            .collect();
        assert_eq!(names, ["DeviceTLInfo", "LastOutOfServiceInformation"]);
        assert_eq!(doc.alarms[0].params.len(), 8);
        assert_eq!(doc.alarms[1].params.len(), 27);
    }

    #[test]
    fn every_prefix_of_both_seeds() {
        for seed in [SEED_TL, SEED_OOS] {
            let full = parse(seed.as_bytes());
            let full_params = &full.alarms[0].params;
            let mut last_count = 0;
            for cut in 0..seed.len() {
                let input = &seed.as_bytes()[..cut];
                let doc = parse(input);
                // A prefix always misses its end: exactly one stopping problem.
                assert_eq!(kinds(&doc), vec![ProblemKind::Truncated], "cut {cut}");
                let params = doc.alarms.first().map_or(&[][..], |a| &a.params[..]);
                assert!(params.len() >= last_count, "cut {cut}: fewer parameters");
                last_count = params.len();
                // Finished parameters are identical to the full parse; the last one may
                // have a partial value.
                for (i, p) in params.iter().enumerate() {
                    let f = &full_params[i];
                    assert_eq!(
                        (p.kind, &p.name, p.name_span),
                        (f.kind, &f.name, f.name_span)
                    );
                    if i + 1 < params.len() {
                        assert_eq!(p, f, "cut {cut}");
                    } else {
                        assert!(f.value.starts_with(&p.value), "cut {cut}");
                        assert_eq!(p.value_span.start, f.value_span.start);
                    }
                }
                if let Some(a) = doc.alarms.first() {
                    assert_eq!(a.name, full.alarms[0].name);
                    assert!(a.element.end() <= cut);
                }
            }
            assert_eq!(last_count, full_params.len());
        }
    }

    #[test]
    fn truncated_inside_value_keeps_partial_value() {
        let input =
            "<x-cisco-alarm><Alarm Name=\"A\"><ParameterList><String name=\"DeviceName\">SEPC4B9";
        let doc = parse(input.as_bytes());
        assert_eq!(
            doc.problems,
            vec![Problem {
                kind: ProblemKind::Truncated,
                span: Span::new(input.len(), 0)
            }]
        );
        let p = &doc.alarms[0].params[0];
        assert_eq!(p.value, "SEPC4B9");
        assert_eq!(p.element.end(), input.len());
        assert_eq!(doc.alarms[0].element.end(), input.len());
    }

    #[test]
    fn truncated_inside_tag_spans_the_unfinished_markup() {
        let input = "<x-cisco-alarm><Alarm Name=\"A\"><ParameterList><String name=\"Dev";
        let doc = parse(input.as_bytes());
        let start = input.find("<String").unwrap();
        assert_eq!(
            doc.problems,
            vec![Problem {
                kind: ProblemKind::Truncated,
                span: Span::between(start, input.len())
            }]
        );
        assert_eq!(doc.alarms.len(), 1);
        assert!(doc.alarms[0].params.is_empty());
        assert_eq!(doc.alarms[0].element.end(), start);
    }

    #[test]
    fn mismatched_end_tag_is_malformed_and_keeps_earlier_params() {
        let input = wrap("<String name=\"a\">1</String><String name=\"b\">2</Strin><String name=\"c\">3</String>");
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems.len(), 1);
        let p = &doc.problems[0];
        assert!(matches!(p.kind, ProblemKind::Malformed(_)), "{p:?}");
        assert_eq!(&input[p.span.range()], "</Strin>");
        let params = &doc.alarms[0].params;
        assert_eq!(params.len(), 2);
        assert_eq!(params[0].value, "1");
        assert_eq!(params[1].value, "2");
        assert_eq!(params[1].element.end(), p.span.start);
    }

    #[test]
    fn broken_attributes_are_malformed() {
        for (bad, at) in [
            ("<String name=foo>x</String>", "foo"),
            ("<String name>x</String>", ">"),
            ("<String name=\"x>x</String>", ""),
        ] {
            let input = wrap(&format!("<String name=\"ok\">1</String>{bad}"));
            let doc = parse(input.as_bytes());
            if at.is_empty() {
                // The unclosed quote swallows the rest: looks like truncation.
                assert_eq!(kinds(&doc), vec![ProblemKind::Truncated], "{bad}");
            } else {
                assert_eq!(doc.problems.len(), 1, "{bad}");
                assert!(matches!(doc.problems[0].kind, ProblemKind::Malformed(_)));
                assert!(input[doc.problems[0].span.start..].starts_with(at), "{bad}");
            }
            assert_eq!(doc.alarms[0].params.len(), 1, "{bad}");
            assert_eq!(doc.alarms[0].params[0].value, "1");
        }
    }

    #[test]
    fn other_syntax_errors() {
        let doc = parse(b"<x-cisco-alarm><!bogus></x-cisco-alarm>");
        assert!(matches!(kinds(&doc)[..], [ProblemKind::Malformed(_)]));
        let doc = parse(b"<x-cisco-alarm></Alarm></x-cisco-alarm>");
        assert!(matches!(kinds(&doc)[..], [ProblemKind::Malformed(_)]));
        let doc = parse(b"</x-cisco-alarm>");
        assert!(matches!(kinds(&doc)[..], [ProblemKind::Malformed(_)]));
    }

    #[test]
    fn not_xml() {
        for input in [
            &b"hello world"[..],
            b"\x00\x01\x02\xff",
            b"  {\"json\": 1}",
            b"\xEF\xBB\xBFplain",
        ] {
            let doc = parse(input);
            assert_eq!(kinds(&doc), vec![ProblemKind::NotXml], "{input:?}");
            assert!(doc.alarms.is_empty());
        }
        let input = b"<?xml version=\"1.0\"?> text <x-cisco-alarm/>";
        let doc = parse(input);
        assert_eq!(kinds(&doc), vec![ProblemKind::NotXml]);
        assert_eq!(doc.problems[0].span.start, 21);
    }

    #[test]
    fn empty_input() {
        for input in [&b""[..], b"   \r\n", b"\xEF\xBB\xBF"] {
            let doc = parse(input);
            assert_eq!(
                doc.problems,
                vec![Problem {
                    kind: ProblemKind::Truncated,
                    span: Span::new(input.len(), 0)
                }]
            );
            assert!(doc.alarms.is_empty());
        }
    }

    #[test]
    fn unexpected_root() {
        let input = b"<?xml version=\"1.0\"?><html><body/></html>";
        let doc = parse(input);
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::UnexpectedRoot("html".into())]
        );
        assert_eq!(&input[doc.problems[0].span.range()], b"<html>");
    }

    #[test]
    fn empty_root_and_empty_alarm() {
        let doc = parse(b"<x-cisco-alarm/>");
        assert_eq!(doc, AlarmDocument::default());
        let doc = parse(b"<x-cisco-alarm><Alarm Name=\"X\"/></x-cisco-alarm>");
        assert!(doc.problems.is_empty());
        assert_eq!(doc.alarms[0].name.as_deref(), Some("X"));
        assert_eq!(doc.alarms[0].element, Span::new(15, 17));
    }

    #[test]
    fn empty_elements_give_empty_values() {
        let input =
            wrap("<String name=\"IPv6Address\"></String><String name=\"x\"/><Enum name='e' />");
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        let params = &doc.alarms[0].params;
        assert_eq!(params.len(), 3);
        for p in params {
            assert_eq!(p.value, "");
            assert_eq!(p.value_span.len, 0);
        }
        assert_eq!(&input[params[1].element.range()], "<String name=\"x\"/>");
        assert_eq!(params[1].value_span.start, params[1].element.end());
        assert_eq!(params[2].kind, ParamKind::Enum);
        assert_eq!(params[2].name, "e");
    }

    #[test]
    fn missing_names() {
        let input = "<x-cisco-alarm><Alarm><ParameterList><String>v</String></ParameterList></Alarm></x-cisco-alarm>";
        let doc = parse(input.as_bytes());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::MissingAlarmName, ProblemKind::MissingParamName]
        );
        assert_eq!(&input[doc.problems[0].span.range()], "<Alarm>");
        let alarm = &doc.alarms[0];
        assert_eq!(alarm.name, None);
        assert_eq!(alarm.params[0].name, "");
        assert_eq!(alarm.params[0].value, "v");
        assert_eq!(&input[alarm.params[0].name_span.range()], "String");
    }

    #[test]
    fn unknown_children_are_kept() {
        let input =
            wrap("<Integer name=\"Count\">5</Integer><Foo>bar</Foo><String name=\"s\">x</String>");
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        let p = &doc.alarms[0].params;
        assert_eq!(
            (
                p[0].kind,
                p[0].tag.as_str(),
                p[0].name.as_str(),
                p[0].value.as_str()
            ),
            (ParamKind::Other, "Integer", "Count", "5")
        );
        assert_eq!(
            (
                p[1].kind,
                p[1].tag.as_str(),
                p[1].name.as_str(),
                p[1].value.as_str()
            ),
            (ParamKind::Other, "Foo", "Foo", "bar")
        );
        assert_eq!(&input[p[1].name_span.range()], "Foo");
        assert_eq!(p[2].kind, ParamKind::String);
    }

    #[test]
    fn unexpected_content_is_reported_and_skipped() {
        let input = "<x-cisco-alarm>junk<Other/><Alarm Name=\"A\"><Extra>x</Extra><ParameterList>text<String name=\"s\">a<b>ignored</b>c</String></ParameterList></Alarm></x-cisco-alarm>";
        let doc = parse(input.as_bytes());
        let k = kinds(&doc);
        assert_eq!(k.len(), 5, "{k:?}");
        assert!(k[..4]
            .iter()
            .all(|k| matches!(k, ProblemKind::UnexpectedContent(_))));
        // Markup inside a String value: the value is its raw text (tolerant reader).
        assert_eq!(
            k[4],
            ProblemKind::BadValue {
                name: "s".into(),
                why: "element <b> inside it".into()
            }
        );
        let spans: Vec<&str> = doc
            .problems
            .iter()
            .map(|p| &input[p.span.range()])
            .collect();
        assert_eq!(
            spans,
            ["junk", "<Other/>", "<Extra>", "text", "a<b>ignored</b>c"]
        );
        let p = &doc.alarms[0].params[0];
        assert_eq!(p.value, "a<b>ignored</b>c");
        assert_eq!(&input[p.value_span.range()], "a<b>ignored</b>c");
        assert_eq!(
            &input[p.element.range()],
            "<String name=\"s\">a<b>ignored</b>c</String>"
        );
        assert_eq!(
            doc.alarms[0].element.end(),
            input.len() - "</x-cisco-alarm>".len()
        );
    }

    #[test]
    fn content_after_root_stops() {
        let doc = parse(b"<x-cisco-alarm><Alarm Name=\"A\"/></x-cisco-alarm>\n<x-cisco-alarm/>");
        assert_eq!(doc.alarms.len(), 1);
        assert!(matches!(
            kinds(&doc)[..],
            [ProblemKind::UnexpectedContent(_)]
        ));
        let doc = parse(b"<x-cisco-alarm/> trailing");
        assert!(matches!(
            kinds(&doc)[..],
            [ProblemKind::UnexpectedContent(_)]
        ));
        // Whitespace, comments and processing instructions after the root are fine.
        let doc = parse(b"<x-cisco-alarm/>\r\n<!-- c --><?pi x?>\n");
        assert!(doc.problems.is_empty());
    }

    #[test]
    fn entities_and_character_references() {
        let (doc, v) = only_value(&wrap(
            "<String name=\"a&amp;b\">x &amp; y &lt;&gt;&quot;&apos;&#65;&#x42;&#X43;</String>",
        ));
        assert_eq!(doc.problems, vec![]);
        assert_eq!(v, "x & y <>\"'ABC");
        assert_eq!(doc.alarms[0].params[0].name, "a&b");

        let input = wrap("<String name=\"n\">AT&T &nbsp; &#0; &#xD800; &#99999999999; &;</String>");
        let (doc, v) = only_value(&input);
        assert_eq!(v, "AT&T &nbsp; &#0; &#xD800; &#99999999999; &;");
        let spans: Vec<&str> = doc
            .problems
            .iter()
            .map(|p| &input[p.span.range()])
            .collect();
        assert_eq!(
            spans,
            ["&", "&nbsp;", "&#0;", "&#xD800;", "&#99999999999;", "&;"]
        );
        assert!(doc
            .problems
            .iter()
            .all(|p| matches!(p.kind, ProblemKind::BadReference(_))));

        let (doc, v) = only_value(&wrap(
            "<String name=\"n\">a<![CDATA[<&amp;>]]>b<!-- c -->d</String>",
        ));
        assert_eq!(doc.problems, vec![]);
        assert_eq!(v, "a<&amp;>bd");

        let alarm = "<x-cisco-alarm><Alarm Name=\"Image &quot;x&quot;\"/></x-cisco-alarm>";
        assert_eq!(
            parse(alarm.as_bytes()).alarms[0].name.as_deref(),
            Some("Image \"x\"")
        );
    }

    #[test]
    fn bad_utf8_is_decoded_lossily() {
        let mut input = wrap("<String name=\"n\">ab@@cd</String>").into_bytes();
        let at = input.windows(2).position(|w| w == b"@@").unwrap();
        input[at] = 0xFF;
        input[at + 1] = 0xC3; // a lead byte followed by 'c': invalid too
        let doc = parse(&input);
        assert_eq!(
            doc.problems,
            vec![Problem {
                kind: ProblemKind::BadUtf8,
                span: Span::new(at, 2)
            }]
        );
        assert_eq!(doc.alarms[0].params[0].value, "ab\u{FFFD}\u{FFFD}cd");

        // In a name too.
        let input = b"<x-cisco-alarm><Alarm Name=\"\xE9t\xE9\"/></x-cisco-alarm>";
        let doc = parse(input);
        assert_eq!(kinds(&doc), vec![ProblemKind::BadUtf8]);
        assert_eq!(doc.alarms[0].name.as_deref(), Some("\u{FFFD}t\u{FFFD}"));

        // Valid multibyte UTF-8 passes.
        let (doc, v) = only_value(&wrap("<String name=\"n\">Zürich ☎</String>"));
        assert!(doc.problems.is_empty());
        assert_eq!(v, "Zürich ☎");
    }

    #[test]
    fn latin1_declaration() {
        let mut input = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>".to_vec();
        input.extend_from_slice(wrap("<String name=\"Loc\">Z\u{FC}rich</String>").as_bytes());
        // Replace the UTF-8 'ü' with its Latin-1 byte.
        let at = input.windows(2).position(|w| w == "ü".as_bytes()).unwrap();
        input.splice(at..at + 2, [0xFC]);
        let doc = parse(&input);
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.alarms[0].params[0].value, "Zürich");

        let mut input = b"<?xml version='1.0' encoding='latin1'?>".to_vec();
        input.extend_from_slice(b"<x-cisco-alarm><Alarm Name=\"\xE9\"/></x-cisco-alarm>");
        assert_eq!(parse(&input).alarms[0].name.as_deref(), Some("é"));
    }

    #[test]
    fn unsupported_encoding() {
        let input = format!(
            "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>{}",
            wrap("<String name=\"n\">v</String>")
        );
        let doc = parse(input.as_bytes());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::UnsupportedEncoding("shift_jis".into())]
        );
        assert_eq!(&input[doc.problems[0].span.range()], "Shift_JIS");
        assert_eq!(doc.alarms[0].params[0].value, "v");
    }

    #[test]
    fn utf8_bom_keeps_positions() {
        let mut input = b"\xEF\xBB\xBF".to_vec();
        input.extend_from_slice(SEED_TL.as_bytes());
        let doc = parse(&input);
        assert_eq!(doc.problems, vec![]);
        let p = &doc.alarms[0].params[0];
        assert_eq!(&input[p.value_span.range()], b"SEPC4B9CD808647");
    }

    #[test]
    fn trimmed_span_and_value() {
        let input =
            wrap("<String name=\"n\">\n  padded value \t</String><String name=\"w\">   </String>");
        let doc = parse(input.as_bytes());
        let p = &doc.alarms[0].params;
        assert_eq!(p[0].value, "\n  padded value \t");
        assert_eq!(p[0].trimmed_value(), "padded value");
        assert_eq!(&input[p[0].value_trimmed_span.range()], "padded value");
        assert_eq!(p[1].trimmed_value(), "");
        assert_eq!(p[1].value_trimmed_span.len, 0);
    }

    #[test]
    fn attribute_quirks() {
        // Single quotes, spaces around '=', case-insensitive attribute name, extra attributes.
        let input = "<x-cisco-alarm><Alarm  id=\"1\" name = 'A' Name=\"B\"><ParameterList><String NAME='n' type=\"t\">v</String></ParameterList></Alarm></x-cisco-alarm>";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.alarms[0].name.as_deref(), Some("A"));
        assert_eq!(doc.alarms[0].params[0].name, "n");
    }

    #[test]
    fn too_many_params_is_bounded_and_fast() {
        let mut params = String::new();
        for i in 0..100_000 {
            params.push_str(&format!("<String name=\"p{i}\">{i}</String>"));
        }
        let input = wrap(&params);
        let t = Instant::now();
        let doc = parse(input.as_bytes());
        assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
        assert_eq!(kinds(&doc), vec![ProblemKind::TooManyParams]);
        assert_eq!(doc.alarms[0].params.len(), MAX_PARAMS);
        assert_eq!(
            doc.alarms[0].params[MAX_PARAMS - 1].value,
            (MAX_PARAMS - 1).to_string()
        );
        assert!(doc.alarms[0].element.end() == input.len() - "</x-cisco-alarm>".len());
    }

    #[test]
    fn too_many_params_reported_per_alarm() {
        let params: String = (0..MAX_PARAMS + 1)
            .map(|_| "<Enum name=\"e\">1</Enum>")
            .collect();
        let alarm = format!("<Alarm Name=\"A\"><ParameterList>{params}</ParameterList></Alarm>");
        let input = format!("<x-cisco-alarm>{alarm}{alarm}</x-cisco-alarm>");
        let doc = parse(input.as_bytes());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::TooManyParams, ProblemKind::TooManyParams]
        );
    }

    #[test]
    fn too_many_alarms() {
        let alarms: String = (0..100)
            .map(|i| format!("<Alarm Name=\"A{i}\"/>"))
            .collect();
        let input = format!("<x-cisco-alarm>{alarms}</x-cisco-alarm>");
        let doc = parse(input.as_bytes());
        assert_eq!(kinds(&doc), vec![ProblemKind::TooManyAlarms]);
        assert_eq!(doc.alarms.len(), MAX_ALARMS);
        assert_eq!(doc.alarms[MAX_ALARMS - 1].name.as_deref(), Some("A15"));
    }

    #[test]
    fn deep_nesting_is_bounded_and_fast() {
        let depth = 100_000;
        let mut input = String::from(
            "<x-cisco-alarm><Alarm Name=\"A\"><ParameterList><String name=\"n\">v</String>",
        );
        input.push_str(&"<a>".repeat(depth));
        input.push_str("text");
        input.push_str(&"</a>".repeat(depth));
        input.push_str("<String name=\"after\">w</String></ParameterList></Alarm></x-cisco-alarm>");
        let t = Instant::now();
        let doc = parse(input.as_bytes());
        assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
        assert_eq!(
            kinds(&doc),
            vec![
                ProblemKind::UnexpectedContent("element <a> inside a parameter".into()),
                ProblemKind::TooDeep
            ]
        );
        let params = &doc.alarms[0].params;
        // The outermost <a> is a parameter (Other), its subtree is skipped.
        assert_eq!(params.len(), 3);
        assert_eq!(params[1].tag, "a");
        assert_eq!(params[2].name, "after");
        assert_eq!(params[2].value, "w");

        // The same, never closed.
        let mut input = String::from("<x-cisco-alarm>");
        input.push_str(&"<a>".repeat(depth));
        let doc = parse(input.as_bytes());
        assert!(has(&doc, |k| *k == ProblemKind::TooDeep));
        assert!(has(&doc, |k| *k == ProblemKind::Truncated));
    }

    #[test]
    fn huge_value_is_cut() {
        let big = "A".repeat(1_000_000);
        let input = wrap(&format!(
            "<String name=\"n\">{big}</String><String name=\"m\">ok</String>"
        ));
        let doc = parse(input.as_bytes());
        assert_eq!(kinds(&doc), vec![ProblemKind::ValueTooLong]);
        let p = &doc.alarms[0].params;
        assert_eq!(p[0].value.len(), MAX_VALUE_LEN);
        assert_eq!(p[0].value_span.len, big.len());
        assert_eq!(p[1].value, "ok");

        // Cut in the middle of multibyte characters and entities.
        let big = "é&amp;".repeat(MAX_VALUE_LEN);
        let (doc, v) = only_value(&wrap(&format!("<String name=\"n\">{big}</String>")));
        assert_eq!(kinds(&doc), vec![ProblemKind::ValueTooLong]);
        assert_eq!(v.chars().count(), MAX_VALUE_LEN);
        assert!(v.starts_with("é&é&"));

        // Long names are cut too.
        let name = "N".repeat(10_000);
        let input = format!("<x-cisco-alarm><Alarm Name=\"{name}\"/></x-cisco-alarm>");
        let doc = parse(input.as_bytes());
        assert_eq!(kinds(&doc), vec![ProblemKind::ValueTooLong]);
        assert_eq!(doc.alarms[0].name.as_ref().unwrap().len(), MAX_NAME_LEN);
    }

    #[test]
    fn problems_are_capped() {
        let params: String = (0..1000).map(|_| "<String>&bad;</String>").collect();
        let doc = parse(wrap(&params).as_bytes());
        assert_eq!(doc.problems.len(), MAX_PROBLEMS);
        assert_eq!(
            doc.problems.last().unwrap().kind,
            ProblemKind::TooManyProblems
        );
        assert_eq!(doc.alarms[0].params.len(), MAX_PARAMS);
    }

    #[test]
    fn mutated_seeds_never_panic() {
        // `parse` checks the span invariants on each result.
        let specials = b"<>/&;\"'=!?[]-\xFF\xC3 \n";
        let edits = Edits { max: 4, cut: false };
        for bytes in mutations(
            0x9E37_79B9_7F4A_7C15,
            &[SEED_TL, SEED_OOS],
            specials,
            3000,
            edits,
        ) {
            let _ = parse(&bytes);
        }
    }

    #[test]
    fn display_texts() {
        assert_eq!(ParamKind::Enum.as_str(), "Enum");
        assert_eq!(
            ProblemKind::Truncated.to_string(),
            "Alarm document is truncated"
        );
        assert_eq!(
            ProblemKind::UnexpectedRoot("html".into()).to_string(),
            "Root element is <html>, not <x-cisco-alarm>"
        );
        assert_eq!(
            ProblemKind::TooManyParams.to_string(),
            "More than 256 parameters in one alarm; the rest are skipped"
        );
    }

    /// The structure of the LastOutOfServiceInformation alarm a CP-7961G sent over SCCP,
    /// published with FreeSWITCH's mod_skinny tests (signalwire/freeswitch,
    /// `src/mod/endpoints/mod_skinny/test-skinny.pl`, sent as XML_ALARM_MESSAGE):
    /// rebuilt with its parameters in its order, one per line, and its sloppy values
    /// (`<not open>` unescaped in UnifiedCMIPAddress, LocalPort -1, VoiceVLAN 4095, an
    /// empty ReasonForOutOfService Enum, the SCCP-form events `1:Register` and
    /// `129:RegisterAck`, no ReasonForOutOfServiceText, no DNSv6 statuses). The device,
    /// addresses and time are ours.
    const SCCP_7961: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<x-cisco-alarm>\n\
<Alarm Name=\"LastOutOfServiceInformation\">\n\
<ParameterList>\n\
<String name=\"DeviceName\">SEP00AABB007961</String>\n\
<String name=\"DeviceIPv4Address\">10.20.30.41/24</String>\n\
<String name=\"IPv4DefaultGateway\">10.20.30.1</String>\n\
<String name=\"DeviceIPv6Address\"></String>\n\
<String name=\"IPv6DefaultGateway\"></String>\n\
<String name=\"ModelNumber\">CP-7961G</String>\n\
<String name=\"NeighborIPv4Address\">10.20.0.2</String>\n\
<String name=\"NeighborIPv6Address\"></String>\n\
<String name=\"NeighborDeviceID\">access-sw.example</String>\n\
<String name=\"NeighborPortID\">7</String>\n\
<Enum name=\"DHCPv4Status\">1</Enum>\n\
<Enum name=\"DHCPv6Status\">0</Enum>\n\
<Enum name=\"TFTPCfgStatus\">0</Enum>\n\
<Enum name=\"DNSStatusUnifiedCM1\">0</Enum>\n\
<Enum name=\"DNSStatusUnifiedCM2\">0</Enum>\n\
<Enum name=\"DNSStatusUnifiedCM3\">0</Enum>\n\
<String name=\"VoiceVLAN\">4095</String>\n\
<String name=\"UnifiedCMIPAddress\"><not open></String>\n\
<String name=\"LocalPort\">-1</String>\n\
<String name=\"TimeStamp\">1300000000123</String>\n\
<Enum name=\"ReasonForOutOfService\"></Enum>\n\
<String name=\"LastProtocolEventSent\">1:Register</String>\n\
<String name=\"LastProtocolEventReceived\">129:RegisterAck</String>\n\
</ParameterList>\n\
</Alarm>\n\
</x-cisco-alarm>\n";

    #[test]
    fn sccp_7961_alarm_keeps_every_parameter() {
        let doc = parse(SCCP_7961.as_bytes());
        assert_eq!(doc.alarms.len(), 1);
        let alarm = &doc.alarms[0];
        assert_eq!(alarm.name.as_deref(), Some("LastOutOfServiceInformation"));
        let names: Vec<&str> = alarm.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), 23, "{names:?}");
        assert_eq!(names[17], "UnifiedCMIPAddress");
        assert_eq!(names[22], "LastProtocolEventReceived");
        // One problem: the unescaped value, flagged, shown as sent.
        let at = SCCP_7961.find("<not open>").unwrap();
        assert_eq!(
            doc.problems,
            vec![Problem {
                kind: ProblemKind::BadValue {
                    name: "UnifiedCMIPAddress".into(),
                    why: "element <not> inside it".into()
                },
                span: Span::new(at, "<not open>".len())
            }]
        );
        assert_eq!(
            ProblemKind::BadValue {
                name: "UnifiedCMIPAddress".into(),
                why: "element <not> inside it".into()
            }
            .to_string(),
            "Value of UnifiedCMIPAddress is not well-formed XML (element <not> inside it): shown as sent"
        );
        let cucm = alarm.param("UnifiedCMIPAddress").unwrap();
        assert_eq!(cucm.value, "<not open>");
        assert_eq!(&SCCP_7961[cucm.value_trimmed_span.range()], "<not open>");
        assert_eq!(
            &SCCP_7961[cucm.element.range()],
            "<String name=\"UnifiedCMIPAddress\"><not open></String>"
        );
        // The parameters after it are all there.
        assert_eq!(alarm.param("LocalPort").unwrap().value, "-1");
        assert_eq!(alarm.param("TimeStamp").unwrap().value, "1300000000123");
        let reason = alarm.param("ReasonForOutOfService").unwrap();
        assert_eq!((reason.kind, reason.value.as_str()), (ParamKind::Enum, ""));
        assert_eq!(
            alarm.param("LastProtocolEventSent").unwrap().value,
            "1:Register"
        );
        assert_eq!(
            alarm.param("LastProtocolEventReceived").unwrap().value,
            "129:RegisterAck"
        );
        assert_eq!(
            alarm.element.end(),
            SCCP_7961.rfind("\n</x-cisco-alarm>").unwrap()
        );
    }

    #[test]
    fn bad_values_cost_only_themselves() {
        // Two bad values, of both kinds of parameter, and reader errors inside values.
        let input = wrap(
            "<String name=\"a\"><x y></String>\
             <Enum name=\"b\">1<2</Enum>\
             <String name=\"c\">AT&T <br/> x</String>\
             <String name=\"d\">ok</String>",
        );
        let doc = parse(input.as_bytes());
        let values: Vec<(&str, &str)> = doc.alarms[0]
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("a", "<x y>"),
                ("b", "1<2"),
                ("c", "AT&T <br/> x"),
                ("d", "ok")
            ]
        );
        let bad: Vec<&str> = doc
            .problems
            .iter()
            .filter(|p| matches!(p.kind, ProblemKind::BadValue { .. }))
            .map(|p| &input[p.span.range()])
            .collect();
        assert_eq!(bad, ["<x y>", "1<2", "AT&T <br/> x"]);
        assert!(!has(&doc, |k| matches!(
            k,
            ProblemKind::Malformed(_) | ProblemKind::Truncated
        )));
        assert_eq!(
            doc.alarms[0].element.end(),
            input.len() - "</x-cisco-alarm>".len()
        );
    }

    #[test]
    fn after_a_bad_value_end_tags_are_still_checked() {
        // The reader no longer matches end tags after resuming: the parser does, in the
        // reader's words.
        let input = wrap("<String name=\"a\"><x></String><String name=\"b\">2</Strin>");
        let doc = parse(input.as_bytes());
        let p = doc.problems.last().unwrap();
        assert_eq!(
            p.kind,
            ProblemKind::Malformed(
                "ill-formed document: expected `</String>`, but `</Strin>` was found".into()
            )
        );
        assert_eq!(&input[p.span.range()], "</Strin>");
        assert_eq!(doc.alarms[0].params.len(), 2);

        let input = format!(
            "{}</x-cisco-alarm>",
            wrap("<String name=\"a\"><x></String>")
        );
        let doc = parse(input.as_bytes());
        assert_eq!(
            doc.problems.last().unwrap().kind,
            ProblemKind::Malformed(
                "ill-formed document: close tag `</x-cisco-alarm>` does not match any open tag"
                    .into()
            )
        );
        // Cut after a bad value: truncated, as ever.
        let input = "<x-cisco-alarm><Alarm Name=\"A\"><ParameterList><String name=\"a\"><x></String><String name=\"b\">2";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems.last().unwrap().kind, ProblemKind::Truncated);
        assert_eq!(doc.alarms[0].params[1].value, "2");
    }

    #[test]
    fn bad_value_without_its_end_tag_stops_as_before() {
        // No </String> before the next parameter: one value does not explain that.
        let input = wrap("<String name=\"a\"><x><String name=\"b\">2</String>");
        let doc = parse(input.as_bytes());
        assert!(!has(&doc, |k| matches!(k, ProblemKind::BadValue { .. })));
        assert!(has(&doc, |k| matches!(k, ProblemKind::Malformed(_))));
    }

    #[test]
    fn mutated_sccp_alarm_never_panics() {
        let specials = b"<>/&;\"'=!?[]-\xFF\xC3 \n";
        let edits = Edits { max: 4, cut: true };
        for bytes in mutations(0x5EED_7961, &[SCCP_7961], specials, 2000, edits) {
            let _ = parse(&bytes);
        }
    }
}
