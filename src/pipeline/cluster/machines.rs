//! The cluster's machines in this program: `themeshift cluster scheduler` and `themeshift
//! cluster executor`, Ballista's scheduler and a pull-based executor built from Ballista's
//! parts (as its own standalone executor is), with our functions registered and the
//! timings set short, so that a lost executor is noticed in seconds, not minutes.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use arrow_flight::flight_service_server::FlightServiceServer;
use ballista_core::config::TaskSchedulingPolicy;
use ballista_core::extension::SessionConfigExt;
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_core::serde::protobuf::scheduler_grpc_server::SchedulerGrpcServer;
use ballista_core::serde::protobuf::ExecutorRegistration;
use ballista_core::serde::scheduler::{
    ExecutorOperatingSystemSpecification, ExecutorSpecification,
};
use ballista_core::serde::BallistaCodec;
use ballista_core::utils::{create_grpc_server, default_config_producer, GrpcServerConfig};
use ballista_core::{ConfigProducer, RuntimeProducer, BALLISTA_PROTOCOL_VERSION};
use ballista_executor::executor::Executor;
use ballista_executor::flight_service::BallistaFlightService;
use ballista_executor::metrics::LoggingMetricsCollector;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::create_scheduler;
use ballista_scheduler::scheduler_server::SchedulerServer;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::{FunctionRegistry, SessionState, SessionStateBuilder};
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};
use tonic::service::interceptor::InterceptedService;

use std::net::SocketAddr;

use super::functions::functions;
use super::secret::{ask, is_loopback, Asked, Secret, Status, HOW, REFUSED, STATUS_PATH};
use crate::cli::{ExecutorArgs, SchedulerArgs};
use crate::error::ClusterError;

/// Seconds without word from an executor after which the scheduler counts it lost and runs
/// its tasks elsewhere. A busy executor asks for work (its heartbeat) at least every 5 s.
pub(crate) const EXECUTOR_TIMEOUT: u64 = 15;

/// Seconds a job waits for an executor when none is left before it fails.
const NO_EXECUTORS_GRACE: u64 = 30;

/// Messages of up to this size pass between the machines (a period's counts are one).
const MESSAGE_BYTES: usize = 1 << 30;

/// A session of every built-in function and ours: what the scheduler plans with and the
/// executors run with (Ballista's default registry lacks the nested functions).
fn with_our_functions(mut state: SessionState) -> datafusion::common::Result<SessionState> {
    let (scalars, aggregates) = functions();
    for f in scalars {
        state.register_udf(f)?;
    }
    for f in aggregates {
        state.register_udaf(f)?;
    }
    Ok(state)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the cluster's runtime")
}

/// The engine's log on standard error: errors only, or the level `RUST_LOG` names (say
/// `RUST_LOG=info`, to see tasks handed out and executors come and go).
fn logs() {
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(log::LevelFilter::Error);
    if log::set_logger(&StandardError).is_ok() {
        log::set_max_level(level);
    }
}

/// Each record as a line on standard error.
struct StandardError;

impl log::Log for StandardError {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            eprintln!("{} {}: {}", record.level(), record.target(), record.args());
        }
    }

    fn flush(&self) {}
}

/// `themeshift cluster scheduler`: runs until stopped.
pub(crate) fn scheduler(args: &SchedulerArgs) -> Result<()> {
    logs();
    let secret = Secret::load(args.secret_file.as_deref())?;
    secret.needed_for("scheduler", &args.bind)?;
    runtime()?.block_on(async {
        let address = format!("{}:{}", args.bind, args.port);
        let listener = tokio::net::TcpListener::bind(&address)
            .await
            .map_err(|e| ClusterError(format!("the scheduler cannot listen on {address}: {e}")))?;
        let port = listener.local_addr()?.port();
        let config = SchedulerConfig {
            bind_host: args.bind.clone(),
            external_host: args.bind.clone(),
            bind_port: port,
            scheduling_policy: TaskSchedulingPolicy::PullStaged,
            executor_timeout_seconds: EXECUTOR_TIMEOUT,
            expire_dead_executor_interval_seconds: 2,
            no_executors_grace_period_seconds: NO_EXECUTORS_GRACE,
            grpc_server_max_decoding_message_size: MESSAGE_BYTES as u32,
            grpc_server_max_encoding_message_size: MESSAGE_BYTES as u32,
            grpc_client_max_message_size: MESSAGE_BYTES as u32,
            override_session_builder: Some(Arc::new(|config| {
                with_our_functions(ballista_core::utils::default_session_builder(config)?)
            })),
            override_create_grpc_client_endpoint: Some(secret.endpoint()),
            ..SchedulerConfig::default()
        };
        let cluster = BallistaCluster::new_from_config(&config).await?;
        let server =
            create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, Arc::new(config))
                .await?;
        // The port on a line of its own, first: a script (or a test) that asked for port 0
        // reads it here.
        println!("themeshift scheduler listening on {}:{port}", args.bind);
        use std::io::Write;
        std::io::stdout().flush().ok();
        serve(listener, server, &secret).await
    })
}

/// The scheduler's services on `listener`: its gRPC service behind the secret's check (what
/// Ballista's own `start_grpc_service_with_listener` serves, less the routes its features we
/// build without would add), and [`STATUS_PATH`], which says the executors it hears from.
async fn serve(
    listener: tokio::net::TcpListener,
    server: SchedulerServer<LogicalPlanNode, PhysicalPlanNode>,
    secret: &Secret,
) -> Result<()> {
    use axum::extract::ConnectInfo;
    use axum::http::{header, HeaderMap, StatusCode};
    let state = server.state.clone();
    let grpc = SchedulerGrpcServer::new(server)
        .max_encoding_message_size(MESSAGE_BYTES)
        .max_decoding_message_size(MESSAGE_BYTES);
    let mut routes = tonic::service::RoutesBuilder::default();
    routes.add_service(InterceptedService::new(grpc, secret.check("scheduler")));
    let check = secret.check("scheduler");
    let status = axum::routing::get(
        move |ConnectInfo(peer): ConnectInfo<SocketAddr>, headers: HeaderMap| async move {
            let agent = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok());
            if !check.allows(agent, Some(peer)) {
                return (StatusCode::UNAUTHORIZED, String::new());
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            let live: Vec<u32> = match state.executor_manager.get_executors_state().await {
                Ok(all) => all
                    .iter()
                    .filter(|(_, beat, _)| {
                        beat.is_some_and(|b| now.saturating_sub(b).as_secs() < EXECUTOR_TIMEOUT)
                    })
                    .map(|(executor, _, _)| executor.specification.vcores)
                    .collect(),
                Err(_) => Vec::new(),
            };
            let answer = Status {
                themeshift: super::super::parts::VERSION.to_string(),
                executors: live.len(),
                slots: live.iter().map(|&v| v.max(1) as usize).sum(),
            };
            (
                StatusCode::OK,
                serde_json::to_string(&answer).unwrap_or_default(),
            )
        },
    );
    let app = routes
        .routes()
        .into_axum_router()
        .route(STATUS_PATH, status);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
    .context("the scheduler stopped")
}

/// `themeshift cluster executor`: registers with the scheduler and runs its tasks until
/// stopped.
pub(crate) fn executor(args: &ExecutorArgs) -> Result<()> {
    logs();
    let secret = Secret::load(args.secret_file.as_deref())?;
    secret.needed_for("executor", &args.bind)?;
    match &args.corpus_root {
        Some(root) => super::super::parts::set_corpus_root(root)?,
        None if !is_loopback(&args.bind) => bail!(ClusterError(format!(
            "an executor listening on {} needs --corpus-root DIR: the one folder it may read \
             files from for the jobs it is given (the corpus, at the path `analyse` reads it at)",
            args.bind
        ))),
        None => {}
    }
    let threads = args
        .threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Our code reads a share on the task's thread and on rayon's, held to the same count.
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .ok();
    let work_dir = match &args.work_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot make the work folder {}", dir.display()))?;
            (dir.clone(), None)
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("themeshift-executor-")
                .tempdir()
                .context("cannot make a temporary work folder")?;
            (dir.path().to_path_buf(), Some(dir))
        }
    };
    let (dir, _kept) = work_dir;
    runtime()?.block_on(run_executor(
        args,
        threads,
        dir.display().to_string(),
        &secret,
    ))
}

/// Waits a few seconds for the scheduler at `address` to answer (it may be starting), and
/// fails in one line when it refuses this machine's secret or is not a themeshift scheduler.
async fn scheduler_answers(address: &str, secret: &Secret) -> Result<()> {
    let mut last = String::new();
    for _ in 0..25 {
        match ask(address, secret, Duration::from_secs(2)).await {
            Asked::Status(_) => return Ok(()),
            Asked::Refused => bail!(ClusterError(format!(
                "the scheduler at {address} refused this executor: {REFUSED} ({HOW})"
            ))),
            Asked::NotAScheduler(why) => last = why,
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bail!(ClusterError(format!(
        "cannot reach the scheduler at {address}: is `themeshift cluster scheduler` running \
         there? ({last})"
    )))
}

async fn run_executor(
    args: &ExecutorArgs,
    threads: usize,
    work_dir: String,
    secret: &Secret,
) -> Result<()> {
    scheduler_answers(&args.scheduler, secret).await?;
    let scheduler_url = format!("http://{}", args.scheduler);
    let channel = tonic::transport::Endpoint::from_shared(scheduler_url)
        .context("the scheduler's address")?
        .user_agent(secret.user_agent())
        .context("the cluster secret's token")?
        .connect()
        .await
        .map_err(|e| {
            ClusterError(format!(
                "cannot reach the scheduler at {}: {e}",
                args.scheduler
            ))
        })?;
    let client = SchedulerGrpcClient::new(channel)
        .max_decoding_message_size(MESSAGE_BYTES)
        .max_encoding_message_size(MESSAGE_BYTES);
    let address = format!("{}:{}", args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .map_err(|e| ClusterError(format!("the executor cannot listen on {address}: {e}")))?;
    let port = listener.local_addr()?.port();
    let host = args
        .external_host
        .clone()
        .unwrap_or_else(|| default_host(&args.scheduler));
    let registration = ExecutorRegistration {
        id: format!("{host}:{port}"),
        host: Some(host.clone()),
        port: port as u32,
        grpc_port: 0,
        specification: Some(
            ExecutorSpecification::default()
                .with_vcores(threads as u32)
                .into(),
        ),
        os_info: Some(ExecutorOperatingSystemSpecification::default().into()),
        ballista_protocol_version: BALLISTA_PROTOCOL_VERSION,
    };
    let state = with_our_functions(SessionStateBuilder::new().with_default_features().build())?;
    let registry = BallistaFunctionRegistry::from(&state);
    let temp = work_dir.clone();
    let runtime: RuntimeProducer = Arc::new(move |_| {
        Ok(Arc::new(
            RuntimeEnvBuilder::new()
                .with_temp_file_path(temp.clone())
                .build()?,
        ))
    });
    let executor = Arc::new(Executor::with_default_execution_engine(
        registration,
        &work_dir,
        runtime,
        config_producer(secret),
        Arc::new(registry),
        Arc::new(LoggingMetricsCollector::default()),
        threads,
    ));
    let flight = FlightServiceServer::new(BallistaFlightService::new(work_dir))
        .max_decoding_message_size(MESSAGE_BYTES)
        .max_encoding_message_size(MESSAGE_BYTES);
    let server = tokio::spawn(
        create_grpc_server(&GrpcServerConfig::default())
            .add_service(InterceptedService::new(flight, secret.check("executor")))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    println!(
        "themeshift executor {host}:{port} working for the scheduler at {} on {threads} thread(s)",
        args.scheduler
    );
    use std::io::Write;
    std::io::stdout().flush().ok();
    let codec: BallistaCodec<LogicalPlanNode, PhysicalPlanNode> = BallistaCodec::default();
    let health = ballista_executor::health::ExecutorHealth::new();
    let polled =
        ballista_executor::execution_loop::poll_loop(client, executor, codec, None, None, health)
            .await;
    server.abort();
    polled.map_err(|e| ClusterError(format!("the executor stopped: {e}")))?;
    Ok(())
}

/// Each task's session: the engine's defaults, and this machine's token on every call its
/// readers make to fetch results from other executors.
fn config_producer(secret: &Secret) -> ConfigProducer {
    let endpoint = secret.endpoint();
    Arc::new(move || {
        default_config_producer()
            .with_ballista_override_create_grpc_client_endpoint(endpoint.clone())
    })
}

/// The host the others reach an executor at: 127.0.0.1 beside a scheduler on this machine,
/// else this machine's name.
fn default_host(scheduler: &str) -> String {
    let local = scheduler
        .rsplit_once(':')
        .map(|(h, _)| h)
        .is_some_and(|h| h == "127.0.0.1" || h == "localhost" || h == "[::1]");
    if local {
        return "127.0.0.1".to_string();
    }
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "127.0.0.1".to_string())
}
