//! Every fault ends in one clear line: a disk that fills while the output is written (a
//! small tmpfs as the output's file system, mounted here: CI runs as root), a lexicon or
//! stopword list that never ends, and a fault of themeshift itself (exit code 70).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn themeshift() -> Command {
    Command::new(env!("CARGO_BIN_EXE_themeshift"))
}

/// Every file under `dir` with its bytes, by path.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

/// A tmpfs of `kb` kilobytes at `at`, unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, kb: usize) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        Command::new("umount").arg(&self.0).status().ok();
    }
}

#[test]
fn a_disk_that_fills_while_the_output_is_written_is_one_line_and_keeps_the_old_output() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = root().join("../shared/seeds");
    let seeds = if seeds.is_dir() {
        seeds
    } else {
        root().join("input")
    };
    let multiyear = root().join("tests/data/multiyear");
    let themes = root().join("input/themes.toml");
    // Sizes at which the disk fills in different writers: the CSVs, the charts, the workbook.
    for kb in [200, 400, 700] {
        let Some(disk) = Tmpfs::mount(&tmp.path().join(format!("disk{kb}")), kb) else {
            if std::env::var_os("THEMESHIFT_REQUIRE_BROWSER").is_some() {
                panic!("cannot mount a tmpfs (not root?)");
            }
            eprintln!("skipped: cannot mount a tmpfs here");
            return;
        };
        let out = disk.0.join("out");
        // A small previous output that fits.
        let first = themeshift()
            .arg("analyse")
            .arg(&multiyear)
            .arg("--output")
            .arg(&out)
            .args(["--quiet", "--no-xlsx", "--no-report"])
            .output()
            .unwrap();
        if !first.status.success() {
            // Too small even for that: the error must still be one line.
            let err = String::from_utf8_lossy(&first.stderr);
            assert_eq!(err.trim().lines().count(), 1, "{err}");
            continue;
        }
        let before = files(&out);
        // Then the seeds with everything: the disk fills.
        let run = themeshift()
            .arg("analyse")
            .arg(&seeds)
            .arg("--output")
            .arg(&out)
            .arg("--themes")
            .arg(&themes)
            .args(["--quiet", "--xlsx", "--ngrams", "1-3"])
            // Set on many machines where Rust is built: the workbook's caught panic must
            // still print nothing.
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        if run.status.success() {
            continue;
        }
        assert_eq!(run.status.code(), Some(1), "{kb} KB: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{kb} KB: {err}");
        assert!(err.starts_with("themeshift: error: cannot write"), "{err}");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!err.contains("backtrace"), "{err}");
        // The file as the user will find it, once: not the hidden staging folder.
        assert_eq!(err.matches("cannot write").count(), 1, "{err}");
        assert!(!err.contains(".themeshift-staging"), "{err}");
        assert!(err.contains(&format!("{}/", out.display())), "{err}");
        assert_eq!(files(&out), before, "{kb} KB: the previous output changed");
        let left: Vec<_> = std::fs::read_dir(&disk.0)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["out"], "{kb} KB: left behind: {left:?}");
    }
}

/// Peak resident memory of a finished child, in MB (`ru_maxrss` of the children waited for:
/// this test's only child processes are the ones it runs one at a time).
fn children_peak_mb() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss / 1024
}

#[test]
fn an_endless_lexicon_or_stopword_list_is_refused_quickly_in_little_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let multiyear = root().join("tests/data/multiyear");
    for flag in ["--themes", "--stopwords"] {
        let started = std::time::Instant::now();
        let run = themeshift()
            .arg("analyse")
            .arg(&multiyear)
            .arg("--output")
            .arg(tmp.path().join("out"))
            .args([flag, "/dev/zero"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("/dev/zero"), "{err}");
        assert!(err.contains("larger than 64 MB"), "{err}");
        assert!(started.elapsed().as_secs() < 10);
        assert!(children_peak_mb() < 200, "{} MB", children_peak_mb());
        assert!(!tmp.path().join("out").exists());
    }
}

#[test]
fn a_lexicon_through_a_pipe_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let lexicon = std::fs::read_to_string(root().join("input/themes.toml")).unwrap();
    let script = format!(
        "{} analyse {} --output {} --quiet --themes <(cat <<'END'\n{lexicon}\nEND\n)",
        env!("CARGO_BIN_EXE_themeshift"),
        root().join("tests/data/multiyear").display(),
        tmp.path().join("out").display(),
    );
    let run = Command::new("bash").arg("-c").arg(script).output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(tmp.path().join("out/theme_shift.csv").exists());
}

#[test]
fn a_fault_of_themeshift_is_one_line_asking_for_a_report_and_exit_code_70() {
    let tmp = tempfile::tempdir().unwrap();
    let run = themeshift()
        .arg("analyse")
        .arg(root().join("tests/data/multiyear"))
        .arg("--output")
        .arg(tmp.path().join("out"))
        .env("THEMESHIFT_TEST_INTERNAL_ERROR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(70), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("themeshift: internal error: "), "{err}");
    assert!(err.contains("please report it"), "{err}");
    assert!(!err.contains("panicked at"), "{err}");
}
