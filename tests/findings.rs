//! findings.md, and the findings that open report.html and the terminal summary: each
//! sentence's numbers are those of theme_shift.csv, keyness.csv and documents.csv.

mod common;

use std::path::Path;

use common::*;

/// Two periods of 30 documents: `centralism` common in 2001's documents and rare in 2011's
/// (a change the documents bear out), `QIPP` in two documents of 2011 only, many times (a
/// change that rests on few documents), `budget` alike in both.
fn corpus(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let filler = "The board met on Tuesday and the practice managers gave their reports on \
                  waiting lists, staffing and the new premises for the surgery.";
    for i in 0..60 {
        let year = if i < 30 { 2001 } else { 2011 };
        let mut text = format!("Date: {year}-05-{:02}\n\n{filler} ", 1 + i % 28);
        if year == 2001 || i % 10 == 0 {
            text.push_str("Central targets came from the centre again. ");
        }
        if i == 33 || i == 47 {
            text.push_str(&"QIPP savings and QIPP plans. ".repeat(6));
        }
        if i % 3 == 0 {
            text.push_str("The budget was agreed. ");
        }
        text.push_str(&format!("Item {i} closed the meeting of the {i}th day."));
        std::fs::write(dir.join(format!("minutes{i:02}.txt")), text).unwrap();
    }
    std::fs::write(
        dir.join("themes.toml"),
        "[[theme]]\nname = \"centralism\"\npatterns = [\"target\", \"centre\"]\n\
         [[theme]]\nname = \"QIPP\"\npatterns = [\"QIPP\"]\n\
         [[theme]]\nname = \"budget\"\npatterns = [\"budget\"]\n",
    )
    .unwrap();
}

/// `x` as the findings write a rate: one decimal, two below 0.1.
fn rate(x: f64) -> String {
    if x > 0.0 && x < 0.1 {
        format!("{x:.2}")
    } else {
        format!("{x:.1}")
    }
}

#[test]
fn each_finding_states_the_numbers_of_the_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input);
    let out = tmp.path().join("out");
    let run = analyse(&input, &out, &[]).success();
    let md = std::fs::read_to_string(out.join("findings.md")).unwrap();
    let items: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("- ")).collect();
    let shift = table(&out, "theme_shift.csv");
    let docs = table(&out, "documents.csv");
    let in_period = |p: &str| col(&docs, "period").iter().filter(|x| *x == p).count();
    let sentence = regex::Regex::new(
        r"^Mentions of (\w+) (rose|fell) from ([\d.]+) to ([\d.]+) per 10,000 words between (\d+) and (\d+) \(Log Ratio ([-+][\d.]+), adjusted p = ([\d.e-]+)\); the theme occurs in (\d+) of (\d+) documents of \d+ and (\d+) of (\d+) of \d+\.(.*)$",
    )
    .unwrap();
    let mut changed = Vec::new();
    for item in &items {
        let Some(c) = sentence.captures(item) else {
            continue;
        };
        let theme = &c[1];
        changed.push(theme.to_string());
        let r = row(
            &shift,
            &[("theme", theme), ("period_a", &c[5]), ("period_b", &c[6])],
        );
        assert_eq!(r["change"], &c[2], "{item}");
        assert_eq!(rate(num(&r, "per_10k_a")), &c[3], "{item}");
        assert_eq!(rate(num(&r, "per_10k_b")), &c[4], "{item}");
        assert_eq!(format!("{:+.2}", num(&r, "log_ratio")), &c[7], "{item}");
        let p: f64 = c[8].parse().unwrap();
        assert!((p / num(&r, "p_adjusted") - 1.0).abs() < 0.06, "{item}");
        assert_eq!(
            (&r["docs_a"][..], &r["docs_b"][..]),
            (&c[9], &c[11]),
            "{item}"
        );
        assert_eq!(c[10].parse::<usize>().unwrap(), in_period(&c[5]));
        assert_eq!(c[12].parse::<usize>().unwrap(), in_period(&c[6]));
        let caveat = &c[13];
        if r["evidence"].starts_with("words only") {
            assert!(
                caveat.contains("Caveat: the change rests on few documents"),
                "{item}"
            );
        } else {
            assert!(caveat.is_empty(), "{item}");
        }
    }
    // Every significant change has its sentence; the others share one.
    let mut significant: Vec<String> = (0..shift.height())
        .map(|i| {
            (
                col(&shift, "theme")[i].clone(),
                col(&shift, "change")[i].clone(),
            )
        })
        .filter(|(_, c)| c == "rose" || c == "fell")
        .map(|(t, _)| t)
        .collect();
    significant.sort();
    changed.sort();
    assert_eq!(changed, significant);
    assert_eq!(changed, ["QIPP", "centralism"], "{md}");
    assert!(
        items.contains(
            &"No significant change in budget between 2001 and 2011 (adjusted p of 0.05 or more)."
        ),
        "{md}"
    );
    // The key terms: each named with its rates in keyness.csv's row.
    let keyness = table(&out, "keyness.csv");
    let key = items
        .iter()
        .find(|i| i.starts_with("The terms most"))
        .unwrap();
    let named =
        regex::Regex::new(r"(?:are |, |and |; of \d+, )([^(),;]+?) \(([\d.]+) to ([\d.]+)\)")
            .unwrap();
    let mut seen = 0;
    for c in named.captures_iter(key) {
        let word = &c[1];
        let r = row(
            &keyness,
            &[("word", word), ("period_a", "2001"), ("period_b", "2011")],
        );
        assert_eq!(rate(num(&r, "per_10k_a")), &c[2], "{word}");
        assert_eq!(rate(num(&r, "per_10k_b")), &c[3], "{word}");
        seen += 1;
    }
    assert_eq!(seen, 6, "{key}");
    // First in report.html, before any table, and at the top of the terminal summary.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let at = html.find("<h2>Findings</h2>").unwrap();
    assert!(at < html.find("<table").unwrap());
    let centralism = items.iter().find(|i| i.contains("centralism")).unwrap();
    let escaped = centralism.replace('\'', "&#x27;");
    assert!(html.contains(&escaped) || html.contains(*centralism));
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    let first = stdout.find("Findings, 2001 -> 2011").unwrap();
    assert!(first < stdout.find("period ").unwrap(), "{stdout}");
    let block = stdout[first..].split("\n\n").next().unwrap();
    assert!(block.lines().all(|l| l.chars().count() <= 100), "{block}");
}

#[test]
fn the_seeds_summary_fits_sixty_lines_of_a_hundred_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let run = analyse(&root().join("input"), &tmp.path().join("out"), &[]).success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    let lines: usize = stdout
        .lines()
        .map(|l| l.chars().count().div_ceil(100).max(1))
        .sum();
    assert!(lines <= 60, "{lines} lines:\n{stdout}");
    assert!(stdout.starts_with("Read 2 document(s)"));
    assert!(stdout.contains(
        "\nFindings, 2003 -> 2010 (also in findings.md):\n- Mentions of centralism fell"
    ));
}

#[test]
fn a_run_of_one_period_says_why_nothing_is_compared() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("a.txt"),
        "Date: 2010-01-02\n\nPrimary care trusts.",
    )
    .unwrap();
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet"]).success();
    let md = std::fs::read_to_string(out.join("findings.md")).unwrap();
    assert!(md.contains("\n- No comparison was made: "), "{md}");
}
