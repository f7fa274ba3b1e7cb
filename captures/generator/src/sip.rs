//! SIP message shapes (RFC 3261) on top of [`TextMessage`], plus MIME multipart bodies.

use crate::message::TextMessage;
use crate::prng::Prng;

pub fn request(method: &str, uri: &str) -> TextMessage {
    TextMessage::new(format!("{method} {uri} SIP/2.0"))
}

pub fn response(code: u16, reason: &str) -> TextMessage {
    TextMessage::new(format!("SIP/2.0 {code} {reason}"))
}

/// RFC 3261 branch: the magic cookie, then eight hex digits as Cisco phones write it.
pub fn branch(rng: &mut Prng) -> String {
    format!("z9hG4bK{}", rng.hex(8))
}

/// A response that echoes the request's transaction headers in CUCM's order:
/// Via, From, To (with the responder's tag), Date, Call-ID, CSeq.
pub fn response_to(
    req: &TextMessage,
    code: u16,
    reason: &str,
    to_tag: &str,
    date: &str,
) -> TextMessage {
    let to = req.get("To").expect("request without To");
    let to = if to.contains(";tag=") {
        to.to_string()
    } else {
        format!("{to};tag={to_tag}")
    };
    response(code, reason)
        .copy(req, "Via")
        .copy(req, "From")
        .header("To", to)
        .header("Date", date)
        .copy(req, "Call-ID")
        .copy(req, "CSeq")
}

pub struct Part<'a> {
    pub content_type: &'a str,
    pub disposition: Option<&'a str>,
    pub body: &'a [u8],
}

/// RFC 2046 multipart body as Cisco phones and CUCM write it: each part's headers,
/// an empty line, the part body, then CRLF before the next delimiter.
pub fn multipart(boundary: &str, parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        out.extend_from_slice(format!("Content-Type: {}\r\n", part.content_type).as_bytes());
        if let Some(d) = part.disposition {
            out.extend_from_slice(format!("Content-Disposition: {d}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(part.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_gets_a_to_tag_once() {
        let req = request("REFER", "sip:192.168.7.200")
            .header("Via", "SIP/2.0/TCP 192.168.7.104:50600;branch=z9hG4bK1")
            .header("From", "<sip:2222@192.168.7.104>;tag=a")
            .header("To", "<sip:192.168.7.200>")
            .header("Call-ID", "c@h")
            .header("CSeq", "1000 REFER");
        let r = response_to(&req, 202, "Accepted", "42", "D");
        assert!(String::from_utf8(r.encode())
            .unwrap()
            .starts_with("SIP/2.0 202 Accepted\r\n"));
        assert_eq!(r.get("To"), Some("<sip:192.168.7.200>;tag=42"));
        assert_eq!(r.get("CSeq"), Some("1000 REFER"));
    }

    #[test]
    fn multipart_layout() {
        let body = multipart(
            "b",
            &[Part {
                content_type: "text/plain",
                disposition: None,
                body: b"x",
            }],
        );
        assert_eq!(
            body,
            b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n"
        );
    }
}
