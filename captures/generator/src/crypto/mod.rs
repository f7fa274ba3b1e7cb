//! The primitives TLS 1.2 with TLS_RSA_WITH_AES_128_CBC_SHA needs, so that the TVS
//! capture carries records Wireshark can really decrypt: SHA-1 and SHA-256 (FIPS 180-4),
//! HMAC (RFC 2104) and AES-128 encryption (FIPS-197). Written for clarity, not speed or
//! side-channel resistance: they only ever process the generator's own made-up data.

pub mod aes;
pub mod hmac;
pub mod sha1;
pub mod sha256;

/// Lowercase hex, as key log files write secrets.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub fn from_hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| (c as char).to_digit(16).expect("hex digit") as u8)
        .collect();
    digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect()
}
