"""Where a baseline replication spends its time: `python benchmarks/profile_baseline.py [N]`.

Profiles N replications (default 300) with cProfile, writes benchmarks/baseline.prof (for
snakeviz or pstats) and prints the 25 functions with the most time of their own."""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

from sim.model import run_replication
from sim.scenario import load

HERE = Path(__file__).resolve().parent


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    sc = load(HERE.parent / "scenarios" / "baseline.toml")
    run_replication(sc, 0, 1)  # imports and caches outside the profile
    profile = cProfile.Profile()
    profile.enable()
    for r in range(runs):
        run_replication(sc, r, 1)
    profile.disable()
    profile.dump_stats(HERE / "baseline.prof")
    pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
