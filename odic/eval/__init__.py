"""Evaluation: metrics, sweeps and plots."""
