//! The cluster's shared secret: every call between the scheduler, the executors and the
//! driver (`analyse --cluster`) carries a token made from it, and a machine given a secret
//! refuses a call without that token, saying so in its log; the caller says it in one line.
//!
//! The secret comes from a file (`--secret-file`) or the environment
//! (`THEMESHIFT_CLUSTER_SECRET`), never from a flag's value, which `ps` shows. What travels is
//! `hex(SHA-256("themeshift-cluster-v1\n" + secret))`, in the `user-agent` header of every
//! gRPC call (`themeshift-cluster/TOKEN`): the one header the engine lets every client it
//! makes carry (its endpoint hook, for the driver's calls, the executors' calls to the
//! scheduler and the fetches of results between machines), so no part of the engine needed
//! changing. The token does not encrypt anything: anyone who can read the network can copy
//! it, so a cluster's machines talk over a private network (README, "Running on a cluster").

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::error::ClusterError;

/// The environment variable that holds the secret when no `--secret-file` is given.
pub(crate) const ENV: &str = "THEMESHIFT_CLUSTER_SECRET";

/// The token's product name in `user-agent`.
const PRODUCT: &str = "themeshift-cluster/";

/// How to make and share a secret, for the messages that ask for one.
pub(crate) const HOW: &str = "make one with `head -c 32 /dev/urandom | base64 > cluster.secret` \
     and give the same file to the scheduler, every executor and `analyse` with --secret-file \
     cluster.secret (or set THEMESHIFT_CLUSTER_SECRET)";

/// The words a refused caller is given, and finds in its error.
pub(crate) const REFUSED: &str = "wrong or missing cluster secret";

/// A machine's secret, as a token; `None` when it was given none.
#[derive(Clone, Debug, Default)]
pub(crate) struct Secret {
    token: Option<Arc<str>>,
}

impl Secret {
    /// The secret in `file` (its first line, without the line break), else in the
    /// environment, else none. An empty secret is an error.
    pub(crate) fn load(file: Option<&Path>) -> Result<Secret> {
        let text = match file {
            Some(path) => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("cannot read the secret file {}", path.display()))?;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                Some((text, path.display().to_string()))
            }
            None => std::env::var(ENV).ok().map(|t| (t, ENV.to_string())),
        };
        let Some((text, from)) = text else {
            return Ok(Secret::default());
        };
        let secret = text.lines().next().unwrap_or("").trim();
        if secret.is_empty() {
            return Err(
                ClusterError(format!("the cluster secret in {from} is empty: {HOW}")).into(),
            );
        }
        Ok(Secret::of(secret))
    }

    /// The token of `secret`.
    pub(crate) fn of(secret: &str) -> Secret {
        let mut hash = Sha256::new();
        hash.update(b"themeshift-cluster-v1\n");
        hash.update(secret.as_bytes());
        let token: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Secret {
            token: Some(token.into()),
        }
    }

    /// Whether a secret was given.
    pub(crate) fn is_set(&self) -> bool {
        self.token.is_some()
    }

    /// Refuses to serve `what` on `bind` beyond this machine without a secret.
    pub(crate) fn needed_for(&self, what: &str, bind: &str) -> Result<()> {
        if self.is_set() || is_loopback(bind) {
            return Ok(());
        }
        Err(ClusterError(format!(
            "the {what} would listen on {bind} without a secret, and anyone who reaches it could \
             run jobs and read files there: {HOW} (or --bind 127.0.0.1 to stay on this machine)"
        ))
        .into())
    }

    /// The `user-agent` this machine's calls carry.
    pub(crate) fn user_agent(&self) -> String {
        match &self.token {
            Some(t) => format!("{PRODUCT}{t}"),
            None => format!("{PRODUCT}none"),
        }
    }

    /// Whether a call with this `user-agent` may be served: any when no secret was given,
    /// else only one carrying the token (compared in constant time).
    pub(crate) fn accepts(&self, user_agent: Option<&str>) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        let offered = user_agent
            .and_then(|ua| ua.split_whitespace().find_map(|p| p.strip_prefix(PRODUCT)))
            .unwrap_or("");
        offered.len() == token.len()
            && offered
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// The hook that gives every gRPC client the engine makes this machine's `user-agent`.
    pub(crate) fn endpoint(&self) -> ballista_core::extension::EndpointOverrideFn {
        let agent = self.user_agent();
        Arc::new(
            move |endpoint: tonic::transport::Endpoint| Ok(endpoint.user_agent(agent.clone())?),
        )
    }

    /// The check that `who` (`scheduler`, `executor`) puts before its services.
    pub(crate) fn check(&self, who: &'static str) -> Check {
        Check {
            secret: self.clone(),
            who,
            said: Arc::new(Mutex::new(Vec::new())),
        }
    }
}

/// Whether `bind` keeps a server on this machine.
pub(crate) fn is_loopback(bind: &str) -> bool {
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A caller refused, and when its refusal was logged.
type Said = (Option<SocketAddr>, Instant);

/// A service's check of the calls it takes: refuses those without the token, and says so in
/// the log (once a minute per caller: an executor calls every few seconds).
#[derive(Clone)]
pub(crate) struct Check {
    secret: Secret,
    who: &'static str,
    said: Arc<Mutex<Vec<Said>>>,
}

impl Check {
    /// Whether a call from `peer` with `user_agent` is served; logs a refusal.
    pub(crate) fn allows(&self, user_agent: Option<&str>, peer: Option<SocketAddr>) -> bool {
        if self.secret.accepts(user_agent) {
            return true;
        }
        let mut said = self.said.lock().unwrap_or_else(|e| e.into_inner());
        said.retain(|(_, at)| at.elapsed() < Duration::from_secs(60));
        if !said.iter().any(|(p, _)| *p == peer) {
            said.push((peer, Instant::now()));
            let from = peer.map_or_else(|| "a caller".to_string(), |p| p.to_string());
            log::error!(
                "themeshift {}: refused a call from {from}: {REFUSED}",
                self.who
            );
        }
        false
    }
}

impl tonic::service::Interceptor for Check {
    fn call(&mut self, request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        let agent = request
            .metadata()
            .get("user-agent")
            .and_then(|v| v.to_str().ok());
        let peer = request.remote_addr().or_else(|| {
            request
                .extensions()
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| c.0)
        });
        if self.allows(agent, peer) {
            Ok(request)
        } else {
            Err(tonic::Status::unauthenticated(format!(
                "themeshift: {REFUSED}"
            )))
        }
    }
}

/// The scheduler's answer to [`STATUS_PATH`]: its version, the executors it hears from and
/// their slots (the tasks they run at once: their threads, together).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Status {
    pub(crate) themeshift: String,
    pub(crate) executors: usize,
    /// Absent from an older scheduler's answer, which is then refused for its version.
    #[serde(default)]
    pub(crate) slots: usize,
}

/// Where a scheduler answers with its [`Status`] (plain HTTP, beside its gRPC services).
pub(crate) const STATUS_PATH: &str = "/themeshift/status";

/// What asking a scheduler for its status gave.
pub(crate) enum Asked {
    Status(Status),
    Refused,
    /// Something answers at the address, but not as a themeshift scheduler.
    NotAScheduler(String),
}

/// Asks the scheduler at `address` (HOST:PORT) for its status within `wait`, with this
/// machine's token: one HTTP/1.1 request, written by hand (the engine's HTTP server speaks it
/// beside gRPC on the same port).
pub(crate) async fn ask(address: &str, secret: &Secret, wait: Duration) -> Asked {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await?;
        let request = format!(
            "GET {STATUS_PATH} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: {}\r\nConnection: \
             close\r\n\r\n",
            secret.user_agent()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        std::io::Result::Ok(answer)
    };
    let answer = match tokio::time::timeout(wait, exchange).await {
        Ok(Ok(answer)) => String::from_utf8_lossy(&answer).into_owned(),
        Ok(Err(e)) => return Asked::NotAScheduler(e.to_string()),
        Err(_) => return Asked::NotAScheduler(format!("no answer within {} s", wait.as_secs())),
    };
    let code = answer.split_whitespace().nth(1).unwrap_or("");
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    match code {
        "200" => match serde_json::from_str::<Status>(body.trim()) {
            Ok(status) => Asked::Status(status),
            Err(_) => Asked::NotAScheduler("an answer that is not a scheduler's".to_string()),
        },
        "401" => Asked::Refused,
        "" => Asked::NotAScheduler("no answer".to_string()),
        other => Asked::NotAScheduler(format!("HTTP status {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_token_of_the_same_secret_is_accepted() {
        let a = Secret::of("correct horse");
        let agent = format!("{} tonic/0.14.9", a.user_agent());
        assert!(a.accepts(Some(&agent)));
        assert!(!a.accepts(Some(&Secret::of("battery staple").user_agent())));
        assert!(!a.accepts(Some("tonic/0.14.9")));
        assert!(!a.accepts(None));
        assert!(!a.accepts(Some(&Secret::default().user_agent())));
        // A machine given no secret serves anyone (it listens on loopback only).
        assert!(Secret::default().accepts(None));
        // The token is not the secret.
        assert!(!a.user_agent().contains("correct"));
        assert_eq!(a.user_agent().len(), PRODUCT.len() + 64);
    }

    #[test]
    fn an_older_schedulers_status_without_slots_is_read_for_its_version() {
        let status: Status =
            serde_json::from_str(r#"{"themeshift": "0.0.9", "executors": 2}"#).unwrap();
        assert_eq!(
            (status.themeshift.as_str(), status.executors, status.slots),
            ("0.0.9", 2, 0)
        );
    }

    #[test]
    fn a_secret_is_needed_beyond_loopback() {
        let none = Secret::default();
        assert!(none.needed_for("scheduler", "127.0.0.1").is_ok());
        assert!(none.needed_for("scheduler", "::1").is_ok());
        assert!(none.needed_for("scheduler", "localhost").is_ok());
        let err = none
            .needed_for("scheduler", "0.0.0.0")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("without a secret") && err.contains("head -c 32"),
            "{err}"
        );
        assert!(Secret::of("s").needed_for("executor", "0.0.0.0").is_ok());
    }

    #[test]
    fn a_secret_file_gives_its_first_line_and_an_empty_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s");
        std::fs::write(&file, "s3cret\nignored\n").unwrap();
        let loaded = Secret::load(Some(&file)).unwrap();
        assert!(loaded.accepts(Some(&Secret::of("s3cret").user_agent())));
        std::fs::write(&file, "\n").unwrap();
        let err = Secret::load(Some(&file)).unwrap_err().to_string();
        assert!(err.contains("is empty"), "{err}");
    }
}
