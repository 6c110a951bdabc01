//! What the workers of the read stage gather ([`Gathered`], merged in any grouping), each in
//! its own [`Fold`] beside its counter, and how it all becomes the stage's [`Read`].

use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;

use super::Read;
use crate::corpus::natural_cmp;
use crate::corpus::DocRecord;
use crate::corpus::InputFile;
use crate::count::Counter;
use crate::count::Tally;
use crate::error::InputError;
use crate::ingest::walk::Skipped;

/// Document records gathered in chunks of this many: no doubling of one long vector (at a
/// million documents, a few hundred megabytes at the moment it grows), and the chunks join
/// into one vector of exactly the right size at the end.
const DOC_CHUNK: usize = 4096;

/// What the parallel phase gathers: merged with [`Gathered::merge`], in any grouping.
#[derive(Default)]
pub(super) struct Gathered {
    /// Documents read, in chunks of [`DOC_CHUNK`], in no particular order until sorted.
    pub(super) docs: Vec<Vec<DocRecord>>,
    pub(super) skipped: Vec<Skipped>,
    /// What each worker's counter found, resolved into counts once all are in.
    tallies: Vec<Tally>,
    /// Table files read, for run.json.
    pub(super) inputs: Vec<InputFile>,
    /// Table rows whose date cell could not be read: (document, cell).
    pub(super) bad_dates: Vec<(String, String)>,
    /// Documents whose header held a date that is no real day: (document, text).
    pub(super) impossible_dates: Vec<(String, String)>,
    /// Files that failed after part of them was counted: the run cannot go on.
    pub(super) failed: Vec<String>,
    /// What reading found wrong with table files as a whole (quotes left open).
    pub(super) warnings: Vec<String>,
}

impl Gathered {
    pub(super) fn push(&mut self, doc: DocRecord) {
        match self.docs.last_mut() {
            Some(chunk) if chunk.len() < DOC_CHUNK => chunk.push(doc),
            _ => {
                let mut chunk = Vec::with_capacity(DOC_CHUNK);
                chunk.push(doc);
                self.docs.push(chunk);
            }
        }
    }

    #[cfg(any(feature = "cluster", test))]
    /// What the workers' counters found.
    pub(super) fn take_tallies(&mut self) -> Vec<Tally> {
        std::mem::take(&mut self.tallies)
    }

    /// The documents in one vector, each chunk freed as soon as it is moved.
    fn take_docs(&mut self) -> Vec<DocRecord> {
        let chunks = std::mem::take(&mut self.docs);
        let mut docs = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for chunk in chunks {
            docs.extend(chunk);
        }
        docs
    }

    pub(super) fn merge(mut self, other: Gathered) -> Gathered {
        self.docs.extend(other.docs);
        self.skipped.extend(other.skipped);
        self.inputs.extend(other.inputs);
        self.bad_dates.extend(other.bad_dates);
        self.impossible_dates.extend(other.impossible_dates);
        self.failed.extend(other.failed);
        self.warnings.extend(other.warnings);
        self.tallies.extend(other.tallies);
        self
    }

    /// The read stage's result: the documents sorted by name (the walk's `skipped` added to
    /// those of reading). Fails when a document failed part way, or none could be read from
    /// `input`.
    pub(super) fn into_read(mut self, walk_skipped: Vec<Skipped>, input: &Path) -> Result<Read> {
        if let Some(first) = self.failed.iter().min() {
            anyhow::bail!("cannot finish reading {first}");
        }
        let mut docs = self.take_docs();
        in_name_order(&mut docs);
        let mut skipped = self.skipped;
        skipped.extend(walk_skipped);
        skipped.sort_by(|x, y| x.path.cmp(&y.path));
        self.bad_dates.sort();
        self.impossible_dates.sort();
        if docs.is_empty() {
            return Err(no_documents(input, &skipped).into());
        }
        let total_bytes = docs
            .iter()
            .filter(|d| d.from_file)
            .map(|d| d.bytes)
            .chain(self.inputs.iter().map(|f| f.bytes))
            .sum();
        Ok(Read {
            docs,
            tallies: self.tallies,
            skipped,
            bad_dates: self.bad_dates,
            impossible_dates: self.impossible_dates,
            table_warnings: self.warnings,
            inputs: self.inputs,
            total_bytes,
            metadata: Default::default(),
        })
    }
}

/// Sorts document records by name, as people order names ([`natural_cmp`]). Unstable (no
/// scratch copy of the records), and still one order whatever the threads: records that tie
/// on all of these would write the same row.
pub(crate) fn in_name_order(docs: &mut [DocRecord]) {
    docs.par_sort_unstable_by(|x, y| {
        natural_cmp(&x.name, &y.name)
            .then_with(|| x.name.cmp(&y.name))
            .then_with(|| x.sha256.cmp(&y.sha256))
            .then_with(|| x.date.cmp(&y.date))
            .then_with(|| x.title.cmp(&y.title))
    });
}

/// The error of a pass that read no document.
fn no_documents(input: &Path, skipped: &[Skipped]) -> InputError {
    InputError::NoDocuments {
        path: input.to_path_buf(),
        detail: match skipped.first() {
            None => "no documents were found (themeshift reads .txt, .md, .html, .csv, .tsv, \
                     .jsonl and .parquet files)"
                .to_string(),
            Some(first) => format!(
                "{} file(s) were skipped (first: {}: {})",
                skipped.len(),
                first.path,
                first.reason
            ),
        },
    }
}

/// Lends the calling thread's [`Fold`] to a function (see `Reader::per_thread`).
pub(super) type Lend<'a> = dyn Fn(&mut dyn FnMut(&mut Fold)) + Sync + 'a;

/// One worker's share of the parallel phase: its counter and what it gathered.
pub(super) struct Fold<'a> {
    pub(super) counter: Counter<'a>,
    pub(super) gathered: Gathered,
}

impl<'a> Fold<'a> {
    pub(super) fn new(counter: Counter<'a>) -> Fold<'a> {
        Fold {
            counter,
            gathered: Gathered::default(),
        }
    }

    pub(super) fn finish(self) -> Gathered {
        Gathered {
            tallies: vec![self.counter.finish()],
            ..self.gathered
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The natural order as first written: each name cut into a list of runs, compared as
    /// lists.
    fn natural_by_lists(a: &str, b: &str) -> std::cmp::Ordering {
        fn key(s: &str) -> Vec<(u8, u128, &str)> {
            let mut parts = Vec::new();
            let mut rest = s;
            while !rest.is_empty() {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                let len = if digits > 0 {
                    digits
                } else {
                    rest.bytes().take_while(|b| !b.is_ascii_digit()).count()
                };
                let (part, tail) = rest.split_at(len);
                parts.push(if digits > 0 {
                    (0, part.parse().unwrap_or(u128::MAX), "")
                } else {
                    (1, 0, part)
                });
                rest = tail;
            }
            parts
        }
        key(a).cmp(&key(b)).then_with(|| a.cmp(b))
    }

    proptest::proptest! {
        #[test]
        fn natural_order_equals_the_order_of_run_lists(
            a in "[a0-9/.#]{0,12}",
            b in "[a0-9/.#]{0,12}",
            long in "[0-9]{39,45}",
        ) {
            proptest::prop_assert_eq!(natural_cmp(&a, &b), natural_by_lists(&a, &b));
            let (c, d) = (format!("x{long}"), format!("x{long}1"));
            proptest::prop_assert_eq!(natural_cmp(&c, &d), natural_by_lists(&c, &d));
        }
    }

    #[test]
    fn natural_order_of_names() {
        let mut v = vec![
            "t.csv#row10",
            "t.csv#row2",
            "a/doc10.txt",
            "a/doc9.txt",
            "b.txt",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "a/doc9.txt",
                "a/doc10.txt",
                "b.txt",
                "t.csv#row2",
                "t.csv#row10"
            ]
        );
    }
}
