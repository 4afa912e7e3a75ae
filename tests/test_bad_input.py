"""Bad input ends with exit status 2 and one clear line on stderr, never a traceback or a file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.runs.folder import FILES
from sim.scenario import ScenarioError, load

from conftest import cli

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
EXT = 'extends = "baseline.toml"\n'

#: (id, scenario text, fragments the message must contain besides the file name).
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    # TOML syntax
    ("unterminated-string", 'name = "baseline\n', ("TOML syntax error", "line 1")),
    ("unclosed-table", EXT + "[world\ntension = 0.5\n", ("TOML syntax error", "line 2")),
    ("duplicate-key", EXT + "horizon_days = 3\nhorizon_days = 4\n", ("TOML syntax error",)),
    ("key-without-value", EXT + "[world]\ntension =\n", ("TOML syntax error", "line 3")),
    # unknown keys
    ("unknown-top-level", EXT + "horizon_dayz = 3\n",
     ("horizon_dayz", "unknown key", "allowed here", "horizon_days")),
    ("unknown-section", EXT + "[wrld]\ntension = 0.5\n", ("wrld", "unknown key", "world")),
    ("unknown-in-world", EXT + "[world]\ntensions = 0.5\n",
     ("world.tensions", "unknown key", "tension_baseline")),
    ("unknown-in-event", EXT + '[[events]]\nname = "x"\nday = 1\nsett = { trust = 0.5 }\n',
     ("events.1.sett", "'x'", "unknown key", "evacuate_people")),
    # issues on the agenda: a gap or a table { gap, guarantee }
    ("issue-as-text", EXT + '[negotiation.issues]\namnesty = "far"\n',
     ("negotiation.issues", "'amnesty'", "{ gap = 0.7, guarantee = true }")),
    ("issue-unknown-key", EXT + "[negotiation.issues]\namnesty.guaranteed = true\n",
     ("negotiation.issues", "'amnesty'", "{ gap = 0.7, guarantee = true }")),
    ("issue-gap-above-one", EXT + "[negotiation.issues]\namnesty.gap = 1.5\n",
     ("negotiation.issues.amnesty.gap", "less than or equal to 1")),
    ("issue-guarantee-not-bool", EXT + "[negotiation.issues]\namnesty.guarantee = 1\n",
     ("negotiation.issues.amnesty.guarantee", "boolean")),
    # timeline incidents
    ("casualties-without-incident", EXT + '[[events]]\nname = "x"\nday = 1\ncasualties = 3\n',
     ("events.1", "incident = true")),
    ("fewer-casualties-than-killed", EXT + '[[events]]\nname = "x"\nday = 1\nincident = true\n'
     "casualties = 3\nkilled_people = 5\n", ("events.1", "killed_people")),
    # wrong types
    ("string-for-number", EXT + 'horizon_days = "thirty"\n',
     ("horizon_days", "valid number", "'thirty'")),
    ("string-in-section", EXT + '[world]\ntension = "high"\n', ("world.tension", "'high'")),
    ("number-for-section", EXT + "world = 5\n", ("world", "got 5")),
    ("number-for-events", EXT + "events = 5\n", ("events", "valid list")),
    ("naive-date", EXT + "start = 2023-09-21T13:00:00\n", ("start", "timezone", "+04:00")),
    ("number-for-name", EXT + "name = 7\n", ("name", "valid string")),
    # out of range
    ("share-1.7", EXT + "[world]\ntension = 1.7\n", ("world.tension", "less than or equal to 1")),
    ("negative-horizon", EXT + "horizon_days = -5\n", ("horizon_days", "greater than 0", "-5")),
    ("infinite-horizon", EXT + "horizon_days = inf\n", ("horizon_days", "finite")),
    ("nan-share", EXT + "[world]\ntrust = nan\n", ("world.trust", "nan")),
    ("zero-runs-in-file", EXT + "runs = 0\n", ("runs", "greater than or equal to 1")),
    ("household-below-1", EXT + "[outflow]\nhousehold_size_people = 0.5\n",
     ("outflow.household_size_people", "greater than or equal to 1")),
    ("population-below-1", EXT + "[world]\npopulation_people = 0.5\n",
     ("world.population_people", "greater than or equal to 1")),
    ("population-astronomical", EXT + "[world]\npopulation_people = 1e300\n",
     ("world.population_people", "less than or equal to")),
    ("casualties-astronomical", EXT + "[ceasefire]\nmean_casualties_per_incident = 1e300\n",
     ("ceasefire.mean_casualties_per_incident", "less than or equal to")),
    ("too-many-records", EXT + "record_every_hours = 0.001\n",
     ("horizon_days", "record_every_hours", "at most")),
    # distributions
    ("uniform-one-value", EXT + "[world]\ntrust = { uniform = [0.5] }\n",
     ("world.trust", "uniform needs 2 values", "[low, high]")),
    ("triangular-two-values", EXT + "[world]\ntrust = { triangular = [0, 1] }\n",
     ("world.trust", "triangular needs 3 values", "[low, mode, high]")),
    ("uniform-reversed", EXT + "[world]\ntrust = { uniform = [2, 1] }\n",
     ("world.trust", "low <= high")),
    ("normal-negative-sd", EXT + "[world]\ntrust = { normal = [0, -1] }\n",
     ("world.trust", "positive spread")),
    ("uniform-leaves-range", EXT + "[world]\ntrust = { uniform = [0.5, 1.7] }\n",
     ("world.trust", "uniform = [0.5, 1.7]", "1.7", "less than or equal to 1")),
    ("normal-leaves-range", EXT + "[world]\npeacekeepers = { normal = [10, 5] }\n",
     ("world.peacekeepers", "greater than or equal to 0")),
    ("unknown-form", EXT + "[world]\ntrust = { gauss = [0.1, 0.2] }\n",
     ("world.trust", "gauss", "uniform", "triangular")),
    ("two-forms", EXT + "[world]\ntrust = { uniform = [0.1, 0.2], normal = [0, 1] }\n",
     ("world.trust", "one key")),
    ("uniform-of-strings", EXT + '[world]\ntrust = { uniform = ["a", "b"] }\n',
     ("world.trust", "takes numbers")),
    ("uniform-not-a-list", EXT + '[world]\ntrust = { uniform = "0.1, 0.2" }\n',
     ("world.trust", "[low, high]")),
    ("choice-empty", EXT + "[world]\ntrust = { choice = [] }\n",
     ("world.trust", "one or more")),
    ("beta-zero", EXT + "[world]\ntrust = { beta = [0, 1] }\n",
     ("world.trust", "positive a and b")),
    ("lognormal-overflow", EXT + "[world]\npeacekeepers = { lognormal = [0, 300] }\n",
     ("world.peacekeepers", "log scale")),
    ("fractional-integer", EXT + "[negotiation]\nmax_unproductive_rounds = { normal = [3, 0.5] }\n",
     ("negotiation.max_unproductive_rounds", "valid integer")),
    # extends
    ("extends-missing", 'extends = "nowhere.toml"\n',
     ("extends", "nowhere.toml", "does not exist")),
    ("extends-itself", 'extends = "case.toml"\n', ("extends", "cycle", "case.toml -> case.toml")),
    ("extends-number", "extends = 5\n", ("extends", "file name")),
    ("extends-folder", 'extends = "."\n', ("extends", "folder")),
    # empty and binary files
    ("empty", "", ("empty", "name", "horizon_days")),
    ("whitespace-only", "\n  \n\t\n", ("empty",)),
    ("nul-byte", 'name = "a\x00b"\n', ("TOML syntax error",)),
    # the timeline
    ("event-after-horizon", EXT + '[[events]]\nname = "late"\nday = 45\n',
     ("events.1", "'late'", "day 45", "horizon [0, 30)")),
    ("event-before-start", EXT + '[[events]]\nname = "early"\nat = 2023-09-01T00:00:00+04:00\n',
     ("events.1", "'early'", "outside the horizon")),
    ("event-day-and-at", EXT + '[[events]]\nname = "both"\nday = 1\n'
     "at = 2023-09-22T00:00:00+04:00\n", ("events.1", "exactly one of `at`")),
    ("event-set-unknown", EXT + '[[events]]\nname = "x"\nday = 1\nset = { morale = 0.5 }\n',
     ("events.1", "'morale'", "allowed", "corridor_open")),
    ("event-set-share-1.5", EXT + '[[events]]\nname = "x"\nday = 1\nset = { trust = 1.5 }\n',
     ("events.1", "set.trust", "between 0 and 1")),
    ("event-add-switch", EXT + '[[events]]\nname = "x"\nday = 1\nadd = { corridor_open = 1 }\n',
     ("events.1", "corridor_open")),
    ("event-without-name", EXT + "[[events]]\nday = 1\n", ("events.1.name", "required")),
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of scenario files beside (not inside) where results would go."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copy(BASELINE, scenarios / "baseline.toml")
    return scenarios


def sim(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def refused(code: int | None, stdout: str, stderr: str, *fragments: str) -> None:
    """Exit 2, no traceback, one line on stderr that contains every fragment."""
    assert code == 2, f"exit {code}\nstdout: {stdout}\nstderr: {stderr}"
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    for fragment in fragments:
        assert fragment in stderr, f"{fragment!r} not in {stderr!r}"


def one_line(stderr: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr


def nothing_written(tmp_path: Path) -> None:
    """No results folder, no hidden partial sibling: only the scenarios are there."""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios"]


def _run(scenario: Path, out: Path, *more: str) -> Result:
    return cli("run", scenario, "--runs", "3", "--out", out, "--no-figures", "--quiet", *more)


@pytest.mark.parametrize(("text", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_scenario_is_refused(folder: Path, tmp_path: Path, text: str,
                                 fragments: tuple[str, ...]) -> None:
    path = folder / "case.toml"
    path.write_text(text)
    result = _run(path, tmp_path / "results" / "out")
    refused(result.exit_code, result.stdout, result.stderr, str(path), *fragments)
    one_line(result.stderr)
    assert isinstance(result.exception, SystemExit)
    nothing_written(tmp_path)


def test_binary_file(folder: Path, tmp_path: Path) -> None:
    path = folder / "case.toml"
    path.write_bytes(bytes(range(256)) * 4)
    result = _run(path, tmp_path / "out")
    refused(result.exit_code, result.stdout, result.stderr, str(path), "not a text (UTF-8)")
    one_line(result.stderr)
    nothing_written(tmp_path)


def test_cycle_through_two_files(folder: Path, tmp_path: Path) -> None:
    (folder / "a.toml").write_text('extends = "b.toml"\nname = "a"\n')
    (folder / "b.toml").write_text('extends = "a.toml"\nname = "b"\n')
    result = _run(folder / "a.toml", tmp_path / "out")
    refused(result.exit_code, result.stdout, result.stderr, "a.toml -> b.toml -> a.toml", "cycle")
    one_line(result.stderr)
    nothing_written(tmp_path)


def test_error_in_the_parent_names_the_parent(folder: Path, tmp_path: Path) -> None:
    (folder / "parent.toml").write_text(EXT + "[world]\ntension = 2\n")
    (folder / "child.toml").write_text('extends = "parent.toml"\nname = "child"\n')
    result = _run(folder / "child.toml", tmp_path / "out")
    refused(result.exit_code, result.stdout, result.stderr, "child.toml", "world.tension")
    (folder / "parent.toml").write_text('name = "unfinished\n')
    result = _run(folder / "child.toml", tmp_path / "out")
    refused(result.exit_code, result.stdout, result.stderr, "parent.toml", "TOML syntax error")
    nothing_written(tmp_path)


def test_the_default_results_folder_is_not_created(folder: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (folder / "case.toml").write_text(EXT + "horizon_days = -1\n")
    result = cli("run", folder / "case.toml", "--runs", "3", "--no-figures", "--quiet")
    refused(result.exit_code, result.stdout, result.stderr, "horizon_days")
    nothing_written(tmp_path)


def test_integer_parameter_as_a_distribution_is_accepted(folder: Path) -> None:
    """Regression: its typical value (2.5) used to escape validation as a traceback."""
    path = folder / "case.toml"
    path.write_text(EXT + "[negotiation]\nmax_unproductive_rounds = { uniform = [1, 4] }\n")
    sc = load(path)
    assert sc.params.negotiation.max_unproductive_rounds in (2, 3)
    result = cli("check", path)
    assert result.exit_code == 0, result.output


# --- the real process: exit status and stderr as a shell sees them ---------------------------


def test_missing_file_in_a_real_process(tmp_path: Path) -> None:
    missing = tmp_path / "scenarios" / "nowhere.toml"
    proc = sim("run", missing, "--out", tmp_path / "out")
    refused(proc.returncode, proc.stdout, proc.stderr, str(missing), "no such scenario file")
    one_line(proc.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", [
    'name = "baseline\n',
    EXT + "[world]\ntrust = { uniform = [0.5, 1.7] }\n",
    'extends = "case.toml"\n',
], ids=["syntax", "distribution-range", "self-extends"])
def test_bad_file_in_a_real_process(folder: Path, tmp_path: Path, text: str) -> None:
    path = folder / "case.toml"
    path.write_text(text)
    proc = sim("run", path, "--runs", "3", "--out", tmp_path / "out", "--no-figures")
    refused(proc.returncode, proc.stdout, proc.stderr, str(path))
    one_line(proc.stderr)
    nothing_written(tmp_path)


def test_unwritable_out_in_a_real_process(tmp_path: Path) -> None:
    blocker = tmp_path / "somefile.txt"
    blocker.write_text("not a folder\n")
    proc = sim("run", BASELINE, "--runs", "3", "--out", blocker / "out", "--no-figures")
    refused(proc.returncode, proc.stdout, proc.stderr, "--out", "somefile.txt", "cannot write")
    one_line(proc.stderr)
    assert blocker.read_text() == "not a folder\n"
    assert [p.name for p in tmp_path.iterdir()] == ["somefile.txt"]


# --- command-line options ---------------------------------------------------------------------


@pytest.mark.parametrize(("option", "value"), [
    ("--runs", "0"), ("--runs", "-5"), ("--runs", "many"), ("--seed", "-1"),
    ("--workers", "0"), ("--executor", "cloud"),
])
def test_bad_option(tmp_path: Path, option: str, value: str) -> None:
    result = cli("run", BASELINE, "--out", tmp_path / "out", "--no-figures", option, value)
    refused(result.exit_code, result.stdout, result.stderr, option)
    one_line(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_out_under_a_regular_file(tmp_path: Path) -> None:
    blocker = tmp_path / "somefile.txt"
    blocker.write_text("x")
    result = _run(BASELINE, blocker / "deeper" / "out")
    refused(result.exit_code, result.stdout, result.stderr, "--out", "somefile.txt")
    one_line(result.stderr)
    assert blocker.read_text() == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["somefile.txt"]


def test_out_is_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("keep me")
    for force in ((), ("--force",)):
        result = _run(BASELINE, target, *force)
        refused(result.exit_code, result.stdout, result.stderr, "--out", "not a folder")
        assert target.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_non_empty_out_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    result = _run(BASELINE, out)
    refused(result.exit_code, result.stdout, result.stderr, "--out", str(out), "--force")
    one_line(result.stderr)
    assert [p.name for p in out.iterdir()] == ["precious.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]

    result = _run(BASELINE, out, "--force")  # a folder sim did not write is never replaced
    refused(result.exit_code, result.stdout, result.stderr, "--force would delete",
            "precious.txt")
    assert (out / "precious.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_empty_out_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = _run(BASELINE, out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_scenario_that_is_a_folder(tmp_path: Path) -> None:
    result = _run(tmp_path, tmp_path / "out")
    refused(result.exit_code, result.stdout, result.stderr, str(tmp_path))
    assert list(tmp_path.iterdir()) == []


# --- sim check and sim story ------------------------------------------------------------------


def test_check_reports_each_file(folder: Path) -> None:
    good = sorted((ROOT / "scenarios").glob("*.toml"))
    bad = {"range.toml": (EXT + "[world]\ntension = 1.7\n", "world.tension"),
           "syntax.toml": ("name = \n", "TOML syntax error"),
           "cycle.toml": ('extends = "cycle.toml"\n', "cycle"),
           "unknown.toml": (EXT + "[outflow]\nspeed = 3\n", "outflow.speed")}
    for name, (text, _) in bad.items():
        (folder / name).write_text(text)
    missing = folder / "missing.toml"
    files = [*good[:2], *(folder / n for n in bad), missing, *good[2:]]
    result = cli("check", *files)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for path in good:
        assert f"ok: {path} " in result.stdout
    errors = result.stderr.strip().splitlines()
    assert len(errors) == len(bad) + 1
    for line, (name, (_, fragment)) in zip(errors, bad.items(), strict=False):
        assert line.startswith(f"error: {folder / name}: ") and fragment in line, line
    assert errors[-1] == f"error: {missing}: no such scenario file"


def test_check_all_good_exits_0() -> None:
    result = cli("check", *sorted((ROOT / "scenarios").glob("*.toml")))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_story_refuses_bad_input(folder: Path, tmp_path: Path) -> None:
    path = folder / "case.toml"
    path.write_text(EXT + "[world]\ntrust = { normal = [0, -1] }\n")
    result = cli("story", path)
    refused(result.exit_code, result.stdout, result.stderr, str(path), "world.trust")
    one_line(result.stderr)
    not_results = tmp_path / "empty"
    not_results.mkdir()
    result = cli("story", not_results)
    refused(result.exit_code, result.stdout, result.stderr, str(not_results),
            "not a results folder")


@pytest.mark.parametrize(("damaged", "text"), [
    ("manifest.json", "{"), ("manifest.json", '{"runs": 3}'), ("series.npz", "garbage"),
    ("scenario.toml", "name = "),
])
def test_story_refuses_a_damaged_results_folder(tmp_path: Path, damaged: str, text: str) -> None:
    out = tmp_path / "out"
    assert _run(BASELINE, out).exit_code == 0
    (out / damaged).write_text(text)
    result = cli("story", out)
    refused(result.exit_code, result.stdout, result.stderr, str(out))
    one_line(result.stderr)


# --- property: whatever the bytes, a clean refusal or a valid scenario ------------------------

TOMLISH_LINES = st.one_of(
    st.sampled_from([
        EXT, "[world]", "[negotiation]", "[[events]]", "[outflow]", "[names]", "[bogus]",
        'name = "x"', "start = 2023-09-21T13:00:00+04:00", "start = 2023-09-21",
        "horizon_days = 10", "horizon_days = -1", "horizon_days = inf", "runs = 0",
        "tension = 0.5", "tension = 1.5", "trust = { uniform = [0.1, 0.2] }",
        "trust = { uniform = [2, 1] }", "trust = { normal = [0.5, 0.5] }",
        "population_people = { lognormal = [11, 0.1] }", "issues = { a = 0.5 }",
        'name = "e"', "day = 3", "day = 400", "set = { trust = 0.9 }", "set = { nope = 1 }",
        "add = { corridor_open = true }", 'extends = "nowhere.toml"', "=", "[", "x = [1, 2",
    ]),
    st.text(alphabet='abcxyz_=[]{}".,0123456789 -+\n', max_size=30),
)


def _outcome(data: bytes) -> str:
    """'ok' or 'refused' for a scenario file with these bytes; anything else fails the test."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(BASELINE, Path(tmp) / "baseline.toml")
        path = Path(tmp) / "case.toml"
        path.write_bytes(data)
        try:
            load(path)
        except ScenarioError as err:
            assert str(err).startswith(str(path)), err
            assert "\n" not in str(err)
            return "refused"
        return "ok"


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_bytes_are_refused_cleanly(data: bytes) -> None:
    _outcome(data)


@settings(max_examples=30, deadline=None)
@given(st.lists(TOMLISH_LINES, max_size=12))
def test_tomlish_text_is_refused_cleanly(lines: list[str]) -> None:
    _outcome("\n".join(lines).encode())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mangled_baseline_through_the_cli(data: st.DataObject) -> None:
    """The baseline with a few characters deleted or inserted: `sim check` says 0 or 2, cleanly."""
    text = BASELINE.read_text()
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + text[at + data.draw(st.integers(1, 20)):]
        else:
            junk = data.draw(st.text('="[]{}.,-0123456789ex \n', max_size=5))
            text = text[:at] + junk + text[at:]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.toml"
        path.write_text(text)
        result = cli("check", path)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    if result.exit_code == 2:
        one_line(result.stderr)
        assert str(path) in result.stderr
