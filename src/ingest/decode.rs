//! Bytes to text: byte-order marks, UTF-8, and legacy single-byte encodings detected with
//! chardetng and decoded with encoding_rs. Binary files (PDFs, images, anything with NUL
//! bytes) are refused with a reason a person can act on.

use encoding_rs::{Encoding, UTF_8};

/// A decoded document.
#[derive(Debug)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The encoding it was read as (`UTF-8`, `UTF-16LE`, `windows-1252`, ...).
    pub encoding: &'static str,
    /// Number of byte sequences that were not valid in that encoding and became U+FFFD.
    pub replaced: usize,
}

/// File signatures of common binary formats, with the name shown to the user.
pub(crate) const SIGNATURES: [(&[u8], &str); 6] = [
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (
        b"PK\x03\x04",
        "a zip archive (perhaps a Word or Excel file)",
    ),
    (b"\xD0\xCF\x11\xE0", "an old Microsoft Office file"),
];

/// Decodes `bytes`, or says why it is not text. `forced` (from `--encoding`) skips detection.
/// Valid UTF-8 without a byte-order mark (most files) becomes the text without a copy.
pub fn decode(bytes: Vec<u8>, forced: Option<&'static Encoding>) -> Result<Decoded, String> {
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
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(&bytes, true);
            Ok(finish(detector.guess(None, true), &bytes))
        }
    }
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

/// Windows (CRLF) and old Mac (CR) line ends become \n, so lines are lines everywhere.
fn unix_line_ends(text: String) -> String {
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
    }
}
