#!/usr/bin/env bash
# Device-level figures, side by side in one run (build/icd/tests/pvk_bench_device):
# vkCmdDraw recording rate (million/s, best of 5), empty vkQueueSubmit + vkWaitForFences latency
# (median and p99, us), offscreen render loop (frames/s, clear + triangle at 256x256, 2 s).
#   icd/tests/bench_device.sh guest      in the guest: Mesa's Venus and pvk on the same device
#                                        (scripts/vm --driver pvgpu -- icd/tests/bench_device.sh guest)
#   icd/tests/bench_device.sh lavapipe   on the host (scripts/inroot): native lavapipe, the ceiling
#   icd/tests/bench_device.sh vtest      on the host, pvk over virgl_test_server (Mesa's Venus hangs
#                                        there at its first mappable allocation: FACTS.md)
# VKMARK=1 adds `vkmark --winsys headless` (score and per-scene FPS) for each driver but Venus (which
# has no VK_KHR_swapchain over lavapipe, so vkmark stops at device creation: ../../shared FACTS).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-guest}
bench=$top/build/icd/tests/pvk_bench_device
[ -x "$bench" ] || { echo "bench_device: $bench is not built"; exit 1; }

# The manifests come from scripts/lib.sh (icd_manifest), as for the runners.
. "$top/scripts/lib.sh"
set +e +o pipefail
manifest() { icd_manifest "${1/lavapipe/lvp}"; }	# this script calls lavapipe what lib.sh calls lvp

case "$mode" in
guest) icds="venus pvk" ;;
lavapipe) icds="lavapipe" ;;
vtest) icds="pvk" ;;
*) echo "usage: $0 guest|lavapipe|vtest"; exit 2 ;;
esac

declare -A res
for icd in $icds; do
	m=$(manifest "$icd")
	if [ "$mode" = vtest ]; then
		out=$("$top/scripts/vtest" --icd "$icd" --timeout 300 -- "$bench" 2>&1)
	else
		out=$(env VK_DRIVER_FILES="$m" VK_ICD_FILENAMES="$m" timeout 300 "$bench" 2>&1)
	fi || echo "bench_device: $icd failed: $(grep -v '^ ' <<<"$out" | tail -n1)"
	res[$icd]=$out
done
val() { sed -n "s/^RESULT name=$2 .*$3=\([^ ]*\).*/\1/p" <<<"${res[$1]:-}"; }

echo "device-level benchmark ($mode)"
printf '%-28s' metric; for icd in $icds; do printf ' %12s' "$icd"; done; echo
for row in "draw_rate mdraws_per_s vkCmdDraw_Mdraws/s" "submit_wait median_us submit+wait_median_us" \
	"submit_wait p99_us submit+wait_p99_us" "render_fps fps offscreen_render_fps"; do
	set -- $row
	printf '%-28s' "$3"; for icd in $icds; do printf ' %12s' "$(val "$icd" "$1" "$2")"; done; echo
done

if [ "${VKMARK:-0}" = 1 ]; then
	for icd in $icds; do
		[ "$icd" = venus ] && continue
		m=$(manifest "$icd")
		echo "vkmark --winsys headless ($icd)"
		env VK_DRIVER_FILES="$m" VK_ICD_FILENAMES="$m" timeout 600 vkmark --winsys headless 2>&1 |
			grep -E 'FPS|Score' | sed 's/^/  /'
	done
fi
