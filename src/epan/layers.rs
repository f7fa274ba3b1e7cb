//! The protocols a frame carries (Wireshark's `pinfo->layers`), read once
//! per frame by our post-dissector and asked many times after: whether a
//! member runs at all, and a member's own "is this SIP?" questions. Each
//! read walks Wireshark's list through three calls per layer, so reading it
//! once instead of at every question is most of what it costs.

use std::os::raw::c_int;

use super::sys;

/// Layers kept inline: a frame rarely has more than a dozen (eth, ip, udp,
/// rtp: six with `frame` and `ethertype`); tunnels add a few.
const INLINE: usize = 24;

/// Up to 64 protocols a frame may carry, each a bit of `FrameLayers::mask`.
pub(crate) struct ProtocolSet {
    ids: Vec<c_int>,
    /// Bit `id % 64` of each id.
    sieve: u64,
}

impl ProtocolSet {
    /// The first 64 of `ids`, bit i for `ids[i]`.
    pub(crate) fn new(ids: &[c_int]) -> ProtocolSet {
        let ids: Vec<c_int> = ids.iter().copied().take(64).collect();
        let sieve = ids.iter().fold(0, |sieve, &id| sieve | sieve_bit(id));
        ProtocolSet { ids, sieve }
    }
}

fn sieve_bit(id: c_int) -> u64 {
    1 << (id as u32 % 64)
}

/// One frame's protocol ids, outermost first.
pub(crate) enum FrameLayers {
    Inline {
        ids: [c_int; INLINE],
        len: usize,
    },
    /// More than `INLINE` (deep tunnels).
    Many(Vec<c_int>),
    /// The frame has no layer list: everything is taken as carried, as
    /// before layers existed in Wireshark.
    Unknown,
}

impl FrameLayers {
    /// # Safety
    /// `pinfo` is Wireshark's for the current call.
    pub(crate) unsafe fn read(pinfo: *const sys::packet_info) -> FrameLayers {
        let mut ids = [0 as c_int; INLINE];
        // SAFETY: `ids` holds INLINE entries and the shim writes no more.
        let count = unsafe { sys::emcc_frame_layers(pinfo, ids.as_mut_ptr(), INLINE as c_int) };
        let Ok(len) = usize::try_from(count) else {
            return FrameLayers::Unknown;
        };
        if len <= INLINE {
            return FrameLayers::Inline { ids, len };
        }
        let mut all = vec![0 as c_int; len];
        // SAFETY: `all` holds `len` entries; the list is the same as above
        // (nothing dissects between the two calls).
        let again = unsafe { sys::emcc_frame_layers(pinfo, all.as_mut_ptr(), len as c_int) };
        all.truncate(usize::try_from(again).unwrap_or(0).min(len));
        FrameLayers::Many(all)
    }

    fn ids(&self) -> Option<&[c_int]> {
        match self {
            FrameLayers::Inline { ids, len } => Some(&ids[..*len]),
            FrameLayers::Many(ids) => Some(ids),
            FrameLayers::Unknown => None,
        }
    }

    /// Bit i set when the frame carries protocol i of `wanted`; every bit
    /// when its layers are unknown.
    pub(crate) fn mask(&self, wanted: &ProtocolSet) -> u64 {
        let Some(ids) = self.ids() else {
            return u64::MAX;
        };
        let mut mask = 0u64;
        for &id in ids {
            // Most layers (frame, eth, ip, udp, rtp) are none of ours: the
            // sieve leaves them after one test.
            if wanted.sieve & sieve_bit(id) == 0 {
                continue;
            }
            for (bit, &w) in wanted.ids.iter().enumerate() {
                if w == id {
                    mask |= 1 << bit;
                }
            }
        }
        mask
    }

    /// True when the frame carries any of `wanted`.
    pub(crate) fn carries_any(&self, wanted: &[c_int]) -> bool {
        match self.ids() {
            Some(ids) => ids.iter().any(|id| wanted.contains(id)),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(list: &[c_int]) -> FrameLayers {
        let mut ids = [0; INLINE];
        ids[..list.len()].copy_from_slice(list);
        FrameLayers::Inline {
            ids,
            len: list.len(),
        }
    }

    #[test]
    fn mask_names_each_carried_protocol() {
        let rtp_frame = inline(&[1, 2, 3, 4, 5, 6]);
        assert_eq!(rtp_frame.mask(&ProtocolSet::new(&[40, 41])), 0);
        let sip_frame = inline(&[1, 2, 3, 4, 7, 40]);
        assert_eq!(sip_frame.mask(&ProtocolSet::new(&[7, 40, 41])), 0b011);
        // Ids that share the sieve's bits are still told apart.
        assert_eq!(sip_frame.mask(&ProtocolSet::new(&[65, 104, 71])), 0);
        assert!(sip_frame.carries_any(&[41, 40]));
        assert!(!sip_frame.carries_any(&[41]));
        // Padding beyond the frame's layers is never read.
        assert!(!inline(&[]).carries_any(&[0]));
    }

    #[test]
    fn unknown_layers_carry_everything() {
        assert_eq!(
            FrameLayers::Unknown.mask(&ProtocolSet::new(&[1, 2])),
            u64::MAX
        );
        assert!(FrameLayers::Unknown.carries_any(&[9]));
    }

    #[test]
    fn many_layers_are_all_seen() {
        let deep = FrameLayers::Many((0..40).collect());
        assert_eq!(deep.mask(&ProtocolSet::new(&[39, 100])), 0b01);
        assert!(deep.carries_any(&[30]));
    }
}
