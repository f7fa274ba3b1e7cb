//! Parser for the request targets of Extension Mobility HTTP requests and for
//! `application/x-www-form-urlencoded` bodies.
//!
//! Shapes (domain.md, "EMApp" and "EMService"; what the lab phone sends in seeds/001):
//!
//! ```text
//! /emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true                    service entry
//! /emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true&seq=134679&userid=adgjm
//!                                                   login submit (seq carries the PIN)
//! /emapp/EMAppServlet?refresh=SEPC80084AA8743%23Login&EMCC=true           refresh (#Login)
//! /emapp/jsp/initservices.jsp                                             a JSP page
//! /emapp/EMAppServlet?device=SEPC80084AA8743&doLogout=true                logout
//! http://192.168.7.100:8080/emapp/EMAppServlet?...                        absolute form
//! /emservice/EMServiceServlet              POST, body `xml=<percent-encoded XML>`
//! ```
//!
//! Parameters are `name=value` pairs separated by `&`; both parts are percent-decoded, `+`
//! stands for a space (HTML form encoding, which is how the phone builds the login submit
//! and how EMService clients encode the `xml` field), and the decoded bytes are read as
//! UTF-8 with U+FFFD for invalid sequences. A segment without `=` is a parameter with an
//! empty value; empty segments (`&&`) are skipped.
//!
//! The parser is pure and never panics: whatever was understood is returned together with
//! a list of [`Problem`]s, each with a [`Span`] (a byte range of the target or body given)
//! so the caller can highlight the bytes. Work is linear in the input size; memory is
//! bounded by the `MAX_*` constants below.

#![forbid(unsafe_code)]

pub use crate::span::Span;

/// At most this many parameters are listed. EMApp requests carry 2 to 6 (device, EMCC,
/// seq, userid, loginType, lang ...) and an EMService form one; a target repeating a
/// parameter thousands of times stops here with one [`ProblemKind::TooManyParams`].
pub const MAX_PARAMS: usize = 64;

/// Longest decoded parameter value kept, in bytes. EMService posts whole XML documents
/// (several KB) in its `xml` field; longer values are cut with
/// [`ProblemKind::ValueTooLong`].
pub const MAX_VALUE_LEN: usize = 8192;

/// Longest decoded parameter name kept, in bytes. Real names are below 20 bytes; longer
/// ones are cut with [`ProblemKind::NameTooLong`].
pub const MAX_NAME_LEN: usize = 256;

/// Longest request target parsed, in bytes. Real targets are below 200 bytes; Tomcat
/// refuses request lines above 8 KiB by default. The rest is reported as
/// [`ProblemKind::TooLong`] and not parsed.
pub const MAX_TARGET_LEN: usize = 64 * 1024;

/// Longest form body parsed, in bytes: room for a [`MAX_VALUE_LEN`] value fully
/// percent-encoded (3 bytes per byte) and more. The rest is reported as
/// [`ProblemKind::TooLong`] and not parsed.
pub const MAX_FORM_LEN: usize = 64 * 1024;

/// At most this many problems are reported per target or body, the last one being
/// [`ProblemKind::TooManyProblems`]; a hostile target must not grow the list without bound.
pub const MAX_PROBLEMS: usize = 32;

/// EMApp's servlet path (case-sensitive, as Tomcat maps it).
pub const EMAPP_PATH: &str = "/emapp/EMAppServlet";
/// EMService's servlet path.
pub const EMSERVICE_PATH: &str = "/emservice/EMServiceServlet";
/// Folder of EMApp's JSP pages (`initservices.jsp` ...).
pub const EMAPP_JSP_DIR: &str = "/emapp/jsp/";

/// Which Extension Mobility endpoint a request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Servlet {
    /// `/emapp/EMAppServlet`: the phone's EM service.
    EmApp,
    /// `/emservice/EMServiceServlet`: EMApp's (or another cluster's) XML API.
    EmService,
    /// `/emapp/jsp/<name>.jsp`; carries the file name (`initservices.jsp`).
    Jsp(String),
}

/// One `name=value` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParam {
    /// Decoded name, cut at [`MAX_NAME_LEN`] bytes.
    pub name: String,
    /// Raw name bytes.
    pub name_span: Span,
    /// Decoded value (percent escapes, `+` as space, lossy UTF-8), cut at
    /// [`MAX_VALUE_LEN`] bytes; empty when there is no `=`.
    pub value: String,
    /// Raw value bytes after `=`; empty at the end of the name when there is no `=`.
    pub value_span: Span,
}

/// What went wrong. Nothing stops the parse, except [`ProblemKind::TooManyParams`] and
/// [`ProblemKind::TooLong`] which end it at their span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// A `%` not followed by two hex digits; kept as a literal `%`. The span starts at the
    /// `%` and covers the (at most two) ASCII bytes after it.
    BadPercentEscape,
    /// The decoded bytes of a name or value are not UTF-8; shown as U+FFFD. The span covers
    /// the raw bytes from the first to the last invalid sequence.
    InvalidUtf8,
    /// More than [`MAX_PARAMS`] parameters; the span covers the rest, which is not listed.
    TooManyParams,
    /// A decoded name longer than [`MAX_NAME_LEN`] bytes was cut.
    NameTooLong,
    /// A decoded value longer than [`MAX_VALUE_LEN`] bytes was cut.
    ValueTooLong,
    /// The input is longer than the carried limit ([`MAX_TARGET_LEN`] or
    /// [`MAX_FORM_LEN`]); the span covers the rest, which is not parsed.
    TooLong(usize),
    /// [`MAX_PROBLEMS`] reached; later problems are not reported.
    TooManyProblems,
}

/// A one-line description, suitable for an expert info.
impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::BadPercentEscape => {
                f.write_str("'%' not followed by two hex digits (kept as is)")
            }
            ProblemKind::InvalidUtf8 => {
                f.write_str("Decoded parameter is not valid UTF-8 (shown as U+FFFD)")
            }
            ProblemKind::TooManyParams => write!(
                f,
                "More than {MAX_PARAMS} parameters; the rest are not listed"
            ),
            ProblemKind::NameTooLong => {
                write!(f, "Parameter name cut at {MAX_NAME_LEN} bytes")
            }
            ProblemKind::ValueTooLong => {
                write!(f, "Parameter value cut at {MAX_VALUE_LEN} bytes")
            }
            ProblemKind::TooLong(limit) => {
                write!(f, "Longer than {limit} bytes; the rest is not parsed")
            }
            ProblemKind::TooManyProblems => write!(
                f,
                "More than {MAX_PROBLEMS} problems; the rest are not reported"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
}

/// Everything understood from a request target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    /// The Extension Mobility endpoint, or `None` for any other path.
    pub servlet: Option<Servlet>,
    /// The path: after the scheme and authority of an absolute URI, up to `?` or `#`.
    pub path_span: Span,
    /// The query parameters, in order, at most [`MAX_PARAMS`].
    pub params: Vec<QueryParam>,
    pub problems: Vec<Problem>,
}

/// Everything understood from an `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Form {
    /// The parameters, in order, at most [`MAX_PARAMS`].
    pub params: Vec<QueryParam>,
    pub problems: Vec<Problem>,
}

/// Parses an HTTP request target (origin form `/path?query`, or absolute form
/// `http://host:port/path?query`). See the module documentation. Every span falls on
/// character boundaries of `target`.
pub fn parse_target(target: &str) -> Target {
    let input = target.as_bytes();
    let mut problems = Problems::default();
    // Cut on a character boundary, so that every span is one of `target` too.
    let mut cut = MAX_TARGET_LEN.min(input.len());
    while !target.is_char_boundary(cut) {
        cut -= 1;
    }
    let len = limit_len(input.len(), cut, MAX_TARGET_LEN, &mut problems);
    let path_start = path_start(&input[..len]);
    let path_end = input[path_start..len]
        .iter()
        .position(|&b| matches!(b, b'?' | b'#'))
        .map_or(len, |p| path_start + p);
    let path_span = Span::between(path_start, path_end);
    let servlet = match_servlet(&input[path_span.range()]);
    let mut params = Vec::new();
    if input.get(path_end) == Some(&b'?') && path_end < len {
        let query_end = input[path_end + 1..len]
            .iter()
            .position(|&b| b == b'#')
            .map_or(len, |p| path_end + 1 + p);
        parse_params(input, path_end + 1, query_end, &mut params, &mut problems);
    }
    Target {
        servlet,
        path_span,
        params,
        problems: problems.into_sorted(),
    }
}

/// Parses an `application/x-www-form-urlencoded` body (spans relative to `body`).
pub fn parse_form(body: &[u8]) -> Form {
    let mut problems = Problems::default();
    let len = limit_len(body.len(), MAX_FORM_LEN, MAX_FORM_LEN, &mut problems);
    let mut params = Vec::new();
    parse_params(body, 0, len, &mut params, &mut problems);
    Form {
        params,
        problems: problems.into_sorted(),
    }
}

/// First parameter named exactly `name` (case-sensitive, like the servlets).
pub fn param<'a>(params: &'a [QueryParam], name: &str) -> Option<&'a QueryParam> {
    params.iter().find(|p| p.name == name)
}

/// What a request asks for, from its endpoint and parameters:
///
/// - EMApp, first rule that applies: `logout` (`doLogout=true`, any case, or a `logout`
///   parameter), `refresh` (`refresh`), `login-submit` (`userid`), `service-entry`
///   (`device`), `cluster-info` (`getClusterInfo`), otherwise `other`.
/// - JSP pages: `init-services` for `initservices.jsp`; the page name without `.jsp` for
///   the other pages EMApp is known to use (`form1`, `phone_refresh`); otherwise `jsp`
///   (the name is in [`Servlet::Jsp`]).
/// - EMService: `post` (what is posted is in the `xml` field; see `emservice`).
pub fn classify(servlet: &Servlet, params: &[QueryParam]) -> &'static str {
    match servlet {
        Servlet::EmApp => {
            let has = |name: &str| param(params, name).is_some();
            let do_logout = param(params, "doLogout")
                .is_some_and(|p| p.value.trim().eq_ignore_ascii_case("true"));
            if do_logout || has("logout") {
                "logout"
            } else if has("refresh") {
                "refresh"
            } else if has("userid") {
                "login-submit"
            } else if has("device") {
                "service-entry"
            } else if has("getClusterInfo") {
                "cluster-info"
            } else {
                "other"
            }
        }
        Servlet::Jsp(name) => match name.as_str() {
            "initservices.jsp" => "init-services",
            "form1.jsp" => "form1",
            "phone_refresh.jsp" => "phone_refresh",
            _ => "jsp",
        },
        Servlet::EmService => "post",
    }
}

// ---------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------

/// Problem list with the [`MAX_PROBLEMS`] cap.
#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    fn push(&mut self, kind: ProblemKind, span: Span) {
        if self.list.len() + 1 < MAX_PROBLEMS {
            self.list.push(Problem { kind, span });
        } else if self.list.len() + 1 == MAX_PROBLEMS {
            self.list.push(Problem {
                kind: ProblemKind::TooManyProblems,
                span,
            });
        }
    }

    /// The problems in input order (a [`ProblemKind::TooLong`] is found first but lies at
    /// the end). The sort is stable, so the cap's last entry stays last among equals.
    fn into_sorted(mut self) -> Vec<Problem> {
        self.list.sort_by_key(|p| p.span.start);
        self.list
    }
}

/// The length to parse: `len`, or `cut` (at most `limit`) with a
/// [`ProblemKind::TooLong`] for the rest when `len` is over `limit`.
fn limit_len(len: usize, cut: usize, limit: usize, problems: &mut Problems) -> usize {
    if len > limit {
        problems.push(ProblemKind::TooLong(limit), Span::between(cut, len));
        cut
    } else {
        len
    }
}

/// Where the path starts: 0 for an origin-form target; after `scheme://authority` for an
/// absolute URI (the path may then be empty).
fn path_start(input: &[u8]) -> usize {
    let scheme_len = if starts_with_ignore_case(input, b"http://") {
        7
    } else if starts_with_ignore_case(input, b"https://") {
        8
    } else {
        return 0;
    };
    input[scheme_len..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(input.len(), |p| scheme_len + p)
}

fn starts_with_ignore_case(input: &[u8], prefix: &[u8]) -> bool {
    input.len() >= prefix.len() && input[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The endpoint a raw path names. A Tomcat path parameter (`;jsessionid=..`) is ignored.
fn match_servlet(path: &[u8]) -> Option<Servlet> {
    let path = path
        .iter()
        .position(|&b| b == b';')
        .map_or(path, |p| &path[..p]);
    if path == EMAPP_PATH.as_bytes() {
        return Some(Servlet::EmApp);
    }
    if path == EMSERVICE_PATH.as_bytes() {
        return Some(Servlet::EmService);
    }
    let name = path.strip_prefix(EMAPP_JSP_DIR.as_bytes())?;
    let stem = name.strip_suffix(b".jsp")?;
    if stem.is_empty() || name.contains(&b'/') {
        return None;
    }
    Some(Servlet::Jsp(String::from_utf8_lossy(name).into_owned()))
}

/// Splits `input[from..to]` into parameters.
fn parse_params(
    input: &[u8],
    from: usize,
    to: usize,
    params: &mut Vec<QueryParam>,
    problems: &mut Problems,
) {
    let mut start = from;
    while start < to {
        let end = input[start..to]
            .iter()
            .position(|&b| b == b'&')
            .map_or(to, |p| start + p);
        if end > start {
            if params.len() == MAX_PARAMS {
                problems.push(ProblemKind::TooManyParams, Span::between(start, to));
                return;
            }
            let (name_span, value_span) = match input[start..end].iter().position(|&b| b == b'=') {
                Some(eq) => (
                    Span::between(start, start + eq),
                    Span::between(start + eq + 1, end),
                ),
                None => (Span::between(start, end), Span::new(end, 0)),
            };
            let name = decode(
                input,
                name_span,
                MAX_NAME_LEN,
                ProblemKind::NameTooLong,
                problems,
            );
            let value = decode(
                input,
                value_span,
                MAX_VALUE_LEN,
                ProblemKind::ValueTooLong,
                problems,
            );
            params.push(QueryParam {
                name,
                name_span,
                value,
                value_span,
            });
        }
        start = end + 1;
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// The byte a percent escape `%XY` at `raw[i]` stands for; `None` when the two hex
/// digits are not there.
pub(super) fn percent_escape(raw: &[u8], i: usize) -> Option<u8> {
    let hi = raw.get(i + 1).copied().and_then(hex_digit)?;
    let lo = raw.get(i + 2).copied().and_then(hex_digit)?;
    Some((hi << 4) | lo)
}

/// The byte that `raw[i..]` starts with after decoding, how many raw bytes it takes, and
/// whether it is well formed (false for a bad percent escape: the `%` stands for itself).
fn decode_one(raw: &[u8], i: usize) -> (u8, usize, bool) {
    match raw[i] {
        b'%' => match percent_escape(raw, i) {
            Some(byte) => (byte, 3, true),
            None => (b'%', 1, false),
        },
        b'+' => (b' ', 1, true),
        b => (b, 1, true),
    }
}

/// Percent-decodes `input[span]` (`+` as space), reads the bytes as UTF-8 (lossy), and
/// keeps at most `max` bytes of text. Reports bad escapes, cutting and invalid UTF-8.
fn decode(
    input: &[u8],
    span: Span,
    max: usize,
    too_long: ProblemKind,
    problems: &mut Problems,
) -> String {
    let raw = &input[span.range()];
    let mut out = Vec::with_capacity(raw.len().min(max));
    let mut i = 0;
    let mut cut = false;
    while i < raw.len() {
        if out.len() == max {
            cut = true;
            break;
        }
        let (byte, step, ok) = decode_one(raw, i);
        if !ok {
            // The '%' and up to two ASCII bytes that should have been hex digits.
            let extra = raw[i + 1..]
                .iter()
                .take(2)
                .take_while(|b| b.is_ascii())
                .count();
            problems.push(
                ProblemKind::BadPercentEscape,
                Span::new(span.start + i, 1 + extra),
            );
        }
        out.push(byte);
        i += step;
    }
    if cut {
        problems.push(too_long.clone(), span);
        drop_incomplete_tail(&mut out);
    }
    let mut text = lossy(out, raw, span, problems);
    // Each invalid byte became a 3-byte U+FFFD: the limit holds for the text too.
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        if !cut {
            problems.push(too_long, span);
        }
    }
    text
}

/// The decoded bytes of `raw` (at `span`) as text, invalid UTF-8 replaced and reported.
fn lossy(out: Vec<u8>, raw: &[u8], span: Span, problems: &mut Problems) -> String {
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let mut text = String::with_capacity(bytes.len() + 2);
            let mut first_bad: Option<usize> = None;
            let mut bad_end = 0;
            let mut at = 0;
            for chunk in bytes.utf8_chunks() {
                text.push_str(chunk.valid());
                at += chunk.valid().len();
                if !chunk.invalid().is_empty() {
                    text.push(char::REPLACEMENT_CHARACTER);
                    first_bad.get_or_insert(at);
                    at += chunk.invalid().len();
                    bad_end = at;
                }
            }
            if let Some(first) = first_bad {
                let start = raw_index(raw, first);
                let end = raw_index(raw, bad_end);
                problems.push(
                    ProblemKind::InvalidUtf8,
                    Span::between(span.start + start, span.start + end),
                );
            }
            text
        }
    }
}

/// Removes a UTF-8 sequence that cutting left unfinished at the end of `out`.
fn drop_incomplete_tail(out: &mut Vec<u8>) {
    let from = out.len().saturating_sub(3);
    let Some(lead) = (from..out.len()).rev().find(|&k| out[k] & 0xC0 != 0x80) else {
        return;
    };
    let needed = match out[lead] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    };
    if out.len() - lead < needed {
        out.truncate(lead);
    }
}

/// The raw index where decoded byte number `decoded` comes from (`raw.len()` past the end).
fn raw_index(raw: &[u8], decoded: usize) -> usize {
    let mut i = 0;
    let mut n = 0;
    while i < raw.len() && n < decoded {
        i += decode_one(raw, i).1;
        n += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::mutate::{mutations, Edits};
    use std::time::{Duration, Instant};

    // The targets the capture generator writes (emapp.rs), from the article.
    const SERVICE: &str = "/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true";
    const LOGIN: &str =
        "/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true&seq=134679&userid=adgjm";
    const REFRESH: &str = "/emapp/EMAppServlet?refresh=SEPC80084AA8743%23Login&EMCC=true";
    const INIT: &str = "/emapp/jsp/initservices.jsp";
    const LOGOUT: &str = "/emapp/EMAppServlet?device=SEPC80084AA8743&doLogout=true";
    const EMSERVICE: &str = "/emservice/EMServiceServlet";

    fn text(input: &str, span: Span) -> &str {
        &input[span.range()]
    }

    fn pairs(params: &[QueryParam]) -> Vec<(&str, &str)> {
        params
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect()
    }

    fn kinds(problems: &[Problem]) -> Vec<ProblemKind> {
        problems.iter().map(|p| p.kind.clone()).collect()
    }

    fn check_spans(t: &Target, len: usize) {
        let mut spans = vec![t.path_span];
        for p in &t.params {
            spans.push(p.name_span);
            spans.push(p.value_span);
        }
        spans.extend(t.problems.iter().map(|p| p.span));
        for s in spans {
            assert!(s.end() <= len, "{s:?} beyond {len}: {t:?}");
        }
        assert!(t.params.len() <= MAX_PARAMS);
        assert!(t.problems.len() <= MAX_PROBLEMS);
        for p in &t.params {
            assert!(p.value.len() <= MAX_VALUE_LEN);
            assert!(p.name.len() <= MAX_NAME_LEN);
        }
    }

    fn target(s: &str) -> Target {
        let t = parse_target(s);
        check_spans(&t, s.len());
        t
    }

    #[test]
    fn generator_targets() {
        let t = target(SERVICE);
        assert_eq!(t.problems, vec![]);
        assert_eq!(t.servlet, Some(Servlet::EmApp));
        assert_eq!(text(SERVICE, t.path_span), "/emapp/EMAppServlet");
        assert_eq!(
            pairs(&t.params),
            vec![("device", "SEPC80084AA8743"), ("EMCC", "true")]
        );
        assert_eq!(text(SERVICE, t.params[0].name_span), "device");
        assert_eq!(text(SERVICE, t.params[0].value_span), "SEPC80084AA8743");
        assert_eq!(text(SERVICE, t.params[1].value_span), "true");
        assert_eq!(classify(&Servlet::EmApp, &t.params), "service-entry");

        let t = target(LOGIN);
        assert_eq!(t.problems, vec![]);
        assert_eq!(
            pairs(&t.params),
            vec![
                ("device", "SEPC80084AA8743"),
                ("EMCC", "true"),
                ("seq", "134679"),
                ("userid", "adgjm")
            ]
        );
        assert_eq!(
            text(LOGIN, param(&t.params, "seq").unwrap().value_span),
            "134679"
        );
        assert_eq!(classify(&Servlet::EmApp, &t.params), "login-submit");

        let t = target(REFRESH);
        assert_eq!(t.problems, vec![]);
        let refresh = param(&t.params, "refresh").unwrap();
        assert_eq!(refresh.value, "SEPC80084AA8743#Login");
        assert_eq!(text(REFRESH, refresh.value_span), "SEPC80084AA8743%23Login");
        assert_eq!(classify(&Servlet::EmApp, &t.params), "refresh");

        let t = target(INIT);
        assert_eq!(t.problems, vec![]);
        assert_eq!(t.servlet, Some(Servlet::Jsp("initservices.jsp".into())));
        assert_eq!(t.path_span, Span::new(0, INIT.len()));
        assert!(t.params.is_empty());
        assert_eq!(
            classify(t.servlet.as_ref().unwrap(), &t.params),
            "init-services"
        );

        let t = target(LOGOUT);
        assert_eq!(t.problems, vec![]);
        assert_eq!(classify(&Servlet::EmApp, &t.params), "logout");

        let t = target(EMSERVICE);
        assert_eq!(t.servlet, Some(Servlet::EmService));
        assert_eq!(classify(&Servlet::EmService, &t.params), "post");
    }

    #[test]
    fn absolute_uris_and_other_paths() {
        let abs = "http://192.168.7.100:8080/emapp/EMAppServlet?device=SEP1&EMCC=true";
        let t = target(abs);
        assert_eq!(t.servlet, Some(Servlet::EmApp));
        assert_eq!(text(abs, t.path_span), "/emapp/EMAppServlet");
        assert_eq!(pairs(&t.params), vec![("device", "SEP1"), ("EMCC", "true")]);
        assert_eq!(text(abs, t.params[0].value_span), "SEP1");

        let t = target("HTTPS://cucm:8443/emservice/EMServiceServlet");
        assert_eq!(t.servlet, Some(Servlet::EmService));
        let t = target("http://host:8080");
        assert_eq!((t.servlet, t.path_span), (None, Span::new(16, 0)));
        let t = target("http://host?device=x");
        assert_eq!(t.servlet, None);
        assert_eq!(pairs(&t.params), vec![("device", "x")]);

        // Case-sensitive, exact paths.
        for other in [
            "/emapp/emappservlet?device=x",
            "/EMAPP/EMAppServlet",
            "/emapp/EMAppServlet/",
            "/emapp/EMAppServletX",
            "/emapp/jsp/.jsp",
            "/emapp/jsp/a/b.jsp",
            "/emapp/jsp/initservices.JSP",
            "/emapp/jsp/",
            "/ccmcip/authenticate.jsp",
            "/",
            "",
            "*",
            "SEPC80084AA8743.cnf.xml.sgn",
        ] {
            assert_eq!(target(other).servlet, None, "{other}");
        }
        // A Tomcat path parameter does not hide the servlet.
        let t = target("/emapp/EMAppServlet;jsessionid=ABC?device=x");
        assert_eq!(t.servlet, Some(Servlet::EmApp));
        assert_eq!(pairs(&t.params), vec![("device", "x")]);
        let t = target("/emapp/jsp/form1.jsp");
        assert_eq!(classify(t.servlet.as_ref().unwrap(), &[]), "form1");
        let t = target("/emapp/jsp/other.jsp#frag");
        assert_eq!(t.servlet, Some(Servlet::Jsp("other.jsp".into())));
        assert_eq!(classify(t.servlet.as_ref().unwrap(), &[]), "jsp");
        assert_eq!(
            classify(&Servlet::Jsp("phone_refresh.jsp".into()), &[]),
            "phone_refresh"
        );
    }

    #[test]
    fn parameter_syntax() {
        let s = "/emapp/EMAppServlet?&a&b=&=c&&d=1=2&e=x+y%20z&f%3D=%26&";
        let t = target(s);
        assert_eq!(t.problems, vec![]);
        assert_eq!(
            pairs(&t.params),
            vec![
                ("a", ""),
                ("b", ""),
                ("", "c"),
                ("d", "1=2"),
                ("e", "x y z"),
                ("f=", "&")
            ]
        );
        assert_eq!(t.params[0].value_span, Span::new(22, 0));
        assert_eq!(text(s, t.params[1].value_span), "");
        assert_eq!(text(s, t.params[4].value_span), "x+y%20z");
        assert_eq!(text(s, t.params[5].name_span), "f%3D");
        // The query ends at '#'.
        let t = target("/x?a=1#b=2");
        assert_eq!(pairs(&t.params), vec![("a", "1")]);
        // Only the first '?' starts the query.
        let t = target("/x?a=?b");
        assert_eq!(pairs(&t.params), vec![("a", "?b")]);
        // UTF-8, escaped or not.
        let t = target("/x?n=caf%C3%A9&m=Zürich");
        assert_eq!(t.problems, vec![]);
        assert_eq!(pairs(&t.params), vec![("n", "café"), ("m", "Zürich")]);
        // Lookup is case-sensitive and finds the first.
        let t = target("/x?a=1&A=2&a=3");
        assert_eq!(param(&t.params, "a").unwrap().value, "1");
        assert_eq!(param(&t.params, "A").unwrap().value, "2");
        assert!(param(&t.params, "b").is_none());
    }

    #[test]
    fn classification_rules() {
        let c = |q: &str| classify(&Servlet::EmApp, &target(&format!("/x?{q}")).params);
        assert_eq!(c("device=a&doLogout=true"), "logout");
        assert_eq!(c("device=a&doLogout=TRUE"), "logout");
        assert_eq!(c("device=a&doLogout=false"), "service-entry");
        assert_eq!(c("logout"), "logout");
        assert_eq!(c("logout=x&refresh=y"), "logout");
        assert_eq!(c("refresh=SEP%23Login&userid=u"), "refresh");
        assert_eq!(c("userid=u&device=d"), "login-submit");
        assert_eq!(c("device=d&getClusterInfo=true"), "service-entry");
        assert_eq!(c("getClusterInfo=true"), "cluster-info");
        assert_eq!(c("lang=en_US"), "other");
        assert_eq!(c(""), "other");
        assert_eq!(c("Device=d"), "other");
    }

    #[test]
    fn bad_escapes() {
        let s = "/x?a=%2&b=%zz1&c=100%&d=%%41&e=%C3%A9";
        let t = target(s);
        assert_eq!(
            pairs(&t.params),
            vec![
                ("a", "%2"),
                ("b", "%zz1"),
                ("c", "100%"),
                ("d", "%A"),
                ("e", "é")
            ]
        );
        let shown: Vec<&str> = t.problems.iter().map(|p| text(s, p.span)).collect();
        assert_eq!(shown, vec!["%2", "%zz", "%", "%%4"]);
        assert!(t
            .problems
            .iter()
            .all(|p| p.kind == ProblemKind::BadPercentEscape));
        // A multi-byte character after '%' is not part of the span.
        let s = "/x?a=%é";
        let t = target(s);
        assert_eq!(t.params[0].value, "%é");
        assert_eq!(t.problems[0].span, Span::new(5, 1));
    }

    #[test]
    fn invalid_utf8_after_decoding() {
        let s = "/x?a=ok%FFmid%C3%28end&b=%E2%82";
        let t = target(s);
        assert_eq!(t.params[0].value, "ok\u{FFFD}mid\u{FFFD}(end");
        assert_eq!(t.params[1].value, "\u{FFFD}");
        assert_eq!(
            kinds(&t.problems),
            vec![ProblemKind::InvalidUtf8, ProblemKind::InvalidUtf8]
        );
        // From the first to the last invalid sequence, in raw bytes.
        assert_eq!(text(s, t.problems[0].span), "%FFmid%C3");
        assert_eq!(text(s, t.problems[1].span), "%E2%82");

        let f = parse_form(b"xml=\xFF\xFE&n%FF=1");
        assert_eq!(
            pairs(&f.params),
            vec![("xml", "\u{FFFD}\u{FFFD}"), ("n\u{FFFD}", "1")]
        );
        assert_eq!(f.problems[0].span, Span::new(4, 2));
        assert_eq!(f.problems[1].span, Span::new(8, 3));
    }

    #[test]
    fn many_params_stop_with_one_problem() {
        // Thousands of repetitions, inside MAX_TARGET_LEN.
        let s = format!("/emapp/EMAppServlet?{}", "device=SEP1&".repeat(5000));
        let started = Instant::now();
        let t = target(&s);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(t.params.len(), MAX_PARAMS);
        assert_eq!(kinds(&t.problems), vec![ProblemKind::TooManyParams]);
        let rest = t.problems[0].span;
        assert_eq!(rest.start, 20 + 12 * MAX_PARAMS);
        assert_eq!(rest.end(), s.len());
        // Beyond MAX_TARGET_LEN as well: still one TooManyParams, and the cut.
        let s = format!("/x?{}", "a=1&".repeat(100_000));
        let t = target(&s);
        assert_eq!(
            kinds(&t.problems),
            vec![
                ProblemKind::TooManyParams,
                ProblemKind::TooLong(MAX_TARGET_LEN)
            ]
        );
        // Exactly MAX_PARAMS is fine.
        let s = format!("/x?{}", "a=1&".repeat(MAX_PARAMS));
        assert_eq!(target(&s).problems, vec![]);
    }

    #[test]
    fn long_values_and_targets() {
        let big = "x".repeat(MAX_VALUE_LEN + 10);
        let s = format!("/x?v={big}&w=1");
        let t = target(&s);
        assert_eq!(t.params[0].value.len(), MAX_VALUE_LEN);
        assert_eq!(t.params[0].value_span.len, MAX_VALUE_LEN + 10);
        assert_eq!(pairs(&t.params)[1], ("w", "1"));
        assert_eq!(kinds(&t.problems), vec![ProblemKind::ValueTooLong]);
        assert_eq!(t.problems[0].span, t.params[0].value_span);

        // Cutting never leaves half a character, nor reports it as invalid UTF-8.
        let s = format!(
            "/x?v={}{}",
            "a".repeat(MAX_VALUE_LEN - 1),
            "%C3%A9".repeat(3)
        );
        let t = target(&s);
        assert_eq!(t.params[0].value.len(), MAX_VALUE_LEN - 1);
        assert_eq!(kinds(&t.problems), vec![ProblemKind::ValueTooLong]);
        let s = format!("/x?v={}{}", "a".repeat(MAX_VALUE_LEN - 2), "€€");
        let t = target(&s);
        assert_eq!(t.params[0].value.len(), MAX_VALUE_LEN - 2);

        let name = "n".repeat(MAX_NAME_LEN + 1);
        let t = target(&format!("/x?{name}=1"));
        assert_eq!(t.params[0].name.len(), MAX_NAME_LEN);
        assert_eq!(kinds(&t.problems), vec![ProblemKind::NameTooLong]);

        let s = format!("/emapp/EMAppServlet?a={}", "%41".repeat(40_000));
        let t = target(&s);
        assert_eq!(t.servlet, Some(Servlet::EmApp));
        assert_eq!(
            kinds(&t.problems),
            vec![
                ProblemKind::ValueTooLong,
                ProblemKind::TooLong(MAX_TARGET_LEN)
            ]
        );
        assert_eq!(t.problems[1].span, Span::between(MAX_TARGET_LEN, s.len()));
        assert_eq!(t.params[0].value_span.end(), MAX_TARGET_LEN);
    }

    #[test]
    fn cut_on_a_character_boundary() {
        // A 2-byte character straddles MAX_TARGET_LEN: the cut goes before it.
        let s = format!("/x?a={}é tail", "b".repeat(MAX_TARGET_LEN - 6));
        assert!(!s.is_char_boundary(MAX_TARGET_LEN));
        let t = target(&s);
        let too_long = t.problems.last().unwrap();
        assert_eq!(too_long.kind, ProblemKind::TooLong(MAX_TARGET_LEN));
        assert_eq!(too_long.span.start, MAX_TARGET_LEN - 1);
        assert!(text(&s, too_long.span).starts_with('é'));
        assert_eq!(t.params[0].value_span.end(), MAX_TARGET_LEN - 1);
    }

    #[test]
    fn problems_are_capped() {
        let s = format!("/x?a={}", "%G".repeat(1000));
        let t = target(&s);
        assert_eq!(t.problems.len(), MAX_PROBLEMS);
        assert_eq!(
            t.problems.last().unwrap().kind,
            ProblemKind::TooManyProblems
        );
        assert_eq!(t.params[0].value, "%G".repeat(1000));
    }

    #[test]
    fn emservice_form() {
        // What the visiting cluster posts (emapp_flow.rs): `xml=` + Java URLEncoder.
        let body = b"xml=%3C%3Fxml+version%3D%221.0%22+encoding%3D%22UTF-8%22%3F%3E%0A%3CemccRequest%3E%0A%3CcheckUser%3E%0A%3Cuser+id%3D%22adgjm%22%2F%3E%0A%3C%2FcheckUser%3E%0A%3C%2FemccRequest%3E%0A";
        let f = parse_form(body);
        assert_eq!(f.problems, vec![]);
        assert_eq!(f.params.len(), 1);
        let xml = param(&f.params, "xml").unwrap();
        assert_eq!(
            xml.value,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<emccRequest>\n<checkUser>\n<user id=\"adgjm\"/>\n</checkUser>\n</emccRequest>\n"
        );
        assert_eq!(xml.value_span, Span::between(4, body.len()));

        // A several-KB document fits.
        let doc = format!("<request>{}</request>", "<x/>".repeat(1500));
        let encoded: String = doc
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' => char::from(b).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        let f = parse_form(format!("xml={encoded}").as_bytes());
        assert_eq!(f.problems, vec![]);
        assert_eq!(f.params[0].value, doc);

        let f = parse_form(&vec![b'a'; MAX_FORM_LEN + 5]);
        assert_eq!(
            kinds(&f.problems),
            vec![ProblemKind::NameTooLong, ProblemKind::TooLong(MAX_FORM_LEN)]
        );
        assert_eq!(f.problems[1].span, Span::new(MAX_FORM_LEN, 5));
        assert_eq!(parse_form(b""), Form::default());
    }

    #[test]
    fn mutated_targets_never_panic() {
        let specials = b"%&=+?#;/:2Fz\xFF\xC3\xA9 ";
        let seeds = [SERVICE, LOGIN, REFRESH, INIT, LOGOUT, EMSERVICE];
        let edits = Edits { max: 6, cut: false };
        for bytes in mutations(0x9E37_79B9_7F4A_7C15, &seeds, specials, 5000, edits) {
            let s = String::from_utf8_lossy(&bytes).into_owned();
            let t = target(&s);
            let mut spans = vec![t.path_span];
            spans.extend(t.problems.iter().map(|p| p.span));
            for p in &t.params {
                spans.extend([p.name_span, p.value_span]);
            }
            for span in spans {
                assert!(s.is_char_boundary(span.start) && s.is_char_boundary(span.end()));
            }
            let f = parse_form(s.as_bytes());
            assert_eq!(f.params.len(), {
                // Same parameter rules for forms and queries.
                let q = format!("/?{}", s.replace('#', "%23"));
                parse_target(&q).params.len()
            });
            let _ = classify(&Servlet::EmApp, &t.params);
        }
    }

    #[test]
    fn display_texts() {
        assert_eq!(
            ProblemKind::BadPercentEscape.to_string(),
            "'%' not followed by two hex digits (kept as is)"
        );
        assert_eq!(
            ProblemKind::InvalidUtf8.to_string(),
            "Decoded parameter is not valid UTF-8 (shown as U+FFFD)"
        );
        assert_eq!(
            ProblemKind::TooManyParams.to_string(),
            "More than 64 parameters; the rest are not listed"
        );
        assert_eq!(
            ProblemKind::NameTooLong.to_string(),
            "Parameter name cut at 256 bytes"
        );
        assert_eq!(
            ProblemKind::ValueTooLong.to_string(),
            "Parameter value cut at 8192 bytes"
        );
        assert_eq!(
            ProblemKind::TooLong(65536).to_string(),
            "Longer than 65536 bytes; the rest is not parsed"
        );
        assert_eq!(
            ProblemKind::TooManyProblems.to_string(),
            "More than 32 problems; the rest are not reported"
        );
    }

    /// Found by fuzzing (tests/fuzz, target emapp_query): the limit was applied before
    /// invalid bytes became 3-byte U+FFFD, so a name or value could be three times it.
    #[test]
    fn invalid_bytes_do_not_stretch_a_name_past_its_limit() {
        let mut body = vec![0xff; 100];
        body.extend_from_slice(b"=");
        body.extend(vec![0xfe; MAX_VALUE_LEN]);
        let form = parse_form(&body);
        let p = &form.params[0];
        assert!(
            p.name.len() <= MAX_NAME_LEN,
            "name of {} bytes",
            p.name.len()
        );
        assert!(
            p.value.len() <= MAX_VALUE_LEN,
            "value of {} bytes",
            p.value.len()
        );
        assert!(p.name.chars().all(|c| c == char::REPLACEMENT_CHARACTER));
        let kinds: Vec<_> = form.problems.iter().map(|p| &p.kind).collect();
        assert!(kinds.contains(&&ProblemKind::NameTooLong), "{kinds:?}");
        assert!(kinds.contains(&&ProblemKind::ValueTooLong), "{kinds:?}");
        assert!(kinds.contains(&&ProblemKind::InvalidUtf8), "{kinds:?}");
    }
}
