//! DNS over UDP (RFC 1035): a stub resolver's recursive query for one name and the
//! server's answer, as phones and PCs exchange them with the office's DNS server.

use crate::net::Ipv4;

pub const DNS_PORT: u16 = 53;
pub const TYPE_A: u16 = 1;
pub const TYPE_AAAA: u16 = 28;
const CLASS_IN: u16 = 1;
/// Standard query, recursion desired.
const FLAGS_QUERY: u16 = 0x0100;
/// Response, recursion desired and available, no error.
const FLAGS_ANSWER: u16 = 0x8180;
/// A compression pointer to the question's name, which starts right after the header.
const NAME_POINTER: [u8; 2] = [0xc0, 0x0c];

fn header(id: u16, flags: u16, answers: u16) -> Vec<u8> {
    let mut h = Vec::with_capacity(64);
    h.extend_from_slice(&id.to_be_bytes());
    h.extend_from_slice(&flags.to_be_bytes());
    h.extend_from_slice(&1u16.to_be_bytes()); // one question
    h.extend_from_slice(&answers.to_be_bytes());
    h.extend_from_slice(&[0, 0, 0, 0]); // no authority, no additional records
    h
}

/// The name as length-prefixed labels ending in the root's empty label.
fn push_name(out: &mut Vec<u8>, name: &str) {
    for label in name.split('.').filter(|l| !l.is_empty()) {
        assert!(label.len() < 64, "DNS label too long: {label}");
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
}

fn push_question(out: &mut Vec<u8>, name: &str, qtype: u16) {
    push_name(out, name);
    out.extend_from_slice(&qtype.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
}

pub fn query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut q = header(id, FLAGS_QUERY, 0);
    push_question(&mut q, name, qtype);
    q
}

/// The answer to [`query`]: one A record per address. An AAAA question gets no record
/// (the names here have IPv4 addresses only): "no error, no data".
pub fn answer(id: u16, name: &str, qtype: u16, addresses: &[Ipv4], ttl: u32) -> Vec<u8> {
    let records: &[Ipv4] = if qtype == TYPE_A { addresses } else { &[] };
    let mut a = header(id, FLAGS_ANSWER, records.len() as u16);
    push_question(&mut a, name, qtype);
    for ip in records {
        a.extend_from_slice(&NAME_POINTER);
        a.extend_from_slice(&TYPE_A.to_be_bytes());
        a.extend_from_slice(&CLASS_IN.to_be_bytes());
        a.extend_from_slice(&ttl.to_be_bytes());
        a.extend_from_slice(&4u16.to_be_bytes());
        a.extend_from_slice(ip);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_layout() {
        let q = query(0x1234, "cucm-par.emcc.example", TYPE_A);
        assert_eq!(&q[..12], &[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&q[12..21], b"\x08cucm-par");
        assert_eq!(&q[21..26], b"\x04emcc");
        assert_eq!(&q[26..35], b"\x07example\x00");
        assert_eq!(&q[35..], &[0, 1, 0, 1]);
    }

    #[test]
    fn answers_point_back_at_the_question() {
        let a = answer(7, "a.b", TYPE_A, &[[10, 20, 0, 10], [10, 20, 0, 11]], 300);
        assert_eq!(&a[2..4], &[0x81, 0x80]);
        assert_eq!(&a[6..8], &[0, 2]);
        let first = 12 + 5 + 4;
        assert_eq!(&a[first..first + 2], &NAME_POINTER);
        assert_eq!(&a[first + 6..first + 10], &300u32.to_be_bytes());
        assert_eq!(&a[first + 12..first + 16], &[10, 20, 0, 10]);
        assert_eq!(a.len(), first + 2 * 16);
        let none = answer(7, "a.b", TYPE_AAAA, &[[10, 20, 0, 10]], 300);
        assert_eq!(&none[6..8], &[0, 0]);
        assert_eq!(none.len(), first);
    }
}
