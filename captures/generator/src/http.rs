//! HTTP/1.1 message shapes (RFC 7230) on top of [`TextMessage`], and form encoding.

use crate::message::TextMessage;

pub fn request(method: &str, target: &str) -> TextMessage {
    TextMessage::new(format!("{method} {target} HTTP/1.1"))
}

pub fn response(code: u16, reason: &str) -> TextMessage {
    TextMessage::new(format!("HTTP/1.1 {code} {reason}"))
}

/// `application/x-www-form-urlencoded` value encoding (HTML form rules, as Java's
/// `URLEncoder` does it): unreserved characters stay, space becomes `+`, the rest `%XX`.
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_matches_java_urlencoder() {
        assert_eq!(form_encode("<a b=\"1\"/>"), "%3Ca+b%3D%221%22%2F%3E");
        assert_eq!(form_encode("adgjm.x-y_z*"), "adgjm.x-y_z*");
    }

    #[test]
    fn start_lines() {
        assert!(request("GET", "/x")
            .encode()
            .starts_with(b"GET /x HTTP/1.1\r\n"));
        assert!(response(404, "Not Found")
            .encode()
            .starts_with(b"HTTP/1.1 404 Not Found\r\n"));
    }
}
