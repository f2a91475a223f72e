//! The elicense verification service (crate `elicense-service`).
//!
//! ```sh
//! cargo run -p elicense-service --example verify_service                 # demo federation
//! cargo run -p elicense-service --example verify_service -- \
//!     --bundle trust.bundle --anchor federation.cert.pem --listen 0.0.0.0:8080
//! ```
//!
//! With no arguments it builds a demo federation in memory (deterministic
//! keys, lists issued an hour ago) and prints a `curl` line that verifies a
//! freshly issued licence. With `--bundle` it reloads the file when it
//! changes and on `SIGHUP`, keeping the bundle served when the new file is
//! refused; `SIGTERM` or Ctrl-C lets the requests in flight finish and exits
//! 0. The endpoints, limits, reload rules and error codes are in the
//! `elicense-service` crate documentation and in README.md.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use elicense::pki::Certificate;
use elicense_service::demo::{DemoFederation, GUANGDONG_AUTHORITY};
use elicense_service::{
    serve_until, shutdown_signal, system_clock, watch_bundle, AppState, Config,
    MAX_VERIFY_BODY_BYTES,
};

/// Verification service: POST /v1/verify (QR text → report JSON),
/// GET /v1/bundle (the trust bundle), GET /v1/status/{authority} (its signed
/// status list), GET /healthz (the bundle's freshness).
///
/// Without --bundle it serves a demo federation built in memory (Shanghai
/// and Guangdong, Shanghai's recognition policy) and prints a curl line that
/// verifies a freshly issued licence.
///
/// With --bundle, the file is read again when it changes (checked every
/// --reload-interval-ms) and on SIGHUP; a file that is refused (malformed,
/// older than the bundle served, signed for another federation) leaves the
/// bundle served as it is, and the refusal is logged on stderr. SIGTERM or
/// Ctrl-C stops accepting connections, lets the requests in flight finish,
/// and exits 0.
#[derive(Debug, Parser)]
#[command(name = "verify_service", version)]
pub(crate) struct Args {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Trust bundle file to serve (as written by TrustBundle::to_bytes).
    #[arg(long, value_name = "FILE", requires = "anchor")]
    bundle: Option<PathBuf>,
    /// The pinned federation root certificate (PEM) the bundle is verified against.
    #[arg(long, value_name = "FED_CERT.pem", requires = "bundle")]
    anchor: Option<PathBuf>,
    /// How often to look at the bundle file for changes, in milliseconds
    /// (0: only on SIGHUP).
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    reload_interval_ms: u64,
}

fn load_anchor(anchor: &Path) -> Result<Certificate, String> {
    let pem = std::fs::read_to_string(anchor)
        .map_err(|e| format!("cannot read {}: {e}", anchor.display()))?;
    Certificate::from_pem(&pem).map_err(|e| format!("{}: {e} [{}]", anchor.display(), e.reason()))
}

async fn run(args: Args) -> Result<(), String> {
    let config = Config {
        reload_interval: Duration::from_millis(args.reload_interval_ms),
        ..Config::default()
    };
    let (state, sample) = match (&args.bundle, &args.anchor) {
        (Some(bundle), Some(anchor)) => (
            AppState::from_file(bundle, load_anchor(anchor)?, config).map_err(|e| e.to_string())?,
            None,
        ),
        _ => {
            let demo = DemoFederation::new(system_clock())
                .map_err(|e| format!("cannot build the demo federation: {e}"))?;
            let qr = demo
                .issue(1)
                .map_err(|e| format!("cannot issue the demo licence: {e}"))?;
            let state = AppState::with_config(demo.bundle, config)
                .map_err(|e| format!("the bundle: {e} [{}]", e.reason()))?;
            (state, Some(qr))
        }
    };
    // Both before the first connection: from here on SIGHUP reloads and
    // SIGTERM drains, neither kills the process.
    let stop = shutdown_signal().map_err(|e| format!("cannot handle SIGTERM and SIGINT: {e}"))?;
    let watcher = watch_bundle(state.clone()).map_err(|e| format!("cannot handle SIGHUP: {e}"))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    tokio::spawn(watcher);
    println!("elicense verification service listening on http://{addr}");
    println!(
        "  POST /v1/verify  (text/plain QR text or JSON, at most {MAX_VERIFY_BODY_BYTES} bytes)"
    );
    println!("  GET  /v1/bundle  (ETag {})", state.bundle_etag());
    println!("  GET  /v1/status/{{authority}}");
    println!("  GET  /healthz");
    if let Some(qr) = sample {
        println!();
        println!("Demo federation (keys are public: for trying the service only). Try:");
        println!(
            "  curl -s -H 'Content-Type: text/plain' --data-binary '{qr}' http://{addr}/v1/verify"
        );
        println!(
            "  curl -s -H 'Content-Type: application/json' -d '{{\"qr_text\": \"{qr}\", \"purpose\": \"business_registration\"}}' http://{addr}/v1/verify"
        );
        println!("  curl -s -o status.cwt http://{addr}/v1/status/{GUANGDONG_AUTHORITY}");
    }
    let drained = serve_until(listener, state, async {
        let signal = stop.await;
        eprintln!(
            "elicense-service: {signal}: no new connections; finishing the requests in flight"
        );
    })
    .await;
    println!(
        "stopped: {} connection(s) open at shutdown, {} abandoned after the drain timeout",
        drained.open, drained.abandoned
    );
    Ok(())
}

/// Runs the program with parsed arguments (`main` without the parsing).
pub(crate) fn run_main(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    run_main(Args::parse())
}
