#!/usr/bin/env bash
# The per-case watchdog's own tests (tests/guest/watchdog.py), on the host as root, no VM: a case past
# its timeout is diagnosed and killed; a case that SIGKILL cannot end (a task left in uninterruptible
# sleep, made by tests/guest/dstate.py) is diagnosed and abandoned within a bound, so the runner goes
# on; a passing case's output and status come through and what it left running is killed; meson_tests.py
# reports an overrun as a hang and runs only the --only cases.
set -u
. "$(dirname "$0")/../harness.sh"
cd "$T_TOP"
# scripts/inroot's /tmp is private to each call: what the cases write lands in the build tree.
d=build/test-watchdog
rm -rf "$d" && mkdir -p "$d"
wd=(scripts/inroot env PVGPU_CASE_FILE=$d/case python3 tests/guest/watchdog.py)

t_run wd-sleep "${wd[@]}" --timeout 2 --name "watchdog test: sleeper" --diag $d/sleep.txt -- sleep 100
t_expect "watchdog: a case past its timeout is diagnosed and killed (124)" \
	"status $T_STATUS after $T_SECONDS s, wanted 124 within 30 s with its task's state in the output" \
	eval '[ $T_STATUS = 124 ] && [ $T_SECONDS -lt 30 ] && grep -q "overran its 2 s and was killed" "$T_OUT" &&
		grep -qE "task [0-9]+ \(sleep\) state S" "$T_OUT"'

has_sections() { # FILE TITLE...: every "---- TITLE" section is in FILE
	local f=$1 t
	shift
	for t in "$@"; do grep -q -- "^---- $t" "$f" || return 1; done
}

# dstate.py's stat survives SIGKILL until its daemon lets go (60 s): the watchdog must not wait for it.
t_run wd-dstate "${wd[@]}" --timeout 3 --name "watchdog test: unkillable" --diag $d/dstate.txt -- \
	python3 tests/guest/dstate.py --hold 60
t_expect "watchdog: a case stuck in D state after SIGKILL is abandoned in bounded time (125), with its kernel stack" \
	"status $T_STATUS after $T_SECONDS s, wanted 125 within 50 s, 'stuck in D state' and the FUSE wait in its stack" \
	eval '[ $T_STATUS = 125 ] && [ $T_SECONDS -lt 50 ] && grep -q "stuck in D state" "$T_OUT" &&
		grep -q "could not die" "$T_OUT" && grep -q request_wait_answer "$T_OUT"'
t_expect "watchdog: the full diagnosis is written (tasks, blocked tasks, driver, host, user stacks)" \
	"sections missing in the diagnosis file" \
	has_sections "$d/dstate.txt" "tasks of the case" "kernel: blocked tasks" "GPU driver state" "host:" "user stacks"
t_expect "watchdog: the current case's name is written for the guest's heartbeat" "case file: $(cat "$d/case" 2>&1)" \
	eval '[ "$(cat "$d/case")" = "watchdog test: unkillable" ]'

tag=pvgpu-wd-leftover-$$
t_run wd-pass "${wd[@]}" --timeout 20 --name "watchdog test: passes" -- bash -c "exec -a $tag sleep 1000 & echo hello; exit 3"
sleep 0.5
t_expect "watchdog: a case's output and status come through, what it left running is killed" \
	"status $T_STATUS, output $(head -c 100 "$T_OUT"), leftover: $(pgrep -f "$tag" | head -n 1)" \
	eval '[ $T_STATUS = 3 ] && grep -qx hello "$T_OUT" && ! pgrep -f "$tag" >/dev/null'

# meson_tests.py under the watchdog: vk_compute alone (--only), given a timeout no program can meet.
lvp=/usr/share/vulkan/icd.d/lvp_icd.json
t_run wd-meson scripts/inroot env VK_DRIVER_FILES=$lvp VK_ICD_FILENAMES=$lvp python3 tests/meson_tests.py \
	--suite vk --only vk_compute --timeout-multiplier 0.0001 --label "watchdog test"
t_expect "meson_tests.py: an overrunning test is reported hung, with the diagnosis; --only runs one test" \
	"status $T_STATUS, $(grep -c '^\(ok\|not ok\)' "$T_OUT") result lines" \
	eval '[ $T_STATUS = 1 ] && [ "$(grep -c "^\(ok\|not ok\)" "$T_OUT")" = 1 ] &&
		grep -q "^not ok - watchdog test: vk_compute: hung" "$T_OUT" && grep -q "watchdog: overran" "$T_OUT"'
[ -n "${T_KEEP:-}" ] || rm -rf "$d"
t_done
