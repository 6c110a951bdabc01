//! CSV and TSV records, read line by line with csv-core (RFC 4180 quoting, any number of
//! cells a row), with a guard against a quote left open.
//!
//! A quoted cell may hold line breaks, so one stray `"` at the start of a cell (an unclosed
//! quotation in an article, say) would swallow every following line up to the next quote
//! into that cell, and those rows would vanish. So when a quoted cell is still open at the
//! end of a line and the next line reads as a row on its own (the header's number of cells,
//! and a date in the date column), the quote is taken as left open: the row it opened ends at
//! the end of its line, the lines after it are read again as rows, and the row is reported
//! ([`LeftOpen`]). A quote still open at the end of the file, with no line that reads as a
//! row after it, leaves the rest of the file in that row's cell, also reported. TSV files are
//! read the same way (many tools quote TSV cells that hold tabs, quotes or line breaks).

use std::collections::VecDeque;
use std::io::{self, BufRead};

use std::io::{BufReader, Read};

use super::{cannot_read, positions, Batch, Batcher, Columns, Hashing, Row, TableReport};
use crate::error::InputError;
use crate::ingest::date::{self, DateOrder};
use crate::ingest::text_reader::TextReader;
use crate::ingest::walk::{Skipped, SourceFile};

/// A record: its cells, and the line it starts on (from 1, the header's being 1).
#[derive(Debug, Default)]
pub(super) struct Record {
    fields: Vec<u8>,
    ends: Vec<usize>,
    pub(crate) line: usize,
}

impl Record {
    /// Cell `i`, or `None` past the last cell or when a cell is not UTF-8 (which the text
    /// reader beneath never gives).
    pub(super) fn get(&self, i: usize) -> Option<&str> {
        cell(&self.fields, &self.ends, i)
    }

    /// Its number of cells.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    fn clear(&mut self) {
        self.fields.clear();
        self.ends.clear();
    }
}

fn cell<'f>(fields: &'f [u8], ends: &[usize], i: usize) -> Option<&'f str> {
    let end = *ends.get(i)?;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    std::str::from_utf8(fields.get(start..end)?).ok()
}

/// A quote left open: the record it opened, and how many lines after it were read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LeftOpen {
    /// The record (0 the header, 1 the first row) and the line it starts on.
    pub(crate) record: usize,
    pub(crate) line: usize,
    /// Lines after it read again as rows; `None` when the quote ran to the end of the file
    /// and the lines after it stayed in its cell.
    pub(crate) reread: Option<usize>,
}

/// What makes a line read as a row on its own: the header's number of cells, and a date
/// (either way round) in the date column.
#[derive(Debug, Clone, Copy)]
struct RowShape {
    cells: usize,
    date_column: usize,
}

/// A parser for one line alone, to see whether it reads as a row.
struct Probe {
    parser: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
}

impl Probe {
    fn reads_as_row(&mut self, line: &[u8], shape: RowShape) -> bool {
        self.parser.reset();
        self.fields.clear();
        self.fields.resize(line.len() + 1, 0);
        self.ends.clear();
        self.ends.resize(line.len() + 2, 0);
        let (mut at, mut written, mut ends) = (0, 0, 0);
        loop {
            let (result, nin, nout, nend) = self.parser.read_record(
                &line[at..],
                &mut self.fields[written..],
                &mut self.ends[ends..],
            );
            at += nin;
            written += nout;
            ends += nend;
            match result {
                csv_core::ReadRecordResult::Record => break,
                csv_core::ReadRecordResult::InputEmpty if at == line.len() => {
                    // Open at the end of the line: ended here, as the line is alone.
                    let (_, _, _, nend) = self.parser.read_record(
                        &[],
                        &mut self.fields[written..],
                        &mut self.ends[ends..],
                    );
                    ends += nend;
                    break;
                }
                csv_core::ReadRecordResult::End => return false,
                _ => {}
            }
        }
        ends == shape.cells
            && cell(&self.fields, &self.ends[..ends], shape.date_column).is_some_and(|d| {
                date::parse_date_cell(d, DateOrder::DayFirst)
                    .or_else(|| date::parse_date_cell(d, DateOrder::MonthFirst))
                    .is_some()
            })
    }
}

/// The records of a CSV or TSV text, in order; see the module's doc.
pub(super) struct Records<R> {
    input: R,
    parser: csv_core::Reader,
    probe: Probe,
    /// The current record's lines as read (each ending in a line break), and where each
    /// starts in `raw`, with its number.
    raw: Vec<u8>,
    lines: Vec<(usize, usize)>,
    /// Bytes of the last line of `raw` fed to the parser so far.
    fed: usize,
    /// Lines to read again before reading on, with their numbers.
    again: VecDeque<(usize, Vec<u8>)>,
    /// Number of the next line read from `input`.
    next_line: usize,
    /// The record in progress has begun (bytes other than line breaks fed since the last).
    open: bool,
    /// The record in progress ends with its first line (a quote left open).
    cut_here: bool,
    out: Record,
    /// `out` was handed out: cleared before the next record.
    handed: bool,
    ended: bool,
    /// Records handed out (the header is the first).
    records: usize,
    shape: Option<RowShape>,
    /// The quotes left open so far.
    pub(crate) left_open: Vec<LeftOpen>,
}

fn parser(delimiter: u8) -> csv_core::Reader {
    csv_core::ReaderBuilder::new().delimiter(delimiter).build()
}

impl<R: BufRead> Records<R> {
    pub(super) fn new(input: R, delimiter: u8) -> Records<R> {
        Records {
            input,
            parser: parser(delimiter),
            probe: Probe {
                parser: parser(delimiter),
                fields: Vec::new(),
                ends: Vec::new(),
            },
            raw: Vec::new(),
            lines: Vec::new(),
            fed: 0,
            again: VecDeque::new(),
            next_line: 1,
            open: false,
            cut_here: false,
            out: Record::default(),
            handed: false,
            ended: false,
            records: 0,
            shape: None,
            left_open: Vec::new(),
        }
    }

    /// Tells the guard the header's number of cells and which holds the date (until then no
    /// quote is taken as left open).
    pub(super) fn set_header(&mut self, cells: usize, date_column: usize) {
        self.shape = Some(RowShape { cells, date_column });
    }

    pub(super) fn input_mut(&mut self) -> &mut R {
        &mut self.input
    }

    pub(super) fn into_input(self) -> R {
        self.input
    }

    /// The next record, or `None` at the end.
    pub(super) fn next_record(&mut self) -> io::Result<Option<&Record>> {
        if self.handed {
            self.out.clear();
            self.handed = false;
        }
        loop {
            let start = self.lines.last().map_or(0, |l| l.0);
            if start + self.fed < self.raw.len() {
                if self.feed(start) {
                    return Ok(Some(&self.out));
                }
                continue;
            }
            if self.cut_here {
                // The first line of a quote left open is fed again: its record ends here.
                self.cut_here = false;
                let done = self.finish_record();
                self.parser.reset();
                if done {
                    return Ok(Some(&self.out));
                }
                continue;
            }
            if self.ended {
                return Ok(self.at_end().then_some(&self.out));
            }
            // The record in progress is open at the end of a whole line: inside quotes.
            let in_quotes = self.open;
            if !self.open {
                // No record in progress: the lines read are done with.
                self.raw.clear();
                self.lines.clear();
            }
            let line_start = self.raw.len();
            match self.read_line()? {
                None => self.ended = true,
                Some(number) => {
                    let quote_left_open = in_quotes
                        && self
                            .shape
                            .is_some_and(|s| self.probe.reads_as_row(&self.raw[line_start..], s));
                    if quote_left_open {
                        self.take_quote_as_left_open(line_start, number);
                    } else {
                        self.lines.push((line_start, number));
                        self.fed = 0;
                    }
                }
            }
        }
    }

    /// Appends the next line (from `again`, else the input) to `raw`, ending in a line
    /// break; its number, or `None` at the end of the input.
    fn read_line(&mut self) -> io::Result<Option<usize>> {
        if let Some((number, line)) = self.again.pop_front() {
            self.raw.extend_from_slice(&line);
            return Ok(Some(number));
        }
        if self.input.read_until(b'\n', &mut self.raw)? == 0 {
            return Ok(None);
        }
        if !self.raw.ends_with(b"\n") {
            self.raw.push(b'\n');
        }
        self.next_line += 1;
        Ok(Some(self.next_line - 1))
    }

    /// The record in progress opened a quote that the line just read (at `line_start` in
    /// `raw`, numbered `number`) shows was left open: the record is read again from its
    /// first line alone, ended there, and its other lines and this one are read again after
    /// it.
    fn take_quote_as_left_open(&mut self, line_start: usize, number: usize) {
        let first_end = self.lines.get(1).map_or(line_start, |l| l.0);
        let mut again = Vec::new();
        for (k, &(from, n)) in self.lines.iter().enumerate().skip(1) {
            let to = self.lines.get(k + 1).map_or(line_start, |l| l.0);
            again.push((n, self.raw[from..to].to_vec()));
        }
        again.push((number, self.raw[line_start..].to_vec()));
        self.left_open.push(LeftOpen {
            record: self.records,
            line: self.lines[0].1,
            reread: Some(again.len()),
        });
        for line in again.into_iter().rev() {
            self.again.push_front(line);
        }
        self.raw.truncate(first_end);
        self.lines.truncate(1);
        self.parser.reset();
        self.out.clear();
        self.fed = 0;
        self.open = false;
        self.cut_here = true;
    }

    /// Feeds the rest of the last line of `raw` (which starts at `start`) to the parser;
    /// true when a record ended.
    fn feed(&mut self, start: usize) -> bool {
        loop {
            let input = &self.raw[start + self.fed..];
            let (nout, nend) = (self.out.fields.len(), self.out.ends.len());
            self.out.fields.resize(nout + input.len().max(16), 0);
            self.out.ends.resize(nend + 16, 0);
            let (result, nin, written, ends) = self.parser.read_record(
                input,
                &mut self.out.fields[nout..],
                &mut self.out.ends[nend..],
            );
            self.open |= input[..nin].iter().any(|&b| b != b'\n' && b != b'\r');
            self.fed += nin;
            self.out.fields.truncate(nout + written);
            self.out.ends.truncate(nend + ends);
            match result {
                csv_core::ReadRecordResult::Record => {
                    self.record_done();
                    return true;
                }
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => {
                    return false;
                }
                csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {}
            }
        }
    }

    /// Ends the record in progress as the end of the input would; true when there was one.
    fn finish_record(&mut self) -> bool {
        loop {
            let (nout, nend) = (self.out.fields.len(), self.out.ends.len());
            self.out.ends.resize(nend + 1, 0);
            let (result, _, _, ends) = self.parser.read_record(
                &[],
                &mut self.out.fields[nout..],
                &mut self.out.ends[nend..],
            );
            self.out.ends.truncate(nend + ends);
            match result {
                csv_core::ReadRecordResult::Record => {
                    self.record_done();
                    return true;
                }
                csv_core::ReadRecordResult::End | csv_core::ReadRecordResult::InputEmpty => {
                    self.out.clear();
                    return false;
                }
                csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {}
            }
        }
    }

    fn record_done(&mut self) {
        self.out.line = self.lines.first().map_or(self.next_line, |l| l.1);
        self.records += 1;
        self.open = false;
        self.handed = true;
    }

    /// At the end of the input: a quote still open over several lines is reported (the
    /// rest of the file stays in its cell, as no line after it read as a row), and the last
    /// record handed out; true when there is one.
    fn at_end(&mut self) -> bool {
        if self.open && self.lines.len() > 1 {
            self.left_open.push(LeftOpen {
                record: self.records,
                line: self.lines[0].1,
                reread: None,
            });
        }
        self.finish_record()
    }
}

/// The rows of a CSV or TSV file.
pub(super) fn read_delimited<R: Read>(
    file: &SourceFile,
    columns: &Columns,
    batch_rows: usize,
    mut records: Records<BufReader<TextReader<Hashing<R>>>>,
    batch: &mut impl FnMut(Batch) -> bool,
) -> Result<TableReport, InputError> {
    let unreadable = |e: std::io::Error| cannot_read(file, e);
    let header: Vec<String> = match records.next_record().map_err(unreadable)? {
        Some(r) => (0..r.len())
            .map(|i| r.get(i).unwrap_or_default().to_string())
            .collect(),
        None => Vec::new(),
    };
    let pos = positions(file, &header, columns)?;
    records.set_header(header.len(), pos.date);
    let mut rows = Batcher::new(batch_rows, batch);
    let mut stopped = false;
    while let Some(record) = records.next_record().map_err(unreadable)? {
        let number = rows.count + 1;
        if record.len() <= pos.text {
            rows.count += 1;
            rows.skipped.push(Skipped {
                path: format!("{}#row{number}", file.name),
                reason: format!(
                    "no text cell: the row (line {}) has {} cell(s), the header {}",
                    record.line,
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let cell = |i: usize| record.get(i).map(str::to_string);
        let mut row = Row {
            number,
            id: pos.id.and_then(cell).filter(|s| !s.is_empty()),
            title: pos.title.and_then(cell).filter(|s| !s.is_empty()),
            date: cell(pos.date).filter(|s| !s.trim().is_empty()),
            text: cell(pos.text).unwrap_or_default(),
            replaced: 0,
        };
        if records.input_mut().get_ref().replaced() > 0 {
            row.count_replaced();
        }
        if !rows.push(row) {
            stopped = true;
            break;
        }
    }
    let mut report = rows.finish(stopped);
    report.warnings = left_open_warnings(&file.name, &records.left_open);
    let text = records.into_input().into_inner();
    report.encoding = text.encoding().name();
    report.replaced = text.replaced();
    text.into_inner().finish(file, stopped, report)
}

/// The warnings for the quotes left open in a CSV or TSV file (see [`read_delimited`]).
fn left_open_warnings(name: &str, open: &[LeftOpen]) -> Vec<String> {
    let (cut, to_end): (Vec<&LeftOpen>, Vec<&LeftOpen>) =
        open.iter().partition(|o| o.reread.is_some());
    let mut warnings = Vec::new();
    if !cut.is_empty() {
        let rows: Vec<String> = cut
            .iter()
            .take(5)
            .map(|o| format!("row {} (line {})", o.record, o.line))
            .collect();
        let more = match cut.len() {
            n if n > 5 => format!(" and {} more", n - 5),
            _ => String::new(),
        };
        warnings.push(format!(
            "{name}: {} quote(s) left open, each before a line that reads as a row of its own, \
             in {}{more}: each of these rows was read to the end of its line (the quote taken \
             as a character) and the lines after it as rows; check these rows' text",
            cut.len(),
            rows.join(", ")
        ));
    }
    for o in to_end {
        warnings.push(format!(
            "{name}: row {} (line {}) opens a quote that is never closed: the rest of the file \
             was read as that row's text; check the file",
            o.record, o.line
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records of `text` as lists of cells, and the quotes left open.
    fn records(text: &str, delimiter: u8) -> (Vec<(usize, Vec<String>)>, Vec<LeftOpen>) {
        let mut reader = Records::new(
            std::io::BufReader::with_capacity(7, text.as_bytes()),
            delimiter,
        );
        let mut all = Vec::new();
        while let Some(r) = reader.next_record().unwrap() {
            let cells: Vec<String> = (0..r.len())
                .map(|i| r.get(i).unwrap().to_string())
                .collect();
            all.push((r.line, cells));
            if all.len() == 1 {
                let n = all[0].1.len();
                let date = all[0].1.iter().position(|c| c == "date").unwrap();
                reader.set_header(n, date);
            }
        }
        (all, reader.left_open)
    }

    fn cells(rows: &[(usize, Vec<String>)]) -> Vec<String> {
        rows.iter()
            .map(|(line, c)| format!("{line}:{}", c.join("|")))
            .collect()
    }

    #[test]
    fn quoted_line_breaks_crlf_and_blank_lines_read_as_the_csv_crate_reads_them() {
        let text = "id,date,text\r\n1,2003,\"one, two\r\nthree\"\r\n\r\n2,2010,\"say \"\"hi\"\"\"\n3,2010,last";
        let (rows, open) = records(text, b',');
        assert_eq!(
            cells(&rows),
            [
                "1:id|date|text",
                "2:1|2003|one, two\r\nthree",
                "5:2|2010|say \"hi\"",
                "6:3|2010|last"
            ]
        );
        assert!(open.is_empty());
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let theirs: Vec<Vec<String>> = csv
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        let ours: Vec<Vec<String>> = rows.into_iter().map(|r| r.1).collect();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn a_quote_left_open_before_lines_that_read_as_rows_ends_at_its_line() {
        // Row 2 opens a quote never closed; the lines after it are rows.
        let text =
            "id,date,text\n1,2003,fine\n2,2003,\"He said no\n3,2010,more\n4,2010,\"ok, closed\"\n";
        let (rows, open) = records(text, b',');
        assert_eq!(
            cells(&rows),
            [
                "1:id|date|text",
                "2:1|2003|fine",
                "3:2|2003|He said no\n",
                "4:3|2010|more",
                "5:4|2010|ok, closed"
            ]
        );
        assert_eq!(
            open,
            [LeftOpen {
                record: 2,
                line: 3,
                reread: Some(1)
            }]
        );
        // TSV: cells opening with a quote they never close, every ninth row.
        let mut text = "id\tdate\ttext\n".to_string();
        for i in 1..=30 {
            let quote = if i % 9 == 0 { "\"" } else { "" };
            text.push_str(&format!("{i}\t2003-01-0{}\t{quote}row {i}\n", i % 9 + 1));
        }
        let (rows, open) = records(&text, b'\t');
        assert_eq!(rows.len(), 31);
        assert_eq!(rows[9].1[2], "row 9\n");
        assert_eq!(rows[10].1[2], "row 10");
        let lines: Vec<usize> = open.iter().map(|o| o.line).collect();
        assert_eq!(lines, [10, 19, 28]);
    }

    #[test]
    fn a_quoted_cell_over_lines_that_do_not_read_as_rows_is_kept_whole() {
        // Paragraphs with commas, and a line with the header's number of cells but no date.
        let text = "id,date,text\n1,2003,\"First, para.\nSecond, para, here.\nthird\"\n2,2010,x\n";
        let (rows, open) = records(text, b',');
        assert_eq!(rows[1].1[2], "First, para.\nSecond, para, here.\nthird");
        assert_eq!(rows[2].1, ["2", "2010", "x"]);
        assert!(open.is_empty());
        // A quote open at the end of the file: the rest stays in the cell, reported.
        let text = "id,date,text\n1,2003,\"never closed\nno date here\nnor here\n";
        let (rows, open) = records(text, b',');
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].1[2], "never closed\nno date here\nnor here\n");
        assert_eq!(
            open,
            [LeftOpen {
                record: 1,
                line: 2,
                reread: None
            }]
        );
    }
}
