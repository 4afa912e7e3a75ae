"""`sim serve`: the classroom page, a Streamlit server on this computer (or the class network)."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import click

from sim.cli.common import WORKERS, friendly
from sim.text import printable

#: The page's script, run by Streamlit.
PAGE = Path(__file__).resolve().parent.parent / "app" / "page.py"
#: The largest scenario file a page accepts, in MB (Streamlit's unit; the page checks bytes).
UPLOAD_MB = 1


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 serves the class network (every action then "
                   "needs the join code, the teacher's the printed teacher code).")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True,
              help="Port of the page.")
@click.option("--class-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("classroom"), show_default=True,
              help="Folder of the classes: the page writes nothing outside it.")
@WORKERS
@click.option("--runs-per-request", type=click.IntRange(1, 10_000), default=200,
              show_default=True, help="Most runs one request may ask for.")
@click.option("--requests-per-team", type=click.IntRange(1, 100), default=2, show_default=True,
              help="Most requests of one team (or page) waiting or running at once.")
@friendly
def serve(host: str, port: int, class_dir: Path, workers: int | None, runs_per_request: int,
          requests_per_team: int) -> None:
    """Serve the classroom page: explore scenarios, run a class of teams' what-ifs.

    Needs the `app` extra (pip install 'peacesim[app]'). Stop it with Ctrl-C.

    \b
    Examples:
      sim serve
      sim serve --host 0.0.0.0 --port 8080 --class-dir classes
    """
    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise click.UsageError("the page needs Streamlit: pip install 'peacesim[app]' (or "
                               "`make dev`)") from None
    from sim.app.server import Settings, new_teacher_code

    shared = not _loopback(host)
    settings = Settings(class_dir=class_dir.resolve(), shared=shared,
                        teacher_code=new_teacher_code() if shared else "",
                        workers=workers or os.cpu_count() or 1,
                        runs_per_request=runs_per_request, requests_per_team=requests_per_team)
    shown = host if host not in ("0.0.0.0", "::") else _lan_address()
    click.echo(f"The page: http://{shown}:{port}  (Ctrl-C stops it)\n"
               f"Classes are saved in {printable(settings.class_dir)}")
    if shared:
        click.echo(f"Teacher code (to open, close and download a class): {settings.teacher_code}")
    command = [sys.executable, "-m", "streamlit", "run", str(PAGE),
               "--server.address", host, "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.maxUploadSize", str(UPLOAD_MB), "--server.fileWatcherType", "none",
               "--global.developmentMode", "false", "--client.toolbarMode", "minimal"]
    env = {**os.environ, **settings.to_env()}
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)


def _lan_address() -> str:
    """This computer's address on its network, for the students to type (no packet is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return str(s.getsockname()[0])
        except OSError:
            return "this computer's address"


def _loopback(host: str) -> bool:
    """Whether the address reaches only this computer."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
