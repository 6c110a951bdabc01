//! No row dropped without a word (issue 13, part B): a quote left open in a CSV or TSV row, a
//! corrupt table beside a good copy of it, table files in other encodings, a UTF-8 file with
//! a stray byte, `--strict` on every warning (undated documents too), named pipes and sockets
//! in the input folder, and a file name that is not UTF-8. The inputs are made at test time.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// A different sentence for each row `i`, dated 2003 (odd rows) or 2010 (even rows).
fn sentence(i: usize) -> String {
    const WORDS: [&str; 8] = [
        "board",
        "commissioning",
        "budget",
        "practice",
        "trust",
        "centre",
        "region",
        "reform",
    ];
    let picked: Vec<&str> = (0..12).map(|k| WORDS[(i * 7 + k * k) % 8]).collect();
    format!("The {} met on day {i}.", picked.join(" "))
}

fn year(i: usize) -> u32 {
    if i % 2 == 1 {
        2003
    } else {
        2010
    }
}

/// documents.csv's rows.
fn documents(out: &Path) -> polars::prelude::DataFrame {
    table(out, "documents.csv")
}

fn run_json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap()
}

#[test]
fn a_csv_row_that_opens_a_quote_it_never_closes_loses_no_row_and_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let mut body = String::from("id,date,text\n");
    for i in 1..=1000 {
        let quote = if i == 7 { "\"He said " } else { "" };
        body.push_str(&format!("r{i},{}-03-04,{quote}{}\n", year(i), sentence(i)));
    }
    write(&input, "t.csv", body);
    let out = tmp.path().join("out");
    let a = analyse(&input, &out, &["--no-report"]).success();
    let docs = documents(&out);
    assert_eq!(docs.height(), 1000, "every row is a document");
    let row7 = row(&docs, &[("path", "t.csv#r7")]);
    assert_eq!(row7["date"], "2003-03-04");
    assert_eq!(row(&docs, &[("path", "t.csv#r8")])["date"], "2010-03-04");
    let said = stdout(&a);
    assert!(
        said.contains("t.csv: 1 quote(s) left open") && said.contains("row 7 (line 8)"),
        "{said}"
    );
    let strict = analyse(&input, &tmp.path().join("strict"), &["--strict"]).code(2);
    assert!(
        stderr(&strict).contains("row 7 (line 8)"),
        "{}",
        stderr(&strict)
    );
}

#[test]
fn tsv_text_cells_that_open_a_quote_lose_no_row() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let mut body = String::from("id\tdate\ttext\n");
    for i in 1..=100 {
        let quote = if i % 9 == 0 { "\"Stop, he said. " } else { "" };
        body.push_str(&format!("{i}\t{}-03-04\t{quote}{}\n", year(i), sentence(i)));
    }
    write(&input, "t.tsv", body);
    let out = tmp.path().join("out");
    let a = analyse(&input, &out, &["--no-report"]).success();
    assert_eq!(documents(&out).height(), 100);
    let said = stdout(&a);
    assert!(
        said.contains("t.tsv: 11 quote(s) left open") && said.contains("row 9 (line 10)"),
        "{said}"
    );
}

#[test]
fn a_quote_running_to_the_end_of_a_csv_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // The rows after the quote have no date, so none of them reads as a row of its own.
    let mut body = String::from("id,date,text\n1,2003-01-01,First.\n2,2010-01-01,\"Open\n");
    for i in 3..=10 {
        body.push_str(&format!("{i},,{}\n", sentence(i)));
    }
    write(&input, "t.csv", body);
    let out = tmp.path().join("out");
    let a = analyse(&input, &out, &["--no-report"]).success();
    assert_eq!(documents(&out).height(), 2);
    assert!(
        stdout(&a).contains("t.csv: row 2 (line 3) opens a quote that is never closed"),
        "{}",
        stdout(&a)
    );
}

/// 20,000 rows of different sentences as a Parquet file, in row groups of 1,000.
fn parquet_of_rows(n: usize) -> Vec<u8> {
    use polars::prelude::*;
    let mut df = df!(
        "id" => (1..=n).map(|i| format!("r{i}")).collect::<Vec<_>>(),
        "date" => (1..=n).map(|i| format!("{}-03-04", year(i))).collect::<Vec<_>>(),
        "text" => (1..=n).map(sentence).collect::<Vec<_>>(),
    )
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_row_group_size(Some(1000))
        .finish(&mut df)
        .unwrap();
    bytes
}

#[test]
fn a_corrupt_copy_of_a_parquet_file_takes_no_row_from_the_good_one() {
    let tmp = tempfile::tempdir().unwrap();
    let good = parquet_of_rows(20_000);
    // Bytes overwritten in the middle: the footer is sound, a row group in the middle is not.
    let mut corrupt = good.clone();
    let middle = corrupt.len() / 2;
    corrupt[middle..middle + 4096].fill(0xA5);
    let alone = tmp.path().join("alone");
    write(&alone, "b-good.parquet", &good);
    let both = tmp.path().join("both");
    write(&both, "a-corrupt.parquet", &corrupt);
    write(&both, "b-good.parquet", &good);
    let (out_alone, out_both) = (tmp.path().join("out-alone"), tmp.path().join("out-both"));
    analyse(&alone, &out_alone, &["--no-report"]).success();
    analyse(&both, &out_both, &["--no-report"]).success();
    let docs = documents(&out_both);
    assert_eq!(docs.height(), 20_000);
    assert!(col(&docs, "path").iter().all(|p| p.starts_with("b-good")));
    assert!(col(&docs, "duplicate_of").iter().all(String::is_empty));
    for name in ["term_frequencies.csv", "keyness.csv"] {
        assert!(
            std::fs::read_to_string(out_alone.join(name)).unwrap()
                == std::fs::read_to_string(out_both.join(name)).unwrap(),
            "{name}: the good file counts as it does alone"
        );
    }
    let skipped = run_json(&out_both)["skipped"].clone();
    let reason = skipped
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "a-corrupt.parquet")
        .expect("the corrupt file is listed as skipped")["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("not a readable Parquet file")
            && reason.contains("row(s) read before that are left out"),
        "{reason}"
    );
}

/// `text` as Windows-1252 bytes.
fn cp1252(text: &str) -> Vec<u8> {
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!lossy);
    bytes.into_owned()
}

/// A table of 1,000 rows, a third of them with a curly apostrophe and an accented word.
fn curly_rows(sep: char) -> String {
    let mut body = format!("id{sep}date{sep}text\n");
    for i in 1..=1000 {
        let extra = if i % 3 == 0 {
            " The trust’s café reopened."
        } else {
            ""
        };
        body.push_str(&format!(
            "{i}{sep}{}-03-04{sep}{}{extra}\n",
            year(i),
            sentence(i)
        ));
    }
    body
}

fn encodings_and_cafe(out: &Path) -> (Vec<String>, bool) {
    let docs = documents(out);
    let mut encodings = col(&docs, "encoding");
    encodings.dedup();
    let words = col(&table(out, "term_frequencies.csv"), "word");
    (encodings, words.iter().any(|w| w == "café"))
}

#[test]
fn encoding_applies_to_table_files_and_is_detected_in_them() {
    let tmp = tempfile::tempdir().unwrap();
    let text = curly_rows(',');
    let forced = tmp.path().join("forced");
    write(&forced, "t.csv", cp1252(&text));
    let out = tmp.path().join("out-forced");
    analyse(
        &forced,
        &out,
        &["--no-report", "--encoding", "windows-1252"],
    )
    .success();
    assert_eq!(documents(&out).height(), 1000);
    assert_eq!(
        encodings_and_cafe(&out),
        (vec!["windows-1252".into()], true)
    );
    // The same file with no flag: detected.
    let out = tmp.path().join("out-detected");
    analyse(&forced, &out, &["--no-report"]).success();
    assert_eq!(documents(&out).height(), 1000);
    assert_eq!(
        encodings_and_cafe(&out),
        (vec!["windows-1252".into()], true)
    );
    // A UTF-16 TSV with a byte-order mark, and a Windows-1252 JSON Lines file.
    let utf16 = tmp.path().join("utf16");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(curly_rows('\t').encode_utf16().flat_map(u16::to_le_bytes));
    write(&utf16, "t.tsv", bytes);
    let out = tmp.path().join("out-utf16");
    analyse(&utf16, &out, &["--no-report"]).success();
    assert_eq!(documents(&out).height(), 1000);
    assert_eq!(encodings_and_cafe(&out), (vec!["UTF-16LE".into()], true));
    let lines: String = (1..=1000)
        .map(|i| {
            let text = format!("{} The trust’s café.", sentence(i));
            let date = format!("{}-03-04", year(i));
            serde_json::json!({ "date": date, "text": text }).to_string() + "\n"
        })
        .collect();
    let jsonl = tmp.path().join("jsonl");
    write(&jsonl, "t.jsonl", cp1252(&lines));
    let out = tmp.path().join("out-jsonl");
    analyse(&jsonl, &out, &["--no-report"]).success();
    assert_eq!(documents(&out).height(), 1000);
    assert_eq!(
        encodings_and_cafe(&out),
        (vec!["windows-1252".into()], true)
    );
}

#[test]
fn a_utf8_article_with_one_stray_byte_stays_utf8_and_the_byte_is_counted_and_warned() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let mut stray = "Date: 2003-01-01\n\nThe trust’s café — “top tables” don"
        .as_bytes()
        .to_vec();
    stray.push(0x92);
    stray.extend_from_slice(b"t matter.\n");
    write(&input, "a.txt", stray);
    write(
        &input,
        "b.txt",
        cp1252("Date: 2010-01-01\n\nThe centre’s “top tables” don’t matter.\n"),
    );
    let out = tmp.path().join("out");
    let a = analyse(&input, &out, &["--no-report"]).success();
    let docs = documents(&out);
    let a_row = row(&docs, &[("path", "a.txt")]);
    assert_eq!(
        (a_row["encoding"].as_str(), a_row["replaced_chars"].as_str()),
        ("UTF-8", "1")
    );
    let b_row = row(&docs, &[("path", "b.txt")]);
    assert_eq!(
        (b_row["encoding"].as_str(), b_row["replaced_chars"].as_str()),
        ("windows-1252", "0")
    );
    let words = col(&table(&out, "term_frequencies.csv"), "word");
    assert!(words.iter().any(|w| w == "café"), "{words:?}");
    assert!(!words.iter().any(|w| w.contains('â')), "{words:?}");
    assert!(stdout(&a).contains("a.txt (1)"), "{}", stdout(&a));
}

#[test]
fn strict_fails_on_an_undated_document() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input, "a.txt", "Date: 2003-01-01\n\nThe centre.\n");
    write(&input, "b.txt", "Date: 2010-01-01\n\nThe trust.\n");
    write(&input, "notes.txt", "No date in here at all.\n");
    let a = analyse(
        &input,
        &tmp.path().join("out"),
        &["--strict", "--no-report"],
    )
    .code(2);
    assert!(
        stderr(&a).contains("no date found for 1 document(s): notes.txt"),
        "{}",
        stderr(&a)
    );
    assert!(!tmp.path().join("out").exists());
}

#[cfg(unix)]
#[test]
fn named_pipes_and_sockets_are_listed_as_skipped_and_never_opened() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input, "a.txt", "Date: 2003-01-01\n\nThe centre.\n");
    write(&input, "b.txt", "Date: 2010-01-01\n\nThe trust.\n");
    let fifo = input.join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // A socket, bound and kept while the run walks past it.
    let _socket = std::os::unix::net::UnixListener::bind(input.join("sock.txt")).unwrap();
    let out = tmp.path().join("out");
    // Opening the pipe would wait for a writer for ever: the run must end by itself.
    let run = assert_cmd::Command::cargo_bin("themeshift")
        .unwrap()
        .args([
            "analyse".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ])
        .arg("--no-report")
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    let said = stdout(&run);
    assert!(
        said.contains("pipe.txt: a named pipe (FIFO), not a file: not opened"),
        "{said}"
    );
    assert!(
        said.contains("sock.txt: a socket, not a file: not opened"),
        "{said}"
    );
    assert_eq!(documents(&out).height(), 2);
}

#[cfg(unix)]
#[test]
fn a_text_file_whose_name_is_not_utf8_is_read_under_an_escaped_name() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input, "a.txt", "Date: 2003-01-01\n\nThe centre.\n");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9 2010.txt");
    if std::fs::write(input.join(name), "Date: 2010-01-01\n\nThe trust.\n").is_err() {
        // A file system that refuses such names (some do) cannot hold this case.
        return;
    }
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--no-report"]).success();
    let docs = documents(&out);
    let names = col(&docs, "path");
    assert_eq!(names, ["a.txt", "caf\\xE9 2010.txt"]);
    assert_eq!(
        row(&docs, &[("path", "caf\\xE9 2010.txt")])["period"],
        "2010"
    );
}
