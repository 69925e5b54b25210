#!/usr/bin/env python3
"""Run the tests Meson registered in build/ for one suite and print TAP-style lines.

Reads build/meson-info/intro-tests.json (what `meson introspect --tests` returns) and runs each test's
command itself, with its environment, working directory and timeout, so nothing is written under
build/: it works on the guest's read-only view of the checkout too, where `meson test` cannot write
its logs. Exit status 77 is a skip, as in Meson.

Usage: tests/meson_tests.py --suite SUITE [--label LABEL] [--build DIR] [--timeout-multiplier N]
Prints "ok - LABEL: NAME (S s)", "ok - LABEL: NAME # SKIP ..." or "not ok - LABEL: NAME: why" plus
the tail of the test's output; exits 1 when any test failed, 0 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", required=True)
    ap.add_argument("--label", default=None)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    ap.add_argument("--timeout-multiplier", type=float, default=1.0)
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
        start = time.monotonic()
        try:
            # As `meson test`: a test without a workdir runs in the build directory.
            p = subprocess.run(t["cmd"], cwd=t.get("workdir") or args.build, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
            out, status = p.stdout.decode(errors="replace"), p.returncode
        except subprocess.TimeoutExpired as e:
            out, status = (e.stdout or b"").decode(errors="replace"), None
        except OSError as e:
            out, status = str(e), -1
        secs = time.monotonic() - start
        last = [l for l in out.splitlines() if l.strip()][-1:] or [""]
        if status == 0:
            print(f"ok - {label}: {t['name']} ({secs:.1f} s)")
        elif status == 77:
            print(f"ok - {label}: {t['name']} # SKIP {last[0][:160]}")
        else:
            failed += 1
            why = f"timed out after {timeout:.0f} s" if status is None else f"exit status {status}"
            print(f"not ok - {label}: {t['name']}: {why}")
            for line in out.splitlines()[-25:]:
                print(f"    | {line}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
