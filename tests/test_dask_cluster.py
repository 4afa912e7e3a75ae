"""A real Dask cluster, started as a user starts one: `dask scheduler` and two `dask worker`
processes on 127.0.0.1 (real TCP, free ports), then `sim run --scheduler`. The results folder
holds the local executor's bytes, also when a worker is killed mid-run, and no process of the
cluster outlives the test."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.runs import checkpoint
from sim.runs.ensemble import run_ensemble
from sim.scenario import load

from conftest import child_pids, cli, new_children, ok

distributed = pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
BIN = Path(sys.executable).parent  # the venv's `dask` and `sim`, as a user of it runs them
RUNS, CHUNK = 300, 10  # 30 chunks: a worker killed after the first still has work to lose
ARGS = [str(BASELINE), "--runs", str(RUNS), "--seed", "11", "--chunk-size", str(CHUNK),
        "--no-figures", "-q"]
#: Manifest fields that name where and when the run ran; every other field must agree.
WHERE_AND_WHEN = {"command", "created", "executor", "scheduler", "workers", "wall_time_seconds"}
MARK = "PEACESIM_DASK_CLUSTER_TEST"
LOCAL = "127.0.0.1:0"  # dashboards too: on the loopback, on a free port
pytestmark = pytest.mark.slow  # a cluster of three processes and two runs: about 15 s a test


def _until(ready: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _marked(mark: str) -> list[Any]:
    """Live processes this test started, or their children: they inherit its mark."""
    found = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if proc.environ().get(MARK) == mark and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
    return found


class Cluster:
    """A scheduler and workers, each in its own session, logging to files in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.mark = folder, uuid.uuid4().hex
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.address = ""

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.folder / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                [str(a) for a in args], cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, env={**os.environ, MARK: self.mark})
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]

    def alive(self, name: str) -> bool:
        assert self.procs[name].poll() is None, f"{name} ended:\n{self.log(name)}"
        return True

    def up(self, workers: int) -> None:
        """The scheduler on a free port; `workers` workers registered with it."""
        found = self.folder / "scheduler.json"
        self.start("scheduler", BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                   "--dashboard-address", LOCAL, "--scheduler-file", found,
                   "--idle-timeout", "300s")  # a scheduler left by a killed pytest ends itself
        _until(lambda: self.alive("scheduler") and self._address(found), 60, "the scheduler")
        for i in range(workers):
            self.start(f"worker{i}", BIN / "dask", "worker", self.address, "--host",
                       "127.0.0.1", "--nthreads", "1", "--dashboard-address", LOCAL,
                       "--name", f"worker{i}", "--local-directory", self.folder / f"scratch{i}",
                       "--death-timeout", "60s")
        if workers:
            with distributed.Client(self.address, timeout="30s") as client:
                client.wait_for_workers(workers, timeout=60)

    def _address(self, found: Path) -> bool:
        with contextlib.suppress(OSError, ValueError):
            self.address = json.loads(found.read_text())["address"]
        return self.address.startswith("tcp://127.0.0.1:")

    def workers(self) -> int:
        with distributed.Client(self.address, timeout="30s") as client:
            return len(client.scheduler_info()["workers"])

    def kill(self, name: str) -> None:
        """kill -9 of a whole worker (its nanny and the process it runs), a machine gone."""
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait(timeout=30)

    def stop(self) -> None:
        """Ask each process to end (the run and workers first), then kill -9 what is left."""
        for proc in reversed(self.procs.values()):
            if proc.poll() is None:
                proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=15)
        for left in _marked(self.mark):
            with contextlib.suppress(psutil.Error):
                left.kill()
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=15)
        _until(lambda: not _marked(self.mark), 15, "the cluster's processes to end")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A scheduler and two workers; whatever the test does, none of their processes is left."""
    (tmp_path / "cluster").mkdir()
    started = Cluster(tmp_path / "cluster")
    try:
        started.up(workers=2)
        yield started
    finally:
        started.stop()
    assert not _marked(started.mark)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same run on the local executor's pool of two processes."""
    out = tmp_path_factory.mktemp("ref") / "ref"
    ok(cli("run", *ARGS, "--executor", "local", "--workers", "2", "--out", out))
    return out


def _run(cluster: Cluster, out: Path) -> subprocess.Popen[bytes]:
    """`sim run --scheduler ADDRESS` in a terminal of its own, as a user types it."""
    return cluster.start("run", BIN / "sim", "run", *ARGS, "--scheduler", cluster.address,
                         "--out", out)


def _finished(cluster: Cluster, seconds: float = 120) -> None:
    proc = cluster.procs["run"]
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=seconds)
    assert proc.returncode == 0, cluster.log("run")


def _same_folder(reference: Path, out: Path, address: str) -> None:
    """Every file byte for byte but the manifest, whose fields agree but where and when."""
    names = sorted(p.name for p in reference.iterdir())
    assert sorted(p.name for p in out.iterdir()) == names
    for name in names:
        if name != "manifest.json":
            assert (reference / name).read_bytes() == (out / name).read_bytes(), name
    ours, local = (json.loads((f / "manifest.json").read_text()) for f in (out, reference))
    assert ours.keys() == local.keys()
    assert {k: v for k, v in ours.items() if k not in WHERE_AND_WHEN} == \
        {k: v for k, v in local.items() if k not in WHERE_AND_WHEN}
    assert (ours["executor"], ours["scheduler"], ours["workers"]) == ("dask", address, None)
    assert not checkpoint.partial_folder(out).exists()


def test_a_scheduler_and_two_workers_give_the_local_executors_bytes(
        cluster: Cluster, reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "dask"
    _run(cluster, out)
    _finished(cluster)
    _same_folder(reference, out, cluster.address)
    assert cluster.workers() == 2


def test_a_worker_killed_mid_run_changes_nothing(
        cluster: Cluster, reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "dask"
    _run(cluster, out)
    chunks = checkpoint.partial_folder(out) / "chunks"

    def saved() -> int:
        return len(list(chunks.glob("*.npz")))

    _until(lambda: cluster.alive("run") and saved() >= 1, 90, "the first chunk")
    cluster.kill("worker0")
    assert cluster.procs["run"].poll() is None and saved() < RUNS // CHUNK, "killed too late"
    _finished(cluster)
    _same_folder(reference, out, cluster.address)
    assert cluster.workers() == 1


def _refused(address: str, tmp_path: Path) -> str:
    """`sim run --scheduler ADDRESS --scheduler-timeout 2` as a user types it, next to a file of
    theirs: it must end within seconds, exit 2 with no traceback, and leave only that file."""
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "notes.txt").write_text("mine\n")
    began = time.monotonic()
    done = subprocess.run([BIN / "sim", "run", *ARGS, "--scheduler", address,
                           "--scheduler-timeout", "2", "--out", runs / "out"],
                          capture_output=True, text=True, timeout=60, cwd=runs)
    assert time.monotonic() - began < 30, "the wait was not bounded by --scheduler-timeout"
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: "), done.stderr
    assert sorted(p.name for p in runs.iterdir()) == ["notes.txt"]
    assert (runs / "notes.txt").read_text() == "mine\n"
    return done.stderr


def test_a_scheduler_without_workers_is_refused_within_the_timeout(tmp_path: Path) -> None:
    (tmp_path / "cluster").mkdir()
    lone = Cluster(tmp_path / "cluster")
    try:
        lone.up(workers=0)
        said = _refused(lone.address, tmp_path)
        assert f"scheduler at {lone.address} has no worker after 2 s" in said
        assert f"dask worker {lone.address}" in said and "check the address" in said
        assert lone.workers() == 0  # it did not start one of its own
    finally:
        lone.stop()


def test_an_address_where_no_scheduler_listens_is_refused_within_the_timeout(
        tmp_path: Path) -> None:
    with socket.socket() as taken:  # a free port, then closed: nothing listens there
        taken.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{taken.getsockname()[1]}"
    said = _refused(address, tmp_path)
    assert f"no Dask scheduler answered at {address} within 2 s" in said
    assert "check the address" in said and "--scheduler-timeout" in said


def test_ctrl_c_ends_the_dask_executors_own_local_cluster() -> None:
    """`--executor dask` without a scheduler starts a LocalCluster; Ctrl-C after a chunk (the
    others not done) ends its processes at once, as the end of the run does (test_scale.py)."""
    sc, before = load(BASELINE), child_pids()

    def ctrl_c(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ensemble(sc, 400, 5, executor="dask", workers=2, chunk_size=10, progress=ctrl_c)
    _until(lambda: not new_children(before), 15, "the LocalCluster to end")


def test_a_client_that_fails_to_start_still_closes_the_local_cluster(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Any error of Client(cluster), not only OSError, closes the LocalCluster it was given."""
    from distributed.core import Status

    started: list[Any] = []

    class Watched(distributed.LocalCluster):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a client that cannot start")

    monkeypatch.setattr(distributed, "LocalCluster", Watched)
    monkeypatch.setattr(distributed, "Client", broken)
    before = child_pids()
    with pytest.raises(RuntimeError, match="a client that cannot start"):
        run_ensemble(load(BASELINE), 20, 5, executor="dask", workers=1, chunk_size=10)
    assert [cluster.status for cluster in started] == [Status.closed]
    _until(lambda: not new_children(before), 15, "the LocalCluster's worker to end")
