#![forbid(unsafe_code)]
//! The TLV head Cisco's trust files and TVS messages share: a 1-byte tag, then a 2-byte
//! big-endian length of the value that follows (certutils `tlvfile` and the TVS
//! daemons `tvsd`/`tvsc` of usecallmanagernz both pack it as `'> B H'`). What a
//! value means, and what to do when one runs past its end, is each format's own.

use nom::number::complete::{be_u16, be_u8};
use nom::{IResult, Parser};

/// Size of a TLV's tag and length.
pub const HEAD_LEN: usize = 3;

/// A TLV's tag and value length.
pub fn head(input: &[u8]) -> IResult<&[u8], (u8, u16)> {
    (be_u8, be_u16).parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_then_big_endian_length() {
        assert_eq!(head(&[8, 0, 2, 0, 3]), Ok((&[0u8, 3][..], (8, 2))));
        assert!(head(&[8, 0]).is_err());
    }
}
