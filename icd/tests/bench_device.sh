#!/usr/bin/env bash
# Device-level figures for each Vulkan driver in MODE, as RESULT lines (tests/bench/table.py prints
# them side by side; this script prints its own table at the end too):
#   pvk_bench_device     vkCmdDraw recording rate (million/s), empty vkQueueSubmit + vkWaitForFences
#                        latency (median and p99, us), offscreen render loop (frames/s, 256x256, 2 s);
#                        --rounds N (default 3) runs per driver, drivers alternating
#   --vkmark             vkmark's default scenes, --winsys headless and --winsys xcb (FPS per scene and
#                        the score), drivers with VK_KHR_swapchain only (not Mesa's Venus here: README)
#   --vkcube             vkcube --wsi xcb frames per second: (400 - 100) frames / (t(400) - t(100)),
#                        so that start-up does not count
# Modes:
#   icd/tests/bench_device.sh guest      in the guest: Mesa's Venus and pvk on the same device
#                                        (scripts/vm --driver pvgpu -- icd/tests/bench_device.sh guest)
#   icd/tests/bench_device.sh lavapipe   on the host (scripts/inroot): native lavapipe, the ceiling
#   icd/tests/bench_device.sh vtest      on the host, pvk over virgl_test_server (Mesa's Venus hangs
#                                        there at its first mappable allocation: README)
# --results FILE appends the RESULT lines to FILE as well. Columns are named <driver>(<where>).
# The X11 runs use $DISPLAY, or an Xvfb this script starts (and stops) when DISPLAY is unset.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-guest}
[ $# -gt 0 ] && shift
rounds=3 vkmark=0 vkcube=0 results=
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--vkmark) vkmark=1; shift ;;
	--vkcube) vkcube=1; shift ;;
	--results) results=$2; shift 2 ;;
	*) echo "usage: $0 guest|lavapipe|vtest [--rounds N] [--vkmark] [--vkcube] [--results FILE]"; exit 2 ;;
	esac
done
bench=$top/build/icd/tests/pvk_bench_device
[ -x "$bench" ] || { echo "bench_device: $bench is not built: run 'make build'"; exit 1; }

# The manifests come from scripts/lib.sh (icd_manifest), as for the runners.
. "$top/scripts/lib.sh"
set +e +o pipefail

case "$mode" in
guest) icds="venus pvk" where=vm ;;
lavapipe) icds="lvp" where=host ;;
vtest) icds="pvk" where=vtest ;;
*) echo "usage: $0 guest|lavapipe|vtest [--rounds N] [--vkmark] [--vkcube] [--results FILE]"; exit 2 ;;
esac
col() { local n=${1/lvp/lavapipe}; printf '%s(%s)' "$n" "$where"; }
out=$(mktemp)
xvfb=
trap 'rm -f "$out"; [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null' EXIT

# run ICD COMMAND...: COMMAND with the loader seeing only ICD (over vtest: through scripts/vtest).
run() {
	local icd=$1 m
	shift
	m=$(icd_manifest "$icd")
	if [ "$mode" = vtest ]; then
		"$top/scripts/vtest" --icd "$icd" --timeout 900 -- "$@"
	else
		env VK_DRIVER_FILES="$m" VK_ICD_FILENAMES="$m" timeout 900 "$@"
	fi
}
result() { echo "RESULT $*" | tee -a "$out" ${results:+-a "$results"} >/dev/null; }

for r in $(seq "$rounds"); do
	for icd in $icds; do
		log "bench_device: round $r/$rounds, $(col $icd): pvk_bench_device"
		o=$(run "$icd" "$bench" 2>&1) || echo "bench_device: $(col $icd) failed: $(grep -v '^RESULT' <<<"$o" | tail -n1)"
		grep '^RESULT ' <<<"$o" | while read -r _ rest; do result "col=$(col $icd) $rest"; done
	done
done

# Drivers that can present: Mesa's Venus has no VK_KHR_swapchain over lavapipe.
present_icds=${icds/venus/}
if [ $vkmark = 1 ] || [ $vkcube = 1 ]; then
	if [ -z "${DISPLAY:-}" ]; then
		xvfb_start || echo "bench_device: the Xvfb did not start"
		xvfb=$XVFB_PID
	fi
fi
if [ $vkmark = 1 ]; then
	for icd in $present_icds; do
		for ws in headless xcb; do
			log "bench_device: $(col $icd): vkmark --winsys $ws (default scenes, about 10 s each)"
			o=$(run "$icd" vkmark --winsys "$ws" 2>&1) || echo "bench_device: vkmark --winsys $ws on $(col $icd) failed: $(tail -n1 <<<"$o")"
			# "[vertex] device-local=true: FPS: 632 FrameTime: 1.582 ms" and "vkmark Score: 1022"
			sed -n 's/^\(\[.*\): FPS: \([0-9.]*\) .*/\1 \2/p' <<<"$o" | while read -r line; do
				result "col=$(col $icd) name=\"vkmark $ws ${line% *}\" fps=${line##* }"
			done
			s=$(sed -n 's/.*vkmark Score: \([0-9]*\).*/\1/p' <<<"$o")
			[ -z "$s" ] || result "col=$(col $icd) name=\"vkmark $ws score\" score=$s"
		done
	done
fi
if [ $vkcube = 1 ]; then
	for icd in $present_icds; do
		log "bench_device: $(col $icd): vkcube --wsi xcb, 100 and 400 frames"
		t=()
		for frames in 100 400; do
			start=$(date +%s.%N)
			run "$icd" vkcube --wsi xcb --c "$frames" >/dev/null 2>&1 || { echo "bench_device: vkcube on $(col $icd) failed"; t=(); break; }
			t+=("$(echo "$(date +%s.%N) - $start" | bc)")
		done
		[ ${#t[@]} = 2 ] && result "col=$(col $icd) name=\"vkcube xcb\" fps=$(echo "300 / (${t[1]} - ${t[0]})" | bc -l | xargs printf '%.1f')"
	done
fi

python3 "$top/tests/bench/table.py" --bare fps --bare score \
	--title "device-level benchmark ($mode; median of $rounds rounds, worst p99)" "$out"
