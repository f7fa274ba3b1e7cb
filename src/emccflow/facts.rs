//! What one frame tells the flow, gathered from other protocols' fields
//! (SIP, Skinny, TCP, and our own emcc, ciscotl, ciscotvs and ciscoalarm).

use crate::nstime::NsTime;
use crate::skinny_messages::Sccp;

/// The application message a frame carries, as far as the flow cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    SipRequest {
        method: String,
        /// `Event:` header (NOTIFY).
        event: Option<String>,
        /// `Expires:` header, or an `expires=` Contact parameter.
        expires: Option<u32>,
        /// `+u.sip!devicename.ccm.cisco.com` of the Contact header.
        device: Option<String>,
        /// Name and device of an alarm the body carries (ciscoalarm).
        alarm: Option<String>,
        alarm_device: Option<String>,
    },
    SipResponse {
        status: u32,
        /// The reason phrase, e.g. "Forbidden".
        phrase: String,
        /// CSeq method of the request answered.
        method: String,
    },
    EmappRequest {
        action: String,
        device: Option<String>,
        user: Option<String>,
    },
    EmappResponse {
        error_code: Option<u32>,
        error_text: Option<String>,
        object: Option<String>,
    },
    EmserviceRequest {
        request: String,
        device: Option<String>,
        user: Option<String>,
    },
    EmserviceResponse {
        result: Option<String>,
        error_code: Option<u32>,
    },
    Download {
        file: String,
        kind: String,
        device: Option<String>,
        transport: String,
        /// Present on the answer (or error), absent on the request.
        result: Option<String>,
        /// The HTTP status of an answer over HTTP.
        status: Option<u32>,
    },
    Tvs {
        event: String,
        client: String,
        server: String,
        /// TVS's verdict on the certificate (`ciscotvs.status`), when the
        /// session was decrypted.
        status: Option<u32>,
    },
    /// A Skinny message of an SCCP phone's registration (Register,
    /// RegisterAck, RegisterReject, Unregister, UnregisterAck, Reset).
    Sccp(Sccp),
    /// An alarm an SCCP phone sends in Skinny's EnhancedAlarm (0x015A)
    /// where a SIP phone sends an alarm REFER (as `ciscoalarm` decoded it).
    SkinnyAlarm {
        alarm: String,
        device: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tcp {
    pub stream: u32,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FrameFacts {
    pub frame: u32,
    /// Capture time (since the epoch).
    pub time: NsTime,
    /// The frame's addresses; empty for a frame without a message (the flow
    /// reads them only for messages).
    pub src: String,
    pub dst: String,
    pub tcp: Option<Tcp>,
    pub message: Option<Message>,
}

/// The device name in a Cisco phone's Contact header
/// (`+u.sip!devicename.ccm.cisco.com="SEP..."`).
pub fn contact_device(contact: &str) -> Option<String> {
    const KEY: &str = "devicename.ccm.cisco.com=";
    let at = contact.find(KEY)? + KEY.len();
    let rest = contact[at..].trim_start_matches('"');
    let end = rest
        .find(|c: char| c == '"' || c == ';' || c == '>' || c == ',' || c.is_whitespace())
        .unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty() && name.len() <= 64).then(|| name.to_string())
}

/// An `expires=N` parameter of a Contact header.
pub fn contact_expires(contact: &str) -> Option<u32> {
    let lower = contact.to_ascii_lowercase();
    let at = lower.find(";expires=")? + ";expires=".len();
    let digits: String = lower[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The reason phrase of a status line, e.g. "Forbidden" from "SIP/2.0 403 Forbidden".
pub fn status_phrase(status_line: &str) -> String {
    let mut parts = status_line.splitn(3, ' ');
    parts.next();
    parts.next();
    parts.next().unwrap_or("").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_from_contact() {
        let contact = r#"<sip:0498@192.168.7.104:49921;transport=tcp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-c80084aa8743>";+u.sip!devicename.ccm.cisco.com="SEPC80084AA8743";+u.sip!model.ccm.cisco.com="621""#;
        assert_eq!(contact_device(contact).as_deref(), Some("SEPC80084AA8743"));
        assert_eq!(contact_device("<sip:a@b>"), None);
        assert_eq!(
            contact_device(r#"x;+u.sip!devicename.ccm.cisco.com="""#),
            None
        );
    }

    #[test]
    fn expires_and_phrase() {
        assert_eq!(contact_expires("<sip:a@b>;expires=0"), Some(0));
        assert_eq!(contact_expires("<sip:a@b>"), None);
        assert_eq!(status_phrase("SIP/2.0 403 Forbidden"), "Forbidden");
        assert_eq!(status_phrase("SIP/2.0 200"), "");
    }
}
