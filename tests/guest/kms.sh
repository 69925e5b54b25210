#!/usr/bin/env bash
# Runs inside the guest (tests/vm/kms.sh boots it with the driver under test bound) and prints TAP-style
# lines for the display side of the driver:
#   - the text console: the kernel's fbdev console is on the device (fb0 of the driver), a line
#     written to tty1 shows on the QEMU display (screendump console.png)
#   - modetest (libdrm's): connectors with modes (-c), CRTCs and planes (-p), a test pattern set on
#     the connector (-s) seen in a screendump (modetest.png), the legacy cursor (-C)
#   - tests/kms/kms_atomic: atomic commits, flip events, out/in fences, damage clips, cursor, and
#     bad input; its last frame (four quadrants) in a screendump (quadrants.png)
#   - Mesa's virgl GL (gl device): eglinfo on the render node, kmscube on the card node (kmscube.png)
#   - weston's DRM backend with the weston-simple-shm client on screen (weston-client.png)
#   - the console is back after the display clients exit
# Every case runs under the per-case watchdog (tests/guest/watchdog.py). Screendumps land in $PVGPU_OUT.
#   kms.sh virtio_gpu|pvgpu gl|2d
# Exit status 0 when every case passed.
set -u
driver=${1:?usage: kms.sh virtio_gpu|pvgpu gl|2d} gpu=${2:?usage: kms.sh DRIVER gl|2d}
cd "$(dirname "$0")/../.."
label="$driver, $gpu device"
out=${PVGPU_OUT:-/tmp}
wd=(python3 tests/guest/watchdog.py)
failed=0
ok() { echo "ok - kms ($label): $*"; }
bad() { echo "not ok - kms ($label): $*"; failed=1; }
indent() { sed 's/^/    | /'; }
colours() { identify -format '%k' "$1" 2>/dev/null || echo 0; } # distinct colours of an image
# screendump NAME: a picture of the display in $out/NAME.png; prints the host's answer as a comment
screendump() {
	local answer
	answer=$(scripts/guest/screendump "$1" 2>&1)
	echo "# $1: $answer"
	[ -s "$out/$1.png" ]
}

card=
for c in /sys/class/drm/card[0-9]*; do
	[ -e "$c/device/driver" ] || continue
	case "$(readlink "$c/device/driver")" in */"$driver") card=/dev/dri/${c##*/} ;; esac
done
# The DRM device hangs off the virtio device (both drivers): its driver link names the virtio driver.
[ -n "$card" ] || card=$(ls /dev/dri/card* 2>/dev/null | head -n1)
if [ -z "$card" ] || [ ! -e "$card" ]; then
	bad "no card node (the driver registered no KMS device)"
	exit 1
fi
echo "# card node $card"

# ---- the console --------------------------------------------------------------------------------
# The fbdev console's line in the kernel log ("fb0: virtio_gpudrmfb frame buffer device"; the guest
# kernel has no /dev/fb or /proc/fb: CONFIG_FB_DEVICE is off).
fbline=$(dmesg | grep -m1 -E 'fb0: .*drmfb frame buffer device' | sed 's/^\[[^]]*\] //')
if [ -n "$fbline" ]; then ok "the kernel's console is on the driver's fbdev ($fbline)"
else bad "no DRM fbdev frame buffer device in the kernel log"; fi
if dmesg | grep -qs 'switching to colour frame buffer device'; then ok "fbcon took over the display ($(dmesg | grep -m1 'frame buffer device' | sed 's/^\[[^]]*\] //'))"
else bad "the kernel log does not show fbcon on a frame buffer device"; fi
# A full screen of text, so the picture is not mostly black.
{
	printf '\033[2J\033[H'
	# the same text on both drivers: tests/vm/kms.sh compares the two pictures
	for i in $(seq 40); do printf 'pvgpu console check %02d: the quick brown fox jumps over the lazy dog\n' "$i"; done
} >/dev/tty1 2>/dev/null
sleep 2
if screendump console && [ "$(colours "$out/console.png")" -ge 2 ]; then
	ok "the console's text is on the QEMU display (console.png, $(colours "$out/console.png") colours)"
else
	bad "no console text in the screendump"
fi

# ---- modetest -------------------------------------------------------------------------------------
# -M: the driver name, which both drivers share (modetest's -D takes a bus id, not a node).
mt=(modetest -M virtio_gpu)
"${wd[@]}" --timeout 120 --name "modetest -c" -- "${mt[@]}" -c >/tmp/modetest-c.log 2>&1
conn=$(awk '$3 == "connected" && $4 == "Virtual-1" { print $1; exit }' /tmp/modetest-c.log)
[ -n "$conn" ] || conn=$(awk '$3 == "connected" { print $1; exit }' /tmp/modetest-c.log)
nmodes=$(awk -v c="$conn" '$1 == c { print $NF; exit }' /tmp/modetest-c.log) # "modes" count column
if [ -n "$conn" ]; then
	ok "modetest -c: connector $conn connected, $(grep -cE '^  #[0-9]+ ' /tmp/modetest-c.log) modes listed"
else
	bad "modetest -c: no connected connector"; indent </tmp/modetest-c.log | head -n 30
fi
"${wd[@]}" --timeout 120 --name "modetest -p" -- "${mt[@]}" -p >/tmp/modetest-p.log 2>&1
crtc=$(awk '/^CRTCs:/ { getline; getline; print $1; exit }' /tmp/modetest-p.log)
planes=$(awk '/^Planes:/ { p = 1; next } p && /^[0-9]+\t/ { n++ } END { print n + 0 }' /tmp/modetest-p.log)
if [ -n "$crtc" ] && [ "$planes" -ge 2 ]; then
	ok "modetest -p: CRTC $crtc, $planes planes (primary and cursor)"
else
	bad "modetest -p: CRTC '${crtc:-none}', $planes planes"; indent </tmp/modetest-p.log | head -n 30
fi
: "$nmodes"

# The pattern, held while the screendump is taken (modetest waits for a key on its stdin: a pipe that
# stays open until we are done), then page flips at vblank (-v) with the cursor (-C).
if [ -n "$conn" ] && [ -n "$crtc" ]; then
	mode=1024x768
	rm -f /tmp/modetest.go
	( for _ in $(seq 600); do [ -e /tmp/modetest.go ] && break; sleep 0.1; done ) |
		"${mt[@]}" -s "$conn@$crtc:$mode" >/tmp/modetest-s.log 2>&1 &
	mpid=$!
	sleep 4
	if kill -0 $mpid 2>/dev/null && screendump modetest; then
		n=$(colours "$out/modetest.png")
		size=$(identify -format '%wx%h' "$out/modetest.png" 2>/dev/null)
		if [ "$size" = "$mode" ] && [ "$n" -ge 8 ]; then
			ok "modetest -s $conn@$crtc:$mode: the test pattern is on the display (modetest.png, $size, $n colours)"
		elif [ "$driver" = virtio_gpu ] && [ "$gpu" = gl ] && [ "$size" = "$mode" ] && [ "$n" -le 1 ]; then
			# Seen in 3 of 5 runs on Dec 7: the mode is set (the window has its size) but the GL
			# scanout stays black, even redrawn after an Expose (scripts/screendump); pvgpu.ko, which
			# waits for each flush, showed the pattern every time. Measured, not counted (the peer).
			echo "# upstream virtio_gpu.ko lacks this: modetest -s: the mode is set but the GL display stays black ($size, $n colour)"
			rm -f "$out/modetest.png"
		else
			bad "modetest -s: the screendump is $size with $n colours, not the $mode pattern"
		fi
	else
		bad "modetest -s $conn@$crtc:$mode did not hold the mode (ended early or no screendump)"
		indent </tmp/modetest-s.log | tail -n 20
	fi
	touch /tmp/modetest.go
	wait $mpid
	st=$?
	[ $st = 0 ] && ok "modetest -s ended cleanly" || { bad "modetest -s exited $st"; indent </tmp/modetest-s.log | tail -n 20; }

	# The cursor test (-C: legacy cursor ioctls, as X servers use them) for a few seconds.
	rm -f /tmp/modetest.go
	( sleep 6; touch /tmp/modetest.go ) &
	( for _ in $(seq 600); do [ -e /tmp/modetest.go ] && break; sleep 0.1; done ) |
		"${wd[@]}" --timeout 120 --name "modetest -C" -- "${mt[@]}" -s "$conn@$crtc:$mode" -C \
		>/tmp/modetest-C.log 2>&1
	st=$?
	if [ $st = 0 ] && grep -q 'cursor stopped' /tmp/modetest-C.log && ! grep -qi 'fail' /tmp/modetest-C.log; then
		ok "modetest -C: the cursor test ran and stopped cleanly"
	else
		bad "modetest -C: status $st"; indent </tmp/modetest-C.log | tail -n 20
	fi
fi

# ---- kms_atomic -----------------------------------------------------------------------------------
ka=build/tests/kms/kms_atomic
if [ -x $ka ]; then
	rm -f /tmp/kms.hold
	"${wd[@]}" --timeout 300 --name "kms_atomic" -- $ka --card "$card" --hold-file /tmp/kms.hold \
		>/tmp/kms_atomic.log 2>&1 &
	kpid=$!
	for _ in $(seq 1200); do [ -e /tmp/kms.hold ] && break; kill -0 $kpid 2>/dev/null || break; sleep 0.1; done
	if [ -e /tmp/kms.hold ]; then
		sleep 1
		if screendump quadrants && python3 tests/guest/quadrants.py "$out/quadrants.png" >/tmp/quadrants.log 2>&1; then
			ok "kms_atomic's last frame is on the display: $(cat /tmp/quadrants.log)"
		else
			bad "kms_atomic's four quadrants are not in the screendump"; indent </tmp/quadrants.log
		fi
		rm -f /tmp/kms.hold
	fi
	wait $kpid
	st=$?
	# What upstream virtio_gpu.ko does not do (no vblank: it sends flip events at once, its vblank
	# counter does not advance with time; no check of the cursor size; no check of a framebuffer's
	# size against its buffer object in virtio_gpu_user_framebuffer_create) is shown, not counted: the
	# peer is measured, not judged. Anything else failing on it counts.
	gaps='vblank|sequence increasing|32x32 cursor is refused|larger than its buffer'
	sed -E "s/^(not )?ok - kms: /\1ok - kms ($label): /" /tmp/kms_atomic.log | grep -E '^(ok|not ok|#)' |
		if [ "$driver" = virtio_gpu ]; then
			sed -E "/^not ok .*($gaps)/s/^/# upstream virtio_gpu.ko lacks this: /"
		else cat; fi | tee /tmp/kms_atomic.tap
	grep -q '^not ok' /tmp/kms_atomic.tap && failed=1
	[ $st = 0 ] || [ $st = 1 ] || { bad "kms_atomic exited $st"; indent </tmp/kms_atomic.log | tail -n 20; }
else
	bad "$ka is not built (make build)"
fi

# ---- GL on the card: Mesa's virgl (gl device only) -----------------------------------------------
# eglinfo names the GL driver on the render node; kmscube draws a rotating cube through GBM and EGL on
# the card node (DRM master: a legacy mode set and page flips of GBM buffers). Two screendumps a second apart: the cube is
# drawn (many colours: shading) and it moves (the pictures differ).
# differing PIXELS between two pictures (ImageMagick compare; a fuzz of 2 % ignores dithering)
pixels_differ() { compare -metric AE -fuzz 2% "$1" "$2" null: 2>&1 | awk '{ printf "%d", $1 }'; }
# lit pixels (brighter than mid-grey) in the centre 40 % x 20 % of an image
centre_lit() {
	convert "$1" -gravity center -crop 40%x20%+0+0 +repage -colorspace gray -threshold 50% \
		-format '%[fx:round(mean*w*h)]' info: 2>/dev/null
}
if [ "$gpu" = gl ]; then
	"${wd[@]}" --timeout 120 --name "eglinfo" -- env EGL_PLATFORM=surfaceless eglinfo -B >/tmp/eglinfo.log 2>&1
	glr=$(grep -m1 -iE 'OpenGL( core profile)? renderer' /tmp/eglinfo.log | sed 's/^[^:]*: //')
	if grep -qi virgl <<<"$glr"; then ok "eglinfo: Mesa's virgl GL driver on the render node ($glr)"
	else bad "eglinfo does not name virgl (renderer '${glr:-none}')"; indent </tmp/eglinfo.log | head -n 20; fi
	# kmscube ends when its stdin becomes readable ("user interrupted!"): a pipe held open until the
	# pictures are taken, then closed.
	rm -f /tmp/kmscube.stop
	( for _ in $(seq 900); do [ -e /tmp/kmscube.stop ] && break; sleep 0.1; done ) |
		"${wd[@]}" --stdin --timeout 240 --name "kmscube" -- kmscube -D "$card" >/tmp/kmscube.log 2>&1 &
	kcpid=$!
	# The first frame comes after 8-20 s under TCG (shader compiles on the host's llvmpipe): look until
	# the picture is no longer the console (up to 60 s), then once more a second later.
	sleep 6
	for _ in $(seq 12); do
		kill -0 $kcpid 2>/dev/null && screendump kmscube >/dev/null || break
		[ "$(colours "$out/kmscube.png")" -ge 64 ] && break
		sleep 4
	done
	if kill -0 $kcpid 2>/dev/null && screendump kmscube && sleep 1 && screendump kmscube-2; then
		n=$(colours "$out/kmscube.png") d=$(pixels_differ "$out/kmscube.png" "$out/kmscube-2.png")
		if [ "$n" -ge 64 ] && [ "${d:-0}" -ge 1000 ]; then
			ok "kmscube draws its cube through GBM and EGL (kmscube.png: $n colours; $d pixels moved in a second)"
		else
			bad "kmscube: the screendump has $n colours and ${d:-0} pixels moved in a second (not a rotating cube)"
		fi
	else
		bad "kmscube did not keep running (or no screendump)"; grep -v extensions /tmp/kmscube.log | indent | tail -n 20
	fi
	touch /tmp/kmscube.stop
	wait $kcpid
	st=$?
	[ $st = 0 ] && ok "kmscube stopped cleanly when its input closed" || { bad "kmscube exited $st"; grep -v extensions /tmp/kmscube.log | indent | tail -n 10; }
	grep -m1 -E 'renderer:' /tmp/kmscube.log | sed 's/^ */# kmscube: /'
fi

# ---- weston, the Wayland compositor, on the card ------------------------------------------------------
# weston's DRM backend (pixman renderer: the same on both devices) under seatd-launch, then the
# weston-simple-shm client; its window must appear: the picture with the client differs from the
# desktop without it in at least half of the client's 250x250 window.
if command -v weston >/dev/null; then
	export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}
	mkdir -p -m 700 "$XDG_RUNTIME_DIR"
	rm -f "$XDG_RUNTIME_DIR/pvgpu-wl"*
	"${wd[@]}" --timeout 240 --name "weston" -- seatd-launch -- weston --backend=drm --renderer=pixman \
		--continue-without-input --socket=pvgpu-wl --idle-time=0 --log=/tmp/weston.log >/dev/null 2>&1 &
	wpid=$!
	for _ in $(seq 300); do [ -S "$XDG_RUNTIME_DIR/pvgpu-wl" ] && break; kill -0 $wpid 2>/dev/null || break; sleep 0.1; done
	sleep 3
	if [ -S "$XDG_RUNTIME_DIR/pvgpu-wl" ] && screendump weston; then
		WAYLAND_DISPLAY=pvgpu-wl weston-simple-shm >/tmp/weston-client.log 2>&1 &
		cpid=$!
		sleep 4
		if kill -0 $cpid 2>/dev/null && screendump weston-client; then
			d=$(pixels_differ "$out/weston.png" "$out/weston-client.png")
			if [ "${d:-0}" -ge $((250 * 250 / 2)) ]; then
				ok "weston --backend=drm shows weston-simple-shm's window (weston-client.png: $d pixels differ from the bare desktop)"
			else
				bad "weston: the client's window is not on the display (${d:-0} pixels differ from the bare desktop)"
			fi
		else
			bad "weston-simple-shm did not run on weston"; indent </tmp/weston-client.log | tail -n 10
		fi
		kill $cpid 2>/dev/null
		wait $cpid 2>/dev/null
	else
		bad "weston --backend=drm did not start"; indent </tmp/weston.log | tail -n 20
	fi
	# weston itself, not only its watchdog: the console comes back when the last master closes
	pkill -TERM -x weston 2>/dev/null
	for _ in $(seq 100); do pgrep -x weston >/dev/null || break; sleep 0.1; done
	if pgrep -x weston >/dev/null; then
		echo "# weston did not stop on SIGTERM within 10 s: killed"
		pkill -KILL -x weston 2>/dev/null
	fi
	kill $wpid 2>/dev/null
	wait $wpid 2>/dev/null
	grep -m1 -E 'DRM: head|Output .* enabled|using /dev/dri' /tmp/weston.log | sed 's/^\[[^]]*\] */# weston: /'
else
	bad "weston is not in the root (scripts/packages.txt)"
fi

# ---- the console again ----------------------------------------------------------------------------
printf '\033[2J\033[Hthe console is back after the display clients\n' >/dev/tty1 2>/dev/null
sleep 2
# fbcon draws text in its 16-colour palette: a desktop left on the display has hundreds
# fbcon takes the display back when the last master closes, by a worker: up to five looks, 2 s apart
n=0
for _ in 1 2 3 4 5; do
	screendump console-after || break
	n=$(colours "$out/console-after.png")
	[ "$n" -ge 2 ] && [ "$n" -le 16 ] && break
	sleep 2
done
if [ -f "$out/console-after.png" ]; then
	if [ "$n" -ge 2 ] && [ "$n" -le 16 ]; then
		ok "the console is back on the display after the clients exit (console-after.png, $n colours)"
	else
		bad "the console did not come back (console-after.png has $n colours; a text console has 2 to 16)"
	fi
else
	bad "no screendump of the console after the clients"
fi

# ---- the panic screen (drm_panic) -----------------------------------------------------------------
# CONFIG_DRM_PANIC_DEBUG's trigger draws the panic screen on a plane exactly as a panic does
# (get_scanout_buffer, the drawing, panic_flush), without killing the guest. The console's buffer is
# the one the kernel can draw into; the picture must differ from the console's.
if [ ! -e /sys/module/drm/parameters/panic_screen ]; then
	echo "ok - kms ($label): the panic screen # SKIP the kernel has no CONFIG_DRM_PANIC"
else
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
	trigger=
	for d in /sys/kernel/debug/dri/*; do
		[ -e "$d/drm_panic_plane_0" ] && [ "$(cat "$d/name" 2>/dev/null | cut -d' ' -f1)" = virtio_gpu ] &&
			trigger=$d/drm_panic_plane_0 && break
	done
	if [ -z "$trigger" ] && [ "$driver" = virtio_gpu ]; then
		echo "# upstream virtio_gpu.ko lacks this: no drm_panic support in 6.12 (no plane registered with drm_panic)"
	elif [ -z "$trigger" ]; then
		bad "no plane registered with drm_panic (no dri/*/drm_panic_plane_0 in debugfs)"
	else
		echo 1 >"$trigger"
		sleep 2
		if screendump panic; then
			# drm_panic's "user" screen clears the display and centres its message ("KERNEL PANIC!
			# Please reboot your computer."); the console's text is at the top left, its centre dark
			lit=$(centre_lit "$out/panic.png") before=$(centre_lit "$out/console-after.png")
			if [ "${lit:-0}" -ge 300 ] && [ "${before:-1}" -lt 50 ]; then
				ok "drm_panic draws the panic screen on the console's plane (panic.png: $lit lit pixels in the centre, the console had ${before})"
			else
				bad "the panic screen is not on the display (panic.png: ${lit:-?} lit pixels in the centre, the console had ${before:-?}; 300 wanted)"
			fi
		else
			bad "no screendump of the panic screen"
		fi
		dmesg | grep -E 'WARNING|BUG' | tail -n 5 | indent
		printf '\033[2J\033[Hthe console after the panic screen\n' >/dev/tty1 2>/dev/null
	fi
fi

# ---- hotplug: the display changes size ------------------------------------------------------------
# QEMU passes a new window size to the GPU as the preferred mode and raises the display event: the
# driver must re-read the display, tell user space (a drm hotplug uevent) and list the new mode first.
log=$("${wd[@]}" --timeout 120 --name hotplug -- python3 tests/guest/hotplug.py "$card" 800 600 2>&1)
st=$?
echo "$log" | grep -E '^#' || true
while IFS= read -r line; do
	case "$line" in
	"ok - hotplug: "*) ok "${line#ok - hotplug: }" ;;
	"not ok - hotplug: "*)
		if [ "$driver" = virtio_gpu ]; then echo "# upstream virtio_gpu.ko lacks this: ${line#not ok - hotplug: }"
		else bad "${line#not ok - hotplug: }"; fi ;;
	esac
done <<<"$log"
[ $st = 0 ] || [ "$driver" = virtio_gpu ] || echo "$log" | grep -vE '^(ok|not ok|#)' | indent
exit $failed
