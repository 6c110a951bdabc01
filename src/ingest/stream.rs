//! Text files too large to hold whole (a 1 GB export with no line breaks, say) are read in
//! parts of a few megabytes and counted as one document, part by part
//! ([`crate::count::Counter::add_more`]), so memory stays flat whatever the file's size.
//!
//! Two passes: the first reads the whole file once to hash it (duplicates are found by hash
//! before counting starts) and to decide its encoding exactly as [`super::decode::decode`]
//! would for the whole file (NUL bytes, how much of it is valid UTF-8, chardetng fed every
//! byte); the second decodes it with encoding_rs's streaming decoder. Parts end at a line
//! break where there is one, else after sentence punctuation and a space, else at a space:
//! never inside a word, and at a phrase break wherever the text has one.

use std::io::{self, Read};
use std::path::Path;

use encoding_rs::{Decoder, Encoding, UTF_8};
use sha2::{Digest, Sha256};

use super::compressed::open;
use super::decode::{unix_line_ends, Census, SIGNATURES};

/// Text files larger than this (bytes) are read in parts.
pub(crate) const STREAM_ABOVE: u64 = 32 << 20;

/// Bytes read at a time.
const BLOCK: usize = 8 << 20;

/// What the first pass found.
#[derive(Debug)]
pub(crate) struct Scan {
    pub(crate) sha256: [u8; 32],
    pub(crate) bytes: u64,
    pub(crate) encoding: &'static Encoding,
    /// Byte-order mark length to skip.
    pub(crate) bom: usize,
}

/// Reads the file at `path` once (its content: decompressed, for a compressed file): its
/// hash, and its encoding (`forced` skips detection).
/// The inner error says why the file is not text.
pub(crate) fn scan(
    path: &Path,
    forced: Option<&'static Encoding>,
) -> io::Result<Result<Scan, String>> {
    let mut file = open(path)?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; BLOCK];
    let mut bytes = 0u64;
    let mut head = Vec::new();
    let mut nul = false;
    let mut census = Census::default();
    loop {
        let n = read_full(&mut file, &mut block)?;
        if n == 0 {
            break;
        }
        let b = &block[..n];
        hasher.update(b);
        if head.len() < 8 {
            head.extend_from_slice(&b[..n.min(8 - head.len())]);
        }
        nul |= b.contains(&0);
        census.feed(b, false);
        bytes += n as u64;
    }
    census.feed(&[], true);
    let sha256: [u8; 32] = hasher.finalize().into();
    let found = |encoding, bom| {
        Ok(Ok(Scan {
            sha256,
            bytes,
            encoding,
            bom,
        }))
    };
    if let Some(encoding) = forced {
        return match Encoding::for_bom(&head) {
            Some((e, bom)) if e == encoding => found(e, bom),
            _ => found(encoding, 0),
        };
    }
    if let Some((encoding, bom)) = Encoding::for_bom(&head) {
        return found(encoding, bom);
    }
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| head.starts_with(sig)) {
        return Ok(Err(format!("binary file: {what}, not text")));
    }
    if nul {
        return Ok(Err("binary file: contains NUL bytes, not text".to_string()));
    }
    if census.mostly_utf8() {
        return found(UTF_8, 0);
    }
    // Not mostly UTF-8: a third read feeds the detector every byte, as for a file read whole.
    let mut file = open(path)?;
    let mut detector = chardetng::EncodingDetector::new();
    loop {
        let n = read_full(&mut file, &mut block)?;
        detector.feed(&block[..n], n == 0);
        if n == 0 {
            break;
        }
    }
    found(detector.guess(None, true), 0)
}

/// Fills `buf` as far as the file allows; returns the bytes read (0 at the end).
fn read_full(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The decoded text of a scanned file, a part at a time.
pub(crate) struct Parts {
    /// The file's content (decompressed, for a compressed file).
    file: Box<dyn Read + Send>,
    decoder: Decoder,
    block: Vec<u8>,
    /// Decoded text not yet handed out (it follows the last cut).
    pending: String,
    done: bool,
    /// U+FFFD characters produced by invalid bytes so far.
    pub(crate) replaced: usize,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts")
            .field("encoding", &self.decoder.encoding().name())
            .field("replaced", &self.replaced)
            .finish()
    }
}

impl Parts {
    /// Opens the file `scan` describes for its second read.
    pub(crate) fn open(path: &Path, scan: &Scan) -> io::Result<Parts> {
        let mut file = open(path)?;
        let mut bom = vec![0u8; scan.bom];
        file.read_exact(&mut bom)?;
        Ok(Parts {
            file,
            decoder: scan.encoding.new_decoder_without_bom_handling(),
            block: vec![0u8; BLOCK],
            pending: String::new(),
            done: false,
            replaced: 0,
        })
    }

    /// The next part (line ends as `\n`), or `None` after the last.
    pub(crate) fn next_part(&mut self) -> io::Result<Option<String>> {
        while !self.done {
            let n = read_full(&mut self.file, &mut self.block)?;
            let last = n == 0;
            let mut src = &self.block[..n];
            let mut decoded = String::with_capacity(
                self.decoder
                    .max_utf8_buffer_length(n)
                    .unwrap_or(n * 3)
                    .max(16),
            );
            loop {
                let (result, read, replaced) =
                    self.decoder.decode_to_string(src, &mut decoded, last);
                if replaced {
                    self.replaced += decoded.chars().filter(|&c| c == '\u{FFFD}').count();
                }
                self.pending.push_str(&decoded);
                decoded.clear();
                src = &src[read..];
                if matches!(result, encoding_rs::CoderResult::InputEmpty) {
                    break;
                }
                decoded.reserve(src.len() * 3 + 16);
            }
            if last {
                self.done = true;
                break;
            }
            if self.pending.len() >= BLOCK {
                let cut = cut_point(&self.pending);
                let rest = self.pending.split_off(cut);
                let part = std::mem::replace(&mut self.pending, rest);
                return Ok(Some(unix_line_ends(part)));
            }
        }
        if self.pending.is_empty() {
            return Ok(None);
        }
        Ok(Some(unix_line_ends(std::mem::take(&mut self.pending))))
    }
}

/// Where to end a part of `text`: after its last line break, else after the last sentence
/// punctuation followed by a space, else after the last space; the whole text when it has no
/// space at all (one "word" of megabytes, which is not a word anyone will count).
pub(crate) fn cut_point(text: &str) -> usize {
    let b = text.as_bytes();
    // Only the last quarter is searched for a line or sentence break, so parts stay large.
    let from = b.len() - b.len() / 4;
    let tail = &b[from..];
    if let Some(i) = tail.iter().rposition(|&c| c == b'\n') {
        return from + i + 1;
    }
    if let Some(i) = tail
        .windows(2)
        .rposition(|w| matches!(w[0], b'.' | b'!' | b'?' | b';') && w[1] == b' ')
    {
        return from + i + 2;
    }
    match b.iter().rposition(|c| c.is_ascii_whitespace()) {
        Some(i) => i + 1,
        None => b.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_end_at_breaks() {
        let t = format!("{}\nabc def", "x ".repeat(100));
        assert_eq!(&t[..cut_point(&t)], format!("{}\n", "x ".repeat(100)));
        let t = format!("{}Done. Next", "a b ".repeat(10));
        assert_eq!(&t[cut_point(&t)..], "Next");
        // A sentence break early in the text is passed over for a later space.
        let t = format!("Done. {}", "a b ".repeat(10));
        assert_eq!(&t[cut_point(&t)..], "");
        let t = format!("{}{}", "a ".repeat(5), "b".repeat(100));
        assert_eq!(&t[cut_point(&t)..], "b".repeat(100));
        assert_eq!(cut_point("abc"), 3);
    }

    #[test]
    fn a_windows_1252_file_is_read_in_parts_like_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        // More than one block, curly quotes (0x92) throughout, no line breaks, CRLF once.
        let mut bytes = Vec::new();
        while bytes.len() < BLOCK + BLOCK / 2 {
            bytes.extend_from_slice(b"The centre\x92s plans. ");
        }
        bytes.extend_from_slice(b"End\r\nline.");
        std::fs::write(&path, &bytes).unwrap();
        let scan = scan(&path, None).unwrap().unwrap();
        assert_eq!(scan.encoding.name(), "windows-1252");
        assert_eq!(scan.bytes, bytes.len() as u64);
        let whole = super::super::decode::decode(bytes.clone(), None).unwrap();
        let mut parts = Parts::open(&path, &scan).unwrap();
        let mut joined = String::new();
        let mut n = 0;
        while let Some(p) = parts.next_part().unwrap() {
            assert!(
                p.ends_with(". ") || p.ends_with("line."),
                "{:?}",
                &p[p.len() - 9..]
            );
            joined.push_str(&p);
            n += 1;
        }
        assert!(n >= 2);
        assert_eq!(joined, whole.text);
        assert_eq!(parts.replaced, 0);
    }

    #[test]
    fn a_large_utf8_file_with_one_stray_byte_is_read_as_utf8_with_it_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let mut bytes = "The trust’s café. ".repeat(BLOCK / 10).into_bytes();
        bytes.extend_from_slice(b"don\x92t ");
        bytes.extend("The trust’s café. ".repeat(BLOCK / 20).into_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let scan = scan(&path, None).unwrap().unwrap();
        assert_eq!(scan.encoding.name(), "UTF-8");
        let mut parts = Parts::open(&path, &scan).unwrap();
        while parts.next_part().unwrap().is_some() {}
        assert_eq!(parts.replaced, 1);
    }

    #[test]
    fn binary_and_invalid_bytes_are_found_in_any_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nul.txt");
        let mut bytes = b"words ".repeat(BLOCK / 6 + 10);
        bytes.push(0);
        std::fs::write(&path, &bytes).unwrap();
        assert!(scan(&path, None).unwrap().unwrap_err().contains("NUL"));
        // A forced UTF-8 read of Latin-1 bytes counts the replacements.
        let path = dir.path().join("latin.txt");
        let mut bytes = b"words ".repeat(BLOCK / 6 + 10);
        bytes.extend_from_slice(b"caf\xe9 ");
        std::fs::write(&path, &bytes).unwrap();
        let scan = scan(&path, Some(UTF_8)).unwrap().unwrap();
        let mut parts = Parts::open(&path, &scan).unwrap();
        while parts.next_part().unwrap().is_some() {}
        assert_eq!(parts.replaced, 1);
    }
}
