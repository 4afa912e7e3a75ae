"""`sim compare`, `sim plot`, `sim summary`: pairing, the comparison folder, its figures."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import matplotlib
import pytest
from click.testing import Result
from matplotlib.image import imread

import sim
from sim.analysis import stats
from sim.analysis.compare import Entry, compare
from sim.analysis.measures import measures
from sim.analysis.wording import _line
from sim.outcomes import END_STATES
from sim.runs import stats as runstats

from conftest import ROOT, cli, ok

BASELINE = ROOT / "scenarios" / "baseline.toml"
WITHDRAW = ROOT / "scenarios" / "peacekeepers_withdraw.toml"
LABELS = {s: s.replace("_", " ") for s in END_STATES}


def refused(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def table(folder: Path) -> list[dict[str, str]]:
    with (folder / "comparison.csv").open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "base"
    ok(cli("run", BASELINE, "--runs", "30", "--seed", "3", "--out", out, "--quiet",
           "--no-figures"))
    return out


def test_a_scenario_compared_with_itself_differs_by_exactly_zero(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = ok(cli("compare", BASELINE, BASELINE, "--runs", "20", "--seed", "1",
                    "--out", out, "--no-figures"))
    assert "Baseline (baseline.toml): none" in result.stdout
    rows = [r for r in table(out) if r["label"] == "Baseline (baseline.toml)"]
    assert len(rows) == len(measures(LABELS))
    for row in rows:
        assert row["pairing"] == "paired"
        if row["diff"]:  # empty only where nothing happened in any run
            assert float(row["diff"]) == float(row["diff_low"]) == float(row["diff_high"]) == 0
        if row["ks_statistic"]:
            assert (float(row["ks_statistic"]), float(row["ks_pvalue"])) == (0.0, 1.0)
    assert sorted(p.name for p in out.iterdir()) == ["comparison.csv", "manifest.json",
                                                      "summary.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["cmp"]  # no .partial left behind


@pytest.mark.slow
def test_comparison_csv_and_figures(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    rc = dict(matplotlib.rcParams)
    result = ok(cli("compare", BASELINE, WITHDRAW, "--runs", "40", "--seed", "2023",
                    "--out", out))
    assert dict(matplotlib.rcParams) == rc, "drawing must not change global matplotlib style"
    rows = table(out)
    first = [r for r in rows if r["label"] == "Baseline"]
    other = [r for r in rows if r["label"] == "Peacekeepers withdraw"]
    assert len(first) == len(other) == len(measures(LABELS))
    assert all(r["diff"] == r["pairing"] == "" for r in first)
    states = [r for r in first if r["outcome"].startswith("end_state.")]
    assert sum(float(r["value"]) for r in states) == pytest.approx(1)
    for row in other:
        assert row["pairing"] == "paired"
        if row["diff_low"]:
            assert float(row["diff_low"]) <= float(row["diff"]) <= float(row["diff_high"])
        if row["low"]:
            assert float(row["low"]) <= float(row["value"]) <= float(row["high"])
        if row["statistic"] == "probability":
            assert row["ks_statistic"] == row["ks_pvalue"] == ""
    collapse = next(r for r in other if r["outcome"] == "ceasefire_collapsed")
    assert float(collapse["diff_low"]) > 0  # withdrawing peacekeepers makes collapse likelier
    assert "Peacekeepers withdraw: ceasefire collapse " in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert [i["paired_with_first"] for i in manifest["inputs"]] == [True, True]
    pngs = sorted((out / "figures").glob("*.png"))
    assert [p.stem for p in pngs] == sorted(["end_states", "departures", "distributions",
                                             "survival", "differences_probabilities",
                                             "differences_amounts"])
    for png in pngs:
        image = imread(png)
        height, width = image.shape[:2]
        assert 700 <= width <= 1400 and 350 <= height <= 1100, png.name
        assert image[..., :3].std() > 0.05, f"{png.name} is nearly blank"


def test_a_results_folder_pairs_with_a_scenario_run_on_its_seed(run_folder: Path,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = ok(cli("compare", run_folder, WITHDRAW, "--out", out, "--no-figures"))
    assert "30 replications each (paired" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(i["seed"], i["runs"]) for i in manifest["inputs"]] == [(3, 30), (3, 30)]


def test_folders_with_other_seeds_are_compared_unpaired(run_folder: Path,
                                                        tmp_path: Path) -> None:
    """Known answer (a) on the model: the baseline against itself under another seed."""
    out = tmp_path / "cmp"
    result = ok(cli("compare", run_folder, BASELINE, "--seed", "4", "--runs", "25",
                    "--out", out, "--no-figures"))
    words = " ".join(result.stdout.split())
    assert "UNPAIRED: seed 4 and 25 runs against seed 3 and 30" in words
    rows = [r for r in table(out) if r["label"] != "Baseline"]
    assert {r["pairing"] for r in rows} == {"unpaired"}
    assert {r["test"] for r in rows} == {"Fisher exact", "permutation"}
    assert {r["clear"] for r in rows} == {"False"}
    assert "Baseline (baseline.toml): none" in result.stdout


def test_the_summary_line_reads_as_a_sentence() -> None:
    m = {x.key: x for x in measures(LABELS)}
    base = {"value": 0.12, "n": 500, "missing": 0}
    row = {"value": 0.31, "diff": 0.19, "diff_low": 0.16, "diff_high": 0.22, "n": 500,
           "missing": 0, "pairing": "paired", "differing": 103, "pvalue_adjusted": 2e-9}
    assert _line("Peacekeepers withdraw", m["ceasefire_collapsed"], base, row) == (
        "Peacekeepers withdraw: ceasefire collapse 12% -> 31% (+19 points, 95% CI +16 to +22; "
        "103 of 500 pairs differ, adjusted p < 0.001)")
    day = {"value": 14.5, "diff": -2.2, "diff_low": -3.5, "diff_high": -1.0, "n": 40,
           "missing": 30, "pairing": "unpaired", "differing": float("nan"),
           "pvalue_adjusted": 0.0123}
    assert _line("X", m["collapse_day"], {"value": 16.7, "n": 40, "missing": 20}, day) == (
        "X: mean day the ceasefire collapsed (when it did) 16.7 days -> 14.5 days "
        "(-2.2 days, 95% CI -3.5 to -1.0; adjusted p = 0.012) [happened in 20 of 40 and 10 of "
        "40 runs] [unpaired]")


@pytest.mark.slow
def test_withdrawing_peacekeepers_is_found_with_its_sign(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Known answer (c): without peacekeepers the ceasefire collapses more often; the brief
    says so in one line, and Holm's correction is never less strict than Benjamini-Hochberg."""
    out = tmp_path / "cmp"
    result = ok(cli("compare", BASELINE, WITHDRAW, "--runs", "60", "--seed", "5", "--brief",
                    "--out", out, "--no-figures"))
    lines = result.stdout.splitlines()
    brief = " ".join(line.strip() for line in lines if not line.startswith("Comparison:"))
    assert re.search(r"after Benjamini-Hochberg over \d+ differences", brief)
    assert "Peacekeepers withdraw: " in brief and "no clear change" not in brief
    rows = {r["outcome"]: r for r in table(out) if r["label"] == "Peacekeepers withdraw"}
    collapse = rows["ceasefire_collapsed"]
    assert collapse["clear"] == "True" and float(collapse["diff_low"]) > 0
    assert collapse["test"] == "McNemar exact"
    assert float(collapse["pvalue"]) <= float(collapse["pvalue_adjusted"]) < 0.05
    assert int(collapse["differing"]) >= round(60 * float(collapse["diff"]))
    summary = (out / "summary.txt").read_text()
    found = re.search(r"Peacekeepers withdraw: ceasefire collapse (\d+)% -> (\d+)% \(\+.*; "
                      r"(\d+) of 60 pairs differ, adjusted p ", summary)
    assert found and int(found[1]) < int(found[2]) and int(found[3]) == int(collapse["differing"])
    comp = sim.compare([BASELINE, WITHDRAW], runs=60, seed=5, progress=False)
    assert comp.brief() == lines[:-1]
    monkeypatch.setattr(runstats, "RESAMPLES", 999)  # the rest: faster, as valid
    monkeypatch.setattr(stats, "PERMUTATIONS", 999)
    five = [*comp.entries, *(Entry(e.source, f"{e.label} {k}", e.ensemble)
                             for k in range(2, 6) for e in comp.entries[1:])]
    assert len(compare(five).brief()) <= 20  # five scenarios fit on a class screen
    holm = compare(comp.entries, family_wise=True)
    assert "after Holm's correction over" in " ".join(holm.summary())
    for a, b in zip(comp.rows, holm.rows, strict=True):
        if "pvalue_adjusted" in a and not math.isnan(a["pvalue_adjusted"]):
            assert a["pvalue"] <= a["pvalue_adjusted"] <= b["pvalue_adjusted"]


def test_plot_and_summary_of_a_results_folder(run_folder: Path) -> None:
    result = ok(cli("plot", run_folder))
    pngs = sorted((run_folder / "figures").glob("*.png"))
    assert len(pngs) == 4 and all(f"Figure: {p}" in result.stdout for p in pngs)
    text = ok(cli("summary", run_folder)).stdout
    assert text.startswith(f"baseline: 30 replications, seed 3 ({run_folder})")
    assert "End states over 30 replications" in text and "share of people who left" in text


@pytest.mark.parametrize("command", ["compare", "plot", "summary"])
def test_a_folder_that_is_not_a_results_folder_is_refused(command: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "outcomes.csv").write_text("hello\n")
    args = [BASELINE, "notes"] if command == "compare" else ["notes"]
    refused(cli(command, *args), "error: notes: not a results folder", "manifest.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]
    assert [p.name for p in (tmp_path / "notes").iterdir()] == ["outcomes.csv"]


def test_compare_refuses_bad_input_and_writes_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    refused(cli("compare", BASELINE, "missing.toml"), "missing.toml: no such scenario file")
    result = cli("compare", BASELINE)
    assert result.exit_code == 2 and "at least two" in result.output
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("keep")
    refused(cli("compare", BASELINE, BASELINE, "--runs", "2", "--out", "taken"),
            "not empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
