//! HMAC (RFC 2104) over SHA-1 (the record MAC) and SHA-256 (the PRF).

use super::sha1::BLOCK_LEN;
use super::{sha1, sha256};

const INNER_PAD: u8 = 0x36;
const OUTER_PAD: u8 = 0x5c;

fn hmac(hash: fn(&[u8]) -> Vec<u8>, key: &[u8], message: &[u8]) -> Vec<u8> {
    // Keys longer than a block are hashed first; shorter ones are zero-padded.
    let mut block_key = if key.len() > BLOCK_LEN {
        hash(key)
    } else {
        key.to_vec()
    };
    block_key.resize(BLOCK_LEN, 0);
    let mut inner: Vec<u8> = block_key.iter().map(|b| b ^ INNER_PAD).collect();
    inner.extend_from_slice(message);
    let mut outer: Vec<u8> = block_key.iter().map(|b| b ^ OUTER_PAD).collect();
    outer.extend(hash(&inner));
    hash(&outer)
}

pub fn sha1(key: &[u8], message: &[u8]) -> [u8; sha1::DIGEST_LEN] {
    let mac = hmac(|m| sha1::digest(m).to_vec(), key, message);
    mac.try_into().expect("SHA-1 digest length")
}

pub fn sha256(key: &[u8], message: &[u8]) -> [u8; sha256::DIGEST_LEN] {
    let mac = hmac(|m| sha256::digest(m).to_vec(), key, message);
    mac.try_into().expect("SHA-256 digest length")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hex;

    #[test]
    fn rfc_4231_hmac_sha256() {
        // Test case 1.
        assert_eq!(
            hex(&sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2: a key shorter than the output.
        assert_eq!(
            hex(&sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than a block is hashed first.
        assert_eq!(
            hex(&sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn rfc_2202_hmac_sha1() {
        assert_eq!(
            hex(&sha1(&[0x0b; 20], b"Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00"
        );
        assert_eq!(
            hex(&sha1(b"Jefe", b"what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
    }
}
