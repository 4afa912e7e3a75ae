"""Validated, immutable parameters of one scenario, grouped by mechanism; names carry units."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, field_validator, model_validator

from sim.outcomes import state
from sim.scenario import limits, workload
from sim.scenario.corridor import CorridorParams
from sim.scenario.events import EventSpec, event_day
from sim.scenario.types import (
    Change,
    MinuteHours,
    Minutes,
    NonNegative,
    Positive,
    Share,
    Strict,
    within,
)
from sim.text import slug


class WorldParams(Strict):
    population_people: Annotated[float, Field(ge=1, le=1e10)] = 100_000  # numpy's int range
    tension: Share = 0.6
    tension_baseline: Share = 0.3
    tension_half_life_days: Minutes = 5
    trust: Share = 0.2
    trust_baseline: Share = 0.2
    trust_half_life_days: Minutes = 30
    supplies_person_days: NonNegative = 500_000
    peacekeepers: NonNegative = 2_000
    mediator_pressure: NonNegative = 1
    monitors: Share = 0  # an international monitoring presence (0 none, 1 full)


class Issue(Strict):
    """One issue on the agenda: the gap between the positions, and whether it is a guarantee
    (a commitment the population must believe, such as security or amnesty)."""

    gap: Share
    guarantee: bool = False


class NegotiationParams(Strict):
    issues: dict[str, Issue] = Field(
        default_factory=lambda: {"security": Issue(gap=0.6), "amnesty": Issue(gap=0.7)},
        max_length=limits.MAX_ISSUES)
    talks_held: bool = True  # false: no round is ever held (no agreement, no breakdown)
    mean_days_between_rounds: Minutes = 4
    round_gap_shape: Positive = 2
    round_hours: MinuteHours = 2
    scheduled_rounds_only: bool = False
    settle_gap: Annotated[float, Field(gt=0, le=1)] = 0.1
    mean_concession_share: Share = 0.15
    concession_shape: NonNegative = 4
    tension_concession_weight: Share = 0.5
    departed_leverage_weight: NonNegative = 1
    settle_probability: Share = 0
    setback_probability: Share = 0.1
    setback_per_incident_probability: Share = 0.1
    incident_memory_half_life_days: Minutes = 3
    setback_widening_share: NonNegative = 0.2
    setback_tension: Share = 0.05
    min_progress_share: Share = 0.05
    max_unproductive_rounds: int = Field(default=3, ge=1)
    postpone_above_tension: Share = 0.85
    postpone_days: Minutes = 1
    trust_per_productive_round: Share = 0.02
    trust_per_unproductive_round: Share = 0.03
    trust_per_settled_issue: Share = 0.03
    agreement_trust_change: Change = 0.3
    agreement_tension_change: Change = -0.2
    breakdown_trust_change: Change = -0.2
    breakdown_tension_change: Change = 0.15
    # Credible commitments move the level trust relaxes to (MODEL.md "Version 2"):
    # credibility = min(1, base_credibility + enforcement_weight x enforcement), enforcement
    # from the peacekeepers and the monitors (sim/model/commitments.py), taken when promised.
    base_credibility: Share = 0.2  # what a promise is worth with nobody to enforce it
    enforcement_weight: NonNegative = 0.8  # credibility added by full third-party enforcement
    guarantee_trust_gain: Share = 0.1  # anchor gain per settled guarantee, at credibility 1
    agreement_trust_gain: Share = 0.2  # anchor gain on agreement, at credibility 1
    guarantee_tension_change: Change = 0  # tension change per settled guarantee, credibility 1
    broken_trust_loss: Share = 0.1  # anchor loss per commitment broken (talks, ceasefire)

    @field_validator("issues", mode="before")
    @classmethod
    def _gaps_or_tables(cls, issues: Any) -> Any:
        """An issue is a gap (a number) or a table `{ gap = 0.7, guarantee = true }`; the agenda
        is kept in name order, so the results and stories do not depend on how it is written."""
        if not isinstance(issues, dict):
            return issues
        out = {}
        for name, value in issues.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = {"gap": float(value)}
            elif not (isinstance(value, dict) and "gap" in value
                      and set(value) <= {"gap", "guarantee"}):
                raise ValueError(f"issue {name!r}: write a gap between 0 and 1 (e.g. 0.7) or a "
                                 "table { gap = 0.7, guarantee = true }")
            out[name] = value
        return dict(sorted(out.items()))  # name order: a saved file writes tables after numbers

    @model_validator(mode="after")
    def _agenda(self) -> NegotiationParams:
        if not self.issues:
            raise ValueError("the agenda [negotiation.issues] needs at least one issue")
        return self


class CeasefireParams(Strict):
    base_incidents_per_day: Annotated[float, Field(ge=0), within(
        high=limits.MAX_INCIDENTS_PER_DAY, allowed="at most 1,000 a day")] = 0.5
    tension_incident_weight: NonNegative = 1
    self_excitation_share: Annotated[float, Field(ge=0, lt=1)] = 0.3
    excitation_half_life_days: Minutes = 1
    escalation_probability: Share = 0.02
    tension_escalation_weight: NonNegative = 1
    peacekeeper_deterrence: Share = 0.5
    peacekeepers_full_strength_people: Positive = 2_000
    mean_casualties_per_incident: Annotated[float, Field(ge=0, le=1e9)] = 2  # Poisson limit
    fatal_share: Share = 0.4
    tension_per_incident: Share = 0.05
    war_casualties_per_day: Annotated[float, Field(ge=0, le=1e9)] = 50


class OutflowParams(CorridorParams):
    household_size_people: Annotated[float, Field(ge=1)] = 3.5
    decision_step_hours: MinuteHours = 6
    stayer_share: Share = 0.02
    corridor_open: bool = True
    corridor_capacity_per_hour: Positive = 600
    base_hazard_per_day: NonNegative = 0.002
    tension_hazard_per_day: NonNegative = 0.05
    hunger_hazard_per_day: NonNegative = 0.05
    distrust_hazard_per_day: NonNegative = 0.05
    neighbours_hazard_per_day: NonNegative = 0.2
    hazard_exponent: Annotated[float, Field(ge=1)] = 1
    # fear, hunger and distrust below this level are tolerated (no hazard); 0: MODEL's linear
    hazard_tolerance: Annotated[float, Field(ge=0, lt=1)] = 0
    # gamma shape of each household's hazard multiplier (mean 1); inf: all alike (v1)
    hazard_heterogeneity: Annotated[float, Field(gt=0, allow_inf_nan=True)] = math.inf
    mode: Literal["households", "queue"] = "households"  # queue: the null model, all leave at once


class SuppliesParams(Strict):
    comfortable_supply_days: Positive = 14
    aid_access_open: bool = True
    convoys_per_day: Annotated[float, Field(ge=0), within(
        high=limits.MAX_CONVOYS_PER_DAY, allowed="at most 1,000 a day")] = 0.3
    convoy_person_days: NonNegative = 50_000
    hunger_tension_weight: Share = 0.3


class EndStateLabels(Strict):
    """What a scenario calls each end state of the registry (by default, the registry's label)."""

    renewed_war: str = state("renewed_war").label
    exodus: str = state("exodus").label
    reintegration: str = state("reintegration").label
    unresolved: str = state("unresolved").label


class EndStateParams(Strict):
    exodus_share: Share = 0.5
    labels: EndStateLabels = EndStateLabels()


class Names(Strict):
    government: str = "the government"
    separatists: str = "the enclave's representatives"
    population: str = "the enclave's people"
    region: str = "the enclave"
    capital: str = "the capital"
    corridor: str = "the exit road"
    destination: str = "the neighbouring country"
    mediator: str = "the mediators"
    peacekeepers: str = "the peacekeepers"
    talks_venue: str = "the talks venue"


class ScenarioParams(Strict):
    name: str
    description: str = ""
    start: AwareDatetime
    horizon_days: Annotated[float, Field(gt=0), within(
        high=limits.MAX_HORIZON_DAYS, allowed="at most a century (36,525 days)")]
    record_every_hours: Positive = 6
    runs: Annotated[int, Field(ge=1), within(high=limits.MAX_RUNS,
                                              allowed="at most 10^9 (1,000,000,000)")] = 200
    seed: int = Field(default=2023, ge=0)
    world: WorldParams = WorldParams()
    negotiation: NegotiationParams = NegotiationParams()
    ceasefire: CeasefireParams = CeasefireParams()
    outflow: OutflowParams = OutflowParams()
    supplies: SuppliesParams = SuppliesParams()
    end_states: EndStateParams = EndStateParams()
    names: Names = Names()
    events: list[EventSpec] = Field(default_factory=list, max_length=limits.MAX_TIMELINE_EVENTS)

    @field_validator("name")
    @classmethod
    def _name_makes_a_folder(cls, name: str) -> str:
        try:
            slug(name)  # the results folder is named after it
        except ValueError:
            raise ValueError("cannot name a results folder: it needs at least one letter or "
                             "digit") from None
        return name

    @model_validator(mode="after")
    def _record_points(self) -> ScenarioParams:
        points = self.horizon_days * 24 / self.record_every_hours
        if points > limits.MAX_RECORD_POINTS:
            raise ValueError(f"horizon_days / record_every_hours gives {points:.3g} recorded "
                             f"times per series; at most {limits.MAX_RECORD_POINTS:,} are allowed "
                             "(record less often or shorten the horizon)")
        return self

    @model_validator(mode="after")
    def _bounded_work(self) -> ScenarioParams:
        workload.check_replication(self)
        return self

    @model_validator(mode="after")
    def _in_calendar(self) -> ScenarioParams:
        """Every date of the run, and a day either side, must be a date (years 1 to 9999)."""
        try:
            self.start - timedelta(days=1)
            self.start + timedelta(days=self.horizon_days + 1)
        except OverflowError:
            raise ValueError("start plus horizon_days leaves the calendar (years 1 to 9999)"
                             ) from None
        return self

    @model_validator(mode="after")
    def _events_in_horizon(self) -> ScenarioParams:
        for i, event in enumerate(self.events):
            day = event_day(event, self.start)
            if not 0 <= day < self.horizon_days:
                raise ValueError(f"events.{i} ({event.name!r}) falls on day {day:.2f}, outside "
                                 f"the horizon [0, {self.horizon_days:g}) after `start`")
        return self
