//! The generated benchmark corpora (`benches/support/`, written by `examples/gen_corpus.rs`):
//! the Zipf corpus stays byte for byte what earlier benchmark figures measured, and the
//! realistic corpus has the shape BENCHMARKS.md describes (short documents with a long tail,
//! a vocabulary growing as Heaps' law says, the kinds of words real text has) in files that
//! themeshift and the bare counting sketch both read.

#[path = "../benches/support/corpus.rs"]
mod corpus;
#[path = "../benches/support/realistic.rs"]
mod realistic;

mod common;

use std::collections::HashMap;

use common::*;
use sha2::{Digest, Sha256};

fn realistic_documents(seed: u64, n: usize) -> Vec<corpus::Doc> {
    let spec = realistic::Spec {
        seed,
        ..realistic::Spec::default()
    };
    let mut g = realistic::Generator::new(spec);
    (0..n).map(|_| g.document()).collect()
}

/// Maximal runs of letters and digits, lower-cased: the bare sketch's split.
fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

#[test]
fn zipf_corpus_is_byte_for_byte_what_earlier_figures_measured() {
    // Digests of the first 300 documents as files, taken before the realistic kind was added.
    for (seed, expected) in [
        (
            2003,
            "e90ed64f02183de7de15ba009c4f9655580cc821653c01e7101c90153deb3873",
        ),
        (
            7,
            "9faa7e75c15ecf13e9c3ef18f7708003ebe16cb9cdb4bc3778ae2843d6838581",
        ),
    ] {
        let mut g = corpus::Generator::new(corpus::Spec {
            seed,
            ..corpus::Spec::default()
        });
        let mut sha = Sha256::new();
        for i in 0..300 {
            sha.update(g.document(i).to_text().as_bytes());
        }
        let digest: String = sha.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest, expected, "seed {seed}");
    }
}

#[test]
fn realistic_corpus_is_the_same_for_a_seed_and_differs_for_another() {
    let text = |seed| -> String {
        realistic_documents(seed, 200)
            .iter()
            .map(realistic::to_text)
            .collect()
    };
    let first = text(2003);
    assert_eq!(first, text(2003));
    assert_ne!(first, text(2004));
}

#[test]
fn realistic_documents_open_with_the_published_line_the_sketch_reads() {
    let docs = realistic_documents(2003, 2000);
    let mut years = std::collections::BTreeSet::new();
    for doc in &docs {
        let text = realistic::to_text(doc);
        let first = text.lines().next().unwrap();
        let date = first.strip_prefix("Published: ").expect(first);
        let parts: Vec<u32> = date.split('/').map(|p| p.parse().unwrap()).collect();
        assert_eq!(date.len(), 10, "{first}");
        assert!((1..=28).contains(&parts[0]) && (1..=12).contains(&parts[1]));
        assert!((2015..=2024).contains(&parts[2]));
        assert_eq!(parts[2] as i32, doc.year);
        years.insert(parts[2]);
        assert!(
            !text.lines().nth(1).unwrap().trim().is_empty(),
            "a title line"
        );
    }
    assert_eq!(years.len(), 10, "every year of 2015-2024 has documents");
    assert_eq!(realistic::file_name(42), "doc00000042.txt");
}

#[test]
fn realistic_documents_are_short_with_a_long_tail() {
    let mut words: Vec<usize> = realistic_documents(2003, 4000)
        .iter()
        .map(|d| d.title.split_whitespace().count() + d.body.split_whitespace().count())
        .collect();
    words.sort_unstable();
    let (median, p90, max) = (words[2000], words[3600], words[3999]);
    assert!((85..=130).contains(&median), "median {median}");
    assert!(p90 > 400, "p90 {p90}");
    assert!((2000..=7000).contains(&max), "max {max}");
}

#[test]
fn realistic_vocabulary_grows_as_heaps_law_says_with_half_the_types_seen_once() {
    let docs = realistic_documents(2003, 3000);
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut seen = Vec::new();
    let mut n = 0usize;
    for doc in &docs {
        for t in tokens(&doc.body) {
            *counts.entry(t).or_default() += 1;
            n += 1;
        }
        seen.push((n, counts.len()));
    }
    let (n1, t1) = seen[seen.len() / 8];
    let (n2, t2) = (n, counts.len());
    let beta = (t2 as f64 / t1 as f64).ln() / (n2 as f64 / n1 as f64).ln();
    assert!((0.42..=0.7).contains(&beta), "Heaps exponent {beta}");
    let hapaxes = counts.values().filter(|&&c| c == 1).count();
    let share = hapaxes as f64 / counts.len() as f64;
    assert!((0.4..=0.62).contains(&share), "share of hapaxes {share}");
}

#[test]
fn realistic_vocabulary_has_names_identifiers_glued_numbers_and_accents() {
    let docs = realistic_documents(2003, 1000);
    let text: String = docs.iter().map(|d| d.body.as_str()).collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    let count = |f: &dyn Fn(&str) -> bool| words.iter().filter(|w| f(w)).count();
    let glued = count(&|w| {
        w.chars().any(|c| c.is_ascii_digit()) && w.chars().any(|c| c.is_ascii_alphabetic())
    });
    let accented = count(&|w| w.chars().any(|c| c.is_alphabetic() && !c.is_ascii()));
    let snake = count(&|w| w.contains('_'));
    let acronyms = count(&|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_uppercase()));
    // A capital after a word that does not end a sentence: a name.
    let names = words
        .windows(2)
        .filter(|p| {
            p[0] != "-" && !p[0].ends_with(['.', '?']) && p[1].starts_with(char::is_uppercase)
        })
        .count();
    for (kind, n) in [
        ("glued", glued),
        ("accented", accented),
        ("snake_case", snake),
        ("acronyms", acronyms),
        ("names", names),
    ] {
        assert!(
            n * 1000 >= words.len(),
            "{kind}: {n} of {} words",
            words.len()
        );
    }
}

#[test]
fn themeshift_dates_every_realistic_document_from_its_published_line() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let docs = realistic_documents(2003, 300);
    for (i, doc) in docs.iter().enumerate() {
        std::fs::write(input.join(realistic::file_name(i)), realistic::to_text(doc)).unwrap();
    }
    let out = tmp.path().join("out");
    analyse(
        &input,
        &out,
        &[
            "--themes",
            root().join("input/themes.toml").to_str().unwrap(),
        ],
    )
    .success();
    let table = table(&out, "documents.csv");
    assert_eq!(table.height(), 300);
    let sources = col(&table, "date_source");
    assert!(sources.iter().all(|s| s == "date_line"), "{sources:?}");
    let periods = col(&table, "period");
    for (doc, period) in docs.iter().zip(&periods) {
        assert_eq!(period, &doc.year.to_string());
    }
}
