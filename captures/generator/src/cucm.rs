//! A CUCM node's SIP side towards the phone: registrar answers, REFER acceptance, the
//! service-control NOTIFY that restarts a phone, and the post-registration REFER.
//!
//! Shapes follow the article's phone log: decimal To tags, `Server: Cisco-CUCM11.5`,
//! `Expires: 120` on TCP registrations, 100 Trying without a To tag, and Call-IDs
//! ending in the node's address written backwards in hex.

use crate::clock::{http_date, Micros};
use crate::message::TextMessage;
use crate::phone::{SipPath, REMOTECC_REQUEST};
use crate::prng::Prng;
use crate::remotecc;
use crate::sip::{self, Part};
use crate::topology::{Cluster, SIP_PORT};

pub(crate) const SERVER: &str = "Cisco-CUCM11.5";
const REMOTECC_RESPONSE: &str = "application/x-cisco-remotecc-response+xml";

pub struct Cucm<'s> {
    pub cluster: &'s Cluster,
    rng: Prng,
    calls: u32,
}

/// What a service-control restart NOTIFY tells the phone to compare after restarting.
pub struct RestartNotice<'a> {
    pub register_call_id: &'a str,
    pub config_stamp: &'a str,
    pub softkey_stamp: &'a str,
}

impl<'s> Cucm<'s> {
    /// The node of `cluster` as one phone's lab sees it; `seed` seeds its tags and Call-IDs.
    pub fn new(cluster: &'s Cluster, seed: &str) -> Cucm<'s> {
        Cucm {
            cluster,
            rng: Prng::from_label(seed),
            calls: 0,
        }
    }

    pub(crate) fn tag(&mut self) -> String {
        let digits = if self.rng.next_u32() & 1 == 0 { 9 } else { 10 };
        self.rng.decimal(digits)
    }

    pub(crate) fn call_id(&mut self) -> String {
        self.calls += 1;
        let ip = self.cluster.host.ip;
        format!(
            "{}-{}-{:x}-{:02x}{:02x}{:02x}{:02x}@{}",
            self.rng.hex(8),
            self.rng.hex(8),
            self.calls,
            ip[3],
            ip[2],
            ip[1],
            ip[0],
            self.cluster.ip
        )
    }

    fn node_contact(&self) -> String {
        format!("<sip:{}:{SIP_PORT};transport=tcp>", self.cluster.ip)
    }

    /// The Via of a request the node sends, with a fresh branch.
    pub(crate) fn via(&mut self) -> String {
        let branch = sip::branch(&mut self.rng);
        format!("SIP/2.0/TCP {}:{SIP_PORT};branch={branch}", self.cluster.ip)
    }

    pub fn trying(&mut self, req: &TextMessage, t: Micros) -> TextMessage {
        sip::response(100, "Trying")
            .copy(req, "Via")
            .copy(req, "From")
            .copy(req, "To")
            .header("Date", http_date(t))
            .copy(req, "Call-ID")
            .copy(req, "CSeq")
            .length_header("Content-Length")
    }

    pub fn accepted(&mut self, req: &TextMessage, t: Micros) -> TextMessage {
        let tag = self.tag();
        sip::response_to(req, 202, "Accepted", &tag, &http_date(t))
            .header("Contact", self.node_contact())
            .length_header("Content-Length")
    }

    /// 200 OK to a binding REGISTER; `remotecc` adds the options answer a bulk REGISTER gets.
    pub fn registered(&mut self, req: &TextMessage, t: Micros, remotecc: bool) -> TextMessage {
        self.binding_ok(req, t, ";x-cisco-newreg", remotecc)
    }

    /// 200 OK to a refresh of a registration the node already holds: no `x-cisco-newreg`.
    pub fn refreshed(&mut self, req: &TextMessage, t: Micros) -> TextMessage {
        self.binding_ok(req, t, "", false)
    }

    fn binding_ok(
        &mut self,
        req: &TextMessage,
        t: Micros,
        newreg: &str,
        remotecc: bool,
    ) -> TextMessage {
        let tag = self.tag();
        let contact = format!(
            "{}{newreg};expires=120",
            req.get("Contact").expect("REGISTER without Contact")
        );
        let m = sip::response_to(req, 200, "OK", &tag, &http_date(t))
            .header("Server", SERVER)
            .header("Expires", "120")
            .header("Contact", contact)
            .header("Supported", "X-cisco-srtp-fallback,X-cisco-sis-8.0.0");
        if remotecc {
            m.header("Content-Type", REMOTECC_RESPONSE)
                .length_header("Content-Length")
                .body(remotecc::options_response())
        } else {
            m.length_header("Content-Length")
        }
    }

    /// 200 OK to an unregister: no Contact left, so Wireshark counts 0 bindings.
    pub fn unregistered(&mut self, req: &TextMessage, t: Micros) -> TextMessage {
        let tag = self.tag();
        sip::response_to(req, 200, "OK", &tag, &http_date(t))
            .header("Server", SERVER)
            .header("Expires", "0")
            .header("Supported", "X-cisco-srtp-fallback,X-cisco-sis-8.0.0")
            .length_header("Content-Length")
    }

    pub fn forbidden(&mut self, req: &TextMessage, t: Micros, warning: &str) -> TextMessage {
        let tag = self.tag();
        sip::response_to(req, 403, "Forbidden", &tag, &http_date(t))
            .header("Server", SERVER)
            .header("Warning", format!("399 {} \"{warning}\"", self.cluster.ip))
            .length_header("Content-Length")
    }

    /// `Event: service-control` with `action=restart`: apply the new configuration.
    pub fn notify_restart(
        &mut self,
        phone: SipPath,
        t: Micros,
        notice: &RestartNotice,
    ) -> TextMessage {
        let c = self.cluster;
        let phone_ip = &phone.phone.ip;
        let body = format!(
            "action=restart\r\nRegisterCallId={{{}}}\r\nConfigVersionStamp={{{}}}\r\n\
             DialplanVersionStamp={{}}\r\nSoftkeyVersionStamp={{{}}}\r\n",
            notice.register_call_id, notice.config_stamp, notice.softkey_stamp
        );
        let branch = sip::branch(&mut self.rng);
        let tag = self.tag();
        sip::request(
            "NOTIFY",
            &format!("sip:{}@{phone_ip}:{}", c.line_dn, phone.local_port),
        )
        .header(
            "Via",
            format!("SIP/2.0/TCP {}:{SIP_PORT};branch={branch}", c.ip),
        )
        .header("From", format!("<sip:{}@{}>;tag={tag}", c.line_dn, c.ip))
        .header("To", format!("<sip:{}@{phone_ip}>", c.line_dn))
        .header("Date", http_date(t))
        .header("Call-ID", self.call_id())
        .header("CSeq", "101 NOTIFY")
        .header("Max-Forwards", "70")
        .header("Event", "service-control")
        .header("Subscription-State", "active")
        .header(
            "Contact",
            format!("<sip:{}@{}:{SIP_PORT};transport=tcp>", c.line_dn, c.ip),
        )
        .header("Content-Type", "text/plain")
        .length_header("Content-Length")
        .body(body)
    }

    /// The unsolicited REFER a CUCM sends a freshly registered phone, with a remotecc
    /// request and a text part (both bodies invented; the article shows only their types).
    pub fn refer_bulk_update(&mut self, phone: SipPath, t: Micros) -> TextMessage {
        let c = self.cluster;
        let phone_ip = &phone.phone.ip;
        let xml = remotecc::cucm_bulk_update();
        let text = remotecc::cucm_bulk_update_text(&c.line_dn, &c.ip);
        let body = sip::multipart(
            "uniqueBoundary",
            &[
                Part {
                    content_type: REMOTECC_REQUEST,
                    disposition: Some("session;handling=required"),
                    body: xml.as_bytes(),
                },
                Part {
                    content_type: "text/plain",
                    disposition: Some("session;handling=required"),
                    body: text.as_bytes(),
                },
            ],
        );
        let branch = sip::branch(&mut self.rng);
        let tag = self.tag();
        let cid = format!("{}@{}", self.rng.decimal(9), c.ip);
        let line = format!("<sip:{}@{}>", c.line_dn, c.ip);
        sip::request(
            "REFER",
            &format!(
                "sip:{}@{phone_ip}:{};transport=tcp",
                phone.phone.contact_user, phone.local_port
            ),
        )
        .header(
            "Via",
            format!("SIP/2.0/TCP {}:{SIP_PORT};branch={branch}", c.ip),
        )
        .header("From", format!("{line};tag={tag}"))
        .header("To", format!("<sip:{}@{phone_ip}>", c.line_dn))
        .header("Date", http_date(t))
        .header("Call-ID", self.call_id())
        .header("CSeq", "101 REFER")
        .header("Max-Forwards", "70")
        .header(
            "Contact",
            format!("<sip:{}@{}:{SIP_PORT};transport=tcp>", c.line_dn, c.ip),
        )
        .header("Referred-By", line)
        .header("Refer-To", format!("cid:{cid}"))
        .header("Content-Id", format!("<{cid}>"))
        .header("Expires", "10")
        .header("Require", "norefersub")
        .header("Mime-Version", "1.0")
        .header("Content-Type", "multipart/mixed;boundary=uniqueBoundary")
        .length_header("Content-Length")
        .body(body)
    }
}
