"""The README's comparison of the fluid and the sliced corridor, from benchmarks/ks_corridor.json
(written by benchmarks/ks_corridor.py; the block only reads it, so it costs no runs)."""

from __future__ import annotations

import json
from pathlib import Path

from workspace import Workspace

JSON = Path(__file__).resolve().parent.parent / "benchmarks" / "ks_corridor.json"


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def ks_block(_: Workspace) -> str:
    """Per outcome: the largest KS distance over the scenarios, and where it is beyond chance."""
    data = json.loads(JSON.read_text(encoding="utf-8"))
    alpha = data["alpha"]
    rows: dict[str, dict] = {}
    for scenario, outcomes in data["scenarios"].items():
        for name, r in outcomes.items():
            row = rows.setdefault(name, {"ks": 0.0, "where": "the same everywhere",
                                         "differ": []})
            if r["ks"] > row["ks"]:
                row.update(ks=r["ks"], where=f"{scenario} (means {_num(r['fluid_mean'])} fluid, "
                                             f"{_num(r['sliced_mean'])} sliced)")
            if r["p"] < alpha:
                row["differ"].append(scenario)
    lines = [f"{data['runs']:,} runs of each of {len(data['scenarios'])} shipped scenarios with "
             f"each corridor, the same seeds; two-sample KS per outcome (end states: each "
             f"state's share); beyond sampling error: p < {alpha}.", "",
             "| outcome | largest KS distance, where | scenarios where the corridors differ |",
             "|---|---|---|"]
    for name, row in rows.items():
        differ = ", ".join(row["differ"]) or "none"
        lines.append(f"| {name} | {row['ks']:.3f}, {row['where']} | {differ} |")
    return "\n".join(lines)


BLOCKS = {
    "ks-corridor": ("README.md", ks_block),
}
