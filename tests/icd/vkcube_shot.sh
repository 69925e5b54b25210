#!/usr/bin/env bash
# Runs vkcube on X11 and takes screenshots of its window while it runs; prints its frame rate.
#   tests/icd/vkcube_shot.sh --out PNG [--frames N] [--shots N] [--icd pvk|venus|lvp]
# Runs `vkcube --wsi xcb --c N` (default 300 frames) on $DISPLAY, or on an Xvfb (1024x768x24) it
# starts and stops when DISPLAY is unset; --icd makes the loader see only that driver (default: the
# environment's choice). While vkcube runs, its window (500x500, vkcube's default) is dumped with xwd
# as often as the machine allows (at most 60 times: under TCG each dump takes a while, on the host
# vkcube draws hundreds of frames a second); afterwards the dumps that show the rendered cube (more than 200
# colours: a window not yet drawn is one colour) are kept: the first N (--shots, default 1) of them,
# spread over the run, become PNG, PNG's name with -2, -3... for the others. Works the same on the
# host (native lavapipe, the reference) and in the guest (pvk), which is what makes the two shots
# comparable (tests/icd/vkcube_compare.py).
# Prints "vkcube: F frames in S s, W x H window, K shots" and, for the benchmark,
# "RESULT name=vkcube_run frames=F seconds=S"; exit status: vkcube's, or 3 when no shot showed the cube.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out= frames=300 shots=1 icd=
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--frames) frames=$2; shift 2 ;;
	--shots) shots=$2; shift 2 ;;
	--icd) icd=$2; shift 2 ;;
	*) echo "usage: $0 --out PNG [--frames N] [--shots N] [--icd pvk|venus|lvp]"; exit 2 ;;
	esac
done
[ -n "$out" ] || { echo "usage: $0 --out PNG [--frames N] [--shots N] [--icd pvk|venus|lvp]"; exit 2; }
. "$top/scripts/lib.sh"
set +e +o pipefail
if [ -n "$icd" ]; then
	m=$(icd_manifest "$icd")
	export VK_DRIVER_FILES=$m VK_ICD_FILENAMES=$m
fi
# shots of an earlier run under the same name would be taken for this run's
rm -f "$out" "${out%.png}"-[0-9]*.png
work=$(mktemp -d)
xvfb=
cleanup() {
	[ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
	xvfb_start || echo "vkcube: the Xvfb did not start"
	xvfb=$XVFB_PID
fi

start=$(date +%s.%N)
vkcube --wsi xcb --c "$frames" >"$work/vkcube.log" 2>&1 &
cube=$!
# vkcube's window is the root's only child (it sets no name).
window=
n=0
while kill -0 $cube 2>/dev/null; do
	if [ -z "$window" ]; then
		window=$(xwininfo -root -children 2>/dev/null | awk '/^ +0x[0-9a-f]+ / { print $1; exit }')
		[ -n "$window" ] || { sleep 0.05; continue; }
	fi
	if [ $n -ge 60 ]; then sleep 0.1; continue; fi
	xwd -id "$window" -silent >"$work/shot-$n.xwd" 2>/dev/null && n=$((n + 1))
done
wait $cube
status=$?
seconds=$(echo "$(date +%s.%N) - $start" | bc)
geometry=$( [ $n -gt 0 ] && identify -format '%w x %h' "xwd:$work/shot-0.xwd" 2>/dev/null)

# Keep the dumps that show the cube, evenly spread over the ones that do.
good=()
for i in $(seq 0 $((n - 1))); do
	k=$(identify -format '%k' "xwd:$work/shot-$i.xwd" 2>/dev/null || echo 0)
	[ "${k:-0}" -gt 200 ] && good+=("$i")
done
kept=0
if [ ${#good[@]} -gt 0 ]; then
	want=$shots
	[ "$want" -le ${#good[@]} ] || want=${#good[@]}
	for j in $(seq 0 $((want - 1))); do
		i=${good[$((j * ${#good[@]} / want))]}
		name=$out
		[ "$j" = 0 ] || name=${out%.png}-$((j + 1)).png
		convert "xwd:$work/shot-$i.xwd" "$name" && kept=$((kept + 1))
	done
fi
sed -n '1,3p' "$work/vkcube.log" | sed 's/^/vkcube: /'
printf 'vkcube: %s frames in %.2f s, %s window, %d of %d dumps showed the cube, %d shot(s) kept\n' \
	"$frames" "$seconds" "${geometry:-no}" ${#good[@]} "$n" "$kept"
echo "RESULT name=vkcube_run frames=$frames seconds=$seconds"
[ "$status" = 0 ] || exit "$status"
[ "$kept" -gt 0 ] || { echo "vkcube: no screenshot showed the cube (the window was dumped $n times)"; exit 3; }
exit 0
