//! Phrases within `--memory`: a corpus whose phrases overflow the smallest budget many times
//! (each counter writes its table of phrases out as sorted runs, merged at the end) gives
//! every output byte for byte as with phrases held in memory, on one and two threads; a
//! disk that fills while the runs are written is one clear line, with nothing left behind.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// A corpus of twelve years of documents over a vocabulary of 3,000 invented words: tens of
/// thousands of distinct phrases, most seen once, some often.
fn corpus(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut state = 11u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let syllables = [
        "ka", "ro", "mi", "ten", "sul", "or", "pha", "lin", "dre", "vo",
    ];
    let words: Vec<String> = (0..3_000)
        .map(|i| {
            let (a, b, c) = (i % 10, (i / 10) % 10, (i / 100) % 10);
            format!(
                "{}{}{}{}",
                syllables[a],
                syllables[b],
                syllables[c],
                i / 1000
            )
        })
        .collect();
    for d in 0..600 {
        let year = 2001 + d % 12;
        let mut text = format!("Published: 03/04/{year}\n\n");
        for i in 0..150 {
            // A few words are common, so that some phrases recur.
            let w = if next() % 4 == 0 {
                &words[(next() % 20) as usize]
            } else {
                &words[(next() % 3_000) as usize]
            };
            text.push_str(w);
            text.push(if i % 15 == 14 { '.' } else { ' ' });
            if i % 15 == 14 {
                text.push(' ');
            }
        }
        std::fs::write(dir.join(format!("d{d:03}.txt")), text).unwrap();
    }
}

#[test]
fn phrases_written_out_within_the_smallest_budget_give_the_outputs_of_phrases_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input);
    let run = |name: &str, args: &[&str]| {
        let out = tmp.path().join(name);
        let mut all = vec!["--ngrams", "1-3", "--quiet"];
        all.extend(args);
        analyse(&input, &out, &all).success();
        out
    };
    let memory = run("memory", &["--threads", "2"]);
    let json = |out: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap()
    };
    assert!(json(&memory)["settings"]["phrases_note"].is_null());
    for threads in ["1", "2"] {
        let small = run(
            &format!("small{threads}"),
            &["--memory", "1M", "--threads", threads],
        );
        assert!(same_outputs(&memory, &small) >= 8, "{threads} thread(s)");
        let note = json(&small)["settings"]["phrases_note"].to_string();
        assert!(note.contains("written out to a temporary file"), "{note}");
    }
    // A phrase seen often enough is there, counted across the runs.
    let freq = table(&memory, "term_frequencies.csv");
    assert!(col(&freq, "n").iter().any(|n| n == "3"));
}

#[test]
fn a_budget_that_is_not_a_size_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input);
    let out = analyse(&input, &tmp.path().join("o"), &["--memory", "12 parsecs"]).failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(out.get_output().status.code(), Some(2), "{err}");
    assert!(err.contains("--memory expects a size"), "{err}");
}

#[test]
fn a_full_disk_while_phrases_are_written_out_is_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input);
    // The temporary folder on a small file system of its own (CI runs as root).
    let small = tmp.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&small)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        if std::env::var_os("THEMESHIFT_REQUIRE_BROWSER").is_some() {
            panic!("cannot mount a tmpfs (not root?)");
        }
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    let out = tmp.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_themeshift"))
        .arg("analyse")
        .arg(&input)
        .arg("--output")
        .arg(&out)
        .args(["--ngrams", "1-3", "--memory", "1M", "--quiet"])
        .env("TMPDIR", &small)
        .output()
        .unwrap();
    Command::new("umount").arg(&small).status().ok();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot write the phrases counted so far to a temporary file")
            && err.contains("No space left on device"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}
