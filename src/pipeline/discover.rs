//! Discover: the files to read (the input folder walked, or just those the report's pass
//! asks for), metadata.csv, whether phrases are counted, and the progress bar, sized to the
//! input when it can show.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;
use rayon::prelude::*;

use crate::count::CountOptions;
use crate::ingest::compressed::{self, Compression};
use crate::ingest::date::DateOrder;
use crate::ingest::metadata::{self, Metadata};
use crate::ingest::table::{self, TableFormat};
use crate::ingest::walk::{self, Skipped, SourceFile, WalkOptions};
use crate::report::progress::Progress;

/// What discovering needs to know.
pub(crate) struct DiscoverOptions<'a> {
    pub(crate) walk: WalkOptions<'a>,
    pub(crate) date_order: DateOrder,
    /// What to count, before the size of the input is known.
    pub(crate) count: CountOptions,
    /// When `--ngrams` was not given: the input size (bytes) above which phrases are not
    /// counted.
    pub(crate) phrases_up_to: Option<u64>,
    pub(crate) quiet: bool,
}

/// The files to read and what is known before reading them.
pub(crate) struct Found {
    pub(crate) files: Vec<SourceFile>,
    /// Files passed over, with the reason.
    pub(crate) skipped: Vec<Skipped>,
    /// metadata.csv's rows, by file.
    pub(crate) metadata: Metadata,
    /// What to count: phrases may be left out for the input's size (`phrases_note`).
    pub(crate) count: CountOptions,
    /// Why phrases were not counted, when they were not by default.
    pub(crate) phrases_note: Option<String>,
    pub(crate) progress: Progress,
}

/// Finds the files of the input folder (or takes `only`, the files the report's pass
/// wants), reads metadata.csv, and settles whether phrases are counted.
pub(crate) fn discover(options: &DiscoverOptions, only: Option<&[SourceFile]>) -> Result<Found> {
    let metadata = metadata::load(&options.walk.input.join("metadata.csv"), options.date_order)?;
    let walk::Discovery { files, skipped } = match only {
        Some(files) => walk::Discovery {
            files: files.to_vec(),
            skipped: Vec::new(),
        },
        None => walk::discover(&options.walk),
    };
    let mut count = options.count;
    let mut phrases_note = None;
    if let Some(limit) = options.phrases_up_to.filter(|_| count.max_n > 1) {
        if larger_than(&files, limit) {
            count.max_n = 1;
            phrases_note = Some(format!(
                "phrases were not counted: the input holds more than {:.0} MB, up to which \
                 phrases are counted by default (each distinct phrase is kept in memory); pass \
                 --ngrams 1-2 to count them",
                limit as f64 / 1e6
            ));
        }
    }
    // The input's size is worked out (a look at every file) only when the bar can show.
    let progress = Progress::new(|| files.par_iter().map(size).sum(), options.quiet);
    Ok(Found {
        files,
        skipped,
        metadata,
        count,
        phrases_note,
        progress,
    })
}

/// A file's size for the progress bar and a cluster's shares: a Parquet file counts as its
/// data uncompressed, a compressed file as the content size it records
/// ([`compressed::size_hint`]).
pub(super) fn size(f: &SourceFile) -> u64 {
    if let Some(kind) = Compression::of(&f.path) {
        return compressed::size_hint(&f.path, kind);
    }
    match TableFormat::of(&f.path) {
        Some(TableFormat::Parquet) => table::parquet_data_bytes(&f.path),
        _ => None,
    }
    .or_else(|| std::fs::metadata(&f.path).ok().map(|m| m.len()))
    .unwrap_or(0)
}

/// Whether `files` hold more than `limit` bytes; looking stops once the limit is passed. A
/// compressed file counts as its content, decompressed and counted up to the limit: the size
/// it records can be wrong (gzip's is its last member's, modulo 4 GiB).
fn larger_than(files: &[SourceFile], limit: u64) -> bool {
    let seen = AtomicU64::new(0);
    files.par_iter().any(|f| {
        let n = match Compression::of(&f.path) {
            Some(_) => {
                let left = limit.saturating_sub(seen.load(Ordering::Relaxed));
                compressed::content_size(&f.path, left)
            }
            None => size(f),
        };
        seen.fetch_add(n, Ordering::Relaxed) + n > limit
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compressed_file_counts_as_its_content_for_the_phrases_limit() {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let text = "the same words again and again\n".repeat(10_000);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(text.as_bytes()).unwrap();
        // Two members, as `cat a.gz b.gz` makes: the recorded size is the last one's.
        let mut bytes = gz.finish().unwrap();
        bytes.extend_from_within(..);
        let path = tmp.path().join("a.txt.gz");
        std::fs::write(&path, &bytes).unwrap();
        let files = [SourceFile {
            path,
            name: "a.txt.gz".into(),
        }];
        let content = 2 * text.len() as u64;
        assert!((bytes.len() as u64) < content / 100);
        assert!(larger_than(&files, content - 1));
        assert!(!larger_than(&files, content));
        assert!(larger_than(&files, bytes.len() as u64 * 2));
    }
}
