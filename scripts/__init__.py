"""Builders of committed files: registry, boundaries, synthetic data, screenshots. Run as ``python -m scripts.NAME``."""
