"""The portal's models."""

from .models_agencies import *  # noqa
