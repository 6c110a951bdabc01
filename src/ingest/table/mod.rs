//! Table corpora: one document per row of a CSV, TSV or JSON Lines file, as exported from
//! news databases. The file is read as a stream, a batch of rows at a time, so a file of many
//! gigabytes never sits in memory whole.
//!
//! Columns are chosen by name (`--text-column`, `--date-column`, `--id-column`,
//! `--title-column`; defaults `text`, `date`, `id`, `title`). The text and date columns must
//! exist; a missing one is an error that lists the columns found. The id and title columns are
//! used when present (an explicitly named one must exist). Rows with an empty text cell are
//! skipped and named; a date that cannot be read leaves the row undated, with a warning.
//! CSV, TSV and JSON Lines are decoded as they stream past ([`super::text_reader`]); CSV and
//! TSV records are cut by [`delimited`], which guards against a quote left open.

mod delimited;
mod json_lines;
mod parquet;

use std::io::{BufReader, Read};
use std::path::Path;

use encoding_rs::Encoding;
use sha2::{Digest, Sha256};

use self::delimited::Records;
pub(crate) use self::json_lines::LineBlocks;
use self::json_lines::{parse_line, Wanted};
pub(crate) use self::parquet::parquet_data_bytes;
use self::parquet::read_parquet;
use super::date::{self, DateOrder, DateSource};
use super::text_reader::TextReader;
use super::walk::{Skipped, SourceFile};
use super::{Document, DocumentInfo};
use crate::error::InputError;

/// The kinds of table file read as corpora.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableFormat {
    Csv,
    Tsv,
    JsonLines,
    Parquet,
}

impl TableFormat {
    /// The format of a file, by extension: `.csv`, `.tsv`, `.jsonl`/`.ndjson`, `.parquet`;
    /// a compressed file's by its name inside (`.csv.gz`), except Parquet, which is read by
    /// position and not from a compressed stream.
    pub(crate) fn of(path: &Path) -> Option<TableFormat> {
        let mut buf = [0u8; 8];
        let name = super::walk::file_name_bytes(path);
        let inner = super::compressed::inner_name(name);
        match super::walk::extension_of(inner, &mut buf) {
            "csv" => Some(TableFormat::Csv),
            "tsv" | "tab" => Some(TableFormat::Tsv),
            "jsonl" | "ndjson" => Some(TableFormat::JsonLines),
            "parquet" | "pq" if inner.len() == name.len() => Some(TableFormat::Parquet),
            _ => None,
        }
    }
}

/// Which columns hold what. `None` for id and title means "use the default name if present".
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Columns {
    pub(crate) text: String,
    pub(crate) date: String,
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            text: "text".into(),
            date: "date".into(),
            id: None,
            title: None,
        }
    }
}

/// One row, before it becomes a [`Document`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Row {
    /// 1-based data row (CSV, header not counted) or line (JSON Lines).
    pub(crate) number: usize,
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) text: String,
    /// Characters that could not be decoded (U+FFFD in its cells, counted when the file had
    /// bytes not valid in its encoding).
    pub(crate) replaced: usize,
}

impl Row {
    /// Counts the U+FFFD characters of the row's cells into `replaced`.
    pub(crate) fn count_replaced(&mut self) {
        let count = |s: &str| s.chars().filter(|&c| c == '\u{FFFD}').count();
        self.replaced = [&self.id, &self.title, &self.date]
            .into_iter()
            .flatten()
            .map(|s| count(s))
            .sum::<usize>()
            + count(&self.text);
    }
}

/// Rows as the reader hands them to the workers. JSON Lines files go as blocks of whole
/// lines, parsed by the worker that takes the block ([`Batch::each_row`]): the reader only
/// reads, hashes and cuts, so a table corpus is not limited by one thread's JSON parsing,
/// and no line is copied into a string of its own.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Batch {
    /// Rows read whole (CSV, TSV, Parquet).
    Rows(Vec<Row>),
    /// Whole lines of a JSON Lines file, the first of them line `first_line` (from 1);
    /// `replaced`: bytes of the file up to these lines were not valid in its encoding.
    Lines {
        first_line: usize,
        bytes: Vec<u8>,
        replaced: bool,
    },
}

/// How much the reader puts in a [`Batch`]: rows of a CSV, TSV or Parquet file; bytes of a
/// JSON Lines file (whole lines, so a batch may be longer by its last line).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BatchSize {
    pub(crate) rows: usize,
    pub(crate) bytes: usize,
}

impl Batch {
    /// Each row of the batch, in file order, or why it is skipped: a line that is not JSON
    /// or not a JSON object, or a row with an empty text cell. Blank lines are no rows.
    pub(crate) fn each_row(
        self,
        file: &SourceFile,
        columns: &Columns,
        mut each: impl FnMut(Result<Row, Skipped>),
    ) {
        match self {
            Batch::Rows(rows) => rows.into_iter().for_each(|r| each(checked(file, r))),
            Batch::Lines {
                first_line,
                bytes,
                replaced,
            } => {
                let wanted = Wanted::new(columns);
                for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let number = first_line + i;
                    let row = parse_line(file, number, line, &wanted).map(|mut row| {
                        if replaced {
                            row.count_replaced();
                        }
                        row
                    });
                    each(row.and_then(|r| checked(file, r)));
                }
            }
        }
    }
}

/// What reading a table found besides its rows.
#[derive(Debug, Default)]
pub(crate) struct TableReport {
    pub(crate) rows: usize,
    /// Size and SHA-256 (hex) of the file, worked out as it streamed past, for run.json.
    pub(crate) bytes: u64,
    pub(crate) sha256: String,
    pub(crate) skipped: Vec<Skipped>,
    /// The encoding the file was read in, and the byte sequences not valid in it.
    pub(crate) encoding: &'static str,
    pub(crate) replaced: u64,
    /// What the reading found wrong with the file as a whole (a quote left open).
    pub(crate) warnings: Vec<String>,
}

/// Column positions in a CSV header.
pub(crate) struct Positions {
    pub(crate) text: usize,
    pub(crate) date: usize,
    pub(crate) id: Option<usize>,
    pub(crate) title: Option<usize>,
}

/// The error of a table file that cannot be read as a table: the one way one is made.
pub(crate) fn error(path: &Path, message: impl std::fmt::Display) -> InputError {
    InputError::Table {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

fn missing(file: &SourceFile, flag: &str, name: &str, found: &[String]) -> InputError {
    let found = found.join(", ");
    error(
        &file.path,
        format!("no column '{name}' (set it with {flag}); the columns are: {found}"),
    )
}

pub(crate) fn positions(
    file: &SourceFile,
    header: &[String],
    c: &Columns,
) -> Result<Positions, InputError> {
    let find = |name: &str| header.iter().position(|h| h.trim() == name);
    let required =
        |name: &str, flag: &str| find(name).ok_or_else(|| missing(file, flag, name, header));
    let optional = |given: &Option<String>, default: &str, flag: &str| match given {
        Some(name) => required(name, flag).map(Some),
        None => Ok(find(default)),
    };
    Ok(Positions {
        text: required(&c.text, "--text-column")?,
        date: required(&c.date, "--date-column")?,
        id: optional(&c.id, "id", "--id-column")?,
        title: optional(&c.title, "title", "--title-column")?,
    })
}

/// Reads `file` and calls `batch` with its rows in batches of `size`, in file order, until
/// `batch` returns false (the file is then read only in part and `sha256` is left empty).
/// CSV, TSV and JSON Lines are decoded as [`TextReader`] says (`encoding` is `--encoding`).
/// A missing column or an unreadable file is an error (after some batches, perhaps: the
/// caller undoes them). Each batch's rows are then read out with [`Batch::each_row`]. `rows`
/// in the report counts rows read (lines, for JSON Lines), so that rows of the next table can
/// be numbered after them.
pub(crate) fn read_rows(
    file: &SourceFile,
    format: TableFormat,
    columns: &Columns,
    encoding: Option<&'static Encoding>,
    size: BatchSize,
    batch: impl FnMut(Batch) -> bool,
) -> Result<TableReport, InputError> {
    let open = super::compressed::open(&file.path).map_err(|e| cannot_read(file, e))?;
    read_rows_from(file, format, columns, encoding, size, open, batch)
}

/// [`read_rows`] from the bytes `input` gives (the file's, or a test's).
pub(crate) fn read_rows_from(
    file: &SourceFile,
    format: TableFormat,
    columns: &Columns,
    encoding: Option<&'static Encoding>,
    size: BatchSize,
    input: Box<dyn Read + Send>,
    mut batch: impl FnMut(Batch) -> bool,
) -> Result<TableReport, InputError> {
    let input = Hashing::new(input);
    match format {
        TableFormat::Csv | TableFormat::Tsv => {
            let delimiter = if format == TableFormat::Tsv {
                b'\t'
            } else {
                b','
            };
            let text = TextReader::new(input, encoding);
            let records = Records::new(BufReader::with_capacity(1 << 20, text), delimiter);
            delimited::read_delimited(file, columns, size.rows, records, &mut batch)
        }
        TableFormat::JsonLines => {
            let mut blocks = LineBlocks::from_reader(file, columns, encoding, size.bytes, input);
            while let Some(block) = blocks.next_block()? {
                if !batch(block) {
                    return Ok(blocks.stop());
                }
            }
            blocks.finish()
        }
        TableFormat::Parquet => {
            let mut rows = Batcher::new(size.rows, &mut batch);
            let stopped = read_parquet(file, columns, &mut |row| rows.push(row))?;
            let mut report = rows.finish(stopped);
            report.encoding = "UTF-8";
            // Parquet is read by position, so the hash is a read of its own.
            input.finish(file, stopped, report)
        }
    }
}

/// Rows gathered into batches and handed on.
struct Batcher<'b, F> {
    rows: Vec<Row>,
    full: usize,
    /// Rows read, skipped ones included.
    count: usize,
    skipped: Vec<Skipped>,
    batch: &'b mut F,
}

impl<'b, F: FnMut(Batch) -> bool> Batcher<'b, F> {
    fn new(full: usize, batch: &'b mut F) -> Self {
        let full = full.max(1);
        Batcher {
            rows: Vec::with_capacity(full),
            full,
            count: 0,
            skipped: Vec::new(),
            batch,
        }
    }

    /// Adds a row, handing the batch on when full; false once `batch` has asked to stop.
    fn push(&mut self, row: Row) -> bool {
        self.count += 1;
        self.rows.push(row);
        self.rows.len() < self.full || (self.batch)(Batch::Rows(std::mem::take(&mut self.rows)))
    }

    /// Hands on the last batch (unless stopped) and reports the rows read.
    fn finish(self, stopped: bool) -> TableReport {
        if !stopped && !self.rows.is_empty() {
            (self.batch)(Batch::Rows(self.rows));
        }
        TableReport {
            rows: self.count,
            skipped: self.skipped,
            ..TableReport::default()
        }
    }
}

pub(crate) fn cannot_read(file: &SourceFile, e: std::io::Error) -> InputError {
    error(&file.path, format!("cannot be read: {e}"))
}

/// A reader that hashes what passes through it, so a table file is read once, not once for
/// its rows and again for run.json.
pub(crate) struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    pub(crate) bytes: u64,
}

impl<R: Read> Hashing<R> {
    pub(crate) fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// `report` with the file's size and, unless reading `stopped` part way, its SHA-256
    /// (the rest of the file read for it: nothing, normally).
    pub(crate) fn finish(
        mut self,
        file: &SourceFile,
        stopped: bool,
        mut report: TableReport,
    ) -> Result<TableReport, InputError> {
        if !stopped {
            std::io::copy(&mut self, &mut std::io::sink()).map_err(|e| cannot_read(file, e))?;
            report.sha256 = format!("{:x}", self.hasher.finalize());
        }
        report.bytes = self.bytes;
        Ok(report)
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// `row`, or why it is skipped: an empty text cell.
fn checked(file: &SourceFile, row: Row) -> Result<Row, Skipped> {
    if row.text.trim().is_empty() {
        return Err(Skipped {
            path: row_name(file, &row),
            reason: "empty text cell".into(),
        });
    }
    Ok(row)
}

/// The name a row goes by in documents.csv and warnings: `file#id`, else `file#rowN`.
pub(crate) fn row_name(file: &SourceFile, row: &Row) -> String {
    match &row.id {
        Some(id) => format!("{}#{id}", file.name),
        None => format!("{}#row{}", file.name, row.number),
    }
}

/// A row as a document. A date cell that cannot be read leaves the document undated; the
/// second value is then the cell, for the warning.
pub(crate) fn to_document(
    file: &SourceFile,
    row: Row,
    order: DateOrder,
) -> (Document, Option<String>) {
    let name = row_name(file, &row);
    let (date, reading) = row
        .date
        .as_deref()
        .and_then(|d| date::read_date_cell(d, order))
        .unzip();
    let bad_date = match (&row.date, date) {
        (Some(cell), None) => Some(cell.clone()),
        _ => None,
    };
    let title = row.title.unwrap_or_else(|| {
        row.text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default()
            .to_string()
    });
    let title = super::shorten(&title, super::MAX_TITLE_CHARS);
    let info = DocumentInfo {
        name,
        title,
        date,
        date_source: date.map(|_| DateSource::Column),
        reading: reading.unwrap_or_default(),
        impossible_date: None,
        source: None,
        // The table's encoding is known once it is read (see `TableReport::encoding`).
        encoding: "UTF-8",
        replaced_chars: row.replaced,
        bytes: row.text.len() as u64,
        sha256: Sha256::digest(row.text.as_bytes()).into(),
    };
    (
        Document {
            info,
            text: row.text,
            rest: None,
        },
        bad_date,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table file `name` in `dir` holding `body`.
    pub(super) fn file(dir: &Path, name: &str, body: &str) -> SourceFile {
        let path = dir.join(name);
        std::fs::write(&path, body).unwrap();
        SourceFile {
            path,
            name: name.into(),
        }
    }

    /// Reads and parses every row; parse failures join the report's skipped rows.
    pub(super) fn read(
        f: &SourceFile,
        columns: &Columns,
    ) -> Result<(Vec<Row>, TableReport), InputError> {
        let mut all = Vec::new();
        // Tiny batches: two rows, or 16 bytes of whole lines.
        let size = BatchSize { rows: 2, bytes: 16 };
        let format = TableFormat::of(&f.path).unwrap();
        let mut report = read_rows(f, format, columns, None, size, |b| {
            if let Batch::Rows(rows) = &b {
                assert!(rows.len() <= 2);
            }
            all.push(b);
            true
        })?;
        let mut rows = Vec::new();
        for batch in all {
            batch.each_row(f, columns, |r| match r {
                Ok(row) => rows.push(row),
                Err(skipped) => report.skipped.push(skipped),
            });
        }
        Ok((rows, report))
    }

    #[test]
    fn csv_rows_in_batches_with_quoted_newlines_and_empty_text() {
        let d = tempfile::tempdir().unwrap();
        let f = file(
            d.path(),
            "c.csv",
            "id,date,title,text\n1,2003-10-16,A,\"one, two\nthree\"\n2,2010,B,\n3,22 July 2010,,four\n",
        );
        let (rows, report) = read(&f, &Columns::default()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].text, "one, two\nthree");
        assert_eq!(rows[1].id.as_deref(), Some("3"));
        assert_eq!(rows[1].title, None);
        assert_eq!(report.rows, 3);
        let bytes = std::fs::read(&f.path).unwrap();
        assert_eq!(report.bytes, bytes.len() as u64);
        assert_eq!(report.sha256, format!("{:x}", Sha256::digest(&bytes)));
        assert_eq!(report.skipped[0].path, "c.csv#2");
        assert_eq!(report.skipped[0].reason, "empty text cell");
    }

    #[test]
    fn a_table_that_fails_part_way_hands_out_rows_then_the_error() {
        /// Gives its bytes a few at a time, then fails as a disk might.
        struct Failing(Vec<u8>);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Err(std::io::Error::other("disk error"));
                }
                let n = buf.len().min(1000).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0.drain(..n);
                Ok(n)
            }
        }
        let csv: String = std::iter::once("id,date,text\n".to_string())
            .chain((1..=200).map(|i| format!("{i},2003-01-02,row number {i} of the table\n")))
            .collect();
        let jsonl: String = (1..=200)
            .map(|i| format!("{{\"date\": \"2003\", \"text\": \"row number {i} of the table\"}}\n"))
            .collect();
        for (name, body) in [("t.csv", csv), ("t.jsonl", jsonl)] {
            let f = SourceFile {
                path: name.into(),
                name: name.into(),
            };
            let size = BatchSize {
                rows: 10,
                bytes: 256,
            };
            let mut rows = 0;
            let format = TableFormat::of(&f.path).unwrap();
            let input = Box::new(Failing(body.into_bytes()));
            let e = read_rows_from(&f, format, &Columns::default(), None, size, input, |b| {
                b.each_row(&f, &Columns::default(), |r| rows += usize::from(r.is_ok()));
                true
            })
            .unwrap_err()
            .to_string();
            assert!(rows > 0, "{name}: rows were handed out before the failure");
            assert!(e.contains("cannot be read: disk error"), "{name}: {e}");
        }
    }

    #[test]
    fn missing_column_lists_the_columns_found() {
        let d = tempfile::tempdir().unwrap();
        let f = file(d.path(), "c.tsv", "body\tpublished\nx\t2010\n");
        let e = read(&f, &Columns::default()).unwrap_err().to_string();
        assert!(
            e.contains("no column 'text' (set it with --text-column)"),
            "{e}"
        );
        assert!(e.contains("the columns are: body, published"), "{e}");
        let c = Columns {
            text: "body".into(),
            date: "published".into(),
            ..Columns::default()
        };
        let (rows, _) = read(&f, &c).unwrap();
        assert_eq!(
            (rows[0].text.as_str(), rows[0].date.as_deref()),
            ("x", Some("2010"))
        );
        let c = Columns {
            id: Some("uid".into()),
            ..c
        };
        let e = read(&f, &c).unwrap_err().to_string();
        assert!(
            e.contains("no column 'uid' (set it with --id-column)"),
            "{e}"
        );
    }
}
