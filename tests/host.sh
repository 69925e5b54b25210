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

# The Vulkan test programs over vtest, through pvk: pvk stops at vkCreateDevice/vkGetDeviceQueue until
# its device level lands (issue 5), so they are listed as skipped, not run. (Mesa's Venus hangs there
# at the first mappable allocation on this machine: ../shared/FACTS.md.)
if [ -n "${PVK_DEVICE_LEVEL:-}" ]; then
	scripts/vtest --icd pvk --timeout 600 -- python3 tests/meson_tests.py --suite vk --label "tests/vk on pvk via vtest"
else
	echo "ok - tests/vk on pvk via vtest # SKIP pvk's device level (memory, pipelines, submit) arrives with issue 5"
fi
