#!/usr/bin/env python3
"""The IGT table: pvgpu.ko against virtio_gpu.ko, subtest by subtest.

  tests/kms/igt-table.py VIRTIO_GPU.txt PVGPU.txt REASONS.txt OUT.md

The two result files are tests/guest/igt.sh's ("TEST SUBTEST RESULT SECONDS" lines). REASONS.txt
gives a reason for a pvgpu.ko result other than pass: "TEST SUBTEST: reason" lines, '#' comments,
SUBTEST may be '*' for every subtest of TEST. Writes the table as Markdown to OUT.md and prints TAP
lines: not ok when a subtest passes on virtio_gpu.ko but not on pvgpu.ko, or when a pvgpu.ko result
other than pass has no reason. Exit status 0 when neither happened.
"""
import sys


def results(path):
    rows = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3:
                    rows[(parts[0], parts[1])] = (parts[2], parts[3] if len(parts) > 3 else "")
    except OSError:
        pass
    return rows


def reasons(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or ":" not in line:
                continue
            key, why = line.split(":", 1)
            parts = key.split()
            if len(parts) == 2:
                out[(parts[0], parts[1])] = why.strip()
    return out


def reason_for(why, key):
    return why.get(key) or why.get((key[0], "*"))


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    up, ours, why = results(sys.argv[1]), results(sys.argv[2]), reasons(sys.argv[3])
    if not ours:
        print("not ok - igt table: no pvgpu.ko results in %s" % sys.argv[2])
        return 1
    keys = sorted(set(up) | set(ours))
    failed = 0
    lines = ["| test | subtest | virtio_gpu.ko | pvgpu.ko | reason |", "| --- | --- | --- | --- | --- |"]
    counts = {}
    for key in keys:
        a = up.get(key, ("-", ""))[0]
        b = ours.get(key, ("-", ""))[0]
        counts[("virtio_gpu", a)] = counts.get(("virtio_gpu", a), 0) + 1
        counts[("pvgpu", b)] = counts.get(("pvgpu", b), 0) + 1
        r = reason_for(why, key) or ""
        if a == "pass" and b != "pass":
            print("not ok - igt table: %s %s passes on virtio_gpu.ko, %s on pvgpu.ko" % (key[0], key[1], b))
            failed = 1
        elif b != "pass" and not r:
            print("not ok - igt table: %s %s is %s on pvgpu.ko (virtio_gpu.ko: %s) with no reason in %s" %
                  (key[0], key[1], b, a, sys.argv[3]))
            failed = 1
        # a reason explains a result other than pass; a passing row shows none
        lines.append("| %s | %s | %s | %s | %s |" % (key[0], key[1], a, b, r if b != "pass" else ""))
    summary = {d: ", ".join("%d %s" % (n, res) for (dd, res), n in sorted(counts.items()) if dd == d)
               for d in ("virtio_gpu", "pvgpu")}
    with open(sys.argv[4], "w") as f:
        f.write("IGT %d subtests: virtio_gpu.ko %s; pvgpu.ko %s.\n\n" %
                (len(keys), summary["virtio_gpu"], summary["pvgpu"]))
        f.write("\n".join(lines) + "\n")
    if not failed:
        print("ok - igt table: every subtest that passes on virtio_gpu.ko passes on pvgpu.ko, every other "
              "result has a reason (%d subtests; virtio_gpu.ko %s; pvgpu.ko %s)" %
              (len(keys), summary["virtio_gpu"], summary["pvgpu"]))
    return failed


if __name__ == "__main__":
    sys.exit(main())
