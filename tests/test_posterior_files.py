"""Posterior files: their content is part of the scenario hash, results folders carry a copy
(so moving the original breaks nothing), and errors never show another file's content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.runs import checkpoint
from sim.scenario import ScenarioError, load

from conftest import cli, ok, same_bytes

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--runs", "40", "--seed", "5", "--executor", "serial", "--no-figures", "-q"]


def _scenario(folder: Path, values: str = "0.2\n0.4\n0.6\n") -> Path:
    """A scenario that draws world.tension from `tension.csv` next to it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tension.csv").write_text("distance,param.world.tension\n"
                                        + "".join(f"1,{v}\n" for v in values.split()))
    (folder / "s.toml").write_text(f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\n'
                                   'name = "drawn"\n[world]\n'
                                   'tension = { posterior = "tension.csv" }\n')
    return folder / "s.toml"


def test_the_hash_follows_the_content_not_the_place(tmp_path: Path) -> None:
    here, there = _scenario(tmp_path / "a"), _scenario(tmp_path / "b")
    assert load(here).digest() == load(there).digest()
    changed = _scenario(tmp_path / "c", "0.2\n0.4\n0.7\n")
    assert load(changed).digest() != load(here).digest()


@pytest.mark.slow
def test_a_results_folder_keeps_its_posterior(tmp_path: Path) -> None:
    source, out = _scenario(tmp_path / "in"), tmp_path / "out"
    ok(cli("run", source, "--out", out, *ARGS))
    assert (out / "posteriors" / "tension.csv").read_bytes() == \
        (tmp_path / "in" / "tension.csv").read_bytes()
    assert 'posterior = "posteriors/tension.csv"' in (out / "scenario.toml").read_text()
    assert load(out / "scenario.toml").digest() == load(source).digest()
    shutil.rmtree(tmp_path / "in")  # the original is moved away
    assert "drawn" in ok(cli("summary", out)).output
    ok(cli("plot", out))
    assert len(list((out / "figures").glob("*.png"))) == 4
    ok(cli("story", out, "--replication", "2"))


def test_an_edited_posterior_is_not_mixed_into_a_resumed_run(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    source, out, whole = _scenario(tmp_path / "in"), tmp_path / "out", tmp_path / "whole"
    ok(cli("run", source, "--out", whole, "--chunk-size", "10", *ARGS))
    with monkeypatch.context() as patch:
        patch.setattr(checkpoint.chunkfile, "write", _stop)
        assert cli("run", source, "--out", out, "--chunk-size", "10", *ARGS).exit_code == 130
    _scenario(tmp_path / "in", "0.1\n0.2\n0.3\n")  # edited between interrupt and resume
    edited = cli("run", source, "--resume", out, *ARGS[-2:])
    assert edited.exit_code == 2 and "the interrupted run used a scenario with sha256" in \
        edited.stderr
    ok(cli("run", "--resume", out, *ARGS[-2:]))  # its own copy of the posterior
    same_bytes(whole, out)


def _stop(*args: object, write: object = checkpoint.chunkfile.write) -> None:
    """Save the first chunk, then stop as Ctrl-C would."""
    write(*args)  # type: ignore[operator]
    raise KeyboardInterrupt


def test_an_error_does_not_show_another_files_first_line(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("user:s3cr3t-hash:0:0\nmore\n")
    (tmp_path / "s.toml").write_text(f'extends = "{ROOT / "scenarios" / "baseline.toml"}"\n'
                                     '[world]\ntension = { posterior = "secret.txt" }\n')
    with pytest.raises(ScenarioError) as err:
        load(tmp_path / "s.toml")
    assert "s3cr3t" not in str(err.value) and "user" not in str(err.value)
    assert "no param.<path> columns in its first line" in str(err.value)


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    source = _scenario(tmp_path)
    (tmp_path / "tension.csv").write_text("param.world.tension,param.world.tension\n0.1,0.2\n")
    result = cli("check", source)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "param.world.tension more than once" in result.stderr
