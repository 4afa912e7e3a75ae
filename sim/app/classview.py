"""Class: the teacher opens a class; teams join, build a what-if and submit it; the class chart
puts every team against the baseline, paired, and updates as teams submit."""

from __future__ import annotations

import copy
from typing import Any

import streamlit as st

from sim.app import sources, tasks, widgets
from sim.app.classroom import Class, open_class, safe_name
from sim.app.knobs import changed
from sim.app.server import Server
from sim.errors import OptionError
from sim.scenario.events import WORLD_VARIABLES
from sim.scenario.load import Scenario, ScenarioError, from_tree
from sim.scenario.tree import put

#: Timeline events a team may add to its what-if (worksheet 6 allows three changes).
MAX_EVENTS = 3


def view(srv: Server, fictional: bool, code_ok: bool) -> None:
    teacher(srv, fictional)
    cls = srv.current
    if cls is None:
        st.info("No class is open yet: the teacher opens one above.")
        return
    team(srv, cls, code_ok)
    st.subheader(f"The class chart: {cls.name}")
    chart(srv, cls)


def teacher(srv: Server, fictional: bool) -> None:
    cls = srv.current
    with st.expander("Teacher", expanded=cls is None):
        code = st.text_input("Teacher code (printed by `sim serve`)", type="password",
                             key="teacher_code") if srv.settings.shared else ""
        if cls is None or not cls.open:
            _opening(srv, fictional, code)
        else:
            _running(srv, cls, code)


def _opening(srv: Server, fictional: bool, code: str) -> None:
    name = st.text_input("Class name", key="class_name")
    join = st.text_input("Join code for the teams", key="class_code")
    base = st.selectbox("Baseline", sources.shipped(), key="class_baseline")
    most = srv.settings.runs_per_request
    runs = int(st.number_input(f"Runs per team (at most {most})", min_value=10,
                               max_value=most, value=min(100, most), key="class_runs"))
    if st.button("Open the class", key="class_open"):
        if not srv.teacher_allowed(code):
            st.error("The teacher code is wrong (`sim serve` printed it when it started).")
            return
        try:
            sc = sources.shipped_scenario(base)
            sc = sources.with_fictional_names(sc) if fictional else sc
            cls = open_class(srv.settings.class_dir, name, join, sc, runs, sc.params.seed)
            cls.baseline = srv.work.submit("teacher", "baseline", runs, tasks.baseline, sc,
                                           runs, cls.seed)
        except (ScenarioError, OptionError) as err:
            st.error(str(err))
            return
        srv.current = cls
        st.rerun()


def _running(srv: Server, cls: Class, code: str) -> None:
    st.write(f"Class **{cls.name}** is open: {len(cls.teams)} teams have submitted; "
             f"saved in `{cls.folder}`.")
    left, right = st.columns(2)
    if left.button("Prepare the class folder for download", key="class_prepare"):
        if not srv.teacher_allowed(code):
            st.error("The teacher code is wrong.")
        else:
            _prepare(srv, cls)
    if right.button("Close the class", key="class_close"):
        if srv.teacher_allowed(code):
            cls.close()
            st.rerun()
        st.error("The teacher code is wrong.")
    job = cls.results
    if job is not None and job.over and not job.error and srv.teacher_allowed(code):
        st.download_button("Download the class folder (zip)", cls.zipped(),
                           file_name=f"{cls.folder.name}.zip", key="class_zip")
    elif job is not None and job.error:
        st.error(job.error)


def _prepare(srv: Server, cls: Class) -> None:
    done = [j.result.ensemble for j in (cls.baseline, *cls.teams.values())
            if j.over and not j.error]
    if len(done) < 2:
        st.error("No team's what-if has finished yet: nothing to compare.")
        return
    try:
        cls.results = srv.work.submit("teacher", "class results", cls.runs, tasks.class_results,
                                      done, cls.folder / "results", ensembles=0)
    except OptionError as err:
        st.error(str(err))


def team(srv: Server, cls: Class, code_ok: bool) -> None:
    name = st.session_state.get("team")
    if name is None:
        _join(cls)
        return
    st.subheader(f"Team {name}: your what-if")
    assert cls.scenario is not None
    values = widgets.sliders(cls.scenario, f"class:{cls.name}")
    idea = st.text_input("Your idea in one sentence", key="team_idea")
    events = [_event(i) for i in range(int(st.number_input(
        f"Timeline events (at most {MAX_EVENTS})", 0, MAX_EVENTS, 0, key="team_events")))]
    upload = st.file_uploader("…or submit your team's file instead (worksheet 6: a what-if "
                              "that extends baseline.toml)", type=["toml"], key="team_upload")
    if st.button("Submit", type="primary", key="team_submit", disabled=not code_ok):
        try:
            sc = sources.uploaded(upload.name, upload.getvalue()) if upload is not None \
                else what_if(cls.scenario, name, idea, values, events)
            cls.save_team(name, sc)
            base = cls.baseline.result.ensemble if cls.baseline.over and not \
                cls.baseline.error else cls.scenario
            cls.teams[name] = srv.work.submit(name, sc.name, cls.runs, tasks.team, sc, cls.runs,
                                              cls.seed, base, ensembles=1 if base is not
                                              cls.scenario else 2)
        except (ScenarioError, OptionError) as err:
            st.error(f"Not submitted (nothing was saved): {err}")
    job = cls.teams.get(name)
    if job is not None and not job.over:
        widgets.waiting(srv.work, job)
    elif job is not None and job.error:
        st.error(job.error)


def _join(cls: Class) -> None:
    code = st.text_input("Join code", type="password", key="team_code")
    name = st.text_input("Team name", key="team_name")
    if st.button("Join the class", key="team_join"):
        try:
            safe_name(name)
        except OptionError as err:
            st.error(str(err))
            return
        if not cls.open or not cls.admits(code):
            st.error("The join code is wrong, or the class is closed.")
            return
        st.session_state["team"] = name.strip()
        st.rerun()


def _event(i: int) -> dict[str, Any]:
    cols = st.columns([3, 1, 1, 2, 1])
    name = cols[0].text_input("What happens", value=f"event {i + 1}", key=f"ev{i}_name")
    day = cols[1].number_input("Day", 0.0, 365.0, 1.0, key=f"ev{i}_day")
    verb = cols[2].selectbox("How", ["add", "set"], key=f"ev{i}_verb")
    variable = cols[3].selectbox("Variable", list(WORLD_VARIABLES), key=f"ev{i}_var")
    value = cols[4].number_input("Value", value=0.0, key=f"ev{i}_value")
    if WORLD_VARIABLES[variable] == "switch":
        return {"name": name, "day": day, "set": {variable: bool(value)}}
    return {"name": name, "day": day, verb: {variable: value}}


def what_if(base: Scenario, team: str, idea: str, values: dict[str, float],
            events: list[dict[str, Any]]) -> Scenario:
    """The team's what-if: the baseline with the moved sliders and the added events, checked
    as a scenario file is."""
    tree = copy.deepcopy(base.raw)
    for path, value in changed(base, values).items():
        put(tree, path, value)
    tree["name"] = team.strip()
    tree["description"] = f"Team {team.strip()}: {idea.strip() or 'no idea written'}"
    tree["events"] = [*tree.get("events", []), *events]
    return from_tree(tree, f"team {team.strip()}'s what-if")


@st.fragment(run_every=2.0)
def chart(srv: Server, cls: Class) -> None:
    """Every team against the baseline: end states and the clearest paired differences."""
    rows, bars = [], []
    for label, job in (("baseline", cls.baseline), *cls.teams.items()):
        if not job.over or job.error:
            place = srv.work.place(job)
            state = job.error or (f"waiting, place {place}" if place else
                                  f"running, {job.done} of {job.total} runs")
            rows.append({"team": label, "status": state})
            continue
        r = job.result
        shares = {r.labels[s]: p["probability"] for s, p in r.end_states.items()}
        bars.append({"team": label, **shares})
        rows.append({"team": label, "status": f"{r.runs} runs",
                     **{k: f"{v:.0%}" for k, v in shares.items()},
                     "clearest differences from the baseline": "\n".join(r.largest)})
    if bars:
        st.bar_chart(bars, x="team", y=[k for k in bars[0] if k != "team"], horizontal=True)
    st.table(rows)
