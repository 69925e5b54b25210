#!/usr/bin/env bash
# The foundation's own tests: the vtest and VM runners work with the reference stack (Mesa's Venus on
# virglrenderer), and their failure paths behave: a failing guest command returns its status, a hung
# guest is killed at the timeout and reported, a panicking guest is reported, nothing is left running.
set -u
. "$(dirname "$0")/../harness.sh"
cd "$T_TOP"
venus_device='deviceName *= Virtio-GPU Venus \(llvmpipe'
# Every process the runners start inherits this tag (scripts/inroot passes PVGPU_* through), so the
# last case can find leftovers of this run without being confused by other runs on the machine.
export PVGPU_RUN_TAG=runners-$$-$RANDOM
leftovers() {
	local p
	for p in $(pgrep -f 'qemu-system|virtiofsd|Xvfb|virgl_test_server|virgl_render_server'); do
		grep -qzx "PVGPU_RUN_TAG=$PVGPU_RUN_TAG" "/proc/$p/environ" 2>/dev/null && tr '\0' ' ' <"/proc/$p/cmdline" && echo
	done
}

t_run vtest-venus scripts/vtest --icd venus --timeout 60 -- vulkaninfo --summary
t_expect "vtest: Mesa's Venus prints the Venus device" "status $T_STATUS, no Venus device in the output" \
	eval '[ $T_STATUS = 0 ] && grep -qE "$venus_device" "$T_OUT"'

t_run vtest-timeout scripts/vtest --timeout 3 -- sleep 60
t_expect "vtest: a command past its timeout is killed and reported (124)" "status $T_STATUS after $T_SECONDS s" \
	eval '[ $T_STATUS = 124 ] && [ $T_SECONDS -lt 15 ] && grep -q TIMEOUT "$T_OUT"'

# One boot checks two things: the device is there, and the command's own status comes back.
t_run vm-venus scripts/vm --driver virtio_gpu --icd venus --timeout 240 -- \
	bash -c 'vulkaninfo --summary && lsmod | grep -q "^virtio_gpu" && exit 7'
t_expect "vm: Mesa's Venus on upstream virtio_gpu.ko prints the Venus device" "no Venus device in the output" \
	grep -qE "$venus_device" "$T_OUT"
t_expect "vm: a failing guest command returns its status (7)" "status $T_STATUS, wanted 7" \
	eval '[ $T_STATUS = 7 ]'

t_run vm-hang scripts/vm --driver none --timeout 45 -- sleep 100000
t_expect "vm: a hung guest is killed at the timeout and reported" \
	"status $T_STATUS after $T_SECONDS s, wanted 124 and a TIMEOUT line within 70 s" \
	eval '[ $T_STATUS = 124 ] && [ $T_SECONDS -lt 70 ] && grep -q TIMEOUT "$T_OUT"'

t_run vm-panic scripts/vm --driver none --timeout 120 -- bash -c 'echo c > /proc/sysrq-trigger; sleep 60'
t_expect "vm: a panicking guest is reported (status 125) well before the timeout" \
	"status $T_STATUS after $T_SECONDS s, wanted 125 in under 100 s" \
	eval '[ $T_STATUS = 125 ] && [ $T_SECONDS -lt 100 ]'

# One boot for the two watchdogs (issue 10). In the guest: a case that SIGKILL cannot end (dstate.py)
# is diagnosed with the host's side (QEMU's vCPU threads, asked through the run share) and abandoned,
# and the command goes on. Then the guest stops answering (every process but the caller stopped, the
# heartbeat with them): the host ends the boot early (123), naming the case that was running.
t_run vm-wedge env PVGPU_HEARTBEAT_TIMEOUT=20 scripts/vm --driver none --timeout 600 --out "$T_LOG/wedge" -- bash -c '
	python3 tests/guest/watchdog.py --timeout 3 --name "runners: unkillable case" -- python3 tests/guest/dstate.py --hold 120
	echo "watchdog status $?"
	echo "runners: wedging case" >"$PVGPU_CASE_FILE"
	kill -STOP -1
	sleep 1000'
t_expect "vm: a guest case stuck in D state is abandoned with the host's threads in its diagnosis, the command goes on" \
	"wanted 'watchdog status 125', 'stuck in D state' and QEMU's TCG threads from the host" \
	eval 'grep -q "watchdog status 125" "$T_OUT" && grep -q "stuck in D state" "$T_OUT" && grep -qs "CPU 0/TCG" "$T_LOG"/wedge/diag/*unkillable*'
t_expect "vm: a wedged guest is ended early (123), naming the case it was running" \
	"status $T_STATUS after $T_SECONDS s, wanted 123 within 240 s and the case named" \
	eval '[ $T_STATUS = 123 ] && [ $T_SECONDS -lt 240 ] && grep -q "WEDGED.*while running: runners: wedging case" "$T_OUT"'
# Every process stopped, both vCPUs idle: QEMU's registers, symbolized, put them in the idle loop.
t_expect "vm: a wedged guest's diagnosis says where each vCPU is, by guest kernel function" \
	"wanted 'cpu 0 (...): halted|running, interrupts on|off, CPL 0, rip 0x... FUNCTION+0x...' in diag/wedge-host.txt" \
	eval 'grep -qE "^cpu 0 \(thread [0-9]+\): (halted|running), interrupts (on|off), CPL 0, rip 0x[0-9a-f]+ [A-Za-z_][A-Za-z0-9_.]*\+0x" "$T_LOG"/wedge/diag/wedge-host.txt'

sleep 1
left=$(leftovers)
t_expect "runners leave no process behind (QEMU, virtiofsd, Xvfb, vtest server)" "left running: $left" \
	test -z "$left"
t_done
