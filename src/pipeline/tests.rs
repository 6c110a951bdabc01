//! Tests of the pipeline's stages.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::count::{self};
use crate::lexicon::{Lexicon, Matcher};
use crate::measure::documents::DocRecord;

use super::clock::*;
use super::copies::*;
use super::read::*;
use super::*;
use crate::{cli, config};
use clap::Parser;

/// The concordance lines of `pattern` in `input` from a pass watching for `want` lines
/// of 2001, sampled three per theme and period; and how many documents it read.
fn watched(input: &std::path::Path, pattern: &str, want: usize) -> (Vec<String>, usize) {
    let cli = cli::Cli::try_parse_from([
        "themeshift".as_ref(),
        "kwic".as_ref(),
        pattern.as_ref(),
        input.as_os_str(),
        "--quiet".as_ref(),
        "--threads".as_ref(),
        "2".as_ref(),
    ])
    .unwrap();
    let cli::Command::Kwic(args) = cli.command else {
        panic!("kwic expected")
    };
    let mut config = Config::for_kwic(&args, Vec::new()).unwrap();
    config.count.kwic_max = 3;
    config.search_undated = false;
    let tokeniser = build_tokeniser(&config).unwrap();
    let lexicon = Lexicon::from_pattern(pattern, &tokeniser).unwrap();
    let matcher = Matcher::new(&lexicon);
    let watch = Arc::new(count::Watch::new(vec!["2001".into()], want));
    let mut clock = Stopwatch::new();
    let corpus = read_corpus(&config, &tokeniser, &matcher, &mut clock, Some(&watch)).unwrap();
    let lines = count::kwic_lines(corpus.tallies, 3)
        .iter()
        .map(|l| format!("{} {} {} {}", l.period, l.doc, l.start, l.right))
        .collect();
    (lines, corpus.docs.len())
}

#[test]
fn the_report_pass_stops_early_and_keeps_the_same_lines() {
    let tmp = tempfile::tempdir().unwrap();
    // 2,500 text files: the word in documents 11, 301 and 801 (all in the first batch of
    // 1,024) and in every 97th from 1,100; 2002's documents (every fifth) have it too.
    let files = tmp.path().join("files");
    std::fs::create_dir(&files).unwrap();
    for i in 0..2500 {
        let year = if i % 5 == 0 { 2002 } else { 2001 };
        let word = if [11, 301, 801].contains(&i) || (i >= 1100 && i % 97 == 0) || year == 2002 {
            "quango"
        } else {
            "board"
        };
        std::fs::write(
            files.join(format!("d{i:04}.txt")),
            format!("Date: {year}-03-04\n\nThe {word} met on day {i} and agreed."),
        )
        .unwrap();
    }
    let (early, read_early) = watched(&files, "quango", 3);
    let (full, read_full) = watched(&files, "quango", usize::MAX);
    assert_eq!(read_full, 2500);
    assert!(read_early < 2500, "read {read_early}");
    assert_eq!(early, full);
    let firsts: Vec<&String> = early.iter().filter(|l| l.starts_with("2001")).collect();
    assert_eq!(firsts.len(), 3);
    assert!(
        firsts[0].contains("d0011.txt") && firsts[2].contains("d0801.txt"),
        "{firsts:?}"
    );

    // A table of 20,000 rows of 500 bytes, read in blocks of 2 MB (about 4,200 rows): the
    // word in rows 5, 100 and 5,000.
    let table = tmp.path().join("rows.jsonl");
    let mut text = String::new();
    let filler = "filler ".repeat(62);
    for i in 1..=20_000 {
        let word = if [5, 100, 5000, 15_000].contains(&i) {
            "quango"
        } else {
            "board"
        };
        text.push_str(&format!(
            "{{\"date\": \"2001-01-02\", \"text\": \"A {word} of row {i:05}. {filler}\"}}\n"
        ));
    }
    let line = text.len() / 20_000;
    std::fs::write(&table, text).unwrap();
    let (early, read_early) = watched(&table, "quango", 3);
    let (full, read_full) = watched(&table, "quango", usize::MAX);
    assert_eq!(read_full, 20_000);
    let two_blocks = 2 * TABLE_BATCH.bytes / line + 2;
    assert!(
        read_early <= two_blocks,
        "read {read_early} of {two_blocks}"
    );
    assert_eq!(early, full);
    assert_eq!(early.len(), 3);
    assert!(early[2].contains("#row5000"), "{early:?}");
}

/// The natural order as first written: each name cut into a list of runs, compared as
/// lists.
fn natural_by_lists(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> Vec<(u8, u128, &str)> {
        let mut parts = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let len = if digits > 0 {
                digits
            } else {
                rest.bytes().take_while(|b| !b.is_ascii_digit()).count()
            };
            let (part, tail) = rest.split_at(len);
            parts.push(if digits > 0 {
                (0, part.parse().unwrap_or(u128::MAX), "")
            } else {
                (1, 0, part)
            });
            rest = tail;
        }
        parts
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

proptest::proptest! {
    #[test]
    fn natural_order_equals_the_order_of_run_lists(
        a in "[a0-9/.#]{0,12}",
        b in "[a0-9/.#]{0,12}",
        long in "[0-9]{39,45}",
    ) {
        proptest::prop_assert_eq!(natural_cmp(&a, &b), natural_by_lists(&a, &b));
        let (c, d) = (format!("x{long}"), format!("x{long}1"));
        proptest::prop_assert_eq!(natural_cmp(&c, &d), natural_by_lists(&c, &d));
    }
}

#[test]
fn phrases_are_left_out_by_default_above_the_size_limit_only() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, year) in [2001, 2002].iter().enumerate() {
        std::fs::write(
            tmp.path().join(format!("d{i}.txt")),
            format!("Date: {year}-03-04\n\nClinical commissioning, clinical commissioning."),
        )
        .unwrap();
    }
    let phrases = |up_to: Option<u64>| {
        let cli = cli::Cli::try_parse_from([
            "themeshift".as_ref(),
            "analyse".as_ref(),
            tmp.path().as_os_str(),
            "--quiet".as_ref(),
        ])
        .unwrap();
        let cli::Command::Analyse(args) = cli.command else {
            panic!("analyse expected")
        };
        let mut config = Config::from_args(&args, Vec::new()).unwrap();
        assert_eq!(config.phrases_up_to, Some(config::PHRASES_BY_DEFAULT_UP_TO));
        config.phrases_up_to = up_to;
        let tokeniser = build_tokeniser(&config).unwrap();
        let empty = Lexicon::default();
        let matcher = Matcher::new(&empty);
        let mut clock = Stopwatch::new();
        let corpus = read_corpus(&config, &tokeniser, &matcher, &mut clock, None).unwrap();
        let options = count::ResolveOptions {
            prune_below: Some(1),
            first_docs_in: &[],
            places: &FxHashMap::default(),
        };
        let counts = count::resolve(corpus.tallies, &options).unwrap().0;
        let phrase = counts.periods["2001"].terms.contains_key("clinic commiss");
        (phrase, corpus.longest_phrase, corpus.phrases_note)
    };
    assert_eq!(phrases(None), (true, 2, None));
    assert_eq!(phrases(Some(1_000)), (true, 2, None));
    let (counted, longest, note) = phrases(Some(10));
    assert_eq!((counted, longest), (false, 1));
    assert!(note.unwrap().contains("--ngrams 1-2"));
}

#[test]
fn a_later_copy_counted_stands_at_the_first_copys_place_and_name() {
    let record = |name: &str, place: u64, counted: bool, text: u8| DocRecord {
        name: name.into(),
        title: "".into(),
        date: None,
        date_source: None,
        source: None,
        encoding: "UTF-8",
        replaced_chars: 0,
        bytes: 1,
        sha256: [text; 32],
        period: Some(Arc::from("2001")),
        size: count::DocSize::default(),
        duplicate_of: None,
        from_file: true,
        place,
        counted,
    };
    // Three copies of one text (a thread reached the last one first) and another text.
    let mut docs = vec![
        record("a.txt", 7, false, 1),
        record("b.txt", 3, false, 1),
        record("c.txt", 9, true, 1),
        record("d.txt", 5, true, 2),
    ];
    let canonical = Canonical::of(&mut docs);
    let duplicates: Vec<Option<u32>> = docs.iter().map(|d| d.duplicate_of).collect();
    assert_eq!(duplicates, [Some(1), None, Some(1), None]);
    assert_eq!(canonical.places, FxHashMap::from_iter([(9, 3)]));
    let mut lines = vec![count::KwicLine {
        doc: "c.txt".into(),
        period: "2001".into(),
        theme: 0,
        pattern: 0,
        start: 4,
        left: String::new(),
        matched: "x".into(),
        right: String::new(),
        key: 1,
    }];
    canonical.rename(&mut lines);
    assert_eq!(lines[0].doc, "b.txt");
}

#[test]
fn the_rows_of_a_failed_table_leave_the_copies_check() {
    let mut seen = Seen::default();
    let (period, first) = seen.first([1; 32], Some("2001".into()));
    assert!(first);
    // The row of the failed table, counted as the first copy of its text.
    let row = DocRecord {
        name: "bad.parquet#r1".into(),
        title: "".into(),
        date: None,
        date_source: None,
        source: None,
        encoding: "UTF-8",
        replaced_chars: 0,
        bytes: 1,
        sha256: [1; 32],
        period,
        size: count::DocSize::default(),
        duplicate_of: None,
        from_file: false,
        place: 1,
        counted: true,
    };
    seen.forget(std::iter::once(&row));
    let again = |seen: &mut Seen| seen.first([1; 32], Some("2001".into())).1;
    assert!(
        again(&mut seen),
        "the same text in the good file is counted"
    );
    assert!(!again(&mut seen), "and a third copy is not");
}

#[test]
fn natural_order_of_names() {
    let mut v = vec![
        "t.csv#row10",
        "t.csv#row2",
        "a/doc10.txt",
        "a/doc9.txt",
        "b.txt",
    ];
    v.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        v,
        [
            "a/doc9.txt",
            "a/doc10.txt",
            "b.txt",
            "t.csv#row2",
            "t.csv#row10"
        ]
    );
}
