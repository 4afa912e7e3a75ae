"""The numbers the documents quote come from the generator (`make docs`), and are not stale."""

from __future__ import annotations

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
    nil = {("b", "s"): {"diff": "0.0026", "diff_low": "0.0019", "diff_high": "0.0039"}}
    assert teach.clear(nil, "b", "s") == "statistically clear, practically nil"
    none = {("b", "s"): {"diff": "0.02", "diff_low": "-0.01", "diff_high": "0.05"}}
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
    guide.write_text(guide.read_text().replace("**50 runs**: exodus 8", "**50 runs**: exodus 7"))
    stale = subprocess.run([*GENERATE, "--check", "--only", key, "--root", str(root)],
                           capture_output=True, text=True, timeout=300)
    assert stale.returncode == 1
    assert stale.stdout.strip() == f"stale: exercises/TEACHER.md: {key}"


@pytest.mark.slow
def test_every_generated_block_is_what_the_model_gives_today() -> None:
    done = subprocess.run([*GENERATE, "--check"], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"stale documents: run `make docs`\n{done.stdout}{done.stderr}"
