"""Long runs' storage and pools: chunks of histograms resume to the same quantiles, the outcome
table is never held twice, and the points of a sweep share one pool and still give each point
the ensemble it gives alone."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.analysis import sweep as sweeping
from sim.figures.style import MOST_STEPS, thinned
from sim.runs import checkpoint, chunkfile, executors
from sim.runs.ensemble import Job, run_ensemble, run_ensembles
from sim.runs.quantiles import Histograms
from sim.runs.table import Filling, OutcomeTable
from sim.scenario import load

from conftest import cli, same_bytes

ROOT = Path(__file__).resolve().parent.parent
SHORT = load(ROOT / "scenarios" / "baseline.toml").with_values({"horizon_days": 12})
NAMES = ("departed", "tension")


def _chunks(rng: np.random.Generator) -> list[dict[str, np.ndarray]]:
    """Chunks whose counts need wider bins later on (so merging must coarsen one side)."""
    return [{"departed": rng.integers(0, top, (n, 7)).astype(np.float32),
             "tension": rng.random((n, 7)).astype(np.float32)}
            for n, top in ((40, 300), (25, 90_000), (60, 5_000))]


def test_histograms_merged_chunk_by_chunk_count_as_adding_every_chunk() -> None:
    parts = _chunks(np.random.default_rng(3))
    whole = Histograms(NAMES, 7)
    for part in parts:
        whole.add(part)
    merged = Histograms(NAMES, 7)
    for part in reversed(parts):  # any order, each chunk counted alone and packed
        alone = Histograms(NAMES, 7)
        alone.add(part)
        merged.merge(Histograms.unpack(NAMES, alone.pack()))
    assert merged.runs == whole.runs == 125
    for name in NAMES:
        assert merged.width[name] == whole.width[name]
        assert np.array_equal(merged.counts[name], whole.counts[name])
    for name, q in whole.quantiles().items():
        assert np.array_equal(merged.quantiles()[name], q)
    assert whole.width["departed"] == 64  # 90,000 needs bins 64 wide among 2,048


def test_a_packed_histogram_that_does_not_add_up_is_refused() -> None:
    counted = Histograms(NAMES, 7)
    counted.add(_chunks(np.random.default_rng(4))[0])
    packed = counted.pack()
    assert packed["departed.counts"].dtype == np.uint16  # the narrowest type that holds them
    short = {**packed, "tension.counts": packed["tension.counts"][:-1] * 0 + 1}
    with pytest.raises(ValueError):
        Histograms.unpack(NAMES, short)
    beyond = {**packed, "departed.gaps": packed["departed.gaps"] + 2048}
    with pytest.raises(ValueError, match=r"out of place|add up"):
        Histograms.unpack(NAMES, beyond)


def _stopped_after_two(sc: Any, runs: int, cp: checkpoint.Checkpoint, series: str) -> None:
    done = []

    def stop(count: int) -> None:
        done.append(count)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ensemble(sc, runs, 4, executor="serial", chunk_size=20, checkpoint=cp,
                     progress=stop, series=series)


def test_a_quantiles_run_resumes_from_histograms_to_the_same_quantiles(tmp_path: Path) -> None:
    cp = checkpoint.create(tmp_path / "q", {"runs": 90}, SHORT)
    _stopped_after_two(SHORT, 90, cp, "quantiles")
    assert cp.completed() == [(0, 20), (20, 20)]
    with np.load(cp.folder / "chunks" / chunkfile.name(0, 20)) as npz:
        kept = set(npz.files)
    assert "data.departed.gaps" in kept and "data.departed" not in kept  # no series on disk
    resumed = run_ensemble(SHORT, 90, 4, workers=2, chunk_size=20, checkpoint=cp,
                           series="quantiles")
    whole = run_ensemble(SHORT, 90, 4, executor="serial", series="quantiles")
    assert resumed.rows == whole.rows
    assert resumed.quantiles.keys() == whole.quantiles.keys()
    for name, q in whole.quantiles.items():
        assert np.array_equal(resumed.quantiles[name], q), name


def test_sim_run_with_quantiles_stopped_then_resumed_writes_the_uninterrupted_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, whole, out = tmp_path / "short.toml", tmp_path / "whole", tmp_path / "out"
    source.write_text(f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\nhorizon_days = 12\n')
    args = ("--runs", "60", "--seed", "3", "--series", "quantiles", "--chunk-size", "20",
            "--executor", "serial", "--no-figures", "--quiet")
    assert cli("run", source, "--out", whole, *args).exit_code == 0
    write = chunkfile.write

    def stop(*given: Any) -> None:
        write(*given)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(chunkfile, "write", stop)
        assert cli("run", source, "--out", out, *args).exit_code == 130
    assert checkpoint.Checkpoint(checkpoint.partial_folder(out)).saved_runs() == 20
    resumed = cli("run", "--resume", out, "--workers", "2", "--no-figures", "--quiet")
    assert resumed.exit_code == 0, resumed.output
    same_bytes(whole, out)


def test_chunks_of_full_series_are_not_read_as_histograms(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    cp = checkpoint.create(tmp_path / "f", {"runs": 60}, SHORT)
    _stopped_after_two(SHORT, 60, cp, "full")
    resumed = run_ensemble(SHORT, 60, 4, executor="serial", chunk_size=20, checkpoint=cp,
                           series="quantiles")
    assert "it says another series" in capsys.readouterr().err
    whole = run_ensemble(SHORT, 60, 4, executor="serial", series="quantiles")
    for name, q in whole.quantiles.items():
        assert np.array_equal(resumed.quantiles[name], q), name


def test_a_chunk_of_histograms_is_a_fraction_of_one_of_series(tmp_path: Path) -> None:
    size = {}
    for series in ("full", "quantiles"):
        cp = checkpoint.create(tmp_path / series, {"runs": 200}, SHORT)
        run_ensemble(SHORT, 200, 5, executor="serial", chunk_size=200, checkpoint=cp,
                     series=series)
        size[series] = (cp.folder / "chunks" / chunkfile.name(0, 200)).stat().st_size
    assert size["quantiles"] < size["full"] / 2, size  # the outcomes are most of it here


def test_a_table_filled_chunk_by_chunk_in_any_order_is_the_joined_one() -> None:
    parts = [OutcomeTable.from_rows([{"a": 1, "b": None, "c": "x"}, {"a": 2, "b": None,
                                                                       "c": "y"}]),
             OutcomeTable.from_rows([{"a": 3, "b": 4, "c": "z"}]),
             OutcomeTable.from_rows([{"a": 5, "b": 6.5, "c": "w"}])]
    filling = Filling(4)
    for start, part in ((3, parts[2]), (0, parts[0]), (2, parts[1])):
        filling.put(start, part)
    joined = filling.table()
    assert joined == OutcomeTable.concat(parts)
    assert joined.column("b") == [None, None, 4, 6.5]  # kinds differ: typed as concat types them
    assert joined.numbers("a") is not None and joined.numbers("c") is None
    gap = Filling(4)
    gap.put(0, parts[0])
    gap.put(3, parts[2])
    with pytest.raises(RuntimeError, match="do not fill 4 rows"):
        gap.table()


def test_a_million_steps_are_drawn_as_ten_thousand_with_both_ends() -> None:
    x = np.sort(np.random.default_rng(1).random(1_000_000))
    y = np.arange(1, x.size + 1) / x.size
    xs, ys = thinned(x, y)
    assert xs.size <= MOST_STEPS and (xs[0], xs[-1], ys[-1]) == (x[0], x[-1], 1.0)
    assert np.max(np.diff(ys)) <= 1.02 / MOST_STEPS  # each drawn step a ten-thousandth high
    few = np.arange(5.0)
    assert thinned(few, few)[0] is few


def test_a_column_of_another_kind_is_refused() -> None:
    table = OutcomeTable.from_rows([{"a": 1.5}, {"a": None}])
    assert OutcomeTable.from_arrays(table.arrays()) == table
    with pytest.raises(ValueError, match="not a int column"):
        OutcomeTable.from_arrays([("a", "int", np.array([1.5, 2.5]))])
    with pytest.raises(ValueError, match="of 2 values"):
        OutcomeTable.from_arrays([("a", "int", np.array([1, 2])), ("b", "int", np.array([1]))])


def _points() -> list[Job]:
    return [Job(SHORT.with_values({"ceasefire.peacekeeper_deterrence": d}), 30, 8)
            for d in (0.0, 0.5, 1.0)]


@pytest.mark.parametrize("workers", [1, 2])
def test_ensembles_sharing_a_pool_are_those_run_alone(workers: int) -> None:
    together = run_ensembles(_points(), workers=workers, chunk_size=10)
    for job, ens in zip(_points(), together, strict=True):
        alone = run_ensemble(job.scenario, job.runs, job.seed, executor="serial")
        assert ens.rows == alone.rows
        for name, values in alone.series.items():
            assert np.array_equal(ens.series[name], values), name


def test_a_sweep_starts_one_pool_for_all_its_points(monkeypatch: pytest.MonkeyPatch) -> None:
    started = []

    class Counted(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            started.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(executors, "ProcessPoolExecutor", Counted)
    axis = sweeping.parse_set("ceasefire.peacekeeper_deterrence=0,0.5,1")
    result = sweeping.run_sweep(SHORT, [axis], sweeping.grid(SHORT, [axis]), 20, 8, workers=2,
                                chunk_size=10)
    assert len(started) == 1 and len(result.points) == 3


@pytest.mark.slow  # a Dask cluster of two worker processes
def test_dask_runs_the_chunks_of_several_scenarios() -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        dask = run_ensembles(_points(), executor="dask", scheduler=cluster.scheduler_address,
                             chunk_size=10, series="quantiles")
    for job, ens in zip(_points(), dask, strict=True):
        alone = run_ensemble(job.scenario, job.runs, job.seed, executor="serial",
                             series="quantiles")
        assert ens.rows == alone.rows
        for name, q in alone.quantiles.items():
            assert np.array_equal(ens.quantiles[name], q), name
