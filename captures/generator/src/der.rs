//! ASN.1 DER encoding primitives (ITU-T X.690), just what an X.509 certificate needs.

pub const TAG_BOOLEAN: u8 = 0x01;
pub const TAG_INTEGER: u8 = 0x02;
pub const TAG_BIT_STRING: u8 = 0x03;
pub const TAG_OCTET_STRING: u8 = 0x04;
pub const TAG_NULL: u8 = 0x05;
pub const TAG_OID: u8 = 0x06;
pub const TAG_UTF8_STRING: u8 = 0x0c;
pub const TAG_PRINTABLE_STRING: u8 = 0x13;
pub const TAG_UTC_TIME: u8 = 0x17;
pub const TAG_SEQUENCE: u8 = 0x30;
pub const TAG_SET: u8 = 0x31;

/// Definite length: short form below 128, else long form with the minimum octets.
pub fn length(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|&b| b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(length(content.len()));
    out.extend_from_slice(content);
    out
}

pub fn sequence(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(TAG_SEQUENCE, &items.concat())
}

/// A SET holding one element (each relative distinguished name here has one attribute,
/// so no DER sorting is needed).
pub fn set_of_one(item: Vec<u8>) -> Vec<u8> {
    tlv(TAG_SET, &item)
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = magnitude.iter().copied().skip_while(|&b| b == 0).collect();
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().map_or(true, |&b| b & 0x80 != 0) {
        content.push(0); // keep it positive (and encode zero as one zero octet)
    }
    content.extend(trimmed);
    tlv(TAG_INTEGER, &content)
}

pub fn small_integer(v: u64) -> Vec<u8> {
    unsigned_integer(&v.to_be_bytes())
}

pub fn oid(arcs: &[u64]) -> Vec<u8> {
    assert!(arcs.len() >= 2, "an OID has at least two arcs");
    let mut content = Vec::new();
    let mut push_base128 = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        content.extend(tmp);
    };
    push_base128(arcs[0] * 40 + arcs[1]);
    for &arc in &arcs[2..] {
        push_base128(arc);
    }
    tlv(TAG_OID, &content)
}

pub fn null() -> Vec<u8> {
    vec![TAG_NULL, 0]
}

pub fn boolean(v: bool) -> Vec<u8> {
    tlv(TAG_BOOLEAN, &[if v { 0xff } else { 0 }])
}

pub fn bit_string(unused_bits: u8, bytes: &[u8]) -> Vec<u8> {
    let mut content = vec![unused_bits];
    content.extend_from_slice(bytes);
    tlv(TAG_BIT_STRING, &content)
}

pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(TAG_OCTET_STRING, bytes)
}

pub fn printable_string(s: &str) -> Vec<u8> {
    tlv(TAG_PRINTABLE_STRING, s.as_bytes())
}

pub fn utf8_string(s: &str) -> Vec<u8> {
    tlv(TAG_UTF8_STRING, s.as_bytes())
}

/// `YYMMDDHHMMSSZ`.
pub fn utc_time(s: &str) -> Vec<u8> {
    assert_eq!(s.len(), 13, "UTCTime is YYMMDDHHMMSSZ");
    tlv(TAG_UTC_TIME, s.as_bytes())
}

/// `[n] EXPLICIT`: a constructed context-specific tag around an encoded value.
pub fn explicit(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(length(5), vec![5]);
        assert_eq!(length(127), vec![0x7f]);
        assert_eq!(length(128), vec![0x81, 0x80]);
        assert_eq!(length(1_037), vec![0x82, 0x04, 0x0d]);
    }

    #[test]
    fn sha256_with_rsa_oid() {
        assert_eq!(
            oid(&[1, 2, 840, 113_549, 1, 1, 11]),
            vec![0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]
        );
    }

    #[test]
    fn integers_stay_positive() {
        assert_eq!(small_integer(0), vec![2, 1, 0]);
        assert_eq!(small_integer(65_537), vec![2, 3, 1, 0, 1]);
        assert_eq!(unsigned_integer(&[0x00, 0x80]), vec![2, 2, 0, 0x80]);
    }
}
