#!/usr/bin/env python3
"""Test helper: a process that SIGKILL cannot end, as a GPU client stuck in an uninterruptible wait is.

It mounts a FUSE file system (root only) whose daemon reads every request and never answers a LOOKUP,
then stats a file in it. The stat waits in the kernel's fuse request_wait_answer(); once it is killed,
the request having been read by the daemon, it waits on in uninterruptible sleep (state D) until the
connection ends. The daemon runs in a session of its own, so killing the caller's process group does
not free the task: it lets go after --hold seconds (default 60), aborts the connection and unmounts.

Used by the watchdog's own tests (tests/guest/test_watchdog.sh, and the runners suite in a guest).
Usage: tests/guest/dstate.py [--hold S]; prints "dstate: waiting" when the stat is about to block.
"""
import argparse
import ctypes
import os
import select
import struct
import sys
import tempfile
import time

FUSE_LOOKUP, FUSE_INIT = 1, 26
IN_HEADER = struct.Struct("<IIQQIIIHH")  # len, opcode, unique, nodeid, uid, gid, pid, total_extlen, pad
OUT_HEADER = struct.Struct("<IiQ")  # len, error, unique
# fuse_init_out for protocol 7.31: major, minor, max_readahead, flags, max_background,
# congestion_threshold, max_write, time_gran, max_pages, map_alignment, flags2, then 7 unused words.
INIT_OUT = struct.Struct("<IIIIHHIIHHI7I")
ENOSYS = 38


def reply(fd, unique, error=0, payload=b""):
    os.write(fd, OUT_HEADER.pack(OUT_HEADER.size + len(payload), -error, unique) + payload)


def serve(fd, mnt, hold):
    """The daemon: answer INIT, leave every LOOKUP unanswered, refuse the rest; after hold s, leave."""
    deadline = time.monotonic() + hold
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        try:
            req = os.read(fd, 1 << 20)
        except OSError:
            break
        _, opcode, unique = IN_HEADER.unpack_from(req)[:3]
        if opcode == FUSE_INIT:
            reply(fd, unique, payload=INIT_OUT.pack(7, 31, 0, 0, 16, 12, 4096, 1, 1, 0, 0, *[0] * 7))
        elif opcode != FUSE_LOOKUP:
            reply(fd, unique, ENOSYS)
    # Closing the device aborts the connection: the stuck request ends with an error and its task dies.
    os.close(fd)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.umount2(mnt.encode(), 2)  # MNT_DETACH
    os.rmdir(mnt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hold", type=float, default=60)
    a = ap.parse_args()
    mnt = tempfile.mkdtemp(prefix="pvgpu-dstate.")
    fd = os.open("/dev/fuse", os.O_RDWR)
    libc = ctypes.CDLL(None, use_errno=True)
    opts = f"fd={fd},rootmode=40000,user_id=0,group_id=0".encode()
    if libc.mount(b"pvgpu-dstate", mnt.encode(), b"fuse", 0, opts) != 0:
        print(f"dstate: mount: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
        return 2
    if os.fork() == 0:
        os.setsid()  # out of the caller's process group: a killpg of the case leaves the daemon alone
        if os.fork() == 0:
            serve(fd, mnt, a.hold)
        os._exit(0)
    os.close(fd)
    print("dstate: waiting", flush=True)
    try:
        os.stat(os.path.join(mnt, "never"))
    except OSError as e:
        print(f"dstate: released ({e.strerror})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
