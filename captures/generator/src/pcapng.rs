//! Minimal pcapng writer: one section, one Ethernet interface, Enhanced Packet Blocks,
//! and, for decryptable captures, a Decryption Secrets Block holding a TLS key log.
//!
//! Layout per the pcapng specification (IETF draft-ietf-opsawg-pcapng): every block is
//! `type, total length, body, total length`, little-endian here, bodies padded to four
//! bytes. The interface keeps the default timestamp resolution (microseconds).

const BLOCK_SECTION_HEADER: u32 = 0x0A0D_0D0A;
const BLOCK_INTERFACE: u32 = 0x0000_0001;
const BLOCK_ENHANCED_PACKET: u32 = 0x0000_0006;
const BLOCK_DECRYPTION_SECRETS: u32 = 0x0000_000A;
/// Secrets type "TLSK": the NSS key log format (`CLIENT_RANDOM ...` lines).
const SECRETS_TLS_KEY_LOG: u32 = 0x544c_534b;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
pub const LINKTYPE_ETHERNET: u16 = 1;

const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
const OPT_IF_NAME: u16 = 2;
const OPT_SHB_USERAPPL: u16 = 4;

fn padded(len: usize) -> usize {
    (len + 3) & !3
}

fn push_option(body: &mut Vec<u8>, code: u16, value: &[u8]) {
    body.extend_from_slice(&code.to_le_bytes());
    body.extend_from_slice(&(value.len() as u16).to_le_bytes());
    body.extend_from_slice(value);
    body.resize(padded(body.len()), 0);
}

fn end_options(body: &mut Vec<u8>) {
    body.extend_from_slice(&OPT_END.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
}

fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    assert_eq!(body.len() % 4, 0, "block bodies are padded");
    let total = (12 + body.len()) as u32;
    let mut b = Vec::with_capacity(total as usize);
    b.extend_from_slice(&kind.to_le_bytes());
    b.extend_from_slice(&total.to_le_bytes());
    b.extend_from_slice(body);
    b.extend_from_slice(&total.to_le_bytes());
    b
}

pub fn section_header(user_application: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
    body.extend_from_slice(&1u16.to_le_bytes()); // major version
    body.extend_from_slice(&0u16.to_le_bytes()); // minor version
    body.extend_from_slice(&(-1i64).to_le_bytes()); // section length not given
    push_option(&mut body, OPT_SHB_USERAPPL, user_application.as_bytes());
    end_options(&mut body);
    block(BLOCK_SECTION_HEADER, &body)
}

pub fn interface_description(linktype: u16, snaplen: u32, name: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&linktype.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes()); // reserved
    body.extend_from_slice(&snaplen.to_le_bytes());
    push_option(&mut body, OPT_IF_NAME, name.as_bytes());
    end_options(&mut body);
    block(BLOCK_INTERFACE, &body)
}

/// A Decryption Secrets Block with a TLS key log (one line per session, each ending
/// with a line feed). Readers apply it to the packets that follow it.
pub fn tls_key_log(lines: &[String]) -> Vec<u8> {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let mut body = Vec::new();
    body.extend_from_slice(&SECRETS_TLS_KEY_LOG.to_le_bytes());
    body.extend_from_slice(&(text.len() as u32).to_le_bytes());
    body.extend_from_slice(text.as_bytes());
    body.resize(padded(body.len()), 0);
    block(BLOCK_DECRYPTION_SECRETS, &body)
}

/// One packet on interface 0; only the first `snaplen` bytes are stored, the original
/// length is kept, as a capture taken with a short snapshot length would have it. Each
/// comment is its own option (pcapng allows several; Wireshark lists each).
pub fn enhanced_packet(unix_us: u64, data: &[u8], snaplen: u32, comments: &[&str]) -> Vec<u8> {
    let captured = data.len().min(snaplen as usize);
    let mut body = Vec::with_capacity(32 + padded(captured));
    body.extend_from_slice(&0u32.to_le_bytes()); // interface id
    body.extend_from_slice(&((unix_us >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(unix_us as u32).to_le_bytes());
    body.extend_from_slice(&(captured as u32).to_le_bytes());
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    body.extend_from_slice(&data[..captured]);
    body.resize(padded(body.len()), 0);
    for text in comments {
        push_option(&mut body, OPT_COMMENT, text.as_bytes());
    }
    if !comments.is_empty() {
        end_options(&mut body);
    }
    block(BLOCK_ENHANCED_PACKET, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    /// Every block must repeat its total length at its end.
    fn check_block(b: &[u8]) -> usize {
        let total = u32_at(b, 4) as usize;
        assert_eq!(total % 4, 0);
        assert_eq!(u32_at(b, total - 4) as usize, total);
        total
    }

    #[test]
    fn section_and_interface_are_well_formed() {
        let shb = section_header("test");
        assert_eq!(u32_at(&shb, 0), BLOCK_SECTION_HEADER);
        assert_eq!(u32_at(&shb, 8), BYTE_ORDER_MAGIC);
        assert_eq!(check_block(&shb), shb.len());
        let idb = interface_description(LINKTYPE_ETHERNET, 262_144, "eth0");
        assert_eq!(check_block(&idb), idb.len());
        assert_eq!(u32_at(&idb, 12), 262_144);
    }

    #[test]
    fn packets_keep_original_length_when_truncated() {
        let data = vec![0xab; 201];
        let epb = enhanced_packet(0x0001_0002_0003_0004, &data, 160, &[]);
        assert_eq!(check_block(&epb), epb.len());
        assert_eq!(u32_at(&epb, 12), 0x0001_0002);
        assert_eq!(u32_at(&epb, 16), 0x0003_0004);
        assert_eq!(u32_at(&epb, 20), 160);
        assert_eq!(u32_at(&epb, 24), 201);
        assert_eq!(epb.len(), 12 + 20 + 160);
    }

    #[test]
    fn key_log_is_a_padded_secrets_block() {
        let dsb = tls_key_log(&["CLIENT_RANDOM 01 02".to_string()]);
        assert_eq!(check_block(&dsb), dsb.len());
        assert_eq!(u32_at(&dsb, 0), BLOCK_DECRYPTION_SECRETS);
        assert_eq!(u32_at(&dsb, 8), SECRETS_TLS_KEY_LOG);
        assert_eq!(u32_at(&dsb, 12), 20);
        assert_eq!(&dsb[16..36], b"CLIENT_RANDOM 01 02\n");
        assert_eq!(dsb.len(), 12 + 8 + 20);
    }

    #[test]
    fn comments_are_padded_options() {
        let epb = enhanced_packet(1, &[1, 2, 3], 262_144, &["hello"]);
        assert_eq!(check_block(&epb), epb.len());
        // 20 fixed + 4 data + (4 + 8) comment + 4 end of options
        assert_eq!(epb.len(), 12 + 20 + 4 + 12 + 4);
        assert_eq!(&epb[36..41], b"hello");
    }

    #[test]
    fn several_comments_are_several_options() {
        let epb = enhanced_packet(1, &[1, 2, 3], 262_144, &["hello", "flow: x"]);
        assert_eq!(check_block(&epb), epb.len());
        // 20 fixed + 4 data + (4 + 8) + (4 + 8) comments + 4 end of options
        assert_eq!(epb.len(), 12 + 20 + 4 + 12 + 12 + 4);
        assert_eq!(&epb[44..46], &OPT_COMMENT.to_le_bytes());
        assert_eq!(&epb[48..55], b"flow: x");
    }
}
