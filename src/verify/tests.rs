use super::*;
use crate::alg::SecretKey;
use crate::demo::{sample_issued_at, Demo};
use crate::pki::{create_authority, AuthorityParams};

fn demo() -> Demo {
    Demo::with_keys(
        SecretKey::from_seed(&[1; 32]),
        SecretKey::from_seed(&[2; 32]),
    )
    .unwrap()
}

/// A second licence-signing authority under the demo root, with the key
/// from the seed `[5; 32]`.
fn second_authority(d: &Demo, name: &str, credit_code: &str) -> (SecretKey, Certificate) {
    let key = SecretKey::from_seed(&[5; 32]);
    let cert = create_authority(
        &d.root_key,
        &d.root,
        &key.public_key(),
        &AuthorityParams {
            name: name.into(),
            credit_code: credit_code.parse().unwrap(),
            usages: vec![crate::pki::Usage::LicenceSigning],
            not_before: d.authority.not_before(),
            not_after: d.authority.not_after(),
            serial_number: Some(vec![5]),
        },
    )
    .unwrap();
    (key, cert)
}

#[test]
fn kid_collision_tries_every_candidate() {
    let d = demo();
    let (_, other) = second_authority(&d, "另一个机关", "11310115MB2F317277");
    let text = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(d.authority.clone(), d.authority_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    // Both orders: the wrong certificate first, then the right one, and the reverse.
    for authorities in [
        vec![other.clone(), d.authority.clone()],
        vec![d.authority.clone(), other.clone()],
    ] {
        let mut store = TrustStore::new(vec![d.root.clone()], authorities).unwrap();
        // Force a collision: both certificates listed under the licence's kid.
        let both = vec![Candidate::Authority(0), Candidate::Authority(1)];
        store.by_kid.insert(*d.authority.kid(), both);
        let verifier = Verifier::new(store);
        // In a batch, a licence whose kid names two certificates is
        // verified on its own, trying each.
        for r in verifier.verify_qr_batch(
            &[&text, &text],
            crate::UnixTime::from_secs(sample_issued_at() + 60),
        ) {
            assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
            assert_eq!(
                r.check(CheckKind::Signature).unwrap().detail,
                VERIFIED_ALONE
            );
        }
        let r = verifier.verify_qr(&text, crate::UnixTime::from_secs(sample_issued_at() + 60));
        assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_text());
        assert_eq!(
            r.check(CheckKind::Signer).unwrap().detail,
            "2 certificates share this kid; each is tried"
        );
        assert_eq!(r.authority.unwrap().name, "上海市市场监督管理局");
    }
    // A collision where no candidate verifies: SIGNATURE_INVALID.
    let mut store = TrustStore::new(vec![d.root.clone()], vec![other]).unwrap();
    store
        .by_kid
        .insert(*d.authority.kid(), vec![Candidate::Authority(0)]);
    let r =
        Verifier::new(store).verify_qr(&text, crate::UnixTime::from_secs(sample_issued_at() + 60));
    assert_eq!(r.reason, ReasonCode::SignatureInvalid);
}

#[test]
fn report_json_and_text() {
    let d = demo();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(d.authority.clone(), d.authority_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    let r = d
        .verifier()
        .verify_qr(&text, crate::UnixTime::from_secs(sample_issued_at() + 60));
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["verdict"], "VALID");
    assert_eq!(json["reason"], "OK");
    assert_eq!(json["checks"].as_array().unwrap().len(), 9);
    assert_eq!(json["checks"][0]["check"], "DECODE");
    assert_eq!(json["checks"][6]["check"], "CATALOGUE");
    assert_eq!(json["checks"][6]["outcome"], "PASS");
    assert_eq!(json["checks"][7]["outcome"], "PASS");
    // Without a status list nobody checked revocation, and the report says so.
    assert_eq!(json["checks"][8]["check"], "STATUS");
    assert_eq!(json["checks"][8]["outcome"], "NOT_CHECKED");
    assert_eq!(json["checks"][8]["reason"], "STATUS_NOT_CHECKED");
    assert_eq!(json["warnings"][0]["code"], "STATUS_NOT_CHECKED");
    assert_eq!(json["licence"]["holder"]["kind"], "organisation");
    assert_eq!(json["licence"]["holder"]["code"], "91310115MA1K4LQX58");
    assert_eq!(json["licence"]["issue_date"], "2024-05-20");
    assert_eq!(
        json["licence"]["validity"]["until"],
        serde_json::Value::Null
    );
    assert_eq!(
        json["licence"]["identifier"],
        "1.2.156.3005.2.11100000000013338W011.11310000MB2F31727A.20240001735.001.Y"
    );
    assert_eq!(json["authority"]["region"], "310000");
    assert_eq!(json["licence"]["type_code"], "11100000000013338W011");
    assert_eq!(json["licence"]["items"][2]["number"], 4);
    assert_eq!(json["licence"]["items"][2]["integer"], 1000);
    // A date item is carried as days since 1970-01-01.
    assert_eq!(json["licence"]["items"][3]["number"], 5);
    assert_eq!(json["licence"]["items"][3]["integer"], 18_036);
    // The catalogue names the type and every item, in its display order.
    let cat = &json["licence"]["catalogue"];
    assert_eq!(cat["type"]["name"]["zh"], "营业执照");
    assert_eq!(cat["type"]["name"]["en"], "Business licence");
    let keys: Vec<&str> = cat["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["legal_rep", "capital", "established", "address", "scope"]
    );
    assert_eq!(cat["items"][0]["name"]["zh"], "法定代表人");
    assert_eq!(cat["items"][0]["value"], "李明华");
    assert_eq!(cat["items"][1]["number"], 4);
    assert_eq!(cat["items"][1]["type"], "integer");
    assert_eq!(cat["items"][1]["value"], 1000);
    assert_eq!(cat["items"][1]["display"]["zh"], "1000万元");
    assert_eq!(cat["items"][1]["display"]["en"], "10,000,000 yuan");
    assert_eq!(cat["items"][2]["value"], "2019-05-20");
    assert_eq!(cat["items"][2]["display"]["zh"], "2019年5月20日");
    assert_eq!(json["category"], "VALID");
    assert_eq!(json["lang"], "en");
    assert_eq!(json["message"], "VALID");
    assert_eq!(json["checked_at_cst"], "2024-05-20T10:01:00+08:00");
    assert_eq!(json["licence"]["issued_at"], 1_716_170_400);
    assert_eq!(
        json["licence"]["issued_at_cst"],
        "2024-05-20T10:00:00+08:00"
    );
    assert_eq!(json["checks"][3]["name"], "Signature");
    assert_eq!(json["checks"][3]["message"], "passed");
    assert_eq!(
        json["checks"][8]["message"],
        "Nobody checked whether it was revoked or suspended"
    );
    assert_eq!(
        json["warnings"][0]["message"],
        "Nobody checked whether it was revoked or suspended"
    );
    assert!(json["warnings"][0]["detail"]
        .as_str()
        .unwrap()
        .starts_with("nobody checked whether this licence was revoked"));
    // The same report with Chinese messages; the codes do not change.
    let zh: serde_json::Value = serde_json::from_str(&r.to_json_in(crate::Lang::Zh)).unwrap();
    assert_eq!(zh["lang"], "zh");
    assert_eq!(zh["message"], "有效");
    assert_eq!(zh["checks"][0]["name"], "读取二维码");
    assert_eq!(zh["checks"][0]["message"], "通过");
    assert_eq!(zh["checks"][8]["reason"], "STATUS_NOT_CHECKED");
    assert_eq!(zh["checks"][8]["name"], "核查证照状态（注销、暂停）");
    assert_eq!(zh["warnings"][0]["message"], "未核查是否已被注销或暂停");
    assert_eq!(serde_json::to_string(&r).unwrap(), r.to_json());

    let t = r.to_text();
    assert_eq!(t, r.render(crate::Lang::En));
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines[0], "Verdict: VALID", "{t}");
    assert_eq!(
        lines[1], "Checked at: 2024-05-20 10:01:00 CST (UTC+8)",
        "{t}"
    );
    assert_eq!(
        lines[2], "Note: Nobody checked whether it was revoked or suspended [STATUS_NOT_CHECKED]",
        "{t}"
    );
    for line in [
        "Licence: Business licence (营业执照) (type code: 11100000000013338W011)",
        "  Legal representative: 李明华",
        "  Registered capital: 10,000,000 yuan",
        "  Date of establishment: 2019-05-20",
        "  holder: 上海浦江智联科技有限公司 (credit code 91310115MA1K4LQX58)",
        "  issued: 2024-05-20 10:00:00 CST (UTC+8)",
        "  valid: 2019-05-20 to long-term (长期)",
        "Authority: 上海市市场监督管理局",
        "  region: 310000 (root: 上海市电子证照根CA)",
        "  ✓ Read the code: passed",
        "  ! Status (revoked, suspended): Nobody checked whether it was revoked or suspended [STATUS_NOT_CHECKED]",
    ] {
        assert!(lines.contains(&line), "no line {line:?} in\n{t}");
    }
    // The warning repeats the STATUS check's reason: shown once, on the check.
    assert!(!t.contains("Warnings:"), "{t}");
    let zh = r.render(crate::Lang::Zh);
    let lines: Vec<&str> = zh.lines().collect();
    assert_eq!(lines[0], "结论：有效", "{zh}");
    assert_eq!(
        lines[1], "核验时间：2024年5月20日 10:01:00（北京时间 UTC+8）",
        "{zh}"
    );
    assert_eq!(
        lines[2], "注意：未核查是否已被注销或暂停 [STATUS_NOT_CHECKED]",
        "{zh}"
    );
    for line in [
        "证照：营业执照（类型代码：11100000000013338W011）",
        "  持证主体：上海浦江智联科技有限公司（统一社会信用代码 91310115MA1K4LQX58）",
        "  签发时间：2024年5月20日 10:00:00（北京时间 UTC+8）",
        "  有效期：2019年5月20日至长期",
        "  法定代表人：李明华",
        "  注册资本：1000万元",
        "  成立日期：2019年5月20日",
        "  住所：上海市浦东新区碧波路690号",
        "  经营范围：软件开发；信息技术咨询服务；技术服务、技术开发",
        "  ✓ 核对证照类型与信息项：通过",
        "签发机关：上海市市场监督管理局",
        "  地区：310000（根证书：上海市电子证照根CA）",
        "校验项目：",
        "  ✓ 验证签名：通过",
        "  ! 核查证照状态（注销、暂停）：未核查是否已被注销或暂停 [STATUS_NOT_CHECKED]",
    ] {
        assert!(lines.contains(&line), "no line {line:?} in\n{zh}");
    }
    // verify_cose has no DECODE check.
    let cose = crate::envelope::from_qr_text(&text).unwrap();
    let r = d
        .verifier()
        .verify_cose(&cose, crate::UnixTime::from_secs(sample_issued_at() + 60));
    assert_eq!(r.checks.len(), 8);
    assert_eq!(r.verdict, Verdict::Valid);
}

#[test]
fn inspect_is_labelled_untrusted() {
    let d = demo();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(d.authority.clone(), d.authority_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    let i = inspect_qr(&text).unwrap();
    assert!(i.untrusted);
    assert_eq!(i.kid, crate::pki::hex_string(d.authority.kid()));
    assert_eq!(i.licence.unwrap().holder().name, "上海浦江智联科技有限公司");
    assert_eq!(
        inspect_qr("XX").unwrap_err().reason(),
        ReasonCode::QrPrefixInvalid
    );
}

#[test]
fn store_refuses_a_root_without_region_or_not_ca() {
    let d = demo();
    let e = TrustStore::new(vec![d.authority.clone()], vec![]).unwrap_err();
    assert_eq!(e.reason(), ReasonCode::CertMalformed);
}

/// `n` licences alternately signed by the demo authority and a second one
/// of the same region, with distinct serials; and a verifier knowing both.
fn two_authority_batch(n: usize) -> (Vec<String>, Verifier) {
    let d = demo();
    let (other_key, other) = second_authority(&d, "上海市第二机关", "11310000002417920A");
    let texts = (0..n)
        .map(|i| {
            let json = crate::demo::SAMPLE_LICENCE_JSON.replace("20240001735", &format!("{i:011}"));
            let licence = crate::licence::LicenceSpec::from_json(&json)
                .unwrap()
                .to_licence(sample_issued_at())
                .unwrap();
            let (cert, key) = if i % 2 == 0 {
                (&d.authority, &d.authority_key)
            } else {
                (&other, &other_key)
            };
            licence
                .sign(
                    &crate::artifact::CertifiedSigner::new(cert.clone(), key.clone())
                        .expect("the key is the certificate's"),
                )
                .unwrap()
                .qr_text()
        })
        .collect();
    let verifier = Verifier::new(
        TrustStore::new(
            vec![d.root.clone()],
            vec![d.authority.clone(), other.clone()],
        )
        .unwrap(),
    );
    (texts, verifier)
}

/// QR text with the COSE bytes changed by `f`.
fn tampered(text: &str, f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut cose = envelope::from_qr_text(text).unwrap();
    f(&mut cose);
    envelope::to_qr_text(&cose)
}

/// The report as JSON, with the one detail batch and single verification
/// word differently.
fn normalised(r: &Report) -> String {
    r.to_json().replace(VERIFIED_IN_BATCH, VERIFIED_ALONE)
}

#[test]
fn batch_reports_equal_single_reports() {
    let n = 2 * BATCH_SIZE + 50;
    let (mut texts, verifier) = two_authority_batch(n);
    let now = sample_issued_at() + 60;
    // Chunk 0: one altered signature. Chunk 1: S + ℓ, garbage, an unknown
    // signer, a truncated envelope. Chunk 2: all good.
    texts[5] = tampered(&texts[5], |c| {
        let s = c.len() - 32; // the low byte of S
        c[s] ^= 0x01;
    });
    texts[BATCH_SIZE + 3] = tampered(&texts[BATCH_SIZE + 3], |c| {
        // S is the last 32 bytes: set it to ℓ itself, which is not reduced.
        let s = c.len() - 32;
        c[s..].copy_from_slice(&[
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]);
    });
    texts[BATCH_SIZE + 7] = "EL2:NOT BASE45 AT ALL ~".into();
    texts[BATCH_SIZE + 9] = {
        let stranger = Demo::with_keys(
            SecretKey::from_seed(&[7; 32]),
            SecretKey::from_seed(&[8; 32]),
        )
        .unwrap();
        Demo::sample_licence()
            .unwrap()
            .sign(
                &crate::artifact::CertifiedSigner::new(
                    stranger.authority.clone(),
                    stranger.authority_key.clone(),
                )
                .expect("the key is the certificate's"),
            )
            .unwrap()
            .qr_text()
    };
    texts[BATCH_SIZE + 11] = tampered(&texts[BATCH_SIZE + 11], |c| c.truncate(c.len() - 1));
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let batch = verifier.verify_qr_batch(&refs, crate::UnixTime::from_secs(now));
    assert_eq!(batch.len(), n);
    let mut verdicts = std::collections::BTreeMap::new();
    for (i, (text, b)) in texts.iter().zip(&batch).enumerate() {
        let single = verifier.verify_qr(text, crate::UnixTime::from_secs(now));
        assert_eq!(normalised(b), normalised(&single), "text {i}");
        *verdicts.entry(b.reason.as_str()).or_insert(0) += 1;
    }
    assert_eq!(
        verdicts.into_iter().collect::<Vec<_>>(),
        vec![
            // "NOT" is out of range, but the "~" after it decides (FORMAT §2).
            ("BASE45_INVALID_CHARACTER", 1),
            ("CBOR_MALFORMED", 1),
            ("OK", n - 5),
            ("SIGNATURE_INVALID", 1),
            ("SIGNATURE_NON_CANONICAL", 1),
            ("SIGNER_UNKNOWN", 1),
        ]
    );
    // Where the batch equation held, the report says so; the chunk with a
    // bad signature fell back to one-by-one verification.
    let detail = |i: usize| batch[i].check(CheckKind::Signature).unwrap().detail.clone();
    assert_eq!(detail(0), VERIFIED_ALONE);
    assert_eq!(detail(BATCH_SIZE - 1), VERIFIED_ALONE);
    assert_eq!(detail(2 * BATCH_SIZE), VERIFIED_IN_BATCH);
    assert_eq!(detail(n - 1), VERIFIED_IN_BATCH);
}

/// Extreme times and leeways saturate instead of overflowing (a debug
/// build panicked on `now + leeway` with `now = i64::MAX`).
#[test]
fn extreme_times_and_leeway_do_not_overflow() {
    let d = demo();
    let text = Demo::sample_licence()
        .unwrap()
        .sign(
            &crate::artifact::CertifiedSigner::new(d.authority.clone(), d.authority_key.clone())
                .expect("the key is the certificate's"),
        )
        .unwrap()
        .qr_text();
    let r = d
        .verifier()
        .verify_qr(&text, crate::UnixTime::from_secs(i64::MAX));
    assert_eq!((r.verdict, r.reason), (Verdict::Valid, ReasonCode::Ok));
    let r = d
        .verifier()
        .verify_qr(&text, crate::UnixTime::from_secs(i64::MIN));
    assert_eq!(r.reason, ReasonCode::LicenceIssuedInFuture);
    let iat = sample_issued_at();
    for (leeway, now, expected) in [
        (i64::MAX, 0, ReasonCode::Ok),
        (i64::MAX, iat, ReasonCode::Ok),
        (i64::MAX, i64::MAX, ReasonCode::Ok),
        // i64::MIN + i64::MAX = -1: before the issue time.
        (i64::MAX, i64::MIN, ReasonCode::LicenceIssuedInFuture),
        (i64::MIN, iat, ReasonCode::LicenceIssuedInFuture),
        (i64::MIN, i64::MAX, ReasonCode::LicenceIssuedInFuture),
        (i64::MIN, i64::MIN, ReasonCode::LicenceIssuedInFuture),
    ] {
        let verifier = d.verifier().with_options(VerifyOptions {
            leeway_seconds: leeway,
            ..VerifyOptions::default()
        });
        let r = verifier.verify_qr(&text, crate::UnixTime::from_secs(now));
        assert_eq!(r.reason, expected, "leeway {leeway}, now {now}");
    }
}
