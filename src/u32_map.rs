//! Maps keyed by a frame number or a stream index, hashed cheaply.
//!
//! The standard map hashes with SipHash, which resists keys chosen to
//! collide: worth its cost for keys an attacker picks, not for the numbers
//! Wireshark gives each frame and each TCP stream (counted up from 1 and 0
//! in capture order, whatever the packets hold). Those maps are looked up on
//! every frame of ours, several times; a multiplicative hash (Knuth, The Art
//! of Computer Programming vol. 3, section 6.4, "Fibonacci hashing") spreads
//! consecutive numbers over the table's buckets at a fraction of the cost.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from a frame number or stream index.
pub type U32Map<V> = HashMap<u32, V, BuildHasherDefault<U32Hasher>>;

/// Hashes one `u32` (other input is folded in byte by byte, but no key
/// type of ours writes any).
#[derive(Default)]
pub struct U32Hasher(u64);

/// 2^64 divided by the golden ratio, odd.
const FIBONACCI: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for U32Hasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(FIBONACCI);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(FIBONACCI);
    }

    fn finish(&self) -> u64 {
        // hashbrown takes its bucket from the low bits and a tag from the
        // top 7: fold the well-mixed high half down.
        self.0 ^ (self.0 >> 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn consecutive_keys_spread_over_buckets() {
        let build = BuildHasherDefault::<U32Hasher>::default();
        let mut buckets = [0u32; 64];
        for n in 0..64_000u32 {
            buckets[(build.hash_one(n) & 63) as usize] += 1;
        }
        // Each of 64 buckets gets its share, within 10%.
        assert!(
            buckets.iter().all(|&b| (900..=1100).contains(&b)),
            "{buckets:?}"
        );
    }

    #[test]
    fn a_map_works_as_a_map() {
        let mut map: U32Map<&str> = U32Map::default();
        map.insert(7, "seven");
        map.insert(u32::MAX, "max");
        assert_eq!(map.get(&7), Some(&"seven"));
        assert_eq!(map.get(&u32::MAX), Some(&"max"));
        assert_eq!(map.get(&8), None);
    }
}
