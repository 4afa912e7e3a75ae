"""Honest bounds on what a scenario or a command may ask: every limit of peacesim, with the
judgement behind it.

The bounds on single values (checked by `sim check`) keep the model's arithmetic meaningful; the
bounds on work are applied by sim/scenario/workload.py, which estimates a whole command before
it starts."""

from __future__ import annotations

# Bounds on single values.
#: Replications of one ensemble, in a file or on the command line: a million already pin a
#: probability to 0.1 percentage point; beyond a billion no machine holds the outcome table.
MAX_RUNS = 10**9
#: A century: a ceasefire and its talks are not modelled over longer spans.
MAX_HORIZON_DAYS = 36_525.0
#: Recorded times per series (memory: runs x points x series, float32).
MAX_RECORD_POINTS = 100_000
#: A minute, in days: the shortest half-life of tension, trust, incident memory and excitation,
#: the shortest gap between rounds and postponement. Shorter is an instant jump, which the
#: exponentials cannot represent (a half-life of 5e-324 days gives infinite rates, then NaN).
MINUTE_DAYS = 1 / 1440
#: A household decides at most once a minute; a round of talks lasts at least a minute.
MIN_STEP_HOURS = 1 / 60
#: Aid convoys: one every 90 seconds day and night is far beyond any road (real ones: a few a day).
MAX_CONVOYS_PER_DAY = 1_000.0
#: Incidents of a ceasefire at calm: one every 90 seconds is a war, not a ceasefire.
MAX_INCIDENTS_PER_DAY = 1_000.0
#: Issues on the agenda of one set of talks: a real agenda has a handful.
MAX_ISSUES = 100
#: Dated events on a scenario's timeline: a written timeline has tens.
MAX_TIMELINE_EVENTS = 10_000

# Bounds on the work of a command.
#: Simulation events of one replication: the shipped scenarios take about 600, a second of CPU
#: takes about 100,000; ten million is minutes per replication and gigabytes of its event log.
MAX_EVENTS_PER_REPLICATION = 10**7
#: Events of a whole command: about 10 microseconds each, so 10^11 is some two weeks of one
#: core, hours on a large cluster. A million runs of the baseline take about 6 x 10^8.
MAX_TOTAL_EVENTS = 10**11
#: Generations of a calibration: sequential Monte Carlo settles in a handful.
MAX_GENERATIONS = 100
#: Values of one swept parameter, and points of a sweep's grid (each point is an ensemble).
MAX_AXIS_VALUES = 1_000
MAX_GRID_POINTS = 10_000
#: Share of the machine's available memory a command may plan to use (the rest is a margin for
#: other programs and for what the estimate leaves out).
MEMORY_SHARE = 0.8

# Bounds on input files.
#: Largest scenario, observed or posterior file read, in bytes (a real one is a few kB).
MAX_INPUT_BYTES = 10_000_000
#: An observed row holds a time and a few numbers.
MAX_OBSERVED_LINE_CHARS = 100_000
