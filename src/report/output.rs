//! Writing the output folder all at once: files go into a hidden staging folder beside the
//! target, made when the run starts (after [`super::claim`] has said the target may be
//! replaced, and locked it), and only when every file is written is the staging folder
//! swapped in. A failed or interrupted run leaves the previous results as they were.

use std::path::{Path, PathBuf};

use std::io::Write;

use anyhow::{Context, Result};

use super::claim::{self, Protected, Relation};
use super::summary::printable;
use crate::error::InputError;

/// What a run may do to its output folder.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    /// `--force`: replace a folder that is not a previous output (never one that holds or
    /// lies inside an input).
    pub(crate) force: bool,
    /// What the run reads.
    pub(crate) protected: Vec<Protected>,
    /// Print nothing but errors.
    pub(crate) quiet: bool,
}

/// A staging folder that becomes the output folder on [`Staging::commit`]. Dropped without
/// committing, it is deleted, the lock let go and the folders made for it removed.
pub(crate) struct Staging {
    dir: tempfile::TempDir,
    /// The output folder, resolved ([`claim::resolve`]).
    target: PathBuf,
    /// As the user gave it, for messages.
    shown: PathBuf,
    /// Whether a folder that is not a previous output may be replaced.
    may_replace_any: bool,
    /// Inside this input folder, when it is.
    inside: Option<Protected>,
    quiet: bool,
    /// Names written so far (from any thread).
    written: std::sync::Mutex<Vec<String>>,
    /// Held until the staging folder is swapped in or removed.
    _lock: claim::Lock,
    /// Folders above the target that did not exist: removed again when left empty.
    _made: Made,
}

/// Folders made for an output folder, deepest first; those left empty are removed on drop.
struct Made(Vec<PathBuf>);

impl Drop for Made {
    fn drop(&mut self) {
        for dir in &self.0 {
            // Only an empty folder can be removed this way: a committed output stays.
            let _ = std::fs::remove_dir(dir);
        }
    }
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
/// over it, so a failed or interrupted write leaves any earlier file as it was. A symbolic
/// link is written through (the file it points to is replaced, the link stays), and a file
/// that is one of `protected` or lies inside one is refused.
pub(crate) fn write_file(path: &Path, bytes: &[u8], protected: &[Protected]) -> Result<()> {
    let unwritable = |e: std::io::Error| InputError::OutputNotWritable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let real = file_to_write(path, protected)?;
    let parent = real.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(parent).map_err(unwritable)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".themeshift-");
    #[cfg(unix)]
    let (new_file, replaced) = permissions_for(&real);
    #[cfg(unix)]
    builder.permissions(new_file);
    let mut file = builder.tempfile_in(parent).map_err(unwritable)?;
    #[cfg(unix)]
    if let Some(replaced) = replaced {
        file.as_file()
            .set_permissions(replaced)
            .map_err(unwritable)?;
    }
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(&real).map_err(|e| unwritable(e.error))?;
    Ok(())
}

/// The file a write to `path` reaches (through symbolic links), refused when it is a folder,
/// one of `protected` or inside one: called before a run reads anything, and again by
/// [`write_file`].
pub(crate) fn file_to_write(path: &Path, protected: &[Protected]) -> Result<PathBuf, InputError> {
    let real = claim::resolve_file(path).map_err(|e| InputError::OutputNotWritable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    for p in protected {
        let Ok(input) = claim::resolve(&p.path) else {
            continue;
        };
        let how = if real == input {
            "is"
        } else if real.starts_with(&input) {
            "lies inside"
        } else {
            continue;
        };
        return Err(InputError::CsvIsInput {
            path: path.to_path_buf(),
            how,
            what: p.what,
            input: p.path.clone(),
        });
    }
    if real.is_dir() {
        return Err(InputError::OutputNotWritable {
            path: path.to_path_buf(),
            reason: "it is a folder, not a file".into(),
        });
    }
    Ok(real)
}

/// The permissions a file replacing `path` gets: the replaced file's, or for a new file
/// what the user's umask leaves of read and write for all (not a temporary file's 0600).
#[cfg(unix)]
fn permissions_for(path: &Path) -> (std::fs::Permissions, Option<std::fs::Permissions>) {
    use std::os::unix::fs::PermissionsExt;
    (
        std::fs::Permissions::from_mode(0o666),
        std::fs::metadata(path).ok().map(|m| m.permissions()),
    )
}

impl Staging {
    /// Claims the output folder `target` by `rules` and creates the staging folder next to
    /// it (creating `target`'s parent if needed), before the run reads anything: refuses a
    /// target that is or holds an input, or holds files themeshift did not write (unless
    /// `--force`, and never inside an input folder); takes the lock; puts back results a
    /// killed run left aside; removes staging folders of runs that are gone.
    pub(crate) fn claim(target: &Path, rules: &Rules) -> Result<Staging> {
        let unwritable = |e: std::io::Error| InputError::OutputNotWritable {
            path: target.to_path_buf(),
            reason: e.to_string(),
        };
        let real = claim::resolve(target).map_err(unwritable)?;
        let inside = match claim::against_inputs(&real, target, &rules.protected)? {
            Relation::Inside(p) => Some(p.clone()),
            Relation::Apart => None,
        };
        let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
            return Err(InputError::OutputNotWritable {
                path: target.to_path_buf(),
                reason: "the root folder cannot be an output folder".into(),
            }
            .into());
        };
        let name = name.to_string_lossy().into_owned();
        if real.exists() && !real.is_dir() {
            return Err(InputError::OutputNotWritable {
                path: target.to_path_buf(),
                reason: "it is a file, not a folder".into(),
            }
            .into());
        }
        let made = Made(
            parent
                .ancestors()
                .take_while(|a| !a.exists())
                .map(Path::to_path_buf)
                .collect(),
        );
        std::fs::create_dir_all(parent).map_err(unwritable)?;
        let lock = claim::Lock::take(parent, &name, target)?;
        if let Some(said) = claim::recover(parent, &name, &real) {
            if !rules.quiet {
                eprintln!("themeshift: {}", printable(&said));
            }
        }
        remove_abandoned(parent);
        let staging = Staging {
            dir: tempfile::Builder::new()
                .prefix(&format!("{STAGING}{}-", std::process::id()))
                .tempdir_in(parent)
                .map_err(unwritable)?,
            target: real,
            shown: target.to_path_buf(),
            may_replace_any: rules.force && inside.is_none(),
            inside,
            quiet: rules.quiet,
            written: Default::default(),
            _lock: lock,
            _made: made,
        };
        staging.may_replace()?;
        Ok(staging)
    }

    /// Fails when the target holds files themeshift did not write and may not replace.
    fn may_replace(&self) -> Result<(), InputError> {
        if self.may_replace_any || !self.target.exists() {
            return Ok(());
        }
        let foreign =
            claim::foreign_entries(&self.target).map_err(|e| InputError::OutputNotWritable {
                path: self.shown.clone(),
                reason: e.to_string(),
            })?;
        if foreign.is_empty() {
            Ok(())
        } else {
            Err(claim::not_ours(&self.shown, &foreign, self.inside.as_ref()))
        }
    }

    /// `name` (a `/`-separated path inside the output folder) as the user will find it once
    /// the run is over: for messages.
    pub(crate) fn shown(&self, name: &str) -> PathBuf {
        self.shown.join(name)
    }

    /// Writes `bytes` to `name` (a `/`-separated path inside the output folder).
    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        self.write_with(name, |out| Ok(out.write_all(bytes)?))
    }

    /// The staging folder, for temporary files of a write (which must be gone by the commit).
    pub(crate) fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// Creates `name` (a `/`-separated path inside the output folder) and lets `fill` write
    /// it through a buffer, so a large file need not be held in memory first. Files may be
    /// written from several threads at once.
    pub(crate) fn write_with(
        &self,
        name: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
    ) -> Result<()> {
        let path = self.dir.path().join(name);
        // Errors name the file as the user will find it (`results/keyness.csv`), not the
        // hidden staging folder it is written in first.
        let shown = || format!("cannot write {}", self.shown(name).display());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(shown)?;
        }
        let file = std::fs::File::create(&path).with_context(shown)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut out)
            .and_then(|()| Ok(out.flush()?))
            .with_context(shown)?;
        self.written
            .lock()
            .expect("no panics while holding it")
            .push(name.to_string());
        Ok(())
    }

    /// Replaces the target folder with the staged files and the marker; returns the names
    /// written (the marker aside). The target is looked at again first: a file put in it
    /// since the run began stops the swap.
    pub(crate) fn commit(self) -> Result<Vec<String>> {
        self.may_replace()?;
        // Files of the folder first, then those in subfolders, each in name order: the same
        // list whatever order the threads wrote them in.
        let mut written = std::mem::take(&mut *self.written.lock().expect("no panics"));
        written.sort_by(|a, b| (a.contains('/'), a).cmp(&(b.contains('/'), b)));
        self.write(claim::MARKER, claim::marker(&written).as_bytes())?;
        let Staging {
            dir, target, quiet, ..
        } = self;
        let staged = dir.keep();
        let run = staged
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit('-').next())
            .unwrap_or("run")
            .to_string();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = if target.exists() {
            let aside = staged.with_file_name(claim::aside_name(&run, &name));
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
        // The new results are in place: previous ones that cannot be removed now are removed
        // by the next run into this folder.
        if let Some(old) = old {
            if let Err(e) = std::fs::remove_dir_all(&old) {
                if !quiet {
                    let said = format!(
                        "could not remove the previous results in {} ({e}); the next run into \
                         this folder removes them",
                        old.display()
                    );
                    eprintln!("themeshift: {}", printable(&said));
                }
            }
        }
        Ok(written)
    }
}

/// Prints `bytes` to standard output; a closed pipe (`themeshift analyse in | head`) is not
/// an error.
pub fn print_stdout(bytes: &[u8]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("themeshift: error: cannot print to standard output: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(target: &Path) -> Result<Staging> {
        Staging::claim(target, &Rules::default())
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_replaces_previous_results_and_drop_leaves_them() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keyness.csv"), "old").unwrap();

        let s = claim(&target).unwrap();
        s.write("new.csv", b"new").unwrap();
        drop(s);
        assert!(
            target.join("keyness.csv").exists(),
            "an abandoned run keeps the old results"
        );
        assert_eq!(names(root.path()), ["out"], "nothing left beside it");

        let s = claim(&target).unwrap();
        s.write("charts/a.png", b"png").unwrap();
        assert_eq!(s.commit().unwrap(), ["charts/a.png"]);
        assert!(!target.join("keyness.csv").exists());
        assert!(target.join("charts/a.png").exists());
        assert_eq!(
            names(root.path()),
            ["out"],
            "no staging folder or lock left"
        );
        // The marker lists what was written, so the next run knows the folder is its own.
        assert_eq!(names(&target), [claim::MARKER, "charts"]);
        assert!(claim(&target).is_ok());
    }

    #[test]
    fn a_folder_of_other_files_is_replaced_only_with_force() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("w");
        for f in [
            "2003/a.txt",
            "notes/thesis.docx",
            "b.txt",
            "c.txt",
            "d.txt",
            "e.txt",
        ] {
            std::fs::create_dir_all(target.join(f).parent().unwrap()).unwrap();
            std::fs::write(target.join(f), "mine").unwrap();
        }
        let e = claim(&target).err().unwrap().to_string();
        assert!(
            e.contains("output folder") && e.contains("(2003/, b.txt, c.txt, d.txt, e.txt, ...)"),
            "{e}"
        );
        assert_eq!(names(root.path()), ["w"]);
        let force = Rules {
            force: true,
            ..Rules::default()
        };
        let s = Staging::claim(&target, &force).unwrap();
        s.write("run.json", b"{}").unwrap();
        s.commit().unwrap();
        assert_eq!(names(&target), [claim::MARKER, "run.json"]);
    }

    #[test]
    fn a_file_put_in_the_output_folder_during_the_run_stops_the_swap() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        let s = claim(&target).unwrap();
        s.write("run.json", b"{}").unwrap();
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("draft.md"), "mine").unwrap();
        assert!(s.commit().is_err());
        assert_eq!(names(&target), ["draft.md"]);
    }

    #[test]
    fn folders_made_for_a_run_that_fails_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let s = claim(&root.path().join("a/b/out")).unwrap();
        drop(s);
        assert!(names(root.path()).is_empty());
    }

    #[test]
    fn a_file_in_the_way_is_an_input_error() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        std::fs::write(&target, "x").unwrap();
        let e = claim(&target).err().unwrap();
        assert!(e.to_string().contains("is a file"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_is_written_through_a_link_with_the_permissions_it_had() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = root.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_file(&link, b"new", &[]).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let fresh = root.path().join("fresh.csv");
        write_file(&fresh, b"x", &[]).unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode();
        // A new file gets what the umask leaves of 0666 (Linux says the umask in /proc).
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        if let Some(umask) = status.lines().find_map(|l| l.strip_prefix("Umask:")) {
            let umask = u32::from_str_radix(umask.trim(), 8).unwrap();
            assert_eq!(mode & 0o777, 0o666 & !umask, "{mode:o}");
        }
    }
}
