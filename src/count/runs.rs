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

use std::sync::Arc;

use super::log::{get_varint, put_varint, SpillFile};

/// One phrase of a run, whole (the tests' view of a record; the merge reads them in place).
#[cfg(test)]
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

#[cfg(test)]
impl Record {
    fn write(&self, out: &mut Vec<u8>) {
        let forms = self.forms.iter().map(|(f, c)| (f.as_str(), *c));
        put_record(out, (&self.text, self.id, self.total), forms);
    }
}

/// A varint at `bytes[*at..]` whose last byte the buffer holds, moving `at` past it.
fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    bytes.get(*at..)?.iter().position(|&b| b < 0x80)?;
    Some(get_varint(bytes, at))
}

/// Where one record lies in a reader's buffer: read in place, nothing copied, so that the
/// many phrases too rare to keep cost no allocation.
#[derive(Debug, Clone, Copy)]
struct Head {
    text: (usize, usize),
    id: u32,
    total: u64,
    /// The written forms' bytes: their number, then each form and its count.
    forms: (usize, usize),
}

impl Head {
    /// The record at `bytes[*at..]`, moving `at` past it; `None` when `bytes` ends within it.
    fn parse(bytes: &[u8], at: &mut usize) -> Option<Head> {
        let mut i = *at;
        let text_len = varint(bytes, &mut i)? as usize;
        let text = (i, i + text_len);
        i += text_len;
        let id = varint(bytes, &mut i)? as u32;
        let total = varint(bytes, &mut i)?;
        let forms_start = i;
        let n = varint(bytes, &mut i)?;
        for _ in 0..n {
            let len = varint(bytes, &mut i)? as usize;
            i += len;
            varint(bytes, &mut i)?;
        }
        *at = i;
        Some(Head {
            text,
            id,
            total,
            forms: (forms_start, i),
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

/// Reads a run's records in order, a chunk at a time, each in place ([`Head`]).
struct Reader<'r> {
    run: &'r Run,
    /// A spilled run's bytes read and not yet passed (a run in memory is read where it is).
    buf: Vec<u8>,
    pos: usize,
    /// Bytes of a spilled run read so far.
    read: usize,
    head: Option<Head>,
}

impl<'r> Reader<'r> {
    fn new(run: &'r Run) -> Reader<'r> {
        Reader {
            run,
            buf: Vec::new(),
            pos: 0,
            read: 0,
            head: None,
        }
    }

    fn bytes(&self) -> &[u8] {
        match self.run {
            Run::Memory(bytes) => bytes,
            Run::Spilled { .. } => &self.buf,
        }
    }

    /// The text of the record at the head (empty past the end).
    fn text(&self) -> &[u8] {
        self.head
            .map_or(&[][..], |h| &self.bytes()[h.text.0..h.text.1])
    }

    /// Moves to the next record; false past the last.
    fn advance(&mut self) -> std::io::Result<bool> {
        self.head = match self.run {
            Run::Memory(bytes) => Head::parse(bytes, &mut self.pos),
            Run::Spilled { spill, at, len } => loop {
                if let Some(h) = Head::parse(&self.buf, &mut self.pos) {
                    break Some(h);
                }
                if self.read == *len {
                    break None;
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
        };
        Ok(self.head.is_some())
    }
}

/// One run's record of the phrase a [`Merge`] is at.
pub(super) struct Entry<'m> {
    /// The index of the counter (tally) whose run it is.
    pub(super) tally: usize,
    /// The counter's id for the phrase.
    pub(super) id: u32,
    /// Its count in the run.
    pub(super) total: u64,
    forms: &'m [u8],
}

impl<'m> Entry<'m> {
    /// Its kept written forms with their counts, read where they lie.
    pub(super) fn forms(&self) -> impl Iterator<Item = (std::borrow::Cow<'m, str>, u64)> {
        let bytes = self.forms;
        let mut i = 0;
        let n = get_varint(bytes, &mut i);
        (0..n).map(move |_| {
            let len = get_varint(bytes, &mut i) as usize;
            let form = String::from_utf8_lossy(&bytes[i..i + len]);
            i += len;
            (form, get_varint(bytes, &mut i))
        })
    }
}

/// Every run of every counter, merged in text order: [`Merge::next`] moves to the next
/// phrase, whose text and records (one per run that holds it) are then read in place.
pub(super) struct Merge<'r> {
    readers: Vec<(usize, Reader<'r>)>,
    /// Readers with a record, as a binary heap: the smallest text (then the lowest reader)
    /// first.
    heap: Vec<usize>,
    /// The readers at the current phrase, in reader order.
    group: Vec<usize>,
}

impl<'r> Merge<'r> {
    /// The merge of `runs`: (tally index, run).
    pub(super) fn new(runs: impl IntoIterator<Item = (usize, &'r Run)>) -> std::io::Result<Self> {
        let mut merge = Merge {
            readers: runs.into_iter().map(|(t, r)| (t, Reader::new(r))).collect(),
            heap: Vec::new(),
            group: Vec::new(),
        };
        for k in 0..merge.readers.len() {
            if merge.readers[k].1.advance()? {
                merge.push(k);
            }
        }
        Ok(merge)
    }

    /// Whether reader `a`'s record comes before reader `b`'s.
    fn before(&self, a: usize, b: usize) -> bool {
        (self.readers[a].1.text(), a) < (self.readers[b].1.text(), b)
    }

    fn push(&mut self, k: usize) {
        self.heap.push(k);
        let mut i = self.heap.len() - 1;
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.before(self.heap[i], self.heap[parent]) {
                break;
            }
            self.heap.swap(i, parent);
            i = parent;
        }
    }

    fn pop(&mut self) -> Option<usize> {
        let last = self.heap.len().checked_sub(1)?;
        self.heap.swap(0, last);
        let top = self.heap.pop();
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut least = i;
            for c in [l, r] {
                if c < self.heap.len() && self.before(self.heap[c], self.heap[least]) {
                    least = c;
                }
            }
            if least == i {
                return top;
            }
            self.heap.swap(i, least);
            i = least;
        }
    }

    /// Moves to the next phrase in text order; false after the last.
    pub(super) fn next(&mut self) -> std::io::Result<bool> {
        for k in std::mem::take(&mut self.group) {
            if self.readers[k].1.advance()? {
                self.push(k);
            }
        }
        let Some(first) = self.pop() else {
            return Ok(false);
        };
        self.group.push(first);
        while let Some(&k) = self.heap.first() {
            if self.readers[k].1.text() != self.readers[first].1.text() {
                break;
            }
            self.pop();
            self.group.push(k);
        }
        Ok(true)
    }

    /// The current phrase's text.
    pub(super) fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.readers[self.group[0]].1.text())
    }

    /// The current phrase's records, one per run that holds it, in run order.
    pub(super) fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.group.iter().map(|&k| {
            let (tally, reader) = &self.readers[k];
            let head = reader.head.expect("a record at each reader of the group");
            Entry {
                tally: *tally,
                id: head.id,
                total: head.total,
                forms: &reader.bytes()[head.forms.0..head.forms.1],
            }
        })
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
        let mut seen: Vec<Vec<(usize, Record)>> = Vec::new();
        while merge.next().unwrap() {
            let text = merge.text().into_owned();
            let same = merge.entries().map(|e| {
                let record = Record {
                    text: text.clone(),
                    id: e.id,
                    total: e.total,
                    forms: e.forms().map(|(f, c)| (f.into_owned(), c)).collect(),
                };
                (e.tally, record)
            });
            seen.push(same.collect());
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
