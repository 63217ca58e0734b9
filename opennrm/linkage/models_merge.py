"""The models of the merge part of linkage (filled by its helper)."""

__all__: list[str] = []
