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
//! freshly issued licence. The endpoints, limits and error codes are in the
//! `elicense-service` crate documentation and in README.md.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use elicense::bundle::{TrustBundle, MAX_BUNDLE_LEN};
use elicense::pki::Certificate;
use elicense_service::demo::{DemoFederation, GUANGDONG_AUTHORITY};
use elicense_service::{serve, system_clock, AppState, MAX_VERIFY_BODY_BYTES};

/// Verification service: POST /v1/verify (QR text → report JSON),
/// GET /v1/bundle (the trust bundle), GET /v1/status/{authority} (its signed
/// status list).
///
/// Without --bundle it serves a demo federation built in memory (Shanghai
/// and Guangdong, Shanghai's recognition policy) and prints a curl line that
/// verifies a freshly issued licence.
#[derive(Debug, Parser)]
#[command(name = "verify_service", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Trust bundle file to serve (as written by TrustBundle::to_bytes).
    #[arg(long, value_name = "FILE", requires = "anchor")]
    bundle: Option<PathBuf>,
    /// The pinned federation root certificate (PEM) the bundle is verified against.
    #[arg(long, value_name = "FED_CERT.pem", requires = "bundle")]
    anchor: Option<PathBuf>,
}

fn load_bundle(bundle: &PathBuf, anchor: &PathBuf) -> Result<TrustBundle, String> {
    let pem = std::fs::read_to_string(anchor)
        .map_err(|e| format!("cannot read {}: {e}", anchor.display()))?;
    let anchor = Certificate::from_pem(&pem)
        .map_err(|e| format!("{}: {e} ({})", anchor.display(), e.reason()))?;
    let len = std::fs::metadata(bundle)
        .map_err(|e| format!("cannot read {}: {e}", bundle.display()))?
        .len();
    if len > MAX_BUNDLE_LEN as u64 {
        return Err(format!(
            "{}: {len} bytes, over the limit of {MAX_BUNDLE_LEN}",
            bundle.display()
        ));
    }
    let bytes =
        std::fs::read(bundle).map_err(|e| format!("cannot read {}: {e}", bundle.display()))?;
    TrustBundle::from_bytes(&bytes, anchor, system_clock())
        .map_err(|e| format!("{}: {e} ({})", bundle.display(), e.reason()))
}

async fn run(args: Args) -> Result<(), String> {
    let (bundle, sample) = match (&args.bundle, &args.anchor) {
        (Some(bundle), Some(anchor)) => (load_bundle(bundle, anchor)?, None),
        _ => {
            let demo = DemoFederation::new(system_clock())
                .map_err(|e| format!("cannot build the demo federation: {e}"))?;
            let qr = demo
                .issue(1)
                .map_err(|e| format!("cannot issue the demo licence: {e}"))?;
            (demo.bundle, Some(qr))
        }
    };
    let state = AppState::new(bundle).map_err(|e| format!("the bundle: {e} ({})", e.reason()))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    println!("elicense verification service listening on http://{addr}");
    println!(
        "  POST /v1/verify  (text/plain QR text or JSON, at most {MAX_VERIFY_BODY_BYTES} bytes)"
    );
    println!("  GET  /v1/bundle  (ETag {})", state.bundle_etag());
    println!("  GET  /v1/status/{{authority}}");
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
    tokio::select! {
        () = serve(listener, state) => Ok(()),
        signal = tokio::signal::ctrl_c() => {
            signal.map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
            println!("stopped");
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
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
