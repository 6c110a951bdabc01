//! Tables to CSV bytes for spreadsheets: UTF-8, one header row, RFC 4180 quoting, fixed
//! decimals (never scientific notation), empty cells for missing values, and text cells that a
//! spreadsheet would run as a formula neutralised with a leading `'`.

use anyhow::Result;
use polars::prelude::*;

/// Decimals for rates, G² and Log Ratio.
const DECIMALS: usize = 4;
/// Decimals for p-values, which are often small; `0.000000` reads as p < 0.0000005.
const P_DECIMALS: usize = 6;

/// Characters that make a spreadsheet treat a cell as a formula (or hide its start).
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Prefixes `'` to a cell starting with a formula character, so `=HYPERLINK(...)` in a title
/// is shown as text, not run.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(is_formula_start) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Rows formatted at a time by [`write_csv`]: the text of a table is never held whole.
const CHUNK_ROWS: usize = 32_768;

/// The CSV bytes of `df`.
pub fn to_csv(df: &DataFrame) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_csv(df, &mut bytes, true)?;
    Ok(bytes)
}

/// Writes `df` as CSV to `out`, after a header row when `header` (a table written in parts
/// has one), [`CHUNK_ROWS`] rows at a time, so a table of millions of rows costs one chunk's
/// text in memory, not the whole file's.
pub fn write_csv(df: &DataFrame, out: &mut impl std::io::Write, header: bool) -> Result<()> {
    let mut offset = 0;
    loop {
        let mut chunk = cells(&df.slice(offset as i64, CHUNK_ROWS))?;
        CsvWriter::new(&mut *out)
            .include_header(header && offset == 0)
            .with_float_precision(Some(DECIMALS))
            .with_float_scientific(Some(false))
            .with_null_value(String::new().into())
            .finish(&mut chunk)?;
        offset += CHUNK_ROWS;
        if offset >= df.height() {
            return Ok(());
        }
    }
}

/// `df` with its text cells neutralised and its p-values as fixed-decimal text.
fn cells(df: &DataFrame) -> Result<DataFrame> {
    let mut columns = Vec::with_capacity(df.width());
    for c in df.columns() {
        let name = c.name().clone();
        let column = match c.dtype() {
            DataType::String
                if c.str()?
                    .iter()
                    .any(|v| v.is_some_and(|s| s.starts_with(is_formula_start))) =>
            {
                let cells: Vec<Option<String>> = c
                    .str()?
                    .iter()
                    .map(|v| v.map(|s| neutralise(s).into_owned()))
                    .collect();
                Column::new(name, cells)
            }
            DataType::Float64 if name.ends_with("p_value") || name.ends_with("p_adjusted") => {
                let cells: Vec<Option<String>> = c
                    .f64()?
                    .iter()
                    .map(|v| v.map(|x| format!("{x:.P_DECIMALS$}")))
                    .collect();
                Column::new(name, cells)
            }
            _ => c.clone(),
        };
        columns.push(column);
    }
    Ok(DataFrame::new_infer_height(columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals_quoting_and_formula_neutralising() {
        let df = df!(
            "title" => [Some("=HYPERLINK(\"x\")"), Some("Centralism, \"again\""), None],
            "per_10k" => [0.00001234, 123456789.5, 2.0],
            "p_value" => [1.5e-9, 0.04999, 1.0],
            "count" => [1u64, 2, 3],
        )
        .unwrap();
        let text = String::from_utf8(to_csv(&df).unwrap()).unwrap();
        assert_eq!(
            text,
            "title,per_10k,p_value,count\n\
             \"'=HYPERLINK(\"\"x\"\")\",0.0000,0.000000,1\n\
             \"Centralism, \"\"again\"\"\",123456789.5000,0.049990,2\n\
             ,2.0000,1.000000,3\n"
        );
    }

    #[test]
    fn a_table_longer_than_a_chunk_is_written_whole_with_one_header() {
        let rows = 2 * CHUNK_ROWS + 5;
        let titles: Vec<String> = (0..rows)
            .map(|i| {
                if i == CHUNK_ROWS + 7 {
                    "=1+1".to_string()
                } else {
                    format!("t{i}")
                }
            })
            .collect();
        let p: Vec<f64> = (0..rows).map(|i| i as f64 / rows as f64).collect();
        let df = df!("title" => titles, "p_value" => p).unwrap();
        let text = String::from_utf8(to_csv(&df).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), rows + 1);
        assert_eq!(lines.iter().filter(|l| l.starts_with("title")).count(), 1);
        assert_eq!(lines[1], "t0,0.000000");
        assert_eq!(lines[CHUNK_ROWS + 8], "'=1+1,0.500069");
        assert_eq!(
            lines[rows],
            format!("t{},{:.6}", rows - 1, (rows - 1) as f64 / rows as f64)
        );
    }

    #[test]
    fn neutralises_every_formula_start() {
        for s in ["=1", "+1", "-1", "@x", "\tx", "\rx"] {
            assert!(neutralise(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(neutralise("plain"), "plain");
    }
}
