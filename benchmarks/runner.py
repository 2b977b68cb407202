"""The runner: starts one worker process per library, checks every result against the
chain rule by hand in NumPy, times the libraries interleaved, prints the tables and
writes the JSON.

    python -m benchmarks [--quick] [--only W3,W5] [--libraries chainrule,numpy]
                         [--repeat N] [--json out.json]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from . import THREAD_ENV, report
from .workloads import WORKLOADS

LIBRARIES = ["numpy", "chainrule", "torch", "jax", "autograd"]
REFERENCE = "numpy"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT_S = 900               # a worker that does not answer a command in this long is killed
MEMORY_REPEAT = 2             # W7 measurements per case (each a fresh process; they agree)


ALLOCATOR_NOTE = ("glibc malloc, defaults untouched; each timing worker first allocates and "
                  "frees one 31 MB block (worker.warm_allocator); W7 and W8 run in fresh "
                  "processes without it")


class WorkerDied(RuntimeError):
    pass


class Worker:
    """A worker process hosting one library; ``ask`` sends a command, returns the answer."""

    def __init__(self, lib: str, missing: bool, logdir: str):
        self.lib = lib
        self.log_path = os.path.join(logdir, f"{lib}-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w")
        env = dict(os.environ, **THREAD_ENV)
        env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
        cmd = [sys.executable, "-m", "benchmarks.worker", lib] + (["--missing"] if missing else [])
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, cwd=ROOT, env=env, text=True)
        self.hello = self._read()

    def _read(self) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], TIMEOUT_S)
        if not ready:
            self.proc.kill()
            raise WorkerDied(f"{self.lib} worker: no answer in {TIMEOUT_S} s, killed")
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self.log.flush()
            with open(self.log_path) as f:
                tail = f.read()[-600:].strip()
            raise WorkerDied(f"{self.lib} worker exited (code {self.proc.returncode}): {tail}")
        return json.loads(line)

    def ask(self, cmd: str, **args) -> dict:
        try:
            self.proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
            self.proc.stdin.flush()
        except OSError as exc:
            raise WorkerDied(f"{self.lib} worker is gone ({exc})") from None
        return self._read()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write('{"cmd": "quit"}\n')
                self.proc.stdin.flush()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------- the machine


def machine() -> dict:
    cpu, cores = platform.processor() or "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            physical = core = None
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "model name":
                    cpu = value
                elif key == "physical id":
                    physical = value
                elif key == "core id":
                    core = value
                    cores.add((physical, core))
    except OSError:
        pass
    return {"cpu": cpu, "cores": len(cores) or None, "logical_cpus": os.cpu_count(),
            "platform": platform.platform(), "python": platform.python_version(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE")}


# ---------------------------------------------------------------- checking results


def compare(path: str, ref_path: str, rtol: float) -> dict:
    """Does the result in ``path`` agree with the reference: same number of arrays, same
    shapes and dtypes, and max |a - b| <= rtol * max |b| for each array?"""
    import numpy as np

    with np.load(path) as a, np.load(ref_path) as b:
        got = [a[k] for k in sorted(a.files, key=lambda k: int(k.split("_")[1]))]
        want = [b[k] for k in sorted(b.files, key=lambda k: int(k.split("_")[1]))]
    if len(got) != len(want):
        return {"ok": False, "detail": f"{len(got)} arrays, expected {len(want)}"}
    worst = 0.0
    for x, y in zip(got, want):
        if x.shape != y.shape:
            return {"ok": False, "detail": f"shape {x.shape}, expected {y.shape}"}
        if x.dtype != y.dtype:
            return {"ok": False, "detail": f"dtype {x.dtype}, expected {y.dtype}"}
        x, y = x.astype(np.float64), y.astype(np.float64)
        if not np.all(np.isfinite(x)) and not np.array_equal(x, y, equal_nan=True):
            return {"ok": False, "detail": "non-finite values"}
        scale = float(np.max(np.abs(y))) if y.size else 0.0
        err = float(np.max(np.abs(x - y))) if y.size else 0.0
        worst = max(worst, err / scale if scale > 0 else err)
    return {"ok": worst <= rtol, "max_rel_err": worst,
            "detail": "" if worst <= rtol else f"max rel error {worst:.2g} > {rtol:g}"}


def check_rows(rows: list, files: dict, spec) -> None:
    """Fill row["check"] for each row; the reference rows are checked by the others."""
    for row in rows:
        if "error" in row:
            row["check"] = {"ok": False, "detail": "error"}
            continue
        ref_case = spec.case(row["case"]).ref or row["case"]
        ref = files.get(f"{REFERENCE}/{ref_case}")
        path = files.get(f"{row['impl']}/{row['case']}")
        if row["library"] == REFERENCE and ref_case == row["case"]:
            row["check"] = {"ok": path is not None, "reference": True}
        elif ref is None or path is None:
            row["check"] = {"ok": False, "detail": "no NumPy reference to compare with"}
        else:
            row["check"] = compare(path, ref, spec.rtol)


def new_row(lib: str, key: str, spec) -> dict:
    impl, case = key.split("/", 1)
    return {"library": lib, "impl": impl, "case": case, "unit": spec.case(case).unit,
            "timed": spec.case(case).timed, "samples": []}


# ---------------------------------------------------------------- the three kinds of workload


def scale_of(case) -> float:
    """Seconds per call to the case's unit."""
    return {"µs/op": 1e6, "µs": 1e6, "ms": 1e3}[case.unit] / case.per


def run_timed(spec, workers: dict, opts, tmp: str) -> list:
    quick, repeat = opts.quick, opts.repeat
    target = 0.02 if quick else 0.1           # seconds per sample
    rows, files, number = [], {}, {}
    for lib, w in list(workers.items()):
        try:
            reply = w.ask("setup", workload=spec.key, quick=quick)
            if not reply["ok"]:
                rows.append({"library": lib, "impl": lib, "case": "*", "error": reply["error"]})
                continue
            checked = w.ask("check", dir=tmp)
            if not checked["ok"]:
                raise WorkerDied(checked["error"])
        except WorkerDied as exc:
            rows.append({"library": lib, "impl": lib, "case": "*", "error": str(exc)})
            del workers[lib]
            continue
        for key, res in checked["results"].items():
            row = new_row(lib, key, spec)
            if "error" in res:
                row["error"] = res["error"]
            else:
                files[key] = res["file"]
                row["first_call_s"] = res["first_s"]
                number[key] = max(1, min(100_000, round(target / max(res["second_s"], 1e-7))))
                row["number"] = number[key]
            rows.append(row)
    check_rows([r for r in rows if "case" in r and r["case"] != "*"], files, spec)
    by_key = {f"{r['impl']}/{r['case']}": r for r in rows if r["case"] != "*"}
    order = list(workers)
    for r in range(repeat):
        for lib in order[r % len(order):] + order[:r % len(order)]:
            mine = {k: n for k, n in number.items() if by_key[k]["library"] == lib
                    and by_key[k]["check"]["ok"] and by_key[k]["timed"]}
            if not mine or lib not in workers:
                continue
            try:
                reply = workers[lib].ask("time", number=mine)
                if not reply["ok"]:
                    raise WorkerDied(reply["error"])
                times = reply["times"]
            except WorkerDied as exc:
                for k in mine:
                    by_key[k]["error"] = str(exc)
                del workers[lib]
                continue
            for k, seconds in times.items():
                by_key[k]["samples"].append(seconds * scale_of(spec.case(by_key[k]["case"])))
    for w in workers.values():
        w.ask("teardown")
    return rows


def keys_of(workers: dict, spec, quick: bool) -> dict:
    """{library: [impl/case keys]} of a workload, asked of the long-lived workers."""
    keys = {}
    for lib, w in workers.items():
        reply = w.ask("setup", workload=spec.key, quick=quick)
        w.ask("teardown")
        keys[lib] = reply.get("keys", [])
    return keys


def in_fresh_process(lib: str, logdir: str, cmd: str, **args) -> dict:
    """One command in a new worker process, which then exits."""
    w = None
    try:
        w = Worker(lib, False, logdir)
        return w.ask(cmd, **args)
    except WorkerDied as exc:
        return {"ok": False, "error": str(exc)}
    finally:
        if w is not None:
            w.close()


def run_memory(spec, workers: dict, opts, tmp: str, logdir: str) -> list:
    """W7: each measurement in a fresh process (an allocator that has not seen the step)."""
    keys = keys_of(workers, spec, opts.quick)
    rows = {k: new_row(lib, k, spec) for lib, ks in keys.items() for k in ks}
    files = {}
    order = list(keys)
    for r in range(min(opts.repeat, MEMORY_REPEAT)):
        for lib in order[r % len(order):] + order[:r % len(order)]:
            for key in keys[lib]:
                row = rows[key]
                if "error" in row:
                    continue
                reply = in_fresh_process(lib, logdir, "memory", workload=spec.key,
                                         quick=opts.quick, key=key, dir=tmp if r == 0 else None)
                if not reply["ok"]:
                    row["error"] = reply["error"]
                    continue
                row["samples"].append(reply["peak_mb"])
                row.setdefault("after_mb", []).append(reply["after_mb"])
                row.setdefault("after_trim_mb", []).append(reply["after_trim_mb"])
                row.setdefault("step_s", []).append(reply["seconds"])
                if reply["file"]:
                    files[key] = reply["file"]
    rows = list(rows.values())
    check_rows(rows, files, spec)
    for row in rows:
        if row.get("after_mb"):
            held = [a if t is None else t for a, t in zip(row["after_mb"], row["after_trim_mb"])]
            row["held_mb"] = statistics.median(held)
            row["back_to_baseline"] = row["held_mb"] <= report.BACK_TO_BASELINE_MB
    return rows


def run_soak(spec, workers: dict, opts, tmp: str, logdir: str) -> list:
    """W8: one fresh process per library and variant; resident memory along the run."""
    keys = keys_of(workers, spec, opts.quick)
    rows, files = [], {}
    for lib, ks in keys.items():
        for key in ks:
            row = new_row(lib, key, spec)
            reply = in_fresh_process(lib, logdir, "soak", workload=spec.key, quick=opts.quick,
                                     key=key, dir=tmp)
            if reply["ok"]:
                files[key] = reply["file"]
                rss = reply["rss_mb"]
                row.update(rss_mb=rss, ms_per_step=reply["ms_per_step"],
                           growth_mb=rss["end"] - rss["start"],
                           flat=rss["end"] - rss["start"] <= report.FLAT_MB)
            else:
                row["error"] = reply["error"]
            rows.append(row)
    check_rows(rows, files, spec)
    return rows


# ---------------------------------------------------------------- main


def summarize(rows: list) -> None:
    """Median and min of each row whose result was right; only those rows are reported."""
    for row in rows:
        ok = row.get("check", {}).get("ok") and "error" not in row
        row["reported"] = bool(ok and (row.get("samples") or "rss_mb" in row
                                       or not row.get("timed", True)))
        if row["reported"] and row.get("samples"):
            row["median"] = statistics.median(row["samples"])
            row["min"] = min(row["samples"])


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repetitions")
    ap.add_argument("--only", help="comma-separated workloads, e.g. W3 or W1,W5")
    ap.add_argument("--libraries", default=",".join(LIBRARIES),
                    help=f"comma-separated, from {','.join(LIBRARIES)} (numpy is always run: "
                         "it is the reference)")
    ap.add_argument("--missing", default="",
                    help="libraries to treat as not installed (tests the skip path)")
    ap.add_argument("--repeat", type=int, help="repetitions (default 3 quick, 7 full)")
    ap.add_argument("--json", help="write the results to this JSON file")
    opts = ap.parse_args(argv)
    opts.repeat = opts.repeat or (3 if opts.quick else 7)
    only = [w.strip().upper() for w in (opts.only or ",".join(WORKLOADS)).split(",") if w.strip()]
    unknown = [w for w in only if w not in WORKLOADS]
    libs = [l.strip() for l in opts.libraries.split(",") if l.strip()]
    bad = [l for l in libs if l not in LIBRARIES]
    if unknown or bad:
        ap.error(f"unknown workload(s) {unknown}" if unknown else f"unknown library {bad}")
    opts.workloads = only
    opts.libs = [REFERENCE] + [l for l in LIBRARIES if l in libs and l != REFERENCE]
    opts.missing = {l.strip() for l in opts.missing.split(",") if l.strip()}
    return opts


def main(argv=None) -> int:
    opts = parse(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="chainrule-bench-")
    logdir = os.path.join(tmp, "logs")
    os.makedirs(logdir)
    result = {"suite": "chainrule benchmarks", "quick": opts.quick, "repeat": opts.repeat,
              "date": datetime.datetime.now().isoformat(timespec="seconds"),
              "command": "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv),
              "machine": machine(), "thread_env": THREAD_ENV, "libraries": {},
              "allocator": ALLOCATOR_NOTE,
              "versions": {"python": platform.python_version()}, "workloads": {},
              "finished": False}
    workers = {}
    for lib in LIBRARIES:
        if lib not in opts.libs:
            result["libraries"][lib] = {"status": "not requested"}
            continue
        try:
            w = Worker(lib, lib in opts.missing, logdir)
        except WorkerDied as exc:
            result["libraries"][lib] = {"status": "failed to start", "error": str(exc)}
            continue
        result["libraries"][lib] = {k: v for k, v in w.hello.items() if k != "ok"}
        if w.hello["ok"]:
            workers[lib] = w
            result["versions"].update(w.hello["versions"])
        else:
            w.close()
    if REFERENCE in workers:
        result["blas"] = workers[REFERENCE].hello["threadpools"]
    report.header(result)
    try:
        if REFERENCE not in workers:
            print("NumPy, the reference, did not load: nothing can be checked.")
            return 1
        for key in opts.workloads:
            spec = WORKLOADS[key]
            t0 = time.perf_counter()
            if spec.kind == "time":
                rows = run_timed(spec, workers, opts, tmp)
            elif spec.kind == "memory":
                rows = run_memory(spec, workers, opts, tmp, logdir)
            else:
                rows = run_soak(spec, workers, opts, tmp, logdir)
            summarize(rows)
            entry = {"title": spec.title, "kind": spec.kind, "rtol": spec.rtol,
                     "seconds": time.perf_counter() - t0, "results": rows}
            report.add_ratios(spec, entry)
            result["workloads"][key] = entry
            report.workload_table(key, entry)
        result["targets"] = report.targets(result)
        report.summary(result)
    finally:
        for w in workers.values():
            w.close()
        result["elapsed_s"] = time.perf_counter() - started
        result["finished"] = len(result["workloads"]) == len(opts.workloads)
        if opts.json:
            with open(opts.json, "w") as f:
                json.dump(result, f, indent=1, default=str)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nfinished in {result['elapsed_s']:.0f} s"
          + (f"; results in {opts.json}" if opts.json else ""))
    return 0
