"""The classroom page (`sim serve`), driven by Streamlit's AppTest: explore a scenario, a class of
teams, bad uploads and the safety rules of a shared host."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from sim.app import sources
from sim.app.classroom import open_class, safe_name
from sim.app.knobs import knobs
from sim.errors import OptionError, ScenarioError

PAGE = str(Path(__file__).resolve().parent.parent / "sim" / "app" / "page.py")
RUNS = 30


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """A page whose server writes only into tmp_path/classes (its own server: own settings)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEACESIM_CLASS_DIR", str(tmp_path / "classes"))
    monkeypatch.setenv("PEACESIM_WORKERS", "1")
    monkeypatch.setenv("PEACESIM_RUNS_PER_REQUEST", "60")
    at = AppTest.from_file(PAGE, default_timeout=30)
    return at.run()


def until(at: AppTest, done: object, seconds: float = 60) -> AppTest:
    """Run the page again until `done(at)` holds (the pool works while the test waits)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        at.run()
        assert not at.exception, at.exception
        if done(at):  # type: ignore[operator]
            return at
        time.sleep(0.3)
    raise AssertionError(f"not done in {seconds} s: {[e.value for e in at.error]}")


def end_states(at: AppTest) -> dict[str, tuple[float, int]]:
    """The end-state table shown: label -> (probability, runs)."""
    frame = at.table[0].value
    return {row["end state"]: (float(row["probability"].rstrip("%")) / 100,
                               int(row["runs"].split()[0])) for _, row in frame.iterrows()}


def explore(at: AppTest, runs: int = RUNS) -> dict[str, tuple[float, int]]:
    at.number_input(key="explore_runs").set_value(runs)
    at.button(key="explore_run").click().run()
    until(at, lambda a: len(a.table) > 0)
    return end_states(at)


@pytest.mark.slow  # about 15 s: a pool starts, two ensembles run
def test_explore_a_scenario_change_a_slider_and_see_the_end_states(page: AppTest) -> None:
    shown = explore(page)
    assert sum(n for _, n in shown.values()) == RUNS
    assert abs(sum(p for p, _ in shown.values()) - 1) < 0.02
    assert shown["exodus"][0] > 0.5  # the baseline: most runs end in exodus
    assert any("typical run" in e.label for e in page.expander)
    # The corridor at one household an hour: nobody can leave, so no run ends in exodus.
    page.slider(key="baseline.toml:outflow.corridor_capacity_per_hour").set_value(1.0)
    page.session_state["explore_job"] = None
    assert explore(page)["exodus"] == (0.0, 0)


def test_the_sliders_say_unit_range_and_meaning_from_the_parameter_docs() -> None:
    sc = sources.shipped_scenario("baseline.toml")
    trust = next(k for k in knobs(sc)["World"] if k.path == "world.trust")
    assert (trust.unit, trust.low, trust.high, trust.value) == ("share", 0, 1, 0.15)
    assert "belief in the guarantees" in trust.meaning
    concession = next(k for k in knobs(sc)["Talks"] if "concession" in k.path)
    assert "uniform" in concession.drawn  # the baseline draws it per run: the slider says so
    rounds = next(k for k in knobs(sc)["Talks"] if "days_between" in k.path)
    assert rounds.low > 0  # a wait of zero days is refused, so the slider never offers it


@pytest.mark.parametrize(("name", "data", "words"), [
    ("bad.toml", b"name = 'x'\nstart = 2023-09-21T13:00:00+04:00\nhorizon_days = 30\n"
     b"[world]\ntrsut = 0.5\n", "world.trsut"),
    ("bad.toml", b"name = [", "TOML syntax error"),
    ("far.toml", b"extends = '/etc/passwd'\n", "only a shipped scenario"),
    ("big.toml", b"#" * 70_000, "at most 64,000"),
    ("reads.toml", b"extends = 'baseline.toml'\n[world]\ntrust = { posterior = '/etc/x' }\n",
     "cannot read files"),
])
def test_a_bad_upload_gives_the_clear_message_and_runs_nothing(
        page: AppTest, tmp_path: Path, name: str, data: bytes, words: str) -> None:
    page.file_uploader(key="explore_upload").upload(name, data).run()
    errors = [e.value for e in page.error]
    assert len(errors) == 1 and words in errors[0], errors
    assert not page.slider  # no scenario to run: no sliders, no Run button
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written


def test_a_worksheet_6_file_uploads_as_it_runs_from_the_command_line() -> None:
    path = Path(__file__).resolve().parent.parent / "exercises" / "class"
    for file in sorted(path.glob("*.toml")):
        up = sources.uploaded(file.name, file.read_bytes())
        assert up.raw == sources.load(file).raw, file.name


def test_team_names_become_safe_file_names(tmp_path: Path) -> None:
    assert safe_name("Team Ärger / ../../etc") == "team_arger_etc"
    assert safe_name("a" * 100) == "a" * 40
    with pytest.raises(OptionError, match="at least one letter"):
        safe_name("../..")
    sc = sources.shipped_scenario("baseline.toml")
    cls = open_class(tmp_path / "classes", "Class 9B", "1234", sc, 30, 1)
    saved = cls.save_team("../../outside", sc)
    assert saved.parent == tmp_path / "classes" / "class_9b" / "teams"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classes"]
    assert sources.load(saved).raw == sc.raw  # the saved file runs as it was checked
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(cls.zipped())).namelist()
    assert sorted(names) == ["class_9b/baseline.toml", "class_9b/teams/team_outside.toml"]
    cls.close()
    with pytest.raises(OptionError, match="closed"):
        cls.save_team("late", sc)


def test_a_class_folder_the_page_did_not_make_is_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "classes" / "history"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("a teacher's notes")
    sc = sources.shipped_scenario("baseline.toml")
    with pytest.raises(OptionError, match="not made by this page"):
        open_class(tmp_path / "classes", "History", "1234", sc, 30, 1)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_uploads_extend_only_shipped_scenarios_and_are_toml() -> None:
    with pytest.raises(ScenarioError, match=r"ending in \.toml"):
        sources.uploaded("notes.txt", b"name = 'x'\n")  # the browser refuses it first too
    with pytest.raises(ScenarioError, match="only a shipped scenario"):
        sources.uploaded("x.toml", b"extends = '../secret.toml'\nname = 'x'\n")


def open_a_class(at: AppTest, code: str = "peace") -> AppTest:
    at.text_input(key="class_name").input("Class 9B")
    at.text_input(key="class_code").input(code)
    at.number_input(key="class_runs").set_value(RUNS)
    return at.button(key="class_open").click().run()


def join(at: AppTest, team: str, code: str = "peace") -> AppTest:
    at.text_input(key="team_code").input(code)
    at.text_input(key="team_name").input(team)
    return at.button(key="team_join").click().run()


def chart_rows(at: AppTest) -> dict[str, dict[str, str]]:
    frame = at.table[-1].value
    return {row["team"]: dict(row) for _, row in frame.iterrows()}


@pytest.mark.slow  # about 35 s: a class of two teams, their comparison folder with figures
def test_a_class_two_teams_submit_and_the_chart_shows_both(page: AppTest,
                                                           tmp_path: Path) -> None:
    open_a_class(page)
    assert not page.exception and not page.error
    teams = {}
    for name, trust in (("Team A", 0.9), ("Team B", 0.15)):
        at = join(AppTest.from_file(PAGE, default_timeout=30).run(), name)
        at.slider(key="class:Class 9B:world.trust").set_value(trust)
        at.text_input(key="team_idea").input("trust them")
        at.button(key="team_submit").click().run()
        assert not at.error, [e.value for e in at.error]
        teams[name] = at
    wrong = join(AppTest.from_file(PAGE, default_timeout=30).run(), "Team C", code="guess")
    assert "join code is wrong" in wrong.error[0].value
    rows = chart_rows(until(page, lambda a: len(a.table) > 0 and all(
        r["status"] == f"{RUNS} runs" for r in chart_rows(a).values()) and len(chart_rows(a)) == 3))
    assert set(rows) == {"baseline", "Team A", "Team B"}, rows
    assert rows["Team B"]["exodus"] == rows["baseline"]["exodus"], rows  # same runs
    folder = tmp_path / "classes" / "class_9b"
    saved = sorted(p.name for p in (folder / "teams").iterdir())
    assert saved == ["team_team_a.toml", "team_team_b.toml"]
    assert sources.load(folder / "teams" / "team_team_a.toml").params.world.trust == 0.9
    page.button(key="class_prepare").click().run()
    until(page, lambda a: len(a.get("download_button")) > 0)
    assert (folder / "results" / "comparison.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classes"]  # nothing elsewhere


def test_a_wrong_what_if_is_refused_and_nothing_is_saved(page: AppTest, tmp_path: Path) -> None:
    open_a_class(page)
    at = join(AppTest.from_file(PAGE, default_timeout=30).run(), "Team D")
    at.number_input(key="team_events").set_value(1).run()
    at.number_input(key="ev0_day").set_value(300.0)  # past the 30-day horizon
    at.button(key="team_submit").click().run()
    assert "nothing was saved" in at.error[0].value and "outside the horizon" in at.error[0].value
    assert list((tmp_path / "classes" / "class_9b" / "teams").iterdir()) == []


def explorable(at: AppTest) -> bool:
    """Whether the page offers to upload or run a scenario."""
    return any(b.key == "explore_run" for b in at.button) or any(
        u.key == "explore_upload" for u in at.file_uploader)


def test_on_a_shared_host_every_action_needs_a_code(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PEACESIM_CLASS_DIR", str(tmp_path / "classes"))
    monkeypatch.setenv("PEACESIM_SHARED_HOST", "1")
    monkeypatch.setenv("PEACESIM_TEACHER_CODE", "t3acher")
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not explorable(at)  # no class, no join code: nothing to upload or run
    open_a_class(at)
    assert "teacher code is wrong" in at.error[0].value
    assert not (tmp_path / "classes").exists()
    at.text_input(key="teacher_code").input("t3acher")
    open_a_class(at)
    assert not at.error
    student = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not explorable(student)
    student.text_input(key="join_code").input("peace").run()
    assert not student.button(key="explore_run").disabled


def test_a_team_submits_its_worksheet_6_file(page: AppTest, tmp_path: Path) -> None:
    open_a_class(page)
    at = join(AppTest.from_file(PAGE, default_timeout=30).run(), "Team C")
    file = Path(__file__).resolve().parent.parent / "exercises" / "class" / \
        "team_c_amnesty_day2.toml"
    at.file_uploader(key="team_upload").upload(file.name, file.read_bytes()).run()
    at.button(key="team_submit").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = tmp_path / "classes" / "class_9b" / "teams" / "team_team_c.toml"
    assert sources.load(saved).raw == sources.load(file).raw  # the same what-if, self-contained


def test_the_queue_keeps_order_shows_places_and_bounds_each_team() -> None:
    from sim.app.work import Work

    work = Work(workers=1, runs_per_request=50, requests_per_team=1)
    try:
        jobs = [work.submit(team, "wait", 10, time.sleep, 0.4) for team in "abc"]
        places = [work.place(j) for j in jobs]
        assert places[2] > places[1] > places[0] >= 0  # first come, first served
        with pytest.raises(OptionError, match="at most 1 at once"):
            work.submit("c", "wait", 10, time.sleep, 0.1)
        with pytest.raises(OptionError, match="1 to 50 runs"):
            work.submit("d", "wait", 51, time.sleep, 0.1)
        end = time.monotonic() + 60
        while not all(j.over for j in jobs) and time.monotonic() < end:
            time.sleep(0.1)
        assert [j.error for j in jobs] == ["", "", ""] and work.waiting() == 0
        work.submit("c", "wait", 10, time.sleep, 0)  # its earlier request is over: allowed
    finally:
        work.close()


@pytest.mark.parametrize("args", [["--port", "0"], ["--runs-per-request", "0"],
                                  ["--workers", "100000"], ["--bogus"]])
def test_sim_serve_refuses_bad_options_clearly(tmp_path: Path, args: list[str]) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "sim", "serve", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr and list(tmp_path.iterdir()) == []
