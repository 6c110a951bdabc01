//! Read and count.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use thread_local::ThreadLocal;

use anyhow::Result;
use rayon::prelude::*;

use crate::config::Config;
use crate::count::{self, Counter, Tally};
use crate::error::InputError;
use crate::ingest::walk::{self, Skipped, SourceFile};
use crate::ingest::{
    self,
    table::{self, TableFormat},
};
use crate::lexicon::Matcher;
use crate::measure::documents::DocRecord;
use crate::report::{self, manifest::InputFile};
use crate::tokenise::Tokeniser;

use super::clock::*;
use super::copies::*;
use super::gather::*;

/// How much of a table corpus is read and counted at a time: enough to keep both cores
/// busy, little enough that the batch's text stays small (a few megabytes).
pub(crate) const TABLE_BATCH: table::BatchSize = table::BatchSize {
    rows: 4096,
    bytes: 2 << 20,
};
/// Text files read between two looks at the report pass's [`count::Watch`].
pub(crate) const WATCH_BATCH: usize = 1024;

/// What reading a corpus gives: its documents (in name order), their counts, and what was
/// skipped or odd on the way.
pub(crate) struct Corpus {
    pub(crate) docs: Vec<DocRecord>,
    pub(crate) tallies: Vec<Tally>,
    pub(crate) skipped: Vec<Skipped>,
    /// Table rows whose date cell could not be read: (document, cell).
    pub(crate) bad_dates: Vec<(String, String)>,
    /// What reading found wrong with table files as a whole, in file order.
    pub(crate) table_warnings: Vec<String>,
    /// Table files read (text files are listed from `docs`).
    pub(crate) inputs: Vec<InputFile>,
    pub(crate) total_bytes: u64,
    pub(crate) metadata: ingest::metadata::Metadata,
    /// Why phrases were not counted, when they were not by default.
    pub(crate) phrases_note: Option<String>,
    /// The longest phrase counted (1: words only).
    pub(crate) longest_phrase: usize,
}

/// Finds, reads and counts every document of `config.input` in parallel: the stage both
/// commands share. Fails when no document could be read.
///
/// With a `watch` (the report's concordance pass), documents are read in batches in reading
/// order (text files in the order found, then each table's rows), each document's concordance
/// lines keyed by its place in that order, and reading stops after the first batch that
/// leaves the watch [`done`](count::Watch::done).
pub(crate) fn read_corpus(
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
            .and_then(|d| config.period.label(d))
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
    let bad_dates = std::mem::take(&mut gathered.bad_dates);
    let table_warnings = std::mem::take(&mut gathered.warnings);
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
pub(crate) fn failed_table(
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

/// Orders names as people do: digit runs by value, so `t.csv#row2` comes before
/// `t.csv#row10` and `doc9.txt` before `doc10.txt`; ties fall back to plain byte order.
/// Names are compared run by run (a digit run sorts before a run of other characters), with
/// no allocation: the documents of a large corpus are sorted by it.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    /// The next run of `s` (all digits or none) and what follows it.
    pub(crate) fn run(s: &str) -> (&str, &str) {
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
