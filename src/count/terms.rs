//! Terms by number: [`TermTable`], every term of a corpus's counts once, in text order, its
//! place its id; [`Terms`], a period's counts by id; [`Labels`], each term's label by id.
//!
//! At a gigabyte of text with phrases there are millions of terms and tens of millions of
//! (term, period) counts: a text per term in one buffer, and four bytes a count to name it,
//! hold what a string allocation per term, a 16-byte shared pointer per count and a hash map
//! of labels held in two to three times the memory. Ids are in text order, so a period's
//! terms sorted by id are sorted by text, and two periods that share a table are merged by
//! comparing numbers.
//!
//! Counts made apart (another machine's part, a test's period) have tables of their own;
//! everything here answers by text when two tables differ, and [`share`] puts the periods of
//! a corpus back on one table.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::counts::{MaybeSpread, Spread, TermCount};

/// Texts by number, in one buffer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Texts {
    bytes: String,
    /// Where text `i` ends in `bytes` (it starts where `i - 1` ends).
    ends: Vec<usize>,
}

impl Texts {
    pub(crate) fn push(&mut self, text: &str) {
        self.bytes.push_str(text);
        self.ends.push(self.bytes.len());
    }

    /// Adds `other`'s texts after these.
    pub(crate) fn append(&mut self, other: &Texts) {
        let base = self.bytes.len();
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }

    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Every term once, in text order (byte order of the texts): a term's id is its place.
#[derive(Debug, Default)]
pub(crate) struct TermTable(Texts);

impl TermTable {
    /// The table of `texts`, which must be in text order, each once.
    pub(crate) fn from_sorted<'a>(texts: impl IntoIterator<Item = &'a str>) -> TermTable {
        let mut table = Texts::default();
        for t in texts {
            debug_assert!(table.len() == 0 || table.get(table.len() - 1) < t);
            table.push(t);
        }
        table.shrink();
        TermTable(table)
    }

    /// The table of `texts` in any order, repeats allowed.
    pub(crate) fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> TermTable {
        let mut all: Vec<&str> = texts.into_iter().collect();
        all.sort_unstable();
        all.dedup();
        TermTable::from_sorted(all)
    }

    pub(crate) fn text(&self, id: u32) -> &str {
        self.0.get(id as usize)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// `text`'s id, when it is in the table (a binary search).
    pub(crate) fn find(&self, text: &str) -> Option<u32> {
        let at = partition_point(0..self.len(), |i| self.0.get(i) < text);
        (at < self.len() && self.0.get(at) == text).then_some(at as u32)
    }

    /// Every text, in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.0.get(i))
    }
}

/// The first place in `places` that `before` says no to, where it says yes to a first stretch
/// of them and no to the rest (a binary search of places, for lists that are not slices).
pub(crate) fn partition_point(
    places: std::ops::Range<usize>,
    before: impl Fn(usize) -> bool,
) -> usize {
    let (mut lo, mut hi) = (places.start, places.end);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Whether `a` and `b` are one table (ids of one name the same terms in the other).
pub(crate) fn same(a: &TermTable, b: &TermTable) -> bool {
    std::ptr::eq(a, b)
}

/// A term seen in one document of its period: its count there and the document's word
/// tokens. The rest of its counts follow (one document, the largest count in one its count,
/// its spread worked out from these and the period's tokens exactly as
/// [`super::dispersion`] works it out), in 16 bytes where a [`TermCount`] takes 48: at a
/// gigabyte with phrases, 72% of the (term, period) counts are of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct One {
    id: u32,
    count: u32,
    doc_tokens: u64,
}

impl One {
    /// Its counts in a period of `tokens` word tokens.
    fn counts(&self, tokens: u64) -> TermCount {
        let (v, n) = (self.count as u64, self.doc_tokens);
        // A term in one document: the documents holding it have n tokens, and its excess
        // max(0, n·f − v·T) is 0 (f = v and n <= T).
        let (r, r2) = Spread::rate_parts(v, n);
        TermCount {
            count: v,
            docs: 1,
            max_doc: v,
            spread: MaybeSpread::some(Spread::new(v, tokens, n, 0).rate_sums(r, r2)),
        }
    }
}

/// A period's terms with their counts, by id in `table`, sorted by id (so by text): the
/// terms of one document of a whole corpus's counts apart ([`One`]), their spreads following
/// from their counts; the others' spreads are worked out by the dispersion pass.
#[derive(Debug, Clone, Default)]
pub(crate) struct Terms {
    table: Arc<TermTable>,
    many: Vec<(u32, TermCount)>,
    one: Vec<One>,
    /// The period's word tokens, for the spreads of `one`.
    tokens: u64,
}

/// A term's place among a period's [`Terms`]: in its counts of several documents, or among
/// those of one (the top bit).
pub(crate) type Place = u32;

const ONE: Place = 1 << 31;

/// Some of a period's terms, in term order, as (id, counts).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entries<'a> {
    many: &'a [(u32, TermCount)],
    one: &'a [One],
    tokens: u64,
}

impl<'a> Entries<'a> {
    pub(crate) fn len(&self) -> usize {
        self.many.len() + self.one.len()
    }

    /// The next term's id.
    pub(crate) fn peek_id(&self) -> Option<u32> {
        match (self.many.first(), self.one.first()) {
            (Some(m), Some(o)) => Some(m.0.min(o.id)),
            (Some(m), None) => Some(m.0),
            (None, Some(o)) => Some(o.id),
            (None, None) => None,
        }
    }

    /// The terms whose ids `before` says yes to (the first ones: `before` must say yes to
    /// a first stretch of ids, no to the rest), and the others.
    pub(crate) fn split(&self, before: impl Fn(u32) -> bool) -> (Entries<'a>, Entries<'a>) {
        let m = self.many.partition_point(|e| before(e.0));
        let o = self.one.partition_point(|e| before(e.id));
        let (ma, mb) = self.many.split_at(m);
        let (oa, ob) = self.one.split_at(o);
        let tokens = self.tokens;
        (
            Entries {
                many: ma,
                one: oa,
                tokens,
            },
            Entries {
                many: mb,
                one: ob,
                tokens,
            },
        )
    }

    /// The id of the term `k/n` of the way along the longer of the two lists (`fraction`
    /// is `(k, n)`): where to cut the terms into pieces of about equal size.
    pub(crate) fn id_near(&self, fraction: (usize, usize)) -> Option<u32> {
        let (k, n) = fraction;
        if self.many.len() >= self.one.len() {
            self.many.get(k * self.many.len() / n).map(|e| e.0)
        } else {
            self.one.get(k * self.one.len() / n).map(|e| e.id)
        }
    }
}

/// The next term of [`Entries`], as it is held.
enum Held<'a> {
    Many(&'a (u32, TermCount)),
    One(&'a One),
}

impl<'a> Entries<'a> {
    /// Takes the next term, as it is held.
    fn take(&mut self) -> Option<Held<'a>> {
        match (self.many.split_first(), self.one.split_first()) {
            (Some((m, rest)), Some((o, _))) if m.0 < o.id => {
                self.many = rest;
                Some(Held::Many(m))
            }
            (Some((m, rest)), None) => {
                self.many = rest;
                Some(Held::Many(m))
            }
            (_, Some((o, rest))) => {
                self.one = rest;
                Some(Held::One(o))
            }
            (None, None) => None,
        }
    }

    /// The next term's id, count and documents: what [`Iterator::next`] gives without the
    /// spread, which a term of one document has worked out when it is read.
    pub(crate) fn next_sums(&mut self) -> Option<(u32, u64, u64)> {
        self.take().map(|held| match held {
            Held::Many(&(id, c)) => (id, c.count, c.docs),
            Held::One(o) => (o.id, o.count as u64, 1),
        })
    }
}

impl Iterator for Entries<'_> {
    type Item = (u32, TermCount);

    fn next(&mut self) -> Option<(u32, TermCount)> {
        let tokens = self.tokens;
        self.take().map(|held| match held {
            Held::Many(e) => *e,
            Held::One(o) => (o.id, o.counts(tokens)),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len(), Some(self.len()))
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl Terms {
    /// Counts already sorted by id in `table`, each id once.
    pub(crate) fn from_sorted(table: Arc<TermTable>, entries: Vec<(u32, TermCount)>) -> Terms {
        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        debug_assert!(entries.last().is_none_or(|e| (e.0 as usize) < table.len()));
        Terms {
            table,
            many: entries,
            one: Vec::new(),
            tokens: 0,
        }
    }

    /// The table naming the terms.
    pub(crate) fn table(&self) -> &Arc<TermTable> {
        &self.table
    }

    /// Terms counted in several documents (`many`, sorted by id, their spreads to be worked
    /// out) and terms of one document (`ones`: id, count, the document's word tokens; sorted
    /// by id), in a period of `tokens` word tokens.
    pub(crate) fn of_split(
        table: Arc<TermTable>,
        many: Vec<(u32, TermCount)>,
        ones: Vec<(u32, u32, u64)>,
        tokens: u64,
    ) -> Terms {
        let one: Vec<One> = (ones.into_iter())
            .map(|(id, count, doc_tokens)| One {
                id,
                count,
                doc_tokens,
            })
            .collect();
        debug_assert!(one.windows(2).all(|w| w[0].id < w[1].id));
        let mut terms = Terms::from_sorted(table, many);
        terms.one = one;
        terms.tokens = tokens;
        terms
    }

    /// Keeps the terms of one document apart, once the spreads of the terms of several
    /// documents are worked out (`with`: the word tokens of the documents holding each of
    /// them, in term order; `tokens`: the period's). A term is set apart only when its
    /// counts come back exactly as they are.
    pub(crate) fn set_apart(&mut self, tokens: u64, with: &[u64]) {
        debug_assert!(with.len() == self.many.len());
        debug_assert!(self.one.is_empty() || self.tokens == tokens);
        let mut many = Vec::new();
        let mut one = Vec::new();
        for (&(id, c), &n) in self.many.iter().zip(with) {
            let single = One {
                id,
                count: c.count as u32,
                doc_tokens: n,
            };
            if c.docs == 1 && c.count <= u32::MAX as u64 && single.counts(tokens) == c {
                one.push(single);
            } else {
                many.push((id, c));
            }
        }
        if !self.one.is_empty() {
            one.append(&mut self.one);
            one.sort_unstable_by_key(|o| o.id);
        }
        many.shrink_to_fit();
        one.shrink_to_fit();
        *self = Terms {
            table: self.table.clone(),
            many,
            one,
            tokens,
        };
    }

    /// (id, counts) in term order.
    pub(crate) fn entries(&self) -> Entries<'_> {
        Entries {
            many: &self.many,
            one: &self.one,
            tokens: self.tokens,
        }
    }

    /// (id, counts) of the terms not set apart (all of them, before [`Terms::set_apart`]
    /// and in counts of a part of a corpus), in term order.
    pub(crate) fn ids(&self) -> &[(u32, TermCount)] {
        &self.many
    }

    #[cfg(test)]
    pub(crate) fn get(&self, term: &str) -> Option<TermCount> {
        let id = self.table.find(term)?;
        if let Ok(i) = self.many.binary_search_by_key(&id, |e| e.0) {
            return Some(self.many[i].1);
        }
        let i = self.one.binary_search_by_key(&id, |e| e.id).ok()?;
        Some(self.one[i].counts(self.tokens))
    }

    #[cfg(test)]
    pub(crate) fn contains_key(&self, term: &str) -> bool {
        self.get(term).is_some()
    }

    #[cfg(test)]
    /// Adds or replaces `term`'s counts (a new table: for tests).
    pub(crate) fn insert(&mut self, term: impl AsRef<str>, count: TermCount) {
        let term = term.as_ref();
        let mut all: Vec<(String, TermCount)> = (self.iter())
            .filter(|(t, _)| *t != term)
            .map(|(t, c)| (t.to_string(), c))
            .collect();
        all.push((term.to_string(), count));
        *self = all.into_iter().collect();
    }

    pub(crate) fn len(&self) -> usize {
        self.many.len() + self.one.len()
    }

    /// Every term's id, in no particular order.
    pub(crate) fn term_ids(&self) -> impl Iterator<Item = u32> + '_ {
        (self.many.iter().map(|e| e.0)).chain(self.one.iter().map(|o| o.id))
    }

    /// Each term's place, in term order.
    pub(crate) fn places(&self) -> impl Iterator<Item = Place> + '_ {
        let (mut m, mut o) = (0, 0);
        std::iter::from_fn(move || {
            let place = match (self.many.get(m), self.one.get(o)) {
                (Some(a), Some(b)) if a.0 < b.id => m,
                (Some(_), None) => m,
                (_, Some(_)) => {
                    o += 1;
                    return Some(ONE | (o - 1) as u32);
                }
                (None, None) => return None,
            };
            m += 1;
            Some(place as u32)
        })
    }

    /// The term at `place`: its id and counts.
    pub(crate) fn at(&self, place: Place) -> (u32, TermCount) {
        if place & ONE == 0 {
            self.many[place as usize]
        } else {
            let o = &self.one[(place & !ONE) as usize];
            (o.id, o.counts(self.tokens))
        }
    }

    /// The count of the term at `place`, and its id.
    pub(crate) fn count_at(&self, place: Place) -> (u64, u32) {
        if place & ONE == 0 {
            let (id, c) = &self.many[place as usize];
            (c.count, *id)
        } else {
            let o = &self.one[(place & !ONE) as usize];
            (o.count as u64, o.id)
        }
    }

    /// (term, counts) in term order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, TermCount)> {
        self.entries().map(|(id, c)| (self.table.text(id), c))
    }

    #[cfg(any(test, feature = "cluster"))]
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(t, _)| t)
    }

    #[cfg(test)]
    pub(crate) fn values(&self) -> impl Iterator<Item = TermCount> + '_ {
        self.entries().map(|(_, c)| c)
    }

    #[cfg(any(test, feature = "cluster"))]
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The counts of [`Terms::ids`], to fill in place.
    pub(crate) fn counts_mut(&mut self) -> impl Iterator<Item = &mut TermCount> {
        self.many.iter_mut().map(|(_, c)| c)
    }

    #[cfg(any(test, feature = "cluster"))]
    /// Every term with its counts in one list (as before [`Terms::set_apart`]).
    fn gathered(self) -> Terms {
        if self.one.is_empty() {
            return self;
        }
        let many = self.entries().collect();
        Terms::from_sorted(self.table.clone(), many)
    }

    #[cfg(any(test, feature = "cluster"))]
    /// Keeps the terms `keep` says yes to.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let table = &self.table;
        self.many.retain(|(id, _)| keep(table.text(*id)));
        self.one.retain(|o| keep(table.text(o.id)));
    }

    #[cfg(any(test, feature = "cluster"))]
    /// The same counts named by `table`'s ids (`to[id]`: this table's id's place in it).
    fn renamed(self, table: &Arc<TermTable>, to: &[u32]) -> Terms {
        let mut renamed = self;
        for e in &mut renamed.many {
            e.0 = to[e.0 as usize];
        }
        for o in &mut renamed.one {
            o.id = to[o.id as usize];
        }
        renamed.table = table.clone();
        renamed
    }

    #[cfg(any(test, feature = "cluster"))]
    /// Both lists in one, in term order: a term in both has its counts added.
    pub(super) fn merge(self, other: Terms) -> Terms {
        if self.is_empty() {
            return other;
        }
        if other.is_empty() {
            return self;
        }
        let (a, b) = if same(&self.table, &other.table) {
            (self, other)
        } else {
            let table = Arc::new(TermTable::of(self.keys().chain(other.keys())));
            let (ta, tb) = (ids_in(&self.table, &table), ids_in(&other.table, &table));
            (self.renamed(&table, &ta), other.renamed(&table, &tb))
        };
        let (a, b) = (a.gathered(), b.gathered());
        let table = a.table.clone();
        let mut merged = Vec::with_capacity(a.len().max(b.len()));
        let (mut a, mut b) = (a.many.into_iter().peekable(), b.many.into_iter().peekable());
        loop {
            let order = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => x.0.cmp(&y.0),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => break,
            };
            match order {
                std::cmp::Ordering::Less => merged.extend(a.next()),
                std::cmp::Ordering::Greater => merged.extend(b.next()),
                std::cmp::Ordering::Equal => {
                    let (id, mut count) = a.next().expect("peeked");
                    count.add(&b.next().expect("peeked").1);
                    merged.push((id, count));
                }
            }
        }
        Terms::from_sorted(table, merged)
    }
}

#[cfg(any(test, feature = "cluster"))]
/// Each id of `from`'s place in `to`, which holds every term of `from` (`u32::MAX` where it
/// does not).
pub(super) fn ids_in(from: &TermTable, to: &TermTable) -> Vec<u32> {
    // Both in text order: one pass.
    let mut at = 0;
    from.iter()
        .map(|t| {
            while at < to.len() && to.text(at as u32) < t {
                at += 1;
            }
            if at < to.len() && to.text(at as u32) == t {
                at as u32
            } else {
                u32::MAX
            }
        })
        .collect()
}

#[cfg(any(test, feature = "cluster"))]
/// Puts every list of `terms` on one table, when they are not on one already: the union of
/// their tables, in text order. Returns the table they share (an empty one when there are
/// none).
pub(crate) fn share<'a>(terms: impl IntoIterator<Item = &'a mut Terms>) -> Arc<TermTable> {
    let mut all: Vec<&mut Terms> = terms.into_iter().collect();
    if let Some(first) = all.first() {
        let table = first.table.clone();
        if all.iter().all(|t| same(&t.table, &table)) {
            return table;
        }
    }
    let mut tables: Vec<Arc<TermTable>> = Vec::new();
    for t in &all {
        if !tables.iter().any(|k| same(k, &t.table)) {
            tables.push(t.table.clone());
        }
    }
    let table = Arc::new(TermTable::of(tables.iter().flat_map(|t| t.iter())));
    let maps: Vec<Vec<u32>> = tables.iter().map(|t| ids_in(t, &table)).collect();
    for terms in all.iter_mut() {
        let k = (tables.iter())
            .position(|t| same(t, &terms.table))
            .expect("every table listed");
        let mine = std::mem::take(&mut **terms);
        **terms = mine.renamed(&table, &maps[k]);
    }
    table
}

impl PartialEq for Terms {
    fn eq(&self, other: &Terms) -> bool {
        if same(&self.table, &other.table) {
            return self.len() == other.len() && self.entries().eq(other.entries());
        }
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Terms {}

impl<S: AsRef<str>> FromIterator<(S, TermCount)> for Terms {
    /// Terms in any order, each once, on a table of their own.
    fn from_iter<I: IntoIterator<Item = (S, TermCount)>>(items: I) -> Terms {
        let items: Vec<(S, TermCount)> = items.into_iter().collect();
        let table = Arc::new(TermTable::of(items.iter().map(|(t, _)| t.as_ref())));
        let mut entries: Vec<(u32, TermCount)> = (items.iter())
            .map(|(t, c)| (table.find(t.as_ref()).expect("in the table"), *c))
            .collect();
        entries.sort_unstable_by_key(|e| e.0);
        Terms::from_sorted(table, entries)
    }
}

impl Serialize for Terms {
    /// As (term, counts) pairs in term order: another machine has tables of its own.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Terms {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Terms, D::Error> {
        let pairs: Vec<(String, TermCount)> = Vec::deserialize(d)?;
        Ok(pairs.into_iter().collect())
    }
}

/// Each term's label (its most frequent written form), by id in a table; a term with no
/// label has an empty one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Labels {
    table: Arc<TermTable>,
    labels: Texts,
}

impl Labels {
    /// The labels of `table`'s terms in id order, `""` for none.
    pub(crate) fn new<'a>(
        table: Arc<TermTable>,
        labels: impl IntoIterator<Item = &'a str>,
    ) -> Labels {
        let mut texts = Texts::default();
        for l in labels {
            texts.push(l);
        }
        texts.shrink();
        debug_assert_eq!(texts.len(), table.len());
        Labels {
            table,
            labels: texts,
        }
    }

    /// Label `id`'s, when it has one.
    pub(crate) fn by_id(&self, id: u32) -> Option<&str> {
        let l = self.labels.get(id as usize);
        (!l.is_empty()).then_some(l)
    }

    /// `term`'s label, when it has one (a binary search of the table by text).
    pub(crate) fn get(&self, term: &str) -> Option<&str> {
        self.by_id(self.table.find(term)?)
    }

    /// The label of `terms`' term at `place`.
    pub(crate) fn of_term(&self, terms: &Terms, place: Place) -> Option<&str> {
        let (_, id) = terms.count_at(place);
        self.of(&terms.table, id, terms.table.text(id))
    }

    /// The label of the term `id` names in `table`, `term` its text: by id when `table` is
    /// this one's (and `id` is not `u32::MAX`), else by text.
    pub(crate) fn of(&self, table: &TermTable, id: u32, term: &str) -> Option<&str> {
        if id != u32::MAX && same(table, &self.table) {
            self.by_id(id)
        } else {
            self.get(term)
        }
    }

    /// (term, label) of every term with a label, in term order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        (self.table.iter().enumerate()).filter_map(|(i, t)| Some((t, self.by_id(i as u32)?)))
    }

    #[cfg(any(test, feature = "cluster"))]
    /// The same labels by id in `table` (those of terms it does not hold let go).
    pub(crate) fn rename(&mut self, table: &Arc<TermTable>) {
        if same(&self.table, table) || self.table.len() == 0 {
            return;
        }
        let labels: Vec<&str> = (table.iter()).map(|t| self.get(t).unwrap_or("")).collect();
        let renamed = Labels::new(table.clone(), labels);
        *self = renamed;
    }

    #[cfg(any(test, feature = "cluster"))]
    /// The labels of both, on one table (`self`'s label where both have one).
    pub(crate) fn merge(self, other: Labels) -> Labels {
        if other.table.len() == 0 {
            return self;
        }
        if self.table.len() == 0 {
            return other;
        }
        let table = Arc::new(TermTable::of(self.table.iter().chain(other.table.iter())));
        let labels: Vec<&str> = (table.iter())
            .map(|t| self.get(t).or(other.get(t)).unwrap_or(""))
            .collect();
        Labels::new(table.clone(), labels)
    }
}

#[cfg(test)]
impl<S: AsRef<str>, L: AsRef<str>> FromIterator<(S, L)> for Labels {
    /// (term, label) pairs in any order, on a table of their own.
    fn from_iter<I: IntoIterator<Item = (S, L)>>(items: I) -> Labels {
        let items: Vec<(S, L)> = items.into_iter().collect();
        let table = Arc::new(TermTable::of(items.iter().map(|(t, _)| t.as_ref())));
        let mut labels = vec![""; table.len()];
        for (t, l) in &items {
            labels[table.find(t.as_ref()).expect("in the table") as usize] = l.as_ref();
        }
        Labels::new(table.clone(), labels)
    }
}

impl PartialEq for Labels {
    fn eq(&self, other: &Labels) -> bool {
        self.pairs().eq(other.pairs())
    }
}

impl Eq for Labels {}

impl std::ops::Index<&str> for Labels {
    type Output = str;

    fn index(&self, term: &str) -> &str {
        self.get(term)
            .unwrap_or_else(|| panic!("no label for '{term}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(n: u64) -> TermCount {
        TermCount {
            count: n,
            docs: 1,
            max_doc: n,
            ..TermCount::default()
        }
    }

    #[test]
    fn a_table_finds_each_of_its_terms_and_nothing_else() {
        let table = TermTable::of(["care", "nhs trust", "care", "", "zeta", "b"]);
        let all: Vec<&str> = table.iter().collect();
        assert_eq!(all, ["", "b", "care", "nhs trust", "zeta"]);
        for (i, t) in all.iter().enumerate() {
            assert_eq!(table.find(t), Some(i as u32));
            assert_eq!(table.text(i as u32), *t);
        }
        for absent in ["a", "carex", "nhs", "zz"] {
            assert_eq!(table.find(absent), None, "{absent}");
        }
    }

    #[test]
    fn terms_on_different_tables_merge_and_compare_by_text() {
        let a: Terms = [("care", count(2)), ("trust", count(1))]
            .into_iter()
            .collect();
        let b: Terms = [("nhs", count(4)), ("care", count(3))]
            .into_iter()
            .collect();
        let merged = a.clone().merge(b.clone());
        let got: Vec<(&str, u64)> = merged.iter().map(|(t, c)| (t, c.count)).collect();
        assert_eq!(got, [("care", 5), ("nhs", 4), ("trust", 1)]);
        let again: Terms = [("trust", count(1)), ("care", count(2))]
            .into_iter()
            .collect();
        assert_eq!(a, again);
        assert_ne!(a, b);
    }

    #[test]
    fn shared_terms_keep_their_counts_on_one_table() {
        let mut a: Terms = [("care", count(2)), ("trust", count(1))]
            .into_iter()
            .collect();
        let mut b: Terms = [("nhs", count(4)), ("care", count(3))]
            .into_iter()
            .collect();
        let (a0, b0) = (a.clone(), b.clone());
        let table = share([&mut a, &mut b]);
        assert!(same(a.table(), &table) && same(b.table(), &table));
        assert_eq!(table.iter().collect::<Vec<_>>(), ["care", "nhs", "trust"]);
        assert_eq!((a, b), (a0, b0));
        let labels = Labels::new(table.clone(), ["Care", "", "Trust"]);
        assert_eq!(labels.get("care"), Some("Care"));
        assert_eq!(labels.get("nhs"), None);
        assert_eq!(labels.of(&table, 2, "trust"), Some("Trust"));
        let other = TermTable::of(["trust"]);
        assert_eq!(labels.of(&other, 0, "trust"), Some("Trust"));
    }

    #[test]
    fn terms_of_one_document_set_apart_keep_every_count() {
        let tokens = 1_000;
        // As the dispersion pass works a spread out: (count, docs, tokens of the documents
        // holding the term, excess).
        let spread = |v: u64, n: u64, excess: u128| {
            let (r, r2) = Spread::rate_parts(v, n);
            MaybeSpread::some(Spread::new(v, tokens, n, excess).rate_sums(r, r2))
        };
        let rows: [(&str, u64, u64, u64, MaybeSpread); 5] = [
            ("alpha", 3, 1, 120, spread(3, 120, 0)),
            ("beta", 5, 2, 300, spread(5, 300, 40)),
            ("delta", 1, 1, 7, spread(1, 7, 0)),
            // One document, but a spread the pass would not give: kept whole.
            ("gamma", 2, 1, 50, MaybeSpread::NONE),
            ("omega", 1, 1, 999, spread(1, 999, 0)),
        ];
        let mut terms: Terms = (rows.iter())
            .map(|&(t, v, docs, _, spread)| {
                let max_doc = if docs == 1 { v } else { v - 1 };
                (
                    t,
                    TermCount {
                        count: v,
                        docs,
                        max_doc,
                        spread,
                    },
                )
            })
            .collect();
        let before: Vec<(String, TermCount)> =
            terms.iter().map(|(t, c)| (t.to_string(), c)).collect();
        let with: Vec<u64> = rows.iter().map(|r| r.3).collect();
        terms.set_apart(tokens, &with);
        assert_eq!((terms.many.len(), terms.one.len()), (2, 3));
        let after: Vec<(String, TermCount)> =
            terms.iter().map(|(t, c)| (t.to_string(), c)).collect();
        assert_eq!(before, after);
        let places: Vec<(u32, TermCount)> = terms.places().map(|p| terms.at(p)).collect();
        assert_eq!(places, terms.entries().collect::<Vec<_>>());
        assert_eq!(terms.get("delta"), Some(before[2].1));
        let (first, rest) = terms.entries().split(|id| id < 2);
        assert_eq!((first.len(), rest.len()), (2, 3));
        assert_eq!(rest.peek_id(), Some(2));
    }

    #[test]
    fn terms_travel_as_text_and_come_back_equal() {
        let a: Terms = [("nhs trust", count(2)), ("care", count(7))]
            .into_iter()
            .collect();
        let config = bincode::config::standard();
        let bytes = bincode::serde::encode_to_vec(&a, config).unwrap();
        assert!(bytes.windows(9).any(|w| w == b"nhs trust"));
        let (back, _): (Terms, usize) = bincode::serde::decode_from_slice(&bytes, config).unwrap();
        assert_eq!(a, back);
    }
}
