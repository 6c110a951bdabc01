//! The report's pass: report.html, with each key term's first lines in reading order. Those
//! lines come from a second, lighter pass (words only, no tables) over just the documents that
//! hold them: while counting, each term's first documents in the compared periods were noted
//! ([`FirstDocs`]), so this reads a few dozen files however large the corpus (a table is read
//! until those rows are past).

use std::sync::Arc;

use anyhow::Result;
use rustc_hash::FxHashSet;

use crate::config::Config;
use crate::corpus::DocRecord;
use crate::count::{self, CountOptions, FirstDocs, Watch};
use crate::ingest::walk::SourceFile;
use crate::lexicon::{Element, Lexicon, Matcher, Pattern, Theme};
use crate::measure::{Comparison, Tables};
use crate::report::html::{self, KeyRow};
use crate::report::output::Staging;
use crate::report::summary::Summary;

use super::discover::{self, DiscoverOptions};
use super::measure::Plan;
use super::read::{self, Only, Read, ReadOptions};
use super::setup::Setup;

/// Lines shown per key term.
const LINES: usize = 3;

/// The main comparison's key terms each way, and the places (in reading order) of the
/// documents holding their first lines.
pub(crate) struct KeyTerms {
    /// The main comparison (none: no key terms).
    cmp: Option<Comparison>,
    /// Toward B, then toward A, strongest first.
    key_b: Vec<KeyRow>,
    key_a: Vec<KeyRow>,
    places: FxHashSet<u64>,
}

impl KeyTerms {
    /// The key terms of `plan`'s main comparison and where their first lines are; `None`
    /// when no report is written or there is no comparison.
    pub(crate) fn of(
        tables: &Tables,
        plan: &Plan,
        first_docs: &FirstDocs,
        config: &Config,
    ) -> Result<Option<KeyTerms>> {
        if !config.report {
            return Ok(None);
        }
        let (Some(cmp), true) = (plan.main(), tables.has_keyness()) else {
            return Ok(Some(KeyTerms {
                cmp: None,
                key_b: Vec::new(),
                key_a: Vec::new(),
                places: FxHashSet::default(),
            }));
        };
        let (key_b, key_a) = html::key_rows(tables)?;
        // Each term's first documents in the period it is key to.
        let firsts = |rows: &[KeyRow], period: &str| -> Vec<u64> {
            let Some(first) = first_docs.get(period) else {
                return Vec::new();
            };
            rows.iter()
                .filter_map(|r| first.get(&r.term))
                .flatten()
                .copied()
                .collect()
        };
        let places = firsts(&key_b, &cmp.b)
            .into_iter()
            .chain(firsts(&key_a, &cmp.a))
            .collect();
        Ok(Some(KeyTerms {
            cmp: Some(cmp.clone()),
            key_b,
            key_a,
            places,
        }))
    }
}

/// What report.html shows beside the key terms.
pub(crate) struct Page<'a> {
    pub(crate) summary: &'a Summary,
    /// (file name, PNG bytes) of every chart.
    pub(crate) charts: &'a [(&'static str, Vec<u8>)],
    /// The tables written, by file name (the CSVs, and tables.xlsx when written).
    pub(crate) tables: &'a [&'static str],
}

/// Finds the key terms' lines and writes report.html.
pub(crate) fn report(
    config: &Config,
    setup: &Setup,
    read: &Read,
    mut key_terms: KeyTerms,
    page: &Page,
    staging: &Staging,
) -> Result<()> {
    if let Some(cmp) = key_terms.cmp.take() {
        lines(config, setup, read, &cmp, &mut key_terms)?;
    }
    let mut files: Vec<String> = page.tables.iter().map(|n| n.to_string()).collect();
    files.extend(page.charts.iter().map(|(n, _)| format!("charts/{n}")));
    files.push("run.json".to_string());
    let html = html::render(&html::Page {
        summary: page.summary,
        input: &config.input.display().to_string(),
        key_b: &key_terms.key_b,
        key_a: &key_terms.key_a,
        charts: page.charts,
        files: &files,
    })?;
    staging.write("report.html", html.as_bytes())
}

/// Each key term's first lines in reading order from the period it is key to: the terms
/// as patterns of their stems, searched in the documents at `key_terms.places` only (read
/// from their files, or from the table files that hold them, without walking the input
/// again), stopping once every term has its lines.
fn lines(
    config: &Config,
    setup: &Setup,
    read: &Read,
    cmp: &Comparison,
    key_terms: &mut KeyTerms,
) -> Result<()> {
    let KeyTerms {
        key_b,
        key_a,
        places,
        ..
    } = key_terms;
    let rows: Vec<&KeyRow> = key_b.iter().chain(key_a.iter()).collect();
    if rows.is_empty() {
        return Ok(());
    }
    let lexicon = as_lexicon(&rows);
    let matcher = Matcher::new(&lexicon);
    let wanted: Vec<&DocRecord> = read
        .docs
        .iter()
        .filter(|d| {
            places.contains(&d.place)
                && d.duplicate_of.is_none()
                && d.period
                    .as_ref()
                    .is_some_and(|p| **p == cmp.a || **p == cmp.b)
        })
        .collect();
    let files = files_holding(config, read, &wanted);
    let only: Only = wanted.iter().map(|d| d.name.to_string()).collect();
    // Each key term's lines come from the period it is key to.
    let toward_b = key_b.len();
    let favoured = |i: usize| if i < toward_b { &cmp.b } else { &cmp.a };
    let watch = Arc::new(Watch::new(
        (0..rows.len()).map(|i| favoured(i).clone()).collect(),
        LINES,
    ));
    let mut options = DiscoverOptions::from(config);
    options.quiet = true;
    options.phrases_up_to = None;
    options.count = CountOptions {
        max_n: 1,
        kwic_window: config.count.kwic_window,
        kwic_max: LINES,
        phrase_table: 0,
    };
    let found = discover::discover(&options, Some(&files))?;
    let again = read::read_and_count(
        found,
        &setup.tokeniser,
        &matcher,
        &ReadOptions::from(config),
        Some(&watch),
        Some(&only),
    )?;
    for line in count::kwic_lines(again.tallies, LINES) {
        if &line.period != favoured(line.theme) {
            continue;
        }
        let row = if line.theme < key_b.len() {
            &mut key_b[line.theme]
        } else {
            &mut key_a[line.theme - key_b.len()]
        };
        row.lines.push(line);
    }
    // Shown in reading order, as they were chosen.
    for row in key_b.iter_mut().chain(key_a.iter_mut()) {
        row.lines.sort_by_key(|l| l.key);
    }
    Ok(())
}

/// The key terms as a lexicon: a theme per term, its one pattern the term's stems.
fn as_lexicon(rows: &[&KeyRow]) -> Lexicon {
    Lexicon {
        themes: rows
            .iter()
            .map(|r| Theme {
                name: r.term.clone(),
                patterns: vec![Pattern::new(
                    r.word.clone(),
                    r.term
                        .split(' ')
                        .map(|s| Element::Stem(s.to_string()))
                        .collect(),
                )],
                exclude: Vec::new(),
            })
            .collect(),
    }
}

/// The files holding the `wanted` documents: text files by name, and the table files holding
/// a wanted row.
fn files_holding(config: &Config, read: &Read, wanted: &[&DocRecord]) -> Vec<SourceFile> {
    let path_of = |name: &str| {
        if config.input.is_file() {
            config.input.clone()
        } else {
            config.input.join(name)
        }
    };
    let mut files: Vec<SourceFile> = wanted
        .iter()
        .filter(|d| d.from_file)
        .map(|d| SourceFile {
            path: path_of(&d.name),
            name: d.name.to_string(),
        })
        .collect();
    let holds = |table: &str, d: &DocRecord| {
        !d.from_file
            && d.name.len() > table.len()
            && d.name.starts_with(table)
            && d.name.as_bytes()[table.len()] == b'#'
    };
    files.extend(
        read.inputs
            .iter()
            .filter(|t| wanted.iter().any(|d| holds(&t.path, d)))
            .map(|t| SourceFile {
                path: path_of(&t.path),
                name: t.path.clone(),
            }),
    );
    files
}
