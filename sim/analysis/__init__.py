"""What ensembles say: statistics, comparisons, sweeps, picks, stories and reports."""
