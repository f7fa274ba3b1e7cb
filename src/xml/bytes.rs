//! Byte-level XML syntax shared by the XML parsers (alarm, remote call
//! control, phone objects, EMService): whitespace, names, references,
//! attribute syntax, and short quotes of input for problem messages.
#![forbid(unsafe_code)]

use crate::span::Span;

/// Longest piece of input quoted in a problem message, in characters.
pub const MAX_QUOTE_LEN: usize = 40;

/// One attribute of a tag: its name and the value between the quotes.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: Span,
    pub value: Span,
}

pub fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Byte position reported by the XML reader, made absolute and kept inside the input.
pub fn to_abs(base: usize, pos: u64, input_len: usize) -> usize {
    usize::try_from(pos)
        .ok()
        .and_then(|p| p.checked_add(base))
        .map_or(input_len, |p| p.min(input_len))
}

/// `span` without leading and trailing XML whitespace bytes (empty at its start if blank).
pub fn trim_span(input: &[u8], span: Span) -> Span {
    let bytes = &input[span.range()];
    match bytes.iter().position(|&b| !is_xml_space(b)) {
        None => Span::new(span.start, 0),
        Some(first) => {
            let last = bytes
                .iter()
                .rposition(|&b| !is_xml_space(b))
                .unwrap_or(first);
            Span::between(span.start + first, span.start + last + 1)
        }
    }
}

/// Whether `name` is acceptable as an element or attribute name. Stricter than needed for
/// non-ASCII (any non-ASCII byte is accepted), strict for ASCII punctuation, so that things
/// like `<a/ >` or `<a"b">`, which the XML reader lets through, are caught.
pub fn is_valid_name(name: &[u8]) -> bool {
    let Some(&first) = name.first() else {
        return false;
    };
    if first.is_ascii_digit() || matches!(first, b'-' | b'.') {
        return false;
    }
    name.iter().all(|&b| {
        !b.is_ascii() || b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':')
    })
}

/// The part of a qualified name after its prefix (`rcc:optionsind` -> `optionsind`).
pub fn local_part(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// At most [`MAX_QUOTE_LEN`] characters of `bytes`, for problem messages.
pub fn quote(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(4 * MAX_QUOTE_LEN + 4)];
    shorten(&String::from_utf8_lossy(head), MAX_QUOTE_LEN)
}

/// At most `max` characters of `text`, ending in `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// XML's predefined entities and character references (`&#54;`, `&#x36;`); `body` is what
/// lies between `&` and `;`.
pub fn resolve_reference(body: &[u8]) -> Option<char> {
    let (digits, radix) = match body {
        b"amp" => return Some('&'),
        b"lt" => return Some('<'),
        b"gt" => return Some('>'),
        b"quot" => return Some('"'),
        b"apos" => return Some('\''),
        [b'#', b'x', digits @ ..] => (digits, 16),
        [b'#', digits @ ..] => (digits, 10),
        _ => return None,
    };
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let mut value: u32 = 0;
    for &d in digits {
        value = value * radix + char::from(d).to_digit(radix)?;
    }
    char::from_u32(value).filter(|&c| c != '\0')
}

/// Checks the attribute syntax of a tag, `input[from..to]` being the part after the
/// element name without the closing `>`, `/>` or `?>`, and collects the attributes
/// into `attrs`. `Err((position, reason))` on bad syntax.
pub fn scan_attributes(
    input: &[u8],
    from: usize,
    to: usize,
    attrs: &mut Vec<Attr>,
    names: &mut Vec<Span>,
) -> Result<(), (usize, &'static str)> {
    attrs.clear();
    let mut i = from;
    loop {
        let gap = i;
        while i < to && is_xml_space(input[i]) {
            i += 1;
        }
        if i >= to {
            break;
        }
        if i == gap {
            return Err((i, "no space before an attribute"));
        }
        let name_start = i;
        while i < to && !is_xml_space(input[i]) && input[i] != b'=' {
            i += 1;
        }
        let name = Span::between(name_start, i);
        if !is_valid_name(&input[name.range()]) {
            return Err((name_start, "bad attribute name"));
        }
        while i < to && is_xml_space(input[i]) {
            i += 1;
        }
        if i >= to || input[i] != b'=' {
            return Err((i, "attribute without a value"));
        }
        i += 1;
        while i < to && is_xml_space(input[i]) {
            i += 1;
        }
        if i >= to || !matches!(input[i], b'"' | b'\'') {
            return Err((i, "attribute value without quotes"));
        }
        let quote_char = input[i];
        let value_start = i + 1;
        let Some(len) = input[value_start..to].iter().position(|&b| b == quote_char) else {
            return Err((i, "attribute value without a closing quote"));
        };
        let value = Span::new(value_start, len);
        if let Some(lt) = input[value.range()].iter().position(|&b| b == b'<') {
            return Err((value_start + lt, "'<' in an attribute value"));
        }
        attrs.push(Attr { name, value });
        i = value.end() + 1;
    }
    if attrs.len() > 1 {
        names.clear();
        names.extend(attrs.iter().map(|a| a.name));
        names.sort_unstable_by(|a, b| input[a.range()].cmp(&input[b.range()]));
        for pair in names.windows(2) {
            if input[pair[0].range()] == input[pair[1].range()] {
                return Err((pair[0].start.max(pair[1].start), "duplicate attribute"));
            }
        }
    }
    Ok(())
}
