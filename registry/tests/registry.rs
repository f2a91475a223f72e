//! Behaviour of the registry through its public API.

use elicense::identifiers::{CreditCode, LicenceTypeCode};
use elicense::licence::Licence;
use elicense::status::{Status, Transition};
use elicense::ReasonCode;
use elicense_registry::{
    format_serial, Allocation, Counters, IssuedRecord, Registry, RegistryError, SqliteRegistry,
};

const AUTHORITY_A: &str = "11310000MB2F31727A";
const AUTHORITY_B: &str = "91310115MA1K4LQX58";
const TYPE_CODE: &str = "11100000000013338W011";

fn code(s: &str) -> CreditCode {
    s.parse().unwrap()
}

fn record_for(a: &Allocation) -> IssuedRecord {
    IssuedRecord {
        serial: a.serial.clone(),
        version: 1,
        type_code: LicenceTypeCode::parse(TYPE_CODE).unwrap(),
        holder_code: "91310115MA1K4LQX58".into(),
        holder_name: "上海浦江智联科技有限公司".into(),
        status_index: a.status_index,
        issued_at: 1_716_170_400,
        cose: vec![0xD2, 0x84, a.status_index as u8],
    }
}

/// Allocates and records one licence; returns its index.
fn issue(reg: &mut dyn Registry, authority: &CreditCode) -> u64 {
    let a = reg.allocate(authority).unwrap();
    reg.record_issued(authority, &record_for(&a)).unwrap();
    a.status_index
}

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("{name}-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

#[test]
fn serials_and_indices_are_sequential() {
    let mut reg = SqliteRegistry::open_in_memory().unwrap();
    let a = code(AUTHORITY_A);
    assert_eq!(reg.counters(&a).unwrap(), Counters::default());
    let first = reg.allocate(&a).unwrap();
    assert_eq!(
        first,
        Allocation {
            serial: "000000000001".into(),
            status_index: 0
        }
    );
    let batch = reg.allocate_batch(&a, 3).unwrap();
    let serials: Vec<_> = batch.iter().map(|a| a.serial.as_str()).collect();
    assert_eq!(serials, ["000000000002", "000000000003", "000000000004"]);
    assert_eq!(
        batch.iter().map(|a| a.status_index).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(reg.allocate_batch(&a, 0).unwrap().is_empty());
    assert_eq!(
        reg.counters(&a).unwrap(),
        Counters {
            next_serial: 5,
            next_index: 4
        }
    );
    assert_eq!(format_serial(17), "000000000017");
    // Every serial is a valid GB/T 36904 serial.
    elicense::identifiers::LicenceIdentifier::new(
        LicenceTypeCode::parse(TYPE_CODE).unwrap(),
        a.clone().into(),
        &first.serial,
        1,
    )
    .unwrap();
}

#[test]
fn record_refuses_unallocated_mismatched_and_repeated() {
    let mut reg = SqliteRegistry::open_in_memory().unwrap();
    let a = code(AUTHORITY_A);
    let b = code(AUTHORITY_B);
    let alloc = reg.allocate(&a).unwrap();

    // A serial never allocated.
    let mut rec = record_for(&alloc);
    rec.serial = "000000000099".into();
    let err = reg.record_issued(&a, &rec).unwrap_err();
    assert_eq!(
        err,
        RegistryError::NotAllocated {
            serial: "000000000099".into()
        }
    );
    assert_eq!(err.reason(), ReasonCode::InvalidArgument);

    // Allocated to another authority.
    let err = reg.record_issued(&b, &record_for(&alloc)).unwrap_err();
    assert!(matches!(err, RegistryError::NotAllocated { .. }), "{err}");

    // The wrong index for the serial.
    let mut rec = record_for(&alloc);
    rec.status_index = 5;
    assert_eq!(
        reg.record_issued(&a, &rec).unwrap_err(),
        RegistryError::IndexMismatch {
            serial: alloc.serial.clone(),
            allocated: 0,
            given: 5
        }
    );

    // Empty COSE.
    let mut rec = record_for(&alloc);
    rec.cose.clear();
    assert!(matches!(
        reg.record_issued(&a, &rec).unwrap_err(),
        RegistryError::Invalid(_)
    ));

    // Recorded once, then refused.
    reg.record_issued(&a, &record_for(&alloc)).unwrap();
    assert_eq!(
        reg.record_issued(&a, &record_for(&alloc)).unwrap_err(),
        RegistryError::AlreadyRecorded {
            serial: alloc.serial.clone()
        }
    );
    assert_eq!(reg.issued_count(&a).unwrap(), 1);
    assert_eq!(
        reg.record(&a, &alloc.serial).unwrap(),
        Some(record_for(&alloc))
    );
    assert_eq!(reg.record(&b, &alloc.serial).unwrap(), None);
    assert_eq!(reg.issued(&a).unwrap(), vec![record_for(&alloc)]);
}

#[test]
fn every_transition_allowed_and_refused() {
    use Status::*;
    use Transition::*;
    let a = code(AUTHORITY_A);
    // (from, action, expected result: Ok(to) or Err(from))
    let cases = [
        (Valid, Revoke, Ok(Revoked)),
        (Valid, Suspend, Ok(Suspended)),
        (Valid, Reinstate, Err(Valid)),
        (Suspended, Revoke, Ok(Revoked)),
        (Suspended, Suspend, Err(Suspended)),
        (Suspended, Reinstate, Ok(Valid)),
        (Revoked, Revoke, Err(Revoked)),
        (Revoked, Suspend, Err(Revoked)),
        (Revoked, Reinstate, Err(Revoked)),
    ];
    for (from, action, expected) in cases {
        let mut reg = SqliteRegistry::open_in_memory().unwrap();
        let i = issue(&mut reg, &a);
        match from {
            Valid => {}
            Suspended => {
                reg.set_status(&a, i, Suspend).unwrap();
            }
            Revoked => {
                reg.set_status(&a, i, Revoke).unwrap();
            }
        }
        assert_eq!(reg.status(&a, i).unwrap(), from);
        match (reg.set_status(&a, i, action), expected) {
            (Ok(to), Ok(want)) => {
                assert_eq!(to, want, "{from} {action}");
                assert_eq!(reg.status(&a, i).unwrap(), want);
            }
            (Err(err), Err(current)) => {
                assert_eq!(
                    err,
                    RegistryError::Transition {
                        index: i,
                        action,
                        from: current
                    }
                );
                assert_eq!(err.reason(), ReasonCode::StatusTransitionInvalid);
                assert!(
                    err.to_string().contains(&format!("it is {current}")),
                    "{err}"
                );
                assert_eq!(reg.status(&a, i).unwrap(), from, "unchanged");
            }
            (got, want) => panic!("{from} {action}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn status_of_unallocated_and_unissued_indices() {
    let mut reg = SqliteRegistry::open_in_memory().unwrap();
    let a = code(AUTHORITY_A);
    let err = reg.set_status(&a, 0, Transition::Revoke).unwrap_err();
    assert_eq!(
        err,
        RegistryError::IndexNotAllocated {
            index: 0,
            next_index: 0
        }
    );
    assert_eq!(err.reason(), ReasonCode::StatusIndexOutOfRange);
    let alloc = reg.allocate(&a).unwrap();
    // Allocated, not recorded: reads valid, cannot change.
    assert_eq!(reg.status(&a, alloc.status_index).unwrap(), Status::Valid);
    assert_eq!(
        reg.set_status(&a, alloc.status_index, Transition::Suspend)
            .unwrap_err(),
        RegistryError::NotIssued { index: 0 }
    );
    assert!(matches!(
        reg.status(&a, 1).unwrap_err(),
        RegistryError::IndexNotAllocated {
            index: 1,
            next_index: 1
        }
    ));
}

#[test]
fn batches_are_all_or_nothing() {
    let mut reg = SqliteRegistry::open_in_memory().unwrap();
    let a = code(AUTHORITY_A);
    let idx: Vec<u64> = (0..5).map(|_| issue(&mut reg, &a)).collect();
    reg.set_status(&a, idx[3], Transition::Revoke).unwrap();
    // The fourth is revoked already: the whole batch is refused.
    let err = reg.revoke_batch(&a, &idx).unwrap_err();
    assert_eq!(
        err,
        RegistryError::Transition {
            index: idx[3],
            action: Transition::Revoke,
            from: Status::Revoked
        }
    );
    for &i in &idx {
        let want = if i == idx[3] {
            Status::Revoked
        } else {
            Status::Valid
        };
        assert_eq!(reg.status(&a, i).unwrap(), want);
    }
    // An index listed twice sees the first change.
    assert!(reg
        .set_status_batch(&a, &[idx[0], idx[0]], Transition::Suspend)
        .is_err());
    assert_eq!(reg.status(&a, idx[0]).unwrap(), Status::Valid);
    // Without the bad one it goes through.
    assert_eq!(
        reg.revoke_batch(&a, &[idx[0], idx[1], idx[2], idx[4]])
            .unwrap(),
        vec![Status::Revoked; 4]
    );
    assert!(reg.revoke_batch(&a, &[]).unwrap().is_empty());
    // allocate_batch past the limit allocates nothing.
    let before = reg.counters(&a).unwrap();
    assert!(matches!(
        reg.allocate_batch(&a, elicense_registry::MAX_BATCH + 1),
        Err(RegistryError::Invalid(_))
    ));
    assert_eq!(reg.counters(&a).unwrap(), before);
}

#[test]
fn status_list_matches_states() {
    let mut reg = SqliteRegistry::open_in_memory().unwrap();
    let a = code(AUTHORITY_A);
    assert_eq!(reg.status_list(&a, 0).unwrap().len(), 1, "never empty");
    let idx: Vec<u64> = (0..10).map(|_| issue(&mut reg, &a)).collect();
    reg.allocate(&a).unwrap(); // index 10, not recorded
    reg.revoke_batch(&a, &[idx[1], idx[4]]).unwrap();
    reg.set_status_batch(&a, &[idx[2], idx[7]], Transition::Suspend)
        .unwrap();
    reg.set_status(&a, idx[7], Transition::Reinstate).unwrap();
    reg.set_status(&a, idx[2], Transition::Revoke).unwrap();

    let short = reg.status_list(&a, 4).unwrap();
    assert_eq!(short.len(), 11, "covers every allocated index");
    let list = reg.status_list(&a, 1000).unwrap();
    assert_eq!(list.len(), 1000);
    assert_eq!(list.bits(), 2);
    for i in 0..1000u64 {
        let want = match i {
            1 | 2 | 4 => Status::Revoked,
            _ => Status::Valid,
        };
        assert_eq!(list.get(i).unwrap(), want, "index {i}");
        if i < 11 {
            assert_eq!(reg.status(&a, i).unwrap(), want);
        }
    }
    reg.set_status(&a, idx[9], Transition::Suspend).unwrap();
    assert_eq!(
        reg.status_list(&a, 0).unwrap().get(9).unwrap(),
        Status::Suspended
    );
}

#[test]
fn two_authorities_are_independent() {
    let mut reg = SqliteRegistry::open_in_memory().unwrap();
    let (a, b) = (code(AUTHORITY_A), code(AUTHORITY_B));
    for _ in 0..3 {
        issue(&mut reg, &a);
    }
    let first_b = reg.allocate(&b).unwrap();
    assert_eq!(first_b.serial, "000000000001");
    assert_eq!(first_b.status_index, 0);
    reg.record_issued(&b, &record_for(&first_b)).unwrap();
    reg.set_status(&a, 0, Transition::Revoke).unwrap();
    assert_eq!(reg.status(&b, 0).unwrap(), Status::Valid);
    assert_eq!(reg.status(&a, 0).unwrap(), Status::Revoked);
    assert_eq!(reg.issued_count(&a).unwrap(), 3);
    assert_eq!(reg.issued_count(&b).unwrap(), 1);
    assert_eq!(reg.counters(&b).unwrap().next_index, 1);
    assert_eq!(
        reg.status_list(&b, 0).unwrap().get(0).unwrap(),
        Status::Valid
    );
}

#[test]
fn indices_never_reused_across_reopen() {
    let path = temp_db("reopen");
    let a = code(AUTHORITY_A);
    let mut seen = std::collections::HashSet::new();
    let mut serials = std::collections::HashSet::new();
    for round in 0..3 {
        let mut reg = SqliteRegistry::open(&path).unwrap();
        // Allocate some, record only some: unrecorded allocations still count.
        for k in 0..4 {
            let alloc = reg.allocate(&a).unwrap();
            assert!(seen.insert(alloc.status_index), "index reused");
            assert!(serials.insert(alloc.serial.clone()), "serial reused");
            if k % 2 == 0 {
                reg.record_issued(&a, &record_for(&alloc)).unwrap();
            }
        }
        assert_eq!(reg.counters(&a).unwrap().next_index, 4 * (round + 1));
        reg.integrity_check().unwrap();
    }
    let reg = SqliteRegistry::open(&path).unwrap();
    assert_eq!(
        reg.counters(&a).unwrap(),
        Counters {
            next_serial: 13,
            next_index: 12
        }
    );
    assert_eq!(reg.issued_count(&a).unwrap(), 6);
}

#[test]
fn record_from_licence() {
    let licence = Licence::builder()
        .type_code(TYPE_CODE)
        .serial("000000000001")
        .version(2)
        .organisation("上海浦江智联科技有限公司", "91310115MA1K4LQX58")
        .issued_at(1_716_170_400)
        .valid_from(chrono_date())
        .long_term()
        .status_index(0)
        .build()
        .unwrap();
    let rec = IssuedRecord::from_licence(&licence, vec![0xD2]).unwrap();
    assert_eq!(rec.serial, "000000000001");
    assert_eq!(rec.version, 2);
    assert_eq!(rec.holder_code, "91310115MA1K4LQX58");
    assert_eq!(rec.status_index, 0);
    let mut reg: Box<dyn Registry> = Box::new(SqliteRegistry::open_in_memory().unwrap());
    let a = code(AUTHORITY_A);
    reg.allocate(&a).unwrap();
    reg.record_issued(&a, &rec).unwrap();
    assert_eq!(reg.record(&a, "000000000001").unwrap(), Some(rec));
}

fn chrono_date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2019, 5, 20).unwrap()
}

#[test]
fn a_file_that_is_not_a_registry_is_storage_failed() {
    let path = temp_db("not-a-database");
    std::fs::write(
        &path,
        b"this is a text file, not an SQLite database, and it is long enough to have a header page",
    )
    .unwrap();
    let err = SqliteRegistry::open(&path).map(|_| ()).unwrap_err();
    assert!(matches!(err, RegistryError::Storage(_)), "{err}");
    assert_eq!(err.reason(), ReasonCode::StorageFailed);
    assert_eq!(err.reason().as_str(), "STORAGE_FAILED");
}

#[test]
fn publication_times_strictly_increase_and_survive_reopen() {
    let path = temp_db("publications");
    let (a, b) = (code("11310000MB2F31727A"), code("114400000073356321"));
    {
        let mut reg = SqliteRegistry::open(&path).unwrap();
        assert_eq!(reg.reserve_publication_time(&a, 1_000).unwrap(), 1_000);
        // Twice in one second, then a clock that stepped back.
        assert_eq!(reg.reserve_publication_time(&a, 1_000).unwrap(), 1_001);
        assert_eq!(reg.reserve_publication_time(&a, 500).unwrap(), 1_002);
        assert_eq!(reg.reserve_publication_time(&a, 2_000).unwrap(), 2_000);
        // Another authority has its own sequence.
        assert_eq!(reg.reserve_publication_time(&b, 1_000).unwrap(), 1_000);
    }
    let mut reg = SqliteRegistry::open(&path).unwrap();
    assert_eq!(reg.reserve_publication_time(&a, 2_000).unwrap(), 2_001);
    assert_eq!(reg.reserve_publication_time(&b, 999).unwrap(), 1_001);
    // At the end of time there is no next second.
    assert_eq!(
        reg.reserve_publication_time(&a, i64::MAX).unwrap(),
        i64::MAX
    );
    let err = reg.reserve_publication_time(&a, 0).unwrap_err();
    assert!(matches!(err, RegistryError::Invalid(_)), "{err}");
    assert_eq!(reg.reserve_publication_time(&b, 0).unwrap(), 1_002);
}

#[test]
fn a_version_1_database_gains_the_publications_table() {
    let path = temp_db("schema-v1");
    let a = code("11310000MB2F31727A");
    {
        let mut reg = SqliteRegistry::open(&path).unwrap();
        issue(&mut reg, &a);
    }
    // Make it a version 1 database, as the first release wrote them.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("DROP TABLE publications; PRAGMA user_version = 1;")
            .unwrap();
    }
    let mut reg = SqliteRegistry::open(&path).unwrap();
    assert_eq!(reg.issued_count(&a).unwrap(), 1);
    assert_eq!(reg.reserve_publication_time(&a, 7).unwrap(), 7);
    assert_eq!(reg.reserve_publication_time(&a, 7).unwrap(), 8);
    reg.integrity_check().unwrap();
}
