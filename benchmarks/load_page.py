"""A bounded load test of the classroom page: N teams each submit a what-if of R runs within a
minute, on one server's shared pool; every submission must complete, none be lost, and every
page must answer within 2 seconds throughout.

Each team is a Streamlit AppTest session of the real page script, all in this process and so
sharing one server (its pool of workers, its class), as 30 browsers share `sim serve`: a page's
answer time is the time the server takes to run the page script for that browser. Run it as
`python benchmarks/load_page.py` (about 2 minutes on 2 cores; writes benchmarks/load_page.json).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PAGE = str(Path(__file__).resolve().parent.parent / "sim" / "app" / "page.py")
#: The bound a page must answer within, seconds.
ANSWER_SECONDS = 2.0


def load(teams: int = 30, runs: int = 100, spread_seconds: float = 60.0, workers: int = 2,
         timeout: float = 600.0) -> dict[str, Any]:
    """Open a class, let `teams` teams join and submit one by one over `spread_seconds`, and
    poll every page until all are done; the figures measured."""
    from streamlit.testing.v1 import AppTest

    folder = tempfile.mkdtemp(prefix="peacesim-load-")  # the class folder: removed after
    os.environ.update({"PEACESIM_CLASS_DIR": folder, "PEACESIM_WORKERS": str(workers),
                       "PEACESIM_RUNS_PER_REQUEST": str(runs),
                       "PEACESIM_REQUESTS_PER_TEAM": "1"})
    answers: list[float] = []
    slowest: list[tuple[float, str]] = []

    def answer(at: Any, what: str = "") -> Any:
        start = time.perf_counter()
        at.run(timeout=30)
        answers.append(time.perf_counter() - start)
        slowest.append((answers[-1], what))
        if at.exception:
            raise RuntimeError(f"the page failed: {at.exception}")
        return at

    teacher = answer(AppTest.from_file(PAGE, default_timeout=30))
    first = answers.pop()  # the server's first page: imports, the pool starting (once)
    slowest.pop()
    teacher.text_input(key="class_name").input("load test")
    teacher.text_input(key="class_code").input("load")
    teacher.number_input(key="class_runs").set_value(runs)
    teacher.button(key="class_open").click()
    answer(teacher)
    pages: dict[str, Any] = {}
    began = time.monotonic()
    submitted: dict[str, float] = {}
    while time.monotonic() - began < timeout:
        due = min(teams, 1 + int((time.monotonic() - began) / spread_seconds * teams))
        for k in range(len(pages), due):
            name = f"Team {k + 1:02d}"
            at = answer(AppTest.from_file(PAGE, default_timeout=30), f"{name} opens the page")
            at.text_input(key="team_code").input("load")
            at.text_input(key="team_name").input(name)
            at.button(key="team_join").click()
            answer(at, f"{name} joins")
            at.slider(key="class:load test:world.trust").set_value(round(0.1 + 0.02 * k, 2))
            at.button(key="team_submit").click()
            answer(at, f"{name} submits")
            if at.error:
                raise RuntimeError(f"{name}: {at.error[0].value}")
            pages[name], submitted[name] = at, time.monotonic() - began
        for name, at in pages.items():
            answer(at, name)
        rows = _chart(answer(teacher, "teacher"))
        done = [t for t, status in rows.items() if status == f"{runs} runs" and t != "baseline"]
        if len(pages) == teams and len(done) == teams:
            break
        time.sleep(0.5)
    finished = time.monotonic() - began
    lost = sorted(set(pages) - set(done))
    saved = sorted(p.name for p in (Path(folder) / "load_test" / "teams").iterdir())
    shutil.rmtree(folder)
    answers.sort()
    return {"teams": teams, "runs_per_team": runs, "workers": workers,
            "submitted": len(submitted), "completed": len(done), "lost": lost,
            "files_saved": len(saved), "last_submitted_s": round(max(submitted.values()), 1),
            "all_done_s": round(finished, 1), "page_answers": len(answers),
            "answer_median_s": round(answers[len(answers) // 2], 3),
            "answer_p95_s": round(answers[int(0.95 * (len(answers) - 1))], 3),
            "answer_max_s": round(answers[-1], 3),
            "answers_over_bound": sum(a > ANSWER_SECONDS for a in answers),
            "slowest": [f"{t:.2f} s: {w}" for t, w in sorted(slowest)[-3:]],
            "answer_bound_s": ANSWER_SECONDS, "first_page_s": round(first, 2),
            "cores": os.cpu_count(), "python": sys.version.split()[0]}


def _chart(teacher: Any) -> dict[str, str]:
    """The class chart's status column, by team."""
    if not teacher.table:
        return {}
    frame = teacher.table[-1].value
    return {str(row["team"]): str(row["status"]) for _, row in frame.iterrows()}


def main() -> None:
    figures = load()
    out = Path(__file__).resolve().parent / "load_page.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    ok = (not figures["lost"] and figures["completed"] == figures["teams"]
          and figures["answer_max_s"] <= ANSWER_SECONDS)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
