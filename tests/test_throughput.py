"""The corridor's throughput as a process (ramp, random walk, growth with the queue) against
closed forms, and the observation model (journey, registration lag, noise) against known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import run_replication
from sim.model.observation import arrived, registered, travel_cdf

from conftest import cli, scenario

POP = 1_000_000  # never runs out within the horizon: the road is always the limit


def _departed(outflow: dict, days: float = 2, seed: int = 1, replication: int = 0) -> float:
    """People across after `days`, everyone queuing from day 0 on an open road."""
    sc = scenario({"outflow": {"mode": "queue", "stayer_share": 0.0, **outflow},
                   "world": {"population_people": POP}}, horizon_days=days)
    return float(run_replication(sc, replication, seed).outcomes["departed_people"])


def test_a_ramp_adds_its_slope_every_step() -> None:
    """Capacity c0 + ramp x k/24 during hour k: n c0 + ramp/24 x n(n-1)/2 people in n hours."""
    got = _departed({"corridor_capacity_per_hour": 100, "throughput": "ramp",
                     "throughput_ramp_per_hour_per_day": 240})
    n = 48  # the queue flows up to the horizon: 48 whole hours
    assert got == pytest.approx(n * 100 + 240 / 24 * n * (n - 1) / 2, abs=2)


def test_a_ramp_stops_at_the_ceiling_and_at_zero() -> None:
    up = _departed({"corridor_capacity_per_hour": 100, "throughput": "ramp",
                    "throughput_ramp_per_hour_per_day": 2400, "throughput_ceiling_per_hour": 500})
    hours = [min(500, 100 + 100 * k) for k in range(48)]
    assert up == pytest.approx(sum(hours), abs=2)
    down = _departed({"corridor_capacity_per_hour": 100, "throughput": "ramp",
                      "throughput_ramp_per_hour_per_day": -480})
    assert down == pytest.approx(sum(max(0, 100 - 20 * k) for k in range(48)), abs=2)


def test_queue_growth_is_logistic_toward_the_ceiling() -> None:
    """c(t) = K / (1 + (K/c0 - 1) e^(-rt)); its integral over T hours in closed form."""
    c0, ceiling, r = 100.0, 1_000.0, 2.0  # r per day
    got = _departed({"corridor_capacity_per_hour": c0, "throughput": "queue_growth",
                     "throughput_ceiling_per_hour": ceiling, "throughput_growth_per_day": r,
                     "throughput_step_hours": 0.05})
    rate = r / 24  # per hour
    t = 48.0
    exact = ceiling * t + ceiling / rate * math.log((c0 + (ceiling - c0) * math.exp(
        -rate * t)) / ceiling)
    assert got == pytest.approx(exact, rel=2e-3)


def test_queue_growth_waits_for_a_queue() -> None:
    """Nobody waiting: the capacity does not grow (nobody decides, nobody crosses)."""
    sc = scenario({"outflow": {"throughput": "queue_growth", "corridor_capacity_per_hour": 10}},
                  horizon_days=3)
    assert run_replication(sc, 0, 1).outcomes["departed_people"] == 0


def test_a_random_walk_keeps_the_median_and_spreads_as_its_mean_says() -> None:
    """log capacity a random walk of sd s per sqrt(day): E[c_k] = c0 exp(s^2 k dt / 2)."""
    s, c0, n = 0.8, 100.0, 48
    out = np.array([_departed({"corridor_capacity_per_hour": c0, "throughput": "random_walk",
                               "throughput_walk_sd_per_sqrt_day": s,
                               "throughput_ceiling_per_hour": 1e9}, replication=r)
                    for r in range(150)])
    expected = sum(c0 * math.exp(s * s * k / 24 / 2) for k in range(n))
    assert abs(out.mean() - expected) < 4 * out.std() / math.sqrt(out.size)
    assert out.std() > 0.1 * expected  # it does move
    again = _departed({"corridor_capacity_per_hour": c0, "throughput": "random_walk",
                       "throughput_walk_sd_per_sqrt_day": s,
                       "throughput_ceiling_per_hour": 1e9}, replication=3)
    assert again == out[3]  # the same replication, the same walk


def test_constant_throughput_starts_no_process() -> None:
    """The rules' parameters do nothing unless `throughput` names a rule."""
    base = {"corridor_capacity_per_hour": 100}
    other = {**base, "throughput_ramp_per_hour_per_day": 999, "throughput_walk_sd_per_sqrt_day": 2}
    assert _departed(base) == _departed(other) == pytest.approx(4_800, abs=1)  # 48 hours


def test_a_bad_rule_is_refused_clearly(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nstart = 2023-09-20T13:00:00+04:00\nhorizon_days = 3\n'
                    '[outflow]\nthroughput = "sideways"\n')
    result = cli("run", path, "--runs", 2, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 2 and "throughput" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


# --- the observation model ---

def test_the_journey_is_erlang() -> None:
    hours = np.array([0.0, 5.0, 10.0, 40.0])
    assert np.allclose(travel_cdf(hours, 10.0, 1), 1 - np.exp(-hours / 10))
    x = hours / 5.0  # shape 2, scale 5
    assert np.allclose(travel_cdf(hours, 10.0, 2), 1 - np.exp(-x) * (1 + x))
    grid = np.linspace(0, 400, 40_001)  # its mean: the integral of 1 - F
    mean = np.sum(1 - travel_cdf(grid, 24.0, 3)) * (grid[1] - grid[0])
    assert mean == pytest.approx(24.0, rel=1e-3)
    assert list(travel_cdf(hours, 0, 2)) == [1, 1, 1, 1]


def test_arrivals_lag_a_steady_outflow_by_the_mean_journey() -> None:
    """Departures at r a day from day 0: arrivals r (t - mean) once the journey has settled;
    no journey: arrivals are departures; in the end everyone who left arrives."""
    t = np.arange(0, 10 + 1e-9, 1 / 24)
    rate = 2_400.0
    dep = (rate * np.minimum(t, 6))[None, :]
    days = np.array([4.0, 5.0, 6.0, 9.9])
    got = arrived(t, dep, days, 12.0, 3)[0]
    assert got[:2] == pytest.approx(rate * (days[:2] - 0.5), rel=1e-3)
    assert got[-1] == pytest.approx(dep[0, -1], rel=1e-6)
    assert arrived(t, dep, t[5:40], 0, 2)[0] == pytest.approx(dep[0, 5:40])


def test_registration_lags_and_errs_as_said() -> None:
    t = np.arange(0, 10 + 1e-9, 1 / 24)
    dep = np.tile(1_000.0 * t, (2_000, 1))
    days = np.array([3.0, 6.0])
    lagged = registered(t, dep, days, 0, 1, 12.0, 0.0, 7, np.arange(2_000))
    assert lagged[0] == pytest.approx(1_000 * (days - 0.5))
    noisy = registered(t, dep, days, 0, 1, 12.0, 0.1, 7, np.arange(2_000))
    ratio = np.log(noisy / lagged)
    assert np.median(ratio) == pytest.approx(0, abs=0.01)
    assert ratio.std() == pytest.approx(0.1, rel=0.06)
    same = registered(t, dep[:3], days, 0, 1, 12.0, 0.1, 7, np.array([5, 6, 7]))
    assert same == pytest.approx(noisy[5:8])  # a replication's errors are its own


def test_validate_reads_arrivals_through_the_journey(tmp_path) -> None:
    """`--series arrived`: a steady 100 an hour from day 0 arrives a mean journey (1 day) later;
    the figure draws the arrived series too."""
    import json

    import tomli_w

    from conftest import quiet_tree

    tree = quiet_tree(horizon_days=4)
    tree.update(name="road", record_every_hours=1)
    tree["world"]["population_people"] = 100_000
    tree["outflow"].update(mode="queue", stayer_share=0.0, corridor_capacity_per_hour=100,
                           travel_hours_mean=24, travel_hours_shape=4)
    path = tmp_path / "road.toml"
    path.write_text(tomli_w.dumps(tree))
    data = tmp_path / "seen.csv"
    data.write_text("time,people\n2023-09-23T13:00:00+04:00,2400\n"
                    "2023-09-24T13:00:00+04:00,4800\n")  # days 2 and 3 (START: 21 Sep 13:00)
    result = cli("validate", path, "--observed", data, "--series", "arrived", "--runs", 2,
                 "--out", tmp_path / "v", "--quiet")
    assert result.exit_code == 0, result.output
    v = json.loads((tmp_path / "v" / "validation.json").read_text())
    hours = np.linspace(0, 400, 400_001)  # people who left by hour h: 100 h; arrived: 100 x
    late = 1 - travel_cdf(hours, 24, 4)      # (t - mean + the journeys still running past t)
    expected = [100 * (t - 24 + late[hours >= t].sum() * 0.001) for t in (48, 72)]
    assert [p["q50"] for p in v["points"]] == pytest.approx(expected, abs=3)
    assert (tmp_path / "v" / "validation.png").is_file()
