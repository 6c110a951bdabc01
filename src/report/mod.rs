//! Reports: CSV tables ([`csv`]) and the same tables as one workbook ([`xlsx`]), PNG charts
//! ([`charts`], fed by [`figures`]), the run manifest ([`manifest`]) and the terminal summary
//! ([`summary`]), all written through [`output`] so a run replaces the previous results whole
//! or not at all; p-values everywhere by [`pvalue`].

pub(crate) mod charts;
pub(crate) mod claim;
pub(crate) mod concordance;
pub(crate) mod course_findings;
pub(crate) mod csv;
pub(crate) mod date_warnings;
pub(crate) mod figures;
pub(crate) mod findings;
pub(crate) mod html;
pub(crate) mod manifest;
pub(crate) mod markdown;
pub(crate) mod output;
pub(crate) mod progress;
pub(crate) mod pvalue;
pub(crate) mod summary;
pub(crate) mod trim;
pub(crate) mod xlsx;

pub(crate) use concordance::kwic_text;

/// How the tables are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableFiles {
    /// `--csv-bom`: each CSV starts with a UTF-8 byte-order mark.
    pub(crate) csv_bom: bool,
    /// Rows a sheet of tables.xlsx may hold ([`xlsx::EXCEL_ROWS`]); `None` with `--no-xlsx`.
    pub(crate) xlsx_rows: Option<u32>,
}

/// The long tables, longest first (on any corpus: keyness.csv has a row per term of each
/// comparison's two periods, term_frequencies.csv one per term of each period); the others
/// are a row per theme or period.
const LONGEST_FIRST: [&str; 4] = [
    "keyness.csv",
    "term_frequencies.csv",
    "terms_by_period.csv",
    "documents.csv",
];

/// Writes every table of `tables` as CSV (and, unless `--no-xlsx`, as a sheet of
/// tables.xlsx, from the same blocks) and every chart of `charts` into `staging`, the tables
/// side by side (each made a block at a time as it is written). Returns a line for each
/// table too long for its sheet, for the summary.
pub(crate) fn write_tables(
    tables: &crate::measure::Tables,
    charts: &[(&'static str, Vec<u8>)],
    staging: &output::Staging,
    files: TableFiles,
) -> Result<Vec<String>> {
    use anyhow::Context as _;
    use rayon::prelude::*;
    use std::io::Write as _;
    let names = tables.names();
    let workbook = || format!("cannot write {}", staging.shown("tables.xlsx").display());
    let mut book = files
        .xlsx_rows
        .map(|rows| xlsx::Book::new(staging.scratch(), rows))
        .transpose()
        .with_context(workbook)?;
    // Only a workbook is trimmed: without one, no rule is worked out and no table waits.
    let trim = match &book {
        Some(_) => Some(trim::Trim::new(tables, trim::FREQUENT_TERMS)?),
        None => None,
    };
    let mut sheets = match &mut book {
        Some(book) => names
            .iter()
            .map(|name| book.sheet(name).map(Some))
            .collect::<Result<Vec<_>>>()
            .with_context(workbook)?,
        None => names.iter().map(|_| None).collect(),
    };
    // With a workbook, the term tables after the others: their sheets keep the terms the
    // keyness sheet names significant, which the first round gives the second. Without one,
    // every table in one round.
    let rounds: Vec<Vec<usize>> = match trim {
        Some(_) => {
            let (later, first): (Vec<usize>, Vec<usize>) =
                (0..names.len()).partition(|&i| trim::Trim::is_term_table(names[i]));
            vec![first, later]
        }
        None => vec![(0..names.len()).collect()],
    };
    let mut significant: rustc_hash::FxHashSet<String> = Default::default();
    for mut round in rounds {
        // The longest tables first, one a task, so that the longest (keyness.csv: every
        // comparison's terms, 23 columns) starts at once rather than after others on its
        // thread: at 200 MB, 1.6 s of writing -> 1.3 s. Files do not depend on the order.
        round.sort_by_key(|&i| {
            let at = LONGEST_FIRST.iter().position(|n| *n == names[i]);
            at.unwrap_or(LONGEST_FIRST.len())
        });
        let taken: Vec<(usize, Option<xlsx::Sheet>)> =
            round.iter().map(|&i| (i, sheets[i].take())).collect();
        let written: Vec<(usize, Option<xlsx::Sheet>, Vec<String>)> = taken
            .into_par_iter()
            .with_max_len(1)
            .map(|(i, mut sheet)| {
                let name = names[i];
                let mut named = Vec::new();
                // A sheet that cannot be written is the workbook's failure, not the CSV's: it
                // is kept aside, and said as such once the CSV is written.
                let mut failed = None;
                staging.write_with(name, |out| {
                    if files.csv_bom {
                        out.write_all("\u{feff}".as_bytes())?;
                    }
                    csv::write_table_and(tables.blocks(name), out, |block| {
                        if let (Some(s), Some(trim), None) = (&mut sheet, &trim, &failed) {
                            let (kept, terms) = trim.rows(name, block, &significant)?;
                            named.extend(terms);
                            failed = s.add_kept(block, kept).err();
                        }
                        Ok(())
                    })
                })?;
                match failed {
                    Some(e) => Err(e.context(workbook())),
                    None => Ok((i, sheet, named)),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        for (i, sheet, named) in written {
            significant.extend(named);
            sheets[i] = sheet.map(|mut s| {
                s.about = trim.as_ref().map_or_else(String::new, |t| t.what(names[i]));
                s
            });
        }
    }
    let mut cut = Vec::new();
    if let Some(book) = book {
        let sheets = sheets.into_iter().flatten().collect();
        staging.write_with("tables.xlsx", |out| {
            cut = book.finish(sheets, out)?;
            Ok(())
        })?;
    }
    for (name, png) in charts {
        staging.write(&format!("charts/{name}"), png)?;
    }
    Ok(cut)
}

use anyhow::Result;
use polars::prelude::*;

/// Column readers, shared with measure (which reads its own tables the same way).
pub(crate) use crate::measure::{floats, strings};

/// A writer that fails part way, as a full disk does: for the writers' tests.
#[cfg(test)]
pub(crate) struct FullDisk {
    /// Bytes it takes before it fails.
    pub(crate) room: usize,
}

#[cfg(test)]
impl std::io::Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            // ENOSPC, as the system gives it.
            return Err(std::io::Error::from_raw_os_error(28));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
