#!/usr/bin/env bash
# Host side of the kernel checks: boots the guest once with pvgpu.ko bound, loads the KUnit module
# (tests/kunit/run-in-guest.sh), then runs the teardown check (tests/kunit/teardown-in-guest.sh).
# The KTAP report is parsed with the guest kernel's own `kunit.py parse`. Prints TAP-style lines:
# one per KUnit suite, one for the parser's verdict, one per teardown step. Exit 0 when all passed.
# Needs kernel/pvgpu.ko and tests/kunit/pvgpu_test.ko built (make kernel).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kentry=$("$top/scripts/build-kernel" --print)
kunit_py=$kentry/src/tools/testing/kunit/kunit.py
for f in "$top/kernel/pvgpu.ko" "$top/tests/kunit/pvgpu_test.ko"; do
	[ -f "$f" ] || { echo "not ok - $f is not built (make kernel)"; exit 1; }
done

log=$(mktemp -p "$top/tests/kunit" .run.XXXXXX)
ktap=$(mktemp -p "$top/tests/kunit" .ktap.XXXXXX)
trap 'rm -f "$log" "$ktap"' EXIT

"$top/scripts/vm" --driver pvgpu --timeout 900 -- \
	sh -c 'tests/kunit/run-in-guest.sh; echo "### teardown"; tests/kunit/teardown-in-guest.sh' \
	2>&1 | tr -d '\r' >"$log"	# the serial console ends lines with CR LF
vm=${PIPESTATUS[0]}

sed -n '/^KTAP version 1$/,/^### teardown$/p' "$log" | sed '$d' >"$ktap"
bad=0
if [ ! -s "$ktap" ]; then
	echo "not ok - kunit: no KTAP report (vm exit $vm)"
	tail -n 20 "$log" | sed 's/^/# /'
	exit 1
fi
# Top-level lines are the suites.
grep -E '^(not )?ok [0-9]+ ' "$ktap" | sed -E 's/^(not )?ok [0-9]+ /\1ok - kunit suite /'
grep -qE '^not ok ' "$ktap" && bad=1
if "$top/scripts/inroot" python3 "$kunit_py" parse "$ktap" >"$ktap.parse" 2>&1; then
	echo "ok - kunit.py parse: $(grep -o 'Ran [0-9]* tests.*' "$ktap.parse" | tail -n1)"
else
	echo "not ok - kunit.py parse: $(grep -o 'Ran [0-9]* tests.*' "$ktap.parse" | tail -n1)"
	bad=1
fi
rm -f "$ktap.parse"
# Teardown steps, renumbered away from the KTAP numbers.
sed -n '/^### teardown$/,$p' "$log" | grep -E '^(not )?ok [0-9]+ - ' |
	sed -E 's/^(not )?ok [0-9]+ - /\1ok - teardown: /'
sed -n '/^### teardown$/,$p' "$log" | grep -qE '^not ok ' && bad=1
[ "$vm" = 0 ] || { echo "not ok - guest exit status $vm"; bad=1; }
exit $bad
