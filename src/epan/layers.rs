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
    /// Bit `id % BITMAP_BITS` of each id: the shim tests every layer of a
    /// frame against it while it walks the list, so a frame that carries
    /// none of these (most frames) is left without another look.
    bitmap: [u64; BITMAP_WORDS],
}

/// Protocol ids number a few thousand; 1024 bits keep collisions (a layer
/// of no interest taken for one, then told apart by `ids`) rare. Field ids
/// share the layout (`echo`'s pre-check).
pub(super) const BITMAP_WORDS: usize = 16;
const BITMAP_BITS: u32 = 64 * BITMAP_WORDS as u32;

impl ProtocolSet {
    /// The first 64 of `ids`, bit i for `ids[i]`.
    pub(crate) fn new(ids: &[c_int]) -> ProtocolSet {
        let ids: Vec<c_int> = ids.iter().copied().take(64).collect();
        let mut bitmap = [0u64; BITMAP_WORDS];
        for &id in &ids {
            let (word, bit) = bitmap_place(id);
            bitmap[word] |= bit;
        }
        ProtocolSet { ids, bitmap }
    }

    fn may_hold(&self, id: c_int) -> bool {
        let (word, bit) = bitmap_place(id);
        self.bitmap[word] & bit != 0
    }
}

/// The word and bit of `id` in a `ProtocolSet`'s bitmap (the shim computes
/// the same: `emcc_frame_layers`), or in any bitmap of ids of this layout.
pub(super) fn bitmap_place(id: c_int) -> (usize, u64) {
    let at = id as u32 % BITMAP_BITS;
    ((at / 64) as usize, 1 << (at % 64))
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
        // SAFETY: as this function's.
        unsafe { Self::read_with(pinfo, None) }.0
    }

    /// The frame's layers when it may carry one of `wanted` (or its layers
    /// are unknown); None when it surely carries none of them, which is
    /// found during the one walk of the list and costs nothing more.
    ///
    /// # Safety
    /// `pinfo` is Wireshark's for the current call.
    pub(crate) unsafe fn read_if_carrying(
        pinfo: *const sys::packet_info,
        wanted: &ProtocolSet,
    ) -> Option<FrameLayers> {
        // SAFETY: as this function's.
        let (layers, hit) = unsafe { Self::read_with(pinfo, Some(wanted)) };
        hit.then_some(layers)
    }

    /// # Safety
    /// `pinfo` is Wireshark's for the current call.
    unsafe fn read_with(
        pinfo: *const sys::packet_info,
        wanted: Option<&ProtocolSet>,
    ) -> (FrameLayers, bool) {
        let mut ids = [0 as c_int; INLINE];
        let mut hit: c_int = 0;
        let bitmap = wanted.map_or(std::ptr::null(), |w| w.bitmap.as_ptr());
        // SAFETY: `ids` holds INLINE entries and the shim writes no more;
        // the bitmap holds BITMAP_WORDS words, as the shim reads.
        let count = unsafe {
            sys::emcc_frame_layers(pinfo, ids.as_mut_ptr(), INLINE as c_int, bitmap, &mut hit)
        };
        let Ok(len) = usize::try_from(count) else {
            return (FrameLayers::Unknown, true);
        };
        if hit == 0 && wanted.is_some() {
            return (FrameLayers::Inline { ids, len: 0 }, false);
        }
        if len <= INLINE {
            return (FrameLayers::Inline { ids, len }, true);
        }
        let mut all = vec![0 as c_int; len];
        // SAFETY: `all` holds `len` entries; the list is the same as above
        // (nothing dissects between the two calls).
        let again = unsafe {
            sys::emcc_frame_layers(
                pinfo,
                all.as_mut_ptr(),
                len as c_int,
                std::ptr::null(),
                &mut hit,
            )
        };
        all.truncate(usize::try_from(again).unwrap_or(0).min(len));
        (FrameLayers::Many(all), true)
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
            // bitmap leaves them after one test.
            if !wanted.may_hold(id) {
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
        // Ids that share the bitmap's bits are still told apart.
        assert_eq!(sip_frame.mask(&ProtocolSet::new(&[1031, 1064, 2047])), 0);
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
