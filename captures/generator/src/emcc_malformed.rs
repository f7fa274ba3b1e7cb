//! EMApp and EMService exchanges that a decoder must survive: bad percent
//! escapes, bytes that are not UTF-8, huge query strings, a parameter
//! repeated thousands of times, broken and cut phone XML, an undocumented
//! error code, broken EMService documents. The phone and the visiting
//! cluster of the lab, one HTTP exchange per connection, 1 s apart.

use crate::capture::Capture;
use crate::clock::{http_date, secs, us, Micros};
use crate::emapp::{self, Reply};
use crate::http;
use crate::lab::{Lab, Node};
use crate::message::TextMessage;
use crate::topology::{ARTICLE_PHONE, EMAPP_PORT, VISITING};

/// A phone XML answer as EMApp would send it.
fn answer(t: Micros, body: &str) -> TextMessage {
    emapp::tomcat_response(
        t,
        &Reply {
            body,
            session_cookie: None,
            refresh: None,
        },
    )
}

/// An EMService answer (text/xml) with the given body.
fn emservice_answer(t: Micros, body: &str) -> TextMessage {
    http::response(200, "OK")
        .header("Content-Type", "text/xml;charset=UTF-8")
        .length_header("Content-Length")
        .header("Date", http_date(t))
        .header("Connection", "close")
        .body(body)
}

/// An EMService POST whose form body is given as is.
fn emservice_post(form_body: &str) -> TextMessage {
    http::request("POST", "/emservice/EMServiceServlet")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("User-Agent", "Java/1.8.0_181")
        .header("Host", format!("{}:{EMAPP_PORT}", VISITING.ip))
        .header("Connection", "close")
        .length_header("Content-Length")
        .body(form_body)
}

const TEXT_OK: &str = "<CiscoIPPhoneText>\n<Title>Extension Mobility</Title>\n<Text>Please wait</Text>\n</CiscoIPPhoneText>\n";

pub fn malformed() -> Capture {
    let mut lab = Lab::new("emcc-malformed");
    let mut t = secs(1);
    let get = |lab: &mut Lab, t: &mut Micros, target: &str, body: &str, what: &str| {
        let request = emapp::phone_get(&ARTICLE_PHONE, &VISITING, target);
        let response = answer(*t + us(4_000), body);
        let f = lab.phone_exchange(
            Node::Visiting,
            EMAPP_PORT,
            *t,
            &request,
            *t + us(4_000),
            &response,
        );
        lab.note(f.request.last, what);
        *t += secs(1);
    };
    get(
        &mut lab,
        &mut t,
        "/emapp/EMAppServlet?device=SEP%G1C80084AA8743%4&EMCC=true",
        TEXT_OK,
        "(a) bad percent escapes in the device parameter (%G1, a lone %4 at its end)",
    );
    get(
        &mut lab,
        &mut t,
        "/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true&seq=1234&userid=ad%FF%FEgjm",
        TEXT_OK,
        "(b) userid decodes to bytes that are not UTF-8 (%FF%FE)",
    );
    let huge = "x".repeat(20_000);
    get(
        &mut lab,
        &mut t,
        &format!("/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true&userid={huge}"),
        TEXT_OK,
        "(c) a 20000-character userid",
    );
    let repeated = "lang=en_US&".repeat(3_000);
    get(
        &mut lab,
        &mut t,
        &format!("/emapp/EMAppServlet?{repeated}device=SEPC80084AA8743"),
        TEXT_OK,
        "(d) the lang parameter repeated 3000 times before the device",
    );
    get(
        &mut lab,
        &mut t,
        "/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true",
        "<CiscoIPPhoneText>\n<Title>Extension Mobility</Titl>\n<Text>[201] Authentication Error</Text>\n</CiscoIPPhoneText>\n",
        "(e) the answer has a mismatched closing tag before its error text",
    );
    get(
        &mut lab,
        &mut t,
        "/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true",
        "<CiscoIPPhoneInput>\n<Title>Extension Mobility</Title>\n<Prompt>Enter your user ID and PI",
        "(f) the answer ends in the middle of its prompt (cut by the sender)",
    );
    get(
        &mut lab,
        &mut t,
        "/emapp/EMAppServlet?device=SEPC80084AA8743&EMCC=true&seq=1234&userid=adgjm",
        "<CiscoIPPhoneText>\n<Title>Extension Mobility</Title>\n<Text>[299] Something new</Text>\n</CiscoIPPhoneText>\n",
        "(g) an EM error code (299) that no table documents",
    );
    for (form, reply, what) in [
        (
            "xml=%3CemccRequest%3E%3CcheckUser%3E%3Cuser+id%3D%22adgjm%22%3E%3C%2FcheckUser%3E",
            "<emccResponse><failure><error code=\"abc\">oops</error></failure></emccResponse>",
            "(h) EMService: the request XML has a mismatched tag; the answer's error code is not a number",
        ),
        (
            "xml=%ZZ&xml=%3Crequest%3E",
            "<emccResponse><failure><error code=\"99\">New error</error></failure>",
            "(i) EMService: a bad escape, a repeated xml field, an undocumented error code 99 in a cut answer",
        ),
    ] {
        let request = emservice_post(form);
        let response = emservice_answer(t + us(20_000), reply);
        let f = lab.phone_exchange(Node::Home, EMAPP_PORT, t, &request, t + us(20_000), &response);
        lab.note(f.request.last, what);
        t += secs(1);
    }
    lab.finish()
}
