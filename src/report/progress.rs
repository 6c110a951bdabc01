//! A progress bar on stderr while documents are read and counted (indicatif): documents,
//! megabytes and rate. Shown only when stderr is a terminal, not with `--quiet`, and only
//! once the run has lasted a moment, so short runs and piped output stay clean.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_millis(700);

/// Progress through the input, in bytes of files and documents counted.
pub(crate) struct Progress {
    bar: ProgressBar,
    start: Instant,
    wanted: bool,
    shown: AtomicBool,
    docs: AtomicU64,
}

impl Progress {
    /// A bar over `total_bytes()` of input; `quiet` hides it for good. The total is only
    /// worked out when the bar can be shown (it costs a look at every file).
    pub(crate) fn new(total_bytes: impl FnOnce() -> u64, quiet: bool) -> Self {
        let wanted = !quiet && std::io::stderr().is_terminal();
        let total = if wanted { total_bytes() } else { 0 };
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                // Decimal units (MB), as the run summary gives sizes.
                "{elapsed:>4} [{bar:30}] {decimal_bytes}/{decimal_total_bytes} ({decimal_bytes_per_sec}) {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Progress {
            bar,
            start: Instant::now(),
            wanted,
            shown: AtomicBool::new(false),
            docs: AtomicU64::new(0),
        }
    }

    /// One more document of `bytes` counted (from any thread).
    pub(crate) fn advance(&self, bytes: u64) {
        let docs = self.docs.fetch_add(1, Ordering::Relaxed) + 1;
        self.bar.inc(bytes);
        if docs.is_multiple_of(512) {
            self.bar.set_message(format!("{docs} documents"));
        }
        if self.wanted
            && !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() > DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    #[cfg(test)]
    /// Documents counted so far.
    pub(crate) fn documents(&self) -> u64 {
        self.docs.load(Ordering::Relaxed)
    }

    /// Removes the bar from the terminal.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_documents_from_many_threads_and_stays_hidden_when_quiet() {
        let p = Progress::new(|| 1000, true);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..100).for_each(|_| p.advance(2)));
            }
        });
        assert_eq!(p.documents(), 400);
        assert_eq!(p.bar.position(), 800);
        assert!(!p.shown.load(Ordering::Relaxed));
        p.finish();
    }
}
