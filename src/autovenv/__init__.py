"""autovenv: activate the right Python environment on every cd, in every shell."""

__version__ = "0.1.0"
