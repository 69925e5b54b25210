# pvgpu: the commands a user and CI run. Everything builds and runs inside a Debian trixie root
# filesystem (scripts/inroot); one-time set-up is cached under $(PVGPU_CACHE) (default ~/.cache/pvgpu).
#
#   make run     the main job: boot the guest and run vulkaninfo on the Venus device
#   make check   every test suite (builds whatever is missing first); closes with "N passed, N failed"
#   make setup   only the one-time set-up: root filesystem, guest kernel, Venus protocol headers
#   make build   build the ICD, the Vulkan tests and the kernel modules
SHELL := /bin/bash
.PHONY: all setup build user kernel run check clean

all: build

setup:
	@scripts/rootfs >/dev/null
	@scripts/build-kernel >/dev/null
	@scripts/venus-headers >/dev/null

build: setup
	@scripts/build user kernel

user: setup
	@scripts/build user

kernel: setup
	@scripts/build kernel

# Until pvgpu.ko and pvk run Venus, the main job runs the reference stack: upstream virtio_gpu.ko and
# Mesa's Venus ICD, in the guest.
run: setup
	@scripts/vm --driver virtio_gpu --icd venus -- vulkaninfo --summary

check: build
	@scripts/check

clean:
	rm -rf build
	-@[ ! -f kernel/Makefile ] || scripts/inroot make -C kernel KDIR=$$(scripts/build-kernel --print)/build clean
	-@[ ! -f tests/kunit/Makefile ] || scripts/inroot make -C tests/kunit KDIR=$$(scripts/build-kernel --print)/build clean
