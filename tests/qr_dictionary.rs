//! The QR payload's preset dictionary against an independent implementation,
//! Python's zlib (docs/FORMAT.md §2: `zlib.decompressobj(wbits=-15,
//! zdict=dictionary)`): streams Python makes with the dictionary, in every
//! block type and strategy it has, decode here to the same bytes; the QR
//! texts we make decode there; and the committed dictionary is what
//! `scripts/build-dictionary.py` builds from its sources.
//!
//! Needs python3 (scripts/test.sh installs it); zlib is in its standard library.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use elicense::envelope::{
    decode_qr_payload, from_qr_text, to_qr_text, EnvelopeError, DICTIONARY_1, MAX_COSE_LEN,
    PAYLOAD_DICTIONARY_1,
};
use elicense::ReasonCode;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Runs `script` with python3, the dictionary's path as its argument and
/// `input` on standard input; returns its standard output.
fn python(script: &str, input: &str) -> String {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(root().join("data/dictionary/el-dict-1.bin"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/test.sh installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Inputs: licence-like bytes, dictionary material, and text long enough
/// for zlib to choose dynamic Huffman blocks.
fn inputs() -> Vec<Vec<u8>> {
    let scope =
        "软件开发；信息技术咨询服务；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广";
    let mut cose = vec![0xd2, 0x84, 0x51, 0xa3, 0x01, 0x27, 0x04, 0x48];
    cose.extend_from_slice(&[0x5a, 0x11, 0x93, 0x07, 0xc4, 0x2e, 0x80, 0x01]);
    cose.extend_from_slice(&[0x10, 0x19, 0xfe, 0x4c, 0xa0, 0x58, 0x90]);
    cose.extend_from_slice("上海浦江智联科技有限公司上海市浦东新区碧波路690号李明华".as_bytes());
    cose.extend_from_slice(scope.as_bytes());
    cose.extend((0..64u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    vec![
        Vec::new(),
        b"a".to_vec(),
        cose,
        scope.repeat(40).into_bytes(),
        DICTIONARY_1[..4000].to_vec(),
        (0..6000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect(),
    ]
}

/// Python's zlib compresses with the dictionary at several levels and
/// strategies (stored, fixed, dynamic, Huffman only, RLE); every stream
/// decodes here to the input.
#[test]
fn python_zlib_streams_decode_identically() {
    let script = r#"
import sys, zlib
zdict = open(sys.argv[1], "rb").read()
for line in sys.stdin.read().split():
    data = bytes.fromhex(line[1:])
    for level, strategy in [(0, 0), (1, 0), (6, 0), (9, 0), (9, zlib.Z_FIXED),
                            (9, zlib.Z_HUFFMAN_ONLY), (9, zlib.Z_RLE), (9, zlib.Z_FILTERED)]:
        c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy, zdict=zdict)
        print(level, strategy, (c.compress(data) + c.flush()).hex())
    print("end")
"#;
    let inputs = inputs();
    let stdin: String = inputs.iter().map(|i| format!("x{}\n", hex(i))).collect();
    let out = python(script, &stdin);
    let mut lines = out.lines();
    let mut streams = 0;
    for input in &inputs {
        for line in lines.by_ref() {
            if line == "end" {
                break;
            }
            let mut parts = line.split(' ');
            let (level, strategy) = (parts.next().unwrap(), parts.next().unwrap());
            let raw = unhex(parts.next().unwrap_or(""));
            let mut payload = vec![PAYLOAD_DICTIONARY_1];
            payload.extend_from_slice(&raw);
            assert_eq!(
                &decode_qr_payload(payload.clone()).unwrap(),
                input,
                "level {level} strategy {strategy}, input of {} bytes",
                input.len()
            );
            // And as QR text, when it fits one.
            let text = format!("EL2:{}", elicense::internals::base45::encode(&payload));
            if text.len() <= elicense::envelope::MAX_QR_TEXT_LEN {
                assert_eq!(&from_qr_text(&text).unwrap(), input);
            }
            // Cut by one byte: refused, whichever inflater reads it.
            if !raw.is_empty() {
                payload.pop();
                let err = decode_qr_payload(payload).unwrap_err();
                assert_eq!(
                    err.reason(),
                    ReasonCode::ZlibInvalid,
                    "level {level} strategy {strategy}"
                );
            }
            streams += 1;
        }
    }
    assert_eq!(streams, inputs.len() * 8);
}

/// A bomb made by Python through the dictionary (the dictionary copied
/// over and over): refused at the limit, not expanded.
#[test]
fn python_zlib_bomb_through_the_dictionary_is_refused() {
    let script = r#"
import sys, zlib
zdict = open(sys.argv[1], "rb").read()
# zlib finds matches up to 32768 - 262 bytes back: copy the dictionary's end.
tail = zdict[-8000:]
for n in [8192, 8193, 200000]:
    data = (tail * (n // len(tail) + 1))[:n]
    for strategy in [0, zlib.Z_FIXED]:
        c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, strategy, zdict=zdict)
        print(n, (c.compress(data) + c.flush()).hex())
"#;
    let out = python(script, "");
    let mut seen = 0;
    for line in out.lines() {
        let (n, raw) = line.split_once(' ').unwrap();
        let n: usize = n.parse().unwrap();
        let raw = unhex(raw);
        assert!(raw.len() < 3000, "{} bytes for {n}", raw.len());
        let mut payload = vec![PAYLOAD_DICTIONARY_1];
        payload.extend_from_slice(&raw);
        let result = decode_qr_payload(payload);
        if n <= MAX_COSE_LEN {
            let tail = &DICTIONARY_1[DICTIONARY_1.len() - 8000..];
            let expected: Vec<u8> = tail.iter().cycle().take(n).copied().collect();
            assert_eq!(result.unwrap(), expected);
        } else {
            assert_eq!(result.unwrap_err(), EnvelopeError::ZlibTooLarge, "{n}");
        }
        seen += 1;
    }
    assert_eq!(seen, 6);
}

/// Python decodes our QR texts from the specification alone: Base45 (RFC
/// 9285), the first byte, raw inflation over the dictionary.
#[test]
fn python_decodes_our_qr_texts() {
    let script = r#"
import sys, zlib
zdict = open(sys.argv[1], "rb").read()
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
def b45(s):
    out = bytearray()
    for i in range(0, len(s), 3):
        g = [A.index(c) for c in s[i:i + 3]]
        v = sum(x * 45 ** k for k, x in enumerate(g))
        out += v.to_bytes(3 if len(g) == 3 else 1, "big")[-2:] if len(g) == 3 else bytes([v])
    return bytes(out)
for text in sys.stdin.read().split("\n"):
    if not text:
        continue
    assert text.startswith("EL2:"), text
    p = b45(text[4:])
    if p[0] == 0xD2:
        cose = p
    else:
        assert p[0] == 0x01
        d = zlib.decompressobj(wbits=-15, zdict=zdict)
        cose = d.decompress(p[1:], 8193)
        assert d.eof and not d.unused_data and not d.unconsumed_tail and len(cose) <= 8192
    print(cose.hex())
"#;
    // Inputs that start as a COSE_Sign1 does (the raw form is told by its
    // first byte 0xD2) and fit a QR code.
    let inputs: Vec<Vec<u8>> = inputs()
        .into_iter()
        .map(|i| [&[0xd2, 0x84][..], &i].concat())
        .filter(|i| i.len() <= 2000)
        .collect();
    let texts: Vec<String> = inputs.iter().map(|i| to_qr_text(i)).collect();
    let first = |t: &String| elicense::internals::base45::decode(&t[4..]).unwrap()[0];
    // Both forms are exercised.
    assert!(texts.iter().any(|t| first(t) == PAYLOAD_DICTIONARY_1));
    assert!(texts.iter().any(|t| first(t) == 0xd2));
    let stdin: String = texts.iter().map(|t| format!("{t}\n")).collect();
    let out = python(script, &stdin);
    let decoded: Vec<Vec<u8>> = out.lines().map(unhex).collect();
    assert_eq!(decoded, inputs);
}

/// The committed dictionary is what the build script makes from the
/// committed sources.
#[test]
fn dictionary_is_reproducible() {
    let out = Command::new("python3")
        .arg(root().join("scripts/build-dictionary.py"))
        .arg("--check")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(DICTIONARY_1.len() <= 32768);
}
