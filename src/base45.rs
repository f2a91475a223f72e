//! Base45 encoding and strict decoding (RFC 9285).
//!
//! QR text carries its payload in Base45, the encoding RFC 9285 designed for
//! the QR alphanumeric mode: every 2 bytes become 3 characters of the
//! 45-character alphabet `0-9 A-Z space $ % * + - . / :`, a final single byte
//! becomes 2 characters.
//!
//! This module is written by hand rather than taken from the `base45` crate
//! because that crate does not range-check a trailing 2-character group: it
//! silently truncates a value above 255 to a byte, so two different texts
//! decode to the same bytes. RFC 9285 §6 requires a decoder to reject such
//! input, and a verifier must not accept several spellings of one licence.
//!
//! [`decode`] is strict: it rejects any character outside the alphabet
//! (including lower-case letters and white space), any 3-character group
//! whose value exceeds 65535, any trailing 2-character group whose value
//! exceeds 255, and a lone trailing character.
//!
//! When a text has several faults, one error is reported, by this precedence
//! (docs/FORMAT.md §2): a character outside the alphabet (the first one in
//! the text), else a lone trailing character, else a value out of range (the
//! first such group). The first two are properties of the whole text, seen
//! without decoding; an independent implementation can check them in that
//! order and then decode. Positions are 0-based byte positions in the input.

use crate::ReasonCode;

/// The RFC 9285 alphabet, indexed by value 0..45.
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Marker in [`DECODE`] for a byte outside the alphabet (any value >= 45
/// would do; the high bit makes the "any invalid" test a single OR).
const INVALID: u8 = 0xFF;

/// Byte → value lookup table; [`INVALID`] for bytes outside the alphabet.
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Why a Base45 text was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Base45Error {
    /// A character outside the RFC 9285 alphabet.
    #[error("Base45 text has character {character:?} at byte position {position}, which is not in the RFC 9285 alphabet")]
    InvalidCharacter {
        /// 0-based byte position of the character in the input text.
        position: usize,
        /// The character found there.
        character: char,
    },
    /// A 3-character group above 65535 or a trailing 2-character group above 255.
    #[error("Base45 group at byte position {position} decodes to a value out of range")]
    ValueOutOfRange {
        /// 0-based byte position of the first character of the group.
        position: usize,
    },
    /// The text length leaves a single trailing character, which no encoder produces.
    #[error("Base45 text of {len} bytes ends with a single character, which no encoding produces")]
    InvalidLength {
        /// Length of the input text in bytes.
        len: usize,
    },
}

impl Base45Error {
    /// The stable reason code for this error.
    pub fn reason(&self) -> ReasonCode {
        match self {
            Base45Error::InvalidCharacter { .. } => ReasonCode::Base45InvalidCharacter,
            Base45Error::ValueOutOfRange { .. } => ReasonCode::Base45ValueOutOfRange,
            Base45Error::InvalidLength { .. } => ReasonCode::Base45InvalidLength,
        }
    }
}

/// Number of characters [`encode`] produces for `data_len` bytes, or `None`
/// on overflow.
fn encoded_len(data_len: usize) -> Option<usize> {
    (data_len / 2)
        .checked_mul(3)?
        .checked_add((data_len % 2) * 2)
}

/// Number of bytes a Base45 text of `text_len` bytes decodes to, or `None`
/// if no valid text has that length (`text_len % 3 == 1`).
///
/// Useful to enforce a size limit before decoding.
pub fn decoded_len(text_len: usize) -> Option<usize> {
    match text_len % 3 {
        0 => Some(text_len / 3 * 2),
        2 => Some(text_len / 3 * 2 + 1),
        _ => None,
    }
}

/// Encodes `data` as Base45 (RFC 9285 §4).
///
/// The output contains only characters of the alphabet and is always
/// accepted by [`decode`], which returns `data` again.
pub fn encode(data: &[u8]) -> String {
    // A &[u8] is at most isize::MAX bytes, so 1.5 times that fits a usize.
    let mut out = String::with_capacity(encoded_len(data.len()).unwrap_or(0));
    let mut pairs = data.chunks_exact(2);
    for pair in &mut pairs {
        let n = (usize::from(pair[0]) << 8) | usize::from(pair[1]);
        out.push(char::from(ALPHABET[n % 45]));
        out.push(char::from(ALPHABET[n / 45 % 45]));
        out.push(char::from(ALPHABET[n / 2025]));
    }
    if let [last] = pairs.remainder() {
        let n = usize::from(*last);
        out.push(char::from(ALPHABET[n % 45]));
        out.push(char::from(ALPHABET[n / 45]));
    }
    out
}

/// The error for the first byte outside the alphabet at or after `from`.
///
/// Every byte before `from` is a valid (ASCII) alphabet character, so the
/// offending byte starts a `char`.
#[cold]
fn invalid_character(text: &str, from: usize) -> Base45Error {
    let bytes = text.as_bytes();
    let position = (from..bytes.len())
        .find(|&i| DECODE[usize::from(bytes[i])] == INVALID)
        .unwrap_or(from);
    let character = text
        .get(position..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    Base45Error::InvalidCharacter {
        position,
        character,
    }
}

/// The error for a text whose group at `position` is out of range, by the
/// precedence of [`decode`]: a character outside the alphabet after it, or a
/// lone trailing character, is reported instead.
#[cold]
fn out_of_range(text: &str, position: usize) -> Base45Error {
    let bytes = text.as_bytes();
    if bytes[position..]
        .iter()
        .any(|&b| DECODE[usize::from(b)] == INVALID)
    {
        return invalid_character(text, position);
    }
    if bytes.len() % 3 == 1 {
        return Base45Error::InvalidLength { len: bytes.len() };
    }
    Base45Error::ValueOutOfRange { position }
}

/// Decodes Base45 text strictly (RFC 9285 §4 and §6).
///
/// # Errors
///
/// One error, by this precedence (docs/FORMAT.md §2):
/// [`Base45Error::InvalidCharacter`] for the first character outside the
/// alphabet; otherwise [`Base45Error::InvalidLength`] for a lone trailing
/// character; otherwise [`Base45Error::ValueOutOfRange`] for the first group
/// whose value does not fit its bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let bytes = text.as_bytes();
    let capacity = bytes.len() / 3 * 2 + usize::from(bytes.len() % 3 == 2);
    let mut out = Vec::with_capacity(capacity);

    // Groups are decoded in text order; every byte before a group is an
    // alphabet character, so the first invalid one found is the first in the
    // text. A range fault is reported only if no later character is invalid
    // and the length is right ([`out_of_range`]).
    let mut groups = bytes.chunks_exact(3);
    for (index, group) in (&mut groups).enumerate() {
        let position = index * 3;
        let (c0, c1, c2) = (
            DECODE[usize::from(group[0])],
            DECODE[usize::from(group[1])],
            DECODE[usize::from(group[2])],
        );
        if (c0 | c1 | c2) & 0x80 != 0 {
            return Err(invalid_character(text, position));
        }
        let n = u32::from(c0) + u32::from(c1) * 45 + u32::from(c2) * 2025;
        let Ok(n) = u16::try_from(n) else {
            return Err(out_of_range(text, position));
        };
        out.extend_from_slice(&n.to_be_bytes());
    }

    let position = bytes.len() - groups.remainder().len();
    match *groups.remainder() {
        [] => {}
        [a] => {
            if DECODE[usize::from(a)] == INVALID {
                return Err(invalid_character(text, position));
            }
            return Err(Base45Error::InvalidLength { len: bytes.len() });
        }
        [a, b, ..] => {
            let (c0, c1) = (DECODE[usize::from(a)], DECODE[usize::from(b)]);
            if (c0 | c1) & 0x80 != 0 {
                return Err(invalid_character(text, position));
            }
            let n = u16::from(c0) + u16::from(c1) * 45;
            let Ok(n) = u8::try_from(n) else {
                return Err(Base45Error::ValueOutOfRange { position });
            };
            out.push(n);
        }
    }
    debug_assert_eq!(out.len(), capacity);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/vectors/base45-rfc9285.json"
        );
        let text = std::fs::read_to_string(path).expect("read Base45 vectors");
        serde_json::from_str(&text).expect("parse Base45 vectors")
    }

    #[test]
    fn rfc9285_encode_vectors_both_ways() {
        let v = vectors();
        let cases = v["encode"].as_array().expect("encode cases");
        assert!(!cases.is_empty());
        for case in cases {
            let data = case["bytes_utf8"].as_str().expect("bytes_utf8").as_bytes();
            let text = case["base45"].as_str().expect("base45");
            assert_eq!(encode(data), text, "encode {data:?}");
            assert_eq!(decode(text).as_deref(), Ok(data), "decode {text:?}");
            assert_eq!(decoded_len(text.len()), Some(data.len()));
        }
    }

    #[test]
    fn rfc9285_must_reject_vectors() {
        let v = vectors();
        let cases = v["must_reject"].as_array().expect("must_reject cases");
        assert_eq!(cases.len(), 4, "update the expected variants below");
        for case in cases {
            let text = case["base45"].as_str().expect("base45");
            let expected = match text {
                "GGW" => Base45Error::ValueOutOfRange { position: 0 },
                "::" => Base45Error::ValueOutOfRange { position: 0 },
                "A" => Base45Error::InvalidLength { len: 1 },
                "ab" => Base45Error::InvalidCharacter {
                    position: 0,
                    character: 'a',
                },
                other => panic!("no expected error for must_reject case {other:?}"),
            };
            assert_eq!(decode(text), Err(expected), "{}", case["why"]);
        }
    }

    #[test]
    fn reason_codes() {
        assert_eq!(
            decode("ab").unwrap_err().reason(),
            ReasonCode::Base45InvalidCharacter
        );
        assert_eq!(
            decode("GGW").unwrap_err().reason(),
            ReasonCode::Base45ValueOutOfRange
        );
        assert_eq!(
            decode("A").unwrap_err().reason(),
            ReasonCode::Base45InvalidLength
        );
    }

    #[test]
    fn round_trips_all_lengths() {
        // xorshift64: deterministic pseudo-random bytes without a dependency.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for len in 0..=64 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            let text = encode(&data);
            assert_eq!(Some(text.len()), encoded_len(len));
            assert_eq!(decoded_len(text.len()), Some(len));
            assert_eq!(decode(&text), Ok(data), "length {len}");
        }
        // Every pair and every single byte value.
        for n in 0..=u16::MAX {
            let data = n.to_be_bytes();
            assert_eq!(decode(&encode(&data)).as_deref(), Ok(&data[..]));
        }
        for b in 0..=u8::MAX {
            assert_eq!(decode(&encode(&[b])), Ok(vec![b]));
        }
    }

    #[test]
    fn empty() {
        assert_eq!(encode(b""), "");
        assert_eq!(decode(""), Ok(Vec::new()));
        assert_eq!(decoded_len(0), Some(0));
    }

    #[test]
    fn largest_valid_values() {
        assert_eq!(decode("FGW"), Ok(vec![0xFF, 0xFF]));
        assert_eq!(encode(&[0xFF, 0xFF]), "FGW");
        assert_eq!(decode("U5"), Ok(vec![0xFF]));
        assert_eq!(encode(&[0xFF]), "U5");
        // One above each.
        assert_eq!(
            decode("GGW"),
            Err(Base45Error::ValueOutOfRange { position: 0 })
        );
        assert_eq!(
            decode("V5"),
            Err(Base45Error::ValueOutOfRange { position: 0 })
        );
        // Range errors report the position of their group.
        assert_eq!(
            decode("FGWGGW"),
            Err(Base45Error::ValueOutOfRange { position: 3 })
        );
        assert_eq!(
            decode("FGWV5"),
            Err(Base45Error::ValueOutOfRange { position: 3 })
        );
    }

    #[test]
    fn invalid_characters_report_position_and_char() {
        assert_eq!(
            decode("BB8bB8"),
            Err(Base45Error::InvalidCharacter {
                position: 3,
                character: 'b'
            })
        );
        assert_eq!(
            decode("BB8B=8"),
            Err(Base45Error::InvalidCharacter {
                position: 4,
                character: '='
            })
        );
        // Trailing pair and a lone trailing character.
        assert_eq!(
            decode("BB8B\n"),
            Err(Base45Error::InvalidCharacter {
                position: 4,
                character: '\n'
            })
        );
        assert_eq!(
            decode("BB8_"),
            Err(Base45Error::InvalidCharacter {
                position: 3,
                character: '_'
            })
        );
        assert_eq!(decode("BB8B"), Err(Base45Error::InvalidLength { len: 4 }));
    }

    #[test]
    fn multi_byte_utf8_input() {
        // "证" is 3 bytes: E8 AF 81.
        assert_eq!(
            decode("BB8证"),
            Err(Base45Error::InvalidCharacter {
                position: 3,
                character: '证'
            })
        );
        // A 2-byte char straddling a group boundary.
        assert_eq!(
            decode("BBé8"),
            Err(Base45Error::InvalidCharacter {
                position: 2,
                character: 'é'
            })
        );
        // Non-ASCII is reported as a character even when the byte length
        // would also be invalid.
        assert_eq!(
            decode("é"),
            Err(Base45Error::InvalidCharacter {
                position: 0,
                character: 'é'
            })
        );
        assert_eq!(
            decode("BB8€"),
            Err(Base45Error::InvalidCharacter {
                position: 3,
                character: '€'
            })
        );
        // Multi-byte UTF-8 data encodes and decodes.
        let data = "营业执照 — 电子证照".as_bytes();
        assert_eq!(decode(&encode(data)).as_deref(), Ok(data));
    }

    #[test]
    fn precedence_character_then_length_then_range() {
        let invalid = |position, character| Base45Error::InvalidCharacter {
            position,
            character,
        };
        let cases: &[(&str, Base45Error)] = &[
            // Range fault first in the text, an invalid character later.
            ("GGWa", invalid(3, 'a')),
            ("GGW00a0", invalid(5, 'a')),
            ("GGW000\n", invalid(6, '\n')),
            ("V5a", invalid(2, 'a')),
            // Invalid characters in the first group and a bad length.
            ("00a0", invalid(2, 'a')),
            ("a", invalid(0, 'a')),
            // Range fault and a lone trailing character: the length wins.
            ("GGW0", Base45Error::InvalidLength { len: 4 }),
            ("000GGW0", Base45Error::InvalidLength { len: 7 }),
            // Two range faults: the first group.
            ("GGWGGW", Base45Error::ValueOutOfRange { position: 0 }),
            ("000GGWV5", Base45Error::ValueOutOfRange { position: 3 }),
            ("000V5", Base45Error::ValueOutOfRange { position: 3 }),
        ];
        for (text, expected) in cases {
            assert_eq!(decode(text).as_ref(), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn decoded_len_values() {
        assert_eq!(decoded_len(1), None);
        assert_eq!(decoded_len(2), Some(1));
        assert_eq!(decoded_len(3), Some(2));
        assert_eq!(decoded_len(4), None);
        assert_eq!(decoded_len(5), Some(3));
        assert_eq!(decoded_len(usize::MAX), Some(usize::MAX / 3 * 2));
    }
}
