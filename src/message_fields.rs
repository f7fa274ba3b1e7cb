//! Fields of several messages in one frame, grouped by message: one TCP
//! segment can hold several (Skinny puts a RegisterAck and a CapabilitiesReq
//! in one), and Wireshark hands out each field's occurrences for the whole
//! frame. An occurrence belongs to the message whose first field comes last
//! before it in the same data source, in the tree as from taps.
#![forbid(unsafe_code)]

use crate::epan::{ForeignField, FoundField, Packet, Source};

/// Where a message starts: its data source, and the offset of its first field.
pub struct Start<'d> {
    pub source: Source<'d>,
    pub at: usize,
}

impl<'d> Start<'d> {
    /// Each message starts at one of these occurrences (Skinny's message
    /// ids, say).
    pub fn at_each(firsts: &[FoundField<'d>]) -> Vec<Start<'d>> {
        firsts
            .iter()
            .map(|f| Start {
                source: f.source,
                at: f.range.start,
            })
            .collect()
    }
}

/// The first string value among a message's occurrences of a field.
pub fn first_string(found: &[FoundField<'_>]) -> Option<String> {
    found.iter().find_map(|f| f.string.clone())
}

/// The first number among a message's occurrences of a field.
pub fn first_uint(found: &[FoundField<'_>]) -> Option<u32> {
    found.iter().find_map(|f| f.uint)
}

/// The index of the message (in `starts`, ordered as found) a field
/// occurrence belongs to.
fn owner(starts: &[Start<'_>], field: &FoundField<'_>) -> Option<usize> {
    starts
        .iter()
        .enumerate()
        .filter(|(_, s)| s.source == field.source && s.at <= field.range.start)
        .max_by_key(|(_, s)| s.at)
        .map(|(i, _)| i)
}

/// Each occurrence of `field`, grouped by message.
pub fn by_message<'d>(
    packet: &mut Packet<'d>,
    field: &ForeignField,
    starts: &[Start<'d>],
) -> Vec<Vec<FoundField<'d>>> {
    let mut grouped: Vec<Vec<FoundField<'d>>> = starts.iter().map(|_| Vec::new()).collect();
    for found in packet.fields(field) {
        if let Some(i) = owner(starts, &found) {
            grouped[i].push(found);
        }
    }
    grouped
}
