//! `emcc-em-api`: an Extension Mobility API application (192.168.7.50) asks the visiting
//! cluster's EMService (`/emservice/EMServiceServlet`) the three queries of Cisco's
//! Extension Mobility API guide and gets their answers as the guide shows them, then two
//! refusals. One exchange per connection, 1 s apart; plain HTTP on 8080 so the documents
//! can be read (the EM API is HTTPS 8443).
//!
//! Shapes and escaping (every fact from domain.md "EMService", which names the guide):
//! - request bodies are one form field `xml=`; the guide's How It Works page escapes with
//!   lower-case `%3c`/`%3e`/`%2f`
//!   (https://developer.cisco.com/docs/extension-mobility-api/how-it-works); Java's
//!   URLEncoder (`http::form_encode`) upper-case with `+` for spaces;
//! - the queries `userDeviceProfileQuery`, `deviceUserQuery`, `userDevicesQuery` and their
//!   answers `deviceProfileResults` (`<deviceProfile><deviceProfileName>`),
//!   `deviceUserResults` (`<device name=..><userID>..<none/>`), `userDevicesResults`
//!   (`<user id=..><deviceName>..`): the guide's "Hello World" pages
//!   (https://developer.cisco.com/site/extension-mobility/learn/how-to/);
//! - user ids in answers are percent-encoded (`em%40cisco.com`);
//! - failures `<response><failure><error code="N">..`: the guide's Request Types
//!   Reference; codes 2 (Cannot authorize App user: blank user id or PIN) and 7 (Logout
//!   Request Error) from its Response Codes table
//!   (https://developer.cisco.com/docs/extension-mobility-api/response-codes).

use crate::capture::Capture;
use crate::clock::{http_date, secs, us, Micros};
use crate::http;
use crate::lab::{Exchange, Lab};
use crate::message::TextMessage;
use crate::net::Host;
use crate::tcp::Endpoint;
use crate::topology::{ARTICLE_PHONE, EMAPP_PORT, QUICK_ACK, VISITING};
use crate::xml::{element, escape};

/// The EM API application's server in the lab subnet.
const APP_SERVER: Host = Host {
    mac: [0x00, 0x50, 0x56, 0x8a, 0x3c, 0x50],
    ip: [192, 168, 7, 50],
};

/// The user the application asks about: an e-mail style user id (its `@` is what the
/// answers percent-encode).
const USER: &str = "em@cisco.com";
const PROFILE: &str = "EM_UDP_7821";

fn app_info() -> String {
    format!(
        "<appInfo>{}{}</appInfo>",
        element("appID", "emapi"),
        element("appCertificate", "emapi-password")
    )
}

/// `xml=` with the document escaped as the guide's How It Works page shows: every byte
/// outside letters and digits as `%xx` in lower case.
fn guide_encode(xml: &str) -> String {
    let mut out = String::from("xml=");
    for b in xml.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// `xml=` as Java's URLEncoder writes it (upper case, `+` for spaces).
fn java_encode(xml: &str) -> String {
    format!("xml={}", http::form_encode(xml))
}

/// The user id as the answers carry it: percent-encoded.
fn encoded_user() -> String {
    USER.replace('@', "%40")
}

fn post(form_body: &str) -> TextMessage {
    http::request("POST", "/emservice/EMServiceServlet")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Host", format!("{}:{EMAPP_PORT}", VISITING.ip))
        .header("Connection", "close")
        .length_header("Content-Length")
        .body(form_body)
}

fn answer(t: Micros, xml: &str) -> TextMessage {
    http::response(200, "OK")
        .header("Content-Type", "text/xml;charset=UTF-8")
        .length_header("Content-Length")
        .header("Date", http_date(t))
        .header("Connection", "close")
        .body(xml)
}

/// (form body, answer document, what the exchange shows).
fn exchanges() -> Vec<(String, String, String)> {
    let user = escape(&encoded_user());
    let device = ARTICLE_PHONE.device_name.to_string();
    vec![
        (
            guide_encode(&format!(
                "<query>{}<userDeviceProfileQuery>{}</userDeviceProfileQuery></query>",
                app_info(),
                element("userID", USER)
            )),
            format!(
                "<response><deviceProfileResults><user id=\"{user}\"><deviceProfile>{}</deviceProfile></user></deviceProfileResults></response>",
                element("deviceProfileName", PROFILE)
            ),
            format!("userDeviceProfileQuery for {USER} (escaped in lower case); the answer lists profile {PROFILE}, the user id percent-encoded"),
        ),
        (
            java_encode(&format!(
                "<query>{}<deviceUserQuery>{}</deviceUserQuery></query>",
                app_info(),
                element("deviceName", &device)
            )),
            format!(
                "<response><deviceUserResults><device name=\"{}\"><userID>{user}</userID><none/></device></deviceUserResults></response>",
                escape(&device)
            ),
            format!("deviceUserQuery for {device}; the answer names {USER}, percent-encoded"),
        ),
        (
            java_encode(&format!(
                "<query>{}<userDevicesQuery>{}</userDevicesQuery></query>",
                app_info(),
                element("userID", USER)
            )),
            format!(
                "<response><userDevicesResults><user id=\"{user}\">{}</user></userDevicesResults></response>",
                element("deviceName", &device)
            ),
            format!("userDevicesQuery for {USER}; the answer lists {device}"),
        ),
        (
            java_encode(&format!(
                "<request>{}<login>{}<userID></userID>{}</login></request>",
                app_info(),
                element("deviceName", &device),
                element("deviceProfile", PROFILE)
            )),
            "<response><failure><error code=\"2\">Cannot authorize App user</error></failure></response>".to_string(),
            "login with a blank user id: EM API error 2 (blank user id or PIN)".to_string(),
        ),
        (
            java_encode(&format!(
                "<request>{}<logout>{}</logout></request>",
                app_info(),
                element("deviceName", &device)
            )),
            "<response><failure><error code=\"7\">Logout Request Error</error></failure></response>".to_string(),
            "logout: EM API error 7 (logout request error)".to_string(),
        ),
    ]
}

pub fn em_api() -> Capture {
    let mut lab = Lab::new("emcc-em-api");
    let mut t: Micros = secs(1);
    for (i, (form, reply, what)) in exchanges().into_iter().enumerate() {
        let request = post(&form);
        let t_response = t + us(25_000);
        let response = answer(t_response, &reply);
        let f = lab.exchange(&Exchange {
            client: Endpoint {
                host: APP_SERVER,
                port: 51_000 + i as u16,
            },
            client_stack: VISITING.stack(QUICK_ACK),
            server: VISITING.endpoint(EMAPP_PORT),
            server_stack: VISITING.stack(QUICK_ACK),
            t_request: t,
            request: &request,
            t_response,
            response: &response,
        });
        lab.note(f.request.last, &what);
        t += secs(1);
    }
    lab.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_escaping_is_lower_case() {
        assert_eq!(guide_encode("<a/>"), "xml=%3ca%2f%3e");
        assert_eq!(java_encode("<a b/>"), "xml=%3Ca+b%2F%3E");
        assert_eq!(encoded_user(), "em%40cisco.com");
    }
}
