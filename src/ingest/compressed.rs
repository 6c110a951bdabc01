//! Compressed files: a `.gz` (gzip, any number of members end to end) or `.zst` (Zstandard,
//! any number of frames) file is read as the file inside it, named by what is left of its
//! name (`2003-report.txt.gz` is a text file, `corpus.jsonl.gz` a JSON Lines table),
//! decompressed as it is read so that it never sits in memory whole. What is read, hashed
//! and counted is the decompressed content: a compressed copy of a file is a copy of it.
//! Parquet compresses its own data and is read by position, so a `.parquet.gz` is not read
//! ([`walk`](super::walk) says so). A corrupt or truncated archive is an error of the read
//! that meets it, in words that say so.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::walk::{extension_of, file_name_bytes};

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    Gzip,
    Zstd,
}

impl Compression {
    /// The compression of a file name (by its last extension: `.gz`, `.zst`), if any.
    pub(crate) fn of_name(name: &[u8]) -> Option<Compression> {
        let mut buf = [0u8; 8];
        match extension_of(name, &mut buf) {
            "gz" => Some(Compression::Gzip),
            "zst" => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// The compression of the file at `path`, by its name.
    pub(crate) fn of(path: &Path) -> Option<Compression> {
        Compression::of_name(file_name_bytes(path))
    }

    /// The archive's kind in words, for messages.
    fn what(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// The name of the file inside a compressed one (`a.csv.gz` gives `a.csv`); any other name
/// as it is. Formats are told by this name.
pub(crate) fn inner_name(name: &[u8]) -> &[u8] {
    match Compression::of_name(name) {
        Some(_) => &name[..memchr::memrchr(b'.', name).expect("an extension")],
        None => name,
    }
}

/// Opens `path` to read its content: the file's bytes, or for a compressed file the bytes
/// inside, decompressed as they are read.
pub(crate) fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    let file = File::open(path)?;
    Ok(match Compression::of(path) {
        None => Box::new(file),
        Some(kind) => decompressed(kind, file)?,
    })
}

/// Bytes read from a compressed file at a time.
const BUFFER: usize = 256 << 10;

fn decompressed(kind: Compression, file: File) -> io::Result<Box<dyn Read + Send>> {
    let file = BufReader::with_capacity(BUFFER, file);
    let inner: Box<dyn Read + Send> = match kind {
        // Multi-member: `cat a.gz b.gz` and block-gzip (bgzip) files are one stream of
        // members; a single-member decoder would stop after the first.
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(file)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(file)?),
    };
    Ok(Box::new(Archive { kind, inner }))
}

/// A decompressing reader whose errors say that the archive is corrupt or truncated.
struct Archive {
    kind: Compression,
    inner: Box<dyn Read + Send>,
}

impl Read for Archive {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| match e.kind() {
            io::ErrorKind::Interrupted => e,
            kind => io::Error::new(
                kind,
                format!(
                    "not a readable {} archive (corrupt or truncated): {e}",
                    self.kind.what()
                ),
            ),
        })
    }
}

/// The size of `path`'s content, counted by decompressing it, or `up_to + 1` once it is
/// found to be larger than `up_to` (the phrases default only asks whether a limit is passed).
/// A file that cannot be decompressed counts as its own size.
pub(crate) fn content_size(path: &Path, up_to: u64) -> u64 {
    let count = || -> io::Result<u64> {
        let mut content = open(path)?.take(up_to.saturating_add(1));
        let mut buf = vec![0u8; BUFFER];
        let mut n = 0u64;
        loop {
            match content.read(&mut buf) {
                Ok(0) => return Ok(n),
                Ok(read) => n += read as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    };
    count()
        .or_else(|_| std::fs::metadata(path).map(|m| m.len()))
        .unwrap_or(0)
}

/// The content size a compressed file records about itself, read without decompressing it
/// (for the progress bar): gzip's last member's length (modulo 4 GiB), a Zstandard frame's
/// content size when the compressor wrote one; else the file's own size.
pub(crate) fn size_hint(path: &Path, kind: Compression) -> u64 {
    let recorded = || -> io::Result<Option<u64>> {
        let mut file = File::open(path)?;
        match kind {
            Compression::Gzip => {
                let mut trailer = [0u8; 4];
                file.seek(SeekFrom::End(-4))?;
                file.read_exact(&mut trailer)?;
                Ok(Some(u64::from(u32::from_le_bytes(trailer))))
            }
            Compression::Zstd => {
                let mut header = [0u8; 18];
                let n = file.read(&mut header)?;
                Ok(zstd::zstd_safe::get_frame_content_size(&header[..n])
                    .ok()
                    .flatten())
            }
        }
    };
    let own = || std::fs::metadata(path).map_or(0, |m| m.len());
    recorded().ok().flatten().unwrap_or_else(own).max(own())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn read_all(path: &Path) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        open(path)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn names_inside_compressed_files_lose_only_the_compression_extension() {
        assert_eq!(inner_name(b"2003-report.txt.gz"), b"2003-report.txt");
        assert_eq!(inner_name(b"corpus.JSONL.GZ"), b"corpus.JSONL");
        assert_eq!(inner_name(b"a.csv.zst"), b"a.csv");
        assert_eq!(inner_name(b"a.csv"), b"a.csv");
        assert_eq!(inner_name(b"notes"), b"notes");
        assert_eq!(Compression::of_name(b"a.tar.gz"), Some(Compression::Gzip));
        assert_eq!(Compression::of_name(b"a.gzip"), None);
    }

    #[test]
    fn gzip_members_end_to_end_read_as_one_content_and_zstd_frames_too() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("two.txt.gz");
        let mut both = gzip("first member’s text\n".as_bytes());
        both.extend(gzip(b"second member\n"));
        std::fs::write(&gz, &both).unwrap();
        assert_eq!(
            read_all(&gz).unwrap(),
            "first member’s text\nsecond member\n".as_bytes()
        );
        let zst = dir.path().join("two.txt.zst");
        let mut frames = zstd::encode_all(&b"one frame\n"[..], 3).unwrap();
        frames.extend(zstd::encode_all(&b"another\n"[..], 3).unwrap());
        std::fs::write(&zst, &frames).unwrap();
        assert_eq!(read_all(&zst).unwrap(), b"one frame\nanother\n");
        assert_eq!(content_size(&zst, 1000), 18);
        // Counting stops past the limit.
        assert_eq!(content_size(&gz, 5), 6);
    }

    #[test]
    fn a_truncated_or_corrupt_archive_is_an_error_that_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let text = "words and more words ".repeat(2000);
        let whole = gzip(text.as_bytes());
        let zstd = zstd::encode_all(text.as_bytes(), 3).unwrap();
        for (name, bytes) in [
            ("cut.txt.gz", &whole[..whole.len() / 2]),
            ("no-trailer.txt.gz", &whole[..whole.len() - 4]),
            ("not-gzip.txt.gz", b"plain text, not gzip".as_slice()),
            ("cut.txt.zst", &zstd[..zstd.len() / 2]),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let e = read_all(&path).unwrap_err().to_string();
            assert!(e.contains("archive (corrupt or truncated)"), "{name}: {e}");
        }
    }

    #[test]
    fn the_size_hint_is_the_recorded_content_size() {
        let dir = tempfile::tempdir().unwrap();
        let text = "a line of text\n".repeat(1000);
        let gz = dir.path().join("a.txt.gz");
        std::fs::write(&gz, gzip(text.as_bytes())).unwrap();
        assert_eq!(size_hint(&gz, Compression::Gzip), text.len() as u64);
        let zst = dir.path().join("a.txt.zst");
        // The one-shot compressor records the content size (the streaming one cannot).
        std::fs::write(&zst, zstd::bulk::compress(text.as_bytes(), 3).unwrap()).unwrap();
        assert_eq!(size_hint(&zst, Compression::Zstd), text.len() as u64);
    }
}
