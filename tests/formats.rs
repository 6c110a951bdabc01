//! Input formats: table corpora (CSV, TSV, JSON Lines, Parquet) and HTML pages give the same counts as
//! the same text in plain files; a missing column, a bad date and an empty text cell each
//! have a named outcome.

mod common;

use std::path::Path;

use common::*;

/// The seed articles as (id, date, title, text), the text as the folder run counts it: the
/// 2003 article without its `Published:` line (which the folder run removes), the 2010 one
/// whole.
fn seed_rows() -> Vec<(&'static str, &'static str, String, String)> {
    let read = |name: &str| std::fs::read_to_string(root().join("input").join(name)).unwrap();
    let a = read("000_cc49b36451a4d406.txt");
    let a_text: String = a.lines().skip(1).collect::<Vec<_>>().join("\n");
    let b = read("003_3e862b9923451b60.txt");
    vec![
        ("a2003", "16/10/2003", "PCTs warned".into(), a_text),
        ("b2010", "2010-07-22", "Don't ditch".into(), b),
    ]
}

fn json_lines() -> String {
    seed_rows()
        .into_iter()
        .map(|(id, date, title, text)| {
            serde_json::json!({ "id": id, "date": date, "title": title, "body": text }).to_string()
                + "\n"
        })
        .collect()
}

fn csv_text(sep: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(sep)
        .from_writer(Vec::new());
    w.write_record(["id", "date", "title", "body"]).unwrap();
    for (id, date, title, text) in seed_rows() {
        w.write_record([id, date, &title, &text]).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The seed rows as a Parquet file: the date as a Date column, each row its own row group.
fn parquet_bytes() -> Vec<u8> {
    use polars::prelude::*;
    let rows = seed_rows();
    let dates: Vec<chrono::NaiveDate> = rows
        .iter()
        .map(|r| {
            chrono::NaiveDate::parse_from_str(r.1, "%d/%m/%Y")
                .or_else(|_| chrono::NaiveDate::parse_from_str(r.1, "%Y-%m-%d"))
                .unwrap()
        })
        .collect();
    let mut df = df!(
        "id" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "date" => dates,
        "title" => rows.iter().map(|r| r.2.clone()).collect::<Vec<_>>(),
        "body" => rows.iter().map(|r| r.3.clone()).collect::<Vec<_>>(),
    )
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_row_group_size(Some(1))
        .finish(&mut df)
        .unwrap();
    bytes
}

fn write_input(dir: &Path, name: &str, body: impl AsRef<[u8]>) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(root().join("input/themes.toml"), dir.join("themes.toml")).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn tables_give_the_same_counts_as_the_text_files() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("ref");
    analyse(&root().join("input"), &reference, &[]).success();

    for (name, body) in [
        ("seeds.jsonl", json_lines().into_bytes()),
        ("seeds.csv", csv_text(b',').into_bytes()),
        ("seeds.tsv", csv_text(b'\t').into_bytes()),
        ("seeds.parquet", parquet_bytes()),
    ] {
        let input = write_input(&tmp.path().join(name.replace('.', "_")), name, &body);
        let out = tmp.path().join(format!("out_{name}"));
        analyse(&input, &out, &["--text-column", "body"]).success();
        for t in [
            "term_frequencies.csv",
            "keyness.csv",
            "themes.csv",
            "theme_shift.csv",
        ] {
            assert_eq!(
                std::fs::read_to_string(out.join(t)).unwrap(),
                std::fs::read_to_string(reference.join(t)).unwrap(),
                "{name}: {t}"
            );
        }
        let docs = table(&out, "documents.csv");
        assert_eq!(
            col(&docs, "path"),
            [format!("{name}#a2003"), format!("{name}#b2010")]
        );
        assert_eq!(col(&docs, "title"), ["PCTs warned", "Don't ditch"]);
        assert_eq!(col(&docs, "date"), ["2003-10-16", "2010-07-22"]);
        assert_eq!(col(&docs, "date_source"), ["column", "column"]);
    }
}

#[test]
fn missing_column_is_an_input_error_listing_the_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let input = write_input(tmp.path(), "seeds.jsonl", json_lines());
    let out = tmp.path().join("out");
    let assert = analyse(&input, &out, &[]).code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        err.contains(
            "no column 'text' (set it with --text-column); the columns are: body, date, id, title"
        ),
        "{err}"
    );
    assert!(!out.exists(), "nothing written on error");

    let input = write_input(&tmp.path().join("pq"), "seeds.parquet", parquet_bytes());
    let assert = analyse(&input, &out, &[]).code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        err.contains("seeds.parquet")
            && err.contains("no column 'text' (set it with --text-column); the columns are: id, date, title, body"),
        "{err}"
    );
    let input = write_input(
        &tmp.path().join("bad"),
        "broken.parquet",
        "not parquet at all",
    );
    let assert = analyse(&input, &out, &["--text-column", "body"]).code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        err.contains("broken.parquet") && err.contains("not a readable Parquet file"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written on error");
}

#[test]
fn bad_date_and_empty_text_rows_are_reported_not_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let mut body = csv_text(b',');
    body.push_str("c,sometime,Vague,\"clinical commissioning, undated\"\nd,2010,Empty,\n");
    let input = write_input(tmp.path(), "rows.csv", &body);
    let out = tmp.path().join("out");
    let assert = analyse(&input, &out, &["--text-column", "body"]).success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("1 table row(s) have a date that cannot be read")
            && stdout.contains("'sometime'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rows.csv#d") && stdout.contains("empty text cell"),
        "{stdout}"
    );
    let docs = table(&out, "documents.csv");
    let undated = row(&docs, &[("path", "rows.csv#c")]);
    assert_eq!(
        (undated["date"].as_str(), undated["period"].as_str()),
        ("", "")
    );
    assert_eq!(docs.height(), 3);
}

#[test]
fn html_pages_count_their_visible_text_only() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(root().join("input/themes.toml"), input.join("themes.toml")).unwrap();
    std::fs::write(
        input.join("a.html"),
        "<html><head><title>Top tables</title><meta name=\"date\" content=\"2003-10-16\">\
         <script>var centralism = 1;</script><style>.x{}</style></head>\
         <body><p>Dr Dixon spoke of the centre &amp; of top tables.</p></body></html>",
    )
    .unwrap();
    std::fs::write(
        input.join("b.htm"),
        "<article><time datetime=\"2010-07-22\">22 July</time>\
         <p>Clinical commissioning and QIPP.</p></article>",
    )
    .unwrap();
    let out = tmp.path().join("out");
    analyse(&input, &out, &[]).success();
    let docs = table(&out, "documents.csv");
    assert_eq!(col(&docs, "title"), ["Top tables", "22 July"]);
    assert_eq!(col(&docs, "date_source"), ["html_meta", "html_meta"]);
    assert_eq!(col(&docs, "tokens"), ["9", "5"]);
    let words = col(&table(&out, "term_frequencies.csv"), "word");
    assert!(
        !words
            .iter()
            .any(|w| w == "var" || w == "centralism" || w == "amp"),
        "{words:?}"
    );
    let terms = table(&out, "theme_terms.csv");
    let r = row(&terms, &[("theme", "centralism"), ("period", "2003")]);
    assert!(
        r["word"] == "the centre" || r["word"] == "top tables",
        "{r:?}"
    );
}

#[test]
fn a_json_lines_table_of_several_blocks_gives_the_same_outputs_on_any_threads() {
    // 6,000 rows of about 500 bytes (3 MB: two blocks of 2 MB of whole lines) over three
    // years, blank lines and Windows line ends among them, one line that is not JSON.
    let tmp = tempfile::tempdir().unwrap();
    let words = [
        "board",
        "trust",
        "commissioning",
        "local",
        "centre",
        "targets",
        "clinical",
    ];
    let mut body = String::new();
    for i in 0..6000usize {
        let text: Vec<&str> = (0..70)
            .map(|k| words[(i * 7 + k * k) % words.len()])
            .collect();
        let end = if i % 500 == 0 { "\r\n\n" } else { "\n" };
        body.push_str(&format!(
            "{{\"id\": \"r{i}\", \"date\": \"{}-0{}-1{}\", \"text\": \"{}.\"}}{end}",
            2001 + i % 3,
            1 + i % 9,
            i % 10,
            text.join(" ")
        ));
        if i == 4321 {
            body.push_str("not json\n");
        }
    }
    assert!(body.len() > 3_000_000);
    let input = write_input(tmp.path(), "rows.jsonl", body);
    let outs: Vec<_> = ["1", "2", "4"]
        .iter()
        .map(|t| {
            let out = tmp.path().join(format!("out{t}"));
            analyse(&input, &out, &["--threads", t, "--quiet"]).success();
            out
        })
        .collect();
    let docs = table(&outs[0], "documents.csv");
    assert_eq!(docs.height(), 6000);
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(outs[0].join("run.json")).unwrap()).unwrap();
    // Rows 0 to 4321, the 9 blank lines after rows 0, 500, ..., 4000, then the bad line.
    assert_eq!(run["skipped"][0]["path"], "rows.jsonl#line4332");
    for other in &outs[1..] {
        // Nine tables, five charts, report.html, findings.md, tables.xlsx and the
        // .themeshift-output marker.
        assert_eq!(same_outputs(&outs[0], other), 18);
    }
}
