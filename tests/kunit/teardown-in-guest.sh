#!/bin/sh
# Runs inside the guest with pvgpu.ko bound (scripts/vm --driver pvgpu): checks teardown.
#  1. after some work (bad ioctls, a Vulkan program, when built), rmmod with nothing open: the
#     release warns about leaked ids/ranges; insmod again, the Venus device still works (vulkaninfo);
#  2. unbind while a process holds the render node open: its next ioctl gets ENODEV, closing it works;
#  3. rmmod after that;
#  4. load again and unbind while Vulkan programs run (when tests/vk is built), rmmod;
#  5. the kernel log has no WARNING/BUG/lockdep/refcount report.
# Prints TAP-style "ok"/"not ok" lines. Needs QEMU to survive a device reset (libEGL in the root).
set -u
here=$(cd "$(dirname "$0")" && pwd)
ko=$here/../../kernel/pvgpu.ko
n=0 bad=0
check() { # check NAME STATUS
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; bad=1; fi
}
bound() { ls -d /sys/bus/virtio/drivers/pvgpu/virtio* 2>/dev/null | head -n1; }

# Some work first, so that the release at rmmod (which warns about any resource or context id still
# allocated, or region range still held) checks for leaks after it: bad ioctls and a Vulkan program.
build=$here/../../build/tests
if [ -x "$build/uapi/virtgpu_negative" ] && [ -x "$build/vk/vk_compute" ]; then
	"$build/uapi/virtgpu_negative" >/dev/null 2>&1 && "$build/vk/vk_compute" >/dev/null 2>&1
	check "bad ioctls and a Vulkan program before the rmmod" $?
fi
rmmod pvgpu; check "rmmod with nothing open" $?
insmod "$ko"; check "insmod again" $?
sleep 1
vulkaninfo --summary 2>/dev/null | grep -q 'deviceName.*Venus'; check "Venus device after reload" $?

node=$(ls /dev/dri/renderD* | head -n1)
rm -f /tmp/holder.ready /tmp/holder.go
python3 - "$node" >/tmp/holder.out 2>&1 <<'PY' &
import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
open("/tmp/holder.ready", "w").close()
while not os.path.exists("/tmp/holder.go"):   # the device is unbound meanwhile
    time.sleep(0.05)
try:
    fcntl.ioctl(fd, 0xc0106443, bytearray(struct.pack("QQ", 1, 0)))  # VIRTGPU_GETPARAM
    print("ioctl succeeded")
except OSError as e:
    print("errno", e.errno)
os.close(fd)
PY
holder=$!
i=0
while [ ! -e /tmp/holder.ready ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
dev=$(bound)
[ -e /tmp/holder.ready ] && [ -n "$dev" ] && echo "${dev##*/}" > /sys/bus/virtio/drivers/pvgpu/unbind
check "unbind with a file open" $?
touch /tmp/holder.go
wait $holder
grep -q "errno 19" /tmp/holder.out; check "ioctl after unplug is ENODEV" $?
rmmod pvgpu; check "rmmod after unbind" $?

# Unbind while Vulkan programs run: mapped host blobs, fences and syncobjs in flight. The programs
# may fail (ENODEV, SIGBUS on the zapped mappings); the kernel must not.
vk=$here/../../build/tests/vk
if [ -x "$vk/vk_compute" ] && [ -x "$vk/vk_texture" ]; then
	insmod "$ko"; check "insmod for the busy unbind" $?
	sleep 1
	( for i in 1 2 3; do "$vk/vk_compute" >/dev/null 2>&1; done ) &
	a=$!
	( for i in 1 2 3; do "$vk/vk_texture" >/dev/null 2>&1; done ) &
	b=$!
	sleep 3
	dev=$(bound)
	[ -n "$dev" ] && echo "${dev##*/}" > /sys/bus/virtio/drivers/pvgpu/unbind
	check "unbind under Vulkan load" $?
	wait $a $b
	rmmod pvgpu; check "rmmod after the busy unbind" $?
fi
! dmesg | grep -E 'WARNING|BUG:|refcount_t|Oops'
check "kernel log clean" $?
exit $bad
