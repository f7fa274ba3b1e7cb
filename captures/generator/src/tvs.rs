//! Phase 5, second half (article frames 482-497): the phone asks the visiting cluster's
//! Trust Verification Service (TCP 2445, TLS 1.2) to vouch for the home cluster's ITL
//! signer. Without keys only the session's shape shows: handshake, one request record,
//! one response record (or, in the failure variants, a reset or silence).

use crate::clock::{secs, unix_secs, us, Micros};
use crate::cluster_files;
use crate::lab::{Lab, Node};
use crate::prng::Prng;
use crate::tcp::{ConnSpec, Dir, TcpConn};
use crate::tls::{self, CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE};
use crate::topology::{QUICK_ACK, TVS_PORT};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TvsOutcome {
    /// The article: one response record, then the phone closes.
    Answered,
    /// The service resets the connection instead of answering.
    Reset,
    /// Nothing comes back; the phone gives up after 10 s and closes.
    NoResponse,
}

/// The request the phone logs as "bytes written : 180" (article's phone log).
const REQUEST_PLAINTEXT: usize = 180;
/// A response filling 1045 bytes on the wire (article frame 496).
const RESPONSE_PLAINTEXT: usize = 1_000;

/// A hello random as OpenSSL 1.0.x writes it: gmt_unix_time, then 28 random bytes.
fn random32(rng: &mut Prng, t: Micros) -> [u8; 32] {
    let mut r = [0u8; 32];
    r[..4].copy_from_slice(&(unix_secs(t) as u32).to_be_bytes());
    r[4..].copy_from_slice(&rng.bytes(28));
    r
}

impl Lab<'_> {
    pub fn tvs_session(&mut self, outcome: TvsOutcome) {
        let (phone, vc, o) = (self.phone_id(), self.cluster(Node::Visiting), self.origin());
        let mut rng = Prng::from_label(&phone.seed_label("tvs session"));
        let spec = ConnSpec {
            client: phone.endpoint(phone.tvs_port),
            client_stack: phone.stack(),
            server: vc.endpoint(TVS_PORT),
            server_stack: vc.stack(QUICK_ACK),
            tos: 0,
        };
        let label = phone.seed_label(&format!("tvs {}", phone.tvs_port));
        let cap = &mut self.cap;
        let mut conn = TcpConn::connect(cap, &spec, o + us(32_833_207), &label);

        let hello = tls::record(
            CONTENT_HANDSHAKE,
            &tls::client_hello(&random32(&mut rng, o + us(32_846_664))),
        );
        let s = conn.send(cap, Dir::ToServer, o + us(32_846_664), &hello);
        cap.note(
            s.last,
            "article #485: TLS Client Hello to the visiting cluster's TVS",
        );

        let cert = cluster_files::trust(vc).tvs.der;
        let flight = tls::server_flight(&random32(&mut rng, o + us(32_847_319)), &cert);
        let s = conn.send(cap, Dir::ToClient, o + us(32_847_319), &flight);
        let what = format!(
            "article #487: Server Hello, Certificate (CN={}), Server Hello Done",
            vc.fqdn
        );
        cap.note(s.last, &what);

        let finish = tls::client_finish(&mut rng);
        let s = conn.send(cap, Dir::ToServer, o + us(33_362_164), &finish);
        cap.note(
            s.last,
            "article #490: Client Key Exchange, Change Cipher Spec, Finished",
        );

        let ticket = tls::server_ticket(&mut rng);
        let s = conn.send(cap, Dir::ToClient, o + us(33_370_101), &ticket);
        cap.note(
            s.last,
            "article #491: New Session Ticket, Change Cipher Spec, Finished",
        );

        let request = tls::protected_record(CONTENT_APPLICATION_DATA, REQUEST_PLAINTEXT, &mut rng);
        let s = conn.send(cap, Dir::ToServer, o + us(33_866_946), &request);
        cap.note(s.last, "article #495: TVS request (encrypted)");

        match outcome {
            TvsOutcome::Answered => {
                let response =
                    tls::protected_record(CONTENT_APPLICATION_DATA, RESPONSE_PLAINTEXT, &mut rng);
                let s = conn.send(cap, Dir::ToClient, o + us(33_867_758), &response);
                cap.note(s.last, "article #496: TVS response (encrypted)");
                let fin = conn.close(cap, Dir::ToServer, o + us(33_887_531));
                cap.note(fin, "phone closes the TVS session");
            }
            TvsOutcome::Reset => {
                let rst = conn.reset(cap, Dir::ToClient, o + us(33_867_758));
                cap.note(
                    rst,
                    "variant: TVS resets the connection instead of answering",
                );
            }
            TvsOutcome::NoResponse => {
                let fin = conn.close(cap, Dir::ToServer, o + us(33_866_946) + secs(10));
                cap.note(fin, "variant: no TVS response in 10 s, the phone closes");
            }
        }
    }
}
