//! The word ids of short words (at most 16 bytes, most tokens), keyed by their bytes packed
//! into one integer: an open-addressing table whose slots hold key and id side by side.
//!
//! On text with a long tail of types the table holds hundreds of thousands of words and most
//! look-ups miss the processor's caches. A `HashMap` reads its control bytes and then, in
//! another part of memory, the slot: two misses. Here a look-up reads its slot first, and a
//! linear probe goes on in the same or the next cache line: about one miss per token.

/// One slot: a packed word (0 for an empty slot: a word is never empty, so its packed
/// bytes are never 0) and its id. Aligned to 32 bytes so that no slot straddles two cache
/// lines.
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    key: u128,
    id: u32,
}

/// Packed words to ids. Never more than three quarters full, so probes stay short.
pub(super) struct ShortIds {
    slots: Vec<Slot>,
    /// `slots.len() - 1` (the length is a power of two).
    mask: usize,
    len: usize,
}

impl Default for ShortIds {
    fn default() -> Self {
        ShortIds::with_slots(1 << 10)
    }
}

impl ShortIds {
    fn with_slots(n: usize) -> ShortIds {
        debug_assert!(n.is_power_of_two());
        ShortIds {
            slots: vec![Slot::default(); n],
            mask: n - 1,
            len: 0,
        }
    }

    /// The first slot to probe for `key`: a multiplicative hash of both halves, taken from
    /// its high bits (the low bits of packed words are their first bytes, which many words
    /// share).
    fn home(&self, key: u128) -> usize {
        let (lo, hi) = (key as u64, (key >> 64) as u64);
        let h = (lo ^ hi.rotate_left(29))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
        (h ^ (h >> 32)) as usize & self.mask
    }

    /// The bytes its slots take.
    pub(super) fn bytes(&self) -> usize {
        self.slots.len() * std::mem::size_of::<Slot>()
    }

    /// The id of the word packed as `key` (not 0), when known.
    #[inline]
    pub(super) fn get(&self, key: u128) -> Option<u32> {
        let mut i = self.home(key);
        loop {
            let slot = &self.slots[i];
            if slot.key == key {
                return Some(slot.id);
            }
            if slot.key == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Records `id` for `key` (not 0, and not yet in the table).
    pub(super) fn insert(&mut self, key: u128, id: u32) {
        debug_assert!(key != 0);
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        self.place(key, id);
        self.len += 1;
    }

    fn place(&mut self, key: u128, id: u32) {
        let mut i = self.home(key);
        while self.slots[i].key != 0 {
            i = (i + 1) & self.mask;
        }
        self.slots[i] = Slot { key, id };
    }

    fn grow(&mut self) {
        let old = std::mem::replace(self, ShortIds::with_slots(self.slots.len() * 2));
        for slot in old.slots.into_iter().filter(|s| s.key != 0) {
            self.place(slot.key, slot.id);
        }
        self.len = old.len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_inserted_is_found_with_its_id_across_growth_and_others_are_not() {
        let mut ids = ShortIds::default();
        // Keys alike in their low bytes (words sharing their first letters) and in their
        // high bytes, so that many share a home slot.
        let key = |n: u32| (u128::from(n) << 100) | 0x6f63 | (u128::from(n % 7) << 16);
        for n in 1..200_000u32 {
            assert_eq!(ids.get(key(n)), None);
            ids.insert(key(n), n * 3);
        }
        assert!(ids.slots.len() >= 200_000 * 4 / 3);
        for n in 1..200_000u32 {
            assert_eq!(ids.get(key(n)), Some(n * 3));
        }
        assert_eq!(ids.get(key(200_001)), None);
        assert_eq!(ids.len, 199_999);
    }
}
