"""What every page of one server shares: the host's settings (given by `sim serve` through the
environment), the pool of workers and the class that is open."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.app.work import Work

#: The environment variables `sim serve` sets for the page, by setting.
ENV = {"class_dir": "PEACESIM_CLASS_DIR", "shared": "PEACESIM_SHARED_HOST",
       "teacher_code": "PEACESIM_TEACHER_CODE", "workers": "PEACESIM_WORKERS",
       "runs_per_request": "PEACESIM_RUNS_PER_REQUEST",
       "requests_per_team": "PEACESIM_REQUESTS_PER_TEAM"}


@dataclass(frozen=True)
class Settings:
    """The host's settings. `shared`: the server listens beyond this computer, so every action
    needs the join code and the teacher's actions the teacher code."""

    class_dir: Path = Path("classroom")
    shared: bool = False
    teacher_code: str = ""
    workers: int = 2
    runs_per_request: int = 200
    requests_per_team: int = 2

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        given: dict[str, Any] = {}
        for name, var in ENV.items():
            if var in env:
                kind = type(getattr(cls(), name))
                value: Any = env[var]
                given[name] = (value == "1") if kind is bool else kind(value)
        return cls(**given)

    def to_env(self) -> dict[str, str]:
        return {var: ("1" if v is True else "0" if v is False else str(v))
                for name, var in ENV.items() if (v := getattr(self, name)) is not None}


def new_teacher_code() -> str:
    """A code for the teacher's actions on a shared host: 8 characters, easy to read out."""
    return secrets.token_hex(4)


@dataclass
class Server:
    """The shared state of one server's pages."""

    settings: Settings
    work: Work = field(init=False)
    current: Any = None  # the open class (sim.app.classroom.Class), if any

    def __post_init__(self) -> None:
        s = self.settings
        self.work = Work(s.workers, s.runs_per_request, s.requests_per_team)

    def teacher_allowed(self, code: str) -> bool:
        """On a shared host only the teacher code opens, closes or downloads a class."""
        import hmac

        return not self.settings.shared or (
            bool(self.settings.teacher_code)
            and hmac.compare_digest(code.strip(), self.settings.teacher_code))
