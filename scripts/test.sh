#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, unit, integration, CLI and
# doc tests, a build of the core without default features, and a fuzzing smoke
# run of every decoder. Installs what it needs (cargo-fuzz) on first use.
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

step "tests (unit, integration, CLI, benches compiled)"
cargo test --workspace --all-targets

step "doc tests"
cargo test --workspace --doc

step "documentation builds without warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --lib

step "fuzzing smoke run (${FUZZ_SECONDS}s per target)"
bash scripts/fuzz-smoke.sh "$FUZZ_SECONDS"

step "all tests passed"
