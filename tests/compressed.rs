//! Compressed input: a folder of `.txt.gz`, `.jsonl.gz`, `.csv.zst` (and `.md.zst`,
//! `.html.gz`) files gives the tables the same files give uncompressed, whether read in a
//! folder, given as one file, or searched by `kwic`; a corrupt or truncated archive is a
//! skipped file with its reason, and its rows leave no trace.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `bytes` as two gzip members end to end (as `cat a.gz b.gz` makes), cut at a line break.
fn gzip_two_members(bytes: &[u8]) -> Vec<u8> {
    let half = bytes.len() / 2;
    let cut = half + bytes[half..].iter().position(|&b| b == b'\n').unwrap_or(0);
    let mut out = gzip(&bytes[..cut]);
    out.extend(gzip(&bytes[cut..]));
    out
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

/// Rows of a table over ten years, in words of the seed corpus, curly quotes and accents
/// among them: (id, date, text).
fn rows(n: usize) -> Vec<(String, String, String)> {
    let words = [
        "board",
        "trust’s",
        "commissioning",
        "local",
        "centre",
        "targets",
        "clinical",
        "naïve",
        "café",
        "primary",
        "care",
        "performance",
    ];
    (0..n)
        .map(|i| {
            let text: Vec<&str> = (0..60)
                .map(|k| words[(i * 7 + k * k + k / 5) % words.len()])
                .collect();
            (
                format!("r{i}"),
                format!("{}-0{}-1{}", 2001 + i % 10, 1 + i % 9, i % 10),
                format!("“{}.”", text.join(" ")),
            )
        })
        .collect()
}

fn json_lines(n: usize) -> String {
    rows(n)
        .into_iter()
        .map(|(id, date, text)| {
            serde_json::json!({ "id": id, "date": date, "text": text }).to_string() + "\n"
        })
        .collect()
}

/// A CSV table in Windows-1252 (as old exports are), quoted line breaks in its cells.
fn csv_windows_1252(n: usize) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "date", "text"]).unwrap();
    for (id, date, text) in rows(n) {
        w.write_record([id, date, text.replacen(' ', "\n", 1)])
            .unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!bad);
    bytes.into_owned()
}

/// A way to compress a file's bytes.
type Compress = fn(&[u8]) -> Vec<u8>;

/// The documents of the comparison, by their names uncompressed, and how each is compressed
/// in the other folder (the function, and the extension it adds).
fn corpus() -> Vec<(&'static str, Vec<u8>, Compress, &'static str)> {
    let seed = |name: &str| std::fs::read(root().join("input").join(name)).unwrap();
    let multiyear = |name: &str| std::fs::read(root().join("tests/data/multiyear").join(name));
    let latin = encoding_rs::WINDOWS_1252
        .encode("The centre’s “top tables” for 2004: naïve café targets, again.\n")
        .0
        .into_owned();
    vec![
        (
            "000_seed.txt",
            seed("000_cc49b36451a4d406.txt"),
            gzip,
            ".gz",
        ),
        (
            "003_seed.txt",
            seed("003_3e862b9923451b60.txt"),
            gzip_two_members,
            ".gz",
        ),
        (
            "2001_targets.txt",
            multiyear("2001_targets.txt").unwrap(),
            gzip,
            ".gz",
        ),
        (
            "2001_budgets.md",
            multiyear("2001_budgets.md").unwrap(),
            zstd,
            ".zst",
        ),
        // Dated by its file name alone.
        (
            "2007-report.txt",
            b"No date inside: the trust's commissioning plans.\n".to_vec(),
            gzip,
            ".gz",
        ),
        ("2004_latin.txt", latin, gzip, ".gz"),
        (
            "page.html",
            b"<html><head><title>Consortia</title><meta name=\"date\" content=\"2010-05-01\">\
              </head><body><p>GP consortia will commission care &amp; more.</p></body></html>"
                .to_vec(),
            gzip,
            ".gz",
        ),
        (
            "rows.jsonl",
            json_lines(6000).into_bytes(),
            gzip_two_members,
            ".gz",
        ),
        ("table.csv", csv_windows_1252(300), zstd, ".zst"),
    ]
}

/// The input folders: the corpus as it is, and compressed.
fn folders(tmp: &Path) -> (PathBuf, PathBuf) {
    let (plain, packed) = (tmp.join("plain"), tmp.join("packed"));
    for dir in [&plain, &packed] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::copy(root().join("input/themes.toml"), dir.join("themes.toml")).unwrap();
    }
    for (name, bytes, compress, ext) in corpus() {
        std::fs::write(plain.join(name), &bytes).unwrap();
        std::fs::write(packed.join(format!("{name}{ext}")), compress(&bytes)).unwrap();
    }
    (plain, packed)
}

/// Text of a compressed run's output with the compressed files' names as the plain ones.
fn uncompressed_names(text: &str) -> String {
    [".gz", ".zst"].iter().fold(text.to_string(), |text, ext| {
        ["txt", "md", "html", "jsonl", "csv"]
            .iter()
            .fold(text, |t, inner| {
                t.replace(&format!(".{inner}{ext}"), &format!(".{inner}"))
            })
    })
}

/// Asserts that every CSV table of `plain` is in `packed`, the same but for the compressed
/// files' names (named as uncompressed in both); gives the number compared.
fn same_tables(plain: &Path, packed: &Path) -> usize {
    let mut compared = 0;
    for entry in std::fs::read_dir(plain).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let name = path.file_name().unwrap();
        let want = uncompressed_names(&std::fs::read_to_string(&path).unwrap());
        let got = std::fs::read_to_string(packed.join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", name.display()));
        assert!(
            want == uncompressed_names(&got),
            "{} differs:\n{}",
            name.display(),
            first_difference(&want, &uncompressed_names(&got))
        );
        compared += 1;
    }
    compared
}

fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .find(|(x, y)| x != y)
        .map_or("(lengths differ)".into(), |(x, y)| format!("{x}\n{y}"))
}

/// An output folder `name` in `tmp`.
fn out(tmp: &tempfile::TempDir, name: &str) -> PathBuf {
    tmp.path().join(format!("out-{name}"))
}

fn run_json(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap()
}

#[test]
fn a_folder_of_compressed_files_gives_the_tables_of_the_same_files_uncompressed() {
    let tmp = tempfile::tempdir().unwrap();
    let (plain, packed) = folders(tmp.path());
    let (a, b) = (out(&tmp, "a"), out(&tmp, "b"));
    analyse(&plain, &a, &["--quiet", "--no-report"]).success();
    analyse(&packed, &b, &["--quiet", "--no-report"]).success();
    assert_eq!(same_tables(&a, &b), 10);
    let docs = table(&b, "documents.csv");
    assert_eq!(docs.height(), 7 + 6000 + 300);
    let dated = row(&docs, &[("path", "2007-report.txt.gz")]);
    assert_eq!(
        (dated["date"].as_str(), dated["date_source"].as_str()),
        ("2007", "file_name")
    );
    let latin = row(&docs, &[("path", "2004_latin.txt.gz")]);
    assert_eq!(latin["encoding"], "windows-1252");
    assert_eq!(
        row(&docs, &[("path", "table.csv.zst#r7")])["encoding"],
        "windows-1252"
    );
    assert!(col(&docs, "title").iter().any(|t| t == "Consortia"));
    // run.json lists each compressed file with its content's size and hash.
    let (x, y) = (run_json(&a), run_json(&b));
    assert!(
        y["skipped"].as_array().unwrap().is_empty(),
        "{}",
        y["skipped"]
    );
    let size = |run: &serde_json::Value, name: &str| {
        run["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == name)
            .unwrap_or_else(|| panic!("{name} not in {}", run["inputs"]))
            .clone()
    };
    for (plain_name, packed_name) in [
        ("rows.jsonl", "rows.jsonl.gz"),
        ("003_seed.txt", "003_seed.txt.gz"),
    ] {
        let (p, q) = (size(&x, plain_name), size(&y, packed_name));
        assert_eq!((&p["bytes"], &p["sha256"]), (&q["bytes"], &q["sha256"]));
    }
}

#[test]
fn a_compressed_table_given_as_the_input_reads_as_the_table_uncompressed() {
    let tmp = tempfile::tempdir().unwrap();
    let body = json_lines(500);
    let plain = tmp.path().join("corpus.jsonl");
    let packed = tmp.path().join("corpus.jsonl.gz");
    std::fs::write(&plain, &body).unwrap();
    std::fs::write(&packed, gzip(body.as_bytes())).unwrap();
    let (a, b) = (out(&tmp, "a"), out(&tmp, "b"));
    analyse(&plain, &a, &["--quiet", "--no-report"]).success();
    analyse(&packed, &b, &["--quiet", "--no-report"]).success();
    // No lexicon beside the file: the four tables of terms and documents.
    assert_eq!(same_tables(&a, &b), 4);
    assert_eq!(table(&b, "documents.csv").height(), 500);
    // Zstandard too, and a corrupt one is an input error naming the file.
    let zst = tmp.path().join("corpus.jsonl.zst");
    std::fs::write(&zst, zstd(body.as_bytes())).unwrap();
    analyse(&zst, &out(&tmp, "c"), &["--quiet", "--no-report"]).success();
    let cut = tmp.path().join("cut.jsonl.zst");
    let bytes = zstd(body.as_bytes());
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let run = analyse(&cut, &out(&tmp, "d"), &["--quiet"]).code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("cut.jsonl.zst"), "{err}");
    assert!(
        err.contains("not a readable zstd archive (corrupt or truncated)"),
        "{err}"
    );
    // Parquet is not read from inside a compressed file.
    let parquet = tmp.path().join("corpus.parquet.gz");
    std::fs::write(&parquet, gzip(b"PAR1")).unwrap();
    let run = analyse(&parquet, &out(&tmp, "e"), &["--quiet"]).code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("all but .parquet also compressed"), "{err}");
}

#[test]
fn kwic_searches_compressed_files_as_it_does_the_same_files_uncompressed() {
    let tmp = tempfile::tempdir().unwrap();
    let (plain, packed) = folders(tmp.path());
    let kwic = |input: &Path| {
        let out = assert_cmd::Command::cargo_bin("themeshift")
            .unwrap()
            .args(["kwic", "commission*"])
            .arg(input)
            .args(["--csv", "-", "--quiet"])
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let (want, got) = (kwic(&plain), kwic(&packed));
    assert!(got.contains("2007-report.txt.gz"), "{got}");
    assert!(got.contains("table.csv.zst#r"), "{got}");
    assert!(got.lines().count() > 100);
    assert_eq!(want, uncompressed_names(&got));
}

#[test]
fn a_truncated_or_corrupt_archive_is_skipped_with_its_reason_and_leaves_no_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(root().join("input/themes.toml"), input.join("themes.toml")).unwrap();
    let seed = |name: &str| std::fs::read(root().join("input").join(name)).unwrap();
    std::fs::write(
        input.join("a.txt.gz"),
        gzip(&seed("000_cc49b36451a4d406.txt")),
    )
    .unwrap();
    std::fs::write(input.join("b.txt"), seed("003_3e862b9923451b60.txt")).unwrap();
    let whole = gzip(&seed("003_3e862b9923451b60.txt"));
    std::fs::write(input.join("cut.txt.gz"), &whole[..whole.len() - 10]).unwrap();
    std::fs::write(input.join("fake.txt.zst"), b"not compressed at all").unwrap();
    // Over 3 MB of rows: the first blocks are counted before the cut is met.
    let rows = gzip(json_lines(8000).as_bytes());
    std::fs::write(input.join("rows.jsonl.gz"), &rows[..rows.len() * 3 / 4]).unwrap();
    std::fs::write(input.join("table.parquet.gz"), gzip(b"PAR1")).unwrap();
    // metadata.csv names a compressed file as it is.
    std::fs::write(
        input.join("metadata.csv"),
        "file,date,title\na.txt.gz,2004-05-06,Given title\n",
    )
    .unwrap();
    let out_dir = out(&tmp, "a");
    analyse(&input, &out_dir, &["--quiet", "--no-report"]).success();
    let docs = table(&out_dir, "documents.csv");
    assert_eq!(col(&docs, "path"), ["a.txt.gz", "b.txt"]);
    let a = row(&docs, &[("path", "a.txt.gz")]);
    assert_eq!(
        (
            a["date"].as_str(),
            a["date_source"].as_str(),
            a["title"].as_str()
        ),
        ("2004-05-06", "metadata", "Given title")
    );
    let run = run_json(&out_dir);
    let skipped: Vec<(String, String)> = run["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reason = |path: &str| {
        skipped
            .iter()
            .find(|s| s.0 == path)
            .unwrap_or_else(|| panic!("{path} not skipped: {skipped:?}"))
            .1
            .clone()
    };
    for path in ["cut.txt.gz", "rows.jsonl.gz"] {
        assert!(
            reason(path).contains("not a readable gzip archive (corrupt or truncated)"),
            "{path}: {}",
            reason(path)
        );
    }
    assert!(reason("fake.txt.zst").contains("not a readable zstd archive"));
    assert!(
        reason("rows.jsonl.gz").contains("row(s) read before that are left out"),
        "{}",
        reason("rows.jsonl.gz")
    );
    assert!(reason("table.parquet.gz").starts_with("a compressed Parquet file"));
    // Nothing of the cut table is counted: the tables are those of the two articles alone.
    let good = tmp.path().join("good");
    std::fs::create_dir_all(&good).unwrap();
    for name in ["themes.toml", "metadata.csv", "a.txt.gz", "b.txt"] {
        std::fs::copy(input.join(name), good.join(name)).unwrap();
    }
    let alone = out(&tmp, "good");
    analyse(&good, &alone, &["--quiet", "--no-report"]).success();
    assert_eq!(same_tables(&alone, &out_dir), 9);
    let strict = analyse(&input, &out(&tmp, "b"), &["--quiet", "--strict"]).code(2);
    let err = String::from_utf8_lossy(&strict.get_output().stderr).into_owned();
    assert!(err.contains("cut.txt.gz: cannot be read"), "{err}");
}

#[test]
fn a_compressed_text_too_large_to_hold_whole_is_read_in_parts_as_the_plain_file_is() {
    // 40 MB of text once decompressed (more than the 32 MB read whole), two gzip members;
    // dated by its first line.
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("Date: 2005-06-07\n\n");
    let line = "The centre’s targets for primary care trusts, and local commissioning.\n";
    while text.len() < 40 << 20 {
        text.push_str(line);
    }
    let plain = tmp.path().join("plain");
    let packed = tmp.path().join("packed");
    for dir in [&plain, &packed] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("b2010.txt"),
            "Date: 2010-01-02\n\nCommissioning.\n",
        )
        .unwrap();
    }
    std::fs::write(plain.join("big.txt"), &text).unwrap();
    std::fs::write(packed.join("big.txt.gz"), gzip_two_members(text.as_bytes())).unwrap();
    let (a, b) = (out(&tmp, "a"), out(&tmp, "b"));
    for (input, out) in [(&plain, &a), (&packed, &b)] {
        analyse(input, out, &["--quiet", "--no-report", "--ngrams", "1"]).success();
    }
    assert_eq!(same_tables(&a, &b), 4);
    let big = row(&table(&b, "documents.csv"), &[("path", "big.txt.gz")]);
    assert_eq!(big["date"], "2005-06-07");
    assert!(num(&big, "tokens") > 5_000_000.0);
}
