//! `emccflow.step`: one line per frame saying what it means in the login,
//! in the words an engineer would use walking through the capture.

use std::cell::RefCell;

use super::label::Text;
use super::phase::Side;
use crate::emcc::codes;

pub const FALLBACK_REGISTER: &str =
    "Phone gives up on the home cluster and registers with the visiting cluster again";
pub const HOME_REGISTER: &str = "Phone registers with the home cluster";
pub const HOME_REGISTERED: &str = "Home cluster accepts the registration: the login is complete";
pub const LOGOUT_REGISTER: &str = "Phone registers back with the visiting cluster after the logout";
pub const LOGOUT_REGISTERED: &str =
    "Visiting cluster accepts the registration: the logout is complete";
pub const UNREGISTER: &str = "Phone unregisters from the visiting cluster before restarting";
pub const LOGOUT_UNREGISTER: &str = "Phone unregisters from the home cluster for the logout";
pub const RESTART_NOTIFY: &str =
    "Visiting cluster tells the phone to restart with the user's profile (service-control NOTIFY)";
pub const LOGOUT_NOTIFY: &str =
    "Home cluster tells the phone to restart for the logout (service-control NOTIFY)";
pub const RESTART_RESET: &str =
    "Visiting cluster tells the phone to restart with the user's profile (SCCP Reset)";
pub const LOGOUT_RESET: &str =
    "Home cluster tells the phone to restart for the logout (SCCP Reset)";

pub fn visiting_register(expires: Option<u32>) -> String {
    match expires {
        Some(secs) => format!("Phone registers with the visiting cluster (expires {secs} s)"),
        None => "Phone registers with the visiting cluster".to_string(),
    }
}

pub fn sip_response(
    method: &str,
    status: u32,
    phrase: &str,
    side: Option<Side>,
    from_phone: bool,
) -> String {
    let who = match (from_phone, side) {
        (true, _) => "Phone".to_string(),
        (false, Some(side)) => format!("The {} cluster", side.as_str()),
        (false, None) => "The cluster".to_string(),
    };
    let phrase = if phrase.is_empty() {
        String::new()
    } else {
        format!(" {phrase}")
    };
    match status {
        100..=199 => format!("{who} is processing the {method} ({status}{phrase})"),
        200..=299 => format!("{who} accepts the {method} ({status}{phrase})"),
        _ => format!("{who} refuses the {method} ({status}{phrase})"),
    }
}

/// A Skinny answer to the phone's Register or Unregister: `what` the
/// answer is (`RegisterAck`, ...), `detail` its text if any.
pub fn sccp_answer(
    request: &str,
    accepted: bool,
    what: &str,
    detail: Option<&str>,
    side: Option<Side>,
) -> String {
    let who = match side {
        Some(side) => format!("The {} cluster", side.as_str()),
        None => "The cluster".to_string(),
    };
    let verb = if accepted { "accepts" } else { "refuses" };
    match detail.filter(|d| !d.is_empty()) {
        Some(detail) => format!("{who} {verb} the {request} ({what} \"{detail}\")"),
        None => format!("{who} {verb} the {request} ({what})"),
    }
}

/// An SCCP phone's Alarm before it registers: why it last restarted.
pub fn restart_alarm(side: Side, code: Option<u32>, last: Option<&str>) -> String {
    let cause = match (code, last.filter(|l| !l.is_empty())) {
        (Some(code), Some(last)) => format!(": cause {code}, {last}"),
        (Some(code), None) => format!(": cause {code}"),
        (None, Some(last)) => format!(": {last}"),
        (None, None) => String::new(),
    };
    format!(
        "Phone tells the {} cluster why it last restarted, before registering (Alarm{cause})",
        side.as_str()
    )
}

/// A REFER: the phone's alarm reports, or the cluster's remote-control
/// REFER; or (not `by_refer`) an SCCP phone's alarm in Skinny.
pub fn report(from_phone: bool, alarm: Option<&str>, side: Side, by_refer: bool) -> String {
    let carrier = if by_refer {
        "alarm REFER"
    } else {
        "Skinny EnhancedAlarm"
    };
    match (from_phone, alarm) {
        (true, Some(alarm)) => format!(
            "Phone reports {alarm} to the {} cluster ({carrier})",
            side.as_str()
        ),
        (true, None) => format!("Phone sends a REFER to the {} cluster", side.as_str()),
        (false, _) => format!(
            "The {} cluster sends the phone a REFER (remote control)",
            side.as_str()
        ),
    }
}

pub fn emapp_request(action: &str, user: Option<&str>) -> String {
    match action {
        "service-entry" => "User opens the EMCC login service on the phone (EMApp)".to_string(),
        "login-submit" => match user {
            Some(user) => format!("Phone submits user {user} and the PIN to EMApp"),
            None => "Phone submits the user id and PIN to EMApp".to_string(),
        },
        "refresh" => "Phone asks EMApp for the login result (refresh)".to_string(),
        "init-services" => {
            "Phone reloads its services after the login (initservices.jsp)".to_string()
        }
        "logout" => "User logs out of EMCC (EMApp logout)".to_string(),
        other => format!("Phone sends an EMApp request ({other})"),
    }
}

pub fn emapp_response(code: Option<u32>, text: Option<&str>, object: Option<&str>) -> String {
    if code.is_some() || text.is_some() {
        return format!("EMApp refuses: {}", refusal(code, text));
    }
    match object {
        Some("CiscoIPPhoneInput") => "EMApp sends the login form (CiscoIPPhoneInput)".to_string(),
        Some(object) => format!("EMApp answers with a {object} page"),
        None => "EMApp answers".to_string(),
    }
}

/// The EM error in plain words.
pub fn refusal(code: Option<u32>, text: Option<&str>) -> String {
    match (code, text) {
        (Some(code), _) => {
            let meaning = codes::lookup(codes::EMAPP_ERRORS, code).unwrap_or("unknown code");
            format!("EMApp error {code} ({meaning})")
        }
        (None, Some(text)) => format!("EMApp error \"{text}\""),
        (None, None) => "EMApp error".to_string(),
    }
}

pub fn emservice_request(request: &str, user: Option<&str>) -> String {
    match user {
        Some(user) => {
            format!("Visiting cluster asks the home cluster's EMService: {request} for user {user}")
        }
        None => format!("Visiting cluster asks the home cluster's EMService: {request}"),
    }
}

pub fn emservice_response(result: Option<&str>, code: Option<u32>) -> String {
    match code {
        Some(code) => {
            let meaning = codes::lookup(codes::EMSERVICE_ERRORS, code).unwrap_or("unknown code");
            format!("Home cluster's EMService answers error {code} ({meaning})")
        }
        None => format!(
            "Home cluster's EMService answers {}",
            result.unwrap_or("(no result)")
        ),
    }
}

pub fn download(
    file: &str,
    kind: &str,
    transport: &str,
    result: Option<&str>,
    side: Side,
) -> String {
    let cluster = format!("the {} cluster", side.as_str());
    match result {
        None => format!("Phone requests its {kind} file {file} from {cluster} over {transport}"),
        Some("ok") => format!("{kind} file received from {cluster} over {transport}"),
        Some("not-found") if kind == "CTL" => format!(
            "No CTL on {cluster} ({transport}): the cluster is not in mixed mode, which is normal"
        ),
        Some("unavailable") if transport == "HTTP" => {
            format!("{kind} unavailable over HTTP on {cluster}: the phone falls back to TFTP")
        }
        Some(other) => format!("{kind} request failed on {cluster} over {transport}: {other}"),
    }
}

pub fn tvs(event: &str) -> String {
    match event {
        "connect" => "Phone connects to TVS on the visiting cluster to vouch for the home cluster's ITL signer".to_string(),
        "handshake" => "TLS handshake with TVS".to_string(),
        "request" => "Phone asks TVS to verify the home cluster's signer".to_string(),
        "response" => "TVS answers the phone".to_string(),
        "close" => "TVS session closes".to_string(),
        "reset" => "TVS session reset before an answer".to_string(),
        "no-response" => "TVS session ends without an answer".to_string(),
        other => format!("TVS session: {other}"),
    }
}

/// The step of a TCP frame without a message of its own. There are a few
/// dozen of them (role by connection kind) and most frames of a capture
/// get one, so each is made once and shared.
pub fn tcp(role: &'static str, what: &'static str) -> Text {
    thread_local! {
        static MADE: RefCell<Vec<(&'static str, &'static str, Text)>> = const { RefCell::new(Vec::new()) };
    }
    MADE.with_borrow_mut(|made| {
        if let Some((_, _, step)) = made.iter().find(|(r, w, _)| *r == role && *w == what) {
            return step.clone();
        }
        let step: Text = format!("TCP {role} of the {what}").into();
        made.push((role, what, step.clone()));
        step
    })
}
