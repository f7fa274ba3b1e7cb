//! TFTP packets (RFC 1350, options per RFC 2347/2348/2349).

const OP_READ_REQUEST: u16 = 1;
const OP_DATA: u16 = 3;
const OP_ACK: u16 = 4;
const OP_ERROR: u16 = 5;
const OP_OPTION_ACK: u16 = 6;
pub const ERROR_NOT_DEFINED: u16 = 0;
pub const ERROR_FILE_NOT_FOUND: u16 = 1;
/// RFC 1350's block size, used unless the server accepts a `blksize` option.
pub const DEFAULT_BLOCK_SIZE: usize = 512;

fn push_options(out: &mut Vec<u8>, options: &[(&str, &str)]) {
    for (name, value) in options {
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        out.extend_from_slice(value.as_bytes());
        out.push(0);
    }
}

/// Read request; `options` are name/value pairs such as `("blksize", "1468")`.
pub fn read_request(file: &str, mode: &str, options: &[(&str, &str)]) -> Vec<u8> {
    let mut out = OP_READ_REQUEST.to_be_bytes().to_vec();
    for text in [file, mode] {
        out.extend_from_slice(text.as_bytes());
        out.push(0);
    }
    push_options(&mut out, options);
    out
}

/// The server's acceptance of the options it agrees to (RFC 2347).
pub fn option_ack(options: &[(&str, &str)]) -> Vec<u8> {
    let mut out = OP_OPTION_ACK.to_be_bytes().to_vec();
    push_options(&mut out, options);
    out
}

pub fn data(block: u16, bytes: &[u8]) -> Vec<u8> {
    let mut out = OP_DATA.to_be_bytes().to_vec();
    out.extend_from_slice(&block.to_be_bytes());
    out.extend_from_slice(bytes);
    out
}

pub fn ack(block: u16) -> Vec<u8> {
    [OP_ACK.to_be_bytes(), block.to_be_bytes()].concat()
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
    fn transfer_packets() {
        assert_eq!(data(2, b"ab"), b"\x00\x03\x00\x02ab");
        assert_eq!(ack(0), b"\x00\x04\x00\x00");
        assert_eq!(
            option_ack(&[("blksize", "1468")]),
            b"\x00\x06blksize\x001468\x00"
        );
    }

    #[test]
    fn error_layout() {
        assert_eq!(
            error(1, "File not found"),
            b"\x00\x05\x00\x01File not found\x00"
        );
    }
}
