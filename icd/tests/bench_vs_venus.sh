#!/usr/bin/env bash
# pvk and Mesa's Venus side by side: vkCreateInstance, first vkEnumeratePhysicalDevices and one
# synchronous host round trip (median and p99, microseconds), from build/icd/tests/pvk_bench.
#   icd/tests/bench_vs_venus.sh vtest      on the host, each ICD over its own virgl_test_server
#   icd/tests/bench_vs_venus.sh guest      inside the guest (scripts/vm -- icd/tests/bench_vs_venus.sh guest)
# ROUNDS (default 3) alternating runs per ICD; the table shows the median of the round medians and
# the worst p99. ITERATIONS (default 2000) round trips per run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-vtest} rounds=${ROUNDS:-3} n=${ITERATIONS:-2000}
bench=$top/build/icd/tests/pvk_bench
[ -x "$bench" ] || { echo "bench: $bench is not built"; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# The manifests come from scripts/lib.sh (icd_manifest), as for the runners.
. "$top/scripts/lib.sh"
set +e +o pipefail

for r in $(seq "$rounds"); do
	for icd in venus pvk; do
		case "$mode" in
		vtest) "$top/scripts/vtest" --icd "$icd" --timeout 120 -- "$bench" -n "$n" 2>/dev/null ;;
		guest) env VK_DRIVER_FILES="$(icd_manifest $icd)" VK_ICD_FILENAMES="$(icd_manifest $icd)" "$bench" -n "$n" 2>/dev/null ;;
		*) echo "usage: $0 vtest|guest"; exit 2 ;;
		esac | sed "s/^RESULT /RESULT col=$icd /" >>"$out"
	done
done

# The ratio column is Venus's figure over pvk's: above 1, pvk is faster.
python3 "$top/tests/bench/table.py" --cols venus,pvk --ratio venus/pvk "$out" \
	--title "pvk vs Mesa Venus ($mode): $rounds alternating runs per driver; median of medians, worst p99 (us)"
