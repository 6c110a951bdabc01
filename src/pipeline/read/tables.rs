//! Tables of documents (CSV, TSV, JSON Lines, Parquet) read as a stream, a batch of rows at
//! a time, each batch counted on a worker's counter. How batches reach the workers depends on
//! the format and the threads, chosen by one match in [`Reader::table`].

use std::sync::Mutex;

use rayon::prelude::*;

use crate::corpus::InputFile;
use crate::error::InputError;
use crate::ingest::table::LineBlocks;
use crate::ingest::table::{self, TableFormat, TableReport};
use crate::ingest::walk::{Skipped, SourceFile};

use super::gather::{Gathered, Lend};
use super::{Reader, Seen};

/// How much of a table corpus is read and counted at a time: enough to keep both cores
/// busy, little enough that the batch's text stays small (a few megabytes).
pub(super) const TABLE_BATCH: table::BatchSize = table::BatchSize {
    rows: 4096,
    bytes: 2 << 20,
};

/// How a table's batches reach the workers.
enum Strategy {
    /// JSON Lines with several threads: each worker takes the next block of lines under a
    /// lock (reading, hashing and cutting it: a small part of the work) and counts it after
    /// letting go, so none waits on a reader.
    Blocks,
    /// One thread: it reads each batch, then counts it.
    OneThread,
    /// A reader thread streams batches of rows (at most two waiting) while the workers count
    /// the batches before.
    ReaderThread,
}

impl Reader<'_> {
    /// Reads and counts the table `file`, whose first row stands at `place` in reading
    /// order: the rows it held and what its rows gave, or why it was skipped (a table that
    /// failed part way leaves no trace: see [`failed`]).
    pub(super) fn table(&self, file: &SourceFile, place: u64) -> Result<(u64, Gathered), Skipped> {
        let format = TableFormat::of(&file.path).expect("a table file");
        let threads = rayon::current_num_threads();
        let strategy = match (format, self.watch, threads) {
            (TableFormat::JsonLines, None, 2..) => Strategy::Blocks,
            (_, _, 0 | 1) => Strategy::OneThread,
            _ => Strategy::ReaderThread,
        };
        let (read, mut part) = match strategy {
            Strategy::Blocks => self.by_blocks(file, place),
            Strategy::OneThread => self.on_one_thread(file, format, place),
            Strategy::ReaderThread => self.with_reader(file, format, place),
        };
        match read {
            Ok(report) => {
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
                Ok((report.rows as u64, part))
            }
            Err(e) => Err(failed(file, e, part, &self.seen)),
        }
    }

    /// Counts one batch of `file`'s rows (the first at `place`) on the calling thread's
    /// counter.
    fn batch(&self, fold: &Lend, file: &SourceFile, place: u64, batch: table::Batch) {
        let mut batch = Some(batch);
        let options = self.options;
        fold(&mut |f| {
            let batch = batch.take().expect("called once");
            batch.each_row(file, options.columns, |row| match row {
                Ok(row) => {
                    let at = place + row.number as u64;
                    let (doc, bad_date) = table::to_document(file, row, options.date_order);
                    if let Some(cell) = bad_date {
                        f.gathered.bad_dates.push((doc.info.name.clone(), cell));
                    }
                    self.count(f, doc, false, at);
                }
                Err(skipped) => f.gathered.skipped.push(skipped),
            })
        })
    }

    fn by_blocks(
        &self,
        file: &SourceFile,
        place: u64,
    ) -> (Result<TableReport, InputError>, Gathered) {
        let options = self.options;
        let blocks =
            match LineBlocks::open(file, options.columns, options.encoding, TABLE_BATCH.bytes) {
                Err(e) => return (Err(e), Gathered::default()),
                Ok(blocks) => Mutex::new((blocks, None::<InputError>)),
            };
        let part = self.per_thread(&|fold| {
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
                    Some(batch) => self.batch(fold, file, place, batch),
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

    fn on_one_thread(
        &self,
        file: &SourceFile,
        format: TableFormat,
        place: u64,
    ) -> (Result<TableReport, InputError>, Gathered) {
        let options = self.options;
        let read = Mutex::new(None);
        let part = self.per_thread(&|fold| {
            let report = table::read_rows(
                file,
                format,
                options.columns,
                options.encoding,
                TABLE_BATCH,
                |b| {
                    self.batch(fold, file, place, b);
                    !self.done()
                },
            );
            *read.lock().expect("no panics while holding it") = Some(report);
        });
        let read = read.into_inner().expect("no panics while holding it");
        (read.expect("the table was read"), part)
    }

    fn with_reader(
        &self,
        file: &SourceFile,
        format: TableFormat,
        place: u64,
    ) -> (Result<TableReport, InputError>, Gathered) {
        let options = self.options;
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel(2);
            let reader = scope.spawn(move || {
                table::read_rows(
                    file,
                    format,
                    options.columns,
                    options.encoding,
                    TABLE_BATCH,
                    |rows| send.send(rows).is_ok(),
                )
            });
            let receive = Mutex::new(receive);
            let part = self.per_thread(&|fold| {
                let next = || {
                    let receive = receive.lock().expect("no panics while holding it");
                    receive.recv().ok()
                };
                if self.watch.is_some() {
                    // A batch at a time, in order, so that stopping leaves a prefix read.
                    while let Some(batch) = next() {
                        self.batch(fold, file, place, batch);
                        if self.done() {
                            break;
                        }
                    }
                } else {
                    // Each worker takes a whole batch as it comes: no worker waits at the
                    // end of a batch for the other to finish its last rows.
                    std::iter::from_fn(next)
                        .par_bridge()
                        .for_each(|b| self.batch(fold, file, place, b));
                }
            });
            // A reader waiting to send a batch nobody will take stops when this goes.
            drop(receive);
            (reader.join().expect("table reader thread"), part)
        })
    }
}

/// A table that failed part way (`part` holds what its rows gave): its rows leave no trace.
/// Their counts go with `part`, and their texts leave the copies check, so that the same text
/// in another file is counted there. The file is skipped with the reason and the rows read.
fn failed(file: &SourceFile, e: InputError, part: Gathered, seen: &Mutex<Seen>) -> Skipped {
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
