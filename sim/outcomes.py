"""The names of the outcomes and series every layer reads, declared once, without the model."""

#: The outcomes of one replication, in the order of `outcomes.csv`.
OUTCOMES = ("agreement", "agreement_day", "talks_broken", "rounds_held", "issues_settled",
            "ceasefire_collapsed", "collapse_day", "incidents", "casualties",
            "departed_people", "departed_share", "day_half_departed", "day_90pct_departed",
            "peak_departures_per_day", "max_waiting_people", "mean_wait_hours", "killed_people",
            "end_state")
BOOLEAN_OUTCOMES = ("agreement", "talks_broken", "ceasefire_collapsed")
END_STATES = ("renewed_war", "exodus", "reintegration", "unresolved")
SERIES = ("tension", "trust", "hunger", "residents", "waiting", "departed", "killed",
          "incidents", "issues_settled")
