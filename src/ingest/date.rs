//! Reading publication dates: in metadata cells, in `Published:`/`Date:` lines and the first
//! lines of a document (with its title), and in file names. Pure functions, no I/O.
//!
//! Accepted forms, anywhere in a line: `16/10/2003`, `16-10-2003`, `16.10.2003` (day first
//! unless [`DateOrder::MonthFirst`]; when that reading is impossible, as in `10/16/2003`, the
//! other order is used), `22 July 2010`, `22nd of July, 2010`, `22 Jul 2010`, `July 22, 2010`,
//! `July 22 2010`, `Jul. 22, 2010`, `2010-07-22`, `2010/07/22` and `2010-07-22T10:00:00Z`.
//! Month names are English, any case, full, three letters or in between (`Sept`). A weekday
//! before the date and a time after it belong to the date. In a range such as
//! `18-19 November 2010` the last day is taken. Impossible days (31 June, 29 February 2011)
//! are refused, never corrected, and named ([`impossible_date`]) so the run can say so. A full
//! date may have any year from 1000 to 2100 (the run warns about those before 1800); a year
//! standing alone is a date only from 1800 to 2100, and only a year ([`DateReading::YearOnly`]).
//! Two-digit years, and a month without a day (`July 2010`), are not dates here. How a numeric
//! date could be read ([`DateReading`]) is kept, so that a corpus whose dates are written month
//! first can be told from the dates themselves.

use std::ops::RangeInclusive;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::{Captures, Regex};

/// How to read an ambiguous numeric date such as `03/04/2005`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub(crate) enum DateOrder {
    /// 3 April 2005 (UK and most of the world).
    #[default]
    DayFirst,
    /// March 4, 2005 (US).
    MonthFirst,
}

/// What a date's written form says beyond the date: whether only its year is known, and for a
/// numeric date (`03/04/2005`), which orders of day and month it can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub(crate) enum DateReading {
    /// Read one way whatever the order: written with a month name, in ISO order, or numeric
    /// with day and month equal (`05/05/2005`).
    #[default]
    Plain,
    /// A year alone (`2010` in a cell or a file name): the day and month are not known, and
    /// the date stands for the whole year.
    YearOnly,
    /// Numeric, real either way and different (`03/04/2005`): read in the order asked for.
    EitherOrder,
    /// Numeric, real only day first (`22/07/2010`).
    DayFirstOnly,
    /// Numeric, real only month first (`07/22/2010`).
    MonthFirstOnly,
}

/// Where a document's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum DateSource {
    /// The `date` column of a metadata table.
    Metadata,
    /// A `Published:` or `Date:` line near the top of the text.
    DateLine,
    /// The first date in the first lines of the text.
    Text,
    /// A date or year in the file name (or a folder name).
    FileName,
    /// The date column of a table corpus (CSV, TSV, JSON Lines).
    Column,
    /// A `<meta>` or `<time>` date of an HTML page.
    HtmlMeta,
}

impl DateSource {
    /// The name written in output tables: `metadata`, `date_line`, `text`, `file_name`,
    /// `column`, `html_meta`.
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            DateSource::Metadata => "metadata",
            DateSource::DateLine => "date_line",
            DateSource::Text => "text",
            DateSource::FileName => "file_name",
            DateSource::Column => "column",
            DateSource::HtmlMeta => "html_meta",
        }
    }
}

/// What the first lines of a document say about it; see [`scan_header`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HeaderScan {
    /// The date and where it was found.
    pub(crate) date: Option<(NaiveDate, DateSource)>,
    /// How the date could be read.
    pub(crate) reading: DateReading,
    /// Text shaped like a date that is no real day (`29/02/2011`), met where the date was
    /// looked for before the date found (if any).
    pub(crate) impossible: Option<String>,
    /// 0-based index of the `Published:`/`Date:` line: metadata, not part of the text.
    pub(crate) date_line: Option<usize>,
    /// The first non-empty line, trimmed, that is neither the date line nor only a date.
    pub(crate) title: Option<String>,
}

/// How many lines at the top of a document are searched for its date.
const HEADER_LINES: usize = 10;
/// Years taken as dates when written alone (`2007`); anything else is a number.
const YEARS: RangeInclusive<u32> = 1800..=2100;
/// Years taken as dates in a full date (`12 March 1750`): four digits with a day and month
/// beside them are a date, however old.
const FULL_DATE_YEARS: RangeInclusive<u32> = 1000..=2100;
/// Labels that make a line a date line (`Published: 16/10/2003`), compared ignoring case.
const DATE_LABELS: [&str; 2] = ["published", "date"];
/// English month names, in order.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Every accepted form, one alternative each; `{month}` becomes the month-name prefixes.
const DATE_PATTERN: &str = r"(?ix) \b
    (?: (?:mon|tues|wednes|thurs|fri|satur|sun)day ,? \s+ )?                  # Monday,
    (?:
        (?P<iso_y>\d{4}) [-/] (?P<iso_m>\d{1,2}) [-/] (?P<iso_d>\d{1,2})      # 2010-07-22
      | (?P<num_a>\d{1,2}) [-/.] (?P<num_b>\d{1,2}) [-/.] (?P<num_y>\d{4})    # 16/10/2003
      | (?: \d{1,2} (?:st|nd|rd|th)? \s* [-–] \s* )?                          # 18- (range)
        (?P<dm_d>\d{1,2}) (?:st|nd|rd|th)? \s+ (?:of \s+)?                    # 22nd of
        (?P<dm_m>(?:{month})[a-z]*) \.? ,? \s+ (?P<dm_y>\d{4})                # July, 2010
      | (?P<md_m>(?:{month})[a-z]*) \.? \s+                                   # Jul.
        (?P<md_d>\d{1,2}) (?:st|nd|rd|th)? ,? \s+ (?P<md_y>\d{4})             # 22, 2010
    )
    (?: (?:T|,?\s+) \d{1,2}:\d{2} (?::\d{2} (?:\.\d+)? )?                     # T10:00:00.5
        \s* (?:am|pm|z|utc|gmt|bst|[+-]\d{2}:?\d{2})? )?                      # Z, +01:00
    \b";

/// Finds candidate dates; [`from_captures`] decides whether one is real.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let prefixes = MONTHS.map(|m| &m[..3]).join("|");
    Regex::new(&DATE_PATTERN.replace("{month}", &prefixes)).expect("date pattern is valid")
});

/// A year standing alone in a name: `2007` in `report 2007`, not in `12345` or `a2007b`.
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d{4}\b").expect("valid"));

/// The date, if it is a real one in 1000–2100.
fn ymd(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    if !FULL_DATE_YEARS.contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// 1 January of a year written alone, if it is in 1800–2100.
fn year_alone(year: u32) -> Option<NaiveDate> {
    YEARS.contains(&year).then(|| ymd(year, 1, 1))?
}

/// 1–12 for a month name: in full, or its first three or more letters (`Jul`, `Sept`).
fn month_number(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    let index = MONTHS
        .iter()
        .position(|m| word.len() >= 3 && m.starts_with(&word))?;
    Some(index as u32 + 1)
}

/// What one match of [`DATE`] holds.
enum Candidate {
    Real(NaiveDate, DateReading),
    /// Date-shaped with a year in range, but no such day in any order allowed
    /// (`31/04/2010`, `29 February 2011`, `2010-13-01`).
    Impossible,
    /// A year out of range, or a word that only looks like a month.
    NotADate,
}

/// The date written in one match of [`DATE`], if it exists.
fn from_captures(c: &Captures, order: DateOrder) -> Candidate {
    let num = |group: &str| c.name(group)?.as_str().parse::<u32>().ok();
    let month = |group: &str| month_number(c.name(group)?.as_str());
    let full = |y: Option<u32>, m: Option<u32>, d: Option<u32>, reading| match (y, m, d) {
        (Some(y), Some(m), Some(d)) if FULL_DATE_YEARS.contains(&y) => match ymd(y, m, d) {
            Some(date) => Candidate::Real(date, reading),
            None => Candidate::Impossible,
        },
        _ => Candidate::NotADate,
    };
    if let Some(y) = num("iso_y") {
        return full(Some(y), num("iso_m"), num("iso_d"), DateReading::Plain);
    }
    if let Some(y) = num("num_y") {
        let (Some(a), Some(b)) = (num("num_a"), num("num_b")) else {
            return Candidate::NotADate;
        };
        if !FULL_DATE_YEARS.contains(&y) {
            return Candidate::NotADate;
        }
        let (day_first, month_first) = (ymd(y, b, a), ymd(y, a, b));
        let reading = match (day_first, month_first) {
            (None, None) => return Candidate::Impossible,
            (Some(x), Some(y)) if x == y => DateReading::Plain,
            (Some(_), Some(_)) => DateReading::EitherOrder,
            (Some(_), None) => DateReading::DayFirstOnly,
            (None, Some(_)) => DateReading::MonthFirstOnly,
        };
        let date = match order {
            DateOrder::DayFirst => day_first.or(month_first),
            DateOrder::MonthFirst => month_first.or(day_first),
        };
        return Candidate::Real(date.expect("one order is real"), reading);
    }
    if let Some(y) = num("dm_y") {
        return full(Some(y), month("dm_m"), num("dm_d"), DateReading::Plain);
    }
    full(num("md_y"), month("md_m"), num("md_d"), DateReading::Plain)
}

/// The first real date written anywhere in `s`, in any accepted form (see the module docs).
/// Impossible dates are skipped, and so are number pairs that are not dates (`Page 8 9`,
/// phone numbers). In a range such as `18-19 November 2010` the last day is taken.
pub(crate) fn find_date(s: &str, order: DateOrder) -> Option<NaiveDate> {
    find_reading(s, order).map(|(d, _)| d)
}

/// [`find_date`], with how the date could be read.
pub(crate) fn find_reading(s: &str, order: DateOrder) -> Option<(NaiveDate, DateReading)> {
    scan_line(s, order).0
}

/// The first text in `s` shaped like a full date, with a year from 1000 to 2100, that is no
/// real day in any order allowed: `31/04/2010`, `29/02/2011`, `29 February 2011`,
/// `2010-13-01`. `None` when a real date comes first, or there is none.
pub(crate) fn impossible_date(s: &str) -> Option<String> {
    scan_line(s, DateOrder::DayFirst).1
}

/// The first real date in `s`, and the first impossible one before it.
fn scan_line(s: &str, order: DateOrder) -> (Option<(NaiveDate, DateReading)>, Option<String>) {
    let mut impossible = None;
    for c in DATE.captures_iter(s) {
        match from_captures(&c, order) {
            Candidate::Real(d, r) => return (Some((d, r)), impossible),
            Candidate::Impossible if impossible.is_none() => {
                impossible = c.get(0).map(|m| m.as_str().trim().to_string());
            }
            _ => {}
        }
    }
    (None, impossible)
}

/// A cell of a metadata table: the whole cell (trimmed) must be a date in a form
/// [`find_date`] accepts, time allowed (`2010-07-22 10:00:00`), or a bare year, read as
/// 1 January (`2010` → 2010-01-01). Anything else (`about 2010`, `2010-07-22 or so`) is `None`.
pub(crate) fn parse_date_cell(s: &str, order: DateOrder) -> Option<NaiveDate> {
    read_date_cell(s, order).map(|(d, _)| d)
}

/// [`parse_date_cell`], with how the date could be read: a bare year is
/// [`DateReading::YearOnly`].
pub(crate) fn read_date_cell(s: &str, order: DateOrder) -> Option<(NaiveDate, DateReading)> {
    let s = s.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some((year_alone(s.parse().ok()?)?, DateReading::YearOnly));
    }
    let c = DATE.captures(s)?;
    if c.get(0)?.as_str().len() != s.len() {
        return None;
    }
    match from_captures(&c, order) {
        Candidate::Real(d, r) => Some((d, r)),
        _ => None,
    }
}

/// Reads the top of a document. The first of its first ten lines labelled `Published:` or
/// `Date:` (any case, leading space allowed) is the date line, and its date, if it has one,
/// is the document's ([`DateSource::DateLine`]). Otherwise the first date in the first ten
/// lines is taken ([`DateSource::Text`]). The title is the first non-empty line, trimmed,
/// that is neither the date line nor only a date (`Monday, 22 July 2010`); Markdown heading
/// marks (`# `) are dropped from it.
pub(crate) fn scan_header(text: &str, order: DateOrder) -> HeaderScan {
    let head: Vec<&str> = text.lines().take(HEADER_LINES).collect();
    let date_line = head.iter().position(|l| is_date_line(l));
    // An impossible date where the date was looked for, before the date found, is kept: on
    // the date line when it gave none, else before the first real date in the lines.
    let (on_date_line, mut impossible) = match date_line {
        Some(i) => scan_line(head[i], order),
        None => (None, None),
    };
    let (date, reading) = match on_date_line {
        Some((d, r)) => (Some((d, DateSource::DateLine)), r),
        None => {
            let mut found = None;
            for line in &head {
                let (real, odd) = scan_line(line, order);
                impossible = impossible.or(odd);
                if let Some((d, r)) = real {
                    found = Some((Some((d, DateSource::Text)), r));
                    break;
                }
            }
            found.unwrap_or((None, DateReading::Plain))
        }
    };
    let title = text
        .lines()
        .enumerate()
        .filter(|&(i, _)| Some(i) != date_line)
        .map(|(_, l)| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty() && !is_only_a_date(l))
        .map(str::to_string);
    HeaderScan {
        date,
        reading,
        impossible,
        date_line,
        title,
    }
}

/// True for `Published: ...` and `Date: ...` lines.
fn is_date_line(line: &str) -> bool {
    line.split_once(':').is_some_and(|(label, _)| {
        DATE_LABELS
            .iter()
            .any(|l| label.trim().eq_ignore_ascii_case(l))
    })
}

/// True when the line's first date-shaped text is all it holds, apart from punctuation.
fn is_only_a_date(line: &str) -> bool {
    DATE.find(line).is_some_and(|m| {
        !line[..m.start()]
            .chars()
            .chain(line[m.end()..].chars())
            .any(char::is_alphanumeric)
    })
}

#[cfg(test)]
/// The date in a file's name (path relative to the input folder, `/`-separated): a full date
/// (`2010-07-22-note.txt`), else a year (1800–2100) standing alone, read as 1 January:
/// `report_2007.txt`, `2010-nhs.md`; `v2.txt`, `12345.txt` and `a2007b.txt` have none.
/// The file name is tried first, then its folders from the nearest (`2007/a.txt`). A numeric
/// date whose day and month could be swapped (`03-04-2005`) gives only its year.
pub(crate) fn date_from_file_name(name: &str) -> Option<NaiveDate> {
    reading_from_file_name(name).map(|(d, _)| d)
}

/// The date in a file's name (the rules at `date_from_file_name`), with how it could be read: a year is
/// [`DateReading::YearOnly`], a full date [`DateReading::Plain`].
pub(crate) fn reading_from_file_name(name: &str) -> Option<(NaiveDate, DateReading)> {
    name.rsplit('/').find_map(|part| {
        let part = part.replace('_', " ");
        let full = find_date(&part, DateOrder::DayFirst);
        if full.is_some() && full == find_date(&part, DateOrder::MonthFirst) {
            return full.map(|d| (d, DateReading::Plain));
        }
        YEAR.find_iter(&part)
            .find_map(|y| year_alone(y.as_str().parse().ok()?))
            .map(|d| (d, DateReading::YearOnly))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateOrder::{DayFirst, MonthFirst};

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn numeric_dates_in_both_orders() {
        for s in ["16/10/2003", "16-10-2003", "16.10.2003", "on 16/10/2003."] {
            assert_eq!(find_date(s, DayFirst), d(2003, 10, 16), "{s}");
            assert_eq!(find_date(s, MonthFirst), d(2003, 10, 16), "{s}: falls back");
        }
        assert_eq!(find_date("03/04/2005", DayFirst), d(2005, 4, 3));
        assert_eq!(find_date("03/04/2005", MonthFirst), d(2005, 3, 4));
        assert_eq!(
            find_date("10/16/2003", DayFirst),
            d(2003, 10, 16),
            "falls back"
        );
        assert_eq!(find_date("10/16/2003", MonthFirst), d(2003, 10, 16));
    }

    #[test]
    fn written_and_iso_dates() {
        for s in [
            "22 July 2010",
            "22nd July 2010",
            "22 Jul 2010",
            "22 JULY 2010",
            "22nd of July, 2010",
            "July 22, 2010",
            "July 22 2010",
            "july 22nd, 2010",
            "Jul. 22, 2010",
            "2010-07-22",
            "2010/07/22",
            "2010-07-22T10:00:00Z",
            "2010-07-22T10:00:00.123+01:00",
            "Thursday, 22 July 2010 10:30",
            "Issued 22\u{a0}July\u{a0}2010 by the Department",
        ] {
            for order in [DayFirst, MonthFirst] {
                assert_eq!(find_date(s, order), d(2010, 7, 22), "{s}");
            }
        }
        assert_eq!(find_date("Sept 3, 2007", DayFirst), d(2007, 9, 3));
        assert_eq!(find_date("3 May 2007", DayFirst), d(2007, 5, 3));
    }

    #[test]
    fn ranges_take_the_last_day() {
        assert_eq!(find_date("18-19 November 2010", DayFirst), d(2010, 11, 19));
        assert_eq!(find_date("18th – 19th Nov 2010", DayFirst), d(2010, 11, 19));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "31 June 2010",
            "June 31, 2010",
            "31/06/2010",
            "29 February 2011",
            "2011-02-29",
            "13/13/2010",
            "0/5/2010",
            "2010-00-10",
            "12/10/0750",
            "1 January 2101",
        ] {
            assert_eq!(find_date(s, DayFirst), None, "{s}");
        }
        assert_eq!(find_date("29/02/2012", DayFirst), d(2012, 2, 29));
        // Old full dates are dates (the run warns about them); old bare years are not.
        assert_eq!(find_date("12/10/1750", DayFirst), d(1750, 10, 12));
        assert_eq!(find_date("Date: 1700-01-01", DayFirst), d(1700, 1, 1));
        assert_eq!(date_from_file_name("1750.txt"), None);
        assert_eq!(
            find_date("31 June 2010, then 1 July 2010", DayFirst),
            d(2010, 7, 1)
        );
    }

    #[test]
    fn numbers_that_are_not_dates() {
        for s in [
            "Volume II3, No. 5877 Page 8 9",
            "call 07772756674",
            "call 0777 275 6674",
            "in 2010 and 2011",
            "July 2010",
            "16/10/03",
            "v1.2.3",
            "May we?",
            "Marching 22, 2010",
            "22 July 20100",
            "no date at all",
        ] {
            assert_eq!(find_date(s, DayFirst), None, "{s}");
        }
    }

    #[test]
    fn metadata_cells() {
        assert_eq!(parse_date_cell(" 2010 ", DayFirst), d(2010, 1, 1));
        assert_eq!(parse_date_cell("2010-07-22", DayFirst), d(2010, 7, 22));
        assert_eq!(
            parse_date_cell("2010-07-22 10:00:00", DayFirst),
            d(2010, 7, 22)
        );
        assert_eq!(
            parse_date_cell("2010-07-22T10:00:00Z", DayFirst),
            d(2010, 7, 22)
        );
        assert_eq!(parse_date_cell("22 July 2010", DayFirst), d(2010, 7, 22));
        assert_eq!(parse_date_cell("03/04/2005", DayFirst), d(2005, 4, 3));
        assert_eq!(parse_date_cell("03/04/2005", MonthFirst), d(2005, 3, 4));
        for s in [
            "",
            "soon",
            "1700",
            "+201",
            "about 2010",
            "2010-07-22 or so",
            "2010-06-31",
        ] {
            assert_eq!(parse_date_cell(s, DayFirst), None, "{s:?}");
        }
    }

    #[test]
    fn first_corpus_headers() {
        let title = "Primary care trusts have just two years to 'make history, or become \
                     history', the NHS Alliance has warned.";
        let a =
            format!("Published: 16/10/2003, Volume II3, No. 5877 Page 8 9\n\n{title}\n\nAlliance");
        assert_eq!(
            scan_header(&a, DayFirst),
            HeaderScan {
                date: Some((d(2003, 10, 16).unwrap(), DateSource::DateLine)),
                reading: DateReading::DayFirstOnly,
                date_line: Some(0),
                title: Some(title.into()),
                ..HeaderScan::default()
            }
        );
        let b =
            " Don’t ditch PCTs’ talents \n\n22 July 2010\n\nPrimary care trusts have an invaluable";
        assert_eq!(
            scan_header(b, DayFirst),
            HeaderScan {
                date: Some((d(2010, 7, 22).unwrap(), DateSource::Text)),
                date_line: None,
                title: Some("Don’t ditch PCTs’ talents".into()),
                ..HeaderScan::default()
            }
        );
    }

    #[test]
    fn date_lines_titles_and_no_date() {
        let s = scan_header("Headline here\n  DATE : July 3, 2007\nBody", DayFirst);
        assert_eq!(s.date, Some((d(2007, 7, 3).unwrap(), DateSource::DateLine)));
        assert_eq!(
            (s.date_line, s.title.as_deref()),
            (Some(1), Some("Headline here"))
        );

        let s = scan_header("## Heading\n", DayFirst);
        assert_eq!(s.title.as_deref(), Some("Heading"));
        let s = scan_header("Monday, 12 July 2010\n\nThe real title\n", DayFirst);
        assert_eq!(s.date, Some((d(2010, 7, 12).unwrap(), DateSource::Text)));
        assert_eq!(s.title.as_deref(), Some("The real title"));

        // A date line without a date is still metadata; the date comes from the text.
        let s = scan_header("Date: unknown\nTitle\n1 May 2009", DayFirst);
        assert_eq!(s.date, Some((d(2009, 5, 1).unwrap(), DateSource::Text)));
        assert_eq!((s.date_line, s.title.as_deref()), (Some(0), Some("Title")));

        let s = scan_header("No date at all\nanywhere, on page 8 9", DayFirst);
        assert_eq!(
            s,
            HeaderScan {
                title: Some("No date at all".into()),
                ..HeaderScan::default()
            }
        );
        assert_eq!(scan_header("", DayFirst), HeaderScan::default());
    }

    #[test]
    fn only_the_first_ten_lines_are_searched() {
        let late = format!("Title{}\n22 July 2010", "\nbody".repeat(9));
        assert_eq!(scan_header(&late, DayFirst).date, None);
        let late_line = format!("Title{}\nPublished: 22 July 2010", "\nbody".repeat(9));
        assert_eq!(scan_header(&late_line, DayFirst).date_line, None);
    }

    #[test]
    fn file_names() {
        assert_eq!(date_from_file_name("report_2007.txt"), d(2007, 1, 1));
        assert_eq!(date_from_file_name("2010-nhs.md"), d(2010, 1, 1));
        assert_eq!(date_from_file_name("2010-07-22-note.txt"), d(2010, 7, 22));
        assert_eq!(date_from_file_name("note_2010-07-22.txt"), d(2010, 7, 22));
        assert_eq!(date_from_file_name("22 July 2010.txt"), d(2010, 7, 22));
        assert_eq!(
            date_from_file_name("03-04-2005.txt"),
            d(2005, 1, 1),
            "ambiguous"
        );
        assert_eq!(date_from_file_name("16-10-2003.txt"), d(2003, 10, 16));
        assert_eq!(date_from_file_name("2007/press/a.txt"), d(2007, 1, 1));
        assert_eq!(date_from_file_name("2007/b_2009.txt"), d(2009, 1, 1));
        for name in [
            "v2.txt",
            "12345.txt",
            "notes.txt",
            "a2007b.txt",
            "1750_letters.txt",
            "000_cc49b36451a4d406.txt",
            "003_3e862b9923451b60.txt",
        ] {
            assert_eq!(date_from_file_name(name), None, "{name}");
        }
    }

    #[test]
    fn impossible_dates_are_named_not_taken_for_no_date() {
        for s in [
            "29/02/2011",
            "31/04/2010",
            "2010-13-01",
            "31 June 2010",
            "29 February 2011",
            "June 31, 2010",
            "13/13/2010",
        ] {
            assert_eq!(
                impossible_date(&format!("Published: {s}")).as_deref(),
                Some(s)
            );
        }
        // A real date first, a number that is no date, or a year out of range: none.
        for s in [
            "1 May 2009, then 31/04/2010",
            "Page 8 9",
            "12/10/0750",
            "no date",
        ] {
            assert_eq!(impossible_date(s), None, "{s}");
        }
        let s = scan_header("Published: 29/02/2011\n\nTitle\n\nBody", DayFirst);
        assert_eq!(
            (s.date, s.impossible.as_deref()),
            (None, Some("29/02/2011"))
        );
        assert_eq!(s.title.as_deref(), Some("Title"));
        // The date line had none: the date is taken from the text, and the impossible one
        // is still named.
        let s = scan_header("Date: 31/04/2010\nTitle\n1 May 2010", DayFirst);
        assert_eq!(s.date, Some((d(2010, 5, 1).unwrap(), DateSource::Text)));
        assert_eq!(s.impossible.as_deref(), Some("31/04/2010"));
        // One after the date found is not where the date was looked for.
        let s = scan_header("Title\n1 May 2010\n31/04/2010", DayFirst);
        assert_eq!(s.impossible, None);
    }

    #[test]
    fn how_a_numeric_date_could_be_read_is_kept() {
        use DateReading::*;
        for (s, reading) in [
            ("03/04/2005", EitherOrder),
            ("22/07/2010", DayFirstOnly),
            ("07/22/2010", MonthFirstOnly),
            ("05/05/2005", Plain),
            ("22 July 2010", Plain),
            ("2010-07-22", Plain),
        ] {
            for order in [DayFirst, MonthFirst] {
                assert_eq!(find_reading(s, order).unwrap().1, reading, "{s}");
            }
        }
        assert_eq!(
            find_reading("03/04/2005", MonthFirst).unwrap().0,
            d(2005, 3, 4).unwrap()
        );
        assert_eq!(
            read_date_cell("2010", DayFirst),
            Some((d(2010, 1, 1).unwrap(), YearOnly))
        );
        assert_eq!(
            read_date_cell("07/22/2010", DayFirst).unwrap().1,
            MonthFirstOnly
        );
        assert_eq!(
            reading_from_file_name("report_2007.txt").unwrap().1,
            YearOnly
        );
        assert_eq!(
            reading_from_file_name("03-04-2005.txt").unwrap().1,
            YearOnly
        );
        assert_eq!(
            reading_from_file_name("2010-07-22-note.txt").unwrap().1,
            Plain
        );
    }

    #[test]
    fn source_names() {
        let names = [
            DateSource::Metadata,
            DateSource::DateLine,
            DateSource::Text,
            DateSource::FileName,
        ]
        .map(|s| s.as_str());
        assert_eq!(names, ["metadata", "date_line", "text", "file_name"]);
    }
}
