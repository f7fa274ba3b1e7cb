//! CTL/ITL trust-list files and the signature header of signed (`.sgn`) files.
//!
//! Layout followed (tag numbers from the project's domain notes; where the value width is
//! not public, the choice made here is noted). Every element is a TLV: a 1-byte tag, a
//! 2-byte big-endian length, then the value.
//!
//! File header (CUCM writes version 1.2):
//! ```text
//!   1  VERSION           2 bytes: major, minor
//!   2  HEADER_LENGTH     4 bytes: length of the whole header, this TLV included
//!   3  SIGNER_ID         2 bytes
//!   4  SIGNER_NAME       text, Cisco subject form "CN=..;OU=..;O=..;L=..;ST=..;C=.."
//!   5  SERIAL_NUMBER     the signer certificate's serial
//!   6  CA_NAME           text, the signer certificate's issuer
//!   7  SIGNATURE_INFO    nested TLVs:
//!        8  DIGEST_ALGORITHM          1 byte: 1 SHA-1, 2 SHA-256, 3 SHA-512
//!        9  SIGNATURE_ALGORITHM_INFO  nested TLVs:
//!             10 SIGNATURE_ALGORITHM  1 byte: 0 RSA
//!             11 SIGNATURE_MODULUS    2 bytes: key size in bits
//!   12 SIGNATURE         RSA PKCS#1 v1.5 over the file without this TLV (random here)
//!   14 FILE_NAME         text
//!   15 TIMESTAMP         4 bytes: Unix seconds
//! ```
//! Then, in a trust list, one record per certificate:
//! ```text
//!   1  RECORD_LENGTH     2 bytes: length of the whole record, this TLV included
//!   2  DNS_NAME          text
//!   3  SUBJECT_NAME      text
//!   4  FUNCTION          2 bytes: 0 SAST, 1 CCM, 2 CCM+TFTP, 3 TFTP, 4 CAPF, 7 app server, 21 TVS
//!   5  ISSUER_NAME       text
//!   6  SERIAL_NUMBER     bytes
//!   7  PUBLIC_KEY        DER RSAPublicKey
//!   9  CERTIFICATE       DER X.509 certificate
//!   10 IP_ADDRESS        4 bytes
//! ```

use crate::net::Ipv4;
use crate::prng::Prng;
use crate::x509::Certificate;

pub const VERSION_1_2: (u8, u8) = (1, 2);
const DIGEST_SHA256: u8 = 2;
const SIGNATURE_RSA: u8 = 0;

#[derive(Clone, Copy)]
#[repr(u16)]
pub enum Function {
    Sast = 0,
    CcmTftp = 2,
    Capf = 4,
    Tvs = 21,
}

pub struct Record<'a> {
    pub dns_name: &'a str,
    pub function: Function,
    pub cert: &'a Certificate,
    pub ip: Ipv4,
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    assert!(value.len() <= 0xffff, "TLV value too long");
    let mut out = vec![tag];
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
    out
}

/// The signed-file header; the signature bytes are seeded by the file name and time.
pub fn header(signer: &Certificate, file_name: &str, timestamp: u32, version: (u8, u8)) -> Vec<u8> {
    let mut rng = Prng::from_label(&format!("signature {file_name} {timestamp}"));
    let modulus_bits: u16 = 2048;
    let algorithm_info = [
        tlv(10, &[SIGNATURE_RSA]),
        tlv(11, &modulus_bits.to_be_bytes()),
    ]
    .concat();
    let signature_info = [tlv(8, &[DIGEST_SHA256]), tlv(9, &algorithm_info)].concat();
    let rest = [
        tlv(3, &1u16.to_be_bytes()),
        tlv(4, signer.subject_text.as_bytes()),
        tlv(5, &signer.serial),
        tlv(6, signer.issuer_text.as_bytes()),
        tlv(7, &signature_info),
        tlv(12, &rng.bytes(usize::from(modulus_bits / 8))),
        tlv(14, file_name.as_bytes()),
        tlv(15, &timestamp.to_be_bytes()),
    ]
    .concat();
    let version_tlv = tlv(1, &[version.0, version.1]);
    let header_len = (version_tlv.len() + 7 + rest.len()) as u32;
    [version_tlv, tlv(2, &header_len.to_be_bytes()), rest].concat()
}

fn record(r: &Record) -> Vec<u8> {
    let body = [
        tlv(2, r.dns_name.as_bytes()),
        tlv(3, r.cert.subject_text.as_bytes()),
        tlv(4, &(r.function as u16).to_be_bytes()),
        tlv(5, r.cert.issuer_text.as_bytes()),
        tlv(6, &r.cert.serial),
        tlv(7, &r.cert.public_key),
        tlv(9, &r.cert.der),
        tlv(10, &r.ip),
    ]
    .concat();
    let total = (body.len() + 5) as u16;
    [tlv(1, &total.to_be_bytes()), body].concat()
}

pub fn trust_list(
    signer: &Certificate,
    file_name: &str,
    timestamp: u32,
    records: &[Record],
) -> Vec<u8> {
    let mut out = header(signer, file_name, timestamp, VERSION_1_2);
    for r in records {
        out.extend(record(r));
    }
    out
}

/// A signed file (`.sgn`): the signature header, then the file as the TFTP server has it.
pub fn signed_file(
    signer: &Certificate,
    file_name: &str,
    timestamp: u32,
    content: &[u8],
) -> Vec<u8> {
    let mut out = header(signer, file_name, timestamp, VERSION_1_2);
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::{build, CertSpec, EKU_SERVER_AUTH};

    fn cert() -> Certificate {
        let name = [("C", "US"), ("CN", "x")];
        build(&CertSpec {
            subject: &name,
            issuer: &name,
            not_before: "180101000000Z",
            not_after: "280101000000Z",
            extended_key_usage: &[EKU_SERVER_AUTH],
            dns_name: None,
            label: "t",
        })
    }

    /// Walks top-level TLVs, returning (tag, value) pairs; panics on overrun.
    fn walk(mut b: &[u8]) -> Vec<(u8, &[u8])> {
        let mut out = Vec::new();
        while !b.is_empty() {
            let len = usize::from(u16::from_be_bytes([b[1], b[2]]));
            out.push((b[0], &b[3..3 + len]));
            b = &b[3 + len..];
        }
        out
    }

    #[test]
    fn header_length_covers_the_header() {
        let c = cert();
        let file = trust_list(
            &c,
            "ITLFile.tlv",
            1_552_000_000,
            &[Record {
                dns_name: "x",
                function: Function::Tvs,
                cert: &c,
                ip: [10, 0, 0, 1],
            }],
        );
        let tlvs = walk(&file);
        assert_eq!(tlvs[0], (1, &[1u8, 2][..]));
        let header_len = u32::from_be_bytes(tlvs[1].1.try_into().unwrap()) as usize;
        let header_tags: Vec<u8> = walk(&file[..header_len]).iter().map(|t| t.0).collect();
        assert_eq!(header_tags, vec![1, 2, 3, 4, 5, 6, 7, 12, 14, 15]);
        let records = walk(&file[header_len..]);
        assert_eq!(records[0].0, 1);
        let record_len = usize::from(u16::from_be_bytes(records[0].1.try_into().unwrap()));
        assert_eq!(header_len + record_len, file.len());
        assert_eq!(records[3], (4, &[0u8, 21][..]));
    }
}
