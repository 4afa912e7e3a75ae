"""The errors a person can fix: each ends a command with one `error:` line and exit status 2."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario that cannot be used, with a message meant for the person who wrote it."""


class ResultsError(ValueError):
    """A results folder that cannot be written or read, with a message for people."""


class ObservedError(ValueError):
    """An observed-data file that cannot be used, with a message naming the file and the row."""


class InputError(ValueError):
    """An input path that is not a readable regular file of a sensible size."""
