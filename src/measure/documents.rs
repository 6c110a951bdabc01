//! The documents table (`documents.csv`): one row per document read, dated or not.

use polars::prelude::*;

use crate::corpus::DocRecord;

/// Rows of documents.csv made at a time.
const CHUNK_DOCS: usize = 32_768;

/// documents.csv ([`documents_table`]) a chunk of documents at a time, as many chunks made
/// at once as there are threads: a corpus of a million documents never has the whole table
/// in memory beside its records. At least one block, so an empty table still has columns.
pub(crate) fn documents_blocks(docs: &[DocRecord]) -> super::Blocks<'_> {
    let ranges = super::block_ranges(docs.len(), CHUNK_DOCS);
    super::in_parallel(ranges, move |range| documents_table(docs, range.clone()))
}

/// doc_id, path, title, date, date_source, period, tokens, types, source, encoding,
/// replaced_chars, duplicate_of, for the documents `rows` of `docs`, which must be in path
/// order; doc_id is the 1-based position.
pub(crate) fn documents_table(
    docs: &[DocRecord],
    rows: std::ops::Range<usize>,
) -> PolarsResult<DataFrame> {
    let first = rows.start;
    let docs_all = docs;
    let docs = &docs_all[rows];
    fn text<'d>(
        docs: &'d [DocRecord],
        f: impl Fn(&'d DocRecord) -> Option<&'d str>,
    ) -> Vec<Option<&'d str>> {
        docs.iter().map(f).collect()
    }
    let dates: Vec<Option<String>> = docs.iter().map(DocRecord::date_text).collect();
    df!(
        "doc_id" => (1..=docs.len() as u64).map(|i| i + first as u64).collect::<Vec<_>>(),
        "path" => text(docs, |d| Some(&d.name)),
        "title" => text(docs, |d| Some(&d.title)),
        "date" => dates,
        "date_source" => text(docs, |d| d.date_source.map(|s| s.as_str())),
        "period" => text(docs, |d| d.period.as_deref()),
        "tokens" => docs.iter().map(|d| d.size.tokens).collect::<Vec<_>>(),
        "types" => docs.iter().map(|d| d.size.types).collect::<Vec<_>>(),
        "source" => text(docs, |d| d.source.as_deref()),
        "encoding" => text(docs, |d| Some(d.encoding)),
        "replaced_chars" => docs.iter().map(|d| d.replaced_chars).collect::<Vec<_>>(),
        "duplicate_of" => text(docs, |d| d.duplicate_of.map(|i| &*docs_all[i as usize].name)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::DocSize;
    use crate::ingest::date::DateReading;

    fn record(i: usize) -> DocRecord {
        DocRecord {
            name: format!("d{i}.txt").into(),
            title: if i == 5 {
                "=cmd".into()
            } else {
                format!("Title, {i}").into()
            },
            date: chrono::NaiveDate::from_ymd_opt(2000 + (i % 3) as i32, 1, 2),
            date_source: Some(crate::ingest::date::DateSource::FileName),
            reading: if i == 4 {
                DateReading::YearOnly
            } else {
                DateReading::Plain
            },
            source: None,
            encoding: "UTF-8",
            replaced_chars: 0,
            bytes: 10,
            sha256: [0; 32],
            period: Some(format!("{}", 2000 + i % 3).into()),
            size: DocSize {
                tokens: i as u64,
                types: 1,
            },
            duplicate_of: (i == 7).then_some(2),
            from_file: true,
            place: i as u64,
            counted: true,
        }
    }

    /// The CSV text of a table's blocks.
    fn csv(blocks: super::super::Blocks) -> String {
        let mut out = Vec::new();
        crate::report::csv::write_table(blocks, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn documents_are_written_in_chunks_numbered_on_from_one() {
        let n = 2 * CHUNK_DOCS + 3;
        let docs: Vec<DocRecord> = (0..n).map(record).collect();
        let text = csv(documents_blocks(&docs));
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
        assert!(lines[8].ends_with(",UTF-8,0,d2.txt"), "{}", lines[8]);
        // Only the year known: only the year shown.
        assert!(
            lines[5].starts_with("5,d4.txt,\"Title, 4\",2001,file_name,"),
            "{}",
            lines[5]
        );
        let last = format!("{n},d{}.txt,\"Title, {}\",", n - 1, n - 1);
        assert!(lines[n].starts_with(&last), "{}", lines[n]);
        assert_eq!(csv(documents_blocks(&[])).lines().count(), 1);
    }
}
