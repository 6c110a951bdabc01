//! Precise lexicons, end to end: a pattern written with a hyphen asks for the hyphen, `=word`
//! asks for that written form, a theme's `exclude` hides its matches inside an excluded
//! phrase, `theme_terms.csv` names the pattern behind each word, a pattern that matched
//! nothing is warned about (and fails `--strict`), and `themeshift kwic` reads the same syntax.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::*;

/// Two dated documents holding each form the lexicon below must tell apart.
const TEXT: &str = "The top-down plan and the top down view. Compat mode, not compatibility. \
                    The Healthcare Commission and the Audit Commission met the commissioners. \
                    NHS trusts and NHS trustees; the trusts.";

const LEXICON: &str = r#"
[[theme]]
name = "centralism"
patterns = ["top-down", "self care"]

[[theme]]
name = "technical"
patterns = ["=compat", "=nhs trust*"]

[[theme]]
name = "commissioning"
patterns = ["commission*", "comissioner"]
exclude = ["healthcare commission", "audit commission", "care quality commission"]
"#;

fn corpus(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for (name, year) in [("a.txt", 2003), ("b.txt", 2010)] {
        let text = format!("Date: {year}-01-01\n\nTitle\n\n{TEXT} Self-care and self care.\n");
        std::fs::write(input.join(name), text).unwrap();
    }
    std::fs::write(input.join("themes.toml"), LEXICON).unwrap();
    input
}

/// theme_terms.csv's (word, count, pattern) rows of `theme` in 2003.
fn terms_of(out: &Path, theme: &str) -> Vec<(String, String, String)> {
    let df = table(out, "theme_terms.csv");
    let (themes, periods) = (col(&df, "theme"), col(&df, "period"));
    let (words, counts, patterns) = (col(&df, "word"), col(&df, "count"), col(&df, "pattern"));
    (0..df.height())
        .filter(|&i| themes[i] == theme && periods[i] == "2003")
        .map(|i| (words[i].clone(), counts[i].clone(), patterns[i].clone()))
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|&(w, c, p)| (w.to_string(), c.to_string(), p.to_string()))
        .collect()
}

#[test]
fn each_pattern_matches_only_what_it_says_and_theme_terms_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--no-report"]).success();
    // "top-down" asks for the hyphen; "self care", written apart, takes either form. The
    // forms of one term ("Self-care" opening a sentence, "self care") are one row.
    assert_eq!(
        terms_of(&out, "centralism"),
        owned(&[
            ("self care", "2", "self care"),
            ("top-down", "1", "top-down")
        ])
    );
    // "=compat" is that word alone; "=nhs trust*" an exact word, then a prefix; the words as
    // the text writes them. (A cell
    // starting with = is written after a ', as every cell a spreadsheet would run.)
    assert_eq!(
        terms_of(&out, "technical"),
        owned(&[
            ("Compat", "1", "'=compat"),
            ("NHS trustees", "1", "'=nhs trust*"),
            ("NHS trusts", "1", "'=nhs trust*"),
        ])
    );
    // The two commissions are excluded; the commissioners are kept.
    assert_eq!(
        terms_of(&out, "commissioning"),
        owned(&[("commissioners", "1", "commission*")])
    );
    let themes = table(&out, "themes.csv");
    let hits = row(&themes, &[("theme", "commissioning"), ("period", "2010")]);
    assert_eq!(hits["hits"], "1");
}

#[test]
fn a_pattern_or_exclusion_that_matched_nothing_is_warned_and_fails_strict() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let out = tmp.path().join("out");
    let run = analyse(&input, &out, &[]).success();
    let text = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    // On the terminal, a note naming the first three (here all); in full in run.json.
    let note = "Note: 2 lexicon pattern(s) matched nothing in the dated documents (report.html \
                and run.json list them): commissioning 'comissioner', exclude 'care quality \
                commission'.";
    assert!(text.contains(note), "{text}");
    assert!(!text.contains("Warning:"), "{text}");
    let warning = "2 lexicon pattern(s) matched nothing in the dated documents (a typo, or \
                   another pattern of the theme took every match): commissioning: \
                   'comissioner', exclude 'care quality commission'";
    let run_json = std::fs::read_to_string(out.join("run.json")).unwrap();
    let run_json: serde_json::Value = serde_json::from_str(&run_json).unwrap();
    assert_eq!(run_json["warnings"][0], warning);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let warnings = html
        .split("Warnings and skipped files")
        .nth(1)
        .unwrap_or_default();
    assert!(
        warnings.contains("care quality commission"),
        "report.html names it"
    );
    let strict = analyse(&input, &tmp.path().join("strict"), &["--strict"]).code(2);
    let err = String::from_utf8_lossy(&strict.get_output().stderr).into_owned();
    assert!(err.contains("commissioning: 'comissioner'"), "{err}");
}

#[test]
fn the_kwic_command_reads_the_same_pattern_syntax() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let kwic = |pattern: &str| {
        let run = Command::cargo_bin("themeshift")
            .unwrap()
            .args(["kwic", pattern])
            .arg(&input)
            .args(["--csv", "-"])
            .assert()
            .success();
        let csv = tmp.path().join("kwic.csv");
        std::fs::write(&csv, &run.get_output().stdout).unwrap();
        col(&table(tmp.path(), "kwic.csv"), "match")
    };
    assert_eq!(kwic("top-down"), ["top-down", "top-down"]);
    assert_eq!(kwic("top down").len(), 4);
    assert_eq!(kwic("=compat"), ["Compat", "Compat"]);
}
