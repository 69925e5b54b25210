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
# boot is retried once, and the retry is said in the output, as is one whose guest QEMU stopped by
# losing an interrupt (status 122: a vCPU halted with its APIC's timer interrupt still in service,
# README, Known problems); any other failure is not.
# The guest compares its vkcube screenshots with native lavapipe's, made here (the guest's view of the
# checkout is read-only); the host suite remakes them on every run.
if [ ! -f build/vkcube/reference-12.png ]; then
	mkdir -p build/vkcube
	scripts/inroot tests/icd/vkcube_shot.sh --icd lvp --frames 3000 --shots 24 --out build/vkcube/reference.png >/dev/null 2>&1 ||
		echo "# guest ($driver): could not make the vkcube reference screenshots on the host"
fi
out=build/guest/$driver
rm -rf "$out"
log=$(mktemp) retry_log=$(mktemp)
trap 'rm -f "$log" "$retry_log"' EXIT

# boot LOG SUITE-ARGS...: one boot of tests/guest/suite.sh, its output streamed indented (so it is not
# counted) and kept in LOG; sets $status (scripts/vm's). A QEMU crash (120) or an interrupt QEMU lost
# (122) is retried once.
boot() {
	local to=$1 attempt
	shift
	for attempt in 1 2; do
		status=0
		# 1,800 s: the pvgpu boot takes 707-774 s on a quiet machine of the slower kind and ran past
		# 1,200 s once under load; a wedged guest is ended by the heartbeat long before either.
		scripts/vm --driver "$driver" --icd venus --strict-dmesg --timeout 1800 --out "$out" -- \
			tests/guest/suite.sh "$driver" "$@" 2>&1 | tee "$to" | sed -u 's/^/  : /'
		status=${PIPESTATUS[0]}
		{ [ "$status" = 120 ] || [ "$status" = 122 ]; } && [ $attempt = 1 ] || break
		if [ "$status" = 120 ]; then
			echo "# guest ($driver): QEMU crashed (status 120, see above); retrying the whole boot once"
		else
			echo "# guest ($driver): QEMU lost an interrupt and the guest stopped (status 122, see above); retrying the whole boot once"
		fi
	done
}
results() { tr -d '\r' <"$1" | grep -aE '^(ok|not ok|    \|)'; }
wedge_of() { tr -d '\r' <"$1" | sed -n 's/.*WEDGED: the guest was stopped after [0-9]* s: \(.*\)/\1/p' | tail -n 1; } # LOG

# Retry policy (README, "When a case hangs, the guest stops answering, or a peer fails"): a case whose
# stack has none of our parts (Mesa's Venus on virtio_gpu.ko) and fails is run once more in a fresh
# boot, and its result says so; a guest that wedged in such a case has the peer cases it lost run in
# that boot too. A case of ours (pvk, pvgpu.ko) that fails or hangs
# is a failure: never retried.
peer="tests/vk on Mesa's Venus on virtio_gpu"
boot "$log"
first_status=$status
wedged=$(wedge_of "$log")
retry=()
if [ "$driver" = virtio_gpu ]; then
	# Peer cases that failed; after a wedge in a peer case, also those that never reported.
	while IFS= read -r name; do retry+=("$name"); done < <(results "$log" |
		sed -n "s#^not ok - $peer: \([A-Za-z0-9_]*\): .*#\1#p") # '#': $peer holds a '/'
	if [ "$status" = 123 ] && grep -qF "while running: $peer:" <<<"$wedged"; then
		for name in $(python3 -c 'import json, sys
for t in json.load(open("build/meson-info/intro-tests.json")):
    if any(s.endswith(":vk") for s in t["suite"]): print(t["name"])'); do
			results "$log" | grep -qE "^(not )?ok - $peer: $name[: ]" || retry+=("$name")
		done
	fi
fi
if [ ${#retry[@]} -gt 0 ]; then
	echo "# guest ($driver): ${retry[*]}: failed or lost on a peer stack (Mesa's Venus on virtio_gpu.ko)${wedged:+, the guest wedged ($wedged)}; once more in a fresh boot"
	boot "$retry_log" --retry-peer "${retry[@]}"
	# The first run's lines stay visible as comments; the retry's result counts, and says it was a retry.
	results "$log" | awk -v peer="not ok - $peer: " '
		index($0, peer) == 1 { print "# first run: " $0; skip = 1; next }
		/^    \|/ && skip { print "# first run: " $0; next }
		{ skip = 0; print }'
	results "$retry_log" | grep -E '^(ok|not ok)' | sed 's/$/ [retried in a fresh boot: the first run failed on a peer stack]/'
	results "$retry_log" | grep -E '^    \|'
	# A boot that wedged in a peer case is judged by its retry; otherwise the first boot is judged.
	if [ "$first_status" = 123 ] && [ -n "$wedged" ]; then
		echo "# guest ($driver): the first boot wedged in a peer-stack case; the line below judges the retry boot"
		wedged=$(wedge_of "$retry_log")
	else
		[ "$status" = 0 ] || [ "$status" = 1 ] || echo "not ok - guest ($driver): the retry boot failed with status $status"
		status=$first_status
	fi
else
	results "$log"
fi
case $status in
0) echo "ok - guest ($driver): boots, runs the suite, kernel log clean" ;;
3) echo "not ok - guest ($driver): the kernel log has WARNING/BUG/lockdep/refcount reports (above)" ;;
123) echo "not ok - guest ($driver): the guest stopped answering: $wedged" ;;
124) echo "not ok - guest ($driver): timed out" ;;
120) echo "not ok - guest ($driver): QEMU crashed twice (above)" ;;
122) echo "not ok - guest ($driver): QEMU lost an interrupt in two boots in a row (above)" ;;
125) echo "not ok - guest ($driver): the guest died without a status (panic?)" ;;
126) echo "not ok - guest ($driver): the driver did not load" ;;
1) echo "ok - guest ($driver): boots and reports (its failing cases are listed above)" ;;
*) echo "not ok - guest ($driver): the runner failed with status $status (above)"
	tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    | /' ;;
esac
