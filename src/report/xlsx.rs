//! tables.xlsx: every table of a run as one sheet of a workbook, for people who open the
//! tables in a spreadsheet (a CSV double-clicked in Excel or LibreOffice is read as
//! Windows-1252 unless it has a byte-order mark, which other CSV readers then trip on). The
//! sheets are written from the same blocks as the CSVs ([`super::csv::write_table_and`]),
//! generically, whatever a table's columns: text as text (never a formula, whatever its first
//! character), numbers as numbers with a number format, p-values in scientific format,
//! `date` columns' full dates as dates, the header row frozen with an autofilter, columns as
//! wide as their cells, and the concordance's left context right-aligned so the matches line
//! up. A table longer than a sheet keeps its first rows and says so in a note row; its CSV
//! is whole. Each sheet is written row by row to a temporary file (the crate's constant-memory
//! mode), so a long table is never held in memory as cells.

use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::*;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

/// Rows of an Excel sheet, the header included.
pub(crate) const EXCEL_ROWS: u32 = 1_048_576;
/// Characters a cell may hold in Excel.
const CELL_CHARS: usize = 32_767;
/// Widest column, in characters: wider text is cut on screen, not in the cell.
const WIDEST: usize = 60;
/// Rows formatted at a time.
const CHUNK_ROWS: usize = 4096;

/// The workbook being written: one [`Sheet`] per table, made here, filled in parallel and
/// handed back to [`Book::finish`] in order.
pub(crate) struct Book {
    workbook: Workbook,
    rows: u32,
}

/// What one column's cells are written as, decided from the first block of the table.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    /// Text, full dates (YYYY-MM-DD) as dates.
    Date,
    /// Text, right-aligned (the concordance's left context).
    Left,
    Whole,
    Float,
    /// Shares and proportions: three decimals.
    Ratio,
    PValue,
    Bool,
}

/// One table's sheet, filled a block at a time ([`Sheet::add`]).
pub(crate) struct Sheet {
    sheet: Worksheet,
    /// The table's file name (`keyness.csv`).
    file: String,
    kinds: Vec<Kind>,
    /// Widest cell of each column so far, in characters.
    widths: Vec<usize>,
    /// Data rows written.
    written: u32,
    /// Data rows of the table.
    rows: u64,
    /// Data rows the sheet may hold, a header and a note row left.
    room: u32,
    formats: Formats,
    /// Rows of the table the sheet leaves out by choice ([`super::trim`]).
    left_out: u64,
    /// What the sheet holds, for the `about` sheet.
    pub(crate) about: String,
}

/// The cell formats of a sheet.
struct Formats {
    header: Format,
    float: Format,
    ratio: Format,
    p: Format,
    date: Format,
    left: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            float: Format::new().set_num_format("0.00"),
            ratio: Format::new().set_num_format("0.000"),
            p: Format::new().set_num_format("0.00E+00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            left: Format::new().set_align(FormatAlign::Right),
            note: Format::new().set_italic(),
        }
    }
}

/// Runs `write`, a call into rust_xlsxwriter, turning a panic inside it into the error it
/// stands for.
///
/// Why a panic: in constant-memory mode (our long sheets need it) rust_xlsxwriter 0.102 keeps
/// each sheet's rows in a temporary file of its own and unwraps the results of writing it
/// (`packager.rs`: `rewind().unwrap()` while saving; unwraps in `worksheet.rs` as rows are
/// flushed), so a disk that fills while the workbook is written panics in the library
/// instead of returning an error. A writer of ours cannot stand in for those files (the
/// library opens them itself, in the folder `set_tempdir` names), and no release of the
/// library yet returns these errors; so the panic is caught here, at the workbook's edge,
/// and becomes the I/O error that caused it ("No space left on device (os error 28)"). The
/// workbook is dropped with the failed run, so no half-written state is used again.
/// The panic is expected, so it prints nothing, whatever `RUST_BACKTRACE` says
/// ([`crate::error::caught`]); a panic of ours still reports as an internal error.
fn guarded<T>(write: impl FnOnce() -> Result<T>) -> Result<T> {
    crate::error::caught("rust_xlsxwriter", write).unwrap_or_else(|payload| {
        Err(anyhow::anyhow!(crate::error::panic_message(
            payload.as_ref()
        )))
    })
}

/// The library's error as it words it: the caller says which file (the output folder's
/// tables.xlsx, as the user finds it).
fn xlsx_error(e: XlsxError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

impl Book {
    /// A workbook whose sheets keep their rows in temporary files in `scratch` (the staging
    /// folder, so a long table goes to the output's disk, not to a /tmp that may be memory),
    /// with sheets of at most `rows` rows ([`EXCEL_ROWS`]; fewer in tests).
    pub(crate) fn new(scratch: &Path, rows: u32) -> Result<Book> {
        let mut workbook = Workbook::new();
        workbook.set_tempdir(scratch).map_err(xlsx_error)?;
        // The fastest deflate level: the long tables' sheets (hundreds of thousands of rows) are
        // most of a run's writing time at the default level 6, for a file a little smaller.
        workbook.set_zip_compression_level(1);
        // A fixed creation time: the same inputs give the same bytes.
        let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_error)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
        // Formats are numbered as first used; sheets are written in parallel, so every format
        // is numbered here, in a fixed order, for the same bytes whatever the threads.
        let f = Formats::new();
        for format in [
            &f.header, &f.float, &f.ratio, &f.p, &f.date, &f.left, &f.note,
        ] {
            workbook.register_format(format);
        }
        Ok(Book {
            workbook,
            rows: rows.max(3),
        })
    }

    /// A sheet for the table `file` (`keyness.csv` becomes the sheet `keyness`).
    pub(crate) fn sheet(&mut self, file: &str) -> Result<Sheet> {
        let mut sheet = self
            .workbook
            .new_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        let name: String = file.trim_end_matches(".csv").chars().take(31).collect();
        sheet.set_name(name).map_err(xlsx_error)?;
        Ok(Sheet {
            sheet,
            file: file.to_string(),
            kinds: Vec::new(),
            widths: Vec::new(),
            written: 0,
            rows: 0,
            room: self.rows - 2,
            formats: Formats::new(),
            left_out: 0,
            about: "every row".to_string(),
        })
    }

    /// Adds the `sheets` in order and writes the workbook to `out`. Returns a line for each
    /// table that did not fit in its sheet.
    pub(crate) fn finish(
        mut self,
        sheets: Vec<Sheet>,
        out: impl std::io::Write + Send,
    ) -> Result<Vec<String>> {
        let mut cut = Vec::new();
        self.workbook.push_worksheet(about(&sheets)?);
        for sheet in sheets {
            if let Some(line) = sheet.cut_line() {
                cut.push(line);
            }
            self.workbook.push_worksheet(sheet.close()?);
        }
        let workbook = &mut self.workbook;
        guarded(|| workbook.save_to_writer(out).map_err(xlsx_error))?;
        Ok(cut)
    }
}

/// The first sheet, `about`: what the workbook is, then each sheet's rows against its CSV's
/// and what it holds.
fn about(sheets: &[Sheet]) -> Result<Worksheet> {
    let mut about = Worksheet::new();
    about.set_name("about").map_err(xlsx_error)?;
    let f = Formats::new();
    let lines = [
        "The tables of this run, for reading. The long tables keep the rows a reader uses; \
         the CSV files beside this workbook hold every row.",
        "",
    ];
    for (row, line) in lines.iter().enumerate() {
        about
            .write_string(row as u32, 0, *line)
            .map_err(xlsx_error)?;
    }
    let top = lines.len() as u32;
    for (col, head) in ["sheet", "rows here", "rows in the CSV", "the CSV", "holds"]
        .iter()
        .enumerate()
    {
        about
            .write_string_with_format(top, col as u16, *head, &f.header)
            .map_err(xlsx_error)?;
    }
    for (i, s) in sheets.iter().enumerate() {
        let row = top + 1 + i as u32;
        let csv_rows = s.rows + s.left_out;
        about
            .write_string(row, 0, s.sheet.name())
            .map_err(xlsx_error)?;
        about.write_number(row, 1, s.written).map_err(xlsx_error)?;
        about
            .write_number(row, 2, csv_rows as f64)
            .map_err(xlsx_error)?;
        about.write_string(row, 3, &s.file).map_err(xlsx_error)?;
        about.write_string(row, 4, &s.about).map_err(xlsx_error)?;
    }
    for (col, width) in [18.0, 10.0, 15.0, 22.0, 100.0].into_iter().enumerate() {
        about
            .set_column_width(col as u16, width)
            .map_err(xlsx_error)?;
    }
    Ok(about)
}

impl Sheet {
    /// Writes `kept`, the rows of `block` the sheet keeps (`None`: all of them), and counts
    /// the others as left out.
    pub(crate) fn add_kept(&mut self, block: &DataFrame, kept: Option<DataFrame>) -> Result<()> {
        match kept {
            Some(kept) => {
                self.left_out += (block.height() - kept.height()) as u64;
                if self.kinds.is_empty() || kept.height() > 0 {
                    self.add(&kept)?;
                }
                Ok(())
            }
            None => self.add(block),
        }
    }

    /// Writes the rows of `df` (the next block of the table) below those written so far, up
    /// to the sheet's room; the first block also writes the header row. The crate writes a
    /// row out when a later one is begun, so rows go in order, a few thousand at a time.
    pub(crate) fn add(&mut self, df: &DataFrame) -> Result<()> {
        if self.kinds.is_empty() {
            self.header(df)?;
        }
        self.rows += df.height() as u64;
        let take = (self.room - self.written).min(df.height().try_into().unwrap_or(u32::MAX));
        for start in (0..take as usize).step_by(CHUNK_ROWS) {
            let chunk = df.slice(start as i64, CHUNK_ROWS.min(take as usize - start));
            guarded(|| self.rows_of(&chunk))
                .with_context(|| format!("its sheet of {}", self.file))?;
        }
        Ok(())
    }

    /// The header row, and each column's kind from its type and name.
    fn header(&mut self, df: &DataFrame) -> Result<()> {
        for (col, c) in df.columns().iter().enumerate() {
            let name = c.name().as_str();
            let kind = match c.dtype() {
                DataType::Boolean => Kind::Bool,
                d if d.is_integer() => Kind::Whole,
                d if d.is_float() && super::pvalue::is_p_column(name) => Kind::PValue,
                d if d.is_float() && is_ratio(name) => Kind::Ratio,
                d if d.is_float() => Kind::Float,
                _ if name == "date" || name.ends_with("_date") => Kind::Date,
                _ if name == "left" => Kind::Left,
                _ => Kind::Text,
            };
            self.kinds.push(kind);
            // Room for the autofilter's button.
            self.widths.push(name.chars().count() + 3);
            self.sheet
                .write_string_with_format(0, col as u16, name, &self.formats.header)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }

    /// Writes the rows of `df` after those written so far.
    fn rows_of(&mut self, df: &DataFrame) -> Result<()> {
        let mut casts = Vec::with_capacity(df.width());
        for (c, kind) in df.columns().iter().zip(&self.kinds) {
            casts.push(match kind {
                Kind::Bool => c.cast(&DataType::Boolean)?,
                Kind::Whole | Kind::Float | Kind::Ratio | Kind::PValue => {
                    c.cast(&DataType::Float64)?
                }
                _ => c.cast(&DataType::String)?,
            });
        }
        let mut columns = Vec::with_capacity(casts.len());
        for (c, kind) in casts.iter().zip(&self.kinds) {
            columns.push(match kind {
                Kind::Bool => Cells::Bool(Box::new(c.bool()?.iter())),
                Kind::Whole | Kind::Float | Kind::Ratio | Kind::PValue => {
                    Cells::Number(Box::new(c.f64()?.iter()))
                }
                _ => Cells::Text(Box::new(c.str()?.iter())),
            });
        }
        for _ in 0..df.height() {
            let row = self.written + 1;
            for (col, cells) in columns.iter_mut().enumerate() {
                let kind = self.kinds[col];
                let width = &mut self.widths[col];
                let col = col as u16;
                let f = &self.formats;
                let sheet = &mut self.sheet;
                match cells {
                    Cells::Text(v) => {
                        if let Some(s) = v.next().flatten() {
                            *width = (*width).max(s.chars().count().min(WIDEST));
                            write_text(sheet, row, col, s, kind, f)?;
                        }
                    }
                    Cells::Bool(v) => {
                        if let Some(b) = v.next().flatten() {
                            *width = (*width).max(5);
                            sheet.write_boolean(row, col, b).map_err(xlsx_error)?;
                        }
                    }
                    Cells::Number(v) => {
                        if let Some(x) = v.next().flatten() {
                            *width = (*width).max(number_width(x, kind));
                            write_number(sheet, row, col, x, kind, f)?;
                        }
                    }
                }
            }
            self.written += 1;
        }
        Ok(())
    }

    /// The summary's line when the table did not fit.
    fn cut_line(&self) -> Option<String> {
        (self.rows > self.written as u64).then(|| {
            format!(
                "tables.xlsx: the sheet {} holds the first {} of the {} rows of {} (a sheet holds {} rows); {} is whole",
                self.sheet.name(),
                self.written,
                self.rows,
                self.file,
                self.room + 2,
                self.file
            )
        })
    }

    /// The sheet with its note row (when cut), autofilter, frozen header and column widths.
    fn close(mut self) -> Result<Worksheet> {
        let last_col = self.kinds.len().saturating_sub(1) as u16;
        if self.rows > u64::from(self.written) {
            let note = format!(
                "Only the first {} of {} rows fit in a sheet: the whole table is {}.",
                self.written, self.rows, self.file
            );
            self.sheet
                .write_string_with_format(self.written + 1, 0, note, &self.formats.note)
                .map_err(xlsx_error)?;
        }
        if !self.kinds.is_empty() {
            self.sheet
                .autofilter(0, 0, self.written, last_col)
                .map_err(xlsx_error)?;
            self.sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        }
        for (col, width) in self.widths.iter().enumerate() {
            self.sheet
                .set_column_width(col as u16, (*width + 2) as f64)
                .map_err(xlsx_error)?;
        }
        Ok(self.sheet)
    }
}

/// One column's cells of a chunk, as they are written.
enum Cells<'a> {
    Text(Box<dyn Iterator<Item = Option<&'a str>> + 'a>),
    Number(Box<dyn Iterator<Item = Option<f64>> + 'a>),
    Bool(Box<dyn Iterator<Item = Option<bool>> + 'a>),
}

/// Writes a text cell: always as text, never as a formula, whatever its first character
/// (so the CSVs' `'` before `=`, `+`, `-`, `@` is not needed here); a full date in a date
/// column as a date; the concordance's left context right-aligned.
fn write_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    kind: Kind,
    f: &Formats,
) -> Result<()> {
    let date = (kind == Kind::Date).then(|| full_date(s)).flatten();
    match date {
        Some(d) => sheet.write_datetime_with_format(row, col, d, &f.date),
        None if kind == Kind::Left => {
            sheet.write_string_with_format(row, col, cell_text(s), &f.left)
        }
        None => sheet.write_string(row, col, cell_text(s)),
    }
    .map(|_| ())
    .map_err(xlsx_error)
}

/// Writes a number in its kind's format, or for NaN and infinity (which a sheet cannot
/// hold as numbers) the text the CSV has.
fn write_number(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    x: f64,
    kind: Kind,
    f: &Formats,
) -> Result<()> {
    let done = match kind {
        _ if !x.is_finite() => sheet.write_string(row, col, x.to_string()),
        Kind::PValue => sheet.write_number_with_format(row, col, super::pvalue::floor(x), &f.p),
        Kind::Ratio => sheet.write_number_with_format(row, col, x, &f.ratio),
        Kind::Float => sheet.write_number_with_format(row, col, x, &f.float),
        _ => sheet.write_number(row, col, x),
    };
    done.map(|_| ()).map_err(xlsx_error)
}

/// Columns of shares and proportions, shown to three decimals (others to two).
fn is_ratio(name: &str) -> bool {
    name.contains("share") || name.split('_').any(|w| w == "dp")
}

/// Characters a number takes on screen in its format.
fn number_width(x: f64, kind: Kind) -> usize {
    let sign = usize::from(x < 0.0);
    let digits = if x.abs() < 1.0 {
        1
    } else {
        x.abs().log10().floor() as usize + 1
    };
    match kind {
        Kind::PValue => 8 + sign,
        Kind::Whole => digits + sign,
        _ => digits + sign + 4,
    }
}

/// A text cell as Excel holds it: at most [`CELL_CHARS`] characters (a longer one, which
/// Excel refuses, ends in `…`).
fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= CELL_CHARS || s.chars().count() <= CELL_CHARS {
        s.into()
    } else {
        let mut t: String = s.chars().take(CELL_CHARS - 1).collect();
        t.push('…');
        t.into()
    }
}

/// A full date (`2003-05-17`) as a date; a year alone, a month, or a date before 1900
/// (which Excel cannot show as a date) stays text.
fn full_date(s: &str) -> Option<ExcelDateTime> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: u16 = s[..4].parse().ok()?;
    let month: u8 = s[5..7].parse().ok()?;
    let day: u8 = s[8..10].parse().ok()?;
    if year < 1900 {
        return None;
    }
    ExcelDateTime::from_ymd(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

    /// `tables` written as a workbook with sheets of `rows` rows, read back: each sheet's
    /// cells (the `about` sheet first left aside) and the lines for tables that did not fit.
    fn round_trip(
        tables: &[(&str, Vec<DataFrame>)],
        rows: u32,
    ) -> (Vec<Vec<Vec<Data>>>, Vec<String>) {
        let scratch = tempfile::tempdir().unwrap();
        let mut book = Book::new(scratch.path(), rows).unwrap();
        let mut sheets = Vec::new();
        for (name, blocks) in tables {
            let mut sheet = book.sheet(name).unwrap();
            for block in blocks {
                sheet.add(block).unwrap();
            }
            sheets.push(sheet);
        }
        let mut bytes = Vec::new();
        let cut = book.finish(sheets, &mut bytes).unwrap();
        let mut read: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let names = read.sheet_names();
        assert_eq!(names[0], "about");
        let cells = names[1..]
            .iter()
            .map(|n| {
                let range = read.worksheet_range(n).unwrap();
                range.rows().map(|r| r.to_vec()).collect()
            })
            .collect();
        (cells, cut)
    }

    #[test]
    fn a_disk_that_fills_as_the_workbook_is_saved_is_an_error_naming_the_reason() {
        let titles: Vec<String> = (0..5_000).map(|i| format!("title {i}")).collect();
        let df = df!("title" => titles).unwrap();
        for room in [0, 100, 20_000] {
            let scratch = tempfile::tempdir().unwrap();
            let mut book = Book::new(scratch.path(), EXCEL_ROWS).unwrap();
            let mut sheet = book.sheet("keyness.csv").unwrap();
            sheet.add(&df).unwrap();
            let out = crate::report::FullDisk { room };
            let error = book.finish(vec![sheet], out).unwrap_err();
            assert!(
                format!("{error:#}").contains("No space left on device (os error 28)"),
                "{error:#}"
            );
        }
    }

    /// The library's unwrap of a failed write to its temporary file (the full disk that
    /// the library panics on) comes back as that I/O error.
    #[test]
    fn a_panic_of_the_library_on_a_failed_write_is_the_error_it_stands_for() {
        let error = guarded(|| -> Result<()> {
            let file = std::fs::File::options()
                .write(true)
                .open("/dev/full")
                .unwrap();
            // As the library does with its temporary file.
            std::io::Write::write_all(&mut &file, b"rows").unwrap();
            Ok(())
        })
        .unwrap_err();
        assert_eq!(error.to_string(), "No space left on device (os error 28)");
    }

    #[test]
    fn cells_keep_their_types_and_text_is_never_a_formula() {
        let df = df!(
            "date" => ["2003-05-17", "2003", "1850-01-02"],
            "title" => ["=1+1", "Don’t ditch PCTs’ talents", "-x"],
            "count" => [1u64, 20, 300],
            "per_10k" => [1.5, f64::NAN, -2.25],
            "p_value" => [0.0, 3.1e-12, 0.5],
            "single_doc" => [true, false, true],
        )
        .unwrap();
        let (sheets, cut) = round_trip(&[("documents.csv", vec![df])], EXCEL_ROWS);
        assert!(cut.is_empty());
        let rows = &sheets[0];
        assert_eq!(rows[0][0], Data::String("date".into()));
        assert!(matches!(rows[1][0], Data::DateTime(d) if d.as_f64() == 37758.0));
        assert_eq!(
            rows[2][0],
            Data::String("2003".into()),
            "a year alone stays text"
        );
        assert_eq!(
            rows[3][0],
            Data::String("1850-01-02".into()),
            "before Excel's dates"
        );
        assert_eq!(rows[1][1], Data::String("=1+1".into()));
        assert_eq!(rows[2][1], Data::String("Don’t ditch PCTs’ talents".into()));
        assert_eq!(rows[3][2], Data::Float(300.0));
        assert_eq!(rows[2][3], Data::String("NaN".into()));
        assert_eq!(rows[3][3], Data::Float(-2.25));
        assert_eq!(rows[1][4], Data::Float(f64::MIN_POSITIVE), "p never 0");
        assert_eq!(rows[2][4], Data::Float(3.1e-12));
        assert_eq!(rows[1][5], Data::Bool(true));
    }

    #[test]
    fn a_table_longer_than_a_sheet_keeps_its_first_rows_and_says_so() {
        let block = |from: u64| df!("n" => (from..from + 4).collect::<Vec<u64>>()).unwrap();
        let short = df!("theme" => ["a"]).unwrap();
        let (sheets, cut) = round_trip(
            &[
                ("terms.csv", vec![block(0), block(4)]),
                ("themes.csv", vec![short]),
            ],
            7,
        );
        // Seven rows: the header, five of the eight data rows, the note.
        let rows = &sheets[0];
        assert_eq!(rows.len(), 7);
        let kept: Vec<Data> = rows[1..6].iter().map(|r| r[0].clone()).collect();
        assert_eq!(
            kept,
            (0..5).map(|x| Data::Float(x as f64)).collect::<Vec<_>>()
        );
        assert_eq!(
            rows[6][0],
            Data::String(
                "Only the first 5 of 8 rows fit in a sheet: the whole table is terms.csv.".into()
            )
        );
        assert_eq!(
            sheets[1].len(),
            2,
            "a table that fits is whole, with no note"
        );
        assert_eq!(cut.len(), 1);
        assert!(
            cut[0].contains("first 5 of the 8 rows of terms.csv"),
            "{}",
            cut[0]
        );
    }

    #[test]
    fn sheets_filled_in_any_order_give_the_same_bytes() {
        let write = |reverse: bool| {
            let scratch = tempfile::tempdir().unwrap();
            let mut book = Book::new(scratch.path(), EXCEL_ROWS).unwrap();
            let mut a = book.sheet("kwic.csv").unwrap();
            let mut b = book.sheet("keyness.csv").unwrap();
            let kwic = df!("left" => ["a b"], "match" => ["c"]).unwrap();
            let key = df!("p_value" => [0.5], "dp" => [0.25], "date" => ["2003-01-02"]).unwrap();
            if reverse {
                b.add(&key).unwrap();
                a.add(&kwic).unwrap();
            } else {
                a.add(&kwic).unwrap();
                b.add(&key).unwrap();
            }
            let mut bytes = Vec::new();
            book.finish(vec![a, b], &mut bytes).unwrap();
            bytes
        };
        assert_eq!(write(false), write(true));
    }

    #[test]
    fn the_same_tables_give_the_same_bytes() {
        let write = || {
            let scratch = tempfile::tempdir().unwrap();
            let mut book = Book::new(scratch.path(), EXCEL_ROWS).unwrap();
            let mut sheet = book.sheet("kwic.csv").unwrap();
            sheet
                .add(&df!("left" => ["a b"], "match" => ["c"]).unwrap())
                .unwrap();
            let mut bytes = Vec::new();
            book.finish(vec![sheet], &mut bytes).unwrap();
            bytes
        };
        assert_eq!(write(), write());
    }
}
