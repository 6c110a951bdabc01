//! Periods: how a document's date is binned for comparison: calendar year, month or decade
//! ([`PeriodKind`]), or ranges of years the user chose (`--periods 1995-2004,2005-2014`).

use chrono::{Datelike, NaiveDate};
use clap::ValueEnum;
use serde::Serialize;

/// The width of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// Calendar year, labelled `2003`.
    Year,
    /// Calendar month, labelled `2003-10`.
    Month,
    /// Decade, labelled `2000s`.
    Decade,
}

impl PeriodKind {
    /// The label of the period holding `date`. Labels sort in time order as strings.
    pub(crate) fn label(self, date: NaiveDate) -> String {
        match self {
            PeriodKind::Year => format!("{:04}", date.year()),
            PeriodKind::Month => format!("{:04}-{:02}", date.year(), date.month()),
            PeriodKind::Decade => format!("{:04}s", date.year() - date.year().rem_euclid(10)),
        }
    }
}

/// A range of years, both ends included, labelled `1995-2004` (or `2003` for one year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct YearRange {
    pub(crate) from: i32,
    pub(crate) to: i32,
}

impl YearRange {
    pub(crate) fn label(self) -> String {
        if self.from == self.to {
            format!("{:04}", self.from)
        } else {
            format!("{:04}-{:04}", self.from, self.to)
        }
    }
}

/// How dates become periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum Periods {
    /// Every year, month or decade.
    Every(PeriodKind),
    /// The user's ranges, in time order, not overlapping; a date outside all of them has no
    /// period.
    Ranges(Vec<YearRange>),
}

impl Periods {
    /// The label of the period holding `date`, if any. Labels sort in time order as strings.
    pub(crate) fn label(&self, date: NaiveDate) -> Option<String> {
        match self {
            Periods::Every(kind) => Some(kind.label(date)),
            Periods::Ranges(ranges) => ranges
                .iter()
                .find(|r| (r.from..=r.to).contains(&date.year()))
                .map(|r| r.label()),
        }
    }

    /// Whether a date known only by its year (a bare `2010`) belongs in one of these periods:
    /// in a year, a decade or a range of years it does; in a month it does not, and the
    /// document is left out rather than put in January.
    pub(crate) fn hold_years_alone(&self) -> bool {
        !matches!(self, Periods::Every(PeriodKind::Month))
    }

    /// The label of the period holding a date known only by its year (`year` on 1 January),
    /// if these periods [`hold_years_alone`](Periods::hold_years_alone).
    pub(crate) fn label_of_year(&self, year: NaiveDate) -> Option<String> {
        self.hold_years_alone().then(|| self.label(year))?
    }

    /// Parses `--periods`: comma-separated years or year ranges (`1995-2004,2005-2014,2015`),
    /// in time order and not overlapping. Gaps are allowed (dates in them are left out).
    pub(crate) fn parse_ranges(text: &str) -> Result<Periods, String> {
        let mut ranges: Vec<YearRange> = Vec::new();
        for part in text.split(',').map(str::trim) {
            let year = |s: &str| {
                let s = s.trim();
                (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| s.parse::<i32>().ok())
                    .flatten()
                    .ok_or_else(|| {
                        format!("'{part}' is not a year or a range of years such as 1995-2004")
                    })
            };
            let range = match part.split_once(['-', '–']) {
                Some((a, b)) => YearRange {
                    from: year(a)?,
                    to: year(b)?,
                },
                None => {
                    let y = year(part)?;
                    YearRange { from: y, to: y }
                }
            };
            if range.from > range.to {
                return Err(format!("'{part}' ends before it starts"));
            }
            if let Some(before) = ranges.last() {
                if range.from <= before.to {
                    return Err(format!(
                        "'{part}' does not come after {}: list the periods in time order, without overlaps",
                        before.label()
                    ));
                }
            }
            ranges.push(range);
        }
        Ok(Periods::Ranges(ranges))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_of_years() {
        let p = Periods::parse_ranges("1995-2004, 2005–2014,2015").unwrap();
        let d = |y| NaiveDate::from_ymd_opt(y, 6, 1).unwrap();
        assert_eq!(p.label(d(1995)).as_deref(), Some("1995-2004"));
        assert_eq!(p.label(d(2004)).as_deref(), Some("1995-2004"));
        assert_eq!(p.label(d(2010)).as_deref(), Some("2005-2014"));
        assert_eq!(p.label(d(2015)).as_deref(), Some("2015"));
        assert_eq!(p.label(d(1990)), None);
        assert_eq!(p.label(d(2016)), None);
        for bad in [
            "2005-2014,1995-2004",
            "1995-2005,2005-2014",
            "2010-2000",
            "1995-",
            "x",
            "",
        ] {
            assert!(Periods::parse_ranges(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Periods::Every(PeriodKind::Decade).label(d(2003)).as_deref(),
            Some("2000s")
        );
    }

    #[test]
    fn a_year_alone_is_in_a_year_a_decade_or_a_range_never_in_a_month() {
        let d = NaiveDate::from_ymd_opt(2010, 1, 1).unwrap();
        assert_eq!(Periods::Every(PeriodKind::Month).label_of_year(d), None);
        assert_eq!(
            Periods::Every(PeriodKind::Year).label_of_year(d).as_deref(),
            Some("2010")
        );
        assert_eq!(
            Periods::Every(PeriodKind::Decade)
                .label_of_year(d)
                .as_deref(),
            Some("2010s")
        );
        let ranges = Periods::parse_ranges("2005-2014").unwrap();
        assert_eq!(ranges.label_of_year(d).as_deref(), Some("2005-2014"));
    }

    #[test]
    fn labels() {
        let d = NaiveDate::from_ymd_opt(2003, 10, 16).unwrap();
        assert_eq!(PeriodKind::Year.label(d), "2003");
        assert_eq!(PeriodKind::Month.label(d), "2003-10");
        assert_eq!(PeriodKind::Decade.label(d), "2000s");
        let d = NaiveDate::from_ymd_opt(1999, 1, 2).unwrap();
        assert_eq!(PeriodKind::Decade.label(d), "1990s");
    }
}
