//! The run's worker threads: one count, settled in [`crate::config`], given here to both
//! rayon (our pool) and polars (its own), once.

use anyhow::{Context, Result};

/// Runs `work` on a pool of `threads` workers, polars' pool sized to match. Polars reads
/// `POLARS_MAX_THREADS` when it first starts its pool, so this must come before any polars
/// call; a value the user set is kept.
pub(crate) fn with_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> Result<T> {
    if std::env::var_os("POLARS_MAX_THREADS").is_none() {
        // Only this thread runs yet, so no other reads the environment meanwhile.
        std::env::set_var("POLARS_MAX_THREADS", threads.to_string());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    Ok(pool.install(work))
}
