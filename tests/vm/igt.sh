#!/usr/bin/env bash
# IGT's KMS tests on virtio_gpu.ko and on pvgpu.ko, one boot each on the same VM (virtio-gpu-gl-pci),
# then the table of the two, subtest by subtest (tests/kms/igt-table.py): every subtest that passes on
# virtio_gpu.ko must pass on pvgpu.ko, and every other pvgpu.ko result needs a reason in
# tests/kms/igt-reasons.txt.
#   tests/vm/igt.sh IGT_BUILD_DIR [TEST...]          (make igt IGT=IGT_BUILD_DIR)
# IGT_BUILD_DIR is a build directory of igt-gpu-tools (its tests/ and lib/libigt.so*); pvgpu neither
# ships nor builds IGT (README, "IGT"). Its test binaries are copied to build/igt/, where the guest
# sees them. Results: build/igt/igt-DRIVER.txt and build/igt/table.md. TAP-style lines; exit status 0
# when the table holds. PVGPU_IGT_DRIVERS="pvgpu" boots only the drivers it names and tabulates with
# the other's build/igt/igt-DRIVER.txt of an earlier run (an edit-test loop; a full run boots both).
set -u
cd "$(dirname "$0")/../.."
src=${1:?usage: tests/vm/igt.sh IGT_BUILD_DIR [TEST...]}
shift
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(core_getversion kms_addfb_basic kms_atomic kms_atomic_transition kms_flip
	kms_getfb kms_plane kms_prop_blob kms_properties kms_setmode kms_vblank kms_cursor_legacy)
[ -f kernel/pvgpu.ko ] || { echo "not ok - igt: kernel/pvgpu.ko is not built (make build)"; exit 1; }
[ -d "$src/tests" ] && ls "$src"/lib/libigt.so* >/dev/null 2>&1 ||
	{ echo "not ok - igt: $src is not an IGT build directory (no tests/ or lib/libigt.so)"; exit 1; }
mkdir -p build/igt/tests build/igt/lib
cp -a "$src"/lib/libigt.so* build/igt/lib/
for t in "${tests[@]}"; do
	cp -a "$src/tests/$t" build/igt/tests/ || { echo "not ok - igt: no test $t in $src/tests"; exit 1; }
done
for driver in ${PVGPU_IGT_DRIVERS:-virtio_gpu pvgpu}; do
	rm -rf "build/igt/$driver"
	echo "# igt: booting $driver (one boot runs every test; under TCG this takes a while)"
	scripts/vm --driver "$driver" --strict-dmesg --timeout 5400 --out "build/igt/$driver" -- \
		tests/guest/igt.sh "$driver" build/igt/tests "${tests[@]}" | sed -u 's/^/  : /'
	st=${PIPESTATUS[0]}
	[ $st -le 1 ] || echo "not ok - igt ($driver): the boot ended with status $st (scripts/vm's exit statuses: README)"
	cp "build/igt/$driver/igt-$driver.txt" build/igt/ 2>/dev/null
done
scripts/inroot python3 tests/kms/igt-table.py build/igt/igt-virtio_gpu.txt build/igt/igt-pvgpu.txt \
	tests/kms/igt-reasons.txt build/igt/table.md
