#!/usr/bin/env bash
# The display side, in four short boots: QEMU's virtio-gpu-gl-pci (VIRGL, Venus) and its plain 2D
# virtio-gpu-pci, each with upstream virtio_gpu.ko and with pvgpu.ko, running tests/guest/kms.sh
# (console, modetest, tests/kms/kms_atomic, screendumps). Then the pictures of the two drivers on the
# same device are compared: modetest's test pattern must be identical, the console (the same text on
# both) within 1 % of the pixels (the text cursor may blink). Screendumps in build/guest-kms/GPU-DRIVER/.
#   tests/vm/kms.sh [gl|2d ...]        (default: both devices)
# A boot that QEMU crashed (120) or stopped by losing an interrupt (122) is retried once and says so,
# and so is a failing virtio_gpu.ko boot (all of its parts are peers'); a pvgpu.ko boot that fails is a
# failure (the policy of tests/vm/guest.sh, README).
set -u
cd "$(dirname "$0")/../.."
gpus=("$@")
[ ${#gpus[@]} -gt 0 ] || gpus=(gl 2d)
if [ ! -f kernel/pvgpu.ko ] || [ ! -x build/tests/kms/kms_atomic ]; then
	echo "not ok - guest-kms: pvgpu.ko or build/tests/kms/kms_atomic is not built (make build)"
	exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for gpu in "${gpus[@]}"; do
	for driver in virtio_gpu pvgpu; do
		out=build/guest-kms/$gpu-$driver
		rm -rf "$out"
		retried=0
		for attempt in 1 2; do
			status=0
			scripts/vm --driver "$driver" --gpu "$gpu" --strict-dmesg --timeout 900 --out "$out" -- \
				tests/guest/kms.sh "$driver" "$gpu" 2>&1 | tee "$log" | sed -u 's/^/  : /'
			status=${PIPESTATUS[0]}
			[ $attempt = 1 ] || break
			if [ "$status" = 120 ] || [ "$status" = 122 ]; then
				echo "# guest-kms ($driver, $gpu): QEMU failed on the host side (status $status, above); retrying the boot once"
			elif [ "$driver" = virtio_gpu ] && [ "$status" != 0 ]; then
				# Every part of this boot is a peer's (virtio_gpu.ko, the clients, QEMU): a failure is
				# run once more in a fresh boot (README, retry policy); the first run stays as comments.
				echo "# guest-kms ($driver, $gpu): failed on a peer stack (status $status); once more in a fresh boot. The first run:"
				tr -d '\r' <"$log" | grep -aE '^(ok|not ok)' | sed 's/^/# first run: /'
				retried=1
			else
				break
			fi
			rm -rf "$out"
		done
		tr -d '\r' <"$log" | grep -aE '^(ok|not ok|    \|)' |
			if [ "$retried" = 1 ]; then sed -E 's/^((not )?ok .*)$/\1 [retried in a fresh boot: the first run failed on a peer stack]/'; else cat; fi
		case $status in
		0) echo "ok - guest-kms ($driver, $gpu device): boots, runs the display checks, kernel log clean" ;;
		1) echo "ok - guest-kms ($driver, $gpu device): boots and reports (its failing cases are listed above)" ;;
		3) echo "not ok - guest-kms ($driver, $gpu device): the kernel log has WARNING/BUG/lockdep/refcount reports (above)" ;;
		*) echo "not ok - guest-kms ($driver, $gpu device): the boot failed with status $status (scripts/vm's exit statuses: README)"
			tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    | /' ;;
		esac
	done
	# The two drivers' pictures on the same device.
	a=build/guest-kms/$gpu-virtio_gpu b=build/guest-kms/$gpu-pvgpu
	if [ ! -f "$a/modetest.png" ] && [ -f "$b/modetest.png" ]; then
		echo "# guest-kms ($gpu device): modetest's pattern not compared: virtio_gpu.ko's display stayed black (above)"
	elif [ -f "$a/modetest.png" ] && [ -f "$b/modetest.png" ]; then
		d=$(scripts/inroot compare -metric AE "$a/modetest.png" "$b/modetest.png" null: 2>&1 >/dev/null)
		if [ "$d" = 0 ]; then
			echo "ok - guest-kms ($gpu device): modetest's pattern on pvgpu.ko is pixel for pixel virtio_gpu.ko's"
		else
			echo "not ok - guest-kms ($gpu device): modetest's pattern differs from virtio_gpu.ko's in $d pixels"
		fi
	fi
	if [ -f "$a/console.png" ] && [ -f "$b/console.png" ]; then
		d=$(scripts/inroot compare -metric AE -fuzz 10% "$a/console.png" "$b/console.png" null: 2>&1 >/dev/null)
		total=$(scripts/inroot identify -format '%[fx:w*h]' "$b/console.png" 2>/dev/null)
		if [[ "$d" =~ ^[0-9.e+]+$ ]] && [ -n "$total" ] && awk -v d="$d" -v t="$total" 'BEGIN { exit !(d <= 0.01 * t) }'; then
			echo "ok - guest-kms ($gpu device): pvgpu.ko's console looks like virtio_gpu.ko's ($d of $total pixels differ)"
		else
			echo "not ok - guest-kms ($gpu device): pvgpu.ko's console differs from virtio_gpu.ko's ($d of ${total:-?} pixels)"
		fi
	fi
done
