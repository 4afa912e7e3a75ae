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
#: In "What to look at", the bullets about printed text; their "quoted" words are quoted output.
LOOK = re.compile(r"^## What to look at\n(.*?)(?=^## |\Z)", re.M | re.S)
PRINTED = re.compile(r"^- \*\*(?:The story|The picked stories|The (?:table|text|summary) "
                     r"printed by).*?(?=^- |\Z)", re.M | re.S)


def commands(md: Path) -> list[str]:
    """The `sim ...` lines of the ```sh blocks, with backslash continuations joined."""
    found = []
    for block in FENCE.findall(md.read_text()):
        joined = re.sub(r"\\\n\s*", " ", block)
        found += [line.strip() for line in joined.splitlines() if line.startswith("sim ")]
    return found


def quoted(md: Path) -> list[str]:
    """What the worksheet quotes of the printed output ("Talks, round 2 ... Some progress")."""
    look = LOOK.search(md.read_text())
    bullets = PRINTED.findall(look.group(1)) if look else []
    return [q for b in bullets for q in re.findall(r'"([^"]+)"', " ".join(b.split()))]


def printed(quote: str, output: str) -> bool:
    """The quote is in the output, whatever the line breaks and case; "..." stands for up to
    a few lines of anything."""
    parts = [re.escape(" ".join(part.split())) for part in quote.split("...")]
    return re.search(r".{0,300}?".join(parts), " ".join(output.split()),
                     re.I | re.S) is not None


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


def test_notebooks_load_the_shipped_scenarios_through_the_package() -> None:
    """A notebook copied anywhere still finds its scenarios: no path relative to a folder."""
    import json

    for nb in NOTEBOOKS:
        code = "".join(line for cell in json.loads(nb.read_text())["cells"]
                       if cell["cell_type"] == "code" for line in cell["source"])
        assert "sim.scenarios.path(" in code, nb.name
        assert not re.search(r"[\"'/]scenarios/|Path\.cwd\(\)", code), nb.name


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
    """`pytest --nbmake *.ipynb` on copies in a folder of their own, with no scenarios/ near:
    a student's copy finds the shipped scenarios through the package (`sim.scenarios`)."""
    for nb in NOTEBOOKS:
        shutil.copy(nb, here / nb.name)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbmake", "--nbmake-timeout=60", "-q",
         "-p", "no:cacheprovider", *[nb.name for nb in NOTEBOOKS]],
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
                _run_notebooks, tmp_path_factory.mktemp("notebooks"))
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
@pytest.mark.parametrize("md", WORKSHEETS, ids=lambda p: p.stem)
def test_the_output_a_worksheet_quotes_is_printed(md: Path, ran: dict[str, Any]) -> None:
    """A student looks for the words the sheet quotes: they must be in what the commands print."""
    output = "\n".join(r.stdout for _, r in ran[md.stem][1] if r is not None)
    missing = [q for q in quoted(md) if not printed(q, output)]
    assert not missing, f"{md.name} quotes {missing}, which its commands do not print"


def test_a_quote_is_found_across_line_breaks_and_only_if_printed() -> None:
    story = ("Fri 22 Sep 10:43  Talks, round 2, at Yevlakh. Some progress, but no new issue\n"
             "                  settled. (0 of 6 issues settled so far.)")
    assert printed("Talks, round 2 ... Some progress, but no new issue settled", story)
    assert not printed("Talks, round 2 ... No real progress", story)
    assert not printed("Talks, round 3 ... Some progress", story)
    assert quoted(EXERCISES / "01_three_mechanisms.md")[:2] == [
        "For teachers", "Talks, round 2 ... Some progress, but no new issue settled"]


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


def test_team_c_changes_nothing_before_its_amnesty_on_day_2() -> None:
    """"Amnesty on day 2": the same world as the baseline until the event, then the amnesty."""
    import numpy as np

    from sim.analysis.story import tell
    from sim.model import record_times, run_replication
    from sim.scenario import load

    base, team = load(ROOT / "scenarios" / "baseline.toml"), load(
        EXERCISES / "class" / "team_c_amnesty_day2.toml")
    same = {"name", "description", "events"}
    assert team.params.model_dump(exclude=same) == base.params.model_dump(exclude=same)
    added = team.params.events[len(base.params.events):]
    assert [e.day for e in added] == [2] and "amnesty" in added[0].name
    before = record_times(team.params) < 2
    for k in range(3):
        a, b = run_replication(base, k, 7), run_replication(team, k, 7)
        for name, series in a.series.items():
            np.testing.assert_array_equal(series[before], b.series[name][before], err_msg=name)
        assert [r for r in a.log if r.time_days < 2] == [r for r in b.log if r.time_days < 2]
        story = tell(team, b, k, 7)
        assert "Already agreed at the start" not in story
        assert "Sat 23 Sep 13:00  An amnesty is announced" in story
        assert "International monitors now at 100% of full strength" in " ".join(story.split())
