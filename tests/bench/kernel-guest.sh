#!/bin/bash
# Runs inside the guest (scripts/bench kernel boots it with --driver none): in one session with the
# same user space, binds upstream virtio_gpu.ko and pvgpu.ko to the GPU in turn (alternating, ROUNDS
# rounds) and runs execbuf_latency on each; then prints the two side by side.
set -u
rounds=${ROUNDS:-2} n=${ITERATIONS:-2000}
bench=$PVGPU_TOP/build/tests/bench/execbuf_latency
load=$PVGPU_TOP/scripts/guest/load-driver
[ -x "$bench" ] || { echo "bench: $bench is not built: run 'make build'"; exit 1; }
drivers=(virtio_gpu pvgpu)
[ -f "$PVGPU_TOP/kernel/pvgpu.ko" ] || { echo "bench: kernel/pvgpu.ko is not built: measuring virtio_gpu only"; drivers=(virtio_gpu); }
out=/tmp/bench.results
: >"$out"
for r in $(seq "$rounds"); do
	for d in "${drivers[@]}"; do
		"$load" "$d" || exit 1
		"$bench" -n "$n" | tee -a "$out" | grep -v '^RESULT' || { echo "bench: $d failed"; exit 1; }
		"$load" --unload "$d" || exit 1
	done
done
echo
echo "EXECBUFFER + fence-out + wait, $n commands x $rounds rounds per driver (median of round medians, worst p99)"
printf '%-12s %12s %12s %16s %14s\n' driver median_us p99_us barriers/cmd spins/cmd
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
for d in "${drivers[@]}"; do
	lines=$(grep "^RESULT driver=$d " "$out") || { printf '%-12s %12s\n' "$d" "no result"; continue; }
	mapfile -t meds < <(field median_us <<<"$lines" | sort -g)
	k=${#meds[@]}
	if [ $((k % 2)) = 1 ]; then med=${meds[k / 2]}; else med=$(echo "${meds[k / 2 - 1]} ${meds[k / 2]}" | awk '{ print ($1 + $2) / 2 }'); fi
	p99=$(field p99_us <<<"$lines" | sort -g | tail -n1)
	printf '%-12s %12s %12s %16s %14s\n' "$d" "$med" "$p99" "$(field barriers_per_cmd <<<"$lines" | tail -n1)" \
		"$(field spins_per_cmd <<<"$lines" | tail -n1)"
done
