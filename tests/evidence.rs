//! Evidence a researcher can defend, end to end on a corpus made here with known answers:
//! six years, three documents a year, one theme rising steadily, one falling, a word that
//! sits in a single document; trends, dispersion, custom periods and the `kwic` command.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::*;

const LEXICON: &str = r#"
[[theme]]
name = "commissioning"
patterns = ["clinical commissioning", "commissioning*"]

[[theme]]
name = "centralism"
patterns = ["centralis*", "national target"]
"#;

/// Filler every document shares, so rates move only with the theme words.
const FILLER: &str = "The practice met patients and staff in the town. Doctors and nurses \
    discussed services, budgets and waiting lists with the local board.";

/// Years 2001-2006: in year i (0-5) each document has 1 + 2i "clinical commissioning" and
/// 11 - 2i "centralised" sentences; "qipp" is in one 2006 document only, twelve times; an
/// undated note mentions clinical commissioning once.
fn corpus(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for (i, year) in (2001..=2006).enumerate() {
        for d in 0..3 {
            let mut text = format!("Date: {year}-0{}-15\n\nReport {year} {d}\n\n", d + 1);
            for _ in 0..4 {
                text.push_str(FILLER);
                text.push('\n');
            }
            for _ in 0..(1 + 2 * i) {
                text.push_str("Groups moved to clinical commissioning this year.\n");
            }
            for _ in 0..(11 - 2 * i) {
                text.push_str("Services were centralised again.\n");
            }
            if year == 2006 && d == 0 {
                text.push_str(&"QIPP savings. ".repeat(12));
            }
            std::fs::write(input.join(format!("{year}-{d}.txt")), text).unwrap();
        }
    }
    std::fs::write(
        input.join("note.txt"),
        "An undated note on clinical commissioning.\n",
    )
    .unwrap();
    std::fs::write(input.join("themes.toml"), LEXICON).unwrap();
    input
}

#[test]
fn trends_dispersion_and_theme_charts_on_six_years() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet"]).success();

    let trends = table(&out, "theme_trends.csv");
    let names: Vec<String> = trends
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(names[..3], ["theme", "hits", "per_10k_2001"]);
    assert_eq!(names[7], "per_10k_2006");
    let up = row(&trends, &[("theme", "commissioning")]);
    let down = row(&trends, &[("theme", "centralism")]);
    assert_eq!(up["trend"], "rising");
    assert_eq!(down["trend"], "falling");
    assert!(num(&up, "trend_z") > 3.0 && num(&down, "trend_z") < -3.0);
    // 3 documents a year with 1, 3, ..., 11 hits each: 3 * 36 = 108.
    assert_eq!(up["hits"], "108");
    assert!(num(&up, "per_10k_2001") < num(&up, "per_10k_2006"));

    // The per-term trend table: terms_by_period gains n and the trend columns.
    let terms = table(&out, "terms_by_period.csv");
    let clinical = row(&terms, &[("term", "clinic commiss")]);
    assert_eq!(
        (clinical["n"].as_str(), clinical["trend"].as_str()),
        ("2", "rising")
    );
    let centralised = row(&terms, &[("term", "centralis")]);
    assert_eq!(centralised["trend"], "falling");
    let filler = row(&terms, &[("term", "patient")]);
    assert_eq!(filler["trend"], "no clear trend");

    // Dispersion: the filler word is spread like the text, QIPP sits in one document.
    let freq = table(&out, "term_frequencies.csv");
    let qipp = row(&freq, &[("period", "2006"), ("term", "qipp")]);
    let patient = row(&freq, &[("period", "2006"), ("term", "patient")]);
    assert_eq!(qipp["docs"], "1");
    assert!(num(&qipp, "dp") > 0.6, "{qipp:?}");
    assert!(num(&qipp, "dp_norm") >= num(&qipp, "dp"));
    assert!(num(&patient, "dp") < 0.1, "{patient:?}");
    let key = table(&out, "keyness.csv");
    let qipp = row(
        &key,
        &[("period_a", "2001"), ("period_b", "2006"), ("term", "qipp")],
    );
    assert_eq!(qipp["single_doc"], "true");

    for chart in ["theme_trend.png", "theme_terms.png", "theme_shift.png"] {
        let (w, h) = png_size(&out.join("charts").join(chart));
        // The report's design width (charts/mod.rs, DESIGN_WIDTH); theme_terms.png as tall
        // as its panels' words need.
        assert!(w == 960 && h >= 600, "{chart}: {w}x{h}");
    }
}

#[test]
fn custom_periods_bin_the_years_and_name_what_falls_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    std::fs::write(
        input.join("old.txt"),
        "Date: 1999-05-01\n\nOld\n\nCentralised.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = analyse(
        &input,
        &out,
        &["--periods", "2001-2002,2003-2004,2005-2006"],
    )
    .success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(
        stdout.contains("1 document(s) dated outside the periods chosen with --periods, so not counted: old.txt (1999-05-01)"),
        "{stdout}"
    );
    let themes = table(&out, "themes.csv");
    let periods = col(&themes, "period");
    assert_eq!(periods.len(), 2 * 3);
    assert_eq!(periods[..3], ["2001-2002", "2003-2004", "2005-2006"]);
    let first = row(
        &themes,
        &[("theme", "commissioning"), ("period", "2001-2002")],
    );
    // Years 2001 and 2002: 3 documents each with 1 and 3 hits.
    assert_eq!(first["hits"], "12");
    let shift = table(&out, "theme_shift.csv");
    assert_eq!(col(&shift, "period_a")[0], "2001-2002");
    assert_eq!(col(&shift, "period_b")[0], "2005-2006");
    // Overlapping ranges are a usage error naming the flag.
    analyse(
        &input,
        &tmp.path().join("bad"),
        &["--periods", "2001-2004,2003-2006"],
    )
    .code(2)
    .stderr(predicates::str::contains("--periods"));
}

fn kwic(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("themeshift")
        .unwrap()
        .arg("kwic")
        .args(args)
        .assert()
}

#[test]
fn kwic_csv_starts_with_a_byte_order_mark_with_csv_bom_only() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let input = input.to_str().unwrap();
    for (flag, bom) in [(None, false), (Some("--csv-bom"), true)] {
        let csv = tmp.path().join("kwic.csv");
        let mut args = vec!["centralis*", input, "--csv", csv.to_str().unwrap()];
        args.extend(flag);
        kwic(&args).success();
        let bytes = std::fs::read(&csv).unwrap();
        assert_eq!(bytes.starts_with("\u{feff}".as_bytes()), bom);
        let rest = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
        assert!(rest.starts_with(b"doc_id,"), "{:?}", &rest[..20]);
        // And to standard output.
        let mut args = vec!["centralis*", input, "--csv", "-"];
        args.extend(flag);
        let out = kwic(&args).success().get_output().stdout.clone();
        assert_eq!(out.starts_with("\u{feff}".as_bytes()), bom);
    }
}

#[test]
fn the_kwic_command_finds_every_hit_dated_or_not() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let input = input.to_str().unwrap();
    // 108 dated hits and the undated note's one.
    let run = kwic(&["clinical commissioning", input]).success();
    let text = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(lines.len(), 109, "{text}");
    assert!(lines.iter().all(|l| l.contains("clinical commissioning")));
    assert!(lines[0].starts_with("2001"), "{}", lines[0]);
    assert!(lines[108].starts_with("undated"), "{}", lines[108]);
    // A prefix pattern and a CSV file; --max samples per period.
    let csv = tmp.path().join("found/centralis.csv");
    kwic(&[
        "centralis*",
        input,
        "--csv",
        csv.to_str().unwrap(),
        "--max",
        "5",
    ])
    .success();
    let found = table(csv.parent().unwrap(), "centralis.csv");
    // 33, 27, 21, 15, 9 and 3 hits a year, at most 5 kept each: 5 * 5 + 3.
    assert_eq!(found.height(), 28);
    assert!(col(&found, "match").iter().all(|m| m == "centralised"));
    assert_eq!(
        found
            .get_column_names()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["doc_id", "path", "period", "theme", "pattern", "left", "match", "right"]
    );
    // A pattern with no words is a usage error.
    kwic(&["***", input]).code(2);
}
