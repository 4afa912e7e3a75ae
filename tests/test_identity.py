"""Results do not move when the code is reorganised: every shipped scenario's outcomes.csv,
series.npz, summary table, summary.json and one story, as hashes stored in identity.json.

A change of the model changes them on purpose: run `python tests/test_identity.py` to store the
new hashes, and say in the commit what changed and why."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORED = Path(__file__).with_name("identity.json")
SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.toml"))
RUNS = 30


def _sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()[:16]


def hashes(name: str, folder: Path) -> dict[str, str]:
    """The hashes of a small run of one shipped scenario (serial, so it is quick)."""
    from conftest import cli, ok

    out = folder / name.removesuffix(".toml")
    scenario = ROOT / "scenarios" / name
    ok(cli("run", scenario, "--runs", RUNS, "--workers", 1, "--out", out, "--no-figures",
           "--quiet"))
    summary = ok(cli("summary", out)).output.split("\n", 1)[1]  # the first line names the folder
    story = ok(cli("story", scenario, "--replication", 2)).output
    return {"outcomes.csv": _sha((out / "outcomes.csv").read_bytes()),
            "series.npz": _sha((out / "series.npz").read_bytes()),
            "summary.json": _sha((out / "summary.json").read_bytes()),
            "summary": _sha(summary), "story": _sha(story)}


@pytest.mark.parametrize("name", SCENARIOS)
def test_results_are_what_they_were(name: str, tmp_path: Path) -> None:
    stored = json.loads(STORED.read_text())
    assert hashes(name, tmp_path) == stored[name], (
        f"{name}: results changed; if the model changed on purpose, run "
        "`python tests/test_identity.py` and commit identity.json")


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    with tempfile.TemporaryDirectory() as tmp:
        table = {name: hashes(name, Path(tmp)) for name in SCENARIOS}
    STORED.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"stored the hashes of {len(table)} scenarios in {STORED}")
