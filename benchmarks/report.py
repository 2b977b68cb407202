"""Tables, ratios and targets: what the runner prints and what goes in the JSON."""
from __future__ import annotations

from statistics import median

from .workloads import NOTES

REFERENCE = "numpy"
NOT_PEERS = {"numpy", "chainrule"}
BACK_TO_BASELINE_MB = 5.0   # W7: memory "returns to baseline" within this much
FLAT_MB = 2.0               # W8: resident memory "flat" if it grows less than this


def fmt(v, digits=3) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.{digits - 1}f}" if abs(v) >= 1 else f"{v:.{digits}g}"


def table(headers: list, rows: list, left=(0, 1, -1), indent: str = "  ") -> None:
    """Columns ``left`` are aligned left, the numbers right."""
    cells = [[str(c) for c in row] for row in [headers] + rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    left = {i % len(headers) for i in left}
    for n, row in enumerate(cells):
        line = "  ".join(c.ljust(w) if i in left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths)))
        print(indent + line.rstrip())
        if n == 0:
            print(indent + "  ".join("-" * w for w in widths))


def header(result: dict) -> None:
    m = result["machine"]
    print(f"chainrule benchmarks{' (quick)' if result['quick'] else ''}, {result['date']}")
    print(f"machine: {m['cpu']}, {m['cores']} cores ({m['logical_cpus']} logical CPUs), "
          f"{m['platform']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()))
    for pool in result.get("blas", []):
        print(f"numpy's {pool.get('user_api', 'blas')}: {pool.get('internal_api')} "
              f"{pool.get('version')}, kernel {pool.get('architecture')}, "
              f"{pool.get('num_threads', '?')} thread(s)")
    print(f"OPENBLAS_CORETYPE: {m['OPENBLAS_CORETYPE'] or 'not set'}; one thread per library "
          "(OMP/OPENBLAS/MKL/VECLIB/NUMEXPR_NUM_THREADS=1, XLA single-threaded, "
          "torch.set_num_threads(1)); garbage collector on")
    for lib, info in result["libraries"].items():
        if info["status"] != "ok":
            print(f"{lib}: {info['status']}" + (" — skipped" if info["status"] != "not requested"
                                                else "") + (f" ({info['error']})"
                                                            if info.get("error") else ""))
    print(f"allocator: {result['allocator']}")
    print(f"repetitions: {result['repeat']}, interleaved (repetition r times every library "
          "in turn); median and min of the repetitions")


def rows_by(entry: dict) -> dict:
    return {(r["impl"], r["case"]): r for r in entry["results"] if r.get("reported")}


def add_ratios(spec, entry: dict) -> None:
    """× numpy (the NumPy row of the case it is checked against) and × best peer (the
    fastest or smallest of torch, jax, jax.jit, autograd, ... on the same case)."""
    rows = rows_by(entry)
    for row in rows.values():
        if "median" not in row:
            continue
        ref = rows.get((REFERENCE, spec.case(row["case"]).ref or row["case"]))
        peers = [r["median"] for (impl, case), r in rows.items()
                 if case == row["case"] and r["library"] not in NOT_PEERS and "median" in r]
        row["vs_numpy"] = row["median"] / ref["median"] if ref and ref["median"] else None
        row["vs_best_peer"] = row["median"] / min(peers) if peers and min(peers) else None
    entry["ratios"] = {}
    for label, num, den in spec.ratios:
        entry["ratios"][label] = {
            impl: rows[(impl, num)]["median"] / rows[(impl, den)]["median"]
            for impl in dict.fromkeys(i for i, _ in rows)
            if (impl, num) in rows and (impl, den) in rows}


def status(row: dict) -> str:
    if "error" in row:
        return "ERROR: " + row["error"]
    check = row.get("check", {})
    if check.get("reference"):
        return "reference"
    if not check.get("ok"):
        return f"WRONG ({check.get('detail')}): not reported"
    return f"ok ({check['max_rel_err']:.0e})"


def workload_table(key: str, entry: dict) -> None:
    print(f"\n{key}  {entry['title']}  [{entry['seconds']:.0f} s]")
    rows = [r for r in entry["results"] if r.get("timed", True)]
    if entry["kind"] == "soak":
        table(["library", "case", "MB start", "middle", "end", "growth", "flat",
               "ms/step", "check"],
              [[r["impl"], r["case"]] + ([fmt(r["rss_mb"][k]) for k in ("start", "middle", "end")]
                                         + [fmt(r["growth_mb"]), fmt(r["flat"]),
                                            fmt(r["ms_per_step"])] if r["reported"]
                                         else [""] * 6) + [status(r)] for r in rows])
        print(f"  resident memory after 10 steps, halfway and at the end; flat: grows "
              f"< {FLAT_MB:g} MB")
        return
    memory = entry["kind"] == "memory"
    headers = ["library", "case", "unit", "median", "min", "× numpy", "× best peer"]
    headers += ["after", "trimmed", "back", "check"] if memory else ["check"]
    lines = []
    for r in rows:
        line = [r["impl"], r["case"], r.get("unit", "")]
        if r.get("reported"):
            line += [fmt(r["median"]), fmt(r["min"]), fmt(r.get("vs_numpy")),
                     fmt(r.get("vs_best_peer"))]
            if memory:
                trimmed = [v for v in r["after_trim_mb"] if v is not None]
                line += [fmt(median(r["after_mb"])), fmt(median(trimmed) if trimmed else None),
                         fmt(r["back_to_baseline"])]
        else:
            line += [""] * (7 if memory else 4)
        lines.append(line + [status(r)])
    table(headers, lines)
    if memory:
        print("  MB of resident memory above the baseline: the peak during one step, each in a\n"
              "  fresh process; after: what is left once the gradient is dropped; trimmed: the\n"
              "  same after glibc's malloc_trim (the difference is memory malloc keeps for\n"
              f"  reuse); back: trimmed ≤ {BACK_TO_BASELINE_MB:g} MB, the library holds nothing")
    for label, values in entry.get("ratios", {}).items():
        print(f"  {label}: " + ", ".join(f"{impl} {fmt(v)}" for impl, v in values.items()))
    impls = dict.fromkeys(r["impl"] for r in entry["results"])
    for (key_, impl), note in NOTES.items():
        if key_ == key and impl in impls:
            print(f"  {impl}: {note}")


# ---------------------------------------------------------------- targets


def _median(result, key, impl, case, stat="median"):
    entry = result["workloads"].get(key)
    row = rows_by(entry).get((impl, case)) if entry else None
    return row.get(stat) if row else None


def _ratio(result, key, a, b, limit, what):
    """chainrule's a over b (each (impl, case)), against ``limit``: met or not on the
    medians; the ratio of the minimums is shown beside it, since on a shared machine
    noise only ever adds time and the two can differ."""
    x, y = _median(result, key, *a), _median(result, key, *b)
    if x is None or y is None:
        missing = a if x is None else b
        return {"value": None, "met": None, "detail": f"n/a: no result for {'/'.join(missing)}"}
    unit = rows_by(result["workloads"][key])[a]["unit"]
    low_x, low_y = _median(result, key, *a, stat="min"), _median(result, key, *b, stat="min")
    of_mins = low_x / low_y if low_x and low_y else None
    return {"value": x / y, "met": x / y <= limit, "of_mins": of_mins,
            "detail": f"{fmt(x)} {unit} vs {what} {fmt(y)} {unit} = {x / y:.2f}×"
                      + (f" (mins {of_mins:.2f}×)" if of_mins is not None else "")}


TARGETS = [
    ("W1", "fwd+bwd per op ≤ 0.6 × PyTorch eager",
     lambda r: _ratio(r, "W1", ("chainrule", "fwd+bwd"), ("torch", "fwd+bwd"), 0.6, "torch")),
    ("W1", "no-grad forward ≤ 1.5 × NumPy",
     lambda r: _ratio(r, "W1", ("chainrule", "forward, no grad"), ("numpy", "forward, no grad"),
                      1.5, "numpy")),
    ("W2", "control flow ≤ 1.0 × PyTorch",
     lambda r: _ratio(r, "W2", ("chainrule", "grad"), ("torch", "grad"), 1.0, "torch")),
    ("W3", "MLP step ≤ 1.05 × hand-written NumPy",
     lambda r: _ratio(r, "W3", ("chainrule", "fwd+bwd"), ("numpy", "fwd+bwd"), 1.05, "numpy")),
    ("W3", "MLP step ≤ 0.9 × PyTorch",
     lambda r: _ratio(r, "W3", ("chainrule", "fwd+bwd"), ("torch", "fwd+bwd"), 0.9, "torch")),
    ("W4", "grad/f ≤ 2.0",
     lambda r: _ratio(r, "W4", ("chainrule", "value+grad"), ("chainrule", "f"), 2.0, "f")),
    ("W5", "jacrev ≤ 0.5 × torch.func",
     lambda r: _ratio(r, "W5", ("chainrule", "jacrev"), ("torch.func", "jacrev"), 0.5,
                      "torch.func")),
    ("W5", "jacfwd ≤ 0.5 × torch.func",
     lambda r: _ratio(r, "W5", ("chainrule", "jacfwd"), ("torch.func", "jacfwd"), 0.5,
                      "torch.func")),
    ("W6", "hvp/grad ≤ 2.0",
     lambda r: _ratio(r, "W6", ("chainrule", "hvp"), ("chainrule", "grad"), 2.0, "grad")),
    ("W6", "hvp ≤ 0.5 × PyTorch's grad-of-grad",
     lambda r: _ratio(r, "W6", ("chainrule", "hvp"), ("torch", "hvp"), 0.5, "torch")),
    ("W7", "peak memory ≤ 1.1 × hand-written NumPy",
     lambda r: _ratio(r, "W7", ("chainrule", "peak"), ("numpy", "peak"), 1.1, "numpy")),
    ("W7", "back to baseline after the step", lambda r: _baseline(r)),
    ("W7", "checkpointed ≤ 0.3 × NumPy's peak",
     lambda r: _ratio(r, "W7", ("chainrule", "peak, checkpointed"), ("numpy", "peak"), 0.3,
                      "numpy")),
    ("W8", "soak: resident memory flat", lambda r: _flat(r)),
]


def _baseline(result):
    entry = result["workloads"].get("W7")
    rows = [r for (impl, _), r in rows_by(entry).items() if impl == "chainrule"] if entry else []
    if not rows:
        return {"value": None, "met": None, "detail": "n/a: no chainrule result"}
    held = max(row["held_mb"] for row in rows)
    left = max(median(row["after_mb"]) for row in rows)
    return {"value": held, "met": all(row["back_to_baseline"] for row in rows),
            "detail": f"{fmt(held)} MB after the step ({fmt(left)} MB before malloc_trim)"}


def _flat(result):
    entry = result["workloads"].get("W8")
    row = rows_by(entry).get(("chainrule", "train")) if entry else None
    if row is None:
        return {"value": None, "met": None, "detail": "n/a: no chainrule result"}
    rss = row["rss_mb"]
    return {"value": row["growth_mb"], "met": row["flat"],
            "detail": f"{fmt(rss['start'])} → {fmt(rss['middle'])} → {fmt(rss['end'])} MB"}


def targets(result: dict) -> list:
    out = []
    for key, what, measure in TARGETS:
        if key in result["workloads"]:
            out.append({"workload": key, "target": what, **measure(result)})
    return out


def summary(result: dict) -> None:
    if not result.get("targets"):
        return
    print("\nTargets (chainrule; met or not on the medians)")
    table(["workload", "target", "measured", "met"],
          [[t["workload"], t["target"], t["detail"],
            "—" if t["met"] is None else ("met" if t["met"] else "NOT MET")]
           for t in result["targets"]], left=(0, 1, 2, 3))
