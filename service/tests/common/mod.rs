//! Helpers of the service's HTTP tests: a demo server on 127.0.0.1 (port
//! 0), raw HTTP/1.1 exchanges over a TCP stream, and assertions on the
//! answers.
#![allow(dead_code)] // each test file uses its own part

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use elicense_service::demo::DemoFederation;
use elicense_service::{serve, AppState, Config};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const NOW: i64 = 1_748_736_000; // 2025-06-01T00:00:00Z
pub const IO_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Server {
    pub addr: SocketAddr,
    pub demo: DemoFederation,
    pub state: AppState,
}

pub async fn start_with(config: Config) -> Server {
    let demo = DemoFederation::new(NOW).expect("demo federation");
    let config = Config {
        clock: Arc::new(|| NOW),
        ..config
    };
    let state = AppState::with_config(demo.bundle.clone(), config).expect("state");
    let addr = serve_state(&state).await;
    Server { addr, demo, state }
}

/// Serves `state` on 127.0.0.1 (a free port) in a task; returns the address.
pub async fn serve_state(state: &AppState) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(serve(listener, state.clone()));
    addr
}

pub async fn start() -> Server {
    start_with(Config::default()).await
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// Asserts the status and the error body's `reason`; returns the body.
    pub fn error(&self, status: u16, reason: &str) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let json = self.json();
        assert_eq!(json["reason"], reason, "{json}");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        json
    }

    /// Asserts a 200 report with this verdict and reason; returns it.
    pub fn report(&self, verdict: &str, reason: &str) -> Value {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        let json = self.json();
        assert_eq!(
            (json["verdict"].as_str(), json["reason"].as_str()),
            (Some(verdict), Some(reason)),
            "{json}"
        );
        json
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub fn parse_response(raw: &[u8]) -> Response {
    let end = find(raw, b"\r\n\r\n").unwrap_or_else(|| {
        panic!(
            "no complete response head in {:?}",
            String::from_utf8_lossy(raw)
        )
    });
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        let mut body = Vec::new();
        let mut rest = rest;
        loop {
            let line_end = find(rest, b"\r\n").expect("chunk size line");
            let size = usize::from_str_radix(
                std::str::from_utf8(&rest[..line_end]).expect("hex").trim(),
                16,
            )
            .expect("chunk size");
            rest = &rest[line_end + 2..];
            if size == 0 {
                break;
            }
            body.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body
    } else if let Some(len) = header("content-length") {
        let len: usize = len.parse().expect("content length");
        assert!(rest.len() >= len, "short body");
        rest[..len].to_vec()
    } else {
        rest.to_vec()
    };
    Response {
        status,
        headers,
        body,
    }
}

/// Sends raw bytes (a request with `Connection: close`, or a partial one)
/// and reads the answer until the server closes the connection.
pub async fn exchange(addr: SocketAddr, parts: &[&[u8]], pause: Duration) -> Response {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(pause).await;
        }
        // The server may answer (and close) before it has read everything:
        // a write error then is expected, the answer is still read.
        if stream.write_all(part).await.is_err() {
            break;
        }
    }
    let mut raw = Vec::new();
    let read = tokio::time::timeout(IO_TIMEOUT, stream.read_to_end(&mut raw)).await;
    assert!(read.is_ok(), "the server did not close the connection");
    parse_response(&raw)
}

pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (n, v) in headers {
        r.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        r.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    r.push_str("\r\n");
    let mut r = r.into_bytes();
    r.extend_from_slice(body);
    r
}

pub async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    exchange(
        addr,
        &[&request(method, path, headers, body)],
        Duration::ZERO,
    )
    .await
}

pub async fn verify_text(addr: SocketAddr, text: &[u8]) -> Response {
    call(
        addr,
        "POST",
        "/v1/verify",
        &[("Content-Type", "text/plain")],
        text,
    )
    .await
}

pub async fn verify_json(addr: SocketAddr, json: &Value) -> Response {
    let body = serde_json::to_vec(json).unwrap();
    call(
        addr,
        "POST",
        "/v1/verify",
        &[("Content-Type", "application/json")],
        &body,
    )
    .await
}
