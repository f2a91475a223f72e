#!/usr/bin/env bash
# Fuzz smoke test: run every cargo-fuzz target in fuzz/ for a few seconds.
#
# Usage: scripts/fuzz-smoke.sh [SECONDS]    (default 5 seconds per target)
#
# Installs cargo-fuzz if missing, writes the seed corpora (real samples made
# by fuzz/seed: QR texts, COSE, claims, CBOR, Base45, the demo certificates,
# signed region and federation trust lists, status list tokens, bundle files,
# the Shanghai policy, QR code pictures as PNG, JPEG and raw luma for the
# qr_image target, for `foreign_cose` (src/cose.rs) COSE in every form it
# reads: binary, untagged, hex, HC1: and EL1: text, and PEM and DER
# certificates, and a seal with its claims and picture, and a sealed
# signature) into fuzz/corpus/<target>/, builds all targets,
# runs the regression inputs of fuzz/regressions/<target>/ once each, then
# runs each target (as listed by `cargo fuzz list`: every [[bin]] in
# fuzz/Cargo.toml) with libFuzzer for SECONDS. Prints one line per target
# with its execution count; exits non-zero if any target crashes, leaks,
# times out or runs out of memory, after printing the failing input (hex)
# and the end of the log. A target without seeds is run anyway, with a
# warning.
#
# Works on stable Rust through RUSTC_BOOTSTRAP=1 (cargo-fuzz passes
# nightly-only flags such as -Zsanitizer=address); set FUZZ_TOOLCHAIN=nightly
# to use `cargo +nightly` instead.
set -euo pipefail

secs=${1:-5}
case $secs in
  '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
  cargo_fuzz=(cargo "+$FUZZ_TOOLCHAIN" fuzz)
else
  export RUSTC_BOOTSTRAP=1
  cargo_fuzz=(cargo fuzz)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

echo "== seeding fuzz/corpus"
# Built without sanitizers, in its own target directory under fuzz/target.
cargo run --quiet --manifest-path fuzz/Cargo.toml -p elicense-fuzz-seed -- "$root/fuzz/corpus"

echo "== building fuzz targets"
"${cargo_fuzz[@]}" build

mapfile -t targets < <("${cargo_fuzz[@]}" list)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "no fuzz targets found" >&2
  exit 1
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

for t in "${targets[@]}"; do
  if [ -z "$(find "fuzz/corpus/$t" -type f 2>/dev/null | head -n 1)" ]; then
    echo "warning: fuzz/seed wrote no seeds for target $t" >&2
    mkdir -p "fuzz/corpus/$t"
  fi
done

# Regression inputs (fuzz/regressions/<target>/, written by fuzz/seed): too
# slow to keep in a corpus, so each runs once, before fuzzing.
for t in "${targets[@]}"; do
  dir="fuzz/regressions/$t"
  [ -d "$dir" ] || continue
  mapfile -t inputs < <(find "$dir" -type f | sort)
  [ "${#inputs[@]}" -gt 0 ] || continue
  log="$logs/$t.regressions.log"
  if "${cargo_fuzz[@]}" run "$t" "${inputs[@]}" -- -rss_limit_mb=1024 -timeout=30 >"$log" 2>&1; then
    printf '%-12s %-6s %12s regression input(s) run once\n' "$t" ok "${#inputs[@]}"
  else
    echo "---- $t: a regression input failed; end of log" >&2
    tail -n 60 "$log" >&2
    echo "FAILED: $t (regressions in $dir)" >&2
    exit 1
  fi
done

echo "== running ${#targets[@]} targets for ${secs}s each"
failed=()
for t in "${targets[@]}"; do
  log="$logs/$t.log"
  status=ok
  "${cargo_fuzz[@]}" run "$t" -- \
    -max_total_time="$secs" -rss_limit_mb=1024 -timeout=30 -print_final_stats=1 \
    >"$log" 2>&1 || status=FAILED
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  [ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  printf '%-12s %-6s %12s execs in %ss  (corpus: %s files)\n' "$t" "$status" "${execs:-?}" "$secs" "$corpus"
  if [ "$status" != ok ]; then
    failed+=("$t")
    echo "---- $t: end of log" >&2
    tail -n 60 "$log" >&2
    # libFuzzer names the input it saved: "Test unit written to <path>".
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [ -n "$artifact" ]; then
      [ -f "$artifact" ] || artifact="fuzz/$artifact"
      if [ -f "$artifact" ]; then
        echo "---- $t: failing input $artifact (hex)" >&2
        od -An -v -tx1 "$artifact" | tr -d ' \n' >&2
        echo >&2
        echo "reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run $t $artifact" >&2
      fi
    fi
  fi
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all ${#targets[@]} fuzz targets ran ${secs}s without a failure"
