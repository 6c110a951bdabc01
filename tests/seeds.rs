//! End to end on the seed corpus (`input/`): the two NHS articles from 2003 and 2010.

mod common;

use common::*;

#[test]
fn seed_corpus_theme_shift_and_keyness_read_as_expected() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("output");
    analyse(&root().join("input"), &dir, &[]).success();

    let docs = table(&dir, "documents.csv");
    assert_eq!(col(&docs, "date"), ["2003-10-16", "2010-07-22"]);
    assert_eq!(col(&docs, "date_source"), ["date_line", "text"]);
    assert_eq!(col(&docs, "period"), ["2003", "2010"]);
    assert_eq!(col(&docs, "title")[1], "Don’t ditch PCTs’ talents");

    let shift = table(&dir, "theme_shift.csv");
    for (theme, direction) in [
        ("centralism", -1.0),
        ("localism", -1.0),
        ("commissioning", 1.0),
        ("QIPP", 1.0),
    ] {
        let r = row(&shift, &[("theme", theme)]);
        let change = num(&r, "per_10k_b") - num(&r, "per_10k_a");
        assert!(change * direction > 0.0, "{theme}: {r:?}");
        assert!(num(&r, "log_ratio") * direction > 0.0, "{theme}: {r:?}");
        let p = num(&r, "p_value");
        let expected = if p >= 0.05 {
            "no significant change"
        } else if direction > 0.0 {
            "rose"
        } else {
            "fell"
        };
        assert_eq!(r["change"], expected, "{theme}: {r:?}");
    }

    let key = table(&dir, "keyness.csv");
    let words = col(&key, "word");
    let g2 = col(&key, "g2");
    let top_2010: Vec<&str> = (0..10)
        .filter(|&i| g2[i].parse::<f64>().unwrap() > 0.0)
        .map(|i| words[i].as_str())
        .collect();
    assert!(top_2010.contains(&"commissioning"), "{top_2010:?}");
    assert!(top_2010.contains(&"clinical"), "{top_2010:?}");

    let freq = table(&dir, "term_frequencies.csv");
    let terms = col(&freq, "word");
    for junk in [
        "www",
        "org",
        "uk",
        "nhsalliance",
        "07772756674",
        "he",
        "ii3",
    ] {
        assert!(
            !terms.iter().any(|t| t == junk),
            "{junk} should not be a term"
        );
    }
    // Labels with their case; a phrase's label its own written form.
    for label in [
        "PCTs",
        "NHS",
        "SHAs",
        "QIPP",
        "clinical commissioning",
        "NHS Alliance",
    ] {
        assert!(terms.iter().any(|t| t == label), "no label {label}");
    }
    assert!(!terms.iter().any(|t| t == "pcts" || t == "nhs"));

    for chart in ["top_terms.png", "keyness.png", "theme_shift.png"] {
        let (w, h) = png_size(&dir.join("charts").join(chart));
        // The report's design width (charts/mod.rs, DESIGN_WIDTH).
        assert!(w >= 960 && h >= 800, "{chart}: {w}x{h}");
    }
    assert!(
        !dir.join("charts/theme_trend.png").exists(),
        "two periods: no trend chart"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
}

/// Words of `text` as written, separated by single spaces (punctuation and hyphens as spaces).
fn as_words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_phrase_label_is_written_so_in_the_seed_texts() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("output");
    analyse(&root().join("input"), &dir, &["--quiet"]).success();
    let texts: Vec<String> = std::fs::read_dir(root().join("input"))
        .unwrap()
        .map(|e| as_words(&std::fs::read_to_string(e.unwrap().path()).unwrap()))
        .collect();
    let wide = table(&dir, "terms_by_period.csv");
    let (n, words) = (col(&wide, "n"), col(&wide, "word"));
    let phrases: Vec<&String> = (0..n.len())
        .filter(|&i| n[i] != "1")
        .map(|i| &words[i])
        .collect();
    assert!(phrases.len() > 10, "{phrases:?}");
    for p in phrases {
        // Word by word, as the text has it: ` every trust ` is not ` every trusts `.
        let p = format!(" {} ", as_words(p));
        assert!(
            texts.iter().any(|t| format!(" {t} ").contains(&p)),
            "{p:?} is not written so in the texts"
        );
    }
}

/// The seed corpus's tables, byte for byte, as checked by hand when they were recorded in
/// tests/data/seed_expected/. A change to any number, column or order shows up here; if it
/// is intended, look at the new tables and copy them over.
#[test]
fn seed_tables_are_unchanged() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("output");
    analyse(&root().join("input"), &dir, &["--quiet"]).success();
    let expected = root().join("tests/data/seed_expected");
    let mut names: Vec<_> = std::fs::read_dir(&expected)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 9, "{names:?}");
    for name in names {
        let want = std::fs::read_to_string(expected.join(&name)).unwrap();
        let got = std::fs::read_to_string(dir.join(&name)).unwrap();
        assert!(
            got == want,
            "{} differs from the recorded table",
            name.to_string_lossy()
        );
    }
}
