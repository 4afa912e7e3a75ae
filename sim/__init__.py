"""peacesim: talks, a fragile ceasefire and a population's outflow, as a discrete-event model."""

from sim.model import Replication, run_replication
from sim.outcomes import OUTCOMES, SERIES
from sim.scenario import Scenario, ScenarioError, from_tree, load

__version__ = "0.1.0"
__all__ = ["OUTCOMES", "SERIES", "Replication", "Scenario", "ScenarioError", "__version__",
           "from_tree", "load", "run_replication"]
