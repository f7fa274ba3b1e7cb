//! Real TLS 1.2 protection (RFC 5246) for TLS_RSA_WITH_AES_128_CBC_SHA, so that a key log
//! line lets Wireshark decrypt the records: the PRF (5), key expansion (6.3), MAC-then-
//! encrypt CBC records with an explicit IV (6.2.3.2) and Finished (7.4.9).
//!
//! The master secret is drawn by the caller; the premaster the Client Key Exchange would
//! carry is never computed (it would need the server's RSA key), which is fine for
//! decryption: the key log's `CLIENT_RANDOM` line gives the master secret directly.

use crate::tls;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockEncryptMut, KeyIvInit};
use aes::Aes128;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

pub const MASTER_SECRET_LEN: usize = 48;
pub const RANDOM_LEN: usize = 32;
/// The cipher's block, and so the explicit IV's length (RFC 5246, 6.2.3.2).
pub const BLOCK: usize = 16;
/// SHA-1's output length: the MAC key and the MAC of the suite (RFC 5246, appendix C).
const MAC_KEY_LEN: usize = 20;
/// AES-128's key length (RFC 5246, appendix C: Key Material 16).
const ENC_KEY_LEN: usize = 16;
const VERIFY_DATA_LEN: usize = 12;
const HS_FINISHED: u8 = 20;
const TLS_1_2: [u8; 2] = [0x03, 0x03];

/// P_SHA256 (RFC 5246, 5): the TLS 1.2 PRF of every suite that names no other hash.
/// Written here rather than taken from a crate: it is a dozen lines over HMAC-SHA256
/// (the RustCrypto `hmac` and `sha2` crates), and no maintained crate offers it alone.
pub fn prf(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let seed = [label, seed].concat();
    // At most one 32-byte HMAC output too many before the truncation.
    let mut out = Vec::with_capacity(len + 32);
    // A(1) = HMAC(secret, seed); A(i) = HMAC(secret, A(i-1)).
    let mut a = hmac_sha256(secret, &[&seed]);
    while out.len() < len {
        // P_SHA256 = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
        out.extend(hmac_sha256(secret, &[&a, &seed]));
        a = hmac_sha256(secret, &[&a]);
    }
    out.truncate(len);
    out
}

/// HMAC (RFC 2104) over SHA-256 of the concatenated `parts`.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// One direction's write state.
struct Writer {
    mac_key: [u8; MAC_KEY_LEN],
    key: [u8; ENC_KEY_LEN],
    /// Record sequence number, from 0 after Change Cipher Spec.
    seq: u64,
}

impl Writer {
    fn new(mac_key: &[u8], key: &[u8]) -> Writer {
        Writer {
            mac_key: mac_key.try_into().expect("MAC key length"),
            key: key.try_into().expect("AES-128 key length"),
            seq: 0,
        }
    }
}

pub struct Session {
    client_random: [u8; RANDOM_LEN],
    master_secret: [u8; MASTER_SECRET_LEN],
    client: Writer,
    server: Writer,
    /// Every handshake message so far (headers included, record headers not), which
    /// the Finished messages hash.
    transcript: Vec<u8>,
}

impl Session {
    pub fn new(
        client_random: &[u8; RANDOM_LEN],
        server_random: &[u8; RANDOM_LEN],
        master_secret: &[u8; MASTER_SECRET_LEN],
    ) -> Session {
        // key_block = PRF(master, "key expansion", server_random + client_random):
        // client MAC key, server MAC key, client key, server key. CBC in TLS 1.2 takes
        // its IV from each record, so the IVs the block would go on to give are unused.
        let seed = [server_random.as_slice(), client_random].concat();
        let block = prf(
            master_secret,
            b"key expansion",
            &seed,
            2 * (MAC_KEY_LEN + ENC_KEY_LEN),
        );
        let (macs, keys) = block.split_at(2 * MAC_KEY_LEN);
        Session {
            client_random: *client_random,
            master_secret: *master_secret,
            client: Writer::new(&macs[..MAC_KEY_LEN], &keys[..ENC_KEY_LEN]),
            server: Writer::new(&macs[MAC_KEY_LEN..], &keys[ENC_KEY_LEN..]),
            transcript: Vec::new(),
        }
    }

    /// The NSS key log line Wireshark reads (also inside a pcapng Decryption Secrets
    /// Block): `CLIENT_RANDOM <client random> <master secret>`.
    pub fn key_log_line(&self) -> String {
        format!(
            "CLIENT_RANDOM {} {}",
            hex::encode(self.client_random),
            hex::encode(self.master_secret)
        )
    }

    /// Records a handshake message sent in the clear (it counts for Finished).
    pub fn handshake(&mut self, message: &[u8]) {
        self.transcript.extend_from_slice(message);
    }

    /// The Finished message of one side: verify_data = PRF(master, "client finished" or
    /// "server finished", SHA-256(handshake messages so far))[0..12]. It joins the
    /// transcript, so the server's Finished covers the client's.
    pub fn finished(&mut self, from_client: bool) -> Vec<u8> {
        let label: &[u8] = if from_client {
            b"client finished"
        } else {
            b"server finished"
        };
        let hash = Sha256::digest(&self.transcript);
        let verify_data = prf(&self.master_secret, label, &hash, VERIFY_DATA_LEN);
        let mut message = vec![HS_FINISHED, 0, 0, VERIFY_DATA_LEN as u8];
        message.extend(verify_data);
        self.transcript.extend_from_slice(&message);
        message
    }

    /// A protected record: HMAC-SHA1 over sequence number, header and plaintext, then
    /// plaintext, MAC and padding encrypted with AES-128-CBC under the explicit `iv`,
    /// which leads the record body.
    pub fn protect(
        &mut self,
        from_client: bool,
        content_type: u8,
        plaintext: &[u8],
        iv: &[u8; BLOCK],
    ) -> Vec<u8> {
        let writer = if from_client {
            &mut self.client
        } else {
            &mut self.server
        };
        let length = u16::try_from(plaintext.len()).expect("plaintext fits a record");
        let mut mac_input = writer.seq.to_be_bytes().to_vec();
        mac_input.push(content_type);
        mac_input.extend_from_slice(&TLS_1_2);
        mac_input.extend_from_slice(&length.to_be_bytes());
        mac_input.extend_from_slice(plaintext);
        let mut mac = Hmac::<Sha1>::new_from_slice(&writer.mac_key).expect("any key length");
        mac.update(&mac_input);
        let mac = mac.finalize().into_bytes();
        writer.seq += 1;

        let mut data = plaintext.to_vec();
        data.extend_from_slice(&mac);
        // padding_length + 1 bytes, each holding padding_length, up to a whole block.
        let padding = BLOCK - 1 - data.len() % BLOCK;
        data.extend(std::iter::repeat(padding as u8).take(padding + 1));
        // Whole blocks now: the cipher adds no padding of its own.
        let length = data.len();
        let encryptor = cbc::Encryptor::<Aes128>::new(&writer.key.into(), iv.into());
        let ciphertext = encryptor
            .encrypt_padded_mut::<NoPadding>(&mut data, length)
            .expect("whole blocks");
        let mut body = iv.to_vec();
        body.extend_from_slice(ciphertext);
        debug_assert_eq!(body.len(), tls::cbc_sha_length(plaintext.len()));
        tls::record(content_type, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::cipher::BlockDecryptMut;

    fn from_hex(text: &str) -> Vec<u8> {
        hex::decode(text).expect("hex digits")
    }

    /// The TLS 1.2 PRF (SHA-256) test vector published on the IETF TLS list and used by
    /// many implementations' test suites; checked independently with Python's hmac.
    #[test]
    fn prf_sha256_vector() {
        let out = prf(
            &from_hex("9bbe436ba940f017b17652849a71db35"),
            b"test label",
            &from_hex("a0ba9f936cda311827a6f796ffd5198c"),
            100,
        );
        assert_eq!(
            hex::encode(out),
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a\
             6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab\
             4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701\
             87347b66"
        );
    }

    #[test]
    fn records_have_the_cbc_sha_length_and_advance_the_sequence() {
        let mut s = Session::new(&[1; 32], &[2; 32], &[3; 48]);
        for len in [0, 1, 11, 12, 13, 27, 28, 100, 1000] {
            let record = s.protect(true, tls::CONTENT_APPLICATION_DATA, &vec![0; len], &[9; 16]);
            assert_eq!(record.len(), 5 + tls::cbc_sha_length(len), "{len}");
            assert_eq!(&record[5..21], &[9; 16], "explicit IV first");
        }
        assert_eq!(s.client.seq, 9);
        assert_eq!(s.server.seq, 0);
    }

    /// What Wireshark does with the key log: CBC-decrypt under the explicit IV, strip the
    /// padding, check the MAC over sequence number, header and plaintext (RFC 5246,
    /// 6.2.3.1 and 6.2.3.2).
    #[test]
    fn a_record_decrypts_and_its_mac_verifies() {
        let mut s = Session::new(&[1; 32], &[2; 32], &[3; 48]);
        let plaintext = b"a TVS request".to_vec();
        let record = s.protect(true, tls::CONTENT_APPLICATION_DATA, &plaintext, &[9; 16]);
        let (iv, ciphertext) = record[5..].split_at(BLOCK);
        let mut data = ciphertext.to_vec();
        let decrypted = cbc::Decryptor::<Aes128>::new(&s.client.key.into(), iv.into())
            .decrypt_padded_mut::<NoPadding>(&mut data)
            .unwrap();
        let padding = usize::from(*decrypted.last().unwrap());
        let unpadded = &decrypted[..decrypted.len() - padding - 1];
        let (message, mac) = unpadded.split_at(plaintext.len());
        assert_eq!(message, plaintext);
        let mut expected = Hmac::<Sha1>::new_from_slice(&s.client.mac_key).unwrap();
        expected.update(&0u64.to_be_bytes());
        expected.update(&[
            tls::CONTENT_APPLICATION_DATA,
            3,
            3,
            0,
            plaintext.len() as u8,
        ]);
        expected.update(&plaintext);
        expected.verify_slice(mac).unwrap();
    }

    #[test]
    fn key_log_line_names_client_random_and_master_secret() {
        let s = Session::new(&[0xab; 32], &[0; 32], &[0x01; 48]);
        let line = s.key_log_line();
        assert!(line.starts_with(&format!("CLIENT_RANDOM {} ", "ab".repeat(32))));
        assert!(line.ends_with(&"01".repeat(48)));
    }

    #[test]
    fn finished_is_twelve_bytes_of_verify_data() {
        let mut s = Session::new(&[1; 32], &[2; 32], &[3; 48]);
        s.handshake(b"hello");
        let client = s.finished(true);
        let server = s.finished(false);
        assert_eq!(client.len(), 16);
        assert_eq!(&client[..4], &[20, 0, 0, 12]);
        assert_ne!(client[4..], server[4..]);
    }
}
