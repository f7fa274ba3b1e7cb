//! X.509 v3 certificates built byte by byte (RFC 5280): valid DER with the fields a CUCM
//! self-signed certificate carries. Key and signature bytes are random: nothing in the
//! captures is meant to verify, only to parse.

use crate::der;
use crate::prng::Prng;

const OID_RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113_549, 1, 1, 1];
const OID_SHA256_WITH_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
const OID_KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const OID_EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
const OID_SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
const OID_BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const OID_SUBJECT_ALT_NAME: &[u64] = &[2, 5, 29, 17];
/// GeneralName dNSName: `[2] IMPLICIT IA5String`.
const TAG_DNS_NAME: u8 = 0x82;
pub const EKU_SERVER_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 1];
pub const EKU_CLIENT_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 2];
pub const EKU_IPSEC_END_SYSTEM: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 5];
const RSA_BYTES: usize = 256; // 2048-bit keys, as CUCM 11.5 generates by default

/// Relative distinguished names from the root down (C first, CN last), as DER orders them.
pub type Name<'a> = [(&'a str, &'a str)];

pub struct CertSpec<'a> {
    pub subject: &'a Name<'a>,
    /// Same as `subject` for CUCM's self-signed certificates.
    pub issuer: &'a Name<'a>,
    pub not_before: &'a str,
    pub not_after: &'a str,
    pub extended_key_usage: &'a [&'a [u64]],
    /// subjectAltName dNSName, as CUCM puts the node's FQDN in its service certificates.
    pub dns_name: Option<&'a str>,
    /// Seeds the key, serial and signature bytes.
    pub label: &'a str,
}

pub struct Certificate {
    pub der: Vec<u8>,
    /// DER `RSAPublicKey` (what CTL/ITL records carry next to the certificate).
    pub public_key: Vec<u8>,
    pub serial: Vec<u8>,
    /// Cisco's text form, most specific first: `CN=..;OU=..;O=..;L=..;ST=..;C=..`.
    pub subject_text: String,
    pub issuer_text: String,
}

fn attribute_oid(short: &str) -> &'static [u64] {
    match short {
        "C" => &[2, 5, 4, 6],
        "ST" => &[2, 5, 4, 8],
        "L" => &[2, 5, 4, 7],
        "O" => &[2, 5, 4, 10],
        "OU" => &[2, 5, 4, 11],
        "CN" => &[2, 5, 4, 3],
        other => panic!("unsupported name attribute {other}"),
    }
}

fn encode_name(name: &Name) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = name
        .iter()
        .map(|(short, value)| {
            // Country is a PrintableString by definition; OpenSSL writes the rest as UTF8.
            let text = if *short == "C" {
                der::printable_string(value)
            } else {
                der::utf8_string(value)
            };
            der::set_of_one(der::sequence(&[der::oid(attribute_oid(short)), text]))
        })
        .collect();
    der::sequence(&rdns)
}

pub fn name_text(name: &Name) -> String {
    name.iter()
        .rev()
        .map(|(short, value)| format!("{short}={value}"))
        .collect::<Vec<_>>()
        .join(";")
}

fn extension(id: &[u64], critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![der::oid(id)];
    if critical {
        parts.push(der::boolean(true));
    }
    parts.push(der::octet_string(&value));
    der::sequence(&parts)
}

fn algorithm(id: &[u64]) -> Vec<u8> {
    der::sequence(&[der::oid(id), der::null()])
}

pub fn build(spec: &CertSpec) -> Certificate {
    let mut rng = Prng::from_label(spec.label);
    let mut serial = rng.bytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x40; // positive, full length
    let mut modulus = rng.bytes(RSA_BYTES);
    modulus[0] |= 0x80;
    modulus[RSA_BYTES - 1] |= 1;
    let public_key = der::sequence(&[der::unsigned_integer(&modulus), der::small_integer(65_537)]);
    let spki = der::sequence(&[
        algorithm(OID_RSA_ENCRYPTION),
        der::bit_string(0, &public_key),
    ]);
    let eku: Vec<Vec<u8>> = spec
        .extended_key_usage
        .iter()
        .map(|o| der::oid(o))
        .collect();
    // digitalSignature, keyEncipherment, dataEncipherment, keyCertSign
    let key_usage = der::bit_string(2, &[0b1011_0100]);
    let mut extensions = vec![
        extension(OID_KEY_USAGE, true, key_usage),
        extension(OID_EXT_KEY_USAGE, false, der::sequence(&eku)),
        extension(OID_SUBJECT_KEY_ID, false, der::octet_string(&rng.bytes(20))),
        extension(
            OID_BASIC_CONSTRAINTS,
            false,
            der::sequence(&[der::boolean(true)]),
        ),
    ];
    if let Some(dns) = spec.dns_name {
        let names = der::sequence(&[der::tlv(TAG_DNS_NAME, dns.as_bytes())]);
        extensions.push(extension(OID_SUBJECT_ALT_NAME, false, names));
    }
    let extensions = der::sequence(&extensions);
    let tbs = der::sequence(&[
        der::explicit(0, &der::small_integer(2)), // v3
        der::unsigned_integer(&serial),
        algorithm(OID_SHA256_WITH_RSA),
        encode_name(spec.issuer),
        der::sequence(&[
            der::utc_time(spec.not_before),
            der::utc_time(spec.not_after),
        ]),
        encode_name(spec.subject),
        spki,
        der::explicit(3, &extensions),
    ]);
    let signature = rng.bytes(RSA_BYTES);
    let der = der::sequence(&[
        tbs,
        algorithm(OID_SHA256_WITH_RSA),
        der::bit_string(0, &signature),
    ]);
    Certificate {
        der,
        public_key,
        serial,
        subject_text: name_text(spec.subject),
        issuer_text: name_text(spec.issuer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one DER header: (tag, header length, content length).
    fn header(b: &[u8]) -> (u8, usize, usize) {
        let first = b[1];
        if first < 0x80 {
            return (b[0], 2, usize::from(first));
        }
        let n = usize::from(first & 0x7f);
        let len = b[2..2 + n]
            .iter()
            .fold(0usize, |a, &x| (a << 8) | usize::from(x));
        (b[0], 2 + n, len)
    }

    #[test]
    fn certificate_is_one_well_formed_sequence() {
        let name = [("C", "US"), ("O", "EMCC Lab"), ("CN", "cucm-vc.lab.local")];
        let cert = build(&CertSpec {
            subject: &name,
            issuer: &name,
            not_before: "180502143012Z",
            not_after: "230501143011Z",
            extended_key_usage: &[EKU_SERVER_AUTH, EKU_CLIENT_AUTH],
            dns_name: Some("cucm-vc.lab.local"),
            label: "test",
        });
        let (tag, hl, len) = header(&cert.der);
        assert_eq!(tag, 0x30);
        assert_eq!(hl + len, cert.der.len());
        // tbsCertificate, algorithm, signature
        let (t1, h1, l1) = header(&cert.der[hl..]);
        assert_eq!(t1, 0x30);
        let (t2, h2, l2) = header(&cert.der[hl + h1 + l1..]);
        assert_eq!(t2, 0x30);
        let (t3, h3, l3) = header(&cert.der[hl + h1 + l1 + h2 + l2..]);
        assert_eq!(t3, 0x03);
        assert_eq!(hl + h1 + l1 + h2 + l2 + h3 + l3, cert.der.len());
        assert_eq!(cert.subject_text, "CN=cucm-vc.lab.local;O=EMCC Lab;C=US");
    }
}
