//! Signed files (`SEP<MAC>.cnf.xml.sgn`, `SK<uuid>.xml.sgn`) and the facts a phone takes
//! from its configuration XML.
//!
//! A signed file is the signature header of a trust list (see [`super::trustlist`]: tag 1
//! version, tag 2 header length, signer, signature, file name, timestamp), then the file
//! exactly as the TFTP server holds it:
//!
//! ```text
//! 01 0002 01 00            version 1.0 (certutils `sgnfile`: `pack('> B H B B', 1, 2, 1, 0)`)
//! 02 0002 <u16>            header length = offset of the content (certutils `'> H'`)
//! 03 .. 15 ... 0D 0D       signer ID (4, 5, 6), signature info, signature, file name,
//!                          timestamp, bare 0x0D padding to a 4-byte boundary (certutils)
//! <?xml version="1.0" ...  the content, from the header length to the end
//! ```
//!
//! [`parse_signed`] splits the two; [`config_facts`] reads the device configuration XML:
//!
//! ```text
//! <device>
//!   <devicePool>..<callManagerGroup><members><member><callManager>
//!       <name>10.0.0.1</name> <processNodeName>10.0.0.1</processNodeName>   call managers
//!   ..<capfList><capf><processNodeName>..                                    (not a CM)
//!   <emccInfo>..<homeTftpServers><tftpServer>..                              TFTP servers
//!   <phoneServices>..<url>http://..:8080/emapp/EMAppServlet?device=..</url>  EMCC service
//!   <loadServer>..</loadServer> <tftpServer>..</tftpServer>                  TFTP servers
//!   <deviceName>SEP..</deviceName>                                           device name
//! ```
//!
//! Values come from leaf elements only (elements with no child elements, comments or CDATA),
//! with surrounding XML whitespace trimmed and the five predefined entities and character
//! references expanded. Spans of [`SignedFile`] are byte ranges of the signed file; spans of
//! [`ConfigFacts`] are byte ranges of the XML slice given to [`config_facts`] and cover the
//! trimmed raw text. Neither parser panics; both bound their work and memory by the `MAX_*`
//! constants.

#![forbid(unsafe_code)]

use crate::xml::bytes::is_xml_space;
use crate::xml::reader::unclosed;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::trustlist::{self, Header};
pub use crate::span::{Span, Spanned};

/// Input beyond this many bytes is ignored (signed files: like trust lists; configurations
/// are about 10 KiB, the largest real ones well below 1 MiB).
pub const MAX_FILE: usize = trustlist::MAX_FILE;

/// Elements nested deeper than this are skipped (once [`ProblemKind::TooDeep`]). Real
/// configurations nest 8 deep.
pub const MAX_DEPTH: usize = 32;

/// Longest value kept, in bytes (cut at a character boundary, [`ProblemKind::ValueTooLong`]).
/// Real URLs and host names are below 300 bytes.
pub const MAX_VALUE_LEN: usize = 2048;

/// At most this many call managers and this many TFTP servers are collected (CUCM allows 3
/// call managers per group and 2 TFTP servers; duplicates are dropped).
pub const MAX_SERVERS: usize = 16;

/// At most this many problems are reported, the last one being
/// [`ProblemKind::TooManyProblems`].
pub const MAX_PROBLEMS: usize = 32;

/// Element names longer than this are not compared with the known names (none is longer
/// than 20 bytes); only this much of each open element's name is kept.
const MAX_NAME_LEN: usize = 64;

/// The EMCC login service path the configuration's service URL points at.
const EMAPP_PATH: &[u8] = b"/emapp/emappservlet";

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// A problem in the signature header (same meanings as in a trust list).
    Header(trustlist::ProblemKind),
    /// The file does not start with a signature header. If it looks like XML it is taken
    /// as unsigned content starting at 0.
    NotSigned,
    /// Nothing follows the signature header (or the header runs to the end of the input).
    NoContent,
    /// The content after the header does not start with `<` (after whitespace and a BOM).
    ContentNotXml,
    /// Stops. The XML ends inside markup or before its root element is closed.
    Truncated,
    /// Stops. XML syntax error, with the XML reader's description.
    Malformed(String),
    /// Elements nested deeper than [`MAX_DEPTH`] were skipped. Reported once.
    TooDeep,
    /// A value longer than [`MAX_VALUE_LEN`] bytes was cut.
    ValueTooLong,
    /// More than [`MAX_SERVERS`] call managers or TFTP servers; the rest are skipped.
    TooManyValues,
    /// Invalid UTF-8 in a value; decoded with U+FFFD.
    BadUtf8,
    /// An entity or character reference that is not one of XML's predefined ones, or a
    /// bare `&`; kept as raw text.
    BadReference(String),
    /// [`MAX_PROBLEMS`] reached; later problems are not reported.
    TooManyProblems,
}

impl ProblemKind {
    pub fn severity(&self) -> trustlist::Severity {
        use trustlist::Severity;
        match self {
            ProblemKind::Header(k) => k.severity(),
            ProblemKind::NotSigned | ProblemKind::TooManyValues => Severity::Note,
            ProblemKind::ContentNotXml
            | ProblemKind::TooDeep
            | ProblemKind::ValueTooLong
            | ProblemKind::BadUtf8
            | ProblemKind::BadReference(_)
            | ProblemKind::TooManyProblems => Severity::Warning,
            ProblemKind::NoContent | ProblemKind::Truncated | ProblemKind::Malformed(_) => {
                Severity::Error
            }
        }
    }
}

/// A one-line description, suitable for an expert info.
impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::Header(k) => write!(f, "Signature header: {k}"),
            ProblemKind::NotSigned => f.write_str("File does not start with a signature header"),
            ProblemKind::NoContent => f.write_str("Nothing follows the signature header"),
            ProblemKind::ContentNotXml => {
                f.write_str("Content after the signature header is not XML")
            }
            ProblemKind::Truncated => f.write_str("XML is truncated"),
            ProblemKind::Malformed(why) => write!(f, "Malformed XML: {why}"),
            ProblemKind::TooDeep => {
                write!(f, "Elements nested deeper than {MAX_DEPTH} are skipped")
            }
            ProblemKind::ValueTooLong => {
                write!(f, "Value longer than {MAX_VALUE_LEN} bytes was cut")
            }
            ProblemKind::TooManyValues => write!(
                f,
                "More than {MAX_SERVERS} servers of one kind; the rest are skipped"
            ),
            ProblemKind::BadUtf8 => f.write_str("Invalid UTF-8 (shown as U+FFFD)"),
            ProblemKind::BadReference(what) => write!(f, "Bad reference: {what}"),
            ProblemKind::TooManyProblems => write!(
                f,
                "More than {MAX_PROBLEMS} problems; the rest are not reported"
            ),
        }
    }
}

/// A problem and the bytes it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
}

#[derive(Debug, Default)]
struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    fn push(&mut self, kind: ProblemKind, span: Span) {
        let n = self.list.len() + 1;
        if n < MAX_PROBLEMS {
            self.list.push(Problem { kind, span });
        } else if n == MAX_PROBLEMS {
            self.list.push(Problem {
                kind: ProblemKind::TooManyProblems,
                span,
            });
        }
    }
}

/// A signed file split into its header and content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignedFile {
    /// The signature header; `None` when the file does not start with one.
    pub header: Option<Header>,
    /// The common name (`CN=`) of the header's signer name, or the whole signer name when
    /// it has none.
    pub signer: Option<Spanned<String>>,
    /// Offset where the content (the XML) begins.
    pub xml_start: Option<usize>,
    pub problems: Vec<Problem>,
}

/// `true` when `b` starts (after XML whitespace and a UTF-8 BOM) with `<`.
fn looks_like_xml(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    b.iter()
        .find(|c| !is_xml_space(**c))
        .is_some_and(|&c| c == b'<')
}

/// The `CN=` part of a signer name (`CN=x;OU=y;...` or `CN=x, OU=y`), else all of it.
fn common_name(data: &[u8], name: &Spanned<String>) -> Spanned<String> {
    let raw = &data[name.span.range()];
    let mut start = 0;
    for part in raw.split(|&b| b == b';' || b == b',') {
        let lead = part.iter().take_while(|&&b| b == b' ').count();
        let p = &part[lead..];
        if p.len() >= 3 && p[..3].eq_ignore_ascii_case(b"CN=") {
            let from = start + lead + 3;
            let value = &raw[from..start + part.len()];
            let value_len = value.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            return Spanned {
                value: String::from_utf8_lossy(&value[..value_len]).into_owned(),
                span: Span::new(name.span.start + from, value_len),
            };
        }
        start += part.len() + 1;
    }
    name.clone()
}

/// Splits a signed file (`.sgn`) into its signature header and content.
pub fn parse_signed(data: &[u8]) -> SignedFile {
    let mut problems = Problems::default();
    let data = if data.len() > MAX_FILE {
        problems.push(
            ProblemKind::Header(trustlist::ProblemKind::FileTooLarge(data.len())),
            Span::new(MAX_FILE, 0),
        );
        &data[..MAX_FILE]
    } else {
        data
    };
    let mut out = SignedFile::default();
    if data.first() != Some(&1) {
        problems.push(ProblemKind::NotSigned, Span::new(0, data.len().min(3)));
        if looks_like_xml(data) {
            out.xml_start = Some(0);
        }
        out.problems = problems.list;
        return out;
    }
    let mut header_problems = trustlist::Problems::default();
    let (header, end) = trustlist::parse_header(data, &mut header_problems);
    let header_failed = header_problems.list.iter().any(|p| {
        matches!(
            p.kind,
            trustlist::ProblemKind::TruncatedTlv | trustlist::ProblemKind::LengthPastEnd { .. }
        )
    });
    for p in header_problems.list {
        problems.push(ProblemKind::Header(p.kind), p.span);
    }
    out.signer = header
        .signer_name
        .as_ref()
        .map(|name| common_name(data, name));
    match end {
        Some(end) if end < data.len() => {
            out.xml_start = Some(end);
            if !looks_like_xml(&data[end..]) {
                problems.push(
                    ProblemKind::ContentNotXml,
                    Span::new(end, (data.len() - end).min(16)),
                );
            }
        }
        _ if !header_failed => problems.push(ProblemKind::NoContent, Span::new(data.len(), 0)),
        _ => {}
    }
    out.header = Some(header);
    out.problems = problems.list;
    out
}

/// What a phone learns from its configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFacts {
    /// `<name>` and `<processNodeName>` of each `<callManager>`, without duplicates.
    pub call_managers: Vec<Spanned<String>>,
    /// `<loadServer>` and `<tftpServer>` texts anywhere (including an EMCC block's home
    /// TFTP servers), without duplicates.
    pub tftp_servers: Vec<Spanned<String>>,
    /// The first value containing `/emapp/EMAppServlet` (ASCII case ignored): the EMCC
    /// login service the phone's services point at.
    pub emcc_service_url: Option<Spanned<String>>,
    /// The first `<deviceName>`.
    pub device_name: Option<Spanned<String>>,
    pub problems: Vec<Problem>,
}

/// An open element: its local name (cut at [`MAX_NAME_LEN`]), where its content starts,
/// and whether it holds anything but text.
struct Open {
    name: Vec<u8>,
    content_start: usize,
    complex: bool,
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Expands XML references in `raw` (a value's text); `place` turns a byte range of
/// `raw` (start, length) into the span a problem is reported at.
fn unescape(raw: &str, place: impl Fn(usize, usize) -> Span, problems: &mut Problems) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut offset = 0;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // References are short; a ';' further away means a bare '&'.
        let semi = after.bytes().take(12).position(|b| b == b';');
        let decoded = semi.and_then(|s| {
            let name = &after[..s];
            let c = match name {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let n = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    char::from_u32(n?)?
                }
            };
            Some((c, s))
        });
        match decoded {
            Some((c, s)) => {
                out.push(c);
                rest = &after[s + 1..];
                offset += amp + s + 2;
            }
            None => {
                let len = semi.map_or(1, |s| s + 2);
                let shown: String = rest[amp..].chars().take(len.min(14)).collect();
                problems.push(
                    ProblemKind::BadReference(shown),
                    place(offset + amp, len.min(rest.len() - amp)),
                );
                out.push('&');
                rest = after;
                offset += amp + 1;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Collects `value` into `list` unless it is there already.
fn add_server(list: &mut Vec<Spanned<String>>, value: Spanned<String>, problems: &mut Problems) {
    if list.iter().any(|v| v.value == value.value) {
        return;
    }
    if list.len() == MAX_SERVERS {
        problems.push(ProblemKind::TooManyValues, value.span);
        return;
    }
    list.push(value);
}

impl ConfigFacts {
    /// Takes in a leaf element's value. `parent` is the enclosing element's local name.
    fn leaf(&mut self, xml: &[u8], name: &[u8], parent: &[u8], raw: Span, problems: &mut Problems) {
        let interesting = matches!(
            name,
            b"name" | b"processNodeName" | b"loadServer" | b"tftpServer" | b"deviceName"
        ) || contains_ci(&xml[raw.range()], EMAPP_PATH);
        if !interesting {
            return;
        }
        let (start, end) = {
            let b = &xml[raw.range()];
            let lead = b.iter().take_while(|&&c| is_xml_space(c)).count();
            let trail = b[lead..]
                .iter()
                .rev()
                .take_while(|&&c| is_xml_space(c))
                .count();
            (raw.start + lead, raw.end() - trail)
        };
        if start == end {
            return;
        }
        let mut bytes = &xml[start..end];
        if bytes.len() > MAX_VALUE_LEN {
            problems.push(ProblemKind::ValueTooLong, Span::between(start, end));
            bytes = &bytes[..MAX_VALUE_LEN];
        }
        // The text is the input's bytes up to `lined_up` (all of it, or up to the
        // first bad byte, which became a 3-byte U+FFFD).
        let (text, lined_up) = match std::str::from_utf8(bytes) {
            Ok(s) => (std::borrow::Cow::Borrowed(s), s.len()),
            Err(e) if e.error_len().is_none() && bytes.len() < end - start => {
                // Cut inside a character by the length limit.
                let s = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
                (std::borrow::Cow::Borrowed(s), s.len())
            }
            Err(e) => {
                problems.push(ProblemKind::BadUtf8, Span::between(start, end));
                (String::from_utf8_lossy(bytes), e.valid_up_to())
            }
        };
        let whole = Span::between(start, end);
        // A problem past that point is shown on the whole value.
        let place = |from: usize, len: usize| {
            if from + len <= lined_up {
                Span::new(start + from, len)
            } else {
                whole
            }
        };
        let value = Spanned {
            value: unescape(&text, place, problems),
            span: whole,
        };
        match name {
            b"name" | b"processNodeName" if parent == b"callManager" => {
                add_server(&mut self.call_managers, value, problems)
            }
            b"loadServer" | b"tftpServer" => add_server(&mut self.tftp_servers, value, problems),
            b"deviceName" if self.device_name.is_none() => self.device_name = Some(value),
            _ if self.emcc_service_url.is_none()
                && contains_ci(value.value.as_bytes(), EMAPP_PATH) =>
            {
                self.emcc_service_url = Some(value)
            }
            _ => {}
        }
    }
}

/// Reads the facts of a device configuration XML. Spans are relative to `xml`.
pub fn config_facts(xml: &[u8]) -> ConfigFacts {
    let mut problems = Problems::default();
    let xml = if xml.len() > MAX_FILE {
        problems.push(
            ProblemKind::Header(trustlist::ProblemKind::FileTooLarge(xml.len())),
            Span::new(MAX_FILE, 0),
        );
        &xml[..MAX_FILE]
    } else {
        xml
    };
    let len = xml.len();
    let pos = |r: &Reader<&[u8]>| usize::try_from(r.buffer_position()).map_or(len, |p| p.min(len));
    let mut facts = ConfigFacts::default();
    let mut reader = Reader::from_reader(xml);
    let mut open: Vec<Open> = Vec::new();
    // Elements open below MAX_DEPTH (not in `open`).
    let mut hidden = 0usize;
    let mut seen_root = false;
    loop {
        let before = pos(&reader);
        let event = reader.read_event();
        match event {
            Ok(Event::Start(e)) => {
                seen_root = true;
                if let Some(parent) = open.last_mut() {
                    parent.complex = true;
                }
                if hidden > 0 || open.len() == MAX_DEPTH {
                    if hidden == 0 {
                        problems.push(ProblemKind::TooDeep, Span::between(before, pos(&reader)));
                    }
                    hidden += 1;
                    continue;
                }
                let local = e.local_name();
                let name = local.as_ref();
                open.push(Open {
                    name: name[..name.len().min(MAX_NAME_LEN)].to_vec(),
                    content_start: pos(&reader),
                    complex: false,
                });
            }
            Ok(Event::Empty(_)) => {
                seen_root = true;
                if let Some(parent) = open.last_mut() {
                    parent.complex = true;
                }
            }
            Ok(Event::End(_)) => {
                if hidden > 0 {
                    hidden -= 1;
                    continue;
                }
                let Some(el) = open.pop() else { continue };
                if !el.complex {
                    let parent = open.last().map_or(&[][..], |p| p.name.as_slice());
                    let raw = Span::between(el.content_start, before);
                    facts.leaf(xml, &el.name, parent, raw, &mut problems);
                }
            }
            Ok(Event::CData(_) | Event::Comment(_) | Event::PI(_)) => {
                if let Some(el) = open.last_mut() {
                    el.complex = true;
                }
            }
            Ok(Event::Text(_) | Event::GeneralRef(_) | Event::Decl(_) | Event::DocType(_)) => {}
            Ok(Event::Eof) => {
                if !open.is_empty() || hidden > 0 || !seen_root {
                    let from = open.first().map_or(len, |o| o.content_start);
                    problems.push(ProblemKind::Truncated, Span::between(from.min(len), len));
                }
                break;
            }
            Err(e) => {
                let at = usize::try_from(reader.error_position()).map_or(before, |p| p.min(len));
                let kind = if unclosed(&e) {
                    ProblemKind::Truncated
                } else {
                    ProblemKind::Malformed(e.to_string())
                };
                problems.push(kind, Span::between(at, len));
                break;
            }
        }
    }
    facts.problems = problems.list;
    facts
}

#[cfg(test)]
mod tests {
    use super::super::trustlist::tests::{header, header_version, tlv, SIGNER};
    use super::*;

    /// A configuration shaped like the generator's `device_config` (the parts read here).
    fn config(emcc: bool) -> String {
        let mut x =
            String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device ctiid=\"3\">\n");
        x.push_str(
            "<fullConfig>true</fullConfig>\n<devicePool uuid=\"{1b1b}\">\n<name>Default</name>\n",
        );
        x.push_str("<callManagerGroup>\n<name>Default</name>\n<tftpDefault>true</tftpDefault>\n<members>\n<member priority=\"0\">\n<callManager>\n");
        x.push_str("<name>192.168.7.100</name>\n<description>cucm-vc.lab.local</description>\n<ports>\n<sipPort>5060</sipPort>\n</ports>\n");
        x.push_str("<processNodeName>192.168.7.100</processNodeName>\n</callManager>\n</member>\n</members>\n</callManagerGroup>\n</devicePool>\n");
        x.push_str("<TVS>\n<members>\n<member priority=\"0\">\n<port>2445</port>\n<address>192.168.7.100</address>\n</member>\n</members>\n</TVS>\n");
        if emcc {
            x.push_str("<userId serviceProfileFile=\"SPDefault.cnf.xml\"></userId>\n<emccInfo>\n<emccMode>true</emccMode>\n<homeClusterId>ClusterTwo</homeClusterId>\n<homeTftpServers>\n<tftpServer priority=\"1\">192.168.7.200</tftpServer>\n</homeTftpServers>\n<visitingEmServer>192.168.7.100:8080</visitingEmServer>\n</emccInfo>\n");
        }
        x.push_str("<authenticationURL>http://192.168.7.100:8080/ccmcip/authenticate.jsp</authenticationURL>\n<idleURL></idleURL>\n");
        x.push_str(
            "<servicesURL>http://192.168.7.100:8080/ccmcip/getservicesmenu.jsp</servicesURL>\n",
        );
        x.push_str("<capfAuthMode>0</capfAuthMode>\n<capfList>\n<capf>\n<phonePort>3804</phonePort>\n<processNodeName>192.168.7.100</processNodeName>\n</capf>\n</capfList>\n");
        x.push_str("<phoneServices useHTTPS=\"false\">\n<phoneService type=\"1\" category=\"0\">\n<name>Missed Calls</name>\n<url>Application:Cisco/MissedCalls</url>\n</phoneService>\n");
        x.push_str("<phoneService type=\"0\" category=\"0\">\n<name>EMCC_Service</name>\n<url>http://192.168.7.100:8080/emapp/EMAppServlet?device=#DEVICENAME#&amp;EMCC=#EMCC#</url>\n<vendor></vendor>\n</phoneService>\n</phoneServices>\n");
        x.push_str("<loadServer>192.168.7.100</loadServer>\n<tftpServer>192.168.7.100</tftpServer>\n<tftpHttpPort>6970</tftpHttpPort>\n");
        x.push_str("<deviceName>SEPC80084AA8743</deviceName>\n</device>\n");
        x
    }

    fn signed(content: &[u8]) -> Vec<u8> {
        [
            // Signed files carry header version 1.0 (certutils `sgnfile`).
            header_version((1, 0), SIGNER, "SEPC80084AA8743.cnf.xml", 1_550_846_224),
            content.to_vec(),
        ]
        .concat()
    }

    fn kinds(p: &[Problem]) -> Vec<ProblemKind> {
        p.iter().map(|p| p.kind.clone()).collect()
    }

    #[test]
    fn generator_signed_config() {
        let xml = config(false);
        let data = signed(xml.as_bytes());
        let s = parse_signed(&data);
        assert_eq!(s.problems, vec![]);
        let h = s.header.as_ref().unwrap();
        assert_eq!(
            h.filename.as_ref().unwrap().value,
            "SEPC80084AA8743.cnf.xml"
        );
        assert_eq!(s.xml_start, Some(data.len() - xml.len()));
        assert_eq!(Some(h.header_len.unwrap().value as usize), s.xml_start);
        assert_eq!(h.version.unwrap().value, (1, 0));
        assert!(h.padding.is_some() || h.header_len.unwrap().value % 4 == 0);
        let signer = s.signer.unwrap();
        assert_eq!(signer.value, "ITLRECOVERY_cucm-vc.lab.local");
        assert_eq!(&data[signer.span.range()], signer.value.as_bytes());
        let facts = config_facts(&data[s.xml_start.unwrap()..]);
        assert_eq!(facts.problems, vec![]);
        let values = |v: &[Spanned<String>]| v.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
        assert_eq!(values(&facts.call_managers), ["192.168.7.100"]);
        assert_eq!(values(&facts.tftp_servers), ["192.168.7.100"]);
        let url = facts.emcc_service_url.unwrap();
        assert_eq!(
            url.value,
            "http://192.168.7.100:8080/emapp/EMAppServlet?device=#DEVICENAME#&EMCC=#EMCC#"
        );
        assert!(xml[url.span.range()].ends_with("&amp;EMCC=#EMCC#"));
        let dev = facts.device_name.unwrap();
        assert_eq!(dev.value, "SEPC80084AA8743");
        assert_eq!(&xml[dev.span.range()], "SEPC80084AA8743");
    }

    #[test]
    fn emcc_config_lists_home_tftp() {
        let xml = config(true);
        let facts = config_facts(xml.as_bytes());
        assert_eq!(facts.problems, vec![]);
        let tftp: Vec<_> = facts
            .tftp_servers
            .iter()
            .map(|s| s.value.as_str())
            .collect();
        assert_eq!(tftp, ["192.168.7.200", "192.168.7.100"]);
    }

    #[test]
    fn softkey_file_is_signed_xml_without_facts() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<softKeyCfg>\n<versionStamp>1-a</versionStamp>\n<softKeyDefinition>\n<softKey>\n<name>Redial</name>\n</softKey>\n</softKeyDefinition>\n</softKeyCfg>\n";
        let data = signed(xml.as_bytes());
        let s = parse_signed(&data);
        assert_eq!(s.problems, vec![]);
        let facts = config_facts(&data[s.xml_start.unwrap()..]);
        assert_eq!(facts, ConfigFacts::default());
    }

    #[test]
    fn every_prefix_is_safe() {
        let xml = config(true);
        let data = signed(xml.as_bytes());
        let header_len = data.len() - xml.len();
        for n in 0..data.len() {
            let s = parse_signed(&data[..n]);
            for p in &s.problems {
                assert!(p.span.end() <= n);
            }
            if n > header_len {
                assert_eq!(s.xml_start, Some(header_len));
            } else if n > 0 {
                assert_eq!(s.xml_start, None, "prefix {n}");
                assert!(!s.problems.is_empty());
            }
            if let Some(start) = s.xml_start {
                let facts = config_facts(&data[start..n]);
                for p in &facts.problems {
                    assert!(p.span.end() <= n - start);
                }
                for v in facts.call_managers.iter().chain(&facts.tftp_servers) {
                    assert!(v.span.end() <= n - start);
                }
                if n < data.len() - 1 {
                    assert!(!facts.problems.is_empty(), "prefix {n} looks complete");
                }
            }
        }
    }

    #[test]
    fn truncated_and_malformed_xml() {
        let t = config_facts(b"<device><deviceName>SEP1</deviceName><loadServer>1.2");
        assert_eq!(t.device_name.unwrap().value, "SEP1");
        assert!(t.tftp_servers.is_empty());
        assert_eq!(kinds(&t.problems), vec![ProblemKind::Truncated]);
        let m = config_facts(b"<device><tftpServer>a</loadServer></device>");
        assert!(matches!(m.problems[0].kind, ProblemKind::Malformed(_)));
        let e = config_facts(b"");
        assert_eq!(kinds(&e.problems), vec![ProblemKind::Truncated]);
        let u = config_facts(b"<d><tftpServer>a&bogus;b&#x41;\xff</tftpServer></d>");
        assert_eq!(u.tftp_servers[0].value, "a&bogus;bA\u{fffd}");
        assert_eq!(
            kinds(&u.problems),
            vec![
                ProblemKind::BadUtf8,
                ProblemKind::BadReference("&bogus;".into())
            ]
        );
        assert_eq!(u.problems[1].span, Span::new(16, 7));
    }

    /// Found by fuzzing (tests/fuzz, target signed_config): after a bad byte the text
    /// (with a 3-byte U+FFFD per bad byte) no longer lines up with the input, and a bad
    /// reference behind it was placed on later bytes, even past the end of the input.
    #[test]
    fn a_bad_reference_after_bad_bytes_stays_inside_the_value() {
        let xml = b"<d><tftpServer>a\xff\xff\xff\xff&bogus;</tftpServer></d>";
        let u = config_facts(xml);
        assert_eq!(
            u.tftp_servers[0].value,
            "a\u{fffd}\u{fffd}\u{fffd}\u{fffd}&bogus;"
        );
        assert_eq!(
            kinds(&u.problems),
            vec![
                ProblemKind::BadUtf8,
                ProblemKind::BadReference("&bogus;".into())
            ]
        );
        let value = u.tftp_servers[0].span;
        assert_eq!(value, Span::new(15, 12));
        assert_eq!(u.problems[1].span, value);
    }

    #[test]
    fn limits() {
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        let d = config_facts(deep.as_bytes());
        assert_eq!(kinds(&d.problems), vec![ProblemKind::TooDeep]);
        let mut many = String::from("<d>");
        for i in 0..40 {
            many.push_str(&format!("<tftpServer>10.0.0.{i}</tftpServer>"));
        }
        many.push_str("</d>");
        let m = config_facts(many.as_bytes());
        assert_eq!(m.tftp_servers.len(), MAX_SERVERS);
        assert_eq!(m.problems.len(), 40 - MAX_SERVERS);
        let long = format!(
            "<d><deviceName>{}</deviceName></d>",
            "é".repeat(MAX_VALUE_LEN)
        );
        let l = config_facts(long.as_bytes());
        assert_eq!(kinds(&l.problems), vec![ProblemKind::ValueTooLong]);
        assert!(l.device_name.unwrap().value.len() <= MAX_VALUE_LEN);
        let bad: String = (0..100).map(|_| "<d>&x;</d>").collect::<Vec<_>>().join("");
        let b = config_facts(
            format!(
                "<r>{}</r>",
                bad.replace("<d>", "<deviceName>")
                    .replace("</d>", "</deviceName>")
            )
            .as_bytes(),
        );
        assert!(b.problems.len() <= MAX_PROBLEMS);
    }

    #[test]
    fn unsigned_and_odd_files() {
        let xml = config(false);
        let u = parse_signed(xml.as_bytes());
        assert_eq!(u.xml_start, Some(0));
        assert!(u.header.is_none());
        assert_eq!(kinds(&u.problems), vec![ProblemKind::NotSigned]);
        let g = parse_signed(b"\x00\x01garbage");
        assert_eq!(g.xml_start, None);
        let h = parse_signed(&header(SIGNER, "x", 1));
        assert_eq!(kinds(&h.problems), vec![ProblemKind::NoContent]);
        let n = parse_signed(&signed(b"\x89PNG"));
        assert_eq!(kinds(&n.problems), vec![ProblemKind::ContentNotXml]);
        let c = parse_signed(
            &[
                tlv(1, &[1, 2]),
                tlv(4, b"OU=x, CN=Signer Name\0"),
                b"<a/>".to_vec(),
            ]
            .concat(),
        );
        assert_eq!(c.signer.as_ref().unwrap().value, "Signer Name");
        assert_eq!(c.xml_start, Some(29));
        assert_eq!(
            kinds(&c.problems),
            vec![ProblemKind::Header(trustlist::ProblemKind::NoHeaderLength)]
        );
        assert!(parse_signed(b"").xml_start.is_none());
    }
}
