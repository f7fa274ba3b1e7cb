//! Parser for the Trust Verification Service messages inside a decrypted TLS session.
//!
//! Layout, big-endian throughout. Sources: Cisco document 213407 ("Migrate Phones Between
//! Secure Clusters", steps 5 and 6: the TVS log's hex dumps of a real query-certificate
//! request of 153 bytes and its response of 1480 bytes, with the fields TVS decoded from
//! them), and the TVS server and client of github.com/usecallmanagernz/daemons (`tvsd`,
//! `tvsc`: `struct.pack('> B B B B I H', ...)` for the header, `'> B H'` for a TLV head).
//!
//! ```text
//! Header, 10 bytes
//!   0  magic       0x57 (daemons: PROTOCOL_ID = 87; 213407: "Protocol Discriminator: 57")
//!   1  version     1 byte (1 in both sources)
//!   2  command     1 verify request, 2 verify response,
//!                  3 query-certificate request, 4 query-certificate response
//!   3  reserved    1 byte (daemons write 0; 213407's response carries 0xf7)
//!   4  session id  4 bytes, the same in a request and its response (213407: 00 00 03 e9
//!                  in both)
//!   8  length      2 bytes: the TLV bytes after the header. 213407: 00 8f = 143 for the
//!                  153-byte request, 05 be = 1470 for the 1480-byte response.
//! TLVs until the length is used up: tag (1 byte), length (2 bytes), value
//!   1  device name    a type byte, then the name: 213407's `01 00 18` is 0x01 followed
//!                     by the 23 characters of CP-8861-SEPB000B4BA0AEE; tvsc writes
//!                     b'\x01' + name, tvsd reads name[1:]
//!   2  certificate    DER X.509 (213407: `02 05 ab` then `30 82 05 a7 ...`, 1451 bytes)
//!   3  subject name   text ending in a NUL: 213407's `03 00 42` holds the 65 characters
//!                     of the logged subject and its NUL
//!   7  status         1 byte: 0 valid, 1 invalid (213407: `07 00 01 00`; tvsd packs
//!                     '> B H B')
//!   8  roles          one byte per role, the CTL/ITL record function codes (tvsd packs
//!                     struct.pack('B', role) per role, tvsc reads them byte by byte;
//!                     213407 logs "rolecount : 2", roles 0 and 3, and the response has
//!                     exactly 5 bytes left for them: `08 00 02 00 03`)
//!   9  TTL            4 bytes: seconds (213407: "Len = 4: 00 01 51 80", 86400, which
//!                     the phone logs as "expires in 24 hours"; tvsd packs '> B H I')
//! ```
//!
//! Tags not public: 213407's request has 47 bytes after the device name and subject, the
//! size of two TLVs holding the issuer name (21 characters and a NUL) and the serial
//! number (19 bytes) TVS logs, but the dump stops before their tags. Such TLVs are shown
//! as unknown, with a note.
//!
//! Messages follow each other in the decrypted stream; one TLS record may hold several,
//! and one message may span records. [`parse`] takes what the caller has (one record,
//! or records TLS reassembled for us) and returns every whole message, then what is left:
//! the start of a message that needs more bytes, or bytes that are not a TVS message.
//!
//! Binary fields are read with `nom`; every value is taken from a slice of the input, so
//! every span lies inside it, and every count is bounded by a named limit. Panic-free.

#![forbid(unsafe_code)]

use nom::bytes::complete::take;
use nom::combinator::all_consuming;
use nom::number::complete::{be_u16, be_u32, be_u8};
use nom::{IResult, Parser};

use crate::tlv;

pub use crate::span::{Span, Spanned};

/// First byte of every message.
pub const MAGIC: u8 = 0x57;
pub const HEADER_LEN: usize = 10;
/// Tag and length of a TLV.
const TLV_HEAD: usize = tlv::HEAD_LEN;

/// Messages decoded from one piece of data; the rest is reported, not decoded. A TVS
/// exchange is one request and one response: this is far above real traffic.
pub const MAX_MESSAGES: usize = 64;
/// TLVs decoded per message. Real messages carry up to six.
pub const MAX_TLVS: usize = 64;
/// Role codes decoded per roles TLV. A certificate holds a handful of roles (213407: 2).
pub const MAX_ROLES: usize = 32;
/// Text values (device name, subject) longer than this are shown cut. Device names have
/// about 23 characters (CP-8861-SEPB000B4BA0AEE), certificate subjects a few hundred.
pub const MAX_TEXT: usize = 4096;
/// The device name's first byte is its type byte when it is below this (a control
/// character, never the first letter of a name): 0x01 in every public example
/// (213407, usecallmanagernz tvsc).
const TYPE_BYTE_BELOW: u8 = 0x20;
/// Problems reported per message, the last one being [`ProblemKind::TooManyProblems`].
pub const MAX_PROBLEMS: usize = 32;

pub const TAG_DEVICE_NAME: u8 = 1;
pub const TAG_CERTIFICATE: u8 = 2;
pub const TAG_SUBJECT: u8 = 3;
pub const TAG_STATUS: u8 = 7;
pub const TAG_ROLES: u8 = 8;
pub const TAG_TTL: u8 = 9;

pub const STATUS_INVALID: u8 = 1;

/// Command codes and names; the value table of `ciscotvs.command`.
pub const COMMANDS: &[(u32, &str)] = &[
    (1, "Verify Request"),
    (2, "Verify Response"),
    (3, "Query Certificate Request"),
    (4, "Query Certificate Response"),
];

/// TLV tags and names; the value table of `ciscotvs.tlv.tag`.
pub const TAGS: &[(u32, &str)] = &[
    (TAG_DEVICE_NAME as u32, "Device Name"),
    (TAG_CERTIFICATE as u32, "Certificate"),
    (TAG_SUBJECT as u32, "Subject Name"),
    (TAG_STATUS as u32, "Status"),
    (TAG_ROLES as u32, "Roles"),
    (TAG_TTL as u32, "TTL"),
];

/// Status codes; the value table of `ciscotvs.status`.
pub const STATUSES: &[(u32, &str)] = &[(0, "valid"), (1, "invalid")];

/// Role codes are the CTL/ITL record functions (usecallmanagernz tvsd/tvsc name them
/// ROLE_SAST = 0 ... ROLE_TVS = 21): one table serves `ciscotl.record.function` and
/// `ciscotvs.role`.
pub const ROLES: &[(u32, &str)] = crate::ciscotl::trustlist::FUNCTIONS;

pub fn name(table: &[(u32, &'static str)], code: u32) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub magic: Spanned<u8>,
    pub version: Spanned<u8>,
    pub command: Spanned<u8>,
    pub reserved: Spanned<u8>,
    pub session_id: Spanned<u32>,
    /// TLV bytes announced after the header.
    pub length: Spanned<u16>,
}

/// A TLV's value as understood from its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// The device name after its type byte (`None` when the value has none).
    DeviceName {
        kind: Option<Spanned<u8>>,
        name: Spanned<String>,
    },
    /// A subject (UTF-8, replacement characters for bad bytes), without its NUL.
    Text(Spanned<String>),
    /// A DER certificate: the value bytes.
    Certificate,
    Status(u8),
    /// One byte per role.
    Roles(Vec<Spanned<u8>>),
    /// Seconds.
    Ttl(u32),
    /// Not decoded: an unknown tag, a value of the wrong size, or a value cut short.
    Raw,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv {
    /// Tag, length and the value bytes present.
    pub span: Span,
    pub tag: Spanned<u8>,
    pub length: Spanned<u16>,
    pub value_span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Header and TLVs: the announced length, or less when the message is cut.
    pub span: Span,
    pub header: Header,
    pub tlvs: Vec<Tlv>,
    pub problems: Vec<Problem>,
}

impl Message {
    /// The status TLV's value, if the message has one.
    pub fn status(&self) -> Option<u8> {
        self.tlvs.iter().find_map(|t| match t.value {
            Value::Status(s) => Some(s),
            _ => None,
        })
    }
}

/// How a problem is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Breaks the documented layout.
    Malformed,
    /// A code this plugin has no meaning for: shown raw.
    Unknown,
    /// A decoding limit.
    Limit,
    /// The message goes on past the data we were given and cannot be gathered.
    Cut,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    UnknownCommand(u8),
    /// Fewer than 3 bytes left in the message where a TLV should start.
    TlvHeaderCut {
        available: usize,
    },
    /// A TLV's length goes past the end the header's length gives the message.
    TlvPastEnd {
        tag: u8,
        declared: usize,
        available: usize,
    },
    UnknownTag(u8),
    /// A known tag whose value has a size its type cannot have.
    BadValueLength {
        tag: u8,
        len: usize,
    },
    /// Text that is not UTF-8.
    NotUtf8 {
        tag: u8,
    },
    TextTooLong {
        tag: u8,
        len: usize,
    },
    UnknownStatus(u8),
    UnknownRole(u8),
    /// A device name that does not start with a type byte.
    NoDeviceNameType,
    TooManyRoles(usize),
    /// The data ends before the length the header announces (no reassembly).
    MessageCut {
        declared: usize,
        available: usize,
    },
    TooManyTlvs,
    TooManyProblems,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
}

impl ProblemKind {
    pub fn class(&self) -> Class {
        match self {
            ProblemKind::UnknownCommand(_)
            | ProblemKind::UnknownTag(_)
            | ProblemKind::UnknownStatus(_)
            | ProblemKind::UnknownRole(_)
            | ProblemKind::NoDeviceNameType => Class::Unknown,
            ProblemKind::TooManyRoles(_)
            | ProblemKind::TooManyTlvs
            | ProblemKind::TooManyProblems
            | ProblemKind::TextTooLong { .. } => Class::Limit,
            ProblemKind::MessageCut { .. } => Class::Cut,
            _ => Class::Malformed,
        }
    }

    pub fn text(&self) -> String {
        let tag_name = |tag: &u8| name(TAGS, u32::from(*tag)).unwrap_or("unknown");
        match self {
            ProblemKind::UnknownCommand(c) => {
                format!("Unknown TVS command {c}: the TLVs are decoded, the command has no known meaning")
            }
            ProblemKind::TlvHeaderCut { available } => {
                format!("TLV cut: {available} byte(s) left in the message, a TLV needs at least 3")
            }
            ProblemKind::TlvPastEnd {
                tag,
                declared,
                available,
            } => format!(
                "TLV {tag} ({}) claims {declared} bytes, only {available} left in the message",
                tag_name(tag)
            ),
            ProblemKind::UnknownTag(t) => format!(
                "TLV tag {t} (0x{t:02x}) has no public meaning (real requests carry such \
                 TLVs, likely the certificate's issuer and serial number): value shown as bytes"
            ),
            ProblemKind::BadValueLength { tag, len } => format!(
                "TLV {tag} ({}) has a {len}-byte value, which its type cannot have: shown as bytes",
                tag_name(tag)
            ),
            ProblemKind::NotUtf8 { tag } => format!(
                "TLV {tag} ({}) is not UTF-8 text: bad bytes replaced",
                tag_name(tag)
            ),
            ProblemKind::TextTooLong { tag, len } => format!(
                "TLV {tag} ({}) holds {len} bytes of text: only the first {MAX_TEXT} are shown",
                tag_name(tag)
            ),
            ProblemKind::UnknownStatus(s) => {
                format!("Unknown status {s}: neither valid (0) nor invalid (1)")
            }
            ProblemKind::UnknownRole(r) => format!("Unknown role code {r}"),
            ProblemKind::NoDeviceNameType => "Device name without the type byte real phones \
                 put before it (0x01): shown whole"
                .to_string(),
            ProblemKind::TooManyRoles(n) => {
                format!("{n} roles: only the first {MAX_ROLES} are decoded")
            }
            ProblemKind::MessageCut {
                declared,
                available,
            } => format!(
                "The message announces {declared} bytes of TLVs, the data holds {available}: \
                 the rest is in a later record and TLS reassembly is off or impossible \
                 (tls.desegment_ssl_application_data); only this part is decoded"
            ),
            ProblemKind::TooManyTlvs => {
                format!("More than {MAX_TLVS} TLVs: the rest of the message is not decoded")
            }
            ProblemKind::TooManyProblems => {
                format!("More than {MAX_PROBLEMS} problems in this message: no more are listed")
            }
        }
    }
}

/// What follows the whole messages in the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rest {
    Nothing,
    /// A message starts at `offset` and needs more bytes: `needed` more for the whole
    /// message, `None` while its header is incomplete (its length unknown).
    Incomplete {
        offset: usize,
        needed: Option<usize>,
    },
    /// Bytes that do not start with the magic: not a TVS message, nothing after them can
    /// be trusted to start one.
    NotTvs {
        span: Span,
        first: u8,
    },
    /// [`MAX_MESSAGES`] were decoded; these bytes were not looked at.
    Skipped(Span),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub messages: Vec<Message>,
    pub rest: Rest,
}

type NomResult<'a, T> = IResult<&'a [u8], T, nom::error::Error<&'a [u8]>>;

/// Magic, version, command, reserved, session id, length (213407; tvsd `'> B B B x I H'`).
fn header_fields(input: &[u8]) -> NomResult<'_, (u8, u8, u8, u8, u32, u16)> {
    (be_u8, be_u8, be_u8, be_u8, be_u32, be_u16).parse(input)
}

/// The value of `length` bytes, or what is left when fewer are.
fn tlv_value(input: &[u8], length: u16) -> &[u8] {
    match take::<_, _, nom::error::Error<&[u8]>>(usize::from(length)).parse(input) {
        Ok((_, value)) => value,
        Err(_) => input,
    }
}

/// Splits `data` into messages. With `can_wait`, a message that goes past the end of
/// `data` is left as [`Rest::Incomplete`] for the caller to gather; without, it is
/// decoded as far as it goes, with [`ProblemKind::MessageCut`].
pub fn parse(data: &[u8], can_wait: bool) -> Parsed {
    let mut messages = Vec::new();
    let mut offset = 0;
    let rest = loop {
        if offset >= data.len() {
            break Rest::Nothing;
        }
        if messages.len() == MAX_MESSAGES {
            break Rest::Skipped(Span::between(offset, data.len()));
        }
        if data[offset] != MAGIC {
            break Rest::NotTvs {
                span: Span::between(offset, data.len()),
                first: data[offset],
            };
        }
        let available = data.len() - offset;
        let Some(header) = header_at(data, offset) else {
            break Rest::Incomplete {
                offset,
                needed: None,
            };
        };
        let total = HEADER_LEN + usize::from(header.length.value);
        if available < total && can_wait {
            break Rest::Incomplete {
                offset,
                needed: Some(total - available),
            };
        }
        let message = message_at(data, offset, header);
        offset = message.span.end();
        messages.push(message);
    };
    Parsed { messages, rest }
}

/// The header at `at`, or `None` when fewer than [`HEADER_LEN`] bytes are there.
fn header_at(data: &[u8], at: usize) -> Option<Header> {
    let (_, (magic, version, command, reserved, session_id, length)) =
        header_fields(data.get(at..)?).ok()?;
    let byte = |value: u8, i: usize| Spanned {
        value,
        span: Span::new(at + i, 1),
    };
    Some(Header {
        magic: byte(magic, 0),
        version: byte(version, 1),
        command: byte(command, 2),
        reserved: byte(reserved, 3),
        session_id: Spanned {
            value: session_id,
            span: Span::new(at + 4, 4),
        },
        length: Spanned {
            value: length,
            span: Span::new(at + 8, 2),
        },
    })
}

/// Collects problems up to [`MAX_PROBLEMS`].
struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, kind: ProblemKind, span: Span) {
        match self.0.len() {
            n if n + 1 < MAX_PROBLEMS => self.0.push(Problem { kind, span }),
            n if n + 1 == MAX_PROBLEMS => self.0.push(Problem {
                kind: ProblemKind::TooManyProblems,
                span,
            }),
            _ => {}
        }
    }
}

/// One message whose header is at `at`; it ends at its announced length or at the end
/// of `data`, whichever comes first.
fn message_at(data: &[u8], at: usize, header: Header) -> Message {
    let mut problems = Problems(Vec::new());
    if name(COMMANDS, u32::from(header.command.value)).is_none() {
        problems.push(
            ProblemKind::UnknownCommand(header.command.value),
            header.command.span,
        );
    }
    let body_start = at + HEADER_LEN;
    let declared_end = body_start + usize::from(header.length.value);
    let end = declared_end.min(data.len());
    if end < declared_end {
        problems.push(
            ProblemKind::MessageCut {
                declared: usize::from(header.length.value),
                available: end - body_start,
            },
            header.length.span,
        );
    }
    let mut tlvs = Vec::new();
    let mut pos = body_start;
    while pos < end {
        if tlvs.len() == MAX_TLVS {
            problems.push(ProblemKind::TooManyTlvs, Span::between(pos, end));
            break;
        }
        let Ok((after_head, (tag, length))) = tlv::head(&data[pos..end]) else {
            // A cut message may stop anywhere: only a whole one has a bad TLV here.
            if end == declared_end {
                problems.push(
                    ProblemKind::TlvHeaderCut {
                        available: end - pos,
                    },
                    Span::between(pos, end),
                );
            }
            break;
        };
        let value_start = pos + TLV_HEAD;
        let value_end = value_start + usize::from(length);
        let bytes = tlv_value(after_head, length);
        let value_span = Span::new(value_start, bytes.len());
        let tlv_end = value_span.end();
        let value = if value_end > declared_end {
            problems.push(
                ProblemKind::TlvPastEnd {
                    tag,
                    declared: usize::from(length),
                    available: declared_end - value_start,
                },
                Span::new(pos + 1, 2),
            );
            Value::Raw
        } else if value_end > end {
            Value::Raw // cut with the message, reported once above
        } else {
            decode_value(tag, bytes, value_span, &mut problems)
        };
        tlvs.push(Tlv {
            span: Span::between(pos, tlv_end),
            tag: Spanned {
                value: tag,
                span: Span::new(pos, 1),
            },
            length: Spanned {
                value: length,
                span: Span::new(pos + 1, 2),
            },
            value_span,
            value,
        });
        pos = tlv_end;
    }
    Message {
        span: Span::between(at, end),
        header,
        tlvs,
        problems: problems.0,
    }
}

fn decode_value(tag: u8, bytes: &[u8], span: Span, problems: &mut Problems) -> Value {
    let bad_length = |problems: &mut Problems| {
        problems.push(
            ProblemKind::BadValueLength {
                tag,
                len: bytes.len(),
            },
            span,
        );
        Value::Raw
    };
    match tag {
        TAG_DEVICE_NAME => {
            // 213407: `01 00 18 01 43 50 2d 38 38 36 31 ...`, 0x01 then CP-8861-SEP...;
            // usecallmanagernz tvsc writes b'\x01' + name and tvsd drops the first byte.
            let (kind, name, name_span) = match bytes.split_first() {
                Some((&kind, name)) if kind < TYPE_BYTE_BELOW => (
                    Some(Spanned {
                        value: kind,
                        span: Span::new(span.start, 1),
                    }),
                    name,
                    Span::new(span.start + 1, name.len()),
                ),
                _ => {
                    if !bytes.is_empty() {
                        problems.push(ProblemKind::NoDeviceNameType, Span::new(span.start, 1));
                    }
                    (None, bytes, span)
                }
            };
            Value::DeviceName {
                kind,
                name: text(tag, name, name_span, problems),
            }
        }
        // 213407: the subject's 65 characters and a NUL in a 66-byte value.
        TAG_SUBJECT => Value::Text(text(tag, bytes, span, problems)),
        TAG_CERTIFICATE if bytes.is_empty() => bad_length(problems),
        TAG_CERTIFICATE => Value::Certificate,
        // One byte: 213407 `07 00 01 00`, tvsd '> B H B'.
        TAG_STATUS => match all_consuming(be_u8::<_, nom::error::Error<&[u8]>>).parse(bytes) {
            Ok((_, status)) => {
                if name(STATUSES, u32::from(status)).is_none() {
                    problems.push(ProblemKind::UnknownStatus(status), span);
                }
                Value::Status(status)
            }
            Err(_) => bad_length(problems),
        },
        // One byte per role (tvsd, tvsc; 213407's two roles in 2 bytes). An empty list is
        // possible: tvsd sends the roles it knows, maybe none.
        TAG_ROLES => {
            if bytes.len() > MAX_ROLES {
                problems.push(ProblemKind::TooManyRoles(bytes.len()), span);
            }
            let roles: Vec<Spanned<u8>> = bytes
                .iter()
                .take(MAX_ROLES)
                .enumerate()
                .map(|(i, &value)| Spanned {
                    value,
                    span: Span::new(span.start + i, 1),
                })
                .collect();
            for role in &roles {
                if name(ROLES, u32::from(role.value)).is_none() {
                    problems.push(ProblemKind::UnknownRole(role.value), role.span);
                }
            }
            Value::Roles(roles)
        }
        // Four bytes: 213407 "Len = 4: 00 01 51 80", tvsd '> B H I'.
        TAG_TTL => match all_consuming(be_u32::<_, nom::error::Error<&[u8]>>).parse(bytes) {
            Ok((_, seconds)) => Value::Ttl(seconds),
            Err(_) => bad_length(problems),
        },
        _ => {
            problems.push(
                ProblemKind::UnknownTag(tag),
                Span::new(span.start - TLV_HEAD, 1),
            );
            Value::Raw
        }
    }
}

/// Text of `bytes` at `span`, without a terminating NUL (213407's subject ends in one),
/// cut at [`MAX_TEXT`] bytes.
fn text(tag: u8, bytes: &[u8], span: Span, problems: &mut Problems) -> Spanned<String> {
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    if bytes.len() > MAX_TEXT {
        problems.push(
            ProblemKind::TextTooLong {
                tag,
                len: bytes.len(),
            },
            span,
        );
    }
    if std::str::from_utf8(bytes).is_err() {
        problems.push(ProblemKind::NotUtf8 { tag }, span);
    }
    let shown = &bytes[..bytes.len().min(MAX_TEXT)];
    Spanned {
        value: String::from_utf8_lossy(shown).into_owned(),
        span: Span::new(span.start, shown.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        out.extend_from_slice(&(value.len() as u16).to_be_bytes());
        out.extend_from_slice(value);
        out
    }

    fn message(command: u8, session: u32, tlvs: &[Vec<u8>]) -> Vec<u8> {
        let body = tlvs.concat();
        let mut out = vec![MAGIC, 1, command, 0];
        out.extend_from_slice(&session.to_be_bytes());
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend(body);
        out
    }

    /// The type byte and the name of a device name TLV.
    fn device_name(t: &Tlv) -> (Option<u8>, String) {
        match &t.value {
            Value::DeviceName { kind, name } => (kind.map(|k| k.value), name.value.clone()),
            other => panic!("{other:?}"),
        }
    }

    fn text(t: &Tlv) -> &str {
        match &t.value {
            Value::Text(text) => &text.value,
            other => panic!("{other:?}"),
        }
    }

    fn roles(t: &Tlv) -> Vec<u8> {
        match &t.value {
            Value::Roles(r) => r.iter().map(|r| r.value).collect(),
            other => panic!("{other:?}"),
        }
    }

    fn kinds(m: &Message) -> Vec<ProblemKind> {
        m.problems.iter().map(|p| p.kind.clone()).collect()
    }

    /// Every span of a parse lies inside the input.
    fn assert_spans_inside(parsed: &Parsed, len: usize) {
        for m in &parsed.messages {
            let mut spans = vec![
                m.span,
                m.header.magic.span,
                m.header.command.span,
                m.header.session_id.span,
                m.header.length.span,
            ];
            for t in &m.tlvs {
                spans.extend([t.span, t.tag.span, t.length.span, t.value_span]);
                match &t.value {
                    Value::Roles(roles) => spans.extend(roles.iter().map(|r| r.span)),
                    Value::DeviceName { kind, name } => {
                        spans.extend(kind.iter().map(|k| k.span));
                        spans.push(name.span);
                    }
                    Value::Text(text) => spans.push(text.span),
                    _ => {}
                }
            }
            spans.extend(m.problems.iter().map(|p| p.span));
            for s in spans {
                assert!(s.end() <= len, "{s:?} past {len}");
            }
        }
    }

    #[test]
    fn a_verify_response_decodes_with_spans() {
        let data = message(
            2,
            0x8dd2_3759,
            &[
                tlv(7, &[0]),
                tlv(8, &[0, 21]),
                tlv(9, &3600u32.to_be_bytes()),
            ],
        );
        let parsed = parse(&data, true);
        assert_eq!(parsed.rest, Rest::Nothing);
        let m = &parsed.messages[0];
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.span, Span::new(0, data.len()));
        assert_eq!(m.header.command.value, 2);
        assert_eq!(m.header.session_id.value, 0x8dd2_3759);
        assert_eq!(m.header.length.value as usize, data.len() - HEADER_LEN);
        assert_eq!(m.status(), Some(0));
        assert_eq!(m.tlvs.len(), 3);
        assert_eq!(roles(&m.tlvs[1]), vec![0, 21]);
        assert_eq!(m.tlvs[2].value, Value::Ttl(3600));
        assert_eq!(&data[m.tlvs[2].value_span.range()], &[0, 0, 0x0e, 0x10]);
        assert_eq!(m.tlvs[2].span, Span::new(data.len() - 7, 7));
    }

    #[test]
    fn texts_and_certificates() {
        let data = message(
            3,
            1,
            &[
                tlv(1, b"SEPC80084AA8743"),
                tlv(3, b"CN=cucm-hc.lab.local;C=US\0"),
                tlv(2, &[0x30, 0x03, 1, 2, 3]),
            ],
        );
        let m = &parse(&data, true).messages[0];
        assert_eq!(kinds(m), vec![ProblemKind::NoDeviceNameType]);
        assert_eq!(m.problems[0].kind.class(), Class::Unknown);
        assert_eq!(device_name(&m.tlvs[0]), (None, "SEPC80084AA8743".into()));
        assert_eq!(text(&m.tlvs[1]), "CN=cucm-hc.lab.local;C=US");
        assert_eq!(m.tlvs[2].value, Value::Certificate);
        assert_eq!(&data[m.tlvs[2].value_span.range()], &[0x30, 3, 1, 2, 3]);
    }

    /// Bytes as a TVS log prints them: hex pairs separated by spaces.
    fn hex(text: &str) -> Vec<u8> {
        text.split_whitespace()
            .map(|pair| u8::from_str_radix(pair, 16).unwrap())
            .collect()
    }

    /// The query-certificate exchange of Cisco document 213407 ("Migrate Phones Between
    /// Secure Clusters", Verify, steps 5 and 6). The TVS log prints the first 50 bytes of
    /// the 153-byte request and of the 1480-byte response, and what TVS read from them;
    /// the rest is rebuilt from those logged values: the subject, issuer and serial
    /// number, "rolecount : 2" with roles 0 and 3, the 4-byte TTL 00 01 51 80. Only the
    /// tags of the request's issuer and serial TLVs are not in the log: 0xf0 and 0xf1
    /// stand in for them (they decode as unknown, which is what a real request shows).
    fn document_213407() -> (Vec<u8>, Vec<u8>) {
        let subject = b"CN=ucm11pub.stormin.local;OU=IST;O=Stormin;L=Brisbane;ST=QLD;C=AU\0";
        let request = message(
            3,
            0x3e9,
            &[
                tlv(1, b"\x01CP-8861-SEPB000B4BA0AEE"),
                tlv(3, subject),
                tlv(0xf0, b"CN=stormin-WIN2012-CA\0"),
                tlv(
                    0xf1,
                    &hex("24 00 00 00 17 94 79 b8 f1 24 ac 3f 3b 00 00 00 00 00 17"),
                ),
            ],
        );
        let logged_request = hex(
            "57 01 03 00 00 00 03 e9 00 8f 01 00 18 01 43 50 2d 38 38 36 31 2d 53 45 \
             50 42 30 30 30 42 34 42 41 30 41 45 45 03 00 42 43 4e 3d 75 63 6d 31 31 70 75",
        );
        assert_eq!(request.len(), 153, "HEX_DUMP: Len = 153");
        assert_eq!(&request[..50], &logged_request[..]);

        // The certificate: its logged start, then filler up to its logged length 0x05ab.
        let mut certificate = hex(
            "30 82 05 a7 30 82 04 8f a0 03 02 01 02 02 13 24 00 00 00 17 94 79 b8 f1 \
             24 ac 3f 3b 00 00 00 00 00 17 30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00 30",
        );
        certificate.resize(0x05ab, 0);
        let mut response = message(
            4,
            0x3e9,
            &[
                tlv(7, &[0]),
                tlv(2, &certificate),
                tlv(8, &[0, 3]),
                tlv(9, &hex("00 01 51 80")),
            ],
        );
        response[3] = 0xf7; // the reserved byte as logged
        let logged_response = hex(
            "57 01 04 f7 00 00 03 e9 05 be 07 00 01 00 02 05 ab 30 82 05 a7 30 82 04 \
             8f a0 03 02 01 02 02 13 24 00 00 00 17 94 79 b8 f1 24 ac 3f 3b 00 00 00 00 00",
        );
        assert_eq!(response.len(), 1480, "HEX_DUMP: Len = 1480");
        assert_eq!(&response[..50], &logged_response[..]);
        (request, response)
    }

    #[test]
    fn the_exchange_logged_in_cisco_document_213407() {
        let (request, response) = document_213407();
        let parsed = parse(&request, true);
        assert_eq!(parsed.rest, Rest::Nothing);
        let m = &parsed.messages[0];
        assert_eq!(m.header.command.value, 3, "TVS_MSG_QUERY_CERT_REQ");
        assert_eq!(m.header.length.value, 143, "Length : 143");
        assert_eq!(m.span.len, 153);
        assert_eq!(
            device_name(&m.tlvs[0]),
            (Some(1), "CP-8861-SEPB000B4BA0AEE".into())
        );
        let Value::DeviceName { kind, name: shown } = &m.tlvs[0].value else {
            unreachable!()
        };
        assert_eq!(kind.unwrap().span, Span::new(13, 1));
        assert_eq!(shown.span, Span::new(14, 23));
        assert_eq!(
            text(&m.tlvs[1]),
            "CN=ucm11pub.stormin.local;OU=IST;O=Stormin;L=Brisbane;ST=QLD;C=AU"
        );
        let Value::Text(subject) = &m.tlvs[1].value else {
            unreachable!()
        };
        assert_eq!(subject.span.len, 65, "the NUL is not part of the subject");
        assert_eq!(m.tlvs[1].value_span.len, 66);
        // The issuer and serial TLVs: unknown, each a note, nothing malformed.
        assert_eq!(m.tlvs.len(), 4);
        assert_eq!(
            &request[m.tlvs[2].value_span.range()],
            b"CN=stormin-WIN2012-CA\0"
        );
        assert_eq!(m.tlvs[3].value_span.len, 19);
        assert_eq!(
            kinds(m),
            vec![ProblemKind::UnknownTag(0xf0), ProblemKind::UnknownTag(0xf1)]
        );
        assert!(m.problems.iter().all(|p| p.kind.class() == Class::Unknown));

        let parsed = parse(&response, true);
        assert_eq!(parsed.rest, Rest::Nothing);
        let m = &parsed.messages[0];
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.header.command.value, 4, "TVS_MSG_QUERY_CERT_RES");
        assert_eq!(m.header.reserved.value, 0xf7);
        assert_eq!(m.header.session_id.value, 0x3e9, "the request's");
        assert_eq!(m.header.length.value, 1470, "Length : 1470");
        assert_eq!(m.status(), Some(0));
        assert_eq!(m.tlvs[1].value, Value::Certificate);
        assert_eq!(m.tlvs[1].value_span.len, 1451, "HEX_DUMP: Len = 1451");
        assert_eq!(
            roles(&m.tlvs[2]),
            vec![0, 3],
            "rolecount : 2, roles 0 and 3"
        );
        assert_eq!(name(ROLES, 0), Some("SAST"));
        assert_eq!(name(ROLES, 3), Some("TFTP"));
        assert_eq!(m.tlvs[3].value, Value::Ttl(86_400), "expires in 24 hours");
    }

    #[test]
    fn several_messages_in_one_piece_of_data() {
        let data = [
            message(1, 7, &[tlv(1, b"SEP1")]),
            message(2, 7, &[tlv(7, &[1])]),
        ]
        .concat();
        let parsed = parse(&data, true);
        assert_eq!(parsed.messages.len(), 2);
        assert_eq!(parsed.messages[1].span.start, 17);
        assert_eq!(parsed.messages[1].status(), Some(STATUS_INVALID));
        assert_eq!(parsed.rest, Rest::Nothing);
    }

    #[test]
    fn a_message_past_the_data_waits_for_more_when_it_can() {
        let whole = [
            message(1, 7, &[tlv(1, b"SEP1")]),
            message(4, 7, &[tlv(2, &[0x30; 100])]),
        ]
        .concat();
        let cut = &whole[..17 + 40];
        let parsed = parse(cut, true);
        assert_eq!(parsed.messages.len(), 1);
        assert_eq!(
            parsed.rest,
            Rest::Incomplete {
                offset: 17,
                needed: Some(whole.len() - cut.len())
            }
        );
        // Header itself incomplete: the length is unknown.
        let parsed = parse(&whole[..17 + 6], true);
        assert_eq!(
            parsed.rest,
            Rest::Incomplete {
                offset: 17,
                needed: None
            }
        );
    }

    #[test]
    fn a_message_past_the_data_is_decoded_partly_when_it_cannot_wait() {
        let whole = message(4, 7, &[tlv(7, &[0]), tlv(2, &[0x30; 100])]);
        let cut = &whole[..40];
        let parsed = parse(cut, false);
        assert_eq!(parsed.rest, Rest::Nothing);
        let m = &parsed.messages[0];
        assert_eq!(m.span, Span::new(0, 40));
        assert_eq!(
            kinds(m),
            vec![ProblemKind::MessageCut {
                declared: whole.len() - HEADER_LEN,
                available: 30
            }]
        );
        assert_eq!(m.status(), Some(0));
        assert_eq!(m.tlvs[1].value, Value::Raw);
        assert_eq!(m.tlvs[1].value_span, Span::between(17, 40));
        assert_spans_inside(&parsed, cut.len());
    }

    #[test]
    fn a_tlv_past_the_message_end_is_malformed() {
        // TTL claims 8 bytes; the message ends 4 bytes after its TLV header.
        let mut body = tlv(7, &[0]);
        body.extend_from_slice(&[9, 0, 8, 0, 0, 0x0e, 0x10]);
        let mut data = vec![MAGIC, 1, 2, 0, 0, 0, 0, 1];
        data.extend_from_slice(&(body.len() as u16).to_be_bytes());
        data.extend(&body);
        // A following message must still be found.
        data.extend(message(2, 2, &[tlv(7, &[1])]));
        let parsed = parse(&data, true);
        assert_eq!(parsed.messages.len(), 2);
        let m = &parsed.messages[0];
        assert_eq!(
            kinds(m),
            vec![ProblemKind::TlvPastEnd {
                tag: 9,
                declared: 8,
                available: 4
            }]
        );
        assert_eq!(m.tlvs[1].value, Value::Raw);
        assert_eq!(m.tlvs[1].value_span.len, 4);
        assert_eq!(parsed.messages[1].status(), Some(1));
    }

    #[test]
    fn unknown_codes_are_kept_raw() {
        let data = message(9, 1, &[tlv(0x2a, &[1, 2]), tlv(7, &[5]), tlv(8, &[0, 99])]);
        let m = &parse(&data, true).messages[0];
        assert_eq!(
            kinds(m),
            vec![
                ProblemKind::UnknownCommand(9),
                ProblemKind::UnknownTag(0x2a),
                ProblemKind::UnknownStatus(5),
                ProblemKind::UnknownRole(99)
            ]
        );
        assert!(m.problems.iter().all(|p| p.kind.class() == Class::Unknown));
        assert_eq!(m.tlvs[0].value, Value::Raw);
        assert_eq!(m.problems[1].span, Span::new(10, 1));
    }

    #[test]
    fn values_of_impossible_sizes() {
        let data = message(
            2,
            1,
            &[tlv(7, &[0, 0]), tlv(9, &[1, 2]), tlv(7, &[]), tlv(2, &[])],
        );
        let m = &parse(&data, true).messages[0];
        assert_eq!(
            kinds(m),
            vec![
                ProblemKind::BadValueLength { tag: 7, len: 2 },
                ProblemKind::BadValueLength { tag: 9, len: 2 },
                ProblemKind::BadValueLength { tag: 7, len: 0 },
                ProblemKind::BadValueLength { tag: 2, len: 0 },
            ]
        );
        assert!(m.tlvs.iter().all(|t| t.value == Value::Raw));
    }

    #[test]
    fn bad_text_is_replaced_and_flagged() {
        let data = message(1, 1, &[tlv(1, b"\x01SEP\xff\xfe")]);
        let m = &parse(&data, true).messages[0];
        assert_eq!(kinds(m), vec![ProblemKind::NotUtf8 { tag: 1 }]);
        assert_eq!(device_name(&m.tlvs[0]).1, "SEP\u{fffd}\u{fffd}");
        let long = message(3, 1, &[tlv(3, &vec![b'x'; MAX_TEXT + 10])]);
        let m = &parse(&long, true).messages[0];
        assert_eq!(
            kinds(m),
            vec![ProblemKind::TextTooLong {
                tag: 3,
                len: MAX_TEXT + 10
            }]
        );
        assert_eq!(text(&m.tlvs[0]).len(), MAX_TEXT);
    }

    #[test]
    fn a_tlv_header_cut_inside_a_whole_message() {
        let mut data = message(2, 1, &[tlv(7, &[0])]);
        data.extend_from_slice(&[9, 0]);
        data[9] += 2; // the length counts the two stray bytes
        let m = &parse(&data, true).messages[0];
        assert_eq!(kinds(m), vec![ProblemKind::TlvHeaderCut { available: 2 }]);
        assert_eq!(m.span.len, data.len());
    }

    #[test]
    fn data_without_the_magic_is_not_tvs() {
        let data = [message(1, 1, &[]), vec![0x75, 1, 2, 0, 9, 9]].concat();
        let parsed = parse(&data, true);
        assert_eq!(parsed.messages.len(), 1);
        assert_eq!(
            parsed.rest,
            Rest::NotTvs {
                span: Span::between(10, 16),
                first: 0x75
            }
        );
        let tls_record = [0x16, 3, 3, 0, 5, 1, 2, 3, 4, 5];
        assert!(parse(&tls_record, true).messages.is_empty());
    }

    #[test]
    fn counts_are_bounded() {
        let many_tlvs: Vec<Vec<u8>> = (0..MAX_TLVS + 5).map(|_| tlv(1, b"\x01x")).collect();
        let m = &parse(&message(1, 1, &many_tlvs), true).messages[0];
        assert_eq!(m.tlvs.len(), MAX_TLVS);
        assert_eq!(kinds(m), vec![ProblemKind::TooManyTlvs]);

        let many_roles = vec![2u8; MAX_ROLES + 3];
        let m = &parse(&message(2, 1, &[tlv(8, &many_roles)]), true).messages[0];
        assert_eq!(roles(&m.tlvs[0]).len(), MAX_ROLES);
        assert_eq!(kinds(m), vec![ProblemKind::TooManyRoles(MAX_ROLES + 3)]);

        let unknown: Vec<Vec<u8>> = (0..50).map(|_| tlv(0x40, &[])).collect();
        let m = &parse(&message(1, 1, &unknown), true).messages[0];
        assert_eq!(m.problems.len(), MAX_PROBLEMS);
        assert_eq!(
            m.problems.last().unwrap().kind,
            ProblemKind::TooManyProblems
        );

        let data: Vec<u8> = (0..MAX_MESSAGES + 3)
            .flat_map(|_| message(1, 1, &[]))
            .collect();
        let parsed = parse(&data, true);
        assert_eq!(parsed.messages.len(), MAX_MESSAGES);
        assert_eq!(
            parsed.rest,
            Rest::Skipped(Span::between(MAX_MESSAGES * HEADER_LEN, data.len()))
        );
    }

    #[test]
    fn every_truncation_of_a_message_is_safe() {
        let data = [
            message(
                4,
                0xdead_beef,
                &[
                    tlv(7, &[0]),
                    tlv(2, &[0x30; 40]),
                    tlv(3, b"CN=x\0"),
                    tlv(1, b"\x01CP-8861-SEP"),
                    tlv(8, &[0, 2]),
                    tlv(9, &[0, 1, 0x51, 0x80]),
                ],
            ),
            message(1, 1, &[tlv(1, b"SEP")]),
        ]
        .concat();
        for end in 0..=data.len() {
            for can_wait in [true, false] {
                let parsed = parse(&data[..end], can_wait);
                assert_spans_inside(&parsed, end);
                let consumed = match &parsed.rest {
                    Rest::Incomplete { offset, .. } => *offset,
                    _ => parsed.messages.last().map_or(0, |m| m.span.end()),
                };
                assert!(consumed <= end);
            }
        }
    }

    /// Seeded garbage of every length: no panic, spans inside, bounded output.
    #[test]
    fn garbage_never_panics() {
        let mut state: u64 = 0x1234_5678;
        for round in 0..2_000 {
            let len = round % 300;
            let mut data: Vec<u8> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    (state >> 56) as u8
                })
                .collect();
            // Half the time start like a message so the TLV code is reached.
            if round % 2 == 0 && !data.is_empty() {
                data[0] = MAGIC;
            }
            for can_wait in [true, false] {
                let parsed = parse(&data, can_wait);
                assert_spans_inside(&parsed, data.len());
                assert!(parsed.messages.len() <= MAX_MESSAGES);
                assert!(parsed
                    .messages
                    .iter()
                    .all(|m| m.problems.len() <= MAX_PROBLEMS));
            }
        }
    }
}
