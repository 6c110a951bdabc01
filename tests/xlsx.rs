//! tables.xlsx read back by a real xlsx reader (calamine): on the seeds and on a ten-year
//! corpus with curly quotes and accents, every sheet holds its CSV's cells (numbers as
//! numbers, dates as dates, text as written), no p-value is 0; `--no-xlsx` leaves the
//! workbook out and `--csv-bom` starts every CSV with a byte-order mark.

mod common;

use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::*;

/// Every sheet of `dir/tables.xlsx`, by name, as rows of cells.
fn sheets(dir: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let bytes = std::fs::read(dir.join("tables.xlsx")).expect("tables.xlsx is written");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a valid xlsx");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

/// A CSV file's rows, as written (text, quotes undone).
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The day `serial` (Excel's day count, 1900 system) as YYYY-MM-DD.
fn excel_date(serial: f64) -> String {
    // Days from 1970-01-01, then the civil date (Howard Hinnant's algorithm).
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Whether the sheet's cell `got` is the CSV's cell `want` of column `name`: text as
/// written (the CSV's `'` before a formula character is the CSV's alone), numbers equal
/// to the CSV's digits (p-values exactly), full dates as dates, booleans as booleans.
fn same_cell(name: &str, got: &Data, want: &str) -> bool {
    match got {
        Data::String(s) => *s == want || format!("'{s}") == want,
        Data::Empty => want.is_empty(),
        Data::Bool(b) => b.to_string() == want,
        Data::DateTime(d) => excel_date(d.as_f64()) == want,
        Data::Int(x) => x.to_string() == want,
        Data::Float(x) => {
            if name.split('_').any(|w| w == "p") {
                want.parse::<f64>() == Ok(*x)
            } else if let Some((_, decimals)) = want.split_once('.') {
                format!("{x:.*}", decimals.len()) == want
            } else {
                format!("{x}") == want
            }
        }
        other => panic!("{name}: unexpected cell {other:?}"),
    }
}

/// Whether the sheet's row `got` is the CSV's row `want` (`header`: the CSV's first row).
fn same_row(header: &[String], got: &[Data], want: &[String]) -> bool {
    got.len() == want.len()
        && header
            .iter()
            .zip(got)
            .zip(want)
            .all(|((name, got), want)| same_cell(name, got, want))
}

/// Every CSV of `dir` has a sheet holding the same cells on the rows it keeps, in the CSV's
/// order (`whole`: every row), and no p-value cell is 0; the `about` sheet, first, counts
/// each sheet's rows and its CSV's. Returns each sheet's rows (header included).
fn assert_sheets_are_the_csvs(dir: &Path, whole: bool) -> Vec<(String, Vec<Vec<Data>>)> {
    let sheets = sheets(dir);
    assert_eq!(sheets[0].0, "about", "the about sheet first");
    let about = &sheets[0].1;
    let sheets: Vec<_> = sheets[1..].to_vec();
    let mut csvs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    csvs.sort();
    let mut names: Vec<String> = sheets.iter().map(|(n, _)| format!("{n}.csv")).collect();
    names.sort();
    assert_eq!(names, csvs, "one sheet per table");
    for (sheet, rows) in &sheets {
        let want = csv_rows(&dir.join(format!("{sheet}.csv")));
        let line = about
            .iter()
            .find(|r| r[0] == Data::String(sheet.clone()))
            .unwrap_or_else(|| panic!("about names {sheet}"));
        let count = |d: &Data| match d {
            Data::Float(x) => *x as usize,
            Data::Int(x) => *x as usize,
            other => panic!("{other:?}"),
        };
        assert_eq!(count(&line[1]), rows.len() - 1, "{sheet}: rows here");
        assert_eq!(count(&line[2]), want.len() - 1, "{sheet}: rows in the CSV");
        if whole {
            assert_eq!(rows.len(), want.len(), "{sheet}: rows");
        }
        let header = &want[0];
        // The sheet's rows are the CSV's, some left out, in order.
        let mut csv = want.iter().enumerate();
        for (i, got) in rows.iter().enumerate() {
            assert!(
                csv.any(|(_, want)| same_row(header, got, want)),
                "{sheet} row {i} is not a row of the CSV after the one before: {got:?}"
            );
            for (name, got) in header.iter().zip(got) {
                // A term below --min-count has no trend test: its p cells are empty.
                if name.split('_').any(|w| w == "p") && i > 0 && *got != Data::Empty {
                    assert!(
                        matches!(got, Data::Float(x) if *x > 0.0),
                        "{sheet} {name}: {got:?}"
                    );
                }
            }
        }
    }
    sheets
}

#[test]
fn the_seeds_workbook_holds_every_table_as_its_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    analyse(&root().join("input"), &out, &[]).success();
    assert_sheets_are_the_csvs(&out, true);
    let first = std::fs::read(out.join("keyness.csv")).unwrap();
    assert!(
        !first.starts_with("\u{feff}".as_bytes()),
        "no BOM by default"
    );
}

/// Ten years of articles, three a year, with curly quotes and accented words, and one title
/// a spreadsheet would run as a formula.
fn curly_corpus(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(root().join("input/themes.toml"), dir.join("themes.toml")).unwrap();
    let titles = [
        "Don’t ditch PCTs’ talents",
        "A naïve café of targets",
        "=HYPERLINK(\"http://x\") and the centre",
    ];
    for year in 2001..=2010 {
        for (i, title) in titles.iter().enumerate() {
            let later = year - 2000;
            let body = format!(
                "{title}\n\nDate: {year}-0{m}-1{i}\n\nThe strategic health authority set national targets from the centre. \
                 Clinical commissioning groups and GP consortia met {later} times in the café; \
                 the naïve “top-down” reform’s targets were {later} per cent of the budget. \
                 Commissioning, commissioning and more commissioning: QIPP savings, practice-based \
                 commissioning and consortia {}.\n",
                "commissioning ".repeat(later as usize),
                m = i + 1
            );
            std::fs::write(dir.join(format!("{year}_{i}.txt")), body).unwrap();
        }
    }
}

#[test]
fn a_ten_year_corpus_with_curly_quotes_reads_back_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("corpus");
    curly_corpus(&input);
    let out = tmp.path().join("out");
    analyse(&input, &out, &[]).success();
    // Nine adjacent pairs of years: their keyness rows that are not significant are left out.
    assert_sheets_are_the_csvs(&out, false);
    let sheets = sheets(&out);
    let docs = &sheets.iter().find(|(n, _)| n == "documents").unwrap().1;
    let title = docs[0]
        .iter()
        .position(|c| *c == Data::String("title".into()))
        .unwrap();
    let date = docs[0]
        .iter()
        .position(|c| *c == Data::String("date".into()))
        .unwrap();
    assert!(docs
        .iter()
        .any(|r| r[title] == Data::String("Don’t ditch PCTs’ talents".into())));
    assert!(docs
        .iter()
        .any(|r| r[title] == Data::String("A naïve café of targets".into())));
    assert!(
        docs.iter()
            .any(|r| r[title] == Data::String("=HYPERLINK(\"http://x\") and the centre".into())),
        "a formula-like title is a text cell, as written"
    );
    assert!(
        docs[1..]
            .iter()
            .all(|r| matches!(r[date], Data::DateTime(_))),
        "dates as dates"
    );
    let trends = &sheets.iter().find(|(n, _)| n == "theme_trends").unwrap().1;
    assert!(trends.len() > 1 && trends[0].len() > 10, "ten periods");
}

#[test]
fn formulas_in_the_workbook_are_text_never_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("corpus");
    curly_corpus(&input);
    let out = tmp.path().join("out");
    analyse(&input, &out, &[]).success();
    // The sheets' XML: no cell holds a formula (<f>), and the title is an inline string.
    let bytes = std::fs::read(out.join("tables.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{name} holds a formula"
        );
    }
}

#[test]
fn no_xlsx_leaves_the_workbook_out_and_csv_bom_marks_every_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    analyse(&root().join("input"), &out, &["--no-xlsx", "--csv-bom"]).success();
    assert!(!out.join("tables.xlsx").exists());
    let mut csvs = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                bytes.starts_with("\u{feff}".as_bytes()),
                "{}",
                path.display()
            );
            assert!(!bytes[3..].starts_with("\u{feff}".as_bytes()));
            csvs += 1;
        }
    }
    assert!(csvs >= 8);
    // A second run into the same folder: the output is recognised as ours.
    analyse(&root().join("input"), &out, &[]).success();
    assert!(out.join("tables.xlsx").exists());
}

/// Thirty years of documents with a vocabulary of thousands of words (a Zipf-like draw): the
/// workbook keeps, of keyness, the main comparison's every term and the other comparisons'
/// significant ones; of the term tables, the 5,000 most frequent terms, every term
/// significant in keyness.csv and every theme word; the `about` sheet says so, and every
/// sheet's rows are its CSV's.
#[test]
fn a_thirty_year_workbook_keeps_the_rows_a_reader_uses() {
    use std::collections::HashSet;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let mut seed = 42u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let syllables = [
        "ka", "lo", "mi", "ne", "ra", "tu", "ve", "po", "si", "da", "gre", "stan",
    ];
    let vocab: Vec<String> = (0..12_000usize)
        .map(|i| {
            let mut w = String::new();
            let mut n = i + 12;
            while n > 0 {
                w.push_str(syllables[n % 12]);
                n /= 12;
            }
            w
        })
        .collect();
    for year in 1992..2022 {
        for d in 0..40 {
            let mut text = format!("Date: {year}-03-{:02}\n\n", 1 + d % 28);
            for k in 0..300 {
                // log-uniform rank: frequent words often, the tail rarely
                let rank = (12_000f64.powf(next()) as usize).min(11_999);
                text.push_str(&vocab[rank]);
                text.push_str(if k % 12 == 11 { ". " } else { " " });
            }
            if year > 2010 && d % 3 == 0 {
                text.push_str("The systemd unit files. ");
            }
            std::fs::write(input.join(format!("{year}_{d:02}.txt")), text).unwrap();
        }
    }
    std::fs::write(
        input.join("themes.toml"),
        "[[theme]]\nname = \"init\"\npatterns = [\"systemd\", \"unit file*\"]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet", "--xlsx"]).success();
    let sheets = assert_sheets_are_the_csvs(&out, false);
    let sheet = |name: &str| &sheets.iter().find(|(n, _)| n == name).unwrap().1;
    // keyness: the main comparison whole, the others' significant rows.
    let keyness = table(&out, "keyness.csv");
    let (a, b, p, term) = (
        col(&keyness, "period_a"),
        col(&keyness, "period_b"),
        col(&keyness, "p_adjusted"),
        col(&keyness, "term"),
    );
    let significant = |i: usize| p[i].parse::<f64>().unwrap() < 0.05;
    let kept = (0..keyness.height())
        .filter(|&i| (a[i] == "1992" && b[i] == "2021") || significant(i))
        .count();
    assert_eq!(sheet("keyness").len() - 1, kept);
    assert!(
        kept < keyness.height() / 2,
        "{kept} of {}",
        keyness.height()
    );
    // The term tables: at most 5,000 frequent terms beside the significant ones, which are all
    // there.
    let named: HashSet<&str> = (0..keyness.height())
        .filter(|&i| significant(i))
        .map(|i| term[i].as_str())
        .collect();
    let by_period = sheet("terms_by_period");
    let held: HashSet<String> = by_period[1..].iter().map(|r| r[0].to_string()).collect();
    assert!(named.iter().all(|t| held.contains(*t)));
    let all = table(&out, "terms_by_period.csv").height();
    assert!(
        held.len() <= 5_000 + named.len() + 10 && held.len() < all,
        "{} of {all}",
        held.len()
    );
    let freq_terms: HashSet<String> = sheet("term_frequencies")[1..]
        .iter()
        .map(|r| r[1].to_string())
        .collect();
    assert_eq!(freq_terms, held, "the two term sheets keep the same terms");
    let about = &sheets_about(&out);
    assert!(
        about.contains("the 5000 terms most frequent in the whole corpus"),
        "{about}"
    );
    assert!(
        about.contains("every term of the main comparison (1992 -> 2021)"),
        "{about}"
    );
}

/// The `about` sheet's text, cells joined.
fn sheets_about(dir: &Path) -> String {
    sheets(dir)[0]
        .1
        .iter()
        .flatten()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}
