//! One phone refused again and again, once per error family an engineer
//! meets: EMService codes passed on by EMApp ("Login is unavailable (N)")
//! and EMApp's own codes ("[208]-..." when the visiting cluster cannot reach
//! the home cluster's EMService). Each attempt is the login submit of the
//! lab phone on its own connection, 5 s apart.

use crate::capture::Capture;
use crate::clock::{secs, us, Micros};
use crate::emapp::{self, Reply};
use crate::lab::{Lab, Node};
use crate::topology::{ARTICLE_PHONE, EMAPP_PORT, VISITING};

/// (prompt, text, what the attempt shows). Wording as the phone's screen
/// and domain.md give it; the EMService meanings come from its code table.
const REFUSALS: &[(&str, &str, &str)] = &[
    (
        "Login failed",
        "Login is unavailable (31)",
        "EMService 31: EMCC not enabled for the user",
    ),
    (
        "Login failed",
        "Login is unavailable (35)",
        "EMService 35: the visiting cluster is unknown to the home cluster",
    ),
    (
        "Error 208: EMService Connection Error",
        "[208]-EMService Connection Error",
        "EMApp 208: the visiting cluster cannot reach the home cluster's EMService",
    ),
    (
        "Error 202: Blank userid or pin",
        "[202] Blank userid or pin",
        "EMApp 202: blank user id or PIN",
    ),
];

pub fn refusals() -> Capture {
    let mut lab = Lab::new("emcc-login-refusals");
    let mut t: Micros = secs(1);
    for (prompt, text, what) in REFUSALS {
        let request = emapp::phone_get(
            &ARTICLE_PHONE,
            &VISITING,
            &emapp::login_target(&ARTICLE_PHONE),
        );
        let t_response = t + us(180_000);
        let page = emapp::text_page(prompt, text);
        let response = emapp::tomcat_response(
            t_response,
            &Reply {
                body: &page,
                session_cookie: None,
                refresh: None,
            },
        );
        let f = lab.phone_exchange(
            Node::Visiting,
            EMAPP_PORT,
            t,
            &request,
            t_response,
            &response,
        );
        lab.note(f.request.last, "login submit, PIN in seq");
        lab.note(f.response.last, what);
        t += secs(5);
    }
    lab.finish()
}
