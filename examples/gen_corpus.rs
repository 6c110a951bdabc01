//! Writes a synthetic corpus of a chosen size for whole-run timings (see BENCHMARKS.md):
//!
//!     cargo run --release --example gen_corpus -- OUT MEGABYTES [SEED]
//!
//! When OUT ends in `.jsonl` or `.csv`, the corpus is one table file (columns id, date,
//! title, text); otherwise OUT is a folder and documents go into one folder per year as
//! `.txt` files with a `Published:` line. The same size and seed always give the same text.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::io::Write;
use std::path::PathBuf;

/// Writes document `i` as one row of a table file.
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
    println!(
        "{docs} documents, {written} bytes of text in {}",
        out.display()
    );
    Ok(())
}
