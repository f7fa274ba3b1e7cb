//! `ciscotvs-decrypted`: the lab phone's sessions with the visiting cluster's Trust
//! Verification Service, really encrypted (TLS 1.2, TLS_RSA_WITH_AES_128_CBC_SHA) and
//! with the key log inside the capture (a pcapng Decryption Secrets Block), so a plain
//! `tshark -r` decrypts them and the TVS messages show.
//!
//! Four sessions, 2 s apart, each on its own connection that the phone closes:
//! 1. verify the home cluster's ITL signer (ITLRecovery): valid, role SAST, TTL 1 h;
//! 2. verify a home-cluster certificate regenerated after the visiting cluster imported
//!    the old one: invalid;
//! 3. query the certificate of the home cluster's CallManager by subject, issuer and
//!    serial number (the two latter under stand-in tags: theirs are not public): valid,
//!    the DER certificate, roles SAST and TFTP, TTL 1 day, the layout of Cisco document
//!    213407's logged exchange; the response is split over two records;
//! 4. malformed: one record holding a verify request with an unknown tag and a message
//!    with an unknown command; a verify response whose TTL claims more bytes than the
//!    message holds; then a record that does not start with the TVS magic.

use crate::capture::Capture;
use crate::clock::{secs, unix_secs, Micros};
use crate::cluster_files;
use crate::lab::Lab;
use crate::prng::Prng;
use crate::tcp::{ConnSpec, Dir, TcpConn};
use crate::tls::{self, CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE};
use crate::tls12::{Session, MASTER_SECRET_LEN, RANDOM_LEN};
use crate::topology::{ARTICLE_PHONE, HOME, QUICK_ACK, TVS_PORT, VISITING};
use crate::tvs_message::{self as tvs, tlv};
use crate::x509::{self, CertSpec, EKU_CLIENT_AUTH, EKU_SERVER_AUTH};

/// Roles, as CTL/ITL record function codes, one byte each (usecallmanagernz tvsd).
const ROLE_SAST: u8 = 0;
/// 213407 logs roles 0 and 3 for a CallManager certificate.
const ROLE_TFTP: u8 = 3;
const TTL_HOUR: u32 = 3_600;
const TTL_DAY: u32 = 86_400;
/// Where the query-certificate response is cut into two records.
const SPLIT_AT: usize = 600;
/// A tag no documentation names.
const UNKNOWN_TAG: u8 = 0x2a;
const UNKNOWN_COMMAND: u8 = 9;

/// Application data one side sends at `at`: one TLS record per entry.
struct Flight {
    from_client: bool,
    at: Micros,
    records: Vec<Vec<u8>>,
    note: &'static str,
}

fn request(at: Micros, message: Vec<u8>, note: &'static str) -> Flight {
    Flight {
        from_client: true,
        at,
        records: vec![message],
        note,
    }
}

fn response(at: Micros, records: Vec<Vec<u8>>, note: &'static str) -> Flight {
    Flight {
        from_client: false,
        at,
        records,
        note,
    }
}

/// A hello random as OpenSSL 1.0.x writes it: gmt_unix_time, then 28 random bytes.
fn hello_random(rng: &mut Prng, t: Micros) -> [u8; RANDOM_LEN] {
    let mut r = [0u8; RANDOM_LEN];
    r[..4].copy_from_slice(&(unix_secs(t) as u32).to_be_bytes());
    r[4..].copy_from_slice(&rng.bytes(RANDOM_LEN - 4));
    r
}

fn iv(rng: &mut Prng) -> [u8; 16] {
    rng.bytes(16).try_into().expect("16 bytes")
}

fn dir(from_client: bool) -> Dir {
    if from_client {
        Dir::ToServer
    } else {
        Dir::ToClient
    }
}

/// One TVS connection: TCP and TLS handshakes from `start`, the flights, the phone's
/// close. Its key log line joins the capture.
fn session(lab: &mut Lab, start: Micros, label: &str, flights: &[Flight]) {
    let mut rng = Prng::from_label(label);
    let port = lab.ephemeral_port();
    let spec = ConnSpec {
        client: lab.phone_id().endpoint(port),
        client_stack: lab.phone_id().stack(),
        server: VISITING.endpoint(TVS_PORT),
        server_stack: VISITING.stack(QUICK_ACK),
        tos: 0,
    };
    let cap = &mut lab.cap;
    let mut conn = TcpConn::connect(cap, &spec, start, label);

    let t_hello = start + 1_200;
    let client_hello = tls::client_hello(&hello_random(&mut rng, t_hello));
    conn.send(
        cap,
        Dir::ToServer,
        t_hello,
        &tls::record(CONTENT_HANDSHAKE, &client_hello),
    );

    let t_server = t_hello + 900;
    let server_hello = tls::server_hello(
        &hello_random(&mut rng, t_server),
        tls::SUITE_RSA_AES128_CBC_SHA,
    );
    let certificate = tls::certificate(&[&cluster_files::trust(&VISITING).tvs.der]);
    let done = tls::server_hello_done();
    let flight = [server_hello.clone(), certificate.clone(), done.clone()].concat();
    conn.send(
        cap,
        Dir::ToClient,
        t_server,
        &tls::record(CONTENT_HANDSHAKE, &flight),
    );

    let master: [u8; MASTER_SECRET_LEN] = rng.bytes(MASTER_SECRET_LEN).try_into().expect("48");
    let client_random = client_hello[6..6 + RANDOM_LEN].try_into().expect("32");
    let server_random = server_hello[6..6 + RANDOM_LEN].try_into().expect("32");
    let mut tls = Session::new(&client_random, &server_random, &master);
    // The premaster is RSA-encrypted to the server's key: noise here, see tls12.rs.
    let key_exchange = tls::client_key_exchange(&rng.bytes(256));
    for message in [
        &client_hello,
        &server_hello,
        &certificate,
        &done,
        &key_exchange,
    ] {
        tls.handshake(message);
    }
    let finished = tls.finished(true);
    let t_finish = t_server + 21_000;
    let client_finish = [
        tls::record(CONTENT_HANDSHAKE, &key_exchange),
        tls::change_cipher_spec(),
        tls.protect(true, CONTENT_HANDSHAKE, &finished, &iv(&mut rng)),
    ]
    .concat();
    conn.send(cap, Dir::ToServer, t_finish, &client_finish);

    let ticket = tls::new_session_ticket(300, &rng.bytes(160));
    tls.handshake(&ticket);
    let finished = tls.finished(false);
    let server_finish = [
        tls::record(CONTENT_HANDSHAKE, &ticket),
        tls::change_cipher_spec(),
        tls.protect(false, CONTENT_HANDSHAKE, &finished, &iv(&mut rng)),
    ]
    .concat();
    conn.send(cap, Dir::ToClient, t_finish + 7_900, &server_finish);

    let mut t = t_finish + 7_900;
    for flight in flights {
        t = start + flight.at;
        let records: Vec<u8> = flight
            .records
            .iter()
            .flat_map(|plaintext| {
                tls.protect(
                    flight.from_client,
                    CONTENT_APPLICATION_DATA,
                    plaintext,
                    &iv(&mut rng),
                )
            })
            .collect();
        let sent = conn.send(cap, dir(flight.from_client), t, &records);
        cap.note(sent.last, flight.note);
    }
    let fin = conn.close(cap, Dir::ToServer, t + 19_800);
    cap.note(fin, "phone closes the TVS session");
    cap.tls_key_log.push(tls.key_log_line());
}

/// The home cluster's CallManager certificate as regenerated after the visiting
/// cluster imported it: same subject, new key and dates, unknown to the visiting TVS.
fn regenerated_home_certificate() -> Vec<u8> {
    let ou = format!("Collaboration {}", HOME.cluster_id);
    let name = [
        ("C", "US"),
        ("ST", "NC"),
        ("L", "RTP"),
        ("O", "EMCC Lab"),
        ("OU", ou.as_str()),
        ("CN", &HOME.fqdn),
    ];
    x509::build(&CertSpec {
        subject: &name,
        issuer: &name,
        not_before: "190301120000Z",
        not_after: "240229115959Z",
        extended_key_usage: &[EKU_SERVER_AUTH, EKU_CLIENT_AUTH],
        dns_name: Some(&HOME.fqdn),
        label: "hc callmanager regenerated",
    })
    .der
}

pub fn decrypted() -> Capture {
    let mut lab = Lab::new("ciscotvs-decrypted");
    let mut ids = Prng::from_label("ciscotvs-decrypted session ids");
    let home = cluster_files::trust(&HOME);
    let device = || tvs::device_name(ARTICLE_PHONE.model.name, &ARTICLE_PHONE.device_name);

    let id = ids.next_u32();
    let ask = tvs::message(
        tvs::VERIFY_REQUEST,
        id,
        &[device(), tlv(tvs::TAG_CERTIFICATE, &home.recovery.der)],
    );
    let answer = tvs::message(
        tvs::VERIFY_RESPONSE,
        id,
        &[
            tlv(tvs::TAG_STATUS, &[tvs::STATUS_VALID]),
            tvs::roles(&[ROLE_SAST]),
            tvs::ttl(TTL_HOUR),
        ],
    );
    session(
        &mut lab,
        secs(1),
        "tvs decrypted valid",
        &[
            request(40_000, ask, "verify request: the home cluster's ITL signer"),
            response(
                40_800,
                vec![answer],
                "verify response: valid, SAST, TTL 3600",
            ),
        ],
    );

    let id = ids.next_u32();
    let ask = tvs::message(
        tvs::VERIFY_REQUEST,
        id,
        &[
            device(),
            tlv(tvs::TAG_CERTIFICATE, &regenerated_home_certificate()),
        ],
    );
    let answer = tvs::message(
        tvs::VERIFY_RESPONSE,
        id,
        &[tlv(tvs::TAG_STATUS, &[tvs::STATUS_INVALID])],
    );
    session(
        &mut lab,
        secs(3),
        "tvs decrypted invalid",
        &[
            request(
                40_000,
                ask,
                "verify request: a regenerated home certificate",
            ),
            response(40_700, vec![answer], "verify response: invalid"),
        ],
    );

    let id = ids.next_u32();
    // 213407's query: device name, subject, issuer, serial number; the answer: status,
    // certificate, roles, TTL (its 1470 bytes leave no room for a subject).
    let ask = tvs::message(
        tvs::QUERY_CERTIFICATE_REQUEST,
        id,
        &[
            device(),
            tvs::text_nul(tvs::TAG_SUBJECT, &home.callmanager.subject_text),
            tvs::text_nul(tvs::TAG_ISSUER_STAND_IN, &home.callmanager.issuer_text),
            tlv(tvs::TAG_SERIAL_STAND_IN, &home.callmanager.serial),
        ],
    );
    let answer = tvs::message(
        tvs::QUERY_CERTIFICATE_RESPONSE,
        id,
        &[
            tlv(tvs::TAG_STATUS, &[tvs::STATUS_VALID]),
            tlv(tvs::TAG_CERTIFICATE, &home.callmanager.der),
            tvs::roles(&[ROLE_SAST, ROLE_TFTP]),
            tvs::ttl(TTL_DAY),
        ],
    );
    let (head, tail) = answer.split_at(SPLIT_AT);
    session(
        &mut lab,
        secs(5),
        "tvs decrypted query",
        &[
            request(40_000, ask, "query-certificate request by subject"),
            response(
                41_100,
                vec![head.to_vec()],
                "query-certificate response, first record (600 bytes)",
            ),
            response(
                41_400,
                vec![tail.to_vec()],
                "query-certificate response, second record: the message is complete",
            ),
        ],
    );

    let id = ids.next_u32();
    let unknown_tag = tvs::message(
        tvs::VERIFY_REQUEST,
        id,
        &[
            device(),
            tlv(UNKNOWN_TAG, &[0xde, 0xad, 0xbe, 0xef]),
            tlv(tvs::TAG_CERTIFICATE, &home.recovery.der),
        ],
    );
    let unknown_command = tvs::message(UNKNOWN_COMMAND, id, &[device()]);
    // The TTL TLV claims 8 bytes; the header's length ends the message after 4 of them.
    let mut cut_ttl = [
        tlv(tvs::TAG_STATUS, &[tvs::STATUS_VALID]),
        tvs::roles(&[ROLE_SAST]),
    ]
    .concat();
    cut_ttl.extend_from_slice(&[tvs::TAG_TTL, 0, 8]);
    cut_ttl.extend_from_slice(&TTL_HOUR.to_be_bytes());
    let mut past_end = tvs::header(tvs::MAGIC, tvs::VERIFY_RESPONSE, id, cut_ttl.len() as u16);
    past_end.extend(cut_ttl);
    let mut bad_magic = tvs::header(0x75, tvs::VERIFY_RESPONSE, id, 4);
    bad_magic.extend(tlv(tvs::TAG_STATUS, &[tvs::STATUS_VALID]));
    session(
        &mut lab,
        secs(7),
        "tvs decrypted malformed",
        &[
            request(
                40_000,
                [unknown_tag, unknown_command].concat(),
                "malformed: one record, two messages: unknown tag 0x2a, unknown command 9",
            ),
            response(
                40_900,
                vec![past_end, bad_magic],
                "malformed: TTL TLV past the message end; then a record with magic 0x75",
            ),
        ],
    );
    lab.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_log_line_per_session() {
        let cap = decrypted();
        assert_eq!(cap.tls_key_log.len(), 4);
        assert!(cap
            .tls_key_log
            .iter()
            .all(|l| l.starts_with("CLIENT_RANDOM ") && l.len() == 14 + 64 + 1 + 96));
    }

    #[test]
    fn the_split_response_is_cut_inside_the_certificate() {
        let home = cluster_files::trust(&HOME);
        // header 10 + status 4 + certificate TLV header 3: the cut falls in the DER.
        assert!(SPLIT_AT > 17 && SPLIT_AT < 17 + home.callmanager.der.len());
    }
}
