//! Read and count: every document found is read and counted in parallel, each worker thread
//! with one [`Counter`] for the whole run. Text files are read side by side; tables are
//! streamed a batch of rows at a time (`tables.rs`). What the workers gather (`gather.rs`)
//! comes together at the end as [`Read`]: the documents' records in name order and the
//! counters' tallies, which the resolve stage turns into counts. Copies of a text in a period
//! are counted once (`copies.rs`).

mod gather;
#[cfg(any(feature = "cluster", test))]
mod part;
mod tables;

use std::cell::RefCell;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use thread_local::ThreadLocal;

use crate::corpus::DocRecord;
use crate::corpus::InputFile;
use crate::count::{Counter, Tally, Watch};
use crate::error::InputError;
use crate::ingest::date::{DateOrder, DateReading};
use crate::ingest::table::{Columns, TableFormat};
use crate::ingest::walk::{Skipped, SourceFile};
use crate::ingest::{self, Document};
use crate::lexicon::Matcher;
use crate::period::Periods;
use crate::tokenise::Tokeniser;

use crate::corpus::Seen;
#[cfg(test)]
pub(crate) use gather::in_name_order;
use gather::{Fold, Gathered};
#[cfg(any(feature = "cluster", test))]
pub(crate) use part::{read_part, ReadPart};

use super::discover::Found;

/// How documents are read and given their periods.
pub(crate) struct ReadOptions<'a> {
    pub(crate) period: &'a Periods,
    pub(crate) date_order: DateOrder,
    /// `--encoding`: decode every file this way.
    pub(crate) encoding: Option<&'static encoding_rs::Encoding>,
    pub(crate) columns: &'a Columns,
    /// Count undated documents too, under the period `undated` (`kwic` searches every
    /// document).
    pub(crate) search_undated: bool,
    /// The input folder or file (named when nothing could be read).
    pub(crate) input: &'a Path,
}

/// What reading a corpus gives: its documents (in name order), their counts, and what was
/// skipped or odd on the way.
pub(crate) struct Read {
    pub(crate) docs: Vec<DocRecord>,
    pub(crate) tallies: Vec<Tally>,
    pub(crate) skipped: Vec<Skipped>,
    /// Table rows whose date cell could not be read: (document, cell).
    pub(crate) bad_dates: Vec<(String, String)>,
    /// Documents whose header held a date that is no real day: (document, text).
    pub(crate) impossible_dates: Vec<(String, String)>,
    /// What reading found wrong with table files as a whole, in file order.
    pub(crate) table_warnings: Vec<String>,
    /// Table files read (text files are listed from `docs`).
    pub(crate) inputs: Vec<InputFile>,
    /// Bytes of the files read: text files whole, table files as streamed.
    pub(crate) total_bytes: u64,
    /// metadata.csv's rows, by file.
    pub(crate) metadata: ingest::metadata::Metadata,
}

/// The documents a pass reads and counts, when not all: the report's pass wants a few, by
/// name.
pub(crate) type Only = FxHashSet<String>;

/// Reads and counts every document `found` in parallel. Fails when no document could be read.
///
/// With a `watch` (the report's concordance pass), documents are read in batches in reading
/// order (text files in the order found, then each table's rows), each document's concordance
/// lines keyed by its place in that order, and reading stops after the first batch that
/// leaves the watch done. With `only`, other documents are not counted.
pub(crate) fn read_and_count(
    found: Found,
    tokeniser: &Tokeniser,
    matcher: &Matcher,
    options: &ReadOptions,
    watch: Option<&Arc<Watch>>,
    only: Option<&Only>,
) -> Result<Read> {
    let Found {
        files,
        skipped: walk_skipped,
        metadata,
        count,
        progress,
        ..
    } = found;
    let reader = Reader {
        options,
        metadata: &metadata,
        seen: Mutex::default(),
        progress: &progress,
        watch,
        only,
        copies: Copies::FirstReached,
        new_counter: &|| {
            let mut counter = Counter::new(tokeniser, matcher, count);
            if let Some(watch) = watch {
                counter.watch(watch.clone());
            }
            counter
        },
    };
    let (tables, texts): (Vec<&SourceFile>, Vec<&SourceFile>) = files
        .iter()
        .partition(|f| TableFormat::of(&f.path).is_some());
    // The report's pass reads only the text files it needs.
    let texts: Vec<&SourceFile> = match only {
        Some(only) => texts
            .into_iter()
            .filter(|f| only.contains(&f.name))
            .collect(),
        None => texts,
    };
    let mut gathered = reader.texts(&texts);
    let mut place = texts.len() as u64;
    for file in tables {
        if reader.done() {
            break;
        }
        match reader.table(file, place) {
            Ok((rows, part)) => {
                place += rows;
                gathered = gathered.merge(part);
            }
            // The input is this one table: it cannot be skipped.
            Err(skipped) if options.input.is_file() => {
                return Err(InputError::Table {
                    path: file.path.clone(),
                    message: skipped.reason,
                }
                .into())
            }
            Err(skipped) => gathered.skipped.push(skipped),
        }
    }
    progress.finish();
    // What only the reading needed goes before the records are joined into one vector.
    drop(reader);
    drop(files);
    super::clock::give_back_memory();
    let mut read = gathered.into_read(walk_skipped, options.input)?;
    read.metadata = metadata;
    Ok(read)
}

/// The shared state of the workers of one pass.
struct Reader<'a> {
    options: &'a ReadOptions<'a>,
    metadata: &'a ingest::metadata::Metadata,
    /// The same text in the same period is counted once, whichever copy comes first: the
    /// counts are the same either way, and documents.csv names the copies afterwards.
    seen: Mutex<Seen>,
    progress: &'a crate::report::progress::Progress,
    watch: Option<&'a Arc<Watch>>,
    only: Option<&'a Only>,
    /// Which copy of a text is counted.
    copies: Copies<'a>,
    new_counter: &'a (dyn Fn() -> Counter<'a> + Sync),
}

/// Which copy of a text in a period is counted.
#[derive(Clone, Copy)]
#[cfg_attr(not(any(feature = "cluster", test)), allow(dead_code))]
pub(crate) enum Copies<'a> {
    /// The first that a thread reaches ([`crate::corpus::Canonical`] then stands it at the first copy's place
    /// in reading order).
    FirstReached,
    /// Every document but those at these places: the copies found beforehand by an engine
    /// that reads a corpus in parts, which cannot see the other parts' texts.
    AllBut(&'a FxHashSet<u64>),
    /// None: documents are read and recorded, their words not even split (the look for
    /// copies that comes before counting in parts).
    None,
}

/// Text files read between two looks at the report pass's [`Watch`].
const WATCH_BATCH: usize = 1024;

impl Reader<'_> {
    /// The report's pass has every line it wants.
    fn done(&self) -> bool {
        self.watch.is_some_and(|w| w.done())
    }

    /// Runs `work`, a parallel loop, handing it a function that lends out the calling
    /// thread's [`Fold`]: one counter per worker thread for the whole loop (a rayon `fold`
    /// would start a new one for every split of the work, each re-learning the vocabulary).
    fn per_thread(&self, work: &dyn Fn(&gather::Lend)) -> Gathered {
        let folds: ThreadLocal<RefCell<Fold>> = ThreadLocal::new();
        work(&|with: &mut dyn FnMut(&mut Fold)| {
            let fold = folds.get_or(|| RefCell::new(Fold::new((self.new_counter)())));
            with(&mut fold.borrow_mut())
        });
        folds
            .into_iter()
            .map(|f| f.into_inner().finish())
            .fold(Gathered::default(), Gathered::merge)
    }

    /// Reads and counts the text files, side by side (in batches in reading order when the
    /// report's pass is watching, so that it can stop early).
    fn texts(&self, texts: &[&SourceFile]) -> Gathered {
        self.per_thread(&|fold| {
            let batch = if self.watch.is_some() {
                WATCH_BATCH
            } else {
                texts.len().max(1)
            };
            for (b, files) in texts.chunks(batch).enumerate() {
                files.par_iter().enumerate().for_each(|(i, file)| {
                    fold(&mut |f| self.text(f, file, (b * batch + i) as u64))
                });
                if self.done() {
                    break;
                }
            }
        })
    }

    /// Reads one text file and counts it, or notes why it was skipped.
    fn text(&self, fold: &mut Fold, file: &SourceFile, place: u64) {
        let options = self.options;
        match ingest::read_document(file, self.metadata, options.date_order, options.encoding) {
            Ok(doc) => self.count(fold, doc, true, place),
            Err(skipped) => fold.gathered.skipped.push(skipped),
        }
    }

    /// Counts one document on this thread's counter; its text is dropped here, so memory
    /// follows the vocabulary. `from_file`: the document is a whole file (listed in
    /// run.json's inputs), not a table row. `place`: its place in reading order.
    fn count(&self, fold: &mut Fold, mut doc: Document, from_file: bool, place: u64) {
        let undated = self.options.search_undated && doc.info.date.is_none();
        let period = doc
            .info
            .date
            .and_then(|d| match doc.info.reading {
                // Only the year known: in no month.
                DateReading::YearOnly => self.options.period.label_of_year(d),
                _ => self.options.period.label(d),
            })
            .or_else(|| undated.then(|| "undated".to_string()));
        let (period, first) = self
            .seen
            .lock()
            .expect("no panics while holding the lock")
            .first(doc.info.sha256, period);
        let first = match self.copies {
            Copies::FirstReached => first,
            Copies::AllBut(copies) => !copies.contains(&place),
            Copies::None => {
                let record = DocRecord::new(
                    doc.info,
                    period,
                    Default::default(),
                    from_file,
                    place,
                    false,
                );
                fold.gathered.push(record);
                return;
            }
        };
        let counted = if first { period.as_deref() } else { None };
        if self.only.is_some_and(|only| !only.contains(&doc.info.name)) {
            // The report's pass: other documents (rows of a table) are not counted.
            self.progress.advance(doc.info.bytes);
            return;
        }
        if self.watch.is_some() {
            fold.counter.set_order(place);
        }
        if let Some(text) = doc.info.impossible_date.take() {
            let name = doc.info.name.clone();
            fold.gathered.impossible_dates.push((name, text));
        }
        let seed = u64::from_le_bytes(doc.info.sha256[..8].try_into().expect("8 bytes"));
        fold.counter.set_document(place, seed);
        let mut size = fold.counter.add(&doc.info.name, counted, &doc.text);
        drop(doc.text);
        if let Some(mut parts) = doc.rest {
            loop {
                match parts.next_part() {
                    Ok(Some(part)) => {
                        let more = fold.counter.add_more(&doc.info.name, counted, &part);
                        size.tokens += more.tokens;
                        size.types += more.types;
                    }
                    Ok(None) => break,
                    // Part of the document is counted already: the run cannot go on.
                    Err(e) => {
                        let name = &doc.info.name;
                        fold.gathered
                            .failed
                            .push(format!("{name}: stopped reading: {e}"));
                        break;
                    }
                }
            }
            doc.info.replaced_chars = parts.replaced;
        }
        self.progress.advance(doc.info.bytes);
        let was_counted = counted.is_some();
        fold.gathered.push(DocRecord::new(
            doc.info,
            period,
            size,
            from_file,
            place,
            was_counted,
        ));
    }
}
