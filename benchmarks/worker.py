"""One library in one process on one thread: ``python -m benchmarks.worker LIBRARY``.

The runner sends one JSON object a line on stdin; the worker answers one a line on the
stdout it had at start (the library's own prints go to stderr). Its first line says
whether the library loaded: ``{"ok": false, "status": "not installed"}`` ends the worker.

Commands: setup (build a workload's cases), check (run each case once, save its result as
.npz for the runner to compare), time (seconds per call of each case), memory (W7: one
fresh-process measurement), soak (W8), teardown, quit.
"""
import os

from . import THREAD_ENV

os.environ.update(THREAD_ENV)   # one thread each, before NumPy or any library is imported

import gc  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import zipfile  # noqa: E402,F401  (imported now, not inside a memory measurement)

from . import memory  # noqa: E402
from .workloads import WORKLOADS, params  # noqa: E402


def threadpools():
    """Which BLAS / OpenMP libraries are loaded, their versions, kernels and threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        import numpy as np
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return [{"internal_api": blas.get("name"), "version": blas.get("version"),
                 "architecture": "unknown (threadpoolctl is not installed)"}]
    keep = ("user_api", "internal_api", "version", "architecture", "num_threads",
            "threading_layer", "prefix")
    return [{k: info.get(k) for k in keep} for info in threadpool_info()]


def leaves(value, to_numpy):
    """A result (array, scalar, or nested tuple/list of them) as a flat list of arrays."""
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in leaves(item, to_numpy)]
    return [to_numpy(value)]


def save(directory, name, value, to_numpy):
    import numpy as np
    path = os.path.join(directory, re.sub(r"[^A-Za-z0-9.+-]+", "_", name) + ".npz")
    np.savez(path, *leaves(value, to_numpy))
    return path


def warm_allocator():
    """Allocate and free one 31 MB block. glibc's malloc then serves every smaller request
    from its heap instead of fresh mmap'd pages, the state a long-running process reaches
    after its first large array is freed. Without this, timings depend on what ran
    earlier in the process: a 100,000-float64 workload ran 4× slower in a fresh process,
    all of it page faults."""
    import numpy as np
    block = np.empty(31 * 2 ** 20, dtype=np.uint8)
    del block


class Worker:
    def __init__(self, lib):
        self.lib, self.cases, self.workload = lib, {}, None

    def setup(self, workload, quick):
        """Build the cases of a workload to time (the allocator warmed, see above)."""
        warm_allocator()
        self.workload, self.quick = workload, quick
        names = {c.name for c in WORKLOADS[workload].cases}
        builder = self.lib.BUILDERS.get(workload)
        built = builder(params(workload, quick)) if builder else {}
        self.cases = {k: f for k, f in built.items() if k.split("/", 1)[1] in names}
        return {"keys": list(self.cases)}

    def check(self, dir):
        results = {}
        for key, fn in self.cases.items():
            try:
                start = time.perf_counter()
                value = fn()
                first = time.perf_counter() - start
                path = save(dir, f"{self.lib.NAME}-{self.workload}-{key}", value,
                            self.lib.to_numpy)
                del value
                start = time.perf_counter()
                fn()
                second = time.perf_counter() - start
                results[key] = {"file": path, "first_s": first, "second_s": second}
            except Exception as exc:
                results[key] = {"error": describe(exc)}
        return {"results": results}

    def time(self, number):
        """Seconds per call of each case: the mean of ``number[key]`` calls, GC on."""
        times = {}
        for key, n in number.items():
            fn = self.cases[key]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            times[key] = (time.perf_counter() - start) / n
        return {"times": times}

    def memory(self, workload, quick, key, dir=None):
        """W7 in this fresh process: warm the code paths on two layers, then measure the
        peak above the baseline during one full step and what is left after it."""
        p = params(workload, quick)
        builder = self.lib.BUILDERS[workload]
        builder(dict(p, layers=2))[key]()
        fn = builder(p)[key]
        getattr(fn, "prepare", lambda: None)()
        start = time.perf_counter()
        result, peak, base = memory.measure(fn)
        seconds = time.perf_counter() - start
        path = save(dir, f"{self.lib.NAME}-{workload}-{key}", result,
                    self.lib.to_numpy) if dir else None
        del result
        left, trimmed = memory.after(base)
        return {"peak_mb": peak, "after_mb": left, "after_trim_mb": trimmed,
                "seconds": seconds, "file": path}

    def soak(self, workload, quick, key, dir):
        """W8: train a fresh model; resident memory after 10 steps, halfway and at the end."""
        p = params(workload, quick)
        new_trainer = self.lib.BUILDERS[workload](p)[key]
        path = save(dir, f"{self.lib.NAME}-{workload}-{key}",
                    new_trainer()(p["check_steps"]), self.lib.to_numpy)
        steps, train = p["steps"], new_trainer()
        gc.collect()
        rss = {"before": memory.rss()}
        start = time.perf_counter()
        train(10)
        rss["start"] = memory.rss()
        train(steps // 2 - 10)
        rss["middle"] = memory.rss()
        train(steps - steps // 2)
        rss["end"] = memory.rss()
        seconds = time.perf_counter() - start
        return {"rss_mb": {k: v / memory.MB for k, v in rss.items()},
                "ms_per_step": 1e3 * seconds / steps, "file": path}

    def teardown(self):
        self.cases, self.workload = {}, None
        gc.collect()
        return {}


def describe(exc) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}"[:300] + where


def main(argv):
    name = argv[0]
    out = os.fdopen(os.dup(1), "w", buffering=1)    # the protocol's channel
    os.dup2(2, 1)                                    # everything else printed goes to stderr
    sys.stdout = sys.stderr

    def send(obj):
        out.write(json.dumps(obj) + "\n")

    if "--missing" in argv:                          # pretend the library is not installed
        sys.modules[name] = None
    try:
        lib = importlib.import_module(f"benchmarks.lib_{name}")
        versions = lib.load()
    except ImportError as exc:
        send({"ok": False, "status": "not installed", "error": describe(exc)})
        return 0
    except Exception as exc:
        send({"ok": False, "status": "failed to load", "error": describe(exc)})
        return 0
    send({"ok": True, "status": "ok", "versions": versions, "threadpools": threadpools(),
          "pid": os.getpid()})
    worker = Worker(lib)
    for line in sys.stdin:
        msg = json.loads(line)
        cmd = msg.pop("cmd")
        if cmd == "quit":
            break
        try:
            send({"ok": True, **getattr(worker, cmd)(**msg)})
        except Exception as exc:
            send({"ok": False, "error": describe(exc)})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
