//! Reports: CSV tables ([`csv`]), PNG charts ([`charts`], fed by [`figures`]), the run manifest
//! ([`manifest`]) and the terminal summary ([`summary`]), all written through [`output`] so a
//! run replaces the previous results whole or not at all.

pub mod charts;
pub mod claim;
pub mod concordance;
pub mod csv;
pub mod figures;
pub mod html;
pub mod manifest;
pub mod output;
pub mod progress;
pub mod summary;

pub use concordance::kwic_text;

/// Writes every table of `tables` as CSV and every chart of `charts` into `staging`, the
/// tables side by side (each made a block at a time as it is written).
pub fn write_tables(
    tables: &crate::measure::Tables,
    charts: &[(&'static str, Vec<u8>)],
    staging: &output::Staging,
) -> Result<()> {
    use rayon::prelude::*;
    tables.names().par_iter().try_for_each(|name| {
        staging.write_with(name, |out| csv::write_table(tables.blocks(name), out))
    })?;
    for (name, png) in charts {
        staging.write(&format!("charts/{name}"), png)?;
    }
    Ok(())
}

use anyhow::Result;
use polars::prelude::*;

/// A string column as owned strings (missing cells become empty strings).
pub(crate) fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// A numeric column as f64 (missing cells become NaN).
pub(crate) fn floats(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}
