//! Reloading the bundle file while the service runs, `GET /healthz`, and
//! the program's signals: `SIGHUP` reloads, `SIGTERM` and `SIGINT` drain the
//! requests in flight and exit 0.
//!
//! The signal tests run the example program (`examples/verify_service.rs`,
//! compiled into this test as the module `program`) in a child process: this
//! test binary started again with only the ignored test `service_process`,
//! which runs the program with the arguments it is given.

mod common;

#[allow(dead_code)] // its `main`: the child process calls `run_main`
#[path = "../../examples/verify_service.rs"]
mod program;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use ciborium::Value as Cbor;
use clap::Parser;
use elicense::alg::SecretKey;
use elicense::bundle::{TrustBundle, MAX_BUNDLE_LEN};
use elicense::pki::{create_federation_root, FederationRootParams};
use elicense::trust::FederationTrustList;
use elicense::ReasonCode;
use elicense_service::demo::{DemoFederation, GUANGDONG_AUTHORITY, SHANGHAI_AUTHORITY};
use elicense_service::{system_clock, watch_bundle, AppState, Config, LoadError, Reload};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use common::{call, parse_response, request, serve_state, verify_text, Response, NOW};

const DAY: i64 = 86_400;
/// How long a test waits for something the service does by itself.
const PATIENCE: Duration = Duration::from_secs(60);

/// Writes a bundle file as `elicense bundle update` does: a temporary
/// file beside it, renamed over it.
fn write_bundle(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).expect("write the bundle");
    std::fs::rename(&tmp, path).expect("rename the bundle");
}

/// A demo federation with its bundle and anchor in files.
struct Files {
    _dir: tempfile::TempDir,
    bundle: PathBuf,
    anchor: PathBuf,
}

fn files(demo: &DemoFederation) -> Files {
    let dir = tempfile::tempdir().expect("temporary directory");
    let bundle = dir.path().join("trust.bundle");
    let anchor = dir.path().join("federation.cert.pem");
    write_bundle(&bundle, &demo.bundle.to_bytes());
    std::fs::write(&anchor, demo.anchor.to_pem()).expect("write the anchor");
    Files {
        _dir: dir,
        bundle,
        anchor,
    }
}

/// A bundle of another federation: its own root and key.
fn foreign_bundle() -> Vec<u8> {
    let key = SecretKey::from_seed(&[77; 32]);
    let anchor = create_federation_root(
        &key,
        &FederationRootParams {
            name: "另一联邦 (another federation)".into(),
            not_before: NOW - DAY,
            not_after: NOW + 3650 * DAY,
            serial_number: Some(vec![0x01, 77]),
        },
    )
    .unwrap();
    let federation = FederationTrustList {
        name: "另一联邦 (another federation)".into(),
        sequence: 9,
        issued_at: NOW - 60,
        next_update: NOW + 30 * DAY,
        regions: Vec::new(),
    }
    .sign(
        &elicense::artifact::CertifiedSigner::new(anchor.clone(), key.clone())
            .expect("the key is the certificate's"),
    )
    .unwrap();
    TrustBundle::new(anchor, federation).unwrap().to_bytes()
}

/// The bundle file with field 5 (its status lists) empty.
fn without_status_lists(bundle: &TrustBundle) -> Vec<u8> {
    let Cbor::Map(fields) = ciborium::from_reader(bundle.to_bytes().as_slice()).unwrap() else {
        panic!("a bundle is a map")
    };
    let fields = fields
        .into_iter()
        .map(|(k, v)| {
            if k == Cbor::from(5) {
                (k, Cbor::Array(vec![]))
            } else {
                (k, v)
            }
        })
        .collect();
    elicense::internals::cbor::encode(&Cbor::Map(fields))
}

async fn etag(addr: SocketAddr) -> String {
    let r = call(addr, "GET", "/v1/bundle", &[], b"").await;
    assert_eq!(r.status, 200);
    r.header("etag").expect("an ETag").to_owned()
}

async fn healthz(addr: SocketAddr) -> Response {
    call(addr, "GET", "/healthz", &[], b"").await
}

/// Verifies `qr` until the answer has this verdict and reason (the service
/// reloads on its own), or fails after [`PATIENCE`].
async fn eventually(addr: SocketAddr, qr: &str, verdict: &str, reason: &str) -> Value {
    let started = Instant::now();
    loop {
        let r = verify_text(addr, qr.as_bytes()).await;
        let json = r.json();
        if json["verdict"] == verdict && json["reason"] == reason {
            return json;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "still {} {} after {PATIENCE:?}",
            json["verdict"],
            json["reason"]
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_newer_bundle_file_is_served_without_restart() {
    let demo = DemoFederation::new(NOW).unwrap();
    let f = files(&demo);
    let config = Config {
        clock: Arc::new(|| NOW),
        reload_interval: Duration::from_millis(50),
        ..Config::default()
    };
    let state = AppState::from_file(&f.bundle, demo.anchor.clone(), config).unwrap();
    assert_eq!(state.bundle_path(), Some(f.bundle.as_path()));
    let addr = serve_state(&state).await;
    tokio::spawn(watch_bundle(state.clone()).unwrap());
    let qr = demo.issue(1).unwrap();
    verify_text(addr, qr.as_bytes()).await.report("VALID", "OK");
    let old = etag(addr).await;
    assert_eq!(healthz(addr).await.json()["last_reload"], Value::Null);

    // Guangdong revokes licence 1 and the bundle file is updated.
    let newer = demo.revoke(&[1], NOW - 60).unwrap();
    write_bundle(&f.bundle, &newer.to_bytes());
    let report = eventually(addr, &qr, "INVALID", "LICENCE_REVOKED").await;
    assert_eq!(report["status"], "revoked");

    let r = call(addr, "GET", "/v1/bundle", &[("If-None-Match", &old)], b"").await;
    assert_eq!(r.status, 200, "the old ETag no longer matches");
    let new = r.header("etag").unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(new, state.bundle_etag());
    assert_eq!(r.body, newer.to_bytes());
    let health = healthz(addr).await.json();
    assert_eq!(health["etag"], new.as_str());
    assert_eq!(health["last_reload"], NOW);
    assert_eq!(health["last_refused"], Value::Null);
    // Shanghai's list as it was, Guangdong's the new one.
    assert_eq!(health["status_lists"][0]["authority"], SHANGHAI_AUTHORITY);
    assert_eq!(health["status_lists"][0]["issued_at"], NOW - 3600);
    assert_eq!(health["status_lists"][1]["authority"], GUANGDONG_AUTHORITY);
    assert_eq!(health["status_lists"][1]["issued_at"], NOW - 60);
    // Once reloaded, an unchanged file is not read again.
    assert_eq!(state.reload_if_changed(), None);
    assert_eq!(state.reload(), Ok(Reload::Unchanged));
}

#[tokio::test]
async fn refused_files_keep_the_bundle_served_and_its_etag() {
    let demo = DemoFederation::new(NOW).unwrap();
    let f = files(&demo);
    let revoked = demo.revoke(&[1], NOW - 60).unwrap();
    write_bundle(&f.bundle, &revoked.to_bytes());
    let config = Config {
        clock: Arc::new(|| NOW),
        reload_interval: Duration::ZERO,
        ..Config::default()
    };
    let state = AppState::from_file(&f.bundle, demo.anchor.clone(), config).unwrap();
    let addr = serve_state(&state).await;
    let (one, two) = (demo.issue(1).unwrap(), demo.issue(2).unwrap());
    let served = etag(addr).await;

    let truncated = revoked.to_bytes()[..1000].to_vec();
    let cases: [(&str, Vec<u8>, ReasonCode); 4] = [
        ("truncated", truncated, ReasonCode::CborMalformed),
        // Guangdong's list of an hour ago, older than the one served.
        (
            "rolled back",
            demo.bundle.to_bytes(),
            ReasonCode::TrustListRollback,
        ),
        // Same issue time, different entries.
        (
            "conflicting",
            demo.revoke(&[2], NOW - 60).unwrap().to_bytes(),
            ReasonCode::TrustListConflict,
        ),
        (
            "of another federation",
            foreign_bundle(),
            ReasonCode::TrustListSignerInvalid,
        ),
    ];
    for (what, bytes, reason) in cases {
        write_bundle(&f.bundle, &bytes);
        let refused = state.reload_if_changed().expect("the file changed");
        assert_eq!(refused.map_err(|e| e.reason), Err(reason), "{what}");
        // Reported once: the next poll sees the same file.
        assert_eq!(state.reload_if_changed(), None, "{what}");
        // SIGHUP's reload tries again, and refuses again.
        let again = state.reload().unwrap_err();
        assert_eq!(again.reason, reason, "{what}: {again}");
        assert!(
            again.message.contains(f.bundle.to_str().unwrap()),
            "{what}: {again}"
        );
        assert_eq!(etag(addr).await, served, "{what}");
        verify_text(addr, one.as_bytes())
            .await
            .report("INVALID", "LICENCE_REVOKED");
        verify_text(addr, two.as_bytes())
            .await
            .report("VALID", "OK");
        let health = healthz(addr).await;
        assert_eq!(health.status, 200);
        let health = health.json();
        assert_eq!(health["last_refused"]["at"], NOW, "{health}");
        assert_eq!(
            health["last_refused"]["reason"],
            reason.as_str(),
            "{health}"
        );
        assert_eq!(health["last_reload"], Value::Null, "{health}");
    }

    // A file that cannot be read, or is over the limit.
    std::fs::remove_file(&f.bundle).unwrap();
    let missing = state.reload_if_changed().expect("the file is gone");
    assert_eq!(
        missing.map_err(|e| e.reason),
        Err(ReasonCode::StorageFailed)
    );
    assert_eq!(state.reload_if_changed(), None, "reported once");
    std::fs::create_dir(&f.bundle).unwrap();
    let directory = state.reload().unwrap_err();
    assert_eq!(directory.reason, ReasonCode::StorageFailed);
    assert!(
        directory.message.ends_with("is not a regular file"),
        "{directory}"
    );
    std::fs::remove_dir(&f.bundle).unwrap();
    let huge = std::fs::File::create(&f.bundle).unwrap();
    huge.set_len(MAX_BUNDLE_LEN as u64 + 1).unwrap();
    drop(huge);
    let too_large = state.reload_if_changed().expect("the file is back");
    assert_eq!(
        too_large.map_err(|e| e.reason),
        Err(ReasonCode::InputTooLarge)
    );
    assert_eq!(etag(addr).await, served);

    // A file without status lists: nothing in it is newer, and the lists
    // it lacks stay (a revocation is not withdrawn by leaving its list out).
    write_bundle(&f.bundle, &without_status_lists(&revoked));
    assert_eq!(state.reload(), Ok(Reload::Unchanged));
    assert_eq!(etag(addr).await, served);
    verify_text(addr, one.as_bytes())
        .await
        .report("INVALID", "LICENCE_REVOKED");

    // A good newer file is taken at the next poll.
    let newest = demo.revoke(&[1, 2], NOW - 30).unwrap();
    write_bundle(&f.bundle, &newest.to_bytes());
    let Some(Ok(Reload::Replaced {
        lists_changed,
        etag: new,
    })) = state.reload_if_changed()
    else {
        panic!("the newer file is taken")
    };
    assert_eq!(lists_changed, 1);
    assert_eq!(etag(addr).await, new);
    assert_ne!(new, served);
    verify_text(addr, two.as_bytes())
        .await
        .report("INVALID", "LICENCE_REVOKED");
    let health = healthz(addr).await.json();
    assert_eq!(health["last_reload"], NOW);
    assert_eq!(health["last_refused"]["reason"], "INPUT_TOO_LARGE");
}

#[tokio::test]
async fn update_bundle_refuses_rollback_and_a_service_without_file_has_nothing_to_reload() {
    let demo = DemoFederation::new(NOW).unwrap();
    let state = AppState::new(demo.bundle.clone()).unwrap();
    let served = state.bundle_etag();
    assert_eq!(state.bundle_path(), None);
    let nothing = state.reload().unwrap_err();
    assert_eq!(nothing.reason, ReasonCode::InvalidArgument);
    assert_eq!(state.health().last_refused, None, "not a refused file");
    assert_eq!(state.reload_if_changed(), None);
    assert_eq!(state.update_bundle(&demo.bundle), Ok(Reload::Unchanged));

    let newer = demo.revoke(&[1], NOW - 60).unwrap();
    let Ok(Reload::Replaced {
        lists_changed,
        etag,
    }) = state.update_bundle(&newer)
    else {
        panic!("a newer bundle is taken")
    };
    assert_eq!(lists_changed, 1);
    assert_eq!(etag, state.bundle_etag());
    assert_ne!(etag, served);
    let LoadError { reason, message } = state.update_bundle(&demo.bundle).unwrap_err();
    assert_eq!(reason, ReasonCode::TrustListRollback, "{message}");
    assert!(message.contains("rollback"), "{message}");
    assert_eq!(state.bundle_etag(), etag);
}

#[tokio::test]
async fn healthz_is_200_when_fresh_and_503_when_stale() {
    let now = Arc::new(AtomicI64::new(NOW));
    let clock = now.clone();
    let demo = DemoFederation::new(NOW).unwrap();
    let config = Config {
        clock: Arc::new(move || clock.load(Ordering::SeqCst)),
        ..Config::default()
    };
    let state = AppState::with_config(demo.bundle.clone(), config).unwrap();
    let addr = serve_state(&state).await;
    let qr = demo.issue(1).unwrap();

    let r = healthz(addr).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let trust_list = |region: Option<&str>, next_update: i64, fresh: bool| {
        let mut l = json!({
            "sequence": 1,
            "issued_at": NOW - 3600,
            "next_update": next_update,
            "fresh_until": next_update + DAY,
            "fresh": fresh,
        });
        if let Some(region) = region {
            l["region"] = region.into();
        }
        l
    };
    // The policy's max_status_age_seconds (a day) comes before the ttl (two).
    let until = NOW - 3600 + DAY;
    let status_lists = |freshness: Value| {
        json!([
            {"authority": SHANGHAI_AUTHORITY, "region": "310000", "issued_at": NOW - 3600, "freshness": freshness},
            {"authority": GUANGDONG_AUTHORITY, "region": "440000", "issued_at": NOW - 3600, "freshness": freshness},
        ])
    };
    let expected = |status: &str, at: i64, regions_fresh: bool, freshness: Value| {
        json!({
            "status": status,
            "checked_at": at,
            "etag": state.bundle_etag(),
            "bundle_file": null,
            "federation": trust_list(None, NOW + 30 * DAY, true),
            "regions": [
                trust_list(Some("310000"), NOW + 7 * DAY, regions_fresh),
                trust_list(Some("440000"), NOW + 7 * DAY, regions_fresh),
            ],
            "status_lists": status_lists(freshness),
            "started_at": NOW,
            "last_reload": null,
            "last_refused": null,
        })
    };
    assert_eq!(
        r.json(),
        expected("ok", NOW, true, json!({"state": "fresh", "until": until}))
    );

    // The last second the status lists are fresh, for the verifier too.
    now.store(until, Ordering::SeqCst);
    let r = healthz(addr).await;
    assert_eq!(r.status, 200, "{}", r.json());
    verify_text(addr, qr.as_bytes()).await.report("VALID", "OK");

    // One second later both say stale.
    now.store(until + 1, Ordering::SeqCst);
    let r = healthz(addr).await;
    assert_eq!(r.status, 503);
    let stale = json!({"state": "stale", "cause": "max_age", "until": until});
    assert_eq!(r.json(), expected("stale", until + 1, true, stale.clone()));
    verify_text(addr, qr.as_bytes())
        .await
        .report("INDETERMINATE", "STATUS_LIST_STALE");

    // Past the region lists' next update and grace.
    now.store(NOW + 8 * DAY + 1, Ordering::SeqCst);
    let r = healthz(addr).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json(), expected("stale", NOW + 8 * DAY + 1, false, stale));
    verify_text(addr, qr.as_bytes())
        .await
        .report("INDETERMINATE", "TRUST_LIST_STALE");
}

// --- the program in a child process -------------------------------------

/// The environment variable that carries the program's arguments (one a
/// line) to the child process.
const CHILD_ARGS: &str = "ELICENSE_SERVICE_TEST_ARGS";

/// The child process of the signal tests: runs the example program with the
/// arguments in [`CHILD_ARGS`] and exits with its status. Run by them, not
/// on its own (it returns at once without its arguments).
#[test]
#[ignore = "the service process the signal tests start"]
fn service_process() {
    let Ok(args) = std::env::var(CHILD_ARGS) else {
        eprintln!("{CHILD_ARGS} is not set: this is the child process of the signal tests");
        return;
    };
    let args = std::iter::once("verify_service").chain(args.lines());
    let status = program::run_main(program::Args::parse_from(args));
    std::process::exit(if status == ExitCode::SUCCESS { 0 } else { 1 });
}

/// The program running in a child process, its output read line by line.
struct Program {
    child: Child,
    addr: SocketAddr,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

fn lines(read: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(read).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line containing `needle`; returns it.
fn wait_for_line(rx: &mpsc::Receiver<String>, needle: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return line,
            Ok(_) => {}
            Err(e) => panic!("no line with {needle:?} ({e})"),
        }
    }
}

impl Program {
    fn start(args: &[&str]) -> Program {
        let mut child = Command::new(std::env::current_exe().expect("the test binary"))
            .args(["--exact", "service_process", "--ignored", "--nocapture"])
            .env(CHILD_ARGS, args.join("\n"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the service process");
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        let line = wait_for_line(&stdout, "listening on http://");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|a| a.trim().parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Program {
            child,
            addr,
            stdout,
            stderr,
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("sh")
            .args(["-c", "kill -s \"$1\" \"$2\"", "sh", name])
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {name}");
    }

    /// Waits for the process to end; returns its exit code.
    fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the service did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        // Whatever the test did, the process does not outlive it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn sighup_reloads_the_bundle_file() {
    let demo = DemoFederation::new(system_clock()).unwrap();
    let f = files(&demo);
    let program = Program::start(&[
        "--listen",
        "127.0.0.1:0",
        "--bundle",
        f.bundle.to_str().unwrap(),
        "--anchor",
        f.anchor.to_str().unwrap(),
        "--reload-interval-ms",
        "0",
    ]);
    let qr = demo.issue(1).unwrap();
    verify_text(program.addr, qr.as_bytes())
        .await
        .report("VALID", "OK");
    let served = etag(program.addr).await;

    // With polling off, a new file waits for SIGHUP.
    let newer = demo.revoke(&[1], system_clock() - 60).unwrap();
    write_bundle(&f.bundle, &newer.to_bytes());
    tokio::time::sleep(Duration::from_millis(300)).await;
    verify_text(program.addr, qr.as_bytes())
        .await
        .report("VALID", "OK");
    program.signal("HUP");
    wait_for_line(&program.stderr, "bundle reloaded (1 list(s) changed)");
    verify_text(program.addr, qr.as_bytes())
        .await
        .report("INVALID", "LICENCE_REVOKED");
    let reloaded = etag(program.addr).await;
    assert_ne!(reloaded, served);

    // The old file again: refused and logged with its reason code.
    write_bundle(&f.bundle, &demo.bundle.to_bytes());
    program.signal("HUP");
    let line = wait_for_line(&program.stderr, "bundle reload refused");
    assert!(
        line.contains(&format!("still serving ETag {reloaded}"))
            && line.ends_with("[TRUST_LIST_ROLLBACK]"),
        "{line}"
    );
    verify_text(program.addr, qr.as_bytes())
        .await
        .report("INVALID", "LICENCE_REVOKED");
    let health = healthz(program.addr).await;
    assert_eq!(health.status, 200);
    assert_eq!(
        health.json()["last_refused"]["reason"],
        "TRUST_LIST_ROLLBACK"
    );
}

/// Connects until the service refuses connections; fails after [`PATIENCE`].
async fn wait_until_refused(addr: SocketAddr) {
    let started = Instant::now();
    while TcpStream::connect(addr).await.is_ok() {
        assert!(started.elapsed() < PATIENCE, "still accepting connections");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_and_exits_0() {
    let demo = DemoFederation::new(system_clock()).unwrap();
    let f = files(&demo);
    let mut program = Program::start(&[
        "--listen",
        "127.0.0.1:0",
        "--bundle",
        f.bundle.to_str().unwrap(),
        "--anchor",
        f.anchor.to_str().unwrap(),
    ]);
    let qr = demo.issue(1).unwrap();
    // A slow request: its head and half its body now, the rest later.
    let raw = request(
        "POST",
        "/v1/verify",
        &[("Content-Type", "text/plain")],
        qr.as_bytes(),
    );
    let (first, rest) = raw.split_at(raw.len() - qr.len() / 2);
    let mut stream = TcpStream::connect(program.addr).await.unwrap();
    stream.write_all(first).await.unwrap();
    // Served once the request is underway: a healthz on another connection.
    assert_eq!(healthz(program.addr).await.status, 200);

    program.signal("TERM");
    wait_for_line(&program.stderr, "SIGTERM: no new connections");
    wait_until_refused(program.addr).await;
    assert_eq!(program.child.try_wait().unwrap(), None, "still draining");
    tokio::time::sleep(Duration::from_millis(200)).await;
    stream.write_all(rest).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        PATIENCE,
        tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut answer),
    )
    .await
    .expect("the answer")
    .unwrap();
    parse_response(&answer).report("VALID", "OK");
    assert_eq!(program.exit_code(), Some(0));
    wait_for_line(
        &program.stdout,
        "stopped: 1 connection(s) open at shutdown, 0 abandoned",
    );
}

#[tokio::test]
async fn ctrl_c_closes_idle_connections_and_exits_0() {
    let mut program = Program::start(&["--listen", "127.0.0.1:0"]);
    // A keep-alive connection left open after its request.
    let mut stream = TcpStream::connect(program.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0; 4096];
    let n = tokio::io::AsyncReadExt::read(&mut stream, &mut buf)
        .await
        .unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200 OK\r\n"));

    let started = Instant::now();
    program.signal("INT");
    assert_eq!(program.exit_code(), Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "an idle connection does not hold the shutdown: {:?}",
        started.elapsed()
    );
    wait_for_line(&program.stderr, "SIGINT: no new connections");
    wait_for_line(
        &program.stdout,
        "stopped: 1 connection(s) open at shutdown, 0 abandoned",
    );
    // The idle connection was closed (after the rest of its answer, if any).
    let mut rest = Vec::new();
    tokio::time::timeout(
        PATIENCE,
        tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut rest),
    )
    .await
    .expect("the connection is closed")
    .unwrap();
}
