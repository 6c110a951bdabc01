//! `analyse --cluster df://HOST:PORT`: the read and count stages on an Apache DataFusion
//! Ballista cluster, giving the [`Read`] and [`Resolved`] that reading and counting on this
//! machine give, so every later stage (measure, charts, report) is the same code on the same
//! values and writes the same files.
//!
//! Two jobs, each a plan of the engine over the corpus's shares (a row each, in a partition
//! of its own, so that each share is a task the scheduler can hand to any executor):
//!
//! ```text
//! look:  shares -> themeshift_keys -> unnest      => every dated document's period, text and place
//! count: shares -> themeshift_count -> unnest -> group by period: themeshift_merge
//!                                                 => a finished part a period
//! ```
//!
//! Between the two, this machine finds the copies not to count and cuts the shares to count
//! anew, each period of fewer bytes than a share in one share (`parts::Files::count_shares`),
//! which finishes it: the engine's grouping then only passes such a period's part on.
//!
//! The executors read the corpus from the shared path with our readers and count it with our
//! counter (`functions.rs`); the engine moves and groups the parts, merging each period's
//! with our merge, where the period's dispersion is then worked out; this machine puts the
//! periods together (`parts::assemble`). `machines.rs` runs the scheduler and executors.

mod functions;
mod machines;
mod secret;

use std::sync::Arc;

use anyhow::{Context, Result};
use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema, UInt64Type};
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::execution::{FunctionRegistry, SessionStateBuilder};
use datafusion::logical_expr::{ident, lit, LogicalPlanBuilder};
use datafusion::prelude::{col, DataFrame, SessionConfig, SessionContext};
use rustc_hash::FxHashSet;

use super::discover::Found;
use super::parts::{self, Known, Settings, Share};
use super::read::Read;
use super::resolve::Resolved;
use super::setup::Setup;
use crate::config::Config;
use crate::error::ClusterError;
use crate::ingest::walk::SourceFile;
use secret::{Asked, Secret, Status};

pub(super) use machines::{executor, scheduler};

/// Seconds the driver waits to reach the scheduler before it says so.
const CONNECT_SECONDS: usize = 4;

/// Reads and counts the corpus `found` on the cluster of `scheduler` (HOST:PORT).
pub(crate) fn read_and_resolve(
    found: Found,
    setup: &Setup,
    config: &Config,
    scheduler: &str,
) -> Result<(Read, Resolved)> {
    let settings = Settings::new(config, &setup.words, found.count)?;
    let secret = Secret::load(config.cluster_secret.as_deref())?;
    let finished = if found.files.is_empty() {
        Vec::new()
    } else {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("cannot start the cluster's client")?;
        let cluster = Cluster {
            scheduler,
            secret: &secret,
            quiet: config.quiet,
        };
        runtime.block_on(on_cluster(&cluster, &found.files, &settings))?
    };
    let known = Known {
        walk_skipped: found.skipped,
        input: &config.input,
        metadata: found.metadata,
        min_count: config.min_count,
        kwic_max: config.count.kwic_max,
    };
    parts::assemble(finished, known)
}

/// The cluster a run counts on: its scheduler (HOST:PORT), this machine's secret, and whether
/// to print nothing but errors.
struct Cluster<'a> {
    scheduler: &'a str,
    secret: &'a Secret,
    quiet: bool,
}

/// The two jobs over the corpus's `files` in shares sized for the cluster's slots: the copies
/// found, then the shares counted and each period's parts merged.
async fn on_cluster(
    cluster: &Cluster<'_>,
    files: &[SourceFile],
    settings: &Settings,
) -> Result<Vec<Vec<u8>>> {
    let scheduler = cluster.scheduler;
    reach(scheduler).await?;
    let slots = ready(cluster).await?.slots.max(1);
    let files = parts::Files::of(files);
    let shares = &files.shares(slots);
    let ctx = session(scheduler, cluster.secret, slots).await?;
    let settings = settings.to_bytes();
    let mut tries = 0;
    let keys = loop {
        match look(&ctx, shares, &settings).await {
            Err(e) if tries < AGAIN && lost_executor(scheduler, &e).is_some() => tries += 1,
            done => break done.map_err(|e| failed(scheduler, e))?,
        }
    };
    let shares = files.count_shares(slots, &keys);
    loop {
        match count_on(&ctx, &shares, &settings).await {
            Err(e) if tries < AGAIN && lost_executor(scheduler, &e).is_some() => tries += 1,
            done => return done.map_err(|e| failed(scheduler, e)),
        }
    }
}

/// How many times a job is sent again after an executor holding its results was lost.
///
/// The scheduler re-runs the tasks of an executor that dies while a job runs; but once the job
/// has finished, its results live on the executors until this machine fetches them, and an
/// executor lost then takes them with it. The job is then sent again: the remaining executors
/// run it, and, every part being worked out the same way wherever it runs, give the same result.
const AGAIN: usize = 2;

/// Says at once, and in one line, when nothing listens at the scheduler's address.
async fn reach(scheduler: &str) -> Result<()> {
    let wait = std::time::Duration::from_secs(CONNECT_SECONDS as u64);
    let reason = match tokio::time::timeout(wait, tokio::net::TcpStream::connect(scheduler)).await {
        Ok(Ok(_)) => return Ok(()),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {CONNECT_SECONDS} s"),
    };
    Err(ClusterError(format!(
        "cannot reach the cluster's scheduler at {scheduler}: is `themeshift cluster scheduler` \
         running there, and the port open? ({reason})"
    ))
    .into())
}

/// Seconds the scheduler has to answer as a themeshift scheduler.
const ANSWER_SECONDS: u64 = 20;

/// Seconds a job waits for a first executor to join the scheduler (a test may shorten it
/// with `THEMESHIFT_CLUSTER_WAIT`).
fn executor_seconds() -> u64 {
    std::env::var("THEMESHIFT_CLUSTER_WAIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60)
}

/// Asks the scheduler whether it takes this machine's jobs and has an executor: fails in one
/// line when it refuses the secret, is another program or another version, and waits (saying
/// so) up to [`executor_seconds`] for an executor to join when none has. Its status, once an
/// executor has joined.
async fn ready(cluster: &Cluster<'_>) -> Result<Status> {
    let scheduler = cluster.scheduler;
    let started = std::time::Instant::now();
    let patience = executor_seconds();
    let mut said = false;
    loop {
        let wait = std::time::Duration::from_secs(ANSWER_SECONDS);
        let status = match secret::ask(scheduler, cluster.secret, wait).await {
            Asked::Status(status) => status,
            Asked::Refused => {
                return Err(ClusterError(format!(
                    "the scheduler at {scheduler} refused the job: {} ({})",
                    secret::REFUSED,
                    secret::HOW
                ))
                .into())
            }
            Asked::NotAScheduler(why) => {
                return Err(ClusterError(format!(
                    "{scheduler} did not answer as a themeshift scheduler within {ANSWER_SECONDS} \
                     s ({why})"
                ))
                .into())
            }
        };
        if status.themeshift != parts::VERSION {
            return Err(ClusterError(format!(
                "the scheduler at {scheduler} runs themeshift {}, and this is {}: every \
                 machine of a cluster must run the same version",
                status.themeshift,
                parts::VERSION
            ))
            .into());
        }
        if status.executors > 0 {
            return Ok(status);
        }
        if started.elapsed().as_secs() >= patience {
            return Err(ClusterError(format!(
                "no executor joined the scheduler at {scheduler} within {patience} s: \
                 start one on each machine with `themeshift cluster executor --scheduler \
                 {scheduler} --corpus-root DIR` (and the cluster's --secret-file)"
            ))
            .into());
        }
        if !said && !cluster.quiet {
            eprintln!(
                "themeshift: waiting for an executor to join the scheduler at {scheduler} (up \
                 to {patience} s; start one with `themeshift cluster executor \
                 --scheduler {scheduler}`)"
            );
            said = true;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// The address of an executor that could not be reached, when that is why a job failed.
///
/// The engine says it two ways: its client's "could not connect to scheduler or executor at
/// http://HOST:PORT/" and, while fetching a result, "Shuffle fetch partition error from
/// Executor HOST:PORT, ...".
fn lost_executor(scheduler: &str, e: &anyhow::Error) -> Option<String> {
    let text = format!("{e:#}");
    let address = ["scheduler or executor at ", "from Executor "]
        .iter()
        .find_map(|marker| Some(&text[text.find(marker)? + marker.len()..]))?;
    let address = address
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    let end = address
        .find(|c: char| !(c.is_ascii_alphanumeric() || ".:-[]".contains(c)))
        .unwrap_or(address.len());
    let address = address[..end].trim_end_matches(|c: char| !c.is_ascii_digit());
    (address != scheduler && address.contains(':')).then(|| address.to_string())
}

/// Tasks each slot of the cluster is given for the groups of a job's last stage.
const GROUPS_PER_SLOT: usize = 4;

/// A session with the cluster of `slots` (no connection is made until a job is sent).
async fn session(scheduler: &str, secret: &Secret, slots: usize) -> Result<SessionContext> {
    let config = SessionConfig::new_with_ballista()
        // The groups (periods, texts' keys) in four tasks a slot (the engine's default is 16
        // whatever the cluster): enough that a few large groups do not hold up the end, few
        // enough that the tasks' own costs and the driver's fetch of each one's result stay
        // small.
        .with_target_partitions(GROUPS_PER_SLOT * slots)
        .with_ballista_override_create_grpc_client_endpoint(secret.endpoint())
        .with_ballista_job_name("themeshift analyse")
        .with_ballista_grpc_client_max_message_size(1 << 30)
        .set_usize(
            "ballista.client.grpc_connect_timeout_seconds",
            CONNECT_SECONDS,
        )
        // A share is a task: one partition each, so that every executor takes some.
        .set_usize("ballista.scheduler.max_partitions_per_task", 1)
        // The static planner: Ballista 55's adaptive one (its default) never finishes a job
        // whose map stage it re-runs after losing an executor (it loops on "Can't find active
        // stage to update stage outputs"); our plans have nothing for it to adapt anyway.
        .set_bool("ballista.planner.adaptive.enabled", false);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    let ctx = SessionContext::remote_with_state(&format!("df://{scheduler}"), state)
        .await
        .map_err(|e| failed(scheduler, e.into()))?;
    // Registered on the session made (functions in the state given are replaced).
    let (scalars, aggregates) = functions::functions();
    for f in scalars {
        ctx.register_udf((*f).clone());
    }
    for f in aggregates {
        ctx.register_udaf((*f).clone());
    }
    Ok(ctx)
}

/// The shares as a table: a union of one-row tables, a partition (a task) each.
fn shares_table(ctx: &SessionContext, shares: &[Share]) -> Result<DataFrame> {
    let schema = Arc::new(DFSchema::try_from(Schema::new(vec![Field::new(
        "share",
        DataType::Binary,
        false,
    )]))?);
    let mut table: Option<DataFrame> = None;
    for share in shares {
        let row = vec![vec![lit(ScalarValue::Binary(Some(share.to_bytes())))]];
        // (A table of values names its columns column1, column2, ...)
        let plan = LogicalPlanBuilder::values_with_schema(row, &schema)?
            .project(vec![col("column1").alias("share")])?
            .build()?;
        let one = DataFrame::new(ctx.state(), plan);
        table = Some(match table {
            None => one,
            Some(t) => t.union(one)?,
        });
    }
    table.context("no shares")
}

/// Every dated document's key (period, text's SHA-256, place), from every share.
async fn look(ctx: &SessionContext, shares: &[Share], settings: &[u8]) -> Result<Vec<parts::Key>> {
    let keys = ctx.udf(functions::KEYS)?;
    let batches = shares_table(ctx, shares)?
        .select(vec![keys
            .call(vec![
                col("share"),
                lit(ScalarValue::Binary(Some(settings.to_vec()))),
            ])
            .alias("keys")])?
        .unnest_columns(&["keys"])?
        .unnest_columns(&["keys"])?
        .collect()
        .await?;
    let mut keys = Vec::new();
    for batch in &batches {
        let periods = batch.column(0).as_string::<i32>();
        let shas = batch.column(1).as_binary::<i32>();
        let places = batch.column(2).as_primitive::<UInt64Type>();
        for row in 0..batch.num_rows() {
            let sha: [u8; 32] = (shas.value(row).try_into())
                .map_err(|_| ClusterError("a document's key came back cut short".into()))?;
            keys.push((periods.value(row).to_string(), sha, places.value(row)));
        }
    }
    // A document once, should the engine hand a share's keys over twice (a second key at a
    // place would make the document a copy of itself).
    keys.sort_unstable_by_key(|k| k.2);
    keys.dedup_by_key(|k| k.2);
    Ok(keys)
}

/// The shares counted, and each period's parts merged and finished: a part each.
async fn count_on(ctx: &SessionContext, shares: &[Share], settings: &[u8]) -> Result<Vec<Vec<u8>>> {
    let count = ctx.udf(functions::COUNT)?;
    let merge = ctx.udaf(functions::MERGE)?;
    let batches: Vec<RecordBatch> = shares_table(ctx, shares)?
        .select(vec![count
            .call(vec![
                col("share"),
                lit(ScalarValue::Binary(Some(settings.to_vec()))),
            ])
            .alias("parts")])?
        .unnest_columns(&["parts"])?
        .unnest_columns(&["parts"])?
        .aggregate(
            vec![ident("parts.period")],
            vec![merge.call(vec![ident("parts.part")]).alias("merged")],
        )?
        .select(vec![ident("parts.period"), col("merged")])?
        .collect()
        .await?;
    // One part per period (and one of each share's records): a group the engine hands over
    // twice, as it can when an executor holding results is lost and its stage run again
    // while the results are fetched, is the same merge of the same parts, and is taken once.
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut parts = Vec::new();
    for batch in &batches {
        let periods = batch.column(0).as_string::<i32>();
        let merged = batch.column(1).as_binary::<i32>();
        for row in 0..merged.len() {
            if seen.insert(periods.value(row)) {
                parts.push(merged.value(row).to_vec());
            }
        }
    }
    Ok(parts)
}

/// What the cluster said, as one line a user can act on.
fn failed(scheduler: &str, e: anyhow::Error) -> anyhow::Error {
    let text = format!("{e:#}");
    if let Some(executor) = lost_executor(scheduler, &e) {
        return ClusterError(format!(
            "the cluster at {scheduler} lost the executor at {executor} with the job's results, \
             {} times; is it still running? ({})",
            AGAIN + 1,
            reason(&text)
        ))
        .into();
    }
    if text.contains("Unauthenticated") || text.contains(secret::REFUSED) {
        return ClusterError(format!(
            "a machine of the cluster at {scheduler} refused this one: {} ({})",
            secret::REFUSED,
            secret::HOW
        ))
        .into();
    }
    if text.contains("Timeout expired") {
        return ClusterError(format!(
            "{scheduler} did not answer as a themeshift scheduler in time (the engine's call \
             timed out)"
        ))
        .into();
    }
    let unreachable = [
        "Connection refused",
        "ConnectError",
        "transport error",
        "timed out",
    ];
    if unreachable.iter().any(|u| text.contains(u)) && !text.contains("Job ") {
        return ClusterError(format!(
            "cannot reach the cluster's scheduler at {scheduler}: is `themeshift cluster \
             scheduler` running there, and the port open? ({})",
            reason(&text)
        ))
        .into();
    }
    ClusterError(format!(
        "the cluster at {scheduler} failed the job: {}",
        reason(&text)
    ))
    .into()
}

/// The message inside the engine's wrapping: ours, when one of our functions failed.
fn reason(text: &str) -> String {
    if let Some(start) = text.find("Execution(\"") {
        let rest = &text[start + "Execution(\"".len()..];
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push(' '),
                    Some(other) => out.push(other),
                    None => break,
                },
                '"' => break,
                c => out.push(c),
            }
        }
        return out;
    }
    if text.contains("Connection refused") {
        return "connection refused".to_string();
    }
    text.lines().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost(text: &str) -> Option<String> {
        lost_executor("127.0.0.1:50050", &anyhow::anyhow!(text.to_string()))
    }

    #[test]
    fn an_executor_lost_is_read_from_either_of_the_engines_words() {
        assert_eq!(
            lost(
                "External error: Shuffle fetch partition error from Executor 127.0.0.1:37647, \
                 map_stage 2, map_partition 1, error desc: Status { code: Unavailable }"
            )
            .as_deref(),
            Some("127.0.0.1:37647")
        );
        assert_eq!(
            lost(
                "Error connecting to Ballista scheduler or executor at http://10.0.0.7:50051/: \
                 transport error"
            )
            .as_deref(),
            Some("10.0.0.7:50051")
        );
        // The scheduler itself is not an executor lost, nor is a text without an address.
        assert_eq!(
            lost("could not connect to scheduler or executor at http://127.0.0.1:50050/"),
            None
        );
        assert_eq!(lost("Job failed: tokeniser"), None);
        assert_eq!(
            lost("Shuffle fetch partition error from Executor , stage"),
            None
        );
    }
}
