"""A run folder's checkpoints: safetensors for tensors, JSON for everything else.

    RUN_DIR/run.json              the configuration, the data report, the metrics of every epoch
    RUN_DIR/last.safetensors      the latest weights, a movenet weight file (decoding constants in)
    RUN_DIR/last.optimizer.safetensors + last.json   optimizer state; epoch, step, metrics
    RUN_DIR/best.safetensors / best.json / best.onnx  the best epoch (`create_detector(model,
                                  weights=RUN_DIR/best.onnx)`, or the .safetensors with runtime torch)

The weight files are what `movenet.weights.load_model` reads, so every runtime and CLI command
accepts them. Resuming restores weights, optimizer moments, step and epoch; the data order and
augmentation are functions of (seed, epoch, index), so a resumed run repeats the same batches.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

from movenet.errors import InvalidOptionError, WeightsError
from movenet.weights.convert import FORMAT_VERSION
from movenet.weights.store import read_weights, weights_path

RUN_FILE = "run.json"
STATE_FILE = "{name}.json"
WEIGHTS_FILE = "{name}.safetensors"
OPTIMIZER_FILE = "{name}.optimizer.safetensors"


def _atomic(path: Path, write) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def write_json(path: Path, payload: dict) -> None:
    _atomic(path, lambda p: p.write_text(json.dumps(payload, indent=1)))


def save_weights(model: torch.nn.Module, model_name: str, path: Path, note: str) -> None:
    """The model's parameters + the official decoding constants, as a movenet weight file."""
    official, meta = read_weights(weights_path(model_name))
    tensors = {k: v.detach().cpu().float().numpy() for k, v in model.state_dict().items()}
    tensors.update({k: v for k, v in official.items() if k.startswith("decode.")})
    metadata = {k: v for k, v in meta.items() if k.startswith("decode.")}
    metadata.update({"format": "movenet-weights", "format_version": FORMAT_VERSION, "model": model_name,
                     "source": note})
    _atomic(path, lambda p: save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(p),
                                      metadata=metadata))


def save_optimizer(optimizer: torch.optim.Optimizer, path: Path) -> dict:
    """Tensors of the optimizer state to safetensors; returns the rest (param groups) for JSON."""
    state = optimizer.state_dict()
    tensors = {}
    for index, entry in state["state"].items():
        for key, value in entry.items():
            tensors[f"{index}.{key}"] = torch.as_tensor(value).detach().cpu().numpy()
    _atomic(path, lambda p: save_file(tensors, str(p)))
    return {"param_groups": state["param_groups"]}


def load_optimizer(optimizer: torch.optim.Optimizer, path: Path, groups: dict) -> None:
    state: dict[int, dict] = {}
    for name, value in load_file(str(path)).items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = torch.from_numpy(value.copy())
    optimizer.load_state_dict({"state": state, "param_groups": groups["param_groups"]})


def save_checkpoint(run_dir: Path, name: str, model, model_name: str, optimizer, state: dict) -> None:
    """Weights, optimizer state and `state` (epoch, step, metrics...) under `name`."""
    save_weights(model, model_name, run_dir / WEIGHTS_FILE.format(name=name), f"movenet train, {run_dir.name}")
    groups = save_optimizer(optimizer, run_dir / OPTIMIZER_FILE.format(name=name))
    write_json(run_dir / STATE_FILE.format(name=name), {**state, "optimizer": groups})


def load_checkpoint(run_dir: Path, name: str, model_name: str) -> tuple[Path, Path, dict]:
    """(weights file, optimizer file, state) of a checkpoint, checked to be of `model_name`."""
    state_path = run_dir / STATE_FILE.format(name=name)
    if not state_path.is_file():
        raise InvalidOptionError(f"{run_dir}: no checkpoint to resume from ({state_path.name} is missing)")
    state = json.loads(state_path.read_text())
    if state.get("model") != model_name:
        raise InvalidOptionError(
            f"{run_dir} is a run of model {state.get('model')!r}, not {model_name!r}; resume it with "
            f"--model {state.get('model')} or start a new run in another --out folder")
    weights = run_dir / WEIGHTS_FILE.format(name=name)
    optimizer = run_dir / OPTIMIZER_FILE.format(name=name)
    for path in (weights, optimizer):
        if not path.is_file():
            raise WeightsError(f"{path}: checkpoint file missing")
    return weights, optimizer, state


def holds_run(run_dir: Path) -> bool:
    return (run_dir / RUN_FILE).is_file() or (run_dir / STATE_FILE.format(name="last")).is_file()
