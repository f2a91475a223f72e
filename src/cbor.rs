//! Strict CBOR decoding and deterministic CBOR encoding (RFC 8949).
//!
//! Decoders reject duplicate map keys, indefinite lengths, trailing bytes,
//! and anything larger than the documented limits (docs/FORMAT.md §1, §7),
//! before any expensive work. `ciborium` alone accepts all of these, so [`decode`]
//! first runs [`validate`], a single pass over the raw bytes that allocates
//! nothing per item and whose nesting is bounded by an explicit stack, and
//! only then hands the bytes to `ciborium`.
//!
//! # The accepted profile
//!
//! [`validate`] accepts exactly one well-formed CBOR data item followed by
//! the end of the input, and additionally requires:
//!
//! - **Definite lengths only.** Indefinite-length strings, arrays and maps
//!   are [`CborError::IndefiniteLength`]; a stray "break" byte (0xFF) is
//!   [`CborError::Malformed`].
//! - **Limits** ([`Limits`]): the whole input, every string (in bytes), every
//!   array and every map (in entries) and the nesting depth (every array,
//!   map and tag counts one level) are bounded. Declared lengths are checked
//!   against the limits and the remaining input before anything is read, so
//!   a header declaring a 2^63-byte string or a billion array entries fails
//!   at once.
//! - **Text strings are valid UTF-8.**
//! - **Map keys** are integers, text strings or byte strings, and no map
//!   repeats a key. Keys are compared by value: `0x01` and the non-shortest
//!   `0x18 0x01` are the same key, text keys compare by content, and an
//!   integer key never equals a string key.
//! - **Simple values**: only `false`, `true` and `null`. Floating-point
//!   numbers, `undefined` and every other simple value are
//!   [`CborError::Unsupported`]: none of our formats uses them, and refusing
//!   them removes NaN payloads, negative zero and similar ambiguity.
//! - **Tags** are allowed (COSE_Sign1 is tag 18); any tag number is accepted
//!   here and checked by the format that expects it.
//!
//! Non-shortest heads are accepted (they are well-formed CBOR); signatures
//! are verified over the bytes as received, never over a re-encoding.
//!
//! # Encoding
//!
//! [`encode`] produces *core deterministic encoding* (RFC 8949 §4.2.1):
//! shortest-form heads, definite lengths only, and map entries sorted by the
//! bytewise lexicographic order of their encoded keys.

use crate::ReasonCode;
use ciborium::Value;

/// Size limits that [`validate`] and [`decode`] enforce.
///
/// The defaults ([`Limits::DEFAULT`]) are the values `docs/FORMAT.md`
/// quotes: nesting depth 16, 4096 bytes per string and 4096 entries per
/// array or map, 8192 bytes of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting depth; every array, map and tag counts one level.
    pub max_depth: usize,
    /// Maximum length of any byte or text string (in bytes).
    pub max_len: usize,
    /// Maximum number of entries of any array or map (a map entry is a
    /// key/value pair). [`Limits::new`] sets it to `max_len`.
    pub max_entries: usize,
    /// Maximum length of the whole input in bytes.
    pub max_input: usize,
}

impl Limits {
    /// The documented default limits: depth 16, `max_len` 4096, input 8192 bytes.
    pub const DEFAULT: Limits = Limits::new(16, 4096, 8192);

    /// Limits with the given depth, string/container length and input size.
    pub const fn new(max_depth: usize, max_len: usize, max_input: usize) -> Self {
        Limits {
            max_depth,
            max_len,
            max_entries: max_len,
            max_input,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Why CBOR input was rejected. Every variant carries the byte offset in the
/// input where the problem was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CborError {
    /// The input is not well-formed CBOR or is truncated.
    #[error("CBOR is malformed or truncated at byte {offset}")]
    Malformed {
        /// Byte offset of the problem.
        offset: usize,
    },
    /// An indefinite-length string, array or map.
    #[error("CBOR item at byte {offset} has an indefinite length, which is not allowed")]
    IndefiniteLength {
        /// Byte offset of the item's head.
        offset: usize,
    },
    /// A map repeats a key.
    #[error("CBOR map key at byte {offset} repeats an earlier key of the same map")]
    DuplicateKey {
        /// Byte offset of the repeated (later) key.
        offset: usize,
    },
    /// Bytes follow the top-level item.
    #[error("CBOR input has bytes after the top-level item, starting at byte {offset}")]
    TrailingBytes {
        /// Byte offset of the first trailing byte.
        offset: usize,
    },
    /// Nesting deeper than [`Limits::max_depth`].
    #[error("CBOR item at byte {offset} is nested deeper than the limit")]
    TooDeep {
        /// Byte offset of the array, map or tag that exceeds the limit.
        offset: usize,
    },
    /// The input, a string, an array or a map is larger than its limit.
    #[error("CBOR item at byte {offset} has length {len}, above the limit of {limit}")]
    ItemTooLarge {
        /// Byte offset of the item (0 for the whole input).
        offset: usize,
        /// The declared length: bytes for the input and strings, entries for
        /// arrays and maps. A `u64` because a declared length may exceed `usize`.
        len: u64,
        /// The limit that was exceeded.
        limit: usize,
    },
    /// A well-formed item outside the accepted profile (see the module documentation).
    #[error("CBOR item at byte {offset} is not supported: {what}")]
    Unsupported {
        /// Byte offset of the item's head.
        offset: usize,
        /// What was found.
        what: &'static str,
    },
}

impl CborError {
    /// The stable reason code for this error.
    pub fn reason(&self) -> ReasonCode {
        match self {
            CborError::Malformed { .. } => ReasonCode::CborMalformed,
            CborError::IndefiniteLength { .. } => ReasonCode::CborIndefiniteLength,
            CborError::DuplicateKey { .. } => ReasonCode::CborDuplicateKey,
            CborError::TrailingBytes { .. } => ReasonCode::CborTrailingBytes,
            CborError::TooDeep { .. } => ReasonCode::CborTooDeep,
            CborError::ItemTooLarge { .. } => ReasonCode::CborItemTooLarge,
            CborError::Unsupported { .. } => ReasonCode::CborUnsupported,
        }
    }
}

const WHAT_FLOAT: &str = "floating-point number";
const WHAT_UNDEFINED: &str = "undefined value";
const WHAT_SIMPLE: &str = "simple value other than false, true or null";
const WHAT_KEY: &str = "map key that is not an integer, text string or byte string";

/// Maps with at most this many entries check each key against the earlier
/// ones by linear scan; larger maps sort their keys once when they close.
const LINEAR_KEY_CHECK: u64 = 16;

/// Reads the head at `*pos`, advancing `*pos` past it. Returns the major
/// type, the additional information and the argument.
#[inline]
fn read_head(bytes: &[u8], pos: &mut usize) -> Result<(u8, u8, u64), CborError> {
    let start = *pos;
    let malformed = CborError::Malformed { offset: start };
    let &initial = bytes.get(start).ok_or(malformed.clone())?;
    let major = initial >> 5;
    let ai = initial & 0x1F;
    let (arg, head_len) = match ai {
        0..=23 => (u64::from(ai), 1),
        24..=27 => {
            let n = 1usize << (ai - 24);
            let arg_bytes = bytes.get(start + 1..start + 1 + n).ok_or(malformed)?;
            let arg = arg_bytes
                .iter()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            (arg, 1 + n)
        }
        28..=30 => return Err(malformed),
        _ => {
            return Err(match major {
                2..=5 => CborError::IndefiniteLength { offset: start },
                // Major 0, 1 and 6 have no indefinite form; major 7 is a
                // "break" outside any indefinite-length item.
                _ => malformed,
            });
        }
    };
    *pos = start + head_len;
    Ok((major, ai, arg))
}

/// Checks a declared length against `max_len`.
#[inline]
fn check_len(arg: u64, offset: usize, limits: &Limits) -> Result<usize, CborError> {
    check_against(arg, offset, limits.max_len)
}

/// Checks a declared number of array or map entries against `max_entries`.
fn check_entries(arg: u64, offset: usize, limits: &Limits) -> Result<usize, CborError> {
    check_against(arg, offset, limits.max_entries)
}

fn check_against(arg: u64, offset: usize, limit: usize) -> Result<usize, CborError> {
    match usize::try_from(arg) {
        Ok(len) if len <= limit => Ok(len),
        _ => Err(CborError::ItemTooLarge {
            offset,
            len: arg,
            limit,
        }),
    }
}

/// A map key, compared by value.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key<'a> {
    /// Major type 0 to 3.
    major: u8,
    /// The argument for integers, 0 for strings.
    int: u64,
    /// The content for strings, empty for integers.
    content: &'a [u8],
}

/// A key and the offset of its head.
#[derive(Clone, Copy)]
struct KeyAt<'a> {
    key: Key<'a>,
    offset: usize,
}

#[derive(Clone, Copy)]
enum Kind {
    Array,
    /// `keys_start`: index in the shared key stack where this map's keys begin.
    Map {
        keys_start: usize,
        linear: bool,
    },
    Tag,
}

/// An open array, map or tag.
#[derive(Clone, Copy)]
struct Frame {
    kind: Kind,
    /// Data items still to read (a map has two per entry).
    remaining: u64,
}

/// Finds the earliest repeated key in a large map's keys (by sorting).
#[cold]
fn find_duplicate_sorted(keys: &mut [KeyAt<'_>]) -> Option<usize> {
    keys.sort_unstable_by(|a, b| (a.key, a.offset).cmp(&(b.key, b.offset)));
    keys.windows(2)
        .filter(|w| w[0].key == w[1].key)
        // Within a group of equal keys the first adjacent pair holds the
        // second occurrence; the minimum over all pairs is the first key
        // that repeats an earlier one, as the linear check would report.
        .map(|w| w[1].offset)
        .min()
}

/// Checks that `bytes` is exactly one CBOR data item within `limits` and the
/// profile described in the module documentation.
///
/// Runs in one pass, without recursion, allocating only a stack of open
/// containers and the keys of open maps.
///
/// # Errors
///
/// The first problem found, with its byte offset: see [`CborError`]. An input
/// longer than [`Limits::max_input`] is rejected before any byte is read.
pub fn validate(bytes: &[u8], limits: &Limits) -> Result<(), CborError> {
    if bytes.len() > limits.max_input {
        return Err(CborError::ItemTooLarge {
            offset: 0,
            len: bytes.len() as u64,
            limit: limits.max_input,
        });
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut keys: Vec<KeyAt<'_>> = Vec::new();
    let mut pos = 0usize;

    loop {
        let start = pos;
        let in_key = matches!(
            stack.last(),
            Some(Frame { kind: Kind::Map { .. }, remaining }) if remaining % 2 == 0
        );
        let (major, ai, arg) = read_head(bytes, &mut pos)?;
        let mut key = None;
        let mut opened = None;
        match major {
            0 | 1 => {
                if in_key {
                    key = Some(Key {
                        major,
                        int: arg,
                        content: &[],
                    });
                }
            }
            2 | 3 => {
                let len = check_len(arg, start, limits)?;
                let content = bytes
                    .get(pos..)
                    .and_then(|rest| rest.get(..len))
                    .ok_or(CborError::Malformed { offset: start })?;
                if major == 3 {
                    if let Err(e) = core::str::from_utf8(content) {
                        return Err(CborError::Malformed {
                            offset: pos + e.valid_up_to(),
                        });
                    }
                }
                pos += len;
                if in_key {
                    key = Some(Key {
                        major,
                        int: 0,
                        content,
                    });
                }
            }
            4..=6 => {
                if in_key {
                    return Err(CborError::Unsupported {
                        offset: start,
                        what: WHAT_KEY,
                    });
                }
                if stack.len() >= limits.max_depth {
                    return Err(CborError::TooDeep { offset: start });
                }
                let (kind, items) = match major {
                    6 => (Kind::Tag, 1),
                    4 => (Kind::Array, check_entries(arg, start, limits)? as u64),
                    _ => {
                        let entries = check_entries(arg, start, limits)? as u64;
                        let kind = Kind::Map {
                            keys_start: keys.len(),
                            linear: entries <= LINEAR_KEY_CHECK,
                        };
                        (kind, entries.saturating_mul(2))
                    }
                };
                // Every item needs at least one byte: fail cheaply on a
                // declared count the remaining input cannot hold.
                if items > (bytes.len() - pos) as u64 {
                    return Err(CborError::Malformed { offset: start });
                }
                if items > 0 {
                    opened = Some(Frame {
                        kind,
                        remaining: items,
                    });
                }
            }
            _ => {
                let what = match ai {
                    20..=22 if !in_key => None,
                    20..=22 => Some(WHAT_KEY),
                    23 => Some(WHAT_UNDEFINED),
                    25..=27 => Some(WHAT_FLOAT),
                    _ => Some(WHAT_SIMPLE),
                };
                if let Some(what) = what {
                    return Err(CborError::Unsupported {
                        offset: start,
                        what,
                    });
                }
            }
        }

        if let Some(key) = key {
            if let Some(Frame {
                kind: Kind::Map { keys_start, linear },
                ..
            }) = stack.last()
            {
                if *linear && keys[*keys_start..].iter().any(|k| k.key == key) {
                    return Err(CborError::DuplicateKey { offset: start });
                }
            }
            keys.push(KeyAt { key, offset: start });
        }

        if let Some(frame) = opened {
            stack.push(frame);
            continue;
        }

        // The item is complete: close every container it completes.
        loop {
            let Some(top) = stack.last_mut() else {
                return if pos == bytes.len() {
                    Ok(())
                } else {
                    Err(CborError::TrailingBytes { offset: pos })
                };
            };
            top.remaining -= 1;
            if top.remaining > 0 {
                break;
            }
            if let Kind::Map { keys_start, linear } = top.kind {
                if !linear {
                    if let Some(offset) = find_duplicate_sorted(&mut keys[keys_start..]) {
                        return Err(CborError::DuplicateKey { offset });
                    }
                }
                keys.truncate(keys_start);
            }
            stack.pop();
        }
    }
}

/// Validates `bytes` (see [`validate`]) and decodes them into a [`Value`].
///
/// # Errors
///
/// Any [`validate`] error. Should `ciborium` still refuse the validated
/// bytes, its error becomes [`CborError::Malformed`] at the offset it
/// reports (0 if none).
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Value, CborError> {
    validate(bytes, limits)?;
    // `validate` proved the input is one well-formed item within the limits
    // (depth included), so this builder recurses at most `max_depth` levels
    // and every declared length fits in the input. It builds the values
    // itself rather than through ciborium's deserializer, which costs about
    // five times as much on a licence's claims (a hot path of verification).
    let mut pos = 0;
    build(bytes, &mut pos)
}

/// Builds the value at `*pos` from validated bytes.
fn build(bytes: &[u8], pos: &mut usize) -> Result<Value, CborError> {
    let start = *pos;
    let malformed = || CborError::Malformed { offset: start };
    let (major, ai, arg) = read_head(bytes, pos)?;
    let take = |pos: &mut usize| -> Result<&[u8], CborError> {
        let len = usize::try_from(arg).map_err(|_| malformed())?;
        let end = pos
            .checked_add(len)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(malformed)?;
        let slice = &bytes[*pos..end];
        *pos = end;
        Ok(slice)
    };
    Ok(match major {
        0 => Value::Integer(arg.into()),
        1 => Value::Integer(
            ciborium::value::Integer::try_from(-1 - i128::from(arg)).map_err(|_| malformed())?,
        ),
        2 => Value::Bytes(take(pos)?.to_vec()),
        3 => Value::Text(
            core::str::from_utf8(take(pos)?)
                .map_err(|_| malformed())?
                .to_owned(),
        ),
        4 => {
            let n = usize::try_from(arg).map_err(|_| malformed())?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(build(bytes, pos)?);
            }
            Value::Array(items)
        }
        5 => {
            let n = usize::try_from(arg).map_err(|_| malformed())?;
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                let k = build(bytes, pos)?;
                let v = build(bytes, pos)?;
                entries.push((k, v));
            }
            Value::Map(entries)
        }
        6 => Value::Tag(arg, Box::new(build(bytes, pos)?)),
        _ => match ai {
            20 => Value::Bool(false),
            21 => Value::Bool(true),
            22 => Value::Null,
            _ => {
                return Err(CborError::Unsupported {
                    offset: start,
                    what: WHAT_SIMPLE,
                })
            }
        },
    })
}

/// Encodes `value` in core deterministic encoding (RFC 8949 §4.2.1).
///
/// Heads use the shortest form, lengths are definite, and the entries of
/// every map (at any depth) are written sorted by the bytewise lexicographic
/// order of their encoded keys; the caller's entry order does not matter.
/// Floating-point numbers are written in their shortest exact form (they are
/// outside the profile [`validate`] accepts). Map keys must be distinct: the
/// encoder does not check, and [`decode`] rejects repeated keys.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(value, &mut out);
    out
}

/// Writes a head with the shortest encoding of `arg`.
fn write_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    if arg < 24 {
        out.push(m | arg as u8);
    } else if let Ok(a) = u8::try_from(arg) {
        out.push(m | 24);
        out.push(a);
    } else if let Ok(a) = u16::try_from(arg) {
        out.push(m | 25);
        out.extend_from_slice(&a.to_be_bytes());
    } else if let Ok(a) = u32::try_from(arg) {
        out.push(m | 26);
        out.extend_from_slice(&a.to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

/// Lets `ciborium` write an item whose deterministic form it already
/// produces (floats in shortest exact form, and future `Value` variants).
fn write_with_ciborium(value: &Value, out: &mut Vec<u8>) {
    // Writing to a Vec cannot fail, and serializing a Value never raises a
    // custom error, so an error here is a bug in ciborium.
    ciborium::ser::into_writer(value, &mut *out).expect("serializing a ciborium::Value to a Vec");
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Integer(i) => {
            let n = i128::from(*i);
            if let Ok(u) = u64::try_from(n) {
                write_head(out, 0, u);
            } else if let Ok(u) = u64::try_from(-1 - n) {
                write_head(out, 1, u);
            } else {
                write_with_ciborium(value, out);
            }
        }
        Value::Bytes(b) => {
            write_head(out, 2, b.len() as u64);
            out.extend_from_slice(b);
        }
        Value::Text(s) => {
            write_head(out, 3, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            write_head(out, 4, items.len() as u64);
            for item in items {
                write_value(item, out);
            }
        }
        Value::Map(entries) => {
            let mut sorted: Vec<(Vec<u8>, &Value)> =
                entries.iter().map(|(k, v)| (encode(k), v)).collect();
            // Stable: equal keys (a caller error) keep their order.
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            write_head(out, 5, sorted.len() as u64);
            for (key, v) in sorted {
                out.extend_from_slice(&key);
                write_value(v, out);
            }
        }
        Value::Tag(tag, inner) => {
            write_head(out, 6, *tag);
            write_value(inner, out);
        }
        Value::Bool(false) => out.push(0xF4),
        Value::Bool(true) => out.push(0xF5),
        Value::Null => out.push(0xF6),
        _ => write_with_ciborium(value, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).expect("test hex")
    }

    fn check(s: &str) -> Result<(), CborError> {
        validate(&h(s), &Limits::default())
    }

    fn malformed(offset: usize) -> Result<(), CborError> {
        Err(CborError::Malformed { offset })
    }

    fn unsupported(offset: usize, what: &'static str) -> Result<(), CborError> {
        Err(CborError::Unsupported { offset, what })
    }

    const GENEROUS: Limits = Limits::new(16, usize::MAX, usize::MAX);

    #[test]
    fn default_limits() {
        assert_eq!(
            Limits::default(),
            Limits {
                max_depth: 16,
                max_len: 4096,
                max_entries: 4096,
                max_input: 8192
            }
        );
    }

    #[test]
    fn duplicate_keys() {
        let dup = |offset| Err(CborError::DuplicateKey { offset });
        assert_eq!(check("a2 01 01 01 02"), dup(3));
        // Same key through a non-shortest head.
        assert_eq!(check("a2 01 01 18 01 02"), dup(3));
        assert_eq!(check("a2 1b 0000000000000001 00 01 00"), dup(11));
        // Negative integers.
        assert_eq!(check("a2 20 00 38 00 00"), dup(3));
        // Text and byte keys by content.
        assert_eq!(check("a2 61 61 01 61 61 02"), dup(4));
        assert_eq!(check("a2 42 0102 00 58 02 0102 00"), dup(5));
        assert_eq!(check("a2 60 00 60 00"), dup(3));
        // Duplicate inside a nested map.
        assert_eq!(check("82 00 a2 01 00 01 00"), dup(5));
    }

    #[test]
    fn distinct_keys() {
        // 1 and -2 (same argument, different major).
        assert_eq!(check("a2 01 00 21 00"), Ok(()));
        // Int 1 and text "\x01"; byte "a" and text "a".
        assert_eq!(check("a2 01 00 61 01 00"), Ok(()));
        assert_eq!(check("a2 41 61 01 61 61 02"), Ok(()));
        // Keys of a nested map do not clash with the outer map's.
        assert_eq!(check("a2 01 a1 01 00 02 00"), Ok(()));
        assert_eq!(check("a2 01 a1 02 00 02 00"), Ok(()));
        assert_eq!(check("a2 01 a1 01 a1 01 00 02 a1 02 00"), Ok(()));
        // Unsorted keys are accepted (signatures cover the received bytes).
        assert_eq!(check("a2 02 00 01 00"), Ok(()));
    }

    #[test]
    fn duplicate_keys_in_large_maps() {
        // 20 entries (above the linear-scan threshold), key i at offset 1 + 2i.
        let map = |keys: &[u8]| {
            let mut b = vec![0xA0 | keys.len() as u8];
            for &k in keys {
                b.extend_from_slice(&[k, 0x00]);
            }
            b
        };
        let mut keys: Vec<u8> = (0..20).collect();
        assert_eq!(validate(&map(&keys), &Limits::default()), Ok(()));
        keys[18] = 5;
        assert_eq!(
            validate(&map(&keys), &Limits::default()),
            Err(CborError::DuplicateKey { offset: 37 })
        );
        // Two repeats: the earlier repeat is reported.
        keys[12] = 15;
        assert_eq!(
            validate(&map(&keys), &Limits::default()),
            Err(CborError::DuplicateKey { offset: 31 })
        );
        keys[12] = 12;
        keys[18] = 18;
        keys[19] = 15;
        assert_eq!(
            validate(&map(&keys), &Limits::default()),
            Err(CborError::DuplicateKey { offset: 39 })
        );
        // A large map inside a large map.
        let mut outer = vec![0xB1];
        for k in 0..17u8 {
            outer.push(k);
            if k == 3 {
                let mut inner = map(&(0..20).collect::<Vec<_>>());
                inner[1 + 2 * 19] = 0;
                outer.extend_from_slice(&inner);
            } else {
                outer.push(0);
            }
        }
        assert_eq!(
            validate(&outer, &Limits::default()),
            Err(CborError::DuplicateKey {
                offset: 1 + 2 * 3 + 1 + 1 + 2 * 19
            })
        );
    }

    #[test]
    fn indefinite_lengths() {
        let indef = |offset| Err(CborError::IndefiniteLength { offset });
        assert_eq!(check("9f 01 ff"), indef(0));
        assert_eq!(check("5f 41 00 ff"), indef(0));
        assert_eq!(check("7f 61 61 ff"), indef(0));
        assert_eq!(check("bf 01 00 ff"), indef(0));
        assert_eq!(check("82 01 9f ff"), indef(2));
        // No indefinite form exists for integers and tags.
        assert_eq!(check("1f"), malformed(0));
        assert_eq!(check("3f"), malformed(0));
        assert_eq!(check("df 00"), malformed(0));
    }

    #[test]
    fn stray_break_and_reserved_additional_info() {
        assert_eq!(check("ff"), malformed(0));
        assert_eq!(check("82 01 ff"), malformed(2));
        for b in ["1c", "1d", "1e", "5c", "7d", "9e", "bc", "dd", "fe"] {
            assert_eq!(check(b), malformed(0), "{b}");
        }
    }

    #[test]
    fn trailing_bytes() {
        assert_eq!(check("01 02"), Err(CborError::TrailingBytes { offset: 1 }));
        assert_eq!(
            check("82 01 02 00"),
            Err(CborError::TrailingBytes { offset: 3 })
        );
        assert_eq!(
            check("a1 01 02 ff"),
            Err(CborError::TrailingBytes { offset: 3 })
        );
    }

    #[test]
    fn truncated_input() {
        assert_eq!(check(""), malformed(0));
        assert_eq!(check("58 20 00"), malformed(0));
        assert_eq!(check("19 01"), malformed(0));
        assert_eq!(check("1b 00 00 00 00 00 00 00"), malformed(0));
        assert_eq!(check("82 01"), malformed(0));
        assert_eq!(check("a1 01"), malformed(0));
        assert_eq!(check("82 01 19 01"), malformed(2));
        assert_eq!(check("82 01 62 61"), malformed(2));
        // A tag with no content fails at the tag.
        assert_eq!(check("c1"), malformed(0));
        assert_eq!(check("82 01 c1"), malformed(2));
        assert_eq!(check("d8"), malformed(0));
        assert_eq!(check("f9 3c"), malformed(0));
    }

    #[test]
    fn huge_declared_lengths_fail_cheaply() {
        let too_large = |len, limit| {
            Err(CborError::ItemTooLarge {
                offset: 0,
                len,
                limit,
            })
        };
        // Declared 2^64 - 1 and 2^63 byte strings.
        assert_eq!(
            check("5b ff ff ff ff ff ff ff ff"),
            too_large(u64::MAX, 4096)
        );
        assert_eq!(
            check("5b 80 00 00 00 00 00 00 00"),
            too_large(1 << 63, 4096)
        );
        // An array and a map declaring a billion entries.
        assert_eq!(
            check("9b 00 00 00 00 3b 9a ca 00"),
            too_large(1_000_000_000, 4096)
        );
        assert_eq!(
            check("bb 00 00 00 00 3b 9a ca 00"),
            too_large(1_000_000_000, 4096)
        );
        // A 10 MB text string header followed by a few bytes.
        assert_eq!(
            check("7a 00 98 96 80 61 62 63"),
            too_large(10_000_000, 4096)
        );
        // Without the length limit, the remaining input decides.
        for s in [
            "5b ff ff ff ff ff ff ff ff",
            "5b 80 00 00 00 00 00 00 00",
            "9b 00 00 00 00 3b 9a ca 00",
            "bb 00 00 00 00 3b 9a ca 00",
            "bb 80 00 00 00 00 00 00 00 00",
            "7a 00 98 96 80 61 62 63",
        ] {
            assert_eq!(validate(&h(s), &GENEROUS), malformed(0), "{s}");
        }
    }

    #[test]
    fn length_limits() {
        let limits = Limits::default();
        // A 4096-byte string is fine, 4097 is not.
        let mut ok = h("59 10 00");
        ok.resize(3 + 4096, 0);
        assert_eq!(validate(&ok, &limits), Ok(()));
        let mut big = h("59 10 01");
        big.resize(3 + 4097, 0);
        assert_eq!(
            validate(&big, &limits),
            Err(CborError::ItemTooLarge {
                offset: 0,
                len: 4097,
                limit: 4096
            })
        );
        // Arrays count entries, maps count pairs.
        let mut arr = h("99 10 01");
        arr.resize(3 + 4097, 0);
        assert_eq!(
            validate(&arr, &limits),
            Err(CborError::ItemTooLarge {
                offset: 0,
                len: 4097,
                limit: 4096
            })
        );
        let small = Limits::new(16, 2, 8192);
        assert_eq!(validate(&h("a2 01 00 02 00"), &small), Ok(()));
        assert_eq!(
            validate(&h("82 00 a3 01 00 02 00 03 00"), &small),
            Err(CborError::ItemTooLarge {
                offset: 2,
                len: 3,
                limit: 2
            })
        );
        // The input limit comes first.
        let mut input = h("59 1f fe");
        input.resize(3 + 8190, 0);
        assert_eq!(
            validate(&input, &limits),
            Err(CborError::ItemTooLarge {
                offset: 0,
                len: 8193,
                limit: 8192
            })
        );
        assert_eq!(
            validate(&h("01 02"), &Limits::new(16, 4096, 1)),
            Err(CborError::ItemTooLarge {
                offset: 0,
                len: 2,
                limit: 1
            })
        );
    }

    #[test]
    fn depth_limit() {
        let nested = |n: usize, head: &[u8]| {
            let mut b = head.repeat(n);
            b.push(0x00);
            b
        };
        let limits = Limits::default();
        assert_eq!(validate(&nested(16, &[0x81]), &limits), Ok(()));
        assert_eq!(
            validate(&nested(17, &[0x81]), &limits),
            Err(CborError::TooDeep { offset: 16 })
        );
        // The innermost container counts even when empty.
        let mut empty_inner = vec![0x81; 16];
        empty_inner.push(0x80);
        assert_eq!(
            validate(&empty_inner, &limits),
            Err(CborError::TooDeep { offset: 16 })
        );
        // Tags and maps count too.
        assert_eq!(validate(&nested(16, &[0xC1]), &limits), Ok(()));
        assert_eq!(
            validate(&nested(17, &[0xC1]), &limits),
            Err(CborError::TooDeep { offset: 17 - 1 })
        );
        assert_eq!(validate(&nested(8, &[0xA1, 0x00, 0xC1]), &limits), Ok(()));
        assert_eq!(
            validate(&nested(9, &[0xA1, 0x00, 0xC1]), &limits),
            Err(CborError::TooDeep { offset: 24 })
        );
        // A deep input beyond any sane stack is rejected without recursion.
        let deep = nested(8000, &[0x81]);
        assert_eq!(
            validate(&deep, &Limits::new(usize::MAX, 4096, usize::MAX)),
            Ok(())
        );
        assert_eq!(
            validate(&deep, &limits),
            Err(CborError::TooDeep { offset: 16 })
        );
    }

    #[test]
    fn invalid_utf8() {
        assert_eq!(check("63 61 ff 62"), malformed(2));
        // Overlong encoding and a lone surrogate.
        assert_eq!(check("62 c0 80"), malformed(1));
        assert_eq!(check("63 ed a0 80"), malformed(1));
        // Truncated multi-byte character at the end of the string.
        assert_eq!(check("82 62 61 e8 00"), malformed(3));
        // Byte strings may hold anything.
        assert_eq!(check("43 61 ff 62"), Ok(()));
        assert_eq!(check("66 e8 af 81 e7 85 a7"), Ok(()));
    }

    #[test]
    fn unsupported_items() {
        assert_eq!(check("f9 3c 00"), unsupported(0, WHAT_FLOAT));
        assert_eq!(check("fa 3f 80 00 00"), unsupported(0, WHAT_FLOAT));
        assert_eq!(
            check("fb 3f f0 00 00 00 00 00 00"),
            unsupported(0, WHAT_FLOAT)
        );
        assert_eq!(check("f7"), unsupported(0, WHAT_UNDEFINED));
        assert_eq!(check("e0"), unsupported(0, WHAT_SIMPLE));
        assert_eq!(check("f3"), unsupported(0, WHAT_SIMPLE));
        assert_eq!(check("f8 20"), unsupported(0, WHAT_SIMPLE));
        assert_eq!(check("82 00 f9 00 00"), unsupported(2, WHAT_FLOAT));
        assert_eq!(check("83 f4 f5 f6"), Ok(()));
    }

    #[test]
    fn map_keys_must_be_integers_or_strings() {
        assert_eq!(check("a1 80 01"), unsupported(1, WHAT_KEY));
        assert_eq!(check("a1 a0 01"), unsupported(1, WHAT_KEY));
        assert_eq!(check("a1 c1 01 01"), unsupported(1, WHAT_KEY));
        assert_eq!(check("a1 f5 01"), unsupported(1, WHAT_KEY));
        assert_eq!(check("a1 f6 01"), unsupported(1, WHAT_KEY));
        assert_eq!(check("a2 01 00 f9 3c 00 01"), unsupported(3, WHAT_FLOAT));
        // Containers are fine as values.
        assert_eq!(check("a1 01 a1 02 80"), Ok(()));
    }

    #[test]
    fn reason_codes() {
        let cases: [(&str, ReasonCode); 7] = [
            ("ff", ReasonCode::CborMalformed),
            ("9f ff", ReasonCode::CborIndefiniteLength),
            ("a2 01 01 01 02", ReasonCode::CborDuplicateKey),
            ("01 02", ReasonCode::CborTrailingBytes),
            (
                "81 81 81 81 81 81 81 81 81 81 81 81 81 81 81 81 81 00",
                ReasonCode::CborTooDeep,
            ),
            ("5b ff ff ff ff ff ff ff ff", ReasonCode::CborItemTooLarge),
            ("f7", ReasonCode::CborUnsupported),
        ];
        for (s, code) in cases {
            let err = check(s).expect_err(s);
            assert_eq!(err.reason(), code, "{s}");
            assert!(!err.to_string().is_empty());
        }
    }

    #[test]
    fn deterministic_inputs_round_trip_byte_for_byte() {
        let cases = [
            "00",
            "17",
            "18 18",
            "18 ff",
            "19 01 00",
            "19 ff ff",
            "1a 00 01 00 00",
            "1b 00 00 00 01 00 00 00 00",
            "1b ff ff ff ff ff ff ff ff",
            "20",
            "38 63",
            "3b ff ff ff ff ff ff ff ff",
            "40",
            "60",
            "80",
            "a0",
            "f4",
            "f5",
            "f6",
            "66 e8 af 81 e7 85 a7",
            "83 01 82 02 03 82 04 05",
            "a4 01 02 20 03 61 61 04 61 62 01",
            // A COSE_Sign1 shape: tag 18, protected header {1: -8, 4: h'..', 16: "..."}.
            "d2 84 4c a3 01 27 04 42 0102 10 63 6c 69 63 a0 43 a1 01 02 58 40",
            // Nested maps, tags and arrays.
            "a3 01 c1 1a 65 00 00 00 61 78 a2 00 80 61 61 d8 20 63 61 62 63 62 69 64 84 f4 f5 f6 40",
        ];
        for s in cases {
            let mut bytes = h(s);
            if bytes.ends_with(&[0x58, 0x40]) {
                bytes.extend_from_slice(&[0xAB; 64]);
            }
            let value = decode(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(encode(&value), bytes, "{s}");
        }
    }

    #[test]
    fn encode_sorts_map_keys() {
        let v = Value::Map(vec![
            (Value::Text("b".into()), Value::Integer(1.into())),
            (Value::Integer(1.into()), Value::Integer(2.into())),
            (Value::Integer((-1).into()), Value::Integer(3.into())),
            (Value::Text("a".into()), Value::Integer(4.into())),
        ]);
        // 0x01 < 0x20 < 0x61 0x61 < 0x61 0x62.
        assert_eq!(hex::encode(encode(&v)), "a401022003616104616201");

        // Shorter encodings sort first: "b" before "aa", 10 before 100.
        let v = Value::Map(vec![
            (Value::Text("aa".into()), Value::Integer(1.into())),
            (Value::Text("b".into()), Value::Integer(2.into())),
            (Value::Integer(100.into()), Value::Integer(3.into())),
            (Value::Integer(10.into()), Value::Integer(4.into())),
        ]);
        assert_eq!(hex::encode(encode(&v)), "a40a0418640361620262616101");

        // Nested maps are sorted too, inside arrays and tags.
        let inner = Value::Map(vec![
            (Value::Integer(2.into()), Value::Null),
            (Value::Integer(1.into()), Value::Bool(true)),
        ]);
        let v = Value::Tag(
            18,
            Box::new(Value::Array(vec![Value::Map(vec![
                (Value::Integer(5.into()), inner.clone()),
                (Value::Integer(4.into()), Value::Bytes(vec![1, 2])),
            ])])),
        );
        assert_eq!(hex::encode(encode(&v)), "d281a20442010205a201f502f6");
        assert_eq!(hex::encode(encode(&inner)), "a201f502f6");
    }

    #[test]
    fn encode_uses_shortest_heads() {
        let non_shortest = h("a2 18 02 1a 00 00 00 00 39 00 00 59 00 01 00");
        let value = decode(&non_shortest, &Limits::default()).expect("valid");
        assert_eq!(hex::encode(encode(&value)), "a20200204100");
        // Re-encoding an unsorted map sorts it.
        let value = decode(&h("a2 02 00 01 00"), &Limits::default()).expect("valid");
        assert_eq!(hex::encode(encode(&value)), "a201000200");
        // Floats (outside the decoding profile) are written shortest.
        assert_eq!(hex::encode(encode(&Value::Float(1.0))), "f93c00");
        assert_eq!(
            hex::encode(encode(&Value::Float(0.1))),
            "fb3fb999999999999a"
        );
        // Integer extremes.
        assert_eq!(
            hex::encode(encode(&Value::Integer(u64::MAX.into()))),
            "1bffffffffffffffff"
        );
        assert_eq!(
            hex::encode(encode(&Value::Integer(i64::MIN.into()))),
            "3b7fffffffffffffff"
        );
    }

    #[test]
    fn encoded_values_validate_and_round_trip() {
        let mut entries = Vec::new();
        for i in 0..40i64 {
            let key = if i % 3 == 0 {
                Value::Text(format!("k{i}"))
            } else if i % 3 == 1 {
                Value::Integer((-i * 1000).into())
            } else {
                Value::Bytes(i.to_be_bytes().to_vec())
            };
            entries.push((key, Value::Array(vec![Value::Integer(i.into()); 3])));
        }
        let value = Value::Map(entries);
        let bytes = encode(&value);
        assert_eq!(validate(&bytes, &Limits::default()), Ok(()));
        let decoded = decode(&bytes, &Limits::default()).expect("valid");
        assert_eq!(encode(&decoded), bytes);
    }
}
