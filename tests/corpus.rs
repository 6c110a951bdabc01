//! End to end on a corpus of our own (`tests/data/multiyear/`): four years, a sub-folder, a
//! metadata.csv, a Markdown file, an undated note and a PDF; and determinism across threads.

mod common;

use common::*;

fn run_multiyear(args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("out");
    let assert = analyse(&root().join("tests/data/multiyear"), &dir, args).success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    (out, dir, stdout)
}

#[test]
fn multiyear_corpus_tables_have_the_right_content() {
    let (_tmp, dir, stdout) = run_multiyear(&[]);

    let docs = table(&dir, "documents.csv");
    assert_eq!(
        col(&docs, "path"),
        [
            "2001_budgets.md",
            "2001_targets.txt",
            "2010_consortia.txt",
            "2010_qipp.txt",
            "archive/2007-practice.txt",
            "archive/undated-note.txt",
            "mid_decade.txt"
        ]
    );
    assert_eq!(
        col(&docs, "period"),
        ["2001", "2001", "2010", "2010", "2007", "", "2004"]
    );
    assert_eq!(
        col(&docs, "date_source"),
        [
            "date_line",
            "date_line",
            "text",
            "metadata",
            "text",
            "",
            "metadata"
        ]
    );
    assert_eq!(
        col(&docs, "date")[3],
        "2010-11-30",
        "metadata.csv wins over the file name"
    );
    assert_eq!(
        col(&docs, "title")[0],
        "GP fundholding ends",
        "Markdown heading marks dropped"
    );
    assert_eq!(col(&docs, "source")[6], "Health Service Journal");

    assert!(stdout.contains("report.pdf: not a document"), "{stdout}");
    assert!(stdout.contains("archive/undated-note.txt"), "{stdout}");

    // Every comparison: the main one (earliest against latest) first, then adjacent pairs.
    let key = table(&dir, "keyness.csv");
    let mut pairs: Vec<String> = col(&key, "period_a")
        .iter()
        .zip(col(&key, "period_b"))
        .map(|(a, b)| format!("{a}-{b}"))
        .collect();
    pairs.dedup();
    assert_eq!(pairs, ["2001-2010", "2001-2004", "2004-2007", "2007-2010"]);

    let themes = table(&dir, "themes.csv");
    assert_eq!(themes.height(), 4 * 4);
    let central_2001 = row(&themes, &[("theme", "centralism"), ("period", "2001")]);
    let central_2010 = row(&themes, &[("theme", "centralism"), ("period", "2010")]);
    assert!(num(&central_2001, "hits") >= 6.0, "{central_2001:?}");
    assert_eq!(num(&central_2010, "hits"), 0.0);
    let tokens = num(&central_2001, "tokens");
    let rate = num(&central_2001, "per_10k");
    assert!((rate - num(&central_2001, "hits") / tokens * 10_000.0).abs() < 1e-3);

    let shift = table(&dir, "theme_shift.csv");
    let comm = row(
        &shift,
        &[
            ("theme", "commissioning"),
            ("period_a", "2001"),
            ("period_b", "2010"),
        ],
    );
    assert_eq!(comm["change"], "rose", "{comm:?}");
    let central = row(
        &shift,
        &[
            ("theme", "centralism"),
            ("period_a", "2001"),
            ("period_b", "2010"),
        ],
    );
    assert_eq!(central["change"], "fell", "{central:?}");

    let words = table(&dir, "theme_terms.csv");
    let top = row(
        &words,
        &[
            ("theme", "centralism"),
            ("period", "2001"),
            ("word", "top table"),
        ],
    );
    assert_eq!(top["count"], "1");

    let wide = table(&dir, "terms_by_period.csv");
    let names: Vec<String> = wide
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(&names[..5], ["term", "n", "word", "total", "count_2001"]);
    assert_eq!(names.len(), 4 + 2 * 4 + 4, "{names:?}");
    assert_eq!(
        names[12..],
        ["trend_z", "trend_p_value", "trend_p_adjusted", "trend"]
    );

    let (w, h) = png_size(&dir.join("charts/theme_trend.png"));
    // The report's design width (charts/mod.rs, DESIGN_WIDTH).
    assert!(w >= 960 && h >= 800, "{w}x{h}");
}

#[test]
fn undated_documents_are_left_out_of_the_counts() {
    let (_tmp, dir, _) = run_multiyear(&["--period", "decade"]);
    let freq = table(&dir, "term_frequencies.csv");
    let periods = col(&freq, "period");
    assert!(
        periods.iter().all(|p| p == "2000s" || p == "2010s"),
        "{periods:?}"
    );
    let words = col(&freq, "word");
    assert!(
        !words.iter().any(|w| w == "note"),
        "'note' is only in the undated document"
    );
}

#[test]
fn outputs_are_identical_whatever_the_thread_count() {
    let (_a, one, _) = run_multiyear(&["--threads", "1"]);
    let (_b, many, _) = run_multiyear(&["--threads", "4"]);
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(&one) {
        let entry = entry.unwrap();
        let name = entry.path().strip_prefix(&one).unwrap();
        if !entry.file_type().is_file() || name == std::path::Path::new("run.json") {
            continue;
        }
        let x = std::fs::read(entry.path()).unwrap();
        let y = std::fs::read(many.join(name)).unwrap();
        assert!(x == y, "{} differs between 1 and 4 threads", name.display());
        compared += 1;
    }
    assert_eq!(
        compared,
        9 + 5 + 1 + 1 + 1 + 1,
        "nine tables, five charts, report.html, findings.md, tables.xlsx and the \
         .themeshift-output marker"
    );
}

/// Labels are decided on the merged counts: a phrase written in more ways than a phrase
/// keeps (`fix powerpc build`: 240 ways), and one written two ways once each in documents far
/// apart in reading order, get the same labels however the documents are split between
/// threads, and every output but run.json is the same on 1, 2 and 3 threads.
#[test]
fn phrases_written_in_many_ways_get_the_same_labels_on_one_two_and_three_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let fix = [
        "fix", "Fix", "FIX", "fixes", "Fixes", "fixed", "Fixed", "fixing",
    ];
    let arch = [
        "powerpc", "PowerPC", "Powerpc", "POWERPC", "PowerPc", "powerPC",
    ];
    let what = ["build", "Build", "builds", "BUILD", "building"];
    let filler = "the kernel release package update driver network memory support";
    for i in 0..720usize {
        let mut text = format!("Date: {}-03-{:02}\n\n{filler}. ", 2005 + i % 6, 1 + i % 28);
        for k in 0..(i * 7 % 4) {
            let h = i * 31 + k * 17;
            let phrase = [fix[h % 8], arch[(h / 8) % 6], what[(h / 48) % 5]];
            text.push_str(&format!("{} now. {filler}. ", phrase.join(" ")));
        }
        match i {
            5 => text.push_str("Quell SPARC today."),
            701 => text.push_str("Quell sparc today."),
            _ => {}
        }
        std::fs::write(input.join(format!("d{i:03}.txt")), text).unwrap();
    }
    let outs: Vec<_> = ["1", "2", "3"]
        .iter()
        .map(|t| {
            let out = tmp.path().join(format!("out{t}"));
            analyse(
                &input,
                &out,
                &["--threads", t, "--quiet", "--ngrams", "1-3"],
            )
            .success();
            out
        })
        .collect();
    for other in &outs[1..] {
        // Four tables (no lexicon), two charts, report.html, findings.md, tables.xlsx and
        // the .themeshift-output marker.
        assert_eq!(same_outputs(&outs[0], other), 10);
    }
    let freq = table(&outs[0], "term_frequencies.csv");
    let label = |term: &str, period: &str| {
        row(&freq, &[("term", term), ("period", period)])["word"].clone()
    };
    // Once each: the form with fewer capitals.
    assert_eq!(label("quell sparc", "2010"), "Quell sparc");
    assert_eq!(label("sparc", "2010"), "sparc");
    // Of the forms kept (the four with fewest capitals), the most frequent word sequence.
    let phrase = label("fix powerpc build", "2005");
    assert!(
        phrase.chars().all(|c| c.is_lowercase() || c == ' '),
        "{phrase}"
    );
}
