"""Many replications: ensembles, where they run, checkpoints and results folders on disk."""
