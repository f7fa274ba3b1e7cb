//! Phases 4 to 6: trust lists and configuration from each cluster's TFTP service over
//! HTTP (port 6970), and the TFTP (UDP 69) fallback the phone uses when HTTP fails.

use crate::capture::FrameId;
use crate::clock::{unix_secs, us, Micros};
use crate::cluster_files::{self, SOFTKEY_FILE};
use crate::http;
use crate::lab::{Lab, Node};
use crate::message::TextMessage;
use crate::phone_config::ConfigKind;
use crate::tcp::Endpoint;
use crate::tftp;
use crate::topology::{Cluster, PhoneId, TFTP_HTTP_PORT, TFTP_PORT};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HomeTrust {
    /// The article: no CTL (503, then TFTP "File not found"), the ITL over HTTP.
    ItlAvailable,
    /// Neither file over HTTP (503 twice) nor over TFTP: the login cannot go on.
    CtlAndItlUnavailable,
}

fn ctl_name(phone: &PhoneId) -> String {
    format!("CTL{}.tlv", phone.device_name)
}

fn itl_name(phone: &PhoneId) -> String {
    format!("ITL{}.tlv", phone.device_name)
}

fn config_name(phone: &PhoneId) -> String {
    format!("{}.cnf.xml.sgn", phone.device_name)
}

/// The phone's download client asks for a file with nothing but a Host header.
fn get(c: &Cluster, file: &str) -> TextMessage {
    http::request("GET", &format!("/{file}")).header("Host", format!("{}:{TFTP_HTTP_PORT}", c.ip))
}

/// CUCM's TFTP HTTP answer, headers as the article's phone log prints them.
pub(crate) fn file(body: Vec<u8>) -> TextMessage {
    http::response(200, "OK")
        .length_header("Content-length")
        .header("Cache-Control", "no-store")
        .header("Content-type", "*/*")
        .body(body)
}

pub(crate) fn no_file(code: u16, reason: &str) -> TextMessage {
    http::response(code, reason)
        .length_header("Content-length")
        .header("Connection", "close")
}

impl Lab<'_> {
    pub(crate) fn download(
        &mut self,
        node: Node,
        t_request: Micros,
        name: &str,
        t_response: Micros,
        response: &TextMessage,
    ) -> crate::lab::ExchangeFrames {
        let request = get(self.cluster(node), name);
        self.phone_exchange(
            node,
            TFTP_HTTP_PORT,
            t_request,
            &request,
            t_response,
            response,
        )
    }

    /// A TFTP read request to the node and its error answer from a fresh server port;
    /// returns the request's frame.
    fn tftp_not_found(
        &mut self,
        node: Node,
        t: Micros,
        name: &str,
        options: &[(&str, &str)],
    ) -> FrameId {
        let c = self.cluster(node);
        let phone = self.phone_id().endpoint(self.ephemeral_port());
        let rrq = tftp::read_request(name, "octet", options);
        let request = self.udp(phone, c.endpoint(TFTP_PORT), t, &rrq);
        self.note(request, &format!("TFTP fallback: read request {name}"));
        let server = Endpoint {
            host: c.host,
            port: self.rng().range(32_768, 61_000) as u16,
        };
        let t_error = t + self.rng().range(1_200, 1_900);
        let error = tftp::error(tftp::ERROR_FILE_NOT_FOUND, "File not found");
        let id = self.udp(server, phone, t_error, &error);
        self.note(id, "TFTP error 1 File not found (from a fresh server port)");
        request
    }

    /// Phase 4 (article frames 372-415), starting with the CTL request at `t0`: no CTL
    /// (404, the cluster is not in mixed mode), the ITL, the signed configuration.
    /// `emcc_login` selects the configuration that sends the phone to its home cluster.
    pub fn visiting_downloads(&mut self, t0: Micros, emcc_login: bool) {
        let node = Node::Visiting;
        let phone = self.phone_id();
        let lab = emcc_login;
        let label = |frame: u32, what: &str| {
            if lab {
                format!("article #{frame}: {what}")
            } else {
                what.to_string()
            }
        };
        let f = self.download(
            node,
            t0,
            &ctl_name(phone),
            t0 + us(259),
            &no_file(404, "Not Found"),
        );
        self.note(
            f.request.last,
            &label(372, "GET CTL from the visiting cluster"),
        );
        self.note(
            f.response.last,
            &label(374, "404: no CTL, cluster not in mixed mode"),
        );

        let itl = file(cluster_files::itl(self.cluster(node)));
        let f = self.download(
            node,
            t0 + us(173_650),
            &itl_name(phone),
            t0 + us(175_012),
            &itl,
        );
        self.note(
            f.request.last,
            &label(382, "GET ITL from the visiting cluster"),
        );
        self.note(
            f.response.last,
            &label(397, "200 ITL file (TLV, several segments)"),
        );

        let stamp = unix_secs(t0) - 2;
        let kind = if emcc_login {
            ConfigKind::VisitingEmcc {
                home: self.cluster(Node::Home),
            }
        } else {
            ConfigKind::Visiting
        };
        let config = file(cluster_files::signed_config(
            phone,
            self.cluster(node),
            self.cluster(node),
            kind,
            stamp,
        ));
        let f = self.download(
            node,
            t0 + us(1_013_915),
            &config_name(phone),
            t0 + us(1_023_622),
            &config,
        );
        self.note(f.request.last, &label(411, "GET signed configuration"));
        self.note(f.response.last, &label(415, "200 signed configuration"));
    }

    /// Phase 5, first half (article frames 445-472): the home cluster's CTL and ITL.
    pub fn home_trust_downloads(&mut self, trust: HomeTrust) {
        let node = Node::Home;
        let (phone, o) = (self.phone_id(), self.origin());
        let unavailable = no_file(503, "Service Unavailable");
        let f = self.download(
            node,
            o + us(31_697_612),
            &ctl_name(phone),
            o + us(31_697_951),
            &unavailable,
        );
        self.note(f.request.last, "GET CTL from the home cluster");
        self.note(
            f.response.last,
            "article #445: 503, the phone falls back to TFTP",
        );
        // The lab phone's RRQ is 73 bytes on the wire (article frame 456): no options.
        // The failing variant's phone negotiates block size and transfer size.
        let options: &[(&str, &str)] = match trust {
            HomeTrust::ItlAvailable => &[],
            HomeTrust::CtlAndItlUnavailable => &[("blksize", "1468"), ("tsize", "0")],
        };
        let rrq = self.tftp_not_found(node, o + us(32_470_464), &ctl_name(phone), options);
        match trust {
            HomeTrust::ItlAvailable => {
                self.note(
                    rrq,
                    "article #456: TFTP read request, no options (73 bytes)",
                );
                let itl = file(cluster_files::itl(self.cluster(node)));
                let (t, name) = (o + us(32_652_384), itl_name(phone));
                let f = self.download(node, t, &name, o + us(32_653_307), &itl);
                self.note(
                    f.request.last,
                    "article #461: GET ITL from the home cluster",
                );
                self.note(
                    f.response.last,
                    "article #472: 200 home cluster ITL (signer must be vouched for by TVS)",
                );
            }
            HomeTrust::CtlAndItlUnavailable => {
                let f = self.download(
                    node,
                    o + us(32_652_384),
                    &itl_name(phone),
                    o + us(32_652_702),
                    &unavailable,
                );
                self.note(f.request.last, "GET ITL from the home cluster");
                self.note(f.response.last, "variant: 503 for the ITL too");
                self.tftp_not_found(node, o + us(33_431_258), &itl_name(phone), options);
            }
        }
    }

    /// Phase 6 (article frames 509-554): the user's configuration and softkeys from the
    /// home cluster.
    pub fn home_config_downloads(&mut self) {
        let node = Node::Home;
        let (phone, o) = (self.phone_id(), self.origin());
        let stamp = unix_secs(o + us(35_090_712)) - 7;
        let visiting = self.cluster(Node::Visiting);
        let config = file(cluster_files::signed_config(
            phone,
            self.cluster(node),
            visiting,
            ConfigKind::HomeProfile,
            stamp,
        ));
        let f = self.download(
            node,
            o + us(35_090_712),
            &config_name(phone),
            o + us(35_103_308),
            &config,
        );
        self.note(
            f.request.last,
            "article #509: GET configuration from the home cluster",
        );
        let what = format!(
            "article #526: 200 home configuration (callManager {})",
            self.cluster(node).ip
        );
        self.note(f.response.last, &what);
        let softkeys = file(cluster_files::signed_softkeys(self.cluster(node)));
        let name = format!("{SOFTKEY_FILE}.sgn");
        let f = self.download(
            node,
            o + us(37_509_328),
            &name,
            o + us(37_510_070),
            &softkeys,
        );
        self.note(f.request.last, "article #548: GET softkey template");
        self.note(f.response.last, "article #554: 200 softkey template");
    }
}
