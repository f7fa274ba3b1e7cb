//! TFTP packets (RFC 1350, options per RFC 2347/2348/2349).

const OP_READ_REQUEST: u16 = 1;
const OP_ERROR: u16 = 5;
pub const ERROR_FILE_NOT_FOUND: u16 = 1;

/// Read request; `options` are name/value pairs such as `("blksize", "1468")`.
pub fn read_request(file: &str, mode: &str, options: &[(&str, &str)]) -> Vec<u8> {
    let mut out = OP_READ_REQUEST.to_be_bytes().to_vec();
    for text in [file, mode] {
        out.extend_from_slice(text.as_bytes());
        out.push(0);
    }
    for (name, value) in options {
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(value.as_bytes());
        out.push(0);
    }
    out
}

pub fn error(code: u16, message: &str) -> Vec<u8> {
    let mut out = OP_ERROR.to_be_bytes().to_vec();
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(message.as_bytes());
    out.push(0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_read_request_is_31_bytes() {
        // Frame 456 is 73 bytes: 14 Ethernet + 20 IPv4 + 8 UDP + 31 TFTP, no options.
        assert_eq!(
            read_request("CTLSEPC80084AA8743.tlv", "octet", &[]).len(),
            31
        );
        let with = read_request("f", "octet", &[("tsize", "0")]);
        assert_eq!(with, b"\x00\x01f\x00octet\x00tsize\x000\x00");
    }

    #[test]
    fn error_layout() {
        assert_eq!(
            error(1, "File not found"),
            b"\x00\x05\x00\x01File not found\x00"
        );
    }
}
