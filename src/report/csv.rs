//! Tables to CSV bytes for programs and spreadsheets: UTF-8, one header row, RFC 4180
//! quoting, fixed decimals (never scientific notation) but for p-values, which follow
//! [`super::pvalue`] (in full, scientific below 0.001, never `0`), empty cells for missing
//! values, and text cells that a spreadsheet would run as a formula neutralised with a
//! leading `'`.

use anyhow::Result;
use polars::prelude::*;

/// Decimals for rates, G² and Log Ratio.
const DECIMALS: usize = 4;

/// Characters that make a spreadsheet treat a cell as a formula (or hide its start).
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Prefixes `'` to a cell starting with a formula character, so `=HYPERLINK(...)` in a title
/// is shown as text, not run.
pub(crate) fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(is_formula_start) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Rows formatted at a time by [`write_csv`]: the text of a table is never held whole.
const CHUNK_ROWS: usize = 16_384;

fn window() -> usize {
    2 * rayon::current_num_threads().max(1)
}

/// The CSV bytes of `df`.
pub(crate) fn to_csv(df: &DataFrame) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_csv(df, &mut bytes, true)?;
    Ok(bytes)
}

/// Writes a table made in blocks ([`crate::measure::Blocks`]) as one CSV file: the header
/// row from the first block, then every block's rows in order. The one way tables become
/// CSV.
#[cfg(test)]
pub(crate) fn write_table(
    blocks: crate::measure::Blocks,
    out: &mut impl std::io::Write,
) -> Result<()> {
    write_table_and(blocks, out, |_| Ok(()))
}

/// `write_table`, handing each block to `also` once its rows are written (tables.xlsx is
/// written from the same blocks, so the long tables are made once).
pub(crate) fn write_table_and(
    blocks: crate::measure::Blocks,
    out: &mut impl std::io::Write,
    mut also: impl FnMut(&DataFrame) -> Result<()>,
) -> Result<()> {
    let mut header = true;
    for block in blocks {
        let block = block?;
        write_csv(&block, out, header)?;
        also(&block)?;
        header = false;
    }
    Ok(())
}

/// Writes `df` as CSV to `out`, after a header row when `header` (a table written in parts
/// has one). Chunks of `CHUNK_ROWS` rows are formatted in parallel, a few at a time, and
/// written in order, so a table of millions of rows costs a few chunks' text in memory, not
/// the whole file's, and the bytes do not depend on the number of threads.
fn write_csv(df: &DataFrame, out: &mut impl std::io::Write, header: bool) -> Result<()> {
    use rayon::prelude::*;
    if header {
        let mut line = Vec::new();
        for (i, name) in df.get_column_names().iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            push_text(&mut line, name.as_str());
        }
        line.push(b'\n');
        out.write_all(&line)?;
    }
    let starts: Vec<usize> = (0..df.height()).step_by(CHUNK_ROWS).collect();
    for group in starts.chunks(window()) {
        let texts: Vec<Vec<u8>> = group
            .par_iter()
            .map(|&start| format_rows(&df.slice(start as i64, CHUNK_ROWS)))
            .collect::<Result<_>>()?;
        for text in texts {
            out.write_all(&text)?;
        }
    }
    Ok(())
}

/// One column's cells, as they are written. A column of whole numbers or floats with no
/// missing cell in one piece of memory (most of them: a wide table's hundreds of per-period
/// columns) is read as a slice, by row, without an iterator call per cell.
enum Cells<'a> {
    Text(Box<dyn Iterator<Item = Option<&'a str>> + 'a>),
    Unsigned(Box<dyn Iterator<Item = Option<u64>> + 'a>),
    UnsignedSlice(&'a [u64]),
    Signed(Box<dyn Iterator<Item = Option<i64>> + 'a>),
    Float(Box<dyn Iterator<Item = Option<f64>> + 'a>),
    FloatSlice(&'a [f64]),
    PValue(Box<dyn Iterator<Item = Option<f64>> + 'a>),
    Bool(Box<dyn Iterator<Item = Option<bool>> + 'a>),
}

/// The rows of `df` as CSV lines: text neutralised and quoted where needed, whole numbers as
/// they are, booleans as `true`/`false`, floats with [`DECIMALS`] by [`fixed`] and p-values
/// by [`super::pvalue::write_full`], missing cells empty.
fn format_rows(df: &DataFrame) -> Result<Vec<u8>> {
    let mut casts = Vec::new();
    for c in df.columns() {
        let cast = match c.dtype() {
            DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => {
                Some(c.cast(&DataType::UInt64)?)
            }
            DataType::Int8 | DataType::Int16 | DataType::Int32 => Some(c.cast(&DataType::Int64)?),
            DataType::Float32 => Some(c.cast(&DataType::Float64)?),
            DataType::String
            | DataType::UInt64
            | DataType::Int64
            | DataType::Float64
            | DataType::Boolean => None,
            _ => Some(c.cast(&DataType::String)?),
        };
        casts.push(cast);
    }
    let mut columns = Vec::with_capacity(df.width());
    for (c, cast) in df.columns().iter().zip(&casts) {
        let c = cast.as_ref().unwrap_or(c);
        let name = c.name();
        columns.push(match c.dtype() {
            DataType::String => Cells::Text(Box::new(c.str()?.iter())),
            DataType::UInt64 => match c.u64()?.cont_slice() {
                Ok(slice) => Cells::UnsignedSlice(slice),
                Err(_) => Cells::Unsigned(Box::new(c.u64()?.iter())),
            },
            DataType::Int64 => Cells::Signed(Box::new(c.i64()?.iter())),
            DataType::Boolean => Cells::Bool(Box::new(c.bool()?.iter())),
            _ if super::pvalue::is_p_column(name) => Cells::PValue(Box::new(c.f64()?.iter())),
            _ => match c.f64()?.cont_slice() {
                Ok(slice) => Cells::FloatSlice(slice),
                Err(_) => Cells::Float(Box::new(c.f64()?.iter())),
            },
        });
    }
    let mut text = Vec::with_capacity(df.height() * 16 * df.width().max(1));
    let mut number = itoa::Buffer::new();
    for row in 0..df.height() {
        for (i, column) in columns.iter_mut().enumerate() {
            if i > 0 {
                text.push(b',');
            }
            match column {
                Cells::Text(v) => {
                    if let Some(s) = v.next().flatten() {
                        push_text(&mut text, &neutralise(s));
                    }
                }
                Cells::Unsigned(v) => {
                    if let Some(x) = v.next().flatten() {
                        text.extend_from_slice(number.format(x).as_bytes());
                    }
                }
                Cells::UnsignedSlice(v) => {
                    text.extend_from_slice(number.format(v[row]).as_bytes());
                }
                Cells::FloatSlice(v) => fixed(&mut text, v[row], DECIMALS),
                Cells::Signed(v) => {
                    if let Some(x) = v.next().flatten() {
                        text.extend_from_slice(number.format(x).as_bytes());
                    }
                }
                Cells::Bool(v) => {
                    if let Some(x) = v.next().flatten() {
                        text.extend_from_slice(if x { b"true" } else { b"false" });
                    }
                }
                Cells::Float(v) => {
                    if let Some(x) = v.next().flatten() {
                        fixed(&mut text, x, DECIMALS);
                    }
                }
                Cells::PValue(v) => {
                    if let Some(x) = v.next().flatten() {
                        super::pvalue::write_full(&mut text, x);
                    }
                }
            }
        }
        text.push(b'\n');
    }
    Ok(text)
}

/// Appends a text cell, in double quotes (doubled inside) when it holds a comma, a quote or
/// a line break, or is empty (so that an empty text differs from a missing cell).
fn push_text(out: &mut Vec<u8>, s: &str) {
    if s.is_empty() || s.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// Appends `x` with exactly `decimals` digits after the point, as `format!("{x:.decimals$}")`
/// writes it (the exact binary value rounded half to even, never scientific notation, the
/// sign kept on a negative zero) at a fraction of the cost: the standard library falls back
/// to arbitrary-precision arithmetic for many values at four decimals (about 170 ns a
/// value, against 10 here). A double is `m·2^e`; `x·10^d` is then `m·10^d·2^e`, an integer
/// when `e >= 0` and otherwise `m·10^d` shifted right by `-e` with the remainder deciding the
/// rounding, all exact in 128 bits. Values outside that range are left to `format!`.
pub(crate) fn fixed(out: &mut Vec<u8>, x: f64, decimals: usize) {
    use std::io::Write;
    // A positive zero, the commonest cell of a wide table (a term absent from a period).
    if x.to_bits() == 0 && decimals < 16 {
        out.extend_from_slice(
            &b"0.000000000000000"[..if decimals == 0 { 1 } else { 2 + decimals }],
        );
        return;
    }
    const POW10: [u128; 10] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
        1_000_000_000,
    ];
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7FF) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, e) = match exponent {
        0 => (fraction, -1074),
        0x7FF => {
            let _ = write!(out, "{x:.decimals$}");
            return;
        }
        _ => (fraction | (1 << 52), exponent - 1075),
    };
    if decimals >= POW10.len() || e > 10 {
        let _ = write!(out, "{x:.decimals$}");
        return;
    }
    let scaled = mantissa as u128 * POW10[decimals];
    let units: u128 = if e >= 0 {
        scaled << e
    } else if -e >= 127 {
        // Below 2^-74: far under half a unit of the last decimal.
        0
    } else {
        let shift = (-e) as u32;
        let (q, r) = (scaled >> shift, scaled & ((1u128 << shift) - 1));
        let half = 1u128 << (shift - 1);
        if r > half || (r == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    if x.is_sign_negative() {
        out.push(b'-');
    }
    let mut digits = itoa::Buffer::new();
    // 64-bit division where the value allows (nearly always): 128-bit division is a call.
    let part = match u64::try_from(units) {
        Ok(units) => {
            let unit = POW10[decimals] as u64;
            out.extend_from_slice(digits.format(units / unit).as_bytes());
            units % unit
        }
        Err(_) => {
            out.extend_from_slice(digits.format(units / POW10[decimals]).as_bytes());
            (units % POW10[decimals]) as u64
        }
    };
    if decimals > 0 {
        out.push(b'.');
        let part = digits.format(part);
        out.extend(std::iter::repeat_n(b'0', decimals - part.len()));
        out.extend_from_slice(part.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The table as polars' own CSV writer writes it, with the same conventions: the
    /// reference [`write_csv`] must equal byte for byte.
    fn by_polars(df: &DataFrame) -> Vec<u8> {
        let mut columns = Vec::new();
        for c in df.columns() {
            let name = c.name().clone();
            columns.push(match c.dtype() {
                DataType::String => Column::new(
                    name,
                    c.str()
                        .unwrap()
                        .iter()
                        .map(|v| v.map(|s| neutralise(s).into_owned()))
                        .collect::<Vec<_>>(),
                ),
                DataType::Float64 if crate::report::pvalue::is_p_column(&name) => Column::new(
                    name,
                    c.f64()
                        .unwrap()
                        .iter()
                        .map(|v| v.map(crate::report::pvalue::full))
                        .collect::<Vec<_>>(),
                ),
                _ => c.clone(),
            });
        }
        let mut df = DataFrame::new_infer_height(columns).unwrap();
        let mut out = Vec::new();
        CsvWriter::new(&mut out)
            .with_float_precision(Some(DECIMALS))
            .with_float_scientific(Some(false))
            .with_null_value(String::new().into())
            .finish(&mut df)
            .unwrap();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn fixed_decimals_equal_the_standard_library(
            bits in any::<u64>(),
            small in -1e6f64..1e6,
            tie in -40_000i64..40_000,
            decimals in 0usize..9,
        ) {
            for x in [f64::from_bits(bits), small, tie as f64 / 1024.0, tie as f64 * 0.5e-4] {
                let mut out = Vec::new();
                fixed(&mut out, x, decimals);
                prop_assert_eq!(String::from_utf8(out).unwrap(), format!("{x:.decimals$}"));
            }
        }

        #[test]
        fn the_writer_equals_polars_csv_writer(
            rows in prop::collection::vec(
                (
                    prop::option::of(prop_oneof![
                        "[a-z ,\"'=+\n\r-]{0,6}",
                        Just(String::new()),
                        any::<String>(),
                    ]),
                    prop::option::of(any::<f64>()),
                    prop::option::of(-1e9f64..1e9),
                    prop::option::of(any::<u64>()),
                    prop::option::of(any::<bool>()),
                    prop::option::of(any::<i32>()),
                ),
                0..40,
            )
        ) {
            let df = df!(
                "text" => rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
                "per_10k" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
                "p_value" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
                "count" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
                "single_doc" => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
                "n" => rows.iter().map(|r| r.5).collect::<Vec<_>>(),
            )
            .unwrap();
            let ours = String::from_utf8(to_csv(&df).unwrap()).unwrap();
            let theirs = String::from_utf8(by_polars(&df)).unwrap();
            prop_assert_eq!(ours, theirs);
        }
    }

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
             \"'=HYPERLINK(\"\"x\"\")\",0.0000,1.5e-9,1\n\
             \"Centralism, \"\"again\"\"\",123456789.5000,0.04999,2\n\
             ,2.0000,1.0,3\n"
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
        assert_eq!(lines[1], "t0,2.2250738585072014e-308");
        assert_eq!(
            lines[CHUNK_ROWS + 8],
            format!("'=1+1,{}", (CHUNK_ROWS + 7) as f64 / rows as f64)
        );
        assert_eq!(
            lines[rows],
            format!("t{},{}", rows - 1, (rows - 1) as f64 / rows as f64)
        );
    }

    #[test]
    fn a_disk_that_fills_part_way_is_an_error_naming_the_reason() {
        let rows = 3 * CHUNK_ROWS;
        let titles: Vec<String> = (0..rows).map(|i| format!("title {i}")).collect();
        let df = df!("title" => titles).unwrap();
        for room in [0, 10, 5_000, 40_000] {
            let blocks: crate::measure::Blocks = Box::new(std::iter::once(Ok(df.clone())));
            let error = write_table(blocks, &mut crate::report::FullDisk { room }).unwrap_err();
            assert!(
                format!("{error:#}").contains("No space left on device"),
                "{error:#}"
            );
        }
    }

    #[test]
    fn neutralises_every_formula_start() {
        for s in ["=1", "+1", "-1", "@x", "\tx", "\rx"] {
            assert!(neutralise(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(neutralise("plain"), "plain");
    }
}
