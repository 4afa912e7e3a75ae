"""The committed benchmark figures have what `make bench` promises (no timing is done here)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType

import pytest

from sim.scenario import load

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("floor_us_per_event", "model_us_per_event", "model_to_floor_per_event",
            "events_per_replication", "replications_per_second_1_core", "speedup_2_workers",
            "peak_rss_mb_10k", "peak_rss_mb_100k")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_latest_json_has_the_required_figures_and_renders_as_a_table() -> None:
    result = json.loads((ROOT / "benchmarks" / "latest.json").read_text())
    for key in REQUIRED:
        value = result[key]
        assert isinstance(value, int | float) and math.isfinite(value) and value > 0
    ratio = result["model_us_per_event"] / result["floor_us_per_event"]
    assert math.isclose(ratio, result["model_to_floor_per_event"], rel_tol=0.01)
    text = _bench().table(result)
    assert "targets:" in text and text.lower().count("met") >= len(result["targets"])


@pytest.mark.slow
def test_the_timing_pieces_run_on_a_few_replications() -> None:
    bench = _bench()
    sc = load(ROOT / "scenarios" / "baseline.toml").with_values({"horizon_days": 3})
    whole, loop = bench.us_per_replication(sc, 2)
    assert 0 < loop < whole
    assert bench.events_per_replication(sc, 2) > 10
    assert bench.floor_us_per_event(1000) > 0


def test_a_million_runs_is_extrapolated_along_the_two_sizes_or_taken_as_measured() -> None:
    scale = _bench().scale
    sizes = {10_000: {"wall_seconds": 20.0, "peak_rss_mb": 160.0},
             100_000: {"wall_seconds": 150.0, "peak_rss_mb": 205.0}}
    said = scale.million(sizes)
    assert said["million_runs_seconds"] == 1500.0
    assert said["peak_memory_million_mb"] == 655.0  # 0.5 KB a run from 10,000 to 100,000
    assert said["million_measured_or_extrapolated"].startswith("extrapolated")
    sizes[scale.MILLION] = {"wall_seconds": 1400.0, "peak_rss_mb": 640.0}
    assert scale.million(sizes) == {"million_measured_or_extrapolated": "measured",
                                    "million_runs_seconds": 1400.0,
                                    "peak_memory_million_mb": 640.0}


@pytest.mark.slow
def test_the_long_run_pieces_run_on_a_few_replications() -> None:
    scale = _bench().scale
    sc = load(ROOT / "scenarios" / "baseline.toml").with_values({"horizon_days": 3})
    pool = scale.sweep_overhead(sc, 1, points=3, runs=20, repeats=1)
    assert pool["seconds_points"] > 0 and pool["sweep_overhead"] > -1
    stored = scale.checkpoint_bytes(sc, 1, runs=120, chunk=50)
    assert stored["chunks"] == 3 and 0 < stored["checkpoint_bytes_per_run"] < 2000


def test_the_cost_of_a_replication_in_floor_events_is_measured_and_committed() -> None:
    """`replication_floor_events` (the cost of a replication): a few replications of a short
    baseline cost some floor events; the committed figure is there."""
    sc = load(ROOT / "scenarios" / "baseline.toml").with_values({"horizon_days": 3})
    assert 0 < _bench().replication_floor_events(sc, rounds=1, reps=2) < 1e6
    result = json.loads((ROOT / "benchmarks" / "latest.json").read_text())
    assert result["replication_floor_events"] > 0


def test_the_committed_targets_are_those_the_committed_figures_meet() -> None:
    """bench_table.targets, applied to latest.json's figures, gives latest.json's verdicts."""
    result = json.loads((ROOT / "benchmarks" / "latest.json").read_text())
    assert _bench().targets(result) == result["targets"]
