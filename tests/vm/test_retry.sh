#!/usr/bin/env bash
# The guest suites' retry policy (tests/vm/guest.sh; README, "When a case hangs, the guest stops
# answering, or a peer fails"), on the host in a second or two, no VM: guest.sh runs in a scratch tree
# whose scripts/vm is a stand-in that replays scripted boots (their output and status) and records
# each boot's arguments. Checked: a failed Mesa's Venus case is rerun once in a fresh boot and marked,
# a failed case of ours is not; a guest that wedged in a peer case has the peer cases it lost rerun and
# the retry boot judges it; a wedge in a case of ours is a failure with no retry; a QEMU crash boot, and
# one whose guest QEMU stopped by losing an interrupt, is booted once more.
set -u
. "$(dirname "$0")/../harness.sh"
cd "$T_TOP"
tree=$T_LOG/tree
mkdir -p "$tree/tests/vm" "$tree/scripts" "$tree/build/vkcube" "$tree/build/meson-info"
cp tests/vm/guest.sh "$tree/tests/vm/guest.sh"
: >"$tree/build/vkcube/reference-12.png"
# Three tests/vk programs and one test of another suite.
cat >"$tree/build/meson-info/intro-tests.json" <<'EOF'
[{"name": "vk_compute", "suite": ["pvgpu:vk"]}, {"name": "vk_query", "suite": ["pvgpu:vk"]},
 {"name": "vk_timeline", "suite": ["pvgpu:vk"]}, {"name": "ioctl_basic", "suite": ["pvgpu:uapi"]}]
EOF
# The stand-in: boot N prints $FAKE_VM/N.out, records its arguments in $FAKE_VM/N.args, exits with the
# status in $FAKE_VM/N.status.
cat >"$tree/scripts/vm" <<'EOF'
#!/usr/bin/env bash
n=$(($(cat "$FAKE_VM/count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$FAKE_VM/count"
printf '%s\n' "$@" >"$FAKE_VM/$n.args"
cat "$FAKE_VM/$n.out" 2>/dev/null
exit "$(cat "$FAKE_VM/$n.status" 2>/dev/null || echo 0)"
EOF
chmod +x "$tree/scripts/vm"

peer="tests/vk on Mesa's Venus on virtio_gpu"
ours="tests/vk on pvk on virtio_gpu"
# scenario NAME: a fresh directory of scripted boots; boot N STATUS, then its output on stdin.
scenario() { S=$T_LOG/$1; rm -rf "$S"; mkdir -p "$S"; }
boot() { cat >"$S/$1.out"; echo "$2" >"$S/$1.status"; }
play() { t_run "$1" env FAKE_VM="$S" bash "$tree/tests/vm/guest.sh" virtio_gpu; }
boots() { cat "$S/count" 2>/dev/null || echo 0; }
retried() { sed -n '/^--retry-peer$/,$p' "$S/$1.args" | tail -n +2 | tr '\n' ' '; } # BOOT: the names it reran
has() { grep -qF -- "$1" "$T_OUT"; }

scenario peer-fails
boot 1 1 <<EOF
ok - $peer: vk_compute (1.0 s)
not ok - $peer: vk_query: hung: overran its 30 s and was killed
    | diagnosis of vk_query
not ok - $ours: vk_timeline: exit status 1
EOF
boot 2 0 <<EOF
ok - $peer: vk_query (1.2 s)
EOF
play retry-peer
t_expect "retry policy: a failed peer case is rerun once in a fresh boot, marked so" \
	"wanted 2 boots, the second with --retry-peer vk_query, its ok line marked, the first run's as a comment" \
	eval '[ "$(boots)" = 2 ] && [ "$(retried 2)" = "vk_query " ] &&
		has "ok - $peer: vk_query (1.2 s) [retried in a fresh boot: the first run failed on a peer stack]" &&
		has "# first run: not ok - $peer: vk_query: hung" && has "# first run:     | diagnosis of vk_query" &&
		! grep -q "^not ok - $peer" "$T_OUT"'
t_expect "retry policy: a failed case of ours is never retried" "wanted its not ok line as it was, unmarked" \
	eval 'grep -qx "not ok - $ours: vk_timeline: exit status 1" "$T_OUT" && ! grep -q "vk_timeline.*retried" "$T_OUT" &&
		grep -qx "ok - guest (virtio_gpu): boots and reports (its failing cases are listed above)" "$T_OUT"'

scenario peer-wedge
boot 1 123 <<EOF
ok - $peer: vk_compute (1.0 s)
[00:10:00 vm] WEDGED: the guest was stopped after 400 s: no heartbeat for 120 s while running: $peer: vk_query
EOF
boot 2 0 <<EOF
ok - $peer: vk_query (1.1 s)
ok - $peer: vk_timeline (1.3 s)
EOF
play retry-wedge
t_expect "retry policy: a guest wedged in a peer case has the peer cases it lost rerun; the retry boot judges" \
	"wanted the second boot to rerun vk_query and vk_timeline (not vk_compute), both marked, and the boot ok" \
	eval '[ "$(boots)" = 2 ] && [ "$(retried 2)" = "vk_query vk_timeline " ] &&
		has "ok - $peer: vk_timeline (1.3 s) [retried in a fresh boot" &&
		has "the line below judges the retry boot" &&
		grep -qx "ok - guest (virtio_gpu): boots, runs the suite, kernel log clean" "$T_OUT"'

scenario our-wedge
boot 1 123 <<EOF
ok - $peer: vk_compute (1.0 s)
[00:10:00 vm] WEDGED: the guest was stopped after 400 s: no heartbeat for 120 s while running: $ours: vk_query
EOF
play our-wedge
t_expect "retry policy: a guest wedged in a case of ours fails, naming it, with no retry boot" \
	"wanted one boot and 'not ok - guest (virtio_gpu): the guest stopped answering: ... $ours: vk_query'" \
	eval '[ "$(boots)" = 1 ] && grep -q "^not ok - guest (virtio_gpu): the guest stopped answering: .*while running: $ours: vk_query" "$T_OUT"'

scenario qemu-crash
boot 1 120 <<EOF
[00:01:00 vm] QEMU CRASHED (exit 134) after 60 s; QEMU said:
EOF
boot 2 0 <<EOF
ok - $peer: vk_compute (1.0 s)
EOF
play qemu-crash
t_expect "retry policy: a boot QEMU crashed in is booted once more, and the output says so" \
	"wanted 2 boots, the retry said, and the second boot's result" \
	eval '[ "$(boots)" = 2 ] && has "QEMU crashed (status 120, see above); retrying the whole boot once" &&
		grep -qx "ok - guest (virtio_gpu): boots, runs the suite, kernel log clean" "$T_OUT"'

scenario lost-interrupt
boot 1 122 <<EOF
[00:05:00 vm] WEDGED by QEMU: an interrupt the vCPU took was never ended in QEMU's emulated APIC (STUCK INTERRUPT above); the guest was stopped after 300 s: no heartbeat for 120 s while running: $ours: vk_query
EOF
boot 2 0 <<EOF
ok - $ours: vk_query (1.0 s)
EOF
play lost-interrupt
t_expect "retry policy: a boot whose guest QEMU stopped by losing an interrupt (122) is booted once more, said so" \
	"wanted 2 boots, the retry said, and the second boot's result" \
	eval '[ "$(boots)" = 2 ] && has "QEMU lost an interrupt and the guest stopped (status 122, see above); retrying the whole boot once" &&
		grep -qx "ok - guest (virtio_gpu): boots, runs the suite, kernel log clean" "$T_OUT"'

# The "STUCK INTERRUPT" check behind status 122, on the local APIC of vCPU 0 in a boot that wedged here
# (timer vector 236 in service and pending, periodic tick, processor priority 0xe0) and on a healthy one.
printf 'LVTT\t 0x000200ec active-hi edge                 periodic     Fixed  (vec 236)\nISR\t 236\nIRR\t 32 36 236\nAPR 0x00 TPR 0x10 DFR 0x0f LDR 0x00 PPR 0xe0\n' >"$T_LOG/lapic-stuck.txt"
printf 'LVTT\t 0x000000ec active-hi edge                 one-shot     Fixed  (vec 236)\nISR\t (none)\nIRR\t 36\nAPR 0x00 TPR 0x10\n' >"$T_LOG/lapic-ok.txt"
t_expect "guest-cpus: a vector in service and pending again is a stuck interrupt; a healthy APIC has none" \
	"stuck: $(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-stuck.txt"), healthy: $(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-ok.txt")" \
	eval '[ "$(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-stuck.txt")" = 236 ] &&
		[ "$(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-ok.txt")" = none ]'

# A vCPU halted with interrupts on and the timer vector in service (its end of interrupt lost, nothing
# pending again) is stuck too; one halted with interrupts off inside the reboot IPI's handler (panic's
# stop of the other CPUs) is not.
printf 'LVTT\t 0x000000ec active-hi edge                 one-shot     Fixed  (vec 236)\nISR\t 236\nIRR\t (none)\nAPR 0x00 TPR 0x00 PPR 0xe0\n' >"$T_LOG/lapic-eoi-lost.txt"
printf 'LVTT\t 0x000000ec active-hi edge                 one-shot     Fixed  (vec 236)\nISR\t 248\nIRR\t (none)\nAPR 0x00 TPR 0x00 PPR 0xf0\n' >"$T_LOG/lapic-stopped.txt"
t_expect "guest-cpus: a vector in service on a vCPU halted with interrupts on is stuck; the stop IPI's halt (interrupts off) is not" \
	"eoi lost: $(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-eoi-lost.txt" --interrupts-on), stopped: $(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-stopped.txt")" \
	eval '[ "$(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-eoi-lost.txt" --interrupts-on)" = 236 ] &&
		[ "$(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-stopped.txt")" = none ] &&
		[ "$(python3 scripts/guest-cpus --stuck "$T_LOG/lapic-ok.txt" --interrupts-on)" = none ]'

scenario qemu-crash-twice
boot 1 120 </dev/null
boot 2 120 </dev/null
play qemu-crash-twice
t_expect "retry policy: a second QEMU crash is a failure" "wanted 2 boots and 'QEMU crashed twice'" \
	eval '[ "$(boots)" = 2 ] && has "not ok - guest (virtio_gpu): QEMU crashed twice"'
t_done
