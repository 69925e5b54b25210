#!/usr/bin/env python3
"""Run the tests Meson registered in build/ for one suite and print TAP-style lines.

Reads build/meson-info/intro-tests.json (what `meson introspect --tests` returns) and runs each test's
command itself, with its environment, working directory and timeout, so nothing is written under
build/: it works on the guest's read-only view of the checkout too, where `meson test` cannot write
its logs. Exit status 77 is a skip, as in Meson.

Each test runs under tests/guest/watchdog.py: past its timeout it is diagnosed (task states, kernel stacks,
driver state, user stacks, the host's threads), killed and, if it cannot die, abandoned; the run goes on.

Usage: tests/meson_tests.py --suite SUITE [--label LABEL] [--build DIR] [--timeout-multiplier N] [--only NAME]...
Prints "ok - LABEL: NAME (S s)", "ok - LABEL: NAME # SKIP ..." or "not ok - LABEL: NAME: why" plus
the tail of the test's output; exits 1 when any test failed, 0 otherwise.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "guest"))
import watchdog  # noqa: E402  (tests/guest/watchdog.py)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", required=True)
    ap.add_argument("--label", default=None)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    ap.add_argument("--timeout-multiplier", type=float, default=1.0)
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only this test (may be given more than once)")
    args = ap.parse_args()
    label = args.label or args.suite

    intro = os.path.join(args.build, "meson-info", "intro-tests.json")
    try:
        with open(intro) as f:
            tests = json.load(f)
    except OSError as e:
        print(f"not ok - {label}: cannot read {intro} ({e.strerror}): run 'make build'")
        return 1
    chosen = [t for t in tests if any(s == args.suite or s.endswith(":" + args.suite) for s in t["suite"])]
    if not chosen:
        print(f"not ok - {label}: no test registered in suite '{args.suite}'")
        return 1

    failed = 0
    for t in chosen:
        env = dict(os.environ)
        env.update(t.get("env") or {})
        timeout = (t.get("timeout") or 30) * args.timeout_multiplier
        name = f"{label}: {t['name']}"
        if args.only and t["name"] not in args.only:
            continue
        diag_file = watchdog.default_diag_file(name)
        # As `meson test`: a test without a workdir runs in the build directory. The watchdog bounds
        # every wait, so a test stuck in the kernel is reported and the run goes on (issue 10).
        r = watchdog.run_case(t["cmd"], timeout, name, env=env, cwd=t.get("workdir") or args.build,
                              diag_file=diag_file)
        last = [l for l in r.output.splitlines() if l.strip()][-1:] or [""]
        if r.status == 0:
            print(f"ok - {name} ({r.secs:.1f} s)")
        elif r.status == 77:
            print(f"ok - {name} # SKIP {last[0][:160]}")
        else:
            failed += 1
            if r.overran:
                why = f"hung: {'unkillable, ' if r.stuck else ''}timed out after {timeout:.0f} s"
            else:
                why = f"exit status {r.status}"
            print(f"not ok - {name}: {why}")
            for line in r.output.splitlines()[-25:]:
                print(f"    | {line}")
            if r.overran:
                for line in watchdog.overrun_lines(r, timeout, diag_file):
                    print(f"    | {line}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
