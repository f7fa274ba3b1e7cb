//! Extension Mobility web traffic: the phone's HTTP requests to EMApp, the Cisco IP
//! phone XML objects EMApp answers with, and the EMService XML clusters exchange.

use crate::clock::{http_date, Micros};
use crate::http;
use crate::message::TextMessage;
use crate::topology::{Cluster, PhoneId, EMAPP_PORT};
use crate::xml::{element, escape};

pub const SERVLET: &str = "/emapp/EMAppServlet";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
const TITLE: &str = "Extension Mobility";

/// The EMCC service URL of the article with `#DEVICENAME#` and `#EMCC#` filled in.
pub fn service_target(phone: &PhoneId) -> String {
    format!("{SERVLET}?device={}&EMCC=true", phone.device_name)
}

/// The login form's submit: the phone appends the inputs, PIN (`seq`) first.
pub fn login_target(phone: &PhoneId) -> String {
    format!(
        "{}&seq={}&userid={}",
        service_target(phone),
        phone.pin,
        phone.user_id
    )
}

/// `#` of `SEP..#Login` is percent-encoded on the wire.
pub fn refresh_target(phone: &PhoneId) -> String {
    format!("{SERVLET}?refresh={}%23Login&EMCC=true", phone.device_name)
}

pub const INIT_SERVICES: &str = "/emapp/jsp/initservices.jsp";

pub fn logout_target(phone: &PhoneId) -> String {
    format!("{SERVLET}?device={}&doLogout=true", phone.device_name)
}

pub fn base_url(vc: &Cluster) -> String {
    format!("http://{}:{EMAPP_PORT}", vc.ip)
}

/// An HTTP GET as the phone's web client (Allegro) writes it; the headers are the same
/// for every EMApp request (the article's four requests differ only by their targets).
pub fn phone_get(phone: &PhoneId, vc: &Cluster, target: &str) -> TextMessage {
    http::request("GET", target)
        .header("Host", format!("{}:{EMAPP_PORT}", vc.ip))
        .header("Connection", "close")
        .header(
            "Accept",
            "x-CiscoIPPhone/*;version=3.0, text/*, image/png, */*",
        )
        .header("User-Agent", "Allegro-Software-WebClient/4.34")
        .header("Accept-Language", "en_US")
        // Sic: the article's EMApp log prints this value with the stray comma.
        .header("Accept-Charset", "utf-8,;q=0.8")
        .header("x-CiscoIPPhoneModelName", phone.model.name)
        .header("x-CiscoIPPhoneDisplay", "396,162,4,G")
        .header("x-CiscoIPPhoneSDKVersion", "12.1.1")
}

/// EMApp (Tomcat) response headers around a phone XML object.
pub struct Reply<'a> {
    pub body: &'a str,
    pub session_cookie: Option<&'a str>,
    /// `Refresh` header value: how EMApp chains the phone to its next page.
    pub refresh: Option<String>,
}

pub fn tomcat_response(t: Micros, reply: &Reply) -> TextMessage {
    let mut m = http::response(200, "OK");
    if let Some(id) = reply.session_cookie {
        m = m.header(
            "Set-Cookie",
            format!("JSESSIONID={id}; Path=/emapp; HttpOnly"),
        );
    }
    if let Some(r) = &reply.refresh {
        m = m.header("Refresh", r.clone());
    }
    m.header("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")
        .header("Cache-Control", "no-cache")
        .header("Content-Type", "text/xml;charset=utf-8")
        .length_header("Content-Length")
        .header("Date", http_date(t))
        .header("Connection", "close")
        .body(reply.body)
}

fn softkey(name: &str, url: &str, position: u32) -> String {
    format!(
        "<SoftKeyItem>\n{}\n{}\n<Position>{position}</Position>\n</SoftKeyItem>\n",
        element("Name", name),
        element("URL", url)
    )
}

/// The login page (EMApp's form1.jsp): user id prefilled with the last user.
pub fn login_form(phone: &PhoneId, vc: &Cluster, last_user: &str) -> String {
    let item = |label: &str, param: &str, default: &str, flags: &str| {
        format!(
            "<InputItem>\n{}\n{}\n{}\n{}\n</InputItem>\n",
            element("DisplayName", label),
            element("QueryStringParam", param),
            element("DefaultValue", default),
            element("InputFlags", flags)
        )
    };
    format!(
        "{XML_DECL}<CiscoIPPhoneInput>\n{}\n{}\n{}\n{}{}{}{}</CiscoIPPhoneInput>\n",
        element("Title", TITLE),
        element("Prompt", "Enter your User ID and PIN"),
        element("URL", &format!("{}{}", base_url(vc), service_target(phone))),
        item("User ID", "userid", last_user, "A"),
        item("PIN", "seq", "", "NP"),
        softkey("Submit", "SoftKey:Submit", 1),
        softkey("Exit", "SoftKey:Exit", 3),
    )
}

pub fn text_page(prompt: &str, text: &str) -> String {
    format!(
        "{XML_DECL}<CiscoIPPhoneText>\n{}\n{}\n{}\n</CiscoIPPhoneText>\n",
        element("Title", TITLE),
        element("Prompt", prompt),
        element("Text", text)
    )
}

/// EMApp's phone_refresh.jsp after a successful login.
pub fn login_accepted() -> String {
    text_page("Please wait", "Login successful")
}

pub fn login_loading(phone: &PhoneId) -> String {
    format!(
        "{XML_DECL}<CiscoIPPhoneText>\n{}\n{}\n{}\n{}</CiscoIPPhoneText>\n",
        element("Title", TITLE),
        element("Prompt", &format!("Loading profile {}", phone.device_profile)),
        element(
            "Text",
            &format!("Login successful for {}. The phone restarts with the profile from the home cluster.", phone.user_id),
        ),
        softkey("Exit", "SoftKey:Exit", 3),
    )
}

/// initservices.jsp: tells the phone to reload its services.
pub fn init_services() -> String {
    format!(
        "{XML_DECL}<CiscoIPPhoneExecute>\n<ExecuteItem Priority=\"0\" URL=\"{}\"/>\n</CiscoIPPhoneExecute>\n",
        escape("Init:Services")
    )
}

pub fn logout_accepted() -> String {
    text_page("Please wait", "Logout successful")
}

/// The visiting cluster asks the home cluster whether the user exists (EMCC check user).
/// Element names follow the EMService API shape; the exact schema is not public.
pub fn emcc_check_user(phone: &PhoneId, vc: &Cluster, app_password: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<emccRequest>\n<appInfo>\n{}\n{}\n</appInfo>\n\
         <checkUser>\n<user id=\"{}\"/>\n<device name=\"{}\"/>\n<visitingCluster id=\"{}\"/>\n</checkUser>\n</emccRequest>\n",
        element("appID", "CCMSysUser"),
        element("appCertificate", app_password),
        escape(&phone.user_id),
        escape(&phone.device_name),
        escape(&vc.cluster_id),
    )
}

pub fn emcc_failure(code: u32, text: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<emccResponse><failure><error code=\"{code}\">{}</error></failure></emccResponse>\n",
        escape(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::{ARTICLE_PHONE, VISITING};

    #[test]
    fn targets_match_the_article() {
        let p = &ARTICLE_PHONE;
        assert_eq!(
            service_target(p),
            "/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true"
        );
        assert_eq!(
            login_target(p),
            "/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true&seq=134679&userid=adgjm"
        );
        assert_eq!(
            refresh_target(p),
            "/emapp/EMAppServlet?refresh=SEPC80084AA8743%23Login&EMCC=true"
        );
    }

    #[test]
    fn form_escapes_its_url() {
        let f = login_form(&ARTICLE_PHONE, &VISITING, "adgjm");
        assert!(f.contains("<URL>http://192.168.7.100:8080/emapp/EMAppServlet?device=SEPC80084AA8743&amp;EMCC=true</URL>"));
        assert!(f.contains("<QueryStringParam>seq</QueryStringParam>"));
        assert!(f.contains("<URL>SoftKey:Submit</URL>"));
    }
}
