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
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
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
        if !entry.file_type().is_file() || config.is_settings_file(entry.path()) {
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
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// Ok for a document (or a table of documents), or why a file is not one.
fn classify(path: &Path) -> Result<(), &'static str> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
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
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(ext.as_str(), "txt" | "md")
        || super::html::is_html(&path.to_string_lossy())
        || super::table::TableFormat::of(path).is_some()
}

/// `path` relative to `root`, with `/` separators.
pub fn relative_name(root: &Path, path: &Path) -> String {
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
    fn relative_names_use_slashes() {
        assert_eq!(
            relative_name(Path::new("/in"), Path::new("/in/x/y.txt")),
            "x/y.txt"
        );
    }
}
