#!/usr/bin/env python3
"""Check a screendump of tests/kms/kms_atomic's last frame: four quadrants, red, green (top), blue,
white (bottom), each at least 90 % of its pixels within 40 of the colour in every channel (the 64x64
cursor at 100,100 and scaling of a window grab allowed for).

Usage: quadrants.py IMAGE      Prints the share per quadrant; exit status 1 when one falls short.
The image is read through ImageMagick (convert IMAGE ppm:-): no Python imaging module in the root.
"""
import subprocess
import sys

WANT = [("red", (255, 0, 0)), ("green", (0, 255, 0)), ("blue", (0, 0, 255)), ("white", (255, 255, 255))]


def read_ppm(path):
    data = subprocess.run(["convert", path, "-depth", "8", "ppm:-"], capture_output=True, check=True,
                          timeout=60).stdout
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval; '#' comments (QEMU writes one) skipped
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    assert fields[0] == b"P6", fields[0]
    return int(fields[1]), int(fields[2]), data[pos:]


def main():
    w, h, px = read_ppm(sys.argv[1])
    shares, ok = [], True
    for q, (name, rgb) in enumerate(WANT):
        x0, y0 = (q % 2) * w // 2, (q // 2) * h // 2
        good = total = 0
        for y in range(y0, y0 + h // 2, 4):  # every 4th pixel: enough, and fast under TCG
            row = y * w * 3
            for x in range(x0, x0 + w // 2, 4):
                i = row + x * 3
                total += 1
                if all(abs(px[i + c] - rgb[c]) <= 40 for c in range(3)):
                    good += 1
        share = good / max(total, 1)
        shares.append("%s %.0f %%" % (name, 100 * share))
        ok = ok and share >= 0.9
    print("%dx%d, %s" % (w, h, ", ".join(shares)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
