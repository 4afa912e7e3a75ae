"""After the bar is full, each step that takes seconds (intervals, figures) is told on stderr,
in order, and never on stdout, which holds only the results."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.analysis import jobs
from sim.cli import common
from sim.runs import job
from sim.runs.ensemble import Ensemble

from conftest import cli, ok

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"
ABOUT = {"made_by": "sim", "kind": "test", "command": "test", "version": "0", "created": "now"}


class Recorder:
    """A progress that writes down what happens, in order: ticks, the bar closing, each step."""

    def __init__(self) -> None:
        self.said: list[str] = []

    @contextlib.contextmanager
    def __call__(self, total: int) -> Iterator[Callable[[int], Any]]:
        yield lambda done: None
        self.said.append("bar full")

    def say(self, doing: str) -> None:
        self.said.append(doing)

    def drawn(self, *data: Any) -> None:
        folder = data[-1]
        (folder / "f.txt").write_text("drawn")
        self.said.append("figures drawn")


def test_a_run_says_it_writes_and_draws_after_the_bar(tmp_path: Path) -> None:
    p = Recorder()

    def figures(ens: Ensemble) -> Callable[[Path], None]:
        return p.drawn

    job.run(BASELINE, 3, 1, about=ABOUT, workers=1, out=tmp_path / "r", figures=figures,
            progress=p)
    assert p.said == ["bar full", "writing the results folder...", "drawing figures...",
                      "figures drawn"]
    assert (tmp_path / "r" / "figures" / "f.txt").is_file()


def test_a_comparison_says_when_it_computes_intervals_then_draws(tmp_path: Path) -> None:
    p = Recorder()
    jobs.compare([BASELINE, BASELINE], 3, 1, about=ABOUT, workers=1, out=tmp_path / "c",
                 figures=p.drawn, progress=p)
    assert p.said == ["bar full", "computing the differences, their intervals and tests...",
                      "drawing figures...", "figures drawn"]


def test_a_sweep_says_when_it_computes_medians_then_draws(tmp_path: Path) -> None:
    p = Recorder()
    jobs.sweep(BASELINE, ["world.trust=0.1,0.2"], 2, 1, about=ABOUT, workers=1,
               out=tmp_path / "s", figures=p.drawn, progress=p)
    assert p.said == ["bar full", "computing the medians and their intervals...",
                      "drawing figures...", "figures drawn"]


def test_without_a_folder_or_figures_nothing_is_said(tmp_path: Path) -> None:
    p = Recorder()
    job.run(BASELINE, 2, 1, about=ABOUT, workers=1, progress=p)
    job.run(BASELINE, 2, 1, about=ABOUT, workers=1, out=tmp_path / "r", progress=p)
    assert p.said == ["bar full", "bar full", "writing the results folder..."]


def test_the_commands_steps_go_to_stderr_only(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """As on a terminal: the bar and the steps on stderr, the table alone on stdout."""
    monkeypatch.setattr(common.sys.stderr, "isatty", lambda: True, raising=False)
    shown = common.Bar(quiet=False)
    assert shown.shown and not common.Bar(quiet=True).shown
    monkeypatch.setattr(common.Bar, "__init__", lambda self, quiet: setattr(self, "shown", True))
    result = ok(cli("run", BASELINE, "--runs", "2", "--workers", "1", "--out", tmp_path / "r"))
    assert "writing the results folder...\ndrawing figures...\n" in result.stderr
    assert "2/2" in result.stderr  # the bar, before them
    assert result.stderr.index("2/2") < result.stderr.index("drawing figures...")
    assert "drawing" not in result.stdout and result.stdout.startswith("End states over 2")


def test_the_python_bar_tells_the_steps_too(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    import sim

    sim.run(BASELINE, runs=2, workers=1, out=tmp_path / "r", figures=False)
    out, err = capsys.readouterr()
    assert out == "" and "2/2" in err and err.endswith("writing the results folder...\n")


def test_validation_and_calibration_say_what_follows_the_bar(tmp_path: Path) -> None:
    from sim.fitting import jobs as fitting

    history = BASELINE.parent / "historical_2023.toml"
    observed = BASELINE.parent.parent / "data" / "nk2023_arrivals_early.csv"
    p = Recorder()
    fitting.validate(history, observed, "departed", None, 3, 1, about=ABOUT, workers=1,
                     out=tmp_path / "v", progress=p)
    assert p.said == ["bar full", "writing the results..."]
    p = Recorder()
    fitting.calibrate(history, observed, ["outflow.corridor_capacity_per_hour"], 0.5,
                      "departed", None, 6, 0, 2, 1, about=ABOUT, workers=1, out=tmp_path / "c",
                      progress=p)
    assert p.said == ["bar full", "running the calibrated scenario 2 times..."]
