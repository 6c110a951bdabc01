//! The two commands as their stages.

mod clock;
mod copies;
mod gather;
mod read;
mod report_pass;
#[cfg(test)]
mod tests;

use chrono::Datelike;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::count::{self, Tally};
use crate::error::InputError;
use crate::ingest::{self};
use crate::lexicon::{Lexicon, Matcher};
use crate::measure::{self, Tables};
use crate::report::output::Staging;
use crate::report::summary::Summary;
use crate::report::{
    self,
    manifest::{self, InputFile, Manifest},
};
use crate::tokenise::{Stemmer, Stopwords, Tokeniser};

pub use clock::set_give_back;
use clock::*;
use copies::*;
use read::*;
use report_pass::*;

/// Runs `analyse` with `config` on its own thread pool of `config.threads` workers.
///
/// Returns the summary when the outputs were written. When there are fewer than two dated
/// periods, the frequency tables are still written and `summary.no_comparison` says why.
pub fn run(config: &Config) -> Result<Summary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("cannot start worker threads")?;
    pool.install(|| analyse(config))
}

pub(crate) fn analyse(config: &Config) -> Result<Summary> {
    let mut clock = Stopwatch::new();
    // Before anything is read: whether the output folder may be replaced, and that it can be
    // written.
    let staging = Staging::claim(&config.output, &config.output_rules())?;
    let tokeniser = build_tokeniser(config)?;
    // Read once: it may be a pipe (`--themes <(...)`), and run.json records its hash.
    let lexicon_text = config.themes.as_deref().map(Lexicon::read).transpose()?;
    let lexicon = match (&config.themes, &lexicon_text) {
        (Some(path), Some(text)) => Some(Lexicon::parse(text, path, &tokeniser)?),
        _ => None,
    };
    let empty = Lexicon::default();
    let matcher = Matcher::new(lexicon.as_ref().unwrap_or(&empty));
    let Corpus {
        docs,
        tallies,
        skipped,
        bad_dates,
        table_warnings,
        inputs,
        total_bytes,
        metadata,
        phrases_note,
        longest_phrase,
    } = read_corpus(config, &tokeniser, &matcher, &mut clock, None)?;
    clock.lap("read_and_count");
    let mut docs = docs;
    let canonical = Canonical::of(&mut docs);
    // The report's key terms are from the main comparison: their first documents there are
    // kept, for the concordance lines.
    let labels: Vec<String> = Tally::period_tokens(&tallies).into_keys().collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let first_docs_in = measure::main_comparison(&labels, config.compare.as_ref())
        .filter(|_| config.report)
        .map_or_else(Vec::new, |c| vec![c.a, c.b]);
    let (counts, first_docs) = count::resolve(
        tallies,
        &count::ResolveOptions {
            prune_below: Some(config.min_count),
            first_docs_in: &first_docs_in,
            places: &canonical.places,
        },
    )
    .context("reading back the per-document log from its temporary file")?;
    let mut counts = counts
        .finish()
        .context("reading back the per-document log from its temporary file")?;
    canonical.rename(&mut counts.kwic);
    counts.kwic_sample(config.count.kwic_max);
    clock.lap("resolve");
    let mut warnings = table_warnings;
    let duplicates: Vec<String> = docs
        .iter()
        .filter_map(|d| {
            Some(format!(
                "{} (same text as {})",
                d.name, docs[d.duplicate_of? as usize].name
            ))
        })
        .collect();
    if !duplicates.is_empty() {
        warnings.push(format!(
            "{} duplicate document(s) counted once: {}",
            duplicates.len(),
            list(&duplicates)
        ));
    }
    let replaced: Vec<String> = docs
        .iter()
        .filter(|d| d.replaced_chars > 0)
        .map(|d| format!("{} ({})", d.name, d.replaced_chars))
        .collect();
    if !replaced.is_empty() {
        warnings.push(format!(
            "{} file(s) held bytes that are not valid text in the encoding detected, shown \
             as \u{FFFD} (count in brackets); check their encoding (--encoding): {}",
            replaced.len(),
            list(&replaced)
        ));
    }
    let today = chrono::Local::now().date_naive();
    let odd_dates: Vec<String> = docs
        .iter()
        .filter_map(|d| {
            let date = d.date?;
            (date > today).then(|| format!("{} ({date})", d.name))
        })
        .collect();
    if !odd_dates.is_empty() {
        warnings.push(format!(
            "{} document(s) dated in the future; check their dates: {}",
            odd_dates.len(),
            list(&odd_dates)
        ));
    }
    let old_dates: Vec<String> = docs
        .iter()
        .filter_map(|d| {
            let date = d.date?;
            (date.year() < 1800).then(|| format!("{} ({date})", d.name))
        })
        .collect();
    if !old_dates.is_empty() {
        warnings.push(format!(
            "{} document(s) dated before 1800; check their dates: {}",
            old_dates.len(),
            list(&old_dates)
        ));
    }
    let outside: Vec<String> = docs
        .iter()
        .filter_map(|d| {
            let date = d.date.filter(|_| d.period.is_none())?;
            Some(format!("{} ({date})", d.name))
        })
        .collect();
    if !outside.is_empty() {
        warnings.push(format!(
            "{} document(s) dated outside the periods chosen with --periods, so not counted: {}",
            outside.len(),
            list(&outside)
        ));
    }
    if let Some((name, cell)) = bad_dates.first() {
        warnings.push(format!(
            "{} table row(s) have a date that cannot be read and are left undated (first: {name}: '{cell}')",
            bad_dates.len()
        ));
    }
    let names: rustc_hash::FxHashSet<&str> = if metadata.is_empty() {
        Default::default()
    } else {
        docs.iter().map(|d| &*d.name).collect()
    };
    let mut unknown: Vec<&String> = metadata
        .keys()
        .filter(|k| !names.contains(k.as_str()))
        .collect();
    unknown.sort();
    if !unknown.is_empty() {
        warnings.push(format!(
            "metadata.csv lists {} file(s) that were not read as documents: {}",
            unknown.len(),
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let undated: Vec<String> = docs
        .iter()
        .filter(|d| d.date.is_none())
        .map(|d| d.name.to_string())
        .collect();
    // Everything the summary warns about: skipped files, undated documents, the warnings.
    if config.strict && (!skipped.is_empty() || !warnings.is_empty() || !undated.is_empty()) {
        let mut problems: Vec<String> = skipped
            .iter()
            .map(|k| format!("{}: {}", k.path, k.reason))
            .collect();
        if !undated.is_empty() {
            problems.push(format!(
                "no date found for {} document(s): {}",
                undated.len(),
                list(&undated)
            ));
        }
        problems.extend(warnings.iter().cloned());
        return Err(InputError::Strict(format!(
            "{} problem(s): {}",
            problems.len(),
            list(&problems)
        ))
        .into());
    }
    let (comparisons, no_comparison) = match measure::comparisons(&counts, config.compare.as_ref())
    {
        Ok(c) => (c, None),
        Err(InputError::NoComparison(reason)) => (Vec::new(), Some(reason)),
        Err(e) => return Err(e.into()),
    };
    let labels = measure::labels(&counts, &tokeniser);
    let tables = Tables::build(
        &docs,
        &counts,
        &labels,
        lexicon.as_ref(),
        &comparisons,
        config.min_count,
    )
    .context("building the tables")?;
    clock.lap("measure");

    let periods: Vec<String> = counts.periods.keys().cloned().collect();
    let main = comparisons.first();
    let charts =
        report::figures::render_all(&tables, &periods, main).context("drawing the charts")?;
    clock.lap("charts");
    report::write_tables(&tables, &charts, &staging)?;
    clock.lap("write");
    let mut summary = Summary {
        documents: docs.len(),
        undated,
        skipped,
        warnings,
        periods: counts
            .periods
            .iter()
            .map(|(p, c)| (p.clone(), c.docs, c.tokens))
            .collect(),
        main: main.cloned(),
        no_comparison,
        lexicon: config.themes.clone(),
        notes: phrases_note.iter().cloned().collect(),
        output: config.output.clone(),
        ..Summary::default()
    };
    if let (Some(cmp), Some(k)) = (main, &tables.keyness) {
        let (a, b) = report::figures::key_terms(k, cmp)?;
        let line = |t: report::charts::KeyTerm| (t.word, t.g2, t.log_ratio);
        summary.key_a = a.into_iter().map(line).collect();
        summary.key_b = b.into_iter().map(line).collect();
    }
    if let (Some(cmp), Some(shift)) = (main, &tables.theme_shift) {
        summary.theme_shift = report::summary::shift_lines(shift, cmp)?;
    }
    // What run.json needs of the counts and tables, so they can go before the report's pass.
    let period_lines: Vec<manifest::PeriodLine> = counts
        .periods
        .iter()
        .map(|(p, c)| manifest::PeriodLine {
            period: p.clone(),
            documents: c.docs,
            word_tokens: c.tokens,
        })
        .collect();
    let word_tokens: u64 = counts.periods.values().map(|c| c.tokens).sum();
    let distinct_terms = labels.len();
    let mut files: Vec<String> = tables
        .names()
        .into_iter()
        .filter(|&n| n != "documents.csv")
        .map(str::to_string)
        .collect();
    let key_rows = match (config.report, main, &tables.keyness) {
        (true, Some(cmp), Some(k)) => Some(report::html::key_rows(k, cmp)?),
        _ => None,
    };
    // The documents holding the key terms' first lines: their first documents in the period
    // each is key to.
    let key_docs: rustc_hash::FxHashSet<u64> = match (&key_rows, main) {
        (Some((key_b, key_a)), Some(cmp)) => {
            let firsts = |rows: &[report::html::KeyRow], period: &str| -> Vec<u64> {
                let Some(first) = first_docs.get(period) else {
                    return Vec::new();
                };
                rows.iter()
                    .filter_map(|r| first.get(&r.term))
                    .flatten()
                    .copied()
                    .collect()
            };
            firsts(key_b, &cmp.b)
                .into_iter()
                .chain(firsts(key_a, &cmp.a))
                .collect()
        }
        _ => Default::default(),
    };
    let main = main.cloned();
    drop(tables);
    drop((counts, labels));
    if config.report {
        let (mut key_b, mut key_a) = key_rows.unwrap_or_default();
        if let Some(cmp) = &main {
            key_term_lines(
                config, &docs, &inputs, &key_docs, &tokeniser, cmp, &mut key_b, &mut key_a,
            )?;
        }
        files.extend(charts.iter().map(|(n, _)| format!("charts/{n}")));
        files.push("run.json".to_string());
        let html = report::html::render(&report::html::Page {
            summary: &summary,
            input: &config.input.display().to_string(),
            key_b: &key_b,
            key_a: &key_a,
            charts: &charts,
            files: &files,
        })?;
        staging.write("report.html", html.as_bytes())?;
        clock.lap("report");
    }
    let document_bytes: u64 = docs.iter().map(|d| d.bytes).sum();
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        command_line: &config.command_line,
        settings: manifest::Settings {
            period: &config.period,
            compare: config.compare.as_ref(),
            min_count: config.min_count,
            language: &config.language,
            stemming: config.stemmer.is_some(),
            extra_stopwords: config.stopwords.as_ref().map(|p| p.display().to_string()),
            date_order: match config.date_order {
                ingest::date::DateOrder::DayFirst => "day_first",
                ingest::date::DateOrder::MonthFirst => "month_first",
            },
            significance_level: measure::ALPHA,
            longest_phrase,
            phrases_note: phrases_note.as_deref(),
        },
        lexicon: config
            .themes
            .as_ref()
            .zip(lexicon_text.as_ref())
            .map(|(p, text)| hash_bytes(&p.display().to_string(), text.as_bytes())),
        inputs: manifest::Inputs {
            tables: &inputs,
            documents: &docs,
        },
        skipped: &summary.skipped,
        counts: manifest::ManifestCounts {
            documents: docs.len(),
            dated_documents: docs.len() - summary.undated.len(),
            skipped_files: summary.skipped.len(),
            word_tokens,
            distinct_terms,
        },
        periods: period_lines,
        comparisons: &comparisons,
        no_comparison: summary.no_comparison.as_deref(),
        threads: config.threads,
        seconds: clock.1.clone(),
        peak_memory_mb: clock.2.clone(),
        speed: manifest::Speed::new(total_bytes, document_bytes, &clock.1),
    };
    staging.write_with("run.json", |out| manifest::write_json(&manifest, out))?;
    summary.files = staging.commit()?;
    summary.seconds = clock.1;
    summary.peak_memory_mb = clock.2.last().map(|p| p.1);
    summary.input_bytes = document_bytes;
    Ok(summary)
}

/// `themeshift kwic`: the concordance of `pattern` (in the lexicon's pattern language) in
/// every document, dated or not, on `config.threads` workers: the kwic.csv table, sorted by
/// period, document and position, and the number of documents searched.
pub fn concordance(config: &Config, pattern: &str) -> Result<(polars::prelude::DataFrame, usize)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("cannot start worker threads")?;
    pool.install(|| {
        let tokeniser = build_tokeniser(config)?;
        let lexicon = Lexicon::from_pattern(pattern, &tokeniser)?;
        let matcher = Matcher::new(&lexicon);
        let mut clock = Stopwatch::new();
        let mut corpus = read_corpus(config, &tokeniser, &matcher, &mut clock, None)?;
        let canonical = Canonical::of(&mut corpus.docs);
        let mut lines = count::kwic_lines(std::mem::take(&mut corpus.tallies), 0);
        canonical.rename(&mut lines);
        count::kwic_sample(&mut lines, config.count.kwic_max);
        let table = measure::kwic::kwic_table(&lines, &corpus.docs, &lexicon)?;
        Ok((table, corpus.docs.len()))
    })
}

pub(crate) fn build_tokeniser(config: &Config) -> Result<Tokeniser> {
    let mut stopwords = Stopwords::builtin(&config.language);
    if let Some(path) = &config.stopwords {
        stopwords.extend_from_file(path)?;
    }
    Ok(Tokeniser::new(Stemmer::new(config.stemmer), stopwords))
}

/// At most five items, then how many more.
pub(crate) fn list(items: &[String]) -> String {
    let mut s = items.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > 5 {
        s.push_str(&format!("; and {} more", items.len() - 5));
    }
    s
}

/// Size and SHA-256 of a file read whole (the lexicon).
pub(crate) fn hash_bytes(name: &str, bytes: &[u8]) -> InputFile {
    use sha2::{Digest, Sha256};
    InputFile {
        path: name.to_string(),
        bytes: bytes.len() as u64,
        sha256: format!("{:x}", Sha256::digest(bytes)),
    }
}
