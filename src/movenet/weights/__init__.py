"""Official weights: the TF.js importer and the converted files shipped with the package.

`load_model` and `weights_path` need the torch extra; they are imported on first use so that the
numpy-only modules here (the TF.js graph reader and executor) work in the light install.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_model", "weights_path"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from movenet.weights import store

        return getattr(store, name)
    raise AttributeError(f"module 'movenet.weights' has no attribute {name!r}")
