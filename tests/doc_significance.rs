//! Document-level significance end to end: ten documents a period sharing one vocabulary; in
//! 2002 one document repeats "qipp" 50 times (a burst: many words, one document) while
//! "integration" is spread over every 2002 document and absent from 2001. The token-level G²
//! finds both; Welch's t-test on per-document rates finds only the spread one.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const LEXICON: &str = r#"
[[theme]]
name = "burst"
patterns = ["qipp"]

[[theme]]
name = "spread"
patterns = ["integration"]
"#;

/// Filler every document shares.
const FILLER: &str = "The practice met patients and staff in the town. Doctors and nurses \
    discussed services, budgets and waiting lists with the local board.";

/// 2001 and 2002, ten documents each of the same filler; 2002's first document also says
/// "QIPP" 50 times; each 2002 document says "integration" 2 or 3 times.
fn corpus(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for year in [2001, 2002] {
        for d in 0..10 {
            let mut text = format!("Date: {year}-03-{:02}\n\nReport {d}\n\n", d + 1);
            for _ in 0..6 {
                text.push_str(FILLER);
                text.push('\n');
            }
            if year == 2002 {
                for _ in 0..(2 + d % 2) {
                    text.push_str("Care moved towards integration.\n");
                }
                if d == 0 {
                    text.push_str(&"QIPP savings. ".repeat(50));
                }
            }
            std::fs::write(input.join(format!("{year}-{d}.txt")), text).unwrap();
        }
    }
    std::fs::write(input.join("themes.toml"), LEXICON).unwrap();
    input
}

fn run(dir: &Path, input: &Path, threads: &str) -> PathBuf {
    let out = dir.join(format!("out{threads}"));
    analyse(input, &out, &["--quiet", "--threads", threads]).success();
    out
}

#[test]
fn a_burst_in_one_document_is_significant_by_words_only() {
    // qipp: 2001 all 0; 2002 one document at rate r, nine at 0. By hand: mean r/10, sample
    // variance r²/10, so t = (r/10) / √(r²/100) = 1 with 9 degrees of freedom, and
    // p = 2·P(T₉ ≥ 1) = 0.3434 (scipy: 2 * stats.t.sf(1, 9) = 0.34343639613791355).
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &corpus(tmp.path()), "2");
    let keyness = table(&out, "keyness.csv");
    let qipp = row(&keyness, &[("term", "qipp")]);
    assert!(num(&qipp, "p_value") < 0.001, "{qipp:?}");
    assert!(
        (num(&qipp, "p_doc") - 0.34343639613791355).abs() < 1e-6,
        "{qipp:?}"
    );
    assert!(num(&qipp, "p_doc_adjusted") > 0.05, "{qipp:?}");

    let shift = table(&out, "theme_shift.csv");
    let burst = row(&shift, &[("theme", "burst")]);
    assert_eq!(
        burst["change"], "rose",
        "change stays the token-level verdict"
    );
    assert!(num(&burst, "p_value") < 0.001);
    assert!(num(&burst, "p_doc") > 0.05, "{burst:?}");
    assert!(burst["evidence"].starts_with("words only"), "{burst:?}");
    assert_eq!(burst["evidence"], "words only (few documents)");
    // A third of the resamples of 2002 leave its one burst document out (0.9^10): the
    // interval over documents reaches 0, while the token-level one does not.
    assert!(num(&burst, "log_ratio_doc_low") <= 0.0, "{burst:?}");
    assert!(num(&burst, "log_ratio_low") > 0.0, "{burst:?}");
}

#[test]
fn a_word_spread_over_the_documents_is_significant_by_both_tests() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &corpus(tmp.path()), "1");
    let keyness = table(&out, "keyness.csv");
    let integration = row(&keyness, &[("term", "integr")]);
    assert!(num(&integration, "p_value") < 0.001, "{integration:?}");
    assert!(num(&integration, "p_doc") < 0.001, "{integration:?}");
    assert!(num(&integration, "p_doc_adjusted") < 0.05);

    let shift = table(&out, "theme_shift.csv");
    let spread = row(&shift, &[("theme", "spread")]);
    assert_eq!(spread["evidence"], "documents and words");
    assert!(num(&spread, "p_doc_adjusted") < 0.05);
    let (low, high) = (
        num(&spread, "log_ratio_doc_low"),
        num(&spread, "log_ratio_doc_high"),
    );
    assert!(0.0 < low && low < high, "{spread:?}");
}

#[test]
fn document_level_columns_do_not_depend_on_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let (one, two) = (run(tmp.path(), &input, "1"), run(tmp.path(), &input, "2"));
    for name in ["keyness.csv", "theme_shift.csv"] {
        let a = std::fs::read_to_string(one.join(name)).unwrap();
        let b = std::fs::read_to_string(two.join(name)).unwrap();
        assert!(a == b, "{name} differs between 1 and 2 threads");
    }
}

#[test]
fn the_seed_corpus_says_only_the_token_level_test_is_possible() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = analyse(&root().join("input"), &out, &[]).success();
    let text = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(
        text.contains(
            "only the token-level test (G2) is possible in comparisons with 2003 (1 document)"
        ),
        "{text}"
    );
    let shift = table(&out, "theme_shift.csv");
    for evidence in col(&shift, "evidence") {
        assert!(
            evidence.ends_with("(too few documents to test)"),
            "{evidence}"
        );
    }
    assert!(col(&shift, "p_doc").iter().all(|p| p.is_empty()));
    assert!(col(&table(&out, "keyness.csv"), "p_doc")
        .iter()
        .all(|p| p.is_empty()));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("only the token-level test (G2) is possible"));
}

#[test]
fn the_bootstrap_interval_is_given_for_the_main_comparison_only() {
    // A third year, 2003, a copy of 2002's documents: the main comparison is 2001 -> 2003 and
    // the adjacent ones 2001 -> 2002 and 2002 -> 2003. Every period has ten documents, so
    // Welch's test is possible everywhere; the bootstrap is run for the main comparison only.
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    for d in 0..10 {
        let text = std::fs::read_to_string(input.join(format!("2002-{d}.txt"))).unwrap();
        let text = text.replacen("Date: 2002-", "Date: 2003-", 1);
        std::fs::write(input.join(format!("2003-{d}.txt")), text).unwrap();
    }
    let out = run(tmp.path(), &input, "2");
    let shift = table(&out, "theme_shift.csv");
    let (a, b) = (col(&shift, "period_a"), col(&shift, "period_b"));
    let (p_doc, low, high) = (
        col(&shift, "p_doc"),
        col(&shift, "log_ratio_doc_low"),
        col(&shift, "log_ratio_doc_high"),
    );
    let mut seen = 0;
    for i in 0..a.len() {
        let main = a[i] == "2001" && b[i] == "2003";
        assert!(!p_doc[i].is_empty(), "row {i}: {shift:?}");
        assert_eq!(!low[i].is_empty(), main, "row {i}: {shift:?}");
        assert_eq!(!high[i].is_empty(), main, "row {i}: {shift:?}");
        seen += main as usize;
    }
    assert_eq!(seen, 2, "both themes of the main comparison: {shift:?}");
    assert!(a.len() > 2, "adjacent comparisons too: {shift:?}");
}
