#!/usr/bin/env python3
"""Runs the reference QR decoders over a corpus and prints the comparison.

Usage:
  qr-compare.py run CORPUS_DIR DECODER...      zxing-cpp and/or zbar: writes
                                               CORPUS_DIR/results-DECODER.jsonl
  qr-compare.py table CORPUS_DIR [--markdown]  success rate per category and
                                               decode time, every results file

Run it through scripts/qr-compare.sh (everything) or scripts/qr-corpus.sh
--floor (zbar only, for the corpus test). Result lines are those of
tools/qr-compare: {"decoder", "file", "ok", "ms", "panicked"}; an image is
read when every text the manifest lists for it is found.

zxing-cpp (PyPI `zxing-cpp`) gets the luma picture from Pillow and only its
read_barcodes call is timed (best of 2). zbar is Debian's `zbarimg`, one
process per picture (QR only): its time includes starting the process and
reading the file, so it is shown apart.
"""

import json
import os
import statistics
import subprocess
import sys
import time

CATEGORY_ORDER = ["scale", "resize", "blur", "rotate", "perspective", "noise", "contrast",
                  "dark", "inverted", "jpeg", "camera", "photo", "multi"]
DECODER_ORDER = ["elicense", "zxing-cpp", "zbar", "rxing", "zedbar", "rqrr", "quircs"]


def load_manifest(corpus):
    with open(os.path.join(corpus, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def run_zxing(corpus, images):
    import numpy as np
    import zxingcpp
    from PIL import Image

    for img in images:
        arr = np.asarray(Image.open(os.path.join(corpus, img["file"])).convert("L"))
        best, found = float("inf"), []
        for _ in range(2):
            start = time.perf_counter()
            res = zxingcpp.read_barcodes(arr, formats=zxingcpp.BarcodeFormat.QRCode)
            best = min(best, (time.perf_counter() - start) * 1e3)
            found = [r.text for r in res]
        yield img, all(t in found for t in img["texts"]), best


def run_zbar(corpus, images):
    for img in images:
        start = time.perf_counter()
        res = subprocess.run(
            ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", os.path.join(corpus, img["file"])],
            capture_output=True)
        ms = (time.perf_counter() - start) * 1e3
        found = res.stdout.decode("utf-8", "replace").splitlines()
        yield img, all(t in found for t in img["texts"]), ms


def cmd_run(corpus, decoders):
    images = load_manifest(corpus)["images"]
    runners = {"zxing-cpp": run_zxing, "zbar": run_zbar}
    for d in decoders:
        if d not in runners:
            sys.exit(f"unknown reference decoder {d} (zxing-cpp, zbar)")
        with open(os.path.join(corpus, f"results-{d}.jsonl"), "w") as out:
            for img, ok, ms in runners[d](corpus, images):
                out.write(json.dumps({"decoder": d, "file": img["file"], "ok": ok, "ms": ms,
                                      "panicked": False}) + "\n")


def load_results(corpus):
    res = {}
    for f in sorted(os.listdir(corpus)):
        if f.startswith("results-") and f.endswith(".jsonl"):
            with open(os.path.join(corpus, f)) as fh:
                for line in fh:
                    r = json.loads(line)
                    res.setdefault(r["decoder"], {})[r["file"]] = r
    return res


def cmd_table(corpus, markdown):
    manifest = load_manifest(corpus)
    images = manifest["images"]
    results = load_results(corpus)
    cats = [c for c in CATEGORY_ORDER if any(i["category"] == c for i in images)]
    decs = [d for d in DECODER_ORDER if d in results] + sorted(d for d in results if d not in DECODER_ORDER)
    by_cat = {c: [i for i in images if i["category"] == c] for c in cats}

    def rate(d, imgs):
        ok = sum(1 for i in imgs if results[d].get(i["file"], {}).get("ok"))
        return ok, len(imgs)

    def frame_ms(d, w, h):
        """(median, max) decode time of the camera frames of that size."""
        t = [results[d][i["file"]]["ms"] for i in images
             if i["category"] == "camera" and i["width"] == w and i["height"] == h
             and i["file"] in results[d]]
        return (statistics.median(t), max(t)) if t else None

    versions = ", ".join(f"{l['name']} v{l['qr_version']}" for l in manifest["licences"])
    print(f"QR corpus: {len(images)} images, profile {manifest['profile']}, seed {manifest['seed']} "
          f"(licences: {versions})")
    print()
    head = ["category (images)"] + decs
    rows = []
    for c in cats:
        row = [f"{c} ({len(by_cat[c])})"]
        for d in decs:
            ok, n = rate(d, by_cat[c])
            row.append(f"{100 * ok / n:.0f} %")
        rows.append(row)
    total = ["**all**" if markdown else "all"]
    for d in decs:
        ok, n = rate(d, images)
        total.append(f"{100 * ok / n:.1f} % ({ok}/{n})")
    rows.append(total)
    for label, (w, h) in (("ms per 640x480 camera frame (median / max)", (640, 480)),
                          ("ms per 1280x720 camera frame (median / max)", (1280, 720))):
        row = [label]
        for d in decs:
            v = frame_ms(d, w, h)
            row.append("n/a" if v is None else (f"{v[0]:.1f} / {v[1]:.1f}" + (" *" if d == "zbar" else "")))
        rows.append(row)
    row = ["ms per image, whole corpus (median)"]
    for d in decs:
        t = [r["ms"] for r in results[d].values()]
        row.append(f"{statistics.median(t):.1f}" + (" *" if d == "zbar" else ""))
    rows.append(row)
    panics = ["panics"]
    for d in decs:
        panics.append(str(sum(1 for r in results[d].values() if r.get("panicked"))))
    rows.append(panics)

    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
        fmt = lambda r: "  ".join(str(v).ljust(widths[i]) if i == 0 else str(v).rjust(widths[i]) for i, v in enumerate(r))
        print(fmt(head))
        print("-" * (sum(widths) + 2 * len(widths)))
        for r in rows:
            print(fmt(r))
    if "zbar" in decs:
        print()
        print("* zbar: one zbarimg process per picture, so its time includes starting the process and reading the file.")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("run", "table"):
        sys.exit(__doc__)
    if sys.argv[1] == "run":
        cmd_run(sys.argv[2], sys.argv[3:])
    else:
        cmd_table(sys.argv[2], "--markdown" in sys.argv[3:])


if __name__ == "__main__":
    main()
