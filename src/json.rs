//! JSON text for the reports (`-z ciscoreg,json`, `-z emccflow,json`): the
//! documents are small and their shape fixed, so they are written directly
//! rather than through a serializer.
#![forbid(unsafe_code)]

use std::fmt::Write;

/// A JSON string (RFC 8259 section 7): quotes, backslashes and control
/// characters escaped.
pub fn json_str(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON string, or `null`.
pub fn json_opt(value: Option<&str>) -> String {
    value.map_or("null".to_string(), json_str)
}

/// A JSON number, or `null`.
pub fn json_uint(value: Option<u32>) -> String {
    value.map_or("null".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_rfc_8259_requires() {
        assert_eq!(json_str("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
        assert_eq!(json_opt(None), "null");
        assert_eq!(json_uint(Some(7)), "7");
    }
}
