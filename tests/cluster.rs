//! `analyse --cluster` on a real cluster on this machine: a Ballista scheduler and two
//! executors, each its own `themeshift cluster ...` process on 127.0.0.1 (free ports). Every
//! output of a run on the cluster is byte-identical to the same run on this machine; an
//! executor killed mid-job, an unreachable scheduler, an executor of another version and an
//! executor that cannot see the corpus each end as documented, the previous output intact.
//! Built and run with `cargo test --release --features cluster --test cluster` (.ci/run).
#![cfg(feature = "cluster")]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A machine of the test cluster: a child process, killed when dropped.
struct Machine {
    child: Child,
    /// The first line it printed (the scheduler's names its port).
    said: String,
}

impl Drop for Machine {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn themeshift() -> Command {
    Command::new(env!("CARGO_BIN_EXE_themeshift"))
}

static NEXT_LOG: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Starts `command`, waiting (at most 30 s) for its first line on standard output.
fn start(mut command: Command) -> Machine {
    let logs = match std::env::var_os("CLUSTER_LOGS") {
        Some(dir) => {
            let name = format!(
                "{}.log",
                NEXT_LOG.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            );
            Stdio::from(std::fs::File::create(Path::new(&dir).join(name)).unwrap())
        }
        None => Stdio::null(),
    };
    let mut child = command.stdout(Stdio::piped()).stderr(logs).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            send.send(line).ok();
        }
        // Keep reading, so that the machine never blocks on a full pipe.
        for _ in lines {}
    });
    let said = receive
        .recv_timeout(Duration::from_secs(30))
        .expect("the machine started");
    Machine { child, said }
}

/// A scheduler on a free port, and its port.
fn scheduler() -> (Machine, u16) {
    scheduler_with(&[])
}

/// A scheduler on a free port with `env` set (a secret, say), and its port.
fn scheduler_with(env: &[(&str, &str)]) -> (Machine, u16) {
    let mut command = themeshift();
    command.args(["cluster", "scheduler", "--bind", "127.0.0.1", "--port", "0"]);
    command.envs(env.iter().copied());
    let machine = start(command);
    let port = machine
        .said
        .rsplit(':')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (machine, port)
}

/// An executor of one thread working for the scheduler at `port`, with `env` set.
fn executor(port: u16, env: &[(&str, &str)]) -> Machine {
    executor_with(port, env, &[])
}

/// [`executor`] with more flags.
fn executor_with(port: u16, env: &[(&str, &str)], flags: &[&std::ffi::OsStr]) -> Machine {
    let mut command = themeshift();
    command.args([
        "cluster",
        "executor",
        "--bind",
        "127.0.0.1",
        "--port",
        "0",
        "--threads",
        "1",
    ]);
    command.arg("--scheduler").arg(format!("127.0.0.1:{port}"));
    command.args(flags);
    command.envs(env.iter().copied());
    start(command)
}

/// The environment that gives a machine the secret `s`.
fn secret(s: &str) -> [(&'static str, &str); 1] {
    [("THEMESHIFT_CLUSTER_SECRET", s)]
}

/// The secret of the test clusters.
const SECRET: &str = "a shared secret of the test cluster";

/// A scheduler and two executors, sharing [`SECRET`].
fn cluster() -> (Vec<Machine>, String) {
    let (scheduler, port) = scheduler_with(&secret(SECRET));
    let executors = vec![
        executor(port, &secret(SECRET)),
        executor(port, &secret(SECRET)),
    ];
    let mut machines = vec![scheduler];
    machines.extend(executors);
    (machines, format!("df://127.0.0.1:{port}"))
}

/// `themeshift analyse INPUT --output OUTPUT ARGS` (with the test clusters' secret), its exit
/// code and standard error.
fn analyse_run(input: &Path, output: &Path, args: &[&str]) -> (i32, String) {
    analyse_with(input, output, args, &secret(SECRET))
}

/// [`analyse_run`] with `env` instead of the test clusters' secret.
fn analyse_with(input: &Path, output: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let out = themeshift()
        .arg("analyse")
        .arg(input)
        .arg("--output")
        .arg(output)
        .args(args)
        .env_remove("THEMESHIFT_CLUSTER_SECRET")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir` (but run.json), by path relative to it, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().unwrap() != "run.json" {
                let bytes = std::fs::read(&path).unwrap();
                found.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    found.sort();
    found
}

/// The run on the cluster `url` writes every file the run on this machine writes, byte for
/// byte (run.json aside: its timings differ).
fn same_as_local(input: &Path, tmp: &Path, url: &str, args: &[&str]) {
    let (local, cluster) = (tmp.join("local"), tmp.join("cluster"));
    let (code, err) = analyse_run(input, &local, args);
    assert_eq!(code, 0, "{err}");
    let mut on_cluster = args.to_vec();
    on_cluster.extend(["--cluster", url]);
    let (code, err) = analyse_run(input, &cluster, &on_cluster);
    assert_eq!(code, 0, "{err}");
    let (a, b) = (files(&local), files(&cluster));
    let names = |f: &[(PathBuf, Vec<u8>)]| f.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b));
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{} differs on the cluster ({})",
            name.display(),
            input.display()
        );
    }
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cluster.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["engine"]["kind"], "cluster", "{run}");
    std::fs::remove_dir_all(&local).unwrap();
    std::fs::remove_dir_all(&cluster).unwrap();
}

/// The seed articles as a Parquet file (text in `body`), with the lexicon.
fn seeds_as_parquet(dir: &Path) {
    use polars::prelude::*;
    std::fs::create_dir_all(dir).unwrap();
    let read = |name: &str| std::fs::read_to_string(root().join("input").join(name)).unwrap();
    let a: String = read("000_cc49b36451a4d406.txt")
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    let b = read("003_3e862b9923451b60.txt");
    let mut df = df!(
        "id" => ["a2003", "b2010"],
        "date" => ["2003-10-16", "2010-07-22"],
        "body" => [a, b],
    )
    .unwrap();
    let mut file = std::fs::File::create(dir.join("seeds.parquet")).unwrap();
    ParquetWriter::new(&mut file).finish(&mut df).unwrap();
    std::fs::copy(root().join("input/themes.toml"), dir.join("themes.toml")).unwrap();
}

/// Sentences of a field over the years, for generated documents.
const SENTENCES: [&str; 10] = [
    "Primary care trusts commissioned services for their local health economy.",
    "Clinical commissioning groups took over from the primary care trusts.",
    "The strategic health authority set targets and star ratings from the centre.",
    "Practice based commissioning gave GPs an indicative budget.",
    "QIPP asked for quality, innovation, productivity and prevention savings.",
    "Local partnerships and localism returned power to local boards.",
    "The top-down reorganisation was criticised by the King's Fund.",
    "Commissioning support units helped the new consortia.",
    "Central targets and the centre's grip on trusts were loosened.",
    "Health and wellbeing boards joined councils and the NHS.",
];

/// A generated document of `year` (number `i`), of `n` sentences.
fn document(year: i32, i: usize, n: usize) -> String {
    (0..n)
        .map(|k| SENTENCES[(i * 7 + k * (year as usize % 5 + 1) + k * k) % SENTENCES.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// A multi-year corpus of `docs` documents a year over 2001-2012 as `parquet` Parquet files
/// and two JSON Lines files, with copies of texts within a year (within a file and across
/// files) and the lexicon; documents of `n` sentences.
fn multiyear_as_tables(dir: &Path, docs: usize, parquet: usize, n: usize) {
    use polars::prelude::*;
    std::fs::create_dir_all(dir).unwrap();
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for year in 2001..=2012 {
        for i in 0..docs {
            // Every 9th document repeats the one 3 before it (a copy, in the same year).
            let j = if i % 9 == 8 { i - 3 } else { i };
            let date = format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
            rows.push((format!("d{year}-{i}"), date, document(year, j, n)));
        }
    }
    let files = parquet + 2;
    for f in 0..files {
        let mine: Vec<&(String, String, String)> = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| i % files == f)
            .map(|(_, r)| r)
            .collect();
        if f < parquet {
            let mut df = df!(
                "id" => mine.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
                "date" => mine.iter().map(|r| r.1.clone()).collect::<Vec<_>>(),
                "text" => mine.iter().map(|r| r.2.clone()).collect::<Vec<_>>(),
            )
            .unwrap();
            let mut file = std::fs::File::create(dir.join(format!("part{f}.parquet"))).unwrap();
            ParquetWriter::new(&mut file)
                .with_row_group_size(Some(500))
                .finish(&mut df)
                .unwrap();
        } else {
            let lines: String = mine
                .iter()
                .map(|r| {
                    serde_json::json!({"date": r.1, "title": r.0, "text": r.2}).to_string() + "\n"
                })
                .collect();
            std::fs::write(dir.join(format!("part{f}.jsonl")), lines).unwrap();
        }
    }
    std::fs::copy(root().join("input/themes.toml"), dir.join("themes.toml")).unwrap();
}

#[test]
fn a_run_on_the_cluster_writes_what_a_run_here_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let (_machines, url) = cluster();
    let seeds = tmp.path().join("seeds");
    seeds_as_parquet(&seeds);
    same_as_local(
        &seeds,
        tmp.path(),
        &url,
        &["--text-column", "body", "--quiet"],
    );
    // The labels' reproduction (tests/labels.rs): a phrase written in several cases, its
    // forms counted on different machines.
    same_as_local(
        &root().join("tests/data/label-threads"),
        tmp.path(),
        &url,
        &["--min-count", "1", "--quiet"],
    );
    let generated = tmp.path().join("generated");
    multiyear_as_tables(&generated, 60, 3, 6);
    same_as_local(&generated, tmp.path(), &url, &["--quiet", "--threads", "2"]);
    same_as_local(
        &generated,
        tmp.path(),
        &url,
        &[
            "--quiet",
            "--ngrams",
            "1-3",
            "--kwic-max",
            "3",
            "--period",
            "month",
        ],
    );
}

/// What is in `dir` now, to see that a failed run left it as it was.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all = files(dir);
    all.push((
        "run.json".into(),
        std::fs::read(dir.join("run.json")).unwrap(),
    ));
    all
}

/// The parent of `output` holds nothing of a run but `output` itself.
fn no_leftovers(output: &Path) {
    let left: Vec<String> = std::fs::read_dir(output.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".themeshift"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_unreachable_scheduler_is_said_within_five_seconds() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    seeds_as_parquet(&seeds);
    let output = tmp.path().join("out").join("o");
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    let (code, err) = analyse_run(&seeds, &output, &["--text-column", "body", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(&output);
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let url = format!("df://127.0.0.1:{port}");
    let (code, err) = analyse_run(
        &seeds,
        &output,
        &["--text-column", "body", "--cluster", &url],
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("cannot reach the cluster's scheduler at 127.0.0.1"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(snapshot(&output), before);
    no_leftovers(&output);
}

#[test]
fn an_executor_of_another_version_is_refused_naming_both() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    seeds_as_parquet(&seeds);
    let (scheduler, port) = scheduler();
    let other = executor(port, &[("THEMESHIFT_CLUSTER_VERSION", "0.0.1-other")]);
    let url = format!("df://127.0.0.1:{port}");
    let output = tmp.path().join("o");
    let (code, err) = analyse_run(
        &seeds,
        &output,
        &["--text-column", "body", "--cluster", &url],
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("the driver is themeshift")
            && err.contains("this executor is themeshift 0.0.1-other"),
        "{err}"
    );
    assert!(!output.exists());
    drop((other, scheduler));
}

#[test]
fn an_executor_that_cannot_see_the_corpus_says_which_file() {
    // An executor in a mount namespace of its own, the corpus's folder hidden under an empty
    // one: as a machine on which the shared folder is not mounted.
    if Command::new("unshare")
        .args(["-m", "true"])
        .status()
        .map_or(true, |s| !s.success())
    {
        eprintln!("skipped: no mount namespaces here (unshare -m needs root)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    seeds_as_parquet(&seeds);
    let (scheduler, port) = scheduler();
    let mut command = Command::new("unshare");
    command.args(["-m", "sh", "-c"]).arg(format!(
        "mount -t tmpfs none '{}' && exec '{}' cluster executor --bind 127.0.0.1 --port 0 \
         --threads 1 --scheduler 127.0.0.1:{port}",
        seeds.display(),
        env!("CARGO_BIN_EXE_themeshift")
    ));
    let blind = start(command);
    let output = tmp.path().join("o");
    let url = format!("df://127.0.0.1:{port}");
    let (code, err) = analyse_run(
        &seeds,
        &output,
        &["--text-column", "body", "--cluster", &url],
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("cannot read") && err.contains("seeds.parquet"),
        "{err}"
    );
    assert!(!output.exists());
    drop((blind, scheduler));
}

/// When, in the scheduler's own log, an executor is lost.
#[derive(Clone, Copy, Debug)]
enum Moment {
    /// The counting job (the run's second) handed to the scheduler: the executor's tasks run.
    Counting,
    /// The counting job finished: its results wait on the executors for the driver to fetch.
    Finished,
}

impl Moment {
    /// The scheduler's log line that marks the moment, and how many times it is said by then.
    fn mark(self) -> (&'static str, usize) {
        match self {
            Moment::Counting => ("Job submitted", 2),
            Moment::Finished => ("Job finished successfully", 2),
        }
    }
}

/// Waits until `log` says `mark` `times` times (at most a minute).
fn wait_for(log: &Path, (mark, times): (&str, usize)) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let said = std::fs::read_to_string(log).unwrap_or_default();
        if said.matches(mark).count() >= times {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("the scheduler never said {mark:?} {times} times");
}

/// An executor is lost at `moment` of a run: the result is the local run's, or a clear error
/// in one line with nothing written, within a minute.
fn lose_an_executor(moment: Moment) {
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("big");
    // Enough text that each share takes a while: 16 Parquet files.
    multiyear_as_tables(&generated, 4000, 14, 12);
    let local = tmp.path().join("local");
    let (code, err) = analyse_run(&generated, &local, &["--quiet", "--no-xlsx"]);
    assert_eq!(code, 0, "{err}");
    let (scheduler, port, log) = logged_scheduler(tmp.path(), &[("RUST_LOG", "info")]);
    let survivor = executor(port, &[]);
    let mut doomed = executor(port, &[]);
    let url = format!("df://127.0.0.1:{port}");
    let output = tmp.path().join("cluster");
    let run = {
        let (generated, output, url) = (generated.clone(), output.clone(), url.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            let result = analyse_run(
                &generated,
                &output,
                &["--quiet", "--no-xlsx", "--cluster", &url],
            );
            (result, started.elapsed())
        })
    };
    wait_for(&log, moment.mark());
    let finished_first = run.is_finished();
    doomed.child.kill().unwrap();
    doomed.child.wait().unwrap();
    let ((code, err), took) = run.join().unwrap();
    eprintln!(
        "an executor lost ({moment:?}; the run had ended first: {finished_first}): exit {code} \
         after {took:?} {err}"
    );
    if let Moment::Counting = moment {
        assert!(
            !finished_first,
            "the job ended before the executor was lost"
        );
    }
    assert!(took < Duration::from_secs(60), "{took:?}");
    if code == 0 {
        let (a, b) = (files(&local), files(&output));
        assert_eq!(a.len(), b.len());
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(
                x == y,
                "{} differs after an executor was lost",
                name.display()
            );
        }
    } else {
        // Or a clear error, in one line, and nothing written.
        assert_eq!(code, 3, "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!output.exists());
    }
    drop((survivor, scheduler));
}

/// Lost while its tasks run: the scheduler runs them again on the other executor.
#[test]
fn an_executor_killed_while_it_counts_leaves_the_same_result() {
    lose_an_executor(Moment::Counting);
}

/// Lost as the job finishes, holding results not yet fetched: the job is sent again. (The
/// driver asks for the job's state every 50 ms, so the kill, a few milliseconds after the
/// scheduler's line, nearly always comes before the fetch; when it comes after, the run has
/// its result already and the test checks only that result.)
#[test]
fn an_executor_killed_holding_results_leaves_the_same_result() {
    lose_an_executor(Moment::Finished);
}

/// A scheduler whose standard error goes to a file, with `env` set: (machine, port, log).
fn logged_scheduler(dir: &Path, env: &[(&str, &str)]) -> (Machine, u16, PathBuf) {
    let log = dir.join("scheduler.log");
    let mut command = themeshift();
    command.args(["cluster", "scheduler", "--bind", "127.0.0.1", "--port", "0"]);
    command.envs(env.iter().copied());
    command.stdout(Stdio::piped());
    let mut child = command
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.rsplit(':').next().unwrap().trim().parse().unwrap();
    let said = line;
    (Machine { child, said }, port, log)
}

#[test]
fn a_driver_without_the_secret_or_with_another_is_refused_and_the_scheduler_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    seeds_as_parquet(&seeds);
    let output = tmp.path().join("o");
    let (code, err) = analyse_with(&seeds, &output, &["--text-column", "body", "--quiet"], &[]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(&output);
    let (scheduler, port, log) = logged_scheduler(tmp.path(), &secret(SECRET));
    let worker = executor(port, &secret(SECRET));
    let url = format!("df://127.0.0.1:{port}");
    let wrong = tmp.path().join("wrong.secret");
    std::fs::write(&wrong, "not the secret\n").unwrap();
    let args = ["--text-column", "body", "--cluster", &url];
    for (how, env, file) in [
        ("no secret", vec![], None),
        ("another secret", vec![], Some(&wrong)),
        (
            "another secret in the environment",
            secret("nope").to_vec(),
            None,
        ),
    ] {
        let mut args = args.to_vec();
        if let Some(f) = file {
            args.extend(["--secret-file", f.to_str().unwrap()]);
        }
        let (code, err) = analyse_with(&seeds, &output, &args, &env);
        assert_eq!(code, 3, "{how}: {err}");
        assert!(
            err.contains(&format!("the scheduler at 127.0.0.1:{port} refused the job: wrong or missing cluster secret")),
            "{how}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{how}: {err}");
        assert_eq!(
            snapshot(&output),
            before,
            "{how}: the previous output changed"
        );
        no_leftovers(&output);
    }
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(
        said.contains("themeshift scheduler: refused a call from 127.0.0.1")
            && said.contains("wrong or missing cluster secret"),
        "{said}"
    );
    // With the secret, from its file, the same driver runs.
    let right = tmp.path().join("right.secret");
    std::fs::write(&right, format!("{SECRET}\n")).unwrap();
    let mut args = args.to_vec();
    args.extend(["--secret-file", right.to_str().unwrap(), "--quiet"]);
    let (code, err) = analyse_with(&seeds, &tmp.path().join("o2"), &args, &[]);
    assert_eq!(code, 0, "{err}");
    drop((worker, scheduler));
}

#[test]
fn an_executor_with_another_secret_is_refused_in_one_line() {
    let (scheduler, port) = scheduler_with(&secret(SECRET));
    let out = themeshift()
        .args(["cluster", "executor", "--bind", "127.0.0.1", "--port", "0"])
        .arg("--scheduler")
        .arg(format!("127.0.0.1:{port}"))
        .envs(secret("another"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains(&format!("the scheduler at 127.0.0.1:{port} refused this executor: wrong or missing cluster secret")),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    drop(scheduler);
}

#[test]
fn machines_off_loopback_need_a_secret_and_executors_a_corpus_root() {
    let out = themeshift()
        .args(["cluster", "scheduler", "--bind", "0.0.0.0", "--port", "0"])
        .env_remove("THEMESHIFT_CLUSTER_SECRET")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("without a secret") && err.contains("head -c 32 /dev/urandom"),
        "{err}"
    );
    let out = themeshift()
        .args(["cluster", "executor", "--bind", "0.0.0.0", "--port", "0"])
        .args(["--scheduler", "127.0.0.1:9"])
        .envs(secret(SECRET))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("needs --corpus-root"), "{err}");
}

#[test]
fn a_job_naming_a_file_outside_the_corpus_root_is_refused_and_nothing_of_it_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    seeds_as_parquet(&root.join("seeds"));
    // A file the executor's machine holds outside its corpus root.
    let outside = tmp.path().join("private");
    std::fs::create_dir_all(&outside).unwrap();
    let words = "The secret launch password is commissioning swordfish tangerine.";
    std::fs::write(
        outside.join("a2003.txt"),
        format!("Date: 2003-05-01\n\n{words}\n"),
    )
    .unwrap();
    std::fs::write(
        outside.join("b2010.txt"),
        format!("Date: 2010-05-01\n\n{words}\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
    // Folders inside the root holding a link to a file outside, and to the folder outside.
    let (to_file, to_folder) = (root.join("to-file"), root.join("to-folder"));
    for dir in [&to_file, &to_folder] {
        std::fs::create_dir_all(dir).unwrap();
        let text = "Date: 2003-05-01\n\nPrimary care trusts commission care.\n";
        std::fs::write(dir.join("a.txt"), text).unwrap();
    }
    std::os::unix::fs::symlink(outside.join("b2010.txt"), to_file.join("b.txt")).unwrap();
    std::os::unix::fs::symlink(&outside, to_folder.join("sub")).unwrap();
    let (scheduler, port) = scheduler_with(&secret(SECRET));
    let flags = ["--corpus-root".as_ref(), root.as_os_str()];
    let guarded = executor_with(port, &secret(SECRET), &flags);
    let url = format!("df://127.0.0.1:{port}");
    // Inside the root: counted.
    let inside = tmp.path().join("inside");
    let (code, err) = analyse_run(
        &root.join("seeds"),
        &inside,
        &["--text-column", "body", "--quiet", "--cluster", &url],
    );
    assert_eq!(code, 0, "{err}");
    let themes = root.join("seeds/themes.toml");
    for (how, input) in [
        ("outside", outside.clone()),
        ("through ..", root.join("..").join("private")),
        ("through a symbolic link", root.join("link")),
        ("a link to a file", to_file),
        ("a link to a folder", to_folder),
    ] {
        let output = tmp.path().join("o");
        let (code, err) = analyse_run(
            &input,
            &output,
            &["--themes", themes.to_str().unwrap(), "--cluster", &url],
        );
        assert_eq!(code, 3, "{how}: {err}");
        assert!(
            err.contains("refuses to read") && err.contains("outside its --corpus-root"),
            "{how}: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{how}: {err}");
        assert!(!output.exists(), "{how}: an output was written");
        no_leftovers(&output);
    }
    drop((guarded, scheduler));
}

#[test]
fn a_scheduler_without_executors_is_waited_for_then_said_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    seeds_as_parquet(&seeds);
    let (scheduler, port) = scheduler_with(&secret(SECRET));
    let url = format!("df://127.0.0.1:{port}");
    let output = tmp.path().join("o");
    let mut env = secret(SECRET).to_vec();
    env.push(("THEMESHIFT_CLUSTER_WAIT", "3"));
    let started = Instant::now();
    let (code, err) = analyse_with(
        &seeds,
        &output,
        &["--text-column", "body", "--cluster", &url],
        &env,
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code, 3, "{err}");
    let lines: Vec<&str> = err.trim().lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].contains("waiting for an executor to join the scheduler at 127.0.0.1"),
        "{err}"
    );
    assert!(
        lines[1].contains("no executor joined the scheduler at 127.0.0.1")
            && lines[1].contains("themeshift cluster executor --scheduler 127.0.0.1"),
        "{err}"
    );
    assert!(!output.exists());
    drop(scheduler);
}

#[test]
fn a_port_that_is_not_a_scheduler_is_said_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    seeds_as_parquet(&seeds);
    // Something else listening: it greets and hangs up, as an SSH server would to a stranger.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            use std::io::Write;
            let mut stream = stream;
            stream.write_all(b"SSH-2.0-OpenSSH_9.2\r\n").ok();
        }
    });
    let url = format!("df://127.0.0.1:{port}");
    let (code, err) = analyse_run(
        &seeds,
        &tmp.path().join("o"),
        &["--text-column", "body", "--cluster", &url],
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(&format!(
            "127.0.0.1:{port} did not answer as a themeshift scheduler within 20 s"
        )),
        "{err}"
    );
    assert!(!err.contains("Status {"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
