//! Periods: how a document's date is binned for comparison (calendar year, month or decade).

use chrono::{Datelike, NaiveDate};
use clap::ValueEnum;
use serde::Serialize;

/// The width of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
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
    pub fn label(self, date: NaiveDate) -> String {
        match self {
            PeriodKind::Year => format!("{:04}", date.year()),
            PeriodKind::Month => format!("{:04}-{:02}", date.year(), date.month()),
            PeriodKind::Decade => format!("{:04}s", date.year() - date.year().rem_euclid(10)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
