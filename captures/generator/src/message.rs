//! Text protocol messages, the shape SIP and HTTP share: a start line, header lines,
//! an empty line, then the body. Lines end in CRLF.
//!
//! The length header is computed from the body when the message is encoded, so it can
//! never disagree with the bytes that follow (tshark checks SIP Content-Length).

pub struct TextMessage {
    start_line: String,
    headers: Vec<(String, HeaderValue)>,
    body: Vec<u8>,
}

enum HeaderValue {
    Text(String),
    /// Filled with the body length at encode time.
    BodyLength,
}

impl TextMessage {
    pub fn new(start_line: impl Into<String>) -> Self {
        TextMessage {
            start_line: start_line.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers
            .push((name.to_string(), HeaderValue::Text(value.into())));
        self
    }

    /// Puts the length header (named as the sender spells it) at this position.
    pub fn length_header(mut self, name: &str) -> Self {
        self.headers
            .push((name.to_string(), HeaderValue::BodyLength));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Copies a header from another message (e.g. a response echoing Via and Call-ID).
    pub fn copy(self, from: &TextMessage, name: &str) -> Self {
        let value = from
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing in {}", from.start_line))
            .to_string();
        self.header(name, value)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|(n, v)| match v {
            HeaderValue::Text(t) if n.eq_ignore_ascii_case(name) => Some(t.as_str()),
            _ => None,
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.body.len());
        out.extend_from_slice(self.start_line.as_bytes());
        out.extend_from_slice(b"\r\n");
        let mut has_length = false;
        for (name, value) in &self.headers {
            let text = match value {
                HeaderValue::Text(t) => t.clone(),
                HeaderValue::BodyLength => {
                    has_length = true;
                    self.body.len().to_string()
                }
            };
            out.extend_from_slice(format!("{name}: {text}\r\n").as_bytes());
        }
        assert!(
            has_length || self.body.is_empty(),
            "a message with a body needs a length header: {}",
            self.start_line
        );
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_follows_the_body() {
        let m = TextMessage::new("X / 1")
            .header("A", "1")
            .length_header("Content-Length")
            .header("B", "2")
            .body("hello");
        let text = String::from_utf8(m.encode()).unwrap();
        assert_eq!(
            text,
            "X / 1\r\nA: 1\r\nContent-Length: 5\r\nB: 2\r\n\r\nhello"
        );
    }

    #[test]
    fn copy_and_get_ignore_case() {
        let a = TextMessage::new("A").header("Call-ID", "x@y");
        let b = TextMessage::new("B").copy(&a, "call-id");
        assert_eq!(b.get("CALL-ID"), Some("x@y"));
    }
}
