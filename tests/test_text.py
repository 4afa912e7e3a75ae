"""Text from scenario files never drives the terminal, forges a line, or runs in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sim.text import csv_cell, csv_text, printable

from conftest import ROOT, cli, ok

BASELINE = ROOT / "scenarios" / "baseline.toml"
HOSTILE = "\x1b[31mred\x1b]0;owned\x07 \r\0x\u202eevil\nerror: forged line"


@pytest.mark.parametrize("text", [HOSTILE, "a\nb", "\x1b[2J", "x\r", "\0", "a\x85b\u2028c",
                                  "\x9b31m"])
def test_printable_has_no_control_characters(text: str) -> None:
    shown = printable(text)
    assert shown.isprintable() and "\n" not in shown and "\x1b" not in shown
    assert len(shown.splitlines()) == 1


@pytest.mark.parametrize("text", ["baseline", "Ünïcödé नमस्ते ✓", "a b\\c", "x" * 300, ""])
def test_printable_keeps_ordinary_text(text: str) -> None:
    assert printable(text) == text


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                  "'quoted", "''", "'", "plain", "", "-", "=", "a=b"])
def test_csv_cell_neutralises_formulas_and_reads_back(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_text(cell) == text


@pytest.mark.parametrize("number", ["-1.5", "+3", "-0", "-1e-9", "-inf"])
def test_csv_cell_keeps_numbers(number: str) -> None:
    assert csv_cell(number) == number


def _hostile_scenario(folder: Path) -> Path:
    path = folder / "hostile.toml"
    path.write_text(f'extends = "{BASELINE}"\n'
                    'name = "=cmd\\u001b[31m\\r\\nerror: forged"\n'
                    'description = "\\u001b]0;title\\u0007 text\\nerror: forged too"\n'
                    '[end_states.labels]\nexodus = "@x\\u001b[2J\\nerror: label"\n'
                    '[names]\ngovernment = "=cmd|calc"\n')
    return path


def _clean(output: str) -> None:
    assert "\x1b" not in output and "\r" not in output and "\0" not in output
    assert not any(line.startswith("error:") for line in output.splitlines()), output


def test_names_reach_the_terminal_escaped(tmp_path: Path) -> None:
    scenario = _hostile_scenario(tmp_path)
    checked = ok(cli("check", scenario))
    _clean(checked.output)
    assert "ok: " in checked.output and "=cmd\\x1b[31m\\r\\nerror: forged" in checked.output
    out = tmp_path / "out"
    ran = ok(cli("run", scenario, "--runs", "8", "--out", out, "--no-figures"))
    _clean(ran.output)
    _clean(ok(cli("summary", out)).output)
    _clean(ok(cli("story", out, "--replication", "1")).output)
    _clean(ok(cli("story", out, "--pick", "typical")).output)
    cmp = ok(cli("compare", out, scenario, "--out", tmp_path / "cmp", "--no-figures"))
    _clean(cmp.output)


def test_formula_cells_are_neutralised_and_read_back(tmp_path: Path) -> None:
    scenario = _hostile_scenario(tmp_path)
    out = tmp_path / "out"
    ok(cli("run", scenario, "--runs", "12", "--out", out, "--no-figures", "--quiet"))
    with (out / "outcomes.csv").open(newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert not any(c.startswith(("=", "@")) for c in cells)

    cmp = tmp_path / "cmp"
    ok(cli("compare", out, scenario, "--out", cmp, "--no-figures", "--quiet"))
    with (cmp / "comparison.csv").open(newline="") as f:
        text_cells = [c for row in csv.reader(f) for c in row]
    assert not any(c.startswith(("=", "@")) for c in text_cells)
    assert any(c.startswith("'=cmd") for c in text_cells)

    sweep = tmp_path / "sweep"
    ok(cli("sweep", scenario, "--set", "names.government==x,@y", "--runs", "2", "--out", sweep,
           "--no-figures", "--quiet"))
    with (sweep / "sweep.csv").open(newline="") as f:
        first = [row[0] for row in csv.reader(f)]
    assert first == ["names.government", "'=x", "'@y"]


def test_dollar_signs_in_names_are_drawn_as_written(tmp_path: Path) -> None:
    """matplotlib would read `$\\bad$` as a formula and fail after all the work."""
    path = tmp_path / "tex.toml"
    path.write_text(f'extends = "{BASELINE}"\nname = "$\\\\undefined{{x}}$ and $x^$"\n'
                    '[end_states.labels]\nexodus = "$\\\\bad$"\n')
    out = tmp_path / "out"
    ok(cli("run", path, "--runs", "4", "--out", out, "--quiet"))
    assert any((out / "figures").glob("*.png"))
