#!/usr/bin/env bash
# vulkaninfo through pvk must equal vulkaninfo through Mesa's Venus on the same host renderer, except
# what names the driver itself and what tests/icd/vulkaninfo-allow.txt lists with its reason.
#   tests/icd/vulkaninfo_diff.sh vtest        on the host, both ICDs over virgl_test_server --venus
#   tests/icd/vulkaninfo_diff.sh guest LABEL  inside a guest (scripts/vm), both ICDs on its render node
# Prints TAP lines (tests/harness.sh); the unexplained differences, if any, below a failing line.
set -u
. "$(dirname "$0")/../harness.sh"
cd "$T_TOP"
. scripts/lib.sh
set +e
allow=tests/icd/vulkaninfo-allow.txt
mode=${1:-vtest} label=${2:-$1}

# Strip what legitimately names the driver: identity, versions, UUIDs, and tool noise.
normalize() {
	grep -vE '^\s*(driverName|driverID|driverInfo|driverVersion|conformanceVersion|major|minor|subminor|patch|deviceUUID|driverUUID|pipelineCacheUUID|shaderBinaryUUID|deviceLUID|deviceNodeMask|deviceLUIDValid)\b' |
		grep -vE "^(WARNING|ERROR|error:|'DISPLAY'|XDG_RUNTIME_DIR)" |
		sed -E 's/[[:space:]]+$//'
}

vulkaninfo_with() { # ICD OUTFILE [runner...]
	local icd=$1 out=$2
	shift 2
	"$@" vulkaninfo --show-formats --show-tool-props 2>/dev/null | normalize >"$out"
	[ -s "$out" ]
}

compare() { # NAME VENUS PVK
	local name=$1 unexplained=$T_LOG/unexplained.$RANDOM
	diff "$2" "$3" | grep -E '^[<>]' | while IFS= read -r line; do
		text=${line:2}
		ok=0
		while IFS=$'\t' read -r re _reason; do
			case "$re" in '' | '#'*) continue ;; esac
			if [[ $text =~ $re ]]; then ok=1; break; fi
		done <"$allow"
		[ $ok = 1 ] || echo "$line"
	done >"$unexplained"
	if [ -s "$unexplained" ]; then
		t_fail "$name" "$(wc -l <"$unexplained") differences not on $allow (< venus, > pvk)" "$unexplained"
	else
		t_pass "$name" "$(wc -l <"$3") lines compared"
	fi
}

# The peer's apiVersion as MAJOR.MINOR.PATCH: pvk is compared at that version (pvk honours
# MESA_VK_VERSION_OVERRIDE downwards, pvk_version_override()), so that a 1.3 pvk and a 1.2 Venus
# differ only where pvk offers more at the same version.
api_of() { # VULKANINFO_TXT
	sed -nE 's/^[[:space:]]*apiVersion[[:space:]]*=[[:space:]]*([0-9]+\.[0-9]+\.[0-9]+).*/\1/p' "$1" | head -n 1
}

# pvk at its own version: 1.3 at least, with every feature Vulkan 1.3 requires true
# (spec "Feature Requirements"; descriptorBindingInlineUniformBlockUpdateAfterBind only with
# descriptorIndexing, which pvk's renderer has).
check_13() { # LABEL VULKANINFO_TXT
	local label=$1 txt=$2 v missing=""
	v=$(api_of "$txt")
	for f in robustImageAccess inlineUniformBlock descriptorBindingInlineUniformBlockUpdateAfterBind \
		pipelineCreationCacheControl privateData shaderDemoteToHelperInvocation shaderTerminateInvocation \
		subgroupSizeControl computeFullSubgroups synchronization2 shaderZeroInitializeWorkgroupMemory \
		dynamicRendering shaderIntegerDotProduct maintenance4; do
		sed -n '/^VkPhysicalDeviceVulkan13Features:/,/^$/p' "$txt" | grep -qE "^[[:space:]]+$f +=[[:space:]]+true$" ||
			missing+=" $f"
	done
	case "$v" in 1.[3-9].* | [2-9].*) ;; *) missing=" apiVersion ${v:-?}$missing" ;; esac
	if [ -z "$missing" ]; then
		t_pass "$label: pvk reports Vulkan $v with every feature 1.3 requires"
	else
		t_fail "$label: pvk reports Vulkan 1.3 with every feature 1.3 requires" "missing:$missing"
	fi
}

case "$mode" in
vtest)
	[ -f "$(icd_manifest pvk)" ] || { t_fail "vulkaninfo via vtest: pvk equals Mesa's Venus" "pvk is not built (make build)"; t_done; exit; }
	vulkaninfo_with venus "$T_LOG/venus.txt" scripts/vtest --icd venus --timeout 60 -- ||
		t_fail "vulkaninfo via vtest runs on Mesa's Venus" "no output"
	vulkaninfo_with pvk "$T_LOG/pvk.txt" env MESA_VK_VERSION_OVERRIDE="$(api_of "$T_LOG/venus.txt")" \
		scripts/vtest --icd pvk --timeout 60 -- ||
		t_fail "vulkaninfo via vtest runs on pvk" "no output"
	[ -s "$T_LOG/venus.txt" ] && [ -s "$T_LOG/pvk.txt" ] &&
		compare "vulkaninfo via vtest: pvk equals Mesa's Venus" "$T_LOG/venus.txt" "$T_LOG/pvk.txt"
	vulkaninfo_with pvk "$T_LOG/pvk-own.txt" scripts/vtest --icd pvk --timeout 60 -- &&
		check_13 "vulkaninfo via vtest" "$T_LOG/pvk-own.txt"
	;;
guest)
	m=$(icd_manifest venus)
	vulkaninfo_with venus "$T_LOG/venus.txt" env VK_DRIVER_FILES="$m" VK_ICD_FILENAMES="$m" ||
		t_fail "vulkaninfo in the guest ($label) runs on venus" "no output"
	m=$(icd_manifest pvk)
	vulkaninfo_with pvk "$T_LOG/pvk.txt" env VK_DRIVER_FILES="$m" VK_ICD_FILENAMES="$m" \
		MESA_VK_VERSION_OVERRIDE="$(api_of "$T_LOG/venus.txt")" ||
		t_fail "vulkaninfo in the guest ($label) runs on pvk" "no output"
	[ -s "$T_LOG/venus.txt" ] && [ -s "$T_LOG/pvk.txt" ] &&
		compare "vulkaninfo in the guest ($label): pvk equals Mesa's Venus" "$T_LOG/venus.txt" "$T_LOG/pvk.txt"
	vulkaninfo_with pvk "$T_LOG/pvk-own.txt" env VK_DRIVER_FILES="$m" VK_ICD_FILENAMES="$m" &&
		check_13 "vulkaninfo in the guest ($label)" "$T_LOG/pvk-own.txt"
	;;
*) echo "usage: $0 vtest | guest LABEL"; exit 2 ;;
esac
t_done
