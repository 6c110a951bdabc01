//! Parquet tables: read a slice of rows at a time within each row group, so memory holds a
//! slice's cells whatever the file's size.

use std::fs::File;
use std::path::Path;

use super::{cannot_read, error, positions, Columns, Row};
use crate::error::InputError;
use crate::ingest::walk::SourceFile;

/// The size of a Parquet file's data uncompressed (its row groups' byte sizes): a Parquet
/// file is compressed, so its length undersells the text it holds. `None` when its footer
/// cannot be read.
pub(crate) fn parquet_data_bytes(path: &Path) -> Option<u64> {
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
pub(crate) const PARQUET_SLICE_ROWS: usize = 8192;

/// Reads a Parquet file [`PARQUET_SLICE_ROWS`] rows at a time, within its row groups (the
/// unit a Parquet file is written and compressed in), so memory holds a slice's cells, not
/// the file's or a row group's, calling `row` with each row in file order until it returns
/// false; returns whether it was stopped. The date column
/// may hold text, dates, date-times or years; id and title are read as text whatever their
/// type.
pub(crate) fn read_parquet(
    file: &SourceFile,
    columns: &Columns,
    row: &mut dyn FnMut(Row) -> bool,
) -> Result<bool, InputError> {
    use polars::prelude::*;
    let bad =
        |e: &dyn std::fmt::Display| error(&file.path, format!("not a readable Parquet file: {e}"));
    let open = || File::open(&file.path).map_err(|e| cannot_read(file, e));
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
                replaced: 0,
            });
            if !keep_going {
                return Ok(true);
            }
        }
        start += height;
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::super::tests::read;
    use super::super::*;

    #[test]
    fn a_parquet_row_group_larger_than_a_slice_is_read_whole_in_order() {
        use polars::prelude::*;
        let d = tempfile::tempdir().unwrap();
        let n = 2 * super::PARQUET_SLICE_ROWS + 17;
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
}
