"""Exceptions raised for bad input, unknown models and damaged weight files.

Each one is also a standard built-in exception (ValueError, KeyError, ...) so that callers who
do not know this package can still catch it the usual way.
"""

from __future__ import annotations


class MovenetError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidInputError(MovenetError, ValueError):
    """An image or tensor of the wrong type, rank, shape, dtype or value range."""


class UnknownModelError(MovenetError, KeyError):
    """A model name that is not in the registry."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class WeightsError(MovenetError, ValueError):
    """A weight file or TF.js graph that is missing, damaged or does not fit the model."""


class InvalidOptionError(MovenetError, ValueError):
    """An option value that is not accepted (unknown runtime, bad size, ...)."""
