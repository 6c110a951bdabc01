//! Reading a part of a corpus for an engine that counts it on several machines: a few of
//! its files, each at its given place in reading order, read and counted as the read stage
//! reads and counts them, into a [`ReadPart`] (the records and what was skipped or odd, sent
//! back as bytes) and the part's tallies. The driver joins the parts into the [`Read`] that
//! reading on one machine gives.

use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::DocRecord;
use crate::corpus::InputFile;
use crate::count::{CountOptions, Counter, Tally};
use crate::error::InputError;
use crate::ingest::metadata::Metadata;
use crate::ingest::table::TableFormat;
use crate::ingest::walk::{Skipped, SourceFile};
use crate::lexicon::Matcher;
use crate::tokenise::Tokeniser;

use super::gather::Gathered;
use super::{Copies, Read, ReadOptions, Reader};

/// What reading a part of a corpus gave, beside its counts.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ReadPart {
    docs: Vec<DocRecord>,
    skipped: Vec<Skipped>,
    /// Table files read, and what was found wrong with them as a whole, by the place of
    /// their first row (so that they are listed in reading order however parts were split).
    inputs: Vec<(u64, InputFile)>,
    warnings: Vec<(u64, String)>,
    bad_dates: Vec<(String, String)>,
    impossible_dates: Vec<(String, String)>,
    failed: Vec<String>,
    /// A table that could not be read when the input is that one table: (path, reason).
    unreadable: Vec<(String, String)>,
}

impl ReadPart {
    /// Both parts: associative, and commutative up to the order of lists that
    /// [`ReadPart::into_read`] sorts.
    pub(crate) fn merge(mut self, other: ReadPart) -> ReadPart {
        self.docs.extend(other.docs);
        self.skipped.extend(other.skipped);
        self.inputs.extend(other.inputs);
        self.bad_dates.extend(other.bad_dates);
        self.impossible_dates.extend(other.impossible_dates);
        self.failed.extend(other.failed);
        self.warnings.extend(other.warnings);
        self.unreadable.extend(other.unreadable);
        self
    }

    /// The documents read, with their places, periods and texts' hashes: what the look for
    /// copies needs.
    pub(crate) fn docs(&self) -> &[DocRecord] {
        &self.docs
    }

    /// The read stage's result from every part of a corpus, as [`super::read_and_count`]
    /// gives it (its tallies aside: the parts' counts come back counted): the documents in
    /// name order, the walk's `skipped` with those of reading. Fails as reading on one
    /// machine fails.
    pub(crate) fn into_read(
        mut self,
        walk_skipped: Vec<Skipped>,
        input: &Path,
        metadata: Metadata,
    ) -> Result<Read> {
        if let Some((path, message)) = self.unreadable.iter().min() {
            return Err(InputError::Table {
                path: path.into(),
                message: message.clone(),
            }
            .into());
        }
        // Table files in reading order, as on one machine.
        self.inputs.sort_by_key(|(place, _)| *place);
        self.warnings.sort_by_key(|(place, _)| *place);
        let mut gathered = Gathered::default();
        gathered.skipped = self.skipped;
        gathered.inputs = self.inputs.into_iter().map(|(_, f)| f).collect();
        gathered.bad_dates = self.bad_dates;
        gathered.impossible_dates = self.impossible_dates;
        gathered.failed = self.failed;
        gathered.warnings = self.warnings.into_iter().map(|(_, w)| w).collect();
        for doc in self.docs {
            gathered.push(doc);
        }
        let mut read = gathered.into_read(walk_skipped, input)?;
        read.metadata = metadata;
        Ok(read)
    }
}

/// Reads `files` (each with the place of its first document in the corpus's reading order)
/// on the current thread pool, counting the documents `copies` says are counted: what one
/// machine of a cluster does with its share of a corpus. Finding no document is no error
/// here (another part may hold them).
pub(crate) fn read_part(
    files: &[(SourceFile, u64)],
    copies: Copies,
    metadata: &Metadata,
    setup: (&Tokeniser, &Matcher),
    options: &ReadOptions,
    count: CountOptions,
) -> (ReadPart, Vec<Tally>) {
    let (tokeniser, matcher) = setup;
    let progress = crate::report::progress::Progress::new(|| 0, true);
    let reader = Reader {
        options,
        metadata,
        seen: Default::default(),
        progress: &progress,
        watch: None,
        only: None,
        copies,
        new_counter: &|| Counter::new(tokeniser, matcher, count),
    };
    let (tables, texts): (Vec<_>, Vec<_>) = files
        .iter()
        .partition(|(f, _)| TableFormat::of(&f.path).is_some());
    let mut gathered = reader.per_thread(&|fold| {
        texts
            .par_iter()
            .for_each(|(file, place)| fold(&mut |f| reader.text(f, file, *place)))
    });
    let (mut unreadable, mut inputs, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
    for (file, place) in tables {
        match reader.table(file, *place) {
            Ok((_, mut part)) => {
                inputs.extend(part.inputs.drain(..).map(|f| (*place, f)));
                warnings.extend(part.warnings.drain(..).map(|w| (*place, w)));
                gathered = gathered.merge(part);
            }
            Err(skipped) if options.input.is_file() => {
                unreadable.push((file.path.display().to_string(), skipped.reason))
            }
            Err(skipped) => gathered.skipped.push(skipped),
        }
    }
    let tallies = gathered.take_tallies();
    let part = ReadPart {
        docs: gathered.docs.into_iter().flatten().collect(),
        skipped: gathered.skipped,
        inputs,
        warnings,
        bad_dates: gathered.bad_dates,
        impossible_dates: gathered.impossible_dates,
        failed: gathered.failed,
        unreadable,
    };
    (part, tallies)
}
