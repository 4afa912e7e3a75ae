"""What the teacher's guide's blocks share: running a worksheet's command, and sentences."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

from fmt import (
    rows,
)
from workspace import Workspace

GUIDE = "exercises/TEACHER.md"


BASELINE = "scenarios/baseline.toml"


LABELS = {"renewed_war": "renewed war", "exodus": "exodus",
          "reintegration": "negotiated reintegration", "unresolved": "unresolved"}


#: Numbers only: the figures and the printed table are not read here.
QUIET = "--force --no-figures --quiet"


OBSERVED = "--observed data/nk2023_arrivals_early.csv"


def bullet(text: str) -> str:
    """A Markdown bullet wrapped at 96 columns, its continuation lines indented."""
    return textwrap.fill(text, width=96, initial_indent="- ", subsequent_indent="  ",
                         break_on_hyphens=False)


def run(ws: Workspace, args: str, out: str) -> Path:
    """`sim run` with the worksheet's arguments into OUT; the results folder."""
    ws.sim(f"sim run {args} --out {out} {QUIET}")
    return ws.path(out)


def column(rows: list[dict[str, str]], name: str) -> list[float]:
    """The non-empty values of one outcome over the runs."""
    return [float(r[name]) for r in rows if r[name] != ""]


def spread(s: dict[str, Any], name: str, digits: int = 0) -> str:
    """A median with the range holding 90% of runs: '4.2 (90% of runs: 3.1 to 7.7)'."""
    q = s[name]
    return f"{q['q50']:.{digits}f} (90% of runs: {q['q05']:.{digits}f} to {q['q95']:.{digits}f})"


def compare(ws: Workspace, args: str, out: str) -> Path:
    """`sim compare` with the worksheet's arguments into OUT; the comparison folder."""
    ws.sim(f"sim compare {args} --out {out} --force --no-figures --quiet")
    return ws.path(out)


def sweep(ws: Workspace, args: str, out: str) -> list[dict[str, str]]:
    """`sim sweep` with the worksheet's arguments into OUT; the rows of sweep.csv."""
    ws.sim(f"sim sweep {args} --out {out} --force --no-figures --quiet")
    return rows(ws.path(out) / "sweep.csv")


def clear(t: dict[tuple[str, str], dict[str, str]], other: str, outcome: str) -> str:
    """Whether a paired difference is clear (as `sim compare` judges it), in words."""
    r = t[(other, outcome)]
    if r["clear"] != "True":
        return "no clear difference"
    return ("statistically clear, practically nil" if abs(float(r["diff"])) < 0.01
            else "statistically clear")


def same_or_range(values: list[str], unit: str = "") -> str:
    """'98% at every point', or the range of values when they differ."""
    if len(set(values)) == 1:
        return f"{values[0]}{unit} at every point"
    return f"{values[0]}{unit} to {values[-1]}{unit}"


def when(entry: str) -> datetime:
    """The date-time a story entry starts with (the worked example's year)."""
    return datetime.strptime(f"{' '.join(entry.split()[:4])} 2023", "%a %d %b %H:%M %Y")


def day_of(entry: str) -> str:
    """The day an entry is dated: 'Fri 22 Sep'."""
    return " ".join(entry.split()[:3])


def validation(ws: Workspace, scenario: str, out: str, series: str = "departed"
               ) -> dict[str, Any]:
    """`sim validate` of worksheet 5 (100 runs) into OUT; its validation.json."""
    ws.sim(f"sim validate scenarios/{scenario}.toml {OBSERVED} --series {series} --runs 100 "
           f"--out {out} --force")
    return dict(json.loads(ws.path(f"{out}/validation.json").read_text()))


def stamp(iso: str) -> str:
    """A date-time of the data as the guide writes it: '24 Sep 18:00'."""
    return datetime.fromisoformat(iso).strftime("%-d %b %H:%M")


def inside(v: dict[str, Any], band: str) -> int:
    """How many observed points lie inside a band (50% or 90%) of the replications."""
    return sum(p[f"inside_{band}"] for p in v["points"])
