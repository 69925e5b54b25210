# pvgpu: the commands a user and CI run. Everything builds and runs inside a Debian trixie root
# filesystem (scripts/inroot); one-time set-up is cached under $(PVGPU_CACHE) (default ~/.cache/pvgpu).
#
#   make run     the main job: boot the guest with pvgpu.ko and pvk, run vulkaninfo and vkcube, and save
#                a screenshot of the cube (build/run/vkcube.png)
#   make run-reference   the same with the peers: upstream virtio_gpu.ko and Mesa's Venus ICD
#   make check   every test suite (builds whatever is missing first); closes with "N passed, N failed"
#   make setup   only the one-time set-up: root filesystem, guest kernel, Venus protocol headers
#   make build   build the ICD, the Vulkan tests and the kernel modules
#   make soak    boots on both kernel drivers running tests/vk over and over on both ICDs: the flake
#                table (SOAK_BOOTS, SOAK_ROUNDS; about 5 minutes a boot)
#   make igt IGT=DIR   IGT's KMS tests on virtio_gpu.ko and pvgpu.ko, and their table (tests/vm/igt.sh);
#                DIR is an igt-gpu-tools build directory, which pvgpu does not provide (README, "IGT")
SHELL := /bin/bash
.PHONY: all setup build user kernel run run-reference bench check soak igt clean

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

run: build
	@scripts/vm --driver pvgpu --icd pvk --out build/run -- scripts/guest/demo.sh
	@[ ! -f build/run/vkcube.png ] || echo "vkcube screenshot: $(CURDIR)/build/run/vkcube.png"

run-reference: setup
	@scripts/vm --driver virtio_gpu --icd venus -- vulkaninfo --summary

# Benchmarks that print pvgpu side by side with its peers (scripts/bench).
bench: build
	@scripts/bench all

check: build
	@scripts/check

# The flake rate of the guest-side Vulkan cases (issue 10): tests/vm/soak.sh, results in build/soak.
SOAK_BOOTS ?= 3
SOAK_ROUNDS ?= 5
soak: build
	@tests/vm/soak.sh --boots $(SOAK_BOOTS) --rounds $(SOAK_ROUNDS)

igt: build
	@[ -n "$(IGT)" ] || { echo "make igt: set IGT to an igt-gpu-tools build directory (README, IGT)"; exit 2; }
	@tests/vm/igt.sh $(IGT)

clean:
	rm -rf build
	-@[ ! -f kernel/Makefile ] || scripts/inroot make -C kernel KDIR=$$(scripts/build-kernel --print)/build clean
	-@[ ! -f tests/kunit/Makefile ] || scripts/inroot make -C tests/kunit KDIR=$$(scripts/build-kernel --print)/build clean
