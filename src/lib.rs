//! themeshift: how the language of a field moves over time.
//!
//! One pipeline, one direction: [`ingest`] (files -> documents) -> [`tokenise`] (text ->
//! words) -> [`count`] (words -> mergeable counts, in parallel) -> [`measure`] (counts ->
//! DataFrames) -> [`report`] (DataFrames -> CSV, PNG, JSON, terminal). [`run`] drives it.

pub mod cli;
pub mod config;
pub mod count;
pub mod error;
pub mod ingest;
pub mod lexicon;
pub mod measure;
pub mod period;
pub mod report;
pub mod tokenise;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::Datelike;
use std::time::Instant;

use thread_local::ThreadLocal;

use anyhow::{Context, Result};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use config::Config;
use count::{Counter, Tally};
use error::InputError;
use ingest::table::{self, TableFormat};
use ingest::walk::{self, Skipped, SourceFile};
use lexicon::{Lexicon, Matcher};
use measure::documents::DocRecord;
use measure::Tables;
use report::manifest::{self, InputFile, Manifest};
use report::output::Staging;
use report::summary::Summary;
use tokenise::{Stemmer, Stopwords, Tokeniser};

/// Runs `analyse` with `config` on its own thread pool of `config.threads` workers.
///
/// Returns the summary when the outputs were written. When there are fewer than two dated
/// periods, the frequency tables are still written and `summary.no_comparison` says why.
pub fn run(config: &Config) -> Result<Summary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("cannot start worker threads")?;
    pool.install(|| analyse(config))
}

/// How much of a table corpus is read and counted at a time: enough to keep both cores
/// busy, little enough that the batch's text stays small (a few megabytes).
const TABLE_BATCH: table::BatchSize = table::BatchSize {
    rows: 4096,
    bytes: 2 << 20,
};
/// Text files read between two looks at the report pass's [`count::Watch`].
const WATCH_BATCH: usize = 1024;

/// Copies of one text in one period: the first in reading order stands for them all (the
/// others get `duplicate_of` it). Threads race, so the copy counted may be a later one; its
/// place and name are then mapped to the first copy's, so that the first documents of each
/// term and the concordance lines are those a single thread would give.
struct Canonical {
    /// Place of the copy counted -> place of the first copy, where they differ.
    places: FxHashMap<u64, u64>,
    /// Name of the copy counted -> name of the first copy, where they differ.
    names: FxHashMap<Box<str>, Box<str>>,
}

impl Canonical {
    /// Marks the copies in `docs` and maps the counted ones.
    fn of(docs: &mut [DocRecord]) -> Canonical {
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
    fn rename(&self, lines: &mut [count::KwicLine]) {
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
struct Seen {
    labels: FxHashMap<String, (u32, Arc<str>)>,
    texts: rustc_hash::FxHashSet<([u8; 32], u32)>,
}

impl Seen {
    /// The shared label of `period`, and whether this is the first document with this text
    /// in it.
    fn first(&mut self, sha256: [u8; 32], period: Option<String>) -> (Option<Arc<str>>, bool) {
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
    fn forget<'d>(&mut self, docs: impl Iterator<Item = &'d DocRecord>) {
        for doc in docs.filter(|d| d.counted) {
            if let Some((id, _)) = doc.period.as_deref().and_then(|p| self.labels.get(p)) {
                self.texts.remove(&(doc.sha256, *id));
            }
        }
    }
}

/// Document records gathered in chunks of this many: no doubling of one long vector (at a
/// million documents, a few hundred megabytes at the moment it grows), and the chunks join
/// into one vector of exactly the right size at the end.
const DOC_CHUNK: usize = 4096;

/// What the parallel phase gathers: merged with [`Gathered::merge`], in any grouping.
#[derive(Default)]
struct Gathered {
    /// Documents read, in chunks of [`DOC_CHUNK`], in no particular order until sorted.
    docs: Vec<Vec<DocRecord>>,
    skipped: Vec<Skipped>,
    /// What each worker's counter found, resolved into counts once all are in.
    tallies: Vec<Tally>,
    /// Table files read, for run.json.
    inputs: Vec<InputFile>,
    /// Table rows whose date cell could not be read: (document, cell).
    bad_dates: Vec<(String, String)>,
    /// Documents whose header held a date that is no real day: (document, text).
    impossible_dates: Vec<(String, String)>,
    /// Files that failed after part of them was counted: the run cannot go on.
    failed: Vec<String>,
    /// What reading found wrong with table files as a whole (quotes left open).
    warnings: Vec<String>,
}

impl Gathered {
    fn push(&mut self, doc: DocRecord) {
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
    fn take_docs(&mut self) -> Vec<DocRecord> {
        let chunks = std::mem::take(&mut self.docs);
        let mut docs = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for chunk in chunks {
            docs.extend(chunk);
        }
        docs
    }

    fn merge(mut self, other: Gathered) -> Gathered {
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
}

/// Lends the calling thread's [`Fold`] to a function (see `per_thread` in [`read_corpus`]).
type Lend<'a> = dyn Fn(&mut dyn FnMut(&mut Fold)) + 'a;

/// One worker's share of the parallel phase: its counter and what it gathered.
struct Fold<'a> {
    counter: Counter<'a>,
    gathered: Gathered,
}

impl Fold<'_> {
    fn finish(self) -> Gathered {
        Gathered {
            tallies: vec![self.counter.finish()],
            ..self.gathered
        }
    }
}

/// Stage timings, in run order, and the peak memory (resident set) at the end of each.
struct Stopwatch(Instant, Vec<(&'static str, f64)>, Vec<(&'static str, f64)>);

impl Stopwatch {
    fn new() -> Stopwatch {
        Stopwatch(Instant::now(), Vec::new(), Vec::new())
    }

    fn lap(&mut self, stage: &'static str) {
        give_back_memory();
        let now = Instant::now();
        self.1.push((stage, (now - self.0).as_secs_f64()));
        self.0 = now;
        if let Some(peak) = peak_memory_mb() {
            self.2.push((stage, peak));
        }
    }
}

/// How a thread hands the memory it has freed back to the system, where the allocator keeps
/// it for the thread's reuse: set by the binary, which chooses the allocator.
static GIVE_BACK: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets [`GIVE_BACK`]: `f` runs on every worker thread at the end of each stage.
pub fn set_give_back(f: fn()) {
    let _ = GIVE_BACK.set(f);
}

/// Every worker of the pool hands its freed memory back (see [`set_give_back`]).
fn give_back_memory() {
    if let Some(f) = GIVE_BACK.get() {
        rayon::broadcast(|_| f());
        polars_core::runtime::THREAD_POOL.broadcast(|_| f());
    }
}

/// The process's peak resident memory so far, in MB (Linux: `VmHWM` of /proc/self/status;
/// `None` elsewhere).
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

/// What reading a corpus gives: its documents (in name order), their counts, and what was
/// skipped or odd on the way.
struct Corpus {
    docs: Vec<DocRecord>,
    tallies: Vec<Tally>,
    skipped: Vec<Skipped>,
    /// Table rows whose date cell could not be read: (document, cell).
    bad_dates: Vec<(String, String)>,
    /// What reading found wrong with table files as a whole, in file order.
    table_warnings: Vec<String>,
    /// Documents whose header held a date that is no real day: (document, text).
    impossible_dates: Vec<(String, String)>,
    /// Table files read (text files are listed from `docs`).
    inputs: Vec<InputFile>,
    total_bytes: u64,
    metadata: ingest::metadata::Metadata,
    /// Why phrases were not counted, when they were not by default.
    phrases_note: Option<String>,
    /// The longest phrase counted (1: words only).
    longest_phrase: usize,
}

/// Finds, reads and counts every document of `config.input` in parallel: the stage both
/// commands share. Fails when no document could be read.
///
/// With a `watch` (the report's concordance pass), documents are read in batches in reading
/// order (text files in the order found, then each table's rows), each document's concordance
/// lines keyed by its place in that order, and reading stops after the first batch that
/// leaves the watch [`done`](count::Watch::done).
fn read_corpus(
    config: &Config,
    tokeniser: &Tokeniser,
    matcher: &Matcher,
    clock: &mut Stopwatch,
    watch: Option<&Arc<count::Watch>>,
) -> Result<Corpus> {
    let metadata_path = config.input.join("metadata.csv");
    let metadata = ingest::metadata::load(&metadata_path, config.date_order)?;
    let found = match &config.only_files {
        Some(files) => walk::Discovery {
            files: files.to_vec(),
            skipped: Vec::new(),
        },
        None => walk::discover(config),
    };
    // The input's size, worked out (a look at every file) only when needed: for the progress
    // bar, and to decide whether phrases are counted by default (where looking stops once the
    // limit is passed). A Parquet file counts as its data uncompressed.
    let file_size = |f: &SourceFile| -> u64 {
        match TableFormat::of(&f.path) {
            Some(TableFormat::Parquet) => table::parquet_data_bytes(&f.path),
            _ => None,
        }
        .or_else(|| std::fs::metadata(&f.path).ok().map(|m| m.len()))
        .unwrap_or(0)
    };
    let input_size = || -> u64 { found.files.par_iter().map(file_size).sum() };
    let mut options = config.count;
    let mut phrases_note = None;
    if let Some(limit) = config.phrases_up_to.filter(|_| options.max_n > 1) {
        let seen = AtomicU64::new(0);
        let larger = found.files.par_iter().any(|f| {
            let n = file_size(f);
            seen.fetch_add(n, Ordering::Relaxed) + n > limit
        });
        if larger {
            options.max_n = 1;
            phrases_note = Some(format!(
                "phrases were not counted: the input holds more than {:.0} MB, up to which \
                 phrases are counted by default (each distinct phrase is kept in memory); pass \
                 --ngrams 1-2 to count them",
                limit as f64 / 1e6
            ));
        }
    }
    let progress = report::progress::Progress::new(input_size, config.quiet);
    clock.lap("discover");

    // One document, counted by this thread's counter; its text is dropped here, so memory
    // follows the vocabulary.
    // The same text in the same period is counted once, whichever copy comes first: the
    // counts are the same either way, and documents.csv names the copies afterwards.
    let seen: std::sync::Mutex<Seen> = Default::default();
    // `from_file`: the document is a whole file (listed in run.json's inputs), not a table row.
    // `place`: the document's place in reading order (used only with a watch).
    let count_one = |fold: &mut Fold, mut doc: ingest::Document, from_file: bool, place: u64| {
        let period = doc
            .info
            .date
            .and_then(|d| match doc.info.reading {
                // Only the year known: in no month.
                ingest::date::DateReading::YearOnly => config.period.label_of_year(d),
                _ => config.period.label(d),
            })
            .or_else(|| {
                (config.search_undated && doc.info.date.is_none()).then(|| "undated".to_string())
            });
        let (period, first) = seen
            .lock()
            .expect("no panics while holding the lock")
            .first(doc.info.sha256, period);
        let counted = if first { period.as_deref() } else { None };
        let was_counted = counted.is_some();
        if let Some(only) = &config.only_docs {
            // The report's second pass: other documents (rows of a table) are not counted.
            if !only.contains(&doc.info.name) {
                progress.advance(doc.info.bytes);
                return;
            }
        }
        if watch.is_some() {
            fold.counter.set_order(place);
        }
        if let Some(text) = doc.info.impossible_date.take() {
            fold.gathered
                .impossible_dates
                .push((doc.info.name.clone(), text));
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
                        fold.gathered
                            .failed
                            .push(format!("{}: stopped reading: {e}", doc.info.name));
                        break;
                    }
                }
            }
            doc.info.replaced_chars = parts.replaced;
        }
        progress.advance(doc.info.bytes);
        fold.gathered.push(DocRecord::new(
            doc.info,
            period,
            size,
            from_file,
            place,
            was_counted,
        ));
    };
    let read_and_count =
        |fold: &mut Fold, file: &SourceFile, place: usize| match ingest::read_document(
            file,
            &metadata,
            config.date_order,
            config.encoding,
        ) {
            Ok(doc) => count_one(fold, doc, true, place as u64),
            Err(skipped) => fold.gathered.skipped.push(skipped),
        };
    let new_fold = || {
        let mut counter = Counter::new(tokeniser, matcher, options);
        if let Some(watch) = watch {
            counter.watch(watch.clone());
        }
        Fold {
            counter,
            gathered: Gathered::default(),
        }
    };
    let done = || watch.is_some_and(|w| w.done());
    let (tables, texts): (Vec<&SourceFile>, Vec<&SourceFile>) = found
        .files
        .iter()
        .partition(|f| TableFormat::of(&f.path).is_some());
    // The report's second pass reads only the text files it needs.
    let texts: Vec<&SourceFile> = match &config.only_docs {
        Some(only) => texts
            .into_iter()
            .filter(|f| only.contains(&f.name))
            .collect(),
        None => texts,
    };
    // One counter per worker thread for the whole run (a rayon `fold` would start a new one
    // for every split of the work, each re-learning the vocabulary).
    // `work` runs the parallel loop; it is handed a function that lends out the calling
    // thread's counter.
    #[allow(clippy::type_complexity)]
    let per_thread = |work: &dyn Fn(&(dyn Fn(&mut dyn FnMut(&mut Fold)) + Sync))| -> Gathered {
        let folds: ThreadLocal<RefCell<Fold>> = ThreadLocal::new();
        work(&|with: &mut dyn FnMut(&mut Fold)| {
            with(&mut folds.get_or(|| RefCell::new(new_fold())).borrow_mut())
        });
        folds
            .into_iter()
            .map(|f| f.into_inner().finish())
            .fold(Gathered::default(), Gathered::merge)
    };
    let mut gathered = per_thread(&|fold| {
        // In batches only when watching: otherwise one parallel loop balances best.
        let batch = if watch.is_some() {
            WATCH_BATCH
        } else {
            texts.len().max(1)
        };
        for (b, files) in texts.chunks(batch).enumerate() {
            files
                .par_iter()
                .enumerate()
                .for_each(|(i, file)| fold(&mut |f| read_and_count(f, file, b * batch + i)));
            if done() {
                break;
            }
        }
    });
    let mut place = texts.len() as u64;
    // Tables are read as a stream, one batch of rows at a time, each batch counted in parallel.
    for file in tables {
        if done() {
            break;
        }
        let format = TableFormat::of(&file.path).expect("partitioned by format");
        // A whole batch, counted on the calling thread's counter.
        let count_batch = |fold: &Lend, batch: table::Batch| {
            let mut batch = Some(batch);
            fold(&mut |f| {
                let batch = batch.take().expect("called once");
                batch.each_row(file, &config.columns, |row| match row {
                    Ok(row) => {
                        let at = place + row.number as u64;
                        let (doc, bad_date) = table::to_document(file, row, config.date_order);
                        if let Some(cell) = bad_date {
                            f.gathered.bad_dates.push((doc.info.name.clone(), cell));
                        }
                        count_one(f, doc, false, at);
                    }
                    Err(skipped) => f.gathered.skipped.push(skipped),
                })
            })
        };
        let (read, mut part) = if format == TableFormat::JsonLines
            && watch.is_none()
            && rayon::current_num_threads() > 1
        {
            // Each worker takes the next block of lines under a lock (reading, hashing and
            // cutting it: a small part of the work) and counts it after letting go: as many
            // threads as asked for, and none waits on a reader.
            match table::LineBlocks::open(file, &config.columns, config.encoding, TABLE_BATCH.bytes)
            {
                Err(e) => (Err(e), Gathered::default()),
                Ok(blocks) => {
                    let blocks = std::sync::Mutex::new((blocks, None::<InputError>));
                    let part = per_thread(&|fold| {
                        rayon::broadcast(|_| loop {
                            let next = {
                                let mut guard = blocks.lock().expect("no panics while holding it");
                                let (reader, failed) = &mut *guard;
                                if failed.is_some() {
                                    break;
                                }
                                match reader.next_block() {
                                    Ok(next) => next,
                                    Err(e) => {
                                        *failed = Some(e);
                                        break;
                                    }
                                }
                            };
                            match next {
                                Some(batch) => count_batch(fold, batch),
                                None => break,
                            }
                        });
                    });
                    let (reader, failed) = blocks.into_inner().expect("no panics while holding it");
                    let read = match failed {
                        Some(e) => Err(e),
                        None => reader.finish(),
                    };
                    (read, part)
                }
            }
        } else if rayon::current_num_threads() == 1 {
            // One thread asked for: it reads each batch, then counts it.
            let read = std::sync::Mutex::new(None);
            let part = per_thread(&|fold| {
                let report = table::read_rows(
                    file,
                    format,
                    &config.columns,
                    config.encoding,
                    TABLE_BATCH,
                    |b| {
                        count_batch(fold, b);
                        !done()
                    },
                );
                *read.lock().expect("no panics while holding it") = Some(report);
            });
            let read = read.into_inner().expect("no panics while holding it");
            (read.expect("the table was read"), part)
        } else {
            // A reader thread streams batches of rows (at most two waiting) while the pool
            // parses and counts the batch before.
            std::thread::scope(|scope| {
                let (send, receive) = std::sync::mpsc::sync_channel(2);
                let reader = scope.spawn(move || {
                    table::read_rows(
                        file,
                        format,
                        &config.columns,
                        config.encoding,
                        TABLE_BATCH,
                        |rows| send.send(rows).is_ok(),
                    )
                });
                let receive = std::sync::Mutex::new(receive);
                let part = per_thread(&|fold| {
                    let next = || {
                        receive
                            .lock()
                            .expect("no panics while holding it")
                            .recv()
                            .ok()
                    };
                    if watch.is_some() {
                        // A batch at a time, in order, so that stopping leaves a prefix read.
                        while let Some(batch) = next() {
                            count_batch(fold, batch);
                            if done() {
                                break;
                            }
                        }
                    } else {
                        // Each worker takes a whole batch as it comes: no worker waits at the
                        // end of a batch for the other to finish its last rows.
                        std::iter::from_fn(next)
                            .par_bridge()
                            .for_each(|b| count_batch(fold, b));
                    }
                });
                // A reader waiting to send a batch nobody will take stops when this goes.
                drop(receive);
                (reader.join().expect("table reader thread"), part)
            })
        };
        match read {
            Ok(report) => {
                place += report.rows as u64;
                // Rows are counted as they are read; the file's encoding is known at its end.
                for doc in part.docs.iter_mut().flatten() {
                    doc.encoding = report.encoding;
                }
                part.warnings.extend(report.warnings);
                part.skipped.extend(report.skipped);
                part.inputs.push(InputFile {
                    path: file.name.clone(),
                    bytes: report.bytes,
                    sha256: report.sha256,
                });
                gathered = gathered.merge(part);
            }
            Err(e) => {
                let skipped = failed_table(file, e, part, &seen);
                if config.input.is_file() {
                    return Err(InputError::Table {
                        path: file.path.clone(),
                        message: skipped.reason,
                    }
                    .into());
                }
                gathered.skipped.push(skipped);
            }
        }
    }
    progress.finish();
    // What only the reading needed goes before the records are joined into one vector.
    drop(seen);
    let walk_skipped = found.skipped;
    drop(found.files);
    give_back_memory();
    if let Some(first) = gathered.failed.iter().min() {
        anyhow::bail!("cannot finish reading {first}");
    }
    // Unstable (no scratch copy of the records), and still one order whatever the threads:
    // records that tie on all of these would write the same row.
    let mut docs = gathered.take_docs();
    docs.par_sort_unstable_by(|x, y| {
        natural_cmp(&x.name, &y.name)
            .then_with(|| x.name.cmp(&y.name))
            .then_with(|| x.sha256.cmp(&y.sha256))
            .then_with(|| x.date.cmp(&y.date))
            .then_with(|| x.title.cmp(&y.title))
    });
    gathered.skipped.extend(walk_skipped);
    gathered.skipped.sort_by(|x, y| x.path.cmp(&y.path));
    gathered.bad_dates.sort();
    gathered.impossible_dates.sort();
    let bad_dates = std::mem::take(&mut gathered.bad_dates);
    let table_warnings = std::mem::take(&mut gathered.warnings);
    let impossible_dates = std::mem::take(&mut gathered.impossible_dates);
    let inputs = std::mem::take(&mut gathered.inputs);
    let (tallies, skipped) = (gathered.tallies, gathered.skipped);
    if docs.is_empty() {
        return Err(InputError::NoDocuments {
            path: config.input.clone(),
            detail: if skipped.is_empty() {
                "no documents were found (themeshift reads .txt, .md, .html, .csv, .tsv, .jsonl and .parquet files)".to_string()
            } else {
                format!(
                    "{} file(s) were skipped (first: {}: {})",
                    skipped.len(),
                    skipped[0].path,
                    skipped[0].reason
                )
            },
        }
        .into());
    }
    // The files read: text files whole, table files as streamed.
    let total_bytes = docs
        .iter()
        .filter(|d| d.from_file)
        .map(|d| d.bytes)
        .chain(inputs.iter().map(|f| f.bytes))
        .sum();
    Ok(Corpus {
        docs,
        tallies,
        skipped,
        bad_dates,
        table_warnings,
        impossible_dates,
        inputs,
        total_bytes,
        metadata,
        phrases_note,
        longest_phrase: options.max_n,
    })
}

/// A table that failed part way (`part` holds what its rows gave): its rows leave no trace.
/// Their counts go with `part`, and their texts leave the copies check, so that the same text
/// in another file is counted there. The file is skipped with the reason and the rows read.
fn failed_table(
    file: &SourceFile,
    e: InputError,
    part: Gathered,
    seen: &std::sync::Mutex<Seen>,
) -> Skipped {
    let read = part.docs.iter().map(Vec::len).sum::<usize>() + part.skipped.len();
    seen.lock()
        .expect("no panics while holding the lock")
        .forget(part.docs.iter().flatten());
    let reason = match e {
        InputError::Table { message, .. } => message,
        other => other.to_string(),
    };
    Skipped {
        path: file.name.clone(),
        reason: match read {
            0 => reason,
            n => format!("{reason}; the {n} row(s) read before that are left out, not counted"),
        },
    }
}

fn analyse(config: &Config) -> Result<Summary> {
    let mut clock = Stopwatch::new();
    // Before anything is read: whether the output folder may be replaced, and that it can be
    // written.
    let staging = Staging::claim(&config.output, &config.output_rules())?;
    let tokeniser = build_tokeniser(config)?;
    // Read once: it may be a pipe (`--themes <(...)`), and run.json records its hash.
    let lexicon_text = config.themes.as_deref().map(Lexicon::read).transpose()?;
    let lexicon = match (&config.themes, &lexicon_text) {
        (Some(path), Some(text)) => Some(Lexicon::parse(text, path, &tokeniser)?),
        _ => None,
    };
    let empty = Lexicon::default();
    let matcher = Matcher::new(lexicon.as_ref().unwrap_or(&empty));
    let Corpus {
        docs,
        tallies,
        skipped,
        bad_dates,
        table_warnings,
        impossible_dates,
        inputs,
        total_bytes,
        metadata,
        phrases_note,
        longest_phrase,
    } = read_corpus(config, &tokeniser, &matcher, &mut clock, None)?;
    clock.lap("read_and_count");
    let mut docs = docs;
    let canonical = Canonical::of(&mut docs);
    // The report's key terms are from the main comparison: their first documents there are
    // kept, for the concordance lines.
    let mut counts = count::resolve(
        tallies,
        config.min_count,
        |periods| {
            measure::main_comparison(periods, config.compare.as_ref())
                .filter(|_| config.report)
                .map_or_else(Vec::new, |c| vec![c.a, c.b])
        },
        &canonical.places,
    )
    .context("reading back the per-document log from its temporary file")?;
    canonical.rename(&mut counts.kwic);
    counts.kwic_sample(config.count.kwic_max);
    clock.lap("resolve");
    let mut warnings = table_warnings;
    let duplicates: Vec<String> = docs
        .iter()
        .filter_map(|d| {
            Some(format!(
                "{} (same text as {})",
                d.name, docs[d.duplicate_of? as usize].name
            ))
        })
        .collect();
    if !duplicates.is_empty() {
        warnings.push(format!(
            "{} duplicate document(s) counted once: {}",
            duplicates.len(),
            list(&duplicates)
        ));
    }
    let replaced: Vec<String> = docs
        .iter()
        .filter(|d| d.replaced_chars > 0)
        .map(|d| format!("{} ({})", d.name, d.replaced_chars))
        .collect();
    if !replaced.is_empty() {
        warnings.push(format!(
            "{} file(s) held bytes that are not valid text in the encoding detected, shown \
             as \u{FFFD} (count in brackets); check their encoding (--encoding): {}",
            replaced.len(),
            list(&replaced)
        ));
    }
    let today = chrono::Local::now().date_naive();
    let odd_dates: Vec<String> = docs
        .iter()
        .filter_map(|d| {
            let date = d.date?;
            (date > today).then(|| format!("{} ({})", d.name, d.date_text().unwrap_or_default()))
        })
        .collect();
    if !odd_dates.is_empty() {
        warnings.push(format!(
            "{} document(s) dated in the future; check their dates: {}",
            odd_dates.len(),
            list(&odd_dates)
        ));
    }
    let old_dates: Vec<String> = docs
        .iter()
        .filter_map(|d| {
            let date = d.date?;
            (date.year() < 1800)
                .then(|| format!("{} ({})", d.name, d.date_text().unwrap_or_default()))
        })
        .collect();
    if !old_dates.is_empty() {
        warnings.push(format!(
            "{} document(s) dated before 1800; check their dates: {}",
            old_dates.len(),
            list(&old_dates)
        ));
    }
    let outside: Vec<String> = docs
        .iter()
        .filter(|d| d.date.is_some() && d.period.is_none())
        // A year alone is in no month: warned about below.
        .filter(|d| {
            d.reading != ingest::date::DateReading::YearOnly || config.period.hold_years_alone()
        })
        .filter_map(|d| Some(format!("{} ({})", d.name, d.date_text()?)))
        .collect();
    if !outside.is_empty() {
        warnings.push(format!(
            "{} document(s) dated outside the periods chosen with --periods, so not counted: {}",
            outside.len(),
            list(&outside)
        ));
    }
    warnings.extend(date_warnings(&docs, &impossible_dates, &bad_dates, config));
    let names: rustc_hash::FxHashSet<&str> = if metadata.is_empty() {
        Default::default()
    } else {
        docs.iter().map(|d| &*d.name).collect()
    };
    let mut unknown: Vec<&String> = metadata
        .keys()
        .filter(|k| !names.contains(k.as_str()))
        .collect();
    unknown.sort();
    if !unknown.is_empty() {
        warnings.push(format!(
            "metadata.csv lists {} file(s) that were not read as documents: {}",
            unknown.len(),
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let undated: Vec<String> = docs
        .iter()
        .filter(|d| d.date.is_none())
        .map(|d| d.name.to_string())
        .collect();
    // Everything the summary warns about: skipped files, undated documents, the warnings.
    if config.strict && (!skipped.is_empty() || !warnings.is_empty() || !undated.is_empty()) {
        let mut problems: Vec<String> = skipped
            .iter()
            .map(|k| format!("{}: {}", k.path, k.reason))
            .collect();
        if !undated.is_empty() {
            problems.push(format!(
                "no date found for {} document(s): {}",
                undated.len(),
                list(&undated)
            ));
        }
        problems.extend(warnings.iter().cloned());
        return Err(InputError::Strict(format!(
            "{} problem(s): {}",
            problems.len(),
            list(&problems)
        ))
        .into());
    }
    let (comparisons, small_periods, no_comparison) =
        match measure::comparisons(&counts, config.compare.as_ref()) {
            Ok((c, small)) => (c, small, None),
            Err(InputError::NoComparison(reason)) => (Vec::new(), Default::default(), Some(reason)),
            Err(e) => return Err(e.into()),
        };
    let labels = measure::labels(&counts, &tokeniser);
    // Three jobs side by side: documents.csv; term_frequencies.csv, the longest table, which
    // is written as soon as it is made (the charts need only its first rows); the others.
    let (documents_written, (top_terms, tables)) = rayon::join(
        || {
            staging.write_with("documents.csv", |out| {
                measure::documents::write_documents(&docs, out)
            })
        },
        || {
            rayon::join(
                || -> Result<polars::prelude::DataFrame> {
                    // Made and written a block of rows at a time (the longest table).
                    let long = measure::frequency::LongTable::new(&counts);
                    staging
                        .write_with("term_frequencies.csv", |out| long.write_csv(&labels, out))?;
                    Ok(measure::with_n(
                        long.top_per_period(&labels, report::figures::TOP_TERMS)?,
                    )?)
                },
                || {
                    Tables::build(
                        &docs,
                        &counts,
                        &labels,
                        lexicon.as_ref(),
                        &comparisons,
                        config.min_count,
                    )
                    .context("building the tables")
                },
            )
        },
    );
    documents_written?;
    let mut tables = tables?;
    tables.top_terms = top_terms?;
    clock.lap("measure");

    let periods: Vec<String> = counts.periods.keys().cloned().collect();
    let main = comparisons.first();
    let charts =
        report::figures::render_all(&tables, &periods, main).context("drawing the charts")?;
    clock.lap("charts");

    // keyness.csv (every comparison) beside the other tables and the charts.
    let (keyness_written, others_written) = rayon::join(
        || -> Result<()> {
            if let Some((name, df)) = tables
                .csv_files()
                .into_iter()
                .find(|(n, _)| *n == "keyness.csv")
            {
                staging.write_with(name, |out| {
                    measure::write_keyness(
                        df,
                        &counts,
                        &labels,
                        &comparisons,
                        config.min_count,
                        out,
                    )
                })?;
            }
            Ok(())
        },
        || -> Result<()> {
            for (name, df) in tables.csv_files() {
                if name != "keyness.csv" {
                    staging.write_with(name, |out| report::csv::write_csv(df, out, true))?;
                }
            }
            for (name, png) in &charts {
                staging.write(&format!("charts/{name}"), png)?;
            }
            Ok(())
        },
    );
    keyness_written?;
    others_written?;
    clock.lap("write");
    let mut summary = Summary {
        documents: docs.len(),
        undated,
        skipped,
        warnings,
        periods: counts
            .periods
            .iter()
            .map(|(p, c)| (p.clone(), c.docs, c.tokens))
            .collect(),
        main: main.cloned(),
        comparisons: comparisons.clone(),
        small_periods,
        no_comparison,
        lexicon: config.themes.clone(),
        notes: phrases_note.iter().cloned().collect(),
        output: config.output.clone(),
        ..Summary::default()
    };
    if let (Some(cmp), Some(k)) = (main, &tables.keyness) {
        let (a, b) = report::figures::key_terms(k, cmp)?;
        let line = |t: report::charts::KeyTerm| (t.word, t.g2, t.log_ratio);
        summary.key_a = a.into_iter().map(line).collect();
        summary.key_b = b.into_iter().map(line).collect();
    }
    if let (Some(cmp), Some(shift)) = (main, &tables.theme_shift) {
        summary.theme_shift = report::summary::shift_lines(shift, cmp)?;
    }
    // What run.json needs of the counts and tables, so they can go before the report's pass.
    let period_lines: Vec<manifest::PeriodLine> = counts
        .periods
        .iter()
        .map(|(p, c)| manifest::PeriodLine {
            period: p.clone(),
            documents: c.docs,
            word_tokens: c.tokens,
        })
        .collect();
    let word_tokens: u64 = counts.periods.values().map(|c| c.tokens).sum();
    let distinct_terms = labels.len();
    let mut files: Vec<String> = std::iter::once("term_frequencies.csv")
        .chain(tables.csv_files().iter().map(|(n, _)| *n))
        .map(str::to_string)
        .collect();
    let key_rows = match (config.report, main, &tables.keyness) {
        (true, Some(cmp), Some(k)) => Some(report::html::key_rows(k, cmp)?),
        _ => None,
    };
    // The documents holding the key terms' first lines: their first documents in the period
    // each is key to.
    let key_docs: rustc_hash::FxHashSet<u64> = match (&key_rows, main) {
        (Some((key_b, key_a)), Some(cmp)) => {
            let firsts = |rows: &[report::html::KeyRow], period: &str| -> Vec<u64> {
                let Some(first) = counts.first_docs.get(period) else {
                    return Vec::new();
                };
                rows.iter()
                    .filter_map(|r| first.get(&r.term))
                    .flatten()
                    .copied()
                    .collect()
            };
            firsts(key_b, &cmp.b)
                .into_iter()
                .chain(firsts(key_a, &cmp.a))
                .collect()
        }
        _ => Default::default(),
    };
    let main = main.cloned();
    drop((tables, counts, labels));
    if config.report {
        let (mut key_b, mut key_a) = key_rows.unwrap_or_default();
        if let Some(cmp) = &main {
            key_term_lines(
                config, &docs, &inputs, &key_docs, &tokeniser, cmp, &mut key_b, &mut key_a,
            )?;
        }
        files.extend(charts.iter().map(|(n, _)| format!("charts/{n}")));
        files.push("run.json".to_string());
        let html = report::html::render(&report::html::Page {
            summary: &summary,
            input: &config.input.display().to_string(),
            key_b: &key_b,
            key_a: &key_a,
            charts: &charts,
            files: &files,
        })?;
        staging.write("report.html", html.as_bytes())?;
        clock.lap("report");
    }
    let document_bytes: u64 = docs.iter().map(|d| d.bytes).sum();
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        command_line: &config.command_line,
        settings: manifest::Settings {
            period: &config.period,
            compare: config.compare.as_ref(),
            min_count: config.min_count,
            language: &config.language,
            stemming: config.stemmer.is_some(),
            extra_stopwords: config.stopwords.as_ref().map(|p| p.display().to_string()),
            date_order: match config.date_order {
                ingest::date::DateOrder::DayFirst => "day_first",
                ingest::date::DateOrder::MonthFirst => "month_first",
            },
            significance_level: measure::ALPHA,
            longest_phrase,
            phrases_note: phrases_note.as_deref(),
        },
        lexicon: config
            .themes
            .as_ref()
            .zip(lexicon_text.as_ref())
            .map(|(p, text)| hash_bytes(&p.display().to_string(), text.as_bytes())),
        inputs: manifest::Inputs {
            tables: &inputs,
            documents: &docs,
        },
        skipped: &summary.skipped,
        counts: manifest::ManifestCounts {
            documents: docs.len(),
            dated_documents: docs.len() - summary.undated.len(),
            skipped_files: summary.skipped.len(),
            word_tokens,
            distinct_terms,
        },
        periods: period_lines,
        comparisons: &comparisons,
        small_periods: &summary.small_periods,
        no_comparison: summary.no_comparison.as_deref(),
        threads: config.threads,
        seconds: clock.1.clone(),
        peak_memory_mb: clock.2.clone(),
        speed: manifest::Speed::new(total_bytes, document_bytes, &clock.1),
    };
    staging.write_with("run.json", |out| manifest::write_json(&manifest, out))?;
    summary.files = staging.commit()?;
    summary.seconds = clock.1;
    summary.peak_memory_mb = clock.2.last().map(|p| p.1);
    summary.input_bytes = document_bytes;
    Ok(summary)
}

/// `themeshift kwic`: the concordance of `pattern` (in the lexicon's pattern language) in
/// every document, dated or not, on `config.threads` workers: the kwic.csv table, sorted by
/// period, document and position, and the number of documents searched.
pub fn concordance(config: &Config, pattern: &str) -> Result<(polars::prelude::DataFrame, usize)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("cannot start worker threads")?;
    pool.install(|| {
        let tokeniser = build_tokeniser(config)?;
        let lexicon = Lexicon::from_pattern(pattern, &tokeniser)?;
        let matcher = Matcher::new(&lexicon);
        let mut clock = Stopwatch::new();
        let mut corpus = read_corpus(config, &tokeniser, &matcher, &mut clock, None)?;
        let canonical = Canonical::of(&mut corpus.docs);
        let mut lines = count::kwic_lines(std::mem::take(&mut corpus.tallies), 0);
        canonical.rename(&mut lines);
        let mut lines = count::Counts {
            kwic: lines,
            ..Default::default()
        };
        lines.kwic_sample(config.count.kwic_max);
        let lines = lines.kwic;
        let table = measure::kwic::kwic_table(&lines, &corpus.docs, &lexicon)?;
        Ok((table, corpus.docs.len()))
    })
}

/// Concordance lines for the report's key terms: a second, lighter pass (words only, no
/// tables) over the documents at `places` in reading order (read from their files, or from
/// the `tables` files that hold them, without walking the input again), the first documents of each key
/// term in the period it is key to ([`count::Counts::first_docs`]), with each key term as a
/// pattern of its stems, keeping for each term the first three lines in reading order from
/// that period. A term's first three lines are in its first three documents, so this reads a
/// few dozen files however large the corpus (a table is read until those rows are past).
#[allow(clippy::too_many_arguments)]
fn key_term_lines(
    config: &Config,
    docs: &[DocRecord],
    tables: &[InputFile],
    places: &rustc_hash::FxHashSet<u64>,
    tokeniser: &Tokeniser,
    cmp: &measure::Comparison,
    key_b: &mut [report::html::KeyRow],
    key_a: &mut [report::html::KeyRow],
) -> Result<()> {
    use lexicon::{Element, Pattern, Theme};
    let rows: Vec<&report::html::KeyRow> = key_b.iter().chain(key_a.iter()).collect();
    if rows.is_empty() {
        return Ok(());
    }
    let lexicon = Lexicon {
        themes: rows
            .iter()
            .map(|r| Theme {
                name: r.term.clone(),
                description: String::new(),
                patterns: vec![Pattern {
                    text: r.word.clone(),
                    elements: r
                        .term
                        .split(' ')
                        .map(|s| Element::Stem(s.to_string()))
                        .collect(),
                }],
            })
            .collect(),
    };
    let matcher = Matcher::new(&lexicon);
    let wanted: Vec<&DocRecord> = docs
        .iter()
        .filter(|d| {
            places.contains(&d.place)
                && d.duplicate_of.is_none()
                && d.period
                    .as_ref()
                    .is_some_and(|p| **p == cmp.a || **p == cmp.b)
        })
        .collect();
    // The files holding them: text files by name, table files holding a wanted row (no
    // second walk of the input folder).
    let path_of = |name: &str| {
        if config.input.is_file() {
            config.input.clone()
        } else {
            config.input.join(name)
        }
    };
    let mut files: Vec<SourceFile> = wanted
        .iter()
        .filter(|d| d.from_file)
        .map(|d| SourceFile {
            path: path_of(&d.name),
            name: d.name.to_string(),
        })
        .collect();
    files.extend(
        tables
            .iter()
            .filter(|t| {
                wanted.iter().any(|d| {
                    !d.from_file
                        && d.name.len() > t.path.len()
                        && d.name.starts_with(t.path.as_str())
                        && d.name.as_bytes()[t.path.len()] == b'#'
                })
            })
            .map(|t| SourceFile {
                path: path_of(&t.path),
                name: t.path.clone(),
            }),
    );
    let second = Config {
        count: count::CountOptions {
            max_n: 1,
            kwic_window: config.count.kwic_window,
            kwic_max: 3,
        },
        quiet: true,
        only_docs: Some(std::sync::Arc::new(
            wanted.iter().map(|d| d.name.to_string()).collect(),
        )),
        only_files: Some(std::sync::Arc::new(files)),
        ..config.clone()
    };
    // Each key term's lines come from the period it is key to: the first three there in
    // reading order, so reading can stop as soon as every term has them.
    let watch = Arc::new(count::Watch::new(
        (0..rows.len())
            .map(|i| {
                if i < key_b.len() {
                    cmp.b.clone()
                } else {
                    cmp.a.clone()
                }
            })
            .collect(),
        3,
    ));
    let mut clock = Stopwatch::new();
    let corpus = read_corpus(&second, tokeniser, &matcher, &mut clock, Some(&watch))?;
    for line in count::kwic_lines(corpus.tallies, 3) {
        let favoured = if line.theme < key_b.len() {
            &cmp.b
        } else {
            &cmp.a
        };
        if &line.period != favoured {
            continue;
        }
        let row = if line.theme < key_b.len() {
            &mut key_b[line.theme]
        } else {
            &mut key_a[line.theme - key_b.len()]
        };
        row.lines.push(line);
    }
    // Shown in reading order, as they were chosen.
    for row in key_b.iter_mut().chain(key_a.iter_mut()) {
        row.lines.sort_by_key(|l| l.key);
    }
    Ok(())
}

fn build_tokeniser(config: &Config) -> Result<Tokeniser> {
    let mut stopwords = Stopwords::builtin(&config.language);
    if let Some(path) = &config.stopwords {
        stopwords.extend_from_file(path)?;
    }
    Ok(Tokeniser::new(Stemmer::new(config.stemmer), stopwords))
}

/// Warnings about how documents' dates were read: dates that are no real day
/// ([`no_such_day_warnings`]), dates known only by their year when periods are months, and
/// numeric dates read against the rest of the corpus ([`date_order_warning`]). The
/// documents are named, in name order.
fn date_warnings(
    docs: &[DocRecord],
    impossible: &[(String, String)],
    bad_dates: &[(String, String)],
    config: &Config,
) -> Vec<String> {
    let mut warnings = no_such_day_warnings(docs, impossible, bad_dates);
    if !config.period.hold_years_alone() {
        let years: Vec<String> = docs
            .iter()
            .filter(|d| d.reading == ingest::date::DateReading::YearOnly)
            .filter_map(|d| Some(format!("{} ({})", d.name, d.date_text()?)))
            .collect();
        if !years.is_empty() {
            warnings.push(format!(
                "{} document(s) are dated by their year alone (a year in the file name, or a \
                 bare year cell), so they are in no month and left out of the monthly periods: {}",
                years.len(),
                list(&years)
            ));
        }
    }
    warnings.extend(date_order_warning(docs, config.date_order));
    warnings
}

/// A date in a document's header that is no real day (`impossible`: document, text), with
/// what the document was dated by instead; table rows whose date cell could not be used
/// (`bad_dates`: row, cell), those that are no real day apart.
fn no_such_day_warnings(
    docs: &[DocRecord],
    impossible: &[(String, String)],
    bad_dates: &[(String, String)],
) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut impossible: Vec<&(String, String)> = impossible.iter().collect();
    impossible.sort_by(|x, y| natural_cmp(&x.0, &y.0).then_with(|| x.0.cmp(&y.0)));
    let named: Vec<String> = impossible
        .iter()
        .map(|(name, text)| {
            let doc = docs
                .binary_search_by(|d| natural_cmp(&d.name, name).then_with(|| (*d.name).cmp(name)))
                .ok()
                .map(|i| &docs[i]);
            let instead = doc.and_then(|d| Some((d.date_text()?, d.date_source?.as_str())));
            match instead {
                Some((date, source)) => format!("{name} ('{text}'; dated {date} from {source})"),
                None => format!("{name} ('{text}'; left undated)"),
            }
        })
        .collect();
    if !named.is_empty() {
        warnings.push(format!(
            "{} document(s) give a date that does not exist (no such day), which was not used: {}",
            named.len(),
            list(&named)
        ));
    }
    let (no_such_day, unreadable): (Vec<_>, Vec<_>) = bad_dates
        .iter()
        .partition(|(_, cell)| ingest::date::impossible_date(cell).is_some());
    for (rows, what) in [
        (no_such_day, "a date that does not exist (no such day)"),
        (unreadable, "a date that cannot be read"),
    ] {
        if let Some((name, cell)) = rows.first() {
            warnings.push(format!(
                "{} table row(s) have {what} and are left undated (first: {name}: '{cell}')",
                rows.len()
            ));
        }
    }
    warnings
}

/// Numeric dates that read either way (`03/04/2005`), read in the order asked for (`order`),
/// while other numeric dates of the corpus can only be read the other way (`07/22/2010`):
/// they are named, with the flag that reads them the other way. Dates are read in parallel
/// as documents are counted, so the run warns rather than reading them again.
fn date_order_warning(docs: &[DocRecord], order: ingest::date::DateOrder) -> Option<String> {
    use ingest::date::{DateOrder, DateReading};
    let only = |r: DateReading| {
        let first = docs.iter().find(|d| d.reading == r);
        let n = docs.iter().filter(|d| d.reading == r).count();
        (first.map(|d| d.name.to_string()), n)
    };
    let (day_first, month_first) = (
        only(DateReading::DayFirstOnly),
        only(DateReading::MonthFirstOnly),
    );
    let either: Vec<String> = docs
        .iter()
        .filter(|d| d.reading == DateReading::EitherOrder)
        .filter_map(|d| Some(format!("{} ({})", d.name, d.date_text()?)))
        .collect();
    let (asked, other_way, against, with_it, advice) = match order {
        DateOrder::DayFirst => (
            "day first",
            "month first",
            &month_first,
            &day_first,
            "if the corpus writes the month first (US style), run again with --month-first",
        ),
        DateOrder::MonthFirst => (
            "month first",
            "day first",
            &day_first,
            &month_first,
            "if the corpus writes the day first, run again without --month-first",
        ),
    };
    let against_first = against.0.as_ref().filter(|_| !either.is_empty())?;
    let seen = match &with_it.0 {
        None => format!(
            "{} numeric date(s) can only be read {other_way} (first: {against_first}) and none \
             only {asked}",
            against.1
        ),
        Some(with_first) => format!(
            "the numeric dates are written both ways ({} only {asked}, first: {with_first}; \
             {} only {other_way}, first: {against_first})",
            with_it.1, against.1
        ),
    };
    Some(format!(
        "{seen}, yet {} date(s) that read either way (such as 03/04/2005) were read {asked}, \
         and may be wrong: {}; {advice}",
        either.len(),
        list(&either)
    ))
}

/// At most five items, then how many more.
pub(crate) fn list(items: &[String]) -> String {
    let mut s = items.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > 5 {
        s.push_str(&format!("; and {} more", items.len() - 5));
    }
    s
}

/// Orders names as people do: digit runs by value, so `t.csv#row2` comes before
/// `t.csv#row10` and `doc9.txt` before `doc10.txt`; ties fall back to plain byte order.
/// Names are compared run by run (a digit run sorts before a run of other characters), with
/// no allocation: the documents of a large corpus are sorted by it.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    /// The next run of `s` (all digits or none) and what follows it.
    fn run(s: &str) -> (&str, &str) {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let len = if digits > 0 {
            digits
        } else {
            s.bytes().take_while(|b| !b.is_ascii_digit()).count()
        };
        s.split_at(len)
    }
    let (mut x, mut y) = (a, b);
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let ((p, rest_x), (q, rest_y)) = (run(x), run(y));
        let (p_digits, q_digits) = (
            p.as_bytes()[0].is_ascii_digit(),
            q.as_bytes()[0].is_ascii_digit(),
        );
        let order = match (p_digits, q_digits) {
            (true, true) => {
                let value = |d: &str| d.parse::<u128>().unwrap_or(u128::MAX);
                value(p).cmp(&value(q))
            }
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => p.cmp(q),
        };
        if order != Ordering::Equal {
            return order;
        }
        (x, y) = (rest_x, rest_y);
    }
}

/// Size and SHA-256 of a file read whole (the lexicon).
fn hash_bytes(name: &str, bytes: &[u8]) -> InputFile {
    use sha2::{Digest, Sha256};
    InputFile {
        path: name.to_string(),
        bytes: bytes.len() as u64,
        sha256: format!("{:x}", Sha256::digest(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The concordance lines of `pattern` in `input` from a pass watching for `want` lines
    /// of 2001, sampled three per theme and period; and how many documents it read.
    fn watched(input: &std::path::Path, pattern: &str, want: usize) -> (Vec<String>, usize) {
        let cli = cli::Cli::try_parse_from([
            "themeshift".as_ref(),
            "kwic".as_ref(),
            pattern.as_ref(),
            input.as_os_str(),
            "--quiet".as_ref(),
            "--threads".as_ref(),
            "2".as_ref(),
        ])
        .unwrap();
        let cli::Command::Kwic(args) = cli.command else {
            panic!("kwic expected")
        };
        let mut config = Config::for_kwic(&args, Vec::new()).unwrap();
        config.count.kwic_max = 3;
        config.search_undated = false;
        let tokeniser = build_tokeniser(&config).unwrap();
        let lexicon = Lexicon::from_pattern(pattern, &tokeniser).unwrap();
        let matcher = Matcher::new(&lexicon);
        let watch = Arc::new(count::Watch::new(vec!["2001".into()], want));
        let mut clock = Stopwatch::new();
        let corpus = read_corpus(&config, &tokeniser, &matcher, &mut clock, Some(&watch)).unwrap();
        let lines = count::kwic_lines(corpus.tallies, 3)
            .iter()
            .map(|l| format!("{} {} {} {}", l.period, l.doc, l.start, l.right))
            .collect();
        (lines, corpus.docs.len())
    }

    #[test]
    fn the_report_pass_stops_early_and_keeps_the_same_lines() {
        let tmp = tempfile::tempdir().unwrap();
        // 2,500 text files: the word in documents 11, 301 and 801 (all in the first batch of
        // 1,024) and in every 97th from 1,100; 2002's documents (every fifth) have it too.
        let files = tmp.path().join("files");
        std::fs::create_dir(&files).unwrap();
        for i in 0..2500 {
            let year = if i % 5 == 0 { 2002 } else { 2001 };
            let word = if [11, 301, 801].contains(&i) || (i >= 1100 && i % 97 == 0) || year == 2002
            {
                "quango"
            } else {
                "board"
            };
            std::fs::write(
                files.join(format!("d{i:04}.txt")),
                format!("Date: {year}-03-04\n\nThe {word} met on day {i} and agreed."),
            )
            .unwrap();
        }
        let (early, read_early) = watched(&files, "quango", 3);
        let (full, read_full) = watched(&files, "quango", usize::MAX);
        assert_eq!(read_full, 2500);
        assert!(read_early < 2500, "read {read_early}");
        assert_eq!(early, full);
        let firsts: Vec<&String> = early.iter().filter(|l| l.starts_with("2001")).collect();
        assert_eq!(firsts.len(), 3);
        assert!(
            firsts[0].contains("d0011.txt") && firsts[2].contains("d0801.txt"),
            "{firsts:?}"
        );

        // A table of 20,000 rows of 500 bytes, read in blocks of 2 MB (about 4,200 rows): the
        // word in rows 5, 100 and 5,000.
        let table = tmp.path().join("rows.jsonl");
        let mut text = String::new();
        let filler = "filler ".repeat(62);
        for i in 1..=20_000 {
            let word = if [5, 100, 5000, 15_000].contains(&i) {
                "quango"
            } else {
                "board"
            };
            text.push_str(&format!(
                "{{\"date\": \"2001-01-02\", \"text\": \"A {word} of row {i:05}. {filler}\"}}\n"
            ));
        }
        let line = text.len() / 20_000;
        std::fs::write(&table, text).unwrap();
        let (early, read_early) = watched(&table, "quango", 3);
        let (full, read_full) = watched(&table, "quango", usize::MAX);
        assert_eq!(read_full, 20_000);
        let two_blocks = 2 * TABLE_BATCH.bytes / line + 2;
        assert!(
            read_early <= two_blocks,
            "read {read_early} of {two_blocks}"
        );
        assert_eq!(early, full);
        assert_eq!(early.len(), 3);
        assert!(early[2].contains("#row5000"), "{early:?}");
    }

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
    fn phrases_are_left_out_by_default_above_the_size_limit_only() {
        let tmp = tempfile::tempdir().unwrap();
        for (i, year) in [2001, 2002].iter().enumerate() {
            std::fs::write(
                tmp.path().join(format!("d{i}.txt")),
                format!("Date: {year}-03-04\n\nClinical commissioning, clinical commissioning."),
            )
            .unwrap();
        }
        let phrases = |up_to: Option<u64>| {
            let cli = cli::Cli::try_parse_from([
                "themeshift".as_ref(),
                "analyse".as_ref(),
                tmp.path().as_os_str(),
                "--quiet".as_ref(),
            ])
            .unwrap();
            let cli::Command::Analyse(args) = cli.command else {
                panic!("analyse expected")
            };
            let mut config = Config::from_args(&args, Vec::new()).unwrap();
            assert_eq!(config.phrases_up_to, Some(config::PHRASES_BY_DEFAULT_UP_TO));
            config.phrases_up_to = up_to;
            let tokeniser = build_tokeniser(&config).unwrap();
            let empty = Lexicon::default();
            let matcher = Matcher::new(&empty);
            let mut clock = Stopwatch::new();
            let corpus = read_corpus(&config, &tokeniser, &matcher, &mut clock, None).unwrap();
            let counts =
                count::resolve(corpus.tallies, 1, |_| Vec::new(), &FxHashMap::default()).unwrap();
            let phrase = counts.periods["2001"].terms.contains_key("clinic commiss");
            (phrase, corpus.longest_phrase, corpus.phrases_note)
        };
        assert_eq!(phrases(None), (true, 2, None));
        assert_eq!(phrases(Some(1_000)), (true, 2, None));
        let (counted, longest, note) = phrases(Some(10));
        assert_eq!((counted, longest), (false, 1));
        assert!(note.unwrap().contains("--ngrams 1-2"));
    }

    #[test]
    fn numeric_dates_read_against_the_rest_of_the_corpus_are_named_with_the_flag_to_use() {
        use ingest::date::{DateOrder, DateReading::*};
        let doc = |name: &str, reading| {
            let info = ingest::DocumentInfo {
                name: name.into(),
                title: String::new(),
                date: chrono::NaiveDate::from_ymd_opt(2005, 4, 3),
                date_source: Some(ingest::date::DateSource::Text),
                reading,
                impossible_date: None,
                source: None,
                encoding: "UTF-8",
                replaced_chars: 0,
                bytes: 1,
                sha256: [0; 32],
            };
            DocRecord::new(info, None, count::DocSize::default(), true, 0, false)
        };
        let docs = [doc("a", EitherOrder), doc("b", MonthFirstOnly)];
        let w = date_order_warning(&docs, DateOrder::DayFirst).unwrap();
        assert!(
            w.starts_with("1 numeric date(s) can only be read month first (first: b)")
                && w.contains("a (2005-04-03)")
                && w.ends_with("run again with --month-first"),
            "{w}"
        );
        // Read month first as asked: nothing against it.
        assert_eq!(date_order_warning(&docs, DateOrder::MonthFirst), None);
        // Both ways in one corpus: the either-way dates are named whatever the order.
        let docs = [
            doc("a", EitherOrder),
            doc("b", MonthFirstOnly),
            doc("c", DayFirstOnly),
        ];
        let w = date_order_warning(&docs, DateOrder::MonthFirst).unwrap();
        assert!(
            w.starts_with("the numeric dates are written both ways (1 only month first, first: b; 1 only day first, first: c)")
                && w.ends_with("run again without --month-first"),
            "{w}"
        );
        // No date that reads either way: nothing was guessed.
        assert_eq!(
            date_order_warning(&[doc("b", MonthFirstOnly)], DateOrder::DayFirst),
            None
        );
    }

    #[test]
    fn a_later_copy_counted_stands_at_the_first_copys_place_and_name() {
        let record = |name: &str, place: u64, counted: bool, text: u8| DocRecord {
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
        };
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
            name: "bad.parquet#r1".into(),
            title: "".into(),
            date: None,
            date_source: None,
            reading: Default::default(),
            source: None,
            encoding: "UTF-8",
            replaced_chars: 0,
            bytes: 1,
            sha256: [1; 32],
            period,
            size: count::DocSize::default(),
            duplicate_of: None,
            from_file: false,
            place: 1,
            counted: true,
        };
        seen.forget(std::iter::once(&row));
        let again = |seen: &mut Seen| seen.first([1; 32], Some("2001".into())).1;
        assert!(
            again(&mut seen),
            "the same text in the good file is counted"
        );
        assert!(!again(&mut seen), "and a third copy is not");
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
