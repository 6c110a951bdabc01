//! The per-document log a counter keeps for each period: which terms each document held and
//! how often. Everything per term and period that is not a plain sum over tokens follows from
//! it once counting is over ([`super::combine()`]): document counts, the largest count in one
//! document, and Gries's DP. Keeping the log instead of updating per-period tables at the end
//! of every document costs a few bytes per term and document and no hashing.
//!
//! A gigabyte of text logs a few hundred megabytes, not needed until every document is
//! counted, so a log writes its bytes to its counter's [`SpillFile`] (an unnamed temporary
//! file, gone when the run ends) a block at a time and reads them back when resolved.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Bytes of log a [`PeriodLog`] holds before writing them to its [`SpillFile`]. Each counter
/// has a log per period, so this times periods times threads is held in memory: the block is
/// small so that a corpus of many periods stays small (BENCHMARKS.md, "Figures behind the
/// design", has the measurement).
pub(crate) const SPILL_BLOCK: usize = 1 << 17;

/// The documents of one period, packed as LEB128 varints: per document its place in
/// reading order, its word tokens and its number of terms, then for each term its tagged id
/// ([`TermId`]) and its count there. Blocks hold whole documents.
#[derive(Debug, Default)]
pub(crate) struct PeriodLog {
    bytes: Vec<u8>,
    /// Blocks written to `spill`: (offset, length), in order.
    blocks: Vec<(u64, usize)>,
    spill: Option<Arc<SpillFile>>,
    /// Writing to `spill` failed (a full disk): the rest of the log stays in memory.
    stay: bool,
}

/// A term as the log stores it: a stem id or a phrase id of one counter, told apart by the
/// lowest bit, so that the ids of frequent stems (interned first) stay one or two bytes long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermId {
    Stem(u32),
    Phrase(u32),
}

impl TermId {
    fn pack(self) -> u64 {
        match self {
            TermId::Stem(id) => (id as u64) << 1,
            TermId::Phrase(id) => ((id as u64) << 1) | 1,
        }
    }

    fn unpack(x: u64) -> TermId {
        let id = (x >> 1) as u32;
        if x & 1 == 0 {
            TermId::Stem(id)
        } else {
            TermId::Phrase(id)
        }
    }
}

/// One counter's temporary file for [`PeriodLog`] blocks, shared by its periods' logs and
/// made when the first block is written; each block is appended at the end and read back by
/// its offset.
#[derive(Debug, Default)]
pub(crate) struct SpillFile {
    file: OnceLock<Option<std::fs::File>>,
    len: AtomicU64,
}

impl SpillFile {
    fn file(&self) -> std::io::Result<&std::fs::File> {
        self.file
            .get_or_init(|| tempfile::tempfile().ok())
            .as_ref()
            .ok_or_else(|| std::io::Error::other("cannot make a temporary file"))
    }

    /// Appends `bytes`; returns their offset.
    #[cfg(unix)]
    pub(super) fn append(&self, bytes: &[u8]) -> std::io::Result<u64> {
        let file = self.file()?;
        let at = self.len.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        std::os::unix::fs::FileExt::write_all_at(file, bytes, at)?;
        Ok(at)
    }

    /// Without positioned writes the logs stay in memory.
    #[cfg(not(unix))]
    pub(super) fn append(&self, _bytes: &[u8]) -> std::io::Result<u64> {
        Err(std::io::Error::other("no positioned writes here"))
    }

    /// Reads the `len` bytes at `at` into `buf`.
    pub(super) fn read(&self, at: u64, len: usize, buf: &mut Vec<u8>) -> std::io::Result<()> {
        buf.clear();
        buf.resize(len, 0);
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(self.file()?, buf, at)?;
        #[cfg(not(unix))]
        let _ = at;
        Ok(())
    }
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

pub(crate) fn get_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut x = 0u64;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        x |= ((b & 0x7F) as u64) << shift;
        if b < 0x80 {
            return x;
        }
        shift += 7;
    }
}

/// One document of a log, as [`PeriodLog::for_each`] hands it out with each of its terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LoggedDoc {
    /// Its place in reading order.
    pub(crate) place: u64,
    /// Its word tokens.
    pub(crate) tokens: u64,
}

/// Calls `each(doc, term, count)` for every term of every document packed in `bytes`.
fn decode(bytes: &[u8], each: &mut impl FnMut(LoggedDoc, TermId, u64)) {
    let mut at = 0;
    while at < bytes.len() {
        let place = get_varint(bytes, &mut at);
        let tokens = get_varint(bytes, &mut at);
        let doc = LoggedDoc { place, tokens };
        let terms = get_varint(bytes, &mut at);
        for _ in 0..terms {
            let term = TermId::unpack(get_varint(bytes, &mut at));
            let count = get_varint(bytes, &mut at);
            each(doc, term, count);
        }
    }
}

impl PeriodLog {
    pub(crate) fn new(spill: Option<Arc<SpillFile>>) -> PeriodLog {
        PeriodLog {
            spill,
            ..PeriodLog::default()
        }
    }

    /// Adds one document: its place and word tokens, and its terms with their counts, in
    /// any order.
    pub(crate) fn push(
        &mut self,
        doc: LoggedDoc,
        terms: usize,
        each: impl Iterator<Item = (TermId, u64)>,
    ) {
        put_varint(&mut self.bytes, doc.place);
        put_varint(&mut self.bytes, doc.tokens);
        put_varint(&mut self.bytes, terms as u64);
        let mut written = 0;
        for (term, count) in each {
            put_varint(&mut self.bytes, term.pack());
            put_varint(&mut self.bytes, count);
            written += 1;
        }
        debug_assert_eq!(written, terms, "the number of terms logged");
        if self.bytes.len() >= SPILL_BLOCK && !self.stay {
            if let Some(spill) = &self.spill {
                match spill.append(&self.bytes) {
                    Ok(at) => {
                        self.blocks.push((at, self.bytes.len()));
                        self.bytes.clear();
                    }
                    Err(_) => self.stay = true,
                }
            }
        }
    }

    /// Calls `each(doc, term, count)` for every term of every document, in the order they
    /// were pushed. Fails only when a block written to the spill file cannot be read back.
    pub(crate) fn for_each(
        &self,
        mut each: impl FnMut(LoggedDoc, TermId, u64),
    ) -> std::io::Result<()> {
        if !self.blocks.is_empty() {
            let spill = self.spill.as_ref().ok_or_else(|| {
                std::io::Error::other("the dispersion log's temporary file is gone")
            })?;
            let mut buf = Vec::new();
            for &(at, len) in &self.blocks {
                spill.read(at, len, &mut buf)?;
                decode(&buf, &mut each);
            }
        }
        decode(&self.bytes, &mut each);
        Ok(())
    }

    #[cfg(any(feature = "cluster", test))]
    /// Every document's bytes, in the order pushed (read back from the temporary file where
    /// written there): the log as one part of a corpus sends it to another machine.
    pub(crate) fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut all = Vec::new();
        if !self.blocks.is_empty() {
            let spill = self.spill.as_ref().ok_or_else(|| {
                std::io::Error::other("the dispersion log's temporary file is gone")
            })?;
            let mut buf = Vec::new();
            for &(at, len) in &self.blocks {
                spill.read(at, len, &mut buf)?;
                all.extend_from_slice(&buf);
            }
        }
        all.extend_from_slice(&self.bytes);
        Ok(all)
    }

    #[cfg(any(feature = "cluster", test))]
    /// A log of the documents packed in `bytes` (as [`PeriodLog::to_bytes`] gives them),
    /// written to `spill` at once when they are a block or more.
    pub(crate) fn from_bytes(bytes: Vec<u8>, spill: Option<Arc<SpillFile>>) -> PeriodLog {
        let mut log = PeriodLog {
            bytes,
            spill,
            ..PeriodLog::default()
        };
        if log.bytes.len() >= SPILL_BLOCK {
            if let Some(spill) = &log.spill {
                if let Ok(at) = spill.append(&log.bytes) {
                    log.blocks.push((at, log.bytes.len()));
                    log.bytes = Vec::new();
                }
            }
        }
        log
    }

    /// Blocks written to the temporary file so far.
    #[cfg(test)]
    pub(crate) fn spilled_blocks(&self) -> usize {
        self.blocks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_written_to_its_temporary_file_reads_back_the_same() {
        let spill = Arc::new(SpillFile::default());
        let mut on_disk = PeriodLog::new(Some(spill.clone()));
        // A second period's log shares the file, so blocks interleave.
        let mut other = PeriodLog::new(Some(spill));
        let mut in_memory = PeriodLog::new(None);
        let mut expected = Vec::new();
        for doc in 0..150_000u64 {
            let terms: Vec<(TermId, u64)> = (0..(doc % 17) as u32)
                .map(|i| {
                    let id = i * 1000 + (doc % 7) as u32;
                    let term = if i % 3 == 0 {
                        TermId::Phrase(id)
                    } else {
                        TermId::Stem(id)
                    };
                    (term, 1 + (doc + i as u64) % 300)
                })
                .collect();
            let logged = LoggedDoc {
                place: doc * 3,
                tokens: doc + 5,
            };
            for &(term, c) in &terms {
                expected.push((logged, term, c));
            }
            on_disk.push(logged, terms.len(), terms.iter().copied());
            in_memory.push(logged, terms.len(), terms.iter().copied());
            let one = LoggedDoc {
                place: doc,
                tokens: 1,
            };
            other.push(one, 1, std::iter::once((TermId::Stem(doc as u32), 2)));
        }
        assert!(
            on_disk.spilled_blocks() >= 2,
            "{} blocks",
            on_disk.blocks.len()
        );
        assert!(on_disk.bytes.len() < SPILL_BLOCK);
        assert_eq!(in_memory.spilled_blocks(), 0);
        for log in [&on_disk, &in_memory] {
            let mut read = Vec::new();
            log.for_each(|n, id, c| read.push((n, id, c))).unwrap();
            assert_eq!(read, expected);
        }
        let mut others = 0;
        other
            .for_each(|n, id, c| {
                assert_eq!(
                    (n.tokens, n.place, id, c),
                    (1, others as u64, TermId::Stem(others), 2)
                );
                others += 1;
            })
            .unwrap();
        assert_eq!(others, 150_000);
    }

    #[test]
    fn varints_round_trip_at_their_edges() {
        for x in [0u64, 1, 127, 128, 16_383, 16_384, u32::MAX as u64, u64::MAX] {
            let mut bytes = Vec::new();
            put_varint(&mut bytes, x);
            let mut at = 0;
            assert_eq!(get_varint(&bytes, &mut at), x);
            assert_eq!(at, bytes.len());
        }
        for term in [
            TermId::Stem(0),
            TermId::Phrase(0),
            TermId::Stem(u32::MAX),
            TermId::Phrase(u32::MAX),
        ] {
            assert_eq!(TermId::unpack(term.pack()), term);
        }
    }
}
