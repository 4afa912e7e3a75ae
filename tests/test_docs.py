"""The numbers the documents quote come from the generator (`make docs`), and are not stale."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "docs"))

import fmt
import generate
import teach

GENERATE = [sys.executable, str(ROOT / "docs" / "generate.py")]


def test_every_marked_block_has_a_generator_and_every_generator_one_block() -> None:
    marked = generate.markers(ROOT)
    blocks = generate.registry()
    assert sorted(marked) == sorted(blocks), "a marker without a generator, or the reverse"
    for key, files in marked.items():
        assert files == [blocks[key].document], f"{key}: marked in {files}"
    for doc in generate.documents(ROOT):
        tags = re.findall(r"<!-- (generated: [a-z0-9-]+|/generated) -->", doc.read_text())
        opens, closes = tags[::2], tags[1::2]
        assert len(opens) == len(closes), f"{doc.name}: a block is not closed"
        assert all(o != "/generated" and c == "/generated" for o, c in zip(opens, closes,
                                                                          strict=True)), \
            f"{doc.name}: blocks overlap or a closing marker has no opening"


def test_the_end_states_sentence_reads_the_summary() -> None:
    def p(count: int, low: float, high: float) -> dict[str, float]:
        return {"probability": count / 50, "low": low, "high": high, "count": count, "n": 50}

    s = {"end_state": {"renewed_war": p(8, 0.0834, 0.2857), "exodus": p(42, 0.715, 0.917),
                       "reintegration": p(0, 0.0, 0.071), "unresolved": p(0, 0.0, 0.071)}}
    assert fmt.end_sentence(s, teach.LABELS) == (
        'exodus 84%, renewed war 16% (interval 8% to 29%), never a "negotiated reintegration" '
        'or "unresolved" ending')


def test_a_paired_difference_is_written_with_its_interval_and_its_size() -> None:
    row = {"statistic": "probability", "diff": "0.21", "diff_low": "0.13", "diff_high": "0.3"}
    t = {("a", "x"): {**row, "value": "0.17"}, ("b", "x"): {**row, "value": "0.38"}}
    assert fmt.arrow(t, "a", "b", "x") == "17% → 38%"
    assert fmt.points(t, "b", "x") == "+21 points, 95% CI +13 to +30"
    nil = {("b", "s"): {"diff": "0.0026", "diff_low": "0.0019", "diff_high": "0.0039",
                        "clear": "True"}}
    assert teach.clear(nil, "b", "s") == "statistically clear, practically nil"
    none = {("b", "s"): {"diff": "0.02", "diff_low": "0.01", "diff_high": "0.05",
                         "clear": "False"}}  # excludes zero, but not after the correction
    assert teach.clear(none, "b", "s") == "no clear difference"


def test_a_block_is_rewritten_between_its_markers_only() -> None:
    text = ("a\n<!-- generated: k -->\nold\n<!-- /generated -->\nb\n"
            "<!-- generated: other -->\nkeep\n<!-- /generated -->\n")
    assert generate.rewrite(text, "k", "new\n") == text.replace("old", "new")
    inline = "about <!-- generated: n -->98%<!-- /generated --> in the baseline"
    assert generate.rewrite(inline, "n", "97%") == inline.replace("98%", "97%")


def copy(tmp: Path) -> Path:
    """A copy of the repository's documents and inputs, for --root."""
    for name in ("scenarios", "data", "exercises"):
        shutil.copytree(ROOT / name, tmp / name)
    shutil.copy(ROOT / "README.md", tmp / "README.md")
    return tmp


@pytest.mark.slow
def test_a_doctored_block_is_reported_stale(tmp_path: Path) -> None:
    root = copy(tmp_path)
    key = "teacher-ws1-ensemble"
    fresh = subprocess.run([*GENERATE, "--check", "--only", key, "--root", str(root)],
                           capture_output=True, text=True, timeout=300)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    guide = root / "exercises" / "TEACHER.md"
    text = guide.read_text()
    start = text.index(f"<!-- generated: {key} -->")
    digit = re.search(r"\d", text[start + len(key) + 20:]).start() + start + len(key) + 20
    guide.write_text(text[:digit] + str((int(text[digit]) + 1) % 10) + text[digit + 1:])
    stale = subprocess.run([*GENERATE, "--check", "--only", key, "--root", str(root)],
                           capture_output=True, text=True, timeout=300)
    assert stale.returncode == 1
    assert stale.stdout.strip() == f"stale: exercises/TEACHER.md: {key}"


def test_the_documents_were_generated_from_todays_model_and_inputs() -> None:
    """Any change to the model's results changes tests/identity.json, and so the digest: the
    documents must then be regenerated (`make docs`; `make docs-check` compares every block)."""
    recorded = json.loads((ROOT / generate.STAMP).read_text())["inputs_sha256"]
    assert recorded == generate.inputs_digest(ROOT), (
        "the model's results, the scenarios, the data or the generators changed since the "
        "documents were generated: run `make docs` and commit what it rewrites")


STORY = """THE STORY OF X, run 7 (random seed 1)
It starts on Thu 21 Sep 2023 at 13:00 and follows 30 days, to Sat 21 Oct 2023. All times are
local (UTC+04:00).
Place: Somewhere. The Hill people number 1,000 (a number drawn at random for this run).

Fri 22 Sep 13:00  By now 10% of the Hill people have left (100 people).
Sat 23 Sep 01:00  About now the queue at the Pass road is at its longest: 250 people
                  waiting to leave.
Sun 24 Sep 01:00  By now 50% of the Hill people have left (500 people).
Mon 25 Sep 10:00  Talks, round 1, at Ford. A setback: the two sides moved further apart. (0
                  of 6 issues settled so far.)
Tue 26 Sep 01:00  THE CEASEFIRE COLLAPSES after 1 incident. The war starts again.

HOW IT ENDED (Sat 21 Oct 13:00): renewed war, because the ceasefire collapsed.
Left for Bremaria: 600 people (60%). Busiest day: 300 people left.
Violence: 1 incident, then war. 9 casualties; 4 people killed in all.
Talks: 1 round, 0 of 6 issues settled.
"""


def test_a_story_is_told_in_a_sentence_from_its_own_lines() -> None:
    import blocks_ws12

    assert blocks_ws12.story_bullet(STORY, 7, "Z") == (
        "- **Run 7** (group Z): 1,000 people. 10% gone by Fri 22 Sep 13:00, half by Sun 24 Sep "
        "01:00 (day\n  2.5). The queue peaks at 250 on Sat 23 Sep. 1 round of talks (25 Sep), 0 "
        "issues settled, one\n  setback; 1 incident, 4 killed. The ceasefire **collapses on Tue 26 "
        "Sep** after 1 incident,\n  ending the talks; 25 days of fighting. Ends as *renewed war*, "
        "60% gone.")


def test_make_forecast_renews_every_block_of_the_2023_forecast() -> None:
    """`make forecast` is the README's one command for the 2023 forecast: its keys must be
    blocks, and every readme-2023 block must be among them."""
    makefile = (ROOT / "Makefile").read_text()
    found = re.search(r"^FORECAST = ((?:.*\\\n)*.*)$", makefile, re.M)
    assert found, "the Makefile has no FORECAST list"
    keys = found.group(1).replace("\\\n", " ").split()
    registry = generate.registry()
    assert set(keys) <= set(registry)
    assert {k for k in registry if k.startswith("readme-2023-")} == set(keys)
