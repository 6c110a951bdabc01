//! A [`Share`]: some of a corpus's files, a task of the engine, cut by bytes for the
//! cluster's slots ([`shares`]) and sent compressed ([`Wire`]).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use super::{decode, encode};
use crate::ingest::table::TableFormat;
use crate::ingest::walk::SourceFile;
use crate::pipeline::discover;

/// Some of a corpus's files, each with the place of its first document in reading order,
/// and, when counting, the places of the copies not to count and the periods it holds whole.
/// Sent as [`Wire`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Share {
    /// (path as bytes, name, place).
    pub(super) files: Vec<(Vec<u8>, String, u64)>,
    pub(super) copies: Vec<u64>,
    /// The periods (sorted) whose every document is in this share: it finishes their counts
    /// itself (their dispersion worked out where their documents' rows are), and sends no
    /// rows of them.
    pub(super) whole: Vec<String>,
}

/// Shares of text files each slot of the cluster (an executor's thread) is given, about:
/// enough that one slow share does not hold up the job's end, few enough that the counters'
/// vocabularies, the parts and the merges of their periods stay few (each share's counter
/// learns the vocabulary anew, and each share's part of a period is merged into the others).
const SHARES_PER_SLOT: usize = 2;

/// Bytes of text files per share at most, however few the slots: a share is read and counted
/// by one thread, and its counts are held in memory until they are sent. Large, because every
/// share's part of a period is merged into the others' in the job's last stage: 1 GB as
/// 522,006 files on two slots in 16 shares of 64 MB took 11 s there, in 4 of 250 MB 6.4 s,
/// and the executors' peak memory stayed at 620-730 MB.
const TEXT_BYTES_PER_SHARE: u64 = 256 << 20;

/// Rows a table may hold: a table's rows stand at its place plus their number.
const TABLE_ROWS: u32 = 32;

/// A corpus's files as shares are cut from them: its text files (in the order found: a text
/// file's place is its number among them) with their sizes, and its tables.
pub(crate) struct Files<'a> {
    texts: Vec<(&'a SourceFile, u64)>,
    tables: Vec<(&'a SourceFile, u64)>,
}

impl<'a> Files<'a> {
    /// The files sized (a compressed file counts as its text, as the progress bar counts
    /// it; a Parquet file as its data), the tables set apart.
    pub(crate) fn of(files: &'a [SourceFile]) -> Files<'a> {
        use rayon::prelude::*;
        let (tables, texts): (Vec<&SourceFile>, Vec<&SourceFile>) = files
            .iter()
            .partition(|f| TableFormat::of(&f.path).is_some());
        let sized = |files: Vec<&'a SourceFile>| {
            let sizes: Vec<u64> = files.par_iter().map(|f| discover::size(f)).collect();
            files.into_iter().zip(sizes).collect()
        };
        Files {
            texts: sized(texts),
            tables: sized(tables),
        }
    }

    /// The number of shares of text files for the cluster's `slots`: [`SHARES_PER_SLOT`] a
    /// slot, or more when that would make shares above [`TEXT_BYTES_PER_SHARE`].
    fn wanted(&self, slots: usize) -> (u64, u64) {
        let total: u64 = self.texts.iter().map(|t| t.1).sum();
        let wanted =
            ((slots.max(1) * SHARES_PER_SLOT) as u64).max(total.div_ceil(TEXT_BYTES_PER_SHARE));
        (wanted, total)
    }

    /// The files in shares, in reading order, for the look for copies: text files (in the
    /// order found) cut by their bytes into shares alike in bytes ([`Files::wanted`]), each
    /// table file alone. Places are those of one machine for text files (their order), and,
    /// for the rows of the `k`th table, `(texts + k) << 32` plus the row's number: the same
    /// order as on one machine, where a table's rows follow the rows before.
    pub(crate) fn shares(&self, slots: usize) -> Vec<Share> {
        let (wanted, total) = self.wanted(slots);
        // A file joins the share its middle byte falls in when the bytes are cut in `wanted`
        // equal lengths: at most `wanted` shares, alike in bytes (a cut at the first file past
        // a length left a last share of the few bytes short of every other).
        let mut before = 0u64;
        let order = (self.texts.iter().enumerate()).map(|(i, &(_, size))| {
            let middle = before + size / 2;
            before += size;
            (i, middle)
        });
        let mut shares = self.cut(order, wanted, total);
        shares.extend(self.table_shares());
        shares
    }

    /// The files in shares for counting, from the look's `keys` (every dated document's
    /// period, text and place): text files grouped by their document's period (in the
    /// periods' order; files with no dated document last), so that a period of fewer bytes
    /// than a share lies in one share, with each share's documents in reading order; a
    /// period of more bytes is cut among several. Each share names the periods no other
    /// share holds a document of ([`Share::whole`]), which it finishes itself, and the copies
    /// among its documents not to count (all but the first in reading order of a text's
    /// copies in a period, [`super::copies`]).
    pub(crate) fn count_shares(&self, slots: usize, keys: &[super::Key]) -> Vec<Share> {
        let texts = self.texts.len() as u64;
        let mut period_of: Vec<Option<&str>> = vec![None; self.texts.len()];
        let mut groups: rustc_hash::FxHashMap<(&str, &[u8; 32]), Vec<u64>> = Default::default();
        for (period, sha, place) in keys {
            if *place < texts {
                period_of[*place as usize] = Some(period);
            }
            groups.entry((period, sha)).or_default().push(*place);
        }
        let copies = super::copies(groups.into_values().filter(|g| g.len() > 1));
        let mut order: Vec<usize> = (0..self.texts.len()).collect();
        order.sort_by_key(|&i| (period_of[i].is_none(), period_of[i], i));
        let mut period_bytes: rustc_hash::FxHashMap<Option<&str>, u64> = Default::default();
        for (i, &(_, size)) in self.texts.iter().enumerate() {
            *period_bytes.entry(period_of[i]).or_default() += size;
        }
        let (wanted, total) = self.wanted(slots);
        let share_bytes = total / wanted.max(1);
        // A period that fits in a share goes where its middle byte falls; the files of a
        // larger one (and of no period) each where their own does.
        let (mut before, mut period_start, mut bytes) = (0u64, 0u64, 0u64);
        let mut last: Option<Option<&str>> = None;
        let order = order.into_iter().map(|i| {
            let (period, size) = (period_of[i], self.texts[i].1);
            // (Files come a period at a time: its bytes are looked up once.)
            if last != Some(period) {
                (last, period_start) = (Some(period), before);
                bytes = period_bytes[&period];
            }
            let middle = match period.is_some() && bytes <= share_bytes {
                true => period_start + bytes / 2,
                false => before + size / 2,
            };
            before += size;
            (i, middle)
        });
        let mut shares = self.cut(order, wanted, total);
        for share in &mut shares {
            share.files.sort_unstable_by_key(|f| f.2);
        }
        shares.extend(self.table_shares());
        self.settle(shares, keys, copies)
    }

    /// The shares to count with what each must know: the periods it holds whole, the
    /// copies among its documents; largest first.
    fn settle(
        &self,
        mut shares: Vec<Share>,
        keys: &[super::Key],
        copies: FxHashSet<u64>,
    ) -> Vec<Share> {
        let texts = self.texts.len() as u64;
        // The share each place's document is read in, and its bytes.
        let mut share_of_text = vec![0usize; self.texts.len()];
        let mut share_of_table = vec![0usize; self.tables.len()];
        let mut bytes = vec![0u64; shares.len()];
        for (s, share) in shares.iter().enumerate() {
            for &(_, _, place) in &share.files {
                bytes[s] += match place < texts {
                    true => {
                        share_of_text[place as usize] = s;
                        self.texts[place as usize].1
                    }
                    false => {
                        let k = ((place >> TABLE_ROWS) - texts) as usize;
                        share_of_table[k] = s;
                        self.tables[k].1
                    }
                };
            }
        }
        let share_of = |place: u64| match place < texts {
            true => share_of_text[place as usize],
            false => share_of_table[((place >> TABLE_ROWS) - texts) as usize],
        };
        let mut held: std::collections::BTreeMap<&str, FxHashSet<usize>> = Default::default();
        for (period, _, place) in keys {
            held.entry(period).or_default().insert(share_of(*place));
        }
        for (period, sharing) in held {
            if let [s] = sharing.into_iter().collect::<Vec<_>>()[..] {
                shares[s].whole.push(period.to_string());
            }
        }
        for place in copies {
            shares[share_of(place)].copies.push(place);
        }
        for share in &mut shares {
            share.copies.sort_unstable();
        }
        // Largest first: the engine hands the shares out in this order, each to the first
        // slot free, so that the last to start are the smallest (periods kept whole make
        // shares unlike in size, and a slot given two large ones finished long after the
        // others: 1 GB in shares of 300, 200, 200 and 290 MB took 31 s on one slot, 21 on
        // the other).
        let mut sized: Vec<(u64, Share)> = bytes.into_iter().zip(shares).collect();
        sized.sort_by_key(|(bytes, _)| std::cmp::Reverse(*bytes));
        sized.into_iter().map(|(_, share)| share).collect()
    }

    /// The text files `order` gives (each with the byte its share is found by), cut where
    /// that byte passes one of `wanted` equal lengths of `total`.
    fn cut(
        &self,
        order: impl Iterator<Item = (usize, u64)>,
        wanted: u64,
        total: u64,
    ) -> Vec<Share> {
        let mut shares = Vec::new();
        let mut share = Share::default();
        let mut current = 0u64;
        for (i, middle) in order {
            let which = (u128::from(middle) * u128::from(wanted) / u128::from(total.max(1))) as u64;
            if which != current && !share.files.is_empty() {
                shares.push(std::mem::take(&mut share));
            }
            current = which;
            share.files.push(entry(self.texts[i].0, i as u64));
        }
        if !share.files.is_empty() {
            shares.push(share);
        }
        shares
    }

    /// Each table alone in a share, at the places that follow the text files'.
    fn table_shares(&self) -> impl Iterator<Item = Share> + '_ {
        let first = self.texts.len() as u64;
        (self.tables.iter().enumerate()).map(move |(k, (f, _))| Share {
            files: vec![entry(f, (first + k as u64) << TABLE_ROWS)],
            ..Share::default()
        })
    }
}

/// A file of a share: its path, its name and its place.
fn entry(f: &SourceFile, place: u64) -> (Vec<u8>, String, u64) {
    (path_bytes(&f.path), f.name.clone(), place)
}

/// A [`Share`] as it is sent: the folder its files' paths begin with written once, a name
/// that is the end of its path as that end's length, the places as the first when they follow
/// each other (a share's text files do), the whole compressed. A share is a row of the plan
/// the engine plans and sends to each task, and a folder of 100,000 small files written out
/// path by path made plans of megabytes that took the scheduler most of a second each.
#[derive(Serialize, Deserialize)]
struct Wire {
    folder: Vec<u8>,
    files: Vec<(Vec<u8>, Name)>,
    places: Places,
    copies: Vec<u64>,
    whole: Vec<String>,
}

/// A file's name in a [`Wire`].
#[derive(Serialize, Deserialize)]
enum Name {
    /// The last bytes of its path, this many (a name is its path from the input folder).
    End(usize),
    /// Its own (a path that is not UTF-8 has a readable name of its own).
    Own(String),
}

/// The places of a [`Wire`]'s files.
#[derive(Serialize, Deserialize)]
enum Places {
    /// The first; each next file's is one more.
    From(u64),
    /// Each file's place as its step from the last (from 0 for the first; wrapping): the
    /// places of a share of files picked out of reading order by their periods climb by small
    /// steps, which take a byte or two each and compress well.
    Steps(Vec<u64>),
}

/// zstd's level for a [`Wire`]: the paths of a folder of files are alike, and shrink tenfold.
const WIRE_LEVEL: i32 = 3;

impl Share {
    /// The share as bytes, to send ([`Wire`]).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let paths: Vec<&[u8]> = self.files.iter().map(|(p, _, _)| p.as_slice()).collect();
        let mut common = paths.first().map_or(0, |p| p.len());
        for path in &paths {
            common = path
                .iter()
                .zip(&paths[0][..common])
                .take_while(|(a, b)| a == b)
                .count();
        }
        let folder = paths
            .first()
            .map(|p| &p[..memchr::memrchr(b'/', &p[..common]).map_or(0, |i| i + 1)])
            .unwrap_or_default();
        let files = self
            .files
            .iter()
            .map(|(path, name, _)| {
                let name = match path.ends_with(name.as_bytes()) {
                    true => Name::End(name.len()),
                    false => Name::Own(name.clone()),
                };
                (path[folder.len()..].to_vec(), name)
            })
            .collect();
        let first = self.files.first().map_or(0, |f| f.2);
        let in_a_row = (self.files.iter().enumerate()).all(|(i, f)| f.2 == first + i as u64);
        let wire = Wire {
            folder: folder.to_vec(),
            files,
            places: match in_a_row {
                true => Places::From(first),
                false => Places::Steps(
                    (self.files.iter().scan(0u64, |last, f| {
                        let step = f.2.wrapping_sub(*last);
                        *last = f.2;
                        Some(step)
                    }))
                    .collect(),
                ),
            },
            copies: self.copies.clone(),
            whole: self.whole.clone(),
        };
        zstd::bulk::compress(&encode(&wire), WIRE_LEVEL).expect("zstd compresses in memory")
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Share> {
        let unreadable = "a share of the corpus cannot be read";
        let bytes = zstd::stream::decode_all(bytes).context(unreadable)?;
        let wire: Wire = decode(&bytes).context(unreadable)?;
        let places: Vec<u64> = match &wire.places {
            Places::From(first) => (0..wire.files.len() as u64).map(|i| first + i).collect(),
            Places::Steps(steps) => (steps.iter())
                .scan(0u64, |last, step| {
                    *last = last.wrapping_add(*step);
                    Some(*last)
                })
                .collect(),
        };
        let place = |i: usize| places.get(i).copied();
        let mut files = Vec::with_capacity(wire.files.len());
        for (i, (rest, name)) in wire.files.into_iter().enumerate() {
            let path = [wire.folder.as_slice(), &rest].concat();
            let name = match name {
                Name::End(n) if n <= path.len() => {
                    String::from_utf8(path[path.len() - n..].to_vec()).context(unreadable)?
                }
                Name::End(_) => bail!(unreadable),
                Name::Own(name) => name,
            };
            files.push((path, name, place(i).context(unreadable)?));
        }
        Ok(Share {
            files,
            copies: wire.copies,
            whole: wire.whole,
        })
    }

    #[cfg(test)]
    pub(crate) fn whole(&self) -> &[String] {
        &self.whole
    }

    pub(super) fn source_files(&self) -> Vec<(SourceFile, u64)> {
        self.files
            .iter()
            .map(|(path, name, place)| {
                let file = SourceFile {
                    path: bytes_path(path),
                    name: name.clone(),
                };
                (file, *place)
            })
            .collect()
    }
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .as_os_str()
        .as_bytes()
        .to_vec()
}

#[cfg(unix)]
pub(super) fn bytes_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
pub(super) fn bytes_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_comes_back_from_its_bytes_as_it_was() {
        let file = |path: &[u8], name: &str, place| (path.to_vec(), name.to_string(), place);
        let shares = [
            Share::default(),
            Share {
                files: vec![
                    file(b"/corpus/2003/a.txt", "2003/a.txt", 7),
                    file(b"/corpus/2010/b.txt", "2010/b.txt", 8),
                    file(b"/corpus/2010/\xff.txt", "2010/\u{fffd}.txt", 9),
                ],
                copies: vec![8],
                whole: vec!["2003".into(), "2010".into()],
            },
            Share {
                files: vec![
                    file(b"/a/one.parquet", "one.parquet", 3 << TABLE_ROWS),
                    file(b"/b/two.txt", "two.txt", 1),
                    file(b"three.txt", "three.txt", 2),
                ],
                ..Share::default()
            },
        ];
        for share in shares {
            assert_eq!(Share::from_bytes(&share.to_bytes()).unwrap(), share);
        }
        // The paths of a folder of files are written once, and compressed.
        let many = Share {
            files: (0..10_000)
                .map(|i| {
                    let name = format!("doc{i:08}.txt");
                    file(format!("/data/corpus/{name}").as_bytes(), &name, i)
                })
                .collect(),
            ..Share::default()
        };
        let bytes = many.to_bytes();
        assert!(bytes.len() < 40_000, "{}", bytes.len());
        assert_eq!(Share::from_bytes(&bytes).unwrap(), many);
        // So are the places of files picked out of reading order (by their periods).
        let picked = Share {
            files: (many.files.iter().step_by(3))
                .map(|(p, n, place)| (p.clone(), n.clone(), place * 7 + place % 5))
                .collect(),
            ..Share::default()
        };
        let bytes = picked.to_bytes();
        assert!(bytes.len() < 20_000, "{}", bytes.len());
        assert_eq!(Share::from_bytes(&bytes).unwrap(), picked);
        assert!(Share::from_bytes(b"not a share").is_err());
    }

    /// `n` text files in `dir`, the `i`th of `size(i)` bytes.
    fn written(dir: &Path, n: usize, size: impl Fn(usize) -> usize) -> Vec<SourceFile> {
        (0..n)
            .map(|i| {
                let path = dir.join(format!("{i}.txt"));
                std::fs::write(&path, vec![b'a'; size(i)]).unwrap();
                SourceFile {
                    path,
                    name: format!("{i}.txt"),
                }
            })
            .collect()
    }

    #[test]
    fn text_files_are_shared_out_alike_in_bytes_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let files = written(dir.path(), 10, |i| 100 + i % 2);
        for (slots, wanted) in [(1, vec![5, 5]), (2, vec![3, 2, 3, 2]), (8, vec![1; 10])] {
            let shares = Files::of(&files).shares(slots);
            let sizes: Vec<usize> = shares.iter().map(|s| s.files.len()).collect();
            assert_eq!(sizes, wanted, "{slots} slots");
            let places: Vec<u64> = shares
                .iter()
                .flat_map(|s| s.files.iter().map(|f| f.2))
                .collect();
            assert_eq!(places, (0..10).collect::<Vec<u64>>());
        }
        // Empty files: one share.
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "").unwrap();
        let one = SourceFile {
            path: empty,
            name: "empty.txt".into(),
        };
        assert_eq!(Files::of(&[one.clone(), one]).shares(4).len(), 1);
    }

    #[test]
    fn a_period_smaller_than_a_share_is_counted_whole_in_one_share() {
        let dir = tempfile::tempdir().unwrap();
        // Twelve files of 100 bytes, their periods out of reading order: 2001 (places 0, 5),
        // 2002 (1, 6, 11), 2003 (2, 7), 2004 (3, 8), 2005 (4, 9: one text twice); 10 has no
        // dated document.
        let files = written(dir.path(), 12, |_| 100);
        let sha = |i: u64| [if i == 9 { 4 } else { i as u8 }; 32];
        let keys: Vec<super::super::Key> = (0..12u64)
            .filter(|&i| i != 10)
            .map(|i| (format!("{}", 2001 + i % 5), sha(i), i))
            .collect();
        let files = Files::of(&files);
        let w = |ps: &[&str]| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        // Two slots: four shares of 300 bytes; every period (at most 300 bytes) whole, in the
        // share its middle byte falls in when the files are put in the periods' order.
        let shares = files.count_shares(2, &keys);
        let places: Vec<Vec<u64>> = (shares.iter())
            .map(|s| s.files.iter().map(|f| f.2).collect())
            .collect();
        // (Largest first, as the engine is to hand them out.)
        let want: [Vec<u64>; 4] = [vec![2, 3, 7, 8], vec![1, 6, 11], vec![4, 9, 10], vec![0, 5]];
        assert_eq!(places, want);
        let whole: Vec<Vec<String>> = shares.iter().map(|s| s.whole.clone()).collect();
        let want = [
            w(&["2003", "2004"]),
            w(&["2002"]),
            w(&["2005"]),
            w(&["2001"]),
        ];
        assert_eq!(whole, want);
        let copies: Vec<Vec<u64>> = shares.iter().map(|s| s.copies.clone()).collect();
        assert_eq!(copies, [vec![], vec![], vec![9], vec![]]);
        // Three slots: six shares of 200 bytes; 2002, of 300, is cut between two shares and
        // is no share's whole.
        let shares = files.count_shares(3, &keys);
        let places: Vec<Vec<u64>> = (shares.iter())
            .map(|s| s.files.iter().map(|f| f.2).collect())
            .collect();
        let want: [Vec<u64>; 6] = [
            vec![4, 9, 10],
            vec![0, 5],
            vec![1, 6],
            vec![2, 7],
            vec![3, 8],
            vec![11],
        ];
        assert_eq!(places, want);
        let whole: Vec<Vec<String>> = shares.iter().map(|s| s.whole.clone()).collect();
        let want = [
            w(&["2005"]),
            w(&["2001"]),
            w(&[]),
            w(&["2003"]),
            w(&["2004"]),
            w(&[]),
        ];
        assert_eq!(whole, want);
    }
}
