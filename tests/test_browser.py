"""The classroom page in a real browser: `sim serve` on a free local port, headless Chromium
(Debian's, installed by .ci/run) driven by playwright. Two teams join, move a slider, submit,
and the class chart shows both. Its screenshots go to the test's own folder; `make screenshots`
sets PEACESIM_SCREENSHOTS=docs/img to renew the README's (a test run never rewrites the
repository)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Where the screenshots go when PEACESIM_SCREENSHOTS does not say (then the test's folder).
SHOTS = "PEACESIM_SCREENSHOTS"


def _missing() -> str:
    """Why the test cannot run here ("" when it can); on CI nothing may be missing."""
    try:
        import playwright  # noqa: F401
        import streamlit  # noqa: F401
    except ImportError as err:
        return f"{err.name} is not installed (make dev installs it)"
    return "" if CHROMIUM.exists() else f"{CHROMIUM} is missing (.ci/run installs it)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.poll() is not None:
            raise AssertionError(f"sim serve ended with status {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the page did not answer within {seconds} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`sim serve` on a free port, its classes in tmp_path; always stopped afterwards."""
    why = _missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    port = free_port()
    classes = tmp_path / "classes"
    server = subprocess.Popen(
        [sys.executable, "-m", "sim", "serve", "--port", str(port), "--class-dir",
         str(classes), "--workers", "2", "--runs-per-request", "100"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, server)
        yield url, classes
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server, Streamlit and its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


#: Every address a page asked for: the page must work with no internet (no CDN).
ASKED: list[str] = []


def open_page(browser: Any, url: str, tab: str = "Class", height: int = 1000) -> Any:
    page = browser.new_context(viewport={"width": 1300, "height": height}).new_page()
    page.on("request", lambda request: ASKED.append(request.url))
    page.goto(url)
    page.get_by_role("tab", name=tab).click()
    return page


@pytest.mark.slow  # about a minute: a server starts, a browser drives it, three ensembles run
def test_two_teams_join_submit_and_the_class_chart_shows_both(
        served: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, classes = served
    img = Path(os.environ.get(SHOTS) or classes.parent / "screenshots")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            teacher = open_page(browser, url, height=1400)
            teacher.get_by_label("Class name").fill("Class 9B")
            teacher.get_by_label("Join code for the teams").fill("peace")
            teacher.get_by_label("Runs per team (at most 100)").fill("50")
            teacher.get_by_role("button", name="Open the class").click()
            teacher.get_by_text("The class chart: Class 9B").wait_for(timeout=30_000)
            for name, steps in (("Team A", 30), ("Team B", 0)):
                team = open_page(browser, url)
                team.get_by_label("Join code", exact=True).fill("peace")
                team.get_by_label("Team name").fill(name)
                team.get_by_role("button", name="Join the class").click()
                team.get_by_text(f"Team {name}: your what-if").wait_for(timeout=30_000)
                trust = team.get_by_role("slider").first
                trust.focus()
                for _ in range(steps):
                    trust.press("ArrowRight")
                team.get_by_label("Your idea in one sentence").fill("make the promises count")
                team.get_by_role("button", name="Submit").click()
                team.get_by_role("cell", name=name, exact=True).wait_for(timeout=60_000)
            for name in ("Team A", "Team B"):
                teacher.get_by_role("cell", name=name, exact=True).wait_for(timeout=60_000)
            teacher.get_by_role("cell", name="50 runs", exact=True).nth(2).wait_for(timeout=90_000)
            teacher.wait_for_timeout(2_500)  # the chart's next refresh draws every bar
            img.mkdir(exist_ok=True)
            teacher.screenshot(path=str(img / "page_class.png"), full_page=True)
            explore = open_page(browser, url, tab="Explore", height=1700)
            explore.get_by_role("button", name="Run").click()
            explore.get_by_text("The story of the typical run").wait_for(timeout=90_000)
            explore.wait_for_timeout(1_500)
            explore.screenshot(path=str(img / "page_explore.png"), full_page=True)
        finally:
            browser.close()
    outside = [u for u in ASKED if not u.startswith((url, "data:", "blob:"))]
    assert ASKED and outside == [], outside[:5]
    teams = classes / "class_9b" / "teams"
    assert sorted(p.name for p in teams.iterdir()) == ["team_team_a.toml", "team_team_b.toml"]
    import sim

    assert sim.load(teams / "team_team_a.toml").params.world.trust > 0.15  # the slider moved
    assert sim.load(teams / "team_team_b.toml").params.world.trust == 0.15
