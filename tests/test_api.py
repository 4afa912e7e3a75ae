"""The Python API does what the command does: the same folders byte for byte, the same typed
errors for bad input, DataFrames for notebooks, and the README's examples run as written."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import sim
from sim.errors import ObservedError, OptionError, ResultsError, RunInterrupted, ScenarioError

from conftest import ROOT, cli, ok

BASELINE = ROOT / "scenarios" / "baseline.toml"
FILES = ("outcomes.csv", "series.npz", "summary.json", "scenario.toml")


def _same(a: Path, b: Path, names: tuple[str, ...] = FILES) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def by_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`sim run` of the baseline, 24 runs, seed 5, in chunks of 8."""
    out = tmp_path_factory.mktemp("cli") / "run"
    ok(cli("run", BASELINE, "--runs", 24, "--seed", 5, "--workers", 1, "--chunk-size", 8,
           "--out", out, "--no-figures", "--quiet"))
    return out


def test_run_writes_what_sim_run_writes_from_a_str_or_a_path(by_cli: Path,
                                                             tmp_path: Path) -> None:
    as_str = sim.run(str(BASELINE), runs=24, seed=5, workers=1, out=str(tmp_path / "a"),
                     progress=False, figures=False, chunk_size=8)
    as_path = sim.run(BASELINE, 24, 5, 1, "serial", tmp_path / "b", False, figures=False)
    assert as_str.folder == tmp_path / "a" and as_path.folder == tmp_path / "b"
    _same(by_cli, tmp_path / "a")
    _same(by_cli, tmp_path / "b")
    assert not list(tmp_path.glob(".*"))  # no checkpoint left behind


def test_run_in_memory_of_a_loaded_scenario_equals_the_folder(by_cli: Path,
                                                               tmp_path: Path) -> None:
    ens = sim.run(sim.load(BASELINE), runs=24, seed=5, workers=1, progress=False)
    assert ens.folder is None and list(tmp_path.iterdir()) == []
    back = sim.read(str(by_cli))
    assert back.folder == by_cli
    assert back.to_pandas().equals(ens.to_pandas())
    for name in sim.SERIES:
        np.testing.assert_array_equal(back.series[name], ens.series[name])
    # a notebook shows one line, not thousands of numbers
    assert repr(ens) == "<Ensemble 'baseline': 24 runs, seed 5, every series>"
    assert repr(back).endswith(f", folder {str(by_cli)!r}>")


def test_out_true_is_the_folder_sim_run_chooses(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    ens = sim.run(BASELINE, runs=np.int64(4), workers=1, out=True, progress=False,
                  figures=False)  # a numpy count, as a notebook may give
    assert ens.folder is not None and ens.folder.parent == Path("results") / "baseline"
    assert (tmp_path / ens.folder / "outcomes.csv").is_file()
    assert ens.runs == 4 and '"runs": 4,' in (tmp_path / ens.folder / "manifest.json").read_text()


def _stop_after_first_chunk(total: int) -> contextlib.AbstractContextManager[Any]:
    @contextlib.contextmanager
    def bar() -> Iterator[Callable[[int], None]]:
        def tick(done: int) -> None:
            raise KeyboardInterrupt

        yield tick

    return bar()


def test_an_interrupted_run_says_what_is_saved_and_resumes_to_the_same_bytes(
        by_cli: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    with pytest.raises(RunInterrupted) as stop:
        sim.run(BASELINE, runs=24, seed=5, workers=1, out=out, chunk_size=8, figures=False,
                progress=_stop_after_first_chunk)
    assert stop.value.code == 130
    assert "Interrupted: 8 of 24 replications are saved in" in stop.value.message
    assert f"Continue the run with: sim run --resume {out}" in stop.value.message
    assert not out.exists()
    ens = sim.run(None, resume=str(out), progress=False, figures=False)
    assert ens.folder == out
    _same(by_cli, out, ("outcomes.csv", "series.npz", "summary.json"))


def test_to_pandas_without_pandas_says_how_to_install_it(
        by_cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ens = sim.read(by_cli)
    monkeypatch.setitem(sys.modules, "pandas", None)
    for make in (ens.to_pandas, ens.series_frame):
        with pytest.raises(ImportError, match=re.escape("pip install 'peacesim[pandas]'")):
            make()


def test_frames_hold_the_outcomes_and_every_series_value(by_cli: Path) -> None:
    pd = pytest.importorskip("pandas")
    ens = sim.read(by_cli)
    df = ens.to_pandas()
    assert list(df.columns[:2]) == ["replication", sim.OUTCOMES[0]]
    assert len(df) == 24 and any(c.startswith("param.") for c in df.columns)
    frame = ens.series_frame()
    times = ens.time_days.size
    assert list(frame.columns) == ["replication", "time_days", "time", *sim.SERIES]
    assert len(frame) == 24 * times
    row = frame.iloc[3 * times + 5]
    assert row["replication"] == 3 and row["time_days"] == ens.time_days[5]
    assert row["departed"] == ens.series["departed"][3, 5]
    start = pd.Timestamp(ens.scenario.params.start)
    assert row["time"] == start + pd.Timedelta(days=float(ens.time_days[5]))


def test_a_quantiles_ensemble_frames_by_level() -> None:
    pytest.importorskip("pandas")
    ens = sim.run(BASELINE, runs=8, workers=1, series="quantiles", progress=False)
    frame = ens.series_frame()
    assert list(frame.columns[:1]) == ["quantile"]
    assert sorted(set(frame["quantile"])) == sorted(ens.levels)
    median = frame[frame["quantile"] == 0.5]["tension"].to_numpy()
    np.testing.assert_array_equal(median, ens.fan("tension", (0.5,))[0])


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda o: sim.run(BASELINE, runs=0, out=o), OptionError, "runs=0"),
    (lambda o: sim.run(BASELINE, seed=-1, out=o), OptionError, "seed=-1"),
    (lambda o: sim.run(BASELINE, runs=2.5, out=o), OptionError, "runs=2.5"),
    (lambda o: sim.run(BASELINE, workers=10_000, out=o), OptionError, "workers=10000"),
    (lambda o: sim.run(BASELINE, executor="cloud", out=o), OptionError, "cloud"),
    (lambda o: sim.run(BASELINE, scheduler="dask at home", out=o), OptionError,
     "not a scheduler address"),
    (lambda o: sim.run(BASELINE, scheduler="tcp://127.0.0.1:8786", scheduler_timeout=float("nan"),
                       out=o), OptionError, "scheduler_timeout=nan"),
    (lambda o: sim.run(BASELINE, scheduler="tcp://127.0.0.1:8786", scheduler_timeout=0, out=o),
     OptionError, "scheduler_timeout=0"),
    (lambda o: sim.run(BASELINE.with_name("nope.toml"), out=o), ScenarioError, "nope.toml"),
    (lambda o: sim.run(None, resume=o), ResultsError, "no interrupted run"),
    (lambda o: sim.compare([BASELINE], out=o), ScenarioError, "at least two"),
    (lambda o: sim.sweep(BASELINE, ["world.trust=2,3"], out=o), ScenarioError, "world.trust"),
    (lambda o: sim.sweep(BASELINE, {"world.nope": [1, 2]}, out=o), ScenarioError, "nope"),
    (lambda o: sim.validate(BASELINE, o.parent / "none.csv", out=o), ObservedError,
     "no such observed-data file"),
    (lambda o: sim.calibrate(BASELINE, ROOT / "data" / "nk2023_arrivals_early.csv",
                             "world.trust", out=o), ScenarioError, "world.trust"),
    (lambda o: sim.read(o), ResultsError, "not a results folder"),
])
def test_bad_input_raises_the_typed_error_and_writes_nothing(
        call: Callable[[Path], Any], error: type[Exception], words: str,
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(error, match=re.escape(words)):
        call(out)
    assert list(tmp_path.iterdir()) == []


def test_progress_false_is_silent_and_true_shows_a_bar(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    sim.run(BASELINE, runs=2, workers=1, progress=False)
    assert capsys.readouterr() == ("", "")
    sim.run(BASELINE, runs=2, workers=1)
    assert "2/2" in capsys.readouterr().err


def test_importing_sim_imports_no_heavy_library() -> None:
    code = ("import sys, sim; print(sorted(m for m in ('scipy', 'matplotlib', 'dask', "
            "'pandas', 'tqdm') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert found == "[]"


@pytest.mark.slow
def test_sweep_and_validate_write_what_the_commands_write(tmp_path: Path) -> None:
    observed = ROOT / "data" / "nk2023_arrivals_early.csv"
    historical = ROOT / "scenarios" / "historical_2023.toml"
    ok(cli("sweep", BASELINE, "--set", "world.trust=0.2,0.6", "--runs", 6, "--workers", 1,
           "--out", tmp_path / "s1", "--no-figures", "--quiet"))
    sim.sweep(str(BASELINE), {"world.trust": [0.2, 0.6]}, runs=6, workers=1,
              out=tmp_path / "s2", progress=False, figures=False)
    _same(tmp_path / "s1", tmp_path / "s2", ("sweep.csv", "scenario.toml"))
    ok(cli("validate", historical, "--observed", observed, "--runs", 10, "--workers", 1,
           "--out", tmp_path / "v1", "--quiet"))
    v = sim.validate(historical, str(observed), runs=10, workers=1, out=tmp_path / "v2",
                     progress=False)
    assert v.folder == tmp_path / "v2"
    _same(tmp_path / "v1", tmp_path / "v2", ("validation.json",))


def _readme_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Python API\n"):]
    section = section[:section.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```", section, re.S)


@pytest.mark.slow
def test_the_readme_python_examples_run_as_written(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    blocks = _readme_blocks()
    assert len(blocks) >= 3
    for name in ("scenarios", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "readme"}
    for block in blocks:
        exec(compile(block, "README.md (Python API)", "exec"), namespace)
    assert (tmp_path / "results" / "mine" / "outcomes.csv").is_file()
