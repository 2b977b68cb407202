"""The benchmark suite runs end to end (no timing is asserted: benchmarks measure, tests
check). Quick sizes, one repetition, NumPy and chainrule only, and torch forced to look
not installed, so the skip path is exercised too."""
import json
import subprocess
import sys
from pathlib import Path

from benchmarks.workloads import WORKLOADS

ROOT = Path(__file__).resolve().parents[1]


def test_quick_suite_runs_checks_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--repeat", "1",
         "--libraries", "chainrule,numpy,torch", "--missing", "torch", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    result = json.loads(out.read_text())

    assert result["finished"] is True and result["quick"] is True
    assert result["libraries"]["torch"]["status"] == "not installed"
    assert "torch: not installed" in proc.stdout
    for lib in ("jax", "autograd"):
        assert result["libraries"][lib]["status"] == "not requested"
    assert result["machine"]["cpu"] and result["machine"]["logical_cpus"] >= 1
    assert {"python", "numpy", "chainrule"} <= set(result["versions"])
    assert result["blas"] and "internal_api" in result["blas"][0]

    assert set(result["workloads"]) == set(WORKLOADS)
    for key, spec in WORKLOADS.items():
        rows = result["workloads"][key]["results"]
        for lib in ("numpy", "chainrule"):
            mine = [r for r in rows if r["library"] == lib]
            assert mine, f"{key}: no results for {lib}"
            for row in mine:
                assert "error" not in row, (key, row)
                assert row["check"]["ok"], f"{key} {lib} {row['case']}: {row['check']}"
                assert row["reported"]
                if spec.kind == "soak":
                    assert set(row["rss_mb"]) >= {"start", "middle", "end"}
                elif row["timed"]:
                    assert row["median"] > 0 and row["min"] <= row["median"]
        timed = {r["case"] for r in rows if r["library"] == "chainrule" and r["timed"]}
        assert timed == {c.name for c in spec.cases if c.timed}, key

    verdicts = {(t["workload"], t["target"]): t for t in result["targets"]}
    assert len(verdicts) == len(result["targets"]) >= 13
    for t in result["targets"]:
        assert t["met"] in (True, False, None) and t["detail"]
    assert verdicts[("W2", "control flow ≤ 1.0 × PyTorch")]["met"] is None  # no torch
    assert "Targets" in proc.stdout
