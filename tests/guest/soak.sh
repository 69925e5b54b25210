#!/usr/bin/env bash
# In the guest: run the tests/vk programs ROUNDS times on each of the given ICDs (venus: Mesa's Venus,
# pvk: ours), every case under the watchdog (tests/meson_tests.py), and print one TAP line per case run.
#   tests/guest/soak.sh ROUNDS "venus pvk"
set -u
rounds=${1:?usage: soak.sh ROUNDS ICDS} icds=${2:-venus pvk}
cd "$(dirname "$0")/../.."
for r in $(seq "$rounds"); do
	for icd in $icds; do
		case $icd in
		venus) m=/usr/share/vulkan/icd.d/virtio_icd.json name="Mesa's Venus" ;;
		pvk) m=$PWD/build/icd/pvk_devenv_icd.json name=pvk ;;
		*) echo "not ok - soak: unknown ICD $icd"; exit 2 ;;
		esac
		VK_DRIVER_FILES=$m VK_ICD_FILENAMES=$m python3 tests/meson_tests.py --suite vk \
			--label "round $r: tests/vk on $name on $PVGPU_DRIVER"
	done
done
exit 0
