//! A [`Worker`]: what an executor reads a share with, built from the driver's settings
//! ([`Built`], kept for the run's next share), within the machine's corpus root.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Result};
use rustc_hash::FxHashSet;

use super::share::{bytes_path, Share};
use super::Settings;
use crate::count::Tally;
use crate::ingest::date::DateOrder;
use crate::ingest::metadata::Metadata;
use crate::ingest::table::TableFormat;
use crate::lexicon::{Lexicon, Matcher};
use crate::pipeline::read::{self, Copies, ReadOptions, ReadPart};
use crate::pipeline::setup::Words;
use crate::tokenise::Tokeniser;

/// What a worker reads and counts with: the settings, and what is built from them.
pub(super) struct Worker {
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
    use anyhow::Context;
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
    pub(super) fn new(settings: Settings, share: &Share) -> Result<Worker> {
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

    pub(super) fn read(&self, share: &Share, copies: Copies) -> (ReadPart, Vec<Tally>) {
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
