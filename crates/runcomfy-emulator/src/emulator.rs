//! The handle of a running emulator ([`Emulator`]): it binds 127.0.0.1,
//! builds what the handlers share, starts the queue and the server, and
//! stops both when dropped, failing the test whose emulator answered
//! off-contract.

use std::collections::hash_map::RandomState;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use runcomfy_validate::{MediaProbe, Validators};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::account::Account;
use crate::api::{self, Api};
use crate::catalog::input_schema_of;
use crate::config::EmulatorConfig;
use crate::contract::Contract;
use crate::faults::FaultInjector;
use crate::jobs::Queue;
use crate::media::Files;
use crate::server::{self, Shared};
use crate::start::StartImages;
use crate::stats::Stats;

/// A running emulator. Dropping it stops it.
#[derive(Debug)]
pub struct Emulator {
    address: SocketAddr,
    faults: Arc<FaultInjector>,
    contract: Option<Arc<Contract>>,
    stats: Stats,
    tasks: Vec<JoinHandle<()>>,
}

/// Why the emulator did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// Why.
        source: io::Error,
    },
    /// A built-in schema did not compile (a bug of this build).
    #[error("built-in schema: {0}")]
    Schema(String),
    /// The background thread's runtime could not start.
    #[error("cannot start the emulator's runtime: {0}")]
    Runtime(String),
}

impl Emulator {
    /// Starts an emulator on 127.0.0.1 (port 0: an ephemeral one).
    pub async fn start(config: EmulatorConfig) -> Result<Self, StartError> {
        let (listener, address) = bind(config.port).await?;
        let validators = validators()?;
        let contract = if config.check_contract {
            Some(Arc::new(Contract::load().map_err(StartError::Schema)?))
        } else {
            None
        };
        let faults = Arc::new(FaultInjector::new(config.faults.clone(), config.seed));
        let account = Arc::new(Account::new(config.balance_usd));
        let queue = Queue::new(&config, account.clone());
        let stats = Stats::default();
        let api = Arc::new(Api {
            queue: queue.clone(),
            validators,
            probe: MediaProbe::new().with_timeout(config.media_timeout),
            origin: format!("http://{address}"),
            tokens: config.tokens.clone(),
            body_limit: config.body_limit,
            fingerprint_key: RandomState::new(),
            faults: faults.clone(),
            files: Files::new(config.output_padding),
            start_images: StartImages::new(config.fetch_remote),
            stats: stats.clone(),
            dialect: config.dialect,
            prices: config.prices.clone(),
            account,
            fetch_remote: config.fetch_remote,
        });
        let shared = Arc::new(Shared {
            router: api::router(api),
            faults: faults.clone(),
            contract: contract.clone(),
            stats: stats.clone(),
        });
        let tasks = vec![
            tokio::spawn(queue.run()),
            tokio::spawn(server::accept(listener, shared)),
        ];
        Ok(Self {
            address,
            faults,
            contract,
            stats,
            tasks,
        })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The API base, including `/v1`, as `RUNCOMFY_MODEL_API_BASE` takes it.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    /// The base of the provider's serverless API as this emulator serves it
    /// (`http://127.0.0.1:PORT/prod/v2`, whose `/balance` is the account's
    /// balance), as `RUNCOMFY_SERVERLESS_API_BASE` takes it.
    pub fn serverless_base_url(&self) -> String {
        format!("http://{}/prod/v2", self.address)
    }

    /// Plans faults for the next matching requests.
    pub fn faults(&self) -> &FaultInjector {
        &self.faults
    }

    /// What happened so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Answers that did not match the contract (only recorded with
    /// `check_contract`).
    pub fn contract_violations(&self) -> Vec<String> {
        self.contract
            .as_ref()
            .map(|c| c.violations())
            .unwrap_or_default()
    }

    /// Stops serving.
    pub fn stop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
        // A test that let the emulator answer off-contract fails here.
        let violations = self.contract_violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the emulator answered off-contract:\n{}",
                violations.join("\n")
            );
        }
    }
}

/// A listener on 127.0.0.1 and the address it got.
async fn bind(port: u16) -> Result<(TcpListener, SocketAddr), StartError> {
    let bind_error = |source| StartError::Bind { port, source };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(bind_error)?;
    let address = listener.local_addr().map_err(bind_error)?;
    Ok((listener, address))
}

/// The validator of every known model, each compiled at its first submit
/// (compiling every model's schema at every start would cost each test's
/// emulator that time for models it never serves; `cargo xtask codegen` and
/// the validator's tests compile every schema, so none is broken).
fn validators() -> Result<Validators, StartError> {
    Ok(Validators::new(input_schema_of))
}
