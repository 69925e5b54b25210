#!/usr/bin/env bash
# Runs inside the guest (tests/vm/guest.sh boots it with the driver under test bound to the GPU) and
# prints TAP-style lines for every guest-side test:
#   - KUnit suites of pvgpu.ko (pvgpu only), read as KTAP and parsed by the kernel's kunit.py
#   - the negative ioctl tests of the render node (tests/uapi)
#   - vulkaninfo through pvk equal to Mesa's Venus (tests/icd)
#   - the Vulkan test programs (tests/vk) on Mesa's Venus and on pvk (pvgpu: also under the validation layer)
#   - vkcube through pvk: 300 frames, screenshots compared with native lavapipe's
#   - pvgpu only: vk_swapchain on an X11 window; vkmark through pvk, headless and on X11, every scene
#     kind briefly
#   - pvgpu only: teardown (rmmod, reload, unbind with files open and under load) with a clean log
# Every case runs under the per-case watchdog (tests/guest/watchdog.py): past its own timeout it is
# reported "not ok" with a diagnosis, killed, abandoned if it cannot die, and the boot goes on. Cases
# on a stack with none of our parts (Mesa's Venus on virtio_gpu.ko) run last, so that a peer's hang
# cannot take our cases with it.
#   suite.sh virtio_gpu|pvgpu                 every case
#   suite.sh virtio_gpu --retry-peer NAME...  only these tests/vk cases on Mesa's Venus (tests/vm/guest.sh
#                                             retries a peer-stack failure once in a fresh boot)
# Exit status 0 when every case passed.
set -u
driver=${1:?usage: suite.sh virtio_gpu|pvgpu [--retry-peer NAME...]}
cd "$(dirname "$0")/../.."
failed=0
wd=(python3 tests/guest/watchdog.py)
# The watchdog's lines about an overrun, indented under the case's result like the rest of its log.
wd_indent() { sed -E 's/^(watchdog|stuck|  task)/    | \1/'; }
venus=/usr/share/vulkan/icd.d/virtio_icd.json
venus_vk() { # [meson_tests.py options]: tests/vk on Mesa's Venus
	VK_DRIVER_FILES=$venus VK_ICD_FILENAMES=$venus python3 tests/meson_tests.py --suite vk \
		--label "tests/vk on Mesa's Venus on $driver" "$@"
}
if [ "${2:-}" = --retry-peer ]; then
	shift 2
	only=()
	for n in "$@"; do only+=(--only "$n"); done
	venus_vk "${only[@]}"
	exit
fi
shopt -s lastpipe # "... | tap" runs tap in this shell, so it can set $failed
tap() {
	local line
	while IFS= read -r line; do
		echo "$line"
		case $line in "not ok"*) failed=1 ;; esac
	done
}

kunit_tap() {
	local kunit ktap
	kunit=$(dirname "$PVGPU_MODROOT")/src/tools/testing/kunit/kunit.py
	ktap=$(mktemp)
	if ! "${wd[@]}" --timeout 900 --name "kunit" -- tests/kunit/run-in-guest.sh >"$ktap" 2>&1 && [ ! -s "$ktap" ]; then
		echo "not ok - kunit: the test module did not run: $(cat "$ktap")"
		return
	fi
	python3 tests/guest/kunit_tap.py --kunit-dir "$(dirname "$kunit")" "$ktap"
	rm -f "$ktap"
}

if [ "$driver" = pvgpu ]; then kunit_tap | tap; fi

python3 tests/meson_tests.py --suite uapi --label "uapi on $driver" | tap

"${wd[@]}" --timeout 600 --name "vulkaninfo diff on $driver" -- tests/icd/vulkaninfo_diff.sh guest "$driver" |
	grep -E '^(ok|not ok|    \|)|^watchdog|^stuck|^  task' | wd_indent | tap
# A diff that overran printed no result line of its own: the watchdog's lines say so.
[ "${PIPESTATUS[0]}" -lt 124 ] || echo "not ok - vulkaninfo through pvk vs Mesa's Venus in the guest on $driver: hung (above)" | tap

m=$PWD/build/icd/pvk_devenv_icd.json
VK_DRIVER_FILES=$m VK_ICD_FILENAMES=$m python3 tests/meson_tests.py --suite vk --label "tests/vk on pvk on $driver" | tap
# Under the Khronos validation layer any validation error fails the program (tests/vk/common.c); once,
# on pvgpu, as the layer triples the run time under TCG.
if [ "$driver" = pvgpu ]; then
	VK_LOADER_LAYERS_ENABLE='*validation' VK_DRIVER_FILES=$m VK_ICD_FILENAMES=$m python3 tests/meson_tests.py \
		--suite vk --timeout-multiplier 4 --label "tests/vk on pvk on $driver under the validation layer" | tap
fi

# vkcube through pvk on an Xvfb in the guest: 300 frames end cleanly, and the screenshots taken while it
# runs match native lavapipe's vkcube on the host (build/vkcube/reference*.png, made by tests/vm/guest.sh
# before the boot; colours and area, tests/icd/vkcube_compare.py). The shots land in $PVGPU_OUT.
cube_out=${PVGPU_OUT:-/tmp}
VK_DRIVER_FILES=$m VK_ICD_FILENAMES=$m "${wd[@]}" --timeout 600 --name "vkcube through pvk on $driver" -- \
	tests/icd/vkcube_shot.sh --frames 300 --shots 3 --out "$cube_out/vkcube.png" >/tmp/vkcube.log 2>&1
st=$?
# Status 3: vkcube ended cleanly but no window dump caught a drawn frame (an xwd takes 1-4 s in the
# guest under TCG, and 300 frames may be drawn in 2-3 s): the shots then come from a longer run.
if [ $st = 0 ] || [ $st = 3 ]; then
	echo "ok - vkcube through pvk on $driver: $(grep -o '300 frames in [0-9.]* s' /tmp/vkcube.log), ended cleanly"
else
	echo "not ok - vkcube through pvk on $driver: status $st$([ $st -lt 124 ] || echo ' (hung)')"; sed 's/^/    | /' /tmp/vkcube.log
fi | tap
if [ $st = 3 ]; then
	VK_DRIVER_FILES=$m VK_ICD_FILENAMES=$m "${wd[@]}" --timeout 600 --name "vkcube through pvk on $driver, longer run" -- \
		tests/icd/vkcube_shot.sh --frames 2000 --shots 3 --out "$cube_out/vkcube.png" >/tmp/vkcube.log 2>&1 || echo "# vkcube's longer run for the screenshots: $(tail -n 1 /tmp/vkcube.log)"
fi
refs=()
for f in build/vkcube/reference*.png; do [ -f "$f" ] && refs+=(--ref "$f"); done
if [ ${#refs[@]} = 0 ]; then
	echo "not ok - vkcube screenshot on $driver: no reference under build/vkcube (tests/icd/test_vkcube.sh makes it)"
elif python3 tests/icd/vkcube_compare.py "${refs[@]}" "$cube_out"/vkcube*.png >/tmp/compare.log 2>&1; then
	echo "ok - vkcube screenshot through pvk on $driver matches native lavapipe's ($(grep -c '^MATCH' /tmp/compare.log) shots)"
else
	echo "not ok - vkcube screenshot through pvk on $driver does not match native lavapipe's"; sed 's/^/    | /' /tmp/compare.log
fi | tap

# On an Xvfb in the guest: vk_swapchain on an X11 window (present thread, acquire limit, resize), and
# vkmark through pvk, every scene kind once for 1 s (the default scenes' full run, 10 s each, is in
# make bench): each must report frames per second and the run a score, headless and on the Xvfb.
if [ "$driver" = pvgpu ]; then
	scenes=(-b vertex:duration=1 -b texture:duration=1 -b shading:duration=1 -b effect2d:duration=1
		-b desktop:duration=1 -b cube:duration=1 -b clear:duration=1)
	(
	. scripts/lib.sh
	set +e +o pipefail
	xvfb_start || echo "# the guest's Xvfb did not start"
	# vk_swapchain on an X11 window (tests/vk runs it headless above), with and without validation
	for layers in "" '*validation'; do
		out=$(PVGPU_VK_WSI=xcb VK_LOADER_LAYERS_ENABLE=$layers VK_DRIVER_FILES=$m VK_ICD_FILENAMES=$m \
			"${wd[@]}" --timeout 300 --name "vk_swapchain on X11 on $driver${layers:+ (validation)}" -- build/tests/vk/vk_swapchain 2>&1)
		if [ $? = 0 ] && grep -q '^PASS.*xcb window' <<<"$out"; then
			echo "ok - vk_swapchain on an X11 window through pvk on $driver${layers:+ under the validation layer}"
		else
			echo "not ok - vk_swapchain on an X11 window through pvk on $driver${layers:+ under the validation layer}"
			tail -n 30 <<<"$out" | sed 's/^/    | /'
		fi
	done
	for ws in headless xcb; do
		VK_DRIVER_FILES=$m VK_ICD_FILENAMES=$m "${wd[@]}" --timeout 300 --name "vkmark --winsys $ws on $driver" -- \
			vkmark --winsys $ws "${scenes[@]}" >/tmp/vkmark.log 2>&1
		st=$? fps=$(grep -c 'FPS: [1-9]' /tmp/vkmark.log) score=$(sed -n 's/.*vkmark Score: \([0-9]*\).*/\1/p' /tmp/vkmark.log)
		if [ $st = 0 ] && [ "$fps" = 7 ] && [ "${score:-0}" -gt 0 ]; then
			echo "ok - vkmark --winsys $ws through pvk on $driver: 7 scenes, score $score"
		else
			echo "not ok - vkmark --winsys $ws through pvk on $driver: status $st, $fps of 7 scenes with FPS, score ${score:-none}"
			tail -n 30 /tmp/vkmark.log | sed 's/^/    | /'
		fi
	done
	kill "$XVFB_PID"
	) | tap
fi

# Mesa's Venus: on virtio_gpu.ko a stack with none of our parts, hence after our cases (see the top).
venus_vk | tap

# Last, as it unbinds the driver: rmmod and reload after work (leak check at release), unbind with a
# file open and under Vulkan load, and a clean kernel log (tests/kunit/teardown-in-guest.sh).
if [ "$driver" = pvgpu ]; then
	"${wd[@]}" --timeout 900 --name "teardown" -- tests/kunit/teardown-in-guest.sh |
		sed -E 's/^(not )?ok [0-9]+ - /\1ok - teardown: /' | wd_indent | tap
	[ "${PIPESTATUS[0]}" -lt 124 ] || echo "not ok - teardown: hung (above)" | tap
fi
exit $failed
