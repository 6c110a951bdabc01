//! The documents table (`documents.csv`): one row per document read, dated or not.

use polars::prelude::*;

use crate::count::DocSize;
use crate::ingest::DocumentInfo;

/// A document after counting: what ingest found, its period, and its size.
#[derive(Debug, Clone)]
pub struct DocRecord {
    pub info: DocumentInfo,
    /// `None` for an undated document, which is left out of every comparison.
    pub period: Option<String>,
    pub size: DocSize,
    /// The document with the same text and period that was counted instead of this one.
    pub duplicate_of: Option<String>,
}

/// doc_id, path, title, date, date_source, period, tokens, types, source, encoding,
/// replaced_chars, duplicate_of. `docs` must already be in path order; doc_id is the 1-based position.
pub fn documents_table(docs: &[DocRecord]) -> PolarsResult<DataFrame> {
    let text = |f: &dyn Fn(&DocRecord) -> Option<String>| -> Vec<Option<String>> {
        docs.iter().map(f).collect()
    };
    df!(
        "doc_id" => (1..=docs.len() as u64).collect::<Vec<_>>(),
        "path" => text(&|d| Some(d.info.name.clone())),
        "title" => text(&|d| Some(d.info.title.clone())),
        "date" => text(&|d| d.info.date.map(|x| x.format("%Y-%m-%d").to_string())),
        "date_source" => text(&|d| d.info.date_source.map(|s| s.as_str().to_string())),
        "period" => text(&|d| d.period.clone()),
        "tokens" => docs.iter().map(|d| d.size.tokens).collect::<Vec<_>>(),
        "types" => docs.iter().map(|d| d.size.types).collect::<Vec<_>>(),
        "source" => text(&|d| d.info.source.clone()),
        "encoding" => text(&|d| Some(d.info.encoding.to_string())),
        "replaced_chars" => docs.iter().map(|d| d.info.replaced_chars as u64).collect::<Vec<_>>(),
        "duplicate_of" => text(&|d| d.duplicate_of.clone()),
    )
}
