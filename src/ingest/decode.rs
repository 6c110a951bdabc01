//! Bytes to text: byte-order marks, UTF-8, and legacy single-byte encodings detected with
//! chardetng and decoded with encoding_rs. Binary files (PDFs, images, anything with NUL
//! bytes) are refused with a reason a person can act on.
//!
//! Bytes that are not valid UTF-8 are not by themselves a sign of another encoding: a UTF-8
//! article with one stray Windows-1252 quote (0x92) is still UTF-8. The rule ([`Census`]):
//! bytes with no byte-order mark are read as UTF-8 when they hold at least as many valid
//! multi-byte UTF-8 sequences (`é`, `’`, ...) as invalid ones, the invalid ones becoming
//! U+FFFD (counted in `replaced_chars` and warned about); bytes with more invalid sequences
//! than valid multi-byte ones (a file with no multi-byte UTF-8 at all, say) go to chardetng.

use encoding_rs::{Encoding, UTF_8};

/// A decoded document.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The text, without a byte-order mark.
    pub(crate) text: String,
    /// The encoding it was read as (`UTF-8`, `UTF-16LE`, `windows-1252`, ...).
    pub(crate) encoding: &'static str,
    /// Number of byte sequences that were not valid in that encoding and became U+FFFD.
    pub(crate) replaced: usize,
}

/// File signatures of common binary formats, with the name shown to the user.
pub(crate) const SIGNATURES: [(&[u8], &str); 8] = [
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (
        b"PK\x03\x04",
        "a zip archive (perhaps a Word or Excel file)",
    ),
    (b"\xD0\xCF\x11\xE0", "an old Microsoft Office file"),
    // Compressed files are read by their name (`.gz`, `.zst`): one named otherwise says how.
    (
        b"\x1F\x8B",
        "a gzip archive (named .gz, it would be read as the file inside)",
    ),
    (
        b"\x28\xB5\x2F\xFD",
        "a Zstandard archive (named .zst, it would be read as the file inside)",
    ),
];

/// Decodes `bytes`, or says why it is not text. `forced` (from `--encoding`) skips detection.
/// Valid UTF-8 without a byte-order mark (most files) becomes the text without a copy.
pub(crate) fn decode(bytes: Vec<u8>, forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    if let Some(encoding) = forced {
        let (encoding, body) = match Encoding::for_bom(&bytes) {
            Some((e, bom)) if e == encoding => (e, &bytes[bom..]),
            _ => (encoding, &bytes[..]),
        };
        return Ok(finish(encoding, body));
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(&bytes) {
        return Ok(finish(encoding, &bytes[bom_len..]));
    }
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Err(format!("binary file: {what}, not text"));
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err("binary file: contains NUL bytes, not text".to_string());
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: unix_line_ends(text),
            encoding: UTF_8.name(),
            replaced: 0,
        }),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut census = Census::default();
            census.feed(&bytes, true);
            if census.mostly_utf8() {
                return Ok(finish(UTF_8, &bytes));
            }
            Ok(finish(guess(&bytes, true), &bytes))
        }
    }
}

/// chardetng's guess for `bytes` (the whole input when `last`).
pub(crate) fn guess(bytes: &[u8], last: bool) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, last);
    detector.guess(None, true)
}

/// How much like UTF-8 some bytes are: their valid multi-byte UTF-8 sequences and their
/// invalid ones, counted as the bytes stream past (a sequence cut between two calls of
/// [`Census::feed`] is joined), as [`std::str::from_utf8`] would find them in the whole.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Census {
    /// Valid sequences of two to four bytes.
    pub(crate) multibyte: u64,
    /// Invalid sequences (each a maximal invalid prefix, as U+FFFD replaces them).
    pub(crate) invalid: u64,
    /// The start of a sequence cut by the end of the bytes fed last.
    carry: [u8; 4],
    carried: usize,
}

impl Census {
    /// Counts `bytes`, which follow those fed before; `last` when they end the input (a
    /// sequence left cut is then invalid).
    pub(crate) fn feed(&mut self, bytes: &[u8], last: bool) {
        let mut rest = self.join_carry(bytes);
        loop {
            match simdutf8::compat::from_utf8(rest) {
                Ok(text) => {
                    self.multibyte += multibyte(text.as_bytes());
                    break;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    self.multibyte += multibyte(&rest[..valid]);
                    match e.error_len() {
                        Some(n) => {
                            self.invalid += 1;
                            rest = &rest[valid + n..];
                        }
                        None => {
                            let cut = &rest[valid..];
                            self.carry[..cut.len()].copy_from_slice(cut);
                            self.carried = cut.len();
                            break;
                        }
                    }
                }
            }
        }
        if last && self.carried > 0 {
            self.invalid += 1;
            self.carried = 0;
        }
    }

    /// Finishes the sequence carried from the bytes before with the first of `bytes`;
    /// returns the bytes after it.
    fn join_carry<'b>(&mut self, bytes: &'b [u8]) -> &'b [u8] {
        if self.carried == 0 {
            return bytes;
        }
        let carried = self.carried;
        let width = match self.carry[0] {
            0xF0.. => 4,
            0xE0.. => 3,
            _ => 2,
        };
        let take = (width - carried).min(bytes.len());
        let mut joined = self.carry;
        joined[carried..carried + take].copy_from_slice(&bytes[..take]);
        match std::str::from_utf8(&joined[..carried + take]) {
            Ok(_) => {
                self.multibyte += 1;
                self.carried = 0;
                &bytes[take..]
            }
            // Still cut: the bytes ran out first.
            Err(e) if e.error_len().is_none() => {
                self.carry = joined;
                self.carried = carried + take;
                &bytes[take..]
            }
            Err(e) => {
                self.invalid += 1;
                self.carried = 0;
                let n = e.error_len().unwrap_or(1);
                &bytes[n.saturating_sub(carried).min(bytes.len())..]
            }
        }
    }

    /// Counts `valid`, bytes known to be valid UTF-8 (no sequence cut at either end).
    pub(crate) fn add_valid(&mut self, valid: &[u8]) {
        self.multibyte += multibyte(valid);
    }

    /// The rule of this module: no invalid sequence, or at least as many valid multi-byte
    /// sequences as invalid ones.
    pub(crate) fn mostly_utf8(&self) -> bool {
        self.invalid <= self.multibyte
    }
}

/// Valid multi-byte sequences in valid UTF-8: their lead bytes.
fn multibyte(valid: &[u8]) -> u64 {
    if valid.is_ascii() {
        return 0;
    }
    valid.iter().filter(|&&b| b >= 0xC0).count() as u64
}

fn finish(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count()
    } else {
        0
    };
    Decoded {
        text: unix_line_ends(text.into_owned()),
        encoding: encoding.name(),
        replaced,
    }
}

/// Windows (CRLF) and old Mac (CR) line ends become \n, so lines are lines everywhere: a
/// file read whole here, a large one part by part ([`super::stream`]).
pub(super) fn unix_line_ends(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_and_forced_encoding() {
        let d = decode(b"a\r\nb\rc\n".to_vec(), None).unwrap();
        assert_eq!(d.text, "a\nb\nc\n");
        let latin = Encoding::for_label(b"latin1");
        let d = decode("caf\u{e9}".as_bytes().to_vec(), latin).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("caf\u{c3}\u{a9}", "windows-1252")
        );
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("Don’t".as_bytes().to_vec(), None).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.replaced),
            ("Don’t", "UTF-8", 0)
        );
        let d = decode(b"\xEF\xBB\xBFhi".to_vec(), None).unwrap();
        assert_eq!(d.text, "hi");
    }

    #[test]
    fn windows_1252_curly_quote() {
        let d = decode(
            b"PCTs\x92 talents and the centre\x92s \x93top tables\x94".to_vec(),
            None,
        )
        .unwrap();
        assert_eq!(d.text, "PCTs’ talents and the centre’s “top tables”");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn a_mostly_utf8_file_stays_utf8_and_a_file_with_no_multibyte_utf8_is_detected() {
        // One stray Windows-1252 quote among valid curly quotes and an accent: UTF-8.
        let d = decode(
            b"The trust\xe2\x80\x99s caf\xc3\xa9: don\x92t".to_vec(),
            None,
        )
        .unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.replaced),
            ("The trust’s café: don\u{FFFD}t", "UTF-8", 1)
        );
        // As many invalid sequences as valid ones still reads as UTF-8; more does not.
        let d = decode(b"caf\xc3\xa9 \x92 \x93".to_vec(), None).unwrap();
        assert_eq!(d.encoding, "windows-1252");
        let d = decode(b"caf\xc3\xa9 \x92".to_vec(), None).unwrap();
        assert_eq!((d.encoding, d.replaced), ("UTF-8", 1));
    }

    #[test]
    fn a_census_fed_in_pieces_counts_as_one_fed_whole() {
        let bytes = "a é ’ 𝄞 \u{7ff}"
            .as_bytes()
            .iter()
            .copied()
            .chain(*b"\x92\xe2\x80 \xf0\x9d")
            .collect::<Vec<u8>>();
        let mut whole = Census::default();
        whole.feed(&bytes, true);
        assert_eq!((whole.multibyte, whole.invalid), (4, 3));
        for cut in 1..bytes.len() {
            for second in cut..bytes.len() {
                let mut pieces = Census::default();
                pieces.feed(&bytes[..cut], false);
                pieces.feed(&bytes[cut..second], false);
                pieces.feed(&bytes[second..], true);
                assert_eq!(
                    (pieces.multibyte, pieces.invalid),
                    (whole.multibyte, whole.invalid),
                    "cut at {cut} and {second}"
                );
            }
        }
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Don’t".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(bytes.to_vec(), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("Don’t", "UTF-16LE"));
    }

    #[test]
    fn binaries_are_refused_with_a_reason() {
        assert!(decode(b"%PDF-1.4 ...".to_vec(), None)
            .unwrap_err()
            .contains("PDF"));
        assert!(decode(b"abc\0def".to_vec(), None)
            .unwrap_err()
            .contains("NUL"));
        assert!(decode(b"\x1F\x8B\x08\x00rest".to_vec(), None)
            .unwrap_err()
            .contains("gzip archive (named .gz, it would be read"));
        assert!(decode(b"\x28\xB5\x2F\xFDrest".to_vec(), None)
            .unwrap_err()
            .contains("Zstandard archive (named .zst"));
    }
}
