//! Parser for Cisco CTL and ITL files (`CTLFile.tlv`, `ITLSEP<MAC>.tlv` ...) and for the
//! signature header that starts signed (`.sgn`) files.
//!
//! Sources of the layout (every fact below is from one of them):
//! - [certutils]: the open-source `tlvfile` (builds and parses CTL/ITL files) and `sgnfile`
//!   (signed files) of the usecallmanagernz project, github.com/usecallmanagernz/certutils;
//! - [118893]: Cisco document 118893, `show ctl` output of real CTL files (header lengths
//!   336 and 304, signer ID length 149, modulus size length 1);
//! - SCFParser's CTL parser (same tags and widths as certutils).
//!
//! Every element is a TLV: a 1-byte tag, a 2-byte big-endian length, then the value
//! ([certutils] `struct.unpack_from('> B H')`), except the padding.
//!
//! ```text
//! File header (version 1.2 in CTL/ITL, 1.0 in signed .sgn files [certutils sgnfile])
//!   1  version            2 bytes: major, minor
//!   2  header length      2 bytes [certutils '> H'; 118893]: bytes from the file start
//!                         to the first record (or to a signed file's content)
//!   3  signer ID          container [certutils HEADER_SIGNER_INFO; 118893 length 149]:
//!        4  signer name   text, "CN=..;OU=..;O=..;..."
//!        5  serial number bytes: the signer certificate's serial
//!        6  CA name       text: the signer certificate's issuer
//!   7  signature info     container:
//!        8  digest algorithm        1 byte: 1 SHA-1, 2 SHA-256, 3 SHA-512 [certutils]
//!        9  signature algorithm     container:
//!             10 algorithm          1 byte (0 RSA)
//!             11 modulus size       1 byte, an index: 0 512, 1 1024, 2 2048, 3 4096 bits
//!                                   [certutils `[64, 128, 256, 512].index(..)`; 118893]
//!      (tags 4-6 and 8-11 are also accepted directly in the header)
//!   12 signature          RSA PKCS#1 v1.5 over the file without this TLV
//!   13 padding            bare 0x0D bytes, no length, up to a 4-byte boundary [certutils
//!                         "Pad to 4 byte boundary"]; the header ends at the header
//!                         length whatever the padding looks like
//!   14 file name          text
//!   15 timestamp          4 bytes: seconds since 1970
//!   28 signer version     2 bytes: major, minor [certutils HEADER_SIGNER_VERSION]
//! Without a usable header length the header ends before the next tag 1 (a record's
//! length), before a `<` (a signed file's XML content) or at the end of the input.
//!
//! Records, back to back until the end of the file, one per certificate [certutils]
//!   1  record length      2 bytes: the whole record, this TLV included
//!   2  DNS name           text
//!   3  subject            text
//!   4  function (role)    2 bytes (1 accepted): 0 SAST, 1 CCM, 2 CCM+TFTP, 3 TFTP,
//!                         4 CAPF, 7 application server, 21 TVS
//!   5  issuer             text
//!   6  serial number      bytes
//!   7  public key         DER
//!   8  signature          bytes
//!   9  certificate        DER X.509 certificate
//!   10 IP address         4 bytes, or text; may be empty
//!   11 certificate hash   bytes
//!   12 hash algorithm     1 byte, same codes as the digest algorithm
//! ```
//!
//! The TLV heads are read with `nom`. The parser is pure and never panics: it returns
//! what it understood plus a list of [`Problem`]s with spans. Every span (values and
//! problems) is a byte range of the input given to [`parse_trust_list`] and lies inside
//! it. `Spanned` values span the TLV's value bytes. Text values are decoded as UTF-8 with
//! replacement characters, with trailing NUL bytes (certutils NUL-terminates some
//! strings) dropped from the text but kept in the span. Tags no source names are a note,
//! never malformed.

#![forbid(unsafe_code)]

pub use crate::span::{Span, Spanned};

/// Input beyond this many bytes is ignored (with [`ProblemKind::FileTooLarge`]). Real ITL
/// files hold a handful of certificates, CTL files a few dozen: well below 200 KiB.
pub const MAX_FILE: usize = 1024 * 1024;

/// At most this many records are parsed (then [`ProblemKind::TooManyRecords`]). CUCM caps
/// a cluster's servers far below this; 10,000 tiny records must not cost 10,000 structs.
pub const MAX_RECORDS: usize = 256;

/// At most this many problems are reported, the last one being
/// [`ProblemKind::TooManyProblems`]; a hostile file must not grow the list without bound.
pub const MAX_PROBLEMS: usize = 32;

/// Nested TLVs (signature info, algorithm info) are followed this deep; the format only
/// nests twice (7 holds 9 which holds 10 and 11, [certutils]).
const MAX_NESTING: usize = 2;

/// Size of a TLV's tag and length: 1-byte tag, 2-byte length ([certutils] `'> B H'`).
const TLV_HEAD: usize = crate::tlv::HEAD_LEN;

/// Tag 13, the padding byte: written bare, without a length, until the header length is a
/// multiple of 4 ([certutils] tlvfile/sgnfile "Pad to 4 byte boundary").
pub const PADDING: u8 = 0x0D;

/// Tag 11's one-byte index and the key size it stands for ([certutils]
/// `[64, 128, 256, 512].index(signature_length)`, signature bytes 64..512; Cisco 118893
/// shows the modulus size TLV with length 1).
pub const KEY_SIZES: &[(u8, u16)] = &[(0, 512), (1, 1024), (2, 2048), (3, 4096)];

/// Record function codes and their names (domain facts; nothing else is
/// named). Also the value table of `ciscotl.record.function`.
pub const FUNCTIONS: &[(u32, &str)] = &[
    (0, "SAST"),
    (1, "CCM"),
    (2, "CCM+TFTP"),
    (3, "TFTP"),
    (4, "CAPF"),
    (7, "application server"),
    (21, "TVS"),
];

/// Digest (hash) algorithm codes and their names. Also the value table of
/// `ciscotl.digest_alg`.
pub const DIGESTS: &[(u32, &str)] = &[(1, "SHA-1"), (2, "SHA-256"), (3, "SHA-512")];

fn lookup(table: &[(u32, &'static str)], code: u32) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The name of a record's function code.
pub fn function_name(code: u16) -> Option<&'static str> {
    lookup(FUNCTIONS, u32::from(code))
}

/// The name of a digest (hash) algorithm code.
#[cfg(test)]
pub fn digest_name(code: u8) -> Option<&'static str> {
    lookup(DIGESTS, u32::from(code))
}

/// How serious a problem is, for the expert info severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing, not wrong (a tag this parser does not know).
    Note,
    /// Odd but the parse went on.
    Warning,
    /// Part of the file could not be parsed.
    Error,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The input is longer than [`MAX_FILE`]; the rest is ignored. Carries the input length.
    FileTooLarge(usize),
    /// Fewer than 3 bytes left where a TLV should start (the span covers them).
    TruncatedTlv,
    /// A length goes past the end of the input (or of the enclosing element).
    LengthPastEnd { declared: usize, available: usize },
    /// A tag this parser does not know (note); the TLV is kept in `unknown`.
    UnknownTag(u8),
    /// A known tag whose value has an unexpected size; the value is not decoded.
    BadValueLength { tag: u8, len: usize },
    /// A known tag holding a value no source names (a key-size index above 3); note.
    UnknownValue { tag: u8, value: u32 },
    /// A tag seen twice in the header or a record; the first one is kept.
    DuplicateTag(u8),
    /// The header's TLVs do not end at the header length: `declared` is the header length,
    /// `actual` where the header's TLVs ended.
    HeaderLengthMismatch { declared: usize, actual: usize },
    /// Stops. The input does not start with tag 1 (the version), so it is not a trust
    /// list or signed file; nothing is parsed.
    NoVersion,
    /// The header has no header length; it was taken to end before the first record.
    NoHeaderLength,
    /// A record does not start with its length (tag 1); it was taken to end before the
    /// next tag 1. Carries the tag found.
    RecordWithoutLength(u8),
    /// A record's TLVs do not end at its declared length.
    RecordLengthMismatch { declared: usize, actual: usize },
    /// A record length too small to cover its own length TLV (0 included): following it
    /// would not move forward. The record was taken to end before the next tag 1.
    NoProgress { declared: usize },
    /// More than [`MAX_RECORDS`] records; the rest are not parsed. Reported once.
    TooManyRecords,
    /// [`MAX_PROBLEMS`] reached; later problems are not reported.
    TooManyProblems,
}

impl ProblemKind {
    pub const fn severity(&self) -> Severity {
        match self {
            ProblemKind::UnknownTag(_) | ProblemKind::UnknownValue { .. } => Severity::Note,
            ProblemKind::DuplicateTag(_)
            | ProblemKind::BadValueLength { .. }
            | ProblemKind::HeaderLengthMismatch { .. }
            | ProblemKind::NoHeaderLength
            | ProblemKind::RecordLengthMismatch { .. }
            | ProblemKind::TooManyRecords
            | ProblemKind::TooManyProblems
            | ProblemKind::FileTooLarge(_) => Severity::Warning,
            ProblemKind::TruncatedTlv
            | ProblemKind::LengthPastEnd { .. }
            | ProblemKind::NoVersion
            | ProblemKind::RecordWithoutLength(_)
            | ProblemKind::NoProgress { .. } => Severity::Error,
        }
    }
}

/// A one-line description, suitable for an expert info.
impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::FileTooLarge(len) => write!(
                f,
                "File is {len} bytes; only the first {MAX_FILE} bytes are parsed"
            ),
            ProblemKind::TruncatedTlv => f.write_str("Truncated TLV: fewer than 3 bytes left"),
            ProblemKind::LengthPastEnd {
                declared,
                available,
            } => write!(
                f,
                "Length {declared} goes past the end ({available} bytes available)"
            ),
            ProblemKind::UnknownTag(tag) => write!(f, "Unknown tag {tag}"),
            ProblemKind::UnknownValue { tag, value } => {
                write!(f, "Tag {tag} has a value no public source names: {value}")
            }
            ProblemKind::BadValueLength { tag, len } => {
                write!(f, "Tag {tag} has an unexpected value length {len}")
            }
            ProblemKind::DuplicateTag(tag) => {
                write!(f, "Tag {tag} appears again; the first one is used")
            }
            ProblemKind::HeaderLengthMismatch { declared, actual } => write!(
                f,
                "Header length is {declared} but the header's TLVs end at {actual}"
            ),
            ProblemKind::NoVersion => f.write_str("File does not start with a version TLV"),
            ProblemKind::NoHeaderLength => f.write_str("Header has no header length TLV"),
            ProblemKind::RecordWithoutLength(tag) => {
                write!(f, "Record starts with tag {tag}, not a record length")
            }
            ProblemKind::RecordLengthMismatch { declared, actual } => write!(
                f,
                "Record length is {declared} but its TLVs cover {actual} bytes"
            ),
            ProblemKind::NoProgress { declared } => write!(
                f,
                "Record length {declared} is shorter than the record length TLV itself"
            ),
            ProblemKind::TooManyRecords => write!(
                f,
                "More than {MAX_RECORDS} records; the rest are not parsed"
            ),
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

/// The file header (also the signature header of `.sgn` files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// From the file start to where the header's TLVs ended.
    pub span: Span,
    /// Tag 1: major, minor.
    pub version: Option<Spanned<(u8, u8)>>,
    /// Tag 2, 2 bytes on the wire ([certutils] `'> H'`).
    pub header_len: Option<Spanned<u32>>,
    /// Tag 3, the signer ID container (its value: tags 4, 5, 6).
    pub signer_id: Option<Span>,
    /// Tag 4 (in tag 3).
    pub signer_name: Option<Spanned<String>>,
    /// Tag 5 (in tag 3): the signer certificate's serial number.
    pub serial: Option<Spanned<Vec<u8>>>,
    /// Tag 6 (in tag 3): the signer certificate's issuer.
    pub ca_name: Option<Spanned<String>>,
    /// Tag 28: major, minor ([certutils] HEADER_SIGNER_VERSION).
    pub signer_version: Option<Spanned<(u8, u8)>>,
    /// Tag 7 (the whole nested value).
    pub signature_info: Option<Span>,
    /// Tag 8, see [`digest_name`].
    pub digest_alg: Option<Spanned<u8>>,
    /// Tag 10 (0 is RSA).
    pub signature_alg: Option<Spanned<u8>>,
    /// Tag 11: key size in bits, from its one-byte index (see [`KEY_SIZES`]).
    pub modulus_bits: Option<Spanned<u16>>,
    /// Tag 12.
    pub signature: Option<Span>,
    /// Tag 13: the bare padding bytes (no TLV), up to the header length.
    pub padding: Option<Span>,
    /// Tag 14.
    pub filename: Option<Spanned<String>>,
    /// Tag 15: seconds since 1970.
    pub timestamp: Option<Spanned<u32>>,
    /// TLVs with tags this parser does not know: (tag, whole TLV).
    pub unknown: Vec<(u8, Span)>,
}

/// One certificate record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// The whole record as parsed.
    pub span: Span,
    /// Tag 1.
    pub length: Option<Spanned<u16>>,
    /// Tag 4, see [`function_name`]; 2 bytes on the wire (1 accepted).
    pub function: Option<Spanned<u16>>,
    /// Tag 2.
    pub dns_name: Option<Spanned<String>>,
    /// Tag 3.
    pub subject: Option<Spanned<String>>,
    /// Tag 5.
    pub issuer: Option<Spanned<String>>,
    /// Tag 6.
    pub serial: Option<Spanned<Vec<u8>>>,
    /// Tag 10, dotted from 4 bytes, or the text as sent.
    pub ip: Option<Spanned<String>>,
    /// Tag 9 (DER).
    pub certificate: Option<Span>,
    /// Tag 7 (DER).
    pub public_key: Option<Span>,
    /// Tag 8.
    pub signature: Option<Span>,
    /// Tag 11.
    pub cert_hash: Option<Span>,
    /// Tag 12, see [`digest_name`].
    pub hash_alg: Option<Spanned<u8>>,
    /// TLVs with tags this parser does not know: (tag, whole TLV).
    pub unknown: Vec<(u8, Span)>,
}

/// A parsed CTL or ITL file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustList {
    pub header: Header,
    pub records: Vec<Record>,
    pub problems: Vec<Problem>,
}

/// Problem list with the [`MAX_PROBLEMS`] cap.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn push(&mut self, kind: ProblemKind, span: Span) {
        if self.list.len() + 1 < MAX_PROBLEMS {
            self.list.push(Problem { kind, span });
        } else if self.list.len() + 1 == MAX_PROBLEMS {
            self.list.push(Problem {
                kind: ProblemKind::TooManyProblems,
                span,
            });
        }
    }
}

/// One TLV: `tag` at `start`, value at `value`.
#[derive(Debug, Clone, Copy)]
struct Tlv {
    tag: u8,
    start: usize,
    value: Span,
}

impl Tlv {
    fn whole(&self) -> Span {
        Span::between(self.start, self.value.end())
    }
}

/// A whole TLV: its head, then exactly `length` value bytes.
fn tlv_parts(input: &[u8]) -> nom::IResult<&[u8], (u8, &[u8])> {
    let (rest, (tag, len)) = crate::tlv::head(input)?;
    let (rest, value) = nom::bytes::complete::take(len)(rest)?;
    Ok((rest, (tag, value)))
}

/// Reads the TLV at `pos`, which must end by `end`. On failure reports the problem (its
/// span from `pos` to `end`) and returns `None`.
fn read_tlv(data: &[u8], pos: usize, end: usize, problems: &mut Problems) -> Option<Tlv> {
    let window = data.get(pos..end.min(data.len())).unwrap_or(&[]);
    let left = window.len();
    if let Ok((_, (tag, value))) = tlv_parts(window) {
        return Some(Tlv {
            tag,
            start: pos,
            value: Span::new(pos + TLV_HEAD, value.len()),
        });
    }
    let Ok((_, (_, len))) = crate::tlv::head(window) else {
        problems.push(ProblemKind::TruncatedTlv, Span::new(pos, left));
        return None;
    };
    problems.push(
        ProblemKind::LengthPastEnd {
            declared: usize::from(len),
            available: left - TLV_HEAD,
        },
        Span::new(pos, left),
    );
    None
}

/// Text value: UTF-8 (lossy) without trailing NULs.
fn text(data: &[u8], v: Span) -> Spanned<String> {
    let bytes = &data[v.range()];
    let trimmed = bytes
        .iter()
        .rposition(|&b| b != 0)
        .map_or(&[][..], |i| &bytes[..=i]);
    Spanned {
        value: String::from_utf8_lossy(trimmed).into_owned(),
        span: v,
    }
}

fn bytes(data: &[u8], v: Span) -> Spanned<Vec<u8>> {
    Spanned {
        value: data[v.range()].to_vec(),
        span: v,
    }
}

/// A big-endian number of one of the `widths` (in bytes).
fn number(data: &[u8], t: &Tlv, widths: &[usize], problems: &mut Problems) -> Option<Spanned<u32>> {
    if !widths.contains(&t.value.len) {
        problems.push(
            ProblemKind::BadValueLength {
                tag: t.tag,
                len: t.value.len,
            },
            t.whole(),
        );
        return None;
    }
    let value = data[t.value.range()]
        .iter()
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    Some(Spanned {
        value,
        span: t.value,
    })
}

fn narrow<T: TryFrom<u32>>(n: Option<Spanned<u32>>) -> Option<Spanned<T>> {
    let n = n?;
    Some(Spanned {
        value: T::try_from(n.value).ok()?,
        span: n.span,
    })
}

/// Stores `value` in `slot` unless it is already set (then reports a duplicate).
fn set<T>(slot: &mut Option<T>, value: Option<T>, t: &Tlv, problems: &mut Problems) {
    if let Some(v) = value {
        if slot.is_some() {
            problems.push(ProblemKind::DuplicateTag(t.tag), t.whole());
        } else {
            *slot = Some(v);
        }
    }
}

/// Major, minor: a 2-byte value (tags 1 and 28, [certutils] `'B B'`).
fn version_value(data: &[u8], t: &Tlv, problems: &mut Problems) -> Option<Spanned<(u8, u8)>> {
    let v = (t.value.len == 2).then(|| Spanned {
        value: (data[t.value.start], data[t.value.start + 1]),
        span: t.value,
    });
    if v.is_none() {
        problems.push(
            ProblemKind::BadValueLength {
                tag: t.tag,
                len: t.value.len,
            },
            t.whole(),
        );
    }
    v
}

/// Tag 11: the one-byte key-size index ([certutils] `'> B H B'`, `[64, 128, 256,
/// 512].index(..)`; Cisco 118893 shows its length as 1), as bits.
fn key_size(data: &[u8], t: &Tlv, problems: &mut Problems) -> Option<Spanned<u16>> {
    let index = narrow::<u8>(number(data, t, &[1], problems))?;
    match KEY_SIZES.iter().find(|(i, _)| *i == index.value) {
        Some(&(_, bits)) => Some(Spanned {
            value: bits,
            span: index.span,
        }),
        None => {
            problems.push(
                ProblemKind::UnknownValue {
                    tag: t.tag,
                    value: u32::from(index.value),
                },
                t.whole(),
            );
            None
        }
    }
}

/// Handles a header TLV other than the version and header length, at `depth` containers
/// deep. Tags 3 (signer ID: 4, 5, 6), 7 (signature info: 8, 9) and 9 (algorithm: 10, 11)
/// are containers ([certutils] HEADER_SIGNER_INFO, HEADER_SIGNATURE_INFO,
/// HEADER_SIGNATURE_ALGORITHM_INFO; Cisco 118893: signer ID length 149 holds them);
/// their members are also accepted directly in the header.
fn header_tag(data: &[u8], t: &Tlv, h: &mut Header, depth: usize, problems: &mut Problems) {
    match t.tag {
        3 | 7 | 9 if depth < MAX_NESTING => {
            match t.tag {
                3 => set(&mut h.signer_id, Some(t.value), t, problems),
                7 => set(&mut h.signature_info, Some(t.value), t, problems),
                _ => {}
            }
            let mut pos = t.value.start;
            while pos < t.value.end() {
                let Some(inner) = read_tlv(data, pos, t.value.end(), problems) else {
                    break;
                };
                pos = inner.value.end();
                header_tag(data, &inner, h, depth + 1, problems);
            }
        }
        4 => set(&mut h.signer_name, Some(text(data, t.value)), t, problems),
        5 => set(&mut h.serial, Some(bytes(data, t.value)), t, problems),
        6 => set(&mut h.ca_name, Some(text(data, t.value)), t, problems),
        8 => {
            let v = narrow(number(data, t, &[1], problems));
            set(&mut h.digest_alg, v, t, problems);
        }
        10 => {
            let v = narrow(number(data, t, &[1], problems));
            set(&mut h.signature_alg, v, t, problems);
        }
        11 => {
            let v = key_size(data, t, problems);
            set(&mut h.modulus_bits, v, t, problems);
        }
        12 => set(&mut h.signature, Some(t.value), t, problems),
        14 => set(&mut h.filename, Some(text(data, t.value)), t, problems),
        15 => {
            let v = number(data, t, &[4], problems);
            set(&mut h.timestamp, v, t, problems);
        }
        28 => {
            let v = version_value(data, t, problems);
            set(&mut h.signer_version, v, t, problems);
        }
        tag => {
            // Not named by any source, or nested deeper than the format does: a note.
            problems.push(ProblemKind::UnknownTag(tag), t.whole());
            h.unknown.push((tag, t.whole()));
        }
    }
}

/// Parses the header at the start of `data` (already cut to [`MAX_FILE`]). Returns it and
/// the offset where it ends (where records, or a signed file's content, begin), or `None`
/// when `data` does not start with a version TLV (then nothing is parsed).
pub(crate) fn parse_header(data: &[u8], problems: &mut Problems) -> (Header, Option<usize>) {
    let end = data.len();
    let mut h = Header::default();
    // Where the header length says the header ends, once known and usable.
    let mut declared_end: Option<usize> = None;
    if data.first().is_some_and(|&tag| tag != 1) {
        problems.push(ProblemKind::NoVersion, Span::new(0, end.min(TLV_HEAD)));
        return (h, None);
    }
    let mut pos = 0;
    let mut failed = false;
    while pos < end {
        if declared_end.is_some_and(|d| pos >= d) {
            break;
        }
        if pos > 0 && declared_end.is_none() && matches!(data[pos], 1 | b'<') {
            // No usable header length: a tag 1 after the start begins the first record, and
            // a `<` the XML content of a signed file.
            break;
        }
        if data[pos] == PADDING {
            // Bare padding bytes, no length ([certutils] "Pad to 4 byte boundary"): the
            // header ends at the header length whatever they look like; without one, at
            // the end of the run of 0x0D bytes.
            let pad_end = declared_end.unwrap_or_else(|| {
                data[pos..]
                    .iter()
                    .position(|&b| b != PADDING)
                    .map_or(end, |n| pos + n)
            });
            if h.padding.is_none() {
                h.padding = Some(Span::between(pos, pad_end));
            }
            pos = pad_end;
            continue;
        }
        let Some(t) = read_tlv(data, pos, end, problems) else {
            // Records (or a signed file's content) still start at the header length.
            pos = declared_end.unwrap_or(end);
            failed = true;
            break;
        };
        pos = t.value.end();
        match t.tag {
            1 => {
                let v = version_value(data, &t, problems);
                set(&mut h.version, v, &t, problems);
            }
            2 => {
                // 2 bytes ([certutils] `'> H'`; Cisco 118893 prints 336 and 304).
                let v = number(data, &t, &[2], problems);
                if let (Some(n), None) = (v, h.header_len) {
                    let n_usize = n.value as usize;
                    if n_usize < pos {
                        problems.push(
                            ProblemKind::HeaderLengthMismatch {
                                declared: n_usize,
                                actual: pos,
                            },
                            n.span,
                        );
                    } else if n_usize > end {
                        problems.push(
                            ProblemKind::LengthPastEnd {
                                declared: n_usize,
                                available: end,
                            },
                            n.span,
                        );
                        declared_end = Some(end);
                    } else {
                        declared_end = Some(n_usize);
                    }
                }
                set(&mut h.header_len, v, &t, problems);
            }
            _ => header_tag(data, &t, &mut h, 0, problems),
        }
    }
    if declared_end.is_some_and(|d| pos > d) && !failed {
        // The last TLV crossed the header length: padding after it (at most 3 bytes, to a
        // 4-byte boundary, [certutils]) still belongs to the header.
        let run = data[pos..]
            .iter()
            .take(3)
            .take_while(|&&b| b == PADDING)
            .count();
        if run > 0 && h.padding.is_none() {
            h.padding = Some(Span::new(pos, run));
        }
        pos += run;
    }
    match (h.header_len, declared_end) {
        (None, _) if pos > 0 => problems.push(ProblemKind::NoHeaderLength, Span::new(0, 0)),
        (Some(_), Some(d)) if d != pos && !failed => problems.push(
            ProblemKind::HeaderLengthMismatch {
                declared: d,
                actual: pos,
            },
            Span::between(d.min(pos), d.max(pos)),
        ),
        _ => {}
    }
    h.span = Span::new(0, pos);
    (h, Some(pos))
}

/// Parses the TLVs in `[body_start, end)` of the record starting at `start` into `r`.
fn record_body(
    data: &[u8],
    start: usize,
    body_start: usize,
    end: usize,
    r: &mut Record,
    problems: &mut Problems,
) {
    let mut pos = body_start;
    while pos < end {
        if let Some(declared) = r.length.map(|l| usize::from(l.value)) {
            // A TLV that fits in the input but not in the record: the record length is off.
            if end - pos >= TLV_HEAD {
                let len = usize::from(u16::from_be_bytes([data[pos + 1], data[pos + 2]]));
                let tlv_end = pos + TLV_HEAD + len;
                if tlv_end > end && tlv_end <= data.len() {
                    problems.push(
                        ProblemKind::RecordLengthMismatch {
                            declared,
                            actual: tlv_end - start,
                        },
                        Span::between(pos, end),
                    );
                    return;
                }
            }
        }
        let Some(t) = read_tlv(data, pos, end, problems) else {
            return;
        };
        pos = t.value.end();
        match t.tag {
            1 => {
                // A record length inside a record: keep the first.
                let v = narrow(number(data, &t, &[2], problems));
                set(&mut r.length, v, &t, problems);
            }
            2 => set(&mut r.dns_name, Some(text(data, t.value)), &t, problems),
            3 => set(&mut r.subject, Some(text(data, t.value)), &t, problems),
            4 => {
                let v = narrow(number(data, &t, &[2, 1], problems));
                set(&mut r.function, v, &t, problems);
            }
            5 => set(&mut r.issuer, Some(text(data, t.value)), &t, problems),
            6 => set(&mut r.serial, Some(bytes(data, t.value)), &t, problems),
            7 => set(&mut r.public_key, Some(t.value), &t, problems),
            8 => set(&mut r.signature, Some(t.value), &t, problems),
            9 => set(&mut r.certificate, Some(t.value), &t, problems),
            10 => {
                let v = ip_value(data, &t, problems);
                set(&mut r.ip, v, &t, problems);
            }
            11 => set(&mut r.cert_hash, Some(t.value), &t, problems),
            12 => {
                let v = narrow(number(data, &t, &[1], problems));
                set(&mut r.hash_alg, v, &t, problems);
            }
            tag => {
                problems.push(ProblemKind::UnknownTag(tag), t.whole());
                r.unknown.push((tag, t.whole()));
            }
        }
    }
}

/// An IP address value: 4 bytes, or printable text; `None` when empty.
fn ip_value(data: &[u8], t: &Tlv, problems: &mut Problems) -> Option<Spanned<String>> {
    let raw = &data[t.value.range()];
    if raw.len() == 4 {
        let value = format!("{}.{}.{}.{}", raw[0], raw[1], raw[2], raw[3]);
        return Some(Spanned {
            value,
            span: t.value,
        });
    }
    let s = text(data, t.value);
    if s.value.is_empty() {
        return None;
    }
    if s.value.bytes().all(|b| b.is_ascii_graphic()) {
        return Some(s);
    }
    problems.push(
        ProblemKind::BadValueLength {
            tag: t.tag,
            len: t.value.len,
        },
        t.whole(),
    );
    None
}

/// Where a record without a usable length ends: before the next TLV with tag 1 after
/// `start`, or at `end`. Moves at least one TLV (or to `end`), so parsing progresses.
fn scan_record_end(data: &[u8], start: usize, end: usize) -> usize {
    let mut pos = start;
    loop {
        if end - pos < TLV_HEAD {
            return end;
        }
        let len = usize::from(u16::from_be_bytes([data[pos + 1], data[pos + 2]]));
        let next = pos + TLV_HEAD + len;
        if next >= end {
            return end;
        }
        pos = next;
        if data[pos] == 1 {
            return pos;
        }
    }
}

/// Parses a CTL or ITL file.
pub fn parse_trust_list(data: &[u8]) -> TrustList {
    let mut problems = Problems::default();
    let data = if data.len() > MAX_FILE {
        problems.push(
            ProblemKind::FileTooLarge(data.len()),
            Span::between(MAX_FILE, MAX_FILE),
        );
        &data[..MAX_FILE]
    } else {
        data
    };
    let end = data.len();
    let (header, header_end) = parse_header(data, &mut problems);
    // Not a trust list: nothing past the first byte is guessed at.
    let mut pos = header_end.unwrap_or(end);
    let mut records = Vec::new();
    while pos < end {
        if records.len() == MAX_RECORDS {
            problems.push(ProblemKind::TooManyRecords, Span::between(pos, end));
            break;
        }
        let start = pos;
        let mut r = Record::default();
        let Some(first) = read_tlv(data, pos, end, &mut problems) else {
            break;
        };
        // Where this record ends according to its length, if that can be used.
        let rec_end = if first.tag != 1 {
            problems.push(ProblemKind::RecordWithoutLength(first.tag), first.whole());
            scan_record_end(data, start, end)
        } else if let Some(len) = narrow::<u16>(number(data, &first, &[2], &mut problems)) {
            r.length = Some(len);
            let declared = usize::from(len.value);
            if declared < first.whole().len {
                problems.push(ProblemKind::NoProgress { declared }, first.whole());
                scan_record_end(data, start, end)
            } else if declared > end - start {
                problems.push(
                    ProblemKind::LengthPastEnd {
                        declared,
                        available: end - start,
                    },
                    len.span,
                );
                end
            } else {
                start + declared
            }
        } else {
            scan_record_end(data, start, end)
        };
        let body_start = if first.tag == 1 {
            first.value.end()
        } else {
            start
        };
        record_body(data, start, body_start, rec_end, &mut r, &mut problems);
        r.span = Span::between(start, rec_end);
        records.push(r);
        pos = rec_end;
    }
    TrustList {
        header,
        records,
        problems: problems.list,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        out.extend_from_slice(&(value.len() as u16).to_be_bytes());
        out.extend_from_slice(value);
        out
    }

    pub(crate) const SIGNER: &str =
        "CN=ITLRECOVERY_cucm-vc.lab.local;OU=Collaboration ClusterOne;O=EMCC Lab;L=RTP;ST=NC;C=US";

    /// A header laid out as certutils' `tlvfile` writes one (and the capture generator's
    /// `trustlist::header`): version, 2-byte header length, signer ID container (4, 5, 6),
    /// signature info container (8, 9 (10, 11 one-byte key-size index)), signature, file
    /// name, timestamp, then bare 0x0D padding to a 4-byte boundary.
    pub(crate) fn header_version(
        version: (u8, u8),
        signer: &str,
        file_name: &str,
        timestamp: u32,
    ) -> Vec<u8> {
        let algorithm_info = [tlv(10, &[0]), tlv(11, &[2])].concat();
        let signature_info = [tlv(8, &[2]), tlv(9, &algorithm_info)].concat();
        let signer_id = [
            tlv(4, signer.as_bytes()),
            tlv(5, &[0x12, 0x34, 0x56, 0x78, 0x9a]),
            tlv(6, signer.as_bytes()),
        ]
        .concat();
        let mut out = [
            tlv(1, &[version.0, version.1]),
            tlv(2, &[0, 0]),
            tlv(3, &signer_id),
            tlv(7, &signature_info),
            tlv(12, &[0xa5; 256]),
            tlv(14, file_name.as_bytes()),
            tlv(15, &timestamp.to_be_bytes()),
        ]
        .concat();
        while out.len() % 4 != 0 {
            out.push(PADDING);
        }
        let len = (out.len() as u16).to_be_bytes();
        out[8..10].copy_from_slice(&len);
        out
    }

    /// A trust-list header (version 1.2).
    pub(crate) fn header(signer: &str, file_name: &str, timestamp: u32) -> Vec<u8> {
        header_version((1, 2), signer, file_name, timestamp)
    }

    /// A record exactly as the generator's `trustlist::record` lays it out.
    fn record(dns: &str, subject: &str, function: u16, ip: [u8; 4]) -> Vec<u8> {
        let body = [
            tlv(2, dns.as_bytes()),
            tlv(3, subject.as_bytes()),
            tlv(4, &function.to_be_bytes()),
            tlv(5, subject.as_bytes()),
            tlv(6, &[1, 2, 3, 4, 5, 6, 7, 8]),
            tlv(7, &[0x30; 270]),
            tlv(9, &[0x30; 900]),
            tlv(10, &ip),
        ]
        .concat();
        let total = (body.len() + 5) as u16;
        [tlv(1, &total.to_be_bytes()), body].concat()
    }

    /// An ITL like the generator's `cluster_files::itl` for the visiting cluster.
    fn itl() -> Vec<u8> {
        let ip = [192, 168, 7, 100];
        let dns = "cucm-vc.lab.local";
        let cm = "CN=cucm-vc.lab.local;OU=Collaboration ClusterOne;O=EMCC Lab;L=RTP;ST=NC;C=US";
        [
            header(SIGNER, "ITLFile.tlv", 1_550_846_224),
            record(dns, SIGNER, 0, ip),
            record(dns, cm, 2, ip),
            record(dns, cm, 21, ip),
            record(dns, "CN=CAPF-0a1b2c3d", 4, ip),
        ]
        .concat()
    }

    fn kinds(t: &TrustList) -> Vec<ProblemKind> {
        t.problems.iter().map(|p| p.kind.clone()).collect()
    }

    fn assert_in_bounds(t: &TrustList, n: usize) {
        let h = &t.header;
        let mut spans = vec![h.span];
        spans.extend(h.version.map(|v| v.span));
        spans.extend(h.header_len.map(|v| v.span));
        spans.extend(h.signer_name.as_ref().map(|v| v.span));
        spans.extend(h.signature);
        spans.extend(h.digest_alg.map(|v| v.span));
        spans.extend(h.timestamp.map(|v| v.span));
        spans.extend(h.unknown.iter().map(|u| u.1));
        for r in &t.records {
            spans.push(r.span);
            spans.extend(r.function.map(|v| v.span));
            spans.extend(r.subject.as_ref().map(|v| v.span));
            spans.extend(r.ip.as_ref().map(|v| v.span));
            spans.extend(r.certificate);
            spans.extend(r.unknown.iter().map(|u| u.1));
        }
        spans.extend(t.problems.iter().map(|p| p.span));
        for s in spans {
            assert!(s.end() <= n, "span {s:?} past {n}");
        }
        assert!(t.records.len() <= MAX_RECORDS);
        assert!(t.problems.len() <= MAX_PROBLEMS);
    }

    #[test]
    fn generator_itl() {
        let data = itl();
        let t = parse_trust_list(&data);
        assert_eq!(t.problems, vec![]);
        let h = &t.header;
        assert_eq!(h.version.unwrap().value, (1, 2));
        assert_eq!(h.version.unwrap().span, Span::new(3, 2));
        assert_eq!(h.header_len.unwrap().value as usize, h.span.len);
        assert_eq!(h.header_len.unwrap().span, Span::new(8, 2));
        assert_eq!(h.header_len.unwrap().value % 4, 0);
        assert!(h.signer_id.is_some());
        assert!(h
            .padding
            .is_some_and(|p| data[p.range()].iter().all(|&b| b == PADDING)));
        assert_eq!(h.signer_name.as_ref().unwrap().value, SIGNER);
        assert_eq!(h.ca_name.as_ref().unwrap().value, SIGNER);
        assert_eq!(
            h.serial.as_ref().unwrap().value,
            vec![0x12, 0x34, 0x56, 0x78, 0x9a]
        );
        assert_eq!(h.digest_alg.unwrap().value, 2);
        assert_eq!(digest_name(h.digest_alg.unwrap().value), Some("SHA-256"));
        assert_eq!(h.signature_alg.unwrap().value, 0);
        assert_eq!(h.modulus_bits.unwrap().value, 2048);
        assert_eq!(h.signature.unwrap().len, 256);
        assert_eq!(h.filename.as_ref().unwrap().value, "ITLFile.tlv");
        assert_eq!(h.timestamp.unwrap().value, 1_550_846_224);
        assert!(h.unknown.is_empty());
        assert_eq!(t.records.len(), 4);
        let functions: Vec<_> = t
            .records
            .iter()
            .map(|r| function_name(r.function.unwrap().value).unwrap())
            .collect();
        assert_eq!(functions, ["SAST", "CCM+TFTP", "TVS", "CAPF"]);
        for r in &t.records {
            assert_eq!(r.dns_name.as_ref().unwrap().value, "cucm-vc.lab.local");
            assert_eq!(r.ip.as_ref().unwrap().value, "192.168.7.100");
            assert_eq!(r.certificate.unwrap().len, 900);
            assert_eq!(r.public_key.unwrap().len, 270);
            assert_eq!(r.serial.as_ref().unwrap().value.len(), 8);
            assert_eq!(r.length.unwrap().value as usize, r.span.len);
        }
        assert_eq!(t.records[3].span.end(), data.len());
        assert_eq!(t.records[0].span.start, h.span.end());
        let tvs = &t.records[2];
        assert_eq!(&data[tvs.function.unwrap().span.range()], &[0, 21]);
    }

    #[test]
    fn every_prefix_is_safe() {
        let data = itl();
        let whole = parse_trust_list(&data);
        let mut boundaries = vec![0, whole.header.span.end()];
        boundaries.extend(whole.records.iter().map(|r| r.span.end()));
        for n in 0..data.len() {
            let t = parse_trust_list(&data[..n]);
            assert_in_bounds(&t, n);
            if !boundaries.contains(&n) {
                assert!(!t.problems.is_empty(), "prefix {n} without problems");
            }
        }
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        let data = itl();
        for i in (0..data.len()).step_by(7) {
            for v in [0x00, 0x01, 0xff] {
                let mut d = data.clone();
                d[i] = v;
                assert_in_bounds(&parse_trust_list(&d), d.len());
            }
        }
    }

    #[test]
    fn length_past_end() {
        let mut data = header(SIGNER, "CTLFile.tlv", 1);
        data.extend(tlv(1, &100u16.to_be_bytes()));
        data.extend([2, 0xff, 0xff, b'a']);
        let t = parse_trust_list(&data);
        assert_eq!(t.records.len(), 1);
        let k = kinds(&t);
        assert!(k.contains(&ProblemKind::LengthPastEnd {
            declared: 100,
            available: 9
        }));
        assert!(k.contains(&ProblemKind::LengthPastEnd {
            declared: 0xffff,
            available: 1
        }));
        assert_in_bounds(&t, data.len());
    }

    /// A CTL header with the sizes Cisco document 118893 ("show ctl" output of real CTL
    /// files) prints: header length `header_len`, signer ID length `signer_id_len`
    /// holding the nested 4/5/6, modulus size of length 1. The sizes the document does not
    /// give (name lengths, a 1024-bit signature, the file name) are chosen to fit, and the
    /// padding is bare 0x0D bytes as certutils' `tlvfile` writes it.
    fn ctl_118893(header_len: usize, signer_id_len: usize) -> Vec<u8> {
        let serial = [0x5a; 16];
        // Signer name and CA name share what is left of the container after 3 TLV heads.
        let names = signer_id_len - 9 - serial.len();
        let signer = "X".repeat(names / 2);
        let ca = "Y".repeat(names - names / 2);
        let signer_id = [
            tlv(4, signer.as_bytes()),
            tlv(5, &serial),
            tlv(6, ca.as_bytes()),
        ]
        .concat();
        assert_eq!(signer_id.len(), signer_id_len);
        let algorithm_info = [tlv(10, &[0]), tlv(11, &[1])].concat();
        let signature_info = [tlv(8, &[1]), tlv(9, &algorithm_info)].concat();
        let mut out = [
            tlv(1, &[1, 2]),
            tlv(2, &(header_len as u16).to_be_bytes()),
            tlv(3, &signer_id),
            tlv(7, &signature_info),
            tlv(12, &[0xa5; 128]),
            tlv(15, &1_388_000_000u32.to_be_bytes()),
        ]
        .concat();
        // The file name takes the rest, less up to 3 bytes of padding.
        let name_len = header_len - out.len() - TLV_HEAD - (header_len - out.len()) % 4 % 3;
        let name_len = name_len.min(header_len - out.len() - TLV_HEAD);
        out.extend(tlv(14, &vec![b'c'; name_len]));
        while out.len() < header_len {
            out.push(PADDING);
        }
        assert_eq!(out.len(), header_len);
        out
    }

    /// Cisco document 118893: header lengths 336 and 304, signer ID length 149, modulus
    /// size of length 1; the whole header decodes without a warning and the first record
    /// starts at the header length.
    #[test]
    fn show_ctl_118893_sizes() {
        for (header_len, signer_id_len) in [(336, 149), (304, 117)] {
            let mut data = ctl_118893(header_len, signer_id_len);
            data.extend(record("cucm.example", "CN=cucm", 2, [10, 0, 0, 1]));
            let t = parse_trust_list(&data);
            assert_eq!(t.problems, vec![], "header length {header_len}");
            let h = &t.header;
            assert_eq!(h.header_len.unwrap().value as usize, header_len);
            assert_eq!(h.span.len, header_len);
            assert_eq!(h.signer_id.unwrap().len, signer_id_len);
            assert!(h.signer_name.as_ref().unwrap().value.starts_with('X'));
            assert_eq!(h.serial.as_ref().unwrap().value, vec![0x5a; 16]);
            assert!(h.ca_name.as_ref().unwrap().value.starts_with('Y'));
            assert_eq!(h.modulus_bits.unwrap().value, 1024);
            assert_eq!(h.modulus_bits.unwrap().span.len, 1);
            assert_eq!(t.records.len(), 1);
            assert_eq!(t.records[0].span.start, header_len);
        }
    }

    /// certutils' `tlvfile` writes tag 28 (signer version) and pads with bare 0x0D; both
    /// decode without a problem, and padding that is not 0x0D still ends at the header
    /// length.
    #[test]
    fn signer_version_and_odd_padding() {
        let mut data = header(SIGNER, "CTLFile.tlv", 1);
        let version = tlv(28, &[1, 0]);
        data.splice(10..10, version.iter().copied());
        // Re-pad: the header grew by 5 bytes.
        while data.last() == Some(&PADDING) {
            data.pop();
        }
        data.push(PADDING);
        while data.len() % 4 != 0 {
            data.push(0xEE);
        }
        let len = (data.len() as u16).to_be_bytes();
        data[8..10].copy_from_slice(&len);
        let n = data.len();
        data.extend(record("a", "b", 0, [1, 2, 3, 4]));
        let t = parse_trust_list(&data);
        assert_eq!(t.header.signer_version.unwrap().value, (1, 0));
        assert_eq!(t.header.span.len, n);
        assert_eq!(t.records.len(), 1);
        assert!(t
            .problems
            .iter()
            .all(|p| p.kind.severity() == Severity::Note));
    }

    #[test]
    fn key_size_index() {
        for (index, bits) in [(0u8, 512u16), (1, 1024), (2, 2048), (3, 4096)] {
            let mut data = tlv(1, &[1, 0]);
            data.extend(tlv(2, &14u16.to_be_bytes()));
            data.extend(tlv(11, &[index]));
            let t = parse_trust_list(&data);
            assert_eq!(t.problems, vec![]);
            assert_eq!(t.header.modulus_bits.unwrap().value, bits);
        }
        let mut data = tlv(1, &[1, 0]);
        data.extend(tlv(2, &14u16.to_be_bytes()));
        data.extend(tlv(11, &[9]));
        let t = parse_trust_list(&data);
        assert_eq!(
            kinds(&t),
            vec![ProblemKind::UnknownValue { tag: 11, value: 9 }]
        );
        assert_eq!(t.problems[0].kind.severity(), Severity::Note);
    }

    #[test]
    fn header_length_past_end() {
        let mut data = tlv(1, &[1, 2]);
        data.extend(tlv(2, &5000u16.to_be_bytes()));
        data.extend(tlv(14, b"x"));
        let t = parse_trust_list(&data);
        assert_eq!(t.header.filename.as_ref().unwrap().value, "x");
        assert!(t.records.is_empty());
        assert_eq!(
            kinds(&t),
            vec![ProblemKind::LengthPastEnd {
                declared: 5000,
                available: data.len()
            }]
        );
    }

    #[test]
    fn header_length_mismatch() {
        let mut data = header(SIGNER, "ITLFile.tlv", 1);
        // Header length 8 bytes short: the timestamp TLV crosses it.
        let real = u16::from_be_bytes([data[8], data[9]]);
        let pad = data.iter().rev().take_while(|&&b| b == PADDING).count() as u16;
        data[8..10].copy_from_slice(&(real - pad - 2).to_be_bytes());
        data.extend(record("a", "b", 1, [1, 2, 3, 4]));
        let t = parse_trust_list(&data);
        assert_eq!(t.records.len(), 1);
        assert!(matches!(
            t.problems[0].kind,
            ProblemKind::HeaderLengthMismatch { .. }
        ));
        assert_eq!(t.records[0].function.unwrap().value, 1);
    }

    #[test]
    fn zero_length_record() {
        let mut data = header(SIGNER, "ITLFile.tlv", 1);
        data.extend(tlv(1, &0u16.to_be_bytes()));
        data.extend(tlv(2, b"x"));
        data.extend(tlv(1, &0u16.to_be_bytes()));
        data.extend(record("y", "s", 3, [1, 1, 1, 1]));
        let t = parse_trust_list(&data);
        assert_eq!(t.records.len(), 3);
        assert_eq!(t.records[0].dns_name.as_ref().unwrap().value, "x");
        assert_eq!(t.records[2].dns_name.as_ref().unwrap().value, "y");
        assert_eq!(
            kinds(&t),
            vec![
                ProblemKind::NoProgress { declared: 0 },
                ProblemKind::NoProgress { declared: 0 }
            ]
        );
        assert_in_bounds(&t, data.len());
    }

    #[test]
    fn record_without_length_and_without_header_length() {
        let mut data = tlv(1, &[1, 1]);
        data.extend(tlv(14, b"CTLFile.tlv"));
        data.extend(record("a", "b", 7, [10, 0, 0, 1]));
        data.extend(tlv(2, b"orphan"));
        let t = parse_trust_list(&data);
        assert_eq!(t.header.filename.as_ref().unwrap().value, "CTLFile.tlv");
        assert_eq!(t.records.len(), 2);
        assert_eq!(
            function_name(t.records[0].function.unwrap().value),
            Some("application server")
        );
        assert_eq!(
            kinds(&t),
            vec![
                ProblemKind::NoHeaderLength,
                ProblemKind::RecordWithoutLength(2)
            ]
        );
    }

    #[test]
    fn unknown_tags_are_kept() {
        let mut data = header(SIGNER, "ITLFile.tlv", 1);
        let body = [tlv(2, b"n"), tlv(99, b"zz"), tlv(4, &[1])].concat();
        data.extend(tlv(1, &((body.len() + 5) as u16).to_be_bytes()));
        data.extend(body);
        let t = parse_trust_list(&data);
        let r = &t.records[0];
        assert_eq!(r.function.unwrap().value, 1);
        assert_eq!(r.unknown.len(), 1);
        assert_eq!(r.unknown[0].0, 99);
        assert_eq!(&data[r.unknown[0].1.range()], &[99, 0, 2, b'z', b'z']);
        assert_eq!(kinds(&t), vec![ProblemKind::UnknownTag(99)]);
        assert_eq!(t.problems[0].kind.severity(), Severity::Note);
        assert_eq!(t.problems[0].kind.to_string(), "Unknown tag 99");
    }

    #[test]
    fn flat_signature_info_and_text_ip() {
        let mut data = tlv(1, &[1, 2]);
        let rest = [
            tlv(8, &[1]),
            tlv(10, &[0]),
            tlv(11, &[1]),
            tlv(14, b"CTLFile.tlv\0"),
        ]
        .concat();
        data.extend(tlv(
            2,
            &((data.len() + 5 + rest.len()) as u16).to_be_bytes(),
        ));
        data.extend(rest);
        let body = [tlv(4, &[0, 1]), tlv(10, b"10.1.1.1\0")].concat();
        data.extend(tlv(1, &((body.len() + 5) as u16).to_be_bytes()));
        data.extend(body);
        let t = parse_trust_list(&data);
        assert_eq!(t.problems, vec![]);
        assert_eq!(t.header.digest_alg.unwrap().value, 1);
        assert_eq!(t.header.modulus_bits.unwrap().value, 1024);
        assert_eq!(t.header.filename.unwrap().value, "CTLFile.tlv");
        assert_eq!(t.records[0].ip.as_ref().unwrap().value, "10.1.1.1");
    }

    #[test]
    fn ten_thousand_records() {
        let mut data = header(SIGNER, "ITLFile.tlv", 1);
        let one = [tlv(1, &9u16.to_be_bytes()), tlv(4, &[0])].concat();
        for _ in 0..10_000 {
            data.extend(&one);
        }
        let t = parse_trust_list(&data);
        assert_eq!(t.records.len(), MAX_RECORDS);
        assert_eq!(kinds(&t), vec![ProblemKind::TooManyRecords]);
        assert_eq!(t.problems[0].span.end(), data.len());
    }

    #[test]
    fn problems_are_capped() {
        let mut data = header(SIGNER, "ITLFile.tlv", 1);
        let body: Vec<u8> = (0..100).flat_map(|_| tlv(200, b"")).collect();
        data.extend(tlv(1, &((body.len() + 5) as u16).to_be_bytes()));
        data.extend(body);
        let t = parse_trust_list(&data);
        assert_eq!(t.problems.len(), MAX_PROBLEMS);
        assert_eq!(
            t.problems.last().unwrap().kind,
            ProblemKind::TooManyProblems
        );
        assert_eq!(t.records[0].unknown.len(), 100);
    }

    #[test]
    fn too_large_and_garbage() {
        let big = vec![0u8; MAX_FILE + 10];
        let t = parse_trust_list(&big);
        assert_eq!(t.problems[0].kind, ProblemKind::FileTooLarge(MAX_FILE + 10));
        assert_in_bounds(&t, MAX_FILE);
        for junk in [
            &b""[..],
            b"\x01",
            b"\x01\x00",
            b"<?xml version",
            &[0xff; 64],
        ] {
            let t = parse_trust_list(junk);
            assert_in_bounds(&t, junk.len());
        }
        assert!(parse_trust_list(b"").problems.is_empty());
        assert_eq!(
            parse_trust_list(b"<?xml").problems[0].kind,
            ProblemKind::NoVersion
        );
    }

    #[test]
    fn names() {
        assert_eq!(function_name(0), Some("SAST"));
        assert_eq!(function_name(1), Some("CCM"));
        assert_eq!(function_name(3), Some("TFTP"));
        assert_eq!(function_name(5), None);
        assert_eq!(digest_name(3), Some("SHA-512"));
        assert_eq!(digest_name(0), None);
    }
}
