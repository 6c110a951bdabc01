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
/// and the places of the copies not to count (when counting). Sent as [`Wire`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Share {
    /// (path as bytes, name, place).
    pub(super) files: Vec<(Vec<u8>, String, u64)>,
    pub(super) copies: Vec<u64>,
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

/// The corpus's files in shares, in reading order: text files (in the order found) cut by
/// their bytes into [`SHARES_PER_SLOT`] shares for each of the cluster's `slots` at most
/// (more when that would make shares above [`TEXT_BYTES_PER_SHARE`]), so that a folder of many
/// small files and one of a few large ones spread alike; each table file alone. Places are
/// those of one machine for text files (their order), and, for the rows of the `k`th table,
/// `(texts + k) << 32` plus the row's number: the same order as on one machine, where a
/// table's rows follow the rows before.
pub(crate) fn shares(files: &[SourceFile], slots: usize) -> Vec<Share> {
    use rayon::prelude::*;
    let (tables, texts): (Vec<&SourceFile>, Vec<&SourceFile>) = files
        .iter()
        .partition(|f| TableFormat::of(&f.path).is_some());
    // A compressed file counts as its text, as the progress bar counts it.
    let sizes: Vec<u64> = texts.par_iter().map(|f| discover::size(f)).collect();
    let total: u64 = sizes.iter().sum();
    let wanted =
        ((slots.max(1) * SHARES_PER_SLOT) as u64).max(total.div_ceil(TEXT_BYTES_PER_SHARE));
    let entry = |f: &SourceFile, place: u64| (path_bytes(&f.path), f.name.clone(), place);
    let mut shares = Vec::new();
    let mut share = Share::default();
    // A file joins the share its middle byte falls in when the bytes are cut in `wanted`
    // equal lengths: at most `wanted` shares, alike in bytes (a cut at the first file past a
    // length left a last share of the few bytes short of every other).
    let (mut before, mut current) = (0u64, 0u64);
    for (i, (f, size)) in texts.iter().zip(sizes).enumerate() {
        let middle = u128::from(before + size / 2);
        let which = (middle * u128::from(wanted) / u128::from(total.max(1))) as u64;
        if which != current && !share.files.is_empty() {
            shares.push(std::mem::take(&mut share));
        }
        current = which;
        before += size;
        share.files.push(entry(f, i as u64));
    }
    if !share.files.is_empty() {
        shares.push(share);
    }
    let first = texts.len() as u64;
    for (k, f) in tables.iter().enumerate() {
        shares.push(Share {
            files: vec![entry(f, (first + k as u64) << TABLE_ROWS)],
            copies: Vec::new(),
        });
    }
    shares
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
    Each(Vec<u64>),
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
                false => Places::Each(self.files.iter().map(|f| f.2).collect()),
            },
            copies: self.copies.clone(),
        };
        zstd::bulk::compress(&encode(&wire), WIRE_LEVEL).expect("zstd compresses in memory")
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Share> {
        let unreadable = "a share of the corpus cannot be read";
        let bytes = zstd::stream::decode_all(bytes).context(unreadable)?;
        let wire: Wire = decode(&bytes).context(unreadable)?;
        let place = |i: usize| match &wire.places {
            Places::From(first) => Some(first + i as u64),
            Places::Each(places) => places.get(i).copied(),
        };
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
        })
    }

    /// The share with the copies among its documents that are not to be counted.
    pub(crate) fn with_copies(&self, copies: &FxHashSet<u64>) -> Share {
        // A text file's document stands at its place; a table's rows share its place's
        // high bits.
        let (mut texts, mut tables) = (FxHashSet::default(), FxHashSet::default());
        for (path, _, first) in &self.files {
            match TableFormat::of(&bytes_path(path)) {
                Some(_) => tables.insert(first >> TABLE_ROWS),
                None => texts.insert(*first),
            };
        }
        let mut mine: Vec<u64> = copies
            .iter()
            .copied()
            .filter(|p| texts.contains(p) || tables.contains(&(p >> TABLE_ROWS)))
            .collect();
        mine.sort_unstable();
        Share {
            files: self.files.clone(),
            copies: mine,
        }
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
            },
            Share {
                files: vec![
                    file(b"/a/one.parquet", "one.parquet", 3 << TABLE_ROWS),
                    file(b"/b/two.txt", "two.txt", 1),
                    file(b"three.txt", "three.txt", 2),
                ],
                copies: Vec::new(),
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
            copies: Vec::new(),
        };
        let bytes = many.to_bytes();
        assert!(bytes.len() < 40_000, "{}", bytes.len());
        assert_eq!(Share::from_bytes(&bytes).unwrap(), many);
        assert!(Share::from_bytes(b"not a share").is_err());
    }

    #[test]
    fn text_files_are_shared_out_alike_in_bytes_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<SourceFile> = (0..10)
            .map(|i| {
                let path = dir.path().join(format!("{i}.txt"));
                std::fs::write(&path, vec![b'a'; 100 + i % 2]).unwrap();
                SourceFile {
                    path,
                    name: format!("{i}.txt"),
                }
            })
            .collect();
        for (slots, wanted) in [(1, vec![5, 5]), (2, vec![3, 2, 3, 2]), (8, vec![1; 10])] {
            let shares = shares(&files, slots);
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
        assert_eq!(shares(&[one.clone(), one], 4).len(), 1);
    }
}
