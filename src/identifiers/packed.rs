//! Packed forms of the codes a licence carries (docs/FORMAT.md §4,
//! "Packing"): a unified social credit code as a 12-byte big-endian number,
//! a licence type code as 13 bytes, a resident identity number as an
//! unsigned integer. Each is a bijection between the valid codes and a range
//! of numbers, so packing loses nothing; unpacking refuses numbers outside
//! the range and hands the characters to the ordinary parser.

use super::{
    CreditCode, IdentifierError, LicenceTypeCode, ResidentId, CREDIT_ALPHABET, CREDIT_LEN,
    KIND_CREDIT, KIND_MINISTRY, KIND_RESIDENT, KIND_TYPE, RESIDENT_LEN,
};

/// Bytes of a packed unified social credit code.
pub const PACKED_CREDIT_LEN: usize = 12;
/// Bytes of a packed licence type code.
pub const PACKED_TYPE_LEN: usize = 13;

/// 31^18: the number of 18-character strings over the GB 32100 alphabet.
const CREDIT_SPACE: u128 = 31u128.pow(18);
/// 10^17: the number of 17-digit strings.
const RESIDENT_SPACE: u64 = 10u64.pow(17);

/// Σ val(c_i)·31^(17−i) over the 18 characters (`val` = index in the GB 32100
/// alphabet). Every character of a parsed code is in the alphabet.
fn credit_number(code: &[u8]) -> u128 {
    code.iter().fold(0u128, |acc, &b| {
        let v = CREDIT_ALPHABET.iter().position(|&c| c == b).unwrap_or(0);
        acc * 31 + v as u128
    })
}

/// 31^9: a credit code's number is split in two halves of 9 base-31 digits,
/// each below 2^45, so that only one 128-bit division is needed.
const HALF: u128 = 31u128.pow(9);

/// The 18 characters of `n` < 31^18 in base 31 over the GB 32100 alphabet.
fn credit_chars(n: u128) -> String {
    let mut out = [b'0'; CREDIT_LEN];
    // Both halves are below 31^9 < 2^45: the casts are exact.
    let halves = [(n % HALF) as u64, (n / HALF) as u64];
    for (chunk, mut half) in out.rchunks_mut(9).zip(halves) {
        for slot in chunk.iter_mut().rev() {
            *slot = CREDIT_ALPHABET[(half % 31) as usize];
            half /= 31;
        }
    }
    out.iter().map(|&b| char::from(b)).collect()
}

fn out_of_range(kind: &'static str) -> IdentifierError {
    IdentifierError::Structure {
        kind,
        problem: "its packed number is out of range",
    }
}

impl CreditCode {
    /// The packed form: Σ val(c_i)·31^(17−i) over the 18 characters, as 12
    /// bytes big-endian (docs/FORMAT.md §4). `91310115MA1K4LQX58` packs to
    /// `00a889a97243f76048aabdda`.
    pub fn to_packed(&self) -> [u8; PACKED_CREDIT_LEN] {
        let n = credit_number(self.as_str().as_bytes());
        let be = n.to_be_bytes();
        let mut out = [0u8; PACKED_CREDIT_LEN];
        out.copy_from_slice(&be[16 - PACKED_CREDIT_LEN..]);
        out
    }

    /// Unpacks a credit code **leniently** (as [`CreditCode::parse_lenient`]:
    /// a wrong check character is accepted and recorded). A number of 31^18
    /// or more, or characters 3 to 8 that are not digits, are errors.
    pub fn from_packed(bytes: &[u8; PACKED_CREDIT_LEN]) -> Result<Self, IdentifierError> {
        let mut be = [0u8; 16];
        be[16 - PACKED_CREDIT_LEN..].copy_from_slice(bytes);
        let n = u128::from_be_bytes(be);
        if n >= CREDIT_SPACE {
            return Err(out_of_range(KIND_CREDIT));
        }
        CreditCode::parse_as(&credit_chars(n), KIND_CREDIT, false)
    }
}

impl LicenceTypeCode {
    /// The packed form: (the ministry credit code's number, as in
    /// [`CreditCode::to_packed`]) · 1000 + the 3-digit sequence, as 13 bytes
    /// big-endian (docs/FORMAT.md §4). `11100000000013338W011` packs to
    /// `004b4a23c4aa26a7d36846b613`.
    pub fn to_packed(&self) -> [u8; PACKED_TYPE_LEN] {
        let credit = credit_number(self.ministry_code().as_bytes());
        let seq = self
            .sequence()
            .bytes()
            .fold(0u128, |acc, b| acc * 10 + u128::from(b - b'0'));
        let be = (credit * 1000 + seq).to_be_bytes();
        let mut out = [0u8; PACKED_TYPE_LEN];
        out.copy_from_slice(&be[16 - PACKED_TYPE_LEN..]);
        out
    }

    /// Unpacks a licence type code, strictly (as [`LicenceTypeCode::parse`]:
    /// the ministry code's check character must be right). A number of
    /// 31^18 · 1000 or more is an error.
    pub fn from_packed(bytes: &[u8; PACKED_TYPE_LEN]) -> Result<Self, IdentifierError> {
        let mut be = [0u8; 16];
        be[16 - PACKED_TYPE_LEN..].copy_from_slice(bytes);
        let n = u128::from_be_bytes(be);
        if n >= CREDIT_SPACE * 1000 {
            return Err(out_of_range(KIND_TYPE));
        }
        let ministry = CreditCode::parse_as(&credit_chars(n / 1000), KIND_MINISTRY, true)?;
        Ok(LicenceTypeCode(format!(
            "{}{:03}",
            ministry.as_str(),
            n % 1000
        )))
    }
}

impl ResidentId {
    /// The packed form: the first 17 digits as a number, times 11, plus the
    /// check character's value (`0`–`9`, `X` = 10) (docs/FORMAT.md §4).
    /// `13043419840726291X` packs to 143477618247989211.
    pub fn to_packed(&self) -> u64 {
        let b = self.as_str().as_bytes();
        let digits = b[..RESIDENT_LEN - 1]
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'));
        let check = match b[RESIDENT_LEN - 1] {
            b'X' => 10,
            d => u64::from(d - b'0'),
        };
        digits * 11 + check
    }

    /// Unpacks a resident identity number, strictly (as
    /// [`ResidentId::parse`]). A number of 10^17 · 11 or more is an error.
    pub fn from_packed(n: u64) -> Result<Self, IdentifierError> {
        if n >= RESIDENT_SPACE * 11 {
            return Err(out_of_range(KIND_RESIDENT));
        }
        let check = RESIDENT_CHECKS_BY_VALUE[(n % 11) as usize];
        let s = format!("{:017}{}", n / 11, char::from(check));
        ResidentId::parse(&s)
    }
}

/// Check characters by value: `0`–`9`, then `X` for 10.
const RESIDENT_CHECKS_BY_VALUE: &[u8; 11] = b"0123456789X";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_code_round_trips_and_packs_to_the_documented_bytes() {
        let c = CreditCode::parse("91310115MA1K4LQX58").unwrap();
        assert_eq!(hex::encode(c.to_packed()), "00a889a97243f76048aabdda");
        assert_eq!(CreditCode::from_packed(&c.to_packed()).unwrap(), c);
        // Smallest and largest 18-character strings.
        assert_eq!(credit_chars(0), "000000000000000000");
        assert_eq!(credit_chars(CREDIT_SPACE - 1), "YYYYYYYYYYYYYYYYYY");
        // A pilot code with a wrong check character keeps its flag.
        let pilot = CreditCode::parse_lenient("91350203M0001QAY9B").unwrap();
        assert!(!pilot.check_valid());
        let back = CreditCode::from_packed(&pilot.to_packed()).unwrap();
        assert_eq!(back, pilot);
        assert!(!back.check_valid());
    }

    #[test]
    fn credit_code_out_of_range_or_letters_in_the_region_digits() {
        let max = CREDIT_SPACE.to_be_bytes();
        let mut b = [0u8; 12];
        b.copy_from_slice(&max[4..]);
        assert_eq!(
            CreditCode::from_packed(&b).unwrap_err(),
            out_of_range(KIND_CREDIT)
        );
        assert_eq!(
            CreditCode::from_packed(&[0xff; 12]).unwrap_err(),
            out_of_range(KIND_CREDIT)
        );
        // All zeros is "000000000000000000": a valid shape, check character 0.
        assert_eq!(
            CreditCode::from_packed(&[0; 12]).unwrap().as_str(),
            "000000000000000000"
        );
        // 31^18 − 1 is all Y: letters where region digits belong.
        let mut b = [0u8; 12];
        b.copy_from_slice(&(CREDIT_SPACE - 1).to_be_bytes()[4..]);
        assert!(matches!(
            CreditCode::from_packed(&b).unwrap_err(),
            IdentifierError::InvalidCharacter { position: 3, .. }
        ));
    }

    #[test]
    fn type_code_round_trips_and_packs_to_the_documented_bytes() {
        for s in [
            "11100000000013338W011",
            "11100000000013338W032",
            "11100000MB03271699022",
            "11100000000013661B006",
            "11100000000013338W000",
            "11100000000013338W999",
        ] {
            let t = LicenceTypeCode::parse(s).unwrap();
            assert_eq!(LicenceTypeCode::from_packed(&t.to_packed()).unwrap(), t);
        }
        let t = LicenceTypeCode::parse("11100000000013338W011").unwrap();
        assert_eq!(hex::encode(t.to_packed()), "004b4a23c4aa26a7d36846b613");
    }

    #[test]
    fn type_code_out_of_range_or_wrong_check_character() {
        assert_eq!(
            LicenceTypeCode::from_packed(&[0xff; 13]).unwrap_err(),
            out_of_range(KIND_TYPE)
        );
        let mut b = [0u8; 13];
        b.copy_from_slice(&(CREDIT_SPACE * 1000).to_be_bytes()[3..]);
        assert_eq!(
            LicenceTypeCode::from_packed(&b).unwrap_err(),
            out_of_range(KIND_TYPE)
        );
        // The ministry code 11100000000013338X fails MOD 31 (its check is W).
        let good = LicenceTypeCode::parse("11100000000013338W011").unwrap();
        let mut n = u128::from_be_bytes({
            let mut be = [0u8; 16];
            be[3..].copy_from_slice(&good.to_packed());
            be
        });
        n += 1000; // W → X, the next letter of the alphabet
        let mut b = [0u8; 13];
        b.copy_from_slice(&n.to_be_bytes()[3..]);
        assert!(matches!(
            LicenceTypeCode::from_packed(&b).unwrap_err(),
            IdentifierError::CheckCharacterMismatch {
                kind: KIND_MINISTRY,
                expected: 'W',
                found: 'X'
            }
        ));
    }

    #[test]
    fn resident_id_round_trips_and_packs_to_the_documented_number() {
        let r = ResidentId::parse("13043419840726291X").unwrap();
        assert_eq!(r.to_packed(), 143_477_618_247_989_211);
        assert_eq!(ResidentId::from_packed(r.to_packed()).unwrap(), r);
        // Out of range, and a wrong check character (…291X is right, …2910 is not).
        assert_eq!(
            ResidentId::from_packed(RESIDENT_SPACE * 11).unwrap_err(),
            out_of_range(KIND_RESIDENT)
        );
        assert_eq!(
            ResidentId::from_packed(u64::MAX).unwrap_err(),
            out_of_range(KIND_RESIDENT)
        );
        assert!(matches!(
            ResidentId::from_packed(r.to_packed() - 10).unwrap_err(),
            IdentifierError::CheckCharacterMismatch { .. }
        ));
        // 0 is "000000000000000000": no region shape.
        assert!(matches!(
            ResidentId::from_packed(0).unwrap_err(),
            IdentifierError::InvalidRegion { .. }
        ));
    }
}
