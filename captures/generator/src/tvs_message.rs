//! TVS messages as they travel inside the TLS session, laid out as Cisco document 213407
//! ("Migrate Phones Between Secure Clusters": hex dumps of a real query-certificate
//! request and response from the TVS log) and the TVS server and client of
//! github.com/usecallmanagernz/daemons (`tvsd`, `tvsc`) show them; big-endian:
//!
//! ```text
//!   header, 10 bytes:
//!     0  magic       0x57
//!     1  version     1
//!     2  command     1 verify request, 2 verify response,
//!                    3 query-certificate request, 4 query-certificate response
//!     3  reserved    0 (tvsd; 213407's response carries 0xf7)
//!     4  session id  4 bytes: the same in a request and its response
//!     8  length      2 bytes: the TLV bytes after the header (213407: 143 of 153)
//!   then TLVs: tag (1 byte), length (2 bytes), value:
//!     1 device name: a type byte 0x01, then CP-<model>-SEP<MAC> (213407, tvsc)
//!     2 certificate (DER)   3 subject name, ending in a NUL (213407)
//!     7 status (1 byte: 0 valid, 1 invalid)
//!     8 roles: one byte per role, the CTL/ITL record function codes (tvsd; 213407's
//!       "roles 0 and 3" in two bytes)
//!     9 TTL (4 bytes, seconds; 213407: 00 01 51 80)
//! ```
//!
//! 213407's request also carries the certificate's issuer and serial number in TLVs
//! whose tags its dump does not show; [`TAG_ISSUER_STAND_IN`] and [`TAG_SERIAL_STAND_IN`]
//! stand in for them, so that captures carry TLVs the dissector cannot name.

pub const MAGIC: u8 = 0x57;
pub const VERSION: u8 = 1;

pub const VERIFY_REQUEST: u8 = 1;
pub const VERIFY_RESPONSE: u8 = 2;
pub const QUERY_CERTIFICATE_REQUEST: u8 = 3;
pub const QUERY_CERTIFICATE_RESPONSE: u8 = 4;

pub const TAG_DEVICE_NAME: u8 = 1;
pub const TAG_CERTIFICATE: u8 = 2;
pub const TAG_SUBJECT: u8 = 3;
pub const TAG_STATUS: u8 = 7;
pub const TAG_ROLES: u8 = 8;
pub const TAG_TTL: u8 = 9;

/// Stand-ins for the tags of the issuer and serial TLVs (not public, see above).
pub const TAG_ISSUER_STAND_IN: u8 = 0xf0;
pub const TAG_SERIAL_STAND_IN: u8 = 0xf1;

/// The type byte before the device name (213407, tvsc).
pub const DEVICE_NAME_TYPE: u8 = 0x01;

pub const STATUS_VALID: u8 = 0;
pub const STATUS_INVALID: u8 = 1;

pub fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
    out
}

/// One byte per role (tvsd: `struct.pack('B', role)` per role).
pub fn roles(codes: &[u8]) -> Vec<u8> {
    tlv(TAG_ROLES, codes)
}

/// The device name TLV: the type byte, then `CP-<model>-<device name>`.
pub fn device_name(model: &str, device: &str) -> Vec<u8> {
    let mut value = vec![DEVICE_NAME_TYPE];
    value.extend_from_slice(format!("{model}-{device}").as_bytes());
    tlv(TAG_DEVICE_NAME, &value)
}

/// A text TLV ending in a NUL, as 213407's subject (and issuer) are.
pub fn text_nul(tag: u8, text: &str) -> Vec<u8> {
    let mut value = text.as_bytes().to_vec();
    value.push(0);
    tlv(tag, &value)
}

pub fn ttl(seconds: u32) -> Vec<u8> {
    tlv(TAG_TTL, &seconds.to_be_bytes())
}

/// A header with every field given, for malformed messages too.
pub fn header(magic: u8, command: u8, session_id: u32, length: u16) -> Vec<u8> {
    let mut out = vec![magic, VERSION, command, 0];
    out.extend_from_slice(&session_id.to_be_bytes());
    out.extend_from_slice(&length.to_be_bytes());
    out
}

/// A well-formed message: header, then the TLVs it counts.
pub fn message(command: u8, session_id: u32, tlvs: &[Vec<u8>]) -> Vec<u8> {
    let body = tlvs.concat();
    let mut out = header(MAGIC, command, session_id, body.len() as u16);
    out.extend(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_the_tlvs_after_the_header() {
        let m = message(
            VERIFY_RESPONSE,
            0x0102_0304,
            &[tlv(TAG_STATUS, &[0]), ttl(60)],
        );
        assert_eq!(&m[..10], &[0x57, 1, 2, 0, 1, 2, 3, 4, 0, 11]);
        assert_eq!(m.len(), 10 + 11);
        assert_eq!(&m[10..14], &[7, 0, 1, 0]);
        assert_eq!(&m[14..], &[9, 0, 4, 0, 0, 0, 60]);
        assert_eq!(roles(&[0, 3]), vec![8, 0, 2, 0, 3]);
        // 213407's request: `01 00 18 01 43 50 2d 38 38 36 31 ...`.
        let name = device_name("CP-8861", "SEPB000B4BA0AEE");
        assert_eq!(&name[..7], &[1, 0, 0x18, 1, b'C', b'P', b'-']);
        assert_eq!(name.len(), 3 + 24);
        assert_eq!(
            text_nul(TAG_SUBJECT, "CN=x"),
            vec![3, 0, 5, b'C', b'N', b'=', b'x', 0]
        );
    }
}
