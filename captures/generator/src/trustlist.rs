//! CTL/ITL trust-list files and the signature header of signed (`.sgn`) files.
//!
//! Layout followed: the open-source certutils (`tlvfile`, `sgnfile`) of the
//! usecallmanagernz project and Cisco document 118893's `show ctl` output of real CTL files
//! (tag numbers and widths below; signer and key size as those sources show them). Every
//! element is a TLV: a 1-byte tag, a 2-byte big-endian length, then the value, except the
//! padding.
//!
//! File header (version 1.2 in CTL/ITL, 1.0 in signed files, certutils `sgnfile`):
//! ```text
//!   1  VERSION           2 bytes: major, minor
//!   2  HEADER_LENGTH     2 bytes: length of the whole header (certutils '> H')
//!   3  SIGNER_ID         container (118893: signer ID length 149):
//!        4  SIGNER_NAME    text, Cisco subject form "CN=..;OU=..;O=..;L=..;ST=..;C=.."
//!        5  SERIAL_NUMBER  the signer certificate's serial
//!        6  CA_NAME        text, the signer certificate's issuer
//!   7  SIGNATURE_INFO    container:
//!        8  DIGEST_ALGORITHM          1 byte: 1 SHA-1, 2 SHA-256, 3 SHA-512
//!        9  SIGNATURE_ALGORITHM_INFO  container:
//!             10 SIGNATURE_ALGORITHM  1 byte: 0 RSA
//!             11 SIGNATURE_MODULUS    1 byte, an index: 0 512, 1 1024, 2 2048, 3 4096 bits
//!   12 SIGNATURE         RSA PKCS#1 v1.5 over the file without this TLV (random here)
//!   14 FILE_NAME         text
//!   15 TIMESTAMP         4 bytes: Unix seconds
//!   13 PADDING           bare 0x0D bytes (no length) up to a 4-byte boundary
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
/// Signed files carry header version 1.0 (certutils `sgnfile`).
pub const VERSION_1_0: (u8, u8) = (1, 0);
/// Tag 13, written bare (certutils "Pad to 4 byte boundary").
const PADDING: u8 = 0x0D;
/// Tag 11's index of a 2048-bit key (certutils `[64, 128, 256, 512].index(..)`).
const MODULUS_2048: u8 = 2;
/// Offset of the header length's 2-byte value: after the version TLV (5 bytes) and the
/// header length's tag and length.
pub const HEADER_LEN_VALUE: usize = 5 + 3;
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
/// Order as certutils' `tlvfile` and `sgnfile` write it.
pub fn header(signer: &Certificate, file_name: &str, timestamp: u32, version: (u8, u8)) -> Vec<u8> {
    let mut rng = Prng::from_label(&format!("signature {file_name} {timestamp}"));
    let signature_bytes = 2048 / 8;
    let algorithm_info = [tlv(10, &[SIGNATURE_RSA]), tlv(11, &[MODULUS_2048])].concat();
    let signature_info = [tlv(8, &[DIGEST_SHA256]), tlv(9, &algorithm_info)].concat();
    let signer_id = [
        tlv(4, signer.subject_text.as_bytes()),
        tlv(5, &signer.serial),
        tlv(6, signer.issuer_text.as_bytes()),
    ]
    .concat();
    let mut out = [
        tlv(1, &[version.0, version.1]),
        tlv(2, &[0, 0]),
        tlv(3, &signer_id),
        tlv(7, &signature_info),
        tlv(12, &rng.bytes(signature_bytes)),
        tlv(14, file_name.as_bytes()),
        tlv(15, &timestamp.to_be_bytes()),
    ]
    .concat();
    while out.len() % 4 != 0 {
        out.push(PADDING);
    }
    let header_len = u16::try_from(out.len()).expect("header fits its 2-byte length");
    out[HEADER_LEN_VALUE..HEADER_LEN_VALUE + 2].copy_from_slice(&header_len.to_be_bytes());
    out
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
    let mut out = header(signer, file_name, timestamp, VERSION_1_0);
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
        assert_eq!(&file[..5], &[1, 0, 2, 1, 2]);
        assert_eq!(&file[5..8], &[2, 0, 2]);
        let header_len = usize::from(u16::from_be_bytes([file[8], file[9]]));
        assert_eq!(header_len % 4, 0);
        let pad = file[..header_len]
            .iter()
            .rev()
            .take_while(|&&b| b == PADDING)
            .count();
        assert!(pad < 4);
        let header_tlvs = walk(&file[..header_len - pad]);
        let header_tags: Vec<u8> = header_tlvs.iter().map(|t| t.0).collect();
        assert_eq!(header_tags, vec![1, 2, 3, 7, 12, 14, 15]);
        let signer_tags: Vec<u8> = walk(header_tlvs[2].1).iter().map(|t| t.0).collect();
        assert_eq!(signer_tags, vec![4, 5, 6]);
        let records = walk(&file[header_len..]);
        assert_eq!(records[0].0, 1);
        let record_len = usize::from(u16::from_be_bytes(records[0].1.try_into().unwrap()));
        assert_eq!(header_len + record_len, file.len());
        assert_eq!(records[3], (4, &[0u8, 21][..]));
    }
}
