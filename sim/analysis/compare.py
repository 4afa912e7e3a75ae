"""Compare scenarios: run them on common random numbers (or read results folders), then
measure each outcome and its difference from the first scenario."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis import stats as tests
from sim.analysis.measures import Measure, measures
from sim.runs import folder as results
from sim.runs import stats
from sim.runs.ensemble import Ensemble, run_ensemble
from sim.scenario.load import Scenario, load
from sim.text import csv_cell
from sim.text import label as words

#: Spawn key of the bootstrap's random stream (replications use two-number keys).
BOOTSTRAP_KEY = 0xB0075
COLUMNS = ("scenario", "label", "outcome", "meaning", "statistic", "value", "low", "high",
           "median", "n", "missing", "pairing", "diff", "diff_low", "diff_high",
           "ks_statistic", "ks_pvalue", "test", "differing", "pvalue", "pvalue_adjusted",
           "clear")


@dataclass(frozen=True)
class Entry:
    """One compared scenario: where it came from, its label for people, and its ensemble."""

    source: str
    label: str
    ensemble: Ensemble


@dataclass(frozen=True)
class Comparison:
    """Entries (the first is the reference), whether each pairs with it, the table rows, and
    whether clear differences control the family-wise error (Holm) or the false discovery
    rate (Benjamini-Hochberg) over the `tested` distinct differences."""

    entries: tuple[Entry, ...]
    paired: tuple[bool, ...]
    rows: tuple[dict[str, Any], ...]
    measures: tuple[Measure, ...]
    family_wise: bool = False
    tested: int = 0

    def summary(self) -> list[str]:
        """Every clear difference, one line each (what `sim compare` prints)."""
        from sim.analysis.wording import summary

        return summary(self)

    def brief(self) -> list[str]:
        """One line per scenario with its largest clear changes (`sim compare --brief`)."""
        from sim.analysis.wording import brief

        return brief(self)

    def __repr__(self) -> str:
        names = ", ".join(repr(e.label) for e in self.entries)
        return f"<Comparison of {names}: {len(self.rows)} rows>"


def read_input(path: Path) -> Scenario | Ensemble:
    """A scenario file to run, or a results folder already run."""
    return results.read(path)[0] if path.is_dir() else load(path)


def defaults(inputs: Sequence[Scenario | Ensemble], runs: int | None,
             seed: int | None) -> tuple[int, int]:
    """Runs and seed for the scenario files: as given, else the first folder's (so they pair),
    else the first scenario's."""
    folders = [i for i in inputs if isinstance(i, Ensemble)]
    first = inputs[0]
    if folders:
        runs = runs or folders[0].runs
        seed = folders[0].seed if seed is None else seed
    sc = first.scenario if isinstance(first, Ensemble) else first
    return runs or sc.params.runs, sc.params.seed if seed is None else seed


def gather(paths: Sequence[Path], inputs: Sequence[Scenario | Ensemble], runs: int, seed: int,
           workers: int | None = None,
           progress: Callable[[int], None] | None = None) -> tuple[Entry, ...]:
    """Run every scenario file with one seed (common random numbers); keep folders as they are."""
    entries: list[Entry] = []
    for path, item in zip(paths, inputs, strict=True):
        if isinstance(item, Ensemble):
            ens = item
            if progress:
                progress(runs)
        else:
            ens = run_ensemble(item, runs, seed, workers=workers, progress=progress)
        entries.append(Entry(str(path), _label(ens.scenario, path, [e.label for e in entries]),
                             ens))
    return tuple(entries)


def _label(sc: Scenario, path: Path, taken: list[str]) -> str:
    """The scenario's name in words ("peacekeepers_withdraw" -> "Peacekeepers withdraw"), made
    unique among those taken."""
    label = words(sc.name) or path.stem  # "team_A" -> "Team A"
    if label in taken:
        label = f"{label} ({path.name})"
    k = 2
    while label in taken:
        label, k = f"{label} #{k}", k + 1
    return label


def pairs(first: Ensemble, other: Ensemble) -> bool:
    """Replication k of each used the same random numbers: same seed, same replications."""
    return first.seed == other.seed and first.column("replication") == other.column(
        "replication")


def compare(entries: Sequence[Entry], family_wise: bool = False) -> Comparison:
    """Every outcome of every entry, with its difference from the first entry, its test, and
    p-values adjusted over all the distinct differences compared."""
    first = entries[0].ensemble
    labels = first.scenario.params.end_states.labels.model_dump()
    chosen = measures(labels)
    rng = np.random.default_rng(np.random.SeedSequence(first.seed, spawn_key=(BOOTSTRAP_KEY,)))
    paired = tuple(pairs(first, e.ensemble) for e in entries)
    found: list[tuple[Measure, dict[str, Any]]] = []
    distinct: list[dict[str, Any]] = []
    for entry, is_paired in zip(entries, paired, strict=True):
        done: dict[tuple[str, bytes, bytes], dict[str, Any]] = {}  # renewed war = collapse
        for m in chosen:
            key = (m.kind, m.column(first).tobytes(), m.column(entry.ensemble).tobytes())
            if key not in done:
                done[key] = _row(entry, m, m.column(first), is_paired, entry is entries[0], rng)
                distinct.append(done[key])
            found.append((m, done[key]))
    adjusted = tests.adjust([r.get("pvalue", math.nan) for r in distinct], family_wise)
    for row, p in zip(distinct, adjusted, strict=True):
        if "pvalue" in row:
            row["pvalue_adjusted"] = p
            row["clear"] = tests.clear(row)
    rows = tuple({**row, "outcome": m.key, "meaning": m.label} for m, row in found)
    tested = sum(not math.isnan(p) for p in adjusted)
    return Comparison(tuple(entries), paired, rows, chosen, family_wise, tested)


def _row(entry: Entry, m: Measure, base: np.ndarray, paired: bool, is_first: bool,
         rng: np.random.Generator) -> dict[str, Any]:
    values = m.column(entry.ensemble)
    defined = values[~np.isnan(values)]
    if m.kind == "probability":
        p = stats.proportion([bool(v) for v in values])
        value, low, high, median = p["probability"], p["low"], p["high"], math.nan
    else:
        value, low, high = stats.mean_interval(values, rng)
        median = float(np.median(defined)) if defined.size else math.nan
    row = {"scenario": entry.ensemble.scenario.name, "label": entry.label, "outcome": m.key,
           "meaning": m.label, "statistic": m.kind, "value": value, "low": low, "high": high,
           "median": median, "n": values.size, "missing": values.size - defined.size}
    if is_first:
        return row
    ks = stats.ks(base, values) if m.kind == "mean" else (math.nan, math.nan)
    row.update({"pairing": "paired" if paired else "unpaired", "ks_statistic": ks[0],
                "ks_pvalue": ks[1], **tests.judge(base, values, m.kind, paired, rng)})
    return row


def comparison_csv(rows: Sequence[dict[str, Any]]) -> str:
    """comparison.csv: one row per scenario and outcome; empty cells are undefined."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in COLUMNS])
    return buf.getvalue()


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return csv_cell(value)
    return f"{value:.6g}" if isinstance(value, float) else str(value)
