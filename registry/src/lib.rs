//! # elicense-registry
//!
//! An issuing authority's state, kept transactionally: the next licence
//! serial number, the status-list index of every licence and its status
//! (valid, suspended, revoked), and a record of every licence issued with
//! its signed COSE bytes.
//!
//! [`Registry`] is the interface a department service programs against; it
//! is object-safe (`Box<dyn Registry>`) so a service can back it with its
//! own database. [`SqliteRegistry`] is the default implementation, an
//! embedded SQLite database (rusqlite, SQLite bundled) in WAL mode with
//! `synchronous=FULL`, where every operation is one `IMMEDIATE`
//! transaction: a crash between two statements never leaves a serial or an
//! index reused, nor a batch of status changes half-applied.
//!
//! ## Issuing with a registry
//!
//! Issuing takes two calls, so that the licence can be built and signed (in
//! an HSM, perhaps) between them:
//!
//! 1. [`Registry::allocate`] reserves the next serial number and the next
//!    status-list index for an authority, durably. An allocation is never
//!    handed out again, even if the licence is never signed.
//! 2. [`Registry::record_issued`] records the signed licence. It refuses a
//!    serial that was not allocated, an index that is not the one allocated
//!    with the serial, and a serial recorded already.
//!
//! Then [`Registry::set_status`] revokes, suspends or reinstates licences by
//! index under the rules of [`elicense::status`] (revoke from valid or
//! suspended; suspend from valid; reinstate only from suspended), and
//! [`Registry::status_list`] builds the authority's 2-bit status list to
//! sign and publish.
//!
//! ```
//! use elicense::identifiers::{CreditCode, LicenceTypeCode};
//! use elicense::status::{Status, Transition};
//! use elicense_registry::{IssuedRecord, Registry, SqliteRegistry};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut registry = SqliteRegistry::open_in_memory()?;
//! let authority: CreditCode = "11310000MB2F31727A".parse()?;
//!
//! let allocation = registry.allocate(&authority)?;
//! assert_eq!(allocation.serial, "000000000001");
//! assert_eq!(allocation.status_index, 0);
//!
//! // ... build the licence with this serial and status index, sign it ...
//! # let cose = vec![0xD2];
//! registry.record_issued(&authority, &IssuedRecord {
//!     serial: allocation.serial.clone(),
//!     version: 1,
//!     type_code: LicenceTypeCode::parse("11100000000013338W011")?,
//!     holder_code: "91310115MA1K4LQX58".into(),
//!     holder_name: "上海浦江智联科技有限公司".into(),
//!     status_index: allocation.status_index,
//!     issued_at: 1_716_170_400,
//!     cose,
//! })?;
//!
//! assert_eq!(registry.set_status(&authority, 0, Transition::Suspend)?, Status::Suspended);
//! let list = registry.status_list(&authority, 16)?;
//! assert_eq!(list.get(0)?, Status::Suspended);
//!
//! // Reinstating a valid licence is refused, naming its current state.
//! registry.set_status(&authority, 0, Transition::Reinstate)?;
//! let err = registry.set_status(&authority, 0, Transition::Reinstate).unwrap_err();
//! assert_eq!(err.reason().as_str(), "STATUS_TRANSITION_INVALID");
//! assert!(err.to_string().contains("it is valid"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Serial numbers
//!
//! Serials are allocated per authority from a counter starting at 1 and
//! written as zero-padded decimal of [`SERIAL_DIGITS`] digits
//! (`000000000001`, `000000000002`, …; see [`format_serial`]): no year, no
//! region, nothing to leak but the order of issue, and always within the
//! GB/T 36904 serial alphabet (1 to 64 characters of `0-9A-Z`). Status-list
//! indices are allocated per authority from 0, in step with the serials,
//! and are never reused: the list only grows, up to [`MAX_ENTRIES`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use elicense::identifiers::{CreditCode, LicenceTypeCode};
use elicense::licence::Licence;
use elicense::status::{Status, StatusError, StatusList, Transition, MAX_LIST_BYTES, PROFILE_BITS};
use elicense::ReasonCode;
use thiserror::Error;

mod sqlite;

pub use sqlite::SqliteRegistry;

/// Digits of a serial number as [`format_serial`] writes it (more only past
/// 999 999 999 999 licences).
pub const SERIAL_DIGITS: usize = 12;

/// Most entries an authority's status list can have: [`MAX_LIST_BYTES`]
/// of [`PROFILE_BITS`]-bit entries (2^24). Indices run from 0 to
/// `MAX_ENTRIES - 1`.
pub const MAX_ENTRIES: u64 = (MAX_LIST_BYTES as u64) * 8 / (PROFILE_BITS as u64);

/// Most allocations in one [`Registry::allocate_batch`] call.
pub const MAX_BATCH: usize = 65_536;

/// The serial number for counter value `n`: decimal, zero-padded to
/// [`SERIAL_DIGITS`] digits (`format_serial(17) == "000000000017"`).
pub fn format_serial(n: u64) -> String {
    format!("{n:0width$}", width = SERIAL_DIGITS)
}

/// What [`Registry::allocate`] reserves: a serial number and a status-list
/// index, both never handed out again for this authority.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Allocation {
    /// The licence serial number (see [`format_serial`]).
    pub serial: String,
    /// The licence's index in its authority's status list.
    pub status_index: u64,
}

/// An authority's counters: what the next allocation will get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Counters {
    /// The counter value of the next serial (the first is 1).
    pub next_serial: u64,
    /// The next status-list index (the first is 0); also the number of
    /// indices allocated so far.
    pub next_index: u64,
}

impl Default for Counters {
    /// The counters of an authority that has allocated nothing.
    fn default() -> Self {
        Self {
            next_serial: 1,
            next_index: 0,
        }
    }
}

/// The record of one issued licence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedRecord {
    /// The serial number, as allocated.
    pub serial: String,
    /// The licence version.
    pub version: u16,
    /// The licence type code.
    pub type_code: LicenceTypeCode,
    /// The holder's code (credit code or resident ID number), as text.
    pub holder_code: String,
    /// The holder's name.
    pub holder_name: String,
    /// The status-list index, as allocated with the serial.
    pub status_index: u64,
    /// Issue time (the licence's `iat`), Unix seconds.
    pub issued_at: i64,
    /// The signed licence: tagged COSE_Sign1 bytes.
    pub cose: Vec<u8>,
}

impl IssuedRecord {
    /// The record of `licence`, signed as `cose`
    /// ([`elicense::licence::SignedLicence::cose`]). Fails if the licence
    /// carries no status index.
    pub fn from_licence(
        licence: &Licence,
        cose: impl Into<Vec<u8>>,
    ) -> Result<Self, RegistryError> {
        let status_index = licence
            .status_index()
            .ok_or_else(|| RegistryError::Invalid("the licence carries no status index".into()))?;
        Ok(Self {
            serial: licence.serial().to_owned(),
            version: licence.version(),
            type_code: licence.type_code().clone(),
            holder_code: licence.holder().code.as_str().to_owned(),
            holder_name: licence.holder().name.clone(),
            status_index,
            issued_at: licence.issued_at(),
            cose: cose.into(),
        })
    }
}

/// Errors of a [`Registry`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// The serial was never allocated to this authority.
    #[error("serial {serial} was not allocated to this authority")]
    NotAllocated {
        /// The serial given.
        serial: String,
    },
    /// The record's status index is not the one allocated with its serial.
    #[error("serial {serial} was allocated with status index {allocated}, not {given}")]
    IndexMismatch {
        /// The serial.
        serial: String,
        /// The index allocated with it.
        allocated: u64,
        /// The index in the record.
        given: u64,
    },
    /// A licence with this serial is recorded already.
    #[error("serial {serial} is recorded already")]
    AlreadyRecorded {
        /// The serial.
        serial: String,
    },
    /// The index has not been allocated (it is at or past `next_index`).
    #[error("status index {index} has not been allocated (the next index is {next_index})")]
    IndexNotAllocated {
        /// The index.
        index: u64,
        /// The authority's next index.
        next_index: u64,
    },
    /// The index was allocated but no licence was recorded with it, so it
    /// has no status to change.
    #[error("no licence is recorded with status index {index}")]
    NotIssued {
        /// The index.
        index: u64,
    },
    /// The change is not allowed from the current status (see
    /// [`elicense::status::StatusList::revoke`] and siblings).
    #[error("cannot {action} the licence at index {index}: it is {from}, and {}", rule(*action))]
    Transition {
        /// The index.
        index: u64,
        /// The change asked for.
        action: Transition,
        /// The current status.
        from: Status,
    },
    /// Allocating would take the status list past [`MAX_ENTRIES`].
    #[error("{requested} more index(es) from {next_index} would exceed the status list limit of {MAX_ENTRIES} entries")]
    IndicesExhausted {
        /// The authority's next index.
        next_index: u64,
        /// Indices asked for.
        requested: u64,
    },
    /// A caller-supplied value is invalid (an empty COSE, a batch too large, …).
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// A status list could not be built.
    #[error("{0}")]
    Status(#[from] StatusError),
    /// The storage failed (I/O, locking, a constraint), or holds data this
    /// crate did not write. Nothing of the operation was applied.
    #[error("registry storage failed: {0}")]
    Storage(String),
}

impl RegistryError {
    /// The stable reason code:
    ///
    /// * `STATUS_TRANSITION_INVALID` for [`RegistryError::Transition`];
    /// * `STATUS_INDEX_OUT_OF_RANGE` for [`RegistryError::IndexNotAllocated`];
    /// * `STATUS_LIST_TOO_LARGE` for [`RegistryError::IndicesExhausted`];
    /// * the status list's own code for [`RegistryError::Status`];
    /// * `STORAGE_FAILED` for [`RegistryError::Storage`];
    /// * `INVALID_ARGUMENT` for everything else.
    pub fn reason(&self) -> ReasonCode {
        match self {
            RegistryError::Transition { .. } => ReasonCode::StatusTransitionInvalid,
            RegistryError::IndexNotAllocated { .. } => ReasonCode::StatusIndexOutOfRange,
            RegistryError::IndicesExhausted { .. } => ReasonCode::StatusListTooLarge,
            RegistryError::Status(e) => e.reason(),
            RegistryError::NotAllocated { .. }
            | RegistryError::IndexMismatch { .. }
            | RegistryError::AlreadyRecorded { .. }
            | RegistryError::NotIssued { .. }
            | RegistryError::Invalid(_) => ReasonCode::InvalidArgument,
            RegistryError::Storage(_) => ReasonCode::StorageFailed,
        }
    }
}

/// The rule behind `action`, for messages.
fn rule(action: Transition) -> &'static str {
    match action {
        Transition::Revoke => "only a valid or suspended licence can be revoked",
        Transition::Suspend => "only a valid licence can be suspended",
        Transition::Reinstate => "only a suspended licence can be reinstated",
    }
}

/// The status after `action` from `from`, under the rules of
/// [`elicense::status::StatusList`] (applied to a one-entry list, so the
/// registry never disagrees with the core crate).
pub(crate) fn apply_transition(
    index: u64,
    from: Status,
    action: Transition,
) -> Result<Status, RegistryError> {
    let mut one = StatusList::new(PROFILE_BITS, 1)?;
    one.set(0, from)?;
    let result = match action {
        Transition::Revoke => one.revoke(0),
        Transition::Suspend => one.suspend(0),
        Transition::Reinstate => one.reinstate(0),
    };
    match result {
        Ok(()) => Ok(one.get(0)?),
        Err(StatusError::Transition { action, from, .. }) => Err(RegistryError::Transition {
            index,
            action,
            from,
        }),
        Err(other) => Err(other.into()),
    }
}

/// An authority's issuing state. Object-safe: a department service may use
/// `Box<dyn Registry>` and back it with its own database.
///
/// Every method is atomic: it applies fully or not at all, and a change is
/// durable once the method returns `Ok`. Batch methods are atomic as a
/// whole. An authority that has allocated nothing reads as empty (no
/// records, [`Counters::default`], an all-valid status list).
pub trait Registry {
    /// Reserves the next serial number and the next status-list index of
    /// `authority`, together, durably. Neither is ever handed out again.
    fn allocate(&mut self, authority: &CreditCode) -> Result<Allocation, RegistryError>;

    /// Reserves `n` consecutive allocations (at most [`MAX_BATCH`]), all or
    /// none. `n == 0` allocates nothing.
    fn allocate_batch(
        &mut self,
        authority: &CreditCode,
        n: usize,
    ) -> Result<Vec<Allocation>, RegistryError>;

    /// Records an issued licence. Refuses a serial not allocated to
    /// `authority` ([`RegistryError::NotAllocated`]), a status index other
    /// than the one allocated with the serial
    /// ([`RegistryError::IndexMismatch`]), a serial recorded already
    /// ([`RegistryError::AlreadyRecorded`]) and an empty `cose`. The licence
    /// starts valid.
    fn record_issued(
        &mut self,
        authority: &CreditCode,
        record: &IssuedRecord,
    ) -> Result<(), RegistryError>;

    /// Applies `action` to the licence at `index` and returns its new
    /// status. A refused change is [`RegistryError::Transition`], naming the
    /// current status; an index with no recorded licence is
    /// [`RegistryError::IndexNotAllocated`] or [`RegistryError::NotIssued`].
    fn set_status(
        &mut self,
        authority: &CreditCode,
        index: u64,
        action: Transition,
    ) -> Result<Status, RegistryError>;

    /// Applies `action` to every index in `indices`, in order, all or none:
    /// if one is refused, nothing is changed. Returns the new statuses. An
    /// index listed twice sees the first change (so revoking it twice is
    /// refused).
    fn set_status_batch(
        &mut self,
        authority: &CreditCode,
        indices: &[u64],
        action: Transition,
    ) -> Result<Vec<Status>, RegistryError>;

    /// Revokes every index in `indices`, all or none
    /// ([`Registry::set_status_batch`] with [`Transition::Revoke`]).
    fn revoke_batch(
        &mut self,
        authority: &CreditCode,
        indices: &[u64],
    ) -> Result<Vec<Status>, RegistryError> {
        self.set_status_batch(authority, indices, Transition::Revoke)
    }

    /// The status at `index`, as the status list says it: the recorded
    /// licence's status, or valid for an index allocated with no licence
    /// recorded. An index not allocated is
    /// [`RegistryError::IndexNotAllocated`].
    fn status(&self, authority: &CreditCode, index: u64) -> Result<Status, RegistryError>;

    /// The authority's status list, [`PROFILE_BITS`] bits per entry, with
    /// at least `len_at_least` entries and at least one per allocated
    /// index (and never fewer than one). Indices allocated without a
    /// recorded licence, and entries past the allocated ones, are valid.
    fn status_list(
        &self,
        authority: &CreditCode,
        len_at_least: usize,
    ) -> Result<StatusList, RegistryError>;

    /// Reserves the issue time (`iat`) of the authority's next status list
    /// publication, durably: `now`, or one second after the last time
    /// reserved if that is not earlier. Every list an authority publishes
    /// is then strictly newer than the one before, as a trust bundle
    /// requires (it refuses two different lists of one authority with the
    /// same issue time as `TRUST_LIST_CONFLICT`, and an older one as
    /// `TRUST_LIST_ROLLBACK`), even when two are published in one second
    /// or the clock steps back.
    fn reserve_publication_time(
        &mut self,
        authority: &CreditCode,
        now: i64,
    ) -> Result<i64, RegistryError>;

    /// The recorded licence with this serial, if any.
    fn record(
        &self,
        authority: &CreditCode,
        serial: &str,
    ) -> Result<Option<IssuedRecord>, RegistryError>;

    /// Every recorded licence of the authority, by status index.
    fn issued(&self, authority: &CreditCode) -> Result<Vec<IssuedRecord>, RegistryError>;

    /// How many licences the authority has recorded.
    fn issued_count(&self, authority: &CreditCode) -> Result<u64, RegistryError>;

    /// The authority's counters.
    fn counters(&self, authority: &CreditCode) -> Result<Counters, RegistryError>;
}
