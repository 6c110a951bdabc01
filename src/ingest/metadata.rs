//! `metadata.csv` in the input folder: dates (and optionally titles and sources) for documents
//! that do not carry their own. Columns `file,date` are required, `title,source` optional;
//! `file` is the path relative to the input folder.

use std::io::Cursor;
use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;
use rustc_hash::FxHashMap;

use crate::error::InputError;
use crate::ingest::date::{impossible_date, read_date_cell, DateOrder, DateReading};

/// What metadata.csv says about one file.
#[derive(Debug, Clone, Default)]
pub(crate) struct MetadataRow {
    pub(crate) date: Option<NaiveDate>,
    /// How the date could be read (a bare year is only a year).
    pub(crate) reading: DateReading,
    pub(crate) title: Option<String>,
    pub(crate) source: Option<String>,
}

/// Rows of metadata.csv by file name (relative, `/`-separated).
pub(crate) type Metadata = FxHashMap<String, MetadataRow>;

/// Reads `path` if it exists; an absent file is an empty table.
pub(crate) fn load(path: &Path, order: DateOrder) -> Result<Metadata, InputError> {
    if !path.is_file() {
        return Ok(Metadata::default());
    }
    let fail = |message: String| InputError::Metadata {
        path: path.to_path_buf(),
        message,
    };
    let bytes = crate::whole::read_whole(path).map_err(|e| fail(format!("cannot be read: {e}")))?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map_or(bytes.clone(), <[u8]>::to_vec);
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| fail(format!("is not a readable CSV table: {e}")))?;
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.trim().to_lowercase())
        .collect();
    let column = |name: &str| -> Option<Vec<Option<String>>> {
        let i = names.iter().position(|n| n == name)?;
        let ca = df.columns()[i].str().ok()?;
        Some(ca.iter().map(|v| v.map(|s| s.trim().to_string())).collect())
    };
    let (Some(files), Some(dates)) = (column("file"), column("date")) else {
        return Err(fail(format!(
            "needs columns 'file' and 'date' (found: {})",
            names.join(", ")
        )));
    };
    let titles = column("title");
    let sources = column("source");
    let mut rows = Metadata::default();
    for (i, (file, date)) in files.into_iter().zip(dates).enumerate() {
        let line = i + 2;
        let Some(file) = file.filter(|f| !f.is_empty()) else {
            return Err(fail(format!("line {line}: the 'file' cell is empty")));
        };
        let (date, reading) = match date.filter(|d| !d.is_empty()) {
            None => (None, DateReading::Plain),
            Some(d) => {
                let (date, reading) = read_date_cell(&d, order).ok_or_else(|| {
                    let what = match impossible_date(&d) {
                        Some(_) => "is an impossible date (no such day)",
                        None => "is not a date",
                    };
                    fail(format!("line {line}: '{d}' {what} (for {file})"))
                })?;
                (Some(date), reading)
            }
        };
        let pick = |col: &Option<Vec<Option<String>>>| {
            col.as_ref()
                .and_then(|c| c[i].clone())
                .filter(|s| !s.is_empty())
        };
        let row = MetadataRow {
            date,
            reading,
            title: pick(&titles),
            source: pick(&sources),
        };
        rows.insert(
            file.replace('\\', "/").trim_start_matches("./").to_string(),
            row,
        );
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<Metadata, InputError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metadata.csv");
        std::fs::write(&path, text).unwrap();
        load(&path, DateOrder::DayFirst)
    }

    #[test]
    fn reads_dates_titles_and_quoted_cells() {
        let m = load_str(
            "file,date,title,source\na.txt,2003-10-16,\"Centralism, again\",HSJ\nsub/b.txt,22 July 2010,,\n",
        )
        .unwrap();
        assert_eq!(m["a.txt"].date, NaiveDate::from_ymd_opt(2003, 10, 16));
        assert_eq!(m["a.txt"].title.as_deref(), Some("Centralism, again"));
        assert_eq!(m["sub/b.txt"].date, NaiveDate::from_ymd_opt(2010, 7, 22));
        assert_eq!(m["sub/b.txt"].title, None);
    }

    #[test]
    fn missing_column_and_bad_date_are_named() {
        let e = load_str("name,when\na.txt,2003\n").unwrap_err().to_string();
        assert!(
            e.contains("needs columns 'file' and 'date'") && e.contains("name, when"),
            "{e}"
        );
        let e = load_str("file,date\na.txt,31/04/2010\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2: '31/04/2010' is an impossible date (no such day) (for a.txt)"),
            "{e}"
        );
        let e = load_str("file,date\na.txt,soon\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("'soon'"), "{e}");
    }
}
