"""Soak: train W8's small MLP for many steps in one process and watch its memory.

    python -m benchmarks.soak                    # 20,000 steps, a report every 1,000
    python -m benchmarks.soak --steps 4000 --every 500

The model, data and training step are W8's (``workloads.params("W8")``,
``lib_chainrule.w8``: 64-128-128-10, ReLU, log-softmax cross-entropy, batch 64, SGD), on
one thread, as the benchmark workers run. Every ``--every`` steps it prints the resident
memory (``memory.rss``), its change since the warm-up, the live chainrule tensors and
graph nodes, the loss and the time per step. The first ``--warmup`` steps (1,000) let
NumPy's and malloc's pools reach their working size; the report at their end is the
baseline. The run fails (exit code 1) when resident memory at a later report is more
than ``--tolerance`` (10%) above the baseline, or when more chainrule objects are alive
than at the baseline: a finished step must leave nothing behind.

``--leak memory`` or ``--leak graphs`` keeps something from every step on purpose (16 KB
of NumPy memory, or the step's loss with its graph), to show that the check catches it.
"""
import os

from . import THREAD_ENV

os.environ.update(THREAD_ENV)   # one thread, before NumPy is imported (as worker.py does)

import argparse  # noqa: E402
import gc  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from . import memory  # noqa: E402
from .workloads import params  # noqa: E402

LEAK_BYTES = 16 * 1024


@dataclass
class Report:
    step: int
    rss: int                # bytes
    live: int               # chainrule tensors and graph nodes alive
    loss: float
    ms_per_step: float | None


@dataclass
class Result:
    reports: list = field(default_factory=list)
    baseline: Report | None = None
    tolerance: float = 0.10

    @property
    def growth(self) -> float:
        """The largest resident memory after the warm-up, relative to the baseline."""
        after = [r.rss for r in self.reports if r.step > self.baseline.step]
        return max(after, default=self.baseline.rss) / self.baseline.rss - 1

    @property
    def live_growth(self) -> int:
        after = [r.live for r in self.reports if r.step > self.baseline.step]
        return max(after, default=self.baseline.live) - self.baseline.live

    @property
    def ok(self) -> bool:
        return self.growth <= self.tolerance and self.live_growth <= 0


def live_chainrule_objects() -> int:
    """Tensors (of any dialect) and graph nodes reachable or not yet freed."""
    from chainrule import Tensor
    from chainrule.graph import Node
    return sum(1 for o in gc.get_objects() if issubclass(type(o), (Tensor, Node)))


def trainer(leak: str | None = None):
    """W8's training step, as ``train(steps)``, and ``loss()`` of the current parameters.
    With ``leak``, each step also keeps something alive (see the module's doc)."""
    import numpy as np

    import chainrule as cr

    from .lib_chainrule import mlp_loss, w8

    p = params("W8", quick=False)
    train_w8 = w8(p)["chainrule/train"]()
    kept = []

    def train(steps: int):
        if leak is None:
            return train_w8(steps)
        for _ in range(steps):
            params = train_w8(1)
            if leak == "memory":
                kept.append(np.ones(LEAK_BYTES // 8))
            else:  # "graphs": the loss, with the graph it was computed by
                kept.append(mlp_loss(params, cr.tensor(p["X"]), p["y"]))
        return params

    def loss() -> float:
        params = train_w8(0)
        with cr.no_grad():
            return float(mlp_loss(params, cr.tensor(p["X"]), p["y"]).item())

    return train, loss


def soak(steps: int = 20_000, every: int = 1_000, warmup: int = 1_000,
         tolerance: float = 0.10, leak: str | None = None, out=None) -> Result:
    """Train for ``steps`` steps, reporting every ``every``; see the module's doc."""
    out = out or sys.stdout
    train, loss = trainer(leak)
    result = Result(tolerance=tolerance)
    print(f"soak: W8's MLP 64-128-128-10, batch 64, SGD, {steps:,} steps, warm-up "
          f"{warmup:,}, one thread{f', leaking {leak} on purpose' if leak else ''}",
          file=out)
    print(f"{'step':>7}  {'resident MB':>11}  {'vs warm-up':>10}  {'live objects':>12}  "
          f"{'loss':>7}  {'ms/step':>7}", file=out, flush=True)
    gc.collect()                 # once, before the start; the collector then stays on
    done, start = 0, time.perf_counter()
    while True:
        rss = memory.rss()       # first: counting objects allocates a list of them all
        report = Report(done, rss, live_chainrule_objects(), loss(),
                        None if done == 0 else 1e3 * (time.perf_counter() - start) / every)
        result.reports.append(report)
        if result.baseline is None and done >= warmup:
            result.baseline = report
        change = ("" if result.baseline is None or report.step < result.baseline.step
                  else "(baseline)" if report is result.baseline
                  else f"{100 * (report.rss / result.baseline.rss - 1):+.1f}%")
        ms = "" if report.ms_per_step is None else f"{report.ms_per_step:.3f}"
        print(f"{report.step:>7}  {report.rss / memory.MB:>11.1f}  {change:>10}  "
              f"{report.live:>12}  {report.loss:>7.4f}  {ms:>7}", file=out, flush=True)
        if done >= steps:
            break
        n = min(every, steps - done)
        start = time.perf_counter()
        train(n)
        done += n
    if result.baseline is None:  # a run no longer than its warm-up: the last report
        result.baseline = result.reports[-1]
    verdict = "PASS" if result.ok else "FAIL"
    base = result.baseline
    print(f"{verdict}: after the warm-up, resident memory at most "
          f"{base.rss * (1 + result.growth) / memory.MB:.1f} MB, {100 * result.growth:+.1f}% "
          f"over the baseline of {base.rss / memory.MB:.1f} MB (allowed: "
          f"+{100 * tolerance:.0f}%); live chainrule objects at most "
          f"{base.live + result.live_growth}, {result.live_growth:+d} over the baseline's "
          f"{base.live} (allowed: +0)", file=out)
    return result


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text}")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soak",
        description="Train W8's MLP for many steps; fail if resident memory grows by "
                    "more than the tolerance after the warm-up, or chainrule objects "
                    "are left alive.")
    parser.add_argument("--steps", type=_positive, default=20_000,
                        help="training steps (default 20,000)")
    parser.add_argument("--every", type=_positive, default=1_000,
                        help="steps between reports (default 1,000)")
    parser.add_argument("--warmup", type=int, default=1_000,
                        help="steps before the baseline report (default 1,000)")
    parser.add_argument("--tolerance", type=float, default=0.10,
                        help="allowed growth after the warm-up, as a fraction (default 0.10)")
    parser.add_argument("--leak", choices=("memory", "graphs"),
                        help="keep something from every step on purpose, to see the check "
                             "fail")
    args = parser.parse_args(argv)
    result = soak(args.steps, args.every, args.warmup, args.tolerance, args.leak)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
