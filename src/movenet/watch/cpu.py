"""CPU time of given threads (Linux: /proc/self/task/TID/stat), to share a process's CPU out to
the cameras whose threads used it. Elsewhere: 0 (unknown)."""

from __future__ import annotations

import os
import time

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def thread_cpu_s(native_id: int) -> float:
    try:
        with open(f"/proc/self/task/{native_id}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime (fields 14, 15)


class CpuMeter:
    """Percent of one core used by a set of threads between two `percent()` calls."""

    def __init__(self) -> None:
        self.threads: set[int] = set()
        self._last = (time.monotonic(), 0.0)
        self._spent: dict[int, float] = {}

    def add_current_thread(self) -> None:
        import threading

        self.threads.add(threading.get_native_id())

    def total_s(self) -> float:
        for tid in list(self.threads):
            spent = thread_cpu_s(tid)
            if spent > 0:
                self._spent[tid] = spent  # a thread that ended keeps its last reading
        return sum(self._spent.values())

    def percent(self) -> float:
        now, total = time.monotonic(), self.total_s()
        then, before = self._last
        self._last = (now, total)
        return 100.0 * (total - before) / (now - then) if now > then else 0.0
