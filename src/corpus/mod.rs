//! The corpus as the stages after reading know it: each document's record ([`DocRecord`]),
//! each input file's size and hash ([`InputFile`]), and the order names are read in
//! ([`natural_cmp`]), and the rule for copies of a text (`copies.rs`: counted once per
//! period, the first in reading order). Made by reading, used by the warnings, the tables,
//! the report and the manifest: below them all, above the counting and ingest types it is
//! made of.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::count::DocSize;
use crate::ingest::date::{DateReading, DateSource};
use crate::ingest::DocumentInfo;

mod copies;
pub(crate) use copies::{Canonical, Seen};

/// A document after counting: what ingest found, its period, and its size. One is kept per
/// document until the run ends, so it is compact: text as boxed strings, the period shared,
/// a copy named by its index.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct DocRecord {
    /// Path relative to the input folder (`file#id` or `file#rowN` for a table row).
    pub(crate) name: Box<str>,
    pub(crate) title: Box<str>,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) date_source: Option<DateSource>,
    /// How the date could be read (only its year known; the orders a numeric date allows).
    pub(crate) reading: DateReading,
    /// The `source` column of metadata.csv, if any.
    pub(crate) source: Option<Box<str>>,
    /// Encoding the bytes were read as.
    #[serde(with = "encoding_name")]
    pub(crate) encoding: EncodingName,
    /// Invalid byte sequences replaced by U+FFFD.
    pub(crate) replaced_chars: u64,
    /// File size in bytes (the text cell's, for a table row).
    pub(crate) bytes: u64,
    /// SHA-256 of the file's bytes (of the row's text for a table row).
    pub(crate) sha256: [u8; 32],
    /// `None` for an undated document, which is left out of every comparison.
    pub(crate) period: Option<Arc<str>>,
    pub(crate) size: DocSize,
    /// The document (index in name order) with the same text and period that was counted
    /// instead of this one.
    pub(crate) duplicate_of: Option<u32>,
    /// A whole file (listed in run.json's inputs), not a row of a table.
    pub(crate) from_file: bool,
    /// Its place in reading order (text files in the order found, then each table's rows).
    pub(crate) place: u64,
    /// Its words were counted: dated, and the first copy of its text in its period that a
    /// thread reached.
    pub(crate) counted: bool,
}

/// An encoding's name (`UTF-8`, `windows-1252`). Named, so that serde reads it back through
/// [`encoding_name`] rather than borrowing it from the bytes (which it does to a `&str`
/// written out).
pub(crate) type EncodingName = &'static str;

/// An encoding's name as [`DocRecord`] is sent between machines (a cluster's executors
/// read documents, its driver writes the tables): read back as the same static name.
mod encoding_name {
    use serde::de::Error;

    pub(super) fn serialize<S: serde::Serializer>(name: &&str, to: S) -> Result<S::Ok, S::Error> {
        to.serialize_str(name)
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        from: D,
    ) -> Result<&'static str, D::Error> {
        let name: String = serde::Deserialize::deserialize(from)?;
        encoding_rs::Encoding::for_label(name.as_bytes())
            .map(|e| e.name())
            .ok_or_else(|| D::Error::custom(format!("unknown encoding {name}")))
    }
}

impl DocRecord {
    /// The date as documents.csv and warnings show it: `2010-07-22`, or `2010` when only the
    /// year is known.
    pub(crate) fn date_text(&self) -> Option<String> {
        let date = self.date?;
        Some(match self.reading {
            DateReading::YearOnly => date.format("%Y").to_string(),
            _ => date.format("%Y-%m-%d").to_string(),
        })
    }

    /// The record of a document ingest described as `info`.
    pub(crate) fn new(
        info: DocumentInfo,
        period: Option<Arc<str>>,
        size: DocSize,
        from_file: bool,
        place: u64,
        counted: bool,
    ) -> DocRecord {
        DocRecord {
            name: info.name.into_boxed_str(),
            title: info.title.into_boxed_str(),
            date: info.date,
            date_source: info.date_source,
            reading: info.reading,
            source: info.source.map(String::into_boxed_str),
            encoding: info.encoding,
            replaced_chars: info.replaced_chars as u64,
            bytes: info.bytes,
            sha256: info.sha256,
            period,
            size,
            duplicate_of: None,
            from_file,
            place,
            counted,
        }
    }
}

/// An input file with its size and hash.
#[derive(Debug, Serialize, serde::Deserialize)]
pub(crate) struct InputFile {
    pub(crate) path: String,
    pub(crate) bytes: u64,
    pub(crate) sha256: String,
}

/// Orders names as people do: digit runs by value, so `t.csv#row2` comes before
/// `t.csv#row10` and `doc9.txt` before `doc10.txt`; ties fall back to plain byte order.
/// Names are compared run by run (a digit run sorts before a run of other characters), with
/// no allocation: the documents of a large corpus are sorted by it.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    /// The next run of `s` (all digits or none) and what follows it.
    fn run(s: &str) -> (&str, &str) {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let len = if digits > 0 {
            digits
        } else {
            s.bytes().take_while(|b| !b.is_ascii_digit()).count()
        };
        s.split_at(len)
    }
    let (mut x, mut y) = (a, b);
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let ((p, rest_x), (q, rest_y)) = (run(x), run(y));
        let (p_digits, q_digits) = (
            p.as_bytes()[0].is_ascii_digit(),
            q.as_bytes()[0].is_ascii_digit(),
        );
        let order = match (p_digits, q_digits) {
            (true, true) => {
                let value = |d: &str| d.parse::<u128>().unwrap_or(u128::MAX);
                value(p).cmp(&value(q))
            }
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => p.cmp(q),
        };
        if order != Ordering::Equal {
            return order;
        }
        (x, y) = (rest_x, rest_y);
    }
}
