//! Ingest: find the files, decode their bytes, and read each document's date and title.
//! The output is a [`Document`]: text plus what the tables say about it.

pub(crate) mod compressed;
pub(crate) mod date;
pub(crate) mod decode;
pub(crate) mod html;
pub(crate) mod metadata;
pub(crate) mod stream;
pub(crate) mod table;
pub(crate) mod text_reader;
pub(crate) mod walk;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use date::{DateOrder, DateReading, DateSource};
use metadata::Metadata;
use walk::{Skipped, SourceFile};

/// What is known about a document apart from its text; kept after the text is counted.
#[derive(Debug, Clone)]
pub(crate) struct DocumentInfo {
    /// Path relative to the input folder.
    pub(crate) name: String,
    /// Headline: metadata title, else the first line that is not the date line.
    pub(crate) title: String,
    /// Publication date, when one was found.
    pub(crate) date: Option<NaiveDate>,
    /// Where the date came from.
    pub(crate) date_source: Option<DateSource>,
    /// How the date could be read: only its year known, which orders a numeric date allows.
    pub(crate) reading: DateReading,
    /// A date-shaped text at the top of the document that is no real day (`29/02/2011`),
    /// when the date was looked for there: it was not used.
    pub(crate) impossible_date: Option<String>,
    /// The `source` column of metadata.csv, if any.
    pub(crate) source: Option<String>,
    /// Encoding the bytes were read as.
    pub(crate) encoding: &'static str,
    /// Invalid byte sequences replaced by U+FFFD.
    pub(crate) replaced_chars: usize,
    /// File size in bytes (of its content, decompressed, for a compressed file).
    pub(crate) bytes: u64,
    /// SHA-256 of the file's bytes (its content's, for a compressed file; of the row's text
    /// for a table row); [`hex`] writes it.
    pub(crate) sha256: [u8; 32],
}

/// A document ready to tokenise: the metadata line (`Published: ...`) is already removed.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) info: DocumentInfo,
    /// The text, or its first part when the file is read in parts.
    pub(crate) text: String,
    /// The rest of a file too large to hold whole ([`stream::STREAM_ABOVE`]), to be read and
    /// counted after `text` as the same document.
    pub(crate) rest: Option<stream::Parts>,
}

/// Longest title kept (characters); a longer first line is cut with an ellipsis.
pub(crate) const MAX_TITLE_CHARS: usize = 200;

/// `s` cut to at most `max` characters, with `…` when cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
    }
}

/// A SHA-256 digest as 64 lower-case hex digits.
pub(crate) fn hex(digest: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for &b in digest {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Files up to this size are read without asking the system for their size first.
const SMALL_FILE: usize = 64 * 1024;

/// Reads `file` into a buffer of [`SMALL_FILE`] bytes: its bytes, and whether that is the whole
/// file (the end was found before the buffer filled).
/// The bytes are read into a buffer each thread keeps (zeroed once) and copied out at their
/// length.
fn read_small(file: &mut std::fs::File) -> std::io::Result<(Vec<u8>, bool)> {
    use std::io::Read;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; SMALL_FILE]);
    }
    BUFFER.with_borrow_mut(|buffer| {
        let mut filled = 0;
        while filled < buffer.len() {
            match file.read(&mut buffer[filled..]) {
                Ok(0) => return Ok((buffer[..filled].to_vec(), true)),
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok((buffer.clone(), false))
    })
}

/// The rest of `file` after `head`, expected to be `size` bytes in all: read into a buffer of
/// that size plus one byte, so one read fills it and a second finds the end (`read_to_end`
/// would first look up the size and position again, two more system calls per file).
fn read_whole(file: &mut std::fs::File, head: Vec<u8>, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut filled = head.len();
    let mut bytes = head;
    bytes.resize((size as usize).max(filled) + 1, 0);
    loop {
        if filled == bytes.len() {
            // The file grew since it was looked at: read on to its end.
            bytes.resize(2 * bytes.len(), 0);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// Reads one file, or says why it was skipped.
pub(crate) fn read_document(
    file: &SourceFile,
    metadata: &Metadata,
    order: DateOrder,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Document, Skipped> {
    let read = read_file(file, encoding)?;
    if read.size == 0 {
        return Err(skip(file)("empty file".to_string()));
    }
    if read.decoded.text.trim().is_empty() && read.rest.is_none() {
        return Err(skip(file)(
            "no text: the file holds only blank space".to_string(),
        ));
    }
    let (text, page) = if html::is_html(&file.name) {
        let mut page = html::extract(&read.decoded.text);
        (std::mem::take(&mut page.text), Some(page))
    } else {
        (read.decoded.text, None)
    };
    let page_date = page.as_ref().and_then(|p| html_date(p, order));
    let header = date::scan_header(&text, order);
    let meta = metadata.get(&file.name);
    let (date, date_source, reading) = date_of(&file.name, meta, page_date, &header);
    // Named only where the date was looked for in the text.
    let impossible_date = header.impossible.filter(|_| {
        !matches!(
            date_source,
            Some(DateSource::Metadata | DateSource::HtmlMeta)
        )
    });
    let title = meta
        .and_then(|m| m.title.clone())
        .or(page.and_then(|p| p.title))
        .or(header.title)
        .map(|t| shorten(&t, MAX_TITLE_CHARS));
    let (title, date_line) = title_and_date_line(title, header.date_line, &text);
    let mut text = text;
    if let Some(line) = date_line {
        remove_line(&mut text, line);
    }
    Ok(Document {
        info: DocumentInfo {
            name: file.name.clone(),
            title,
            date,
            date_source,
            reading,
            impossible_date,
            source: meta.and_then(|m| m.source.clone()),
            encoding: read.decoded.encoding,
            replaced_chars: read.decoded.replaced,
            bytes: read.size,
            sha256: read.sha256,
        },
        text,
        rest: read.rest,
    })
}

/// A file's text as read and decoded, before its date and title are looked for.
struct Read {
    /// The text, or its first part when the file is read in parts.
    decoded: decode::Decoded,
    /// SHA-256 of the file's bytes.
    sha256: [u8; 32],
    /// The file's size in bytes.
    size: u64,
    /// The rest of a file too large to hold whole.
    rest: Option<stream::Parts>,
}

/// Gives the reason `file` was skipped as a [`Skipped`].
fn skip(file: &SourceFile) -> impl Fn(String) -> Skipped + '_ {
    |reason| Skipped {
        path: file.name.clone(),
        reason,
    }
}

/// Gives a failure to read `file` as a [`Skipped`]; a refused permission is said in words a
/// user can act on.
fn unreadable(file: &SourceFile) -> impl Fn(std::io::Error) -> Skipped + '_ {
    move |e| {
        skip(file)(match e.kind() {
            std::io::ErrorKind::PermissionDenied => {
                "permission denied: themeshift may not read it".to_string()
            }
            _ => format!("cannot be read: {e}"),
        })
    }
}

/// Gives `file` read and decoded: whole, or its first part with the rest to come when it is
/// too large to hold whole (an HTML page is always read whole, to be parsed).
fn read_file(
    file: &SourceFile,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Read, Skipped> {
    if compressed::Compression::of(&file.path).is_some() {
        return read_compressed(file, encoding);
    }
    // A file of up to SMALL_FILE bytes (most documents) is read with no look at its size:
    // one open and two reads (the second finds the end). A larger one is sized with fstat.
    let mut handle = std::fs::File::open(&file.path).map_err(unreadable(file))?;
    let (head, whole) = read_small(&mut handle).map_err(unreadable(file))?;
    let size = if whole {
        head.len() as u64
    } else {
        handle.metadata().map_err(unreadable(file))?.len()
    };
    if size > stream::STREAM_ABOVE && !html::is_html(&file.name) {
        return read_streamed(file, encoding);
    }
    let bytes = if whole {
        head
    } else {
        read_whole(&mut handle, head, size).map_err(unreadable(file))?
    };
    decoded_whole(file, bytes, encoding)
}

/// Gives a compressed file's content read and decoded: whole, or, when it is too large to
/// hold whole, read again a part at a time (its size is known only by reading it).
fn read_compressed(
    file: &SourceFile,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Read, Skipped> {
    use std::io::Read as _;
    let html = html::is_html(&file.name);
    let mut content = compressed::open(&file.path).map_err(unreadable(file))?;
    let mut bytes = Vec::new();
    let up_to = if html {
        u64::MAX
    } else {
        stream::STREAM_ABOVE + 1
    };
    (&mut content)
        .take(up_to)
        .read_to_end(&mut bytes)
        .map_err(unreadable(file))?;
    if bytes.len() as u64 > stream::STREAM_ABOVE && !html {
        drop(bytes);
        return read_streamed(file, encoding);
    }
    decoded_whole(file, bytes, encoding)
}

/// Gives the bytes of a file read whole, hashed and decoded.
fn decoded_whole(
    file: &SourceFile,
    bytes: Vec<u8>,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Read, Skipped> {
    let sha256: [u8; 32] = Sha256::digest(&bytes).into();
    let size = bytes.len() as u64;
    let decoded = decode::decode(bytes, encoding).map_err(skip(file))?;
    Ok(Read {
        decoded,
        sha256,
        size,
        rest: None,
    })
}

/// Gives a file too large to hold whole: hashed and its encoding found in one pass, then its
/// first part decoded and the rest left to be read in parts.
fn read_streamed(
    file: &SourceFile,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Read, Skipped> {
    let scan = stream::scan(&file.path, encoding)
        .map_err(unreadable(file))?
        .map_err(skip(file))?;
    let mut parts = stream::Parts::open(&file.path, &scan).map_err(unreadable(file))?;
    let first = parts
        .next_part()
        .map_err(unreadable(file))?
        .unwrap_or_default();
    Ok(Read {
        decoded: decode::Decoded {
            text: first,
            encoding: scan.encoding.name(),
            replaced: 0,
        },
        sha256: scan.sha256,
        size: scan.bytes,
        rest: Some(parts),
    })
}

/// Gives the date in an HTML page's meta tags, when it has one that reads as a date.
fn html_date(page: &html::Page, order: DateOrder) -> Option<(NaiveDate, DateReading)> {
    page.date.as_deref().and_then(|raw| {
        raw.get(..10)
            .and_then(|d| date::read_date_cell(d, order))
            .or_else(|| date::find_reading(raw, order))
    })
}

/// Gives the document's date, where it came from and how it could be read: metadata.csv
/// first, then the HTML page's meta date, then the header lines, then the file name.
fn date_of(
    name: &str,
    meta: Option<&metadata::MetadataRow>,
    page_date: Option<(NaiveDate, DateReading)>,
    header: &date::HeaderScan,
) -> (Option<NaiveDate>, Option<DateSource>, DateReading) {
    match meta.and_then(|m| Some((m.date?, m.reading))) {
        Some((d, r)) => (Some(d), Some(DateSource::Metadata), r),
        None => match page_date {
            Some((d, r)) => (Some(d), Some(DateSource::HtmlMeta), r),
            None => match header.date {
                Some((d, s)) => (Some(d), Some(s), header.reading),
                None => match date::reading_from_file_name(name) {
                    Some((d, r)) => (Some(d), Some(DateSource::FileName), r),
                    None => (None, None, DateReading::Plain),
                },
            },
        },
    }
}

/// Gives the title (`title`, else a long date line, else empty) and the date line to remove
/// from `text`, if any.
fn title_and_date_line(
    title: Option<String>,
    date_line: Option<usize>,
    text: &str,
) -> (String, Option<usize>) {
    // A "date line" that runs on for pages (a file with no line breaks) is text, not a
    // header: it is kept, and is the title when there is no other.
    let long_line = |i: usize| text.lines().nth(i).filter(|l| l.len() > MAX_TITLE_CHARS);
    let title = title
        .or_else(|| {
            date_line
                .and_then(long_line)
                .map(|l| shorten(l.trim(), MAX_TITLE_CHARS))
        })
        .unwrap_or_default();
    (title, date_line.filter(|&i| long_line(i).is_none()))
}

/// Removes line `n` (0-based) of `text` with its line break, in place.
fn remove_line(text: &mut String, n: usize) {
    let start = match n {
        0 => 0,
        n => memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(n - 1)
            .map_or(text.len(), |i| i + 1),
    };
    let end =
        memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i + 1);
    text.replace_range(start..end, "");
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        let mut digest = [0u8; 32];
        digest[0] = 0x0f;
        digest[1] = 0xa0;
        digest[31] = 0xff;
        let text = super::hex(&digest);
        assert_eq!(text.len(), 64);
        assert_eq!(&text[..4], "0fa0");
        assert_eq!(&text[60..], "00ff");
        // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        use sha2::Digest;
        let abc: [u8; 32] = sha2::Sha256::digest(b"abc").into();
        assert_eq!(
            super::hex(&abc),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
