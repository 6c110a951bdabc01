//! Settling overlapping theme matches as the tokens go by: within one theme, overlapping
//! candidates count once, the longest first (then the earliest, then the first pattern in
//! lexicon order), in memory that follows the lexicon's pattern lengths, not the document.

use std::collections::VecDeque;

use super::matcher::Hit;

/// Settles overlapping candidates as the tokens go by, with the result of sorting every
/// candidate of a theme by (length descending, start, pattern) and keeping each that overlaps
/// none kept before it (two patterns of a theme on the same tokens count once, the first in
/// lexicon order).
///
/// Candidates of one length are settled from left to right, so each needs only the last one
/// kept at its length and the longer ones kept around it. The longest are settled as they come;
/// a length `l` is settled `lag` tokens behind, where `lag` is the next longer length's lag plus
/// `l − 1`: far enough that every longer candidate that could overlap it is settled. Candidates
/// wait in a ring of `max lag + 1` token places per length, and each theme keeps the hits it
/// kept within reach of the candidates still waiting: memory follows the lexicon's pattern
/// lengths, not the document.
pub(super) struct Overlaps {
    /// Pattern lengths, longest first, and the lag of each.
    lengths: Vec<(usize, usize)>,
    /// Per length (as in `lengths`), per token place modulo the ring's size: the candidates
    /// starting there, one per theme (the lowest pattern number).
    waiting: Vec<Vec<Vec<(usize, usize)>>>,
    /// Per theme: hits kept whose end may still reach a waiting candidate (older ones are
    /// dropped when the theme is next looked at), with their length's rank in `lengths`.
    kept: Vec<VecDeque<(Hit, usize)>>,
    /// Candidates waiting: while there are none, a token costs nothing here.
    pending: usize,
}

impl Overlaps {
    /// For a lexicon whose patterns have these lengths (longest first, each once) and
    /// `themes` themes.
    pub(super) fn new(lengths: &[usize], themes: usize) -> Overlaps {
        let mut lagged = Vec::with_capacity(lengths.len());
        let mut lag = 0;
        for (rank, &len) in lengths.iter().enumerate() {
            if rank > 0 {
                lag += len - 1;
            }
            lagged.push((len, lag));
        }
        let ring = lag + 1;
        Overlaps {
            lengths: lagged,
            waiting: vec![vec![Vec::new(); ring]; lengths.len()],
            kept: vec![VecDeque::new(); themes],
            pending: 0,
        }
    }

    fn ring(&self) -> usize {
        self.lengths.last().map_or(0, |l| l.1) + 1
    }

    /// A candidate found at the token just read (its `start`).
    pub(super) fn candidate(&mut self, hit: Hit) {
        let ring = self.ring();
        let rank = self
            .lengths
            .iter()
            .position(|l| l.0 == hit.len)
            .expect("every pattern length is listed");
        let slot = &mut self.waiting[rank][hit.start % ring];
        match slot.iter_mut().find(|(theme, _)| *theme == hit.theme) {
            Some(c) => c.1 = c.1.min(hit.pattern),
            None => {
                slot.push((hit.theme, hit.pattern));
                self.pending += 1;
            }
        }
    }

    /// Settles what can be settled once token `t` has been read: for each length, the
    /// candidates starting `lag` tokens back.
    pub(super) fn step(&mut self, t: usize, emit: &mut impl FnMut(Hit)) {
        if self.pending == 0 {
            return;
        }
        let ring = self.ring();
        // The earliest place settled now or later: a hit kept that ends by it overlaps
        // nothing still to come.
        let earliest = t.saturating_sub(ring - 1);
        for rank in 0..self.lengths.len() {
            let (len, lag) = self.lengths[rank];
            let Some(start) = t.checked_sub(lag) else {
                continue;
            };
            if self.waiting[rank][start % ring].is_empty() {
                continue;
            }
            let waiting = std::mem::take(&mut self.waiting[rank][start % ring]);
            self.pending -= waiting.len();
            for &(theme, pattern) in &waiting {
                let end = start + len;
                let kept = &mut self.kept[theme];
                kept.retain(|(h, _)| h.start + h.len > earliest);
                // Hits kept are of this length (all start earlier) or longer; shorter ones,
                // settled further behind, do not count against it.
                let blocked = kept
                    .iter()
                    .any(|(h, r)| *r <= rank && h.start < end && start < h.start + h.len);
                if !blocked {
                    let hit = Hit {
                        theme,
                        start,
                        len,
                        pattern,
                    };
                    kept.push_back((hit, rank));
                    emit(hit);
                }
            }
            let mut waiting = waiting;
            waiting.clear();
            self.waiting[rank][start % ring] = waiting;
        }
    }

    /// Settles the candidates still waiting after the last of `n` tokens.
    pub(super) fn finish(&mut self, n: usize, emit: &mut impl FnMut(Hit)) {
        for t in n..n + self.ring() - 1 {
            self.step(t, emit);
        }
    }
}

/// Keeps, per theme, the longest matches first (then the earliest), dropping any that overlap
/// one already kept; returns them sorted by theme and position. The definition [`Overlaps`]
/// follows, for the tests.
#[cfg(test)]
pub(super) fn resolve_overlaps(mut found: Vec<Hit>) -> Vec<Hit> {
    use std::collections::BTreeMap;
    found.sort_by_key(|h| (h.theme, std::cmp::Reverse(h.len), h.start, h.pattern));
    // Two patterns of one theme on the same tokens ("efficiency", "efficient") count once.
    found.dedup_by_key(|h| (h.theme, h.start, h.len));
    let mut kept = Vec::with_capacity(found.len());
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new(); // start -> end, for one theme
    let mut theme = usize::MAX;
    for h in found {
        if h.theme != theme {
            theme = h.theme;
            taken.clear();
        }
        let end = h.start + h.len;
        let overlaps_before = taken
            .range(..end)
            .next_back()
            .is_some_and(|(_, &e)| e > h.start);
        if !overlaps_before {
            taken.insert(h.start, end);
            kept.push(h);
        }
    }
    kept.sort();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Candidates of two themes, as (theme, start, length, pattern), settled as the tokens go
    /// by: the same hits as the definition, sorting them all at once.
    fn settled(lengths: &[usize], candidates: &[Hit], tokens: usize) -> Vec<Hit> {
        let mut lengths = lengths.to_vec();
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        let mut overlaps = Overlaps::new(&lengths, 2);
        let mut found = Vec::new();
        for t in 0..tokens {
            for h in candidates.iter().filter(|h| h.start == t) {
                overlaps.candidate(*h);
            }
            overlaps.step(t, &mut |h| found.push(h));
        }
        overlaps.finish(tokens, &mut |h| found.push(h));
        found.sort();
        found
    }

    proptest::proptest! {
        #[test]
        fn overlaps_settled_as_tokens_go_by_equal_the_definition(
            raw in proptest::collection::vec((0usize..2, 0usize..40, 0usize..4, 0usize..3), 0..80),
            lengths in proptest::collection::vec(1usize..6, 1..4),
        ) {
            let candidates: Vec<Hit> = raw
                .iter()
                .map(|&(theme, start, l, pattern)| Hit {
                    theme,
                    start,
                    len: lengths[l % lengths.len()],
                    pattern,
                })
                .filter(|h| h.start + h.len <= 45)
                .collect();
            proptest::prop_assert_eq!(
                settled(&lengths, &candidates, 45),
                resolve_overlaps(candidates.clone())
            );
        }
    }

    #[test]
    fn overlapping_matches_resolve_to_longest_then_earliest() {
        let found = vec![
            Hit {
                theme: 0,
                start: 0,
                len: 2,
                pattern: 0,
            },
            Hit {
                theme: 0,
                start: 1,
                len: 2,
                pattern: 0,
            },
            Hit {
                theme: 0,
                start: 1,
                len: 3,
                pattern: 0,
            },
            Hit {
                theme: 0,
                start: 4,
                len: 1,
                pattern: 0,
            },
        ];
        assert_eq!(
            resolve_overlaps(found),
            [
                Hit {
                    theme: 0,
                    start: 1,
                    len: 3,
                    pattern: 0,
                },
                Hit {
                    theme: 0,
                    start: 4,
                    len: 1,
                    pattern: 0,
                }
            ]
        );
    }
}
