//! Finding the documents: walk the input folder (recursively, in name order, following
//! symbolic links but not loops), keep the files themeshift reads (text, HTML, tables), and
//! say why anything else was passed over. An input that is one file is that file alone. Hidden files, editor backups and the tool's own output folder are not read.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// A file to read as a document.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// Where it is.
    pub(crate) path: PathBuf,
    /// Its path relative to the input folder, with `/` separators: the name users see.
    pub(crate) name: String,
}

/// A file that was not read, and why, in words a non-programmer understands.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Skipped {
    /// Path relative to the input folder.
    pub(crate) path: String,
    /// Why it was skipped.
    pub(crate) reason: String,
}

/// The documents found, and the files passed over.
#[derive(Debug, Default)]
pub(crate) struct Discovery {
    pub(crate) files: Vec<SourceFile>,
    pub(crate) skipped: Vec<Skipped>,
}

/// What a walk needs to know: where to look, and what not to read as a document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WalkOptions<'a> {
    /// The input folder, or one document file.
    pub(crate) input: &'a Path,
    /// The output folder, which is not read.
    pub(crate) output: &'a Path,
    /// The run's settings files (lexicon, stopwords), read as settings, not as documents;
    /// `metadata.csv` at the top of the input folder always is.
    pub(crate) settings: [Option<&'a Path>; 2],
}

impl WalkOptions<'_> {
    /// True when `path` is one of the run's own settings files inside the input folder.
    fn is_settings_file(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|n| n == "metadata.csv") && path.parent() == Some(self.input)
            || self.settings.contains(&Some(path))
    }
}

/// Walks `options.input`.
pub(crate) fn discover(options: &WalkOptions) -> Discovery {
    if options.input.is_file() {
        let name = options.input.file_name().map_or_else(String::new, readable);
        return Discovery {
            files: vec![SourceFile {
                path: options.input.to_path_buf(),
                name,
            }],
            skipped: Vec::new(),
        };
    }
    let walk = Walk::new(options);
    walk.side_by_side().unwrap_or_else(|| walk.in_order())
}

/// The walk of an input folder: what is passed over, and what becomes of each entry.
struct Walk<'c> {
    options: &'c WalkOptions<'c>,
    root: &'c Path,
    /// The output folder, which is not read.
    output: std::path::PathBuf,
    /// File names the run's own settings files have.
    settings: Vec<&'c str>,
}

impl<'c> Walk<'c> {
    fn new(options: &'c WalkOptions<'c>) -> Walk<'c> {
        Walk {
            options,
            root: options.input,
            output: std::path::absolute(options.output)
                .unwrap_or_else(|_| options.output.to_path_buf()),
            settings: std::iter::once(Some(Path::new("metadata.csv")))
                .chain(options.settings)
                .flatten()
                .map(file_name)
                .collect(),
        }
    }

    /// A walker of `dir`, in name order. Entries of one folder share its path, so their
    /// paths sort as their names do; comparing paths skips parsing each name out of its path
    /// at every comparison, which was most of the walk's time in a large flat folder.
    fn walker(&self, dir: &Path, follow_links: bool) -> WalkDir {
        WalkDir::new(dir)
            .follow_links(follow_links)
            .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
    }

    /// False for what is passed over without a word: hidden files and folders, and the
    /// output folder.
    fn keep(&self, e: &walkdir::DirEntry) -> bool {
        e.depth() == 0
            || !(is_hidden(e.path())
                || e.file_type().is_dir()
                    && std::path::absolute(e.path()).is_ok_and(|p| p == self.output))
    }

    /// The whole folder in one walk that follows symbolic links and catches loops.
    fn in_order(&self) -> Discovery {
        let mut found = Discovery::default();
        for entry in self
            .walker(self.root, true)
            .into_iter()
            .filter_entry(|e| self.keep(e))
        {
            self.visit(&mut found, entry);
        }
        found
    }

    /// The folder's own entries in name order, its subfolders walked side by side and their
    /// findings joined in that order: the same list as [`Walk::in_order`] gives, as long as
    /// there is no symbolic link, so at the first one (or any error in the top folder) it
    /// gives up (`None`) and the walk is made in order, following links and catching loops.
    fn side_by_side(&self) -> Option<Discovery> {
        use rayon::prelude::*;
        // The top folder's entries are listed here, not by a walk one level deep: walkdir
        // reads (and sorts) every folder it meets, even at its depth limit, so that would read
        // each subfolder twice.
        let mut top: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(self.root)
            .ok()?
            .map(|e| e.and_then(|e| Ok((e.path(), e.file_type()?))))
            .collect::<Result<_, _>>()
            .ok()?;
        if top.iter().any(|(_, kind)| kind.is_symlink()) {
            return None;
        }
        // As the walks sort (see `walker`), and as `keep` passes over.
        top.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        top.retain(|(path, kind)| {
            !(is_hidden(path)
                || kind.is_dir() && std::path::absolute(path).is_ok_and(|p| p == self.output))
        });
        let parts: Vec<Option<Discovery>> = top
            .par_iter()
            .map(|(path, _)| {
                // A file's walk is the file alone.
                let mut found = Discovery::default();
                for entry in self
                    .walker(path, false)
                    .into_iter()
                    .filter_entry(|e| self.keep(e))
                {
                    if entry.as_ref().is_ok_and(|e| e.file_type().is_symlink()) {
                        return None;
                    }
                    self.visit(&mut found, entry);
                }
                Some(found)
            })
            .collect();
        let mut found = Discovery::default();
        for part in parts {
            let part = part?;
            found.files.extend(part.files);
            found.skipped.extend(part.skipped);
        }
        Some(found)
    }

    /// One entry of a walk: a file to read, a file passed over with the reason, or nothing
    /// (a folder, a settings file).
    fn visit(&self, found: &mut Discovery, entry: walkdir::Result<walkdir::DirEntry>) {
        let root = self.root;
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
                return;
            }
        };
        if let Some(what) = special_file(entry.file_type()) {
            found.skipped.push(Skipped {
                path: relative_name(root, entry.path()),
                reason: format!("{what}, not a file: not opened"),
            });
            return;
        }
        // Only a file named like one of the run's settings files is compared as a path.
        if !entry.file_type().is_file()
            || self.settings.contains(&file_name(entry.path()))
                && self.options.is_settings_file(entry.path())
        {
            return;
        }
        let path = entry.into_path();
        let name = relative_name(root, &path);
        match classify(&path) {
            Ok(()) => found.files.push(SourceFile { path, name }),
            Err(reason) => found.skipped.push(Skipped {
                path: name,
                reason: reason.to_string(),
            }),
        }
    }
}

/// What a walked entry that is neither a file nor a folder is (after links are followed), in
/// words: a named pipe, a socket or a device, which is listed as skipped and never opened
/// (opening a named pipe waits for a writer that may never come).
fn special_file(kind: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_block_device() || kind.is_char_device() {
            return Some("a device");
        }
    }
    let _ = kind;
    None
}

fn is_hidden(path: &Path) -> bool {
    file_name_bytes(path).starts_with(b".")
}

/// The last part of `path` (its file name), or "" when it has none or it is not UTF-8.
pub(crate) fn file_name(path: &Path) -> &str {
    std::str::from_utf8(file_name_bytes(path)).unwrap_or("")
}

/// The bytes of the last part of `path` (its file name, UTF-8 or not), or none. On Unix it is
/// found in the path's bytes: `Path::file_name` parses the path's components, a cost that
/// shows in the walk of a folder of hundreds of thousands of files.
pub(crate) fn file_name_bytes(path: &Path) -> &[u8] {
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
            return name;
        }
    }
    path.file_name().map_or(&[], |n| n.as_encoded_bytes())
}

/// The extension of a file name, lower-cased into `buf` (no allocation for a short one).
#[cfg(test)]
pub(crate) fn extension<'b>(name: &str, buf: &'b mut [u8; 8]) -> &'b str {
    extension_of(name.as_bytes(), buf)
}

/// The extension, lower-cased into `buf`, of a file name's bytes (UTF-8 or not; the
/// extension is "" unless UTF-8).
pub(crate) fn extension_of<'b>(name: &[u8], buf: &'b mut [u8; 8]) -> &'b str {
    let ext = match memchr::memrchr(b'.', name) {
        Some(i) if i > 0 && name.len() - i - 1 <= buf.len() => &name[i + 1..],
        _ => return "",
    };
    let out = &mut buf[..ext.len()];
    out.copy_from_slice(ext);
    out.make_ascii_lowercase();
    std::str::from_utf8(out).unwrap_or("")
}

/// Ok for a document (or a table of documents), or why a file is not one.
fn classify(path: &Path) -> Result<(), &'static str> {
    let name = file_name_bytes(path);
    if name.ends_with(b"~") || name.starts_with(b"#") && name.ends_with(b"#") {
        return Err("editor backup file");
    }
    if is_document(path) {
        Ok(())
    } else if compressed_parquet(name) {
        Err("a compressed Parquet file: Parquet compresses its own data and is read only as it is (decompress it to .parquet)")
    } else {
        Err("not a document: themeshift reads .txt, .md, .html and table files (.csv, .tsv, .jsonl, .parquet), and all but Parquet compressed as .gz or .zst")
    }
}

/// True for the file types themeshift reads: text (`.txt`, `.md`), HTML (`.html`, `.htm`)
/// and tables of documents (`.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.parquet`), and all but
/// Parquet compressed (`.txt.gz`, `.csv.zst`, ...: see [`super::compressed`]).
pub(crate) fn is_document(path: &Path) -> bool {
    let mut buf = [0u8; 8];
    let inner = super::compressed::inner_name(file_name_bytes(path));
    matches!(extension_of(inner, &mut buf), "txt" | "md" | "html" | "htm")
        || super::table::TableFormat::of(path).is_some()
}

/// True for a compressed file whose name inside says Parquet (`corpus.parquet.gz`).
fn compressed_parquet(name: &[u8]) -> bool {
    let inner = super::compressed::inner_name(name);
    let mut buf = [0u8; 8];
    inner.len() < name.len() && matches!(extension_of(inner, &mut buf), "parquet" | "pq")
}

/// `path` relative to `root`, with `/` separators.
pub(crate) fn relative_name(root: &Path, path: &Path) -> String {
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
    let parts: Vec<_> = rel.components().map(|c| readable(c.as_os_str())).collect();
    if parts.is_empty() {
        readable(path.as_os_str())
    } else {
        parts.join("/")
    }
}

/// A file name as text: bytes that are not UTF-8 (a name written on a Latin-1 system, say)
/// as `\xE9`, so that two such names stay two names.
fn readable(name: &std::ffi::OsStr) -> String {
    match name.to_str() {
        Some(text) => text.to_string(),
        None => {
            let mut out = String::new();
            for chunk in name.as_encoded_bytes().utf8_chunks() {
                out.push_str(chunk.valid());
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02X}"));
                }
            }
            out
        }
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
    fn compressed_documents_are_classified_by_the_name_inside() {
        for name in [
            "a.txt.gz",
            "b.md.zst",
            "c.HTML.GZ",
            "d.jsonl.gz",
            "e.csv.zst",
            "f.tsv.gz",
        ] {
            assert!(classify(Path::new(name)).is_ok(), "{name}");
        }
        assert!(classify(Path::new("a.parquet.gz"))
            .unwrap_err()
            .starts_with("a compressed Parquet file"));
        for name in ["backup.tar.gz", "x.gz", "photo.png.zst"] {
            assert!(
                classify(Path::new(name))
                    .unwrap_err()
                    .starts_with("not a document"),
                "{name}"
            );
        }
        assert_eq!(classify(Path::new("a.txt.gz~")), Err("editor backup file"));
    }

    fn listing(d: &Discovery) -> (Vec<String>, Vec<String>) {
        (
            d.files.iter().map(|f| f.name.clone()).collect(),
            d.skipped
                .iter()
                .map(|s| format!("{}: {}", s.path, s.reason))
                .collect(),
        )
    }

    #[test]
    fn the_walk_side_by_side_lists_what_the_walk_in_order_does() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("in");
        for (name, body) in [
            ("b.txt", "x"),
            ("a/2.txt", "x"),
            ("a/10.md", "x"),
            ("a/deep/er/z.html", "x"),
            ("a/.hidden/y.txt", "x"),
            ("a/.h.txt", "x"),
            ("c/notes.txt~", "x"),
            ("c/image.png", "x"),
            ("c/table.jsonl", "x"),
            ("metadata.csv", "file,date\n"),
            ("out/old.txt", "x"),
            ("zz.txt", "x"),
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        std::fs::create_dir_all(root.join("empty")).unwrap();
        let output = root.join("out");
        let options = WalkOptions {
            input: &root,
            output: &output,
            settings: [None, None],
        };
        let walk = Walk::new(&options);
        let side = walk.side_by_side().expect("no links: side by side");
        let ordered = walk.in_order();
        assert_eq!(listing(&side), listing(&ordered));
        assert_eq!(
            listing(&side).0,
            [
                "a/10.md",
                "a/2.txt",
                "a/deep/er/z.html",
                "b.txt",
                "c/table.jsonl",
                "zz.txt"
            ]
        );
        assert_eq!(listing(&side).1.len(), 2, "{:?}", listing(&side).1);
        // A symbolic link anywhere: the walk is made in order, following it.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a/deep"), root.join("c/link")).unwrap();
            assert!(walk.side_by_side().is_none());
            let files = listing(&discover(&options)).0;
            assert!(files.contains(&"c/link/er/z.html".to_string()), "{files:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_utf8_is_a_document_under_an_escaped_name() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/in/d\xe9c/caf\xe9.TXT"));
        assert_eq!(classify(path), Ok(()));
        assert_eq!(
            relative_name(Path::new("/in"), path),
            "d\\xE9c/caf\\xE9.TXT"
        );
        let backup = Path::new(std::ffi::OsStr::from_bytes(b"/in/caf\xe9.txt~"));
        assert_eq!(classify(backup), Err("editor backup file"));
        assert!(is_hidden(Path::new(std::ffi::OsStr::from_bytes(
            b"/in/.caf\xe9.txt"
        ))));
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
