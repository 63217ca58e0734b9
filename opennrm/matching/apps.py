from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """How names are compared: scripts, transliteration, folding, blocking keys, scores."""

    name = "opennrm.matching"
    label = "matching"
