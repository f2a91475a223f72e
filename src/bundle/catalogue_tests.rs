//! Licence catalogues in the trust bundle (key 7): who may sign them,
//! rollback, conflicts, and what leaves with a region.

use super::*;
use crate::alg::SecretKey;
use crate::artifact::CertifiedSigner;
use crate::pki::{create_federation_root, FederationRootParams};
use crate::trust::ListedRegion;

use crate::testing::Y2024;
const Y2026: i64 = 1_767_225_600;
use crate::testing::Y2030;
const NOW: UnixTime = UnixTime::from_secs(Y2026);
/// A type whose ministry credit code was registered in Guangdong (440000).
const GD_TYPE: &str = "114400000071412812001";

struct World {
    fed_key: SecretKey,
    anchor: Certificate,
    gd: (SecretKey, Certificate),
    sh: (SecretKey, Certificate),
}

fn root(code: &str, seed: u8) -> (SecretKey, Certificate) {
    crate::testing::region_root(code, seed)
}

fn world() -> World {
    let fed_key = SecretKey::from_seed(&[60; 32]);
    let anchor = create_federation_root(
        &fed_key,
        &FederationRootParams {
            name: "federation".into(),
            not_before: Y2024,
            not_after: Y2030,
            serial_number: Some(vec![60]),
        },
    )
    .unwrap();
    World {
        fed_key,
        anchor,
        gd: root("440000", 61),
        sh: root("310000", 62),
    }
}

impl World {
    fn fed_signer(&self) -> CertifiedSigner {
        CertifiedSigner::new(self.anchor.clone(), self.fed_key.clone()).unwrap()
    }
    fn signer(root: &(SecretKey, Certificate)) -> CertifiedSigner {
        CertifiedSigner::new(root.1.clone(), root.0.clone()).unwrap()
    }
    /// A federation list naming `roots`, with `sequence`.
    fn federation(&self, sequence: u64, roots: &[&(SecretKey, Certificate)]) -> Vec<u8> {
        FederationTrustList {
            name: "f".into(),
            sequence,
            issued_at: Y2024 + sequence as i64,
            next_update: Y2030,
            regions: roots
                .iter()
                .map(|(_, c)| ListedRegion {
                    region: c.region().unwrap().clone(),
                    name: c.common_name().into(),
                    root: c.clone(),
                })
                .collect(),
        }
        .sign(&self.fed_signer())
        .unwrap()
    }
    fn bundle(&self) -> TrustBundle {
        TrustBundle::new(
            self.anchor.clone(),
            self.federation(1, &[&self.gd, &self.sh]),
        )
        .unwrap()
    }
    /// Guangdong's extension, version `v`, its post item named `post`.
    fn gd_extension(&self, v: u64, post: &str) -> Catalogue {
        Catalogue::from_json(&extension_json("440000", v, post)).unwrap()
    }
    /// The built-in national catalogue as version `v`, signed by the
    /// federation, with the Guangdong type adopted if `adopt`.
    fn national(&self, v: u64, adopt: bool) -> Vec<u8> {
        let mut json: serde_json::Value =
            serde_json::from_str(&Catalogue::national().to_json()).unwrap();
        json["version"] = v.into();
        if adopt {
            let gd: serde_json::Value =
                serde_json::from_str(&extension_json("federation", v, "岗位")).unwrap();
            json["types"]
                .as_array_mut()
                .unwrap()
                .push(gd["types"][0].clone());
        }
        Catalogue::from_json(&json.to_string())
            .unwrap()
            .sign(&self.fed_signer())
            .unwrap()
    }
}

fn extension_json(publisher: &str, version: u64, post: &str) -> String {
    format!(
        r#"{{"publisher": "{publisher}", "version": {version}, "issued_at": {Y2026},
        "types": [{{"code": "{GD_TYPE}", "name": {{"zh": "广东省港澳台居民就业证", "en": "Guangdong employment permit"}},
          "items": [{{"number": 1, "key": "employer", "name": {{"zh": "用人单位", "en": "Employer"}}, "type": "text", "required": true, "order": 1}},
                    {{"number": 2, "key": "post", "name": {{"zh": "{post}", "en": "Post"}}, "type": "text", "required": false, "order": 2}}]}}]}}"#
    )
}

fn items() -> [crate::licence::Item; 1] {
    [crate::licence::Item {
        number: 1,
        value: crate::licence::ItemValue::Text("广州某科技有限公司".into()),
    }]
}

fn reason<T: core::fmt::Debug>(r: Result<T, BundleError>) -> ReasonCode {
    r.expect_err("must be refused").reason()
}

#[test]
fn a_bundle_without_catalogues_uses_the_built_in_one() {
    let w = world();
    let b = w.bundle();
    let bytes = b.to_bytes();
    // No key 7 is written: the file is what the format's version 1 wrote.
    let Value::Map(m) = cbor::decode(&bytes, &BUNDLE_LIMITS).unwrap() else {
        panic!()
    };
    assert_eq!(m.len(), 5);
    let back = TrustBundle::from_bytes(&bytes, w.anchor.clone(), NOW).unwrap();
    assert_eq!(
        back.catalogues().national_catalogue(),
        Catalogue::national()
    );
    assert!(back.national_catalogue_cose().is_none());
    let gd: RegionCode = "440000".parse().unwrap();
    assert_eq!(
        back.catalogues()
            .check(&GD_TYPE.parse().unwrap(), &gd, &items())
            .unwrap_err()
            .reason(),
        ReasonCode::LicenceTypeUnknown
    );
}

#[test]
fn catalogues_travel_in_the_bundle() {
    let w = world();
    let mut b = w.bundle();
    let national = w.national(2, false);
    let ext = w
        .gd_extension(1, "岗位")
        .sign(&World::signer(&w.gd))
        .unwrap();
    assert_eq!(
        b.add_catalogue(national.clone()).unwrap().0,
        Publisher::Federation
    );
    let (publisher, dropped) = b.add_catalogue(ext.clone()).unwrap();
    assert_eq!(publisher, Publisher::Region("440000".parse().unwrap()));
    assert!(dropped.is_empty());
    let bytes = b.to_bytes();
    // Any order of the array loads: the extension first here.
    let Value::Map(mut m) = cbor::decode(&bytes, &BUNDLE_LIMITS).unwrap() else {
        panic!()
    };
    m.retain(|(k, _)| *k != Value::from(7));
    m.push((
        Value::from(7),
        Value::Array(vec![
            Value::Bytes(ext.clone()),
            Value::Bytes(national.clone()),
        ]),
    ));
    for file in [bytes.clone(), cbor::encode(&Value::Map(m))] {
        let back = TrustBundle::from_bytes(&file, w.anchor.clone(), NOW).unwrap();
        assert_eq!(back.catalogues().national_catalogue().version(), 2);
        assert_eq!(back.national_catalogue_cose(), Some(national.as_slice()));
        let gd: RegionCode = "440000".parse().unwrap();
        assert_eq!(back.region_catalogue_cose(&gd), Some(ext.as_slice()));
        let checked = back
            .catalogues()
            .check(&GD_TYPE.parse().unwrap(), &gd, &items())
            .unwrap();
        assert_eq!(checked.items()[0].definition().name.zh, "用人单位");
        assert_eq!(back.to_bytes(), bytes);
    }
}

#[test]
fn catalogues_signed_by_the_wrong_root_are_refused() {
    let w = world();
    let mut b = w.bundle();
    // The national catalogue signed by a region root (through the
    // artifact layer: `Catalogue::sign` refuses to).
    let by_sh = crate::artifact::sign(
        &crate::catalogue::tests_support::as_region(Catalogue::national()),
        &World::signer(&w.sh),
    )
    .unwrap();
    assert_eq!(
        reason(b.add_catalogue(by_sh)),
        ReasonCode::CatalogueSignerInvalid
    );
    // Guangdong's extension from a Guangdong root the federation does not list.
    let impostor = root("440000", 70);
    let ext = w
        .gd_extension(1, "岗位")
        .sign(&World::signer(&impostor))
        .unwrap();
    assert_eq!(
        reason(b.add_catalogue(ext)),
        ReasonCode::CatalogueSignerInvalid
    );
    // A region the federation does not list at all.
    let only_sh = TrustBundle::new(w.anchor.clone(), w.federation(1, &[&w.sh])).unwrap();
    let ext = w
        .gd_extension(1, "岗位")
        .sign(&World::signer(&w.gd))
        .unwrap();
    assert_eq!(
        reason(only_sh.clone().add_catalogue(ext)),
        ReasonCode::CatalogueSignerInvalid
    );
    // A file that is not a catalogue.
    assert_eq!(
        reason(b.add_catalogue(w.federation(2, &[&w.sh]))),
        ReasonCode::CoseTypMismatch
    );
}

#[test]
fn rollback_and_conflicts_are_refused_and_change_nothing() {
    let w = world();
    let mut b = w.bundle();
    b.add_catalogue(w.national(2, false)).unwrap();
    let v2 = w
        .gd_extension(2, "岗位")
        .sign(&World::signer(&w.gd))
        .unwrap();
    b.add_catalogue(v2.clone()).unwrap();
    let held = b.to_bytes();
    let v1 = w
        .gd_extension(1, "岗位")
        .sign(&World::signer(&w.gd))
        .unwrap();
    assert_eq!(
        reason(b.add_catalogue(v1.clone())),
        ReasonCode::CatalogueRollback
    );
    let other_v2 = w
        .gd_extension(2, "职位")
        .sign(&World::signer(&w.gd))
        .unwrap();
    assert_eq!(
        reason(b.add_catalogue(other_v2.clone())),
        ReasonCode::CatalogueConflict
    );
    assert_eq!(
        reason(b.add_catalogue(w.national(1, false))),
        ReasonCode::CatalogueRollback
    );
    assert_eq!(b.to_bytes(), held);
    // The same through `update`: nothing changes.
    let mut older = w.bundle();
    older.add_catalogue(v1).unwrap();
    assert_eq!(reason(b.update(&older, NOW)), ReasonCode::CatalogueRollback);
    assert_eq!(b.to_bytes(), held);
    // Two catalogues of one region, or two national ones, in one file.
    let Value::Map(mut m) = cbor::decode(&held, &BUNDLE_LIMITS).unwrap() else {
        panic!()
    };
    m.retain(|(k, _)| *k != Value::from(7));
    for seven in [
        vec![Value::Bytes(v2.clone()), Value::Bytes(other_v2)],
        vec![
            Value::Bytes(w.national(2, false)),
            Value::Bytes(w.national(3, false)),
        ],
    ] {
        let mut m = m.clone();
        m.push((Value::from(7), Value::Array(seven)));
        assert_eq!(
            reason(TrustBundle::from_bytes(
                &cbor::encode(&Value::Map(m)),
                w.anchor.clone(),
                NOW
            )),
            ReasonCode::CatalogueConflict
        );
    }
    let mut m = m.clone();
    m.push((Value::from(7), Value::Bytes(v2)));
    assert_eq!(
        reason(TrustBundle::from_bytes(
            &cbor::encode(&Value::Map(m)),
            w.anchor.clone(),
            NOW
        )),
        ReasonCode::BundleMalformed
    );
    // A newer one is taken.
    let v3 = w
        .gd_extension(3, "职位")
        .sign(&World::signer(&w.gd))
        .unwrap();
    let mut newer = w.bundle();
    newer.add_catalogue(v3.clone()).unwrap();
    let summary = b.update(&newer, NOW).unwrap();
    assert_eq!(summary.changed, 1);
    assert_eq!(
        b.region_catalogue_cose(&"440000".parse().unwrap()),
        Some(v3.as_slice())
    );
}

#[test]
fn an_extension_leaves_with_its_root_or_when_the_nation_adopts_its_type() {
    let w = world();
    let gd: RegionCode = "440000".parse().unwrap();
    let mut b = w.bundle();
    b.add_catalogue(
        w.gd_extension(1, "岗位")
            .sign(&World::signer(&w.gd))
            .unwrap(),
    )
    .unwrap();
    // A national catalogue adopting the type: the extension leaves.
    let mut adopting = b.clone();
    let (_, dropped) = adopting.add_catalogue(w.national(2, true)).unwrap();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].region, gd);
    assert_eq!(
        dropped[0].reason,
        ReasonCode::CatalogueNationalTypeRedefined
    );
    assert!(adopting.region_catalogue_cose(&gd).is_none());
    assert!(adopting.catalogues().region(&gd).is_none());
    // The type is now national: it checks for any region.
    assert!(adopting
        .catalogues()
        .check(
            &GD_TYPE.parse().unwrap(),
            &"310000".parse().unwrap(),
            &items()
        )
        .is_ok());
    let back = TrustBundle::from_bytes(&adopting.to_bytes(), w.anchor.clone(), NOW).unwrap();
    assert!(back.region_catalogue_cose(&gd).is_none());
    // And an extension defining it is then refused.
    assert_eq!(
        reason(
            adopting.add_catalogue(
                w.gd_extension(2, "岗位")
                    .sign(&World::signer(&w.gd))
                    .unwrap()
            )
        ),
        ReasonCode::CatalogueNationalTypeRedefined
    );
    // A newer federation list without Guangdong: its extension leaves.
    let newer = TrustBundle::new(w.anchor.clone(), w.federation(2, &[&w.sh])).unwrap();
    let summary = b.update(&newer, NOW).unwrap();
    assert_eq!(summary.dropped_catalogues.len(), 1);
    assert_eq!(summary.dropped_catalogues[0].region, gd);
    assert_eq!(
        summary.dropped_catalogues[0].reason,
        ReasonCode::TrustListMissing
    );
    assert!(b.catalogues().region(&gd).is_none());
    assert!(TrustBundle::from_bytes(&b.to_bytes(), w.anchor.clone(), NOW).is_ok());
}
