//! Hostile and odd input, each with a named outcome: encodings, binary and empty files,
//! invisible characters, line ends, backups, symlink loops, duplicates, odd dates, the
//! output folder inside the input, --strict, and a run killed half-way.
//! The files are made at test time (some need symlinks or are large).

mod common;

use std::path::{Path, PathBuf};

use common::*;

const SEED_2003: &str = "input/000_cc49b36451a4d406.txt";

fn seed_2003() -> String {
    std::fs::read_to_string(root().join(SEED_2003)).unwrap()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// Writes `text` as UTF-8, Windows-1252 and UTF-16LE (with BOM) copies, runs each, and
/// returns the output folders.
fn three_encodings(tmp: &Path, text: &str) -> Vec<PathBuf> {
    let (cp1252, _, lossy) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!lossy);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut outs = Vec::new();
    for (name, bytes) in [
        ("utf8", text.as_bytes().to_vec()),
        ("cp1252", cp1252.into_owned()),
        ("utf16", utf16),
    ] {
        let input = tmp.join(name);
        write(&input, "doc.txt", bytes);
        let out = tmp.join(format!("out-{name}"));
        analyse(&input, &out, &[]).success(); // one period: tables written, no comparison
        outs.push(out);
    }
    let freq = std::fs::read_to_string(outs[0].join("term_frequencies.csv")).unwrap();
    for out in &outs[1..] {
        assert_eq!(
            std::fs::read_to_string(out.join("term_frequencies.csv")).unwrap(),
            freq
        );
    }
    outs
}

#[test]
fn windows_1252_and_utf16_copies_count_exactly_like_utf8() {
    let tmp = tempfile::tempdir().unwrap();
    let enc = |o: &PathBuf| col(&table(o, "documents.csv"), "encoding")[0].clone();
    // The 2003 article is plain ASCII, so its Windows-1252 copy is byte-identical.
    let outs = three_encodings(&tmp.path().join("2003"), &seed_2003());
    assert_eq!(enc(&outs[2]), "UTF-16LE");
    // The 2010 one has curly quotes (0x92 in Windows-1252): detection must find them.
    let text = std::fs::read_to_string(root().join("input/003_3e862b9923451b60.txt")).unwrap();
    let outs = three_encodings(&tmp.path().join("2010"), &text);
    assert_eq!(
        [enc(&outs[0]), enc(&outs[1]), enc(&outs[2])],
        ["UTF-8", "windows-1252", "UTF-16LE"]
    );
    let words = col(&table(&outs[1], "term_frequencies.csv"), "word");
    assert!(
        words.iter().any(|w| w == "coalition"),
        "curly possessive decoded and dropped"
    );
}

#[test]
fn odd_files_each_get_a_named_outcome() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let dated =
        |year: u32, body: &str| format!("Published: 01/02/{year}\n\nTitle {year}\n\n{body}\n");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(root().join("input/themes.toml"), input.join("themes.toml")).unwrap();
    write(
        &input,
        "a2003.txt",
        dated(2003, "The centre and the top tables."),
    );
    write(
        &input,
        "b2010.txt",
        dated(2010, "Clinical commissioning and QIPP."),
    );
    write(
        &input,
        "copy-of-b2010.txt",
        dated(2010, "Clinical commissioning and QIPP."),
    );
    write(&input, "empty.txt", "");
    write(&input, "blank.txt", "  \n\n ");
    write(&input, "nul.txt", b"Published: 2003\x00\x01binary");
    write(&input, "pdf-named-txt.txt", b"%PDF-1.4 binary");
    write(&input, "picture.png", b"\x89PNG\r\n\x1a\n");
    write(&input, "notes.txt~", dated(2003, "backup"));
    write(&input, ".#lock.txt", dated(2003, "lock"));
    write(&input, ".hidden.txt", dated(2003, "hidden"));
    let long_word = "a".repeat(100_000);
    write(
        &input,
        "odd-characters.txt",
        format!(
            "Date: 2010-07-22\r\n\r\nCRLF title\r\n\r\nco\u{00AD}operate e\u{FB03}cient \
             zero\u{200B}width {long_word}\r\n"
        ),
    );
    write(
        &input,
        "mac.txt",
        "Date: 2003-10-16\rOld Mac title\rlocalism\r",
    );
    write(&input, "future.txt", dated(2090, "Tomorrow's world."));
    write(
        &input,
        "ancient.txt",
        "Date: 1700-01-01\n\nOld\n\nVery old.\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(&input, input.join("loop")).unwrap();
    // The output folder inside the input folder is not read back.
    let out = input.join("results");
    analyse(&input, &out, &[]).success();
    let second = analyse(&input, &out, &[]).success();
    let text = stdout(&second);

    for (file, reason) in [
        ("empty.txt", "empty file"),
        ("blank.txt", "only blank space"),
        ("nul.txt", "NUL bytes"),
        ("pdf-named-txt.txt", "a PDF file"),
        ("picture.png", "not a document"),
        ("notes.txt~", "editor backup file"),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(file))
            .unwrap_or_else(|| panic!("{file} not in summary:\n{text}"));
        assert!(line.contains(reason), "{file}: {line}");
    }
    #[cfg(unix)]
    assert!(text.contains("loop: symbolic link loop"), "{text}");
    assert!(
        !text.contains(".#lock") && !text.contains(".hidden"),
        "{text}"
    );
    assert!(
        text.contains(
            "1 duplicate document(s) counted once: copy-of-b2010.txt (same text as b2010.txt)"
        ) || text.contains(
            "1 duplicate document(s) counted once: b2010.txt (same text as copy-of-b2010.txt)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "1 document(s) dated in the future; check their dates: future.txt (2090-02-01)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "1 document(s) dated before 1800; check their dates: ancient.txt (1700-01-01)"
        ),
        "{text}"
    );

    let docs = table(&out, "documents.csv");
    let paths = col(&docs, "path");
    assert!(
        !paths.iter().any(|p| p.starts_with("results")),
        "own output not read: {paths:?}"
    );
    let dup = row(&docs, &[("path", "copy-of-b2010.txt")]);
    assert_eq!(dup["duplicate_of"], "b2010.txt");
    let odd = row(&docs, &[("path", "odd-characters.txt")]);
    assert_eq!(
        (odd["title"].as_str(), odd["date"].as_str()),
        ("CRLF title", "2010-07-22")
    );
    let mac = row(&docs, &[("path", "mac.txt")]);
    assert_eq!(
        (mac["title"].as_str(), mac["date"].as_str()),
        ("Old Mac title", "2003-10-16")
    );

    // Counted once: the duplicate adds nothing.
    let themes = table(&out, "themes.csv");
    let qipp = row(&themes, &[("theme", "QIPP"), ("period", "2010")]);
    // b2010 (QIPP) and odd-characters ("eﬃcient"); not the copy of b2010.
    assert_eq!(qipp["docs"], "2");
    let words = col(&table(&out, "term_frequencies.csv"), "word");
    for w in [
        "cooperate",
        "efficient",
        "zero",
        "width",
        long_word.as_str(),
    ] {
        assert!(words.iter().any(|x| x == w), "{w} missing");
    }
}

#[test]
fn strict_turns_warnings_into_an_input_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(
        &input,
        "a2003.txt",
        "Date: 2003-01-01\n\nA\n\nThe centre.\n",
    );
    write(
        &input,
        "b2010.txt",
        "Date: 2010-01-01\n\nB\n\nCommissioning.\n",
    );
    write(&input, "empty.txt", "");
    let out = tmp.path().join("out");
    analyse(&input, &out, &[]).success();
    let before = std::fs::read(out.join("documents.csv")).unwrap();
    let a = analyse(&input, &out, &["--strict", "--ngrams", "1"]).code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("--strict: 1 problem(s): empty.txt: empty file"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("documents.csv")).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn a_killed_run_leaves_the_previous_results_and_the_next_run_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // Enough text to take a moment to count.
    let body = seed_2003();
    for i in 0..400 {
        let year = 2003 + (i % 8);
        write(
            &input,
            &format!("{year}/doc{i:03}.txt"),
            body.replace("16/10/2003", &format!("16/10/{year}")),
        );
    }
    let out = tmp.path().join("out");
    analyse(&input, &out, &[]).success();
    let before = std::fs::read(out.join("keyness.csv")).unwrap();

    // A run killed part-way, and a stale staging folder like the one it would leave.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("themeshift"))
        .args([
            "analyse",
            input.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    child.kill().unwrap();
    child.wait().unwrap();
    let stale = tmp.path().join(".themeshift-staging-999999999-abc");
    std::fs::create_dir_all(stale.join("charts")).unwrap();
    std::fs::write(stale.join("keyness.csv"), "half-written").unwrap();
    assert_eq!(
        std::fs::read(out.join("keyness.csv")).unwrap(),
        before,
        "old results intact"
    );

    analyse(&input, &out, &["--quiet"]).success();
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".themeshift"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    assert_eq!(std::fs::read(out.join("keyness.csv")).unwrap(), before);
}

#[test]
fn a_file_with_no_line_breaks_is_read_whole_with_a_short_title() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let words = "clinical commissioning and the centre ".repeat(20_000);
    write(&input, "one-line.txt", format!("Date: 2003-10-16 {words}"));
    write(&input, "b2010.txt", "Date: 2010-07-22\n\nB\n\nQIPP.\n");
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet"]).success();
    let docs = table(&out, "documents.csv");
    let r = row(&docs, &[("path", "one-line.txt")]);
    assert_eq!(r["date"], "2003-10-16");
    // The only line holds the date and all the text: it is counted, not dropped as a header.
    assert!(num(&r, "tokens") >= 100_000.0, "{}", r["tokens"]);
    assert!(r["title"].chars().count() <= 201 && r["title"].ends_with('…'));
}

#[test]
fn a_file_too_large_to_hold_whole_counts_every_word_once() {
    // Over the 32 MB above which a text file is read in parts: 40 MB on one line, dated by
    // its name. Every word and phrase must be counted once, as one document.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let sentence = "Clinical commissioning groups met the board. ";
    let n = 40 * 1024 * 1024 / sentence.len() + 1;
    write(
        &input,
        "2010-export.txt",
        format!("{}QIPP", sentence.repeat(n)),
    );
    write(&input, "a2003.txt", "Date: 2003-10-16\n\nA\n\nLocalism.\n");
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet", "--ngrams", "1-3"]).success();
    let docs = table(&out, "documents.csv");
    let r = row(&docs, &[("path", "2010-export.txt")]);
    assert_eq!(r["date"], "2010", "only the year is known");
    assert_eq!(num(&r, "tokens"), (6 * n + 1) as f64);
    assert!(r["title"].chars().count() <= 201 && r["title"].ends_with('…'));
    let freq = table(&out, "term_frequencies.csv");
    for (term, expected) in [
        ("clinic", n),
        ("clinic commiss", n),
        ("clinic commiss group", n),
        ("board", n),
        ("qipp", 1),
    ] {
        let r = row(&freq, &[("period", "2010"), ("term", term)]);
        assert_eq!(r["count"], expected.to_string(), "{term}");
        assert_eq!(r["docs"], "1", "{term}");
    }
    // No phrase runs across a sentence, so none across a part's edge.
    let terms = col(&freq, "term");
    assert!(!terms.iter().any(|t| t.starts_with("board clinic")));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_skipped_as_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    let input = tmp.path().join("in");
    write(&input, "a2003.txt", "Date: 2003-10-16\n\nA\n\nLocalism.\n");
    write(&input, "b2010.txt", "Date: 2010-07-22\n\nB\n\nQIPP.\n");
    let secret = write(&input, "secret.txt", "Date: 2010-07-22\n\nC\n\nHidden.\n");
    mode(&secret, 0o000).unwrap();
    mode(&input, 0o755).unwrap();
    let out = tmp.path().join("out");
    let output = run_unprivileged(
        tmp.path(),
        &[
            "analyse".as_ref(),
            input.as_os_str(),
            "--output".as_ref(),
            out.as_os_str(),
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("secret.txt"))
        .unwrap_or_else(|| panic!("secret.txt not in summary:\n{text}"));
    assert!(line.contains("permission denied"), "{line}");
    let docs = table(&out, "documents.csv");
    assert_eq!(col(&docs, "path"), ["a2003.txt", "b2010.txt"]);
}

#[cfg(unix)]
#[test]
fn an_unwritable_output_folder_is_an_input_error_and_the_old_results_stay() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input, "a2003.txt", "Date: 2003-10-16\n\nA\n\nLocalism.\n");
    write(&input, "b2010.txt", "Date: 2010-07-22\n\nB\n\nQIPP.\n");
    let locked = tmp.path().join("locked");
    let out = locked.join("out");
    analyse(&input, &out, &["--quiet"]).success();
    let before = std::fs::read(out.join("documents.csv")).unwrap();
    // The folder holding the results may be read but not written.
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    write(&input, "c2010.txt", "Date: 2010-08-01\n\nC\n\nMore QIPP.\n");
    let output = run_unprivileged(
        tmp.path(),
        &[
            "analyse".as_ref(),
            input.as_os_str(),
            "--output".as_ref(),
            out.as_os_str(),
        ],
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write to output folder"), "{err}");
    assert_eq!(std::fs::read(out.join("documents.csv")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(&locked)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        ["out"],
        "nothing else left in {}",
        locked.display()
    );
}
