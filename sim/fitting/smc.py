"""Sequential Monte Carlo for ABC (Beaumont et al. 2009): perturb the kept parameter sets,
simulate, keep the closest again, and weigh each by prior density over proposal density."""

from __future__ import annotations

import math

import numpy as np
from numpy.random import Generator

from sim.scenario.distributions import TRUNCATE_SD, Distribution

#: Priors whose density SMC can evaluate; `choice` and `posterior` calibrate by rejection only.
SMOOTH = ("uniform", "normal", "lognormal", "beta", "triangular")


def log_prior(dists: list[Distribution], theta: np.ndarray) -> np.ndarray:
    """Log prior density (up to a constant) of each row of `theta`; -inf outside the support.
    The parameters of a scenario are drawn independently, so the log densities add up."""
    out = np.zeros(theta.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        for d, x in zip(dists, theta.T, strict=True):
            out += _log_density(d, x)
    return np.where(np.isnan(out), -np.inf, out)


def _log_density(d: Distribution, x: np.ndarray) -> np.ndarray:
    a = d.args
    if d.form == "uniform":
        inside = (x >= a[0]) & (x <= a[1])
        return np.where(inside, 0.0, -np.inf)
    if d.form == "normal":
        z = (x - a[0]) / a[1]
        return np.where(np.abs(z) <= TRUNCATE_SD, -0.5 * z**2, -np.inf)
    if d.form == "lognormal":
        z = (np.log(np.maximum(x, 1e-300)) - a[0]) / a[1]
        return np.where((x > 0) & (np.abs(z) <= TRUNCATE_SD), -0.5 * z**2 - np.log(x), -np.inf)
    if d.form == "beta":
        inside = (x > 0) & (x < 1)
        xs = np.clip(x, 1e-300, 1 - 1e-16)
        return np.where(inside, (a[0] - 1) * np.log(xs) + (a[1] - 1) * np.log1p(-xs), -np.inf)
    if d.form == "triangular":
        low, mode, high = a
        up = np.where(mode > low, (x - low) / max(mode - low, 1e-300), 1.0)
        down = np.where(high > mode, (high - x) / max(high - mode, 1e-300), 1.0)
        pdf = np.where(x <= mode, up, down)
        return np.where((x >= low) & (x <= high) & (pdf > 0), np.log(np.maximum(pdf, 1e-300)),
                        -np.inf)
    raise ValueError(f"no density for a {d.form} prior")


def kernel(theta: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The perturbation covariance: twice the weighted covariance of the kept sets (Beaumont et
    al. 2009), with a small floor so a parameter the data pin down still moves."""
    mean = weights @ theta
    centred = theta - mean
    cov = 2 * (centred.T * weights) @ centred
    floor = 1e-6 * np.maximum(np.abs(mean), 1e-9) ** 2
    return np.atleast_2d(cov + np.diag(floor))


def propose(theta: np.ndarray, weights: np.ndarray, cov: np.ndarray, dists: list[Distribution],
            count: int, rng: Generator) -> np.ndarray:
    """`count` sets: pick a kept set by weight, perturb it, redraw if outside the prior."""
    chol = np.linalg.cholesky(cov)
    out = np.empty((0, theta.shape[1]))
    for _ in range(1000):
        picks = rng.choice(theta.shape[0], size=count, p=weights)
        moved = theta[picks] + rng.standard_normal((count, theta.shape[1])) @ chol.T
        out = np.vstack([out, moved[np.isfinite(log_prior(dists, moved))]])
        if out.shape[0] >= count:
            return out[:count]
    raise RuntimeError("the perturbed parameter sets keep falling outside the prior")


def reweigh(new: np.ndarray, theta: np.ndarray, weights: np.ndarray, cov: np.ndarray,
            dists: list[Distribution]) -> np.ndarray:
    """Importance weights of newly kept sets: prior density over the mixture that proposed them."""
    inverse = np.linalg.inv(np.linalg.cholesky(cov))
    diff = (new[:, None, :] - theta[None, :, :]) @ inverse.T
    log_kernel = -0.5 * np.sum(diff**2, axis=2)
    top = log_kernel.max(axis=1, keepdims=True)
    log_q = top[:, 0] + np.log(np.exp(log_kernel - top) @ weights)
    log_w = log_prior(dists, new) - log_q
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of weighted sets."""
    return float(1.0 / np.sum(weights**2))


def resample(weights: np.ndarray, count: int, rng: Generator) -> np.ndarray:
    """Systematic resampling: indices as frequent as their weights, for an unweighted file."""
    edges = np.cumsum(weights)
    edges[-1] = 1.0
    points = (rng.random() + np.arange(count)) / count
    return np.searchsorted(edges, points)


def check(dists: list[Distribution], paths: list[str]) -> None:
    """SMC needs a prior density for each parameter."""
    for d, path in zip(dists, paths, strict=True):
        if d.form not in SMOOTH:
            raise ValueError(f"--generations: {path} is a {{ {d.form} = ... }} prior, which has "
                             "no density to weigh by; calibrate it with --generations 0 "
                             "(rejection)")
        if d.form == "uniform" and math.isclose(d.args[0], d.args[1]):
            raise ValueError(f"--params: {path} is uniform on a single value; nothing to learn")
