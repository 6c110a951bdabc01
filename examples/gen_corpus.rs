//! Writes a synthetic corpus of a chosen size for whole-run timings (see BENCHMARKS.md):
//!
//!     cargo run --release --example gen_corpus -- [--kind zipf|realistic|courses|random] OUT MEGABYTES [SEED]
//!
//! `zipf` (the default) is news-like documents of 200-600 words over a Zipf vocabulary of
//! 40,000 invented words (`benches/support/corpus.rs`); as a folder, one folder per year of
//! `.txt` files (title line, then a `Published:` line), MEGABYTES counting the documents' text.
//! `realistic` is short documents (log-normal lengths, a median near 100 words) over a
//! vocabulary that keeps growing (`benches/support/realistic.rs`); as a folder, one flat folder
//! of `.txt` files whose first line is `Published: DD/MM/YYYY`, as the bare counting sketch
//! reads them, MEGABYTES counting the files' bytes. `courses` is `realistic` over 32 years
//! (1995-2026) with theme phrases that arrive, hold and fade at their own times (month by
//! month: `benches/support/realistic.rs`, `arc`), for many periods and themes' courses.
//! `random` is the worst case for phrases: documents of about 128 kB of words made of two to
//! four random syllables (few words repeat, so nearly every two-word phrase is new), seven
//! documents a month from January 2000, as a flat folder like `realistic`. For `zipf`, when OUT ends in `.jsonl`,
//! `.csv` or `.parquet`, the corpus is one table file instead (columns id, date, title, text;
//! Parquet in row groups of 50,000 rows). The same kind, size and seed always give the same
//! bytes.

#[path = "../benches/support/corpus.rs"]
mod corpus;
#[path = "../benches/support/realistic.rs"]
mod realistic;

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes document `i` as one row of a table file; `i == usize::MAX` ends the file.
type RowWriter = Box<dyn FnMut(usize, &corpus::Doc) -> std::io::Result<()>>;

/// Which corpus to write, and how its documents become files.
enum Kind {
    Zipf(corpus::Generator),
    Realistic(realistic::Generator),
    Random(corpus::Rng),
}

/// The syllables of the `random` kind's words.
const SYLLABLES: &[&str] = &[
    "al", "an", "bra", "cal", "dis", "en", "fer", "gi", "ist", "kee", "lin", "mi", "mon", "ner",
    "or", "pen", "pha", "qu", "res", "ro", "sul", "ten", "ul", "vo", "mo", "ael", "ang", "cor",
    "dum", "el", "fra", "gor", "hal", "im", "jon", "kar", "lo", "mer", "nu", "op", "pra", "ri",
];

/// Document `index` of the `random` kind: about 128 kB of random words, dated seven
/// documents a month from January 2000.
fn random_document(rng: &mut corpus::Rng, index: usize) -> corpus::Doc {
    let month = index / 7;
    let (year, month) = (2000 + (month / 12) as i32, month % 12 + 1);
    let mut body = String::with_capacity(130_000);
    while body.len() < 128_000 {
        for _ in 0..2 + rng.below(3) {
            body.push_str(SYLLABLES[rng.below(SYLLABLES.len())]);
        }
        body.push(if rng.below(12) == 0 { '\n' } else { ' ' });
    }
    corpus::Doc {
        year,
        date: format!("01/{month:02}/{year}"),
        title: format!("Random {index}"),
        body,
    }
}

impl Kind {
    fn new(name: &str, seed: Option<u64>) -> Self {
        match name {
            "zipf" => {
                let mut spec = corpus::Spec::default();
                spec.seed = seed.unwrap_or(spec.seed);
                Kind::Zipf(corpus::Generator::new(spec))
            }
            "realistic" => {
                let mut spec = realistic::Spec::default();
                spec.seed = seed.unwrap_or(spec.seed);
                Kind::Realistic(realistic::Generator::new(spec))
            }
            "courses" => {
                let mut spec = realistic::Spec {
                    first_year: 1995,
                    last_year: 2026,
                    courses: true,
                    ..realistic::Spec::default()
                };
                spec.seed = seed.unwrap_or(spec.seed);
                Kind::Realistic(realistic::Generator::new(spec))
            }
            "random" => Kind::Random(corpus::Rng::new(seed.unwrap_or(7))),
            other => usage(&format!(
                "unknown --kind {other:?}: use zipf, realistic, courses or random"
            )),
        }
    }

    fn document(&mut self, index: usize) -> corpus::Doc {
        match self {
            Kind::Zipf(g) => g.document(index),
            Kind::Realistic(g) => g.document(),
            Kind::Random(rng) => random_document(rng, index),
        }
    }

    /// Where document `index` goes under a folder corpus, its file's text, and the bytes it
    /// counts towards the size asked for (the text for `zipf`, as it always has; the whole
    /// file for `realistic`).
    fn file(&self, index: usize, doc: &corpus::Doc) -> (PathBuf, String, u64) {
        match self {
            Kind::Zipf(_) => {
                let path = Path::new(&doc.year.to_string()).join(format!("doc{index:07}.txt"));
                (path, doc.to_text(), doc.body.len() as u64)
            }
            Kind::Realistic(_) | Kind::Random(_) => {
                let text = realistic::to_text(doc);
                let size = text.len() as u64;
                (PathBuf::from(realistic::file_name(index)), text, size)
            }
        }
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("gen_corpus: {problem}");
    eprintln!("usage: gen_corpus [--kind zipf|realistic|courses|random] OUT MEGABYTES [SEED]");
    std::process::exit(2);
}

fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut kind = "zipf".to_string();
    if let Some(i) = args.iter().position(|a| a == "--kind") {
        if i + 1 >= args.len() {
            usage("--kind needs a value");
        }
        kind = args.remove(i + 1);
        args.remove(i);
    }
    if args.len() < 2 || args.len() > 3 {
        usage("expected OUT MEGABYTES [SEED]");
    }
    let out = PathBuf::from(&args[0]);
    let megabytes: f64 = args[1]
        .parse()
        .unwrap_or_else(|_| usage(&format!("MEGABYTES {:?} is not a number", args[1])));
    let seed = args.get(2).map(|s| {
        s.parse()
            .unwrap_or_else(|_| usage(&format!("SEED {s:?} is not a whole number")))
    });
    let mut generator = Kind::new(&kind, seed);
    let limit = (megabytes * 1_000_000.0) as u64;
    if !matches!(generator, Kind::Zipf(_)) && out.extension().is_some() {
        usage(&format!(
            "--kind {kind} writes a folder of .txt files, and {} has an extension",
            out.display()
        ));
    }
    let mut table = table_writer(&out)?;
    let (mut written, mut docs) = (0u64, 0usize);
    while written < limit {
        let doc = generator.document(docs);
        let (path, text, size) = generator.file(docs, &doc);
        written += size;
        match table.as_mut() {
            Some(write_row) => write_row(docs, &doc)?,
            None => {
                let path = out.join(path);
                std::fs::create_dir_all(path.parent().expect("a file in OUT"))?;
                std::fs::File::create(&path)?.write_all(text.as_bytes())?;
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

/// The row writer for a table OUT (by its extension), or None for a folder.
fn table_writer(out: &Path) -> std::io::Result<Option<RowWriter>> {
    let name = out.to_string_lossy().to_lowercase();
    Ok(if name.ends_with(".jsonl") {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        Some(Box::new(move |i, d| {
            let line = serde_json::json!({
                "id": format!("d{i}"), "date": d.date, "title": d.title, "text": d.body,
            });
            writeln!(w, "{line}")
        }))
    } else if name.ends_with(".csv") {
        let mut w = csv::Writer::from_path(out)?;
        w.write_record(["id", "date", "title", "text"])?;
        Some(Box::new(move |i, d| {
            w.write_record([&format!("d{i}"), &d.date, &d.title, &d.body])?;
            Ok(())
        }))
    } else if name.ends_with(".parquet") {
        Some(parquet_rows(out)?)
    } else {
        None
    })
}

/// A [`RowWriter`] for Parquet: rows are gathered into row groups of 50,000 and written with
/// polars' batched writer.
fn parquet_rows(out: &Path) -> std::io::Result<RowWriter> {
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
