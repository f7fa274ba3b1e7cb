//! Parser for EMService XML: what EMApp (or a visiting cluster) posts to
//! `/emservice/EMServiceServlet` in the `xml` form field, and what EMService answers.
//!
//! Document shapes (domain.md, "EMService"; seeds/001's home cluster log; the exchange the
//! capture generator writes). The exact schema is not public: element names are matched
//! without a namespace prefix and ignoring ASCII case, and whatever else a document holds
//! is skipped.
//!
//! ```text
//! <request>                                   root: request, query, emccRequest (requests);
//!   <appInfo>                                       response, emccResponse (responses)
//!     <appID>CCMSysUser</appID>              application user          -> app_id
//!     <appCertificate>..</appCertificate>    its password, in clear    -> credential
//!   </appInfo>
//!   <login>                                   the operation: first root child other than
//!     <user id="adgjm"/>  <userID>adgjm</userID>  <user>adgjm</user>      -> users
//!     <device name="SEP.."/>  <deviceName>SEP..</deviceName>             -> devices
//!     <deviceProfile>..</deviceProfile>  <deviceProfile1>..</deviceProfile1> -> profiles
//!   </login>                                  appInfo, success, failure, error -> request
//! </request>
//! <response><success/></response>                                       -> result
//! <response><failure><error code="23">User does not exist</error></failure></response>
//!                                                                        -> result, error
//! <emccResponse><checkUser><user id="adgjm"><numProfiles>1</numProfiles><exists/>
//!   <deviceProfile1>test_emcc_udp</deviceProfile1></user></checkUser></emccResponse>
//! ```
//!
//! Query answers, as Cisco's Extension Mobility API guide shows them (the "Hello World"
//! pages at https://developer.cisco.com/site/extension-mobility/learn/how-to/ and the
//! Request Types Reference, https://developer.cisco.com/docs/extension-mobility-api/request-types-reference;
//! domain.md, "EMService"):
//!
//! ```text
//! <response><deviceUserResults><device name="SEP.."><userID>john</userID><none/>
//!   </device></deviceUserResults></response>                    (hw-userquery)
//! <response><userDevicesResults><user id="john"><deviceName>SEP..</deviceName>..
//!   </user></userDevicesResults></response>                     (hw-devicequery)
//! <deviceProfileResults><deviceProfile><deviceProfileName>UDP1</deviceProfileName>..
//!                                                                (domain.md)
//! <deviceProfileResults><user id="john"><deviceName>UDP1</deviceName>..
//!   (hw-deviceprofilequery: under deviceProfileResults a deviceName is a profile)
//! ```
//!
//! User ids in responses are percent-encoded (`em%40cisco.com`, domain.md "EMService"):
//! [`EmServiceDoc::users`] holds them decoded, [`EmServiceDoc::users_raw`] as sent.
//!
//! Users, devices and profiles are collected wherever they appear (within [`MAX_DEPTH`]);
//! `<device>` and `<user>` without their attribute give their own text, if any.
//!
//! The parser is pure: bytes in, an owned [`EmServiceDoc`] out. It never panics and never
//! gives up silently: whatever was understood before a problem is returned together with a
//! list of [`Problem`]s, each carrying a [`Span`] (a byte range of the input) so the caller
//! can highlight the bytes. Request bodies must be percent-decoded first (the `xml` field
//! of the form; see `query::parse_form`), so spans are relative to the decoded document.
//!
//! Work is linear in the input size and memory is bounded by the `MAX_*` constants below.
//! The XML event loop is the shared one (`crate::xml::walk`).

#![forbid(unsafe_code)]

pub use crate::span::{Span, Spanned};
use crate::xml::bytes::{local_part, quote, trim_span};
use crate::xml::walk::{self, Chars, Collector, Cx, Rules, Sink, Tag};

/// Deepest element nesting that is tracked (the root counts as 1). Known documents are
/// 4 deep (`emccResponse` / `checkUser` / `user` / `deviceProfile1`); deeper elements are
/// skipped (still checked for well-formedness) with one [`ProblemKind::TooDeep`].
pub const MAX_DEPTH: usize = 16;

/// At most this many users, devices and profiles (each) are listed. One request names
/// one user and one device; a query answer can list a user's devices or profiles, which
/// stay in the tens. More are reported once per list with [`ProblemKind::TooManyItems`].
pub const MAX_ITEMS: usize = 64;

/// Longest user id, device name, profile name, application id or error message kept, in
/// characters. Names in CUCM are at most 128 characters; longer values are cut with
/// [`ProblemKind::ValueTooLong`].
pub const MAX_VALUE_LEN: usize = 1024;

/// Longest root or operation element name kept, in characters (real ones are below 20).
pub const MAX_NAME_LEN: usize = 256;

/// Longest error code attribute examined, in bytes: a code has at most 2 digits today;
/// longer values are reported without being copied whole.
pub const MAX_CODE_LEN: usize = 32;

/// At most this many problems are reported per document, the last one being
/// [`ProblemKind::TooManyProblems`]; a hostile body must not grow the list without bound.
pub const MAX_PROBLEMS: usize = 32;

/// Root elements of requests.
pub const REQUEST_ROOTS: [&str; 3] = ["request", "query", "emccRequest"];
/// Root elements of responses.
pub const RESPONSE_ROOTS: [&str; 2] = ["response", "emccResponse"];

/// Whether a document asks or answers, from its root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocKind {
    /// `request`, `query`, `emccRequest`.
    Request,
    /// `response`, `emccResponse`.
    Response,
    /// Any other root, or none.
    #[default]
    Other,
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
    /// The root element is not one of [`REQUEST_ROOTS`] or [`RESPONSE_ROOTS`]; carries its
    /// name. The document is parsed anyway.
    UnexpectedRoot(String),
    /// Nesting deeper than [`MAX_DEPTH`]; the deeper elements are skipped. Reported once.
    TooDeep,
    /// A value longer than [`MAX_VALUE_LEN`] (or a name longer than [`MAX_NAME_LEN`]) was
    /// cut.
    ValueTooLong,
    /// More than [`MAX_ITEMS`] entries in the carried list (`users`, `devices`,
    /// `profiles`); the rest are not listed. Reported once per list.
    TooManyItems(&'static str),
    /// The `code` of an `<error>` is not a decimal number that fits 32 bits; carries the
    /// reason. The error is not given.
    BadErrorCode(String),
    /// An `<error>` without a `code` attribute. The error is not given.
    MissingErrorCode,
    /// [`MAX_PROBLEMS`] reached; later problems are not reported.
    TooManyProblems,
}

/// A one-line description, suitable for an expert info.
impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::NotXml => f.write_str("Body is not XML"),
            ProblemKind::Truncated => f.write_str("EMService document is truncated"),
            ProblemKind::Malformed(why) => write!(f, "Malformed XML: {why}"),
            ProblemKind::BadUtf8 => f.write_str("Invalid UTF-8 (shown as U+FFFD)"),
            ProblemKind::BadReference(why) => write!(f, "Bad reference: {why}"),
            ProblemKind::UnsupportedEncoding(name) => {
                write!(f, "Encoding {name:?} is not supported; decoded as UTF-8")
            }
            ProblemKind::UnexpectedRoot(name) => write!(
                f,
                "Root element is <{name}>, not one of request, query, response, emccRequest, emccResponse"
            ),
            ProblemKind::TooDeep => write!(
                f,
                "Elements nested deeper than {MAX_DEPTH} levels are skipped"
            ),
            ProblemKind::ValueTooLong => write!(
                f,
                "Value cut at {MAX_VALUE_LEN} characters (names at {MAX_NAME_LEN})"
            ),
            ProblemKind::TooManyItems(list) => {
                write!(f, "More than {MAX_ITEMS} {list}; the rest are not listed")
            }
            ProblemKind::BadErrorCode(why) => write!(f, "Bad error code: {why}"),
            ProblemKind::MissingErrorCode => f.write_str("<error> without a code attribute"),
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

/// Everything understood from one EMService document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmServiceDoc {
    /// The root element's name as sent, with the span of the whole root element as far as
    /// it got; `None` when no root element started.
    pub root: Option<Spanned<String>>,
    pub kind: DocKind,
    /// The root is `emccRequest` or `emccResponse`: the document is between clusters (EMCC),
    /// not the plain EM API. EMService code 2 means something else there (see
    /// `codes::emservice_meaning`).
    pub emcc: bool,
    /// The operation: the name of the first child of the root other than `appInfo`,
    /// `success`, `failure` and `error`, with the span of that whole element as far as it
    /// got (`login`, `logoutAll`, `deviceUserQuery`, `checkUser` ...).
    pub request: Option<Spanned<String>>,
    /// What the document is about, from the root and the operation; see [`classify`].
    pub action: &'static str,
    /// `<appInfo><appID>`: the application user EMApp authenticates as.
    pub app_id: Option<Spanned<String>>,
    /// `<appInfo><appCertificate>` text: the application user's password, in clear in the
    /// document (not copied here).
    pub credential: Option<Span>,
    /// User ids, in document order: `id` of `<user>`, `<userID>` text, `<user>` text.
    /// Values are unescaped and trimmed; spans cover the attribute value or the text.
    /// In a response, a user id that is percent-encoded (`em%40cisco.com`, domain.md
    /// "EMService") is decoded here when every escape is valid and gives UTF-8.
    pub users: Vec<Spanned<String>>,
    /// For each entry of `users`, the id as sent when decoding changed it, else `None`.
    pub users_raw: Vec<Option<String>>,
    /// Device names: `name` of `<device>`, `<deviceName>` text, `<device>` text.
    pub devices: Vec<Spanned<String>>,
    /// Device profile names: `<deviceProfile>`, `<deviceProfile1>`.. `<deviceProfileN>` text.
    pub profiles: Vec<Spanned<String>>,
    /// `success` for the first `<success>` element, `failure` for the first `<failure>`,
    /// whichever comes first, with the span of the whole element.
    pub result: Option<Spanned<&'static str>>,
    /// The first `<error code="N">message</error>`: the code, the span of the code value,
    /// and the message (unescaped, trimmed; `None` when empty, or when the input stops
    /// inside the element).
    pub error: Option<(u32, Span, Option<String>)>,
    pub problems: Vec<Problem>,
}

impl Default for EmServiceDoc {
    fn default() -> Self {
        EmServiceDoc {
            root: None,
            kind: DocKind::Other,
            emcc: false,
            request: None,
            action: "other",
            app_id: None,
            credential: None,
            users: Vec::new(),
            users_raw: Vec::new(),
            devices: Vec::new(),
            profiles: Vec::new(),
            result: None,
            error: None,
            problems: Vec::new(),
        }
    }
}

/// Parses a whole EMService document (already percent-decoded). See the module
/// documentation.
pub fn parse_emservice(xml: &[u8]) -> EmServiceDoc {
    let mut sink = EmSink::default();
    let problems = walk::walk(xml, Rules::new(MAX_DEPTH, MAX_PROBLEMS), &mut sink);
    let mut doc = sink.doc;
    doc.action = classify(
        doc.root.as_ref().map(|r| r.value.as_str()),
        doc.request.as_ref().map(|r| r.value.as_str()),
    );
    doc.problems = problems;
    doc
}

/// The action of a document with this root and operation (names as sent; a namespace
/// prefix and ASCII case are ignored):
///
/// | operation                                              | action                  |
/// |--------------------------------------------------------|-------------------------|
/// | `login`                                                | `emcc-login` under `emccRequest`/`emccResponse`, else `login` |
/// | `emccLogin`                                            | `emcc-login`            |
/// | `logout`                                               | `emcc-logout` under `emccRequest`/`emccResponse`, else `logout` |
/// | `emccLogout`                                           | `emcc-logout`           |
/// | `logoutAll`                                            | `logout-all`            |
/// | `checkUser`                                            | `check-user`            |
/// | `deviceUserQuery`, `userDevicesQuery`, `deviceProfileQuery`, `deviceUserResults`, `userDevicesResults` | `query` |
/// | `userDeviceProfileQuery`, `deviceProfileResults`        | `profile-query`         |
/// | none, under `response`/`emccResponse`                  | `response`              |
/// | anything else                                          | `other`                 |
///
/// A response carrying an operation element gets that operation's action: the root tells
/// requests from responses ([`EmServiceDoc::kind`]).
pub fn classify(root: Option<&str>, operation: Option<&str>) -> &'static str {
    let root = root.map(|r| local_part(r.as_bytes()));
    let is =
        |name: &[u8], any: &[&str]| any.iter().any(|a| a.as_bytes().eq_ignore_ascii_case(name));
    let emcc = root.is_some_and(|r| is(r, &["emccRequest", "emccResponse"]));
    let response = root.is_some_and(|r| is(r, &RESPONSE_ROOTS));
    let Some(op) = operation.map(|o| local_part(o.as_bytes())) else {
        return if response { "response" } else { "other" };
    };
    if is(op, &["login"]) {
        if emcc {
            "emcc-login"
        } else {
            "login"
        }
    } else if is(op, &["emccLogin"]) {
        "emcc-login"
    } else if is(op, &["logout"]) {
        if emcc {
            "emcc-logout"
        } else {
            "logout"
        }
    } else if is(op, &["emccLogout"]) {
        "emcc-logout"
    } else if is(op, &["logoutAll"]) {
        "logout-all"
    } else if is(op, &["checkUser"]) {
        "check-user"
    } else if is(
        op,
        &[
            "deviceUserQuery",
            "userDevicesQuery",
            "deviceProfileQuery",
            // Their answers (API guide, hw-userquery and hw-devicequery).
            "deviceUserResults",
            "userDevicesResults",
        ],
    ) {
        "query"
    } else if is(op, &["userDeviceProfileQuery", "deviceProfileResults"]) {
        // The DeviceProfileQuery operation: the request element is
        // `userDeviceProfileQuery`, the answer `deviceProfileResults` (API guide,
        // https://developer.cisco.com/site/extension-mobility/learn/how-to/hw-deviceprofilequery).
        "profile-query"
    } else {
        "other"
    }
}

// ---------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------

/// Where a collected text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    User,
    Device,
    Profile,
    AppId,
    /// Only the span is kept.
    Credential,
    /// The message of the document's error.
    ErrorMessage,
}

/// What an open element is, for the parser.
#[derive(Default)]
struct Frame {
    root: bool,
    app_info: bool,
    /// The operation element (`EmServiceDoc::request`).
    operation: bool,
    /// The element that gave `EmServiceDoc::result`.
    result: bool,
    /// Inside `<deviceProfileResults>`, where a `<deviceName>` names a profile.
    profile_results: bool,
    /// Its text is collected.
    collect: Option<(Slot, Collector)>,
}

#[derive(Default)]
struct EmSink {
    doc: EmServiceDoc,
    stack: Vec<Frame>,
    /// An `<error>` was met (only the first counts).
    error_seen: bool,
    /// TooManyItems reported for users, devices, profiles.
    too_many: [bool; 3],
}

/// Whether `local` is `deviceProfile` or `deviceProfile` followed by digits, or
/// `deviceProfileName` (`<deviceProfile><deviceProfileName>..` in `deviceProfileResults`,
/// domain.md "EMService"). A `<deviceProfile>` holding a `<deviceProfileName>` has no
/// text of its own and gives nothing.
fn is_profile(local: &[u8]) -> bool {
    const NAME: &[u8] = b"deviceProfile";
    local.len() >= NAME.len()
        && local[..NAME.len()].eq_ignore_ascii_case(NAME)
        && (local[NAME.len()..].iter().all(u8::is_ascii_digit)
            || local[NAME.len()..].eq_ignore_ascii_case(b"Name"))
}

/// `raw` percent-decoded, when it holds an escape, every `%` starts a valid one and the
/// result is UTF-8; else `None` (a user id is then shown as sent). `+` stays `+`: the ids
/// are in XML, not in a form. User ids in responses are percent-encoded (`em%40cisco.com`,
/// domain.md "EMService", from Cisco's Extension Mobility API guide).
fn percent_decoded(raw: &str) -> Option<String> {
    let b = raw.as_bytes();
    if !b.contains(&b'%') {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(super::query::percent_escape(b, i)?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl EmSink {
    /// Adds a user, device or profile, keeping to [`MAX_ITEMS`].
    fn push_item(
        &mut self,
        cx: &mut Cx<'_, ProblemKind>,
        slot: Slot,
        value: Spanned<String>,
        at: Span,
    ) {
        let mut value = value;
        let mut raw = None;
        if slot == Slot::User && self.doc.kind == DocKind::Response {
            if let Some(decoded) = percent_decoded(&value.value) {
                raw = Some(std::mem::replace(&mut value.value, decoded));
            }
        }
        if slot == Slot::User && self.doc.users.len() < MAX_ITEMS {
            self.doc.users_raw.push(raw);
        }
        let (list, index, name) = match slot {
            Slot::User => (&mut self.doc.users, 0, "users"),
            Slot::Device => (&mut self.doc.devices, 1, "devices"),
            Slot::Profile => (&mut self.doc.profiles, 2, "profiles"),
            Slot::AppId | Slot::Credential | Slot::ErrorMessage => return,
        };
        if list.len() < MAX_ITEMS {
            list.push(value);
        } else if !self.too_many[index] {
            self.too_many[index] = true;
            cx.problem(ProblemKind::TooManyItems(name), at);
        }
    }

    /// An attribute value as an item: unescaped and trimmed, span trimmed.
    fn push_attr(&mut self, cx: &mut Cx<'_, ProblemKind>, slot: Slot, value: Span, tag: Span) {
        let (text, _) = cx.decode(value, true, MAX_VALUE_LEN);
        let trimmed = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        let value = Spanned {
            value: trimmed.to_string(),
            span: trim_span(cx.input, value),
        };
        self.push_item(cx, slot, value, tag);
    }

    /// `<error code="N">`: records the code, or reports why not.
    fn start_error(&mut self, cx: &mut Cx<'_, ProblemKind>, tag: &Tag<'_>) -> bool {
        let Some(value) = tag.attr(cx.input, b"code") else {
            cx.problem(ProblemKind::MissingErrorCode, tag.span);
            return false;
        };
        let span = trim_span(cx.input, value);
        let raw = &cx.input[span.range()];
        let why = if raw.is_empty() {
            Some("empty code".to_string())
        } else if raw.len() > MAX_CODE_LEN {
            Some(format!("longer than {MAX_CODE_LEN} bytes"))
        } else if !raw.iter().all(u8::is_ascii_digit) {
            Some(format!("\"{}\" is not a decimal number", quote(raw)))
        } else {
            None
        };
        let code = match why {
            Some(why) => Err(why),
            None => String::from_utf8_lossy(raw)
                .parse::<u32>()
                .map_err(|_| format!("{} is out of range", quote(raw))),
        };
        match code {
            Ok(code) => {
                self.doc.error = Some((code, span, None));
                true
            }
            Err(why) => {
                let at = if span.len > 0 { span } else { tag.span };
                cx.problem(ProblemKind::BadErrorCode(why), at);
                false
            }
        }
    }
}

impl Sink<ProblemKind> for EmSink {
    fn open(&mut self, cx: &mut Cx<'_, ProblemKind>, tag: &Tag<'_>) {
        let local = tag.local;
        let is = |name: &str| local.eq_ignore_ascii_case(name.as_bytes());
        let mut frame = Frame::default();
        let Some(parent) = self.stack.last() else {
            // The root.
            let (name, _) = cx.decode(tag.name, false, MAX_NAME_LEN);
            let any = |names: &[&str]| names.iter().any(|n| is(n));
            // The EMCC dialect (domain.md "EMService": `<emccRequest>`/`<emccResponse>`
            // between clusters, seeds/001's home cluster log).
            self.doc.emcc = any(&["emccRequest", "emccResponse"]);
            self.doc.kind = if any(&REQUEST_ROOTS) {
                DocKind::Request
            } else if any(&RESPONSE_ROOTS) {
                DocKind::Response
            } else {
                cx.problem(ProblemKind::UnexpectedRoot(name.clone()), tag.span);
                DocKind::Other
            };
            self.doc.root = Some(Spanned {
                value: name,
                span: tag.span,
            });
            frame.root = true;
            self.stack.push(frame);
            return;
        };
        let (parent_root, parent_app_info) = (parent.root, parent.app_info);
        frame.profile_results = parent.profile_results || is("deviceProfileResults");

        let is_result = is("success") || is("failure");
        if parent_root {
            if is("appInfo") {
                frame.app_info = true;
            } else if !is_result && !is("error") && self.doc.request.is_none() {
                let (name, _) = cx.decode(tag.name, false, MAX_NAME_LEN);
                self.doc.request = Some(Spanned {
                    value: name,
                    span: tag.span,
                });
                frame.operation = true;
            }
        }
        let content = tag.span.end();
        let collect = |slot: Slot| Some((slot, Collector::new(MAX_VALUE_LEN, content)));
        if parent_app_info && is("appID") && self.doc.app_id.is_none() {
            frame.collect = collect(Slot::AppId);
        } else if parent_app_info && is("appCertificate") && self.doc.credential.is_none() {
            frame.collect = collect(Slot::Credential);
        } else if is_result {
            if self.doc.result.is_none() {
                let value = if is("success") { "success" } else { "failure" };
                self.doc.result = Some(Spanned {
                    value,
                    span: tag.span,
                });
                frame.result = true;
            }
        } else if is("error") {
            if !self.error_seen {
                self.error_seen = true;
                if self.start_error(cx, tag) {
                    frame.collect = collect(Slot::ErrorMessage);
                }
            }
        } else if is("user") {
            match tag.attr(cx.input, b"id") {
                Some(id) => self.push_attr(cx, Slot::User, id, tag.span),
                None => frame.collect = collect(Slot::User),
            }
        } else if is("userID") {
            frame.collect = collect(Slot::User);
        } else if is("device") {
            match tag.attr(cx.input, b"name") {
                Some(name) => self.push_attr(cx, Slot::Device, name, tag.span),
                None => frame.collect = collect(Slot::Device),
            }
        } else if is("deviceName") && frame.profile_results {
            // API guide, hw-deviceprofilequery: the answer lists the user's profiles as
            // `<deviceProfileResults><user id=".."><deviceName>UDP1</deviceName>`.
            frame.collect = collect(Slot::Profile);
        } else if is("deviceName") {
            frame.collect = collect(Slot::Device);
        } else if is_profile(local) {
            frame.collect = collect(Slot::Profile);
        }
        self.stack.push(frame);
    }

    fn text(&mut self, cx: &mut Cx<'_, ProblemKind>, raw: Span, chars: Chars) {
        if let Some((_, c)) = self.stack.last_mut().and_then(|f| f.collect.as_mut()) {
            c.text(cx, raw, chars);
        }
    }

    fn close(&mut self, cx: &mut Cx<'_, ProblemKind>, _: usize, end: usize, complete: bool) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let grow = |s: &mut Span| *s = Span::between(s.start, end);
        if frame.root {
            if let Some(root) = self.doc.root.as_mut() {
                grow(&mut root.span);
            }
        }
        if frame.operation {
            if let Some(op) = self.doc.request.as_mut() {
                grow(&mut op.span);
            }
        }
        if frame.result {
            if let Some(result) = self.doc.result.as_mut() {
                grow(&mut result.span);
            }
        }
        let Some((slot, collector)) = frame.collect else {
            return;
        };
        if !complete {
            return;
        }
        let value = collector.finish(cx.input);
        match slot {
            Slot::AppId => self.doc.app_id = Some(value),
            Slot::Credential => self.doc.credential = Some(value.span),
            Slot::ErrorMessage => {
                if let Some(error) = self.doc.error.as_mut() {
                    error.2 = Some(value.value).filter(|m| !m.is_empty());
                }
            }
            Slot::User | Slot::Device | Slot::Profile => {
                // `<user>` / `<device>` without attribute and without text give nothing.
                if !value.value.is_empty() {
                    let at = value.span;
                    self.push_item(cx, slot, value, at);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::mutate::{mutations, Edits};
    use std::time::{Duration, Instant};

    /// The visiting cluster's check-user request as the capture generator writes it
    /// (emapp.rs `emcc_check_user`), with a fixed application password.
    const CHECK_USER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<emccRequest>\n<appInfo>\n<appID>CCMSysUser</appID>\n<appCertificate>5d41402abc4b2a76b9719d91</appCertificate>\n</appInfo>\n<checkUser>\n<user id=\"adgjm\"/>\n<device name=\"SEPC80084AA8743\"/>\n<visitingCluster id=\"ClusterOne\"/>\n</checkUser>\n</emccRequest>\n";

    /// The home cluster's answer in the generator (`emcc_failure(23, ..)`).
    const FAILURE_23: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<emccResponse><failure><error code=\"23\">User does not exist</error></failure></emccResponse>\n";

    /// The home cluster's answer in seeds/001 (home cluster log, 13:32:27,925).
    const ARTICLE_CHECK_USER: &str = "<emccResponse><checkUser><user id=\"adgjm\"><numProfiles>1</numProfiles><exists/><deviceProfile1>test_emcc_udp</deviceProfile1></user></checkUser></emccResponse>";

    const LOGIN: &str = "<request><appInfo><appID>CCMSysUser</appID><appCertificate>pw</appCertificate></appInfo><login><deviceName>SEPC80084AA8743</deviceName><userID>adgjm</userID><deviceProfile>test_emcc_udp</deviceProfile></login></request>";

    const SUCCESS: &str = "<response><success/></response>";

    const QUERY: &str = "<query><appInfo><appID>CCMSysUser</appID></appInfo><deviceUserQuery><deviceName>SEPC80084AA8743</deviceName></deviceUserQuery></query>";

    const ALL: [&str; 12] = [
        CHECK_USER,
        FAILURE_23,
        ARTICLE_CHECK_USER,
        LOGIN,
        SUCCESS,
        QUERY,
        GUIDE_DEVICE_USER_RESULTS,
        GUIDE_USER_DEVICES_RESULTS,
        GUIDE_PROFILE_QUERY,
        GUIDE_PROFILE_RESULTS,
        PROFILE_RESULTS_NAMED,
        GUIDE_LOGIN_FAILURE,
    ];

    fn parse(input: &[u8]) -> EmServiceDoc {
        let doc = parse_emservice(input);
        check_spans(&doc, input.len());
        doc
    }

    fn check_spans(doc: &EmServiceDoc, len: usize) {
        let mut spans: Vec<Span> = doc.problems.iter().map(|p| p.span).collect();
        spans.extend(doc.root.iter().map(|r| r.span));
        spans.extend(doc.request.iter().map(|r| r.span));
        spans.extend(doc.app_id.iter().map(|r| r.span));
        spans.extend(doc.credential);
        spans.extend(doc.result.iter().map(|r| r.span));
        spans.extend(doc.error.iter().map(|e| e.1));
        for list in [&doc.users, &doc.devices, &doc.profiles] {
            assert!(list.len() <= MAX_ITEMS);
            spans.extend(list.iter().map(|v| v.span));
        }
        for s in spans {
            assert!(s.end() <= len, "span {s:?} beyond {len}: {doc:?}");
        }
        assert!(doc.problems.len() <= MAX_PROBLEMS);
    }

    fn kinds(doc: &EmServiceDoc) -> Vec<ProblemKind> {
        doc.problems.iter().map(|p| p.kind.clone()).collect()
    }

    fn text(input: &str, span: Span) -> &str {
        &input[span.range()]
    }

    fn values(list: &[Spanned<String>]) -> Vec<&str> {
        list.iter().map(|v| v.value.as_str()).collect()
    }

    #[test]
    fn generator_check_user_request() {
        let doc = parse(CHECK_USER.as_bytes());
        assert_eq!(doc.problems, vec![]);
        let root = doc.root.as_ref().unwrap();
        assert_eq!(root.value, "emccRequest");
        assert!(text(CHECK_USER, root.span).starts_with("<emccRequest>"));
        assert!(text(CHECK_USER, root.span).ends_with("</emccRequest>"));
        assert_eq!(doc.kind, DocKind::Request);
        let op = doc.request.as_ref().unwrap();
        assert_eq!(op.value, "checkUser");
        assert!(text(CHECK_USER, op.span).starts_with("<checkUser>\n<user"));
        assert!(text(CHECK_USER, op.span).ends_with("</checkUser>"));
        assert_eq!(doc.action, "check-user");
        assert_eq!(doc.app_id.as_ref().unwrap().value, "CCMSysUser");
        assert_eq!(
            text(CHECK_USER, doc.app_id.as_ref().unwrap().span),
            "CCMSysUser"
        );
        assert_eq!(
            text(CHECK_USER, doc.credential.unwrap()),
            "5d41402abc4b2a76b9719d91"
        );
        assert_eq!(values(&doc.users), vec!["adgjm"]);
        assert_eq!(text(CHECK_USER, doc.users[0].span), "adgjm");
        assert_eq!(values(&doc.devices), vec!["SEPC80084AA8743"]);
        assert_eq!(text(CHECK_USER, doc.devices[0].span), "SEPC80084AA8743");
        assert!(doc.profiles.is_empty());
        assert_eq!((doc.result, doc.error), (None, None));
    }

    #[test]
    fn generator_check_user_through_the_form() {
        // The body the generator posts: `xml=` + the document, encoded as Java's URLEncoder
        // does (http.rs `form_encode`); the glue decodes the field, then parses it.
        let encoded: String = CHECK_USER
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    char::from(b).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        let form = super::super::query::parse_form(format!("xml={encoded}").as_bytes());
        assert_eq!(form.problems, vec![]);
        let xml = super::super::query::param(&form.params, "xml").unwrap();
        assert_eq!(xml.value, CHECK_USER);
        let doc = parse(xml.value.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.action, "check-user");
        assert_eq!(values(&doc.users), vec!["adgjm"]);
    }

    #[test]
    fn generator_failure_response() {
        let doc = parse(FAILURE_23.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.kind, DocKind::Response);
        assert_eq!(doc.request, None);
        assert_eq!(doc.action, "response");
        let result = doc.result.unwrap();
        assert_eq!(result.value, "failure");
        assert_eq!(
            text(FAILURE_23, result.span),
            "<failure><error code=\"23\">User does not exist</error></failure>"
        );
        let (code, span, message) = doc.error.unwrap();
        assert_eq!(code, 23);
        assert_eq!(text(FAILURE_23, span), "23");
        assert_eq!(message.as_deref(), Some("User does not exist"));
    }

    #[test]
    fn article_check_user_response() {
        let doc = parse(ARTICLE_CHECK_USER.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.kind, DocKind::Response);
        assert_eq!(doc.request.as_ref().unwrap().value, "checkUser");
        assert_eq!(doc.action, "check-user");
        assert_eq!(values(&doc.users), vec!["adgjm"]);
        assert_eq!(values(&doc.profiles), vec!["test_emcc_udp"]);
        assert_eq!(
            text(ARTICLE_CHECK_USER, doc.profiles[0].span),
            "test_emcc_udp"
        );
        assert_eq!(doc.result, None);
    }

    #[test]
    fn requests_and_queries() {
        let doc = parse(LOGIN.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!((doc.kind, doc.action), (DocKind::Request, "login"));
        assert_eq!(values(&doc.users), vec!["adgjm"]);
        assert_eq!(values(&doc.devices), vec!["SEPC80084AA8743"]);
        assert_eq!(values(&doc.profiles), vec!["test_emcc_udp"]);
        assert_eq!(text(LOGIN, doc.credential.unwrap()), "pw");

        let doc = parse(QUERY.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.request.as_ref().unwrap().value, "deviceUserQuery");
        assert_eq!(doc.action, "query");
        assert_eq!(values(&doc.devices), vec!["SEPC80084AA8743"]);
        assert_eq!(doc.credential, None);

        let doc = parse(SUCCESS.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.action, "response");
        assert_eq!(doc.result.unwrap().value, "success");
        assert_eq!(text(SUCCESS, doc.result.unwrap().span), "<success/>");

        let input = "<emccRequest><login><user>  adgjm </user><device>SEP1</device><deviceProfile2>p2</deviceProfile2><deviceProfileQuery>no</deviceProfileQuery></login></emccRequest>";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.action, "emcc-login");
        assert_eq!(values(&doc.users), vec!["adgjm"]);
        assert_eq!(text(input, doc.users[0].span), "adgjm");
        assert_eq!(values(&doc.devices), vec!["SEP1"]);
        assert_eq!(values(&doc.profiles), vec!["p2"]);

        // Users inside a user without an id, entities, namespaces, ASCII case.
        let input = "<s:request xmlns:s='urn:x'><s:LogoutAll><user><UserId>a&amp;b</UserId></user><user/><user id=' c '/></s:LogoutAll></s:request>";
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.kind, DocKind::Request);
        assert_eq!(doc.request.as_ref().unwrap().value, "s:LogoutAll");
        assert_eq!(doc.action, "logout-all");
        assert_eq!(values(&doc.users), vec!["a&b", "c"]);
        assert_eq!(text(input, doc.users[0].span), "a&amp;b");
        assert_eq!(text(input, doc.users[1].span), "c");
    }

    // The Extension Mobility API guide's own examples, rebuilt (element names as the
    // guide's text spells them; the pages show some lower-cased, which we also accept).

    /// UserQuery answer: https://developer.cisco.com/site/extension-mobility/learn/how-to/hw-userquery
    const GUIDE_DEVICE_USER_RESULTS: &str = "<response>\n<deviceUserResults>\n<device name=\"SEP003094C25B15\">\n<userID>john</userID>\n<lastlogin>john</lastlogin>\n</device>\n</deviceUserResults>\n</response>";

    /// DeviceQuery answer: https://developer.cisco.com/site/extension-mobility/learn/how-to/hw-devicequery
    const GUIDE_USER_DEVICES_RESULTS: &str = "<response>\n<userdevicesresults>\n<user id=\"john\">\n<devicename>SEP003094C25B15</devicename>\n<devicename>SEP003094C25B49</devicename>\n</user>\n</userdevicesresults>\n</response>";

    /// DeviceProfileQuery request and answer:
    /// https://developer.cisco.com/site/extension-mobility/learn/how-to/hw-deviceprofilequery
    /// (the page's answer root is `<results>`; `<response>` here, as every other answer).
    const GUIDE_PROFILE_QUERY: &str = "<query>\n<appInfo>\n<appID>appid</appID>\n<appCertificate>apppasswd</appCertificate>\n</appInfo>\n<userDeviceProfileQuery>\n<userID>john</userID>\n</userDeviceProfileQuery>\n</query>";
    const GUIDE_PROFILE_RESULTS: &str = "<response>\n<deviceProfileResults>\n<user id=\"john\">\n<deviceName>UDP1</deviceName>\n<deviceName>UDP2</deviceName>\n</user>\n</deviceProfileResults>\n</response>";

    /// domain.md "EMService": profiles as `<deviceProfile><deviceProfileName>`, the user id
    /// percent-encoded.
    const PROFILE_RESULTS_NAMED: &str = "<response><deviceProfileResults><user id=\"em%40cisco.com\"><deviceProfile><deviceProfileName>EM_UDP</deviceProfileName></deviceProfile><deviceProfile><deviceProfileName>EM UDP 2</deviceProfileName></deviceProfile></user></deviceProfileResults></response>";

    /// Login failure: https://developer.cisco.com/docs/extension-mobility-api/request-types-reference
    const GUIDE_LOGIN_FAILURE: &str = "<response>\n<failure>\n<error code=\"3\">Could not authenticate 'appid'</error>\n</failure>\n</response>";

    #[test]
    fn guide_query_answers() {
        let doc = parse(GUIDE_DEVICE_USER_RESULTS.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(
            (doc.kind, doc.action, doc.emcc),
            (DocKind::Response, "query", false)
        );
        assert_eq!(values(&doc.devices), vec!["SEP003094C25B15"]);
        assert_eq!(values(&doc.users), vec!["john"]);

        let doc = parse(GUIDE_USER_DEVICES_RESULTS.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.action, "query");
        assert_eq!(values(&doc.users), vec!["john"]);
        assert_eq!(
            values(&doc.devices),
            vec!["SEP003094C25B15", "SEP003094C25B49"]
        );
        assert!(doc.profiles.is_empty());

        let doc = parse(GUIDE_PROFILE_QUERY.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(
            doc.request.as_ref().unwrap().value,
            "userDeviceProfileQuery"
        );
        assert_eq!((doc.kind, doc.action), (DocKind::Request, "profile-query"));
        assert_eq!(values(&doc.users), vec!["john"]);

        let doc = parse(GUIDE_PROFILE_RESULTS.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.action, "profile-query");
        assert_eq!(values(&doc.users), vec!["john"]);
        assert_eq!(values(&doc.profiles), vec!["UDP1", "UDP2"]);
        assert!(doc.devices.is_empty());
        assert_eq!(doc.users_raw, vec![None]);

        // The guide page's own root, `<results>`: flagged, still decoded.
        let page = GUIDE_PROFILE_RESULTS.replace("response>", "results>");
        let doc = parse(page.as_bytes());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::UnexpectedRoot("results".into())]
        );
        assert_eq!(doc.action, "profile-query");
        assert_eq!(values(&doc.profiles), vec!["UDP1", "UDP2"]);

        let doc = parse(PROFILE_RESULTS_NAMED.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(values(&doc.profiles), vec!["EM_UDP", "EM UDP 2"]);
        assert_eq!(text(PROFILE_RESULTS_NAMED, doc.profiles[0].span), "EM_UDP");
        assert_eq!(values(&doc.users), vec!["em@cisco.com"]);
        assert_eq!(doc.users_raw, vec![Some("em%40cisco.com".to_string())]);
        assert_eq!(
            text(PROFILE_RESULTS_NAMED, doc.users[0].span),
            "em%40cisco.com"
        );

        let doc = parse(GUIDE_LOGIN_FAILURE.as_bytes());
        assert_eq!(doc.problems, vec![]);
        let (code, _, message) = doc.error.unwrap();
        assert_eq!(
            (code, message.as_deref()),
            (3, Some("Could not authenticate 'appid'"))
        );
        assert!(!doc.emcc);
        assert!(parse(FAILURE_23.as_bytes()).emcc);
    }

    #[test]
    fn user_ids_decode_only_in_answers_and_only_when_valid() {
        let users = |xml: &str| {
            let doc = parse(xml.as_bytes());
            assert_eq!(doc.users.len(), doc.users_raw.len());
            (
                values(&doc.users)
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>(),
                doc.users_raw,
            )
        };
        // Requests keep what was sent.
        let (v, raw) = users(
            "<query><userDevicesQuery><userID>em%40cisco.com</userID></userDevicesQuery></query>",
        );
        assert_eq!((v, raw), (vec!["em%40cisco.com".to_string()], vec![None]));
        // Bad escapes, non-UTF-8 results, `+` and plain ids stay as sent.
        let (v, raw) = users("<response><x><user id='a%4'/><user id='b%zz'/><user id='c%ff'/><user id='d+e'/><user id='f'/><user id='g%C3%A9'/></x></response>");
        assert_eq!(v, vec!["a%4", "b%zz", "c%ff", "d+e", "f", "g\u{e9}"]);
        assert_eq!(
            raw,
            vec![None, None, None, None, None, Some("g%C3%A9".into())]
        );
    }

    #[test]
    fn guide_form_bodies_decode() {
        // The API guide's How It Works page escapes with lower-case `%3c`, `%2f`
        // (https://developer.cisco.com/docs/extension-mobility-api/how-it-works).
        let body = b"xml=%3cquery%3e%3cappInfo%3e%3cappID%3eemproxy%3c%2fappID%3e%3cappCertificate%3epassword%3c%2fappCertificate%3e%3c%2fappInfo%3e%3cdeviceUserQuery%3e%3cdeviceName%3eSEP010203040506%3c%2fdeviceName%3e%3c%2fdeviceUserQuery%3e%3c%2fquery%3e";
        let form = super::super::query::parse_form(body);
        assert_eq!(form.problems, vec![]);
        let xml = super::super::query::param(&form.params, "xml").unwrap();
        let doc = parse(xml.value.as_bytes());
        assert_eq!(doc.problems, vec![]);
        assert_eq!(doc.action, "query");
        assert_eq!(values(&doc.devices), vec!["SEP010203040506"]);
        assert_eq!(doc.app_id.unwrap().value, "emproxy");
        // `+` for spaces (HTML form encoding, as the guide's request pattern cites).
        let body = b"xml=%3Cresponse%3E%3Cfailure%3E%3Cerror+code%3D%227%22%3ELogout+Request+Error%3C%2Ferror%3E%3C%2Ffailure%3E%3C%2Fresponse%3E";
        let form = super::super::query::parse_form(body);
        assert_eq!(form.problems, vec![]);
        let xml = super::super::query::param(&form.params, "xml").unwrap();
        let doc = parse(xml.value.as_bytes());
        assert_eq!(doc.problems, vec![]);
        let (code, _, message) = doc.error.unwrap();
        assert_eq!(
            (code, message.as_deref()),
            (7, Some("Logout Request Error"))
        );
    }

    #[test]
    fn actions() {
        let c = |root: &str, op: &str| classify(Some(root), Some(op));
        assert_eq!(c("request", "login"), "login");
        assert_eq!(c("request", "logout"), "logout");
        assert_eq!(c("request", "logoutAll"), "logout-all");
        assert_eq!(c("emccRequest", "login"), "emcc-login");
        assert_eq!(c("emccRequest", "logout"), "emcc-logout");
        assert_eq!(c("request", "emccLogin"), "emcc-login");
        assert_eq!(c("request", "emccLogout"), "emcc-logout");
        assert_eq!(c("query", "checkUser"), "check-user");
        assert_eq!(c("emccRequest", "checkUser"), "check-user");
        assert_eq!(c("emccResponse", "checkUser"), "check-user");
        for q in ["deviceUserQuery", "userDevicesQuery", "deviceProfileQuery"] {
            assert_eq!(c("query", q), "query");
        }
        for q in ["deviceUserResults", "userDevicesResults"] {
            assert_eq!(c("response", q), "query");
        }
        assert_eq!(c("query", "userDeviceProfileQuery"), "profile-query");
        assert_eq!(c("response", "deviceProfileResults"), "profile-query");
        assert_eq!(c("query", "somethingNew"), "other");
        assert_eq!(classify(Some("response"), None), "response");
        assert_eq!(classify(Some("emccResponse"), None), "response");
        assert_eq!(classify(Some("request"), None), "other");
        assert_eq!(classify(None, None), "other");
        assert_eq!(
            classify(Some("x:EMCCREQUEST"), Some("y:LOGIN")),
            "emcc-login"
        );
    }

    #[test]
    fn error_codes() {
        let err = |body: &str| {
            let input = format!("<response><failure>{body}</failure></response>");
            let doc = parse(input.as_bytes());
            (doc, input)
        };
        let (doc, input) = err("<error code=' 0 '/>");
        assert_eq!(doc.problems, vec![]);
        let (code, span, message) = doc.error.unwrap();
        assert_eq!((code, text(&input, span), message), (0, "0", None));

        let (doc, _) = err("<error code=\"4294967295\">\n big &lt;x&gt; \n</error>");
        let (code, _, message) = doc.error.unwrap();
        assert_eq!((code, message.as_deref()), (u32::MAX, Some("big <x>")));

        let bad = |body: &str, why: &str, shown: &str| {
            let (doc, input) = err(body);
            assert_eq!(doc.error, None, "{body}");
            assert_eq!(
                kinds(&doc),
                vec![ProblemKind::BadErrorCode(why.into())],
                "{body}"
            );
            assert_eq!(text(&input, doc.problems[0].span), shown, "{body}");
        };
        bad(
            "<error code=\"abc\">x</error>",
            "\"abc\" is not a decimal number",
            "abc",
        );
        bad(
            "<error code=\"-1\"/>",
            "\"-1\" is not a decimal number",
            "-1",
        );
        bad(
            "<error code=\"4294967296\"/>",
            "4294967296 is out of range",
            "4294967296",
        );
        bad("<error code=\"\"/>", "empty code", "<error code=\"\"/>");
        bad(
            &format!("<error code=\"{}\"/>", "9".repeat(40)),
            "longer than 32 bytes",
            &"9".repeat(40),
        );
        let (doc, input) = err("<error>text</error>");
        assert_eq!(doc.error, None);
        assert_eq!(kinds(&doc), vec![ProblemKind::MissingErrorCode]);
        assert_eq!(text(&input, doc.problems[0].span), "<error>");

        // Only the first error counts, even a bad one.
        let (doc, _) = err("<error code='x'/><error code='5'/>");
        assert_eq!(doc.error, None);
        let (doc, _) = err("<error code='5'>a</error><error code='6'>b</error>");
        assert_eq!(doc.error.unwrap().0, 5);
    }

    #[test]
    fn every_prefix_is_truncated() {
        for full in ALL {
            let bytes = full.as_bytes();
            let whole = parse(bytes);
            assert_eq!(whole.problems, vec![], "{full}");
            let complete = whole.root.as_ref().unwrap().span.end();
            for cut in 0..bytes.len() {
                let doc = parse(&bytes[..cut]);
                if cut < complete {
                    assert_eq!(kinds(&doc), vec![ProblemKind::Truncated], "cut {cut}");
                } else {
                    assert_eq!(doc.problems, vec![], "cut {cut}");
                }
                for (part, all) in [
                    (&doc.users, &whole.users),
                    (&doc.devices, &whole.devices),
                    (&doc.profiles, &whole.profiles),
                ] {
                    assert_eq!(part[..], all[..part.len()], "cut {cut}");
                }
                if let Some(op) = &doc.request {
                    let all = whole.request.as_ref().unwrap();
                    assert_eq!((&op.value, op.span.start), (&all.value, all.span.start));
                }
                if doc.app_id.is_some() {
                    assert_eq!(doc.app_id, whole.app_id);
                }
                if let Some((code, span, message)) = &doc.error {
                    let all = whole.error.as_ref().unwrap();
                    assert_eq!((code, span), (&all.0, &all.1));
                    assert!(message.is_none() || message == &all.2);
                }
                if let Some(result) = doc.result {
                    assert_eq!(result.value, whole.result.unwrap().value);
                }
            }
        }
    }

    #[test]
    fn malformed_and_unexpected() {
        let input = "<html><body><user id='x'/></body></html>";
        let doc = parse(input.as_bytes());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::UnexpectedRoot("html".into())]
        );
        assert_eq!(text(input, doc.problems[0].span), "<html>");
        assert_eq!(doc.kind, DocKind::Other);
        assert_eq!(doc.action, "other");
        assert_eq!(values(&doc.users), vec!["x"]);

        let input = "<request><login><user id='a'/></logout></request>";
        let doc = parse(input.as_bytes());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::Malformed(
                "end tag </logout> does not match start tag <login>".into()
            )]
        );
        assert_eq!(values(&doc.users), vec!["a"]);
        assert_eq!(doc.action, "login");
        assert_eq!(
            text(input, doc.request.unwrap().span),
            "<login><user id='a'/>"
        );

        let input = "<request><login><user id=a/></login></request>";
        let doc = parse(input.as_bytes());
        assert_eq!(
            kinds(&doc),
            vec![ProblemKind::Malformed(
                "attribute value without quotes".into()
            )]
        );
        assert!(doc.users.is_empty());

        // A form body that was not percent-decoded is not XML.
        let doc = parse(b"xml=%3Crequest%3E");
        assert_eq!(kinds(&doc), vec![ProblemKind::NotXml]);
        assert_eq!(doc.root, None);
        let doc = parse(b"");
        assert_eq!(kinds(&doc), vec![ProblemKind::Truncated]);

        let input = b"<request><login><userID>ad\xFFgjm</userID></login></request>";
        let doc = parse(input);
        assert_eq!(kinds(&doc), vec![ProblemKind::BadUtf8]);
        assert_eq!(values(&doc.users), vec!["ad\u{FFFD}gjm"]);
        assert_eq!(doc.problems[0].span, Span::new(26, 1));
    }

    #[test]
    fn limits() {
        let users = "<user id='u'/>".repeat(10_000);
        let profiles = "<deviceProfile>p</deviceProfile>".repeat(10_000);
        let input =
            format!("<response><x>{users}{profiles}</x><device name='d'/><success/></response>");
        let started = Instant::now();
        let doc = parse(input.as_bytes());
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(doc.users.len(), MAX_ITEMS);
        assert_eq!(doc.profiles.len(), MAX_ITEMS);
        assert_eq!(values(&doc.devices), vec!["d"]);
        assert_eq!(
            kinds(&doc),
            vec![
                ProblemKind::TooManyItems("users"),
                ProblemKind::TooManyItems("profiles")
            ]
        );
        assert_eq!(doc.result.unwrap().value, "success");

        let long = "a".repeat(MAX_VALUE_LEN * 10);
        let input = format!("<request><login><userID>{long}</userID></login></request>");
        let doc = parse(input.as_bytes());
        assert_eq!(doc.users[0].value.len(), MAX_VALUE_LEN);
        assert_eq!(doc.users[0].span.len, long.len());
        assert_eq!(kinds(&doc), vec![ProblemKind::ValueTooLong]);

        let depth = 1_000_000;
        let input = format!(
            "<request><login>{}{}<userID>u</userID></login></request>",
            "<a>".repeat(depth),
            "</a>".repeat(depth)
        );
        let started = Instant::now();
        let doc = parse(input.as_bytes());
        assert!(started.elapsed() < Duration::from_secs(20));
        assert_eq!(kinds(&doc), vec![ProblemKind::TooDeep]);
        assert_eq!(values(&doc.users), vec!["u"]);

        let input = format!("<request>{}</request>", "<userID>&x;</userID>".repeat(1000));
        let doc = parse(input.as_bytes());
        assert_eq!(doc.problems.len(), MAX_PROBLEMS);
        assert_eq!(
            doc.problems.last().unwrap().kind,
            ProblemKind::TooManyProblems
        );
    }

    #[test]
    fn mutated_documents_never_panic() {
        // `parse` checks the span invariants.
        let specials = b"<>/&;#\"'=!?[]-:x\xFF\xC3 09\n";
        for bytes in mutations(
            0x5851_F42D_4C95_7F2D,
            &ALL,
            specials,
            5000,
            Edits { max: 6, cut: true },
        ) {
            let doc = parse(&bytes);
            if let Some((_, span, _)) = doc.error {
                assert!(bytes[span.range()].iter().all(u8::is_ascii_digit));
            }
        }
    }

    #[test]
    fn display_texts() {
        assert_eq!(
            ProblemKind::Truncated.to_string(),
            "EMService document is truncated"
        );
        assert_eq!(
            ProblemKind::UnexpectedRoot("html".into()).to_string(),
            "Root element is <html>, not one of request, query, response, emccRequest, emccResponse"
        );
        assert_eq!(
            ProblemKind::TooManyItems("users").to_string(),
            "More than 64 users; the rest are not listed"
        );
        assert_eq!(
            ProblemKind::BadErrorCode("empty code".into()).to_string(),
            "Bad error code: empty code"
        );
        assert_eq!(
            ProblemKind::MissingErrorCode.to_string(),
            "<error> without a code attribute"
        );
        assert_eq!(
            ProblemKind::ValueTooLong.to_string(),
            "Value cut at 1024 characters (names at 256)"
        );
        assert_eq!(
            ProblemKind::TooManyProblems.to_string(),
            "More than 32 problems; the rest are not reported"
        );
    }
}
