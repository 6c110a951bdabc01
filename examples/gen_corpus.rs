//! Writes a synthetic corpus of a chosen size for whole-run timings (see BENCHMARKS.md):
//!
//!     cargo run --release --example gen_corpus -- OUT MEGABYTES [SEED]
//!
//! When OUT ends in `.jsonl`, `.csv` or `.parquet`, the corpus is one table file (columns id,
//! date, title, text; Parquet in row groups of 50,000 rows); otherwise OUT is a folder and documents go into one folder per year as
//! `.txt` files with a `Published:` line. The same size and seed always give the same text.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::io::Write;
use std::path::PathBuf;

/// Writes document `i` as one row of a table file; `i == usize::MAX` ends the file.
type RowWriter = Box<dyn FnMut(usize, &corpus::Doc) -> std::io::Result<()>>;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: gen_corpus OUT_DIR MEGABYTES [SEED]");
        std::process::exit(2);
    }
    let out = PathBuf::from(&args[0]);
    let megabytes: f64 = args[1].parse().expect("MEGABYTES must be a number");
    let mut spec = corpus::Spec::default();
    if let Some(seed) = args.get(2) {
        spec.seed = seed.parse().expect("SEED must be a whole number");
    }
    let limit = (megabytes * 1_000_000.0) as u64;
    let mut generator = corpus::Generator::new(spec);
    let name = out.to_string_lossy().to_lowercase();
    let mut table: Option<RowWriter> = if name.ends_with(".jsonl") {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
        Some(Box::new(move |i, d| {
            let line = serde_json::json!({
                "id": format!("d{i}"), "date": d.date, "title": d.title, "text": d.body,
            });
            writeln!(w, "{line}")
        }))
    } else if name.ends_with(".csv") {
        let mut w = csv::Writer::from_path(&out)?;
        w.write_record(["id", "date", "title", "text"])?;
        Some(Box::new(move |i, d| {
            w.write_record([&format!("d{i}"), &d.date, &d.title, &d.body])?;
            Ok(())
        }))
    } else if name.ends_with(".parquet") {
        Some(parquet_rows(&out)?)
    } else {
        None
    };
    let (mut written, mut docs) = (0u64, 0usize);
    while written < limit {
        let doc = generator.document(docs);
        written += doc.body.len() as u64;
        match table.as_mut() {
            Some(write_row) => write_row(docs, &doc)?,
            None => {
                let dir = out.join(doc.year.to_string());
                std::fs::create_dir_all(&dir)?;
                let mut file = std::fs::File::create(dir.join(format!("doc{docs:07}.txt")))?;
                file.write_all(doc.to_text().as_bytes())?;
            }
        }
        docs += 1;
    }
    if let Some(mut write_row) = table {
        // Ends the table (the Parquet writer writes its last row group and footer).
        write_row(usize::MAX, &generator.document(0))?;
    }
    println!(
        "{docs} documents, {written} bytes of text in {}",
        out.display()
    );
    Ok(())
}

/// A [`RowWriter`] for Parquet: rows are gathered into row groups of 50,000 and written with
/// polars' batched writer.
fn parquet_rows(out: &std::path::Path) -> std::io::Result<RowWriter> {
    use polars::prelude::*;
    let err = |e: PolarsError| std::io::Error::other(e.to_string());
    let schema = Schema::from_iter([
        Field::new("id".into(), DataType::String),
        Field::new("date".into(), DataType::String),
        Field::new("title".into(), DataType::String),
        Field::new("text".into(), DataType::String),
    ]);
    let mut writer = ParquetWriter::new(std::fs::File::create(out)?)
        .batched(&schema)
        .map_err(err)?;
    let mut cols: [Vec<String>; 4] = Default::default();
    Ok(Box::new(move |i, d| {
        let end = i == usize::MAX;
        if !end {
            for (c, v) in cols.iter_mut().zip([
                format!("d{i}"),
                d.date.clone(),
                d.title.clone(),
                d.body.clone(),
            ]) {
                c.push(v);
            }
        }
        if cols[0].len() >= 50_000 || (end && !cols[0].is_empty()) {
            let [ids, dates, titles, texts] = std::mem::take(&mut cols);
            let df = df!("id" => ids, "date" => dates, "title" => titles, "text" => texts)
                .map_err(err)?;
            writer.write_batch(&df).map_err(err)?;
        }
        if end {
            writer.finish().map_err(err)?;
        }
        Ok(())
    }))
}
