"""Stubs for the compiled module ``fupin._fupin``."""

__version__: str
