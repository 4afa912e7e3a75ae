"""Scale: Dask gives the local executor's bytes; interrupted runs resume to the same bytes;
quantile-only series keep memory flat and still draw the figures. No timings here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sim.runs import checkpoint
from sim.runs import folder as results
from sim.runs.ensemble import run_ensemble
from sim.runs.folder import ResultsError
from sim.runs.quantiles import LEVELS, Histograms
from sim.scenario import load

from conftest import child_pids, cli, new_children, same_bytes

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
RUNS, CHUNK = "2000", "50"  # 40 chunks: a kill after the third lands seconds before the last
pytestmark = pytest.mark.slow  # Dask clusters, kills and resumes of 600 runs


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted run on the local pool."""
    out = tmp_path_factory.mktemp("ref") / "ref"
    result = cli("run", BASELINE, "--runs", RUNS, "--seed", "11", "--out", out, "--workers", "2",
                 "--no-figures", "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_dask_cluster_gives_the_local_executors_bytes(reference: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        out = tmp_path / "dask"
        result = cli("run", BASELINE, "--runs", RUNS, "--seed", "11", "--out", out,
                     "--scheduler", cluster.scheduler_address, "--chunk-size", "70",
                     "--no-figures", "--quiet")
        assert result.exit_code == 0, result.output
    same_bytes(reference, out)
    assert not checkpoint.partial_folder(out).exists()


def test_dask_starts_and_closes_its_own_local_cluster() -> None:
    pytest.importorskip("distributed")
    sc, before = load(BASELINE), child_pids()
    dask = run_ensemble(sc, 60, 5, executor="dask", workers=2, chunk_size=15)
    assert not new_children(before)  # the cluster's processes ended with the run
    local = run_ensemble(sc, 60, 5, executor="serial")
    assert dask.rows == local.rows
    for name in local.series:
        assert np.array_equal(dask.series[name], local.series[name])


def _start(out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", "run", str(BASELINE), "--runs", RUNS, "--seed", "11",
         "--out", str(out), "--chunk-size", CHUNK, "--executor", "serial", "--no-figures", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _stop_after_chunks(proc: subprocess.Popen[str], out: Path, sig: int) -> tuple[str, str]:
    """Send `sig` once three chunks are saved (the run has 40)."""
    chunks = checkpoint.partial_folder(out) / "chunks"
    deadline = time.monotonic() + 120
    while len(list(chunks.glob("0*.npz"))) < 3:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(proc.pid, sig)
    return proc.communicate(timeout=120)


def test_resume_after_a_kill_gives_the_uninterrupted_bytes(reference: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "killed"
    _stop_after_chunks(_start(out), out, signal.SIGKILL)
    assert not out.exists()  # never a half-written results folder
    saved = checkpoint.Checkpoint(checkpoint.partial_folder(out)).saved_runs()
    assert 0 < saved < int(RUNS)
    result = cli("run", "--resume", out, "--workers", "2", "--no-figures", "--quiet")
    assert result.exit_code == 0, result.output
    same_bytes(reference, out)
    assert not checkpoint.partial_folder(out).exists()


def test_ctrl_c_says_how_to_resume_without_a_traceback(reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "stopped"
    proc = _start(out)
    _, err = _stop_after_chunks(proc, out, signal.SIGINT)
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert f"sim run --resume {out}" in err and "replications are saved in" in err
    assert not out.exists()
    # the same run again, not resumed, is refused: it would throw the saved chunks away
    again = cli("run", BASELINE, "--runs", RUNS, "--seed", "11", "--out", out)
    assert again.exit_code == 2 and "--resume" in again.output
    wrong = cli("run", BASELINE, "--resume", out, "--seed", "12")
    assert wrong.exit_code == 2 and "--seed 11, not --seed 12" in wrong.output
    other = cli("run", ROOT / "scenarios" / "strong_mediation.toml", "--resume", out)
    assert other.exit_code == 2 and "scenario" in other.output
    result = cli("run", BASELINE, "--resume", out, "--executor", "serial", "--no-figures", "-q")
    assert result.exit_code == 0, result.output
    same_bytes(reference, out)


def test_resume_without_an_interrupted_run_is_refused(tmp_path: Path) -> None:
    result = cli("run", "--resume", tmp_path / "nothing")
    assert result.exit_code == 2
    assert "no interrupted run to resume" in result.output
    assert "Traceback" not in result.output


def test_an_interrupted_ensemble_resumes_in_process(tmp_path: Path) -> None:
    sc = load(BASELINE)
    cp = checkpoint.create(tmp_path / "x", {"runs": 90}, sc)
    done = []

    def stop_after_two(count: int) -> None:
        done.append(count)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ensemble(sc, 90, 4, executor="serial", chunk_size=20, checkpoint=cp,
                     progress=stop_after_two)
    assert cp.completed() == [(0, 20), (20, 20)]
    resumed = run_ensemble(sc, 90, 4, workers=2, chunk_size=20, checkpoint=cp)
    whole = run_ensemble(sc, 90, 4, executor="serial")
    assert resumed.rows == whole.rows
    for name in whole.series:
        assert np.array_equal(resumed.series[name], whole.series[name])


def test_quantile_series_are_close_to_the_exact_ones_and_still_draw(tmp_path: Path) -> None:
    sc = load(BASELINE)
    full = run_ensemble(sc, 300, 9, workers=2, chunk_size=40)
    kept = run_ensemble(sc, 300, 9, executor="serial", series="quantiles", chunk_size=70)
    assert kept.rows == full.rows and kept.levels == LEVELS
    people_bin = 1.0  # bins of counts double in width until the largest value fits
    while max(row["param.world.population_people"] for row in full.rows) >= 2048 * people_bin:
        people_bin *= 2
    for name in full.series:
        exact = np.quantile(full.series[name], LEVELS, axis=0)
        error = np.abs(kept.quantiles[name] - exact)
        assert error[[0, -1]].max() < 1e-6, name  # the minimum and maximum are exact
        bound = {"tension": 1 / 2048, "trust": 1 / 2048, "hunger": 1 / 2048, "incidents": 1e-6,
                 "issues_settled": 1e-6}.get(name, people_bin)
        assert error.max() <= bound, name
        assert kept.fan(name).shape == (5, full.time_days.size)
    with pytest.raises(ResultsError, match="--series full"):
        kept.series["departed"]
    # written and read back, and the standard figures draw from the quantiles alone
    out = tmp_path / "q"
    from sim.figures.standard import save_standard_figures

    results.write(kept, out, {"seed": 9}, lambda folder: save_standard_figures(kept, folder))
    back, _ = results.read(out)
    assert back.levels == LEVELS
    for name in full.series:
        assert np.array_equal(back.quantiles[name], kept.quantiles[name])
    assert len(list((out / "figures").glob("*.png"))) == 4


def test_quantile_memory_does_not_grow_with_runs() -> None:
    few, many = Histograms(["departed"], 121), Histograms(["departed"], 121)
    rng = np.random.default_rng(0)
    few.add({"departed": rng.integers(0, 120_000, (10, 121)).astype(np.float32)})
    for _ in range(20):
        many.add({"departed": rng.integers(0, 120_000, (500, 121)).astype(np.float32)})
    assert few.counts["departed"].nbytes == many.counts["departed"].nbytes
    assert many.runs == 10_000


def test_a_quantiles_only_folder_can_be_compared(tmp_path: Path) -> None:
    """Comparison fan charts read the kept quantiles; they need no replication's series."""
    q, out = tmp_path / "q", tmp_path / "cmp"
    ran = cli("run", BASELINE, "--runs", "20", "--series", "quantiles", "--out", q, "--quiet",
              "--no-figures", "--executor", "serial")
    assert ran.exit_code == 0, ran.output
    compared = cli("compare", q, q, "--out", out, "--quiet")
    assert compared.exit_code == 0, compared.output
    assert (out / "figures" / "departures.png").stat().st_size > 10_000
