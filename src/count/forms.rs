//! Written forms: words and phrases as the texts write them (`NHS`, `PCTs`, `primary care
//! trusts`), counted so that each term is labelled with its own most frequent written form.
//!
//! A word's forms are all kept: they grow with the vocabulary, as the words themselves do. A
//! phrase's are not, since phrases outnumber words many times over: a phrase keeps at most
//! [`KEPT`] forms with their exact counts, the first in a fixed order of forms ([`FormKey`]:
//! fewest capitals, then a hash of the text). Which forms those are depends only on the
//! forms, not on the order documents were read in or how they were split between threads or
//! parts: a form among the first `KEPT` of all of a phrase's forms is among the first `KEPT` of
//! every part that holds it, so its count is whole once the parts are merged. A phrase
//! written in more than `KEPT` ways is labelled from its `KEPT` forms with fewest capitals
//! (plain lower-case forms come first, then sentence-initial capitals, and so on).

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

/// Most written forms kept per phrase.
pub(super) const KEPT: usize = 4;

/// The order in which a phrase's forms are kept: fewest capitals first, then by a hash of
/// the text (a fixed hash: the same on every run and machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(super) struct FormKey {
    capitals: u32,
    hash: u64,
}

impl FormKey {
    /// The key of one written word.
    pub(super) fn word(word: &str) -> FormKey {
        let mut h = FxHasher::default();
        word.hash(&mut h);
        FormKey {
            capitals: word.chars().filter(|c| c.is_uppercase()).count() as u32,
            hash: h.finish(),
        }
    }

    /// The key of a phrase written as these words' forms, in order.
    pub(super) fn phrase(words: impl IntoIterator<Item = FormKey>) -> FormKey {
        let mut h = FxHasher::default();
        let mut capitals = 0;
        for w in words {
            capitals += w.capitals;
            w.hash.hash(&mut h);
        }
        FormKey {
            capitals,
            hash: h.finish(),
        }
    }

    /// The key of a phrase's written form, its words separated by single spaces.
    pub(super) fn of_text(form: &str) -> FormKey {
        FormKey::phrase(form.split(' ').map(FormKey::word))
    }
}

/// Lower-cases a written form as the tokeniser does (see [`crate::tokenise::split`]).
pub(crate) fn lower(form: &str) -> String {
    if form.is_ascii() {
        form.to_ascii_lowercase()
    } else {
        form.chars().flat_map(char::to_lowercase).collect()
    }
}

/// The label among written forms with their counts: the most frequent form once case is set
/// aside (ties: the alphabetically first), written in its most frequent case (ties: the one
/// with fewest capitals, as a capital at the start of a sentence is the commonest reason for
/// one; then by bytes).
pub(crate) fn most_frequent<'a>(
    forms: impl IntoIterator<Item = (&'a str, u64)>,
) -> Option<&'a str> {
    let mut by_lower: Vec<(String, &'a str, u64)> =
        forms.into_iter().map(|(f, c)| (lower(f), f, c)).collect();
    let capitals = |f: &str| f.chars().filter(|c| c.is_uppercase()).count();
    by_lower.sort_unstable_by(|a, b| {
        (a.0.cmp(&b.0))
            .then(b.2.cmp(&a.2))
            .then(capitals(a.1).cmp(&capitals(b.1)))
            .then(a.1.cmp(b.1))
    });
    // Per lower-case form: its total, and its first (most frequent) written form.
    let mut best: Option<(u64, &str, &'a str)> = None;
    let mut i = 0;
    while i < by_lower.len() {
        let group = &by_lower[i..];
        let n = group.iter().take_while(|g| g.0 == by_lower[i].0).count();
        let total = group[..n].iter().map(|g| g.2).sum::<u64>();
        let candidate = (total, by_lower[i].0.as_str(), by_lower[i].1);
        best = match best {
            Some(b) if b.0 > total || b.0 == total && b.1 <= candidate.1 => Some(b),
            _ => Some(candidate),
        };
        i += n;
    }
    best.map(|b| b.2)
}

/// A phrase's kept written forms with their counts (at most [`KEPT`], in key order).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct PhraseForms(Vec<(String, u64)>);

impl PhraseForms {
    /// Forms with counts (a form given more than once has its counts summed): the first
    /// [`KEPT`] in key order are kept. Forms from several parts of a corpus may be given
    /// together, each part's own first [`KEPT`]: a form among the first of all of a phrase's
    /// forms is among the first of every part that holds it, so its count is whole. Only
    /// the forms kept become owned strings.
    pub(crate) fn new<S: AsRef<str> + Into<String>>(
        forms: impl IntoIterator<Item = (S, u64)>,
    ) -> PhraseForms {
        let mut all: Vec<(S, u64)> = Vec::new();
        for (form, c) in forms {
            match all.iter_mut().find(|(f, _)| f.as_ref() == form.as_ref()) {
                Some(mine) => mine.1 += c,
                None => all.push((form, c)),
            }
        }
        // Most phrases are written one way: nothing to order.
        if all.len() > 1 {
            let mut keyed: Vec<(FormKey, S, u64)> = all
                .into_iter()
                .map(|(f, c)| (FormKey::of_text(f.as_ref()), f, c))
                .collect();
            keyed.sort_by(|a, b| (a.0.cmp(&b.0)).then_with(|| a.1.as_ref().cmp(b.1.as_ref())));
            keyed.truncate(KEPT);
            all = keyed.into_iter().map(|(_, f, c)| (f, c)).collect();
        }
        PhraseForms(all.into_iter().map(|(f, c)| (f.into(), c)).collect())
    }

    /// Adds another part's forms of the same phrase: associative and commutative.
    pub(crate) fn merge(&mut self, other: PhraseForms) {
        *self = PhraseForms::new(std::mem::take(&mut self.0).into_iter().chain(other.0));
    }

    /// The label: see [`most_frequent`].
    pub(crate) fn label(&self) -> Option<&str> {
        // Most phrases are written one way: that way is the label.
        if let [(only, _)] = &self.0[..] {
            return Some(only);
        }
        most_frequent(self.0.iter().map(|(f, c)| (f.as_str(), *c)))
    }

    #[cfg(test)]
    /// The kept forms and their counts, in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.0.iter().map(|(f, c)| (f.as_str(), *c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_the_most_frequent_word_in_its_most_frequent_case() {
        let label = most_frequent([("Trusts", 3), ("trusts", 2), ("trust", 4)]);
        assert_eq!(label, Some("Trusts"), "trusts 5 in all beats trust 4");
        assert_eq!(most_frequent([("NHS", 5), ("nhs", 1)]), Some("NHS"));
        // Ties: fewest capitals (`Many` starting a sentence, `many` inside one), then the
        // alphabetically first.
        assert_eq!(most_frequent([("Many", 1), ("many", 1)]), Some("many"));
        assert_eq!(most_frequent([("NHS", 2), ("Nhs", 2)]), Some("Nhs"));
        assert_eq!(most_frequent([("b", 2), ("a", 2)]), Some("a"));
        assert_eq!(most_frequent(std::iter::empty()), None);
    }

    #[test]
    fn kept_phrase_forms_do_not_depend_on_how_the_parts_were_grouped() {
        let forms: Vec<(String, u64)> = [
            "primary care trusts",
            "Primary care trusts",
            "Primary Care Trusts",
            "primary care trust",
            "PRIMARY CARE TRUSTS",
            "Primary Care Trust",
        ]
        .iter()
        .enumerate()
        .map(|(i, f)| (f.to_string(), i as u64 + 1))
        .collect();
        let whole = PhraseForms::new(forms.clone());
        assert_eq!(whole.0.len(), KEPT);
        assert!(whole.iter().all(|(f, _)| f != "PRIMARY CARE TRUSTS"));
        let part = |ix: &[usize]| PhraseForms::new(ix.iter().map(|&i| forms[i].clone()));
        for (a, b, c) in [
            (vec![0, 1], vec![2, 3], vec![4, 5]),
            (vec![5, 0], vec![4], vec![1, 2, 3]),
        ] {
            let mut left = part(&a);
            left.merge(part(&b));
            left.merge(part(&c));
            let mut right = part(&c);
            let mut bc = part(&b);
            bc.merge(part(&a));
            right.merge(bc);
            assert_eq!(left, whole);
            assert_eq!(right, whole);
        }
        let few = PhraseForms::new([
            ("every trust".to_string(), 5),
            ("Every trust".to_string(), 2),
            ("every trusts".to_string(), 6),
        ]);
        assert_eq!(few.label(), Some("every trust"), "7 in all, against 6");
    }
}
