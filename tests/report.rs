//! report.html, opened in a real headless browser (Debian's chromium, which scripts/test.sh
//! installs when missing): it loads with no console or network errors, and a screenshot of it
//! shows the charts in their colours.

mod common;

use std::process::Command;

use image::GenericImageView;

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
    // Every link points at a file the run wrote, and every file the run wrote (but the
    // page itself) is linked.
    let mut linked = std::collections::BTreeSet::new();
    for link in html.split("<a href=\"").skip(1) {
        let target = &link[..link.find('"').unwrap()];
        assert!(out.join(target).is_file(), "broken link {target}");
        linked.insert(target.to_string());
    }
    for entry in walkdir::WalkDir::new(&out).min_depth(1) {
        let entry = entry.unwrap();
        let name = entry
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if entry.file_type().is_file() && name != "report.html" && !name.starts_with('.') {
            assert!(
                linked.contains(&name),
                "{name} is not in the report's file list"
            );
        }
    }

    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("THEMESHIFT_REQUIRE_BROWSER").is_none(),
            "no chromium, though scripts/test.sh should have installed it"
        );
        eprintln!("skipped the browser check: no chromium (scripts/test.sh installs it)");
        return;
    };
    // As on a laptop and as on a phone: every chart shown at its own size (up to the page's
    // width) or scrolled sideways, never shrunk to unreadable text.
    for img in html.split("<img ").skip(1) {
        let width: u32 = attr_of(img, "width").parse().unwrap();
        assert!(width <= 1200, "a chart wider than the page: {width}");
        assert!(attr_of(img, "style").starts_with("min-width:"), "{img:.80}");
        assert!(
            !attr_of(img, "alt").ends_with(".png"),
            "alt text names the file"
        );
    }
    let wide = screenshot(browser, &out, tmp.path(), 1280, 4200);
    let near = |p: &image::Rgb<u8>, c: [u8; 3]| p.0.iter().zip(c).all(|(a, b)| a.abs_diff(b) < 12);
    // Period B's blue and period A's vermillion, drawn only by the charts.
    let blue = wide
        .pixels()
        .filter(|p| near(p, [0x00, 0x72, 0xB2]))
        .count();
    let orange = wide
        .pixels()
        .filter(|p| near(p, [0xD5, 0x5E, 0x00]))
        .count();
    assert!(
        blue > 5_000 && orange > 5_000,
        "blue {blue}, vermillion {orange}"
    );
    // At 400 px the themes table's change column is on screen: `fell` in its dark
    // vermillion, in the table's rows near the top of the page.
    let narrow = screenshot(browser, &out, tmp.path(), 400, 9000);
    let top = narrow.view(0, 0, 400, 2000).to_image();
    let fell = top.pixels().filter(|p| near(p, [0xB3, 0x4F, 0x00])).count();
    assert!(fell > 20, "no `fell` on a narrow screen: {fell} pixels");
}

/// The value of attribute `name` in the tag text `tag`.
fn attr_of<'a>(tag: &'a str, name: &str) -> &'a str {
    let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    &tag[at..at + tag[at..].find('"').unwrap()]
}

/// A screenshot of the report at `width` x `height` CSS pixels; kept in the folder
/// THEMESHIFT_SCREENSHOTS names, when set, to be looked at.
fn screenshot(
    browser: &str,
    out: &std::path::Path,
    tmp: &std::path::Path,
    width: u32,
    height: u32,
) -> image::RgbImage {
    let shot = tmp.join(format!("report-{width}.png"));
    let run = Command::new("timeout")
        .arg("180")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--window-size={width},{height}"))
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
    if let Some(dir) = std::env::var_os("THEMESHIFT_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(
            &shot,
            std::path::Path::new(&dir).join(shot.file_name().unwrap()),
        )
        .unwrap();
    }
    image::open(&shot).unwrap().to_rgb8()
}
