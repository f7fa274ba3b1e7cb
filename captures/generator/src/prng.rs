//! A tiny seeded pseudo-random generator (SplitMix64).
//!
//! Captures must be byte-identical run to run, yet identifiers, keys and ciphertext should
//! look random. Every consumer derives its own generator from a text label, so adding one
//! draw somewhere does not shift the values drawn everywhere else.

pub struct Prng {
    state: u64,
}

impl Prng {
    pub fn new(seed: u64) -> Self {
        Prng { state: seed }
    }

    /// Seeds from a label (FNV-1a hash), giving each part of a capture its own stream.
    pub fn from_label(label: &str) -> Self {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in label.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Prng::new(hash)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// A value in `lo..hi`; the modulo bias is irrelevant for made-up identifiers.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        assert!(lo < hi, "empty range");
        lo + self.next_u64() % (hi - lo)
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next_u64() >> 56) as u8).collect()
    }

    /// `digits` lowercase hexadecimal characters.
    pub fn hex(&mut self, digits: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..digits)
            .map(|_| char::from(HEX[(self.next_u64() >> 60) as usize]))
            .collect()
    }

    /// A decimal number of exactly `digits` digits (no leading zero), like CUCM's SIP tags.
    pub fn decimal(&mut self, digits: u32) -> String {
        let low = 10u64.pow(digits - 1);
        self.range(low, low * 10).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_label_same_stream() {
        let mut a = Prng::from_label("x");
        let mut b = Prng::from_label("x");
        assert_eq!(a.bytes(32), b.bytes(32));
        assert_ne!(
            Prng::from_label("x").next_u64(),
            Prng::from_label("y").next_u64()
        );
    }

    #[test]
    fn helpers_have_the_requested_shape() {
        let mut r = Prng::new(7);
        let h = r.hex(8);
        assert_eq!(h.len(), 8);
        assert!(h
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        let d = r.decimal(9);
        assert_eq!(d.len(), 9);
        assert!(!d.starts_with('0'));
        for _ in 0..100 {
            let v = r.range(10, 20);
            assert!((10..20).contains(&v));
        }
    }
}
