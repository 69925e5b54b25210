#!/usr/bin/env bash
# Runs inside the guest (tests/vm/igt.sh boots it with the driver under test bound): IGT's KMS tests,
# each subtest in a process of its own under the per-case watchdog (tests/guest/watchdog.py), so a
# subtest that hangs costs its own timeout and nothing else.
#   igt.sh DRIVER IGT_TESTS_DIR [TEST...]
# IGT_TESTS_DIR holds IGT's test binaries (igt-gpu-tools' build/tests); pvgpu neither ships nor
# builds IGT. TEST defaults to the list issue 11 names. Prints one TAP-style line per subtest and
# writes "TEST SUBTEST RESULT SECONDS" lines to $PVGPU_OUT/igt-DRIVER.txt, RESULT one of pass, fail,
# skip, timeout (killed after PVGPU_IGT_TIMEOUT s, default 60), crash, abort.
# IGT's exit codes (lib/igt_core.h): 0 success, 77 skip, 98 failure, 112 abort.
# Exit status 0 when no subtest failed, timed out or crashed.
set -u
driver=${1:?usage: igt.sh DRIVER IGT_TESTS_DIR [TEST...]}
dir=${2:?usage: igt.sh DRIVER IGT_TESTS_DIR [TEST...]}
shift 2
cd "$(dirname "$0")/../.."
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(core_getversion kms_addfb_basic kms_atomic kms_atomic_transition kms_flip
	kms_getfb kms_plane kms_prop_blob kms_properties kms_setmode kms_vblank kms_cursor_legacy)
out=${PVGPU_OUT:-/tmp}
table=$out/igt-$driver.txt
limit=${PVGPU_IGT_TIMEOUT:-60}
binary_limit=${PVGPU_IGT_BINARY_TIMEOUT:-1200}
: >"$table"
failed=0
# IGT's own skip list for this run: subtests left out (long under TCG), as "TEST SUBTEST" patterns.
skip_re=${PVGPU_IGT_LEAVE_OUT:-}

# No other DRM master may hold the card; the console stays, as IGT expects of fbcon.
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
# record TEST SUBTEST RESULT SECONDS [WHY]: a table row and its TAP line
record() {
	local t=$1 s=$2 res=$3 secs=$4 why=${5:-}
	echo "$t $s $res $secs" >>"$table"
	case $res in
	pass) echo "ok - igt ($driver): $t $s (${secs} s)" ;;
	skip | leftout) echo "ok - igt ($driver): $t $s # SKIP ${why}" ;;
	*) echo "not ok - igt ($driver): $t $s: $res (${secs} s) ${why}"; failed=1 ;;
	esac
}
# IGT's words for a result, as its log prints them ("Subtest NAME: SUCCESS (1.234s)")
result_of() {
	case $1 in
	SUCCESS) echo pass ;; SKIP) echo skip ;; FAIL) echo fail ;; TIMEOUT) echo timeout ;; *) echo crash ;;
	esac
}

# the result of a whole process from its exit status (IGT's exit codes above, the watchdog's 124/125)
result_of_exit() {
	case $1 in 0) echo pass ;; 77) echo skip ;; 98) echo fail ;; 124 | 125) echo timeout ;; *) echo crash ;; esac
}

# A binary runs all its subtests in one process (an IGT start costs seconds under TCG), bounded by
# PVGPU_IGT_TIMEOUT per subtest and PVGPU_IGT_BINARY_TIMEOUT (default 1200 s) in all; the subtests a hang or crash left without a result then run one by
# one, each with that bound.
for t in "${tests[@]}"; do
	bin=$dir/$t
	if [ ! -x "$bin" ]; then
		record "$t" - crash 0 "no such test binary in $dir"
		continue
	fi
	mapfile -t subtests < <("$bin" --list-subtests 2>/dev/null)
	[ ${#subtests[@]} -gt 0 ] || subtests=(-)	# a test without subtests runs whole
	run=()
	for s in "${subtests[@]}"; do
		if [ -n "$skip_re" ] && [[ "$t $s" =~ $skip_re ]]; then
			record "$t" "$s" leftout 0 "left out: long under TCG (PVGPU_IGT_LEAVE_OUT)"
		else
			run+=("$s")
		fi
	done
	[ ${#run[@]} -gt 0 ] || continue
	declare -A got=()
	# pass 1: the whole binary (or the subtests not left out, as one --run-subtest list)
	args=()
	if [ "${run[0]}" != - ] && [ ${#run[@]} != ${#subtests[@]} ]; then
		args=(--run-subtest "$(IFS=,; echo "${run[*]}")")
	fi
	bound=$((limit * ${#run[@]}))
	[ $bound -le "$binary_limit" ] || bound=$binary_limit
	log=$(python3 tests/guest/watchdog.py --timeout $bound --name "igt-$t" -- \
		"$bin" "${args[@]}" 2>&1)
	rc=$?
	if [ "${run[0]}" = - ]; then
		res=$(result_of_exit $rc)
		record "$t" - "$res" 0 "(exit $rc)"
		got[-]=1
	fi
	while read -r s r secs; do
		res=$(result_of "$r")
		why=
		case $res in
		skip) why=$(echo "$log" | grep -B3 -m1 -F "Subtest $s: SKIP" | grep -m1 -E 'Test requirement|Skipping' | cut -c1-160) ;;
		fail | crash) why=$(echo "$log" | grep -m1 -E "CRITICAL: (Test assertion|Failed assertion|error)" | cut -c1-160) ;;
		esac
		record "$t" "$s" "$res" "${secs%s}" "$why"
		[ "$res" = fail ] && echo "$log" | awk -v s="Starting subtest: $s" 'index($0, s) { on = 1 } on' |
			grep -E 'CRITICAL|error|WARN' | head -n 8 | cut -c1-200 | sed 's/^/    | /'
		got[$s]=1
	done < <(echo "$log" | sed -nE 's/^Subtest ([^:]+): ([A-Z]+) \(([0-9.]+)s\)$/\1 \2 \3/p')
	# pass 2: what the first pass left without a result, one subtest per process
	for s in "${run[@]}"; do
		[ -z "${got[$s]:-}" ] || continue
		start=$(date +%s%N)
		log=$(python3 tests/guest/watchdog.py --timeout "$limit" --name "igt-$t-$s" -- \
			"$bin" --run-subtest "$s" 2>&1)
		rc=$?
		secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
		res=$(result_of_exit $rc)
		record "$t" "$s" "$res" "$secs" "(alone, exit $rc) $(echo "$log" | grep -m1 -E 'CRITICAL|Test requirement|overran' | cut -c1-150)"
	done
	unset got
done
echo "# igt ($driver): $(awk '{print $3}' "$table" | sort | uniq -c | tr '\n' ' ')"
exit $failed
