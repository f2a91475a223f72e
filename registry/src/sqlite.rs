//! The default [`Registry`]: an embedded SQLite database.

use std::path::Path;
use std::time::Duration;

use elicense::identifiers::{CreditCode, LicenceTypeCode};
use elicense::status::{Status, StatusList, Transition, PROFILE_BITS};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::{
    apply_transition, format_serial, Allocation, Counters, IssuedRecord, Registry, RegistryError,
    MAX_BATCH, MAX_ENTRIES,
};

/// The schema version kept in `PRAGMA user_version`. Version 2 added the
/// `publications` table; a version 1 database gains it when opened.
const SCHEMA_VERSION: i64 = 2;

/// What version 2 adds to version 1: the issue time of each authority's
/// last status list publication.
const SCHEMA_V2: &str = "
CREATE TABLE publications (
    authority      TEXT PRIMARY KEY NOT NULL,
    last_issued_at INTEGER NOT NULL
) STRICT;
";

/// The schema. `STRICT` tables: SQLite refuses a value of the wrong type.
const SCHEMA: &str = "
CREATE TABLE authorities (
    credit_code TEXT PRIMARY KEY NOT NULL,
    next_serial INTEGER NOT NULL CHECK (next_serial >= 1),
    next_index  INTEGER NOT NULL CHECK (next_index >= 0)
) STRICT;
CREATE TABLE allocations (
    authority    TEXT NOT NULL REFERENCES authorities (credit_code),
    serial       TEXT NOT NULL,
    status_index INTEGER NOT NULL CHECK (status_index >= 0),
    PRIMARY KEY (authority, serial),
    UNIQUE (authority, status_index)
) STRICT;
CREATE TABLE licences (
    authority    TEXT NOT NULL,
    serial       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    type_code    TEXT NOT NULL,
    holder_code  TEXT NOT NULL,
    holder_name  TEXT NOT NULL,
    status_index INTEGER NOT NULL,
    issued_at    INTEGER NOT NULL,
    cose         BLOB NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
    PRIMARY KEY (authority, serial),
    UNIQUE (authority, status_index),
    FOREIGN KEY (authority, serial) REFERENCES allocations (authority, serial)
) STRICT;
";

const RECORD_COLUMNS: &str =
    "serial, version, type_code, holder_code, holder_name, status_index, issued_at, cose";

fn db(e: rusqlite::Error) -> RegistryError {
    RegistryError::Storage(e.to_string())
}

fn corrupt(what: impl std::fmt::Display) -> RegistryError {
    RegistryError::Storage(format!("the database holds {what}"))
}

fn to_u64(v: i64, what: &str) -> Result<u64, RegistryError> {
    u64::try_from(v).map_err(|_| corrupt(format_args!("a negative {what} ({v})")))
}

fn to_i64(v: u64) -> Result<i64, RegistryError> {
    i64::try_from(v).map_err(|_| RegistryError::Invalid(format!("{v} is too large")))
}

/// [`Registry`] on an embedded SQLite database (rusqlite, SQLite bundled).
///
/// * Tables: `authorities (credit_code PK, next_serial, next_index)`;
///   `allocations (authority, serial, status_index)`, with the serial
///   unique per authority and the index unique per authority; `licences`
///   (one row per recorded licence, its fields, its COSE bytes and its
///   `status` 0 valid, 1 revoked, 2 suspended), referencing its allocation.
/// * `PRAGMA journal_mode=WAL`, `synchronous=FULL` (every commit is on disk
///   before the call returns), `foreign_keys=ON`, a 5 s busy timeout so
///   several processes may share one file.
/// * Every change is one `BEGIN IMMEDIATE` transaction: the counters and
///   the rows they cover are written together, so a crash (even `SIGKILL`
///   between two statements) leaves either all of an operation or none.
///   Reads run in one (deferred) transaction, so they see one state.
#[derive(Debug)]
pub struct SqliteRegistry {
    conn: Connection,
}

impl SqliteRegistry {
    /// Opens (creating if needed) the registry database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, RegistryError> {
        Self::init(Connection::open(path).map_err(db)?)
    }

    /// A registry in memory, lost when dropped (for tests and examples).
    pub fn open_in_memory() -> Result<Self, RegistryError> {
        Self::init(Connection::open_in_memory().map_err(db)?)
    }

    /// Sets the pragmas and creates the schema if needed. Opening a
    /// database that is set up already takes no write lock, so it does not
    /// wait for (nor starve behind) a process that is writing.
    fn init(mut conn: Connection) -> Result<Self, RegistryError> {
        conn.busy_timeout(Duration::from_secs(5)).map_err(db)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(db)?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Answers with the mode in force ("memory" for an in-memory database).
            let _mode: String = conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
                .map_err(db)?;
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(db)?;
        if schema_version(&conn)? != SCHEMA_VERSION {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            // Checked again under the write lock: another process may have
            // created the schema meanwhile.
            match schema_version(&tx)? {
                0 => {
                    tx.execute_batch(SCHEMA).map_err(db)?;
                    tx.execute_batch(SCHEMA_V2).map_err(db)?;
                    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                        .map_err(db)?;
                }
                1 => {
                    tx.execute_batch(SCHEMA_V2).map_err(db)?;
                    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                        .map_err(db)?;
                }
                SCHEMA_VERSION => {}
                other => {
                    return Err(RegistryError::Storage(format!(
                        "the database has schema version {other}; this crate knows {SCHEMA_VERSION}"
                    )))
                }
            }
            tx.commit().map_err(db)?;
        }
        Ok(Self { conn })
    }

    /// Runs SQLite's `PRAGMA integrity_check`; `Ok` when it answers `ok`.
    pub fn integrity_check(&self) -> Result<(), RegistryError> {
        let answer: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(db)?;
        if answer == "ok" {
            Ok(())
        } else {
            Err(RegistryError::Storage(format!(
                "integrity check failed: {answer}"
            )))
        }
    }

    fn write(&mut self) -> Result<Transaction<'_>, RegistryError> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)
    }

    fn read(&self) -> Result<Transaction<'_>, RegistryError> {
        self.conn.unchecked_transaction().map_err(db)
    }
}

fn schema_version(conn: &Connection) -> Result<i64, RegistryError> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)
}

fn counters(conn: &Connection, authority: &CreditCode) -> Result<Counters, RegistryError> {
    let row: Option<(i64, i64)> = conn
        .query_row(
            "SELECT next_serial, next_index FROM authorities WHERE credit_code = ?1",
            [authority.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(db)?;
    match row {
        None => Ok(Counters::default()),
        Some((serial, index)) => Ok(Counters {
            next_serial: to_u64(serial, "next serial")?,
            next_index: to_u64(index, "next index")?,
        }),
    }
}

fn allocate_in(
    tx: &Transaction<'_>,
    authority: &CreditCode,
    n: usize,
) -> Result<Vec<Allocation>, RegistryError> {
    if n > MAX_BATCH {
        return Err(RegistryError::Invalid(format!(
            "a batch of {n} allocations exceeds the limit of {MAX_BATCH}"
        )));
    }
    if n == 0 {
        return Ok(Vec::new());
    }
    let c = counters(tx, authority)?;
    let n64 = n as u64;
    if c.next_index.saturating_add(n64) > MAX_ENTRIES {
        return Err(RegistryError::IndicesExhausted {
            next_index: c.next_index,
            requested: n64,
        });
    }
    let next_serial = c
        .next_serial
        .checked_add(n64)
        .filter(|&s| s <= i64::MAX as u64)
        .ok_or_else(|| RegistryError::Invalid("the serial counter is exhausted".into()))?;
    tx.execute(
        "INSERT INTO authorities (credit_code, next_serial, next_index) VALUES (?1, ?2, ?3)
         ON CONFLICT (credit_code) DO UPDATE SET next_serial = ?2, next_index = ?3",
        params![
            authority.as_str(),
            to_i64(next_serial)?,
            to_i64(c.next_index + n64)?
        ],
    )
    .map_err(db)?;
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO allocations (authority, serial, status_index) VALUES (?1, ?2, ?3)",
        )
        .map_err(db)?;
    let mut out = Vec::with_capacity(n);
    for k in 0..n64 {
        let allocation = Allocation {
            serial: format_serial(c.next_serial + k),
            status_index: c.next_index + k,
        };
        insert
            .execute(params![
                authority.as_str(),
                allocation.serial,
                to_i64(allocation.status_index)?
            ])
            .map_err(db)?;
        out.push(allocation);
    }
    Ok(out)
}

/// The recorded status at `index`, `None` when allocated with no licence.
fn stored_status(
    conn: &Connection,
    authority: &CreditCode,
    index: u64,
) -> Result<Option<Status>, RegistryError> {
    let value: Option<i64> = conn
        .query_row(
            "SELECT status FROM licences WHERE authority = ?1 AND status_index = ?2",
            params![authority.as_str(), to_i64(index)?],
            |r| r.get(0),
        )
        .optional()
        .map_err(db)?;
    match value {
        Some(v) => Ok(Some(decode_status(v)?)),
        None => {
            let next_index = counters(conn, authority)?.next_index;
            if index >= next_index {
                Err(RegistryError::IndexNotAllocated { index, next_index })
            } else {
                Ok(None)
            }
        }
    }
}

fn decode_status(v: i64) -> Result<Status, RegistryError> {
    u8::try_from(v)
        .ok()
        .and_then(Status::from_value)
        .ok_or_else(|| corrupt(format_args!("the status value {v}")))
}

fn set_status_in(
    tx: &Transaction<'_>,
    authority: &CreditCode,
    index: u64,
    action: Transition,
) -> Result<Status, RegistryError> {
    let from = stored_status(tx, authority, index)?.ok_or(RegistryError::NotIssued { index })?;
    let to = apply_transition(index, from, action)?;
    let index_i64 = to_i64(index)?;
    tx.prepare_cached("UPDATE licences SET status = ?3 WHERE authority = ?1 AND status_index = ?2")
        .and_then(|mut s| {
            s.execute(params![
                authority.as_str(),
                index_i64,
                i64::from(to.value())
            ])
        })
        .map_err(db)?;
    Ok(to)
}

fn read_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok(RawRecord {
        serial: r.get(0)?,
        version: r.get(1)?,
        type_code: r.get(2)?,
        holder_code: r.get(3)?,
        holder_name: r.get(4)?,
        status_index: r.get(5)?,
        issued_at: r.get(6)?,
        cose: r.get(7)?,
    })
}

/// A `licences` row before its values are checked.
struct RawRecord {
    serial: String,
    version: i64,
    type_code: String,
    holder_code: String,
    holder_name: String,
    status_index: i64,
    issued_at: i64,
    cose: Vec<u8>,
}

impl RawRecord {
    fn check(self) -> Result<IssuedRecord, RegistryError> {
        Ok(IssuedRecord {
            version: u16::try_from(self.version)
                .map_err(|_| corrupt(format_args!("the version {}", self.version)))?,
            type_code: LicenceTypeCode::parse(&self.type_code)
                .map_err(|e| corrupt(format_args!("an invalid type code: {e}")))?,
            status_index: to_u64(self.status_index, "status index")?,
            serial: self.serial,
            holder_code: self.holder_code,
            holder_name: self.holder_name,
            issued_at: self.issued_at,
            cose: self.cose,
        })
    }
}

impl Registry for SqliteRegistry {
    fn reserve_publication_time(
        &mut self,
        authority: &CreditCode,
        now: i64,
    ) -> Result<i64, RegistryError> {
        let tx = self.write()?;
        let last: Option<i64> = tx
            .query_row(
                "SELECT last_issued_at FROM publications WHERE authority = ?1",
                [authority.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        let at = match last {
            Some(last) if last >= now => last.checked_add(1).ok_or_else(|| {
                RegistryError::Invalid("no publication time is left after the last one".into())
            })?,
            _ => now,
        };
        tx.execute(
            "INSERT INTO publications (authority, last_issued_at) VALUES (?1, ?2)
             ON CONFLICT (authority) DO UPDATE SET last_issued_at = excluded.last_issued_at",
            params![authority.as_str(), at],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(at)
    }

    fn allocate(&mut self, authority: &CreditCode) -> Result<Allocation, RegistryError> {
        let mut batch = self.allocate_batch(authority, 1)?;
        batch
            .pop()
            .ok_or_else(|| RegistryError::Storage("no allocation was made".into()))
    }

    fn allocate_batch(
        &mut self,
        authority: &CreditCode,
        n: usize,
    ) -> Result<Vec<Allocation>, RegistryError> {
        let tx = self.write()?;
        let out = allocate_in(&tx, authority, n)?;
        tx.commit().map_err(db)?;
        Ok(out)
    }

    fn record_issued(
        &mut self,
        authority: &CreditCode,
        record: &IssuedRecord,
    ) -> Result<(), RegistryError> {
        if record.cose.is_empty() {
            return Err(RegistryError::Invalid("the COSE bytes are empty".into()));
        }
        let tx = self.write()?;
        let allocated: Option<i64> = tx
            .query_row(
                "SELECT status_index FROM allocations WHERE authority = ?1 AND serial = ?2",
                params![authority.as_str(), record.serial],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        let Some(allocated) = allocated else {
            return Err(RegistryError::NotAllocated {
                serial: record.serial.clone(),
            });
        };
        let allocated = to_u64(allocated, "status index")?;
        if allocated != record.status_index {
            return Err(RegistryError::IndexMismatch {
                serial: record.serial.clone(),
                allocated,
                given: record.status_index,
            });
        }
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM licences WHERE authority = ?1 AND serial = ?2)",
                params![authority.as_str(), record.serial],
                |r| r.get(0),
            )
            .map_err(db)?;
        if exists {
            return Err(RegistryError::AlreadyRecorded {
                serial: record.serial.clone(),
            });
        }
        tx.execute(
            &format!(
                "INSERT INTO licences (authority, {RECORD_COLUMNS}, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)"
            ),
            params![
                authority.as_str(),
                record.serial,
                i64::from(record.version),
                record.type_code.as_str(),
                record.holder_code,
                record.holder_name,
                to_i64(record.status_index)?,
                record.issued_at,
                record.cose,
            ],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn set_status(
        &mut self,
        authority: &CreditCode,
        index: u64,
        action: Transition,
    ) -> Result<Status, RegistryError> {
        let tx = self.write()?;
        let to = set_status_in(&tx, authority, index, action)?;
        tx.commit().map_err(db)?;
        Ok(to)
    }

    fn set_status_batch(
        &mut self,
        authority: &CreditCode,
        indices: &[u64],
        action: Transition,
    ) -> Result<Vec<Status>, RegistryError> {
        let tx = self.write()?;
        let out = indices
            .iter()
            .map(|&index| set_status_in(&tx, authority, index, action))
            .collect::<Result<Vec<_>, _>>()?;
        // Dropping `tx` on an error above rolls everything back.
        tx.commit().map_err(db)?;
        Ok(out)
    }

    fn status(&self, authority: &CreditCode, index: u64) -> Result<Status, RegistryError> {
        let tx = self.read()?;
        Ok(stored_status(&tx, authority, index)?.unwrap_or(Status::Valid))
    }

    fn status_list(
        &self,
        authority: &CreditCode,
        len_at_least: usize,
    ) -> Result<StatusList, RegistryError> {
        let tx = self.read()?;
        let next_index = counters(&tx, authority)?.next_index;
        let allocated = usize::try_from(next_index)
            .map_err(|_| corrupt(format_args!("the next index {next_index}")))?;
        let mut list = StatusList::new(PROFILE_BITS, len_at_least.max(allocated).max(1))?;
        let mut stmt = tx
            .prepare(
                "SELECT status_index, status FROM licences WHERE authority = ?1 AND status != 0",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map([authority.as_str()], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(db)?;
        for row in rows {
            let (index, value) = row.map_err(db)?;
            list.set(to_u64(index, "status index")?, decode_status(value)?)?;
        }
        Ok(list)
    }

    fn record(
        &self,
        authority: &CreditCode,
        serial: &str,
    ) -> Result<Option<IssuedRecord>, RegistryError> {
        let tx = self.read()?;
        tx.query_row(
            &format!("SELECT {RECORD_COLUMNS} FROM licences WHERE authority = ?1 AND serial = ?2"),
            params![authority.as_str(), serial],
            read_record,
        )
        .optional()
        .map_err(db)?
        .map(RawRecord::check)
        .transpose()
    }

    fn issued(&self, authority: &CreditCode) -> Result<Vec<IssuedRecord>, RegistryError> {
        let tx = self.read()?;
        let mut stmt = tx
            .prepare(&format!(
                "SELECT {RECORD_COLUMNS} FROM licences WHERE authority = ?1 ORDER BY status_index"
            ))
            .map_err(db)?;
        let rows = stmt
            .query_map([authority.as_str()], read_record)
            .map_err(db)?;
        rows.map(|row| row.map_err(db).and_then(RawRecord::check))
            .collect()
    }

    fn issued_count(&self, authority: &CreditCode) -> Result<u64, RegistryError> {
        let tx = self.read()?;
        let n: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM licences WHERE authority = ?1",
                [authority.as_str()],
                |r| r.get(0),
            )
            .map_err(db)?;
        to_u64(n, "count")
    }

    fn counters(&self, authority: &CreditCode) -> Result<Counters, RegistryError> {
        let tx = self.read()?;
        counters(&tx, authority)
    }
}
