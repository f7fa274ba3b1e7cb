//! A CP-78xx's SIP user agent: its identifiers and the messages it writes.
//!
//! Identifier shapes follow what these phones put on the wire: Call-IDs and tags built
//! from the MAC address and a counter, eight-hex-digit branches and Content-Ids,
//! a Session-ID whose local half ends with the MAC, CSeq 1000 on every REFER.

use crate::clock::{http_date, Micros};
use crate::message::TextMessage;
use crate::prng::Prng;
use crate::remotecc;
use crate::sip::{self, Part};
use crate::topology::{Cluster, PhoneId};

pub(crate) const SUPPORTED: &str =
    "replaces,join,sdp-anat,norefersub,resource-priority,extended-refer,\
X-cisco-callinfo,X-cisco-serviceuri,X-cisco-escapecodes,X-cisco-service-control,\
X-cisco-srtp-fallback,X-cisco-monrec,X-cisco-config,X-cisco-sis-7.0.0,X-cisco-xsi-8.5.1";
pub(crate) const ALLOW: &str =
    "ACK,BYE,CANCEL,INVITE,NOTIFY,OPTIONS,REFER,REGISTER,UPDATE,SUBSCRIBE";
pub const ALARM_TYPE: &str = "application/x-cisco-alarm+xml";
pub const REMOTECC_REQUEST: &str = "application/x-cisco-remotecc-request+xml";

/// Where the phone's SIP stack is talking: which phone, to which cluster, from which
/// local TCP port.
#[derive(Clone, Copy)]
pub struct SipPath<'a> {
    pub phone: &'a PhoneId,
    pub cluster: &'a Cluster,
    pub local_port: u16,
}

/// A registration dialog: Call-ID and From tag are kept for refreshes and the unregister.
pub struct Registration {
    call_id: String,
    from_tag: String,
    cseq: u32,
}

impl Registration {
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// Continues a dialog whose last REGISTER (before the capture) used `cseq`.
    pub fn with_cseq(mut self, cseq: u32) -> Registration {
        self.cseq = cseq;
        self
    }
}

/// How the REGISTER's Reason header names the firmware.
#[derive(Clone, Copy)]
pub enum LoadStyle {
    /// `Load=sip78xx.12-1-1-12`
    Single,
    /// `ActiveLoad=... InactiveLoad=...` (what the article's phone log shows)
    ActiveInactive,
}

/// Why the phone last restarted or unregistered: the `cisco-alarm:N ... Last=..` report.
#[derive(Clone, Copy)]
pub struct Restart {
    pub code: u32,
    pub last: &'static str,
    pub style: LoadStyle,
}

impl Restart {
    fn reason_header(&self, phone: &PhoneId) -> String {
        let (active, inactive) = (phone.model.load, phone.model.inactive_load);
        let load = match self.style {
            LoadStyle::Single => format!("Load={active}"),
            LoadStyle::ActiveInactive => {
                format!("ActiveLoad={active}.loads InactiveLoad={inactive}.loads")
            }
        };
        format!(
            "SIP;cause=200;text=\"cisco-alarm:{} Name={} {load} Last={}\"",
            self.code, phone.device_name, self.last
        )
    }
}

pub enum RegisterKind {
    /// Register the line (Expires 3600), reporting the last restart.
    Bind(Restart),
    /// Remove the binding (Expires 0).
    Unbind,
    /// Bulk registration with remote-call-control bodies, as towards a CUCM after a restart.
    Bulk(Restart),
}

pub struct Phone<'s> {
    id: &'s PhoneId,
    rng: Prng,
    session_uuid: String,
    call_ids: u32,
    tags: u32,
}

pub(crate) fn contact_uri(path: SipPath) -> String {
    let p = path.phone;
    format!(
        "<sip:{}@{}:{};transport=tcp>",
        p.contact_user, p.ip, path.local_port
    )
}

pub(crate) fn device_contact(path: SipPath) -> String {
    format!(
        "{};+u.sip!devicename.ccm.cisco.com=\"{}\"",
        contact_uri(path),
        path.phone.device_name
    )
}

fn register_contact(path: SipPath) -> String {
    let p = path.phone;
    format!(
        "{};+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-{}>\";\
         +u.sip!devicename.ccm.cisco.com=\"{}\";+u.sip!model.ccm.cisco.com=\"{}\"",
        contact_uri(path),
        p.mac_hex(),
        p.device_name,
        p.model.enumeration
    )
}

/// The MAC in the `xxxxxxxx-xxxx` form that starts the phone's Call-IDs.
pub fn call_id_prefix(phone: &PhoneId) -> String {
    let mac = phone.mac_hex();
    format!("{}-{}", &mac[..8], &mac[8..])
}

impl<'s> Phone<'s> {
    pub fn new(id: &'s PhoneId, label: &str) -> Phone<'s> {
        let mut rng = Prng::from_label(label);
        let session_uuid = format!("{}00105000a000{}", rng.hex(8), id.mac_hex());
        Phone {
            id,
            rng,
            session_uuid,
            call_ids: 0,
            tags: 0x10,
        }
    }

    pub(crate) fn new_call_id(&mut self) -> String {
        self.call_ids += 1;
        format!(
            "{}{:04x}-{}-{}@{}",
            call_id_prefix(self.id),
            self.call_ids,
            self.rng.hex(8),
            self.rng.hex(8),
            self.id.ip
        )
    }

    pub(crate) fn new_tag(&mut self) -> String {
        self.tags += 1;
        format!(
            "{}{:04x}{}-{}",
            self.id.mac_hex(),
            self.tags,
            self.rng.hex(8),
            self.rng.hex(8)
        )
    }

    pub(crate) fn via(&mut self, path: SipPath) -> String {
        format!(
            "SIP/2.0/TCP {}:{};branch={}",
            self.id.ip,
            path.local_port,
            sip::branch(&mut self.rng)
        )
    }

    pub(crate) fn session_id(&self) -> String {
        format!(
            "{};remote=00000000000000000000000000000000",
            self.session_uuid
        )
    }

    pub fn new_registration(&mut self) -> Registration {
        Registration {
            call_id: self.new_call_id(),
            from_tag: self.new_tag(),
            cseq: 100,
        }
    }

    pub fn register(
        &mut self,
        reg: &mut Registration,
        path: SipPath,
        t: Micros,
        kind: &RegisterKind,
    ) -> TextMessage {
        reg.cseq += 1;
        let c = path.cluster;
        let aor = format!("<sip:{}@{}>", c.line_dn, c.ip);
        let m = sip::request("REGISTER", &format!("sip:{}", c.ip))
            .header("Via", self.via(path))
            .header("From", format!("{aor};tag={}", reg.from_tag))
            .header("To", aor)
            .header("Call-ID", reg.call_id.clone())
            .header("Max-Forwards", "70")
            .header("Session-ID", self.session_id())
            .header("Date", http_date(t))
            .header("CSeq", format!("{} REGISTER", reg.cseq))
            .header("User-Agent", self.id.model.user_agent)
            .header("Contact", register_contact(path))
            .header("Supported", SUPPORTED);
        match kind {
            RegisterKind::Bind(restart) => m
                .header("Reason", restart.reason_header(self.id))
                .header("Expires", "3600")
                .length_header("Content-Length"),
            RegisterKind::Unbind => m.header("Expires", "0").length_header("Content-Length"),
            RegisterKind::Bulk(restart) => {
                let bulk = remotecc::bulk_register_request();
                let options = remotecc::options_indication();
                let disposition = Some("session;handling=optional");
                let body = sip::multipart(
                    "uniqueBoundary",
                    &[
                        Part {
                            content_type: REMOTECC_REQUEST,
                            disposition,
                            body: bulk.as_bytes(),
                        },
                        Part {
                            content_type: REMOTECC_REQUEST,
                            disposition,
                            body: options.as_bytes(),
                        },
                    ],
                );
                m.header("Reason", restart.reason_header(self.id))
                    .header("Expires", "3600")
                    .header("Content-Type", "multipart/mixed; boundary=uniqueBoundary")
                    .header("Mime-Version", "1.0")
                    .length_header("Content-Length")
                    .body(body)
            }
        }
    }

    /// An out-of-dialog REFER whose body is the referred-to content (`Refer-To: cid:`),
    /// how these phones deliver alarms and remote-call-control reports.
    pub fn refer(
        &mut self,
        path: SipPath,
        t: Micros,
        content_type: &str,
        body: &str,
    ) -> TextMessage {
        let c = path.cluster;
        let me = format!("\"{0}\" <sip:{0}@{1}>", c.line_dn, self.id.ip);
        let cid = format!("{}@{}", self.rng.hex(8), self.id.ip);
        sip::request("REFER", &format!("sip:{}", c.ip))
            .header("Via", self.via(path))
            .header("From", format!("{me};tag={}", self.new_tag()))
            .header("To", format!("<sip:{}>", c.ip))
            .header("Call-ID", self.new_call_id())
            .header("Session-ID", self.session_id())
            .header("Date", http_date(t))
            .header("CSeq", "1000 REFER")
            .header("User-Agent", self.id.model.user_agent)
            .header("Expires", "10")
            .header("Max-Forwards", "70")
            .header("Contact", device_contact(path))
            .header("Require", "norefersub")
            .header("Referred-By", me)
            .header("Refer-To", format!("cid:{cid}"))
            .header("Content-Id", format!("<{cid}>"))
            .header("Allow", ALLOW)
            .length_header("Content-Length")
            .header("Content-Type", content_type)
            .header("Content-Disposition", "session;handling=required")
            .body(body)
    }

    /// Bare 200 OK to a request from CUCM (the article's answer to the NOTIFY is 364 bytes).
    pub fn ok(&mut self, req: &TextMessage, t: Micros) -> TextMessage {
        let tag = self.new_tag();
        sip::response_to(req, 200, "OK", &tag, &http_date(t))
            .header("Server", self.id.model.user_agent)
            .length_header("Content-Length")
    }

    /// 200 OK that also names the phone (its answer to a REFER is 571 bytes in the article).
    pub fn ok_with_contact(&mut self, req: &TextMessage, path: SipPath, t: Micros) -> TextMessage {
        let tag = self.new_tag();
        sip::response_to(req, 200, "OK", &tag, &http_date(t))
            .header("Server", self.id.model.user_agent)
            .header("Contact", device_contact(path))
            .header("Session-ID", self.session_id())
            .header("Allow", ALLOW)
            .length_header("Content-Length")
    }
}
