//! Parser for the Trust Verification Service messages inside a decrypted TLS session.
//!
//! Layout from domain.md ("TVS"), big-endian throughout:
//!
//! ```text
//! Header, 10 bytes
//!   0  magic       0x57
//!   1  version     1 byte
//!   2  command     1 verify request, 2 verify response,
//!                  3 query-certificate request, 4 query-certificate response
//!   3  reserved    1 byte
//!   4  session id  4 bytes
//!   8  length      2 bytes: the TLV bytes after the header (the header not included)
//! TLVs until the length is used up: tag (1 byte), length (2 bytes), value
//!   1  device name    text
//!   2  certificate    DER X.509
//!   3  subject name   text
//!   7  status         1 byte: 0 valid, 1 invalid
//!   8  roles          2-byte codes, read with the CTL/ITL record function table
//!   9  TTL            4 bytes: seconds
//! ```
//!
//! What `length` covers, the widths of status and TTL and the encoding of roles are not
//! public: they are this project's reading (the capture generator writes the same).
//!
//! Messages follow each other in the decrypted stream; one TLS record may hold several,
//! and one message may span records. [`parse`] takes what the caller has (one record,
//! or records TLS reassembled for us) and returns every whole message, then what is left:
//! the start of a message that needs more bytes, or bytes that are not a TVS message.
//!
//! Pure and panic-free: every span lies inside the input, every count is bounded.

#![forbid(unsafe_code)]

pub use crate::span::{Span, Spanned};

/// First byte of every message.
pub const MAGIC: u8 = 0x57;
pub const HEADER_LEN: usize = 10;
/// Tag and length of a TLV.
const TLV_HEAD: usize = 3;

/// Messages decoded from one piece of data; the rest is reported, not decoded. A TVS
/// exchange is one request and one response: this is far above real traffic.
pub const MAX_MESSAGES: usize = 64;
/// TLVs decoded per message. Real messages carry up to six.
pub const MAX_TLVS: usize = 64;
/// Role codes decoded per roles TLV. A certificate holds a handful of roles.
pub const MAX_ROLES: usize = 32;
/// Text values (device name, subject) longer than this are shown cut. Device names have
/// 15 characters, certificate subjects a few hundred.
pub const MAX_TEXT: usize = 4096;
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

/// Role codes: the CTL/ITL record functions (domain.md); the value table of
/// `ciscotvs.roles`.
pub const ROLES: &[(u32, &str)] = &[
    (0, "SAST"),
    (1, "CCM"),
    (2, "CCM+TFTP"),
    (3, "TFTP"),
    (4, "CAPF"),
    (7, "application server"),
    (21, "TVS"),
];

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
    /// Device name or subject (UTF-8, replacement characters for bad bytes).
    Text(String),
    /// A DER certificate: the value bytes.
    Certificate,
    Status(u8),
    Roles(Vec<Spanned<u16>>),
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
    UnknownRole(u16),
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
            | ProblemKind::UnknownRole(_) => Class::Unknown,
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
            ProblemKind::UnknownTag(t) => {
                format!("Unknown TLV tag {t} (0x{t:02x}): value shown as bytes")
            }
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

fn u16_at(data: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([data[at], data[at + 1]])
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]])
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
        if available < HEADER_LEN {
            break Rest::Incomplete {
                offset,
                needed: None,
            };
        }
        let header = header_at(data, offset);
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

fn header_at(data: &[u8], at: usize) -> Header {
    let byte = |i: usize| Spanned {
        value: data[at + i],
        span: Span::new(at + i, 1),
    };
    Header {
        magic: byte(0),
        version: byte(1),
        command: byte(2),
        reserved: byte(3),
        session_id: Spanned {
            value: u32_at(data, at + 4),
            span: Span::new(at + 4, 4),
        },
        length: Spanned {
            value: u16_at(data, at + 8),
            span: Span::new(at + 8, 2),
        },
    }
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
        if end - pos < TLV_HEAD {
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
        }
        let tag = data[pos];
        let length = u16_at(data, pos + 1);
        let value_start = pos + TLV_HEAD;
        let value_end = value_start + usize::from(length);
        let tlv_end = value_end.min(end);
        let value_span = Span::between(value_start, tlv_end);
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
            decode_value(tag, data, value_span, &mut problems)
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

fn decode_value(tag: u8, data: &[u8], span: Span, problems: &mut Problems) -> Value {
    let bytes = &data[span.range()];
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
        TAG_DEVICE_NAME | TAG_SUBJECT => {
            let shown = &bytes[..bytes.len().min(MAX_TEXT)];
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
            Value::Text(String::from_utf8_lossy(shown).into_owned())
        }
        TAG_CERTIFICATE if bytes.is_empty() => bad_length(problems),
        TAG_CERTIFICATE => Value::Certificate,
        TAG_STATUS => match bytes {
            [status] => {
                if name(STATUSES, u32::from(*status)).is_none() {
                    problems.push(ProblemKind::UnknownStatus(*status), span);
                }
                Value::Status(*status)
            }
            _ => bad_length(problems),
        },
        TAG_ROLES if bytes.is_empty() || bytes.len() % 2 != 0 => bad_length(problems),
        TAG_ROLES => {
            let count = bytes.len() / 2;
            if count > MAX_ROLES {
                problems.push(ProblemKind::TooManyRoles(count), span);
            }
            let roles: Vec<Spanned<u16>> = (0..count.min(MAX_ROLES))
                .map(|i| Spanned {
                    value: u16_at(bytes, 2 * i),
                    span: Span::new(span.start + 2 * i, 2),
                })
                .collect();
            for role in &roles {
                if name(ROLES, u32::from(role.value)).is_none() {
                    problems.push(ProblemKind::UnknownRole(role.value), role.span);
                }
            }
            Value::Roles(roles)
        }
        TAG_TTL => match bytes {
            [a, b, c, d] => Value::Ttl(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => bad_length(problems),
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
                if let Value::Roles(roles) = &t.value {
                    spans.extend(roles.iter().map(|r| r.span));
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
                tlv(8, &[0, 0, 0, 21]),
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
        let roles = match &m.tlvs[1].value {
            Value::Roles(r) => r.iter().map(|r| r.value).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(roles, vec![0, 21]);
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
                tlv(3, b"CN=cucm-hc.lab.local;C=US"),
                tlv(2, &[0x30, 0x03, 1, 2, 3]),
            ],
        );
        let m = &parse(&data, true).messages[0];
        assert_eq!(m.tlvs[0].value, Value::Text("SEPC80084AA8743".into()));
        assert_eq!(
            m.tlvs[1].value,
            Value::Text("CN=cucm-hc.lab.local;C=US".into())
        );
        assert_eq!(m.tlvs[2].value, Value::Certificate);
        assert_eq!(&data[m.tlvs[2].value_span.range()], &[0x30, 3, 1, 2, 3]);
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
            &[
                tlv(7, &[0, 0]),
                tlv(9, &[1, 2]),
                tlv(8, &[1, 2, 3]),
                tlv(2, &[]),
            ],
        );
        let m = &parse(&data, true).messages[0];
        assert_eq!(
            kinds(m),
            vec![
                ProblemKind::BadValueLength { tag: 7, len: 2 },
                ProblemKind::BadValueLength { tag: 9, len: 2 },
                ProblemKind::BadValueLength { tag: 8, len: 3 },
                ProblemKind::BadValueLength { tag: 2, len: 0 },
            ]
        );
        assert!(m.tlvs.iter().all(|t| t.value == Value::Raw));
    }

    #[test]
    fn bad_text_is_replaced_and_flagged() {
        let data = message(1, 1, &[tlv(1, b"SEP\xff\xfe")]);
        let m = &parse(&data, true).messages[0];
        assert_eq!(kinds(m), vec![ProblemKind::NotUtf8 { tag: 1 }]);
        assert_eq!(m.tlvs[0].value, Value::Text("SEP\u{fffd}\u{fffd}".into()));
        let long = message(3, 1, &[tlv(3, &vec![b'x'; MAX_TEXT + 10])]);
        let m = &parse(&long, true).messages[0];
        assert_eq!(
            kinds(m),
            vec![ProblemKind::TextTooLong {
                tag: 3,
                len: MAX_TEXT + 10
            }]
        );
        assert!(matches!(&m.tlvs[0].value, Value::Text(t) if t.len() == MAX_TEXT));
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
        let many_tlvs: Vec<Vec<u8>> = (0..MAX_TLVS + 5).map(|_| tlv(1, b"x")).collect();
        let m = &parse(&message(1, 1, &many_tlvs), true).messages[0];
        assert_eq!(m.tlvs.len(), MAX_TLVS);
        assert_eq!(kinds(m), vec![ProblemKind::TooManyTlvs]);

        let roles: Vec<u8> = (0..MAX_ROLES as u16 + 3).flat_map(|_| [0, 2]).collect();
        let m = &parse(&message(2, 1, &[tlv(8, &roles)]), true).messages[0];
        assert!(matches!(&m.tlvs[0].value, Value::Roles(r) if r.len() == MAX_ROLES));

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
                    tlv(3, b"CN=x"),
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
