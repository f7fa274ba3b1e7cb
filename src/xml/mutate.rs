//! Deterministic byte mutations of sample documents, for the XML parsers' "never panics,
//! spans stay inside the input" tests.

#![forbid(unsafe_code)]

/// `rounds` inputs, each one of `seeds` (in turn) with 1 to 6 random edits: a byte
/// replaced by or inserted from `specials`, a byte removed, or the rest cut off after up
/// to 15 bytes. `state` seeds the xorshift generator, so every run sees the same inputs.
pub(crate) fn mutations<'a>(
    mut state: u64,
    seeds: &'a [&'a str],
    specials: &'a [u8],
    rounds: usize,
) -> impl Iterator<Item = Vec<u8>> + 'a {
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..rounds).map(move |round| {
        let mut bytes = seeds[round % seeds.len()].as_bytes().to_vec();
        for _ in 0..(1 + next() % 6) {
            if bytes.is_empty() {
                break;
            }
            let at = (next() % bytes.len() as u64) as usize;
            let b = specials[(next() % specials.len() as u64) as usize];
            match next() % 4 {
                0 => bytes[at] = b,
                1 => bytes.insert(at, b),
                2 => {
                    bytes.remove(at);
                }
                _ => {
                    let n = (next() % 16) as usize;
                    bytes.truncate(at + n.min(bytes.len() - at));
                }
            }
        }
        bytes
    })
}
