"""Parsing of model ratings, agreement statistics and the Inspect scorer and metrics."""
