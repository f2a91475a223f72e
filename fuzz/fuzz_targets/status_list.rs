//! Bytes → status lists: token claims decoding (unsigned), signed-token
//! verification against the fixed authorities of `elicense_fuzz::world`
//! (licence and status-list signing), and raw `lst` inflation.
//!
//! Properties: decoded claims re-encode to claims that decode to an equal
//! token, stably; a decoded list holds `8 × bytes / bits` entries, all
//! readable, and no more than `MAX_LIST_BYTES` bytes; a token that verifies
//! is its payload, names the expected subject, was issued while the
//! certificate was valid, and does not verify for another subject;
//! `StatusList::decompress` never makes an allocation larger than
//! `MAX_LIST_BYTES + 1` (the inflater's one byte of "past the limit"
//! headroom), measured by a counting global allocator.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use elicense::envelope::{ArtifactType, Sign1};
use elicense::status::{StatusList, StatusListToken, MAX_LIST_BYTES};
use elicense_fuzz::world;
use elicense_fuzz::world::{status_subject, MAX_AGE};
use elicense_fuzz::NOW;
use libfuzzer_sys::fuzz_target;

/// Records the largest single allocation (or reallocation) made while
/// `TRACKING` is set.
struct Counting;

static TRACKING: AtomicBool = AtomicBool::new(false);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

fn note(size: usize) {
    if TRACKING.load(Ordering::Relaxed) {
        LARGEST.fetch_max(size, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn check_list(list: &StatusList) {
    let bytes = list.as_bytes().len();
    assert!(bytes <= MAX_LIST_BYTES, "a list of {bytes} bytes decoded");
    assert!(bytes > 0, "an empty list decoded");
    assert_eq!(
        list.len(),
        bytes * 8 / usize::from(list.bits()),
        "entry count disagrees with the byte array"
    );
    let last = list.len() as u64 - 1;
    for i in [0, last / 2, last] {
        assert!(
            list.get_value(i).is_ok(),
            "entry {i} of {} unreadable",
            list.len()
        );
    }
    assert!(list.get_value(last + 1).is_err(), "entry past the end read");
}

fn round_trip(token: &StatusListToken) {
    check_list(token.list());
    let claims = token.to_claims();
    let back = StatusListToken::from_claims(&claims).expect("re-encoded status claims decode");
    assert_eq!(&back, token, "status token round trip changed the token");
    assert_eq!(
        back.to_claims(),
        claims,
        "status claims encoding is not stable"
    );
}

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = StatusListToken::from_claims(data) {
        round_trip(&token);
    }

    let w = world();
    for (i, r) in w.regions.iter().enumerate() {
        let subject = status_subject(&r.authority);
        let Ok(verified) = StatusListToken::verify(data, &r.authority, &subject, elicense::UnixTime::from_secs(NOW), MAX_AGE)
        else {
            continue;
        };
        let token = &verified.token;
        assert_eq!(token.subject(), subject, "verified for another subject");
        assert_eq!(verified.freshness, token.freshness(elicense::UnixTime::from_secs(NOW), MAX_AGE));
        assert!(
            r.authority.check_time(token.issued_at()).is_ok(),
            "verified a list issued outside the certificate's validity"
        );
        let sign1 = Sign1::decode(data, ArtifactType::StatusList)
            .expect("a verified status list decodes as COSE");
        assert_eq!(
            StatusListToken::from_claims(sign1.payload()).as_ref(),
            Ok(token),
            "verify returned a token other than its payload"
        );
        let other = status_subject(&w.regions[1 - i].authority);
        assert!(
            StatusListToken::verify(data, &r.authority, &other, elicense::UnixTime::from_secs(NOW), MAX_AGE).is_err(),
            "a status list verified for two subjects"
        );
        round_trip(token);
    }

    LARGEST.store(0, Ordering::Relaxed);
    TRACKING.store(true, Ordering::Relaxed);
    let list = StatusList::decompress(2, data);
    TRACKING.store(false, Ordering::Relaxed);
    let largest = LARGEST.load(Ordering::Relaxed);
    assert!(
        largest <= MAX_LIST_BYTES + 1,
        "StatusList::decompress made an allocation of {largest} bytes (limit {MAX_LIST_BYTES}); \
         result: {list:?}"
    );
    if let Ok(list) = list {
        check_list(&list);
        let again = StatusList::decompress(2, &list.compress()).expect("compressed list inflates");
        assert_eq!(again, list, "compress + decompress changed the list");
    }
});
