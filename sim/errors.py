"""The errors a person can fix: each ends a command with one `error:` line and exit status 2."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario that cannot be used, with a message meant for the person who wrote it."""


class ResultsError(ValueError):
    """A results folder that cannot be written or read, with a message for people."""


class ObservedError(ValueError):
    """An observed-data file that cannot be used, with a message naming the file and the row."""


class OptionError(ValueError):
    """A value the command's options would refuse (runs, seed, workers...), given to the API."""


class SchedulerError(OptionError):
    """A Dask scheduler that does not answer, or has no worker to run on, within the wait."""


class InputError(ValueError):
    """An input path that is not a readable regular file of a sensible size."""


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM; `message` says what is saved and how to resume,
    `code` is the exit status (130 or 143)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message, self.code = message, code


class RunFailed(RuntimeError):
    """A run stopped by a failure of its workers; `message` says what is saved and how to
    resume, `code` is the exit status (1)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message, self.code = message, code
