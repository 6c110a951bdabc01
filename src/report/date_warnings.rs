//! Warnings about how the documents' dates were read: dates that are no real day, dates known
//! only by their year when periods are months, and numeric dates read against the rest of
//! the corpus.

use super::summary::list;
use crate::corpus::natural_cmp;
use crate::corpus::DocRecord;
use crate::ingest::date::DateOrder;
use crate::period::Periods;

/// Warnings about how documents' dates were read: dates that are no real day
/// ([`no_such_day_warnings`]), dates known only by their year when periods are months, and
/// numeric dates read against the rest of the corpus ([`date_order_warning`]). The
/// documents are named, in name order.
pub(crate) fn date_warnings(
    docs: &[DocRecord],
    impossible: &[(String, String)],
    bad_dates: &[(String, String)],
    periods: &Periods,
    order: DateOrder,
) -> Vec<String> {
    let mut warnings = no_such_day_warnings(docs, impossible, bad_dates);
    if !periods.hold_years_alone() {
        let years: Vec<String> = docs
            .iter()
            .filter(|d| d.reading == crate::ingest::date::DateReading::YearOnly)
            .filter_map(|d| Some(format!("{} ({})", d.name, d.date_text()?)))
            .collect();
        if !years.is_empty() {
            warnings.push(format!(
                "{} document(s) are dated by their year alone (a year in the file name, or a \
                 bare year cell), so they are in no month and left out of the monthly periods: {}",
                years.len(),
                list(&years)
            ));
        }
    }
    warnings.extend(date_order_warning(docs, order));
    warnings
}

/// A date in a document's header that is no real day (`impossible`: document, text), with
/// what the document was dated by instead; table rows whose date cell could not be used
/// (`bad_dates`: row, cell), those that are no real day apart.
fn no_such_day_warnings(
    docs: &[DocRecord],
    impossible: &[(String, String)],
    bad_dates: &[(String, String)],
) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut impossible: Vec<&(String, String)> = impossible.iter().collect();
    impossible.sort_by(|x, y| natural_cmp(&x.0, &y.0).then_with(|| x.0.cmp(&y.0)));
    let named: Vec<String> = impossible
        .iter()
        .map(|(name, text)| {
            let doc = docs
                .binary_search_by(|d| natural_cmp(&d.name, name).then_with(|| (*d.name).cmp(name)))
                .ok()
                .map(|i| &docs[i]);
            let instead = doc.and_then(|d| Some((d.date_text()?, d.date_source?.as_str())));
            match instead {
                Some((date, source)) => format!("{name} ('{text}'; dated {date} from {source})"),
                None => format!("{name} ('{text}'; left undated)"),
            }
        })
        .collect();
    if !named.is_empty() {
        warnings.push(format!(
            "{} document(s) give a date that does not exist (no such day), which was not used: {}",
            named.len(),
            list(&named)
        ));
    }
    let (no_such_day, unreadable): (Vec<_>, Vec<_>) = bad_dates
        .iter()
        .partition(|(_, cell)| crate::ingest::date::impossible_date(cell).is_some());
    for (rows, what) in [
        (no_such_day, "a date that does not exist (no such day)"),
        (unreadable, "a date that cannot be read"),
    ] {
        if let Some((name, cell)) = rows.first() {
            warnings.push(format!(
                "{} table row(s) have {what} and are left undated (first: {name}: '{cell}')",
                rows.len()
            ));
        }
    }
    warnings
}

/// Numeric dates that read either way (`03/04/2005`), read in the order asked for (`order`),
/// while other numeric dates of the corpus can only be read the other way (`07/22/2010`):
/// they are named, with the flag that reads them the other way. Dates are read in parallel
/// as documents are counted, so the run warns rather than reading them again.
fn date_order_warning(docs: &[DocRecord], order: crate::ingest::date::DateOrder) -> Option<String> {
    use crate::ingest::date::{DateOrder, DateReading};
    let only = |r: DateReading| {
        let first = docs.iter().find(|d| d.reading == r);
        let n = docs.iter().filter(|d| d.reading == r).count();
        (first.map(|d| d.name.to_string()), n)
    };
    let (day_first, month_first) = (
        only(DateReading::DayFirstOnly),
        only(DateReading::MonthFirstOnly),
    );
    let either: Vec<String> = docs
        .iter()
        .filter(|d| d.reading == DateReading::EitherOrder)
        .filter_map(|d| Some(format!("{} ({})", d.name, d.date_text()?)))
        .collect();
    let (asked, other_way, against, with_it, advice) = match order {
        DateOrder::DayFirst => (
            "day first",
            "month first",
            &month_first,
            &day_first,
            "if the corpus writes the month first (US style), run again with --month-first",
        ),
        DateOrder::MonthFirst => (
            "month first",
            "day first",
            &day_first,
            &month_first,
            "if the corpus writes the day first, run again without --month-first",
        ),
    };
    let against_first = against.0.as_ref().filter(|_| !either.is_empty())?;
    let seen = match &with_it.0 {
        None => format!(
            "{} numeric date(s) can only be read {other_way} (first: {against_first}) and none \
             only {asked}",
            against.1
        ),
        Some(with_first) => format!(
            "the numeric dates are written both ways ({} only {asked}, first: {with_first}; \
             {} only {other_way}, first: {against_first})",
            with_it.1, against.1
        ),
    };
    Some(format!(
        "{seen}, yet {} date(s) that read either way (such as 03/04/2005) were read {asked}, \
         and may be wrong: {}; {advice}",
        either.len(),
        list(&either)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest;

    #[test]
    fn numeric_dates_read_against_the_rest_of_the_corpus_are_named_with_the_flag_to_use() {
        use ingest::date::{DateOrder, DateReading::*};
        let doc = |name: &str, reading| {
            let info = ingest::DocumentInfo {
                name: name.into(),
                title: String::new(),
                date: chrono::NaiveDate::from_ymd_opt(2005, 4, 3),
                date_source: Some(ingest::date::DateSource::Text),
                reading,
                impossible_date: None,
                source: None,
                encoding: "UTF-8",
                replaced_chars: 0,
                bytes: 1,
                sha256: [0; 32],
            };
            DocRecord::new(info, None, crate::count::DocSize::default(), true, 0, false)
        };
        let docs = [doc("a", EitherOrder), doc("b", MonthFirstOnly)];
        let w = date_order_warning(&docs, DateOrder::DayFirst).unwrap();
        assert!(
            w.starts_with("1 numeric date(s) can only be read month first (first: b)")
                && w.contains("a (2005-04-03)")
                && w.ends_with("run again with --month-first"),
            "{w}"
        );
        // Read month first as asked: nothing against it.
        assert_eq!(date_order_warning(&docs, DateOrder::MonthFirst), None);
        // Both ways in one corpus: the either-way dates are named whatever the order.
        let docs = [
            doc("a", EitherOrder),
            doc("b", MonthFirstOnly),
            doc("c", DayFirstOnly),
        ];
        let w = date_order_warning(&docs, DateOrder::MonthFirst).unwrap();
        assert!(
            w.starts_with("the numeric dates are written both ways (1 only month first, first: b; 1 only day first, first: c)")
                && w.ends_with("run again without --month-first"),
            "{w}"
        );
        // No date that reads either way: nothing was guessed.
        assert_eq!(
            date_order_warning(&[doc("b", MonthFirstOnly)], DateOrder::DayFirst),
            None
        );
    }
}
