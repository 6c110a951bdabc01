//! Finding the documents: walk the input folder (recursively, in name order, following
//! symbolic links but not loops), keep the files themeshift reads (text, HTML, tables), and
//! say why anything else was passed over. An input that is one file is that file alone. Hidden files, editor backups and the tool's own output folder are not read.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::Config;

/// A file to read as a document.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its path relative to the input folder, with `/` separators: the name users see.
    pub name: String,
}

/// A file that was not read, and why, in words a non-programmer understands.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    /// Path relative to the input folder.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}

/// The documents found, and the files passed over.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<SourceFile>,
    pub skipped: Vec<Skipped>,
}

/// Walks `config.input`.
pub fn discover(config: &Config) -> Discovery {
    if config.input.is_file() {
        let name = config
            .input
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        return Discovery {
            files: vec![SourceFile {
                path: config.input.clone(),
                name,
            }],
            skipped: Vec::new(),
        };
    }
    let root = config.input.as_path();
    let output = std::path::absolute(&config.output).unwrap_or_else(|_| config.output.clone());
    let mut found = Discovery::default();
    let settings: Vec<&str> = [Some(Path::new("metadata.csv")), config.themes.as_deref()]
        .into_iter()
        .chain([config.stopwords.as_deref()])
        .flatten()
        .map(file_name)
        .collect();
    let walker = WalkDir::new(root)
        .follow_links(true)
        // In name order. Entries of one folder share its path, so their paths sort as their
        // names do; comparing paths skips parsing each name out of its path at every
        // comparison (most of the walk's time in a folder of 20,000 files).
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(is_hidden(e.path())
                    || e.file_type().is_dir()
                        && std::path::absolute(e.path()).is_ok_and(|p| p == output))
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop: this folder links back to one of its parents".to_string()
                } else if err
                    .io_error()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
                {
                    "permission denied: themeshift may not read it".to_string()
                } else {
                    format!("cannot be read: {err}")
                };
                found.skipped.push(Skipped {
                    path: relative_name(root, &path),
                    reason,
                });
                continue;
            }
        };
        // Only a file named like one of the run's settings files is compared as a path.
        if !entry.file_type().is_file()
            || settings.contains(&file_name(entry.path())) && config.is_settings_file(entry.path())
        {
            continue;
        }
        let path = entry.path().to_path_buf();
        let name = relative_name(root, &path);
        match classify(&path) {
            Ok(()) => found.files.push(SourceFile { path, name }),
            Err(reason) => found.skipped.push(Skipped {
                path: name,
                reason: reason.to_string(),
            }),
        }
    }
    found
}

fn is_hidden(path: &Path) -> bool {
    file_name(path).starts_with('.')
}

/// The last part of `path` (its file name), or "" when it has none or it is not UTF-8. On
/// Unix it is found in the path's bytes: `Path::file_name` parses the path's components, a
/// cost that shows in the walk of a folder of hundreds of thousands of files.
pub(crate) fn file_name(path: &Path) -> &str {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let trimmed = bytes.strip_suffix(b"/").unwrap_or(bytes);
        let name = match memchr::memrchr(b'/', trimmed) {
            Some(i) => &trimmed[i + 1..],
            None => trimmed,
        };
        if name != b"." && name != b".." {
            return std::str::from_utf8(name).unwrap_or("");
        }
    }
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// The extension of a file name, lower-cased into `buf` (no allocation for a short one).
pub(crate) fn extension<'b>(name: &str, buf: &'b mut [u8; 8]) -> &'b str {
    let ext = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= buf.len() => ext,
        _ => return "",
    };
    let out = &mut buf[..ext.len()];
    out.copy_from_slice(ext.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).unwrap_or("")
}

/// Ok for a document (or a table of documents), or why a file is not one.
fn classify(path: &Path) -> Result<(), &'static str> {
    let name = file_name(path);
    if name.ends_with('~') || name.starts_with('#') && name.ends_with('#') {
        return Err("editor backup file");
    }
    if is_document(path) {
        Ok(())
    } else {
        Err("not a document: themeshift reads .txt, .md, .html and table files (.csv, .tsv, .jsonl, .parquet)")
    }
}

/// True for the file types themeshift reads: text (`.txt`, `.md`), HTML (`.html`, `.htm`)
/// and tables of documents (`.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.parquet`).
pub fn is_document(path: &Path) -> bool {
    let mut buf = [0u8; 8];
    matches!(
        extension(file_name(path), &mut buf),
        "txt" | "md" | "html" | "htm"
    ) || super::table::TableFormat::of(path).is_some()
}

/// `path` relative to `root`, with `/` separators.
pub fn relative_name(root: &Path, path: &Path) -> String {
    // Where `/` is the separator, a path found under `root` is its name already, after the
    // root's bytes (the common case: one allocation, no parsing of components).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (r, p) = (root.as_os_str().as_bytes(), path.as_os_str().as_bytes());
        if let Some(rest) = p.strip_prefix(r) {
            let rest = if r.ends_with(b"/") {
                Some(rest)
            } else {
                rest.strip_prefix(b"/")
            };
            if let Some(name) = rest
                .filter(|n| !n.is_empty() && !n.starts_with(b"/") && !n.contains(&0))
                .and_then(|n| std::str::from_utf8(n).ok())
                .filter(|n| !n.split('/').any(|c| c.is_empty() || c == "." || c == ".."))
            {
                return name.to_string();
            }
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    if parts.is_empty() {
        path.display().to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_by_extension_and_backup_names() {
        assert!(classify(Path::new("a/b.TXT")).is_ok());
        assert!(classify(Path::new("b.md")).is_ok());
        assert_eq!(classify(Path::new("b.txt~")), Err("editor backup file"));
        assert!(classify(Path::new("b.pdf"))
            .unwrap_err()
            .starts_with("not a document"));
        assert!(classify(Path::new("b.HTML")).is_ok() && classify(Path::new("c.jsonl")).is_ok());
    }

    #[test]
    fn names_and_extensions_read_from_bytes_agree_with_std() {
        for p in [
            "/in/x/y.txt",
            "y.TXT",
            "/in/x/",
            "a/.hidden",
            "a/b.tar.gz",
            "noext",
            "/",
            "a/..",
            "a/.",
            "ünï/cödé.Md",
        ] {
            let path = Path::new(p);
            let std_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            assert_eq!(file_name(path), std_name, "{p}");
            let std_ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let mut buf = [0u8; 8];
            assert_eq!(extension(file_name(path), &mut buf), std_ext, "{p}");
        }
    }

    #[test]
    fn relative_names_by_bytes_agree_with_components() {
        for (root, path, want) in [
            ("/in", "/in/x/y.txt", "x/y.txt"),
            ("/in/", "/in/x/y.txt", "x/y.txt"),
            ("in", "in/y.txt", "y.txt"),
            ("./in", "./in/a/b.md", "a/b.md"),
            ("/in", "/in//x/y.txt", "x/y.txt"),
            ("/in", "/in/./x.txt", "x.txt"),
        ] {
            assert_eq!(relative_name(Path::new(root), Path::new(path)), want);
        }
    }

    #[test]
    fn relative_names_use_slashes() {
        assert_eq!(
            relative_name(Path::new("/in"), Path::new("/in/x/y.txt")),
            "x/y.txt"
        );
    }
}
