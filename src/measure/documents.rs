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
    /// A whole file (listed in run.json's inputs), not a row of a table.
    pub from_file: bool,
    /// Its place in reading order (text files in the order found, then each table's rows).
    pub place: u64,
}

/// Rows of documents.csv built and written at a time.
const CHUNK_DOCS: usize = 32_768;

/// Writes documents.csv ([`documents_table`]) a chunk of documents at a time, so a corpus of
/// a million documents never has the whole table in memory beside its records.
pub fn write_documents(docs: &[DocRecord], out: &mut impl std::io::Write) -> anyhow::Result<()> {
    // At least one chunk, so an empty table still has its header.
    for start in (0..docs.len().max(1)).step_by(CHUNK_DOCS) {
        let chunk = &docs[start..docs.len().min(start + CHUNK_DOCS)];
        crate::report::csv::write_csv(&documents_table(chunk, start)?, out, start == 0)?;
    }
    Ok(())
}

/// doc_id, path, title, date, date_source, period, tokens, types, source, encoding,
/// replaced_chars, duplicate_of. `docs` must already be in path order; doc_id is the 1-based
/// position, counting the `before` documents written before these.
pub fn documents_table(docs: &[DocRecord], before: usize) -> PolarsResult<DataFrame> {
    let text = |f: &dyn Fn(&DocRecord) -> Option<String>| -> Vec<Option<String>> {
        docs.iter().map(f).collect()
    };
    df!(
        "doc_id" => (1..=docs.len() as u64).map(|i| i + before as u64).collect::<Vec<_>>(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize) -> DocRecord {
        DocRecord {
            info: DocumentInfo {
                name: format!("d{i}.txt"),
                title: if i == 5 {
                    "=cmd".into()
                } else {
                    format!("Title, {i}")
                },
                date: chrono::NaiveDate::from_ymd_opt(2000 + (i % 3) as i32, 1, 2),
                date_source: Some(crate::ingest::date::DateSource::FileName),
                source: None,
                encoding: "UTF-8",
                replaced_chars: 0,
                bytes: 10,
                sha256: [0; 32],
            },
            period: Some(format!("{}", 2000 + i % 3)),
            size: DocSize {
                tokens: i as u64,
                types: 1,
            },
            duplicate_of: None,
            from_file: true,
            place: i as u64,
        }
    }

    #[test]
    fn documents_are_written_in_chunks_numbered_on_from_one() {
        let n = 2 * CHUNK_DOCS + 3;
        let docs: Vec<DocRecord> = (0..n).map(record).collect();
        let mut out = Vec::new();
        write_documents(&docs, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), n + 1);
        assert!(
            lines[0].starts_with("doc_id,path,title,date,"),
            "{}",
            lines[0]
        );
        assert_eq!(lines.iter().filter(|l| l.starts_with("doc_id")).count(), 1);
        assert_eq!(
            lines[6],
            "6,d5.txt,'=cmd,2002-01-02,file_name,2002,5,1,,UTF-8,0,"
        );
        let last = format!("{n},d{}.txt,\"Title, {}\",", n - 1, n - 1);
        assert!(lines[n].starts_with(&last), "{}", lines[n]);
        let mut empty = Vec::new();
        write_documents(&[], &mut empty).unwrap();
        assert_eq!(String::from_utf8(empty).unwrap().lines().count(), 1);
    }
}
