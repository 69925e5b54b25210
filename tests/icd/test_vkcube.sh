#!/usr/bin/env bash
# The vkcube screenshot check, host side: native lavapipe's vkcube on an Xvfb gives the reference
# shots (build/vkcube/reference*.png: up to 24, at least 12, spread over many turns of the cube; the
# guest suites compare pvk's shots with them), a second run's shots must match them, and damaged
# images made from a reference must not: black, the background alone, one solid colour, the wrong
# size, red and blue swapped, no colour (the texture lost), the hue turned.
set -u
. "$(dirname "$0")/../harness.sh"
cd "$T_TOP"
dir=build/vkcube
mkdir -p "$dir"
rm -f "$dir"/reference*.png "$dir"/host-*.png
t_run vkcube-reference scripts/inroot tests/icd/vkcube_shot.sh --icd lvp --frames 3000 --shots 24 --out "$dir/reference.png"
t_expect "vkcube on native lavapipe: reference screenshots" "status $T_STATUS: $(tail -n 3 "$T_OUT")" \
	eval '[ $T_STATUS = 0 ] && [ -f "$dir/reference-12.png" ]'
refs=()
for f in "$dir"/reference*.png; do refs+=(--ref "$f"); done
# 2000 frames (~4 s here): 700 took 1.5 s, and on a loaded host vkcube once ended before the shooter
# had found its window and dumped it ("cannot read build/vkcube/host-again*.png").
t_run vkcube-second scripts/inroot tests/icd/vkcube_shot.sh --icd lvp --frames 2000 --shots 2 --out "$dir/host-again.png"
t_expect "vkcube on native lavapipe, a second run: two screenshots" "status $T_STATUS: $(tail -n 3 "$T_OUT")" \
	eval '[ $T_STATUS = 0 ] && [ -f "$dir/host-again-2.png" ]'
t_run vkcube-compare-same scripts/inroot python3 tests/icd/vkcube_compare.py "${refs[@]}" "$dir"/host-again*.png
t_expect "vkcube compare: a second lavapipe run matches the reference" "status $T_STATUS: $(cat "$T_OUT")" \
	test "$T_STATUS" = 0
r=$dir/reference-3.png
scripts/inroot bash -c "
	convert -size 500x500 xc:black $dir/host-black.png &&
	convert -size 500x500 'xc:rgb(51,51,51)' $dir/host-background.png &&
	convert -size 500x500 xc:teal $dir/host-solid.png &&
	convert $r -resize 400x400 $dir/host-small.png &&
	convert $r -separate -swap 0,2 -combine $dir/host-swapped.png &&
	convert $r -colorspace Gray -colorspace sRGB $dir/host-grey.png &&
	convert $r -modulate 100,100,150 $dir/host-hue.png" >/dev/null 2>&1
for bad in black background solid small swapped grey hue; do
	t_run "vkcube-compare-$bad" scripts/inroot python3 tests/icd/vkcube_compare.py "${refs[@]}" "$dir/host-$bad.png"
	t_expect "vkcube compare: a $bad image does not match" "status $T_STATUS: $(cat "$T_OUT")" \
		eval '[ $T_STATUS = 1 ] && grep -q "^MISMATCH" "$T_OUT"'
done
