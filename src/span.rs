//! Byte positions shared by every parser: where in its input a value came
//! from, so a decoder can highlight those bytes.
#![forbid(unsafe_code)]

/// A byte range of the parsed input: `input[start..start + len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub len: usize,
}

impl Span {
    pub const fn new(start: usize, len: usize) -> Self {
        Span { start, len }
    }

    /// Span from `start` (inclusive) to `end` (exclusive); empty if `end < start`.
    pub const fn between(start: usize, end: usize) -> Self {
        Span {
            start,
            len: end.saturating_sub(start),
        }
    }

    pub const fn end(&self) -> usize {
        self.start + self.len
    }

    pub const fn range(&self) -> std::ops::Range<usize> {
        self.start..self.start + self.len
    }
}

/// A value with its position in the string it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// `s[start..end]` with its span.
pub fn spanned_str(s: &str, start: usize, end: usize) -> Spanned<&str> {
    Spanned {
        value: &s[start..end],
        span: Span::between(start, end),
    }
}

/// Trims ASCII whitespace from `s[start..end]`, returning the new bounds.
pub fn trim_bounds(s: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let b = s.as_bytes();
    while start < end && b[start].is_ascii_whitespace() {
        start += 1;
    }
    while end > start && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    (start, end)
}
