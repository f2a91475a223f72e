#!/usr/bin/env python3
"""Builds the QR scanning corpus from licences the project issues itself.

Usage: qr-corpus.py --elicense BIN --out DIR [--profile ci|full] [--seed N]
       qr-corpus.py --elicense BIN --fixtures DIR

The second form writes the few small pictures the tests keep in
tests/data/qr/ (see write_fixtures).

Run it through scripts/qr-corpus.sh, which installs Pillow and NumPy (pinned
versions, in target/qr-venv) and builds the `elicense` binary.

Steps:

1. `elicense demo --out DIR/pki` makes a region root and an authority;
   `elicense issue` signs several licences of different sizes (so several QR
   versions are covered) and writes each as a PNG at 4 pixels per module.
2. Each PNG is read back into its module matrix (quiet zone included), and
   the degradations below are drawn from that matrix with a seeded random
   generator: the same seed gives the same pictures for the same licences.
3. DIR/manifest.json lists every image: file, category, the QR texts it
   holds (all of them must be read for a success), and a short description.

Categories (README, "Reading QR codes from pictures"):

  scale        1.5 to 10 pixels per module, area-resampled
  resize       the tool's own 8 px/module PNG resized to 300-800 px, with
               the nearest, bilinear, bicubic and Lanczos filters
  blur         Gaussian blur, sigma 1 to 4 px, at 5 px/module
  rotate       small angles and 90/180/270 degrees
  perspective  random quadrilateral warps
  noise        Gaussian noise, sigma 15 to 60 grey levels
  contrast     low contrast (dark and light modules close in grey)
  dark         under-exposed, with a lighting gradient
  inverted     light modules on a dark background
  jpeg         JPEG at qualities 15 to 90
  camera       the code on a card covering 25-60 % of the height of a
               640x480 or 1280x720 frame, over a textured background, with
               rotation, perspective, blur, noise and JPEG (quality 60-85)
  photo        a printed licence (paper with text lines and the code) lying
               on a desk, photographed: perspective, uneven light, blur,
               noise, JPEG; the `verify --image photo.jpg` fixture is one
  multi        two licence codes side by side in one picture
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

QUIET = 4  # quiet zone, modules, as `elicense issue` draws it
ISSUE_SCALE = 4  # px/module of the PNG `elicense issue` writes for us

# Licences of different sizes (different QR versions). The sample licence of
# examples/data is the middle one.
HOLDER = {"kind": "organisation", "name": "上海浦江智联科技有限公司", "code": "91310115MA1K4LQX58"}
BASE = {
    "type_code": "11100000000013338W011",
    "serial": "20240001735",
    "version": 1,
    "holder": HOLDER,
    "valid_from": "2019-05-20",
    "valid_until": None,
    "status_index": 17,
}
# Data items by their number in the catalogue entry of the business licence
# (docs/FORMAT.md §4): 2 address, 3 legal representative, 4 registered
# capital in 万元, 5 date of establishment, 6 business scope.
SAMPLE_ITEMS = [
    {"number": 2, "text": "上海市浦东新区碧波路690号"},
    {"number": 3, "text": "李明华"},
    {"number": 4, "integer": 1000},
    {"number": 5, "date": "2019-05-20"},
    {"number": 6, "text": "软件开发；信息技术咨询服务；技术服务、技术开发"},
]
LONG_SCOPE = (
    "软件开发；信息技术咨询服务；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；"
    "数据处理和存储支持服务；计算机系统服务；网络技术服务；人工智能应用软件开发；"
    "物联网技术研发；信息系统集成服务；电子产品销售；办公设备销售"
)
LICENCES = [
    # The fewest items the business licence requires (its catalogue entry).
    (
        "small",
        dict(
            BASE,
            serial="20240000001",
            items=[
                {"number": 2, "text": "上海市浦东新区"},
                {"number": 3, "text": "李明华"},
                {"number": 5, "date": "2019-05-20"},
                {"number": 6, "text": "软件开发"},
            ],
        ),
        "Q",
    ),
    ("sample", dict(BASE, items=SAMPLE_ITEMS), "Q"),
    (
        "large",
        dict(
            BASE,
            serial="20240009999",
            items=[{"number": 2, "text": "上海市徐汇区漕溪北路88号圣爱大厦12楼1201室"}]
            + SAMPLE_ITEMS[1:4]
            + [{"number": 6, "text": LONG_SCOPE}],
        ),
        "Q",
    ),
    ("sample-h", dict(BASE, serial="20240000042", items=SAMPLE_ITEMS), "H"),
]
PROFILES = {
    # licences used, repetitions of each randomised category
    "ci": (3, 1),
    "full": (4, 2),
}


def issue(elicense, work):
    """Issues the licences; returns [(name, text, version, matrix)]."""
    pki = os.path.join(work, "pki")
    subprocess.run([elicense, "demo", "--out", pki], check=True, stdout=subprocess.DEVNULL)
    out = []
    for name, spec, ecc in LICENCES:
        jpath = os.path.join(work, f"{name}.json")
        with open(jpath, "w", encoding="utf-8") as f:
            json.dump(spec, f, ensure_ascii=False)
        png = os.path.join(work, f"{name}.png")
        res = subprocess.run(
            [elicense, "issue", "--key", os.path.join(pki, "authority.key.pem"),
             "--cert", os.path.join(pki, "authority.cert.pem"), "--licence", jpath,
             "--png", png, "--png-scale", str(ISSUE_SCALE),
             "--ecc", ecc, "--json"],
            check=True, capture_output=True, text=True)
        info = json.loads(res.stdout)
        grey = np.asarray(Image.open(png).convert("L"))
        matrix = grey[ISSUE_SCALE // 2::ISSUE_SCALE, ISSUE_SCALE // 2::ISSUE_SCALE] < 128
        assert matrix.shape[0] == 17 + 4 * info["qr_version"] + 2 * QUIET, name
        out.append((name, info["qr_text"], info["qr_version"], matrix))
    return out


# ---------------------------------------------------------------- drawing


def render(matrix, ppm, dark=0, light=255, resample=Image.Resampling.BOX):
    """The code (quiet zone included) at `ppm` pixels per module, area-resampled."""
    n = matrix.shape[0]
    fine = 16
    big = np.where(np.kron(matrix, np.ones((fine, fine), dtype=bool)), dark, light).astype(np.uint8)
    side = max(1, round(n * ppm))
    return Image.fromarray(big, "L").resize((side, side), resample)


def perspective_coeffs(src, dst):
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points
    `dst` back to input points `src` (4 points each)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return np.linalg.solve(np.array(rows, float), np.array(rhs, float)).tolist()


def warp_onto(canvas, tile, quad):
    """Pastes `tile` onto `canvas` (same mode) with its corners on `quad`
    (top-left, top-right, bottom-right, bottom-left)."""
    w, h = tile.size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = perspective_coeffs(src, quad)
    cw, ch = canvas.size
    warped = tile.transform((cw, ch), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    mask = Image.new("L", tile.size, 255).transform(
        (cw, ch), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
    canvas.paste(warped, (0, 0), mask)


def add_noise(img, rng, sigma):
    a = np.asarray(img).astype(np.float32)
    a += rng.normal(0, sigma, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), img.mode)


def lighting(img, rng, lo, hi):
    """Multiplies by a linear gradient from `lo` to `hi` in a random direction."""
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    ang = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w]
    t = (xx * math.cos(ang) + yy * math.sin(ang))
    t = (t - t.min()) / max(1e-6, t.max() - t.min())
    g = lo + (hi - lo) * t
    if a.ndim == 3:
        g = g[..., None]
    return Image.fromarray(np.clip(a * g, 0, 255).astype(np.uint8), img.mode)


def texture(rng, w, h):
    """A coloured, cluttered background: blurred noise at several scales,
    with rectangles and lines (a desk, a keyboard, papers)."""
    acc = np.zeros((h, w, 3), np.float32)
    for scale, weight in ((64, 0.5), (16, 0.3), (4, 0.2)):
        small = rng.uniform(0, 255, (max(2, h // scale), max(2, w // scale), 3)).astype(np.uint8)
        acc += weight * np.asarray(Image.fromarray(small, "RGB").resize((w, h), Image.Resampling.BICUBIC), np.float32)
    img = Image.fromarray(np.clip(acc, 0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(6, 14))):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = x0 + int(rng.integers(10, w // 3)), y0 + int(rng.integers(10, h // 3))
        col = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            d.rectangle([x0, y0, x1, y1], fill=col)
        else:
            d.line([x0, y0, x1, y1], fill=col, width=int(rng.integers(1, 6)))
    return img


def rand_quad(rng, cx, cy, side, angle_deg, skew):
    """Corners of a square of `side` centred on (cx, cy), rotated, each
    corner moved by up to `skew` × side (perspective)."""
    a = math.radians(angle_deg)
    pts = []
    for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = dx * side / 2, dy * side / 2
        x, y = x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)
        x += rng.uniform(-skew, skew) * side
        y += rng.uniform(-skew, skew) * side
        pts.append((cx + x, cy + y))
    return pts


def card(matrix, ppm, margin_modules=2):
    """The code at `ppm` on a white card slightly larger than its quiet zone."""
    code = render(matrix, ppm).convert("RGB")
    m = round(margin_modules * ppm)
    c = Image.new("RGB", (code.width + 2 * m, code.height + 2 * m), (250, 250, 246))
    c.paste(code, (m, m))
    return c


def printed_page(matrix, rng):
    """A printed licence: a page with a title bar, text lines, a seal and the code."""
    w, h = 1240, 1754  # A4 at 150 dpi
    page = Image.new("RGB", (w, h), (248, 246, 240))
    d = ImageDraw.Draw(page)
    d.rectangle([80, 80, w - 80, 200], outline=(150, 30, 30), width=6)
    for i in range(18):
        y = 300 + i * 55
        d.rectangle([120, y, 120 + int(rng.integers(500, 1000)), y + 18], fill=(40, 40, 40))
    d.ellipse([800, 1200, 1080, 1480], outline=(200, 30, 30), width=12)
    # 420 px: as many pixels as a 35 mm code gets in a 12-megapixel photo
    # of the page (the frame below is smaller than such a photo).
    code = render(matrix, 420 / matrix.shape[0]).convert("RGB")
    page.paste(code, (120, 1300))
    return page, (120, 1300, code.width)


def photo(m, rng, landscape=True, size=(2000, 1500)):
    """A phone-style photo of a printed licence holding the code `m`:
    returns (RGB image, JPEG quality)."""
    page, _ = printed_page(m, rng)
    fw, fh = size if landscape else size[::-1]
    frame = texture(rng, fw, fh)
    scale = rng.uniform(0.75, 0.9) * fh / page.height
    pw, ph = page.width * scale, page.height * scale
    cx, cy = fw / 2 + rng.uniform(-0.05, 0.05) * fw, fh / 2
    a = math.radians(rng.uniform(-12, 12))
    quad = []
    for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = dx * pw / 2, dy * ph / 2
        x, y = x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)
        # Taken from a little above: the far (top) edge is shorter.
        x *= 0.9 if dy < 0 else 1.0
        quad.append((cx + x + rng.uniform(-0.03, 0.03) * pw, cy + y + rng.uniform(-0.02, 0.02) * ph))
    warp_onto(frame, page, quad)
    frame = lighting(frame, rng, rng.uniform(0.55, 0.8), rng.uniform(0.95, 1.1))
    frame = frame.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.4)))
    frame = add_noise(frame, rng, rng.uniform(3, 7))
    return frame, int(rng.integers(70, 90))


# ------------------------------------------------------------- categories


def gen_all(lics, rng, reps):
    """Yields (category, image, format, jpeg_quality, texts, description)."""
    filters = [Image.Resampling.NEAREST, Image.Resampling.BILINEAR,
               Image.Resampling.BICUBIC, Image.Resampling.LANCZOS]
    fname = {0: "nearest", 2: "bilinear", 3: "bicubic", 1: "lanczos"}
    for name, text, version, m in lics:
        t = [text]
        for ppm in (1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 8, 10):
            yield "scale", render(m, ppm), "png", None, t, f"{name} v{version} {ppm} px/module"
        tool = render(m, 8, resample=Image.Resampling.NEAREST)
        for i, side in enumerate(range(300, 801, 50)):
            f = filters[i % 4]
            yield "resize", tool.resize((side, side), f), "png", None, t, f"{name} 8 px/module PNG to {side} px, {fname[int(f)]}"
        yield "resize", tool.resize((round(tool.width * 0.7),) * 2, Image.Resampling.BILINEAR), "png", None, t, f"{name} 70 % downscale"
        for sigma in (1, 1.5, 2, 2.5, 3, 4):
            yield "blur", render(m, 5).filter(ImageFilter.GaussianBlur(sigma)), "png", None, t, f"{name} blur sigma {sigma} at 5 px/module"
        for ang in (3, -7, 12, -20, 30, 45, 90, 180, 270):
            img = render(m, 4).rotate(ang, Image.Resampling.BICUBIC, expand=True, fillcolor=255)
            yield "rotate", img, "png", None, t, f"{name} rotated {ang} degrees"
        for r in range(3 * reps):
            ppm = rng.uniform(3, 6)
            side = round(m.shape[0] * ppm)
            canvas = Image.new("L", (round(side * 1.5), round(side * 1.5)), 255)
            quad = rand_quad(rng, canvas.width / 2, canvas.height / 2, side, rng.uniform(-15, 15), rng.uniform(0.05, 0.14))
            warp_onto(canvas, render(m, ppm * 2), quad)
            yield "perspective", canvas, "png", None, t, f"{name} perspective warp {r}"
        for sigma in (15, 30, 45, 60):
            yield "noise", add_noise(render(m, 4), rng, sigma), "png", None, t, f"{name} Gaussian noise sigma {sigma}"
        for dark, light in ((90, 150), (110, 160), (60, 110), (170, 220)):
            yield "contrast", render(m, 4, dark, light), "png", None, t, f"{name} modules {dark} on {light}"
        for lo, hi in ((0.15, 0.35), (0.2, 0.3), (0.1, 0.4), (0.25, 0.25)):
            img = add_noise(lighting(render(m, 4), rng, lo, hi), rng, 3)
            yield "dark", img, "png", None, t, f"{name} exposure {lo}-{hi}"
        for ppm in (3, 5, 8):
            yield "inverted", render(m, ppm, dark=255, light=0), "png", None, t, f"{name} inverted at {ppm} px/module"
        for i, q in enumerate((15, 25, 35, 50, 70, 90)):
            ppm = (3, 4)[i % 2]
            yield "jpeg", render(m, ppm), "jpeg", q, t, f"{name} JPEG quality {q} at {ppm} px/module"
        for r in range(4 * reps):
            fw, fh = ((640, 480), (1280, 720))[r % 2]
            frac = rng.uniform(0.25, 0.60)
            frame = texture(rng, fw, fh)
            side = frac * fh
            c = card(m, side * 2 / m.shape[0])
            quad = rand_quad(rng, rng.uniform(side * 0.7, fw - side * 0.7), rng.uniform(side * 0.6, fh - side * 0.6),
                             side * (m.shape[0] + 4) / m.shape[0], rng.uniform(-25, 25), rng.uniform(0.0, 0.08))
            warp_onto(frame, c, quad)
            frame = lighting(frame, rng, rng.uniform(0.6, 0.9), rng.uniform(0.9, 1.1))
            frame = frame.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.3)))
            frame = add_noise(frame, rng, rng.uniform(3, 9))
            yield "camera", frame, "jpeg", int(rng.integers(60, 86)), t, f"{name} {fw}x{fh} frame, code {frac:.0%} of the height"
        for r in range(2 * reps):
            frame, q = photo(m, rng, landscape=r % 2 == 0)
            yield "photo", frame, "jpeg", q, t, f"{name} photo of a printed licence {r}"
    # Two codes in one picture: every pair of consecutive licences.
    for (n1, t1, _, m1), (n2, t2, _, m2) in zip(lics, lics[1:]):
        a, b = render(m1, 4), render(m2, 4)
        img = Image.new("L", (a.width + b.width + 40, max(a.height, b.height) + 40), 255)
        img.paste(a, (10, 20))
        img.paste(b, (a.width + 30, 20))
        yield "multi", img, "png", None, [t1, t2], f"{n1} and {n2} side by side"


def write_fixtures(elicense, out, seed):
    """The committed test pictures: a phone-style photo of the sample
    licence (with the public certificates to verify it and its QR text), a
    small JPEG of a code (a fuzzing seed), and a Kanji-mode code (made with
    segno, the only encoder here with Kanji mode)."""
    import segno

    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, "issued")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    lics = issue(elicense, work)
    rng = np.random.default_rng(seed)
    name, text, _, m = lics[1]
    assert name == "sample"
    frame, q = photo(m, rng)
    frame.save(os.path.join(out, "photo.jpg"), "JPEG", quality=q)
    with open(os.path.join(out, "photo.qr.txt"), "w") as f:
        f.write(text + "\n")
    for cert in ("root.cert.pem", "authority.cert.pem"):
        shutil.copy(os.path.join(work, "pki", cert), os.path.join(out, "photo." + cert))
    render(lics[0][3], 2).save(os.path.join(out, "small-code.jpg"), "JPEG", quality=60)
    kanji = segno.make("電子証照", mode="kanji", error="q", micro=False)
    kanji.save(os.path.join(out, "kanji.png"), scale=4, border=4)
    shutil.rmtree(work)
    print(f"qr-corpus: fixtures in {out}: " + ", ".join(sorted(os.listdir(out))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--elicense", required=True, help="path to the elicense binary")
    ap.add_argument("--out", help="output directory (replaced)")
    ap.add_argument("--fixtures", help="write the test fixtures to this directory instead")
    ap.add_argument("--profile", choices=sorted(PROFILES), default="ci")
    ap.add_argument("--seed", type=int, default=20251126)
    args = ap.parse_args()
    if args.fixtures:
        return write_fixtures(os.path.abspath(args.elicense), args.fixtures, args.seed)
    if not args.out:
        ap.error("--out or --fixtures is required")

    nlic, reps = PROFILES[args.profile]
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith((".png", ".jpg")):
            os.remove(os.path.join(out, f))
    work = os.path.join(out, "issued")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    lics = issue(os.path.abspath(args.elicense), work)[:nlic]
    rng = np.random.default_rng(args.seed)

    images = []
    counts = {}
    for cat, img, fmt, quality, texts, desc in gen_all(lics, rng, reps):
        counts[cat] = counts.get(cat, 0) + 1
        fname = f"{cat}-{counts[cat]:03d}." + ("jpg" if fmt == "jpeg" else "png")
        path = os.path.join(out, fname)
        if fmt == "jpeg":
            img.save(path, "JPEG", quality=quality)
        else:
            img.save(path, "PNG")
        images.append({"file": fname, "category": cat, "texts": texts, "width": img.width,
                       "height": img.height, "description": desc})
    manifest = {
        "profile": args.profile,
        "seed": args.seed,
        "licences": [{"name": n, "qr_version": v, "qr_chars": len(t)} for n, t, v, _ in lics],
        "images": images,
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    summary = ", ".join(f"{c} {n}" for c, n in counts.items())
    versions = ", ".join(f"{n} v{v}" for n, _, v, _ in lics)
    print(f"qr-corpus: {len(images)} images in {out} ({versions}): {summary}")


if __name__ == "__main__":
    sys.exit(main())
