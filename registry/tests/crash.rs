//! Crash test: a writer process is killed with SIGKILL in the middle of its
//! work, several times, and the database must be consistent each time.
//!
//! The writer is this test binary run again with [`DB_ENV`] set: the test
//! [`crash_writer_child`] then loops over deterministic *rounds* against the
//! database until it is killed. Round `r`:
//!
//! 1. `allocate_batch(n_r)` (one transaction), `n_r = 5 + 7r mod 13`;
//! 2. `record_issued` for each allocation, in order (one transaction each);
//! 3. `revoke_batch` of the round's indices `≡ 0 (mod 3)` (one transaction);
//! 4. `set_status_batch(Suspend)` of those `≡ 1 (mod 3)` (one transaction).
//!
//! A restarted writer resumes at the round whose first index is the
//! database's `next_index`, abandoning the rest of the interrupted round.
//! Because the rounds are deterministic, the checker knows from the
//! database alone what every committed operation must have written, and
//! checks after every kill, on a freshly reopened database:
//!
//! * SQLite's integrity check passes;
//! * `next_index` is the first index of some round (an allocation batch is
//!   all or nothing) and `next_serial == next_index + 1`;
//! * the allocations are exactly indices `0..next_index` with serials
//!   `1..next_serial`, each once (nothing duplicated, nothing beyond the
//!   counters);
//! * the recorded licences of each round are a prefix of the round, with
//!   their full contents;
//! * each revocation batch and each suspension batch is applied to all of
//!   its indices or to none, and only after the round was fully recorded
//!   (for suspension: after its revocation batch);
//! * at most one round per kill is left unfinished;
//! * the status list built from the database says, entry by entry, what the
//!   records say.
//!
//! Finally a new allocation gets the next index and a serial never seen.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use elicense::identifiers::{CreditCode, LicenceTypeCode};
use elicense::status::{Status, Transition};
use elicense_registry::{format_serial, Allocation, IssuedRecord, Registry, SqliteRegistry};

/// Set in the child: the database path the writer works on.
const DB_ENV: &str = "ELICENSE_REGISTRY_CRASH_WRITER_DB";
/// Optional: the seed of the kill times, to replay a run.
const SEED_ENV: &str = "ELICENSE_REGISTRY_CRASH_SEED";
/// Number of kills.
const KILLS: usize = 5;
/// The writer stops by itself after this long (if its parent is gone).
const WRITER_LIMIT: Duration = Duration::from_secs(60);

fn authority() -> CreditCode {
    "11310000MB2F31727A".parse().unwrap()
}

/// Allocations in round `r`.
fn round_len(r: u64) -> u64 {
    5 + (7 * r) % 13
}

/// First index of round `r`.
fn round_start(r: u64) -> u64 {
    (0..r).map(round_len).sum()
}

/// The round whose first index is `index`, if one is.
fn round_at(index: u64) -> Option<u64> {
    let (mut r, mut start) = (0, 0);
    while start < index {
        start += round_len(r);
        r += 1;
    }
    (start == index).then_some(r)
}

fn revoke_set(r: u64) -> Vec<u64> {
    let s = round_start(r);
    (s..s + round_len(r)).filter(|i| i % 3 == 0).collect()
}

fn suspend_set(r: u64) -> Vec<u64> {
    let s = round_start(r);
    (s..s + round_len(r)).filter(|i| i % 3 == 1).collect()
}

fn record_for(a: &Allocation) -> IssuedRecord {
    IssuedRecord {
        serial: a.serial.clone(),
        version: 1,
        type_code: LicenceTypeCode::parse("11100000000013338W011").unwrap(),
        holder_code: "91310115MA1K4LQX58".into(),
        holder_name: format!("持证单位{}", a.status_index),
        status_index: a.status_index,
        issued_at: 1_716_170_400 + a.status_index as i64,
        // Some bulk, so that the writer spends time in every statement.
        cose: a.status_index.to_le_bytes().repeat(64),
    }
}

/// The writer. Does nothing unless run as the child of the crash test.
#[test]
fn crash_writer_child() {
    let Ok(path) = std::env::var(DB_ENV) else {
        return;
    };
    let mut reg = SqliteRegistry::open(&path).unwrap();
    let a = authority();
    let mut r =
        round_at(reg.counters(&a).unwrap().next_index).expect("next_index is the start of a round");
    let started = Instant::now();
    while started.elapsed() < WRITER_LIMIT {
        let allocs = reg.allocate_batch(&a, round_len(r) as usize).unwrap();
        assert_eq!(allocs[0].status_index, round_start(r));
        for alloc in &allocs {
            reg.record_issued(&a, &record_for(alloc)).unwrap();
        }
        reg.revoke_batch(&a, &revoke_set(r)).unwrap();
        reg.set_status_batch(&a, &suspend_set(r), Transition::Suspend)
            .unwrap();
        r += 1;
    }
}

/// What one check saw.
#[derive(Debug, Default)]
struct Seen {
    rounds: u64,
    allocated: u64,
    recorded: usize,
    unfinished_rounds: u64,
    revoke_batches: u64,
    suspend_batches: u64,
}

/// Checks the database after a kill; `kills` so far.
fn check(path: &Path, kills: u64) -> Seen {
    let a = authority();
    let reg = SqliteRegistry::open(path).unwrap();
    reg.integrity_check().unwrap();
    let c = reg.counters(&a).unwrap();
    let rounds = round_at(c.next_index)
        .unwrap_or_else(|| panic!("next_index {} is inside a round", c.next_index));
    assert_eq!(
        c.next_serial,
        c.next_index + 1,
        "serials and indices in step"
    );

    // Allocations: exactly 0..next_index, serial = index + 1, each once.
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT serial, status_index FROM allocations WHERE authority = ?1 ORDER BY status_index")
        .unwrap();
    let allocations: Vec<(String, i64)> = stmt
        .query_map([a.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        allocations.len() as u64,
        c.next_index,
        "one row per allocated index"
    );
    for (k, (serial, index)) in allocations.iter().enumerate() {
        assert_eq!(*index, k as i64, "indices 0..next_index, none twice");
        assert_eq!(
            *serial,
            format_serial(k as u64 + 1),
            "serials 1..next_serial, none twice"
        );
    }
    let distinct: (i64, i64) = conn
        .query_row(
            "SELECT COUNT(DISTINCT serial), COUNT(DISTINCT status_index) FROM allocations",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(distinct, (c.next_index as i64, c.next_index as i64));

    // Records: full contents, each under its allocation.
    let records: HashMap<u64, IssuedRecord> = reg
        .issued(&a)
        .unwrap()
        .into_iter()
        .map(|rec| (rec.status_index, rec))
        .collect();
    for (index, rec) in &records {
        assert!(*index < c.next_index);
        let alloc = Allocation {
            serial: format_serial(index + 1),
            status_index: *index,
        };
        assert_eq!(*rec, record_for(&alloc), "record {index} intact");
    }
    let status_of = |i: u64| {
        let s = reg.status(&a, i).unwrap();
        if !records.contains_key(&i) {
            assert_eq!(s, Status::Valid, "an unrecorded index reads valid");
        }
        s
    };

    let mut seen = Seen {
        rounds,
        allocated: c.next_index,
        recorded: records.len(),
        ..Seen::default()
    };
    for r in 0..rounds {
        let (start, len) = (round_start(r), round_len(r));
        let recorded = (start..start + len)
            .take_while(|i| records.contains_key(i))
            .count() as u64;
        assert!(
            (start + recorded..start + len).all(|i| !records.contains_key(&i)),
            "round {r}: records are a prefix of the round"
        );
        let revoked = revoke_set(r)
            .into_iter()
            .filter(|&i| status_of(i) == Status::Revoked)
            .count();
        let suspended = suspend_set(r)
            .into_iter()
            .filter(|&i| status_of(i) == Status::Suspended)
            .count();
        let revoke_applied = revoked == revoke_set(r).len();
        let suspend_applied = suspended == suspend_set(r).len();
        assert!(
            revoked == 0 || revoke_applied,
            "round {r}: revocation batch torn ({revoked})"
        );
        assert!(
            suspended == 0 || suspend_applied,
            "round {r}: suspension batch torn ({suspended})"
        );
        if revoke_applied {
            assert_eq!(recorded, len, "round {r}: revoked before fully recorded");
            seen.revoke_batches += 1;
        }
        if suspend_applied {
            assert!(revoke_applied, "round {r}: suspended before revoked");
            seen.suspend_batches += 1;
        } else {
            seen.unfinished_rounds += 1;
        }
        for i in (start..start + len).filter(|i| i % 3 == 2) {
            assert_eq!(status_of(i), Status::Valid, "index {i} never changed");
        }
    }
    assert!(seen.recorded as u64 <= seen.allocated);
    assert!(seen.revoke_batches <= seen.rounds && seen.suspend_batches <= seen.revoke_batches);
    assert!(
        seen.unfinished_rounds <= kills,
        "{} unfinished rounds after {kills} kills",
        seen.unfinished_rounds
    );

    // The status list agrees with the records, entry by entry.
    let list = reg.status_list(&a, 0).unwrap();
    assert_eq!(list.len() as u64, c.next_index.max(1));
    for i in 0..list.len() as u64 {
        let want = records.get(&i).map_or(Status::Valid, |_| status_of(i));
        assert_eq!(list.get(i).unwrap(), want, "status list entry {i}");
    }
    seen
}

/// A small xorshift generator for kill times.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn fresh_db() -> PathBuf {
    let path =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("crash-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

#[test]
fn writer_killed_mid_batch_leaves_registry_consistent() {
    let seed = std::env::var(SEED_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test seed: {seed} (set {SEED_ENV} to replay)");
    let mut rng = Rng(seed);
    let path = fresh_db();
    let a = authority();
    let exe = std::env::current_exe().unwrap();
    let mut last = 0;

    for kill in 1..=KILLS as u64 {
        let mut child = Command::new(&exe)
            .args([
                "crash_writer_child",
                "--exact",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(DB_ENV, &path)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the writer is well into its work ...
        {
            let reg = SqliteRegistry::open(&path).unwrap();
            let deadline = Instant::now() + Duration::from_secs(30);
            while reg.counters(&a).unwrap().next_index < last + 40 {
                if let Some(status) = child.try_wait().unwrap() {
                    panic!("the writer stopped by itself: {status}");
                }
                assert!(Instant::now() < deadline, "the writer makes no progress");
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        // ... then kill it at a random point.
        std::thread::sleep(Duration::from_micros(rng.next() % 150_000));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(status.signal(), Some(9), "killed by SIGKILL, not finished");
        }
        #[cfg(not(unix))]
        let _ = status;

        let seen = check(&path, kill);
        eprintln!("after kill {kill}: {seen:?}");
        assert!(seen.allocated > last, "the writer made progress");
        last = seen.allocated;
    }

    // After the crashes, allocation goes on past everything recorded.
    let mut reg = SqliteRegistry::open(&path).unwrap();
    let before = reg.counters(&a).unwrap();
    let alloc = reg.allocate(&a).unwrap();
    assert_eq!(alloc.status_index, before.next_index);
    assert_eq!(alloc.serial, format_serial(before.next_serial));
    assert!(reg.record(&a, &alloc.serial).unwrap().is_none());
    assert!(reg
        .issued(&a)
        .unwrap()
        .iter()
        .all(|r| r.status_index < alloc.status_index && r.serial < alloc.serial));
}
