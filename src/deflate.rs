//! DEFLATE for QR payloads: a small compressor (issuing side) with the
//! preset dictionary of format version 2, and bounded fast inflaters.
//!
//! Why our own compressor rather than miniz_oxide's: on a 400-byte COSE_Sign1
//! miniz spent 20–27 µs, almost all of it initialising (or resetting) its
//! 32 K-entry hash tables, which is as long as the Ed25519 signature itself
//! and made issuing a licence three times slower than signing it; and
//! miniz's compressor takes no preset dictionary. QR payloads are a few
//! hundred bytes, so this encoder sizes its tables to the input, indexes the
//! dictionary once per process ([`OnceLock`]), does greedy LZ77 matching
//! that only takes a match when it costs fewer bits than the literals it
//! replaces, and writes a single fixed-Huffman block (RFC 1951 §3.2.6), which for
//! inputs this small is as good as a dynamic block whose code tables would
//! cost 60–80 bytes (zlib at level 9 picks the fixed block too on every
//! licence of `scripts/measure-text-compression.py`). The output is
//! deterministic. Measured on those licences (docs/FORMAT.md §9.2), it
//! comes within 1.6 bytes of zlib's best on average; one byte of lookahead
//! (lazy matching) would save 0.4 bytes more for a quarter more encoding
//! work, an optimal parse 1.1 bytes for four times the work: neither is
//! taken.
//!
//! Decoding: [`inflate_fixed`] (zlib, for status lists and `HC1:` texts) and
//! [`inflate_raw_fixed`] (raw DEFLATE over the dictionary, for `EL2:` texts)
//! read exactly the single fixed-Huffman block this encoder writes, without
//! building tables and without copying the dictionary; any other stream is
//! left to miniz_oxide (`crate::envelope`).

use std::sync::OnceLock;

/// The preset dictionary version 1, `data/dictionary/el-dict-1.bin`
/// (docs/FORMAT.md §2 and §9.2): the history a payload of first byte 0x01
/// is inflated over.
pub(crate) const DICTIONARY_1: &[u8] = include_bytes!("../data/dictionary/el-dict-1.bin");

// A preset dictionary fills at most the window, and its positions fit in u16.
const _: () = assert!(DICTIONARY_1.len() <= WINDOW);

/// Lengths 3..=258 as (code, extra bits, base).
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
const WINDOW: usize = 32 * 1024;
const HASH_BITS: u32 = 10;
const MAX_CHAIN: usize = 8;
/// Hash bits of the dictionary's index (4-byte hashes).
const DICT_HASH_BITS: u32 = 15;
/// Dictionary candidates tried per position: a common Hanzi starts hundreds
/// of entries, so the chain runs longer than the input's own.
const DICT_CHAIN: usize = 16;

/// The fixed literal/length code of every symbol, bit-reversed for LSB-first
/// writing, with its length (RFC 1951 §3.2.6).
const FIXED_CODES: [(u16, u8); 288] = {
    let mut t = [(0u16, 0u8); 288];
    let mut sym = 0;
    while sym < 288 {
        let (code, len) = match sym {
            0..=143 => (0x30 + sym as u32, 8),
            144..=255 => (0x190 + sym as u32 - 144, 9),
            256..=279 => (sym as u32 - 256, 7),
            _ => (0xc0 + sym as u32 - 280, 8),
        };
        t[sym] = ((code.reverse_bits() >> (32 - len)) as u16, len as u8);
        sym += 1;
    }
    t
};

/// The 5-bit fixed distance codes, bit-reversed.
const DIST_CODES: [u8; 30] = {
    let mut t = [0u8; 30];
    let mut i = 0;
    while i < 30 {
        t[i] = ((i as u32).reverse_bits() >> 27) as u8;
        i += 1;
    }
    t
};

struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    bits: u32,
}

impl BitWriter {
    /// Writes the low `n` bits of `value`, least significant first.
    fn bits(&mut self, value: u32, n: u32) {
        self.acc |= u64::from(value) << self.bits;
        self.bits += n;
        while self.bits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.bits -= 8;
        }
    }

    /// The fixed literal/length code of `sym` (0..=287).
    fn literal(&mut self, sym: u32) {
        let (code, len) = FIXED_CODES[sym as usize];
        self.bits(u32::from(code), u32::from(len));
    }

    fn flush(mut self) -> Vec<u8> {
        if self.bits > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the largest n for which the sums cannot overflow before the modulo.
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

/// The hash of the three bytes at `i` (the caller checks `i + 3 <= d.len()`).
#[inline]
fn hash(d: &[u8], i: usize) -> usize {
    let [a, b, c] = d[i..i + 3] else {
        unreachable!("a three-byte slice")
    };
    let v = u32::from(a) | u32::from(b) << 8 | u32::from(c) << 16;
    (v.wrapping_mul(0x9e37_79b1) >> (32 - HASH_BITS)) as usize
}

/// The hash of the four bytes at `i`, for the dictionary's index (the
/// caller checks `i + 4 <= d.len()`).
#[inline]
fn hash4(d: &[u8], i: usize) -> usize {
    let [a, b, c, e] = d[i..i + 4] else {
        unreachable!("a four-byte slice")
    };
    let v = u32::from_le_bytes([a, b, c, e]);
    (v.wrapping_mul(0x9e37_79b1) >> (32 - DICT_HASH_BITS)) as usize
}

/// The index of the last entry of `table` that is ≤ `value`.
fn bucket(table: &[u16], value: usize) -> usize {
    table.partition_point(|&b| usize::from(b) <= value) - 1
}

/// Bits of a literal byte in the fixed code.
fn literal_bits(b: u8) -> u32 {
    if b < 144 {
        8
    } else {
        9
    }
}

/// Bits of a (length, distance) pair in the fixed code.
fn match_bits(len: usize, dist: usize) -> u32 {
    let li = bucket(&LENGTH_BASE, len);
    let di = bucket(&DIST_BASE, dist);
    let code = if li < 23 { 7 } else { 8 }; // symbols 257..=279 have 7 bits
    code + u32::from(LENGTH_EXTRA[li]) + 5 + u32::from(DIST_EXTRA[di])
}

/// The dictionary's hash chains, built once per process: every position
/// where four bytes start, newest first per hash (positions fit in u16:
/// the dictionary is at most 32768 bytes; `NONE` ends a chain).
struct DictionaryIndex {
    dictionary: &'static [u8],
    head: Box<[u16]>,
    prev: Box<[u16]>,
}

const NONE: u16 = u16::MAX;

impl DictionaryIndex {
    fn new(dictionary: &'static [u8]) -> Self {
        let mut head = vec![NONE; 1 << DICT_HASH_BITS].into_boxed_slice();
        let mut prev = vec![NONE; dictionary.len()].into_boxed_slice();
        for i in 0..dictionary.len().saturating_sub(3) {
            let h = hash4(dictionary, i);
            prev[i] = head[h];
            head[h] = i as u16;
        }
        Self {
            dictionary,
            head,
            prev,
        }
    }
}

/// The index of [`DICTIONARY_1`].
fn dictionary_1() -> &'static DictionaryIndex {
    static INDEX: OnceLock<DictionaryIndex> = OnceLock::new();
    INDEX.get_or_init(|| DictionaryIndex::new(DICTIONARY_1))
}

/// The LZ77 matcher of one input, over an optional dictionary.
struct Matcher<'a> {
    data: &'a [u8],
    dict: Option<&'static DictionaryIndex>,
    head: Vec<u32>,
    prev: Vec<u32>,
    /// Positions below this one are in the chains.
    inserted: usize,
}

impl Matcher<'_> {
    /// Puts every position before `end` into the hash chains.
    fn insert_upto(&mut self, end: usize) {
        let n = self.data.len();
        while self.inserted < end {
            let i = self.inserted;
            if i + MIN_MATCH <= n {
                let h = hash(self.data, i);
                self.prev[i] = self.head[h];
                self.head[h] = i as u32;
            }
            self.inserted += 1;
        }
    }

    /// The longest match at `i` that is cheaper than its literals, as
    /// (length, distance); length 0 when there is none. Earlier input is
    /// searched before the dictionary (nearer is cheaper).
    fn find(&mut self, i: usize) -> (usize, usize) {
        self.insert_upto(i);
        let data = self.data;
        let n = data.len();
        if i + MIN_MATCH > n {
            return (0, 0);
        }
        let max = (n - i).min(MAX_MATCH);
        let (mut best_len, mut best_dist) = (0, 0);
        let mut cand = self.head[hash(data, i)];
        let mut chain = 0;
        while cand != u32::MAX && chain < MAX_CHAIN {
            let c = cand as usize;
            if i - c > WINDOW {
                break;
            }
            let len = common_prefix(&data[c..c + max], &data[i..i + max]);
            if len > best_len {
                best_len = len;
                best_dist = i - c;
                if len == max {
                    break;
                }
            }
            cand = self.prev[c];
            chain += 1;
        }
        if let Some(index) = self.dict {
            let d = index.dictionary;
            if best_len < max && i + 4 <= n {
                let mut cand = index.head[hash4(data, i)];
                let mut chain = 0;
                while cand != NONE && chain < DICT_CHAIN {
                    let c = usize::from(cand);
                    let dist = i + d.len() - c;
                    if dist > WINDOW {
                        break; // older positions are farther still
                    }
                    // A match stops at the end of the dictionary.
                    let m = max.min(d.len() - c);
                    // Only a candidate that agrees one byte past the best
                    // so far can beat it: test that byte first.
                    if m > best_len && d[c + best_len] == data[i + best_len] {
                        let len = common_prefix(&d[c..c + m], &data[i..i + m]);
                        if len > best_len {
                            best_len = len;
                            best_dist = dist;
                            if len == max {
                                break;
                            }
                        }
                    }
                    cand = index.prev[c];
                    chain += 1;
                }
            }
        }
        if best_len >= MIN_MATCH {
            let literals: u32 = data[i..i + best_len].iter().map(|&b| literal_bits(b)).sum();
            if match_bits(best_len, best_dist) < literals {
                return (best_len, best_dist);
            }
        }
        (0, 0)
    }
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Writes `data` as one final fixed-Huffman block, matching greedily
/// against earlier input and, when given, the dictionary as history.
fn fixed_block(w: &mut BitWriter, data: &[u8], dict: Option<&'static DictionaryIndex>) {
    w.bits(1, 1); // BFINAL
    w.bits(1, 2); // BTYPE = 01, fixed Huffman
    let n = data.len();
    let mut m = Matcher {
        data,
        dict,
        head: vec![u32::MAX; 1 << HASH_BITS],
        prev: vec![u32::MAX; n],
        inserted: 0,
    };
    let mut i = 0;
    while i < n {
        let (len, dist) = m.find(i);
        if len == 0 {
            w.literal(u32::from(data[i]));
            i += 1;
            continue;
        }
        let li = bucket(&LENGTH_BASE, len);
        w.literal(257 + li as u32);
        w.bits(
            (len - usize::from(LENGTH_BASE[li])) as u32,
            u32::from(LENGTH_EXTRA[li]),
        );
        let di = bucket(&DIST_BASE, dist);
        w.bits(u32::from(DIST_CODES[di]), 5);
        w.bits(
            (dist - usize::from(DIST_BASE[di])) as u32,
            u32::from(DIST_EXTRA[di]),
        );
        i += len;
    }
    w.literal(256); // end of block
}

/// Compresses `data` into a zlib stream (RFC 1950) with one fixed-Huffman
/// block and no dictionary (tests make `HC1:` texts and status lists with it).
#[cfg(test)]
pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() + data.len() / 8 + 16),
        acc: 0,
        bits: 0,
    };
    // CMF 0x78: deflate, 32 KiB window. FLG 0x01: fastest level, no preset
    // dictionary, and (CMF * 256 + FLG) is a multiple of 31.
    w.out.extend_from_slice(&[0x78, 0x01]);
    fixed_block(&mut w, data, None);
    let mut out = w.flush();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// Compresses `data` into raw DEFLATE (RFC 1951, no header or checksum)
/// over the preset dictionary [`DICTIONARY_1`]: what follows the payload
/// byte 0x01 of an `EL2:` text (docs/FORMAT.md §2). Any inflater given the
/// dictionary reads it (Python: `zlib.decompressobj(wbits=-15, zdict=…)`).
pub(crate) fn deflate_dictionary_1(data: &[u8]) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() + data.len() / 8 + 8),
        acc: 0,
        bits: 0,
    };
    fixed_block(&mut w, data, Some(dictionary_1()));
    w.flush()
}

/// Why [`inflate_fixed`] did not produce output.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FastInflate {
    /// The stream is not a single final fixed-Huffman block: use a general inflater.
    NotFixed,
    /// The output would exceed the limit.
    TooLarge,
    /// The stream is invalid (bad header, code, distance or checksum).
    Invalid,
    /// A valid stream is followed by more bytes.
    Trailing,
}

struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    bits: u32,
}

impl BitReader<'_> {
    /// Tops the accumulator up with whole bytes (it never holds more than 64 bits).
    fn refill(&mut self) {
        while self.bits <= 56 {
            let Some(&b) = self.data.get(self.pos) else {
                return;
            };
            self.acc |= u64::from(b) << self.bits;
            self.pos += 1;
            self.bits += 8;
        }
    }
    fn consume(&mut self, n: u32) -> Result<(), FastInflate> {
        if self.bits < n {
            return Err(FastInflate::Invalid); // the stream ends inside a code
        }
        self.acc >>= n;
        self.bits -= n;
        Ok(())
    }
    fn bits(&mut self, n: u32) -> Result<u32, FastInflate> {
        if self.bits < n {
            self.refill();
        }
        let v = (self.acc & ((1u64 << n) - 1)) as u32;
        self.consume(n)?;
        Ok(v)
    }
    /// The next fixed-Huffman literal/length symbol (RFC 1951 §3.2.6): peek
    /// nine bits, reverse them into code order, and classify by prefix.
    fn fixed_symbol(&mut self) -> Result<u32, FastInflate> {
        if self.bits < 9 {
            self.refill();
        }
        let code9 = u32::from(((self.acc & 0x1ff) as u16).reverse_bits() >> 7);
        let (sym, len) = match code9 >> 2 {
            top7 @ 0..=0x17 => (256 + top7, 7),
            _ => match code9 >> 1 {
                top8 @ 0x30..=0xbf => (top8 - 0x30, 8),
                top8 @ 0xc0..=0xc7 => (280 + top8 - 0xc0, 8),
                _ if code9 >= 0x190 => (144 + code9 - 0x190, 9),
                _ => return Err(FastInflate::Invalid),
            },
        };
        self.consume(len)?;
        Ok(sym)
    }
    /// The next 5-bit fixed distance code.
    fn distance_code(&mut self) -> Result<usize, FastInflate> {
        let v = self.bits(5)?;
        Ok(((v as u8).reverse_bits() >> 3) as usize)
    }
}

/// Inflates a zlib stream that holds one final fixed-Huffman block, without
/// building decoding tables; anything else is [`FastInflate::NotFixed`], for
/// the caller to hand to a general inflater.
///
/// Why: a general inflater rebuilds its fixed-code tables for every stream,
/// which on a 400-byte licence cost as much as all the rest of decoding. This
/// is what [`zlib`] writes. The output never exceeds `limit` bytes, and the
/// stream must end exactly at the Adler-32 that closes it.
pub(crate) fn inflate_fixed(z: &[u8], limit: usize) -> Result<Vec<u8>, FastInflate> {
    let [cmf, flg, ..] = *z else {
        return Err(FastInflate::Invalid);
    };
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return Err(FastInflate::Invalid);
    }
    if flg & 0x20 != 0 {
        return Err(FastInflate::Invalid); // preset dictionaries are not part of the format
    }
    let (out, rest) = fixed_stream(&z[2..], &[], limit)?;
    match rest {
        [a, b, c, d, tail @ ..] if u32::from_be_bytes([*a, *b, *c, *d]) == adler32(&out) => {
            if tail.is_empty() {
                Ok(out)
            } else {
                Err(FastInflate::Trailing)
            }
        }
        _ => Err(FastInflate::Invalid),
    }
}

/// Inflates raw DEFLATE (RFC 1951) that holds one final fixed-Huffman
/// block, over `dictionary` as history (a back-reference may reach into
/// it, never before it), without copying the dictionary: what
/// [`deflate_dictionary_1`] writes. Anything else is
/// [`FastInflate::NotFixed`]. The output (the dictionary not counted) never
/// exceeds `limit` bytes, and the stream must end in the byte that holds
/// the end-of-block code.
pub(crate) fn inflate_raw_fixed(
    raw: &[u8],
    dictionary: &[u8],
    limit: usize,
) -> Result<Vec<u8>, FastInflate> {
    let (out, rest) = fixed_stream(raw, dictionary, limit)?;
    if rest.is_empty() {
        Ok(out)
    } else {
        Err(FastInflate::Trailing)
    }
}

/// Decodes one final fixed-Huffman block at the start of `data`; returns
/// the output and the bytes after the block's last (partial) byte.
fn fixed_stream<'a>(
    data: &'a [u8],
    dictionary: &[u8],
    limit: usize,
) -> Result<(Vec<u8>, &'a [u8]), FastInflate> {
    let mut r = BitReader {
        data,
        pos: 0,
        acc: 0,
        bits: 0,
    };
    // BFINAL = 1 and BTYPE = 01, or this is not our fast case.
    if r.bits(3)? != 0b011 {
        return Err(FastInflate::NotFixed);
    }
    // The buffer never grows past `limit`: capacity doubles, capped there.
    let mut out: Vec<u8> = Vec::with_capacity((data.len() * 2).min(limit));
    let grow = |out: &mut Vec<u8>, extra: usize| {
        let need = out.len() + extra;
        if need > out.capacity() {
            let target = (out.capacity() * 2).max(need).min(limit);
            out.reserve_exact(target - out.len());
        }
    };
    loop {
        let sym = r.fixed_symbol()?;
        match sym {
            0..=255 => {
                if out.len() >= limit {
                    return Err(FastInflate::TooLarge);
                }
                grow(&mut out, 1);
                out.push(sym as u8);
            }
            256 => break,
            257..=285 => {
                let li = (sym - 257) as usize;
                let len =
                    usize::from(LENGTH_BASE[li]) + r.bits(u32::from(LENGTH_EXTRA[li]))? as usize;
                let di = r.distance_code()?;
                if di >= DIST_BASE.len() {
                    return Err(FastInflate::Invalid);
                }
                let dist = usize::from(DIST_BASE[di]) + r.bits(u32::from(DIST_EXTRA[di]))? as usize;
                if dist > out.len() + dictionary.len() {
                    return Err(FastInflate::Invalid);
                }
                if out.len() + len > limit {
                    return Err(FastInflate::TooLarge);
                }
                grow(&mut out, len);
                let mut len = len;
                if dist > out.len() {
                    // The match starts in the dictionary and may run on
                    // into the output, which follows the dictionary's end.
                    let back = dist - out.len();
                    let start = dictionary.len() - back;
                    let take = back.min(len);
                    out.extend_from_slice(&dictionary[start..start + take]);
                    len -= take;
                    for k in 0..len {
                        out.push(out[k]);
                    }
                } else {
                    let start = out.len() - dist;
                    if dist >= len {
                        out.extend_from_within(start..start + len);
                    } else {
                        for k in 0..len {
                            out.push(out[start + k]);
                        }
                    }
                }
            }
            _ => return Err(FastInflate::Invalid),
        }
    }
    // What follows starts at the next byte boundary: drop the partial byte.
    Ok((out, &r.data[r.pos - (r.bits / 8) as usize..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate(z: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec_zlib(z).expect("a valid zlib stream")
    }

    /// A deterministic pseudo-random byte stream (xorshift).
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn round_trips_through_an_independent_inflater() {
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![],
            vec![0],
            vec![0xff],
            b"ab".to_vec(),
            b"abcabcabcabcabcabc".to_vec(),
            vec![b'a'; 258],
            vec![b'a'; 259],
            vec![b'a'; 10_000],
            "上海市浦东新区碧波路690号上海市浦东新区"
                .as_bytes()
                .to_vec(),
        ];
        for len in [1, 2, 3, 4, 100, 1000, 8192, 40_000] {
            inputs.push(noise(len, len as u64));
            // Low-entropy data: long and distant matches of every length.
            inputs.push(noise(len, 7).iter().map(|b| b % 4).collect());
        }
        // A repeat 32768 bytes back, at the edge of the window, and beyond it.
        let mut far = noise(33_000, 3);
        far.extend_from_within(0..300);
        inputs.push(far);
        for input in &inputs {
            let z = zlib(input);
            assert_eq!(&inflate(&z), input, "length {}", input.len());
            assert_eq!(z[..2], [0x78, 0x01]);
        }
    }

    /// The fast path and miniz agree on every stream: same output, or both refuse.
    #[test]
    fn fast_inflate_agrees_with_miniz() {
        let limit = 8192;
        let miniz = |z: &[u8]| -> Option<Vec<u8>> {
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, limit).ok()
        };
        let mut streams: Vec<Vec<u8>> = Vec::new();
        for (i, len) in [0usize, 1, 5, 64, 300, 418, 2000, 8192]
            .into_iter()
            .enumerate()
        {
            streams.push(zlib(&noise(len, i as u64 + 1)));
            streams.push(zlib(
                &noise(len, 3).iter().map(|b| b % 3).collect::<Vec<_>>(),
            ));
        }
        let mut fast_hits = 0;
        let mut x = 0x1234_5678_9abc_def1u64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for s in &streams {
            assert_eq!(inflate_fixed(s, limit).ok(), miniz(s), "unmutated");
            for _ in 0..400 {
                let mut m = s.clone();
                match rnd() % 4 {
                    0 => {
                        let i = (rnd() as usize) % m.len();
                        m[i] ^= 1 << (rnd() % 8);
                    }
                    1 => m.truncate((rnd() as usize) % m.len()),
                    2 => m.push(rnd() as u8),
                    _ => {
                        let i = (rnd() as usize) % m.len();
                        m[i] = rnd() as u8;
                    }
                }
                match inflate_fixed(&m, limit) {
                    Ok(out) => {
                        fast_hits += 1;
                        assert_eq!(Some(out), miniz(&m), "mutated stream {m:02x?}");
                    }
                    Err(FastInflate::NotFixed) => {}
                    Err(e) => {
                        // miniz may accept trailing bytes; it must refuse the rest.
                        if e != FastInflate::Trailing {
                            assert_eq!(miniz(&m), None, "{e:?} but miniz accepts {m:02x?}");
                        }
                    }
                }
            }
        }
        assert!(fast_hits > 40, "{fast_hits}");
        // Over the limit: refused, not grown.
        let big = zlib(&vec![7u8; 9000]);
        assert_eq!(inflate_fixed(&big, limit), Err(FastInflate::TooLarge));
        // A dynamic-Huffman stream is left to the general inflater.
        let dynamic = miniz_oxide::deflate::compress_to_vec_zlib(
            &noise(3000, 5).iter().map(|b| b % 5).collect::<Vec<_>>(),
            9,
        );
        assert_eq!(inflate_fixed(&dynamic, limit), Err(FastInflate::NotFixed));
    }

    /// A stream that inflates exactly to the limit never holds a buffer
    /// larger than the limit (the output used to grow by doubling past it).
    #[test]
    fn fast_inflate_buffer_stays_within_the_limit() {
        for limit in [4096usize, 100_000, 4 << 20] {
            let z = zlib(&vec![0u8; limit]);
            let out = inflate_fixed(&z, limit).unwrap();
            assert_eq!(out.len(), limit);
            assert!(
                out.capacity() <= limit,
                "capacity {} > limit {limit}",
                out.capacity()
            );
            assert_eq!(inflate_fixed(&z, limit - 1), Err(FastInflate::TooLarge));
        }
    }

    #[test]
    fn compresses_what_should_compress() {
        assert!(zlib(&[b'a'; 600]).len() < 20);
        let text = "软件开发；信息技术咨询服务；技术服务、技术开发；技术服务、技术开发".as_bytes();
        assert!(zlib(text).len() < text.len());
        // Incompressible input grows by the fixed-code overhead only.
        let n = noise(400, 9);
        assert!(zlib(&n).len() <= 400 * 9 / 8 + 8);
    }

    /// An independent inflater over `dictionary`: miniz_oxide with the
    /// dictionary copied in front of its output.
    fn miniz_over(raw: &[u8], dictionary: &[u8], limit: usize) -> Option<Vec<u8>> {
        use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
        let mut buf = dictionary.to_vec();
        buf.resize(dictionary.len() + limit, 0);
        let mut state = Box::<DecompressorOxide>::default();
        let (status, consumed, written) = decompress(
            &mut state,
            raw,
            &mut buf,
            dictionary.len(),
            inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
        );
        (status == miniz_oxide::inflate::TINFLStatus::Done && consumed == raw.len())
            .then(|| buf[dictionary.len()..dictionary.len() + written].to_vec())
    }

    /// Licence-like inputs: CBOR framing, random bytes and Chinese text.
    fn licence_like() -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for (i, text) in [
            "上海浦江智联科技有限公司上海市浦东新区碧波路690号李明华",
            "软件开发；信息技术咨询服务；技术服务、技术开发",
            "广州市天河区天河北路233号中信广场首层102房热食类食品制售；冷食类食品制售",
            "道路普通货物运输；货物专用运输（集装箱）；大型物件运输",
            "",
        ]
        .into_iter()
        .enumerate()
        {
            let mut v = vec![0xd2, 0x84, 0x51, 0xa3, 0x01, 0x27, 0x04, 0x48];
            v.extend(noise(8, i as u64 + 11));
            v.extend_from_slice(&[0x10, 0x19, 0xfe, 0x4c, 0xa0, 0x58, 0xa0]);
            v.extend_from_slice(text.as_bytes());
            v.extend(noise(64, i as u64 + 99));
            out.push(v);
        }
        out
    }

    #[test]
    fn dictionary_round_trips_through_an_independent_inflater() {
        let mut inputs = licence_like();
        inputs.extend([
            vec![],
            vec![0],
            b"ab".to_vec(),
            vec![b'a'; 259],
            noise(1000, 5),
            DICTIONARY_1[..600].to_vec(),
            DICTIONARY_1[DICTIONARY_1.len() - 300..].to_vec(),
            // A match that starts in the dictionary's last bytes and would
            // run on into the output.
            [&DICTIONARY_1[DICTIONARY_1.len() - 5..], &DICTIONARY_1[..5]].concat(),
            DICTIONARY_1.to_vec(),
        ]);
        for input in &inputs {
            let raw = deflate_dictionary_1(input);
            assert_eq!(
                miniz_over(&raw, DICTIONARY_1, 40_000).as_ref(),
                Some(input),
                "length {}",
                input.len()
            );
            assert_eq!(
                inflate_raw_fixed(&raw, DICTIONARY_1, 40_000).as_ref(),
                Ok(input)
            );
            // Deterministic: the same input, the same bytes.
            assert_eq!(deflate_dictionary_1(input), raw);
        }
        // The dictionary pays: licence text compresses far better with it.
        for input in &licence_like()[..4] {
            let with = deflate_dictionary_1(input).len();
            let without = zlib(input).len() - 6;
            assert!(with + 12 < without, "{with} vs {without}");
        }
    }

    /// The raw fast path and miniz agree on every stream over the
    /// dictionary: same output, or both refuse.
    #[test]
    fn raw_fast_inflate_agrees_with_miniz() {
        let limit = 8192;
        let mut streams: Vec<Vec<u8>> = licence_like()
            .iter()
            .map(|v| deflate_dictionary_1(v))
            .collect();
        streams.push(deflate_dictionary_1(&DICTIONARY_1[1000..3000]));
        let mut x = 0x0bad_cafe_dead_beefu64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut fast_hits = 0;
        for s in &streams {
            for _ in 0..600 {
                let mut m = s.clone();
                match rnd() % 4 {
                    0 => {
                        let i = (rnd() as usize) % m.len();
                        m[i] ^= 1 << (rnd() % 8);
                    }
                    1 => m.truncate((rnd() as usize) % m.len()),
                    2 => m.push(rnd() as u8),
                    _ => {
                        let i = (rnd() as usize) % m.len();
                        m[i] = rnd() as u8;
                    }
                }
                match inflate_raw_fixed(&m, DICTIONARY_1, limit) {
                    Ok(out) => {
                        fast_hits += 1;
                        assert_eq!(Some(out), miniz_over(&m, DICTIONARY_1, limit), "{m:02x?}");
                    }
                    Err(FastInflate::NotFixed) => {}
                    Err(FastInflate::TooLarge) => {
                        assert!(miniz_over(&m, DICTIONARY_1, limit).is_none());
                    }
                    Err(e) => {
                        assert_eq!(miniz_over(&m, DICTIONARY_1, limit), None, "{e:?} {m:02x?}");
                    }
                }
            }
        }
        assert!(fast_hits > 100, "{fast_hits}");
    }

    #[test]
    fn raw_fast_inflate_refusals() {
        // A back-reference past the history: 'a', then length 3 at
        // distance 2, with no dictionary and with a 1-byte one.
        let z = deflate_dictionary_1(b"");
        assert_eq!(inflate_raw_fixed(&z, DICTIONARY_1, 10), Ok(vec![]));
        // Fixed block: literal 'a' (0x61: code 0x91, 8 bits), symbol 257
        // (length 3, 7 bits 0000001), distance code 1 (distance 2, 00001),
        // end of block.
        let stream = {
            let mut acc = 0u64;
            let mut n = 0;
            for (v, bits) in [
                (0b011u64, 3u32),
                (u64::from((0x30u8 + 0x61).reverse_bits()), 8),
                (0b1000000, 7),
                (0b10000, 5),
                (0, 7),
            ] {
                acc |= v << n;
                n += bits;
            }
            acc.to_le_bytes()[..(n as usize).div_ceil(8)].to_vec()
        };
        assert_eq!(
            inflate_raw_fixed(&stream, &[], 100),
            Err(FastInflate::Invalid)
        );
        assert_eq!(inflate_raw_fixed(&stream, b"x", 100), Ok(b"axax".to_vec()));
        assert_eq!(
            inflate_raw_fixed(&stream, b"x", 3),
            Err(FastInflate::TooLarge)
        );
        // Not a single final fixed block: left to the general inflater.
        let dynamic = miniz_oxide::deflate::compress_to_vec(
            &noise(3000, 5).iter().map(|b| b % 5).collect::<Vec<_>>(),
            9,
        );
        assert_eq!(
            inflate_raw_fixed(&dynamic, DICTIONARY_1, 8192),
            Err(FastInflate::NotFixed)
        );
        let stored = miniz_oxide::deflate::compress_to_vec(b"abc", 0);
        assert_eq!(
            inflate_raw_fixed(&stored, DICTIONARY_1, 8192),
            Err(FastInflate::NotFixed)
        );
        // Empty input, and a stream cut inside a code.
        assert_eq!(
            inflate_raw_fixed(&[], DICTIONARY_1, 8192),
            Err(FastInflate::Invalid)
        );
        assert_eq!(
            inflate_raw_fixed(&stream[..2], b"x", 100),
            Err(FastInflate::Invalid)
        );
        // A byte after the stream.
        let mut z = deflate_dictionary_1(b"hello");
        z.push(0);
        assert_eq!(
            inflate_raw_fixed(&z, DICTIONARY_1, 100),
            Err(FastInflate::Trailing)
        );
    }

    /// docs/FORMAT.md publishes the dictionary's size and SHA-256: a
    /// regenerated dictionary must be published again.
    #[test]
    fn dictionary_is_the_published_one() {
        use sha2::{Digest, Sha256};
        let digest: String = Sha256::digest(DICTIONARY_1)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let doc = include_str!("../docs/FORMAT.md");
        assert!(
            doc.contains(&format!("SHA-256 `{digest}`")),
            "docs/FORMAT.md §9.2 does not give the dictionary's SHA-256 {digest}"
        );
        assert!(doc.contains(&format!("{} bytes", DICTIONARY_1.len())));
    }

    #[test]
    fn adler32_known_values() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        assert_eq!(adler32(&vec![0xff; 100_000]), {
            let (mut a, mut b) = (1u64, 0u64);
            for _ in 0..100_000 {
                a = (a + 255) % 65_521;
                b = (b + a) % 65_521;
            }
            ((b << 16) | a) as u32
        });
    }
}
