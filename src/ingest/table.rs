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
use std::io::{BufReader, Read};
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

/// Rows as the reader hands them to the workers. JSON Lines files go as blocks of whole
/// lines, parsed by the worker that takes the block ([`Batch::each_row`]): the reader only
/// reads, hashes and cuts, so a table corpus is not limited by one thread's JSON parsing,
/// and no line is copied into a string of its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Batch {
    /// Rows read whole (CSV, TSV, Parquet).
    Rows(Vec<Row>),
    /// Whole lines of a JSON Lines file, the first of them line `first_line` (from 1).
    Lines { first_line: usize, bytes: Vec<u8> },
}

/// How much the reader puts in a [`Batch`]: rows of a CSV, TSV or Parquet file; bytes of a
/// JSON Lines file (whole lines, so a batch may be longer by its last line).
#[derive(Debug, Clone, Copy)]
pub struct BatchSize {
    pub rows: usize,
    pub bytes: usize,
}

impl Batch {
    /// Each row of the batch, in file order, or why it is skipped: a line that is not UTF-8,
    /// not JSON or not a JSON object, or a row with an empty text cell. Blank lines are no
    /// rows.
    pub fn each_row(
        self,
        file: &SourceFile,
        columns: &Columns,
        mut each: impl FnMut(Result<Row, Skipped>),
    ) {
        match self {
            Batch::Rows(rows) => rows.into_iter().for_each(|r| each(checked(file, r))),
            Batch::Lines { first_line, bytes } => {
                let wanted = Wanted::new(columns);
                for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let number = first_line + i;
                    each(parse_line(file, number, line, &wanted).and_then(|r| checked(file, r)));
                }
            }
        }
    }
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

/// Reads `file` and calls `batch` with its rows in batches of `size`, in file order, until
/// `batch` returns false (the file is then read only in part and `sha256` is left empty).
/// A missing column or an unreadable file is an error; malformed CSV rows are skipped and
/// reported. Each batch's rows are then read out with [`Batch::each_row`]. `rows` in the
/// report counts rows read (lines, for JSON Lines), so that rows of the next table can be
/// numbered after them.
pub fn read_rows(
    file: &SourceFile,
    format: TableFormat,
    columns: &Columns,
    size: BatchSize,
    mut batch: impl FnMut(Batch) -> bool,
) -> Result<TableReport, InputError> {
    let batch_rows = size.rows.max(1);
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
    // Adds a row to the batch, handing the batch on when full; false once `batch` has asked
    // to stop.
    fn push(
        row: Row,
        report: &mut TableReport,
        rows: &mut Vec<Row>,
        full: usize,
        batch: &mut impl FnMut(Batch) -> bool,
    ) -> bool {
        report.rows += 1;
        rows.push(row);
        rows.len() < full || batch(Batch::Rows(std::mem::take(rows)))
    }
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
                        if !push(row, &mut report, &mut rows, batch_rows, &mut batch) {
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
            let mut blocks = LineBlocks::open(file, columns, size.bytes)?;
            while let Some(block) = blocks.next_block()? {
                if !batch(block) {
                    stopped = true;
                    break;
                }
            }
            let read = if stopped {
                blocks.stop()
            } else {
                blocks.finish()?
            };
            report.rows = read.rows;
            report.bytes = read.bytes;
            report.sha256 = read.sha256;
            return Ok(report);
        }
    }
    if format == TableFormat::Parquet {
        stopped = read_parquet(file, columns, &mut |row| {
            push(row, &mut report, &mut rows, batch_rows, &mut batch)
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
        batch(Batch::Rows(rows));
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

/// A JSON Lines file read as blocks of whole lines ([`Batch::Lines`]), each block read,
/// hashed and cut when asked for: by the reader of [`read_rows`], or by the workers in turn,
/// each taking the next block under a lock and parsing it after letting go.
pub struct LineBlocks {
    file: Hashing<File>,
    path: std::path::PathBuf,
    /// The bytes read after the last whole line of the block before.
    carry: Vec<u8>,
    /// The number of the next block's first line.
    first_line: usize,
    block_bytes: usize,
    /// Nothing is read yet (a byte-order mark may come).
    at_start: bool,
    /// The file's end has been read.
    ended: bool,
    /// The columns are known to be there (checked on the first object, as a header).
    checked: bool,
    columns: Columns,
    source: SourceFile,
}

impl LineBlocks {
    /// Opens `file`; blocks are about `block_bytes` long.
    pub fn open(
        file: &SourceFile,
        columns: &Columns,
        block_bytes: usize,
    ) -> Result<LineBlocks, InputError> {
        let open = File::open(&file.path).map_err(|e| InputError::Table {
            path: file.path.clone(),
            message: format!("cannot be read: {e}"),
        })?;
        Ok(LineBlocks {
            file: Hashing {
                inner: open,
                hasher: Sha256::new(),
                bytes: 0,
            },
            path: file.path.clone(),
            carry: Vec::new(),
            first_line: 1,
            block_bytes: block_bytes.max(1),
            at_start: true,
            ended: false,
            checked: false,
            columns: columns.clone(),
            source: file.clone(),
        })
    }

    fn unreadable(&self, e: std::io::Error) -> InputError {
        InputError::Table {
            path: self.path.clone(),
            message: format!("cannot be read: {e}"),
        }
    }

    /// The next block of whole lines, `None` at the end of the file. A missing column (seen
    /// in the first JSON object) or a read error is an error.
    pub fn next_block(&mut self) -> Result<Option<Batch>, InputError> {
        if self.ended && self.carry.is_empty() {
            return Ok(None);
        }
        let mut block = Vec::with_capacity(self.block_bytes + self.carry.len() + 4096);
        block.append(&mut self.carry);
        // Fill the block, then on to the end of its last line.
        let end = loop {
            if self.ended {
                break None;
            }
            let want = (self.block_bytes.saturating_sub(block.len())).max(4096) as u64;
            let from = block.len();
            let n = (&mut self.file)
                .take(want)
                .read_to_end(&mut block)
                .map_err(|e| self.unreadable(e))?;
            if n == 0 {
                self.ended = true;
                break None;
            }
            if block.len() >= self.block_bytes {
                if let Some(i) = memchr::memrchr(b'\n', &block[from..]) {
                    break Some(from + i + 1);
                }
            }
        };
        if let Some(end) = end {
            self.carry.extend_from_slice(&block[end..]);
            block.truncate(end);
        }
        if self.at_start {
            self.at_start = false;
            if block.starts_with("\u{feff}".as_bytes()) {
                block.drain(..3);
            }
        }
        if block.is_empty() {
            return Ok(None);
        }
        if !self.checked {
            // The first object names the columns, as a CSV header would.
            let first = block
                .split(|&b| b == b'\n')
                .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok())
                .find_map(|v| match v {
                    serde_json::Value::Object(map) => Some(map),
                    _ => None,
                });
            if let Some(map) = first {
                let keys: Vec<String> = map.keys().cloned().collect();
                positions(&self.source, &keys, &self.columns)?;
                self.checked = true;
            }
        }
        let lines =
            memchr::memchr_iter(b'\n', &block).count() + usize::from(!block.ends_with(b"\n"));
        let first_line = self.first_line;
        self.first_line += lines;
        Ok(Some(Batch::Lines {
            first_line,
            bytes: block,
        }))
    }

    /// What was read when reading stopped before the end: lines and bytes, no hash.
    pub fn stop(self) -> TableReport {
        TableReport {
            rows: self.first_line - 1,
            bytes: self.file.bytes,
            ..TableReport::default()
        }
    }

    /// Lines, size and SHA-256 of the whole file, once every block has been taken.
    pub fn finish(mut self) -> Result<TableReport, InputError> {
        // Whatever was left unread (nothing, normally) still belongs in the hash.
        std::io::copy(&mut self.file, &mut std::io::sink()).map_err(|e| self.unreadable(e))?;
        Ok(TableReport {
            rows: self.first_line - 1,
            bytes: self.file.bytes,
            sha256: format!("{:x}", self.file.hasher.finalize()),
            ..TableReport::default()
        })
    }
}

/// The size of a Parquet file's data uncompressed (its row groups' byte sizes): a Parquet
/// file is compressed, so its length undersells the text it holds. `None` when its footer
/// cannot be read.
pub fn parquet_data_bytes(path: &Path) -> Option<u64> {
    use polars::prelude::*;
    let mut reader = ParquetReader::new(File::open(path).ok()?);
    let metadata = reader.get_metadata().ok()?;
    Some(
        metadata
            .row_groups
            .iter()
            .map(|g| g.total_byte_size() as u64)
            .sum(),
    )
}

/// Rows of a Parquet file decoded at a time.
const PARQUET_SLICE_ROWS: usize = 8192;

/// Reads a Parquet file [`PARQUET_SLICE_ROWS`] rows at a time, within its row groups (the
/// unit a Parquet file is written and compressed in), so memory holds a slice's cells, not
/// the file's or a row group's, calling `row` with each row in file order until it returns
/// false; returns whether it was stopped. The date column
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
    // Each row group in slices: polars decodes just the slice's rows, so memory holds a
    // slice's text, not a row group's (a writer's default row group can be a million rows).
    let slices = metadata.row_groups.iter().flat_map(|g| {
        let rows = g.num_rows();
        (0..rows)
            .step_by(PARQUET_SLICE_ROWS)
            .map(move |from| (rows - from).min(PARQUET_SLICE_ROWS))
    });
    let mut start = 0;
    for height in slices {
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

/// Line `number` of a JSON Lines file as a [`Row`]: the wanted members of its object, read
/// in place (a string without escapes is not copied until it becomes the row's), every other
/// member skipped unread. A member holding a number or `true`/`false` is read as its text;
/// `null`, an array or an object as missing. Of repeated members the last counts.
fn parse_line(
    file: &SourceFile,
    number: usize,
    line: &[u8],
    wanted: &Wanted,
) -> Result<Row, Skipped> {
    use serde::de::DeserializeSeed;
    let skip = |reason: String| Skipped {
        path: format!("{}#line{number}", file.name),
        reason,
    };
    let text = std::str::from_utf8(line).map_err(|e| skip(format!("not UTF-8 text: {e}")))?;
    let mut json = serde_json::Deserializer::from_str(text);
    let cells = wanted
        .deserialize(&mut json)
        .and_then(|cells| json.end().map(|()| cells))
        .map_err(|e| match e.classify() {
            serde_json::error::Category::Data => skip("not a JSON object".into()),
            _ => skip(format!("not valid JSON: {e}")),
        })?;
    let owned = |c: Option<std::borrow::Cow<str>>| c.map(std::borrow::Cow::into_owned);
    Ok(Row {
        number,
        id: owned(cells.id).filter(|s| !s.is_empty()),
        title: owned(cells.title).filter(|s| !s.is_empty()),
        date: owned(cells.date).filter(|s| !s.trim().is_empty()),
        text: owned(cells.text).unwrap_or_default(),
    })
}

/// The members of a JSON Lines object that are read: the columns' names.
struct Wanted<'c> {
    text: &'c str,
    date: &'c str,
    id: &'c str,
    title: &'c str,
}

impl<'c> Wanted<'c> {
    fn new(columns: &'c Columns) -> Wanted<'c> {
        Wanted {
            text: &columns.text,
            date: &columns.date,
            id: columns.id.as_deref().unwrap_or("id"),
            title: columns.title.as_deref().unwrap_or("title"),
        }
    }
}

/// The wanted members of one object, as text (see [`parse_line`]).
#[derive(Default)]
struct Cells<'a> {
    text: Option<std::borrow::Cow<'a, str>>,
    date: Option<std::borrow::Cow<'a, str>>,
    id: Option<std::borrow::Cow<'a, str>>,
    title: Option<std::borrow::Cow<'a, str>>,
}

impl<'de> serde::de::DeserializeSeed<'de> for &Wanted<'_> {
    type Value = Cells<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Cells<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &Wanted<'_> {
    type Value = Cells<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Cells<'de>, A::Error> {
        let mut cells = Cells::default();
        while let Some(Text(key)) = map.next_key::<Text>()? {
            let key = key.as_deref().unwrap_or("");
            let hits = [
                key == self.text,
                key == self.date,
                key == self.id,
                key == self.title,
            ];
            if !hits.contains(&true) {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            }
            let Text(value) = map.next_value::<Text>()?;
            let slots = [
                &mut cells.text,
                &mut cells.date,
                &mut cells.id,
                &mut cells.title,
            ];
            for (slot, hit) in slots.into_iter().zip(hits) {
                if hit {
                    *slot = value.clone();
                }
            }
        }
        Ok(cells)
    }
}

/// A JSON value as text, borrowed from the line where it can be: a string as it is, a
/// number or boolean as serde_json writes it, anything else `None`.
struct Text<'a>(Option<std::borrow::Cow<'a, str>>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> serde::de::Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.into())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.to_string().into())))
    }
    fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.into())))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.to_string().into())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.to_string().into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Text<'de>, E> {
        Ok(Text(Some(v.to_string().into())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Text<'de>, E> {
        Ok(Text(
            serde_json::Number::from_f64(v).map(|n| n.to_string().into()),
        ))
    }
    fn visit_unit<E>(self) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }
    fn visit_none<E>(self) -> Result<Text<'de>, E> {
        Ok(Text(None))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'de>, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Text(None))
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
        // Tiny batches: two rows, or 16 bytes of whole lines.
        let size = BatchSize { rows: 2, bytes: 16 };
        let mut report = read_rows(f, TableFormat::of(&f.path).unwrap(), columns, size, |b| {
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

    #[test]
    fn a_parquet_row_group_larger_than_a_slice_is_read_whole_in_order() {
        use polars::prelude::*;
        let d = tempfile::tempdir().unwrap();
        let n = 2 * PARQUET_SLICE_ROWS + 17;
        let mut df = df!(
            "id" => (0..n).map(|i| format!("r{i}")).collect::<Vec<_>>(),
            "date" => (0..n).map(|i| format!("{}-01-02", 2000 + i % 3)).collect::<Vec<_>>(),
            "text" => (0..n).map(|i| format!("row number {i}")).collect::<Vec<_>>(),
        )
        .unwrap();
        let path = d.path().join("big.parquet");
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .with_row_group_size(Some(n))
            .finish(&mut df)
            .unwrap();
        let f = SourceFile {
            path,
            name: "big.parquet".into(),
        };
        let (rows, report) = read(&f, &Columns::default()).unwrap();
        assert_eq!(rows.len(), n);
        assert_eq!(report.rows, n);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(
                (r.number, r.id.as_deref(), r.text.as_str()),
                (
                    i + 1,
                    Some(format!("r{i}").as_str()),
                    format!("row number {i}").as_str()
                )
            );
        }
    }

    #[test]
    fn json_lines_blocks_keep_every_line_and_its_number() {
        let d = tempfile::tempdir().unwrap();
        // A byte-order mark, Windows line ends, blank lines, a line that is not UTF-8, escaped
        // and repeated members, a member wanted twice (id and title from one column), values
        // that are not text, and no line break at the end; blocks of 16 bytes are far
        // shorter than a line.
        let mut body =
            "\u{feff}{\"text\": \"first \\\"quoted\\\" row\", \"date\": 2003}\r\n\r\n".to_string();
        body.push_str(
            "{\"text\": \"a\", \"text\": \"second\", \"date\": null, \"x\": {\"y\": [1, 2]}}\n",
        );
        let mut bytes = body.into_bytes();
        bytes.extend_from_slice(b"{\"text\": \"caf\xE9\"}\n");
        bytes.extend_from_slice("{\"text\": \"fourth\", \"date\": 1.5, \"id\": true}".as_bytes());
        let path = d.path().join("b.jsonl");
        std::fs::write(&path, &bytes).unwrap();
        let f = SourceFile {
            path,
            name: "b.jsonl".into(),
        };
        let (rows, report) = read(&f, &Columns::default()).unwrap();
        let got: Vec<(usize, &str, Option<&str>, Option<&str>)> = rows
            .iter()
            .map(|r| {
                (
                    r.number,
                    r.text.as_str(),
                    r.date.as_deref(),
                    r.id.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (1, "first \"quoted\" row", Some("2003"), None),
                (3, "second", None, None),
                (5, "fourth", Some("1.5"), Some("true")),
            ]
        );
        let skipped: Vec<(&str, bool)> = report
            .skipped
            .iter()
            .map(|s| (s.path.as_str(), s.reason.contains("UTF-8")))
            .collect();
        assert_eq!(skipped, [("b.jsonl#line4", true)]);
        assert_eq!(report.rows, 5, "lines read, blank ones too");
        assert_eq!(report.bytes, bytes.len() as u64);
        use sha2::Digest;
        assert_eq!(report.sha256, format!("{:x}", Sha256::digest(&bytes)));
        // The same column for two roles: each gets the value.
        let both = Columns {
            id: Some("text".into()),
            ..Columns::default()
        };
        let (rows, _) = read(&f, &both).unwrap();
        assert_eq!(rows[1].id.as_deref(), Some("second"));
    }
}
