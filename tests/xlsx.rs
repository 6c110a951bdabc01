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

/// Every CSV of `dir` has a sheet holding the same cells, and no p-value cell is 0.
fn assert_sheets_are_the_csvs(dir: &Path) {
    let sheets = sheets(dir);
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
        assert_eq!(rows.len(), want.len(), "{sheet}: rows");
        let header = &want[0];
        for (i, (got, want)) in rows.iter().zip(&want).enumerate() {
            assert_eq!(got.len(), want.len(), "{sheet} row {i}: cells");
            for ((name, got), want) in header.iter().zip(got).zip(want) {
                assert!(
                    same_cell(name, got, want),
                    "{sheet} row {i} {name}: sheet {got:?}, CSV {want:?}"
                );
                let p = name.split('_').any(|w| w == "p");
                // A term below --min-count has no trend test: its p cells are empty.
                if p && i > 0 && !want.is_empty() {
                    assert!(
                        matches!(got, Data::Float(x) if *x > 0.0),
                        "{sheet} {name}: {got:?}"
                    );
                    assert!(want.parse::<f64>().unwrap() > 0.0, "{sheet} {name}: {want}");
                }
            }
        }
    }
}

#[test]
fn the_seeds_workbook_holds_every_table_as_its_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    analyse(&root().join("input"), &out, &[]).success();
    assert_sheets_are_the_csvs(&out);
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
    assert_sheets_are_the_csvs(&out);
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
