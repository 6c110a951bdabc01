//! Phrases counted as terms: runs of two or three words, by their stems. A phrase does not
//! cross a phrase break ([`crate::tokenise::Span`]) and neither starts nor ends with a
//! stopword (`clinical commissioning`, `primary care trusts`, `quality and innovation`, but
//! not `of the` or `the centre`). Each phrase keeps a few of its written forms for its
//! label ([`super::forms`]).

use rustc_hash::FxHashMap;

use super::forms::{FormKey, KEPT};
use super::runs::put_record;
use super::vocab::{form_text, Form, Text, Word};
use crate::tokenise::Span;

/// Longest phrase a counter can count.
pub(crate) const MAX_N: usize = 3;

/// Bytes a phrase takes in a counter's table (its id in a hash map, its stems, its count in
/// the open document and in all, its first written form): what a counter's share of
/// `--memory` is divided by.
pub(crate) const PHRASE_BYTES: u64 = 100;

/// A phrase as stem ids, unused places `u32::MAX`.
pub(super) type Gram = [u32; MAX_N];

/// A phrase as written: its words' form ids ([`super::vocab::Vocab::forms`]), unused places
/// `u32::MAX`.
pub(super) type Written = [u32; MAX_N];

/// A counter's stems in text order, kept as the counter learns stems, from which the text
/// order of its phrases follows ([`Table::encode`]): a phrase's text is its stems joined by
/// spaces, and when no stem holds a byte at or below the space, two phrases' texts compare
/// as their stems do, one after another, a phrase that runs out first coming first. So a
/// table is sorted by its stems' places in text order, as integers, not by its texts.
#[derive(Debug, Default)]
pub(super) struct StemOrder {
    /// Stem ids in text order.
    sorted: Vec<u32>,
    /// Per stem id, its place in `sorted` plus one (0 stands for a phrase's unused place).
    ranks: Vec<u32>,
    /// Some stem holds a byte at or below the space: phrases are then sorted by their texts.
    unusual: bool,
}

impl StemOrder {
    /// The places of `stems` (a counter's, which only grow) in text order, plus one; `None`
    /// when some stem holds a byte at or below the space. The stems learnt since the last
    /// call go after the ones in order, and the standard library's stable sort, which finds
    /// runs already in order, sorts them and merges them in: the order is not made anew.
    pub(super) fn ranks(&mut self, stems: &[Box<str>]) -> Option<&[u32]> {
        let known = self.ranks.len();
        if known < stems.len() {
            let text = |i: &u32| &*stems[*i as usize];
            let new = known as u32..stems.len() as u32;
            self.unusual |= new.clone().any(|i| text(&i).bytes().any(|b| b <= b' '));
            self.sorted.extend(new);
            self.sorted.sort_by(|a, b| text(a).cmp(text(b)));
            self.ranks.resize(stems.len(), 0);
            for (place, &id) in self.sorted.iter().enumerate() {
                self.ranks[id as usize] = place as u32 + 1;
            }
        }
        (!self.unusual).then_some(&self.ranks[..])
    }

    /// The bytes it holds.
    pub(super) fn bytes(&self) -> usize {
        (self.sorted.capacity() + self.ranks.capacity()) * std::mem::size_of::<u32>()
    }
}

/// Bits of a stem's place in [`by_ranks`]'s 64-bit keys: three places to a key.
const RANK_BITS: u32 = 21;
const _: () = assert!(MAX_N as u32 * RANK_BITS <= 64);

/// The places of `grams` in text order, from their stems' places in text order (`ranks`,
/// [`StemOrder::ranks`]): each phrase's key is its stems' places, one after another, in one
/// integer (64 bits when the places fit in [`RANK_BITS`], else 128).
fn by_ranks(grams: &[Gram], ranks: &[u32]) -> Vec<u32> {
    fn sorted<K: Ord + Copy>(grams: &[Gram], key: impl Fn(&Gram) -> K) -> Vec<u32> {
        let mut keys: Vec<(K, u32)> = (grams.iter().enumerate())
            .map(|(k, g)| (key(g), k as u32))
            .collect();
        // Keys differ (a phrase's stems make it), so an unstable sort gives one order.
        keys.sort_unstable();
        keys.into_iter().map(|(_, k)| k).collect()
    }
    let rank = |s: u32| if s == u32::MAX { 0 } else { ranks[s as usize] };
    if ranks.len() < 1 << RANK_BITS {
        sorted(grams, |g| {
            (g.iter()).fold(0u64, |key, &s| (key << RANK_BITS) | rank(s) as u64)
        })
    } else {
        sorted(grams, |g| {
            (g.iter()).fold(0u128, |key, &s| (key << 32) | rank(s) as u128)
        })
    }
}

/// A counter's phrases by id, in order of first sight, with their counts in the document
/// being counted. The table holds the phrases seen since it was last written out as a run
/// ([`Phrases::table`]; [`super::runs`]): ids go on from one table to the next, never
/// reused, and the vectors below are indexed by an id less [`Phrases::base`].
#[derive(Default)]
pub(super) struct Phrases {
    ids: FxHashMap<Gram, u32>,
    /// The id of the table's first phrase.
    base: u32,
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
    /// The counter's stems in text order, for writing tables out.
    pub(super) stem_order: StemOrder,
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
    /// Phrases in the table.
    pub(super) fn len(&self) -> usize {
        self.grams.len()
    }

    /// Ids given so far (the tables written out and this one).
    pub(super) fn ids(&self) -> u32 {
        self.base + self.grams.len() as u32
    }

    /// Phrase `id`'s count in the document being counted (`id` of this table).
    pub(super) fn in_doc(&self, id: u32) -> u64 {
        self.docs[(id - self.base) as usize].1
    }

    /// The table, moved out: the table is then empty, and the next phrase gets the next id.
    /// Only between documents: no document's counts are open.
    pub(super) fn table(&mut self) -> Table {
        let next = self.ids();
        let table = Table {
            base: self.base,
            grams: std::mem::take(&mut self.grams),
            totals: std::mem::take(&mut self.totals),
            written: std::mem::take(&mut self.written),
        };
        self.base = next;
        self.ids.clear();
        self.docs.clear();
        self.touched.clear();
        table
    }
}

/// A counter's table of phrases, moved out of it: its first id, and per phrase its stems,
/// count and kept written forms.
#[derive(Debug, Default)]
pub(super) struct Table {
    pub(super) base: u32,
    pub(super) grams: Vec<Gram>,
    pub(super) totals: Vec<u32>,
    pub(super) written: WrittenForms,
}

impl Table {
    /// The table as a run ([`super::runs`]): each phrase's text (`stems`' texts), id, count
    /// and kept written forms (`words`' and `forms`' texts), sorted by text, as bytes. Sorted
    /// by its stems' places in text order when `ranks` gives them ([`StemOrder::ranks`]),
    /// else by the texts. The records are written straight from the table, each text made
    /// as its record is written, so that writing a table out costs little beside it.
    pub(super) fn encode(
        &self,
        stems: &[Box<str>],
        ranks: Option<&[u32]>,
        words: &[impl Text],
        forms: &[impl Text],
    ) -> Vec<u8> {
        let order = match ranks {
            Some(ranks) => by_ranks(&self.grams, ranks),
            None => self.by_texts(stems),
        };
        // About a record's bytes: a short text, its id and count, a form or two.
        let mut out = Vec::with_capacity(64 * self.grams.len());
        // A record's text, and its forms, written one after another in `buf`: (start, end,
        // count).
        let (mut text, mut buf, mut spans) = (String::new(), String::new(), Vec::new());
        for k in order {
            let k = k as usize;
            text.clear();
            push_text(&mut text, &self.grams[k], stems);
            buf.clear();
            spans.clear();
            for (w, c) in self.written.of(k as u32) {
                let start = buf.len();
                for (i, &f) in w.iter().take_while(|&&f| f != u32::MAX).enumerate() {
                    if i > 0 {
                        buf.push(' ');
                    }
                    buf.push_str(form_text(words, forms, f));
                }
                spans.push((start, buf.len(), c));
            }
            let forms_of = spans.iter().map(|&(a, b, c)| (&buf[a..b], c));
            let record = (&*text, self.base + k as u32, self.totals[k] as u64);
            put_record(&mut out, record, forms_of);
        }
        out
    }
}

/// Appends phrase `g`'s text to `out`: its stems (`stems`' texts) joined by spaces.
fn push_text(out: &mut String, g: &Gram, stems: &[Box<str>]) {
    for (k, &s) in g.iter().take_while(|&&s| s != u32::MAX).enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(&stems[s as usize]);
    }
}

impl Table {
    /// The places of the table's phrases sorted by their texts (their `stems`' texts joined):
    /// by the texts' first eight bytes as a number, and by the whole text only where those
    /// are equal, so that most compares are of two integers side by side in memory.
    fn by_texts(&self, stems: &[Box<str>]) -> Vec<u32> {
        let mut texts = String::new();
        let mut ends = Vec::with_capacity(self.grams.len());
        for g in &self.grams {
            push_text(&mut texts, g, stems);
            ends.push(texts.len());
        }
        let text = |k: usize| &texts[if k == 0 { 0 } else { ends[k - 1] }..ends[k]];
        let prefix = |t: &str| {
            let mut key = [0u8; 8];
            let b = t.as_bytes();
            key[..b.len().min(8)].copy_from_slice(&b[..b.len().min(8)]);
            u64::from_be_bytes(key)
        };
        let mut order: Vec<(u64, u32)> = (0..self.grams.len())
            .map(|k| (prefix(text(k)), k as u32))
            .collect();
        order.sort_unstable_by(|a, b| {
            (a.0.cmp(&b.0)).then_with(|| text(a.1 as usize).cmp(text(b.1 as usize)))
        });
        order.into_iter().map(|(_, k)| k).collect()
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
                let slot = match self.ids.get(&gram) {
                    Some(&id) => id - self.base,
                    None => {
                        let slot = self.grams.len() as u32;
                        self.ids.insert(gram, self.base + slot);
                        self.grams.push(gram);
                        self.docs.push((0, 0));
                        self.totals.push(0);
                        slot
                    }
                };
                let seen = &mut self.docs[slot as usize];
                if seen.0 != doc {
                    *seen = (doc, 0);
                    self.touched.push(self.base + slot);
                }
                seen.1 += 1;
                let total = &mut self.totals[slot as usize];
                *total = total.saturating_add(1);
                let mut as_written: Written = [u32::MAX; MAX_N];
                as_written[..n].copy_from_slice(&written[i..=j]);
                self.written.add(slot, as_written, (words, forms));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Phrase `g`'s text: its stems joined by spaces.
    fn text(stems: &[Box<str>], g: &Gram) -> String {
        let words: Vec<&str> = (g.iter().take_while(|&&s| s != u32::MAX))
            .map(|&s| &*stems[s as usize])
            .collect();
        words.join(" ")
    }

    /// Stems of a few letters from a small alphabet (so that some are prefixes of others),
    /// and phrases of two or three of them, each once.
    fn stems_and_grams() -> impl Strategy<Value = (Vec<Box<str>>, Vec<Gram>)> {
        let stems = prop::collection::btree_set("[abé]{1,4}", 2..40)
            .prop_map(|s| s.into_iter().map(Box::from).collect::<Vec<Box<str>>>())
            .prop_shuffle();
        stems.prop_flat_map(|stems| {
            let n = stems.len() as u32;
            let gram = (0..n, 0..n, prop::option::of(0..n))
                .prop_map(|(a, b, c)| [a, b, c.unwrap_or(u32::MAX)]);
            let grams = prop::collection::btree_set(gram, 0..200)
                .prop_map(|g| g.into_iter().collect::<Vec<Gram>>())
                .prop_shuffle();
            (Just(stems), grams)
        })
    }

    proptest! {
        #[test]
        fn phrases_sorted_by_their_stems_places_are_in_text_order(
            (stems, grams) in stems_and_grams(),
            learnt in 0usize..40,
        ) {
            // Learnt in two goes, as a counter does between two tables.
            let mut order = StemOrder::default();
            let first = learnt.min(stems.len());
            order.ranks(&stems[..first]);
            let ranks = order.ranks(&stems).expect("plain stems").to_vec();
            let by_places: Vec<String> = (by_ranks(&grams, &ranks).into_iter())
                .map(|k| text(&stems, &grams[k as usize]))
                .collect();
            let mut by_text: Vec<String> = grams.iter().map(|g| text(&stems, g)).collect();
            by_text.sort();
            prop_assert_eq!(by_places, by_text);
            // From scratch, the same places.
            let mut anew = StemOrder::default();
            prop_assert_eq!(anew.ranks(&stems).unwrap(), &ranks[..]);
        }
    }

    #[test]
    fn a_stem_with_a_byte_below_the_space_leaves_phrases_sorted_by_text() {
        let mut order = StemOrder::default();
        let stems: Vec<Box<str>> = vec!["ab".into(), "a".into()];
        assert_eq!(order.ranks(&stems), Some(&[2, 1][..]));
        let odd: Vec<Box<str>> = vec!["ab".into(), "a".into(), "a\u{1f}b".into()];
        assert_eq!(order.ranks(&odd), None);
        // `a\x1fb a` sorts before `a b` by text, but `a\x1fb` after `a` by stem.
        let table = Table {
            grams: vec![[1, 0, u32::MAX], [2, 1, u32::MAX]],
            totals: vec![1, 1],
            ..Table::default()
        };
        assert_eq!(table.by_texts(&odd), vec![1, 0]);
        assert_eq!(by_ranks(&table.grams, &[3, 1, 2]), vec![0, 1]);
    }
}
