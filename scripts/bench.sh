#!/usr/bin/env bash
# Runs the elicense benchmarks once and prints a table of medians and ratios.
#
# Usage: scripts/bench.sh [--quick] [-- CRITERION_ARGS...]
#
#   --quick   short measurements (about 1 s per benchmark), for CI-like use.
#
# The table is read from the estimates criterion writes during this very run
# (target/criterion/<group>/<bench>/new/estimates.json, median). Ratios are
# only meaningful within one run: the machines are shared and noisy. Goals
# are reported, not asserted: the script exits 0 when a goal is MISSED, and
# non-zero only when the benchmarks themselves fail.
set -euo pipefail

quick=0
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

target_dir=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
stamp=$(mktemp)
trap 'rm -f "$stamp"' EXIT

start=$(date +%s)
ELICENSE_BENCH_QUICK=$quick cargo bench -p elicense-benches --bench elicense -- "${extra[@]}"
end=$(date +%s)

python3 - "$target_dir/criterion" "$stamp" "$((end - start))" "$quick" <<'PY'
import json, os, sys

crit, stamp, wall, quick = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
since = os.path.getmtime(stamp)

BENCHES = [
    ("verify/full", "QR text -> report"),
    ("verify/cose", "COSE bytes -> report"),
    ("verify/bare_verify_strict", "PublicKey::verify_strict over the Sig_structure"),
    ("issue/full", "licence -> QR text"),
    ("issue/cose", "licence -> COSE bytes"),
    ("issue/bare_sign", "SecretKey::sign_bytes over the Sig_structure"),
    ("qr/encode", "QR text -> modules, ECC Q"),
    ("qr/render_svg", "modules -> SVG"),
    ("qr/render_png", "modules -> PNG, scale 4"),
    ("qr/scan_png", "PNG -> QR text"),
    ("status/lookup_1m", "one entry of a 1,000,000-entry status list"),
    ("status/verify_1m", "signed 1,000,000-entry status list -> verified list"),
    ("bundle/load_1000", "bundle file with 1,000 authorities -> verified bundle"),
    ("batch/one_by_one_10k", "10,000 licences, 50 authorities, bundle: verify_qr each"),
    ("batch/verify_qr_batch_10k", "the same 10,000 with verify_qr_batch"),
]
# (numerator, denominator, goal or None, "<=" or ">=")
RATIOS = [
    ("verify/full", "verify/bare_verify_strict", 1.2, "<="),
    ("issue/full", "issue/bare_sign", 1.3, "<="),
    ("verify/cose", "verify/bare_verify_strict", None, "<="),
    ("issue/cose", "issue/bare_sign", None, "<="),
    # Throughput of batch over one-by-one verification = time ratio inverted.
    ("batch/one_by_one_10k", "batch/verify_qr_batch_10k", 1.8, ">="),
]

def median(name):
    path = os.path.join(crit, *name.split("/"), "new", "estimates.json")
    try:
        if os.path.getmtime(path) < since:
            return None  # left over from an earlier run
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except (OSError, KeyError, ValueError):
        return None

def fmt(ns):
    if ns is None:
        return "n/a"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns / scale < 100 else f"{ns / scale:.0f} {unit}"
    return f"{ns:.0f} ns"

medians = {name: median(name) for name, _ in BENCHES}
print()
print(f"elicense benchmarks ({'quick' if quick else 'full'} run, {wall} s including build)")
print()
print(f"{'benchmark':<28}{'median':>12}  what")
print("-" * 88)
for name, what in BENCHES:
    print(f"{name:<28}{fmt(medians[name]):>12}  {what}")
print()
print(f"{'ratio':<48}{'value':>7}  {'goal':<8}result")
print("-" * 74)
missing = False
for num, den, goal, way in RATIOS:
    a, b = medians[num], medians[den]
    label = f"{num} / {den}"
    if a is None or b is None:
        print(f"{label:<48}{'n/a':>7}  {(way + ' %.1f' % goal) if goal else '':<8}NOT MEASURED")
        missing = True
        continue
    r = a / b
    if goal is None:
        print(f"{label:<48}{r:>7.2f}  {'':<8}(breakdown)")
    else:
        met = r <= goal if way == "<=" else r >= goal
        print(f"{label:<48}{r:>7.2f}  {way + ' %.1f' % goal:<8}{'met' if met else 'MISSED'}")
if any(v is None for v in medians.values()):
    missing = True
if missing:
    print("\nsome benchmarks have no estimate from this run (filtered out or failed)")
PY

# The reference sample's QR code, as issued (docs/FORMAT.md §9).
echo
cargo run --release -q -p elicense-benches --bin sample_qr

# Instruction counts: repeatable whatever else the machine is doing. Each
# operation runs under callgrind with N = 0 and N = ICOUNT_N iterations; the
# difference divided by N is its cost in instructions.
if command -v valgrind >/dev/null 2>&1; then
  cargo build --release -q -p elicense-benches --bin icount
  icount="$target_dir/release/icount"
  n="${ICOUNT_N:-200}"
  count() { # op iterations -> total instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$icount" "$1" "$2" 2>&1 |
      sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
  }
  declare -A per_op
  for op in verify_full verify_bare issue_full issue_bare; do
    base=$(count "$op" 0)
    full=$(count "$op" "$n")
    per_op[$op]=$(( (full - base) / n ))
  done
  # One batch_ operation is 1,000 licences: one iteration is enough.
  for op in batch_one_by_one batch_batched; do
    base=$(count "$op" 0)
    full=$(count "$op" 1)
    per_op[$op]=$(( (full - base) / 1000 ))
  done
  for alg in sm2 es256; do
    for op in verify_full verify_bare; do
      base=$(count "${op}_$alg" 0)
      full=$(count "${op}_$alg" "$n")
      per_op[${op}_$alg]=$(( (full - base) / n ))
    done
  done
  python3 - "${per_op[verify_full]}" "${per_op[verify_bare]}" "${per_op[issue_full]}" "${per_op[issue_bare]}" \
    "${per_op[batch_one_by_one]}" "${per_op[batch_batched]}" \
    "${per_op[verify_full_sm2]}" "${per_op[verify_bare_sm2]}" \
    "${per_op[verify_full_es256]}" "${per_op[verify_bare_es256]}" <<'PY'
import sys
vf, vb, isf, isb, b1, bb, vfs, vbs, vfe, vbe = map(int, sys.argv[1:])
print()
print("instructions per operation (callgrind; repeatable)")
print("-" * 74)
for name, v in (("verify/full (Ed25519)", vf), ("verify/bare_verify_strict", vb), ("issue/full", isf),
                ("issue/bare_sign", isb), ("batch: one licence, one by one", b1),
                ("batch: one licence, batched", bb),
                ("verify/full (SM2-SM3)", vfs), ("verify/bare (SM2-SM3)", vbs),
                ("verify/full (ES256)", vfe), ("verify/bare (ES256)", vbe)):
    print(f"{name:<32}{v:>12,}")
print()
print(f"{'SM2-SM3 bare verify / Ed25519 bare verify':<48}{vbs / vb:>7.2f}  (cost relative to Ed25519)")
print(f"{'ES256 bare verify / Ed25519 bare verify':<48}{vbe / vb:>7.2f}  (cost relative to Ed25519)")
for label, r, goal, way in (("verify/full / bare_verify_strict", vf / vb, 1.1, "<="),
                            ("issue/full / bare_sign", isf / isb, 1.3, "<="),
                            ("batch throughput: one by one / batched", b1 / bb, 1.8, ">="),
                            ("SM2-SM3 verify/full / bare verify", vfs / vbs, 1.2, "<="),
                            ("ES256 verify/full / bare verify", vfe / vbe, 1.2, "<=")):
    met = r <= goal if way == "<=" else r >= goal
    print(f"{label:<48}{r:>7.2f}  {way + ' %.1f' % goal:<8}{'met' if met else 'MISSED'}")
PY
else
  echo
  echo "valgrind not found: instruction counts skipped (apt-get install valgrind)"
fi
