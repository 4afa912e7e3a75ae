"""Input files are read safely, and what the hostile-input fixes must still accept is accepted."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from sim.scenario import ScenarioError, load
from sim.scenario.inputs import InputError, read_bytes

from conftest import ROOT, cli, ok

BARE = 'name = "bare"\nstart = 2023-09-21T13:00:00+04:00\nhorizon_days = 3\n'


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_bytes(fifo, "scenario file")


def test_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 101)
    assert read_bytes(path, "file", limit=101) == b"x" * 101
    with pytest.raises(InputError, match="too big for a file"):
        read_bytes(path, "file", limit=100)


def test_sweep_into_a_section_the_file_leaves_out(tmp_path: Path) -> None:
    (tmp_path / "bare.toml").write_text(BARE)
    out = tmp_path / "out"
    ok(cli("sweep", tmp_path / "bare.toml", "--set", "supplies.convoys_per_day=0,2",
           "--runs", "2", "--no-figures", "--quiet", "--out", out))
    with (out / "sweep.csv").open() as f:
        assert [row["supplies.convoys_per_day"] for row in csv.DictReader(f)] == ["0", "2"]


def test_whole_numbers_written_as_floats_are_whole_numbers(tmp_path: Path) -> None:
    """A posterior file holds floats: 2.0 rounds are 2 rounds; true and 2.5 are not."""
    (tmp_path / "p.csv").write_text("param.negotiation.max_unproductive_rounds\n2.0\n5.0\n")
    path = tmp_path / "s.toml"
    path.write_text(BARE + "runs = 3.0\n[negotiation]\n"
                    'max_unproductive_rounds = { posterior = "p.csv" }\n')
    sc = load(path)
    assert sc.params.runs == 3 and isinstance(sc.params.runs, int)
    drawn = {sc.draw(np.random.default_rng(k))[0].negotiation.max_unproductive_rounds
             for k in range(20)}
    assert drawn == {2, 5}
    for bad in ("true", "2.5"):
        path.write_text(BARE + f"runs = {bad}\n")
        with pytest.raises(ScenarioError, match="runs: Input should be a valid integer"):
            load(path)


def test_an_event_day_and_a_switch_may_still_vary(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(BARE + '[[events]]\nname = "e"\nday = { uniform = [0.5, 2] }\n'
                    "set = { corridor_open = { choice = [true, false] } }\n")
    assert set(load(path).distributions) == {"events.0.day", "events.0.set.corridor_open"}


def test_a_byte_order_mark_and_crlf_are_read(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BARE.replace("\n", "\r\n").encode())
    assert load(path).params.horizon_days == 3


def test_an_event_named_with_a_dot_can_still_be_changed(tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text(BARE + '[[events]]\nname = "talks. again"\nday = 1\n')
    path = tmp_path / "child.toml"
    path.write_text('extends = "parent.toml"\n[events."talks. again"]\nday = 2\n')
    assert load(path).params.events[0].day == 2


def test_workers_beyond_four_per_core_are_refused(tmp_path: Path) -> None:
    result = cli("run", ROOT / "scenarios" / "baseline.toml", "--workers",
                 str(4 * (os.cpu_count() or 1) + 1), "--out", tmp_path / "out")
    assert result.exit_code == 2 and "--workers" in result.stderr
    assert list(tmp_path.iterdir()) == []
