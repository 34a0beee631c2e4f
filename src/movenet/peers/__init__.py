"""Other people's pose detectors, beside ours in `movenet eval` and `movenet bench` only.

Each peer is a detector with the interface `evaluate` and the bench use: `name`, `reset()`,
`estimate_poses(image)` -> poses with the 17 COCO keypoints in image pixels. They are not models
of the registry (no `create_detector`, `predict` or `track`): we do not ship or convert their
weights, we run the peer's own package as its authors ship it. Imported only when asked for.
"""

from __future__ import annotations

import importlib
import importlib.util

from movenet.errors import InvalidOptionError

# name -> (module, class, the package it needs, how to install it)
PEERS = {
    "blazepose": (
        "movenet.peers.blazepose", "BlazePoseDetector", "mediapipe",
        (
            "pip install -e '.[mediapipe]' in the movenet checkout (mediapipe 0.10.x before 0.10.30, which ships the "
            "BlazePose full model and needs numpy < 2: use a separate environment)"
        ),
    ),
}


def list_peers() -> list[str]:
    return list(PEERS)


def peer_available(name: str) -> bool:
    return name in PEERS and importlib.util.find_spec(PEERS[name][2]) is not None


def create_peer_detector(name: str, **options):
    """The peer detector `name` ("blazepose"); InvalidOptionError if unknown or not installed."""
    if name not in PEERS:
        raise InvalidOptionError(f"unknown comparison detector {name!r}; available: {', '.join(PEERS)}")
    module, cls, package, install = PEERS[name]
    if importlib.util.find_spec(package) is None:
        raise InvalidOptionError(f"{name} needs the {package} package: {install}")
    return getattr(importlib.import_module(module), cls)(**options)


__all__ = ["PEERS", "create_peer_detector", "list_peers", "peer_available"]
