//! Never destroy what is not ours: the output folder is replaced only when it is absent, empty
//! or a previous output, never when it is, holds or lies inside an input; one run at a time
//! writes it; results a killed swap left aside come back; a run that fails replaces nothing;
//! `kwic --csv` writes no input and writes through links; `--threads` is bounded; nothing
//! printed carries a terminal's control characters; and the messages say what is true.
//! After every refusal the user's files are checked byte for byte.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::*;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Every file and folder under `dir` (hidden ones too) with its bytes, links as their target.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path().strip_prefix(dir).unwrap().to_path_buf();
        let bytes = if entry.path_is_symlink() {
            let to = std::fs::read_link(entry.path()).unwrap();
            format!("-> {}", to.display()).into_bytes()
        } else if entry.file_type().is_dir() {
            b"/".to_vec()
        } else {
            std::fs::read(entry.path()).unwrap()
        };
        all.insert(path, bytes);
    }
    all
}

/// A corpus of two dated articles (2003 and 2010) and the seed lexicon, in `dir`.
fn corpus(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for name in [
        "000_cc49b36451a4d406.txt",
        "003_3e862b9923451b60.txt",
        "themes.toml",
    ] {
        std::fs::copy(root().join("input").join(name), dir.join(name)).unwrap();
    }
    dir.to_path_buf()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn themeshift() -> Command {
    let mut cmd = Command::cargo_bin("themeshift").unwrap();
    // No run here should take long: a hang is a failure, not a stuck test.
    cmd.timeout(Duration::from_secs(120));
    cmd
}

#[test]
fn an_output_folder_that_is_the_input_is_refused_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("corpus"));
    let before = snapshot(tmp.path());
    for force in [&[][..], &["--force"]] {
        let a = analyse(&input, &input, force).code(2);
        assert!(stderr(&a).contains("is the input folder"), "{}", stderr(&a));
        assert_eq!(snapshot(tmp.path()), before, "the corpus is intact");
    }
    // Reached through a link, it is still the input.
    #[cfg(unix)]
    {
        let link = tmp.path().join("res");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let before = snapshot(tmp.path());
        analyse(&input, &link, &["--force"]).code(2);
        assert_eq!(snapshot(tmp.path()), before);
    }
}

#[test]
fn an_output_folder_holding_the_input_is_refused_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path().join("w");
    corpus(&w.join("2003"));
    corpus(&w.join("2010"));
    write(&w, "notes/thesis.docx", "my thesis");
    let before = snapshot(tmp.path());
    for force in [&[][..], &["--force"]] {
        let a = analyse(&w.join("2003"), &w, force).code(2);
        let err = stderr(&a);
        assert!(err.contains("holds the input folder"), "{err}");
        assert!(err.contains("not even with --force"), "{err}");
        assert_eq!(snapshot(tmp.path()), before);
    }
    // `-o "$PWD"` (here `-o .`) from the folder that holds the corpus.
    let a = themeshift()
        .current_dir(&w)
        .args(["analyse", "2010", "-o", ".", "--force"])
        .assert()
        .code(2);
    assert!(stderr(&a).contains("output folder . holds the input folder 2010"));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn an_output_folder_holding_the_lexicon_or_stopwords_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    let res = tmp.path().join("res");
    let lexicon = write(
        &res,
        "my_lexicon.toml",
        std::fs::read(input.join("themes.toml")).unwrap(),
    );
    let stopwords = write(&tmp.path().join("lists"), "stop.txt", "centre\n");
    let before = snapshot(tmp.path());
    let lexicon = lexicon.to_str().unwrap();
    for force in [&[][..], &["--force"]] {
        let a = analyse(&input, &res, &[&["--themes", lexicon], force].concat()).code(2);
        let err = stderr(&a);
        assert!(err.contains("holds the theme lexicon"), "{err}");
    }
    let stop = stopwords.to_str().unwrap();
    let a = analyse(&input, &stopwords, &["--stopwords", stop]).code(2);
    assert!(
        stderr(&a).contains("is the stopword file"),
        "{}",
        stderr(&a)
    );
    let a = analyse(&input, &tmp.path().join("lists"), &["--stopwords", stop]).code(2);
    assert!(
        stderr(&a).contains("holds the stopword file"),
        "{}",
        stderr(&a)
    );
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn a_folder_of_other_files_is_replaced_only_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    let desktop = tmp.path().join("Desktop");
    write(&desktop, "thesis.docx", "my thesis");
    write(&desktop, "photos/cat.jpg", "a cat");
    write(
        &desktop,
        "keyness.csv",
        "a table of mine with a name themeshift uses",
    );
    let before = snapshot(tmp.path());
    let a = analyse(&input, &desktop, &[]).code(2);
    let err = stderr(&a);
    assert!(
        err.contains("holds files themeshift did not write (photos/, thesis.docx)")
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(snapshot(tmp.path()), before);
    analyse(&input, &desktop, &["--force", "--quiet"]).success();
    assert!(desktop.join("keyness.csv").exists() && !desktop.join("thesis.docx").exists());
}

#[test]
fn previous_outputs_with_and_without_the_marker_are_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    // An output of a version before the marker: only files themeshift wrote.
    let out = tmp.path().join("output");
    write(&out, "keyness.csv", "old");
    write(&out, "charts/keyness.png", "old");
    analyse(&input, &out, &["--quiet"]).success();
    let marker = std::fs::read_to_string(out.join(".themeshift-output")).unwrap();
    assert!(marker.starts_with("# Written by themeshift"), "{marker}");
    for name in [
        "documents.csv",
        "keyness.csv",
        "charts/keyness.png",
        "report.html",
    ] {
        assert!(
            marker.lines().any(|l| l == name),
            "{name} listed:\n{marker}"
        );
        assert!(out.join(name).exists());
    }
    // Its own output, marked.
    analyse(&input, &out, &["--quiet"]).success();
    // A file of the user's put in it since: refused, and kept.
    write(&out, "my notes.txt", "mine");
    let before = snapshot(tmp.path());
    analyse(&input, &out, &[]).code(2);
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn a_folder_inside_the_input_is_replaced_only_when_it_is_ours() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    analyse(&input, &input.join("results"), &["--quiet"]).success();
    analyse(&input, &input.join("results"), &["--quiet"]).success();
    write(
        &input,
        "2010/extra.txt",
        "Date: 2010-01-01\n\nCommissioning.\n",
    );
    let before = snapshot(tmp.path());
    for force in [&[][..], &["--force"]] {
        let a = analyse(&input, &input.join("2010"), force).code(2);
        let err = stderr(&a);
        assert!(
            err.contains("lies inside the input folder") && err.contains("(extra.txt)"),
            "{err}"
        );
        assert_eq!(snapshot(tmp.path()), before);
    }
}

#[test]
fn an_unwritable_output_is_found_before_the_corpus_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    // Nothing readable: reading first would fail on that instead.
    let input = tmp.path().join("input");
    write(&input, "empty.txt", "");
    let file = write(tmp.path(), "a-file", "not a folder");
    let a = analyse(&input, &file.join("out"), &[]).code(2);
    let err = stderr(&a);
    assert!(
        err.contains("cannot write to output folder") && err.contains("a-file/out"),
        "{err}"
    );
    assert!(!err.contains("no readable documents"), "{err}");
}

#[test]
fn a_second_run_into_a_locked_folder_fails_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet"]).success();
    // What a run in progress holds: the lock on the file beside its output folder.
    let lock = std::fs::File::create(tmp.path().join(".themeshift-lock-out")).unwrap();
    lock.try_lock().unwrap();
    let before = snapshot(&out);
    let started = Instant::now();
    let a = analyse(&input, &out, &[]).code(2);
    assert!(
        stderr(&a).contains("another themeshift run is writing to"),
        "{}",
        stderr(&a)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(snapshot(&out), before);
    drop(lock);
    analyse(&input, &out, &["--quiet"]).success();
}

#[test]
fn two_runs_at_once_into_one_folder_never_clash() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    let body = std::fs::read_to_string(root().join("input/000_cc49b36451a4d406.txt")).unwrap();
    for i in 0..60 {
        let year = 2003 + i % 8;
        write(
            &input,
            &format!("doc{i:03}.txt"),
            body.replace("16/10/2003", &format!("16/10/{year}")),
        );
    }
    let out = tmp.path().join("out");
    for _ in 0..4 {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("themeshift"))
                    .args(["analyse".as_ref(), input.as_os_str()])
                    .args(["--output".as_ref(), out.as_os_str(), "--quiet".as_ref()])
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for run in runs {
            let done = run.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&done.stderr);
            assert!(
                done.status.success()
                    || done.status.code() == Some(2)
                        && err.contains("another themeshift run is writing to"),
                "{:?}: {err}",
                done.status
            );
        }
        assert!(out.join("keyness.csv").exists() && out.join(".themeshift-output").exists());
    }
    let beside: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "left beside the output: {beside:?}");
}

#[test]
fn results_left_aside_by_a_killed_swap_are_put_back() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet"]).success();
    let before = snapshot(&out);
    // A run killed between its two renames: the previous results aside, no output folder.
    let aside = tmp.path().join(".themeshift-old-4000001-Ab12Cd-out");
    std::fs::rename(&out, &aside).unwrap();
    // Even a run that then fails puts them back first.
    let a = analyse(&input, &out, &["--compare", "2003,2011"]).code(2);
    assert!(
        stderr(&a).contains("put back the previous results"),
        "{}",
        stderr(&a)
    );
    assert_eq!(snapshot(&out), before);
    assert!(!aside.exists());
    // Results aside beside a complete output (a run killed before removing them) go.
    std::fs::create_dir(&aside).unwrap();
    write(&aside, "keyness.csv", "superseded");
    analyse(&input, &out, &["--quiet"]).success();
    assert!(!aside.exists());
}

#[test]
fn a_corpus_of_one_period_succeeds_and_a_failing_run_replaces_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    let out = tmp.path().join("out");
    analyse(&input, &out, &["--quiet"]).success();
    let before = snapshot(&out);
    analyse(&input, &out, &["--compare", "2003,2011"]).code(2);
    let bad = write(tmp.path(), "bad.toml", "[[theme]]\nname = \"x\"\n");
    analyse(&input, &out, &["--themes", bad.to_str().unwrap()]).code(2);
    assert_eq!(snapshot(&out), before, "failed runs replace nothing");
    std::fs::remove_file(input.join("003_3e862b9923451b60.txt")).unwrap();
    let a = analyse(&input, &out, &[]).success();
    assert!(stdout(&a).contains("No comparison"), "{}", stdout(&a));
    assert!(out.join("term_frequencies.csv").exists() && !out.join("keyness.csv").exists());
}

#[test]
fn kwic_csv_refuses_inputs_writes_through_links_and_dash_is_standard_output() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("corpus"));
    let kwic = |csv: &Path| {
        themeshift()
            .current_dir(tmp.path())
            .args(["kwic", "commissioning", "corpus", "--csv"])
            .arg(csv)
            .assert()
    };
    let before = snapshot(&input);
    for target in [
        input.join("000_cc49b36451a4d406.txt"),
        input.join("new.csv"),
        input.join("themes.toml"),
    ] {
        let a = kwic(&target).code(2);
        assert!(
            stderr(&a).contains("lies inside the input folder"),
            "{}",
            stderr(&a)
        );
    }
    // A link into the input folder is refused too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(input.join("themes.toml"), tmp.path().join("lex.csv")).unwrap();
        kwic(Path::new("lex.csv")).code(2);
    }
    assert_eq!(snapshot(&input), before);
    // `-` is standard output, and no file named `-` appears.
    let a = kwic(Path::new("-")).success();
    assert!(stdout(&a).starts_with("doc_id,path,period,theme,pattern,left,match,right\n"));
    assert!(!tmp.path().join("-").exists());
    // A link is written through: the file it points to is replaced, the link stays.
    #[cfg(unix)]
    {
        write(tmp.path(), "results/found.csv", "old");
        std::os::unix::fs::symlink("results/found.csv", tmp.path().join("latest.csv")).unwrap();
        kwic(Path::new("latest.csv")).success();
        let link = tmp.path().join("latest.csv");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        let found = std::fs::read_to_string(tmp.path().join("results/found.csv")).unwrap();
        assert!(found.starts_with("doc_id,"), "{found}");
    }
}

#[test]
fn threads_above_the_bound_are_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    let started = Instant::now();
    // It used to panic and hang: a run that does not end soon fails the test.
    let a = themeshift()
        .timeout(Duration::from_secs(30))
        .args(["analyse".as_ref(), input.as_os_str(), "-o".as_ref()])
        .arg(tmp.path().join("out"))
        .args(["--threads", "17000"])
        .assert()
        .code(2);
    assert!(
        stderr(&a).contains("--threads: at most 256 worker threads (got 17000)"),
        "{}",
        stderr(&a)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!tmp.path().join("out").exists());
    analyse(&input, &tmp.path().join("out"), &["--threads", "257"])
        .code(2)
        .stderr(predicates::str::contains("at most 256"));
}

#[test]
fn control_characters_in_names_and_text_are_escaped_on_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    write(&input, "bad\x1b[2J.pdf", "not read");
    write(
        &input,
        "note\x1b]0;owned\x07.txt",
        "No date here.\n\nThe centre \x1b[31m held; commissioning\u{9b} went on.\n",
    );
    let out = tmp.path().join("out");
    let shown = |text: &str| !text.contains('\x1b') && !text.contains('\x07');
    let a = analyse(&input, &out, &[]).success();
    let text = stdout(&a);
    assert!(shown(&text), "{text:?}");
    assert!(text.contains("bad\\x1b[2J.pdf: not a document"), "{text}");
    assert!(text.contains("note\\x1b]0;owned\\x07.txt"), "{text}");
    // kwic prints lines safe for the terminal; its CSV is data, kept as written.
    let a = themeshift()
        .args(["kwic", "commissioning"])
        .arg(&input)
        .assert()
        .success();
    let lines = stdout(&a);
    assert!(
        shown(&lines) && lines.contains("\\x1b[31m held;"),
        "{lines}"
    );
    let a = themeshift()
        .args(["kwic", "commissioning"])
        .arg(&input)
        .args(["--csv", "-"])
        .assert()
        .success();
    assert!(stdout(&a).contains("\x1b[31m held;"));
    // An error naming a file.
    let a = analyse(&tmp.path().join("gone\x1b[2J"), &out, &[]).code(2);
    let err = stderr(&a);
    assert!(shown(&err) && err.contains("gone\\x1b[2J"), "{err:?}");
}

#[test]
fn a_lexicon_from_a_pipe_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    let lexicon = std::fs::read_to_string(input.join("themes.toml")).unwrap();
    std::fs::remove_file(input.join("themes.toml")).unwrap();
    let out = tmp.path().join("out");
    // What `--themes <(...)` gives: a pipe, not a plain file.
    themeshift()
        .args(["analyse".as_ref(), input.as_os_str(), "-o".as_ref()])
        .args([out.as_os_str(), "--themes".as_ref(), "/dev/stdin".as_ref()])
        .arg("--quiet")
        .write_stdin(lexicon.clone())
        .assert()
        .success();
    assert!(out.join("theme_shift.csv").exists());
    let run = std::fs::read_to_string(out.join("run.json")).unwrap();
    assert!(
        run.contains(&format!("\"bytes\": {}", lexicon.len())),
        "{run}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_lexicon_says_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(&tmp.path().join("input"));
    let lexicon = input.join("themes.toml");
    std::fs::set_permissions(&lexicon, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = tmp.path().join("out");
    let done = run_unprivileged(
        tmp.path(),
        &[
            "analyse".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ],
    );
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(2), "{err}");
    assert!(
        err.contains("themes.toml cannot be read: permission denied"),
        "{err}"
    );
    assert!(!out.exists());
}
