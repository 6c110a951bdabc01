//! Criterion benchmarks of the hot paths users wait for: tokenising and stemming, counting a
//! document (with theme matching), counting many short documents over a growing vocabulary
//! (the realistic corpus: its word look-ups miss the caches), theme matching alone, and a
//! whole `analyse` run on a generated corpus. Each asserts on what it produced, so a broken stage cannot look fast.
//!
//!     cargo bench --bench pipeline

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/realistic.rs"]
mod realistic;

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use themeshift::internals::Tokeniser;
use themeshift::internals::{count_document, count_documents};
use themeshift::internals::{Lexicon, Matcher};

const SEED_2003: &str = include_str!("../input/000_cc49b36451a4d406.txt");
const LEXICON: &str = include_str!("../input/themes.toml");

fn english() -> Tokeniser {
    themeshift::internals::tokeniser("english")
}

/// Fifty generated documents, about 20,000 words: a fixed text of realistic shape.
fn fixed_text() -> String {
    let mut g = corpus::Generator::new(corpus::Spec::default());
    (0..50)
        .map(|i| g.document(i).body)
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn tokenise(c: &mut Criterion) {
    let t = english();
    let text = fixed_text();
    let mut group = c.benchmark_group("tokenise");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("words/generated", |b| {
        b.iter(|| {
            let mut n = 0usize;
            t.words(&text, |_| n += 1);
            assert_eq!(n, 19_796);
            n
        })
    });
    group.bench_function("words+stem/generated", |b| {
        b.iter(|| {
            let mut n = 0usize;
            t.words(&text, |w| {
                n += t.stem(w).len().min(1);
            });
            assert_eq!(n, 19_796);
            n
        })
    });
    let seed = SEED_2003.repeat(20);
    group.throughput(Throughput::Bytes(seed.len() as u64));
    group.bench_function("words+stem/seed-2003-x20", |b| {
        b.iter(|| {
            let mut n = 0usize;
            t.words(&seed, |w| {
                n += t.stem(w).len().min(1);
            });
            assert_eq!(n, 20 * 477);
            n
        })
    });
    group.finish();
}

/// The tokeniser, the shipped lexicon and the fixed text shared by the counting benches.
fn setup() -> (Tokeniser, Lexicon, String) {
    let t = english();
    let lexicon = Lexicon::parse(LEXICON, Path::new("themes.toml"), &t).unwrap();
    (t, lexicon, fixed_text())
}

fn count(c: &mut Criterion) {
    let (t, lexicon, text) = setup();
    let matcher = Matcher::new(&lexicon);
    let mut group = c.benchmark_group("count");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("count_document/generated", |b| {
        b.iter(|| {
            let (tokens, hits) = count_document(&text, &t, &matcher);
            assert_eq!(tokens, 19_796);
            assert!(hits > 0);
            hits
        })
    });
    group.finish();
    realistic_documents(c);
}

/// One counter over the first 5 MB of the realistic corpus (about 2,500 short documents and
/// 40,000 distinct words), as one thread of a run counts them: the cost per token of a
/// vocabulary that keeps growing, and per document of closing each one.
fn realistic_documents(c: &mut Criterion) {
    let (t, lexicon, _) = setup();
    let matcher = Matcher::new(&lexicon);
    let mut g = realistic::Generator::new(realistic::Spec::default());
    let mut docs = Vec::new();
    let mut bytes = 0;
    while bytes < 5_000_000 {
        let doc = g.document();
        bytes += doc.body.len();
        docs.push((doc.year.to_string(), doc.body));
    }
    let mut group = c.benchmark_group("count");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("counter/realistic-5MB", |b| {
        b.iter(|| {
            let tokens = count_documents(&docs, &t, &matcher);
            assert!(tokens > 500_000, "{tokens} tokens");
            tokens
        })
    });
    group.finish();
}

fn matching(c: &mut Criterion) {
    let (t, lexicon, text) = setup();
    let matcher = Matcher::new(&lexicon);
    let mut surface: Vec<String> = Vec::new();
    let mut ids = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut hyphens = Vec::new();
    t.split(&t.normalise(&text), |w, span| {
        hyphens.push(span.after_hyphen);
        let next = surface.len() as u32;
        let id = *index.entry(w.to_string()).or_insert_with(|| {
            surface.push(w.to_string());
            next
        });
        ids.push(id);
    });
    let stems: Vec<String> = surface.iter().map(|w| t.stem(w).into_owned()).collect();
    let surface: Vec<&str> = surface.iter().map(String::as_str).collect();
    let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("themes");
    group.throughput(Throughput::Elements(ids.len() as u64));
    group.bench_function("match/generated", |b| {
        b.iter(|| {
            let hits = matcher.find(&ids, &surface, &stems, &hyphens);
            assert!(hits.len() > 20, "{} hits", hits.len());
            hits
        })
    });
    group.finish();
}

/// A whole run, tables and charts included, on 2 MB of generated text written to a temp folder.
fn whole_run(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    let mut g = corpus::Generator::new(corpus::Spec::default());
    let mut bytes = 0u64;
    let mut i = 0;
    while bytes < 2_000_000 {
        let doc = g.document(i);
        let folder = input.join(doc.year.to_string());
        std::fs::create_dir_all(&folder).unwrap();
        let text = doc.to_text();
        bytes += text.len() as u64;
        std::fs::write(folder.join(format!("d{i:05}.txt")), text).unwrap();
        i += 1;
    }
    std::fs::write(input.join("themes.toml"), LEXICON).unwrap();
    let output = dir.path().join("output");
    let args = [
        "themeshift",
        "analyse",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "--quiet",
    ];
    let cli = <themeshift::cli::Cli as clap::Parser>::parse_from(args);
    let themeshift::cli::Command::Analyse(a) = cli.command else {
        unreachable!("parsed from an analyse command line")
    };
    let config = themeshift::Config::from_args(&a, Vec::new()).unwrap();
    let mut group = c.benchmark_group("whole_run");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("analyse/2MB", |b| {
        b.iter(|| {
            let summary = themeshift::analyse(&config).unwrap();
            assert!(output.join("keyness.csv").exists());
            summary
        })
    });
    group.finish();
}

criterion_group!(benches, tokenise, count, matching, whole_run);
criterion_main!(benches);
