# shellcheck shell=bash
# Common helpers for the pvgpu scripts. Sourced, never run.
#
# PVGPU_CACHE   where long one-time set-up lives (root filesystem, guest kernel, Venus headers);
#               default ~/.cache/pvgpu. Every entry is keyed by a hash of its inputs.

set -euo pipefail

PVGPU_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PVGPU_CACHE=${PVGPU_CACHE:-${HOME:-/root}/.cache/pvgpu}
PVGPU_SUITE=trixie
ROOTFS_FORMAT=1

log() { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# hash_inputs FILE... : a short key naming the content of the given files (and extra words in $KEY_EXTRA).
hash_inputs() {
	{ cat "$@"; printf '%s' "${KEY_EXTRA:-}"; } | sha256sum | cut -c1-16
}

# Each cached artefact is a directory NAME-KEY; it exists only when complete (built under a temporary
# name and renamed), so an interrupted build never leaves a half-built entry behind.
cache_dir() { printf '%s/%s-%s' "$PVGPU_CACHE" "$1" "$2"; }

# cache_lock KIND: serialise builders of one kind of cache entry (held until the script exits). A
# builder that waited must look again: the entry it wanted may exist now.
cache_lock() {
	mkdir -p "$PVGPU_CACHE"
	exec 8>"$PVGPU_CACHE/.lock-$1"
	flock -n 8 || { log "waiting for another build of the $1 cache entry"; flock 8; }
}

# cache_commit TMP ENTRY: make a finished build the entry, atomically.
cache_commit() {
	[ ! -e "$2" ] || die "cache entry $2 appeared while building it (is PVGPU_CACHE shared without locking?)"
	mv "$1" "$2"
}

# The root filesystem directory for the current package list (may not exist yet).
rootfs_dir() {
	local key
	# Bump ROOTFS_FORMAT when scripts/rootfs changes what it builds.
	key=$(KEY_EXTRA="$PVGPU_SUITE rootfs-format-$ROOTFS_FORMAT" hash_inputs "$PVGPU_TOP/scripts/packages.txt")
	cache_dir rootfs "$key"
}

# in_use DIR: true when some process has its root (chroot) or working directory inside DIR.
in_use() {
	local p l
	for p in /proc/[0-9]*; do
		for l in "$p/root" "$p/cwd"; do
			case "$(readlink "$l" 2>/dev/null)" in "$1" | "$1"/*) return 0 ;; esac
		done
	done
	return 1
}

# Prune older entries of one kind, keeping the given (current) one.
prune_cache() {
	local kind=$1 keep=$2 d
	for d in "$PVGPU_CACHE/$kind"-*; do
		[ -e "$d" ] || continue
		[ "$d" = "$keep" ] && continue
		case "$d" in *.tmp.*) continue ;; esac	# another build may be running
		in_use "$d" && { log "keeping stale cache entry $d: a process still runs inside it"; continue; }
		log "removing stale cache entry $d"
		rm -rf --one-file-system "$d"
	done
}

# The Debian archive URI configured on this machine (read from apt's sources, never hard-coded).
debian_mirror() {
	local uri
	uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list 2>/dev/null |
		grep -oE '(https?|file)://[^ ]+' | grep -vE 'security|backports' | grep -E '/debian/?$' | head -n1)
	[ -n "$uri" ] || die "no Debian archive found in /etc/apt/sources*: add one, or set PVGPU_MIRROR"
	printf '%s' "${PVGPU_MIRROR:-$uri}"
}

# icd_manifest NAME: the Vulkan ICD manifest the loader should use (paths as seen inside the root).
#   pvk    our ICD, from the build tree (make icd builds it)
#   venus  Mesa's Venus ICD
#   lvp    Mesa's lavapipe (native CPU rendering, the ceiling)
icd_manifest() {
	case "$1" in
	pvk) printf '%s/build/icd/pvk_devenv_icd.json' "$PVGPU_TOP" ;;
	venus) printf '/usr/share/vulkan/icd.d/virtio_icd.json' ;;
	lvp) printf '/usr/share/vulkan/icd.d/lvp_icd.json' ;;
	*) die "unknown ICD '$1' (pvk, venus or lvp)" ;;
	esac
}

# xvfb_start: starts an Xvfb (1024x768x24, no TCP) on the first free display from :40, exports
# DISPLAY, sets XVFB_PID (the caller kills it) and waits up to 10 s for it to answer; status 1 when
# it does not.
xvfb_start() {
	local d _
	for d in $(seq 40 99); do [ -e "/tmp/.X11-unix/X$d" ] || break; done
	Xvfb ":$d" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
	XVFB_PID=$!
	export DISPLAY=":$d"
	for _ in $(seq 100); do
		xdpyinfo >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# The loader sees exactly one driver: VK_DRIVER_FILES (and its older name, for older loaders).
icd_env() {
	local m
	m=$(icd_manifest "$1")
	[ "$1" != pvk ] || [ -f "$m" ] || die "pvk is not built ($m missing): run 'make icd'"
	printf 'VK_DRIVER_FILES=%s\nVK_ICD_FILENAMES=%s\n' "$m" "$m"
	case "$1" in
	pvk) printf 'PVK_DEBUG=%s\n' "${PVK_DEBUG:+$PVK_DEBUG,}${2:-}" ;;
	venus) printf 'VN_DEBUG=%s\n' "${VN_DEBUG:+$VN_DEBUG,}${2:-}" ;;
	esac
}
