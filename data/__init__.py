"""Data layer: registry, catalogue, schema, validation, store and bundled sample files."""

__version__ = "0.1.0"
