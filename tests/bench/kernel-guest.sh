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
# Rows per metric, columns per driver; the ratio column is upstream's figure over pvgpu's.
sed 's/^RESULT driver=\([^ ]*\)/RESULT col=\1 name=execbuf/' "$out" |
	python3 "$PVGPU_TOP/tests/bench/table.py" --cols "$(IFS=,; echo "${drivers[*]}")" \
		${drivers[1]:+--ratio virtio_gpu/pvgpu} \
		--title "EXECBUFFER + fence-out + wait, $n commands x $rounds rounds per driver (median of round medians, worst p99)"
