"""Backends: each renders a format-neutral Document into one output format."""
