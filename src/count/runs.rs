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

/// Records of a run between two of its marks: where a merge in pieces finds its place.
const STRIDE: usize = 4096;

/// A run of records: where its bytes are, and a mark at every [`STRIDE`]th record.
#[derive(Debug)]
pub(super) struct Run {
    place: Place,
    marks: Vec<Mark>,
}

/// Where a run is: in a counter's temporary file, or (its last) in memory.
#[derive(Debug)]
enum Place {
    Spilled {
        spill: Arc<SpillFile>,
        at: u64,
        len: usize,
    },
    Memory(Vec<u8>),
}

/// A record of a run: where it starts, and its text.
#[derive(Debug)]
struct Mark {
    at: usize,
    text: Box<[u8]>,
}

impl Run {
    /// The run `bytes` written to `spill` at `at`.
    pub(super) fn spilled(spill: Arc<SpillFile>, at: u64, bytes: &[u8]) -> Run {
        Run {
            marks: marks(bytes),
            place: Place::Spilled {
                spill,
                at,
                len: bytes.len(),
            },
        }
    }

    /// The run `bytes`, kept in memory.
    pub(super) fn memory(bytes: Vec<u8>) -> Run {
        Run {
            marks: marks(&bytes),
            place: Place::Memory(bytes),
        }
    }

    /// Whether the run was written to a temporary file.
    pub(super) fn is_spilled(&self) -> bool {
        matches!(self.place, Place::Spilled { .. })
    }

    fn len(&self) -> usize {
        match &self.place {
            Place::Spilled { len, .. } => *len,
            Place::Memory(bytes) => bytes.len(),
        }
    }

    /// The whole run, to merge.
    #[cfg(test)]
    pub(super) fn all(&self) -> Stretch<'_> {
        Stretch {
            run: self,
            from: 0,
            to: self.len(),
        }
    }

    /// The run's bytes `from..to`.
    fn bytes(&self, from: usize, to: usize) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match &self.place {
            Place::Memory(bytes) => bytes[from..to].into(),
            Place::Spilled { spill, at, .. } => {
                let mut buf = Vec::new();
                spill.read(at + from as u64, to - from, &mut buf)?;
                buf.into()
            }
        })
    }

    /// Where the first record whose text is not before `key` starts (the run's end when there
    /// is none): found between two marks, so at most [`STRIDE`] records are read.
    fn seek(&self, key: &[u8]) -> std::io::Result<usize> {
        let i = self.marks.partition_point(|m| &*m.text < key);
        let from = i.checked_sub(1).map_or(0, |i| self.marks[i].at);
        let to = self.marks.get(i).map_or(self.len(), |m| m.at);
        let bytes = self.bytes(from, to)?;
        let mut pos = 0;
        loop {
            let start = pos;
            match Head::parse(&bytes, &mut pos) {
                Some(h) if &bytes[h.text.0..h.text.1] >= key => return Ok(from + start),
                Some(_) => {}
                None => return Ok(to),
            }
        }
    }

    /// The run of `records`, sorted by text here, as bytes.
    #[cfg(test)]
    pub(super) fn bytes_of(mut records: Vec<Record>) -> Vec<u8> {
        records.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        let mut out = Vec::new();
        for r in &records {
            r.write(&mut out);
        }
        out
    }
}

/// A mark at every [`STRIDE`]th record of the run `bytes`, the first included.
fn marks(bytes: &[u8]) -> Vec<Mark> {
    let mut marks = Vec::new();
    let mut pos = 0;
    for k in 0.. {
        let at = pos;
        let Some(head) = Head::parse(bytes, &mut pos) else {
            break;
        };
        if k % STRIDE == 0 {
            let text = bytes[head.text.0..head.text.1].into();
            marks.push(Mark { at, text });
        }
    }
    marks
}

/// The bytes `from..to` of a run: records from the one at `from`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stretch<'r> {
    run: &'r Run,
    from: usize,
    to: usize,
}

/// `runs` (tally index, run) cut into about `pieces` stretches of texts, with about as many
/// records each (cut at texts their marks spread evenly): for each piece, the stretch of
/// each run that holds its texts. Merging the pieces one after another merges the runs.
pub(super) fn pieces<'r>(
    runs: &[(usize, &'r Run)],
    pieces: usize,
) -> std::io::Result<Vec<Vec<(usize, Stretch<'r>)>>> {
    let mut texts: Vec<&[u8]> = runs
        .iter()
        .flat_map(|(_, r)| r.marks.iter().map(|m| &*m.text))
        .collect();
    texts.sort_unstable();
    texts.dedup();
    let pieces = pieces.clamp(1, texts.len().max(1));
    // The first mark's text would cut off nothing.
    let cuts: Vec<&[u8]> = (1..pieces)
        .map(|k| texts[k * texts.len() / pieces])
        .collect();
    let mut starts: Vec<Vec<usize>> = Vec::with_capacity(runs.len());
    for (_, run) in runs {
        let mut at = vec![0];
        for cut in &cuts {
            at.push(run.seek(cut)?);
        }
        at.push(run.len());
        starts.push(at);
    }
    Ok((0..pieces)
        .map(|k| {
            (runs.iter().zip(&starts))
                .map(|(&(t, run), at)| {
                    let stretch = Stretch {
                        run,
                        from: at[k],
                        to: at[k + 1],
                    };
                    (t, stretch)
                })
                .filter(|(_, s)| s.from < s.to)
                .collect()
        })
        .collect())
}

/// Bytes read from a spilled run at a time.
const CHUNK: usize = 1 << 20;

/// Reads a stretch of a run's records in order, a chunk at a time, each in place ([`Head`]).
struct Reader<'r> {
    stretch: Stretch<'r>,
    /// A spilled run's bytes read and not yet passed (a run in memory is read where it is).
    buf: Vec<u8>,
    pos: usize,
    /// Bytes of a spilled stretch read so far.
    read: usize,
    head: Option<Head>,
}

impl<'r> Reader<'r> {
    fn new(stretch: Stretch<'r>) -> Reader<'r> {
        Reader {
            pos: match stretch.run.place {
                Place::Memory(_) => stretch.from,
                Place::Spilled { .. } => 0,
            },
            stretch,
            buf: Vec::new(),
            read: 0,
            head: None,
        }
    }

    fn bytes(&self) -> &[u8] {
        match &self.stretch.run.place {
            Place::Memory(bytes) => &bytes[..self.stretch.to],
            Place::Spilled { .. } => &self.buf,
        }
    }

    /// The text of the record at the head (empty past the end).
    fn text(&self) -> &[u8] {
        self.head
            .map_or(&[][..], |h| &self.bytes()[h.text.0..h.text.1])
    }

    /// Moves to the next record; false past the last.
    fn advance(&mut self) -> std::io::Result<bool> {
        let Stretch { run, from, to } = self.stretch;
        self.head = match &run.place {
            Place::Memory(bytes) => Head::parse(&bytes[..to], &mut self.pos),
            Place::Spilled { spill, at, .. } => loop {
                if let Some(h) = Head::parse(&self.buf, &mut self.pos) {
                    break Some(h);
                }
                let len = to - from;
                if self.read == len {
                    break None;
                }
                // Keep what is left of the chunk and read the next after it.
                self.buf.drain(..self.pos);
                self.pos = 0;
                let take = CHUNK.min(len - self.read);
                let mut chunk = Vec::new();
                spill.read(at + (from + self.read) as u64, take, &mut chunk)?;
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
    /// The merge of `runs`: (tally index, stretch of a run).
    pub(super) fn new(
        runs: impl IntoIterator<Item = (usize, Stretch<'r>)>,
    ) -> std::io::Result<Self> {
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
        let bytes = Run::bytes_of(many.clone());
        assert!(bytes.len() > CHUNK, "{}", bytes.len());
        let at = spill.append(&bytes).unwrap();
        let spilled = Run::spilled(spill.clone(), at, &bytes);
        let memory = Run::memory(Run::bytes_of(vec![
            record("stem000001 word", 7, 5),
            record("aaa", 8, 1),
            record("zzz", 9, 2),
        ]));
        let seen = merged(Merge::new([(0, spilled.all()), (1, memory.all())]).unwrap());
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

    /// Every phrase of the merge, with its records.
    fn merged(mut merge: Merge) -> Vec<Vec<(usize, Record)>> {
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
        seen
    }

    /// Runs on disk and in memory, of texts spread differently, cut into any number of
    /// pieces: the pieces merged one after another are the whole merge, every piece holding
    /// a phrase's records from every run.
    #[test]
    fn runs_cut_into_pieces_merge_as_the_whole() {
        let spill = Arc::new(SpillFile::default());
        let run = |step: usize, count: usize, id: u32| -> Vec<u8> {
            Run::bytes_of(
                (0..count)
                    .map(|i| record(&format!("p{:07}", i * step), id + i as u32, 1))
                    .collect(),
            )
        };
        let (a, b) = (run(3, 20_000, 0), run(7, 9_000, 100_000));
        let spilled = Run::spilled(spill.clone(), spill.append(&a).unwrap(), &a);
        let memory = Run::memory(b);
        let small = Run::memory(run(1, 10, 500_000));
        let empty = Run::memory(Vec::new());
        let runs = [(0, &spilled), (1, &memory), (2, &small), (3, &empty)];
        let whole = merged(Merge::new(runs.iter().map(|&(t, r)| (t, r.all()))).unwrap());
        let distinct: std::collections::BTreeSet<usize> = (0..20_000)
            .map(|i| i * 3)
            .chain((0..9_000).map(|i| i * 7))
            .chain(0..10)
            .collect();
        assert_eq!(whole.len(), distinct.len());
        for n in [1, 2, 3, 8, 50, 1_000] {
            let pieces = pieces(&runs, n).unwrap();
            assert!(pieces.len() <= n && !pieces.is_empty(), "{n}");
            let joined: Vec<Vec<(usize, Record)>> = pieces
                .into_iter()
                .flat_map(|p| merged(Merge::new(p).unwrap()))
                .collect();
            assert!(joined == whole, "{n} pieces");
        }
    }
}
