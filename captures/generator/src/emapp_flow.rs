//! Phase 2: the EMCC login through EMApp on the visiting cluster (HTTP 8080), one TCP
//! connection per request as the phone's web client does it; and the logout request.

use crate::clock::{http_date, us, Micros};
use crate::emapp::{self, Reply};
use crate::http;
use crate::lab::{Exchange, Lab, Node};
use crate::message::TextMessage;
use crate::tcp::Endpoint;
use crate::topology::{EMAPP_PORT, QUICK_ACK};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LoginOutcome {
    Success,
    /// EMApp error 201 on the submit; the phone stays on the visiting cluster.
    AuthenticationError,
    /// The home cluster's EMService says the user does not exist (EMService error 23);
    /// the capture also shows the visiting cluster's query to the home cluster.
    UnknownHomeUser,
}

fn reply(t: Micros, body: &str, refresh: Option<String>) -> TextMessage {
    emapp::tomcat_response(
        t,
        &Reply {
            body,
            session_cookie: None,
            refresh,
        },
    )
}

impl Lab<'_> {
    fn emapp_exchange(
        &mut self,
        t_request: Micros,
        target: &str,
        t_response: Micros,
        response: &TextMessage,
    ) -> crate::lab::ExchangeFrames {
        let request = emapp::phone_get(self.phone_id(), self.cluster(Node::Visiting), target);
        self.phone_exchange(
            Node::Visiting,
            EMAPP_PORT,
            t_request,
            &request,
            t_response,
            response,
        )
    }

    /// Phase 2 (article frames 127-324).
    pub fn emapp_login(&mut self, outcome: LoginOutcome) {
        let phone = self.phone_id();
        let vc = self.cluster(Node::Visiting);
        let o = self.origin();
        let base = emapp::base_url(vc);
        let cookie = self.rng().hex(32).to_uppercase();
        let form = emapp::login_form(phone, vc, &phone.user_id);
        let t = o + us(12_162_613);
        let response = emapp::tomcat_response(
            t,
            &Reply {
                body: &form,
                session_cookie: Some(&cookie),
                refresh: None,
            },
        );
        let target = emapp::service_target(phone);
        let f = self.emapp_exchange(o + us(11_984_091), &target, t, &response);
        self.note(f.request.last, "article #127: EMCC service entry");
        self.note(
            f.response.last,
            "article #131: CiscoIPPhoneInput login form",
        );

        let t_submit = o + us(21_495_892);
        let submit = emapp::login_target(phone);
        match outcome {
            LoginOutcome::Success => {
                let t = o + us(21_974_894);
                let refresh_target = emapp::refresh_target(phone);
                let refresh = format!("0; url={base}{refresh_target}");
                let response = reply(t, &emapp::login_accepted(), Some(refresh));
                let f = self.emapp_exchange(t_submit, &submit, t, &response);
                self.note(f.request.last, "article #249: login submit, PIN in seq");
                self.note(
                    f.response.last,
                    "article #263: login accepted, Refresh to #Login",
                );

                let t = o + us(22_298_924);
                let next = format!("4; url={base}{}", emapp::INIT_SERVICES);
                let response = reply(t, &emapp::login_loading(phone), Some(next));
                let f = self.emapp_exchange(o + us(22_291_842), &refresh_target, t, &response);
                self.note(f.request.last, "article #276: refresh SEP..%23Login");
                self.note(f.response.last, "article #278: profile loading page");

                let t = o + us(26_413_935);
                let response = reply(t, &emapp::init_services(), None);
                let f = self.emapp_exchange(o + us(26_413_083), emapp::INIT_SERVICES, t, &response);
                self.note(f.request.last, "article #322: initservices.jsp");
                self.note(
                    f.response.last,
                    "article #324: CiscoIPPhoneExecute Init:Services",
                );
            }
            LoginOutcome::AuthenticationError => {
                let t = o + us(21_974_894);
                let page = emapp::text_page(
                    "Error 201: Authentication Error",
                    "[201] Authentication Error",
                );
                let response = reply(t, &page, None);
                let f = self.emapp_exchange(t_submit, &submit, t, &response);
                self.note(f.request.last, "article #249: login submit, PIN in seq");
                self.note(f.response.last, "variant: EMApp error 201, login refused");
            }
            LoginOutcome::UnknownHomeUser => {
                self.emservice_check_user(o + us(21_512_406));
                let t = o + us(21_553_208);
                let page = emapp::text_page("Login failed", "Login is unavailable (23)");
                let response = reply(t, &page, None);
                let f = self.emapp_exchange(t_submit, &submit, t, &response);
                self.note(f.request.last, "article #249: login submit, PIN in seq");
                self.note(
                    f.response.last,
                    "variant: login is unavailable (EMService error 23)",
                );
            }
        }
    }

    /// The visiting cluster's EMService asks the home cluster about the user, over plain
    /// HTTP on 8080 so the exchange can be read (CUCM uses HTTPS 8443 between clusters).
    fn emservice_check_user(&mut self, t: Micros) {
        let phone = self.phone_id();
        let (vc, hc) = (self.cluster(Node::Visiting), self.cluster(Node::Home));
        let password = self.rng().hex(24);
        let xml = emapp::emcc_check_user(phone, vc, &password);
        let body = format!("xml={}", http::form_encode(&xml));
        let request = http::request("POST", "/emservice/EMServiceServlet")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cache-Control", "no-cache")
            .header("Pragma", "no-cache")
            .header("User-Agent", "Java/1.8.0_181")
            .header("Host", format!("{}:{EMAPP_PORT}", hc.ip))
            .header(
                "Accept",
                "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2",
            )
            .header("Connection", "close")
            .length_header("Content-Length")
            .body(body);
        let t_response = t + us(29_327);
        let response = http::response(200, "OK")
            .header("Content-Type", "text/xml;charset=UTF-8")
            .length_header("Content-Length")
            .header("Date", http_date(t_response))
            .header("Connection", "close")
            .body(emapp::emcc_failure(23, "User does not exist"));
        let port = self.rng().range(40_000, 60_000) as u16;
        let f = self.exchange(&Exchange {
            client: Endpoint {
                host: vc.host,
                port,
            },
            client_stack: vc.stack(QUICK_ACK),
            server: hc.endpoint(EMAPP_PORT),
            server_stack: hc.stack(QUICK_ACK),
            t_request: t,
            request: &request,
            t_response,
            response: &response,
        });
        self.note(
            f.request.last,
            &format!("VC to HC: EMService checkUser {}", phone.user_id),
        );
        self.note(
            f.response.last,
            "HC to VC: failure, error code 23 User does not exist",
        );
    }

    /// The logout request of an EMCC user, on the visiting cluster's EMApp.
    pub fn emapp_logout(&mut self, t_request: Micros, t_response: Micros) {
        let response = reply(t_response, &emapp::logout_accepted(), None);
        let target = emapp::logout_target(self.phone_id());
        let f = self.emapp_exchange(t_request, &target, t_response, &response);
        self.note(f.request.last, "EMApp logout: doLogout=true");
        self.note(f.response.last, "logout accepted");
    }
}
