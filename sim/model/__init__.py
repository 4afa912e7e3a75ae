"""One replication: the world, its random streams and one process per mechanism."""

from sim.model.replication import Replication, run_replication
from sim.scenario.workload import record_times

__all__ = ["Replication", "record_times", "run_replication"]
