"""What is observed of the outflow: arrivals after a journey, counts registered after a lag.

`departed` counts people who have crossed out of the corridor's queue. People then travel (an
Erlang-distributed journey of mean `travel_hours_mean` and shape `travel_hours_shape`: a day or
more on a jammed mountain road) and arrive: `arrived`. The arrivals a government states are those
`registration_lag_hours` earlier, times a log-normal error of `count_noise_sd` (median 1):
`registered`. Both are read off the recorded `departed` series: the people who left within a
recording interval are taken to leave at its middle (record hourly for journeys of hours), and
each journey's spread is the expected one (crossings are of thousands of people).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.random import SeedSequence, default_rng

from sim.model.rng import MECHANISMS

#: The series read off `departed` by the observation model, in the order it applies.
OBSERVED_SERIES = ("arrived", "registered")
#: What each counts, for axes and titles (the words of the departed series' label).
OBSERVED_LABELS = {"arrived": "people who have arrived after the journey",
                   "registered": "arrivals registered (lagged, noisy counts)"}
#: The outflow parameters of the observation model.
FIELDS = ("travel_hours_mean", "travel_hours_shape", "registration_lag_hours", "count_noise_sd")


def travel_cdf(hours: np.ndarray, mean_hours: float, shape: int) -> np.ndarray:
    """The share of travellers arrived `hours` after leaving (Erlang; a step at 0 if mean 0)."""
    hours = np.asarray(hours, dtype=float)
    if mean_hours <= 0:
        return (hours >= 0).astype(float)
    x = np.maximum(hours, 0.0) / (mean_hours / shape)
    term = np.ones_like(x)
    total = np.ones_like(x)
    for i in range(1, shape):
        term = term * x / i
        total = total + term
    return np.where(hours > 0, 1.0 - np.exp(-x) * total, 0.0)


def arrived(time_days: np.ndarray, departed: np.ndarray, days: np.ndarray, mean_hours: float,
            shape: int) -> np.ndarray:
    """Arrivals by `days` (runs x n) from cumulative departures on the record grid (runs x T)."""
    t = np.asarray(time_days, dtype=float)
    dep = np.atleast_2d(np.asarray(departed, dtype=float))
    left = np.diff(dep, axis=1)  # people who left within each recording interval
    middle = (t[1:] + t[:-1]) / 2
    d = np.asarray(days, dtype=float)
    weight = travel_cdf(24 * (d[:, None] - middle[None, :]), mean_hours, shape)  # n x (T-1)
    weight = np.where(middle[None, :] <= d[:, None] + 1e-12, weight, 0.0)
    return dep[:, :1] * (d >= t[0])[None, :] + left @ weight.T


def registered(time_days: np.ndarray, departed: np.ndarray, days: np.ndarray, mean_hours: float,
               shape: int, lag_hours: float, noise_sd: float, seed: int,
               replications: np.ndarray) -> np.ndarray:
    """Counts stated at `days`: arrivals `lag_hours` earlier, times exp(noise_sd x z), z drawn
    per point from each replication's own stream (so a subset of runs sees the same errors)."""
    counts = arrived(time_days, departed, np.asarray(days, float) - lag_hours / 24, mean_hours,
                     shape)
    if noise_sd <= 0:
        return counts
    key = MECHANISMS.index("observation")
    z = np.array([default_rng(SeedSequence(seed, spawn_key=(int(r), key))).standard_normal(
        counts.shape[1]) for r in replications]).reshape(counts.shape)
    return counts * np.exp(noise_sd * z)


def observe(series: str, time_days: np.ndarray, departed: np.ndarray, days: np.ndarray,
            settings: list[dict[str, float]], seed: int, replications: np.ndarray) -> np.ndarray:
    """`arrived` or `registered` at `days` for every replication (rows of `departed`, numbered
    `replications`), each with its own settings (drawn parameters differ between them)."""
    out = np.empty((departed.shape[0], np.asarray(days).size))
    groups: dict[tuple[float, ...], list[int]] = {}
    for i, s in enumerate(settings):
        groups.setdefault(tuple(s[f] for f in FIELDS), []).append(i)
    for (mean, shape, lag, sd), rows in groups.items():
        index = np.array(rows)
        if series == "arrived":
            out[index] = arrived(time_days, departed[index], days, mean, int(shape))
        else:
            out[index] = registered(time_days, departed[index], days, mean, int(shape), lag, sd,
                                    seed, replications[index])
    return out


def spread_hours(mean_hours: float, shape: int) -> float:
    """The journey's standard deviation (hours): mean / sqrt(shape)."""
    return mean_hours / math.sqrt(shape) if mean_hours > 0 else 0.0
