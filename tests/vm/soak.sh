#!/usr/bin/env bash
# Soak: boot the guest BOOTS times per kernel driver and run the tests/vk programs ROUNDS times per boot
# on Mesa's Venus and on pvk, every case under the watchdog; then print the flake table: per case and
# stack, how many runs passed, failed and hung, and how many boots QEMU crashed or the guest wedged.
#   tests/vm/soak.sh [--boots N] [--rounds M] [--drivers "virtio_gpu pvgpu"] [--icds "venus pvk"]
# make soak runs it (default 3 boots x 5 rounds per driver; about 4 minutes a boot under TCG).
# Every hang's diagnosis lands in build/soak/<driver>-<boot>/diag/.
set -u
cd "$(dirname "$0")/../.."
boots=3 rounds=5 drivers="virtio_gpu pvgpu" icds="venus pvk"
while [ $# -gt 0 ]; do
	case $1 in
	--boots) boots=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--drivers) drivers=$2; shift 2 ;;
	--icds) icds=$2; shift 2 ;;
	*) echo "usage: tests/vm/soak.sh [--boots N] [--rounds M] [--drivers LIST] [--icds LIST]" >&2; exit 2 ;;
	esac
done
mkdir -p build/soak
results=build/soak/results.txt
: >"$results"
for b in $(seq "$boots"); do
	for d in $drivers; do
		out=build/soak/$d-$b
		rm -rf "$out"
		echo "# soak: boot $b of $boots on $d ($rounds rounds of tests/vk on: $icds)"
		scripts/vm --driver "$d" --icd venus --timeout $((300 + rounds * 600)) --out "$out" \
			-- tests/guest/soak.sh "$rounds" "$icds" >"$out.log" 2>&1
		st=$?
		tr -d '\r' <"$out.log" | grep -aE '^(ok|not ok)' | tee -a "$results" | grep -a '^not ok' || true
		echo "BOOT $d $st" >>"$results"
		echo "# soak: boot $b on $d ended with status $st ($(grep -ac '^ok' "$out.log") ok, $(grep -ac '^not ok' "$out.log") not ok)"
	done
done
python3 - "$results" <<'PY'
import collections, re, sys
runs = collections.defaultdict(lambda: [0, 0, 0])  # passed, failed, hung
boots = collections.Counter()
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("BOOT "):
        _, d, st = line.split()
        boots[(d, {"0": "ran to the end", "120": "QEMU crashed", "123": "guest wedged", "124": "timed out"}.get(st, f"status {st}"))] += 1
        continue
    m = re.match(r"(not )?ok - round \d+: (.*?): (\w+)(.*)", line)
    if not m or "# SKIP" in line:
        continue
    cell = runs[(m.group(2), m.group(3))]
    if not m.group(1):
        cell[0] += 1
    elif "hung" in m.group(4):
        cell[2] += 1
    else:
        cell[1] += 1
print(f"{'stack':44} {'case':14} {'runs':>5} {'failed':>7} {'hung':>5}")
for (stack, case), (p, f, h) in sorted(runs.items()):
    print(f"{stack:44} {case:14} {p + f + h:5} {f:7} {h:5}")
for (d, what), n in sorted(boots.items()):
    print(f"boots on {d}: {n} {what}")
total = sum(sum(c) for c in runs.values())
bad = sum(c[1] + c[2] for c in runs.values())
print(f"soak: {total} case runs, {bad} failed or hung; {sum(boots.values())} boots")
PY
