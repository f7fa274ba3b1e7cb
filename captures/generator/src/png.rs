//! PNG files (ISO/IEC 15948) as web servers send images: the signature, a header chunk,
//! one image data chunk, the end chunk, each with its CRC-32, so Wireshark's PNG
//! dissector reads them without complaint. The image data is not a valid zlib stream
//! (nobody inflates it here).

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// Each chunk's CRC covers its type and data (ISO/IEC 15948, 5.3), with the CRC-32 of
/// ISO 3309 (reflected polynomial 0xEDB88320), which is the one `crc32fast` computes.
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize()
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
}

/// A `width` x `height` RGB image whose data chunk holds `data`.
pub fn image(width: u32, height: u32, data: &[u8]) -> Vec<u8> {
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // 8 bits per sample, truecolour, deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = Vec::with_capacity(data.len() + 57);
    png.extend_from_slice(&SIGNATURE);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", data);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_the_standard_check_string() {
        assert_eq!(crc32(&[b"123456789"]), 0xcbf4_3926);
        assert_eq!(crc32(&[b"1234", b"56789"]), 0xcbf4_3926);
    }

    #[test]
    fn layout() {
        let png = image(16, 8, &[1, 2, 3]);
        assert_eq!(&png[..8], &SIGNATURE);
        assert_eq!(&png[8..16], b"\x00\x00\x00\x0dIHDR");
        assert_eq!(&png[16..20], &16u32.to_be_bytes());
        // The empty end chunk's CRC is a well-known constant.
        assert_eq!(
            &png[png.len() - 12..],
            b"\x00\x00\x00\x00IEND\xae\x42\x60\x82"
        );
        assert_eq!(png.len(), 8 + 25 + 15 + 12);
    }
}
