"""Inference in the browser: the page runs our ONNX models with onnxruntime-web, the server gets
keypoints only (`{"type": "keypoints"}` on the live WebSocket) and runs the analysis.

Modes (`movenet serve --inference`, the page's default; `ServeConfig.inference`):
- `server` (default): the page sends frames, this process runs the model (what it did before). On
  the machine that serves the page it is the faster choice (native onnxruntime, no model download),
  and it works in any browser. The page may switch to the browser (`/?inference=browser`).
- `browser`: the page runs the model; frames never leave the browser. The page may switch to the
  server, and falls back to it where WebAssembly is missing.
- `browser-only`: as `browser`, and the server refuses frames altogether (no switch, no fallback):
  for a server that must never receive video (remote patients).

What this module adds to the app: the runtime files (`static/ort/`: onnxruntime-web, vendored by
`tools/vendor_onnxruntime_web.py`) and the JS pipeline (`static/browser/`) served with
`Cross-Origin-Embedder-Policy` (a worker's own response must carry it for the worker to be
cross-origin isolated) and revalidated caching (`no-cache` + ETag: 15 MB of runtime is not
downloaded again on every visit); the ONNX models at `/models/{name}.onnx` (the package's own
files, the ones the server runs); the page's headers (COEP only when that page runs the model:
threads need SharedArrayBuffer, which browsers give only to cross-origin isolated pages); and
what `/api/info` says about it.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from movenet.registry import get_spec, list_models
from movenet.runtime.onnx_runtime import onnx_file

INFERENCE_MODES = ("server", "browser", "browser-only")
DEFAULT_INFERENCE = "server"
STATIC = Path(__file__).resolve().parent / "static"
ORT_DIR = STATIC / "ort"
BROWSER_DIR = STATIC / "browser"
PRECISIONS = ("fp32", "int8")
# Explicit types: module scripts must be served as JavaScript (with nosniff), and WebAssembly
# streaming compilation needs application/wasm; Python's mimetypes lacks .mjs before 3.12 on
# systems without /etc/mime.types.
MEDIA_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
               ".onnx": "application/octet-stream", ".txt": "text/plain; charset=utf-8",
               ".md": "text/markdown; charset=utf-8", "": "text/plain; charset=utf-8"}
ISOLATION_HEADERS = {"cross-origin-embedder-policy": "require-corp"}  # COOP same-origin is sent on every response
REVALIDATE = {"cache-control": "no-cache"}  # cached, revalidated with the ETag (304) on each visit


def model_files() -> dict[str, dict[str, Path]]:
    """{model: {precision: file}} of the MoveNet ONNX models in the package."""
    out: dict[str, dict[str, Path]] = {}
    for name in list_models("movenet"):
        for precision in PRECISIONS:
            path = onnx_file(get_spec(name), precision)
            if path.is_file():
                out.setdefault(name, {})[precision] = path
    return out


def page_inference(default: str, request: Request) -> str:
    """The mode of one page load: `?inference=browser|server` (not in browser-only), else the
    server's default."""
    if default == "browser-only":
        return "browser"
    asked = request.query_params.get("inference")
    if asked in ("browser", "server"):
        return asked
    return "browser" if default == "browser" else "server"


def page_headers(default: str, request: Request) -> dict[str, str]:
    """Cross-origin isolation for a page that runs the model (threads), none otherwise."""
    return dict(ISOLATION_HEADERS) if page_inference(default, request) == "browser" else {}


def info(default: str) -> dict:
    """`/api/info`'s `browser` entry: the mode, and what the page loads to run the models."""
    models = {}
    for name, files in model_files().items():
        spec = get_spec(name)
        models[name] = {
            "files": {p: f"/models/{path.name}" for p, path in files.items()},
            "spec": {"multi_pose": spec.multi_pose, "max_poses": spec.max_poses,
                     "input_size": list(spec.input_size) if spec.input_size else None},
        }
    return {"inference": default, "switchable": default != "browser-only", "models": models}


class BrowserFiles(StaticFiles):
    """Static files of browser inference: explicit media types, COEP, revalidated caching; only
    `allowed` names when given (the model files among the weights)."""

    def __init__(self, *, directory: Path, allowed: frozenset[str] | None = None) -> None:
        super().__init__(directory=directory)
        self.allowed = allowed

    def lookup_path(self, path: str):
        if self.allowed is not None and path not in self.allowed:
            return "", None
        return super().lookup_path(path)

    def file_response(self, full_path, stat_result, scope, status_code: int = 200):
        response = super().file_response(full_path, stat_result, scope, status_code)
        media = MEDIA_TYPES.get(Path(str(full_path)).suffix)
        if media is not None and response.status_code == 200:
            response.headers["content-type"] = media
        response.headers.update({**ISOLATION_HEADERS, **REVALIDATE})
        return response


def routes() -> list[Mount]:
    """Before the app's `/static` mount (they serve under it, with their own headers)."""
    names = frozenset(path.name for files in model_files().values() for path in files.values())
    weights = next(iter(next(iter(model_files().values())).values())).parent
    return [
        Mount("/static/ort", BrowserFiles(directory=ORT_DIR)),
        Mount("/static/browser", BrowserFiles(directory=BROWSER_DIR)),
        Mount("/models", BrowserFiles(directory=weights, allowed=names)),
    ]
