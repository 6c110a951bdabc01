//! The run's stopwatch: seconds spent in each stage and the peak memory by the end of it
//! (for run.json and the summary), and, at each stage's end, every worker thread handing
//! back the memory it freed.

use std::time::Instant;

/// One stage's time and the process's peak memory when it ended.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lap {
    pub(crate) seconds: f64,
    /// Peak resident memory so far, in MB, where the system reports it.
    pub(crate) peak_mb: Option<f64>,
}

/// The stages of a run, each timed once (a stage not run stays `None`).
#[derive(Debug, Default)]
pub(crate) struct Stopwatch {
    started: Option<Instant>,
    pub(crate) discover: Option<Lap>,
    pub(crate) read_and_count: Option<Lap>,
    pub(crate) resolve: Option<Lap>,
    pub(crate) measure: Option<Lap>,
    pub(crate) charts: Option<Lap>,
    pub(crate) write: Option<Lap>,
    pub(crate) report: Option<Lap>,
}

impl Stopwatch {
    pub(crate) fn start() -> Stopwatch {
        Stopwatch {
            started: Some(Instant::now()),
            ..Stopwatch::default()
        }
    }

    /// Ends the stage `which` picks: its time since the last lap, and the peak so far.
    pub(crate) fn lap(&mut self, which: fn(&mut Stopwatch) -> &mut Option<Lap>) {
        give_back_memory();
        let now = Instant::now();
        let seconds = self
            .started
            .replace(now)
            .map_or(0.0, |then| (now - then).as_secs_f64());
        *which(self) = Some(Lap {
            seconds,
            peak_mb: peak_memory_mb(),
        });
    }

    /// (stage, lap) for every stage timed, in run order.
    fn laps(&self) -> impl Iterator<Item = (&'static str, Lap)> + '_ {
        [
            ("discover", self.discover),
            ("read_and_count", self.read_and_count),
            ("resolve", self.resolve),
            ("measure", self.measure),
            ("charts", self.charts),
            ("write", self.write),
            ("report", self.report),
        ]
        .into_iter()
        .filter_map(|(name, lap)| Some((name, lap?)))
    }

    /// (stage, seconds) in run order.
    pub(crate) fn seconds(&self) -> Vec<(&'static str, f64)> {
        self.laps().map(|(n, l)| (n, l.seconds)).collect()
    }

    /// (stage, peak MB by its end) in run order, where the system reports it.
    pub(crate) fn peaks(&self) -> Vec<(&'static str, f64)> {
        self.laps()
            .filter_map(|(n, l)| Some((n, l.peak_mb?)))
            .collect()
    }
}

/// How a thread hands the memory it has freed back to the system, where the allocator keeps
/// it for the thread's reuse: set by the binary, which chooses the allocator.
static GIVE_BACK: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets how a worker thread hands back the memory it freed: `f` runs on every worker thread
/// at the end of each stage. The binary sets it, as it chooses the allocator.
pub fn set_give_back(f: fn()) {
    let _ = GIVE_BACK.set(f);
}

/// Every worker of the pool hands its freed memory back (see [`set_give_back`]).
pub(crate) fn give_back_memory() {
    if let Some(f) = GIVE_BACK.get() {
        rayon::broadcast(|_| f());
        polars_core::runtime::THREAD_POOL.broadcast(|_| f());
    }
}

/// The process's peak resident memory so far, in MB (Linux: `VmHWM` of /proc/self/status;
/// `None` elsewhere).
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}
