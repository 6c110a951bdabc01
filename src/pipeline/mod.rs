//! The two commands as their stages, one call each, in one direction:
//!
//! ```text
//! discover -> read and count -> resolve -> measure -> charts, write -> report pass -> manifest
//! ```
//!
//! Each stage has its own file here (its driving code; the work itself is in `ingest`,
//! `count`, `measure` and `report`), takes what it needs as named types and hands on named
//! types. ARCHITECTURE.md has the map.

mod charts;
mod clock;
#[cfg(feature = "cluster")]
mod cluster;
mod discover;
mod kwic;
mod manifest;
mod measure;
mod options;
#[cfg(any(feature = "cluster", test))]
mod parts;
mod read;
mod report_pass;
mod resolve;
mod setup;
mod summary;
#[cfg(test)]
mod tests;
mod threads;
mod warnings;

use anyhow::Result;

use crate::config::Config;
use crate::lexicon::Matcher;
use crate::report::output::Staging;
use crate::report::summary::Summary;

pub use clock::set_give_back;
use clock::Stopwatch;
use discover::DiscoverOptions;
pub use kwic::{kwic, Concordance};
use read::ReadOptions;
use setup::Setup;

/// `themeshift analyse`: reads the documents of `config.input`, counts and measures them,
/// and writes every table, chart and report to `config.output`, on `config.threads` worker
/// threads. Returns the summary once the outputs are in place; with fewer than two dated
/// periods the frequency tables are still written and `summary.no_comparison` says why.
pub fn analyse(config: &Config) -> Result<Summary> {
    threads::with_threads(config.threads, || stages(config))?
}

fn stages(config: &Config) -> Result<Summary> {
    let mut clock = Stopwatch::start();
    // Before anything is read: whether the output folder may be replaced, and can be written.
    let staging = Staging::claim(&config.output, &options::output_rules(config))?;
    let setup = Setup::load(config)?;
    let matcher = Matcher::new(&setup.lexicon);
    let found = discover::discover(&DiscoverOptions::from(config), None)?;
    let (longest, left_out) = (found.count.max_n, found.phrases_note.clone());
    clock.lap(|c| &mut c.discover);
    let (read, mut resolved) = match config.cluster.as_deref() {
        #[cfg(feature = "cluster")]
        Some(scheduler) => {
            let counted = cluster::read_and_resolve(found, &setup, config, scheduler)?;
            clock.lap(|c| &mut c.read_and_count);
            counted
        }
        _ => {
            let mut read = read::read_and_count(
                found,
                &setup.tokeniser,
                &matcher,
                &ReadOptions::from(config),
                None,
                None,
            )?;
            clock.lap(|c| &mut c.read_and_count);
            let resolved = resolve::resolve(&mut read, &resolve::ResolveOptions::from(config))?;
            clock.lap(|c| &mut c.resolve);
            (read, resolved)
        }
    };
    let phrases = (
        longest,
        left_out.or(spill_note(config, resolved.runs_written)),
    );
    let mut warnings = warnings::collect(&read, &config.period, config.date_order);
    warnings.extend(warnings::unmatched(&resolved.counts, setup.lexicon()));
    warnings::check_strict(config.strict, &read, &warnings)?;
    let plan = measure::Plan::new(&resolved.counts, config, &setup.tokeniser)?;
    resolved.counts.forget_forms();
    let tables = plan.tables(&read.docs, &resolved.counts, setup.lexicon(), config)?;
    clock.lap(|c| &mut c.measure);
    let charts = charts::charts(&tables, &plan)?;
    clock.lap(|c| &mut c.charts);
    let (xlsx, xlsx_note) = xlsx_by_size(config.xlsx, read.total_bytes);
    let table_files = crate::report::TableFiles {
        csv_bom: config.csv_bom,
        xlsx_rows: xlsx.then_some(crate::report::xlsx::EXCEL_ROWS),
    };
    let cut = crate::report::write_tables(&tables, &charts, &staging, table_files)?;
    clock.lap(|c| &mut c.write);
    let mut summary = summary::build(config, &read, warnings, &plan, &tables, &phrases)?;
    summary.notes.extend(cut);
    summary.notes.extend(xlsx_note);
    let key_terms = report_pass::KeyTerms::of(&tables, &plan, &resolved.first_docs, config)?;
    let facts = manifest::CountFacts::of(&resolved.counts);
    let findings = crate::report::findings::markdown(&summary, &summary.findings);
    staging.write("findings.md", findings.as_bytes())?;
    let mut files = vec!["findings.md"];
    files.extend(tables.names());
    if xlsx {
        files.push("tables.xlsx");
    }
    // The counts and tables are done with: their memory goes before the report's pass.
    drop(tables);
    drop((resolved, plan.labels));
    if let Some(key_terms) = key_terms {
        let page = report_pass::Page {
            summary: &summary,
            charts: &charts,
            tables: &files,
        };
        report_pass::report(config, &setup, &read, key_terms, &page, &staging)?;
        clock.lap(|c| &mut c.report);
    }
    let run = manifest::Run {
        config,
        setup: &setup,
        read: &read,
        summary: &summary,
        comparisons: &plan.comparisons,
        facts,
        phrases: &phrases,
        clock: &clock,
    };
    staging.write_with("run.json", |out| manifest::write(&run, out))?;
    summary.files = staging.commit()?;
    summary::timings(&mut summary, &read, &clock);
    Ok(summary)
}

/// `themeshift cluster scheduler|executor`: runs one machine of a cluster until stopped.
pub fn cluster(command: &crate::cli::ClusterCommand) -> Result<()> {
    #[cfg(feature = "cluster")]
    {
        match command {
            crate::cli::ClusterCommand::Scheduler(args) => cluster::scheduler(args),
            crate::cli::ClusterCommand::Executor(args) => cluster::executor(args),
        }
    }
    #[cfg(not(feature = "cluster"))]
    {
        let _ = command;
        Err(crate::error::InputError::NoCluster("themeshift cluster").into())
    }
}

/// What the summary says of the phrases' memory when their tables were written out to stay
/// within `--memory`; nothing when they were not. Not how many times: that depends on which
/// thread counted which document, and run.json is the same run to run.
fn spill_note(config: &Config, runs: usize) -> Option<String> {
    (runs > 0).then(|| {
        format!(
            "the phrases' tables were written out to a temporary file to stay within \
             --memory {} (the counts are exact; a larger --memory is faster)",
            crate::config::shown_size(config.memory)
        )
    })
}

/// Whether to write tables.xlsx: as asked, or by the input's size (`bytes` read) when not,
/// with the note that says it was left out.
fn xlsx_by_size(asked: Option<bool>, bytes: u64) -> (bool, Option<String>) {
    let limit = crate::config::XLSX_BY_DEFAULT_UP_TO;
    match asked {
        Some(write) => (write, None),
        None if bytes <= limit => (true, None),
        None => (
            false,
            Some(format!(
                "tables.xlsx was not written: the input holds more than {:.0} MB, up to which \
                 it is written by default (its long sheets take longer to write than the rest \
                 of the run); the CSVs hold every table; pass --xlsx to write it",
                limit as f64 / 1e6
            )),
        ),
    }
}
