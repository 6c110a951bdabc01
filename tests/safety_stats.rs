//! Honest statistics on small periods, dates read as written, and memory that stays flat
//! (issue 13, part C): each case runs the real binary on a corpus made at test time.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn run_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap()
}

/// The seed corpus (2003 and 2010, with its lexicon) and one document mistyped as 2099, five
/// words long.
fn seed_with_a_typo(tmp: &Path) -> PathBuf {
    let input = tmp.join("in");
    for entry in std::fs::read_dir(root().join("input")).unwrap() {
        let path = entry.unwrap().path();
        write(
            &input,
            path.file_name().unwrap().to_str().unwrap(),
            std::fs::read(&path).unwrap(),
        );
    }
    write(
        &input,
        "typo.txt",
        "Date: 2099-01-01\n\nThe board met at noon.\n",
    );
    input
}

/// Every keyness row whose Log Ratio (or its interval) points against its own rates, or whose
/// G² sign does, as a line for the failure message.
fn contradictions(keyness: &polars::prelude::DataFrame) -> Vec<String> {
    let number = |name: &str| -> Vec<f64> {
        col(keyness, name)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect()
    };
    let (a, b) = (number("per_10k_a"), number("per_10k_b"));
    let (lr, lo, hi, g2) = (
        number("log_ratio"),
        number("log_ratio_low"),
        number("log_ratio_high"),
        number("g2"),
    );
    let terms = col(keyness, "term");
    (0..keyness.height())
        .filter(|&i| {
            let rose = b[i] > a[i];
            let fell = b[i] < a[i];
            (rose && (lr[i] < 0.0 || hi[i] < 0.0 || g2[i] < 0.0))
                || (fell && (lr[i] > 0.0 || lo[i] > 0.0 || g2[i] > 0.0))
                || (!rose && !fell && lr[i] != 0.0)
        })
        .map(|i| {
            format!(
                "{}: {} -> {} per 10k, log ratio {} [{}, {}], g2 {}",
                terms[i], a[i], b[i], lr[i], lo[i], hi[i], g2[i]
            )
        })
        .collect()
}

#[test]
fn a_document_mistyped_as_2099_does_not_become_the_default_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let input = seed_with_a_typo(tmp.path());
    let out = tmp.path().join("out");
    let run = analyse(&input, &out, &[]).success();
    let keyness = table(&out, "keyness.csv");
    let pairs: std::collections::BTreeSet<(String, String)> = col(&keyness, "period_a")
        .into_iter()
        .zip(col(&keyness, "period_b"))
        .collect();
    assert_eq!(
        pairs.into_iter().collect::<Vec<_>>(),
        [("2003".to_string(), "2010".to_string())],
        "2099 is in no default comparison, adjacent pairs included"
    );
    let shift = table(&out, "theme_shift.csv");
    assert!(col(&shift, "period_b").iter().all(|p| p == "2010"));
    // Named as left out, with the rule, in the summary, run.json and report.html.
    let text = stdout(&run);
    assert!(
        text.contains("left out of the comparisons made by default")
            && text.contains("2099 (5 words)")
            && text.contains("Key terms of 2010 (against 2003"),
        "{text}"
    );
    let manifest = run_json(&out);
    assert_eq!(manifest["small_periods"]["left_out"][0], "2099");
    assert_eq!(manifest["small_periods"]["periods"][0]["word_tokens"], 5);
    assert!(manifest["small_periods"]["rule"]
        .as_str()
        .unwrap()
        .contains("a tenth of the median period's 452 words"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("How the language moved, 2003 to 2010"));
    assert!(html.contains("2099 (5 words)"), "report.html names it");
    // The key terms' sentences come from 2003 and 2010, as the default comparison's.
    assert!(html.matches("<mark>").count() > 20, "{html}");
    // The themes and words of 2099 are still counted, in the per-period tables.
    let themes = table(&out, "themes.csv");
    assert!(col(&themes, "period").iter().any(|p| p == "2099"));
}

#[test]
fn comparing_with_a_tiny_period_on_request_says_so_and_no_log_ratio_contradicts_its_rates() {
    let tmp = tempfile::tempdir().unwrap();
    let input = seed_with_a_typo(tmp.path());
    let out = tmp.path().join("out");
    let run = analyse(&input, &out, &["--compare", "2003,2099"]).success();
    let keyness = table(&out, "keyness.csv");
    let main = col(&keyness, "period_b")
        .iter()
        .filter(|p| *p == "2099")
        .count();
    assert!(main > 50, "{main} rows");
    let wrong = contradictions(&keyness);
    assert!(
        wrong.is_empty(),
        "{} rows: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    // The term the issue quotes: twice in 2003, never in 2099 (five words).
    let announced = row(&keyness, &[("period_b", "2099"), ("term", "announc")]);
    assert_eq!(
        (announced["count_a"].as_str(), announced["count_b"].as_str()),
        ("2", "0")
    );
    assert!(num(&announced, "log_ratio") <= 0.0, "{announced:?}");
    assert!(num(&announced, "log_ratio_low") < 0.0, "{announced:?}");
    // The theme absent from both periods has no direction at all.
    let shift = table(&out, "theme_shift.csv");
    let qipp = row(&shift, &[("theme", "QIPP"), ("period_b", "2099")]);
    assert_eq!(num(&qipp, "log_ratio"), 0.0, "{qipp:?}");
    let text = stdout(&run);
    assert!(
        text.contains("involve a period of very few words")
            && text.contains("2003 -> 2099 (2099 has 5 words)"),
        "{text}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("2003 -&gt; 2099 (2099 has 5 words)"));
}

/// Peak resident memory by the end of each stage, from run.json (empty where the system does
/// not report it).
fn peaks(dir: &Path) -> Vec<(String, f64)> {
    run_json(dir)["peak_memory_mb"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_f64().unwrap()))
        .collect()
}

#[test]
fn twenty_megabytes_of_one_repeated_key_term_stay_under_350_mb() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(
        &input,
        "a2003.txt",
        std::fs::read(root().join("input/000_cc49b36451a4d406.txt")).unwrap(),
    );
    // One sentence of 6.7 million words: the key term of 2010, and a theme's word too, so
    // both the report's concordance pass and kwic.csv's meet every hit.
    let mut big = String::from("Date: 2010-07-22\n\nQ\n\n");
    big.push_str(&"qq ".repeat(20_000_000 / 3));
    write(&input, "b2010.txt", big);
    write(
        &input,
        "themes.toml",
        "[[theme]]\nname = \"q\"\npatterns = [\"qq\"]\n",
    );
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet", "--threads", "2"]).success();
    let peaks = peaks(&out);
    if peaks.is_empty() {
        return; // no VmHWM on this system
    }
    let peak = peaks.iter().map(|p| p.1).fold(0.0, f64::max);
    let before_report = peaks.iter().find(|p| p.0 == "write").unwrap().1;
    let report = peaks.iter().find(|p| p.0 == "report").unwrap().1;
    // 215-275 MB on an idle 2-core machine since the spans hold u32 offsets (370-410 MB
    // before, 32 bytes a word: the per-word buffers of 6.7 million words are most of it).
    assert!(peak < 350.0, "peak {peak} MB: {peaks:?}");
    // The concordance pass re-reads the document; it may not hold its hits (it held 1.9 GB
    // at 10 MB). It grows the peak by its own per-word buffers, 30-60 MB here, depending on
    // how much of counting's memory the allocator has given back.
    assert!(report - before_report < 128.0, "{peaks:?}");
    let kwic = table(&out, "kwic.csv");
    assert_eq!(kwic.height(), 200, "--kwic-max lines of the theme");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(
        // `qq` is nearly always inside `qq qq`, so the report lists the phrase in its place.
        html.matches("<mark>qq qq</mark>").count(),
        3,
        "three lines for the term"
    );
}

/// A sentence of the seed corpus's kind, for documents whose dates are what is tested.
const BODY: &str =
    "Clinical commissioning groups met the board and agreed the plan for primary care.";

fn warnings_of(out: &Path) -> String {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    html.split("Warnings and skipped files")
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_date_that_does_not_exist_is_named_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(
        &input,
        "a.txt",
        format!("Published: 16/10/2003\n\nA\n\n{BODY}\n"),
    );
    write(
        &input,
        "c.txt",
        format!("Published: 29/02/2011\n\nC\n\n{BODY}\n"),
    );
    write(
        &input,
        "report_2010.txt",
        format!("Date: 31/04/2010\n\nD\n\n{BODY}\n"),
    );
    write(
        &input,
        "f.txt",
        format!("Published: 2010-13-01\n\nF\n\n{BODY}\n"),
    );
    write(
        &input,
        "rows.csv",
        format!("date,text\n31/04/2010,{BODY}\n2010-07-22,{BODY}\n"),
    );
    let out = tmp.path().join("out");
    let run = analyse(&input, &out, &[]).success();
    let text = stdout(&run);
    assert!(
        text.contains(
            "3 document(s) give a date that does not exist (no such day), which was not used: \
             c.txt ('29/02/2011'; left undated); f.txt ('2010-13-01'; left undated); \
             report_2010.txt ('31/04/2010'; dated 2010 from file_name)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "1 table row(s) have a date that does not exist (no such day) and are left undated \
             (first: rows.csv#row1: '31/04/2010')"
        ),
        "{text}"
    );
    assert!(!text.contains("No date found"), "{text}");
    assert!(
        warnings_of(&out).contains("c.txt ('29/02/2011'; left undated)"),
        "report.html names it"
    );
    let docs = table(&out, "documents.csv");
    assert_eq!(row(&docs, &[("path", "c.txt")])["date"], "");
    assert_eq!(row(&docs, &[("path", "report_2010.txt")])["date"], "2010");
}

#[test]
fn numeric_dates_that_contradict_the_order_they_were_read_in_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(
        &input,
        "a.txt",
        format!("Published: 03/04/2005\n\nA\n\n{BODY}\n"),
    );
    write(
        &input,
        "b.txt",
        format!("Published: 07/22/2010\n\nB\n\n{BODY}\n"),
    );
    let out = tmp.path().join("out");
    let text = stdout(&analyse(&input, &out, &[]).success());
    assert!(
        text.contains(
            "1 numeric date(s) can only be read month first (first: b.txt) and none only day \
             first, yet 1 date(s) that read either way (such as 03/04/2005) were read day first, \
             and may be wrong: a.txt (2005-04-03); if the corpus writes the month first (US \
             style), run again with --month-first"
        ),
        "{text}"
    );
    // As advised: read month first, no warning.
    let out = tmp.path().join("month_first");
    let text = stdout(&analyse(&input, &out, &["--month-first"]).success());
    assert!(!text.contains("numeric date"), "{text}");
    let docs = table(&out, "documents.csv");
    assert_eq!(row(&docs, &[("path", "a.txt")])["date"], "2005-03-04");
    // A corpus that shows it writes the day first is read without a word.
    write(
        &input,
        "b.txt",
        format!("Published: 22/07/2010\n\nB\n\n{BODY}\n"),
    );
    let out = tmp.path().join("day_first");
    let text = stdout(&analyse(&input, &out, &[]).success());
    assert!(!text.contains("numeric date"), "{text}");
}

#[test]
fn a_year_alone_is_in_no_month() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(
        &input,
        "a.txt",
        format!("Published: 16/10/2003\n\nA\n\n{BODY}\n"),
    );
    write(&input, "report_2010.txt", format!("E\n\n{BODY} board\n"));
    write(
        &input,
        "rows.csv",
        format!("date,text\n2010,{BODY} plan\n2010-07-22,{BODY}\n"),
    );
    let out = tmp.path().join("months");
    let text = stdout(&analyse(&input, &out, &["--period", "month"]).success());
    assert!(
        text.contains(
            "2 document(s) are dated by their year alone (a year in the file name, or a bare \
             year cell), so they are in no month and left out of the monthly periods: \
             report_2010.txt (2010); rows.csv#row1 (2010)"
        ),
        "{text}"
    );
    assert!(!text.contains("outside the periods chosen"), "{text}");
    let docs = table(&out, "documents.csv");
    let year = row(&docs, &[("path", "report_2010.txt")]);
    assert_eq!(
        (year["date"].as_str(), year["period"].as_str()),
        ("2010", "")
    );
    let freq = table(&out, "term_frequencies.csv");
    let periods: std::collections::BTreeSet<String> = col(&freq, "period").into_iter().collect();
    assert_eq!(
        periods.into_iter().collect::<Vec<_>>(),
        ["2003-10", "2010-07"],
        "no 2010-01"
    );
    // By year they count as before.
    let out = tmp.path().join("years");
    let text = stdout(&analyse(&input, &out, &[]).success());
    assert!(!text.contains("year alone"), "{text}");
    let docs = table(&out, "documents.csv");
    assert_eq!(row(&docs, &[("path", "rows.csv#row1")])["period"], "2010");
}
