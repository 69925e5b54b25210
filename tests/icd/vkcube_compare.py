#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare screenshots of vkcube's window with reference screenshots (tests/icd/vkcube_shot.sh).

    vkcube_compare.py --ref REF.png [--ref REF2.png ...] SHOT.png [SHOT2.png ...]

The cube turns, so pixels are not compared one by one. What must match:
  - the window size (vkcube's default 500x500 on both sides);
  - the background: the colour of the window's border pixels, the same as the reference's
    (vkcube clears to dark grey) within a few levels;
  - the cube's area: the share of pixels that differ from the background, within the range
    the references span (they are taken at several angles) widened by AREA_SLACK, and never
    below MIN_AREA (a black, empty or single-colour window has none);
  - the cube's colours: a histogram of the cube's pixels by hue (12 bins of 30 degrees, for
    saturated pixels) and by brightness (4 bins, for greys: the cube's lit faces), compared with the
    nearest reference's (the one seen at the most similar angle: a face seen head-on shows more
    texture) by total variation distance (0: same, 1: disjoint), at most MAX_COLOUR_DISTANCE. The texture's teal and the faces' greys dominate; swapped colour channels,
    a missing texture or wrong shading move tens of percent of the pixels to other bins.
Every shot must match. Prints one line per shot; exits 0 when all match, 1 otherwise.
Images are read through ImageMagick's convert (PPM), the rest is the standard library.
"""
import argparse
import colorsys
import subprocess
import sys

BG_TOLERANCE = 12  # levels (of 255) a pixel may differ from the background and still be background
AREA_SLACK = 0.25  # the references' area range is widened by this share on both sides
# (vkcube's cube covers 15-30% of its 500x500 window depending on the angle; tests/icd/test_vkcube.sh
# takes 24 reference shots spread over many turns, so the range is covered)
MIN_AREA = 0.05  # share of the window the cube covers at least (it covers ~20-45% at 500x500)
MAX_COLOUR_DISTANCE = 0.12  # total variation distance between colour histograms
# (measured against the nearest of 40 references: other lavapipe shots and pvk's shots in the guest
# within 0.025; swapped red/blue 0.30, a grey-only cube 0.27, the hue turned 0.30)


def read_ppm(path):
    """(width, height, bytes RGB) of an image file, through `convert FILE ppm:-`."""
    data = subprocess.run(["convert", path, "-depth", "8", "ppm:-"], check=True, capture_output=True).stdout
    # P6 header: magic, width, height, maxval, separated by whitespace and "#" comments
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace() or data[pos:pos + 1] == b"#":
            if data[pos:pos + 1] == b"#":
                pos = data.index(b"\n", pos)
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError(f"{path}: not an 8-bit PPM")
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos:pos + w * h * 3]


def background(w, h, px):
    """The most common colour of the border pixels."""
    counts = {}
    for y in range(h):
        for x in (0, w - 1) if 0 < y < h - 1 else range(w):
            i = (y * w + x) * 3
            c = px[i:i + 3]
            counts[c] = counts.get(c, 0) + 1
    return max(counts, key=counts.get)


def measure(path):
    """Size, background colour, cube area share and the normalised colour histogram of one shot."""
    w, h, px = read_ppm(path)
    bg = background(w, h, px)
    hist = [0] * 16
    cube = 0
    for i in range(0, w * h * 3, 3):
        r, g, b = px[i], px[i + 1], px[i + 2]
        if abs(r - bg[0]) <= BG_TOLERANCE and abs(g - bg[1]) <= BG_TOLERANCE and abs(b - bg[2]) <= BG_TOLERANCE:
            continue
        cube += 1
        hue, sat, val = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
        if sat < 0.2 or val < 0.08:
            hist[12 + min(3, int(val * 4))] += 1
        else:
            hist[min(11, int(hue * 12))] += 1
    norm = [c / cube for c in hist] if cube else hist
    return {"size": (w, h), "bg": bg, "area": cube / (w * h), "hist": norm}


def distance(a, b):
    return sum(abs(x - y) for x, y in zip(a, b)) / 2


def nearest(hist, refs):
    """The colour distance to the closest reference."""
    return min(distance(hist, r["hist"]) for r in refs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", action="append", required=True, help="reference screenshot (repeat for several angles)")
    ap.add_argument("shots", nargs="+")
    args = ap.parse_args()

    refs = [measure(r) for r in args.ref]
    size = refs[0]["size"]
    if any(r["size"] != size for r in refs):
        print("not comparable: the references differ in size")
        return 2
    lo = min(r["area"] for r in refs) * (1 - AREA_SLACK)
    hi = max(r["area"] for r in refs) * (1 + AREA_SLACK)
    ref_bg = refs[0]["bg"]
    print(f"reference: {len(refs)} shot(s), {size[0]}x{size[1]}, background {tuple(ref_bg)}, cube area "
          f"{min(r['area'] for r in refs):.3f}-{max(r['area'] for r in refs):.3f}, colour distance of each to its "
          f"nearest other <= {max(nearest(r['hist'], [q for q in refs if q is not r] or refs) for r in refs):.3f}")

    failed = 0
    for path in args.shots:
        try:
            m = measure(path)
        except (subprocess.CalledProcessError, ValueError, IndexError) as e:
            print(f"MISMATCH {path}: cannot read it ({e})")
            failed += 1
            continue
        d = nearest(m["hist"], refs)
        why = []
        if m["size"] != size:
            why.append(f"size {m['size'][0]}x{m['size'][1]}, reference {size[0]}x{size[1]}")
        if max(abs(m["bg"][i] - ref_bg[i]) for i in range(3)) > BG_TOLERANCE:
            why.append(f"background {tuple(m['bg'])}, reference {tuple(ref_bg)}")
        if not (max(lo, MIN_AREA) <= m["area"] <= hi):
            why.append(f"cube area {m['area']:.3f} outside {max(lo, MIN_AREA):.3f}-{hi:.3f}")
        if d > MAX_COLOUR_DISTANCE:
            why.append(f"colour distance {d:.3f} > {MAX_COLOUR_DISTANCE}")
        verdict = "MISMATCH" if why else "MATCH"
        print(f"{verdict} {path}: area {m['area']:.3f}, colour distance {d:.3f}" + (f": {'; '.join(why)}" if why else ""))
        failed += bool(why)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
