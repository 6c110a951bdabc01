//! `themeshift kwic`: the concordance of a pattern in every document, dated or not, printed
//! for a terminal or written as CSV. It shares the discover and read stages with `analyse`.

use anyhow::Result;

use crate::config::{Config, Kwic, KwicOutput};
use crate::count;
use crate::lexicon::{Lexicon, Matcher};
use crate::report::{self, output, summary::printable};

use super::discover::{self, DiscoverOptions};
use super::read::{self, ReadOptions};
use super::{setup, threads};

/// What a kwic run found and where its lines went.
#[derive(Debug)]
pub struct Concordance {
    /// Lines found (at most `--max` per period when given).
    pub(crate) lines: usize,
    /// Documents searched.
    pub(crate) documents: usize,
    pattern: String,
    output: KwicOutput,
}

impl Concordance {
    /// One line for the terminal: how many lines, in how many documents, written where.
    pub fn render(&self) -> String {
        let written = match &self.output {
            KwicOutput::Text => String::new(),
            KwicOutput::CsvToStdout => ", written to standard output".to_string(),
            KwicOutput::CsvFile(p) => {
                format!(", written to {}", printable(&p.display().to_string()))
            }
        };
        format!(
            "themeshift: {} line(s) for '{}' in {} document(s){written}",
            self.lines,
            printable(self.pattern.trim()),
            self.documents,
        )
    }
}

/// Runs `themeshift kwic`: the lines `request` asks for, read as `config` says.
pub fn kwic(config: &Config, request: &Kwic) -> Result<Concordance> {
    // A CSV file that would replace an input is refused before anything is read.
    if let KwicOutput::CsvFile(path) = &request.output {
        output::file_to_write(path, &super::options::protected(config))?;
    }
    let (table, documents) =
        threads::with_threads(config.threads, || search(config, &request.pattern))??;
    match &request.output {
        KwicOutput::Text => {
            let text = report::kwic_text(&table, config.count.kwic_window)?;
            output::print_stdout(text.as_bytes());
        }
        KwicOutput::CsvToStdout => output::print_stdout(&with_bom(config, &table)?),
        KwicOutput::CsvFile(path) => output::write_file(
            path,
            &with_bom(config, &table)?,
            &super::options::protected(config),
        )?,
    }
    Ok(Concordance {
        lines: table.height(),
        documents,
        pattern: request.pattern.clone(),
        output: request.output.clone(),
    })
}

/// The concordance as CSV, after a UTF-8 byte-order mark with `--csv-bom`.
fn with_bom(config: &Config, table: &polars::prelude::DataFrame) -> Result<Vec<u8>> {
    let mut bytes = if config.csv_bom {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    bytes.extend(report::csv::to_csv(table)?);
    Ok(bytes)
}

/// The kwic.csv table of `pattern` in every document, sorted by period, document and
/// position, and the number of documents searched.
fn search(config: &Config, pattern: &str) -> Result<(polars::prelude::DataFrame, usize)> {
    let tokeniser = setup::tokeniser(config)?;
    let lexicon = Lexicon::from_pattern(pattern, &tokeniser)?;
    let matcher = Matcher::new(&lexicon);
    let found = discover::discover(&DiscoverOptions::from(config), None)?;
    let options = ReadOptions::from(config);
    let mut read = read::read_and_count(found, &tokeniser, &matcher, &options, None, None)?;
    let canonical = crate::corpus::Canonical::of(&mut read.docs);
    let mut lines = count::kwic_lines(std::mem::take(&mut read.tallies), 0);
    canonical.rename(&mut lines);
    count::kwic_sample(&mut lines, config.count.kwic_max);
    let table = crate::measure::kwic::kwic_table(&lines, &read.docs, &lexicon)?;
    Ok((table, read.docs.len()))
}
