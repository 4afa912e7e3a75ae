"""Where chunks of replications run: in this process, on a local process pool, or on Dask.

A task is one chunk of one ensemble, `(scenario, seed, start, count, series)`; the tasks of
several ensembles (the points of a sweep) share one pool. Each executor yields `(i, chunk)` as
tasks finish, in any order, `i` the task's place in the list; a chunk rebuilds its random
streams from (seed, replication), so where it ran never changes its result.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from sim.errors import OptionError, SchedulerError
from sim.scenario.load import Scenario

if TYPE_CHECKING:
    from sim.runs.table import OutcomeTable

EXECUTORS = ("serial", "local", "dask")
Task = tuple[Scenario, int, int, int, str]
Chunk = tuple["OutcomeTable", dict[str, Any]]
Runner = Callable[[Scenario, int, int, int, str], Chunk]
#: How often a worker checks that its parent is alive.
WATCH_SECONDS = 0.25
#: How long `--scheduler` waits for its scheduler and a first worker before giving up.
SCHEDULER_TIMEOUT = 60.0


class ExecutorError(RuntimeError):
    """The executor could not run the chunks (no scheduler at the address, a dead worker)."""


#: A Dask scheduler's address: [tcp|tls|ws|wss|ucx://]HOST:PORT, HOST a name, IPv4 or [IPv6].
ADDRESS = re.compile(r"((tcp|tls|ws|wss|ucx)://)?([\w.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})")


def address(value: str | None) -> str | None:
    """Refuse an address Dask cannot parse before anything starts (or is written)."""
    found = ADDRESS.fullmatch(value) if value is not None else None
    if value is not None and not (found and 0 < int(found[4]) < 65536):
        raise OptionError(f"{value!r} is not a scheduler address; write tcp://HOST:PORT, "
                          "e.g. tcp://10.0.0.5:8786")
    return value


def patience(seconds: float) -> float:
    """Refuse a wait for the scheduler that is not a finite number of seconds above 0."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) \
            or not 0 < seconds < float("inf"):
        raise OptionError(f"scheduler_timeout={seconds!r}: give a number of seconds above 0")
    return float(seconds)


def serial(run: Runner, tasks: list[Task]) -> Iterator[tuple[int, Chunk]]:
    for i, task in enumerate(tasks):
        yield i, run(*task)


def _worker_start(parent: int) -> None:
    """Workers leave Ctrl-C and SIGTERM to the main process, which stops them and keeps what
    is done; and they die with it, even when it is killed (kill -9) and cannot stop them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent",
                     daemon=True).start()


def _watch_parent(parent: int) -> None:
    """End this process once its parent is gone (it is then adopted by another process)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now: after Ctrl-C, SIGTERM or an error, their chunks are not wanted."""
    stop = getattr(pool, "terminate_workers", None)  # Python 3.14
    if stop is not None:
        stop()
        return
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.is_alive():
            process.terminate()


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while starting processes (they inherit it); only the main thread can."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def local(run: Runner, tasks: list[Task], workers: int) -> Iterator[tuple[int, Chunk]]:
    """A pool of `workers` processes, at most two chunks queued per worker."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start,
                               initargs=(os.getpid(),))
    todo = iter(enumerate(tasks))
    running: dict[Future[Chunk], int] = {}
    try:
        while True:
            while len(running) < 2 * workers and (next_task := next(todo, None)) is not None:
                running[pool.submit(run, *next_task[1])] = next_task[0]
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=running.__getitem__):
                try:
                    chunk = future.result()
                except BrokenProcessPool:
                    raise ExecutorError("a worker process died (killed, or out of memory?)"
                                        ) from None
                yield running.pop(future), chunk
    except BaseException:  # also GeneratorExit: the caller stopped taking chunks
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def dask(run: Runner, tasks: list[Task], workers: int, scheduler: str | None,
         timeout: float = SCHEDULER_TIMEOUT) -> Iterator[tuple[int, Chunk]]:
    """A Dask cluster: the scheduler at `scheduler` (waiting at most `timeout` seconds for it
    and a first worker), or a LocalCluster of `workers` processes."""
    try:
        from distributed import Client, LocalCluster, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise ExecutorError("the dask executor needs Dask: pip install 'peacesim[dask]' "
                            "(or `make dev`)") from None

    with ExitStack() as opened:  # closed in reverse, whatever fails: client, then cluster
        if scheduler:
            client = _connected(Client, scheduler, timeout, opened)
        else:
            try:
                with _ctrl_c_ignored():  # so its worker processes ignore it, as the pool's do
                    cluster = opened.enter_context(LocalCluster(
                        n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.ERROR))
                client = opened.enter_context(Client(cluster))
            except OSError as err:
                raise ExecutorError(f"cannot start a local Dask cluster: {err}") from None
        shared: dict[int, Any] = {}  # each scenario sent to the workers once
        for sc, *_ in tasks:
            if id(sc) not in shared:
                shared[id(sc)] = client.scatter(sc, broadcast=True)
        futures = {client.submit(run, shared[id(sc)], *rest, pure=False): i
                   for i, (sc, *rest) in enumerate(tasks)}
        for future in as_completed(futures):
            try:
                chunk = future.result()
            except KilledWorker as err:
                raise ExecutorError(f"Dask workers died running a chunk: {err}") from None
            yield futures[future], chunk
            future.release()


def _connected(client: Callable[..., Any], scheduler: str, timeout: float,
               opened: ExitStack) -> Any:
    """A client of the scheduler once it has a worker; within `timeout` seconds, or a clear
    error instead of waiting for ever on a wrong address or a cluster without workers."""
    began = time.monotonic()
    try:
        connected = opened.enter_context(client(scheduler, timeout=timeout))
    except OSError:
        raise SchedulerError(
            f"no Dask scheduler answered at {scheduler} within {timeout:g} s; check the "
            "address (is `dask scheduler` running there, is its port open?), or wait longer "
            "with --scheduler-timeout") from None
    try:
        connected.wait_for_workers(1, timeout=max(timeout - (time.monotonic() - began), 0.1))
    except TimeoutError:
        raise SchedulerError(
            f"the Dask scheduler at {scheduler} has no worker after {timeout:g} s; start "
            f"workers (`dask worker {scheduler}` on each machine) or check the address, or "
            "wait longer with --scheduler-timeout") from None
    return connected
