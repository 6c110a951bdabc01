//! Not part of the library's interface: what the benchmarks (`benches/`) and the property
//! tests (`tests/properties.rs`) reach into, named here so that everything else can stay
//! private to the crate.

pub use crate::count::{count_document, CountOptions, Counter, Counts};
pub use crate::ingest::date;
pub use crate::lexicon::{Lexicon, Matcher};
pub use crate::measure::stats;
pub use crate::report::csv::to_csv;
pub use crate::tokenise::{stem, Stemmer, Stopwords, Tokeniser};
