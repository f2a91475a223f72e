#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, unit, integration, CLI and
# doc tests, builds of the core without default features (native and
# wasm32), and a fuzzing smoke run of every decoder. Installs what it needs
# (Debian's rustc-web for wasm32, OpenSSL, Python cryptography and jsonschema
# for the interoperability and report-schema tests, the CJK font of the seal
# pictures, cargo-fuzz) on first use.
#
# Usage: bash scripts/test.sh            (FUZZ_SECONDS=5 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
FUZZ_SECONDS="${FUZZ_SECONDS:-5}"

step() { printf '\n==> %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is required (install Rust with rustup)" >&2
  exit 1
fi
if [ ! -d ../shared/vectors ]; then
  echo "error: ../shared/vectors is missing: the tests load the standards' test vectors from there" >&2
  exit 1
fi

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "lints (cargo clippy -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "core crate without default features"
cargo build --lib --no-default-features

step "core crate for wasm32-unknown-unknown (no default features)"
# rustup cannot add the wasm32 target offline; Debian's rustc-web can build
# std for it (see ../shared/TOOLCHAIN.md).
if ! dpkg -s rustc-web rust-web-src lld-22 >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web cargo-web rust-web-src lld-22 >/dev/null
fi
RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 /usr/bin/cargo build --release \
  -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown \
  -p elicense --no-default-features --lib --target-dir target/wasm

step "OpenSSL and Python cryptography (cli/tests/interop.rs reads our key and certificate files with them)"
if ! command -v openssl >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
fi
if ! command -v python3 >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip >/dev/null
fi
if ! python3 -c 'import cryptography' >/dev/null 2>&1; then
  # Debian's own python3 refuses pip installs outside a virtual environment
  # (PEP 668) unless told otherwise.
  python3 -m pip install -q cryptography \
    || python3 -m pip install -q --break-system-packages cryptography
fi

step "Python jsonschema (tests/report_schema.rs validates reports with it)"
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
  if ! command -v pip3 >/dev/null 2>&1 && ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  fi
  python3 -m pip install -q jsonschema || python3 -m pip install -q --break-system-packages jsonschema
fi

step "Python cbor2 (tests/python/decode_licence.py decodes the FORMAT.md sample from the spec alone)"
if ! python3 -c 'import cbor2' >/dev/null 2>&1; then
  python3 -m pip install -q cbor2 || python3 -m pip install -q --break-system-packages cbor2
fi

step "QR scanner for wasm32-unknown-unknown (--features scan)"
RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 /usr/bin/cargo build --release \
  -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown \
  -p elicense --no-default-features --features scan --lib --target-dir target/wasm

step "QR corpus (scripts/qr-corpus.sh --floor: pictures and zbar's results)"
# tests/qr_corpus.rs scans it and fails below zbar's success rate.
bash scripts/qr-corpus.sh --profile ci --floor target/qr-corpus-ci
export ELICENSE_QR_CORPUS="$PWD/target/qr-corpus-ci"

step "CJK font for seal pictures (Debian's fonts-noto-cjk, SIL Open Font License 1.1)"
# tests/seal_picture.rs and `elicense seal make` draw the seal's characters
# from Noto Serif CJK SC Bold; the font is installed, never committed.
if [ -z "${ELICENSE_SEAL_FONT:-}" ] && [ ! -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
fi

step "tests (unit, integration, CLI, benches compiled)"
cargo test --workspace --all-targets

step "an independent decoder: docs/FORMAT.md's sample in Python (cbor2, zlib, the dictionary file)"
python3 tests/python/decode_licence.py

step "doc tests"
cargo test --workspace --doc

step "documentation builds without warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --lib

step "fuzzing smoke run (${FUZZ_SECONDS}s per target)"
bash scripts/fuzz-smoke.sh "$FUZZ_SECONDS"

step "all tests passed"
