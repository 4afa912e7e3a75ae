"""What a scenario is: files, parameters, distributions and checks, before any model runs."""

from sim.scenario.files import merge
from sim.scenario.load import Scenario, ScenarioError, from_tree, load

__all__ = ["Scenario", "ScenarioError", "from_tree", "load", "merge"]
