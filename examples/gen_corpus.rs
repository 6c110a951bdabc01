//! Writes a synthetic corpus of a chosen size for whole-run timings (see BENCHMARKS.md):
//!
//!     cargo run --release --example gen_corpus -- OUT_DIR MEGABYTES [SEED]
//!
//! Documents go into one folder per year as `.txt` files with a `Published:` line. The same
//! size and seed always give the same bytes.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::io::Write;
use std::path::PathBuf;

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
    let (mut written, mut docs) = (0u64, 0usize);
    while written < limit {
        let doc = generator.document(docs);
        let dir = out.join(doc.year.to_string());
        std::fs::create_dir_all(&dir)?;
        let text = doc.to_text();
        let mut file = std::fs::File::create(dir.join(format!("doc{docs:07}.txt")))?;
        file.write_all(text.as_bytes())?;
        written += text.len() as u64;
        docs += 1;
    }
    println!("{docs} documents, {written} bytes in {}", out.display());
    Ok(())
}
