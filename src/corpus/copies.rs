//! Copies of a text: the same text (by SHA-256) in the same period is counted once, the copy
//! first in reading order standing for them all, whichever copy a thread reached first.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::corpus::DocRecord;
use crate::count::{self};

/// Copies of one text in one period: the first in reading order stands for them all (the
/// others get `duplicate_of` it). Threads race, so the copy counted may be a later one; its
/// place and name are then mapped to the first copy's, so that the first documents of each
/// term and the concordance lines are those a single thread would give.
pub(crate) struct Canonical {
    /// Place of the copy counted -> place of the first copy, where they differ.
    pub(crate) places: FxHashMap<u64, u64>,
    /// Name of the copy counted -> name of the first copy, where they differ.
    pub(crate) names: FxHashMap<Box<str>, Box<str>>,
}

impl Canonical {
    /// Marks the copies in `docs` and maps the counted ones.
    pub(crate) fn of(docs: &mut [DocRecord]) -> Canonical {
        let mut first: FxHashMap<([u8; 32], Option<Arc<str>>), usize> = FxHashMap::default();
        for (i, d) in docs.iter().enumerate() {
            let f = first.entry((d.sha256, d.period.clone())).or_insert(i);
            if d.place < docs[*f].place {
                *f = i;
            }
        }
        let mut canonical = Canonical {
            places: FxHashMap::default(),
            names: FxHashMap::default(),
        };
        for i in 0..docs.len() {
            let f = first[&(docs[i].sha256, docs[i].period.clone())];
            if f == i {
                continue;
            }
            docs[i].duplicate_of = Some(f as u32);
            if docs[i].counted {
                canonical.places.insert(docs[i].place, docs[f].place);
                canonical
                    .names
                    .insert(docs[i].name.clone(), docs[f].name.clone());
            }
        }
        canonical
    }

    /// Concordance lines of a copy counted in place of the first copy are the first copy's
    /// (the same text).
    pub(crate) fn rename(&self, lines: &mut [count::KwicLine]) {
        if self.names.is_empty() {
            return;
        }
        for line in lines {
            if let Some(name) = self.names.get(line.doc.as_str()) {
                line.doc = name.to_string();
            }
        }
    }
}

/// Documents already counted, by their text's SHA-256 and their period, and each period's
/// label, shared by the records of its documents.
#[derive(Default)]
pub(crate) struct Seen {
    pub(crate) labels: FxHashMap<String, (u32, Arc<str>)>,
    pub(crate) texts: rustc_hash::FxHashSet<([u8; 32], u32)>,
}

impl Seen {
    /// The shared label of `period`, and whether this is the first document with this text
    /// in it.
    pub(crate) fn first(
        &mut self,
        sha256: [u8; 32],
        period: Option<String>,
    ) -> (Option<Arc<str>>, bool) {
        let (id, label) = match period {
            None => (u32::MAX, None),
            Some(p) => {
                let next = self.labels.len() as u32;
                let (id, label) = self
                    .labels
                    .entry(p)
                    .or_insert_with_key(|p| (next, Arc::from(p.as_str())));
                (*id, Some(label.clone()))
            }
        };
        (label, self.texts.insert((sha256, id)))
    }

    /// Takes back the texts of `docs` entered as first copies (the rows of a table that
    /// failed part way), so that a later copy of each is counted.
    pub(crate) fn forget<'d>(&mut self, docs: impl Iterator<Item = &'d DocRecord>) {
        for doc in docs.filter(|d| d.counted) {
            if let Some((id, _)) = doc.period.as_deref().and_then(|p| self.labels.get(p)) {
                self.texts.remove(&(doc.sha256, *id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counted-or-not document of 2001 at `place`, its text standing for `text`.
    fn record(name: &str, place: u64, counted: bool, text: u8) -> DocRecord {
        DocRecord {
            name: name.into(),
            title: "".into(),
            date: None,
            date_source: None,
            reading: Default::default(),
            source: None,
            encoding: "UTF-8",
            replaced_chars: 0,
            bytes: 1,
            sha256: [text; 32],
            period: Some(Arc::from("2001")),
            size: count::DocSize::default(),
            duplicate_of: None,
            from_file: true,
            place,
            counted,
        }
    }

    #[test]
    fn a_later_copy_counted_stands_at_the_first_copys_place_and_name() {
        // Three copies of one text (a thread reached the last one first) and another text.
        let mut docs = vec![
            record("a.txt", 7, false, 1),
            record("b.txt", 3, false, 1),
            record("c.txt", 9, true, 1),
            record("d.txt", 5, true, 2),
        ];
        let canonical = Canonical::of(&mut docs);
        let duplicates: Vec<Option<u32>> = docs.iter().map(|d| d.duplicate_of).collect();
        assert_eq!(duplicates, [Some(1), None, Some(1), None]);
        assert_eq!(canonical.places, FxHashMap::from_iter([(9, 3)]));
        let mut lines = vec![count::KwicLine {
            doc: "c.txt".into(),
            period: "2001".into(),
            theme: 0,
            pattern: 0,
            start: 4,
            left: String::new(),
            matched: "x".into(),
            right: String::new(),
            spaced: (true, true),
            key: 1,
        }];
        canonical.rename(&mut lines);
        assert_eq!(lines[0].doc, "b.txt");
    }

    #[test]
    fn the_rows_of_a_failed_table_leave_the_copies_check() {
        let mut seen = Seen::default();
        let (period, first) = seen.first([1; 32], Some("2001".into()));
        assert!(first);
        // The row of the failed table, counted as the first copy of its text.
        let row = DocRecord {
            period,
            from_file: false,
            ..record("bad.parquet#r1", 1, true, 1)
        };
        seen.forget(std::iter::once(&row));
        let again = |seen: &mut Seen| seen.first([1; 32], Some("2001".into())).1;
        assert!(
            again(&mut seen),
            "the same text in the good file is counted"
        );
        assert!(!again(&mut seen), "and a third copy is not");
    }
}
