//! The reproduction of a label that depended on the threads (tests/data/label-threads: seven
//! public Debian changelog files, 106 lines, from ../shared/repro/label-threads). The text
//! writes `fix powerpc` as `Fix PowerPC` three times, `Fix powerpc` twice (once as `Fix
//! powerpc's`), `fix PowerPC` once and `fixed powerpc` once, so README's rule labels it `Fix
//! PowerPC`. One thread wrote `Fix powerpc` every time and two threads either, from one run
//! to the next: the possessive, without its `'s`, was kept as a second form reading `Fix
//! powerpc`, which pushed `Fix PowerPC` out of a phrase's four kept forms whenever both were
//! counted by one counter.

mod common;

use common::*;

#[test]
fn the_label_of_the_reproduction_is_readmes_on_every_thread_count_and_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = root().join("tests/data/label-threads");
    let mut outs = Vec::new();
    for threads in ["1", "2", "3"] {
        for run in 0..3 {
            let out = tmp.path().join(format!("out-{threads}-{run}"));
            let args = [
                "--threads",
                threads,
                "--min-count",
                "1",
                "--no-xlsx",
                "--no-report",
            ];
            analyse(&input, &out, &[&args[..], &["--quiet"]].concat()).success();
            let freq = table(&out, "term_frequencies.csv");
            for (term, period) in [("fix powerpc", "2001"), ("fix powerpc", "2002")] {
                let word = row(&freq, &[("term", term), ("period", period)])["word"].clone();
                assert_eq!(word, "Fix PowerPC", "{threads} thread(s), run {run}");
            }
            let keyness = table(&out, "keyness.csv");
            let labels = col(&keyness, "word");
            assert!(
                !labels.iter().any(|w| w == "Fix powerpc"),
                "{threads}, run {run}"
            );
            outs.push(out);
        }
    }
    for other in &outs[1..] {
        assert!(same_outputs(&outs[0], other) > 5);
    }
}
