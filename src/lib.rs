//! themeshift: how the language of a field moves over time.
//!
//! One pipeline, one direction: [`ingest`] (files -> documents) -> [`tokenise`] (text ->
//! words) -> [`count`] (words -> mergeable counts, in parallel) -> [`measure`] (counts ->
//! DataFrames) -> [`report`] (DataFrames -> CSV, PNG, JSON, terminal). [`run`] drives it.

pub mod cli;
pub mod config;
pub mod count;
pub mod error;
pub mod ingest;
pub mod lexicon;
pub mod measure;
pub mod period;
mod pipeline;
pub mod report;
pub mod tokenise;

pub use pipeline::{analyse, kwic, set_give_back};
