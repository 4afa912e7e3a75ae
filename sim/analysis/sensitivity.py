"""Global sensitivity (Morris screening, Sobol indices) by SALib, over parameters' ranges: the
design, the indices and the share of each outcome's variance that is the model's own noise.

Nothing here runs the model: `design` gives the points, the caller runs them (sim/analysis/
exploring.py runs scenarios; a test runs the Ishigami function) and `analyse` reads the values."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import OptionError
from sim.scenario.load import Scenario
from sim.scenario.tree import get

METHODS = ("morris", "sobol")
#: Morris grid levels (SALib's default, Morris 1991's usual choice).
LEVELS = 4
#: Bootstrap resamples and the level of every interval.
RESAMPLES, CONFIDENCE = 1000, 0.95
#: Forms whose range is an interval; a choice or a posterior file is not one.
INTERVALS = ("uniform", "normal", "lognormal", "beta", "triangular")


@dataclass(frozen=True)
class Problem:
    """The parameters varied (dotted paths), each one's range, and which are whole numbers."""

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    integer: tuple[bool, ...]

    def salib(self) -> dict[str, Any]:
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}


def parse_range(text: str) -> tuple[str, tuple[float, float]]:
    """`section.param=low:high`, two finite numbers, low below high."""
    path, eq, spec = (part.strip() for part in text.partition("="))
    parts = spec.split(":")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        low = high = math.nan
    if not eq or not path or not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise OptionError(f"--range {text}: write section.param=low:high with finite numbers, "
                          "low below high, e.g. --range world.trust=0.05:0.4")
    return path, (low, high)


def problem(scenario: Scenario, params: Sequence[str] | None = None,
            ranges: Sequence[str] = ()) -> Problem:
    """Each uncertain parameter's distribution bounds (all, or those named), and each fixed
    one given a range; a parameter named twice or unknown is refused."""
    given = dict(parse_range(r) for r in ranges)
    if len(given) < len(ranges):
        raise OptionError("--range names a parameter twice")
    names = list(params) if params else sorted(scenario.distributions)
    names += [p for p in given if p not in names]
    if len(set(names)) < len(names):
        raise OptionError(f"--params names a parameter twice: {', '.join(names)}")
    if len(names) < 2:
        raise OptionError(f"{scenario.source}: {len(names)} parameter(s) to vary; give at "
                          "least two (--params, or --range path=low:high for fixed ones)")
    bounds, integer = [], []
    for path in names:
        d = scenario.distributions.get(path)
        if path in given:
            low, high = given[path]
        elif d is not None and d.form in INTERVALS:
            low, high = (float(x) for x in d.extremes())
        elif d is not None:
            raise OptionError(f"{path} is {d.shown()}: not a range; give "
                              f"--range {path}=low:high")
        else:
            raise OptionError(f"{path} is not uncertain in {scenario.source}; give it a range: "
                              f"--range {path}=low:high")
        try:
            value = get(scenario.params, path)
        except (KeyError, AttributeError, IndexError, ValueError):
            scenario.with_values({path: 0})  # raises, naming the keys allowed there
            raise
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise OptionError(f"{path} is not a number; only numbers can be varied")
        bounds.append((low, high))
        integer.append(isinstance(value, int))
    return Problem(tuple(names), tuple(bounds), tuple(integer))


def design(p: Problem, method: str, samples: int, seed: int) -> np.ndarray:
    """The points to run, (points, parameters): `samples` Morris trajectories, or Sobol's
    Saltelli scheme of `samples` base points (a power of two) without second order."""
    try:
        import SALib  # noqa: F401
    except ImportError:
        raise OptionError("sensitivity analysis needs SALib: pip install 'peacesim[analysis]' "
                          "(or `make dev`)") from None
    if method == "morris":
        from SALib.sample import morris

        return np.asarray(morris.sample(p.salib(), samples, num_levels=LEVELS, seed=seed))
    if method == "sobol":
        if samples < 2 or samples & (samples - 1):
            raise OptionError(f"--samples {samples}: Sobol needs a power of two (64, 128, ...)")
        from SALib.sample import sobol

        return np.asarray(sobol.sample(p.salib(), samples, calc_second_order=False,
                                       seed=seed))
    raise OptionError(f"method {method!r}: choose one of {', '.join(METHODS)}")


def values(p: Problem, point: np.ndarray) -> dict[str, Any]:
    """A design point as parameter values (whole numbers rounded)."""
    return {name: round(float(x)) if whole else float(x)
            for name, x, whole in zip(p.names, point, p.integer, strict=True)}


def analyse(p: Problem, method: str, x: np.ndarray, y: np.ndarray,
            seed: int) -> dict[str, np.ndarray]:
    """The indices of one outcome (`y`: one value per design point), each with its interval."""
    if method == "morris":
        from SALib.analyze import morris

        si = morris.analyze(p.salib(), x, y, num_resamples=RESAMPLES, conf_level=CONFIDENCE,
                            num_levels=LEVELS, seed=seed)
        mu_star, half = np.asarray(si["mu_star"]), np.asarray(si["mu_star_conf"])
        low, high = _sigma_interval(p, x, y, seed)
        return {"mu": np.asarray(si["mu"]), "mu_star": mu_star, "mu_star_low": mu_star - half,
                "mu_star_high": mu_star + half, "sigma": np.asarray(si["sigma"]),
                "sigma_low": low, "sigma_high": high}
    from SALib.analyze import sobol

    si = sobol.analyze(p.salib(), y, calc_second_order=False, num_resamples=RESAMPLES,
                       conf_level=CONFIDENCE, seed=seed)
    out = {}
    for key in ("S1", "ST"):
        value, half = np.asarray(si[key]), np.asarray(si[f"{key}_conf"])
        out.update({key: value, f"{key}_low": value - half, f"{key}_high": value + half})
    return out


def effects(p: Problem, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Morris elementary effects, (trajectories, parameters): the change of the outcome per
    step, a step measured as a share of the parameter's range."""
    k = len(p.names)
    span = np.array([high - low for low, high in p.bounds])
    xs, ys = x.reshape(-1, k + 1, k), y.reshape(-1, k + 1)
    out = np.empty((xs.shape[0], k))
    for t in range(xs.shape[0]):
        steps = np.diff(xs[t], axis=0) / span
        moved = np.argmax(np.abs(steps), axis=1)
        out[t, moved] = np.diff(ys[t]) / steps[np.arange(k), moved]
    return out


def _sigma_interval(p: Problem, x: np.ndarray, y: np.ndarray,
                    seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A bootstrap interval of sigma over trajectories (SALib gives one for mu* only)."""
    ee = effects(p, x, y)
    rng = np.random.default_rng(seed)
    picks = rng.integers(ee.shape[0], size=(RESAMPLES, ee.shape[0]))
    sigmas = ee[picks].std(axis=1, ddof=1)
    tail = (1 - CONFIDENCE) / 2
    return np.quantile(sigmas, tail, axis=0), np.quantile(sigmas, 1 - tail, axis=0)


def noise_share(runs: np.ndarray) -> float:
    """Of an outcome's variance over runs (points x replications), the share that is the
    model's own randomness: mean within-point variance over the total (law of total variance,
    the between-point part corrected for the noise in each point's mean)."""
    if runs.shape[1] < 2:
        return math.nan
    within = float(np.mean(np.var(runs, axis=1, ddof=1)))
    between = max(0.0, float(np.var(runs.mean(axis=1), ddof=1)) - within / runs.shape[1])
    total = within + between
    return within / total if total > 0 else math.nan
