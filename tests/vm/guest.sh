#!/usr/bin/env bash
# One guest boot per kernel driver runs every guest-side test (tests/guest/suite.sh): fewer boots,
# each one costs tens of seconds under TCG.
#   tests/vm/guest.sh virtio_gpu|pvgpu
# The boot itself is a case too: the guest must report a status and its kernel log must hold no
# WARNING, BUG, lockdep or refcount report (scripts/vm --strict-dmesg).
set -u
cd "$(dirname "$0")/../.."
driver=${1:?usage: tests/vm/guest.sh virtio_gpu|pvgpu}
if [ "$driver" = pvgpu ] && [ ! -f kernel/pvgpu.ko ]; then
	echo "not ok - guest ($driver): kernel/pvgpu.ko is not built (make build)"
	exit 0
fi
# QEMU 10.0 under TCG occasionally dies on an internal assertion (iotlb_to_section, seen with blob
# mappings of both drivers): a host-side crash, reported as such by scripts/vm (status 120). Such a
# boot is retried once, and the retry is said in the output; any other failure is not.
# The guest compares its vkcube screenshots with native lavapipe's, made here (the guest's view of the
# checkout is read-only); the host suite remakes them on every run.
if [ ! -f build/vkcube/reference-12.png ]; then
	mkdir -p build/vkcube
	scripts/inroot tests/icd/vkcube_shot.sh --icd lvp --frames 3000 --shots 24 --out build/vkcube/reference.png >/dev/null 2>&1 ||
		echo "# guest ($driver): could not make the vkcube reference screenshots on the host"
fi
rm -rf "build/vkcube/guest-$driver"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for attempt in 1 2; do
	status=0
	# The boot's output streams indented (so it is not counted), then its result lines are printed.
	scripts/vm --driver "$driver" --icd venus --strict-dmesg --timeout 1200 --out "build/vkcube/guest-$driver" -- tests/guest/suite.sh "$driver" 2>&1 |
		tee "$log" | sed -u 's/^/  : /'
	status=${PIPESTATUS[0]}
	[ "$status" = 120 ] && [ $attempt = 1 ] || break
	echo "# guest ($driver): QEMU crashed (status 120, see above); retrying the whole boot once"
done
tr -d '\r' <"$log" | grep -aE '^(ok|not ok|    \|)'
case $status in
0) echo "ok - guest ($driver): boots, runs the suite, kernel log clean" ;;
3) echo "not ok - guest ($driver): the kernel log has WARNING/BUG/lockdep/refcount reports (above)" ;;
124) echo "not ok - guest ($driver): timed out" ;;
120) echo "not ok - guest ($driver): QEMU crashed twice (above)" ;;
125) echo "not ok - guest ($driver): the guest died without a status (panic?)" ;;
126) echo "not ok - guest ($driver): the driver did not load" ;;
1) echo "ok - guest ($driver): boots and reports (its failing cases are listed above)" ;;
*) echo "not ok - guest ($driver): the runner failed with status $status (above)"
	tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    | /' ;;
esac
