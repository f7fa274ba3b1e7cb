//! TVS messages as they travel inside the TLS session (layout from the project's domain
//! notes; byte order big-endian throughout):
//!
//! ```text
//!   header, 10 bytes:
//!     0  magic       0x57
//!     1  version     1
//!     2  command     1 verify request, 2 verify response,
//!                    3 query-certificate request, 4 query-certificate response
//!     3  reserved    0
//!     4  session id  4 bytes: the same in a request and its response
//!     8  length      2 bytes: the TLV bytes after the header (not the header itself)
//!   then TLVs: tag (1 byte), length (2 bytes), value:
//!     1 device name (text)   2 certificate (DER)   3 subject name (text)
//!     7 status (1 byte: 0 valid, 1 invalid)   8 roles   9 TTL (4 bytes, seconds)
//! ```
//!
//! The value widths of status and TTL and the roles encoding are not public; the choice
//! here (also the dissector's reading) is: roles are 2-byte codes from the CTL/ITL
//! record function table (0 SAST, 2 CCM+TFTP, ...), as many as the length holds.

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

pub const STATUS_VALID: u8 = 0;
pub const STATUS_INVALID: u8 = 1;

pub fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
    out
}

pub fn roles(codes: &[u16]) -> Vec<u8> {
    tlv(
        TAG_ROLES,
        &codes
            .iter()
            .flat_map(|c| c.to_be_bytes())
            .collect::<Vec<u8>>(),
    )
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
        assert_eq!(roles(&[0, 21]), vec![8, 0, 4, 0, 0, 0, 21]);
    }
}
