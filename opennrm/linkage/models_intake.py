"""The models of the intake part of linkage (filled by its helper)."""

__all__: list[str] = []
