"""Official weights: the TF.js importer and the converted files shipped with the package."""

from movenet.weights.store import load_model, weights_path

__all__ = ["load_model", "weights_path"]
