"""The teaching kit runs exactly as written: every `sim` command of every worksheet, the notebooks.

Each worksheet runs in its own temporary copy of scenarios/, data/ and exercises/, with the
commands' own run counts, so nothing is written into the repository."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

EXERCISES = ROOT / "exercises"
WORKSHEETS = sorted(EXERCISES.glob("[0-9][0-9]_*.md"))
NOTEBOOKS = sorted(EXERCISES.glob("*.ipynb"))
BIN = Path(sys.executable).parent
FENCE = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
SECTIONS = ("## Learning goals", "## The situation", "## Predict first", "## Run it",
            "## What to look at", "## Debrief")
#: The most replications a classroom command may ask for (a laptop answers in seconds).
MAX_RUNS = 100
Ran = tuple[str, subprocess.CompletedProcess[str] | None]


def commands(md: Path) -> list[str]:
    """The `sim ...` lines of the ```sh blocks, with backslash continuations joined."""
    found = []
    for block in FENCE.findall(md.read_text()):
        joined = re.sub(r"\\\n\s*", " ", block)
        found += [line.strip() for line in joined.splitlines() if line.startswith("sim ")]
    return found


def classroom(tmp: Path) -> Path:
    """A working copy with what the worksheets read; results/ is created by the commands."""
    for name in ("scenarios", "data", "exercises"):
        shutil.copytree(ROOT / name, tmp / name,
                        ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    return tmp


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "MPLBACKEND": "Agg"}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_there_are_six_worksheets_a_teacher_guide_and_notebooks() -> None:
    assert len(WORKSHEETS) >= 6
    assert (EXERCISES / "TEACHER.md").is_file()
    assert len(NOTEBOOKS) >= 2
    assert len(list((EXERCISES / "class").glob("*.toml"))) >= 3


@pytest.mark.parametrize("md", WORKSHEETS, ids=lambda p: p.stem)
def test_worksheet_is_complete_and_classroom_sized(md: Path) -> None:
    text = md.read_text()
    for section in SECTIONS:
        assert section in text, f"{md.name}: no {section!r}"
    assert "make demo" in text and ".venv" in text, f"{md.name}: no setup line"
    assert re.search(r"\b(45|50|55|60|70|75|80|90) minutes\b", text), f"{md.name}: no timing"
    found = commands(md)
    assert found, f"{md.name}: no sim commands"
    for command in found:
        words = shlex.split(command, comments=True)
        if words[1] in ("run", "compare", "sweep", "validate", "calibrate", "backtest"):
            runs = words[words.index("--runs") + 1] if "--runs" in words else None
            assert runs and int(runs) <= MAX_RUNS, f"{md.name}: {command}: give --runs <= 100"
        if words[1] == "story" and "--pick" in words and words[2].endswith(".toml"):
            assert "--runs" in words, f"{md.name}: {command}: give --runs with --pick"
        if "--out" in words:
            assert words[words.index("--out") + 1].startswith("results/"), command


def _run_worksheet(md: Path, here: Path, listed: str) -> list[Ran]:
    """The worksheet's commands in order, until one fails or names a command that is missing."""
    done: list[Ran] = []
    for command in commands(md):
        sub = shlex.split(command)[1]
        if not re.search(rf"^\s+{sub}\s", listed, re.M):
            done.append((command, None))
            break
        done.append((command, run(command, here)))
        if done[-1][1].returncode:  # type: ignore[union-attr]
            break
    return done


def _run_notebooks(here: Path) -> subprocess.CompletedProcess[str]:
    """`pytest --nbmake exercises/*.ipynb`, in a copy so nothing lands beside the originals."""
    for nb in NOTEBOOKS:
        shutil.copy(nb, here / "exercises" / nb.name)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbmake", "--nbmake-timeout=60", "-q",
         "-p", "no:cacheprovider", *[f"exercises/{nb.name}" for nb in NOTEBOOKS]],
        cwd=here, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"})


def _worksheet_job(md: Path, here: Path, listed: str) -> tuple[Path, list[Ran]]:
    return here, _run_worksheet(md, here, listed)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every worksheet (and the notebooks) run at once, a few at a time, each in its own copy."""
    listed = run("sim --help", ROOT).stdout
    jobs: dict[str, Future[Any]] = {}
    with ThreadPoolExecutor(max_workers=3) as pool:
        if importlib.util.find_spec("nbmake"):
            jobs["notebooks"] = pool.submit(
                _run_notebooks, classroom(tmp_path_factory.mktemp("notebooks")))
        for md in WORKSHEETS:
            here = classroom(tmp_path_factory.mktemp(md.stem))
            jobs[md.stem] = pool.submit(_worksheet_job, md, here, listed)
        return {name: job.result() for name, job in jobs.items()}


@pytest.mark.slow
@pytest.mark.parametrize("md", WORKSHEETS, ids=lambda p: p.stem)
def test_worksheet_commands_run_as_written(md: Path, ran: dict[str, Any]) -> None:
    here, done = ran[md.stem]
    assert len(done) == len(commands(md))
    for command, result in done:
        if result is None:
            pytest.xfail(f"`{command}`: that sim command does not exist yet")
        assert result.returncode == 0, f"{md.name}: {command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, f"{md.name}: {command}\n{result.stderr}"
        assert result.stdout.strip(), f"{md.name}: {command} printed nothing"
    # every figure and file the worksheet points to was written by its commands
    for path in sorted(set(re.findall(r"`(results/[^`\s]+\.(?:png|csv|txt|json))`",
                                      md.read_text()))):
        assert (here / path).is_file(), f"{md.name} points to {path}, which no command wrote"


@pytest.mark.slow
def test_notebooks_run_with_nbmake(ran: dict[str, Any]) -> None:
    """Each notebook runs top to bottom without an error (nbmake, from the dev extra)."""
    if "notebooks" not in ran:
        pytest.fail("nbmake is not installed: pip install -e '.[dev]'")
    done = ran["notebooks"]
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert f"{len(NOTEBOOKS)} passed" in done.stdout


def test_the_team_template_is_a_valid_what_if(tmp_path: Path) -> None:
    """The ```toml template of worksheet 6 passes `sim check` once saved beside the examples."""
    md = EXERCISES / "06_design_your_intervention.md"
    template = re.search(r"^```toml\n(.*?)^```", md.read_text(), re.M | re.S)
    assert template, "worksheet 6 has no ```toml template"
    here = classroom(tmp_path)
    (here / "exercises" / "class" / "team_x.toml").write_text(template.group(1))
    done = run("sim check exercises/class/team_x.toml", here)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("team", sorted((EXERCISES / "class").glob("*.toml")), ids=lambda p: p.stem)
def test_team_files_extend_the_baseline(team: Path) -> None:
    import tomllib

    tree = tomllib.loads(team.read_text())
    assert tree["extends"] == "../../scenarios/baseline.toml"
    assert tree["name"] and tree["description"].startswith("Team ")
