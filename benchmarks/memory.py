"""Resident memory of this process: now (/proc/self/statm), and its peak during a call
(a background thread sampling every millisecond, and the kernel's high-water mark)."""
from __future__ import annotations

import ctypes
import gc
import os
import resource
import sys
import threading

MB = 1024.0 * 1024.0
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    """Resident set size in bytes."""
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * PAGE


def max_rss() -> int:
    """The process's peak resident set size so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Sampler(threading.Thread):
    """Samples rss() every ``interval`` seconds until stop(); keeps the maximum."""

    def __init__(self, interval: float = 0.001):
        super().__init__(daemon=True)
        self.interval, self.peak = interval, 0
        self.done = threading.Event()
        self.fd = os.open("/proc/self/statm", os.O_RDONLY)

    def sample(self) -> int:
        return int(os.pread(self.fd, 256, 0).split()[1]) * PAGE

    def run(self):
        while not self.done.wait(self.interval):
            self.peak = max(self.peak, self.sample())

    def stop(self) -> int:
        self.done.set()
        self.join()
        self.peak = max(self.peak, self.sample())
        os.close(self.fd)
        return self.peak


def measure(fn):
    """Run fn() once; return (its result, peak MB above the baseline during the call, the
    baseline in bytes for ``after``). The collector stays on, as users run; one collection
    before the baseline makes the baseline honest."""
    switch = sys.getswitchinterval()
    sampler = Sampler()
    gc.collect()
    sys.setswitchinterval(0.0005)       # let the sampler in between Python bytecodes
    base, high_before = rss(), max_rss()
    sampler.start()
    try:
        result = fn()
    finally:
        peak = sampler.stop()
        sys.setswitchinterval(switch)
    high_after = max_rss()
    if high_after > high_before:        # the kernel saw a new high-water mark in the call
        peak = max(peak, high_after)
    return result, (peak - base) / MB, base


def after(base: int) -> tuple:
    """MB above ``base`` now (call once the result is dropped), and then once the C
    allocator has handed its free memory back (glibc's malloc_trim; None elsewhere): a
    difference between the two is memory freed but kept by malloc, not memory in use."""
    now = (rss() - base) / MB
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return now, None
    return now, (rss() - base) / MB
