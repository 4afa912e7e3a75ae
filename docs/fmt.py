"""Formatters shared by the generated blocks: numbers and console output as the docs show them."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workspace import Failed

#: A dated line of a story: "Fri 22 Sep 10:43  ..." (continuation lines are indented).
DATED = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d")


def console(command: str, output: str) -> str:
    """A console block: the prompt and command, then what it printed."""
    return f"```console\n$ {command}\n{output.rstrip()}\n```"


def count(x: float) -> str:
    """A whole number with thousands separators: 12,345."""
    return f"{round(x):,}"


def words(n: int) -> str:
    """A small whole number in words, as prose writes it ("five"); larger ones in digits."""
    names = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return names[n] if 0 <= n < len(names) else f"{n:,}"


def pct(p: float, digits: int = 0) -> str:
    """A probability as a percentage: 0.166 -> '17%' (or '16.6%' with one digit)."""
    return f"{100 * p:.{digits}f}%"


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile with linear interpolation between order statistics (numpy's default)."""
    xs = sorted(values)
    pos = q * (len(xs) - 1)
    low = int(pos)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (xs[high] - xs[low]) * (pos - low)


def story_entries(text: str) -> list[str]:
    """The dated entries of a story, each with its continuation lines."""
    entries: list[str] = []
    for line in text.splitlines():
        if DATED.match(line):
            entries.append(line)
        elif entries and line.startswith(" " * 10) and line.strip():
            entries[-1] += "\n" + line
    return entries


def summary(folder: Path) -> dict[str, Any]:
    """The summary.json of a results folder."""
    return dict(json.loads((folder / "summary.json").read_text()))


def outcomes(folder: Path) -> list[dict[str, str]]:
    """The rows of a results folder's outcomes.csv."""
    with (folder / "outcomes.csv").open() as f:
        return list(csv.DictReader(f))


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file (sweep.csv, comparison.csv)."""
    with path.open() as f:
        return list(csv.DictReader(f))


def end_sentence(s: dict[str, Any], labels: dict[str, str]) -> str:
    """The end states of a summary in words, most common first, with the war's interval."""
    ends = s["end_state"]
    seen = sorted((k for k in ends if ends[k]["count"]), key=lambda k: -ends[k]["count"])
    parts = []
    for k in seen:
        part = f"{labels[k]} {pct(ends[k]['probability'])}"
        if k == "renewed_war":
            part += f" (interval {pct(ends[k]['low'])} to {pct(ends[k]['high'])})"
        parts.append(part)
    never = [f'"{labels[k]}"' for k in ends if not ends[k]["count"]]
    text = ", ".join(parts)
    if never:
        text += f", never a {' or '.join(never)} ending"
    return text


Table = dict[tuple[str, str], dict[str, str]]


def comparison(folder: Path) -> Table:
    """A comparison.csv by (scenario, outcome)."""
    return {(r["scenario"], r["outcome"]): r for r in rows(folder / "comparison.csv")}


def arrow(t: Table, ref: str, other: str, outcome: str, fmt: str = "{:.1f}",
          scale: float = 1.0) -> str:
    """'before → after' for one outcome of a comparison (probabilities as percentages)."""
    a, b = t[(ref, outcome)], t[(other, outcome)]
    if a["statistic"] == "probability":
        return f"{pct(float(a['value']))} → {pct(float(b['value']))}"
    return f"{fmt.format(scale * float(a['value']))} → {fmt.format(scale * float(b['value']))}"


def points(t: Table, other: str, outcome: str) -> str:
    """A paired difference in percentage points with its 95% interval: '+21 points, 95% CI ...'."""
    r = t[(other, outcome)]
    d, lo, hi = (100 * float(r[k]) for k in ("diff", "diff_low", "diff_high"))
    return f"{d:+.0f} points, 95% CI {lo:+.0f} to {hi:+.0f}"


def find(pattern: str, text: str) -> re.Match[str]:
    """The first match of a pattern the command's output must hold (its wording is relied on)."""
    match = re.search(pattern, text)
    if match is None:
        raise Failed(f"the output no longer says {pattern!r}: update the formatter")
    return match
