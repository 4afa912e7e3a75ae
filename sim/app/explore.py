"""Explore: choose or upload a scenario, move the sliders, run it and read the results."""

from __future__ import annotations

import secrets

import streamlit as st

from sim.app import sources, tasks, widgets
from sim.app.knobs import changed
from sim.app.server import Server
from sim.errors import OptionError
from sim.scenario.load import Scenario, ScenarioError


def scenario(fictional: bool) -> tuple[Scenario | None, str]:
    """The chosen shipped scenario, or the uploaded one (its error shown if it is wrong)."""
    name = st.selectbox("Scenario", sources.shipped(), key="explore_scenario")
    upload = st.file_uploader("…or upload a scenario file (.toml)", type=["toml"],
                              key="explore_upload")
    try:
        if upload is not None:
            sc, key = sources.uploaded(upload.name, upload.getvalue()), f"up:{upload.name}"
        else:
            sc, key = sources.shipped_scenario(name), name
        if fictional:
            sc = sources.with_fictional_names(sc)
    except (ScenarioError, OptionError) as err:
        st.error(f"This scenario cannot run: {err}")
        return None, ""
    st.caption(sc.params.description)
    return sc, key


def view(srv: Server, fictional: bool, code_ok: bool) -> None:
    choose, results = st.columns([2, 3], gap="large")
    with choose:
        sc, key = scenario(fictional)
        if sc is None:
            return
        values = widgets.sliders(sc, key)
        most = srv.settings.runs_per_request
        runs = st.number_input(f"Runs (at most {most})", min_value=1, max_value=most,
                               value=min(100, most), step=10, key="explore_runs")
        versus = st.checkbox("Compare with the baseline (paired: same random numbers)",
                             key="explore_versus")
        if st.button("Run", type="primary", key="explore_run", disabled=not code_ok):
            _submit(srv, sc, values, int(runs), versus, fictional)
    job = st.session_state.get("explore_job")
    with results:
        if job is not None and job.over:
            if job.error:
                st.error(job.error)
            else:
                widgets.show(job.result)
        elif job is not None:
            widgets.waiting(srv.work, job)


def _submit(srv: Server, sc: Scenario, values: dict[str, float], runs: int, versus: bool,
            fictional: bool) -> None:
    who = st.session_state.setdefault("who", "page " + secrets.token_hex(4))
    try:
        what = sc.with_values(changed(sc, values)) if changed(sc, values) else sc
        base = sources.shipped_scenario("baseline.toml") if versus else None
        if base is not None and fictional:
            base = sources.with_fictional_names(base)
        st.session_state["explore_job"] = srv.work.submit(
            who, what.name, runs, tasks.explore, what, runs, what.params.seed, base,
            ensembles=2 if versus else 1)
    except (ScenarioError, OptionError) as err:
        st.error(str(err))
