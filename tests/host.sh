#!/usr/bin/env bash
# Host-side tests (no VM): pvk's unit tests, the Vulkan test programs on native lavapipe (proving the
# programs themselves right), and pvk against the host renderer over vtest: vulkaninfo equal to Mesa's
# Venus, a dead host renderer giving VK_ERROR_DEVICE_LOST in time, and the Vulkan test programs.
set -u
cd "$(dirname "$0")/.."
run=(scripts/inroot python3 tests/meson_tests.py)
lvp=/usr/share/vulkan/icd.d/lvp_icd.json

"${run[@]}" --suite pvk --label "pvk unit"
scripts/inroot env VK_DRIVER_FILES=$lvp VK_ICD_FILENAMES=$lvp python3 tests/meson_tests.py --suite vk --label "tests/vk on native lavapipe"
tests/icd/vulkaninfo_diff.sh vtest | grep -E '^(ok|not ok|    \|)'

# Killing the host renderer while pvk waits must give VK_ERROR_DEVICE_LOST within 5 s.
out=$(mktemp)
start=$SECONDS
if scripts/vtest --icd pvk --timeout 60 -- build/icd/tests/pvk_dead_host >"$out" 2>&1; then
	echo "ok - vtest: pvk returns VK_ERROR_DEVICE_LOST after the host renderer dies ($((SECONDS - start)) s)"
else
	echo "not ok - vtest: pvk returns VK_ERROR_DEVICE_LOST after the host renderer dies: status $?"
	tail -n 20 "$out" | sed 's/^/    | /'
fi
rm -f "$out"

# Over vtest this host cannot share host-visible memory with the renderer (no udmabuf, no DRM device:
# ../shared/FACTS.md), and Mesa's Venus hangs there. pvk must fail such a program cleanly and at once
# (VK_ERROR_MEMORY_MAP_FAILED from vkMapMemory), never hang; the programs pass in the guest suites.
out=$(mktemp)
start=$SECONDS
scripts/vtest --icd pvk --timeout 60 -- build/tests/vk/vk_compute >"$out" 2>&1
st=$?
if [ $st != 0 ] && [ $st != 124 ] && [ $((SECONDS - start)) -lt 20 ] && grep -q 'VK_ERROR_MEMORY_MAP_FAILED' "$out"; then
	echo "ok - vtest: pvk fails a program that maps device memory cleanly ($((SECONDS - start)) s, VK_ERROR_MEMORY_MAP_FAILED), no hang"
else
	echo "not ok - vtest: pvk should fail vk_compute cleanly with VK_ERROR_MEMORY_MAP_FAILED, got status $st after $((SECONDS - start)) s"
	tail -n 10 "$out" | sed 's/^/    | /'
fi
rm -f "$out"
