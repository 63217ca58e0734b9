"""The models of the batch part of linkage (filled by its helper)."""

__all__: list[str] = []
