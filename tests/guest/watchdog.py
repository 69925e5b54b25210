#!/usr/bin/env python3
"""Per-case watchdog for the guest's test runners: a case that overruns its timeout is diagnosed, killed
and, when it cannot die (a task in uninterruptible sleep in the kernel), abandoned, so the runner goes on.

A plain `subprocess.run(timeout=...)` kills the child on a timeout and then waits for it without a bound:
a process with a task in D state (an uninterruptible wait in a GPU driver) never becomes reapable, and
the runner hangs with it (issue 10: one such case cost a whole guest boot). Here the case runs in its own
session (process group), its output goes to a file (a pipe held by a stuck process never reaches EOF),
and every wait is bounded.

On an overrun, before anything is killed, the diagnosis collects:
  - every task of the case's process group: state, wchan, the syscall it is in (/proc/TID/syscall:
    number, arguments, user stack pointer and pc) and its kernel stack (/proc/TID/stack);
  - the kernel's list of blocked tasks (sysrq 'w'), read back from the kernel log;
  - the GPU driver's debugfs files (virtio_gpu.ko: features, irq-fence, host-visible-mm; pvgpu.ko:
    pvgpu_stats, pvgpu_state with the virtqueue and fence state);
  - the host side's view, when scripts/vm's watcher answers: QEMU's and the render server's threads;
  - last, user stacks (gdb, when installed) of processes none of whose tasks are in D state (attaching
    to a task in D state would block until it wakes; attaching stops the tasks, hence last).
Each read is bounded: a debugfs read that blocks on a lock the stuck task holds is abandoned too.

Library: run_case(...) -> Result. Command line, for shell runners:
  tests/guest/watchdog.py --timeout S --name NAME [--diag FILE] -- COMMAND...
prints the command's output, then, on an overrun, a short diagnosis; exit status: the command's, 124 when
it overran and was killed, 125 when it overran and could not be killed (abandoned in D state).
The full diagnosis goes to --diag FILE (default: $PVGPU_OUT/diag/NAME.txt when PVGPU_OUT is set).

The current case's name is written to $PVGPU_CASE_FILE (the guest's heartbeat carries it to the host,
which names it when the whole guest stops answering).
"""
import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# Processes given up on (in D state): kept referenced so Python does not try to reap them.
_abandoned = []

# Grace after SIGKILL before a case is called unkillable, seconds.
KILL_GRACE = 10
# Bound on each diagnostic read or helper (debugfs file, gdb, the host's answer), seconds.
READ_BOUND = 5
GDB_BOUND = 20
HOST_BOUND = 60


class Result:
    """What became of one case: status (exit code, None when it overran), output (text), secs,
    overran (bool), stuck (bool: could not be killed, abandoned), diagnosis (text, '' unless overran)."""

    def __init__(self, status, output, secs, overran=False, stuck=False, diagnosis=""):
        self.status, self.output, self.secs = status, output, secs
        self.overran, self.stuck, self.diagnosis = overran, stuck, diagnosis


def _read(path, limit=1 << 20):
    try:
        with open(path, "rb") as f:
            return f.read(limit).decode(errors="replace")
    except OSError as e:
        return f"<{e.strerror}>"


def _bounded(cmd, secs, input_text=None):
    """Run a helper with its output in a file; give up on it (abandon, never wait) after secs."""
    with tempfile.TemporaryFile() as out:
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.PIPE if input_text else subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:
            return f"<{cmd[0]}: {e.strerror}>"
        if input_text:
            try:
                p.stdin.write(input_text.encode())
                p.stdin.close()
            except OSError:
                pass
        try:
            p.wait(secs)
        except subprocess.TimeoutExpired:
            _kill_group(p.pid)
            try:
                p.wait(1)
            except subprocess.TimeoutExpired:
                _abandoned.append(p)
            out.seek(0)
            return out.read().decode(errors="replace") + f"\n<{cmd[0]} gave no answer within {secs} s>"
        out.seek(0)
        return out.read().decode(errors="replace")


def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _group_pids(pgid):
    pids = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                s = f.read()
        except OSError:
            continue
        # The comm field may hold spaces and parentheses: the fields after it start at the last ')'.
        fields = s[s.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
            pids.append(int(stat.split("/")[2]))
    return sorted(pids)


def _task_state(pid, tid):
    s = _read(f"/proc/{pid}/task/{tid}/stat")
    return s[s.rfind(")") + 2:].split()[0] if ")" in s else "?"


def task_report(pgid):
    """Per task of the process group: comm, state, wchan, syscall, kernel stack. Returns (text, states),
    states mapping pid to the set of its tasks' states."""
    lines, states = [], {}
    for pid in _group_pids(pgid):
        cmdline = _read(f"/proc/{pid}/cmdline").replace("\0", " ").strip()
        lines.append(f"process {pid}: {cmdline[:200]}")
        for tdir in sorted(glob.glob(f"/proc/{pid}/task/[0-9]*"), key=lambda d: int(d.rsplit("/", 1)[1])):
            tid = int(tdir.rsplit("/", 1)[1])
            st = _task_state(pid, tid)
            states.setdefault(pid, set()).add(st)
            comm = _read(f"{tdir}/comm").strip()
            wchan = _read(f"{tdir}/wchan").strip() or "-"
            syscall = _read(f"{tdir}/syscall").strip()
            lines.append(f"  task {tid} ({comm}) state {st} wchan {wchan} syscall {syscall}")
            stack = _read(f"{tdir}/stack").strip()
            if stack:
                lines.extend("    " + l for l in stack.splitlines())
    return "\n".join(lines), states


def blocked_tasks(name):
    """sysrq 'w': the kernel lists every task in uninterruptible sleep with its stack; read back from a
    marker written to the kernel log just before."""
    marker = f"pvgpu-watchdog: {name} overran, sysrq w follows"
    try:
        with open("/dev/kmsg", "w") as k:
            k.write(marker + "\n")
        with open("/proc/sysrq-trigger", "w") as s:
            s.write("w")
    except OSError as e:
        return f"<sysrq w: {e.strerror}>"
    time.sleep(0.5)
    log = _bounded(["dmesg"], READ_BOUND)
    at = log.rfind(marker)
    return log[at:] if at >= 0 else log[-8000:]


def driver_state():
    """The GPU driver's debugfs files (each read bounded)."""
    out = []
    for d in sorted(glob.glob("/sys/kernel/debug/dri/[0-9]*")):
        for name in ("name", "virtio-gpu-features", "virtio-gpu-irq-fence", "virtio-gpu-host-visible-mm",
                     "pvgpu_state", "pvgpu_stats", "clients"):
            path = os.path.join(d, name)
            if os.path.exists(path):
                out.append(f"== {path}\n{_bounded(['cat', path], READ_BOUND).rstrip()}")
    return "\n".join(out) or "<no /sys/kernel/debug/dri>"


def user_stacks(states):
    """gdb backtraces of the group's processes none of whose tasks sleep uninterruptibly."""
    gdb = shutil.which("gdb")
    if not gdb:
        return "<gdb is not installed: no user stacks>"
    out = []
    for pid, st in states.items():
        if "D" in st:
            out.append(f"process {pid}: a task is in D state; gdb would block attaching: see its syscall above")
            continue
        out.append(f"== gdb -p {pid}")
        out.append(_bounded([gdb, "-p", str(pid), "-batch", "-nx", "-ex", "set pagination off",
                             "-ex", "thread apply all bt 25"], GDB_BOUND).rstrip())
    return "\n".join(out)


def host_state(name):
    """Ask scripts/vm's watcher on the host for QEMU's and the render server's threads: a request file in
    the run share, answered by a file beside it (PVGPU_HOST_DIAG_DIR, set by the guest's stage 2)."""
    d = os.environ.get("PVGPU_HOST_DIAG_DIR")
    if not d or not os.path.isdir(d):
        return "<no host side to ask (not in a pvgpu guest)>"
    tag = f"{os.getpid()}-{int(time.monotonic() * 1000)}"
    answer = os.path.join(d, f"host-diag.{tag}.txt")
    try:
        with open(os.path.join(d, f"host-diag.{tag}.request"), "w") as f:
            f.write(name + "\n")
    except OSError as e:
        return f"<cannot ask the host: {e.strerror}>"
    deadline = time.monotonic() + HOST_BOUND
    while time.monotonic() < deadline:
        if os.path.exists(answer + ".done"):
            return _read(answer)
        time.sleep(0.5)
    return f"<the host gave no answer within {HOST_BOUND} s>"


def diagnose(pgid, name):
    tasks, states = task_report(pgid)
    parts = [("tasks of the case (state, wchan, syscall, kernel stack)", tasks),
             ("kernel: blocked tasks (sysrq w)", blocked_tasks(name)),
             ("GPU driver state (debugfs)", driver_state()),
             ("host: QEMU and render server threads", host_state(name)),
             # Last: attaching stops the tasks, which can move a waiter in the kernel to another wait.
             ("user stacks", user_stacks(states))]
    return "\n".join(f"---- {title}\n{text.rstrip()}" for title, text in parts) + "\n", states


def summary(diagnosis, states, limit=30):
    """A few lines for the console: each task's state line, then D-state tasks' top kernel frames."""
    # The first task report (after the kill when the case survived it, else before), then its frames.
    keep = [l for l in diagnosis.split("---- kernel:")[0].split("\n---- tasks")[0].splitlines()
            if l.startswith("process ") or l.startswith("  task ") or re.match(r"    \[<", l)]
    dstate = sorted(p for p, s in states.items() if "D" in s)
    head = f"stuck in D state: process {', '.join(map(str, dstate))}" if dstate else "no task in D state"
    return [head] + keep[:limit]


def _write_case(name):
    f = os.environ.get("PVGPU_CASE_FILE")
    if f:
        try:
            with open(f, "w") as fh:
                fh.write(name + "\n")
        except OSError:
            pass


def run_case(cmd, timeout, name, env=None, cwd=None, diag_file=None, stdin=subprocess.DEVNULL):
    """Run cmd (argv list) with its output captured, for at most timeout seconds; its input is
    /dev/null unless stdin (a file object or descriptor) is given. On an overrun: diagnose,
    SIGKILL the case's process group, wait KILL_GRACE s, abandon it if it still lives. Leftover processes
    of a case that ended are killed too. Returns a Result; when diag_file is given the full diagnosis is
    written there."""
    _write_case(name)
    start = time.monotonic()
    with tempfile.TemporaryFile() as out:
        try:
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=stdin, stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:
            return Result(-1, str(e), 0.0)
        overran = stuck = False
        diagnosis = ""
        try:
            status = p.wait(timeout)
        except subprocess.TimeoutExpired:
            overran, status = True, None
            diagnosis, states = diagnose(p.pid, name)
            _kill_group(p.pid)
            try:
                p.wait(KILL_GRACE)
            except subprocess.TimeoutExpired:
                # Still there: what it sleeps in now (a killed task left in D state) is the news.
                stuck = True
                _abandoned.append(p)
                after, states = task_report(p.pid)
                diagnosis = f"---- after SIGKILL and {KILL_GRACE} s, still alive\n{after}\n" + diagnosis
            diagnosis = "\n".join(summary(diagnosis, states)) + "\n\n" + diagnosis
            if diag_file:
                try:
                    os.makedirs(os.path.dirname(diag_file), exist_ok=True)
                    with open(diag_file, "w") as f:
                        f.write(diagnosis)
                except OSError:
                    pass
        _kill_group(p.pid)  # whatever the case left running in its group
        out.seek(0)
        text = out.read().decode(errors="replace")
    return Result(status, text, time.monotonic() - start, overran, stuck, diagnosis)


def default_diag_file(name):
    d = os.environ.get("PVGPU_OUT")
    return os.path.join(d, "diag", re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".txt") if d else None


def overrun_lines(r, timeout, diag_file, limit=30):
    """The lines that describe an overrun: what became of the case, the summary, where the rest is."""
    fate = ("was killed but could not die (a task stays in uninterruptible sleep): abandoned, the run goes on"
            if r.stuck else "was killed")
    lines = [f"watchdog: overran its {timeout:.0f} s and {fate}"]
    lines += r.diagnosis.split("\n\n", 1)[0].splitlines()[:limit]
    if diag_file:
        lines.append(f"watchdog: full diagnosis in {diag_file}")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--diag", default=None)
    ap.add_argument("--stdin", action="store_true",
                    help="the case reads this runner's input (clients that end when it closes: "
                         "modetest, kmscube); /dev/null otherwise")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    diag_file = a.diag or default_diag_file(a.name)
    r = run_case(cmd, a.timeout, a.name, diag_file=diag_file,
                 stdin=sys.stdin if a.stdin else subprocess.DEVNULL)
    sys.stdout.write(r.output)
    if not r.overran:
        return r.status if r.status >= 0 else 128 - r.status
    sys.stdout.write("\n".join(overrun_lines(r, a.timeout, diag_file)) + "\n")
    return 125 if r.stuck else 124


if __name__ == "__main__":
    sys.exit(main())
