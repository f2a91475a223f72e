//! elicense (crate documentation is written once the public API settles).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod base45;
pub mod cbor;
#[cfg(feature = "issuer")]
pub mod demo;
pub mod envelope;
pub mod identifiers;
pub mod keys;
pub mod licence;
pub mod pki;
#[cfg(any(feature = "render", feature = "scan"))]
pub mod qr;
pub mod reason;
pub mod verify;

pub use reason::ReasonCode;
