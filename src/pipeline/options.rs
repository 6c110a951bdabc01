//! The one place the validated settings ([`Config`]) become each stage's options: what the
//! walk, discovery, reading and resolving take, and the rules of the output folder. A stage
//! sees only its options, never the whole `Config`.

use crate::config::Config;
use crate::ingest::walk::WalkOptions;
use crate::report::claim::Protected;
use crate::report::output::Rules;

use super::discover::DiscoverOptions;
use super::read::ReadOptions;
use super::resolve::ResolveOptions;

/// What the run reads, which nothing it writes may replace: the input, the lexicon, the
/// stopword file and metadata.csv.
pub(crate) fn protected(config: &Config) -> Vec<Protected> {
    let folder = config.input.is_dir();
    let metadata = Some(config.input.join("metadata.csv")).filter(|p| folder && p.exists());
    [
        (
            if folder { "input folder" } else { "input file" },
            Some(&config.input),
        ),
        ("theme lexicon", config.themes.as_ref()),
        ("stopword file", config.stopwords.as_ref()),
        ("metadata file", metadata.as_ref()),
    ]
    .into_iter()
    .filter_map(|(what, path)| {
        Some(Protected {
            what,
            path: path?.clone(),
        })
    })
    .collect()
}

/// How the run may treat its output folder.
pub(crate) fn output_rules(config: &Config) -> Rules {
    Rules {
        force: config.force,
        protected: protected(config),
        quiet: config.quiet,
    }
}

/// What the walk of the input folder needs.
fn walk_options(config: &Config) -> WalkOptions<'_> {
    WalkOptions {
        input: &config.input,
        output: &config.output,
        settings: [config.themes.as_deref(), config.stopwords.as_deref()],
    }
}

impl<'a> From<&'a Config> for DiscoverOptions<'a> {
    fn from(config: &'a Config) -> Self {
        DiscoverOptions {
            walk: walk_options(config),
            date_order: config.date_order,
            count: config.count,
            phrases_up_to: config.phrases_up_to,
            quiet: config.quiet,
        }
    }
}

impl<'a> From<&'a Config> for ReadOptions<'a> {
    fn from(config: &'a Config) -> Self {
        ReadOptions {
            period: &config.period,
            date_order: config.date_order,
            encoding: config.encoding,
            columns: &config.columns,
            search_undated: config.search_undated,
            input: &config.input,
        }
    }
}

impl<'a> From<&'a Config> for ResolveOptions<'a> {
    fn from(config: &'a Config) -> Self {
        ResolveOptions {
            min_count: config.min_count,
            compare: config.compare.as_ref(),
            report: config.report,
            kwic_max: config.count.kwic_max,
        }
    }
}
