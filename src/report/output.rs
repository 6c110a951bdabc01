//! Writing the output folder all at once: files go into a hidden staging folder beside the
//! target, and only when every file is written is the staging folder swapped in. A failed or
//! interrupted run leaves the previous results as they were.

use std::path::{Path, PathBuf};

use std::io::Write;

use anyhow::{Context, Result};

use crate::error::InputError;

/// A staging folder that becomes the output folder on [`Staging::commit`]. Dropped without
/// committing, it is deleted.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    /// Names written so far (from any thread).
    written: std::sync::Mutex<Vec<String>>,
}

/// Name prefix of staging folders; the process id follows, then a random part.
const STAGING: &str = ".themeshift-staging-";

/// Removes staging folders left in `parent` by runs that were killed before they could
/// clean up: those whose process no longer exists. Needs `/proc` (Linux); elsewhere they
/// stay, hidden, until removed by hand.
fn remove_abandoned(parent: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(STAGING)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Writes one file whole or not at all: to a temporary file beside `path`, then renamed
/// over it, so a failed or interrupted write leaves any earlier file as it was.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let unwritable = |e: std::io::Error| InputError::OutputNotWritable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if path.is_dir() {
        return Err(InputError::OutputNotWritable {
            path: path.to_path_buf(),
            reason: "it is a folder, not a file".into(),
        }
        .into());
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(unwritable)?;
    let mut file = tempfile::Builder::new()
        .prefix(".themeshift-")
        .tempfile_in(&parent)
        .map_err(unwritable)?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path).map_err(|e| unwritable(e.error))?;
    Ok(())
}

impl Staging {
    /// Creates the staging folder next to `target` (creating `target`'s parent if needed).
    pub fn new(target: &Path) -> Result<Staging> {
        let unwritable = |e: std::io::Error| InputError::OutputNotWritable {
            path: target.to_path_buf(),
            reason: e.to_string(),
        };
        if target.exists() && !target.is_dir() {
            return Err(InputError::OutputNotWritable {
                path: target.to_path_buf(),
                reason: "it is a file, not a folder".into(),
            }
            .into());
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(unwritable)?;
        remove_abandoned(&parent);
        let prefix = format!("{STAGING}{}-", std::process::id());
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(&parent)
            .map_err(unwritable)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            written: Default::default(),
        })
    }

    /// Writes `bytes` to `name` (a `/`-separated path inside the output folder).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        self.write_with(name, |out| Ok(out.write_all(bytes)?))
    }

    /// Creates `name` (a `/`-separated path inside the output folder) and lets `fill` write
    /// it through a buffer, so a large file need not be held in memory first. Files may be
    /// written from several threads at once.
    pub fn write_with(
        &self,
        name: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
    ) -> Result<()> {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut out)
            .and_then(|()| Ok(out.flush()?))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.written
            .lock()
            .expect("no panics while holding it")
            .push(name.to_string());
        Ok(())
    }

    /// Replaces the target folder with the staged files; returns the names written.
    pub fn commit(self) -> Result<Vec<String>> {
        let Staging {
            dir,
            target,
            written,
        } = self;
        let staged = dir.keep();
        let old = if target.exists() {
            let aside = staged.with_file_name(format!(
                ".themeshift-old-{}",
                staged.file_name().and_then(|n| n.to_str()).unwrap_or("run")
            ));
            std::fs::rename(&target, &aside).map_err(|e| {
                let _ = std::fs::remove_dir_all(&staged);
                InputError::OutputNotWritable {
                    path: target.clone(),
                    reason: format!("cannot replace the previous results: {e}"),
                }
            })?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&staged, &target) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &target);
            }
            let _ = std::fs::remove_dir_all(&staged);
            return Err(InputError::OutputNotWritable {
                path: target,
                reason: e.to_string(),
            }
            .into());
        }
        if let Some(old) = old {
            std::fs::remove_dir_all(&old).with_context(|| {
                format!("cannot remove the previous results in {}", old.display())
            })?;
        }
        // Files of the folder first, then those in subfolders, each in name order: the same
        // list whatever order the threads wrote them in.
        let mut written = written.into_inner().expect("no panics while holding it");
        written.sort_by(|a, b| (a.contains('/'), a).cmp(&(b.contains('/'), b)));
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_previous_results_and_drop_leaves_them() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.csv"), "old").unwrap();

        let s = Staging::new(&target).unwrap();
        s.write("new.csv", b"new").unwrap();
        drop(s);
        assert!(
            target.join("old.csv").exists(),
            "an abandoned run keeps the old results"
        );

        let s = Staging::new(&target).unwrap();
        s.write("charts/a.png", b"png").unwrap();
        assert_eq!(s.commit().unwrap(), ["charts/a.png"]);
        assert!(!target.join("old.csv").exists());
        assert!(target.join("charts/a.png").exists());
        let leftovers: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }

    #[test]
    fn a_file_in_the_way_is_an_input_error() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        std::fs::write(&target, "x").unwrap();
        let e = Staging::new(&target).err().unwrap();
        assert!(e.to_string().contains("is a file"));
    }
}
