#!/bin/sh
# The ICD must export exactly the loader entry points (Vulkan-Loader LoaderDriverInterface.md):
# vk_icdNegotiateLoaderICDInterfaceVersion, vk_icdGetInstanceProcAddr, vk_icdGetPhysicalDeviceProcAddr.
# Usage: check_symbols.sh NM LIBRARY
set -eu
nm=$1 lib=$2
got=$("$nm" -D --defined-only "$lib" | awk '$2 ~ /^[TtDdBbRrVWiu]$/ { print $3 }' | sort)
want=$(printf '%s\n' vk_icdGetInstanceProcAddr vk_icdGetPhysicalDeviceProcAddr vk_icdNegotiateLoaderICDInterfaceVersion)
if [ "$got" != "$want" ]; then
	echo "exported symbols differ from the loader contract:"
	echo "got:"; echo "$got" | sed 's/^/  /'
	echo "want:"; echo "$want" | sed 's/^/  /'
	exit 1
fi
echo "ok: exactly $(echo "$got" | wc -l) vk_icd* symbols exported"
