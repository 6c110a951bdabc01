//! A theme's whole course, end to end: a generated corpus of twelve years in which
//! commissioning arrives in 2006 (with "practice-based commissioning" and "PBC"), holds, and
//! fades in 2012, while localism holds steady throughout. theme_course.csv must find the rise
//! and the fall within a year and in their directions, with the language that came; findings.md
//! must open with that course, its numbers those of theme_course.csv; the chart must be drawn;
//! every output must be the same on 1, 2 and 3 threads; and two periods make no course.

mod common;

use std::path::Path;

use common::*;

/// SplitMix64, for a corpus that is the same on every machine.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const WORDS: &[&str] = &[
    "board",
    "budget",
    "patients",
    "services",
    "hospital",
    "staff",
    "report",
    "quality",
    "waiting",
    "times",
    "nurses",
    "review",
    "funding",
    "plans",
    "care",
    "trust",
    "doctors",
    "beds",
    "community",
    "access",
    "outcomes",
    "standards",
    "reform",
    "council",
    "capacity",
];

/// Twelve years (2001-2012) of 30 documents each, 120 to 200 words; commissioning terms at 40
/// per 10,000 words from 2006 to 2011 and 2 otherwise, localism at 20 throughout.
fn corpus(dir: &Path, years: std::ops::Range<usize>) {
    std::fs::create_dir_all(dir).unwrap();
    let mut state = 7u64;
    for year in years {
        let on = (2006..2012).contains(&year);
        for d in 0..30 {
            let n = 120 + next(&mut state) % 81;
            let mut text = format!("Published: {:02}/{:02}/{year}\n\n", 1 + d % 28, 1 + d % 12);
            for i in 0..n {
                let r = next(&mut state) % 10_000;
                let word = if r < if on { 20 } else { 1 } {
                    "commissioning"
                } else if on && r < 40 {
                    "practice-based commissioning"
                } else if on && r < 55 {
                    "PBC"
                } else if (100..120).contains(&r) {
                    "localism"
                } else {
                    WORDS[(next(&mut state) % WORDS.len() as u64) as usize]
                };
                text.push_str(word);
                text.push(if i % 12 == 11 { '.' } else { ' ' });
                if i % 12 == 11 {
                    text.push(' ');
                }
            }
            text.push_str(".\n");
            std::fs::write(dir.join(format!("{year}-{d:02}.txt")), text).unwrap();
        }
    }
    std::fs::write(
        dir.join("themes.toml"),
        "[[theme]]\nname = \"commissioning\"\npatterns = [\"commissioning\", \"PBC\"]\n\n\
         [[theme]]\nname = \"localism\"\npatterns = [\"localism\"]\n",
    )
    .unwrap();
}

#[test]
fn a_theme_that_arrives_and_fades_is_told_by_its_course_first() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input, 2001..2013);
    let mut outs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = tmp.path().join(format!("out{threads}"));
        analyse(&input, &out, &["--threads", threads, "--quiet"]).success();
        outs.push(out);
    }
    for other in &outs[1..] {
        assert!(same_outputs(&outs[0], other) >= 12);
    }
    let out = &outs[0];
    let course = table(out, "theme_course.csv");
    let theme = col(&course, "theme");
    let turn = col(&course, "turn");
    let from = col(&course, "from");
    let turns: Vec<(String, String)> = (0..course.height())
        .filter(|&i| theme[i] == "commissioning" && !turn[i].is_empty())
        .map(|i| (turn[i].clone(), from[i].clone()))
        .collect();
    assert_eq!(turns.len(), 2, "{turns:?}");
    let year = |s: &str| s.parse::<i32>().unwrap();
    assert!(
        turns[0].0 == "rose" && (year(&turns[0].1) - 2006).abs() <= 1,
        "{turns:?}"
    );
    assert!(
        turns[1].0 == "fell" && (year(&turns[1].1) - 2012).abs() <= 1,
        "{turns:?}"
    );
    let rose = row(&course, &[("theme", "commissioning"), ("turn", "rose")]);
    assert!(
        rose["came"].contains("practice") || rose["came"].contains("PBC"),
        "{}",
        rose["came"]
    );
    assert_eq!(rose["evidence"], "documents and words");
    assert!(num(&rose, "p_adjusted") < 0.05 && num(&rose, "p_doc_adjusted") < 0.05);
    let steady: Vec<&String> = (0..course.height())
        .filter(|&i| theme[i] == "localism")
        .map(|i| &turn[i])
        .collect();
    assert_eq!(
        steady,
        [&String::new()],
        "localism holds steady: one stretch, no turn"
    );
    // findings.md opens with the course, its numbers theme_course.csv's.
    let findings = std::fs::read_to_string(out.join("findings.md")).unwrap();
    let first = findings
        .lines()
        .find(|l| l.starts_with("- "))
        .unwrap()
        .to_string();
    let before = num(&rose, "per_10k_before");
    let after = num(&rose, "per_10k");
    let opening = format!(
        "- commissioning rose in {} (from {:.1} to {:.1} per 10,000 words)",
        rose["from"], before, after
    );
    assert!(first.starts_with(&opening), "{first}\n{opening}");
    assert!(first.contains("fell in"), "{first}");
    assert!(
        first.contains(&format!("peaked in {}", rose["peak"])),
        "{first}"
    );
    let localism = findings.lines().find(|l| l.contains("No turn in")).unwrap();
    assert!(
        localism.contains("localism from 2001 to 2012"),
        "{localism}"
    );
    assert!(!findings
        .lines()
        .find(|l| l.starts_with("- "))
        .unwrap()
        .contains("No significant change"));
    assert_eq!(png_size(&out.join("charts/theme_trend.png")), (960, 850));
    let summary = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        summary.contains("commissioning rose in"),
        "the page opens with the course too"
    );
}

#[test]
fn two_periods_make_no_course() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input, 2005..2007);
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet"]).success();
    assert!(!out.join("theme_course.csv").exists());
    let findings = std::fs::read_to_string(out.join("findings.md")).unwrap();
    assert!(!findings.contains("No turn"), "{findings}");
}
