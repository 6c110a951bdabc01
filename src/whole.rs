//! The files read whole, beside the corpus: the theme lexicon, a stopword list and
//! metadata.csv. Each is read through a bound, so that a wrong argument (`--themes
//! /dev/zero`, a corpus file given as the lexicon) stops the run with a clear error having
//! used no more memory than the bound, instead of reading until the machine refuses. Pipes
//! (`--themes <(generate-lexicon)`) are read like files.

use std::io::Read;
use std::path::Path;

/// The most bytes a file read whole may have: 64 MB. A lexicon or stopword list of that size
/// is already absurd (the largest we know of are a few hundred kilobytes), and metadata.csv
/// holds a short row per document (64 MB is some 500,000 documents with long titles).
pub(crate) const WHOLE_FILE_LIMIT: u64 = 64 * 1024 * 1024;

/// Why a file could not be read whole.
#[derive(Debug)]
pub(crate) enum WholeError {
    /// The system's reason.
    Io(std::io::Error),
    /// It holds more than [`WHOLE_FILE_LIMIT`] bytes (or never ends).
    TooLarge,
}

impl std::fmt::Display for WholeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WholeError::Io(e) => match e.kind() {
                std::io::ErrorKind::PermissionDenied => write!(f, "permission denied"),
                std::io::ErrorKind::NotFound => write!(f, "it does not exist"),
                _ => write!(f, "{e}"),
            },
            WholeError::TooLarge => write!(
                f,
                "it is larger than {} MB, the most a file read whole may hold (is it the right \
                 file?)",
                WHOLE_FILE_LIMIT >> 20
            ),
        }
    }
}

/// The bytes of `path`, at most `limit` of them: reads one byte past the limit to tell a
/// file of exactly `limit` bytes from a larger one, and never more.
pub(crate) fn read_whole_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, WholeError> {
    let file = std::fs::File::open(path).map_err(WholeError::Io)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(WholeError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(WholeError::TooLarge);
    }
    Ok(bytes)
}

/// The bytes of `path`, at most [`WHOLE_FILE_LIMIT`].
pub(crate) fn read_whole(path: &Path) -> Result<Vec<u8>, WholeError> {
    read_whole_bounded(path, WHOLE_FILE_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_up_to_the_limit_is_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lexicon.toml");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_whole_bounded(&path, 10).unwrap(), b"0123456789");
        assert!(matches!(
            read_whole_bounded(&path, 9),
            Err(WholeError::TooLarge)
        ));
    }

    #[test]
    fn an_endless_file_is_refused_at_the_limit() {
        let error = read_whole_bounded(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(error.to_string().contains("larger than 64 MB"), "{error}");
    }

    #[test]
    fn a_missing_file_says_so() {
        let error = read_whole(Path::new("/no/such/lexicon.toml")).unwrap_err();
        assert_eq!(error.to_string(), "it does not exist");
    }
}
