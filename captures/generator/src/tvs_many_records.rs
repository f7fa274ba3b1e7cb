//! `ciscotvs-many-records`: one TVS session of the lab phone with the visiting cluster
//! (TCP 2445, TLS 1.2, no keys) whose request and response are each written as 20 small
//! application-data records packed into one TCP segment, as a TLS stack that writes
//! every piece of a message with its own write (and Nagle coalescing them) sends it.
//! The plugin's session markers add up the lengths of every record of a frame: more
//! than 16 records of one field in one frame, which the plugin once cut at 16.

use crate::capture::Capture;
use crate::clock::{secs, unix_secs, us, Micros};
use crate::cluster_files;
use crate::prng::Prng;
use crate::tcp::{ConnSpec, Dir, TcpConn};
use crate::tls::{self, CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE};
use crate::topology::{ARTICLE_PHONE, QUICK_ACK, TVS_PORT, VISITING};

/// Records in the request's segment and in the response's.
pub const RECORDS: usize = 20;
/// Plaintext bytes of each request record (48-byte protected records).
const REQUEST_PIECE: usize = 9;
/// Plaintext bytes of each response record (64-byte protected records).
const RESPONSE_PIECE: usize = 20;

fn random32(rng: &mut Prng, t: Micros) -> [u8; 32] {
    let mut r = [0u8; 32];
    r[..4].copy_from_slice(&(unix_secs(t) as u32).to_be_bytes());
    r[4..].copy_from_slice(&rng.bytes(28));
    r
}

/// `RECORDS` protected application-data records of `piece` plaintext bytes each.
fn records(piece: usize, rng: &mut Prng) -> Vec<u8> {
    (0..RECORDS)
        .flat_map(|_| tls::protected_record(CONTENT_APPLICATION_DATA, piece, rng))
        .collect()
}

pub fn many_records() -> Capture {
    let mut capture = Capture::new();
    let mut rng = Prng::from_label("ciscotvs-many-records");
    let spec = ConnSpec {
        client: ARTICLE_PHONE.endpoint(ARTICLE_PHONE.tvs_port),
        client_stack: ARTICLE_PHONE.stack(),
        server: VISITING.endpoint(TVS_PORT),
        server_stack: VISITING.stack(QUICK_ACK),
        tos: 0,
    };
    let t0 = secs(1);
    let cap = &mut capture;
    let mut conn = TcpConn::connect(cap, &spec, t0, "tvs many records");

    let hello = tls::record(
        CONTENT_HANDSHAKE,
        &tls::client_hello(&random32(&mut rng, t0 + us(13_000))),
    );
    conn.send(cap, Dir::ToServer, t0 + us(13_000), &hello);
    let cert = cluster_files::trust(&VISITING).tvs.der;
    let flight = tls::server_flight(&random32(&mut rng, t0 + us(14_000)), &cert);
    conn.send(cap, Dir::ToClient, t0 + us(14_000), &flight);
    let finish = tls::client_finish(&mut rng);
    conn.send(cap, Dir::ToServer, t0 + us(530_000), &finish);
    let ticket = tls::server_ticket(&mut rng);
    conn.send(cap, Dir::ToClient, t0 + us(538_000), &ticket);

    let request = records(REQUEST_PIECE, &mut rng);
    let s = conn.send(cap, Dir::ToServer, t0 + us(1_034_000), &request);
    assert_eq!(s.first, s.last, "the request fits one segment");
    cap.note(
        s.last,
        "TVS request as 20 application-data records of 48 bytes in one segment (960 bytes)",
    );
    let response = records(RESPONSE_PIECE, &mut rng);
    let s = conn.send(cap, Dir::ToClient, t0 + us(1_035_000), &response);
    assert_eq!(s.first, s.last, "the response fits one segment");
    cap.note(
        s.last,
        "TVS response as 20 application-data records of 64 bytes in one segment (1280 bytes)",
    );
    let fin = conn.close(cap, Dir::ToServer, t0 + us(1_055_000));
    cap.note(fin, "phone closes the TVS session");
    conn.flush(cap);
    capture
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_sizes() {
        assert_eq!(5 + tls::cbc_sha_length(REQUEST_PIECE), 53);
        assert_eq!(5 + tls::cbc_sha_length(RESPONSE_PIECE), 69);
        let mut rng = Prng::new(1);
        assert_eq!(records(REQUEST_PIECE, &mut rng).len(), RECORDS * 53);
        assert_eq!(records(RESPONSE_PIECE, &mut rng).len(), RECORDS * 69);
    }
}
