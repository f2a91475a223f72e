#!/usr/bin/env bash
# Builds the QR scanning corpus (scripts/qr-corpus.py) from licences issued
# by the project's own CLI, installing what it needs on first use: Pillow,
# NumPy and segno (pinned, in a virtualenv at target/qr-venv) and, with
# --floor, Debian's zbar-tools.
#
# Usage: scripts/qr-corpus.sh [--profile ci|full] [--floor] [--fixtures] [DIR]
#
#   --profile P  ci (default): about 190 pictures, 3 licences; full: about
#                300 pictures, 4 licences, twice the random variants.
#   --floor      also run zbar over the corpus (DIR/results-zbar.jsonl): the
#                floor that tests/qr_corpus.rs holds the scanner to.
#   --fixtures   write the committed test pictures to tests/data/qr/ instead.
#   DIR          default target/qr-corpus-<profile>.
#
# Then: ELICENSE_QR_CORPUS=DIR cargo test --test qr_corpus
set -euo pipefail

profile=ci
floor=0
fixtures=0
dir=
while [ $# -gt 0 ]; do
  case $1 in
    --profile) profile=$2; shift ;;
    --floor) floor=1 ;;
    --fixtures) fixtures=1 ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
    *) dir=$1 ;;
  esac
  shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
dir=${dir:-target/qr-corpus-$profile}

venv=target/qr-venv
# Pinned: the pictures depend on the resampling and JPEG code of these.
pins=(pillow==13.0.0 numpy==2.4.6 segno==1.6.6)
if ! "$venv/bin/python" -c 'import PIL, numpy, segno' >/dev/null 2>&1; then
  echo "== installing ${pins[*]} into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
fi

echo "== building the elicense CLI"
cargo build --quiet -p elicense-cli
bin=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/debug/elicense

if [ "$fixtures" = 1 ]; then
  exec "$venv/bin/python" scripts/qr-corpus.py --elicense "$bin" --fixtures tests/data/qr
fi

"$venv/bin/python" scripts/qr-corpus.py --elicense "$bin" --out "$dir" --profile "$profile"

if [ "$floor" = 1 ]; then
  if ! command -v zbarimg >/dev/null 2>&1; then
    echo "== installing zbar-tools"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zbar-tools >/dev/null
  fi
  echo "== zbar over $dir"
  "$venv/bin/python" scripts/qr-compare.py run "$dir" zbar
fi
