#!/bin/sh
# Runs inside the guest with pvgpu.ko bound (scripts/vm --driver pvgpu): loads the KUnit module and
# prints its KTAP report (the block the module load adds to the kernel log, timestamps stripped) on
# stdout, for `kunit.py parse`. The boot log's own empty "1..0" block is skipped. Exit status: 0 when
# the report says every suite passed, 1 otherwise.
set -u
here=$(dirname "$0")
before=$(dmesg | wc -l)
insmod "$here/pvgpu_test.ko" || { echo "insmod pvgpu_test.ko failed" >&2; exit 1; }
ktap=$(dmesg | tail -n +"$((before + 1))" | sed -e 's/^\[ *[0-9.]*\] //' |
	sed -n '/^KTAP version 1$/,$p')
[ -n "$ktap" ] || { echo "no KTAP report in the kernel log" >&2; exit 1; }
printf '%s\n' "$ktap"
rmmod pvgpu_test 2>/dev/null
! printf '%s\n' "$ktap" | grep -q '^not ok'
