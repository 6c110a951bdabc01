//! Table corpora: one document per row of a CSV, TSV or JSON Lines file, as exported from
//! news databases. The file is read as a stream, a batch of rows at a time, so a file of many
//! gigabytes never sits in memory whole.
//!
//! Columns are chosen by name (`--text-column`, `--date-column`, `--id-column`,
//! `--title-column`; defaults `text`, `date`, `id`, `title`). The text and date columns must
//! exist; a missing one is an error that lists the columns found. The id and title columns are
//! used when present (an explicitly named one must exist). Rows with an empty text cell are
//! skipped and named; a date that cannot be read leaves the row undated, with a warning.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::date::{self, DateOrder, DateSource};
use super::walk::{Skipped, SourceFile};
use super::{Document, DocumentInfo};
use crate::error::InputError;

/// The kinds of table file read as corpora.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Tsv,
    JsonLines,
    Parquet,
}

impl TableFormat {
    /// The format of a file, by extension: `.csv`, `.tsv`, `.jsonl`/`.ndjson`, `.parquet`.
    pub fn of(path: &Path) -> Option<TableFormat> {
        let mut buf = [0u8; 8];
        match super::walk::extension(super::walk::file_name(path), &mut buf) {
            "csv" => Some(TableFormat::Csv),
            "tsv" | "tab" => Some(TableFormat::Tsv),
            "jsonl" | "ndjson" => Some(TableFormat::JsonLines),
            "parquet" | "pq" => Some(TableFormat::Parquet),
            _ => None,
        }
    }
}

/// Which columns hold what. `None` for id and title means "use the default name if present".
#[derive(Debug, Clone)]
pub struct Columns {
    pub text: String,
    pub date: String,
    pub id: Option<String>,
    pub title: Option<String>,
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
pub struct Row {
    /// 1-based data row (CSV, header not counted) or line (JSON Lines).
    pub number: usize,
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub text: String,
}

/// A row as read from the file. JSON Lines rows are parsed later, by [`parse`] on the worker
/// threads, so a table corpus is not limited by one thread's JSON parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum RawRow {
    Ready(Row),
    Json { number: usize, line: String },
}

/// What reading a table found besides its rows.
#[derive(Debug, Default)]
pub struct TableReport {
    pub rows: usize,
    /// Size and SHA-256 (hex) of the file, worked out as it streamed past, for run.json.
    pub bytes: u64,
    pub sha256: String,
    pub skipped: Vec<Skipped>,
    /// Rows whose date cell could not be read: (row name, cell).
    pub bad_dates: Vec<(String, String)>,
}

/// Column positions in a CSV header.
struct Positions {
    text: usize,
    date: usize,
    id: Option<usize>,
    title: Option<usize>,
}

fn missing(file: &SourceFile, flag: &str, name: &str, found: &[String]) -> InputError {
    InputError::Table {
        path: file.path.clone(),
        message: format!(
            "no column '{name}' (set it with {flag}); the columns are: {}",
            found.join(", ")
        ),
    }
}

fn positions(file: &SourceFile, header: &[String], c: &Columns) -> Result<Positions, InputError> {
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

/// Reads `file` and calls `batch` with its rows, `batch_rows` at a time, in file order, until
/// `batch` returns false (the file is then read only in part and `sha256` is left empty).
/// A missing column or an unreadable file is an error; malformed CSV rows are skipped and
/// reported. Each row then goes through [`parse`].
pub fn read_rows(
    file: &SourceFile,
    format: TableFormat,
    columns: &Columns,
    batch_rows: usize,
    mut batch: impl FnMut(Vec<RawRow>) -> bool,
) -> Result<TableReport, InputError> {
    let open = File::open(&file.path).map_err(|e| InputError::Table {
        path: file.path.clone(),
        message: format!("cannot be read: {e}"),
    })?;
    let mut open = Hashing {
        inner: open,
        hasher: Sha256::new(),
        bytes: 0,
    };
    let mut report = TableReport::default();
    let mut rows = Vec::with_capacity(batch_rows);
    // False once `batch` has asked to stop.
    let mut push = |row: RawRow, report: &mut TableReport, rows: &mut Vec<RawRow>| {
        report.rows += 1;
        rows.push(row);
        rows.len() < batch_rows || batch(std::mem::take(rows))
    };
    let mut stopped = false;
    match format {
        TableFormat::Csv | TableFormat::Tsv => {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(if format == TableFormat::Tsv {
                    b'\t'
                } else {
                    b','
                })
                .flexible(true)
                .from_reader(BufReader::with_capacity(1 << 20, &mut open));
            let header: Vec<String> = reader
                .headers()
                .map_err(|e| table_error(file, &e))?
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').to_string())
                .collect();
            let pos = positions(file, &header, columns)?;
            let mut record = csv::StringRecord::new();
            let mut number = 0;
            loop {
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        number += 1;
                        let cell = |i: usize| record.get(i).map(str::to_string);
                        let row = Row {
                            number,
                            id: pos.id.and_then(cell).filter(|s| !s.is_empty()),
                            title: pos.title.and_then(cell).filter(|s| !s.is_empty()),
                            date: cell(pos.date).filter(|s| !s.trim().is_empty()),
                            text: cell(pos.text).unwrap_or_default(),
                        };
                        if !push(RawRow::Ready(row), &mut report, &mut rows) {
                            stopped = true;
                            break;
                        }
                    }
                    Err(e) if e.is_io_error() => return Err(table_error(file, &e)),
                    Err(e) => {
                        number += 1;
                        report.skipped.push(Skipped {
                            path: format!("{}#row{number}", file.name),
                            reason: format!("not a well-formed CSV row: {e}"),
                        });
                    }
                }
            }
        }
        // Read below, by row group.
        TableFormat::Parquet => {}
        TableFormat::JsonLines => {
            let reader = BufReader::with_capacity(1 << 20, &mut open);
            let mut checked_columns = false;
            for (i, line) in reader.lines().enumerate() {
                let number = i + 1;
                let line = line.map_err(|e| InputError::Table {
                    path: file.path.clone(),
                    message: format!("line {number}: {e}"),
                })?;
                if line.trim().is_empty() {
                    continue;
                }
                if !checked_columns {
                    // The first object names the columns, as a CSV header would.
                    if let Ok(serde_json::Value::Object(map)) =
                        serde_json::from_str::<serde_json::Value>(&line)
                    {
                        let keys: Vec<String> = map.keys().cloned().collect();
                        positions(file, &keys, columns)?;
                        checked_columns = true;
                    }
                }
                if !push(RawRow::Json { number, line }, &mut report, &mut rows) {
                    stopped = true;
                    break;
                }
            }
        }
    }
    if format == TableFormat::Parquet {
        stopped = read_parquet(file, columns, &mut |row| {
            push(RawRow::Ready(row), &mut report, &mut rows)
        })?;
        // Parquet is read by position, so the hash is a read of its own.
        if !stopped {
            std::io::copy(&mut open, &mut std::io::sink()).map_err(|e| InputError::Table {
                path: file.path.clone(),
                message: format!("cannot be read: {e}"),
            })?;
        }
    }
    if stopped {
        // Read in part, as asked: no hash of the whole file.
        report.bytes = open.bytes;
        return Ok(report);
    }
    if !rows.is_empty() {
        batch(rows);
    }
    // Whatever the readers left unread (nothing, normally) still belongs in the hash.
    std::io::copy(&mut open, &mut std::io::sink()).map_err(|e| InputError::Table {
        path: file.path.clone(),
        message: format!("cannot be read: {e}"),
    })?;
    report.bytes = open.bytes;
    report.sha256 = format!("{:x}", open.hasher.finalize());
    Ok(report)
}

/// Reads a Parquet file one row group at a time (the unit a Parquet file is written and
/// compressed in, so memory holds one group's cells, not the file's), calling `row` with each
/// row in file order until it returns false; returns whether it was stopped. The date column
/// may hold text, dates, date-times or years; id and title are read as text whatever their
/// type.
fn read_parquet(
    file: &SourceFile,
    columns: &Columns,
    row: &mut dyn FnMut(Row) -> bool,
) -> Result<bool, InputError> {
    use polars::prelude::*;
    let bad = |e: &dyn std::fmt::Display| InputError::Table {
        path: file.path.clone(),
        message: format!("not a readable Parquet file: {e}"),
    };
    let open = || {
        File::open(&file.path).map_err(|e| InputError::Table {
            path: file.path.clone(),
            message: format!("cannot be read: {e}"),
        })
    };
    let mut reader = ParquetReader::new(open()?);
    let schema = reader.schema().map_err(|e| bad(&e))?;
    let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let pos = positions(file, &names, columns)?;
    let metadata = reader.get_metadata().map_err(|e| bad(&e))?.clone();
    let wanted: Vec<usize> = [Some(pos.text), Some(pos.date), pos.id, pos.title]
        .into_iter()
        .flatten()
        .collect();
    let mut projection = wanted.clone();
    projection.sort_unstable();
    projection.dedup();
    let mut start = 0;
    for group in &metadata.row_groups {
        let height = group.num_rows();
        let mut reader = ParquetReader::new(open()?)
            .with_projection(Some(projection.clone()))
            .with_slice(Some((start, height)))
            .read_parallel(ParallelStrategy::None);
        reader.set_metadata(metadata.clone());
        let df = reader.finish().map_err(|e| bad(&e))?;
        let text = |i: usize| -> Result<StringChunked, InputError> {
            let column = df.column(&names[i]).map_err(|e| bad(&e))?;
            let column = match column.dtype() {
                DataType::Datetime(..) => column.cast(&DataType::Date),
                _ => Ok(column.clone()),
            }
            .and_then(|c| c.cast(&DataType::String))
            .map_err(|e| bad(&format!("column '{}': {e}", names[i])))?;
            Ok(column.str().map_err(|e| bad(&e))?.clone())
        };
        let (texts, dates) = (text(pos.text)?, text(pos.date)?);
        let ids = pos.id.map(text).transpose()?;
        let titles = pos.title.map(text).transpose()?;
        let cell = |c: &StringChunked, i: usize| {
            c.get(i)
                .map(str::to_string)
                .filter(|s| !s.trim().is_empty())
        };
        for i in 0..df.height() {
            let keep_going = row(Row {
                number: start + i + 1,
                id: ids.as_ref().and_then(|c| cell(c, i)),
                title: titles.as_ref().and_then(|c| cell(c, i)),
                date: cell(&dates, i),
                text: texts.get(i).unwrap_or_default().to_string(),
            });
            if !keep_going {
                return Ok(true);
            }
        }
        start += height;
    }
    Ok(false)
}

/// A reader that hashes what passes through it, so a table file is read once, not once for
/// its rows and again for run.json.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// A raw row as a [`Row`], or why it is skipped: not a JSON object, or an empty text cell.
pub fn parse(file: &SourceFile, raw: RawRow, columns: &Columns) -> Result<Row, Skipped> {
    let row = match raw {
        RawRow::Ready(row) => row,
        RawRow::Json { number, line } => {
            let skip = |reason: String| Skipped {
                path: format!("{}#line{number}", file.name),
                reason,
            };
            let map = match serde_json::from_str::<serde_json::Value>(&line) {
                Ok(serde_json::Value::Object(map)) => map,
                Ok(_) => return Err(skip("not a JSON object".into())),
                Err(e) => return Err(skip(format!("not valid JSON: {e}"))),
            };
            let get = |name: &str| map.get(name).and_then(json_text);
            Row {
                number,
                id: get(columns.id.as_deref().unwrap_or("id")).filter(|s| !s.is_empty()),
                title: get(columns.title.as_deref().unwrap_or("title")).filter(|s| !s.is_empty()),
                date: get(&columns.date).filter(|s| !s.trim().is_empty()),
                text: get(&columns.text).unwrap_or_default(),
            }
        }
    };
    if row.text.trim().is_empty() {
        return Err(Skipped {
            path: row_name(file, &row),
            reason: "empty text cell".into(),
        });
    }
    Ok(row)
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn table_error(file: &SourceFile, e: &csv::Error) -> InputError {
    InputError::Table {
        path: file.path.clone(),
        message: e.to_string(),
    }
}

/// The name a row goes by in documents.csv and warnings: `file#id`, else `file#rowN`.
pub fn row_name(file: &SourceFile, row: &Row) -> String {
    match &row.id {
        Some(id) => format!("{}#{id}", file.name),
        None => format!("{}#row{}", file.name, row.number),
    }
}

/// A row as a document. A date cell that cannot be read leaves the document undated; the
/// second value is then the cell, for the warning.
pub fn to_document(file: &SourceFile, row: Row, order: DateOrder) -> (Document, Option<String>) {
    let name = row_name(file, &row);
    let date = row
        .date
        .as_deref()
        .and_then(|d| date::parse_date_cell(d, order));
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
        source: None,
        encoding: "UTF-8",
        replaced_chars: 0,
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

    fn file(dir: &Path, name: &str, body: &str) -> SourceFile {
        let path = dir.join(name);
        std::fs::write(&path, body).unwrap();
        SourceFile {
            path,
            name: name.into(),
        }
    }

    /// Reads and parses every row; parse failures join the report's skipped rows.
    fn read(f: &SourceFile, columns: &Columns) -> Result<(Vec<Row>, TableReport), InputError> {
        let mut all = Vec::new();
        let mut report = read_rows(f, TableFormat::of(&f.path).unwrap(), columns, 2, |b| {
            assert!(b.len() <= 2);
            all.extend(b);
            true
        })?;
        let mut rows = Vec::new();
        for raw in all {
            match parse(f, raw, columns) {
                Ok(row) => rows.push(row),
                Err(skipped) => report.skipped.push(skipped),
            }
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

    #[test]
    fn json_lines_with_numbers_bad_lines_and_bad_dates() {
        let d = tempfile::tempdir().unwrap();
        let f = file(
            d.path(),
            "c.jsonl",
            "{\"id\": 7, \"date\": \"16/10/2003\", \"text\": \"hello there\"}\n\n\
             not json\n[1]\n{\"id\": 8, \"date\": \"yesterday\", \"text\": \"bye\"}\n",
        );
        let (rows, report) = read(&f, &Columns::default()).unwrap();
        assert_eq!(rows.len(), 2);
        let skipped: Vec<_> = report.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(skipped, ["c.jsonl#line3", "c.jsonl#line4"]);
        let (doc, bad) = to_document(&f, rows[0].clone(), DateOrder::DayFirst);
        assert_eq!(doc.info.name, "c.jsonl#7");
        assert_eq!(doc.info.date.unwrap().to_string(), "2003-10-16");
        assert_eq!(doc.info.title, "hello there");
        assert_eq!(bad, None);
        let (doc, bad) = to_document(&f, rows[1].clone(), DateOrder::DayFirst);
        assert_eq!((doc.info.date, bad.as_deref()), (None, Some("yesterday")));
    }
}
