//! `equity-assess-server`: the scoring service.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use equity_assess_server::{AppState, Limits, app, load_instruments, serve};

/// An HTTP service that validates, scores, compares and summarizes health-equity
/// self-assessments; `GET /openapi.json` is its contract.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on (port 0: any free port, logged at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A directory of custom instrument files (`*.json`), loaded and checked at start.
    #[arg(long, value_name = "DIR")]
    instrument_dir: Option<PathBuf>,
    /// Largest JSON request body in bytes.
    #[arg(long, default_value_t = 16 << 20)]
    max_body_bytes: usize,
    /// Largest NDJSON request body in bytes.
    #[arg(long, default_value_t = 64 << 20)]
    max_ndjson_bytes: usize,
    /// Longest time a request may take, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    timeout_ms: u64,
    /// Requests handled at once; more wait.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    concurrency: u32,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal; a log file or collector gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let registry = match load_instruments(args.instrument_dir.as_deref()) {
        Ok(registry) => registry,
        Err(problems) => {
            for line in problems {
                tracing::error!("{line}");
            }
            return ExitCode::from(1);
        }
    };
    let limits = Limits {
        body_bytes: args.max_body_bytes,
        ndjson_bytes: args.max_ndjson_bytes,
        timeout: Duration::from_millis(args.timeout_ms),
        concurrency: args.concurrency as usize,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!("cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::error!("cannot listen on {}: {e}", args.addr);
                return ExitCode::from(2);
            }
        };
        // The bound address, so `--addr 127.0.0.1:0` (any free port) says which port it got.
        let addr = listener.local_addr().unwrap_or(args.addr);
        tracing::info!(addr = %addr, instruments = registry.len(), "listening");
        match serve(listener, app(AppState::new(registry, limits)), shutdown_signal()).await {
            Ok(()) => {
                tracing::info!("stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                tracing::error!("the server failed: {e}");
                ExitCode::from(2)
            }
        }
    })
}

/// SIGTERM or Ctrl-C: stop accepting connections, let in-flight requests finish.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
