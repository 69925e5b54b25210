#!/bin/bash
# The main job, inside the guest (make run): vulkaninfo on the Venus device, then vkcube for 300 frames
# on an Xvfb in the guest, with a screenshot of the cube taken while it runs, saved as
# $PVGPU_OUT/vkcube.png (scripts/vm --out brings it back to the host). Exit status: vkcube's (3 when
# no screenshot showed the cube: tests/icd/vkcube_shot.sh), or 1 when vulkaninfo failed.
set -u
vulkaninfo --summary 2>/dev/null | sed -n '/^Devices:/,$p' || { echo "demo: vulkaninfo failed"; exit 1; }
echo "demo: vkcube --wsi xcb --c 300 on an Xvfb in the guest"
"$PVGPU_TOP/tests/icd/vkcube_shot.sh" --frames 300 --out "$PVGPU_OUT/vkcube.png" | grep -v '^RESULT'
status=${PIPESTATUS[0]}
echo "demo: vkcube exit status $status"
exit "$status"
