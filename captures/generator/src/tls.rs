//! TLS 1.2 records (RFC 5246) for the phone's session with the Trust Verification
//! Service. Only the shapes are real: handshake messages parse, protected records have
//! the lengths AES-CBC with HMAC-SHA1 produces, their contents are random.

use crate::prng::Prng;

pub const CONTENT_CHANGE_CIPHER_SPEC: u8 = 20;
pub const CONTENT_HANDSHAKE: u8 = 22;
pub const CONTENT_APPLICATION_DATA: u8 = 23;
const TLS_1_2: [u8; 2] = [0x03, 0x03];

const HS_CLIENT_HELLO: u8 = 1;
const HS_SERVER_HELLO: u8 = 2;
const HS_NEW_SESSION_TICKET: u8 = 4;
const HS_CERTIFICATE: u8 = 11;
const HS_SERVER_HELLO_DONE: u8 = 14;
const HS_CLIENT_KEY_EXCHANGE: u8 = 16;

/// TLS_RSA_WITH_AES_128_CBC_SHA: the article's record sizes fit RSA key exchange
/// (a 256-byte premaster) and CBC with a 20-byte MAC (64-byte Finished records).
pub const SUITE_RSA_AES128_CBC_SHA: u16 = 0x002f;
const AES_BLOCK: usize = 16;
const SHA1_MAC: usize = 20;
/// Finished: 4-byte handshake header plus 12 bytes of verify data.
pub const FINISHED_LEN: usize = 16;

pub fn record(content_type: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![content_type];
    out.extend_from_slice(&TLS_1_2);
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn u24(n: usize) -> [u8; 3] {
    let b = (n as u32).to_be_bytes();
    [b[1], b[2], b[3]]
}

fn handshake(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![msg_type];
    out.extend_from_slice(&u24(body.len()));
    out.extend_from_slice(body);
    out
}

fn extension(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(data);
    out
}

fn with_u16_length(items: &[u8]) -> Vec<u8> {
    let mut out = (items.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(items);
    out
}

/// A ClientHello as an OpenSSL 1.0.2-based phone sends it: twelve suites, no SNI.
pub fn client_hello(random: &[u8; 32]) -> Vec<u8> {
    const SUITES: [u16; 12] = [
        0xc02f, 0xc030, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035, 0x000a, 0x0033, 0x0039,
        0x00ff,
    ];
    let suites: Vec<u8> = SUITES.iter().flat_map(|s| s.to_be_bytes()).collect();
    let sig_algs: Vec<u8> = [
        0x0601u16, 0x0603, 0x0501, 0x0503, 0x0401, 0x0403, 0x0301, 0x0303, 0x0201, 0x0203,
    ]
    .iter()
    .flat_map(|s| s.to_be_bytes())
    .collect();
    let extensions = [
        extension(0x000b, &[3, 0, 1, 2]), // ec_point_formats
        extension(0x000a, &with_u16_length(&[0, 0x17, 0, 0x18, 0, 0x19])), // supported_groups
        extension(0x0023, &[]),           // session_ticket
        extension(0x000d, &with_u16_length(&sig_algs)), // signature_algorithms
    ]
    .concat();
    let mut body = TLS_1_2.to_vec();
    body.extend_from_slice(random);
    body.push(0); // no session id
    body.extend(with_u16_length(&suites));
    body.extend_from_slice(&[1, 0]); // null compression only
    body.extend(with_u16_length(&extensions));
    handshake(HS_CLIENT_HELLO, &body)
}

pub fn server_hello(random: &[u8; 32], suite: u16) -> Vec<u8> {
    let extensions = [
        extension(0xff01, &[0]), // renegotiation_info, empty
        extension(0x0023, &[]),  // session_ticket: a ticket will follow
    ]
    .concat();
    let mut body = TLS_1_2.to_vec();
    body.extend_from_slice(random);
    body.push(0);
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0);
    body.extend(with_u16_length(&extensions));
    handshake(HS_SERVER_HELLO, &body)
}

pub fn certificate(chain: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for cert in chain {
        list.extend_from_slice(&u24(cert.len()));
        list.extend_from_slice(cert);
    }
    let mut body = u24(list.len()).to_vec();
    body.extend(list);
    handshake(HS_CERTIFICATE, &body)
}

pub fn server_hello_done() -> Vec<u8> {
    handshake(HS_SERVER_HELLO_DONE, &[])
}

/// RSA key exchange: the premaster secret encrypted to the server key (random here).
pub fn client_key_exchange(encrypted_premaster: &[u8]) -> Vec<u8> {
    handshake(
        HS_CLIENT_KEY_EXCHANGE,
        &with_u16_length(encrypted_premaster),
    )
}

pub fn new_session_ticket(lifetime_hint: u32, ticket: &[u8]) -> Vec<u8> {
    let mut body = lifetime_hint.to_be_bytes().to_vec();
    body.extend(with_u16_length(ticket));
    handshake(HS_NEW_SESSION_TICKET, &body)
}

pub fn change_cipher_spec() -> Vec<u8> {
    record(CONTENT_CHANGE_CIPHER_SPEC, &[1])
}

/// Length of an AES-CBC/HMAC-SHA1 record body: explicit IV, then plaintext, MAC and at
/// least one padding byte rounded up to the block size.
pub fn cbc_sha_length(plaintext_len: usize) -> usize {
    let padded = (plaintext_len + SHA1_MAC + 1).div_ceil(AES_BLOCK) * AES_BLOCK;
    AES_BLOCK + padded
}

/// A protected record of the right size for `plaintext_len` bytes, filled with noise.
pub fn protected_record(content_type: u8, plaintext_len: usize, rng: &mut Prng) -> Vec<u8> {
    record(content_type, &rng.bytes(cbc_sha_length(plaintext_len)))
}

/// The server's first flight of a key-less TVS session: Server Hello (RSA, AES-128-CBC,
/// SHA-1), its certificate, Server Hello Done, in one handshake record.
pub fn server_flight(random: &[u8; 32], certificate_der: &[u8]) -> Vec<u8> {
    let flight = [
        server_hello(random, SUITE_RSA_AES128_CBC_SHA),
        certificate(&[certificate_der]),
        server_hello_done(),
    ]
    .concat();
    record(CONTENT_HANDSHAKE, &flight)
}

/// The client's Client Key Exchange, Change Cipher Spec and (encrypted) Finished.
pub fn client_finish(rng: &mut Prng) -> Vec<u8> {
    [
        record(CONTENT_HANDSHAKE, &client_key_exchange(&rng.bytes(256))),
        change_cipher_spec(),
        protected_record(CONTENT_HANDSHAKE, FINISHED_LEN, rng),
    ]
    .concat()
}

/// The server's New Session Ticket, Change Cipher Spec and (encrypted) Finished.
pub fn server_ticket(rng: &mut Prng) -> Vec<u8> {
    [
        record(CONTENT_HANDSHAKE, &new_session_ticket(300, &rng.bytes(160))),
        change_cipher_spec(),
        protected_record(CONTENT_HANDSHAKE, FINISHED_LEN, rng),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_the_article() {
        // Client Hello: 124 bytes of TCP payload in the article (frame 485).
        assert_eq!(
            record(CONTENT_HANDSHAKE, &client_hello(&[0; 32])).len(),
            124
        );
        // Client Key Exchange + CCS + Finished: 342 bytes (frame 490).
        let cke = record(CONTENT_HANDSHAKE, &client_key_exchange(&[0; 256]));
        let fin = protected_record(CONTENT_HANDSHAKE, FINISHED_LEN, &mut Prng::new(1));
        assert_eq!(cke.len() + change_cipher_spec().len() + fin.len(), 342);
        // New Session Ticket (160-byte ticket) + CCS + Finished: 250 bytes (frame 491).
        let nst = record(CONTENT_HANDSHAKE, &new_session_ticket(300, &[0; 160]));
        assert_eq!(nst.len() + 6 + fin.len(), 250);
        // The TVS request the phone logs as 180 bytes: 229 bytes on the wire (frame 495).
        assert_eq!(5 + cbc_sha_length(180), 229);
    }
}
