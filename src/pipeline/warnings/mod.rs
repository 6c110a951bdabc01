//! Everything odd the run found in the documents, collected in one place as [`Warning`]s for
//! the summary and the report, and `--strict`'s check of them.

use chrono::Datelike;
use rustc_hash::FxHashSet;

use crate::corpus::DocRecord;
use crate::count::Counts;
use crate::error::InputError;
use crate::ingest::date::{DateOrder, DateReading};
use crate::lexicon::Lexicon;
use crate::period::Periods;
use crate::report::summary::list;

use super::read::Read;

/// Something odd about the documents that does not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Warning {
    /// What reading found wrong with a table file as a whole (a quote left open).
    Table(String),
    /// Documents with the text of another in the same period: "name (same text as other)".
    Copies(Vec<String>),
    /// Files with bytes not valid in their encoding: "name (count)".
    Replaced(Vec<String>),
    /// Documents dated after today: "name (date)".
    Future(Vec<String>),
    /// Documents dated before 1800: "name (date)".
    Before1800(Vec<String>),
    /// Documents dated outside the periods of `--periods`: "name (date)".
    OutsidePeriods(Vec<String>),
    /// About how dates were read: no such day, a year alone in months, the numeric order.
    Dates(String),
    /// Files metadata.csv lists that were not read as documents.
    MetadataUnknown(Vec<String>),
    /// Lexicon patterns that counted no hit (and excluded patterns that never occurred), by
    /// theme: its name and "'pattern'" or "exclude 'pattern'". All of them are named: each
    /// of a lexicon's typos is worth seeing.
    UnmatchedPatterns(Vec<(String, Vec<String>)>),
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::Table(text) => write!(f, "{text}"),
            Warning::Copies(v) => write!(
                f,
                "{} duplicate document(s) counted once: {}",
                v.len(),
                list(v)
            ),
            Warning::Replaced(v) => write!(
                f,
                "{} file(s) held bytes that are not valid text in the encoding detected, shown \
                 as \u{FFFD} (count in brackets); check their encoding (--encoding): {}",
                v.len(),
                list(v)
            ),
            Warning::Future(v) => write!(
                f,
                "{} document(s) dated in the future; check their dates: {}",
                v.len(),
                list(v)
            ),
            Warning::Before1800(v) => write!(
                f,
                "{} document(s) dated before 1800; check their dates: {}",
                v.len(),
                list(v)
            ),
            Warning::OutsidePeriods(v) => write!(
                f,
                "{} document(s) dated outside the periods chosen with --periods, so not \
                 counted: {}",
                v.len(),
                list(v)
            ),
            Warning::Dates(text) => write!(f, "{text}"),
            Warning::MetadataUnknown(v) => write!(
                f,
                "metadata.csv lists {} file(s) that were not read as documents: {}",
                v.len(),
                v.join(", ")
            ),
            Warning::UnmatchedPatterns(v) => write!(
                f,
                "{} lexicon pattern(s) matched nothing in the dated documents (a typo, or \
                 another pattern of the theme took every match): {}",
                v.iter().map(|(_, p)| p.len()).sum::<usize>(),
                v.iter()
                    .map(|(theme, p)| format!("{theme}: {}", p.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
}

impl Warning {
    /// The warning as the terminal shows it: as [`Display`](std::fmt::Display) has it, but
    /// lexicon patterns that matched nothing (most of a lexicon written for a larger corpus,
    /// on a small one) as one line naming the first few; report.html and run.json name all.
    pub(crate) fn short(&self) -> String {
        let Warning::UnmatchedPatterns(v) = self else {
            return self.to_string();
        };
        const FIRST: usize = 3;
        let total: usize = v.iter().map(|(_, p)| p.len()).sum();
        let (mut named, mut left) = (Vec::new(), FIRST);
        for (theme, patterns) in v {
            if left == 0 {
                break;
            }
            let first = &patterns[..patterns.len().min(left)];
            left -= first.len();
            named.push(format!("{theme} {}", first.join(", ")));
        }
        let mut named = named.join("; ");
        if total > FIRST {
            named.push_str(&format!(" and {} more", total - FIRST));
        }
        format!(
            "{total} lexicon pattern(s) matched nothing in the dated documents (report.html and \
             run.json list them): {named}"
        )
    }

    /// Whether the terminal shows this as a note rather than a warning: patterns that
    /// matched nothing are expected of a lexicon written for a larger corpus.
    pub(crate) fn is_note(&self) -> bool {
        matches!(self, Warning::UnmatchedPatterns(_))
    }
}

/// The warnings about what `read` found, in a fixed order.
pub(crate) fn collect(read: &Read, periods: &Periods, order: DateOrder) -> Vec<Warning> {
    let docs = &read.docs;
    let mut warnings: Vec<Warning> = read
        .table_warnings
        .iter()
        .cloned()
        .map(Warning::Table)
        .collect();
    let named = |keep: &dyn Fn(&DocRecord) -> Option<String>| -> Vec<String> {
        docs.iter().filter_map(keep).collect()
    };
    let today = chrono::Local::now().date_naive();
    let found = [
        Warning::Copies(named(&|d| {
            let first = &docs[d.duplicate_of? as usize];
            Some(format!("{} (same text as {})", d.name, first.name))
        })),
        Warning::Replaced(named(&|d| {
            (d.replaced_chars > 0).then(|| format!("{} ({})", d.name, d.replaced_chars))
        })),
        Warning::Future(named(&|d| {
            let date = d.date.filter(|&x| x > today).and(d.date_text())?;
            Some(format!("{} ({date})", d.name))
        })),
        Warning::Before1800(named(&|d| {
            let date = d.date.filter(|x| x.year() < 1800).and(d.date_text())?;
            Some(format!("{} ({date})", d.name))
        })),
        // A year alone is in no month: the date warnings name those.
        Warning::OutsidePeriods(named(&|d| {
            let year_alone = d.reading == DateReading::YearOnly && !periods.hold_years_alone();
            let outside = d.date.is_some() && d.period.is_none() && !year_alone;
            Some(format!(
                "{} ({})",
                d.name,
                d.date_text().filter(|_| outside)?
            ))
        })),
    ];
    warnings.extend(found.into_iter().filter(|w| !is_empty(w)));
    let dates = crate::report::date_warnings::date_warnings(
        docs,
        &read.impossible_dates,
        &read.bad_dates,
        periods,
        order,
    );
    warnings.extend(dates.into_iter().map(Warning::Dates));
    let unknown = unknown_in_metadata(read);
    if !unknown.is_empty() {
        warnings.push(Warning::MetadataUnknown(unknown));
    }
    warnings
}

/// A list warning with nothing in it.
fn is_empty(w: &Warning) -> bool {
    match w {
        Warning::Copies(v)
        | Warning::Replaced(v)
        | Warning::Future(v)
        | Warning::Before1800(v)
        | Warning::OutsidePeriods(v)
        | Warning::MetadataUnknown(v) => v.is_empty(),
        Warning::UnmatchedPatterns(v) => v.is_empty(),
        Warning::Table(_) | Warning::Dates(_) => false,
    }
}

/// The warning naming the lexicon's patterns that matched nothing in `counts`, if any.
pub(crate) fn unmatched(counts: &Counts, lexicon: Option<&Lexicon>) -> Option<Warning> {
    let unmatched = crate::measure::themes::unmatched_patterns(counts, lexicon?);
    Some(Warning::UnmatchedPatterns(unmatched)).filter(|w| !is_empty(w))
}

/// The files metadata.csv names that were not read, in name order.
fn unknown_in_metadata(read: &Read) -> Vec<String> {
    if read.metadata.is_empty() {
        return Vec::new();
    }
    let names: FxHashSet<&str> = read.docs.iter().map(|d| &*d.name).collect();
    let mut unknown: Vec<String> = read
        .metadata
        .keys()
        .filter(|k| !names.contains(k.as_str()))
        .cloned()
        .collect();
    unknown.sort();
    unknown
}

/// The documents with no date, by name.
pub(crate) fn undated(read: &Read) -> Vec<String> {
    read.docs
        .iter()
        .filter(|d| d.date.is_none())
        .map(|d| d.name.to_string())
        .collect()
}

/// `--strict`: the run fails (nothing written) on everything the summary would warn about:
/// skipped files, undated documents, the warnings.
pub(crate) fn check_strict(
    strict: bool,
    read: &Read,
    warnings: &[Warning],
) -> Result<(), InputError> {
    let undated = undated(read);
    if !strict || read.skipped.is_empty() && warnings.is_empty() && undated.is_empty() {
        return Ok(());
    }
    let mut problems: Vec<String> = read
        .skipped
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
    problems.extend(warnings.iter().map(Warning::to_string));
    Err(InputError::Strict(format!(
        "{} problem(s): {}",
        problems.len(),
        list(&problems)
    )))
}
