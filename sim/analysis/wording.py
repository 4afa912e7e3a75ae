"""A comparison in words: every clear difference (the summary), or the few largest per
scenario for a class screen (the brief)."""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any

from sim.analysis.stats import ALPHA, MIN_DIFFERING
from sim.text import printable

if TYPE_CHECKING:
    from sim.analysis.compare import Comparison
    from sim.analysis.measures import Measure

#: Clear changes a brief names per scenario, largest first.
BRIEF_CHANGES = 4
WIDTH = 100


def rule(comp: Comparison) -> str:
    """The one sentence that says what "clear" means and which correction is applied."""
    if comp.family_wise:
        how = "Holm's correction", "a 5% chance that any clear line is chance"
    else:
        how = "Benjamini-Hochberg", "about 1 clear line in 20 may be chance"
    return (f"clear: 95% interval excludes 0 and p < {ALPHA:g} after {how[0]} over "
            f"{comp.tested} differences; {how[1]}")


def summary(comp: Comparison) -> list[str]:
    """Plain-language lines: what is compared, how, and each clear difference."""
    base = comp.entries[0]
    runs = {e.ensemble.runs for e in comp.entries}
    how = ("paired: replication k of each shares its random numbers" if all(comp.paired) else
           "those marked UNPAIRED ran with another seed or number of runs")
    lines = [f"Compared with {base.label}, {'/'.join(map(str, sorted(runs)))} replications each"
             f" ({how}):"]
    width = max(len(e.label) for e in comp.entries) + 4
    for entry, paired in zip(comp.entries, comp.paired, strict=True):
        ens = entry.ensemble
        text = ens.scenario.params.description or ens.scenario.name
        if not paired:
            text += (f" [UNPAIRED: seed {ens.seed} and {ens.runs} runs against seed "
                     f"{base.ensemble.seed} and {base.ensemble.runs}; compared as independent "
                     f"samples, so intervals are wider; run both with one seed and number of "
                     f"runs to pair them]")
        lines += textwrap.wrap(text, WIDTH, initial_indent=f"  {entry.label:<{width}}",
                               subsequent_indent=" " * (width + 2))
    lines += textwrap.wrap(f"Clear differences from {base.label} ({rule(comp)}):", WIDTH)
    by_key = {m.key: m for m in comp.measures}
    base_rows = {r["outcome"]: r for r in comp.rows if r["label"] == base.label}
    for entry in comp.entries[1:]:
        own = [r for r in comp.rows if r["label"] == entry.label]
        rows = distinct([r for r in own if r.get("clear")])
        lines += [_line(entry.label, by_key[r["outcome"]], base_rows[r["outcome"]], r)
                  for r in rows] or [f"{entry.label}: none"]
        few = [by_key[r["outcome"]].label for r in distinct([r for r in own if r["too_few"]])]
        if few:
            lines += textwrap.wrap(
                f"{entry.label}: too few differing runs (under {MIN_DIFFERING}) to judge "
                f"{', '.join(few)}", WIDTH, subsequent_indent="  ")
    return [printable(line) for line in lines]


def brief(comp: Comparison) -> list[str]:
    """One line per scenario: its largest clear changes in plain words, largest first (size:
    the change as a share of the larger value, so that units compare)."""
    base = comp.entries[0]
    pairing = "paired" if all(comp.paired) else "(some unpaired)"
    runs = "/".join(map(str, sorted({e.ensemble.runs for e in comp.entries})))
    lines = textwrap.wrap(f"Largest clear changes from {base.label}, {runs} {pairing} runs "
                          f"each ({rule(comp)}):", WIDTH)
    by_key = {m.key: m for m in comp.measures}
    base_rows = {r["outcome"]: r for r in comp.rows if r["label"] == base.label}
    for entry in comp.entries[1:]:
        rows = distinct([r for r in comp.rows if r["label"] == entry.label and r.get("clear")])
        sized = sorted(rows, key=lambda r: -_size(base_rows[r["outcome"]], r))
        words = [_change(by_key[r["outcome"]], base_rows[r["outcome"]], r)
                 for r in sized[:BRIEF_CHANGES]]
        more = len(sized) - len(words)
        text = "; ".join(words) + (f"; {more} more" if more > 0 else "")
        lines += textwrap.wrap(f"{entry.label}: {text or 'no clear change'}", WIDTH,
                               subsequent_indent="  ")
    return [printable(line) for line in lines]


def _size(base: dict[str, Any], row: dict[str, Any]) -> float:
    """The change as a share of the larger of the two values (15% -> 0% is a change of 1)."""
    larger = max(abs(base["value"]), abs(row["value"]))
    return abs(row["diff"]) / larger if larger > 0 else 0.0


def _change(m: Measure, base: dict[str, Any], row: dict[str, Any]) -> str:
    d = m.decimals(base["value"], row["value"], row["diff"])
    return f"{m.label} {m.show(base['value'], d)} -> {m.show(row['value'], d)}"


def distinct(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per identical result ("renewed war" is "ceasefire collapse"): the plain one."""
    kept: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[c] for c in ("value", "diff", "diff_low", "diff_high"))
        if key not in kept or kept[key]["outcome"].startswith("end_state."):
            kept[key] = row
    chosen = {id(r) for r in kept.values()}
    return [r for r in rows if id(r) in chosen]


def pvalue(p: float) -> str:
    """"p < 0.001", "p = 0.012", "p = 0.5"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}" if p >= 0.01 else f"p = {p:.3f}"


def _line(label: str, m: Measure, base: dict[str, Any], row: dict[str, Any]) -> str:
    d = m.decimals(base["value"], row["value"], row["diff"])
    what = f"mean {m.label}" if m.kind == "mean" else m.label
    pairs = ("" if row["pairing"] != "paired" or math.isnan(row["differing"]) else
             f"{row['differing']:,} of {row['n']:,} pairs differ, ")
    text = (f"{label}: {what} {m.show(base['value'], d)} -> {m.show(row['value'], d)} "
            f"({m.signed(row['diff'], d)}, 95% CI {m.signed(row['diff_low'], d, unit=False)} "
            f"to {m.signed(row['diff_high'], d, unit=False)}; {pairs}adjusted "
            f"{pvalue(row['pvalue_adjusted'])})")
    if row["missing"] or base["missing"]:
        text += (f" [happened in {base['n'] - base['missing']:,} of {base['n']:,} and "
                 f"{row['n'] - row['missing']:,} of {row['n']:,} runs]")
    return text + ("" if row["pairing"] == "paired" else " [unpaired]")
