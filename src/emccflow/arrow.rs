//! The words above a message's arrow in the EMCC Login Flow ladder
//! (Statistics > Flow Graph, `tshark -z flow,emccflow,network`): what the
//! message is, in a few words a voice engineer reads at a glance. The
//! sentence saying what it means in the login is the row's comment
//! (`emccflow.step`).
//!
//! tshark's text ladder cuts a label to the space between its two columns,
//! 20 characters between neighbours (epan/sequence_analysis.c,
//! NODE_CHARS_WIDTH): the most telling words come first.

use super::facts::Message;
use crate::skinny_messages::Sccp;

pub fn label(message: &Message) -> String {
    match message {
        Message::SipRequest {
            method,
            expires,
            alarm,
            ..
        } => match (method.as_str(), alarm) {
            ("REGISTER", _) if *expires == Some(0) => "REGISTER Expires: 0".to_string(),
            ("NOTIFY", _) => "NOTIFY restart".to_string(),
            ("REFER", Some(alarm)) => format!("REFER {alarm}"),
            (method, _) => method.to_string(),
        },
        Message::SipResponse { status, method, .. } => format!("{method} {status}"),
        Message::EmappRequest { action, user, .. } => {
            // "login-submit" is the step that carries the user: said
            // short, so that the user's name fits the 20 characters.
            let action = match action.as_str() {
                "login-submit" => "submit".to_string(),
                other => other.replace('-', " "),
            };
            match user {
                Some(user) => format!("EMApp {action} {user}"),
                None => format!("EMApp {action}"),
            }
        }
        Message::EmappResponse {
            error_code,
            error_text,
            object,
        } => match (error_code, error_text, object.as_deref()) {
            (Some(code), _, _) => format!("EMApp error {code}"),
            (None, Some(_), _) => "EMApp error".to_string(),
            (None, None, Some("CiscoIPPhoneInput")) => "EMApp login form".to_string(),
            // CiscoIPPhoneText, ...: the XML objects of Cisco's IP phone
            // services SDK, named without their common prefix.
            (None, None, Some(object)) => {
                let short = object.strip_prefix("CiscoIPPhone").unwrap_or(object);
                format!("EMApp {short} page")
            }
            (None, None, None) => "EMApp answer".to_string(),
        },
        Message::EmserviceRequest { request, user, .. } => match user {
            Some(user) => format!("EMService {request} {user}"),
            None => format!("EMService {request}"),
        },
        Message::EmserviceResponse { result, error_code } => match (error_code, result) {
            (Some(code), _) => format!("EMService error {code}"),
            (None, Some(result)) => format!("EMService {result}"),
            (None, None) => "EMService answer".to_string(),
        },
        Message::Download {
            kind,
            transport,
            result,
            status,
            ..
        } => download(kind, transport, result.as_deref(), *status),
        Message::Tvs { event, status, .. } => tvs(event, *status),
        Message::Sccp(sccp) => skinny(sccp),
        Message::SkinnyAlarm { alarm, .. } => format!("EnhancedAlarm {alarm}"),
    }
}

/// A download's request or answer. `status` is the HTTP status of an
/// answer over HTTP (ciscotl's result words name classes of statuses).
fn download(kind: &str, transport: &str, result: Option<&str>, status: Option<u32>) -> String {
    let http = transport == "HTTP";
    match (result, status) {
        (None, _) if http => format!("GET {kind}"),
        (None, _) => format!("TFTP read {kind}"),
        // A missing CTL is how a cluster outside mixed mode answers
        // (seeds/001): normal, said so.
        (Some("not-found"), Some(status)) if kind == "CTL" => format!("CTL {status} (normal)"),
        (Some("not-found"), None) if kind == "CTL" => "CTL none (normal)".to_string(),
        // Over HTTP, a phone falls back to TFTP for a file the server
        // cannot give (seeds/001, phase 5).
        (Some("unavailable"), Some(status)) if http => format!("{kind} {status} -> TFTP"),
        (Some(_), Some(status)) => format!("{kind} {status}"),
        (Some("ok"), None) => format!("{kind} via {transport}"),
        (Some(other), None) => format!("{kind} {transport} {}", other.replace('-', " ")),
    }
}

fn tvs(event: &str, status: Option<u32>) -> String {
    match (event, status) {
        // ciscotvs.status: 0 valid, 1 invalid (src/ciscotvs/messages.rs).
        ("response", Some(0)) => "TVS verify: valid".to_string(),
        ("response", Some(1)) => "TVS verify: invalid".to_string(),
        ("response", Some(other)) => format!("TVS verify: status {other}"),
        ("response", None) => "TVS answer".to_string(),
        ("request", _) => "TVS verify request".to_string(),
        ("connect", _) => "TVS connect".to_string(),
        ("handshake", _) => "TVS TLS handshake".to_string(),
        ("close", _) => "TVS close".to_string(),
        ("reset", _) => "TVS reset".to_string(),
        ("no-response", _) => "TVS no answer".to_string(),
        (other, _) => format!("TVS {other}"),
    }
}

fn skinny(message: &Sccp) -> String {
    match message {
        Sccp::Register { .. } => "Register".to_string(),
        Sccp::RegisterAck { .. } => "RegisterAck".to_string(),
        Sccp::RegisterReject { .. } => "RegisterReject".to_string(),
        Sccp::KeepAlive => "KeepAlive".to_string(),
        Sccp::KeepAliveAck => "KeepAliveAck".to_string(),
        Sccp::Unregister => "Unregister".to_string(),
        Sccp::UnregisterAck => "UnregisterAck".to_string(),
        Sccp::Alarm { .. } => "Alarm".to_string(),
        // resetType: packet-skinny.c DeviceResetType.
        Sccp::Reset { kind: Some(1) } => "Reset reset".to_string(),
        Sccp::Reset { kind: Some(2) } => "Reset restart".to_string(),
        Sccp::Reset { kind: Some(3) } => "Reset apply config".to_string(),
        Sccp::Reset { .. } => "Reset".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn download_message(
        kind: &str,
        transport: &str,
        result: Option<&str>,
        status: Option<u32>,
    ) -> Message {
        Message::Download {
            file: format!("{kind}SEP001122334455.tlv"),
            kind: kind.into(),
            device: None,
            transport: transport.into(),
            result: result.map(str::to_string),
            status,
        }
    }

    #[test]
    fn downloads_say_file_status_and_meaning() {
        let cases = [
            (download_message("CTL", "HTTP", None, None), "GET CTL"),
            (download_message("ITL", "TFTP", None, None), "TFTP read ITL"),
            (
                download_message("CTL", "HTTP", Some("not-found"), Some(404)),
                "CTL 404 (normal)",
            ),
            (
                download_message("CTL", "TFTP", Some("not-found"), None),
                "CTL none (normal)",
            ),
            (
                download_message("CTL", "HTTP", Some("unavailable"), Some(503)),
                "CTL 503 -> TFTP",
            ),
            (
                download_message("ITL", "HTTP", Some("ok"), Some(200)),
                "ITL 200",
            ),
            (
                download_message("ITL", "TFTP", Some("ok"), None),
                "ITL via TFTP",
            ),
            (
                download_message("ITL", "TFTP", Some("tftp-error"), None),
                "ITL TFTP tftp error",
            ),
            (
                download_message("ITL", "HTTP", Some("http-error"), Some(403)),
                "ITL 403",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(label(&message), expected, "{message:?}");
        }
    }

    #[test]
    fn servlets_name_action_user_and_error() {
        let submit = Message::EmappRequest {
            action: "login-submit".into(),
            device: None,
            user: Some("jdoe".into()),
        };
        assert_eq!(label(&submit), "EMApp submit jdoe");
        let refused = Message::EmappResponse {
            error_code: Some(201),
            error_text: None,
            object: None,
        };
        assert_eq!(label(&refused), "EMApp error 201");
        let form = Message::EmappResponse {
            error_code: None,
            error_text: None,
            object: Some("CiscoIPPhoneInput".into()),
        };
        assert_eq!(label(&form), "EMApp login form");
        let page = Message::EmappResponse {
            error_code: None,
            error_text: None,
            object: Some("CiscoIPPhoneText".into()),
        };
        assert_eq!(label(&page), "EMApp Text page");
        let check = Message::EmserviceRequest {
            request: "checkUser".into(),
            device: None,
            user: Some("jdoe".into()),
        };
        assert_eq!(label(&check), "EMService checkUser jdoe");
        let answer = Message::EmserviceResponse {
            result: None,
            error_code: Some(23),
        };
        assert_eq!(label(&answer), "EMService error 23");
    }

    #[test]
    fn sip_and_skinny_name_the_message() {
        let unregister = Message::SipRequest {
            method: "REGISTER".into(),
            event: None,
            expires: Some(0),
            device: None,
            alarm: None,
            alarm_device: None,
        };
        assert_eq!(label(&unregister), "REGISTER Expires: 0");
        let alarm = Message::SipRequest {
            method: "REFER".into(),
            event: None,
            expires: None,
            device: None,
            alarm: Some("DeviceTLInfo".into()),
            alarm_device: None,
        };
        assert_eq!(label(&alarm), "REFER DeviceTLInfo");
        let ok = Message::SipResponse {
            status: 200,
            phrase: "OK".into(),
            method: "REGISTER".into(),
        };
        assert_eq!(label(&ok), "REGISTER 200");
        assert_eq!(
            label(&Message::Sccp(Sccp::Reset { kind: Some(2) })),
            "Reset restart"
        );
        assert_eq!(
            label(&Message::Sccp(Sccp::Reset { kind: Some(9) })),
            "Reset"
        );
    }

    #[test]
    fn tvs_verdicts_are_read_when_decrypted() {
        let response = |status| Message::Tvs {
            event: "response".into(),
            client: String::new(),
            server: String::new(),
            status,
        };
        assert_eq!(label(&response(Some(0))), "TVS verify: valid");
        assert_eq!(label(&response(Some(1))), "TVS verify: invalid");
        assert_eq!(label(&response(None)), "TVS answer");
    }
}
