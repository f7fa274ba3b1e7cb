//! AES-128 encryption (FIPS-197) and CBC mode (NIST SP 800-38A). Only encryption: the
//! generator writes records, Wireshark decrypts them.

pub const BLOCK: usize = 16;
pub const KEY_LEN: usize = 16;
const ROUNDS: usize = 10;

/// Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
const fn xtime(b: u8) -> u8 {
    (b << 1) ^ if b & 0x80 != 0 { 0x1b } else { 0 }
}

const fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        a = xtime(a);
        b >>= 1;
    }
    product
}

/// The S-box from its definition (FIPS-197, 5.1.1): the multiplicative inverse, then
/// the affine transformation. Computing it avoids typing 256 constants.
const fn make_sbox() -> [u8; 256] {
    let mut sbox = [0u8; 256];
    let mut x = 0usize;
    while x < 256 {
        // The inverse is x^254 (x^-1 in GF(2^8)); 0 maps to 0.
        let mut inverse: u8 = 1;
        let mut i = 0;
        while i < 254 {
            inverse = gf_mul(inverse, x as u8);
            i += 1;
        }
        if x == 0 {
            inverse = 0;
        }
        let b = inverse;
        sbox[x] =
            b ^ b.rotate_left(1) ^ b.rotate_left(2) ^ b.rotate_left(3) ^ b.rotate_left(4) ^ 0x63;
        x += 1;
    }
    sbox
}

const SBOX: [u8; 256] = make_sbox();

pub struct Aes128 {
    round_keys: [[u8; BLOCK]; ROUNDS + 1],
}

impl Aes128 {
    /// Key expansion (FIPS-197, 5.2).
    pub fn new(key: &[u8; KEY_LEN]) -> Aes128 {
        let mut words = [[0u8; 4]; 4 * (ROUNDS + 1)];
        for (i, w) in key.chunks_exact(4).enumerate() {
            words[i].copy_from_slice(w);
        }
        let mut rcon: u8 = 1;
        for i in 4..words.len() {
            let mut temp = words[i - 1];
            if i % 4 == 0 {
                temp.rotate_left(1);
                for b in temp.iter_mut() {
                    *b = SBOX[usize::from(*b)];
                }
                temp[0] ^= rcon;
                rcon = xtime(rcon);
            }
            for (j, b) in temp.iter().enumerate() {
                words[i][j] = words[i - 4][j] ^ b;
            }
        }
        let mut round_keys = [[0u8; BLOCK]; ROUNDS + 1];
        for (r, key) in round_keys.iter_mut().enumerate() {
            for c in 0..4 {
                key[4 * c..4 * c + 4].copy_from_slice(&words[4 * r + c]);
            }
        }
        Aes128 { round_keys }
    }

    /// The cipher (FIPS-197, 5.1); the state is column-major, as the bytes come.
    pub fn encrypt_block(&self, block: &[u8; BLOCK]) -> [u8; BLOCK] {
        let mut s = *block;
        add_round_key(&mut s, &self.round_keys[0]);
        for round in 1..=ROUNDS {
            for b in s.iter_mut() {
                *b = SBOX[usize::from(*b)];
            }
            shift_rows(&mut s);
            if round != ROUNDS {
                mix_columns(&mut s);
            }
            add_round_key(&mut s, &self.round_keys[round]);
        }
        s
    }

    /// CBC encryption of whole blocks (the caller pads).
    pub fn encrypt_cbc(&self, iv: &[u8; BLOCK], plaintext: &[u8]) -> Vec<u8> {
        assert_eq!(plaintext.len() % BLOCK, 0, "CBC input is whole blocks");
        let mut previous = *iv;
        let mut out = Vec::with_capacity(plaintext.len());
        for chunk in plaintext.chunks_exact(BLOCK) {
            let mut block = [0u8; BLOCK];
            for (i, b) in block.iter_mut().enumerate() {
                *b = chunk[i] ^ previous[i];
            }
            previous = self.encrypt_block(&block);
            out.extend_from_slice(&previous);
        }
        out
    }
}

fn add_round_key(s: &mut [u8; BLOCK], key: &[u8; BLOCK]) {
    for (b, k) in s.iter_mut().zip(key) {
        *b ^= k;
    }
}

/// Row r moves r columns to the left; byte (row r, column c) sits at index 4c + r.
fn shift_rows(s: &mut [u8; BLOCK]) {
    let old = *s;
    for r in 1..4 {
        for c in 0..4 {
            s[4 * c + r] = old[4 * ((c + r) % 4) + r];
        }
    }
}

fn mix_columns(s: &mut [u8; BLOCK]) {
    for column in s.chunks_exact_mut(4) {
        let [a0, a1, a2, a3] = [column[0], column[1], column[2], column[3]];
        column[0] = gf_mul(a0, 2) ^ gf_mul(a1, 3) ^ a2 ^ a3;
        column[1] = a0 ^ gf_mul(a1, 2) ^ gf_mul(a2, 3) ^ a3;
        column[2] = a0 ^ a1 ^ gf_mul(a2, 2) ^ gf_mul(a3, 3);
        column[3] = gf_mul(a0, 3) ^ a1 ^ a2 ^ gf_mul(a3, 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{from_hex, hex};

    fn key(text: &str) -> [u8; KEY_LEN] {
        from_hex(text).try_into().unwrap()
    }

    #[test]
    fn sbox_matches_fips_197() {
        assert_eq!(SBOX[0x00], 0x63);
        assert_eq!(SBOX[0x01], 0x7c);
        assert_eq!(SBOX[0x53], 0xed);
        assert_eq!(SBOX[0xff], 0x16);
    }

    /// FIPS-197 Appendix C.1 (AES-128).
    #[test]
    fn fips_197_appendix_c1() {
        let aes = Aes128::new(&key("000102030405060708090a0b0c0d0e0f"));
        let block: [u8; BLOCK] = from_hex("00112233445566778899aabbccddeeff")
            .try_into()
            .unwrap();
        assert_eq!(
            hex(&aes.encrypt_block(&block)),
            "69c4e0d86a7b0430d8cdb78070b4c55a"
        );
    }

    /// FIPS-197 Appendix B: the worked example, and its last round key (A.1).
    #[test]
    fn fips_197_appendix_b() {
        let aes = Aes128::new(&key("2b7e151628aed2a6abf7158809cf4f3c"));
        assert_eq!(
            hex(&aes.round_keys[ROUNDS]),
            "d014f9a8c9ee2589e13f0cc8b6630ca6"
        );
        let block: [u8; BLOCK] = from_hex("3243f6a8885a308d313198a2e0370734")
            .try_into()
            .unwrap();
        assert_eq!(
            hex(&aes.encrypt_block(&block)),
            "3925841d02dc09fbdc118597196a0b32"
        );
    }

    /// NIST SP 800-38A F.2.1, CBC-AES128.Encrypt, first two blocks.
    #[test]
    fn sp_800_38a_cbc() {
        let aes = Aes128::new(&key("2b7e151628aed2a6abf7158809cf4f3c"));
        let iv: [u8; BLOCK] = from_hex("000102030405060708090a0b0c0d0e0f")
            .try_into()
            .unwrap();
        let plaintext =
            from_hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        assert_eq!(
            hex(&aes.encrypt_cbc(&iv, &plaintext)),
            "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
        );
    }
}
