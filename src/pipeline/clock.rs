//! Clock.

use std::time::Instant;

/// Stage timings, in run order, and the peak memory (resident set) at the end of each.
pub(crate) struct Stopwatch(
    pub(crate) Instant,
    pub(crate) Vec<(&'static str, f64)>,
    pub(crate) Vec<(&'static str, f64)>,
);

impl Stopwatch {
    pub(crate) fn new() -> Stopwatch {
        Stopwatch(Instant::now(), Vec::new(), Vec::new())
    }

    pub(crate) fn lap(&mut self, stage: &'static str) {
        give_back_memory();
        let now = Instant::now();
        self.1.push((stage, (now - self.0).as_secs_f64()));
        self.0 = now;
        if let Some(peak) = peak_memory_mb() {
            self.2.push((stage, peak));
        }
    }
}

/// How a thread hands the memory it has freed back to the system, where the allocator keeps
/// it for the thread's reuse: set by the binary, which chooses the allocator.
pub(crate) static GIVE_BACK: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets [`GIVE_BACK`]: `f` runs on every worker thread at the end of each stage.
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
pub(crate) fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}
