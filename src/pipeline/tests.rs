//! Tests of the stages together: the report's pass stops early with the same lines, the
//! phrases default, and a corpus counted in parts and merged gives the tables of the whole.

use std::ffi::OsStr;
use std::sync::Arc;

use clap::Parser;

use super::discover::{self, DiscoverOptions, Found};
use super::read::{self, Read, ReadOptions};
use super::*;
use crate::cli;
use crate::config;
use crate::corpus::DocRecord;
use crate::count::{self, Counts, Watch};
use crate::lexicon::Lexicon;

/// The config of `themeshift analyse ARGS`.
fn analyse_config(args: &[&OsStr]) -> Config {
    let cli = cli::Cli::try_parse_from(
        ["themeshift".as_ref(), "analyse".as_ref()]
            .iter()
            .chain(args),
    )
    .unwrap();
    let cli::Command::Analyse(args) = cli.command else {
        panic!("analyse expected")
    };
    Config::from_args(&args, Vec::new()).unwrap()
}

/// The read stage on `found` with `lexicon`, watching with `watch`.
fn read_all(config: &Config, found: Found, lexicon: &Lexicon, watch: Option<&Arc<Watch>>) -> Read {
    let tokeniser = setup::tokeniser(config).unwrap();
    let matcher = Matcher::new(lexicon);
    let options = ReadOptions::from(config);
    read::read_and_count(found, &tokeniser, &matcher, &options, watch, None).unwrap()
}

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
    let (mut config, _) = Config::for_kwic(&args, Vec::new()).unwrap();
    config.count.kwic_max = 3;
    config.search_undated = false;
    let tokeniser = setup::tokeniser(&config).unwrap();
    let lexicon = Lexicon::from_pattern(pattern, &tokeniser).unwrap();
    let watch = Arc::new(Watch::new(vec!["2001".into()], want));
    let found = discover::discover(&DiscoverOptions::from(&config), None).unwrap();
    let read =
        threads::with_threads(2, || read_all(&config, found, &lexicon, Some(&watch))).unwrap();
    let lines = count::kwic_lines(read.tallies, 3)
        .iter()
        .map(|l| format!("{} {} {} {}", l.period, l.doc, l.start, l.right))
        .collect();
    (lines, read.docs.len())
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
    let two_blocks = 2 * (2 << 20) / line + 2;
    assert!(
        read_early <= two_blocks,
        "read {read_early} of {two_blocks}"
    );
    assert_eq!(early, full);
    assert_eq!(early.len(), 3);
    assert!(early[2].contains("#row5000"), "{early:?}");
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
        let mut config = analyse_config(&[tmp.path().as_os_str(), "--quiet".as_ref()]);
        assert_eq!(config.phrases_up_to, Some(config::PHRASES_BY_DEFAULT_UP_TO));
        config.phrases_up_to = up_to;
        let found = discover::discover(&DiscoverOptions::from(&config), None).unwrap();
        let (longest, note) = (found.count.max_n, found.phrases_note.clone());
        let mut read = read_all(&config, found, &Lexicon::default(), None);
        let counts = resolve::resolve(&mut read, &resolve::ResolveOptions::from(&config))
            .unwrap()
            .counts;
        let phrase = counts.periods["2001"].terms.contains_key("clinic commiss");
        (phrase, longest, note)
    };
    assert_eq!(phrases(None), (true, 2, None));
    assert_eq!(phrases(Some(1_000)), (true, 2, None));
    let (counted, longest, note) = phrases(Some(10));
    assert_eq!((counted, longest), (false, 1));
    assert!(note.unwrap().contains("--ngrams 1-2"));
}

/// Every CSV table made from `docs` (records in name order) and `counts`, by file name.
fn tables_of(config: &Config, docs: &[DocRecord], counts: &Counts) -> Vec<(String, Vec<u8>)> {
    let setup = Setup::load(config).unwrap();
    let plan = measure::Plan::new(counts, config, &setup.tokeniser).unwrap();
    let tables = plan.tables(docs, counts, setup.lexicon(), config).unwrap();
    tables
        .names()
        .into_iter()
        .map(|name| {
            let mut out = Vec::new();
            crate::report::csv::write_table(tables.blocks(name), &mut out).unwrap();
            (name.to_string(), out)
        })
        .collect()
}

/// The corpus of `config` counted in `parts` parts, each alone (its own read, counters and
/// resolve, no phrase left out), the parts' counts merged in the order given, then finished
/// as a whole corpus's are. Files go to parts by their bytes' hash, so the copies of a text
/// are counted in one part, as an engine that counts in parts must keep them.
fn counted_in_parts(config: &Config, parts: usize, order: &[usize]) -> (Vec<DocRecord>, Counts) {
    use sha2::{Digest, Sha256};
    let options = DiscoverOptions::from(config);
    let all = discover::discover(&options, None).unwrap().files;
    let mut shards = vec![Vec::new(); parts];
    for file in all {
        let hash = Sha256::digest(std::fs::read(&file.path).unwrap());
        shards[hash[0] as usize % parts].push(file);
    }
    let setup = Setup::load(config).unwrap();
    let mut docs = Vec::new();
    let mut counted = Vec::new();
    for files in shards.iter().filter(|files| !files.is_empty()) {
        let found = discover::discover(&options, Some(files)).unwrap();
        let mut read = read_all(config, found, &setup.lexicon, None);
        let canonical = crate::corpus::Canonical::of(&mut read.docs);
        let resolve = count::CombineOptions {
            prune_below: None,
            first_docs_in: &[],
            places: &canonical.places,
        };
        let (mut counts, _) = count::combine(read.tallies, &resolve).unwrap();
        canonical.rename(&mut counts.kwic);
        docs.extend(read.docs);
        counted.push(Some(counts));
    }
    let mut merged = order
        .iter()
        .filter_map(|&i| counted.get_mut(i)?.take())
        .reduce(Counts::merge)
        .unwrap();
    merged.prune_phrases(config.min_count);
    let mut merged = merged.finish().unwrap();
    merged.kwic_sample(config.count.kwic_max);
    read::in_name_order(&mut docs);
    crate::corpus::Canonical::of(&mut docs);
    (docs, merged)
}

/// A corpus of five years with copies of texts (within a year and across years), phrases
/// and theme hits (through several patterns of a theme, and an exclusion).
fn corpus_with_copies(dir: &std::path::Path) {
    let lines = [
        "Clinical commissioning groups replaced primary care trusts.",
        "The strategic health authority set targets; the trusts met them.",
        "Practice based commissioning gave GPs budgets and a voice.",
        "Localism returned: local partnerships and local control.",
        "QIPP asked for quality, innovation, productivity and prevention.",
        "Central targets, star ratings and the centre's grip on trusts.",
    ];
    for i in 0..60 {
        let year = 2001 + i % 5;
        let text: Vec<&str> = (0..4)
            .map(|k| lines[(i * 7 + k * (i % 4 + 1)) % 6])
            .collect();
        // One phrase written six ways (more than a phrase keeps), and one written two ways
        // once each, in documents that fall in different parts.
        let forms = [
            "primary care trusts",
            "Primary care trusts",
            "Primary Care Trusts",
            "PRIMARY CARE TRUSTS",
            "primary Care trusts",
            "Primary care Trusts",
        ];
        let tie = match i {
            3 => " Fix PowerPC builds.",
            41 => " Fix powerpc builds.",
            _ => "",
        };
        let body = format!(
            "Published: 0{}/03/{year}\n\n{} {}.{tie}",
            1 + i % 9,
            text.join(" "),
            forms[(i * i) % 6]
        );
        std::fs::write(dir.join(format!("doc{i}.txt")), &body).unwrap();
        if i % 11 == 0 {
            std::fs::write(dir.join(format!("copy{i}.txt")), &body).unwrap();
        }
    }
    std::fs::write(
        dir.join("themes.toml"),
        "[[theme]]\nname = \"commissioning\"\npatterns = [\"commissioning*\", \"practice budget\"]\n\
         exclude = [\"clinical commissioning\"]\n\
         [[theme]]\nname = \"centralism\"\npatterns = [\"=targets\", \"target\", \"centre\", \"star-rating\", \"star rating\"]\n",
    )
    .unwrap();
}

#[test]
fn a_corpus_counted_in_parts_and_merged_gives_the_tables_of_the_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("generated");
    std::fs::create_dir(&generated).unwrap();
    corpus_with_copies(&generated);
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let (multiyear, labels) = (data.join("multiyear"), data.join("label-threads"));
    for (input, extra) in [
        (&generated, "1-2"),
        (&generated, "1-3"),
        (&multiyear, "1-2"),
        (&labels, "1-2"),
    ] {
        let output = tmp.path().join("out");
        let config = analyse_config(&[
            input.as_os_str(),
            "--output".as_ref(),
            output.as_os_str(),
            "--ngrams".as_ref(),
            extra.as_ref(),
            "--kwic-max".as_ref(),
            "3".as_ref(),
            "--quiet".as_ref(),
        ]);
        analyse(&config).unwrap();
        for (parts, order) in [(2, vec![1, 0]), (3, vec![2, 0, 1]), (3, vec![0, 1, 2])] {
            let (docs, counts) =
                threads::with_threads(2, || counted_in_parts(&config, parts, &order)).unwrap();
            let tables = threads::with_threads(2, || tables_of(&config, &docs, &counts)).unwrap();
            assert!(tables.len() >= 4, "{}", tables.len());
            for (name, bytes) in tables {
                let whole = std::fs::read(output.join(&name)).unwrap();
                assert!(
                    whole == bytes,
                    "{name} of {} in {parts} parts differs from the whole",
                    input.display()
                );
            }
        }
        std::fs::remove_dir_all(&output).unwrap();
    }
}

#[test]
fn tables_xlsx_is_written_as_asked_or_for_an_input_of_up_to_100_mb() {
    use super::xlsx_by_size;
    let limit = crate::config::XLSX_BY_DEFAULT_UP_TO;
    assert_eq!(xlsx_by_size(None, limit), (true, None));
    let (write, note) = xlsx_by_size(None, limit + 1);
    assert!(!write);
    assert!(note.unwrap().contains("pass --xlsx"));
    assert_eq!(xlsx_by_size(Some(true), limit + 1), (true, None));
    assert_eq!(xlsx_by_size(Some(false), 10), (false, None));
}

/// Tables of documents beside `corpus_with_copies`' text files: a JSON Lines file and a CSV
/// file whose rows repeat texts of each other (copies across files) and of their own.
fn tables_with_copies(dir: &std::path::Path) {
    let texts = [
        "Commissioning support units met the clinical commissioning groups.",
        "Targets and star ratings: the centre's grip on primary care trusts.",
        "Localism and local partnerships returned to the health economy.",
        "Practice budget holders and practice based commissioning.",
    ];
    let mut jsonl = String::new();
    let mut csv = String::from("id,date,text\n");
    for i in 0..40 {
        let year = 2001 + i % 5;
        // Rows 20 apart repeat a text in the same year; the CSV's rows repeat the JSON's.
        let text = format!("{} Item {}.", texts[i % 4], i % 10);
        jsonl.push_str(&format!(
            "{{\"date\": \"{year}-05-0{}\", \"text\": \"{text}\"}}\n",
            1 + i % 9
        ));
        if i % 3 == 0 {
            csv.push_str(&format!("r{i},{year}-06-01,\"{text}\"\n"));
        }
    }
    std::fs::write(dir.join("rows.jsonl"), jsonl).unwrap();
    std::fs::write(dir.join("more.csv"), csv).unwrap();
}

/// The corpus of `config` read and counted share by share as an engine on several machines
/// does ([`parts`]), in the shares of a cluster of `slots`: every share's keys looked at,
/// the shares to count cut from them (the copies found, periods held whole), each counted alone
/// (its settings and itself sent as bytes), each period's parts merged in groups of `group`
/// (to bytes and back, as an engine's partial aggregations are), in the order given or
/// reversed, then finished and assembled.
fn counted_in_shares(
    config: &Config,
    slots: usize,
    group: usize,
    reverse: bool,
) -> (Read, resolve::Resolved, usize) {
    use std::collections::BTreeMap;
    let found = discover::discover(&DiscoverOptions::from(config), None).unwrap();
    let setup = Setup::load(config).unwrap();
    let settings = parts::Settings::new(config, &setup.words, found.count)
        .unwrap()
        .to_bytes();
    let sent = || parts::Settings::from_bytes(&settings).unwrap();
    let files = parts::Files::of(&found.files);
    let mut keys = Vec::new();
    for share in &files.shares(slots) {
        let share = parts::Share::from_bytes(&share.to_bytes()).unwrap();
        keys.extend(parts::look(&share, sent()).unwrap());
    }
    let mut groups: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    let shares = files.count_shares(slots, &keys);
    let whole = shares.iter().map(|s| s.whole().len()).sum();
    for share in &shares {
        let share = parts::Share::from_bytes(&share.to_bytes()).unwrap();
        for (period, bytes) in parts::count(&share, sent()).unwrap() {
            groups.entry(period).or_default().push(bytes);
        }
    }
    let mut finished = Vec::new();
    for (_, mut states) in groups {
        if reverse {
            states.reverse();
        }
        let partial: Vec<Vec<u8>> = states
            .chunks(group)
            .map(|chunk| {
                let mut merged = parts::Merged::Empty;
                for bytes in chunk {
                    merged.add(bytes).unwrap();
                }
                merged.to_bytes().unwrap()
            })
            .collect();
        let mut merged = parts::Merged::Empty;
        for bytes in &partial {
            merged.add(bytes).unwrap();
        }
        finished.push(merged.finish().unwrap());
    }
    let known = parts::Known {
        walk_skipped: found.skipped,
        input: &config.input,
        metadata: found.metadata,
        min_count: config.min_count,
        kwic_max: config.count.kwic_max,
    };
    let (read, resolved) = parts::assemble(finished, known).unwrap();
    (read, resolved, whole)
}

#[test]
fn a_corpus_counted_in_shares_through_bytes_gives_the_tables_of_the_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("generated");
    std::fs::create_dir(&generated).unwrap();
    corpus_with_copies(&generated);
    tables_with_copies(&generated);
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let (multiyear, labels) = (data.join("multiyear"), data.join("label-threads"));
    // Both ways a period is counted were taken: finished in the one share that held it
    // whole, and merged from several shares' parts.
    let (mut all_whole, mut some_cut) = (false, false);
    for (input, extra) in [
        (&generated, "1-2"),
        (&generated, "1-3"),
        (&multiyear, "1-2"),
        (&labels, "1-2"),
    ] {
        let output = tmp.path().join("out");
        let config = analyse_config(&[
            input.as_os_str(),
            "--output".as_ref(),
            output.as_os_str(),
            "--ngrams".as_ref(),
            extra.as_ref(),
            "--kwic-max".as_ref(),
            "3".as_ref(),
            "--quiet".as_ref(),
        ]);
        analyse(&config).unwrap();
        // One slot: two shares of texts, each period whole in one of them; eight: as many
        // as there are texts, nearly, so that periods are cut and a text's copies fall in
        // several shares.
        for (slots, group, reverse) in [(1, 1, false), (3, 2, true), (8, 3, false)] {
            let (read, resolved, whole) =
                threads::with_threads(2, || counted_in_shares(&config, slots, group, reverse))
                    .unwrap();
            let periods = resolved.counts.periods.len();
            all_whole |= slots == 1 && whole == periods;
            some_cut |= slots == 8 && whole < periods;
            let tables =
                threads::with_threads(2, || tables_of(&config, &read.docs, &resolved.counts))
                    .unwrap();
            assert!(tables.len() >= 4, "{}", tables.len());
            for (name, bytes) in tables {
                let whole = std::fs::read(output.join(&name)).unwrap();
                assert!(
                    whole == bytes,
                    "{name} of {} in shares ({slots} slots, groups of {group}) differs from the whole",
                    input.display()
                );
            }
        }
        std::fs::remove_dir_all(&output).unwrap();
    }
    assert!(all_whole && some_cut);
}
