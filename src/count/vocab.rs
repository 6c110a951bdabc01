//! A counter's vocabulary: each distinct word it has seen, interned once with what the
//! counting needs of it (its stem, whether it is a stopword, the theme patterns that can
//! start at it), and each distinct stem with its count in the document being counted.

use rustc_hash::FxHashMap;

use super::short_ids::ShortIds;
use crate::lexicon::{Matcher, PatternRef};
use crate::tokenise::Tokeniser;

/// What a counter knows about a word it has seen, worked out once.
pub(super) struct Word {
    pub(super) text: Box<str>,
    /// Index into [`Vocab::stems`].
    pub(super) stem: u32,
    pub(super) stopword: bool,
    /// Theme patterns that can start at this word.
    pub(super) starts: Box<[PatternRef]>,
    /// The last document (by the counter's document number) that contained the word.
    pub(super) seen_in: u32,
    /// Occurrences in counted (dated) documents.
    pub(super) count: u64,
}

/// A word of at most 16 bytes as one integer: its bytes, then zeros. Words hold no NUL
/// (the tokeniser splits at it), so two words pack alike only when they are equal, and a
/// word packs to 0 only when empty: empty, it is not packed ([`ShortIds`] keeps 0 for its
/// empty slots).
fn pack(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut key = [0u8; 16];
    key[..b.len()].copy_from_slice(b);
    Some(u128::from_le_bytes(key))
}

/// Words and stems by id, in order of first sight.
#[derive(Default)]
pub(super) struct Vocab {
    /// Word ids of words up to 16 bytes long, keyed by their bytes packed into an integer
    /// ([`pack`]): most tokens, looked up without a string comparison, in about one cache
    /// miss on a large vocabulary.
    short_ids: ShortIds,
    /// Word ids of longer words.
    ids: FxHashMap<Box<str>, u32>,
    pub(super) words: Vec<Word>,
    stem_ids: FxHashMap<Box<str>, u32>,
    pub(super) stems: Vec<Box<str>>,
    /// Per stem: the last document that contained it and its count there.
    pub(super) stem_docs: Vec<(u32, u64)>,
    /// Stems seen in the current document.
    pub(super) touched: Vec<u32>,
}

impl Vocab {
    /// The id of `w`, interned with its stem, stopword flag and pattern starts when new.
    pub(super) fn intern(&mut self, w: &str, tokeniser: &Tokeniser, matcher: &Matcher) -> u32 {
        let short = pack(w);
        let known = match short {
            Some(key) => self.short_ids.get(key),
            None => self.ids.get(w).copied(),
        };
        if let Some(id) = known {
            return id;
        }
        let stem = tokeniser.stem(w);
        let stem_id = match self.stem_ids.get(stem.as_ref()) {
            Some(&id) => id,
            None => {
                let id = self.stems.len() as u32;
                self.stem_ids.insert(Box::from(stem.as_ref()), id);
                self.stems.push(Box::from(stem.as_ref()));
                self.stem_docs.push((0, 0));
                id
            }
        };
        let id = self.words.len() as u32;
        self.words.push(Word {
            text: Box::from(w),
            stem: stem_id,
            stopword: tokeniser.is_stopword(w),
            starts: matcher.starts(w, &stem).into_boxed_slice(),
            seen_in: 0,
            count: 0,
        });
        match short {
            Some(key) => self.short_ids.insert(key, id),
            None => {
                self.ids.insert(Box::from(w), id);
            }
        }
        id
    }

    /// Takes note of document `doc`'s tokens: returns its distinct words, and whether any
    /// can start a theme pattern; in a `dated` document, also each stem's count within it,
    /// kept beside the stem until the document ends (no hash update per token).
    pub(super) fn note(&mut self, doc: u32, tokens: &[u32], dated: bool) -> (u64, bool) {
        let mut types = 0;
        let mut candidates = false;
        let (words, stem_docs, touched) = (&mut self.words, &mut self.stem_docs, &mut self.touched);
        for &t in tokens {
            let word = &mut words[t as usize];
            if word.seen_in != doc {
                word.seen_in = doc;
                types += 1;
            }
            candidates |= !word.starts.is_empty();
            if dated && !word.stopword {
                word.count += 1;
                let stem = &mut stem_docs[word.stem as usize];
                if stem.0 != doc {
                    *stem = (doc, 0);
                    touched.push(word.stem);
                }
                stem.1 += 1;
            }
        }
        (types, candidates)
    }
}
