"""Linkage's models, one module per part (decision 0021)."""

from .models_batch import *  # noqa: F403
from .models_intake import *  # noqa: F403
from .models_merge import *  # noqa: F403
