//! A corpus read and counted in parts on several machines, the engine that moves the parts
//! left out: what the driver sends ([`Settings`], [`Share`]), what a machine does with a
//! share ([`look`] for copies, then [`count()`]), what the engine's grouping by period holds
//! ([`Merged`]), and how the driver puts the finished parts together ([`assemble`]) into the
//! [`Read`] and [`Resolved`] that reading and counting on one machine give. Everything sent is
//! bytes (bincode), so any engine that can move bytes and group by a key can run a corpus.
//!
//! Copies of a text in a period are counted once, the first in reading order, as on one
//! machine. A share cannot see the others' texts, so a first, lighter pass ([`look`]: read,
//! date and hash, no words) gives every dated document's key; from the keys the driver finds
//! the copies, which the counting pass skips, and cuts the shares to count by period
//! ([`Files::count_shares`]): a period of fewer bytes than a share lies wholly in one, which
//! finishes its counts itself (its dispersion worked out where its documents' rows are), so
//! that the engine's grouping by period passes such a part on as it came, and only the
//! periods cut between shares send their per-document rows to be merged.

mod share;
mod worker;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::count::{self, CountOptions, FormsPart, PeriodMerge, PeriodPart, Tally};
use crate::ingest::date::DateOrder;
use crate::ingest::metadata::Metadata;
use crate::ingest::table::Columns;
use crate::ingest::walk::Skipped;
use crate::period::Periods;

use super::read::{Copies, Read, ReadPart};
use super::resolve::Resolved;
use super::setup::Words;
pub(crate) use share::Files;
pub(crate) use share::Share;
#[cfg(feature = "cluster")]
pub(crate) use worker::set_corpus_root;
use worker::Worker;

/// The version of the program, which driver and workers must share: the parts are read
/// back by the same code that wrote them.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The version a worker says it is (a test may pretend another with
/// `THEMESHIFT_CLUSTER_VERSION`, to see the mismatch refused).
fn own_version() -> String {
    std::env::var("THEMESHIFT_CLUSTER_VERSION").unwrap_or_else(|_| VERSION.to_string())
}

/// How documents are read and counted: what every machine must agree on, sent by the driver
/// with each share (the lexicon and stopwords as text: only the corpus is shared).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Settings {
    version: String,
    /// The tokeniser's and the lexicon's text.
    words: Words,
    period: Periods,
    date_order: DateOrder,
    encoding: Option<String>,
    columns: Columns,
    count: CountOptions,
    /// The input is one file (a table that fails is then an error, not a skipped file).
    input: PathBuf,
}

impl Settings {
    /// The settings of a run of `config` with the words it was set up with, counting what
    /// discovery settled (`count`).
    pub(crate) fn new(
        config: &crate::config::Config,
        words: &Words,
        count: CountOptions,
    ) -> Result<Settings> {
        Ok(Settings {
            version: VERSION.to_string(),
            words: words.clone(),
            period: config.period.clone(),
            date_order: config.date_order,
            encoding: config.encoding.map(|e| e.name().to_string()),
            columns: config.columns.clone(),
            count,
            input: std::path::absolute(&config.input).unwrap_or_else(|_| config.input.clone()),
        })
    }

    /// The settings as bytes, to send: JSON (small, and self-describing, so that a driver
    /// of another version is still read far enough to be told so).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("settings are plain data")
    }

    /// Settings sent by a driver: refused when the driver runs another version.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Settings> {
        let sent: serde_json::Value =
            serde_json::from_slice(bytes).context("the driver's settings cannot be read")?;
        let version = sent["version"].as_str().unwrap_or("unknown");
        let mine = own_version();
        if version != mine {
            bail!(
                "versions differ: the driver is themeshift {version}, this executor is \
                 themeshift {mine}; run the same version on every machine"
            );
        }
        serde_json::from_value(sent).context("the driver's settings cannot be read")
    }

    fn encoding(&self) -> Option<&'static encoding_rs::Encoding> {
        self.encoding
            .as_deref()
            .and_then(|e| encoding_rs::Encoding::for_label(e.as_bytes()))
    }
}

/// A document's key for the look for copies: its period, its text's SHA-256, its place.
pub(crate) type Key = (String, [u8; 32], u64);

/// The first pass over a share: its dated documents' keys (no words split).
pub(crate) fn look(share: &Share, settings: Settings) -> Result<Vec<Key>> {
    let worker = Worker::new(settings, share)?;
    let (part, _) = worker.read(share, Copies::None);
    Ok(part
        .docs()
        .iter()
        .filter_map(|d| Some((d.period.as_deref()?.to_string(), d.sha256, d.place)))
        .collect())
}

/// The copies not to count, from the places of each text's copies in a period: all but the
/// first in reading order.
pub(crate) fn copies(groups: impl IntoIterator<Item = Vec<u64>>) -> FxHashSet<u64> {
    let mut copies = FxHashSet::default();
    for mut places in groups {
        places.sort_unstable();
        copies.extend(places.into_iter().skip(1));
    }
    copies
}

/// What a share gives, and what the grouping by period holds.
#[derive(Debug, Serialize, Deserialize)]
enum Part {
    /// A period's counts from some of its documents: to merge with the rest, then finish.
    Period(PeriodPart),
    /// The records and forms, which belong to no period.
    Read(ReadPart, FormsPart),
    /// A period's counts from all its documents, finished (their dispersion worked out):
    /// passed on as they are.
    Finished(PeriodPart),
}

impl Part {
    /// Which kind of part `bytes` hold, read from their first bytes alone (bincode writes an
    /// enum's variant first, as a variable-length integer): a finished part or the records
    /// are passed on without being read whole.
    fn kind(bytes: &[u8]) -> Result<u32> {
        let (kind, _): (u32, usize) =
            bincode::serde::decode_from_slice(bytes, bincode::config::standard())
                .context("a part of the counts cannot be read")?;
        Ok(kind)
    }

    /// [`Part::kind`] of a finished period's part and of the records.
    const FINISHED_OR_READ: [u32; 2] = [2, 1];
}

/// The second pass over a share: its documents read and counted (but the copies the share
/// names), as (period, bytes) for each period it holds and (a key of the share's own, bytes)
/// for its records and forms ([`records_key`]).
pub(crate) fn count(share: &Share, settings: Settings) -> Result<Vec<(String, Vec<u8>)>> {
    let kwic_max = settings.count.kwic_max;
    let worker = Worker::new(settings, share)?;
    let copies: FxHashSet<u64> = share.copies.iter().copied().collect();
    let (part, tallies) = worker.read(share, Copies::AllBut(&copies));
    let periods: Vec<String> = Tally::period_tokens(&tallies).into_keys().collect();
    let options = count::CombineOptions {
        prune_below: None,
        first_docs_in: &periods,
        places: &FxHashMap::default(),
    };
    let unreadable = "reading back the per-document log from its temporary file";
    let (counts, first) = count::combine(tallies, &options).context(unreadable)?;
    let (periods, forms) =
        (counts.into_parts(&first, kwic_max, &share.whole)).context(unreadable)?;
    let mut out: Vec<(String, Vec<u8>)> = periods
        .into_iter()
        .map(|p| {
            let label = p.label.clone();
            match p.is_finished() {
                true => (label, encode(&Part::Finished(p))),
                false => (label, encode(&Part::Period(p))),
            }
        })
        .collect();
    out.push((records_key(share), encode(&Part::Read(part, forms))));
    Ok(out)
}

/// The key a share's records and forms are grouped by: the share's own (its first place,
/// after a byte no period's label begins with), so that the engine groups them with nothing
/// and passes them on as they came; this machine merges every share's (the records of a
/// corpus are needed here whole, and merging them on the way was a task of its own, of
/// seconds at a gigabyte, that the job's end waited for).
fn records_key(share: &Share) -> String {
    format!("\0{}", share.files.first().map_or(0, |f| f.2))
}

/// The parts of one group merged: a period's counts. (A share's records and forms, and a
/// period a share held whole, are a group alone, and pass as they came.)
pub(crate) enum Merged {
    Empty,
    /// One part, as it came: passed on as it is when no other joins it (an engine's partial
    /// aggregation of one share's part, or a period a share held whole), so that it is not
    /// read and written again for nothing.
    One(Vec<u8>),
    Period(Box<PeriodMerge>),
}

impl Merged {
    /// Adds a part, as bytes.
    pub(crate) fn add(&mut self, bytes: &[u8]) -> Result<()> {
        match std::mem::replace(self, Merged::Empty) {
            Merged::Empty => {
                *self = Merged::One(bytes.to_vec());
                return Ok(());
            }
            Merged::One(first) => self.join(&first)?,
            merged => *self = merged,
        }
        self.join(bytes)
    }

    /// Reads a part and merges it in.
    fn join(&mut self, bytes: &[u8]) -> Result<()> {
        let part: Part = decode(bytes).context("a part of the counts cannot be read")?;
        *self = match (std::mem::replace(self, Merged::Empty), part) {
            (Merged::Empty, Part::Period(p)) => Merged::Period(Box::new(PeriodMerge::new(p)?)),
            (Merged::Period(mut m), Part::Period(p)) => {
                m.add(p)?;
                Merged::Period(m)
            }
            (_, Part::Finished(p)) => bail!(
                "the counts of period {} came from a share that held the whole period, and \
                 from another",
                p.label
            ),
            (_, Part::Read(..)) => bail!("the records of two shares came under one key"),
            // (`add` reads the part it holds before it joins another.)
            (Merged::One(_), Part::Period(p)) => {
                bail!(
                    "a part of period {} came before the part held was read",
                    p.label
                )
            }
        };
        Ok(())
    }

    /// The parts merged so far, as bytes (to merge on with others elsewhere).
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        Ok(match self {
            Merged::Empty => Vec::new(),
            Merged::One(bytes) => bytes.clone(),
            Merged::Period(m) => encode(&Part::Period(m.to_part()?)),
        })
    }

    /// Every part is in: a period's dispersion is worked out. As bytes.
    pub(crate) fn finish(self) -> Result<Vec<u8>> {
        Ok(match self {
            Merged::Empty => Vec::new(),
            Merged::One(bytes) if Part::FINISHED_OR_READ.contains(&Part::kind(&bytes)?) => bytes,
            Merged::One(bytes) => {
                let mut merged = Merged::Empty;
                merged.join(&bytes)?;
                merged.finish()?
            }
            Merged::Period(m) => encode(&Part::Finished(m.finish()?)),
        })
    }
}

/// What the driver knows before the parts come back: the walk's skipped files, the input,
/// metadata.csv, and the settings' concordance sample and phrase threshold.
pub(crate) struct Known<'a> {
    pub(crate) walk_skipped: Vec<Skipped>,
    pub(crate) input: &'a Path,
    pub(crate) metadata: Metadata,
    pub(crate) min_count: u64,
    pub(crate) kwic_max: usize,
}

/// The read stage's and resolve stage's results from the finished parts (as bytes), as one
/// machine gives them.
pub(crate) fn assemble(parts: Vec<Vec<u8>>, known: Known) -> Result<(Read, Resolved)> {
    let mut periods = Vec::new();
    let mut read = ReadPart::default();
    let mut forms = FormsPart::default();
    // Decoded side by side: the parts of many periods are tens of megabytes.
    let decoded: Vec<Result<Part>> = {
        use rayon::prelude::*;
        let parts = parts.par_iter().filter(|b| !b.is_empty());
        parts.map(|b| decode::<Part>(b)).collect()
    };
    for part in decoded {
        match part.context("a part of the counts cannot be read")? {
            Part::Period(p) | Part::Finished(p) => periods.push(p),
            Part::Read(r, f) => {
                read = read.merge(r);
                forms = forms.merge(f);
            }
        }
    }
    drop(parts);
    let mut read = read.into_read(known.walk_skipped, known.input, known.metadata)?;
    let (mut counts, first_docs) = count::assemble(periods, forms)?;
    let canonical = crate::corpus::Canonical::of(&mut read.docs);
    canonical.rename(&mut counts.kwic);
    counts.prune_phrases(known.min_count);
    counts.kwic_sample(known.kwic_max);
    let runs_written = 0;
    let resolved = Resolved {
        counts,
        first_docs,
        runs_written,
    };
    Ok((read, resolved))
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    bincode::serde::encode_to_vec(value, bincode::config::standard())
        .expect("counts are plain data and encode")
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let (value, read) = bincode::serde::decode_from_slice(bytes, bincode::config::standard())?;
    if read != bytes.len() {
        bail!("{} bytes left over", bytes.len() - read);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{Counts, FirstDocs, PeriodCounts};

    /// A period's part from counts of one document in 2001, finished or not.
    fn part(finished: bool) -> PeriodPart {
        let mut counts = Counts::default();
        let period = PeriodCounts::of_one_document(5, &[("commission", 2), ("trust", 1)]);
        counts.periods.insert("2001".into(), period);
        let whole = match finished {
            true => vec!["2001".to_string()],
            false => Vec::new(),
        };
        let (mut parts, _) = (counts.into_parts(&FirstDocs::default(), 0, &whole)).unwrap();
        parts.remove(0)
    }

    #[test]
    fn a_finished_period_passes_the_merge_as_it_came_and_joins_no_other_part() {
        let (open, done) = (part(false), part(true));
        assert!(!open.is_finished() && done.is_finished());
        let open = encode(&Part::Period(open));
        let done = encode(&Part::Finished(done));
        let read = encode(&Part::Read(ReadPart::default(), FormsPart::default()));
        // A part's kind is read from its first bytes.
        assert_eq!(Part::kind(&open).unwrap(), 0);
        assert!(Part::FINISHED_OR_READ.contains(&Part::kind(&done).unwrap()));
        assert!(Part::FINISHED_OR_READ.contains(&Part::kind(&read).unwrap()));
        let mut alone = Merged::Empty;
        alone.add(&done).unwrap();
        assert_eq!(alone.finish().unwrap(), done);
        // A period one share held whole has no part anywhere else.
        let mut two = Merged::Empty;
        two.add(&done).unwrap();
        let error = two.add(&open).unwrap_err();
        assert!(format!("{error:#}").contains("whole period"), "{error:#}");
        // (That a period finished in its share is the one merged from parts is
        // pipeline::tests' `a_corpus_counted_in_shares_through_bytes_gives_the_tables_of_the_whole`.)
    }
}
