//! SIP messages read from the raw bytes Wireshark's `sip_follow` tap hands out,
//! instead of from the protocol tree.
//!
//! The plugin used to read `sip.Method`, `sip.Status-Code`, `sip.Status-Line`,
//! `sip.CSeq.method`, `sip.Event`, `sip.Expires`, `sip.Contact` and `sip.Reason`
//! from the tree, which makes Wireshark build a tree for every frame. The
//! `sip_follow` tap instead gives us the buffer (tvb) the SIP dissector worked on:
//! over UDP the datagram payload (one message), over TCP/TLS the stream data,
//! which may hold several messages back to back, each ending after its
//! Content-Length body bytes. This module finds the messages in that buffer and
//! the few header lines we need, and must give exactly the values and byte ranges
//! Wireshark 4.0's SIP dissector gives those fields: golden tests compare our
//! output with what the tree-based version printed.
//!
//! So it follows Wireshark 4.0's choices where they differ from RFC 3261 (each
//! noted next to the code, as "Wireshark 4.0 packet-sip.c, function X"), e.g.
//! a header value runs to the end of its last folded line with the folding
//! kept, whitespace before a header's colon makes the header unknown, a message
//! without Content-Length takes the rest of the buffer as its body.
//!
//! Wireshark 4.0 (packet-sip.c, dissect_sip_common) queues the follow tap once
//! per request or response it dissects, each time with the same whole buffer:
//! a TCP buffer holding three messages reaches the tap three times, the k-th
//! call being about the k-th message [`messages`] returns.
//!
//! All ranges are byte offsets into the buffer given to [`messages`]. Work is
//! linear in the buffer: every scan stops at a line end or moves on for good.
#![forbid(unsafe_code)]

use std::ops::Range;

/// One SIP request or response found in a follow-tap buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipMessage {
    /// The whole message: start line, headers, blank line, body (as far as the
    /// buffer holds it): where Wireshark looks for the next message. Its `sip`
    /// protocol item covers the same bytes, except after a CSeq without method,
    /// where the message ends before the CSeq line but the item runs to the end
    /// of the buffer.
    pub range: Range<usize>,
    pub start: StartLine,
    /// The body: Content-Length bytes after the blank line, or the rest of the
    /// buffer without a usable Content-Length; shorter when the buffer ends first.
    pub body: Range<usize>,
    /// The buffer ended before the blank line after the headers or before
    /// Content-Length body bytes. Over TCP with reassembly on, Wireshark asks for
    /// more data instead of dissecting (and tapping) such a message.
    pub truncated: bool,
    headers: Vec<Header>,
    cseq_method: Option<Range<usize>>,
}

/// The first line of a message: what makes it a request or a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `Method SP Request-URI SP SIP-Version` (RFC 3261 section 7.1).
    Request {
        /// `sip.Method`: the bytes before the first space.
        method: Range<usize>,
        /// The bytes between the first and the second space.
        uri: Range<usize>,
        /// `sip.Request-Line`: the line without its line end.
        line: Range<usize>,
    },
    /// `SIP-Version SP Status-Code SP Reason-Phrase` (RFC 3261 section 7.2).
    Response {
        /// `sip.Status-Code`.
        code: u16,
        /// Where `sip.Status-Code` points: the three digits.
        code_range: Range<usize>,
        /// `sip.Status-Line`: the line without its line end.
        status_line: Range<usize>,
    },
}

/// One header field, continuation lines included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The bytes before the colon, as they are (not trimmed).
    pub name: Range<usize>,
    /// From the first byte after the colon that is not SP, HTAB, CR or LF to the
    /// end of the header's last line, line end excluded: the text of the
    /// header's string field (`sip.Contact`, `sip.Event`, ...).
    pub value: Range<usize>,
    /// The header's lines with their line ends: where its field item points.
    pub whole: Range<usize>,
}

/// Compact forms Wireshark 4.0 knows (its header table in packet-sip.c): RFC 3261
/// section 20 (c e f i k l m s t v), RFC 3265 (o Event, u Allow-Events), RFC 3515
/// (r), RFC 3892 (b), RFC 3841 (a j d), RFC 4028 (x), RFC 4474 (y n).
const COMPACT: [(&str, u8); 20] = [
    ("Accept-Contact", b'a'),
    ("Allow-Events", b'u'),
    ("Call-ID", b'i'),
    ("Contact", b'm'),
    ("Content-Encoding", b'e'),
    ("Content-Length", b'l'),
    ("Content-Type", b'c'),
    ("Event", b'o'),
    ("From", b'f'),
    ("Identity", b'y'),
    ("Identity-Info", b'n'),
    ("Refer-To", b'r'),
    ("Referred-By", b'b'),
    ("Reject-Contact", b'j'),
    ("Request-Disposition", b'd'),
    ("Session-Expires", b'x'),
    ("Subject", b's'),
    ("Supported", b'k'),
    ("To", b't'),
    ("Via", b'v'),
];

/// Wireshark 4.0 caps the CSeq method (the rest of the CSeq value from the
/// method's first letter) at 16 bytes; a longer one ends the message there.
const MAX_CSEQ_METHOD: usize = 16;

/// Below this many bytes left, Wireshark's TCP path wants a line end before it
/// looks at a message (Wireshark 4.0 packet-sip.c, function dissect_sip_tcp).
const TCP_LINE_END_WANTED_BELOW: usize = 1500;

impl SipMessage {
    /// Every occurrence of a header in message order, by its full name
    /// (ASCII case-insensitive); a one-letter header name matches when it is the
    /// compact form Wireshark 4.0 knows for `name` (RFC 3261 section 7.3.3).
    ///
    /// Like Wireshark (packet-sip.c, function sip_is_known_sip_header), the name is
    /// the bytes before the colon untrimmed: `Contact :` is no Contact (RFC 3261
    /// HCOLON would allow the space). Wireshark only makes fields for names in its
    /// table; asking for another name still matches it case-insensitively.
    pub fn headers<'m>(
        &'m self,
        bytes: &'m [u8],
        name: &'m str,
    ) -> impl Iterator<Item = &'m Header> + 'm {
        let compact = COMPACT
            .iter()
            .find(|(full, _)| full.eq_ignore_ascii_case(name))
            .map(|&(_, c)| c);
        self.headers
            .iter()
            .filter(move |h| name_matches(&bytes[h.name.clone()], name, compact))
    }

    /// Every header line with a colon, in order, up to where Wireshark stopped.
    pub fn all_headers(&self) -> &[Header] {
        &self.headers
    }

    /// `sip.CSeq.method` of the first CSeq header: from the first letter after the
    /// sequence number to the end of the header (trailing whitespace and any
    /// folding included), as Wireshark 4.0 (packet-sip.c, dissect_sip_common).
    pub fn cseq_method(&self) -> Option<Range<usize>> {
        self.cseq_method.clone()
    }
}

/// Whether a header name (bytes before the colon) is `name` or its compact form.
fn name_matches(header: &[u8], name: &str, compact: Option<u8>) -> bool {
    if header.len() == 1 {
        // Wireshark 4.0 tries one-byte names only against the compact forms.
        return compact.is_some_and(|c| header[0].eq_ignore_ascii_case(&c));
    }
    // Wireshark looks the name up as a C string: a NUL ends it. `name` has
    // none, so a header matches when it is `name` exactly, or `name` then a
    // NUL (a NUL earlier makes it shorter than `name`, and `name` holds no
    // NUL to match one): no scan for a NUL first, on every header of every
    // message.
    let name = name.as_bytes();
    match header.len().cmp(&name.len()) {
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => header.eq_ignore_ascii_case(name),
        std::cmp::Ordering::Greater => {
            header[name.len()] == 0 && header[..name.len()].eq_ignore_ascii_case(name)
        }
    }
}

/// The text of a string field over `range` the way Wireshark 4.0 gets it
/// (tvb_get_string_enc with ENC_UTF_8): each ill-formed UTF-8 sequence becomes
/// U+FFFD (maximal subparts, as `String::from_utf8_lossy`), and the field's string,
/// being a C string, ends at the first NUL. Nothing else changes: a folded value
/// keeps its CR LF and leading whitespace, trailing whitespace stays.
pub fn text(bytes: &[u8], range: Range<usize>) -> String {
    let raw = until_nul(&bytes[range]);
    // Validating first takes the word-at-a-time path for the ASCII text of
    // nearly every header; only invalid text goes through the lossy walk.
    match std::str::from_utf8(raw) {
        Ok(valid) => valid.to_owned(),
        Err(_) => String::from_utf8_lossy(raw).into_owned(),
    }
}

/// The text of `sip.Method`, which Wireshark 4.0 reads as ASCII (ENC_ASCII): each
/// byte above 0x7F becomes U+FFFD. The first line holds no NUL.
pub fn ascii_text(bytes: &[u8], range: Range<usize>) -> String {
    let raw = &bytes[range];
    if raw.is_ascii() {
        return String::from_utf8(raw.to_vec()).unwrap_or_default();
    }
    raw.iter()
        .map(|&b| if b < 0x80 { b as char } else { '\u{FFFD}' })
        .collect()
}

/// The number of a header Wireshark 4.0 shows as FT_UINT32 (`sip.Expires`;
/// packet-sip.c, function sip_proto_tree_add_uint): C `strtoul` of the value text
/// cast to 32 bits, as on 64-bit Linux (unsigned long of 64 bits): leading
/// whitespace and a sign are accepted, the number ends at the first non-digit
/// (so `3600;x` is 3600, `abc` is 0), `-1` is 0xFFFFFFFF, an overflow 0xFFFFFFFF.
pub fn uint(bytes: &[u8], range: Range<usize>) -> u32 {
    let parsed = strtoull(until_nul(&bytes[range]));
    if parsed.overflow {
        return u32::MAX;
    }
    parsed.value as u32
}

fn until_nul(bytes: &[u8]) -> &[u8] {
    bytes
        .iter()
        .position(|&b| b == 0)
        .map_or(bytes, |nul| &bytes[..nul])
}

/// What C's `strtoull` (and GLib's g_ascii_strtoull) make of a string.
struct Parsed {
    /// Negated modulo 2^64 after a `-`; u64::MAX on overflow.
    value: u64,
    /// Bytes used, 0 when no digit was found.
    used: usize,
    overflow: bool,
}

fn strtoull(s: &[u8]) -> Parsed {
    let mut i = 0;
    // C isspace in the C locale.
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let negative = i < s.len() && s[i] == b'-';
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        i += 1;
    }
    let digits_start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while i < s.len() && s[i].is_ascii_digit() {
        match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(s[i] - b'0')))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        return Parsed {
            value: 0,
            used: 0,
            overflow: false,
        };
    }
    let value = if overflow {
        u64::MAX
    } else if negative {
        value.wrapping_neg()
    } else {
        value
    };
    Parsed {
        value,
        used: i,
        overflow,
    }
}

/// Content-Length as Wireshark 4.0 keeps it (packet-sip.c, dissect_sip_common, with
/// wsutil ws_strtou32): the whole value must be a number, else 0; a leading sign
/// gives 0; too large (or negative after whitespace) gives 0xFFFFFFFF, which in
/// the dissector's `int` is -1, "no Content-Length". Returned as that `int`.
fn content_length(value: &[u8]) -> i32 {
    let s = until_nul(value);
    if matches!(s.first(), Some(b'-' | b'+')) {
        return 0;
    }
    let parsed = strtoull(s);
    if parsed.used == 0 || parsed.used != s.len() {
        return 0;
    }
    if parsed.overflow || parsed.value > u64::from(u32::MAX) {
        return -1;
    }
    parsed.value as u32 as i32
}

/// A line: its end (CR, LF or CR LF; RFC 3261 section 7 wants CRLF, Wireshark
/// takes any, tvbuff.c tvb_find_line_end) and where the next line starts. Without
/// a line end, the line runs to the end of `bytes`.
fn line_end(bytes: &[u8], from: usize) -> (usize, usize) {
    match find_line_break(&bytes[from..]) {
        None => (bytes.len(), bytes.len()),
        Some(i) => {
            let end = from + i;
            if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                (end, end + 2)
            } else {
                (end, end + 1)
            }
        }
    }
}

/// The first CR or LF in `bytes`. Every SIP byte goes through here (each line
/// is searched for its end), so eight bytes are tested at a time: a byte of a
/// word equals CR or LF when the word XOR that byte repeated has a zero byte
/// (the "has a zero byte" test of Hacker's Delight, section 6-1; its borrow can
/// flag a byte above a true zero, never below one, so the lowest flag is right).
fn find_line_break(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const CRS: u64 = ONES * b'\r' as u64;
    const LFS: u64 = ONES * b'\n' as u64;
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in words.by_ref() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let found = zero_bytes(word ^ CRS) | zero_bytes(word ^ LFS);
        if found != 0 {
            return Some(offset + found.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .map(|i| offset + i)
}

/// Splits a follow-tap buffer into SIP messages.
///
/// `stream` false (UDP): the buffer is one message; its first byte must be
/// printable ASCII. `stream` true (TCP, TLS): messages back to back, each ending
/// after its Content-Length body bytes (RFC 3261 section 18.3); Wireshark 4.0
/// (packet-sip.c, dissect_sip_tcp) keeps going while what follows starts with a
/// request or status line. A message without a usable Content-Length takes the
/// rest of the buffer as its body, over TCP too (dissect_sip_common does so; RFC
/// 3261 section 20.14 makes the header mandatory over streams).
///
/// Stops (returning what it found) at the first thing that is not a SIP start
/// line: an empty line (e.g. a CRLF keep-alive, RFC 5626), a first line with a
/// NUL, a line Wireshark would call "Continuation". A buffer starting with a
/// byte of the form 11111xxx is SigComp (RFC 3320) and holds no message for us.
pub fn messages(bytes: &[u8], stream: bool) -> Vec<SipMessage> {
    let mut found = Vec::new();
    let Some(&first) = bytes.first() else {
        return found;
    };
    if first & 0xf8 == 0xf8 {
        return found;
    }
    if stream && bytes.len() == 1 && !is_print(first) {
        // A lone keep-alive byte (dissect_sip_tcp).
        return found;
    }
    let mut offset = 0;
    while offset < bytes.len() {
        if stream
            && bytes.len() - offset < TCP_LINE_END_WANTED_BELOW
            && !has_line_end(bytes, offset)
        {
            // Wireshark asks TCP for more data here.
            break;
        }
        match message(bytes, offset, !stream) {
            Some(m) => {
                offset = m.range.end;
                found.push(m);
            }
            None => break,
        }
        if !stream {
            break;
        }
    }
    found
}

/// The start line of a buffer the capture cut short (fewer bytes captured than
/// the packet had, e.g. a small snapshot length). Wireshark 4.0 with a protocol
/// tree throws right after the start line there (dissect_sip_common adds the
/// "Message Header" item over the reported length, which fails its bounds test):
/// only `sip.Method` or `sip.Status-Code`/`sip.Status-Line` exist, nothing from
/// the headers, no later message, and the follow tap is not reached. Without a
/// tree nothing throws and the tap does hand such a buffer out, so a caller
/// wanting the tree's fields should use this instead of [`messages`].
pub fn cut_short_start(bytes: &[u8], stream: bool) -> Option<StartLine> {
    messages(bytes, stream).into_iter().next().map(|m| m.start)
}

/// g_ascii_isprint: 0x20 to 0x7E.
fn is_print(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

/// tvb_find_line_end with desegmentation: a line end, not a CR as last byte.
fn has_line_end(bytes: &[u8], from: usize) -> bool {
    match find_line_break(&bytes[from..]) {
        None => false,
        Some(i) => bytes[from + i] == b'\n' || from + i + 1 < bytes.len(),
    }
}

/// What the first line is (Wireshark 4.0 packet-sip.c, function sip_parse_line,
/// with its default "strict SIP version" preference): a status line is
/// `SIP/2.0 ddd ...` (case-sensitive version, three digits, a space after them);
/// a request line is `token SP token-with-a-colon SP SIP/2.0` with nothing after
/// the version, a second token of at least 3 bytes with a colon after its first
/// byte. Wireshark searches spaces and the colon past the line end; a start line
/// can only pass when all of them lie inside the line, so we search the line only.
fn start_line(bytes: &[u8], start: usize, end: usize) -> Option<StartLine> {
    let line = &bytes[start..end];
    let sp1 = line.iter().position(|&b| b == b' ')?;
    if sp1 == 0 {
        return None;
    }
    let sp2 = sp1 + 1 + line[sp1 + 1..].iter().position(|&b| b == b' ')?;
    let token2 = &line[sp1 + 1..sp2];
    let token3 = &line[sp2 + 1..];
    if &line[..sp1] == b"SIP/2.0" {
        if token2.len() != 3 || !token2.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let code = token2
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        return Some(StartLine::Response {
            code,
            code_range: start + sp1 + 1..start + sp2,
            status_line: start..end,
        });
    }
    if token2.len() < 3 || !token2[1..].contains(&b':') || token3 != b"SIP/2.0" {
        return None;
    }
    Some(StartLine::Request {
        method: start..start + sp1,
        uri: start + sp1 + 1..start + sp2,
        line: start..end,
    })
}

/// The CSeq method within a CSeq value (Wireshark 4.0 packet-sip.c,
/// dissect_sip_common): skip the digits, then anything up to the first ASCII
/// letter; the method runs from there to the value's end. None (no letter, or
/// more than 16 bytes) makes Wireshark stop the message at the CSeq line.
///
/// Wireshark walks the value's UTF-8 text (each ill-formed sequence made a
/// 3-byte U+FFFD) but only as far as the value's length in the packet, and uses
/// the index it reaches as an offset in the packet. So after invalid UTF-8 the
/// method starts too far right, or is not found: we do the same.
fn cseq_method(bytes: &[u8], value: &Range<usize>) -> Option<Range<usize>> {
    let raw = &bytes[value.clone()];
    let decoded = String::from_utf8_lossy(raw);
    // Never shorter than `raw`: valid text is unchanged, a replaced subpart of
    // one to three bytes becomes three.
    let v = &decoded.as_bytes()[..raw.len()];
    let digits = v.iter().take_while(|b| b.is_ascii_digit()).count();
    let letter = digits + v[digits..].iter().position(u8::is_ascii_alphabetic)?;
    if v.len() - letter > MAX_CSEQ_METHOD {
        return None;
    }
    Some(value.start + letter..value.end)
}

/// One message starting at `start` (Wireshark 4.0 packet-sip.c, dissect_sip_common).
fn message(bytes: &[u8], start: usize, printable_first: bool) -> Option<SipMessage> {
    if printable_first && !is_print(bytes[start]) {
        return None;
    }
    let (first_end, mut offset) = line_end(bytes, start);
    if first_end == start || bytes[start..first_end].contains(&0) {
        return None;
    }
    let start_line = start_line(bytes, start, first_end)?;

    // A phone's REGISTER or REFER has a dozen or so header lines: room for
    // them at once rather than growing four times.
    let mut headers = Vec::with_capacity(16);
    let mut content_len: i32 = -1;
    let mut cseq: Option<Range<usize>> = None;
    let mut blank_line = false;
    while offset < bytes.len() {
        let (mut end, mut next) = line_end(bytes, offset);
        if end == offset {
            // The blank line between headers and body (RFC 3261 section 7).
            offset = next;
            blank_line = true;
            break;
        }
        // A line starting with SP or HTAB continues the header (RFC 3261 section
        // 7.3.1, folding); Wireshark keeps the folding in the value.
        while next < bytes.len() && matches!(bytes[next], b' ' | b'\t') {
            (end, next) = line_end(bytes, next);
        }
        if let Some(colon) = bytes[offset..end].iter().position(|&b| b == b':') {
            let colon = offset + colon;
            // tvb_skip_wsp: SP, HTAB, CR and LF, so a value that starts on a
            // continuation line starts at its first non-blank byte.
            let skipped = bytes[colon + 1..end]
                .iter()
                .take_while(|&&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            let header = Header {
                name: offset..colon,
                value: colon + 1 + skipped..end,
                whole: offset..next,
            };
            let name = &bytes[header.name.clone()];
            if name_matches(name, "Content-Length", Some(b'l')) {
                // The last Content-Length counts.
                content_len = content_length(&bytes[header.value.clone()]);
            } else if name_matches(name, "CSeq", None) {
                match cseq_method(bytes, &header.value) {
                    Some(method) => {
                        cseq.get_or_insert(method);
                    }
                    None => {
                        // Wireshark returns here: the message ends before this
                        // line (its CSeq field is made; no CSeq.method, no body).
                        headers.push(header);
                        return Some(SipMessage {
                            range: start..offset,
                            start: start_line,
                            body: offset..offset,
                            truncated: false,
                            headers,
                            cseq_method: cseq,
                        });
                    }
                }
            }
            headers.push(header);
        }
        // A line without a colon is skipped (Wireshark flags it malformed).
        offset = next;
    }

    let available = bytes.len() - offset;
    // Wireshark compares as `int`: a Content-Length above 2^31-1 is negative
    // there and gives no body.
    let body_len = if content_len == -1 {
        available
    } else {
        usize::try_from(content_len).map_or(0, |wanted| available.min(wanted))
    };
    let truncated = !blank_line || (content_len >= 0 && available < content_len as usize);
    Some(SipMessage {
        range: start..offset + body_len,
        start: start_line,
        body: offset..offset + body_len,
        truncated,
        headers,
        cseq_method: cseq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joins lines with CR LF, the SIP line end (RFC 3261 section 7).
    fn crlf(lines: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for line in lines {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out
    }

    /// Where `needle` first occurs in `hay`, as a range.
    fn find(hay: &[u8], needle: &str) -> Range<usize> {
        let n = needle.as_bytes();
        let at = hay
            .windows(n.len())
            .position(|w| w == n)
            .unwrap_or_else(|| panic!("{needle:?} not in buffer"));
        at..at + n.len()
    }

    fn values(bytes: &[u8], m: &SipMessage, name: &str) -> Vec<String> {
        m.headers(bytes, name)
            .map(|h| text(bytes, h.value.clone()))
            .collect()
    }

    fn method(bytes: &[u8], m: &SipMessage) -> String {
        match &m.start {
            StartLine::Request { method, .. } => ascii_text(bytes, method.clone()),
            StartLine::Response { .. } => panic!("not a request"),
        }
    }

    /// RFC 3261 section 24.1, the REGISTER Bob sends to his registrar (retyped).
    fn rfc3261_register() -> Vec<u8> {
        crlf(&[
            "REGISTER sip:registrar.biloxi.com SIP/2.0",
            "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7",
            "Max-Forwards: 70",
            "To: Bob <sip:bob@biloxi.com>",
            "From: Bob <sip:bob@biloxi.com>;tag=456248",
            "Call-ID: 843817637684230@998sdasdh09",
            "CSeq: 1826 REGISTER",
            "Contact: <sip:bob@192.0.2.4>",
            "Expires: 7200",
            "Content-Length: 0",
            "",
        ])
    }

    #[test]
    fn rfc3261_register_request() {
        let b = rfc3261_register();
        let all = messages(&b, false);
        assert_eq!(all.len(), 1);
        let m = &all[0];
        assert_eq!(m.range, 0..b.len());
        assert!(!m.truncated);
        assert_eq!(
            m.start,
            StartLine::Request {
                method: 0..8,
                uri: find(&b, "sip:registrar.biloxi.com"),
                line: find(&b, "REGISTER sip:registrar.biloxi.com SIP/2.0"),
            }
        );
        assert_eq!(method(&b, m), "REGISTER");
        assert_eq!(values(&b, m, "Contact"), ["<sip:bob@192.0.2.4>"]);
        let contact = m.headers(&b, "Contact").next().unwrap();
        // The field item covers the line with its CR LF.
        assert_eq!(contact.whole, find(&b, "Contact: <sip:bob@192.0.2.4>\r\n"));
        assert_eq!(contact.name, find(&b, "Contact"));
        let expires = m.headers(&b, "Expires").next().unwrap();
        assert_eq!(uint(&b, expires.value.clone()), 7200);
        assert_eq!(expires.whole, find(&b, "Expires: 7200\r\n"));
        assert_eq!(
            m.cseq_method(),
            Some(find(&b, "REGISTER\r\nContact").start..find(&b, "REGISTER\r\nContact").start + 8)
        );
        assert_eq!(m.headers(&b, "Event").count(), 0);
    }

    /// RFC 3261 section 24.1, the registrar's 200 OK (retyped; its Via is folded
    /// onto a second line there).
    #[test]
    fn rfc3261_register_response_with_folded_via() {
        let b = crlf(&[
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7",
            " ;received=192.0.2.4",
            "To: Bob <sip:bob@biloxi.com>;tag=2493k59kd",
            "From: Bob <sip:bob@biloxi.com>;tag=456248",
            "Call-ID: 843817637684230@998sdasdh09",
            "CSeq: 1826 REGISTER",
            "Contact: <sip:bob@192.0.2.4>",
            "Expires: 7200",
            "Content-Length: 0",
            "",
        ]);
        let m = &messages(&b, false)[0];
        assert_eq!(
            m.start,
            StartLine::Response {
                code: 200,
                code_range: 8..11,
                status_line: 0..14,
            }
        );
        assert_eq!(text(&b, 0..14), "SIP/2.0 200 OK");
        // The folded Via keeps its line end and the leading space.
        assert_eq!(
            values(&b, m, "Via"),
            ["SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\r\n ;received=192.0.2.4"]
        );
        let via = m.headers(&b, "Via").next().unwrap();
        assert_eq!(via.whole.end, find(&b, "To:").start);
        assert_eq!(values(&b, m, "Contact"), ["<sip:bob@192.0.2.4>"]);
        assert_eq!(
            m.cseq_method().map(|r| text(&b, r)),
            Some("REGISTER".into())
        );
        assert_eq!(m.all_headers().len(), 8);
    }

    /// RFC 4475 section 3.1.1.1 "wsinv" (a short tortuous INVITE), retyped and
    /// shortened: header names in odd case, space before the colon, compact forms,
    /// folded values, CSeq number and method on two lines.
    #[test]
    fn rfc4475_wsinv_whitespace_and_folding() {
        let mut b = crlf(&[
            "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0",
            "TO :",
            " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
            "MaX-fOrWaRdS: 0068",
            "Call-ID: wsinv.ndaksdj@192.0.2.1",
            "Content-Length   : 150",
            "cseq: 0009",
            "  INVITE",
            "s :",
            "NewFangledHeader:   newfangled value",
            " continued newfangled value",
            "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =",
            "      newvalue ;",
            "  secondparam ; q = 0.33",
            "",
            "v=0",
        ]);
        b.extend_from_slice(b"extra");
        let all = messages(&b, true);
        assert_eq!(all.len(), 1);
        let m = &all[0];
        // "Content-Length   " is no header Wireshark knows (the name is not
        // trimmed), so there is no Content-Length: the rest is the body.
        assert_eq!(m.range, 0..b.len());
        assert_eq!(m.body, find(&b, "v=0").start..b.len());
        assert_eq!(m.headers(&b, "Content-Length").count(), 0);
        assert_eq!(m.headers(&b, "To").count(), 0);
        assert_eq!(m.headers(&b, "Subject").count(), 0);
        assert_eq!(values(&b, m, "Max-Forwards"), ["0068"]);
        assert_eq!(values(&b, m, "call-id"), ["wsinv.ndaksdj@192.0.2.1"]);
        let cseq = m.cseq_method().unwrap();
        assert_eq!(text(&b, cseq.clone()), "INVITE");
        assert_eq!(cseq.start, find(&b, "INVITE\r\ns :").start);
        assert_eq!(
            values(&b, m, "NewFangledHeader"),
            ["newfangled value\r\n continued newfangled value"]
        );
        assert_eq!(
            values(&b, m, "Contact"),
            ["\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33"]
        );
        let contact = m.headers(&b, "Contact").next().unwrap();
        assert_eq!(contact.whole.end, find(&b, "\r\nv=0").start);
    }

    /// A value that only starts on the continuation line (RFC 4475 section 3.1.1.1
    /// has "TO :" so; here with a known name): the CR LF and blanks after the colon
    /// are skipped.
    #[test]
    fn value_starting_on_continuation_line() {
        let b = crlf(&[
            "NOTIFY sip:a@b SIP/2.0",
            "Event:",
            "\t presence",
            "Content-Length: 0",
            "",
        ]);
        let m = &messages(&b, false)[0];
        assert_eq!(values(&b, m, "Event"), ["presence"]);
    }

    /// RFC 3261 section 20.10's Contact examples: one line listing two contacts
    /// separated by a comma, and a compact `m`. Wireshark makes one sip.Contact per
    /// header line with the whole list.
    #[test]
    fn rfc3261_contact_list_and_compact_form() {
        let b = crlf(&[
            "REGISTER sip:registrar.biloxi.com SIP/2.0",
            "Contact: \"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, \"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1",
            "m: <sips:bob@192.0.2.4>;expires=60",
            "cOnTaCt: <sip:odd@case>",
            "M: <sip:upper@compact>",
            "Contact : <sip:space@before.colon>",
            "CSeq: 1 REGISTER",
            "Content-Length: 0",
            "",
        ]);
        let m = &messages(&b, false)[0];
        assert_eq!(
            values(&b, m, "Contact"),
            [
                "\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, \"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1",
                "<sips:bob@192.0.2.4>;expires=60",
                "<sip:odd@case>",
                "<sip:upper@compact>",
            ]
        );
        // Querying by the compact letter is not a full name.
        assert_eq!(m.headers(&b, "m").count(), 0);
    }

    /// RFC 3265 section 7.2.1 (Event, compact form "o") and RFC 3326 section 2's
    /// Reason example.
    #[test]
    fn rfc3265_event_and_rfc3326_reason() {
        let b = crlf(&[
            "SUBSCRIBE sip:presentity@example.com SIP/2.0",
            "o: presence",
            "Event: dialog;id=1 ",
            "Reason: SIP ;cause=200 ;text=\"Call completed elsewhere\"",
            "Expires: 600",
            "CSeq: 2 SUBSCRIBE",
            "",
        ]);
        let m = &messages(&b, false)[0];
        // Trailing whitespace stays in the value.
        assert_eq!(values(&b, m, "Event"), ["presence", "dialog;id=1 "]);
        assert_eq!(
            values(&b, m, "Reason"),
            ["SIP ;cause=200 ;text=\"Call completed elsewhere\""]
        );
        // No Content-Length and no body: the message ends with the buffer.
        assert_eq!(m.range, 0..b.len());
    }

    /// RFC 3261 section 18.3: over a stream, Content-Length delimits each message.
    /// Two messages back to back (bodies from RFC 3261 section 24.2's style), the
    /// second cut short by the end of the buffer.
    #[test]
    fn tcp_two_messages_and_a_truncated_one() {
        let mut b = crlf(&["MESSAGE sip:a@b SIP/2.0", "CSeq: 1 MESSAGE", "l: 5", ""]);
        b.extend_from_slice(b"hello");
        let second = b.len();
        b.extend(crlf(&[
            "SIP/2.0 486 Busy Here",
            "CSeq: 1 MESSAGE",
            "Content-Length: 3",
            "",
        ]));
        b.extend_from_slice(b"abc");
        let third = b.len();
        b.extend(crlf(&[
            "INFO sip:a@b SIP/2.0",
            "CSeq: 2 INFO",
            "Content-Length: 100",
            "",
        ]));
        b.extend_from_slice(b"only part");
        let all = messages(&b, true);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].range, 0..second);
        assert_eq!(all[0].body, second - 5..second);
        assert_eq!(all[1].range, second..third);
        assert!(matches!(
            all[1].start,
            StartLine::Response { code: 486, .. }
        ));
        assert_eq!(all[2].range, third..b.len());
        assert!(all[2].truncated && !all[1].truncated && !all[0].truncated);
        assert_eq!(
            all[2].cseq_method().map(|r| text(&b, r)),
            Some("INFO".into())
        );
        // Over UDP the buffer is one message; bytes after Content-Length are not in it.
        let udp = messages(&b, false);
        assert_eq!(udp.len(), 1);
        assert_eq!(udp[0].range, 0..second);
    }

    /// Headers cut short (no blank line) are a truncated message, too.
    #[test]
    fn headers_without_blank_line() {
        let b = b"OPTIONS sip:a@b SIP/2.0\r\nCSeq: 3 OPTIONS\r\nContact: <sip:x";
        let m = &messages(b, false)[0];
        assert!(m.truncated);
        assert_eq!(m.range, 0..b.len());
        assert_eq!(values(b, m, "Contact"), ["<sip:x"]);
    }

    /// A message without Content-Length over TCP: Wireshark 4.0 takes the rest of
    /// the buffer as its body (RFC 3261 section 20.14 says the header is mandatory
    /// over streams), so the following message is not seen.
    #[test]
    fn tcp_missing_content_length_takes_the_rest() {
        let mut b = crlf(&["BYE sip:a@b SIP/2.0", "CSeq: 9 BYE", ""]);
        b.extend(crlf(&[
            "SIP/2.0 200 OK",
            "CSeq: 9 BYE",
            "Content-Length: 0",
            "",
        ]));
        let all = messages(&b, true);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].range, 0..b.len());
        assert!(!all[0].truncated);
    }

    /// RFC 5626 section 3.5.1 CRLF keep-alives between messages end the walk, as in
    /// Wireshark 4.0 (an empty first line is no SIP).
    #[test]
    fn tcp_keepalive_after_message_stops() {
        let mut b = crlf(&["ACK sip:a@b SIP/2.0", "CSeq: 1 ACK", "l: 0", ""]);
        b.extend_from_slice(b"\r\n\r\n");
        b.extend(crlf(&["ACK sip:a@b SIP/2.0", "CSeq: 2 ACK", "l: 0", ""]));
        assert_eq!(messages(&b, true).len(), 1);
    }

    /// CSeq spacing (RFC 3261 section 20.16 has `CSeq: 4711 INVITE`): the method
    /// runs to the end of the line, trailing blanks included; without a method, or
    /// with more than 16 bytes of it, Wireshark ends the message at the CSeq line.
    #[test]
    fn cseq_odd_spacing_and_missing_method() {
        let b = crlf(&[
            "INVITE sip:a@b SIP/2.0",
            "CSeq:\t 4711 \t INVITE  ",
            "Content-Length: 0",
            "",
        ]);
        let m = &messages(&b, false)[0];
        assert_eq!(
            m.cseq_method().map(|r| text(&b, r)),
            Some("INVITE  ".into())
        );

        let b = crlf(&[
            "INVITE sip:a@b SIP/2.0",
            "Contact: <sip:before@cseq>",
            "CSeq: 4711",
            "Contact: <sip:after@cseq>",
            "Content-Length: 0",
            "",
        ]);
        let all = messages(&b, true);
        assert_eq!(all.len(), 1);
        let m = &all[0];
        assert_eq!(m.cseq_method(), None);
        assert_eq!(m.range, 0..find(&b, "CSeq").start);
        assert_eq!(values(&b, m, "Contact"), ["<sip:before@cseq>"]);
        assert_eq!(values(&b, m, "CSeq"), ["4711"]);

        let b = crlf(&[
            "INVITE sip:a@b SIP/2.0",
            "CSeq: 1 ABCDEFGHIJKLMNOPQ",
            "Expires: 1",
            "",
        ]);
        let m = &messages(&b, false)[0];
        assert_eq!(m.cseq_method(), None);
        assert_eq!(m.headers(&b, "Expires").count(), 0);
        let b = crlf(&[
            "INVITE sip:a@b SIP/2.0",
            "CSeq: 1 ABCDEFGHIJKLMNOP",
            "Expires: 1",
            "",
        ]);
        let m = &messages(&b, false)[0];
        assert_eq!(m.cseq_method().map(|r| r.len()), Some(16));
        assert_eq!(m.headers(&b, "Expires").count(), 1);
    }

    /// Invalid UTF-8 in CSeq (tshark 4.0.17 checked on these): Wireshark's walk
    /// over the decoded text runs out before the method, or lands too far right.
    #[test]
    fn cseq_after_invalid_utf8() {
        let b = b"INFO sip:a@b SIP/2.0\r\nCSeq: 1 \xe9T\r\nExpires: 1\r\n\r\n";
        let cseq = find(b, "CSeq").start;
        let m = &messages(b, true)[0];
        assert_eq!(m.cseq_method(), None);
        assert_eq!(m.range, 0..cseq);
        let b = b"INFO sip:a@b SIP/2.0\r\nCSeq: 1 \xffABCD\r\n\r\n";
        let at = find(b, "ABCD");
        let m = &messages(b, false)[0];
        // Two bytes too far right: one invalid byte became three.
        assert_eq!(m.cseq_method(), Some(at.start + 2..at.end));
    }

    /// Start lines Wireshark 4.0 takes or refuses (RFC 3261 sections 7.1 and 7.2;
    /// Wireshark wants exactly "SIP/2.0").
    #[test]
    fn start_lines() {
        let status = |line: &str| {
            let b = crlf(&[line, ""]);
            messages(&b, false).first().map(|m| m.start.clone())
        };
        assert_eq!(
            status("SIP/2.0 180 "),
            Some(StartLine::Response {
                code: 180,
                code_range: 8..11,
                status_line: 0..12,
            })
        );
        assert_eq!(status("SIP/2.0 200"), None);
        assert_eq!(status("SIP/2.0 2000 OK"), None);
        assert_eq!(status("sip/2.0 200 OK"), None);
        assert_eq!(status("SIP/2.0 2x0 OK"), None);
        assert_eq!(status("INVITE sip:a@b SIP/2.0 "), None);
        assert_eq!(status("INVITE ab SIP/2.0"), None);
        assert_eq!(status("INVITE a: SIP/2.0"), None);
        assert_eq!(status(" INVITE sip:a@b SIP/2.0"), None);
        assert_eq!(status("GET / HTTP/1.1"), None);
        assert!(status("X-\u{e9} sip:a@b SIP/2.0").is_some());
        let b = crlf(&["\u{e9}T sip:a@b SIP/2.0", ""]);
        // Over UDP the first byte must be printable ASCII; not over TCP.
        assert!(messages(&b, false).is_empty());
        let m = &messages(&b, true)[0];
        assert_eq!(method(&b, m), "\u{fffd}\u{fffd}T");
    }

    /// Header values and numbers as Wireshark reads them.
    #[test]
    fn text_and_numbers() {
        let b = b"a\xffb\xe2\x82c\0d";
        assert_eq!(text(b, 0..b.len()), "a\u{fffd}b\u{fffd}c");
        let n = |s: &str| uint(s.as_bytes(), 0..s.len());
        assert_eq!(n("3600"), 3600);
        assert_eq!(n("3600;refresher=uac"), 3600);
        assert_eq!(n("abc"), 0);
        assert_eq!(n(""), 0);
        assert_eq!(n("-1"), u32::MAX);
        assert_eq!(n("4294967296"), 0);
        assert_eq!(n("99999999999999999999999"), u32::MAX);
        assert_eq!(content_length(b"10"), 10);
        assert_eq!(content_length(b"10 "), 0);
        assert_eq!(content_length(b"+5"), 0);
        assert_eq!(content_length(b""), 0);
        assert_eq!(content_length(b"4294967295"), -1);
        assert_eq!(content_length(b"99999999999"), -1);
        assert_eq!(content_length(b"3000000000"), 3_000_000_000u32 as i32);
        assert_eq!(content_length(b"7\0junk"), 7);
    }

    /// Two Content-Length headers: the last one counts (checked with tshark
    /// 4.0.17); an invalid one ("5 ", trailing blank) is 0. LF CR is a line end
    /// followed by an empty line, so it ends the headers.
    #[test]
    fn content_length_repeated_invalid_and_lf_cr() {
        let mut b = crlf(&["MESSAGE sip:a@b SIP/2.0", "Content-Length: 100", "l: 2", ""]);
        b.extend_from_slice(b"hi");
        let end = b.len();
        b.extend(crlf(&["MESSAGE sip:a@b SIP/2.0", "Content-Length: 5 ", ""]));
        let second_end = b.len();
        b.extend_from_slice(b"hello");
        let all = messages(&b, true);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].range, 0..end);
        assert_eq!(all[1].range, end..second_end);

        let b = b"OPTIONS sip:a@b SIP/2.0\nCSeq: 5 OPTIONS\n\rContact: <sip:in@body>\r\n";
        let m = &messages(b, false)[0];
        assert_eq!(m.headers(b, "Contact").count(), 0);
        assert_eq!(m.body, find(b, "Contact").start..b.len());
    }

    /// A Content-Length above 2^31-1 is negative in Wireshark's int: no body.
    #[test]
    fn huge_content_length_gives_no_body() {
        let mut b = crlf(&["MESSAGE sip:a@b SIP/2.0", "Content-Length: 3000000000", ""]);
        let end = b.len();
        b.extend_from_slice(b"body");
        let m = &messages(&b, true)[0];
        assert_eq!(m.range, 0..end);
    }

    #[test]
    fn header_names_end_at_a_nul_as_in_c() {
        let contact = Some(b'm');
        assert!(name_matches(b"Contact", "Contact", contact));
        assert!(name_matches(b"cOnTaCt", "Contact", contact));
        assert!(name_matches(b"Contact\0junk", "Contact", contact));
        assert!(name_matches(b"Contact\0", "Contact", contact));
        assert!(name_matches(b"M", "Contact", contact));
        assert!(!name_matches(b"Contacts", "Contact", contact));
        assert!(!name_matches(b"Contac", "Contact", contact));
        assert!(!name_matches(b"Cont\0ct", "Contact", contact));
        assert!(!name_matches(b"Con\0act\0", "Contact", contact));
        assert!(!name_matches(b"Contact ", "Contact", contact));
        assert!(!name_matches(b"x", "Contact", contact));
        assert!(!name_matches(b"", "Contact", contact));
    }

    #[test]
    fn line_breaks_are_found_at_every_position() {
        let naive = |b: &[u8]| b.iter().position(|&c| c == b'\r' || c == b'\n');
        // Bytes that differ from CR or LF in one bit, and bytes just above and
        // below them (where a borrow could cross into the next byte).
        let fillers = [b'a', 0x0c, 0x0e, 0x09, 0x0b, 0x8d, 0x8a, 0x00, 0xff, 0x01];
        for len in 0..40 {
            for at in 0..=len {
                for &filler in &fillers {
                    for &brk in b"\r\n" {
                        let mut bytes = vec![filler; len];
                        if at < len {
                            bytes[at] = brk;
                        }
                        assert_eq!(find_line_break(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
            }
        }
        // Several breaks: the first wins, whatever follows in the word.
        assert_eq!(find_line_break(b"abc\n\r\n\r\nxyz"), Some(3));
        assert_eq!(
            find_line_break(b"\x0e\x0d\x0a\x0c\x0b\x0a\x0d\x00"),
            Some(1)
        );
    }

    /// Not SIP, empty, SigComp (RFC 3320), a lone keep-alive byte, a NUL in the
    /// first line: no message and no panic.
    #[test]
    fn garbage() {
        for stream in [false, true] {
            assert!(messages(b"", stream).is_empty());
            assert!(messages(b"\xf8\x00INVITE", stream).is_empty());
            assert!(messages(b"\r\n\r\n", stream).is_empty());
            assert!(messages(b"\x16\x03\x01\x02\x00\x01\x00", stream).is_empty());
            assert!(messages(b"INVITE sip:a@b\0 SIP/2.0\r\n\r\n", stream).is_empty());
            assert!(messages(b"INVITE", stream).is_empty());
        }
        assert!(messages(b"\0", true).is_empty());
        // A start line with no line end yet: over TCP Wireshark waits for more.
        assert!(messages(b"INVITE sip:a@b SIP/2.0", true).is_empty());
        assert_eq!(messages(b"INVITE sip:a@b SIP/2.0", false).len(), 1);
        assert!(messages(b"INVITE sip:a@b SIP/2.0\r", true).is_empty());
        // Every prefix of a real message parses without panic.
        let b = rfc3261_register();
        for end in 0..b.len() {
            for stream in [false, true] {
                for m in messages(&b[..end], stream) {
                    assert!(m.range.end <= end);
                    for h in m.all_headers() {
                        assert!(h.whole.end <= end && h.value.start <= h.value.end);
                        let _ = text(&b, h.value.clone());
                    }
                }
            }
        }
    }

    /// A snapshot-length cut: only the start line counts.
    #[test]
    fn cut_short_buffer() {
        let b = rfc3261_register();
        assert!(matches!(
            cut_short_start(&b[..60], false),
            Some(StartLine::Request { .. })
        ));
        assert_eq!(cut_short_start(b"junk", false), None);
    }

    /// Bounded work: a 64 KiB header line, 64 KiB of folding, thousands of tiny
    /// messages, a 64 KiB first line without spaces. Each must be linear; a
    /// quadratic scan would take minutes here in a debug build.
    #[test]
    fn large_inputs() {
        let mut b = crlf(&["INVITE sip:a@b SIP/2.0"]);
        b.extend_from_slice(b"Contact: <sip:");
        b.extend(std::iter::repeat(b'x').take(64 * 1024));
        b.extend_from_slice(b">\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n");
        let m = &messages(&b, true)[0];
        assert_eq!(
            m.headers(&b, "Contact").next().unwrap().value.len(),
            64 * 1024 + 6
        );

        let mut b = crlf(&["INVITE sip:a@b SIP/2.0", "Subject: x"]);
        for _ in 0..16 * 1024 {
            b.extend_from_slice(b" y\r\n");
        }
        b.extend_from_slice(b"\r\n");
        let m = &messages(&b, false)[0];
        assert_eq!(m.all_headers().len(), 1);

        let one = crlf(&["ACK sip:a@b SIP/2.0", "CSeq: 1 ACK", "l: 0", ""]);
        let b: Vec<u8> = one.iter().copied().cycle().take(one.len() * 5000).collect();
        assert_eq!(messages(&b, true).len(), 5000);

        let b = vec![b'A'; 64 * 1024];
        assert!(messages(&b, true).is_empty());
        assert!(messages(&b, false).is_empty());
        let mut b = vec![b':'; 64 * 1024];
        b[0] = b'X';
        assert!(messages(&b, false).is_empty());
        let mut b = crlf(&["INVITE sip:a@b SIP/2.0"]);
        b.extend(
            std::iter::repeat(b"\n \r\t:".iter().copied())
                .take(16 * 1024)
                .flatten(),
        );
        let _ = messages(&b, true);
    }
}
