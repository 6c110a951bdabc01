//! Phrases counted as terms: runs of two or three words, by their stems. A phrase does not
//! cross a phrase break ([`crate::tokenise::Span`]) and neither starts nor ends with a
//! stopword (`clinical commissioning`, `primary care trusts`, `quality and innovation`, but
//! not `of the` or `the centre`). Each phrase keeps a few of its written forms for its
//! label ([`super::forms`]).

use rustc_hash::FxHashMap;

use super::forms::{FormKey, KEPT};
use super::vocab::{form_text, Form, Word};
use crate::tokenise::Span;

/// Longest phrase a counter can count.
pub(crate) const MAX_N: usize = 3;

/// A phrase as stem ids, unused places `u32::MAX`.
pub(super) type Gram = [u32; MAX_N];

/// A phrase as written: its words' form ids ([`super::vocab::Vocab::forms`]), unused places
/// `u32::MAX`.
pub(super) type Written = [u32; MAX_N];

/// A counter's phrases by id, in order of first sight, with their counts in the document
/// being counted.
#[derive(Default)]
pub(super) struct Phrases {
    ids: FxHashMap<Gram, u32>,
    pub(super) grams: Vec<Gram>,
    /// Per phrase: the last document that contained it and its count there.
    pub(super) docs: Vec<(u32, u64)>,
    /// Per phrase: its count in the counter's dated documents (past 2^32, no more): what
    /// the combining of the counters' tallies leaves rare phrases out by, before their rows
    /// are gathered.
    pub(super) totals: Vec<u32>,
    /// Phrases seen in the current document.
    pub(super) touched: Vec<u32>,
    pub(super) written: WrittenForms,
}

/// Each phrase's kept written forms and their counts (see [`super::forms`]): the first form
/// beside every phrase, any others (most phrases have none) apart. The first form's count is
/// kept in 32 bits, as there is one for every phrase a counter has seen; past 2^32 it stops
/// growing (no counter sees one phrase four billion times written one way before another).
#[derive(Debug, Default)]
pub(super) struct WrittenForms {
    pub(super) first: Vec<(Written, u32)>,
    pub(super) more: FxHashMap<u32, Vec<(Written, u64)>>,
}

impl WrittenForms {
    /// Counts phrase `id` written as `written`, keeping the first [`KEPT`] forms by key.
    fn add(&mut self, id: u32, written: Written, (words, forms): (&[Word], &[Form])) {
        if id as usize == self.first.len() {
            self.first.push((written, 0));
        }
        let first = &mut self.first[id as usize];
        if first.0 == written {
            first.1 = first.1.saturating_add(1);
            return;
        }
        let more = self.more.entry(id).or_default();
        if let Some(slot) = more.iter_mut().find(|s| s.0 == written) {
            slot.1 += 1;
            return;
        }
        if more.len() + 1 < KEPT {
            more.push((written, 1));
            return;
        }
        let key = |w: &Written| {
            FormKey::phrase(
                w.iter()
                    .take_while(|&&f| f != u32::MAX)
                    .map(|&f| FormKey::word(form_text(words, forms, f))),
            )
        };
        // Full: the form goes in only in place of the last kept form by key.
        let (last, last_key) = more
            .iter()
            .enumerate()
            .map(|(i, s)| (Some(i), key(&s.0)))
            .chain(std::iter::once((None, key(&first.0))))
            .max_by_key(|&(_, k)| k)
            .expect("KEPT forms");
        if key(&written) < last_key {
            match last {
                Some(i) => more[i] = (written, 1),
                None => *first = (written, 1),
            }
        }
    }

    /// Phrase `id`'s kept forms and their counts.
    pub(super) fn of(&self, id: u32) -> impl Iterator<Item = (&Written, u64)> {
        let (first, n) = &self.first[id as usize];
        let more = self.more.get(&id).into_iter().flatten();
        std::iter::once((first, *n as u64)).chain(more.map(|(w, n)| (w, *n)))
    }
}

impl Phrases {
    /// Counts the phrases of up to `max_n` words in document `doc`'s `tokens` (word ids
    /// into `words`, written as `written`: form ids into `forms`).
    pub(super) fn count(
        &mut self,
        doc: u32,
        (tokens, written): (&[u32], &[u32]),
        spans: &[Span],
        (words, forms): (&[Word], &[Form]),
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
                        self.totals.push(0);
                        id
                    }
                };
                let seen = &mut self.docs[id as usize];
                if seen.0 != doc {
                    *seen = (doc, 0);
                    self.touched.push(id);
                }
                seen.1 += 1;
                let total = &mut self.totals[id as usize];
                *total = total.saturating_add(1);
                let mut as_written: Written = [u32::MAX; MAX_N];
                as_written[..n].copy_from_slice(&written[i..=j]);
                self.written.add(id, as_written, (words, forms));
            }
        }
    }
}
