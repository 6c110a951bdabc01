//! What a run may write over, decided before it reads anything: an output folder is replaced
//! only when it is absent, empty or a previous themeshift output (recognised by the marker
//! file every output holds), and never when it is, holds or lies inside one of the run's
//! inputs; one run at a time writes it (a lock file beside it); and previous results that a
//! run killed while swapping folders left aside are put back. [`super::output`] does the
//! writing.

use std::fs::File;
use std::path::{Component, Path, PathBuf};

use crate::error::InputError;

/// The file every output folder holds, naming the tool and the files it wrote there.
pub(crate) const MARKER: &str = ".themeshift-output";

/// First line of [`MARKER`]; the version follows.
const MARKER_HEADER: &str = "# Written by themeshift";

/// Name prefix of the folder that holds the previous results for a moment while a run swaps
/// its own in: the process id, a random part and the output folder's name follow, so the
/// folder can be traced back to its output folder.
pub(super) const OLD: &str = ".themeshift-old-";

/// Name prefix of the lock file beside an output folder; the folder's name follows.
const LOCK: &str = ".themeshift-lock-";

/// Files the versions before the marker wrote: a folder holding nothing else (an output of
/// one of them) counts as a previous output, so an `output/` folder made before keeps
/// working.
const EARLIER_OUTPUT: &[&str] = &[
    "documents.csv",
    "term_frequencies.csv",
    "terms_by_period.csv",
    "keyness.csv",
    "themes.csv",
    "theme_shift.csv",
    "theme_terms.csv",
    "theme_trends.csv",
    "kwic.csv",
    "report.html",
    "run.json",
    "charts/top_terms.png",
    "charts/keyness.png",
    "charts/theme_shift.png",
    "charts/theme_terms.png",
    "charts/theme_trend.png",
];

/// Entries named in a refusal; the rest are counted.
const NAMED: usize = 5;

/// A file or folder the run reads, which nothing the run writes may replace.
#[derive(Debug, Clone)]
pub(crate) struct Protected {
    /// What it is, for messages ("input folder", "theme lexicon", ...).
    pub(crate) what: &'static str,
    /// As the user gave it.
    pub(crate) path: PathBuf,
}

/// `path` absolute, with symbolic links resolved as far as it exists, and the rest (to be
/// created) added with `.` and `..` taken as written: the folder or file a write would
/// really reach. Two passes, since a `..` may lead back into folders that exist.
pub(crate) fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let once = resolve_pass(&std::path::absolute(path)?);
    Ok(resolve_pass(&once))
}

fn resolve_pass(abs: &Path) -> PathBuf {
    let parts: Vec<Component> = abs.components().collect();
    for k in (1..=parts.len()).rev() {
        let head: PathBuf = parts[..k].iter().collect();
        if let Ok(mut real) = head.canonicalize() {
            for part in &parts[k..] {
                match part {
                    Component::ParentDir => {
                        real.pop();
                    }
                    Component::Normal(name) => real.push(name),
                    _ => {}
                }
            }
            return real;
        }
    }
    abs.to_path_buf()
}

/// The file a write to `path` reaches: through symbolic links (a dangling one too), so that
/// the link stays and the file it points to is written.
pub(crate) fn resolve_file(path: &Path) -> std::io::Result<PathBuf> {
    let mut at = resolve(path)?;
    // The resolved path ends at the last existing link, when the file it names does not exist.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&at)?;
                let from = at.parent().map(Path::to_path_buf).unwrap_or_default();
                at = resolve(&from.join(to))?;
            }
            _ => return Ok(at),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// How a place to write stands to the run's inputs.
pub(crate) enum Relation<'p> {
    /// Apart from every input.
    Apart,
    /// Inside this input folder (a folder there may be replaced only when it is ours).
    Inside(&'p Protected),
}

/// Refuses `target` (resolved) when it is one of `protected` or holds one; says whether it
/// lies inside one. `shown` is the path as the user gave it.
pub(crate) fn against_inputs<'p>(
    target: &Path,
    shown: &Path,
    protected: &'p [Protected],
) -> Result<Relation<'p>, InputError> {
    let mut relation = Relation::Apart;
    for p in protected {
        let Ok(real) = resolve(&p.path) else {
            continue;
        };
        let how = if real == target {
            "is"
        } else if real.starts_with(target) {
            "holds"
        } else {
            if target.starts_with(&real) {
                relation = Relation::Inside(p);
            }
            continue;
        };
        return Err(InputError::OutputIsInput {
            path: shown.to_path_buf(),
            how,
            what: p.what,
            input: p.path.clone(),
        });
    }
    Ok(relation)
}

/// Entries of the folder `dir` that no themeshift run wrote there, by their path inside it
/// (a folder with `/` after it), at most [`NAMED`] + 1 of them: none for a previous output.
/// A previous output holds the [`MARKER`] and the files it lists, or (made before the
/// marker) only files of [`EARLIER_OUTPUT`].
pub(crate) fn foreign_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let listed = match std::fs::read_to_string(dir.join(MARKER)) {
        Ok(text) if text.starts_with(MARKER_HEADER) => Some(
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>(),
        ),
        _ => None,
    };
    let ours: Vec<&str> = match &listed {
        Some(names) => names.iter().map(String::as_str).collect(),
        None => EARLIER_OUTPUT.to_vec(),
    };
    let mut foreign = Vec::new();
    look_for_foreign(dir, "", &ours, listed.is_some(), &mut foreign)?;
    Ok(foreign)
}

fn look_for_foreign(
    dir: &Path,
    prefix: &str,
    ours: &[&str],
    marked: bool,
    foreign: &mut Vec<String>,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if foreign.len() > NAMED {
            break;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let inside = format!("{prefix}{name}");
        // A link is removed, never followed, so it counts as a file whatever it points to.
        let is_dir = entry.file_type()?.is_dir();
        let folder = format!("{inside}/");
        if is_dir && ours.iter().any(|o| o.starts_with(&folder)) {
            look_for_foreign(&entry.path(), &folder, ours, marked, foreign)?;
        } else if is_dir {
            foreign.push(folder);
        } else if !(ours.contains(&inside.as_str()) || marked && inside == MARKER) {
            foreign.push(inside);
        }
    }
    Ok(())
}

/// The text of the marker for an output of `files`.
pub(crate) fn marker(files: &[String]) -> String {
    let mut text = format!(
        "{MARKER_HEADER} {}. A later run replaces this folder whole when it holds nothing but\n\
         # the files listed here; remove this file to keep it from being replaced.\n",
        env!("CARGO_PKG_VERSION")
    );
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// The refusal of an output folder that holds `foreign` entries.
pub(crate) fn not_ours(shown: &Path, foreign: &[String], inside: Option<&Protected>) -> InputError {
    let mut held: Vec<String> = foreign.iter().take(NAMED).cloned().collect();
    if foreign.len() > NAMED {
        held.push("...".into());
    }
    let held = held.join(", ");
    match inside {
        Some(p) => InputError::OutputInsideInput {
            path: shown.to_path_buf(),
            what: p.what,
            input: p.path.clone(),
            held,
        },
        None => InputError::OutputNotOurs {
            path: shown.to_path_buf(),
            held,
        },
    }
}

/// One run at a time writes an output folder: a lock on a file beside it, taken without
/// waiting, and removed (before it is let go) when the run ends.
pub(crate) struct Lock {
    /// `None` where the file system has no locks: the run goes on unguarded.
    file: Option<File>,
    path: PathBuf,
}

impl Lock {
    /// Locks the output folder `name` in `parent` (resolved); `shown` names it in messages.
    pub(crate) fn take(parent: &Path, name: &str, shown: &Path) -> Result<Lock, InputError> {
        let path = parent.join(format!("{LOCK}{name}"));
        let unwritable = |e: std::io::Error| InputError::OutputNotWritable {
            path: shown.to_path_buf(),
            reason: e.to_string(),
        };
        // A run ending removes its lock file: a lock taken on a file that is no longer at
        // `path` guards nothing, so the file is opened again.
        for _ in 0..100 {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(unwritable)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(InputError::OutputBusy(shown.to_path_buf()))
                }
                Err(std::fs::TryLockError::Error(e))
                    if e.kind() == std::io::ErrorKind::Unsupported =>
                {
                    return Ok(Lock { file: None, path });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(unwritable(e)),
            }
            if same_file(&file, &path) {
                return Ok(Lock {
                    file: Some(file),
                    path,
                });
            }
        }
        Err(InputError::OutputBusy(shown.to_path_buf()))
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked, so no run can lock this file after it is gone.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Puts back previous results left aside in `parent` by a run killed while it swapped the
/// output folder `target` (named `name`): when `target` is missing, the newest of them
/// becomes it again, and the message saying so is returned; the others (superseded results
/// whose removal was cut short) are removed. Called with the lock held, so no live run is
/// swapping.
pub(crate) fn recover(parent: &Path, name: &str, target: &Path) -> Option<String> {
    let mut aside: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(parent)
        .ok()?
        .flatten()
        .filter(|e| is_aside_of(&e.file_name().to_string_lossy(), name))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| foreign_entries(&e.path()).is_ok_and(|f| f.is_empty()))
        .map(|e| {
            let time = e.metadata().and_then(|m| m.modified());
            (time.unwrap_or(std::time::UNIX_EPOCH), e.path())
        })
        .collect();
    aside.sort();
    let mut said = None;
    if !target.exists() {
        if let Some((_, newest)) = aside.pop() {
            if std::fs::rename(&newest, target).is_ok() {
                said = Some(format!(
                    "put back the previous results in {} from {}, where a run stopped while \
                     replacing them had left them",
                    target.display(),
                    newest.display()
                ));
            }
        }
    }
    for (_, old) in aside {
        let _ = std::fs::remove_dir_all(old);
    }
    said
}

/// The name of the folder that holds a swap's previous results of the output folder `name`.
pub(crate) fn aside_name(run: &str, name: &str) -> String {
    format!("{OLD}{}-{run}-{name}", std::process::id())
}

/// True for a name made by [`aside_name`] for the output folder `name`: process id, a random
/// part of letters and digits, then the name.
fn is_aside_of(entry: &str, name: &str) -> bool {
    let Some(rest) = entry.strip_prefix(OLD) else {
        return false;
    };
    let Some((pid, rest)) = rest.split_once('-') else {
        return false;
    };
    let Some((run, rest)) = rest.split_once('-') else {
        return false;
    };
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && !run.is_empty()
        && run.bytes().all(|b| b.is_ascii_alphanumeric())
        && rest == name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "x").unwrap();
    }

    #[test]
    fn a_folder_is_ours_only_when_it_holds_nothing_but_what_a_run_wrote() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        assert!(foreign_entries(dir).unwrap().is_empty(), "empty");
        // Made before the marker: the files the earlier versions wrote.
        write(dir, "keyness.csv");
        write(dir, "charts/keyness.png");
        assert!(foreign_entries(dir).unwrap().is_empty());
        write(dir, "thesis.docx");
        write(dir, "charts/mine.png");
        std::fs::create_dir(dir.join("2003")).unwrap();
        assert_eq!(
            foreign_entries(dir).unwrap(),
            ["2003/", "charts/mine.png", "thesis.docx"]
        );
        // With the marker: the files it lists, whatever their names.
        let files = [
            "new.csv".to_string(),
            "charts/mine.png".into(),
            "thesis.docx".into(),
        ];
        std::fs::write(dir.join(MARKER), marker(&files)).unwrap();
        assert_eq!(
            foreign_entries(dir).unwrap(),
            ["2003/", "charts/keyness.png", "keyness.csv"]
        );
    }

    #[test]
    fn paths_resolve_through_links_and_dot_dot_in_parts_not_yet_made() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
            assert_eq!(
                resolve(&root.join("link/new")).unwrap(),
                root.join("real/new")
            );
            assert_eq!(
                resolve(&root.join("new/../link")).unwrap(),
                root.join("real")
            );
            std::os::unix::fs::symlink("real/file.csv", root.join("dangling.csv")).unwrap();
            assert_eq!(
                resolve_file(&root.join("dangling.csv")).unwrap(),
                root.join("real/file.csv")
            );
        }
        assert_eq!(resolve(&root.join("a/b/../c")).unwrap(), root.join("a/c"));
    }

    #[test]
    fn an_output_that_is_or_holds_an_input_is_refused_and_one_inside_is_marked() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        write(&root, "corpus/themes.toml");
        let protected = [
            Protected {
                what: "input folder",
                path: root.join("corpus"),
            },
            Protected {
                what: "theme lexicon",
                path: root.join("corpus/themes.toml"),
            },
        ];
        for (target, how) in [("corpus", "is the input folder"), ("", "holds the input")] {
            let e = against_inputs(&root.join(target), Path::new("o"), &protected)
                .err()
                .unwrap()
                .to_string();
            assert!(e.contains(how), "{e}");
        }
        let inside = against_inputs(&root.join("corpus/out"), Path::new("o"), &protected);
        assert!(matches!(inside, Ok(Relation::Inside(p)) if p.what == "input folder"));
        let apart = against_inputs(&root.join("out"), Path::new("o"), &protected);
        assert!(matches!(apart, Ok(Relation::Apart)));
    }

    #[test]
    fn the_lock_is_exclusive_and_its_file_goes_with_it() {
        let tmp = tempfile::tempdir().unwrap();
        let first = Lock::take(tmp.path(), "out", Path::new("out")).unwrap();
        let second = Lock::take(tmp.path(), "out", Path::new("out"))
            .err()
            .unwrap();
        assert!(second
            .to_string()
            .contains("another themeshift run is writing to out"));
        assert!(Lock::take(tmp.path(), "other", Path::new("other")).is_ok());
        drop(first);
        assert!(!tmp.path().join(format!("{LOCK}out")).exists());
        assert!(Lock::take(tmp.path(), "out", Path::new("out")).is_ok());
    }

    #[test]
    fn results_left_aside_come_back_when_the_output_folder_is_missing() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let aside = tmp.path().join(aside_name("Ab3xyz", "out"));
        write(&aside, "keyness.csv");
        // Another output folder's, and a folder of the user's with a like name: left alone.
        let other = tmp.path().join(aside_name("Ab3xyz", "out-2"));
        write(&other, "keyness.csv");
        let users = tmp.path().join(format!("{OLD}1-2-out"));
        write(&users, "thesis.docx");
        let said = recover(tmp.path(), "out", &target).unwrap();
        assert!(said.contains("put back the previous results"), "{said}");
        assert!(target.join("keyness.csv").exists() && !aside.exists());
        assert!(other.exists() && users.exists());
        // With the output folder in place, superseded results are removed.
        write(&aside, "keyness.csv");
        assert_eq!(recover(tmp.path(), "out", &target), None);
        assert!(!aside.exists() && target.join("keyness.csv").exists());
    }
}
