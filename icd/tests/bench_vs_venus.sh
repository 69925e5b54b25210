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
		esac | sed "s/^RESULT /RESULT icd=$icd /" >>"$out"
	done
done

echo "pvk vs Mesa Venus ($mode): $rounds alternating runs per driver; median of medians, worst p99 (us)"
printf '%-16s %14s %14s %14s %14s %9s\n' metric venus_median pvk_median venus_p99 pvk_p99 speedup
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for metric in create_instance enumerate roundtrip; do
	for icd in venus pvk; do
		lines=$(grep "^RESULT icd=$icd name=$metric " "$out")
		eval "${icd}_med=\$(field median_us <<<\"\$lines\" | median)"
		eval "${icd}_p99=\$(field p99_us <<<\"\$lines\" | sort -g | tail -n1)"
	done
	speedup=$(awk -v a="$venus_med" -v b="$pvk_med" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
	printf '%-16s %14s %14s %14s %14s %9s\n' "$metric" "$venus_med" "$pvk_med" "${venus_p99:-nan}" "${pvk_p99:-nan}" "$speedup"
done
