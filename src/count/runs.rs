//! Sorted runs of a counter's phrases: what holds the memory of phrases within a budget.
//!
//! Phrases outnumber words many times over (every distinct pair of words is one), so a
//! counter does not keep all of its phrases until the end: when its table of phrases reaches
//! its share of `--memory`, it writes them out as a run, sorted by the phrase's text (its
//! stems, separated by spaces), to its temporary file ([`SpillFile`], unnamed, gone with the
//! run whatever way it ends), and starts an empty table. Each record of a run is a phrase's
//! text, the counter's id for it (ids are never reused, so the per-document logs that name
//! the phrase by that id stay true), its count, and its kept written forms with their counts.
//! The last table is a run in memory. Combining the counters' tallies merges every run of
//! every counter in text order ([`Merge`]), so that a phrase's counts come together from all
//! the places it was seen, and a phrase seen fewer times than `--min-count` is left out
//! before anything else is kept of it; the counts are exact, never an estimate, and the same
//! as when nothing is written out.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use super::log::{get_varint, put_varint, SpillFile};

/// One phrase of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    /// The phrase's stems, separated by single spaces.
    pub(super) text: String,
    /// The counter's id for it.
    pub(super) id: u32,
    /// Its count in the counter's dated documents of the run's stretch of documents.
    pub(super) total: u64,
    /// Its kept written forms with their counts.
    pub(super) forms: Vec<(String, u64)>,
}

/// Writes one record: the phrase's text, id and count, then its written `forms` with their
/// counts.
pub(super) fn put_record<'f>(
    out: &mut Vec<u8>,
    (text, id, total): (&str, u32, u64),
    forms: impl ExactSizeIterator<Item = (&'f str, u64)>,
) {
    put_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
    put_varint(out, id as u64);
    put_varint(out, total);
    put_varint(out, forms.len() as u64);
    for (form, count) in forms {
        put_varint(out, form.len() as u64);
        out.extend_from_slice(form.as_bytes());
        put_varint(out, count);
    }
}

impl Record {
    #[cfg(test)]
    fn write(&self, out: &mut Vec<u8>) {
        let forms = self.forms.iter().map(|(f, c)| (f.as_str(), *c));
        put_record(out, (&self.text, self.id, self.total), forms);
    }

    /// The record at `bytes[*at..]`, moving `at` past it; `None` when `bytes` ends within it.
    fn read(bytes: &[u8], at: &mut usize) -> Option<Record> {
        let mut i = *at;
        // A varint whose last byte the buffer holds.
        let varint = |i: &mut usize| -> Option<u64> {
            bytes[*i..].iter().position(|&b| b < 0x80)?;
            Some(get_varint(bytes, i))
        };
        let text_len = varint(&mut i)? as usize;
        let text = String::from_utf8_lossy(bytes.get(i..i + text_len)?).into_owned();
        i += text_len;
        let id = varint(&mut i)? as u32;
        let total = varint(&mut i)?;
        let n = varint(&mut i)? as usize;
        let mut forms = Vec::with_capacity(n);
        for _ in 0..n {
            let len = varint(&mut i)? as usize;
            let form = String::from_utf8_lossy(bytes.get(i..i + len)?).into_owned();
            i += len;
            forms.push((form, varint(&mut i)?));
        }
        *at = i;
        Some(Record {
            text,
            id,
            total,
            forms,
        })
    }
}

/// Where a run is: in a counter's temporary file, or (its last) in memory.
#[derive(Debug)]
pub(super) enum Run {
    Spilled {
        spill: Arc<SpillFile>,
        at: u64,
        len: usize,
    },
    Memory(Vec<u8>),
}

impl Run {
    /// The run of `records`, sorted by text here, as bytes.
    #[cfg(test)]
    pub(super) fn bytes(mut records: Vec<Record>) -> Vec<u8> {
        records.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        let mut out = Vec::new();
        for r in &records {
            r.write(&mut out);
        }
        out
    }
}

/// Bytes read from a spilled run at a time.
const CHUNK: usize = 1 << 20;

/// Reads a run's records in order, a chunk at a time.
struct Reader<'r> {
    run: &'r Run,
    buf: Vec<u8>,
    pos: usize,
    /// Bytes of a spilled run read so far.
    read: usize,
}

impl<'r> Reader<'r> {
    fn new(run: &'r Run) -> Reader<'r> {
        Reader {
            run,
            buf: Vec::new(),
            pos: 0,
            read: 0,
        }
    }

    fn next(&mut self) -> std::io::Result<Option<Record>> {
        match self.run {
            Run::Memory(bytes) => Ok(Record::read(bytes, &mut self.pos)),
            Run::Spilled { spill, at, len } => loop {
                if let Some(r) = Record::read(&self.buf, &mut self.pos) {
                    return Ok(Some(r));
                }
                if self.read == *len {
                    return Ok(None);
                }
                // Keep what is left of the chunk and read the next after it.
                self.buf.drain(..self.pos);
                self.pos = 0;
                let take = CHUNK.min(len - self.read);
                let mut chunk = Vec::new();
                spill.read(at + self.read as u64, take, &mut chunk)?;
                self.buf.extend_from_slice(&chunk);
                self.read += take;
            },
        }
    }
}

/// Every run of every counter, merged in text order: [`Merge::next`] gives each phrase's
/// records together, with the index of the counter (tally) each came from.
pub(super) struct Merge<'r> {
    readers: Vec<(usize, Reader<'r>)>,
    heads: Vec<Option<Record>>,
    heap: BinaryHeap<Reverse<(String, usize)>>,
}

impl<'r> Merge<'r> {
    /// The merge of `runs`: (tally index, run).
    pub(super) fn new(runs: impl IntoIterator<Item = (usize, &'r Run)>) -> std::io::Result<Self> {
        let mut merge = Merge {
            readers: runs.into_iter().map(|(t, r)| (t, Reader::new(r))).collect(),
            heads: Vec::new(),
            heap: BinaryHeap::new(),
        };
        for k in 0..merge.readers.len() {
            let head = merge.readers[k].1.next()?;
            if let Some(r) = &head {
                merge.heap.push(Reverse((r.text.clone(), k)));
            }
            merge.heads.push(head);
        }
        Ok(merge)
    }

    /// The next phrase's records (with their tally's index), in text order; `None` at the end.
    pub(super) fn next(&mut self) -> std::io::Result<Option<Vec<(usize, Record)>>> {
        let Some(Reverse((text, _))) = self.heap.peek().cloned() else {
            return Ok(None);
        };
        let mut same = Vec::new();
        while let Some(Reverse((t, k))) = self.heap.peek().cloned() {
            if t != text {
                break;
            }
            self.heap.pop();
            let record = self.heads[k].take().expect("a head for each entry");
            same.push((self.readers[k].0, record));
            let next = self.readers[k].1.next()?;
            if let Some(r) = &next {
                self.heap.push(Reverse((r.text.clone(), k)));
            }
            self.heads[k] = next;
        }
        Ok(Some(same))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(text: &str, id: u32, total: u64) -> Record {
        Record {
            text: text.to_string(),
            id,
            total,
            forms: vec![(text.to_uppercase(), total), (text.to_string(), 1)],
        }
    }

    #[test]
    fn runs_in_memory_and_on_disk_merge_in_text_order_with_every_record() {
        let spill = Arc::new(SpillFile::default());
        // A spilled run long enough to be read in several chunks.
        let many: Vec<Record> = (0..60_000)
            .map(|i| record(&format!("stem{i:06} word"), i, 1 + i as u64 % 3))
            .collect();
        let bytes = Run::bytes(many.clone());
        assert!(bytes.len() > CHUNK, "{}", bytes.len());
        let at = spill.append(&bytes).unwrap();
        let spilled = Run::Spilled {
            spill: spill.clone(),
            at,
            len: bytes.len(),
        };
        let memory = Run::Memory(Run::bytes(vec![
            record("stem000001 word", 7, 5),
            record("aaa", 8, 1),
            record("zzz", 9, 2),
        ]));
        let mut merge = Merge::new([(0, &spilled), (1, &memory)]).unwrap();
        let mut seen = Vec::new();
        while let Some(same) = merge.next().unwrap() {
            seen.push(same);
        }
        assert_eq!(seen.len(), 60_000 + 2);
        assert_eq!(seen[0], [(1, record("aaa", 8, 1))]);
        assert_eq!(
            seen[2],
            [
                (0, record("stem000001 word", 1, 2)),
                (1, record("stem000001 word", 7, 5))
            ]
        );
        assert!(seen.windows(2).all(|w| w[0][0].1.text < w[1][0].1.text));
        assert_eq!(seen.last().unwrap()[0].1.text, "zzz");
    }
}
