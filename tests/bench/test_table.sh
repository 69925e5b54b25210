#!/usr/bin/env bash
# tests/bench/table.py: rounds summarised per cell (median; worst p99), columns in --cols order with
# "-" for a driver without results, quoted row names, the ratio column, non-RESULT lines ignored.
set -u
. "$(dirname "$0")/../harness.sh"
cd "$T_TOP"
in=$(mktemp)
trap 'rm -f "$in"' EXIT
cat >"$in" <<'R'
noise RESULT col=x name=y v=1
RESULT col=pvk name=submit median_us=10 p99_us=50
RESULT col=venus name=submit median_us=40 p99_us=90
RESULT col=pvk name=submit median_us=30 p99_us=70
RESULT col=pvk name=submit median_us=20 p99_us=60
RESULT col=pvk name="vkmark headless [vertex] device-local=true" fps=632
RESULT col=pvk name=broken
R
t_run table python3 tests/bench/table.py --cols venus,pvk,lvp --bare fps --ratio pvk/venus "$in"
row() { grep -E "^$1 " "$T_OUT" | tr -s ' '; }
t_expect "bench table: median of rounds per cell" "$(row 'submit median_us')" \
	test "$(row 'submit median_us')" = "submit median_us 40 20 - 0.50x"
t_expect "bench table: worst p99 of rounds" "$(row 'submit p99_us')" \
	test "$(row 'submit p99_us')" = "submit p99_us 90 70 - 0.78x"
t_expect "bench table: quoted row names, missing cells shown as -" "$(grep vkmark "$T_OUT" | tr -s ' ')" \
	test "$(grep vkmark "$T_OUT" | tr -s ' ')" = "vkmark headless [vertex] device-local=true - 632 - -"
t_expect "bench table: only RESULT lines count" "$(wc -l <"$T_OUT") lines" test "$(wc -l <"$T_OUT")" = 4
echo RESULT nothing | python3 tests/bench/table.py >/dev/null
t_expect "bench table: no results is a failure" "status $?" test $? = 1
