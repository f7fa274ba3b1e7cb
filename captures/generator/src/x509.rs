//! X.509 v3 certificates (RFC 5280) with the fields a CUCM self-signed certificate
//! carries, encoded in DER by the RustCrypto `x509-cert` crate (RSAPublicKey by `pkcs1`).
//! Key and signature bytes are random: nothing in the captures is meant to verify, only
//! to parse, so no key is ever generated and nothing is signed (the crate's builder
//! would sign).

use crate::prng::Prng;
use pkcs1::RsaPublicKey;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::der::asn1::{
    Any, BitString, Ia5String, OctetString, PrintableStringRef, SetOfVec, UintRef, UtcTime,
    Utf8StringRef,
};
use x509_cert::der::oid::db::{rfc4519, rfc5912};
use x509_cert::der::oid::{AssociatedOid, ObjectIdentifier};
use x509_cert::der::{DateTime, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::{RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate as X509, TbsCertificate, Version};

pub const EKU_SERVER_AUTH: ObjectIdentifier = rfc5912::ID_KP_SERVER_AUTH;
pub const EKU_CLIENT_AUTH: ObjectIdentifier = rfc5912::ID_KP_CLIENT_AUTH;
/// id-kp-ipsecEndSystem, { id-kp 5 } (RFC 2459, 4.2.1.13), which CUCM's CallManager
/// certificate still lists; the crate's OID database lacks it.
pub const EKU_IPSEC_END_SYSTEM: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.5");
const RSA_BYTES: usize = 256; // 2048-bit keys, as CUCM 11.5 generates by default
const RSA_EXPONENT: [u8; 3] = [0x01, 0x00, 0x01]; // 65537

/// Relative distinguished names from the root down (C first, CN last), as DER orders them.
pub type Name<'a> = [(&'a str, &'a str)];

pub struct CertSpec<'a> {
    pub subject: &'a Name<'a>,
    /// Same as `subject` for CUCM's self-signed certificates.
    pub issuer: &'a Name<'a>,
    /// UTCTime text, `YYMMDDHHMMSSZ`.
    pub not_before: &'a str,
    pub not_after: &'a str,
    pub extended_key_usage: &'a [ObjectIdentifier],
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

fn attribute_oid(short: &str) -> ObjectIdentifier {
    match short {
        "C" => rfc4519::C,
        "ST" => rfc4519::ST,
        "L" => rfc4519::L,
        "O" => rfc4519::O,
        "OU" => rfc4519::OU,
        "CN" => rfc4519::CN,
        other => panic!("unsupported name attribute {other}"),
    }
}

fn encode_name(name: &Name) -> RdnSequence {
    let rdns = name
        .iter()
        .map(|(short, value)| {
            // Country is a PrintableString by definition (RFC 5280, appendix A.1);
            // OpenSSL writes the rest as UTF8String.
            let value = if *short == "C" {
                Any::encode_from(&PrintableStringRef::new(value).expect("printable"))
            } else {
                Any::encode_from(&Utf8StringRef::new(value).expect("UTF-8"))
            }
            .expect("encodes");
            let attribute = AttributeTypeAndValue {
                oid: attribute_oid(short),
                value,
            };
            // Each RDN here holds one attribute, as CUCM's do.
            let set = SetOfVec::try_from(vec![attribute]).expect("one attribute");
            RelativeDistinguishedName(set)
        })
        .collect();
    RdnSequence(rdns)
}

pub fn name_text(name: &Name) -> String {
    name.iter()
        .rev()
        .map(|(short, value)| format!("{short}={value}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// UTCTime from its text `YYMMDDHHMMSSZ`; a year below 50 is 20YY (RFC 5280, 4.1.2.5.1).
fn utc_time(text: &str) -> Time {
    assert!(
        text.len() == 13 && text.ends_with('Z'),
        "UTCTime is YYMMDDHHMMSSZ: {text}"
    );
    let two = |at: usize| -> u8 { text[at..at + 2].parse().expect("UTCTime digits") };
    let year = u16::from(two(0)) + if two(0) < 50 { 2000 } else { 1900 };
    let date = DateTime::new(year, two(2), two(4), two(6), two(8), two(10)).expect("a date");
    Time::UtcTime(UtcTime::from_date_time(date).expect("a UTCTime year"))
}

fn extension<T: AssociatedOid + Encode>(value: &T, critical: bool) -> Extension {
    Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(value.to_der().expect("encodes")).expect("fits"),
    }
}

/// An AlgorithmIdentifier with NULL parameters, as rsaEncryption (RFC 3279, 2.3.1) and
/// sha256WithRSAEncryption (RFC 4055, 5) have.
fn algorithm(oid: ObjectIdentifier) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: Some(Any::null()),
    }
}

pub fn build(spec: &CertSpec) -> Certificate {
    let mut rng = Prng::from_label(spec.label);
    let mut serial = rng.bytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x40; // positive, full length
    let mut modulus = rng.bytes(RSA_BYTES);
    modulus[0] |= 0x80;
    modulus[RSA_BYTES - 1] |= 1;
    let public_key = RsaPublicKey {
        modulus: UintRef::new(&modulus).expect("modulus"),
        public_exponent: UintRef::new(&RSA_EXPONENT).expect("exponent"),
    }
    .to_der()
    .expect("encodes");
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: algorithm(rfc5912::RSA_ENCRYPTION),
        subject_public_key: BitString::from_bytes(&public_key).expect("key bits"),
    };
    let key_usage = KeyUsage(
        KeyUsages::DigitalSignature
            | KeyUsages::KeyEncipherment
            | KeyUsages::DataEncipherment
            | KeyUsages::KeyCertSign,
    );
    let key_id = OctetString::new(rng.bytes(20)).expect("key id");
    let ca = BasicConstraints {
        ca: true,
        path_len_constraint: None,
    };
    let mut extensions = vec![
        extension(&key_usage, true),
        extension(&ExtendedKeyUsage(spec.extended_key_usage.to_vec()), false),
        extension(&SubjectKeyIdentifier(key_id), false),
        extension(&ca, false),
    ];
    if let Some(dns) = spec.dns_name {
        let name = GeneralName::DnsName(Ia5String::new(dns).expect("an IA5 host name"));
        extensions.push(extension(&SubjectAltName(vec![name]), false));
    }
    let tbs_certificate = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&serial).expect("serial"),
        signature: algorithm(rfc5912::SHA_256_WITH_RSA_ENCRYPTION),
        issuer: encode_name(spec.issuer),
        validity: Validity {
            not_before: utc_time(spec.not_before),
            not_after: utc_time(spec.not_after),
        },
        subject: encode_name(spec.subject),
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let signature = rng.bytes(RSA_BYTES);
    let der = X509 {
        tbs_certificate,
        signature_algorithm: algorithm(rfc5912::SHA_256_WITH_RSA_ENCRYPTION),
        signature: BitString::from_bytes(&signature).expect("signature bits"),
    }
    .to_der()
    .expect("encodes");
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
    use x509_cert::der::Decode;

    #[test]
    fn certificate_decodes_with_the_fields_asked_for() {
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
        let decoded = X509::from_der(&cert.der).expect("one well-formed certificate");
        let tbs = &decoded.tbs_certificate;
        assert_eq!(tbs.version, Version::V3);
        assert_eq!(tbs.serial_number.as_bytes(), cert.serial.as_slice());
        assert_eq!(
            tbs.subject.to_string(),
            "CN=cucm-vc.lab.local,O=EMCC Lab,C=US"
        );
        assert_eq!(tbs.issuer, tbs.subject);
        assert_eq!(
            tbs.validity.not_before.to_date_time(),
            DateTime::new(2018, 5, 2, 14, 30, 12).unwrap()
        );
        assert_eq!(
            tbs.subject_public_key_info.subject_public_key.raw_bytes(),
            cert.public_key.as_slice()
        );
        let (critical, usage) = tbs.get::<KeyUsage>().unwrap().unwrap();
        assert!(critical && usage.key_cert_sign() && !usage.crl_sign());
        let (_, eku) = tbs.get::<ExtendedKeyUsage>().unwrap().unwrap();
        assert_eq!(eku.0, [EKU_SERVER_AUTH, EKU_CLIENT_AUTH]);
        assert_eq!(cert.subject_text, "CN=cucm-vc.lab.local;O=EMCC Lab;C=US");
    }

    #[test]
    fn utc_time_years_wrap_at_50() {
        assert_eq!(utc_time("491231235959Z").to_date_time().year(), 2049);
        // The crate's dates start in 1970.
        assert_eq!(utc_time("700101000000Z").to_date_time().year(), 1970);
    }
}
