//! The CTL and ITL signatures of a DeviceTLInfo alarm (`CTL_Signature`, `ITL_Signature`):
//! hex bytes as the phone prints them, or `Not Installed`.

#![forbid(unsafe_code)]

/// Why a hex signature did not decode. `index` is the character index in the given string
/// (equal to the byte index: everything before it is ASCII).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HexError {
    pub index: usize,
    pub kind: HexErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexErrorKind {
    /// A character that is neither a hex digit nor whitespace.
    BadChar(char),
    /// A hex digit without its pair (`3E 9 1A`, or an odd number of digits).
    OddDigit,
    /// Nothing but whitespace.
    Empty,
}

impl std::fmt::Display for HexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            HexErrorKind::BadChar(c) => write!(f, "unexpected {c:?} at index {}", self.index),
            HexErrorKind::OddDigit => write!(f, "unpaired hex digit at index {}", self.index),
            HexErrorKind::Empty => f.write_str("empty signature"),
        }
    }
}

impl std::error::Error for HexError {}

/// Text DeviceTLInfo sends instead of a CTL/ITL signature when there is no such file.
pub const NOT_INSTALLED: &str = "Not Installed";

/// Decodes a DeviceTLInfo signature such as `3E 91 A3 5D ... 15 ` (whitespace between bytes
/// optional, leading/trailing whitespace allowed; the two digits of a byte must be adjacent).
/// `Ok(None)` for `Not Installed`.
pub fn decode_hex_signature(s: &str) -> Result<Option<Vec<u8>>, HexError> {
    if s.trim() == NOT_INSTALLED {
        return Ok(None);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let hi = hex_value(s, i)?;
        match bytes.get(i + 1) {
            Some(next) if !next.is_ascii_whitespace() => {
                let lo = hex_value(s, i + 1)?;
                out.push((hi << 4) | lo);
                i += 2;
            }
            _ => {
                return Err(HexError {
                    index: i,
                    kind: HexErrorKind::OddDigit,
                })
            }
        }
    }
    if out.is_empty() {
        return Err(HexError {
            index: 0,
            kind: HexErrorKind::Empty,
        });
    }
    Ok(Some(out))
}

/// The hex digit at byte `i` of `s` (which is also its character index: all before is ASCII).
fn hex_value(s: &str, i: usize) -> Result<u8, HexError> {
    let c = s[i..].chars().next().unwrap_or('\0');
    match c.to_digit(16) {
        Some(v) => Ok(v as u8),
        None => Err(HexError {
            index: i,
            kind: HexErrorKind::BadChar(c),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_signatures() {
        assert_eq!(
            decode_hex_signature("3E 91 A3"),
            Ok(Some(vec![0x3E, 0x91, 0xA3]))
        );
        assert_eq!(
            decode_hex_signature("3e91a3"),
            Ok(Some(vec![0x3E, 0x91, 0xA3]))
        );
        assert_eq!(
            decode_hex_signature(" 3E  91\tA3 "),
            Ok(Some(vec![0x3E, 0x91, 0xA3]))
        );
        assert_eq!(decode_hex_signature("Not Installed"), Ok(None));
        assert_eq!(decode_hex_signature(" Not Installed "), Ok(None));
        let err = |index, kind| Err(HexError { index, kind });
        assert_eq!(
            decode_hex_signature("3E 9 1A"),
            err(3, HexErrorKind::OddDigit)
        );
        assert_eq!(
            decode_hex_signature("3E91A"),
            err(4, HexErrorKind::OddDigit)
        );
        assert_eq!(
            decode_hex_signature("3E 9G"),
            err(4, HexErrorKind::BadChar('G'))
        );
        assert_eq!(
            decode_hex_signature("3E:91"),
            err(2, HexErrorKind::BadChar(':'))
        );
        assert_eq!(
            decode_hex_signature("3E é1"),
            err(3, HexErrorKind::BadChar('é'))
        );
        assert_eq!(
            decode_hex_signature("3Eé"),
            err(2, HexErrorKind::BadChar('é'))
        );
        assert_eq!(decode_hex_signature(""), err(0, HexErrorKind::Empty));
        assert_eq!(decode_hex_signature("   "), err(0, HexErrorKind::Empty));
        assert_eq!(
            decode_hex_signature("N/A"),
            err(0, HexErrorKind::BadChar('N'))
        );
        assert_eq!(
            HexError {
                index: 4,
                kind: HexErrorKind::OddDigit
            }
            .to_string(),
            "unpaired hex digit at index 4"
        );
    }
}
