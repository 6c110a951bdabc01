//! The binary's allocator: mimalloc, set to give freed memory back soon, and a hook through
//! which the library has every worker thread hand back what it freed at the end of a stage.

/// mimalloc: per-thread free lists suit many small short-lived strings (one document's text
/// and tokens at a time) beside long-lived records, with less fragmentation than the system
/// allocator (BENCHMARKS.md has the figures). Built without transparent huge pages (feature
/// `no_thp`): with them, every page mimalloc purged and used again was a 2 MB page for the
/// kernel to zero.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's option setter, in the library the `mimalloc` crate links.
    fn mi_option_set(option: std::os::raw::c_int, value: std::os::raw::c_long);
    /// Frees what the calling thread's heap holds that it need not (`force`: all it can).
    fn mi_collect(force: bool);
}

/// `mi_option_purge_delay` in mimalloc's option list (`mimalloc.h`): how long freed memory
/// waits before it goes back to the system.
const MI_OPTION_PURGE_DELAY: std::os::raw::c_int = 15;

/// Freed memory goes back to the system after 10 ms instead of mimalloc's default second:
/// a run's stages each free what the next does not need, and their threads do not reuse each
/// other's freed pages, so a second's delay keeps the peak higher for no gain in time.
const PURGE_DELAY_MS: std::os::raw::c_long = 10;

/// Sets the allocator's options and the library's hook. Call first thing in `main`.
pub(crate) fn configure() {
    // SAFETY: sets a plain integer option of the allocator; no memory is touched.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    // At the end of each stage, every worker thread returns the memory it freed: mimalloc
    // returns a thread's freed pages from within that thread's own allocator calls, so a
    // worker idle after a stage would hold them through the next.
    // SAFETY: mimalloc's collect takes no pointers; it only walks the calling thread's heap.
    themeshift::set_give_back(|| unsafe { mi_collect(true) });
}
