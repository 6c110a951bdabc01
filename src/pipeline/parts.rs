//! A corpus read and counted in parts on several machines, the engine that moves the parts
//! left out: what the driver sends ([`Settings`], [`Share`]), what a machine does with a
//! share ([`look`] for copies, then [`count`]), what the engine's grouping by period holds
//! ([`Merged`]), and how the driver puts the finished parts together ([`assemble`]) into the
//! [`Read`] and [`Resolved`] that reading and counting on one machine give. Everything sent is
//! bytes (bincode), so any engine that can move bytes and group by a key can run a corpus.
//!
//! Copies of a text in a period are counted once, the first in reading order, as on one
//! machine. A share cannot see the others' texts, so a first, lighter pass ([`look`]: read,
//! date and hash, no words) finds the copies across the corpus, and the counting pass skips
//! every copy but the first.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::count::{self, CountOptions, FormsPart, PeriodMerge, PeriodPart, Tally};
use crate::ingest::date::DateOrder;
use crate::ingest::metadata::Metadata;
use crate::ingest::table::{Columns, TableFormat};
use crate::ingest::walk::{Skipped, SourceFile};
use crate::lexicon::{Lexicon, Matcher};
use crate::period::Periods;
use crate::tokenise::Tokeniser;

use super::read::{self, Copies, Read, ReadOptions, ReadPart};
use super::resolve::Resolved;
use super::setup::Words;

/// The version of the program, which driver and workers must share: the parts are read
/// back by the same code that wrote them.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The version a worker says it is (a test may pretend another with
/// `THEMESHIFT_CLUSTER_VERSION`, to see the mismatch refused).
fn own_version() -> String {
    std::env::var("THEMESHIFT_CLUSTER_VERSION").unwrap_or_else(|_| VERSION.to_string())
}

/// How documents are read and counted: what every machine must agree on, sent by the driver
/// with each share (the lexicon and stopwords as text: only the corpus is shared).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Settings {
    version: String,
    /// The tokeniser's and the lexicon's text.
    words: Words,
    period: Periods,
    date_order: DateOrder,
    encoding: Option<String>,
    columns: Columns,
    count: CountOptions,
    /// The input is one file (a table that fails is then an error, not a skipped file).
    input: PathBuf,
}

impl Settings {
    /// The settings of a run of `config` with the words it was set up with, counting what
    /// discovery settled (`count`).
    pub(crate) fn new(
        config: &crate::config::Config,
        words: &Words,
        count: CountOptions,
    ) -> Result<Settings> {
        Ok(Settings {
            version: VERSION.to_string(),
            words: words.clone(),
            period: config.period.clone(),
            date_order: config.date_order,
            encoding: config.encoding.map(|e| e.name().to_string()),
            columns: config.columns.clone(),
            count,
            input: std::path::absolute(&config.input).unwrap_or_else(|_| config.input.clone()),
        })
    }

    /// The settings as bytes, to send: JSON (small, and self-describing, so that a driver
    /// of another version is still read far enough to be told so).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("settings are plain data")
    }

    /// Settings sent by a driver: refused when the driver runs another version.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Settings> {
        let sent: serde_json::Value =
            serde_json::from_slice(bytes).context("the driver's settings cannot be read")?;
        let version = sent["version"].as_str().unwrap_or("unknown");
        let mine = own_version();
        if version != mine {
            bail!(
                "versions differ: the driver is themeshift {version}, this executor is \
                 themeshift {mine}; run the same version on every machine"
            );
        }
        serde_json::from_value(sent).context("the driver's settings cannot be read")
    }

    fn encoding(&self) -> Option<&'static encoding_rs::Encoding> {
        self.encoding
            .as_deref()
            .and_then(|e| encoding_rs::Encoding::for_label(e.as_bytes()))
    }
}

/// Some of a corpus's files, each with the place of its first document in reading order,
/// and the places of the copies not to count (when counting). Sent as [`Wire`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Share {
    /// (path as bytes, name, place).
    files: Vec<(Vec<u8>, String, u64)>,
    copies: Vec<u64>,
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
/// their bytes into about [`SHARES_PER_SLOT`] shares for each of the cluster's `slots` (and no
/// share above [`TEXT_BYTES_PER_SHARE`] but a single larger file), so that a folder of many
/// small files and one of a few large ones spread alike; each table file alone. Places are
/// those of one machine for text files (their order), and, for the rows of the `k`th table,
/// `(texts + k) << 32` plus the row's number: the same order as on one machine, where a
/// table's rows follow the rows before.
pub(crate) fn shares(files: &[SourceFile], slots: usize) -> Vec<Share> {
    use rayon::prelude::*;
    let (tables, texts): (Vec<&SourceFile>, Vec<&SourceFile>) = files
        .iter()
        .partition(|f| TableFormat::of(&f.path).is_some());
    let sizes: Vec<u64> = texts
        .par_iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect();
    let total: u64 = sizes.iter().sum();
    let wanted = (slots.max(1) * SHARES_PER_SLOT) as u64;
    let most = total.div_ceil(wanted).clamp(1, TEXT_BYTES_PER_SHARE);
    let entry = |f: &SourceFile, place: u64| (path_bytes(&f.path), f.name.clone(), place);
    let mut shares = Vec::new();
    let mut share = Share::default();
    let mut bytes = 0;
    for (i, (f, size)) in texts.iter().zip(sizes).enumerate() {
        if !share.files.is_empty() && bytes + size > most {
            shares.push(std::mem::take(&mut share));
            bytes = 0;
        }
        bytes += size;
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

    fn source_files(&self) -> Vec<(SourceFile, u64)> {
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
fn bytes_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn bytes_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// What a worker reads and counts with: the settings, and what is built from them.
struct Worker {
    settings: Settings,
    built: Arc<Built>,
}

/// What a worker builds from the settings before it reads: the tokeniser, the lexicon and
/// metadata.csv (read from the shared input folder when a share has text files). Kept for the
/// next share of the same run ([`Built::of`]): a run's shares are many, and building the
/// lexicon's patterns and reading metadata.csv once a share was a cost of every task.
struct Built {
    words: Words,
    input: PathBuf,
    date_order: DateOrder,
    /// metadata.csv's size and time of change, when it was read: another run may change it.
    metadata_file: Option<(u64, std::time::SystemTime)>,
    tokeniser: Tokeniser,
    lexicon: Lexicon,
    metadata: Metadata,
}

impl Built {
    /// What `settings` build, for a share with text files (`texts`) or without: the last
    /// built, when it was built from the same.
    fn of(settings: &Settings, texts: bool) -> Result<Arc<Built>> {
        static LAST: std::sync::Mutex<Option<Arc<Built>>> = std::sync::Mutex::new(None);
        let file = settings.input.join("metadata.csv");
        let metadata_file = match texts && settings.input.is_dir() {
            true => std::fs::metadata(&file)
                .ok()
                .map(|m| (m.len(), m.modified().unwrap_or(std::time::UNIX_EPOCH))),
            false => None,
        };
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(built) = last.as_ref().filter(|b| {
            b.words == settings.words
                && b.input == settings.input
                && b.date_order == settings.date_order
                && b.metadata_file == metadata_file
        }) {
            return Ok(built.clone());
        }
        let setup = settings.words.clone().setup()?;
        let metadata = match metadata_file {
            Some(_) => crate::ingest::metadata::load(&file, settings.date_order)?,
            None => Metadata::default(),
        };
        let built = Arc::new(Built {
            words: settings.words.clone(),
            input: settings.input.clone(),
            date_order: settings.date_order,
            metadata_file,
            tokeniser: setup.tokeniser,
            lexicon: setup.lexicon,
            metadata,
        });
        *last = Some(built.clone());
        Ok(built)
    }
}

/// The corpus root of this process (an executor's `--corpus-root`), resolved; set once, at
/// its start. A worker reads no file outside it.
static CORPUS_ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Sets this process's corpus root ([`CORPUS_ROOT`]).
#[cfg(feature = "cluster")]
pub(crate) fn set_corpus_root(root: &Path) -> Result<()> {
    let resolved = std::fs::canonicalize(root)
        .with_context(|| format!("the corpus root {} cannot be read", root.display()))?;
    if !resolved.is_dir() {
        bail!("the corpus root {} is not a folder", root.display());
    }
    let _ = CORPUS_ROOT.set(resolved);
    Ok(())
}

/// Fails when `path` (with `..` and symbolic links resolved) lies outside `root`.
fn inside(path: &Path, root: &Path) -> Result<()> {
    inside_as(path, path, root)
}

/// Fails when `folder` (resolved) lies outside `root`, naming `path` (a file in it).
fn inside_as(folder: &Path, path: &Path, root: &Path) -> Result<()> {
    let resolved = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    if resolved.starts_with(root) {
        return Ok(());
    }
    bail!(
        "the machine {} refuses to read {}: it lies outside its --corpus-root {}",
        machine_name(),
        path.display(),
        root.display()
    )
}

impl Worker {
    /// Fails when a file of the share is not there: on a cluster, a machine on which the
    /// shared folder is not mounted (or is mounted elsewhere) would otherwise skip it; and,
    /// on a machine with a corpus root, when a file or the input folder lies outside it.
    fn new(settings: Settings, share: &Share) -> Result<Worker> {
        let root = CORPUS_ROOT.get();
        if let Some(root) = root {
            inside(&settings.input, root)?;
            let metadata = settings.input.join("metadata.csv");
            if metadata.exists() {
                inside(&metadata, root)?;
            }
        }
        // A file that is not a link lies where its folder lies: each folder is resolved once.
        let mut folders: FxHashSet<&[u8]> = FxHashSet::default();
        for (bytes, _, _) in &share.files {
            let path = bytes_path(bytes);
            let unreadable = |e: std::io::Error| {
                anyhow::anyhow!(
                    "the machine {} cannot read {}: {e}; every executor must see the corpus at \
                     the path the driver reads it at",
                    machine_name(),
                    path.display()
                )
            };
            let link = std::fs::symlink_metadata(&path)
                .map_err(unreadable)?
                .is_symlink();
            if link {
                std::fs::metadata(&path).map_err(unreadable)?;
            }
            let Some(root) = root else { continue };
            let folder = &bytes[..memchr::memrchr(b'/', bytes).map_or(0, |i| i + 1)];
            if link {
                inside(&path, root)?;
            } else if folders.insert(folder) {
                let folder = match folder.is_empty() {
                    true => PathBuf::from("."),
                    false => bytes_path(folder),
                };
                inside_as(&folder, &path, root)?;
            }
        }
        let texts = share
            .files
            .iter()
            .any(|(p, _, _)| TableFormat::of(&bytes_path(p)).is_none());
        let built = Built::of(&settings, texts)?;
        Ok(Worker { settings, built })
    }

    fn read(&self, share: &Share, copies: Copies) -> (ReadPart, Vec<Tally>) {
        let s = &self.settings;
        let options = ReadOptions {
            period: &s.period,
            date_order: s.date_order,
            encoding: s.encoding(),
            columns: &s.columns,
            search_undated: false,
            input: &s.input,
        };
        let matcher = Matcher::new(&self.built.lexicon);
        let files = share.source_files();
        let setup = (&self.built.tokeniser, &matcher);
        read::read_part(
            &files,
            copies,
            &self.built.metadata,
            setup,
            &options,
            s.count,
        )
    }
}

/// This machine's name, for messages.
fn machine_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "this machine".to_string())
}

/// A document's key for the look for copies: its period, its text's SHA-256, its place.
pub(crate) type Key = (String, [u8; 32], u64);

/// The first pass over a share: its dated documents' keys (no words split).
pub(crate) fn look(share: &Share, settings: Settings) -> Result<Vec<Key>> {
    let worker = Worker::new(settings, share)?;
    let (part, _) = worker.read(share, Copies::None);
    Ok(part
        .docs()
        .iter()
        .filter_map(|d| Some((d.period.as_deref()?.to_string(), d.sha256, d.place)))
        .collect())
}

/// The copies not to count, from the places of each text's copies in a period: all but the
/// first in reading order.
pub(crate) fn copies(groups: impl IntoIterator<Item = Vec<u64>>) -> FxHashSet<u64> {
    let mut copies = FxHashSet::default();
    for mut places in groups {
        places.sort_unstable();
        copies.extend(places.into_iter().skip(1));
    }
    copies
}

/// What a share gives, and what the grouping by period holds.
#[derive(Debug, Serialize, Deserialize)]
enum Part {
    /// A period's counts.
    Period(PeriodPart),
    /// The records and forms, which belong to no period.
    Read(ReadPart, FormsPart),
}

/// The second pass over a share: its documents read and counted (but the copies the share
/// names), as (period, bytes) for each period it holds and (`None`, bytes) for the rest.
pub(crate) fn count(share: &Share, settings: Settings) -> Result<Vec<(Option<String>, Vec<u8>)>> {
    let kwic_max = settings.count.kwic_max;
    let worker = Worker::new(settings, share)?;
    let copies: FxHashSet<u64> = share.copies.iter().copied().collect();
    let (part, tallies) = worker.read(share, Copies::AllBut(&copies));
    let periods: Vec<String> = Tally::period_tokens(&tallies).into_keys().collect();
    let options = count::CombineOptions {
        prune_below: None,
        first_docs_in: &periods,
        places: &FxHashMap::default(),
    };
    let unreadable = "reading back the per-document log from its temporary file";
    let (counts, first) = count::combine(tallies, &options).context(unreadable)?;
    let (periods, forms) = counts.into_parts(&first, kwic_max).context(unreadable)?;
    let mut out: Vec<(Option<String>, Vec<u8>)> = periods
        .into_iter()
        .map(|p| (Some(p.label.clone()), encode(&Part::Period(p))))
        .collect();
    out.push((None, encode(&Part::Read(part, forms))));
    Ok(out)
}

/// The parts of one group merged: a period's counts, or the records and forms.
pub(crate) enum Merged {
    Empty,
    /// One part, as it came: passed on as it is when no other joins it (an engine's partial
    /// aggregation of one share's part), so that it is not read and written again for nothing.
    One(Vec<u8>),
    Period(PeriodMerge),
    Read(ReadPart, FormsPart),
}

impl Merged {
    /// Adds a part, as bytes.
    pub(crate) fn add(&mut self, bytes: &[u8]) -> Result<()> {
        match std::mem::replace(self, Merged::Empty) {
            Merged::Empty => {
                *self = Merged::One(bytes.to_vec());
                return Ok(());
            }
            Merged::One(first) => self.join(&first)?,
            merged => *self = merged,
        }
        self.join(bytes)
    }

    /// Reads a part and merges it in.
    fn join(&mut self, bytes: &[u8]) -> Result<()> {
        let part: Part = decode(bytes).context("a part of the counts cannot be read")?;
        *self = match (std::mem::replace(self, Merged::Empty), part) {
            (Merged::Empty, Part::Period(p)) => Merged::Period(PeriodMerge::new(p)?),
            (Merged::Empty, Part::Read(r, f)) => Merged::Read(r, f),
            (Merged::Period(mut m), Part::Period(p)) => {
                m.add(p)?;
                Merged::Period(m)
            }
            (Merged::Read(r, f), Part::Read(r2, f2)) => Merged::Read(r.merge(r2), f.merge(f2)),
            _ => bail!("the parts of a period and the records cannot be merged"),
        };
        Ok(())
    }

    /// The parts merged so far, as bytes (to merge on with others elsewhere).
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        Ok(match self {
            Merged::Empty => Vec::new(),
            Merged::One(bytes) => bytes.clone(),
            Merged::Period(m) => encode(&Part::Period(m.to_part()?)),
            Merged::Read(r, f) => encode(&(PartRef::Read(r, f))),
        })
    }

    /// Every part is in: a period's dispersion is worked out. As bytes.
    pub(crate) fn finish(self) -> Result<Vec<u8>> {
        Ok(match self {
            Merged::Empty => Vec::new(),
            Merged::One(bytes) => {
                let mut merged = Merged::Empty;
                merged.join(&bytes)?;
                match merged {
                    Merged::Read(..) => bytes,
                    merged => merged.finish()?,
                }
            }
            Merged::Period(m) => encode(&Part::Period(m.finish()?)),
            Merged::Read(r, f) => encode(&Part::Read(r, f)),
        })
    }
}

/// [`Part`] by reference, to encode without a copy (the same bytes).
#[derive(Serialize)]
enum PartRef<'a> {
    #[allow(dead_code)] // encoded as Part::Period, whose place it keeps
    Period(&'a PeriodPart),
    Read(&'a ReadPart, &'a FormsPart),
}

/// What the driver knows before the parts come back: the walk's skipped files, the input,
/// metadata.csv, and the settings' concordance sample and phrase threshold.
pub(crate) struct Known<'a> {
    pub(crate) walk_skipped: Vec<Skipped>,
    pub(crate) input: &'a Path,
    pub(crate) metadata: Metadata,
    pub(crate) min_count: u64,
    pub(crate) kwic_max: usize,
}

/// The read stage's and resolve stage's results from the finished parts (as bytes), as one
/// machine gives them.
pub(crate) fn assemble(parts: Vec<Vec<u8>>, known: Known) -> Result<(Read, Resolved)> {
    let mut periods = Vec::new();
    let mut read = ReadPart::default();
    let mut forms = FormsPart::default();
    for bytes in parts.iter().filter(|b| !b.is_empty()) {
        match decode::<Part>(bytes).context("a part of the counts cannot be read")? {
            Part::Period(p) => periods.push(p),
            Part::Read(r, f) => {
                read = read.merge(r);
                forms = forms.merge(f);
            }
        }
    }
    drop(parts);
    let mut read = read.into_read(known.walk_skipped, known.input, known.metadata)?;
    let (mut counts, first_docs) = count::assemble(periods, forms)?;
    let canonical = crate::corpus::Canonical::of(&mut read.docs);
    canonical.rename(&mut counts.kwic);
    counts.prune_phrases(known.min_count);
    counts.kwic_sample(known.kwic_max);
    let runs_written = 0;
    let resolved = Resolved {
        counts,
        first_docs,
        runs_written,
    };
    Ok((read, resolved))
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    bincode::serde::encode_to_vec(value, bincode::config::standard())
        .expect("counts are plain data and encode")
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let (value, read) = bincode::serde::decode_from_slice(bytes, bincode::config::standard())?;
    if read != bytes.len() {
        bail!("{} bytes left over", bytes.len() - read);
    }
    Ok(value)
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
}
