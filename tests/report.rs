//! report.html, opened in a real headless browser (Debian's chromium, which scripts/test.sh
//! installs when missing): it loads with no console or network errors, and a screenshot of it
//! shows the charts in their colours.

mod common;

use std::process::Command;

use common::*;

fn browser() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_report_is_one_page_with_the_charts_and_the_sentences_behind_the_key_terms() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    analyse(&root().join("input"), &out, &["--quiet"]).success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // Self-contained: charts inline, nothing fetched.
    // top_terms, keyness, theme_shift, theme_terms (theme_trend needs three periods).
    assert_eq!(html.matches("src=\"data:image/png;base64,").count(), 4);
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    // The key bigram of 2010 with a sentence it comes from.
    assert!(
        html.contains("<b>clinical commissioning</b>"),
        "no key term"
    );
    assert!(
        html.contains("<mark>clinical commissioning</mark>"),
        "no concordance line"
    );
    assert!(html.contains("class=\"fell\">fell<"));
    // Every link points at a file the run wrote.
    for link in html.split("<a href=\"").skip(1) {
        let target = &link[..link.find('"').unwrap()];
        assert!(out.join(target).is_file(), "broken link {target}");
    }

    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("THEMESHIFT_REQUIRE_BROWSER").is_none(),
            "no chromium, though scripts/test.sh should have installed it"
        );
        eprintln!("skipped the browser check: no chromium (scripts/test.sh installs it)");
        return;
    };
    let shot = tmp.path().join("report.png");
    let run = Command::new("timeout")
        .arg("180")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1400,4200",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{browser} failed: {log}");
    for line in log.lines() {
        assert!(
            !line.contains("CONSOLE")
                && !line.contains("net::ERR")
                && !line.contains("Failed to load"),
            "browser reported: {line}"
        );
    }
    let img = image::open(&shot).unwrap().to_rgb8();
    let near = |p: &image::Rgb<u8>, c: [u8; 3]| p.0.iter().zip(c).all(|(a, b)| a.abs_diff(b) < 12);
    // Period B's blue and period A's vermillion, drawn only by the charts.
    let blue = img.pixels().filter(|p| near(p, [0x00, 0x72, 0xB2])).count();
    let orange = img.pixels().filter(|p| near(p, [0xD5, 0x5E, 0x00])).count();
    assert!(
        blue > 5_000 && orange > 5_000,
        "blue {blue}, vermillion {orange}"
    );
}
