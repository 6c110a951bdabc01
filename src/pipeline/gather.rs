//! Gather.

use crate::count::{Counter, Tally};
use crate::ingest::walk::Skipped;
use crate::measure::documents::DocRecord;
use crate::report::manifest::InputFile;

/// Document records gathered in chunks of this many: no doubling of one long vector (at a
/// million documents, a few hundred megabytes at the moment it grows), and the chunks join
/// into one vector of exactly the right size at the end.
pub(crate) const DOC_CHUNK: usize = 4096;

/// What the parallel phase gathers: merged with [`Gathered::merge`], in any grouping.
#[derive(Default)]
pub(crate) struct Gathered {
    /// Documents read, in chunks of [`DOC_CHUNK`], in no particular order until sorted.
    pub(crate) docs: Vec<Vec<DocRecord>>,
    pub(crate) skipped: Vec<Skipped>,
    /// What each worker's counter found, resolved into counts once all are in.
    pub(crate) tallies: Vec<Tally>,
    /// Table files read, for run.json.
    pub(crate) inputs: Vec<InputFile>,
    /// Table rows whose date cell could not be read: (document, cell).
    pub(crate) bad_dates: Vec<(String, String)>,
    /// Files that failed after part of them was counted: the run cannot go on.
    pub(crate) failed: Vec<String>,
    /// What reading found wrong with table files as a whole (quotes left open).
    pub(crate) warnings: Vec<String>,
}

impl Gathered {
    pub(crate) fn push(&mut self, doc: DocRecord) {
        match self.docs.last_mut() {
            Some(chunk) if chunk.len() < DOC_CHUNK => chunk.push(doc),
            _ => {
                let mut chunk = Vec::with_capacity(DOC_CHUNK);
                chunk.push(doc);
                self.docs.push(chunk);
            }
        }
    }

    /// The documents in one vector, each chunk freed as soon as it is moved.
    pub(crate) fn take_docs(&mut self) -> Vec<DocRecord> {
        let chunks = std::mem::take(&mut self.docs);
        let mut docs = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for chunk in chunks {
            docs.extend(chunk);
        }
        docs
    }

    pub(crate) fn merge(mut self, other: Gathered) -> Gathered {
        self.docs.extend(other.docs);
        self.skipped.extend(other.skipped);
        self.inputs.extend(other.inputs);
        self.bad_dates.extend(other.bad_dates);
        self.failed.extend(other.failed);
        self.warnings.extend(other.warnings);
        self.tallies.extend(other.tallies);
        self
    }
}

/// Lends the calling thread's [`Fold`] to a function (see `per_thread` in [`read_corpus`]).
pub(crate) type Lend<'a> = dyn Fn(&mut dyn FnMut(&mut Fold)) + 'a;

/// One worker's share of the parallel phase: its counter and what it gathered.
pub(crate) struct Fold<'a> {
    pub(crate) counter: Counter<'a>,
    pub(crate) gathered: Gathered,
}

impl Fold<'_> {
    pub(crate) fn finish(self) -> Gathered {
        Gathered {
            tallies: vec![self.counter.finish()],
            ..self.gathered
        }
    }
}
