"""Pieces of the page both views use: the sliders, a request's place and progress, and the
results of an ensemble (end states, departures fan, survival, stories, differences)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from sim.app.knobs import knobs
from sim.app.tasks import Result
from sim.app.work import Job, Work
from sim.scenario.load import Scenario


def sliders(sc: Scenario, key: str) -> dict[str, float]:
    """One slider per main parameter, grouped by mechanism, starting at the scenario's value."""
    values: dict[str, float] = {}
    for group, items in knobs(sc).items():
        with st.expander(group, expanded=group == "World"):
            for k in items:
                label = f"{k.path.split('.')[-1]} ({k.unit})" if k.unit else k.path
                values[k.path] = st.slider(label, min_value=float(k.low),
                                           max_value=float(k.high), value=float(k.value),
                                           step=k.step, help=k.help, key=f"{key}:{k.path}")
    return values


@st.fragment(run_every=1.0)
def waiting(work: Work, job: Job) -> None:
    """The request's place in the queue or its progress, refreshed every second on its own
    (a waiting page never holds up another); the whole page runs again once it is over."""
    if job.over:
        st.rerun(scope="app")
    place = work.place(job)
    if place:
        st.info(f"Waiting: place {place} in the queue ({work.waiting()} requests waiting or "
                "running on this server).")
    else:
        st.progress(min(job.done / max(job.total, 1), 1.0),
                    text=f"Running: {job.done} of {job.total} runs")


def end_states(result: Result) -> None:
    rows = [{"end state": result.labels[s], "probability": f"{p['probability']:.0%}",
             "95% interval": f"{p['low']:.0%} to {p['high']:.0%}",
             "runs": f"{p['count']:.0f} of {p['n']:.0f}"} for s, p in result.end_states.items()]
    st.table(rows)


def show(result: Result) -> None:
    """Everything the page says about one ensemble, in the scenario's names."""
    st.subheader(f"{result.name}: {result.runs} runs")
    end_states(result)
    left, right = st.columns(2)
    with left:
        st.caption("Share of the people who have left, by day: median run, middle half and "
                   "middle 90% of the runs")
        st.line_chart(_frame(result.days, {"05%": result.departed["q05"],
                                           "25%": result.departed["q25"],
                                           "50% (median)": result.departed["q50"],
                                           "75%": result.departed["q75"],
                                           "95%": result.departed["q95"]}), x="day")
    with right:
        st.caption("Share of runs in which the ceasefire still holds, and in which there is "
                   "still no agreement, by day")
        st.line_chart(_frame(result.days, {"ceasefire holding": result.holding,
                                           "no agreement yet": result.no_agreement}), x="day")
    with st.expander("The main outcomes (medians, 90% of runs between)"):
        st.text(result.table)
    for which, text in result.stories.items():
        with st.expander(f"The story of the {which} run"):
            st.text(text)
    if result.differences:
        st.subheader("Compared with the baseline (paired: same random numbers)")
        st.text("\n".join(result.differences))


def _frame(days: list[float], columns: dict[str, list[float]]) -> dict[str, Any]:
    return {"day": days, **columns}
