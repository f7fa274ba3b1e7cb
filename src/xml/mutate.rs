//! Deterministic byte mutations of sample inputs, for the parsers' "never panics, spans
//! stay inside the input" tests.

#![forbid(unsafe_code)]

/// What one mutated input may undergo.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edits {
    /// 1 to this many edits per input.
    pub(crate) max: u64,
    /// Whether an edit may cut the rest off (after up to 15 bytes), besides replacing,
    /// inserting or removing one byte.
    pub(crate) cut: bool,
}

/// `rounds` inputs, each one of `seeds` (in turn) with random `edits`: a byte replaced by
/// or inserted from `specials`, a byte removed, or (with `edits.cut`) the rest cut off.
/// `state` seeds the xorshift generator, so every run sees the same inputs.
pub(crate) fn mutations<'a>(
    mut state: u64,
    seeds: &'a [&'a str],
    specials: &'a [u8],
    rounds: usize,
    edits: Edits,
) -> impl Iterator<Item = Vec<u8>> + 'a {
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let kinds = if edits.cut { 4 } else { 3 };
    (0..rounds).map(move |round| {
        let mut bytes = seeds[round % seeds.len()].as_bytes().to_vec();
        for _ in 0..(1 + next() % edits.max) {
            if bytes.is_empty() {
                break;
            }
            let at = (next() % bytes.len() as u64) as usize;
            let b = specials[(next() % specials.len() as u64) as usize];
            match next() % kinds {
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
