//! The verification service over real HTTP/1.1: each test starts it on
//! 127.0.0.1 (port 0) and talks to it through a plain TCP stream, asserting
//! exact status codes and reason codes.

mod common;

use std::time::Duration;

use elicense::bundle::TrustBundle;
use elicense::envelope;
use elicense::identifiers::CreditCode;
use elicense::status::{subject_for, Status, StatusListToken};
use elicense_service::demo::{
    DemoFederation, GUANGDONG_AUTHORITY, NATIONAL_BUSINESS, REVOKED_INDEX, SHANGHAI_AUTHORITY,
};
use elicense_service::{Config, MAX_HEADER_BYTES, MAX_VERIFY_BODY_BYTES, STATUS_LIST_CONTENT_TYPE};

use common::{call, exchange, start, start_with, verify_json, verify_text, NOW};

#[tokio::test]
async fn valid_licence_is_200_valid() {
    let s = start().await;
    let qr = s.demo.issue(1).unwrap();
    let r = verify_text(s.addr, qr.as_bytes()).await;
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let report = r.report("VALID", "OK");
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 11, "{report}");
    assert!(checks
        .iter()
        .all(|c| c["outcome"] == "PASS" && c["reason"] == "OK"));
    assert_eq!(report["checked_at"], NOW);
    assert_eq!(report["status"], "valid");
    assert_eq!(report["recognition"]["outcome"], "RECOGNISED");
    assert_eq!(report["recognition"]["local_type"], NATIONAL_BUSINESS);
    assert_eq!(report["recognition"]["mapped"], true);
    assert_eq!(
        report["authority"]["credit_code"].as_str(),
        Some(GUANGDONG_AUTHORITY)
    );

    // A file sent with curl --data-binary ends with a newline.
    verify_text(s.addr, format!("{qr}\r\n").as_bytes())
        .await
        .report("VALID", "OK");
    // Content-Type parameters in any case.
    call(
        s.addr,
        "POST",
        "/v1/verify",
        &[("Content-Type", "Text/Plain; charset=UTF-8")],
        qr.as_bytes(),
    )
    .await
    .report("VALID", "OK");

    // JSON, with a time and an accepted purpose.
    let r = verify_json(
        s.addr,
        &serde_json::json!({"qr_text": qr, "at": NOW + 3600, "purpose": "business_registration"}),
    )
    .await;
    assert_eq!(r.report("VALID", "OK")["checked_at"], NOW + 3600);
    // A purpose the policy does not accept is a result, not an HTTP error.
    let r = verify_json(
        s.addr,
        &serde_json::json!({"qr_text": qr, "purpose": "fishing"}),
    )
    .await;
    let report = r.report("INVALID", "PURPOSE_NOT_ACCEPTED");
    assert_eq!(report["recognition"]["reason"], "PURPOSE_NOT_ACCEPTED");
    // Before the licence was issued (a day before NOW).
    verify_json(
        s.addr,
        &serde_json::json!({"qr_text": qr, "at": NOW - 2 * 86_400}),
    )
    .await
    .report("INVALID", "LICENCE_ISSUED_IN_FUTURE");
}

#[tokio::test]
async fn tampered_and_revoked_licences_are_200_invalid() {
    let s = start().await;
    let qr = s.demo.issue(1).unwrap();
    // Flip one bit in the signature (the last 64 bytes of the COSE_Sign1).
    let mut cose = envelope::from_qr_text(&qr).unwrap();
    let last = cose.len() - 10;
    cose[last] ^= 0x01;
    let tampered = envelope::to_qr_text(&cose);
    let report = verify_text(s.addr, tampered.as_bytes())
        .await
        .report("INVALID", "SIGNATURE_INVALID");
    assert_eq!(report["checks"][3]["check"], "SIGNATURE");
    assert_eq!(report["checks"][3]["outcome"], "FAIL");
    assert!(report["licence"].is_null(), "no claim before the signature");

    // One character changed in the QR text breaks the zlib stream's checksum
    // before any signature is checked: not a licence, 400.
    let mut text = qr.clone().into_bytes();
    let i = text.len() - 20;
    text[i] = if text[i] == b'A' { b'B' } else { b'A' };
    let json = verify_text(s.addr, &text).await.error(400, "ZLIB_INVALID");
    assert_eq!(json["report"]["checks"][0]["check"], "DECODE");
    assert_eq!(json["report"]["checks"][0]["reason"], "ZLIB_INVALID");

    // Revoked in the Guangdong authority's status list.
    let revoked = s.demo.issue(REVOKED_INDEX).unwrap();
    let report = verify_text(s.addr, revoked.as_bytes())
        .await
        .report("INVALID", "LICENCE_REVOKED");
    assert_eq!(report["status"], "revoked");
}

#[tokio::test]
async fn text_that_is_not_a_licence_is_400_with_the_decode_or_envelope_code() {
    let s = start().await;
    let json = verify_text(s.addr, b"hello, world")
        .await
        .error(400, "QR_PREFIX_INVALID");
    assert_eq!(json["report"]["verdict"], "INVALID");
    assert_eq!(json["report"]["reason"], "QR_PREFIX_INVALID");
    assert_eq!(json["report"]["checks"][0]["outcome"], "FAIL");

    verify_text(s.addr, b"EL2:abc")
        .await
        .error(400, "BASE45_INVALID_CHARACTER");
    verify_text(s.addr, b"")
        .await
        .error(400, "QR_PREFIX_INVALID");
    // Within the body limit but over the core's QR text limit.
    let long = format!("EL2:{}", "0".repeat(5000));
    verify_text(s.addr, long.as_bytes())
        .await
        .error(400, "INPUT_TOO_LARGE");
    // A signed status list offered as a licence: the envelope check fails.
    let code = CreditCode::parse(GUANGDONG_AUTHORITY).unwrap();
    let id = s.demo.bundle.status_lists_with_code(&code).next().unwrap();
    let status_cose = s.demo.bundle.status_list_cose(id).unwrap();
    let json = verify_text(s.addr, envelope::to_qr_text(status_cose).as_bytes())
        .await
        .error(400, "COSE_TYP_MISMATCH");
    assert_eq!(json["report"]["checks"][1]["check"], "ENVELOPE");
    assert_eq!(json["report"]["checks"][1]["outcome"], "FAIL");
    // Not UTF-8.
    verify_text(s.addr, b"EL2:\xff\xfe")
        .await
        .error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn malformed_json_is_400_invalid_argument() {
    let s = start().await;
    let qr = s.demo.issue(1).unwrap();
    let bad = [
        serde_json::json!({"qr_text": qr, "extra": 1}),
        serde_json::json!({"qr": qr}),
        serde_json::json!({"qr_text": 7}),
        serde_json::json!([qr]),
        serde_json::json!({"qr_text": qr, "at": -1}),
        serde_json::json!({"qr_text": qr, "at": 253_402_300_800_i64}),
        serde_json::json!({"qr_text": qr, "at": i64::MAX}),
        serde_json::json!({"qr_text": qr, "at": 1e20}),
        serde_json::json!({"qr_text": qr, "at": "today"}),
        serde_json::json!({"qr_text": qr, "purpose": 3}),
    ];
    for json in &bad {
        let r = verify_json(s.addr, json).await;
        let body = r.error(400, "INVALID_ARGUMENT");
        assert!(body.get("report").is_none(), "{json}: {body}");
    }
    for raw in [
        &b"{\"qr_text\": "[..],
        b"",
        b"\xff",
        b"{\"qr_text\": \"a\"} x",
    ] {
        call(
            s.addr,
            "POST",
            "/v1/verify",
            &[("Content-Type", "application/json")],
            raw,
        )
        .await
        .error(400, "INVALID_ARGUMENT");
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_input_too_large() {
    let s = start().await;
    // Declared length over the limit: refused before the body is sent.
    let head = format!(
        "POST /v1/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        MAX_VERIFY_BODY_BYTES + 1
    );
    let r = exchange(s.addr, &[head.as_bytes()], Duration::ZERO).await;
    r.error(413, "INPUT_TOO_LARGE");
    assert_eq!(r.header("connection"), Some("close"));
    // A huge declared length, and one with JSON.
    let head = "POST /v1/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n";
    exchange(s.addr, &[head.as_bytes()], Duration::ZERO)
        .await
        .error(413, "INPUT_TOO_LARGE");
    // The limit itself is accepted (and is then too long for a QR text).
    let at_limit = vec![b'A'; MAX_VERIFY_BODY_BYTES];
    verify_text(s.addr, &at_limit)
        .await
        .error(400, "INPUT_TOO_LARGE");
    // One byte more, with its length declared and sent.
    let over = vec![b'A'; MAX_VERIFY_BODY_BYTES + 1];
    verify_text(s.addr, &over)
        .await
        .error(413, "INPUT_TOO_LARGE");
    // Chunked, no length declared: cut off once past the limit.
    let head = "POST /v1/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
    let chunk = format!("1800\r\n{}\r\n", "A".repeat(0x1800)); // 6 KiB
    let r = exchange(
        s.addr,
        &[head.as_bytes(), chunk.as_bytes(), chunk.as_bytes()],
        Duration::from_millis(50),
    )
    .await;
    r.error(413, "INPUT_TOO_LARGE");
    // A chunked body within the limit is fine.
    let qr = s.demo.issue(1).unwrap();
    let (a, b) = qr.split_at(100);
    let body = format!("{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n", a.len(), b.len());
    exchange(
        s.addr,
        &[
            head.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                .as_bytes(),
            body.as_bytes(),
        ],
        Duration::ZERO,
    )
    .await
    .report("VALID", "OK");
}

#[tokio::test]
async fn content_types_methods_and_paths_get_json_errors() {
    let s = start().await;
    let qr = s.demo.issue(1).unwrap();
    for headers in [
        &[][..],
        &[("Content-Type", "application/x-www-form-urlencoded")][..],
        &[("Content-Type", "text/plain; charset=gbk")][..],
        &[("Content-Type", "application/cbor")][..],
    ] {
        call(s.addr, "POST", "/v1/verify", headers, qr.as_bytes())
            .await
            .error(415, "HTTP_UNSUPPORTED_MEDIA_TYPE");
    }
    let r = call(s.addr, "GET", "/v1/verify", &[], b"").await;
    r.error(405, "HTTP_METHOD_NOT_ALLOWED");
    assert_eq!(r.header("allow"), Some("POST"));
    let r = call(
        s.addr,
        "POST",
        "/v1/bundle",
        &[("Content-Type", "text/plain")],
        b"x",
    )
    .await;
    r.error(405, "HTTP_METHOD_NOT_ALLOWED");
    assert_eq!(r.header("allow"), Some("GET,HEAD"));
    call(s.addr, "DELETE", "/v1/status/114400000073356321", &[], b"")
        .await
        .error(405, "HTTP_METHOD_NOT_ALLOWED");
    for path in [
        "/",
        "/v1",
        "/v1/verify/x",
        "/v1/status",
        "/v1/status/",
        "/v2/bundle",
        "/v1/status/a/b",
    ] {
        call(s.addr, "GET", path, &[], b"")
            .await
            .error(404, "HTTP_NOT_FOUND");
    }
}

#[tokio::test]
async fn bundle_is_served_with_an_etag() {
    let s = start().await;
    let r = call(s.addr, "GET", "/v1/bundle", &[], b"").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let etag = r.header("etag").expect("an ETag").to_owned();
    assert_eq!(etag, s.state.bundle_etag());
    assert!(etag.starts_with("\"sha256-"), "{etag}");
    let bundle = TrustBundle::from_bytes(
        &r.body,
        s.demo.anchor.clone(),
        elicense::UnixTime::from_secs(i64::from(u32::MAX)),
    )
    .expect("a valid bundle");
    assert_eq!(bundle.to_bytes(), r.body);
    assert_eq!(r.body, s.demo.bundle.to_bytes());

    let r = call(
        s.addr,
        "GET",
        "/v1/bundle",
        &[("If-None-Match", &etag)],
        b"",
    )
    .await;
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    let weak = format!("\"other\", W/{etag}");
    let r = call(
        s.addr,
        "GET",
        "/v1/bundle",
        &[("If-None-Match", &weak)],
        b"",
    )
    .await;
    assert_eq!(r.status, 304);
    let r = call(
        s.addr,
        "GET",
        "/v1/bundle",
        &[("If-None-Match", "\"sha256-00\"")],
        b"",
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), s.demo.bundle.to_bytes().len());

    // A new bundle: a new ETag, and the old one no longer matches.
    let newer = DemoFederation::new(NOW + 60).unwrap();
    s.state.replace_bundle(newer.bundle.clone()).unwrap();
    let r = call(
        s.addr,
        "GET",
        "/v1/bundle",
        &[("If-None-Match", &etag)],
        b"",
    )
    .await;
    assert_eq!(r.status, 200);
    assert_ne!(r.header("etag"), Some(etag.as_str()));
    assert_eq!(r.body, newer.bundle.to_bytes());
}

#[tokio::test]
async fn status_lists_by_authority() {
    let s = start().await;
    let r = call(
        s.addr,
        "GET",
        &format!("/v1/status/{GUANGDONG_AUTHORITY}"),
        &[],
        b"",
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some(STATUS_LIST_CONTENT_TYPE));
    let code = CreditCode::parse(GUANGDONG_AUTHORITY).unwrap();
    let verified = StatusListToken::verify(
        &r.body,
        &s.demo.guangdong.certificate,
        &subject_for(&code),
        elicense::UnixTime::from_secs(NOW),
        86_400,
    )
    .expect("a status list signed by the authority");
    assert!(verified.freshness.is_fresh());
    assert_eq!(verified.status(1).unwrap(), Status::Valid);
    assert_eq!(verified.status(REVOKED_INDEX).unwrap(), Status::Revoked);

    let r = call(
        s.addr,
        "GET",
        &format!("/v1/status/{SHANGHAI_AUTHORITY}"),
        &[],
        b"",
    )
    .await;
    assert_eq!(r.status, 200);
    // Signed by Shanghai, not Guangdong.
    assert!(StatusListToken::verify(
        &r.body,
        &s.demo.shanghai.certificate,
        &subject_for(&CreditCode::parse(SHANGHAI_AUTHORITY).unwrap()),
        elicense::UnixTime::from_secs(NOW),
        86_400,
    )
    .is_ok());

    // A valid credit code with no status list in the bundle.
    call(s.addr, "GET", "/v1/status/91440300MA5F8KTR22", &[], b"")
        .await
        .error(404, "STATUS_LIST_MISSING");
    for malformed in [
        "1144000000733563",
        "11440000007335632199",
        "114400000073356e21",
        "11440000007335632I",
        "%FF%FE",
        "%2F",
    ] {
        call(s.addr, "GET", &format!("/v1/status/{malformed}"), &[], b"")
            .await
            .error(400, "IDENTIFIER_MALFORMED");
    }
    call(s.addr, "GET", "/v1/status/114400000073356322", &[], b"")
        .await
        .error(400, "IDENTIFIER_CHECK_FAILED");
}

#[tokio::test]
async fn slow_requests_time_out_with_408() {
    let s = start_with(Config {
        request_timeout: Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    // Ten bytes of a declared hundred, then nothing.
    let head = "POST /v1/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nEL2:012345";
    let started = std::time::Instant::now();
    let r = exchange(s.addr, &[head.as_bytes()], Duration::ZERO).await;
    r.error(408, "HTTP_TIMEOUT");
    assert!(started.elapsed() >= Duration::from_millis(300));
    // A prompt request on the same server is unaffected.
    verify_text(s.addr, s.demo.issue(1).unwrap().as_bytes())
        .await
        .report("VALID", "OK");
}

#[tokio::test]
async fn oversized_headers_are_refused_by_hyper() {
    let s = start().await;
    let big = "x".repeat(MAX_HEADER_BYTES + 1);
    let r = call(s.addr, "GET", "/v1/bundle", &[("X-Filler", &big)], b"").await;
    assert_eq!(r.status, 431);
    let many: Vec<(String, String)> = (0..100).map(|i| (format!("X-H{i}"), "1".into())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let r = call(s.addr, "GET", "/v1/bundle", &many, b"").await;
    assert_eq!(r.status, 431);
}

/// Random bytes and mutated QR texts: every answer is a 200 report or a 400
/// error with a reason code; the server never drops a connection or fails.
#[tokio::test]
async fn hostile_bodies_never_break_the_server() {
    let s = start().await;
    let qr = s.demo.issue(1).unwrap().into_bytes();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..150 {
        let body: Vec<u8> = if round % 2 == 0 {
            let mut t = qr.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % t.len() as u64) as usize;
                t[i] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"[(next() % 45) as usize];
            }
            t.truncate(t.len() - (next() % 3) as usize * (next() % 40) as usize);
            t
        } else {
            let len = (next() % 600) as usize;
            let mut t = b"EL2:".to_vec();
            t.extend((0..len).map(|_| (next() & 0xff) as u8));
            t
        };
        let r = verify_text(s.addr, &body).await;
        let json = r.json();
        match r.status {
            200 => assert!(json["verdict"].is_string(), "{json}"),
            // Not a licence (with the report), or not UTF-8.
            400 => assert!(
                json["report"].is_object() || json["reason"] == "INVALID_ARGUMENT",
                "{json}"
            ),
            other => panic!("round {round}: status {other}: {json}"),
        }
    }
    verify_text(s.addr, &qr).await.report("VALID", "OK");
}

#[tokio::test]
async fn reports_speak_the_language_asked_for() {
    let s = start().await;
    let qr = s.demo.issue(1).unwrap();
    let text = [("Content-Type", "text/plain")];
    // English by default.
    let r = verify_text(s.addr, qr.as_bytes()).await;
    let report = r.report("VALID", "OK");
    assert_eq!(report["lang"], "en");
    assert_eq!(report["category"], "VALID");
    assert_eq!(report["checks"][3]["name"], "Signature");
    assert!(report["checked_at_cst"]
        .as_str()
        .unwrap()
        .ends_with("+08:00"));
    // ?lang=zh, or an Accept-Language preferring Chinese.
    let r = call(s.addr, "POST", "/v1/verify?lang=zh", &text, qr.as_bytes()).await;
    let report = r.report("VALID", "OK");
    assert_eq!(report["lang"], "zh");
    assert_eq!(report["message"], "有效");
    assert_eq!(report["checks"][3]["name"], "验证签名");
    assert_eq!(report["checks"][3]["message"], "通过");
    let zh_first = [
        ("Content-Type", "text/plain"),
        ("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"),
    ];
    let r = call(s.addr, "POST", "/v1/verify", &zh_first, qr.as_bytes()).await;
    assert_eq!(r.report("VALID", "OK")["lang"], "zh");
    // ?lang= wins over the header.
    let r = call(
        s.addr,
        "POST",
        "/v1/verify?lang=en",
        &zh_first,
        qr.as_bytes(),
    )
    .await;
    assert_eq!(r.report("VALID", "OK")["lang"], "en");
    // The report inside a 400 speaks it too.
    let r = call(s.addr, "POST", "/v1/verify?lang=zh", &text, b"hello").await;
    let json = r.error(400, "QR_PREFIX_INVALID");
    assert_eq!(json["report"]["category"], "UNREADABLE");
    assert_eq!(json["report"]["message"], "无效 — 二维码无法识读");
    assert_eq!(json["report"]["checks"][0]["message"], "不是电子证照二维码");
    // Another language is refused.
    let r = call(s.addr, "POST", "/v1/verify?lang=fr", &text, qr.as_bytes()).await;
    r.error(400, "INVALID_ARGUMENT");
}
