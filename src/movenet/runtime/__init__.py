"""How the network runs, chosen by name from one table."""

from __future__ import annotations

from movenet.errors import InvalidOptionError
from movenet.runtime.torch_runtime import DecodedMoveNet, TorchRuntime

RUNTIMES = {"torch": TorchRuntime}


def create_runtime(model: str = "lightning", runtime: str = "torch", **options):
    if runtime not in RUNTIMES:
        raise InvalidOptionError(f"unknown runtime {runtime!r}; available: {', '.join(RUNTIMES)}")
    return RUNTIMES[runtime](model, **options)


__all__ = ["DecodedMoveNet", "RUNTIMES", "TorchRuntime", "create_runtime"]
