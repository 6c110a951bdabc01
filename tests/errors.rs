//! Bad input gets a one-line error naming the thing, exit code 2, and nothing half-written.

mod common;

use assert_cmd::Command;
use common::*;
use predicates::prelude::*;

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn missing_input_folder() {
    let tmp = tempfile::tempdir().unwrap();
    analyse(&tmp.path().join("nope"), &tmp.path().join("out"), &[])
        .code(2)
        .stderr(predicate::str::contains("input folder").and(predicate::str::contains("nope")));
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn folder_without_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input, "picture.png", "not really");
    write(&input, "empty.txt", "");
    analyse(&input, &tmp.path().join("out"), &[])
        .code(2)
        .stderr(
            predicate::str::contains("no readable documents")
                .and(predicate::str::contains("2 file(s) were skipped")),
        );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn malformed_lexicon_names_file_line_and_column_and_keeps_old_results() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    write(&input, "a.txt", "2003-01-01\n\nCentralism and the centre.");
    write(
        &input,
        "b.txt",
        "2010-01-01\n\nCommissioning and consortia.",
    );
    analyse(&input, &out, &[]).success();
    assert!(out.join("keyness.csv").exists());

    write(
        &input,
        "themes.toml",
        "[[theme]]\nname = \"x\"\npatterns = [\"ok\",\n  bad]\n",
    );
    analyse(&input, &out, &[])
        .code(2)
        .stderr(predicate::str::contains("themes.toml:4:3:"));
    assert!(out.join("keyness.csv").exists(), "previous results intact");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".themeshift"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn one_period_succeeds_with_frequencies_and_says_why_there_is_no_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    write(
        &input,
        "a.txt",
        "Published: 16/10/2003\n\nCentralism and the centre.",
    );
    write(&input, "b.txt", "Published: 17/10/2003\n\nMore centralism.");
    analyse(&input, &out, &[]).success().stdout(
        predicate::str::contains("No comparison")
            .and(predicate::str::contains("at least two periods"))
            .and(predicate::str::contains("has 1 (2003)")),
    );
    assert!(out.join("term_frequencies.csv").exists());
    assert!(out.join("documents.csv").exists());
    assert!(!out.join("keyness.csv").exists());
}

#[test]
fn unknown_compare_period_lists_the_periods() {
    analyse(
        &root().join("input"),
        &tempfile::tempdir().unwrap().path().join("o"),
        &["--compare", "2003,2011"],
    )
    .code(2)
    .stderr(
        predicate::str::contains("no period '2011'").and(predicate::str::contains("2003, 2010")),
    );
}

#[test]
fn output_path_that_is_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::write(&out, "I am a file").unwrap();
    analyse(&root().join("input"), &out, &[]).code(2).stderr(
        predicate::str::contains("cannot write to output folder")
            .and(predicate::str::contains("is a file")),
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "I am a file");
}

#[test]
fn formula_in_a_title_is_neutralised() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    write(
        &input,
        "a.txt",
        "=HYPERLINK(\"http://x\",\"click\")\n2003-01-01\n\nCentralism.",
    );
    write(&input, "b.txt", "@SUM(1+1)\n2010-01-01\n\nCommissioning.");
    analyse(&input, &out, &[]).success();
    let docs = table(&out, "documents.csv");
    let titles = col(&docs, "title");
    assert!(titles[0].starts_with("'="), "{titles:?}");
    assert!(titles[1].starts_with("'@"), "{titles:?}");
}

#[test]
fn help_documents_exit_codes_and_analyze_is_accepted() {
    Command::cargo_bin("themeshift")
        .unwrap()
        .args(["analyze", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Exit codes").and(predicate::str::contains("--month-first")),
        );
}
