//! Our code as functions of the engine: two scalar functions that read a share of the corpus
//! on an executor ([`KEYS`]: its documents' keys, for the look for copies; [`COUNT`]: its
//! counts, a part per period), and an aggregate that merges a group's parts ([`MERGE`]). The
//! engine knows them by name: the scheduler plans with them and each executor runs them, so
//! every machine registers them ([`functions`]).

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, ListArray, StringArray, StructArray, UInt64Array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::{
    create_udaf, create_udf, Accumulator, AggregateUDF, ColumnarValue, ScalarUDF, Volatility,
};

use crate::pipeline::parts::{self, Merged, Settings, Share};

/// `themeshift_keys(share, settings)`: the share's dated documents as a list of
/// (period, sha256, place).
pub(super) const KEYS: &str = "themeshift_keys";
/// `themeshift_count(share, settings)`: the share's counts as a list of (period, part): one
/// part per period, and one for the records and written forms, under a key of the share's
/// own.
pub(super) const COUNT: &str = "themeshift_count";
/// `themeshift_merge(part)`: a group's parts merged (a period's finished: its dispersion
/// worked out).
pub(super) const MERGE: &str = "themeshift_merge";

/// The functions every machine of the cluster registers.
pub(crate) fn functions() -> (Vec<Arc<ScalarUDF>>, Vec<Arc<AggregateUDF>>) {
    let keys = create_udf(
        KEYS,
        vec![DataType::Binary, DataType::Binary],
        list_of(key_fields()),
        Volatility::Immutable,
        Arc::new(|args| per_share(args, key_fields(), keys_of)),
    );
    let count = create_udf(
        COUNT,
        vec![DataType::Binary, DataType::Binary],
        list_of(part_fields()),
        Volatility::Immutable,
        Arc::new(|args| per_share(args, part_fields(), parts_of)),
    );
    let merge = create_udaf(
        MERGE,
        vec![DataType::Binary],
        Arc::new(DataType::Binary),
        Volatility::Immutable,
        Arc::new(|_| Ok(Box::new(Merge(Merged::Empty)))),
        Arc::new(vec![DataType::Binary]),
    );
    (vec![Arc::new(keys), Arc::new(count)], vec![Arc::new(merge)])
}

fn key_fields() -> Fields {
    Fields::from(vec![
        Field::new("period", DataType::Utf8, false),
        Field::new("sha", DataType::Binary, false),
        Field::new("place", DataType::UInt64, false),
    ])
}

fn part_fields() -> Fields {
    Fields::from(vec![
        Field::new("period", DataType::Utf8, false),
        Field::new("part", DataType::Binary, false),
    ])
}

fn list_of(fields: Fields) -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Struct(fields), true)))
}

/// What a function does with one share: the length of its list and that list's columns.
type Each = fn(&Share, Settings) -> anyhow::Result<(usize, Vec<ArrayRef>)>;

/// Runs `each` on every row's share with the settings (one share a row), joining the rows'
/// lists into one list array. An error stops the task with our message (the engine does not
/// retry it: a worker's error is the same however often it runs).
fn per_share(args: &[ColumnarValue], fields: Fields, each: Each) -> Result<ColumnarValue> {
    let arrays = ColumnarValue::values_to_arrays(args)?;
    let (shares, settings) = (arrays[0].as_binary::<i32>(), arrays[1].as_binary::<i32>());
    let mut lengths = Vec::with_capacity(shares.len());
    let mut columns: Vec<Vec<ArrayRef>> = Vec::new();
    for row in 0..shares.len() {
        let share = Share::from_bytes(shares.value(row)).map_err(to_engine)?;
        let settings = Settings::from_bytes(settings.value(row)).map_err(to_engine)?;
        let (len, parts) = each(&share, settings).map_err(to_engine)?;
        lengths.push(len);
        columns.push(parts);
    }
    let joined: Vec<ArrayRef> = (0..fields.len())
        .map(|i| {
            let pieces: Vec<&dyn Array> = columns.iter().map(|c| c[i].as_ref()).collect();
            match pieces.is_empty() {
                true => Ok(datafusion::arrow::array::new_empty_array(
                    fields[i].data_type(),
                )),
                false => datafusion::arrow::compute::concat(&pieces).map_err(DataFusionError::from),
            }
        })
        .collect::<Result<_>>()?;
    let items = StructArray::try_new(fields.clone(), joined, None)?;
    let list = ListArray::try_new(
        Arc::new(Field::new("item", DataType::Struct(fields), true)),
        OffsetBuffer::from_lengths(lengths),
        Arc::new(items),
        None,
    )?;
    Ok(ColumnarValue::Array(Arc::new(list)))
}

/// The share's keys, as the columns of [`key_fields`].
fn keys_of(share: &Share, settings: Settings) -> anyhow::Result<(usize, Vec<ArrayRef>)> {
    let keys = parts::look(share, settings)?;
    let periods = StringArray::from_iter_values(keys.iter().map(|k| k.0.as_str()));
    let shas = BinaryArray::from_iter_values(keys.iter().map(|k| k.1));
    let places = UInt64Array::from_iter_values(keys.iter().map(|k| k.2));
    Ok((
        keys.len(),
        vec![Arc::new(periods), Arc::new(shas), Arc::new(places)],
    ))
}

/// The share's parts, as the columns of [`part_fields`].
fn parts_of(share: &Share, settings: Settings) -> anyhow::Result<(usize, Vec<ArrayRef>)> {
    let parts = parts::count(share, settings)?;
    let periods = StringArray::from_iter_values(parts.iter().map(|(p, _)| p.as_str()));
    let bytes = BinaryArray::from_iter_values(parts.iter().map(|(_, b)| b.as_slice()));
    Ok((parts.len(), vec![Arc::new(periods), Arc::new(bytes)]))
}

/// Our error as the engine carries it: its message whole, on one line.
fn to_engine(e: anyhow::Error) -> DataFusionError {
    DataFusionError::Execution(format!("{e:#}"))
}

/// [`MERGE`]'s accumulator: the parts of one group merged so far.
struct Merge(Merged);

impl std::fmt::Debug for Merge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Merge")
    }
}

impl Merge {
    fn add_all(&mut self, values: &ArrayRef) -> Result<()> {
        let values = values.as_binary::<i32>();
        for row in 0..values.len() {
            if values.is_valid(row) && !values.value(row).is_empty() {
                self.0.add(values.value(row)).map_err(to_engine)?;
            }
        }
        Ok(())
    }
}

impl Accumulator for Merge {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.add_all(&values[0])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.add_all(&states[0])
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let bytes = self.0.to_bytes().map_err(to_engine)?;
        Ok(vec![ScalarValue::Binary(Some(bytes))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let merged = std::mem::replace(&mut self.0, Merged::Empty);
        let bytes = merged.finish().map_err(to_engine)?;
        Ok(ScalarValue::Binary(Some(bytes)))
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}
