#!/usr/bin/env bash
# Host-side tests (no VM): pvk's unit tests, the Vulkan test programs on native lavapipe (proving the
# programs themselves right), and pvk against the host renderer over vtest: vulkaninfo equal to Mesa's
# Venus, a dead host renderer giving VK_ERROR_DEVICE_LOST in time, and the Vulkan test programs.
set -u
. "$(dirname "$0")/harness.sh"
cd "$T_TOP"
run=(scripts/inroot python3 tests/meson_tests.py)
lvp=/usr/share/vulkan/icd.d/lvp_icd.json

"${run[@]}" --suite pvk --label "pvk unit"
scripts/inroot env VK_DRIVER_FILES=$lvp VK_ICD_FILENAMES=$lvp python3 tests/meson_tests.py --suite vk --label "tests/vk on native lavapipe"
scripts/inroot env VK_LOADER_LAYERS_ENABLE='*validation' VK_DRIVER_FILES=$lvp VK_ICD_FILENAMES=$lvp \
	python3 tests/meson_tests.py --suite vk --timeout-multiplier 4 --label "tests/vk on native lavapipe under the validation layer"
tests/icd/vulkaninfo_diff.sh vtest | grep -E '^(ok|not ok|    \|)'

# Killing the host renderer while pvk waits must give VK_ERROR_DEVICE_LOST within 5 s.
t_run dead-host scripts/vtest --icd pvk --timeout 60 -- build/icd/tests/pvk_dead_host
t_expect "vtest: pvk returns VK_ERROR_DEVICE_LOST after the host renderer dies" "status $T_STATUS" \
	test "$T_STATUS" = 0

# Over vtest this host cannot share host-visible memory with the renderer (no udmabuf, no DRM device:
# ../shared/FACTS.md), and Mesa's Venus hangs there. pvk must fail such a program cleanly and at once
# (VK_ERROR_MEMORY_MAP_FAILED from vkMapMemory), never hang; the programs pass in the guest suites.
t_run map-failed scripts/vtest --icd pvk --timeout 60 -- build/tests/vk/vk_compute
t_expect "vtest: pvk fails a program that maps device memory cleanly (VK_ERROR_MEMORY_MAP_FAILED), no hang" \
	"status $T_STATUS after $T_SECONDS s, wanted a failure with VK_ERROR_MEMORY_MAP_FAILED within 20 s" \
	eval '[ $T_STATUS != 0 ] && [ $T_STATUS != 124 ] && [ $T_SECONDS -lt 20 ] && grep -q VK_ERROR_MEMORY_MAP_FAILED "$T_OUT"'

# What needs no mappable memory does run over vtest: GPU results that come back as query results,
# semaphore values and event status (tests/vk/vk_nomap), with and without the validation layer.
t_run nomap scripts/vtest --icd pvk --timeout 120 -- build/tests/vk/vk_nomap
t_expect "vtest: pvk runs GPU work whose results need no mapping (vk_nomap)" "status $T_STATUS: $(tail -n1 "$T_OUT")" \
	eval '[ $T_STATUS = 0 ] && grep -q "^PASS vk_nomap" "$T_OUT"'
t_run nomap-validation scripts/vtest --icd pvk --timeout 120 -- env VK_LOADER_LAYERS_ENABLE='*validation' build/tests/vk/vk_nomap
t_expect "vtest: vk_nomap through pvk under the validation layer" "status $T_STATUS: $(tail -n1 "$T_OUT")" \
	eval '[ $T_STATUS = 0 ] && grep -q "^PASS vk_nomap.*(validation layer)" "$T_OUT"'

# The per-case watchdog the guest suites run every case under (a real unkillable task, via FUSE).
tests/guest/test_watchdog.sh | grep -E '^(ok|not ok|    \|)'

# The guest suites' retry policy (tests/vm/guest.sh) against scripted boots.
tests/vm/test_retry.sh | grep -E '^(ok|not ok|    \|)'

# The benchmark summariser (tests/bench/table.py) that make bench prints its tables with.
tests/bench/test_table.sh

# vkcube's screenshot check: native lavapipe's reference shots, and the comparison's own cases.
tests/icd/test_vkcube.sh
