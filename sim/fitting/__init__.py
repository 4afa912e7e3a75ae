"""Observed data against the model: validation and calibration (ABC)."""
