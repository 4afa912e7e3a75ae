"""The cost of a baseline replication in events of the floor, alone: `python
benchmarks/floor_events.py` prints `replication_floor_events` (bench.py's measure, target at
most 1,500) with the load average, and puts it into benchmarks/latest.json."""

from __future__ import annotations

import json
import os

from bench import BASELINE, OUT, replication_floor_events

from sim.scenario import load


def main() -> None:
    before = os.getloadavg()[0]
    value = round(replication_floor_events(load(BASELINE)))
    after = os.getloadavg()[0]
    print(f"replication_floor_events {value} (load average {before:.2f} at start, "
          f"{after:.2f} at end)")
    result = json.loads(OUT.read_text()) if OUT.exists() else {}
    result["replication_floor_events"] = value
    OUT.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
