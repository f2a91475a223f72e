//! Shared setup for the elicense fuzz targets.
//!
//! The targets that need a trust store (`qr_text`, `certificate`) use the
//! demo region root and authority. [`elicense::demo::Demo::with_keys`] now
//! derives serial numbers from the keys, so the same fixed keys give the same
//! certificates in every process; the seeder (`fuzz/seed`) still writes the
//! certificates it signed with to `fuzz/corpus/trust/{root,authority}.der`,
//! and [`trust`] loads them from there when present (an older corpus keeps
//! working), else makes the demo from the same fixed keys.
//!
//! The trust-list, status-list and bundle targets use [`world`]: a
//! federation built from fixed keys and fixed serial numbers, identical in
//! every process (see [`world.rs`](world)), which needs no saved files.

use std::path::PathBuf;
use std::sync::OnceLock;

use elicense::demo::Demo;
use elicense::alg::SecretKey;
use elicense::pki::Certificate;
use elicense::verify::{TrustStore, Verifier};

pub mod world;

/// Seed of the demo region root key.
pub const ROOT_SEED: [u8; 32] = [1; 32];
/// Seed of the demo authority key.
pub const AUTHORITY_SEED: [u8; 32] = [2; 32];

/// 2025-01-01T00:00:00Z: inside the demo authority certificate's validity
/// and after the sample licence's issue date.
pub const NOW: i64 = 1_735_689_600;
const _: () = assert!(NOW == world::WORLD_NOW);

/// The demo trust shared by the targets.
pub struct Trust {
    /// The region root.
    pub root: Certificate,
    /// The licence-signing authority.
    pub authority: Certificate,
    /// A verifier trusting `root` and knowing `authority`.
    pub verifier: Verifier,
}

/// Where the seeder leaves the certificates it signed the seeds with.
pub fn trust_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join("trust")
}

fn load_saved() -> Option<(Certificate, Certificate)> {
    let dir = trust_dir();
    let root = Certificate::from_der(&std::fs::read(dir.join("root.der")).ok()?).ok()?;
    let authority = Certificate::from_der(&std::fs::read(dir.join("authority.der")).ok()?).ok()?;
    let root_pk = SecretKey::from_seed(&ROOT_SEED).public_key();
    let auth_pk = SecretKey::from_seed(&AUTHORITY_SEED).public_key();
    (*root.public_key() == root_pk && *authority.public_key() == auth_pk)
        .then_some((root, authority))
}

/// The demo trust, built once per process.
pub fn trust() -> &'static Trust {
    static TRUST: OnceLock<Trust> = OnceLock::new();
    TRUST.get_or_init(|| {
        let (root, authority) = load_saved().unwrap_or_else(|| {
            let demo = Demo::with_keys(
                SecretKey::from_seed(&ROOT_SEED),
                SecretKey::from_seed(&AUTHORITY_SEED),
            )
            .expect("demo setup");
            (demo.root, demo.authority)
        });
        let store =
            TrustStore::new(vec![root.clone()], vec![authority.clone()]).expect("demo trust store");
        Trust {
            root,
            authority,
            verifier: Verifier::new(store),
        }
    })
}

/// The deterministic federation ([`world::world`]), built once per process.
pub fn world() -> &'static world::World {
    static WORLD: OnceLock<world::World> = OnceLock::new();
    WORLD.get_or_init(world::world)
}
