"""Output folders: what --force may replace, and folder names made from scenario names.

The guard is tested in-process on the checking function only (it never deletes anything): `/`,
the home folder (HOME points at a temporary folder), the current folder and its ancestors."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from sim.runs.folder import ResultsError, check_target
from sim.runs.outpaths import default_out, is_sim_folder, slug
from sim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parent.parent


def _sim_folder(path: Path, **manifest: object) -> Path:
    path.mkdir(parents=True)
    body = manifest or {"made_by": "peacesim", "kind": "run", "command": "sim run x.toml"}
    (path / "manifest.json").write_text(json.dumps(body))
    (path / "outcomes.csv").write_text("replication\n0\n")
    return path


def _refused(out: Path, *fragments: str, inputs: tuple[Path, ...] = ()) -> str:
    with pytest.raises(ResultsError) as err:
        check_target(out, force=True, inputs=inputs)
    text = str(err.value)
    assert "\n" not in text
    for fragment in fragments:
        assert fragment in text, text
    return text


# --- what --force may replace -----------------------------------------------------------------


def test_root_is_never_replaced() -> None:
    _refused(Path("/"), "the root folder", "--force only replaces")


def test_home_is_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    _sim_folder(home)  # even with a manifest of sim in it
    monkeypatch.setenv("HOME", str(home))
    assert Path.home() == home
    _refused(home, "the home folder")
    _refused(tmp_path, "holds the home folder")


def test_current_folder_is_never_replaced(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("scenario.toml", "notes.txt", "data.csv"):
        (tmp_path / name).write_text("mine")
    monkeypatch.chdir(tmp_path)
    text = _refused(Path("."), "the current folder")
    assert text == ("--out .: --force would delete the current folder with its 3 files "
                    "(data.csv, notes.txt, scenario.toml); --force only replaces an empty "
                    "folder or one that sim wrote")
    with pytest.raises(ResultsError, match="is the current folder; give a new folder"):
        check_target(Path("."), force=False)


def test_empty_current_folder_is_not_written_into(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for force in (False, True):
        with pytest.raises(ResultsError, match="the current folder"):
            check_target(Path("."), force=force)


def test_ancestors_of_the_current_folder_are_never_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = _sim_folder(tmp_path / "a") / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    _refused(Path(".."), "holds the current folder")
    _refused(Path("../.."), "holds the current folder")
    _refused(tmp_path / "a", "holds the current folder")


def test_folder_holding_an_input_is_never_replaced(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = _sim_folder(tmp_path / "out")
    (out / "deep" / "er").mkdir(parents=True)
    scenario = out / "deep" / "er" / "x.toml"
    scenario.write_text("name = 'x'\n")
    _refused(out, "holds the input", "x.toml", inputs=(Path("elsewhere.toml"), scenario))
    _refused(Path("out"), "holds the input", inputs=(Path("out/deep/er/x.toml"),))
    _refused(out, "holds the input", inputs=(out,))  # a results folder given as an input
    check_target(_sim_folder(tmp_path / "clean"), force=True,
                 inputs=(tmp_path / "elsewhere.toml",))


def test_input_reached_through_a_symlink(tmp_path: Path) -> None:
    out = _sim_folder(tmp_path / "out")
    (out / "x.toml").write_text("name = 'x'\n")
    (tmp_path / "link.toml").symlink_to(out / "x.toml")
    _refused(out, "holds the input", inputs=(tmp_path / "link.toml",))


def test_symlink_as_out_is_refused(tmp_path: Path) -> None:
    target = _sim_folder(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(target)
    for force in (False, True):
        with pytest.raises(ResultsError, match="symbolic link"):
            check_target(link, force=force)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ResultsError, match="symbolic link"):
        check_target(dangling, force=False)


def test_folder_of_user_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("keep")
    text = _refused(out, "a folder sim did not write", "1 file and 1 folder", "notes.txt",
                    "sub/")
    assert text.startswith(f"--out {out}: --force would delete")
    with pytest.raises(ResultsError, match="--force only replaces a folder sim wrote"):
        check_target(out, force=False)


@pytest.mark.parametrize("manifest", [
    {"made_by": "peacesim", "kind": "compare"},
    {"command": "sim run scenarios/baseline.toml --runs 5", "version": "0.1.0", "seed": 1},
])
def test_folders_sim_wrote_may_be_replaced(tmp_path: Path, manifest: dict[str, str]) -> None:
    out = _sim_folder(tmp_path / "out", **manifest)
    assert is_sim_folder(out)
    check_target(out, force=True)
    with pytest.raises(ResultsError, match="add --force"):
        check_target(out, force=False)


@pytest.mark.parametrize("extra", ["notes.txt", "figures/notes.txt", "figures/old/",
                                   "posteriors/x.png"])
def test_a_sim_folder_holding_other_files_is_refused(tmp_path: Path, extra: str) -> None:
    out = _sim_folder(tmp_path / "res")
    (out / "figures").mkdir()
    (out / "figures" / "departures.png").write_bytes(b"png")
    target = out / extra.rstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if extra.endswith("/"):
        target.mkdir()
    else:
        target.write_text("mine")
    _refused(out, "a folder sim wrote that also holds", extra)
    assert target.exists()


@pytest.mark.parametrize("text", [
    '{"name": "my-package", "version": "1.0"}', '{"command": "make all", "version": 1}',
    "[1, 2]", "not json", '"made_by peacesim"'])
def test_other_manifests_are_not_sim_folders(tmp_path: Path, text: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(text)
    assert not is_sim_folder(out)
    _refused(out, "a folder sim did not write", "manifest.json")


def test_old_validation_folder_without_manifest(tmp_path: Path) -> None:
    out = tmp_path / "v"
    out.mkdir()
    (out / "validation.json").write_text("{}")
    (out / "validation.png").write_bytes(b"png")
    assert is_sim_folder(out)
    (out / "notes.txt").write_text("mine")
    assert not is_sim_folder(out)


def test_empty_folder_may_be_used(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    check_target(tmp_path / "out", force=True)
    check_target(tmp_path / "out", force=False)


# --- folder names from scenario names ---------------------------------------------------------


@pytest.mark.parametrize("name", [
    "../../x", "/etc/passwd", "a/b", "a\0b", "\\..\\x", "-rf", ".hidden", "x" * 10_000,
    "..x..", "a\nb", "\x1b[31mred\x1b]0;title\x07", "C:\\Windows", "~root", "x/../../..",
])
def test_hostile_names_stay_inside_results(tmp_path: Path, name: str) -> None:
    s = slug(name)
    assert s and len(s) <= 80 and len(s.encode()) <= 160
    assert not s.startswith((".", "-")) and "/" not in s and "\\" not in s and "\0" not in s
    assert all(ch.isalnum() or ch in "-_." for ch in s)
    for kind in ("run", "validation", "calibration", "sweep"):
        out = tmp_path / default_out(kind, name)
        assert out.resolve().is_relative_to((tmp_path / "results").resolve())
        assert len(out.parts) - len(tmp_path.parts) == 3


@pytest.mark.parametrize("name", ["..", ".", "/", "\0", "...", "//", "._-", " ", "✓✓", ""])
def test_names_with_nothing_usable_are_refused(name: str) -> None:
    with pytest.raises(ScenarioError, match="letter or digit"):
        slug(name)


def test_slugs_keep_what_they_can() -> None:
    assert slug("baseline") == "baseline"
    assert slug("Ünïcödé नमस्ते") == "Ünïcödé_नमस्ते"
    assert slug("e\u0301t\u00e9") == slug("\u00e9t\u00e9") == "\u00e9t\u00e9"  # NFC
    assert slug("a  /  b") == "a_b"
    assert slug("../../x") == "x"


def test_long_names_are_cut_with_a_hash() -> None:
    a, b = slug("x" * 9_999 + "a"), slug("x" * 9_999 + "b")
    assert a != b and len(a) == len(b) <= 80
    wide = slug("ü" * 500)
    assert len(wide.encode()) <= 160


def test_shipped_scenario_names_are_their_own_slugs() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        name = tomllib.loads(path.read_text()).get("name")
        if name is not None:
            assert slug(name) == name, path


def test_default_paths() -> None:
    assert default_out("run", "baseline").parent == Path("results/baseline")
    assert default_out("validation", "a/b").name.startswith("validation-")
    assert default_out("calibration", "a/b").parent == Path("results/a_b")
    assert default_out("compare").parent == Path("results/compare")
    assert default_out("sweep", "../x").parent == Path("results/sweep")
    assert default_out("sweep", "../x").name.startswith("x-")


# --- replacing a folder -----------------------------------------------------------------------


@pytest.mark.parametrize("swap", [True, False])
def test_replace_leaves_only_the_new_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            swap: bool) -> None:
    """With the one-step swap (Linux) and with two renames where the system has none."""
    from sim.runs import replacing
    from sim.runs.folder import atomic_folder

    if not swap:
        monkeypatch.setattr(replacing, "_exchange", lambda a, b: False)
    out = _sim_folder(tmp_path / "out")
    with atomic_folder(out, force=True) as new:
        (new / "manifest.json").write_text('{"made_by": "peacesim", "kind": "run"}')
        (new / "fresh.txt").write_text("new")
        assert new.parent == tmp_path and new.name.startswith(".out.peacesim-")
    assert sorted(p.name for p in out.iterdir()) == ["fresh.txt", "manifest.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_failed_write_keeps_the_old_folder(tmp_path: Path) -> None:
    from sim.runs.folder import atomic_folder

    out = _sim_folder(tmp_path / "out")
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(RuntimeError), atomic_folder(out, force=True) as new:
        (new / "half.txt").write_text("half")
        raise RuntimeError("disk trouble")
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_the_inputs_of_a_scenario_are_every_file_it_was_read_from() -> None:
    from sim.runs.job import scenario_inputs
    from sim.scenario import load

    team = load(ROOT / "exercises" / "class" / "team_a_robust_mandate.toml")
    assert [p.name for p in scenario_inputs(team)] == ["team_a_robust_mandate.toml",
                                                       "baseline.toml"]
    calibrated = load(ROOT / "scenarios" / "historical_2023_calibrated.toml")
    assert [p.name for p in scenario_inputs(calibrated)] == [
        "historical_2023_calibrated.toml", "historical_2023.toml",
        "historical_2023_posterior.csv"]
