"""An ensemble as pandas DataFrames, for notebooks; pandas is an optional extra, imported here only.

`outcomes_frame`: one row per replication, the columns of outcomes.csv (`replication`, the
outcomes, `param.<dotted.path>`). `series_frame`: long, one row per replication and record time
(`replication`, `time_days`, `time` the calendar time in the scenario's UTC offset, then one
column per series); an ensemble that kept only quantiles gives `quantile` instead of
`replication`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.outcomes import OUTCOMES, SERIES
from sim.runs.table import OutcomeTable

if TYPE_CHECKING:
    import pandas as pd

#: What to do when pandas is not installed.
INSTALL = "pip install 'peacesim[pandas]'"


def _pandas() -> Any:
    """pandas, or an ImportError that says how to install it."""
    try:
        import pandas
    except ImportError:
        raise ModuleNotFoundError(f"DataFrames of an ensemble need pandas, which is not "
                                  f"installed: {INSTALL}", name="pandas") from None
    return pandas


def outcomes_frame(rows: OutcomeTable) -> pd.DataFrame:
    """Outcomes and drawn parameters in the order of outcomes.csv; a missing value (an event
    that never happened) is NaN or None."""
    pd = _pandas()
    params = sorted(k for k in rows.names if k.startswith("param."))
    columns = [c for c in ("replication", *OUTCOMES, *params) if c in rows.names]
    return pd.DataFrame({c: rows.column(c) for c in columns}, columns=columns)


def series_frame(time_days: np.ndarray, start: datetime, series: Mapping[str, np.ndarray],
                 quantiles: Mapping[str, np.ndarray],
                 levels: tuple[float, ...]) -> pd.DataFrame:
    """Every series value with its replication (or quantile level) and time, one row each."""
    pd = _pandas()
    arrays = quantiles if quantiles else {name: series[name] for name in SERIES}
    first = arrays[SERIES[0]]
    count, times = first.shape
    key = ("quantile", np.repeat(np.array(levels), times)) if quantiles else \
        ("replication", np.repeat(np.arange(count), times))
    days = np.tile(np.asarray(time_days, dtype=float), count)
    calendar = pd.Timestamp(start) + pd.to_timedelta(days, unit="D")
    frame = {key[0]: key[1], "time_days": days, "time": calendar,
             **{name: np.asarray(arrays[name]).reshape(-1) for name in SERIES}}
    return pd.DataFrame(frame)
