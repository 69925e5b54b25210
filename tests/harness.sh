# shellcheck shell=bash
# A minimal TAP-style harness for pvgpu's shell-level test suites. Sourced by each suite.
# A case prints "ok - NAME" or "not ok - NAME" followed by the reason and the case's log, indented.
# scripts/check counts these lines across suites and prints the closing "N passed, N failed".

T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T_LOG=$(mktemp -d /tmp/pvgpu-test.XXXXXX)
trap '[ -n "${T_KEEP:-}" ] || rm -rf "$T_LOG"' EXIT
t_passed=0 t_failed=0

t_pass() { t_passed=$((t_passed + 1)); echo "ok - $1${2:+ ($2)}"; }
t_fail() {
	t_failed=$((t_failed + 1))
	echo "not ok - $1: $2"
	[ -z "${3:-}" ] || [ ! -s "$3" ] || tail -n 40 "$3" | sed 's/^/    | /'
}

# t_run LOGNAME CMD...: run a command with its output captured in $T_LOG/LOGNAME; sets T_STATUS and
# T_SECONDS and leaves the output in T_OUT (the log file's path).
t_run() {
	local name=$1 start=$SECONDS
	shift
	T_OUT=$T_LOG/$name.log
	T_STATUS=0
	"$@" >"$T_OUT" 2>&1 </dev/null || T_STATUS=$?
	T_SECONDS=$((SECONDS - start))
}

# t_expect NAME CONDITION-DESCRIPTION TEST-COMMAND...: pass when TEST-COMMAND succeeds.
t_expect() {
	local name=$1 what=$2
	shift 2
	if "$@"; then t_pass "$name" "${T_SECONDS:-0} s"; else t_fail "$name" "$what" "${T_OUT:-}"; fi
}

t_done() {
	echo "# $t_passed passed, $t_failed failed"
	[ "$t_failed" = 0 ]
}
