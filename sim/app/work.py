"""One shared pool of worker processes for every page of a server: requests wait in one queue
in the order they came, each page shows its place, and no page waits for another's runs."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sim.errors import OptionError

#: In a worker: where it reports runs done, and the request it is running.
_REPORTS: Any = None
_CURRENT = 0


@dataclass
class Job:
    """One request: who asked, how many runs, how far it is, and its result or error."""

    id: int
    team: str
    what: str
    runs: int
    total: int  # runs the worker reports, all ensembles of the request together
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    done: int = 0
    result: Any = None
    error: str = ""

    @property
    def over(self) -> bool:
        return self.finished is not None


class Work:
    """The queue and the pool; `runs_per_request` and `requests_per_team` are the host's bounds
    (a team may have that many requests waiting or running at once)."""

    def __init__(self, workers: int = 2, runs_per_request: int = 200,
                 requests_per_team: int = 2) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a server's threads
        self.reports: Any = context.Queue()
        self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                                        initargs=(self.reports, os.getpid()))
        self.runs_per_request, self.requests_per_team = runs_per_request, requests_per_team
        self.jobs: dict[int, Job] = {}
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        threading.Thread(target=self._listen, name="work-reports", daemon=True).start()

    def submit(self, team: str, what: str, runs: int, task: Callable[..., Any], *args: Any,
               ensembles: int = 1) -> Job:
        """Queue `task(*args)`, which runs `ensembles` ensembles of `runs`, for a worker;
        refused beyond the host's bounds."""
        if not 1 <= runs <= self.runs_per_request:
            raise OptionError(f"{runs} runs: this class allows 1 to {self.runs_per_request} "
                              "runs per request")
        with self.lock:
            waiting = [j for j in self.jobs.values() if j.team == team and not j.over]
            if len(waiting) >= self.requests_per_team:
                raise OptionError(f"{team}: {len(waiting)} requests are already waiting or "
                                  f"running; at most {self.requests_per_team} at once, so wait "
                                  "for one to finish")
            job = Job(next(self.ids), team, what, runs, runs * ensembles)
            self.jobs[job.id] = job
        future = self.pool.submit(_call, job.id, task, *args)
        future.add_done_callback(lambda f: self._finish(job, f))
        return job

    def place(self, job: Job) -> int:
        """1 + the requests before it not yet started; 0 once it runs."""
        if job.started is not None:
            return 0
        with self.lock:
            return 1 + sum(1 for j in self.jobs.values() if j.id < job.id and j.started is None
                           and not j.over)

    def waiting(self) -> int:
        with self.lock:
            return sum(1 for j in self.jobs.values() if not j.over)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _finish(self, job: Job, future: Future[Any]) -> None:
        try:
            job.result = future.result()
        except OptionError as err:
            job.error = str(err)
        except Exception as err:  # a page shows why its request failed; the server goes on
            job.error = f"the request failed: {type(err).__name__}: {err}"
        job.started = job.started or time.monotonic()
        job.finished = time.monotonic()

    def _listen(self) -> None:
        while True:
            try:
                job_id, runs = self.reports.get()
            except (EOFError, OSError, ValueError):
                return
            job = self.jobs.get(job_id)
            if job is not None:
                job.started = job.started or time.monotonic()
                job.done += runs


def _start(reports: Any, parent: int) -> None:
    """A worker leaves Ctrl-C to the server and ends with it, even when it is killed."""
    global _REPORTS
    _REPORTS = reports
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(parent,), name="watch-server", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _call(job_id: int, task: Callable[..., Any], *args: Any) -> Any:
    global _CURRENT
    _CURRENT = job_id
    _REPORTS.put((job_id, 0))
    return task(*args)


@contextlib.contextmanager
def progress(total: int) -> Iterator[Callable[[int], None]]:
    """The progress of `sim.run` in a worker: runs done, reported to the server's page."""
    job = _CURRENT
    yield lambda n: _REPORTS.put((job, n)) if _REPORTS is not None else None
