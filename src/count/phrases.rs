//! Phrases counted as terms: runs of two or three words, by their stems. A phrase does not
//! cross a phrase break ([`crate::tokenise::Span`]) and neither starts nor ends with a
//! stopword (`clinical commissioning`, `primary care trusts`, `quality and innovation`, but
//! not `of the` or `the centre`).

use rustc_hash::FxHashMap;

use super::vocab::Word;
use crate::tokenise::Span;

/// Longest phrase a counter can count.
pub const MAX_N: usize = 3;

/// A phrase as stem ids, unused places `u32::MAX`.
pub(super) type Gram = [u32; MAX_N];

/// A counter's phrases by id, in order of first sight, with their counts in the document
/// being counted.
#[derive(Default)]
pub(super) struct Phrases {
    ids: FxHashMap<Gram, u32>,
    pub(super) grams: Vec<Gram>,
    /// Per phrase: the last document that contained it and its count there.
    pub(super) docs: Vec<(u32, u64)>,
    /// Phrases seen in the current document.
    pub(super) touched: Vec<u32>,
}

impl Phrases {
    /// Counts the phrases of up to `max_n` words in document `doc`'s `tokens` (word ids
    /// into `words`).
    pub(super) fn count(
        &mut self,
        doc: u32,
        tokens: &[u32],
        spans: &[Span],
        words: &[Word],
        max_n: usize,
    ) {
        for i in 0..tokens.len() {
            if words[tokens[i] as usize].stopword {
                continue;
            }
            let mut gram: Gram = [u32::MAX; MAX_N];
            gram[0] = words[tokens[i] as usize].stem;
            for n in 2..=max_n {
                let j = i + n - 1;
                if j >= tokens.len() || spans[j].after_break {
                    break;
                }
                let word = &words[tokens[j] as usize];
                gram[n - 1] = word.stem;
                if word.stopword {
                    continue;
                }
                let id = match self.ids.get(&gram) {
                    Some(&id) => id,
                    None => {
                        let id = self.grams.len() as u32;
                        self.ids.insert(gram, id);
                        self.grams.push(gram);
                        self.docs.push((0, 0));
                        id
                    }
                };
                let seen = &mut self.docs[id as usize];
                if seen.0 != doc {
                    *seen = (doc, 0);
                    self.touched.push(id);
                }
                seen.1 += 1;
            }
        }
    }
}
