//! Helpers shared by the end-to-end tests: run the real binary, read its CSV output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use polars::prelude::*;

/// The project's own folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `themeshift analyse INPUT --output OUTPUT ARGS...`
pub fn analyse(input: &Path, output: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("themeshift")
        .unwrap()
        .arg("analyse")
        .arg(input)
        .arg("--output")
        .arg(output)
        .args(args)
        .assert()
}

/// A CSV output table, every column read as text.
pub fn table(dir: &Path, name: &str) -> DataFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(dir.join(name)))
        .unwrap()
        .finish()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A column of a table as strings (missing cells as "").
pub fn col(df: &DataFrame, name: &str) -> Vec<String> {
    df.column(name)
        .unwrap_or_else(|_| panic!("no column {name}"))
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

/// The row of `df` where column `key` equals `value`, as (column name -> cell).
pub fn row(df: &DataFrame, filters: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
    let n = df.height();
    let i = (0..n)
        .find(|&i| filters.iter().all(|(k, v)| col(df, k)[i] == *v))
        .unwrap_or_else(|| panic!("no row with {filters:?}"));
    df.get_column_names()
        .iter()
        .map(|c| (c.to_string(), col(df, c)[i].clone()))
        .collect()
}

/// A cell parsed as a number.
pub fn num(cells: &std::collections::HashMap<String, String>, name: &str) -> f64 {
    cells[name]
        .parse()
        .unwrap_or_else(|_| panic!("{name} = {:?}", cells[name]))
}

/// Width and height of a PNG file, from its header.
pub fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Runs `themeshift ARGS` as a user without special rights: as `nobody` (with a copy of the
/// binary it may execute, in `tmp`, which is opened to everyone) when the tests run as root,
/// who may read and write anything; as the current user otherwise.
#[cfg(unix)]
pub fn run_unprivileged(tmp: &Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let as_root = std::fs::metadata(tmp).unwrap().uid() == 0;
    if !as_root {
        return std::process::Command::new(assert_cmd::cargo::cargo_bin("themeshift"))
            .args(args)
            .output()
            .unwrap();
    }
    let bin = tmp.join("themeshift");
    if !bin.exists() {
        std::fs::copy(assert_cmd::cargo::cargo_bin("themeshift"), &bin).unwrap();
    }
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(args)
        .output()
        .expect("setpriv (util-linux) runs the test as nobody")
}

/// Checks that every file `a` holds, run.json aside, is in `b` with the same bytes; returns
/// how many were compared.
pub fn same_outputs(a: &Path, b: &Path) -> usize {
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(a) {
        let entry = entry.unwrap();
        let name = entry.path().strip_prefix(a).unwrap();
        if !entry.file_type().is_file() || name == Path::new("run.json") {
            continue;
        }
        let x = std::fs::read(entry.path()).unwrap();
        let y = std::fs::read(b.join(name)).unwrap();
        assert!(x == y, "{} differs", name.display());
        compared += 1;
    }
    compared
}
