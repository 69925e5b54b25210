#!/usr/bin/env python3
"""Turn a KUnit KTAP report into pvgpu's TAP-style lines, using the kernel's own KTAP parser.

The parsing is kunit.py's (tools/testing/kunit/kunit_parser.py of the guest kernel's source): this
script only walks the test tree it returns and prints one line per test case:
  ok - kunit: SUITE.CASE[.PARAM]          passed
  ok - kunit: SUITE.CASE # SKIP           skipped
  not ok - kunit: SUITE.CASE              failed or crashed, followed by the case's log, indented
and closes with kunit.py's own verdict. Exit status 0 only when kunit.py reports success.

Usage: kunit_tap.py --kunit-dir DIR KTAP-FILE
"""
import argparse
import io
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kunit-dir", required=True, help="tools/testing/kunit of the kernel source")
    ap.add_argument("ktap")
    args = ap.parse_args()
    sys.path.insert(0, args.kunit_dir)
    import kunit_parser
    import kunit_printer

    # kunit.py prints its own condensed report while parsing; keep it out of our TAP stream.
    kunit_parser.stdout = kunit_printer.Printer(io.StringIO())
    with open(args.ktap, errors="replace") as f:
        root = kunit_parser.parse_run_tests(f.readlines())
    ok_states = (kunit_parser.TestStatus.SUCCESS, kunit_parser.TestStatus.SKIPPED)

    counts = {"passed": 0, "failed": 0, "skipped": 0}

    def walk(test, path):
        for sub in test.subtests:
            name = path + [sub.name]
            if sub.subtests:
                walk(sub, name)
                if sub.status not in ok_states and all(s.status in ok_states for s in sub.subtests):
                    print(f"not ok - kunit: {'.'.join(name)}: {sub.status.name}")
                    counts["failed"] += 1
                continue
            label = ".".join(name)
            if sub.status == kunit_parser.TestStatus.SUCCESS:
                print(f"ok - kunit: {label}")
                counts["passed"] += 1
            elif sub.status == kunit_parser.TestStatus.SKIPPED:
                print(f"ok - kunit: {label} # SKIP")
                counts["skipped"] += 1
            else:
                print(f"not ok - kunit: {label}: {sub.status.name}")
                for line in sub.log[-20:]:
                    print(f"    | {line}")
                counts["failed"] += 1

    walk(root, [])
    verdict = root.status
    print(f"# kunit.py: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped; "
          f"overall {verdict.name}")
    if verdict not in ok_states:
        print(f"not ok - kunit: kunit.py's verdict is {verdict.name}")
        if root.counts.errors:
            print(f"    | kunit.py counted {root.counts.errors} parse or crash errors")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
