"""The README's 2023 forecast: the calibrated road, its validation, the week's forecast, the
backtest with its null models. One command renews them all:
`.venv/bin/python docs/generate.py --only readme-2023-posterior,readme-2023-validation,...`."""

from __future__ import annotations

import csv
import json
import textwrap
from datetime import datetime, timedelta

from fmt import console, count, quantile
from teach import bullet
from workspace import Failed, Workspace

OBSERVED = "--observed data/nk2023_arrivals_early.csv"
PARAMS = ("outflow.corridor_capacity_per_hour,outflow.throughput_growth_per_day,"
          "outflow.throughput_ceiling_per_hour,outflow.travel_hours_mean,events.5.day")
VALIDATE = (f"sim validate scenarios/historical_2023_calibrated.toml {OBSERVED} "
            "--series registered --runs 1000")
VALIDATE_OUT = "results/historical_2023_calibrated/validation-20261130-2023"
BACKTEST = (f"sim backtest scenarios/historical_2023.toml {OBSERVED} --series registered \\\n"
            f"    --params {PARAMS} \\\n    --runs 600 --keep 0.1 --generations 1 "
            "--predictive-runs 200")
BACKTEST_OUT = "results/historical_2023/backtest-20261130-2023"
POSTERIOR = "scenarios/historical_2023_posterior.csv"
#: The calibrated scenario's clock: day 0 is the ceasefire, 20 September 2023, 13:00 UTC+4.
START_2023 = datetime(2023, 9, 20, 13, 0)


def out(command: str, folder: str) -> str:
    """The command as run, into a fixed folder so the text is stable."""
    return f"{command.replace(chr(92) + chr(10), ' ')} --out {folder} --quiet"


def clock(day: float) -> str:
    """A day of the 2023 scenario as a local date and time, to the nearest 5 minutes."""
    minutes = round(day * 24 * 12) * 5
    return (START_2023 + timedelta(minutes=minutes)).strftime("%-d Sep %H:%M")


def posterior_block(ws: Workspace) -> str:
    """The calibrated road and journey, from the shipped posterior file."""
    with ws.path(POSTERIOR).open() as f:
        rows = list(csv.DictReader(f))

    def q(name: str) -> tuple[float, float, float]:
        values = sorted(float(r[f"param.{name}"]) for r in rows)
        return quantile(values, 0.05), quantile(values, 0.5), quantile(values, 0.95)

    cap, growth, ceiling = (q(f"outflow.{n}") for n in (
        "corridor_capacity_per_hour", "throughput_growth_per_day", "throughput_ceiling_per_hour"))
    travel, opens = q("outflow.travel_hours_mean"), q("events.5.day")
    return (
        f"- the road opened for the model between {clock(opens[0])} and {clock(opens[2])} "
        f"(median {clock(opens[1])}),\n  letting through about {count(cap[1])} people an hour "
        f"(90%: {count(cap[0])} to {count(cap[2])});\n"
        f"- its throughput then grew while people queued at about {growth[1]:.2f} a day "
        f"(90%: {growth[0]:.2f} to {growth[2]:.2f}),\n  toward a ceiling of {count(ceiling[1])} "
        f"an hour (90%: {count(ceiling[0])} to {count(ceiling[2])}: the prior's 600 to 3,000, "
        f"hardly narrowed);\n- the drive from the queue to registration in Armenia took "
        f"{travel[1]:.0f} hours on average (90%: {travel[0]:.0f} to {travel[2]:.0f});")


def validation_prose_block(ws: Workspace) -> str:
    """The calibrated scenario against the early data (in sample), from validation.json."""
    ws.sim(out(VALIDATE, VALIDATE_OUT))
    v = json.loads(ws.path(f"{VALIDATE_OUT}/validation.json").read_text())
    points = v["points"]
    n = len(points)
    inside50 = sum(p["inside_50%"] for p in points)
    inside90 = sum(p["inside_90%"] for p in points)
    pits = ", ".join(f"{p['pit']:.2f}" for p in points)
    return (
        f"In sample, against the six points it was calibrated on ({v['runs']:,} replications of "
        f"`registered`): {inside50} of {n} inside\nthe middle 50%, {inside90} of {n} inside the "
        f"middle 90%; mean relative difference of the median "
        f"{100 * v['mean_relative_difference']:.1f}%; mean CRPS\n"
        f"{count(v['scores']['crps'])} people; PIT {pits}. In sample says little: the backtest "
        f"below is the test.")


def forecast_code(readme: str) -> str:
    """The README's own forecast code (below the table), printing its quantiles as JSON."""
    start = readme.index("```python\n", readme.index("<!-- generated: readme-2023-forecast -->"))
    lines = readme[start + 10:readme.index("```", start + 10)].rstrip().splitlines()
    if not lines[-1].startswith("print("):
        raise Failed("README: the forecast code no longer ends with print(...)")
    shown = lines[-1][len("print("):lines[-1].rindex(")")]
    return "\n".join(["import json", *lines[:-1], f"print(json.dumps(({shown}).tolist()))"])


def forecast_block(ws: Workspace) -> str:
    """The week after the data: the code printed below the table, run here."""
    code = forecast_code((ws.root / "README.md").read_text())
    q05, q25, q50, q75, q95 = json.loads(ws.python(code))
    rows = ["| by the end of | median | middle 50% | middle 90% |", "|---|---:|---:|---:|"]
    for k in range(8):
        day = datetime(2023, 9, 26) + timedelta(days=k)
        label = f"{day:%a} {day.day} {day:%b}"
        rows.append(f"| {label} | {count(q50[k])} | {count(q25[k])} – {count(q75[k])} | "
                    f"{count(q05[k])} – {count(q95[k])} |")
    return "\n".join(rows)


_PRINTED: dict[str, str] = {}


def _backtest(ws: Workspace) -> str:
    """The README's backtest, run once per workspace: what it printed."""
    key = str(ws.root)
    if key not in _PRINTED:
        _PRINTED[key] = ws.sim(out(BACKTEST, BACKTEST_OUT))
    return _PRINTED[key]


def backtest_block(ws: Workspace) -> str:
    """`sim backtest`: its score table of the model and the null models, and the verdict."""
    lines = _backtest(ws).splitlines()
    table = next(i for i, line in enumerate(lines) if line.startswith("Scores over"))
    last = next(i for i, line in enumerate(lines) if line.startswith("PIT of the model"))
    return console(BACKTEST, "\n".join([lines[0], "  ...", *lines[table:last + 1]]))


BLOCKS = {
    "readme-2023-posterior": ("README.md", posterior_block),
    "readme-2023-validation": ("README.md", validation_prose_block),
    "readme-2023-forecast": ("README.md", forecast_block),
    "readme-2023-backtest": ("README.md", backtest_block),
}


WS5_BACKTEST = ("sim backtest scenarios/historical_2023.toml --observed "
                "data/nk2023_arrivals_early.csv --series registered --params "
                "outflow.corridor_capacity_per_hour,events.5.day --runs 100 --generations 0 "
                "--predictive-runs 50 --out results/ex5/backtest --force")


def teacher_ws5_backtest(ws: Workspace) -> str:
    """Worksheet 5: the class's small backtest, its scores beside the null models'."""
    ws.sim(WS5_BACKTEST + " --quiet")
    b = json.loads(ws.path("results/ex5/backtest/backtest.json").read_text())
    s = b["summary"]
    model = s["model"]
    rivals = ", ".join(f"{name} {count(row['crps'])}" for name, row in s.items()
                       if name != "model")
    return bullet(f"**The class's backtest** (two numbers, 100 runs at each of "
            f"{len(b['origins'])} origins): mean CRPS of the model {count(model['crps'])} "
            f"people over {model['points']:.0f} forecast points, against {rivals} for the null "
            f"models (lower is better; the logistic only from 3 points on); "
            f"{model['inside_50%']:.0%} of the points inside the model's 50% band and "
            f"{model['inside_90%']:.0%} inside its 90% band.")


BLOCKS["teacher-ws5-backtest"] = ("exercises/TEACHER.md", teacher_ws5_backtest)


def backtest_verdict(ws: Workspace) -> str:
    """The backtest in words: which null models the model beats, and which way it leans."""
    _backtest(ws)
    b = json.loads(ws.path(f"{BACKTEST_OUT}/backtest.json").read_text())
    s = b["summary"]
    pits = [x for o in b["origins"] for x in o["scores"]["model"]["pit"]]
    mean_pit = sum(pits) / len(pits)
    better = [n for n, row in s.items() if n != "model" and row["crps"] > s["model"]["crps"]]
    worse = [n for n, row in s.items() if n != "model" and n not in better]
    lean = ("too high (the counts fell low in its bands: mean PIT "
            f"{mean_pit:.2f})" if mean_pit < 0.35 else
            f"too low (mean PIT {mean_pit:.2f})" if mean_pit > 0.65 else
            f"neither high nor low on average (mean PIT {mean_pit:.2f})")
    head = ("The full model beats every null model" if not worse else
            "The full model beats none of the null models" if not better else
            f"The full model beats only the {' and the '.join(better)}, not the "
            f"{' or the '.join(worse)}")
    inside = s["model"]["inside_90%"]
    text = (f"{head} (mean CRPS over the points each forecast, in the table). Its forecasts "
            f"of the points it did not see were {lean}, and {inside:.0%} of them fell inside "
            "its 90% bands.")
    if mean_pit < 0.35:
        text += (" Calibrated on a day or two of a rising count, the throughput's growth is "
                 "carried forward too fast: read the forecast below with that in mind, the "
                 "backtest says it leans high.")
    return textwrap.fill(text, width=98)


BLOCKS["readme-2023-backtest-verdict"] = ("README.md", backtest_verdict)
