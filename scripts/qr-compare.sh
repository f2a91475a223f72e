#!/usr/bin/env bash
# Measures QR decoders on the project's corpus in one run and prints the
# comparison table (success rate per category, decode time per frame): the
# figures of README "Reading QR codes from pictures".
#
# Usage: scripts/qr-compare.sh [--profile ci|full] [--markdown]
#
# Builds the corpus (scripts/qr-corpus.sh, default profile full, in
# target/qr-corpus-<profile>), then runs over the same pictures:
#   - the Rust decoders of tools/qr-compare (its own workspace, never built
#     by `cargo test --workspace`): elicense (the project's scanner), rqrr,
#     quircs, rxing (QR reader only) and zedbar, in a release build;
#   - zxing-cpp from PyPI (pinned) and zbar (Debian's zbar-tools) as
#     references.
# Installs what it needs on first use. Times are only comparable within
# one run (the machines are shared and noisy).
set -euo pipefail

profile=full
markdown=
while [ $# -gt 0 ]; do
  case $1 in
    --profile) profile=$2; shift ;;
    --markdown) markdown=--markdown ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
dir=target/qr-corpus-$profile

bash scripts/qr-corpus.sh --profile "$profile" --floor "$dir"

venv=target/qr-venv
if ! "$venv/bin/python" -c 'import zxingcpp' >/dev/null 2>&1; then
  echo "== installing zxing-cpp into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check zxing-cpp==3.1.1
fi

echo "== building tools/qr-compare (release)"
cargo build --quiet --release --manifest-path tools/qr-compare/Cargo.toml --target-dir target/qr-compare

echo "== Rust decoders over $dir"
target/qr-compare/release/elicense-qr-compare "$dir" >"$dir/results-rust.jsonl" 2>"$dir/rust-panics.log"
echo "== zxing-cpp over $dir"
"$venv/bin/python" scripts/qr-compare.py run "$dir" zxing-cpp

echo
"$venv/bin/python" scripts/qr-compare.py table "$dir" $markdown
