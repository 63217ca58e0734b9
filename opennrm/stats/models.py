"""Stats' models, one module per part (decision 0022)."""

from .models_ctdc import *  # noqa: F403
from .models_dp import *  # noqa: F403
from .models_rollup import *  # noqa: F403
from .models_sharing import *  # noqa: F403
