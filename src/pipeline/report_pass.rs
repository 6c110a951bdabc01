//! Report pass.

use std::sync::Arc;

use anyhow::Result;

use crate::config::Config;
use crate::count::{self};
use crate::ingest::walk::SourceFile;
use crate::lexicon::{self, Lexicon, Matcher};
use crate::measure::{self, documents::DocRecord};
use crate::report::{self, manifest::InputFile};
use crate::tokenise::Tokeniser;

use super::clock::*;
use super::read::*;

/// Concordance lines for the report's key terms: a second, lighter pass (words only, no
/// tables) over the documents at `places` in reading order (read from their files, or from
/// the `tables` files that hold them, without walking the input again), the first documents of each key
/// term in the period it is key to ([`count::FirstDocs`]), with each key term as a
/// pattern of its stems, keeping for each term the first three lines in reading order from
/// that period. A term's first three lines are in its first three documents, so this reads a
/// few dozen files however large the corpus (a table is read until those rows are past).
#[allow(clippy::too_many_arguments)]
pub(crate) fn key_term_lines(
    config: &Config,
    docs: &[DocRecord],
    tables: &[InputFile],
    places: &rustc_hash::FxHashSet<u64>,
    tokeniser: &Tokeniser,
    cmp: &measure::Comparison,
    key_b: &mut [report::html::KeyRow],
    key_a: &mut [report::html::KeyRow],
) -> Result<()> {
    use lexicon::{Element, Pattern, Theme};
    let rows: Vec<&report::html::KeyRow> = key_b.iter().chain(key_a.iter()).collect();
    if rows.is_empty() {
        return Ok(());
    }
    let lexicon = Lexicon {
        themes: rows
            .iter()
            .map(|r| Theme {
                name: r.term.clone(),
                description: String::new(),
                patterns: vec![Pattern {
                    text: r.word.clone(),
                    elements: r
                        .term
                        .split(' ')
                        .map(|s| Element::Stem(s.to_string()))
                        .collect(),
                }],
            })
            .collect(),
    };
    let matcher = Matcher::new(&lexicon);
    let wanted: Vec<&DocRecord> = docs
        .iter()
        .filter(|d| {
            places.contains(&d.place)
                && d.duplicate_of.is_none()
                && d.period
                    .as_ref()
                    .is_some_and(|p| **p == cmp.a || **p == cmp.b)
        })
        .collect();
    // The files holding them: text files by name, table files holding a wanted row (no
    // second walk of the input folder).
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
    files.extend(
        tables
            .iter()
            .filter(|t| {
                wanted.iter().any(|d| {
                    !d.from_file
                        && d.name.len() > t.path.len()
                        && d.name.starts_with(t.path.as_str())
                        && d.name.as_bytes()[t.path.len()] == b'#'
                })
            })
            .map(|t| SourceFile {
                path: path_of(&t.path),
                name: t.path.clone(),
            }),
    );
    let second = Config {
        count: count::CountOptions {
            max_n: 1,
            kwic_window: config.count.kwic_window,
            kwic_max: 3,
        },
        quiet: true,
        only_docs: Some(std::sync::Arc::new(
            wanted.iter().map(|d| d.name.to_string()).collect(),
        )),
        only_files: Some(std::sync::Arc::new(files)),
        ..config.clone()
    };
    // Each key term's lines come from the period it is key to: the first three there in
    // reading order, so reading can stop as soon as every term has them.
    let watch = Arc::new(count::Watch::new(
        (0..rows.len())
            .map(|i| {
                if i < key_b.len() {
                    cmp.b.clone()
                } else {
                    cmp.a.clone()
                }
            })
            .collect(),
        3,
    ));
    let mut clock = Stopwatch::new();
    let corpus = read_corpus(&second, tokeniser, &matcher, &mut clock, Some(&watch))?;
    for line in count::kwic_lines(corpus.tallies, 3) {
        let favoured = if line.theme < key_b.len() {
            &cmp.b
        } else {
            &cmp.a
        };
        if &line.period != favoured {
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
