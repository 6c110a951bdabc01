//! themeshift: how the language of a field moves over time.
//!
//! Point it at a folder of dated documents and it writes, for each period, the terms and how
//! often they occur, the terms key to one period against another (log-likelihood, Log Ratio),
//! the hits of a theme lexicon and which themes rose and fell, with the evidence behind each
//! number: CSV tables, PNG charts, report.html and run.json.
//!
//! One pipeline, one direction (ARCHITECTURE.md has the map):
//!
//! ```text
//! ingest (files -> documents) -> tokenise (text -> words) -> count (words -> Counts, in
//! parallel, mergeable) -> measure (Counts -> tables) -> report (tables -> CSV, PNG, HTML, JSON)
//! ```
//!
//! driven stage by stage by [`analyse`]; [`kwic`] shares its first stages. Both take a
//! [`Config`], the validated settings made from the command line ([`cli`]).

#![deny(missing_docs)]
#![warn(unreachable_pub)]

pub mod cli;
mod config;
pub mod error;

mod corpus;
mod count;
mod ingest;
mod lexicon;
mod measure;
mod period;
mod pipeline;
mod report;
mod tokenise;
mod whole;

#[doc(hidden)]
pub mod internals;

#[cfg(test)]
mod properties;

pub use config::Config;
pub use error::{exit_code, panic_message, ClusterError, InputError, INTERNAL_ERROR};
pub use pipeline::{analyse, cluster, kwic, set_give_back, Concordance};
pub use report::output::print_stdout;
pub use report::summary::{printable, Summary};
