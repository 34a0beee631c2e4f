"""Notification hooks: run a command or POST the event as JSON to a URL, on every event.

Nothing is contacted unless asked (`--on-event`, `--post`). Hooks run in the background, so a slow
command or server never holds up the video; a hook that fails is reported on standard error and
the detector goes on. `close()` waits for the hooks still running (at most `timeout_s` each).

- `CommandHook("notify-send Fall")`: the command is split like a shell would (`shlex`) but run
  without a shell (wrap it in `sh -c '...'` for pipes); the event JSON comes on its standard
  input and in the environment variable `MOVENET_EVENT`.
- `HttpHook("http://localhost:8123/api/webhook/fall")`: `POST` with `Content-Type:
  application/json`; http and https URLs only.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

from movenet.errors import InvalidOptionError

DEFAULT_TIMEOUT_S = 10.0  # a hook still running after this is abandoned (and reported)


class _Hook:
    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._threads: list[threading.Thread] = []
        self.failures: list[str] = []

    def __call__(self, event: dict) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=self._run_safely, args=(event,), name="movenet-hook", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _run_safely(self, event: dict) -> None:
        try:
            self._send(json.dumps(event))
        except Exception as exc:  # noqa: BLE001 - a hook must never stop the detector
            message = f"warning: {self.describe()} failed: {exc}"
            self.failures.append(message)
            print(message, file=sys.stderr)

    def _send(self, payload: str) -> None:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def close(self) -> None:
        for thread in self._threads:
            thread.join(self.timeout_s)
        self._threads = []


class CommandHook(_Hook):
    def __init__(self, command: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        super().__init__(timeout_s)
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise InvalidOptionError(f"--on-event {command!r}: {exc}") from None
        if not self.argv:
            raise InvalidOptionError("--on-event needs a command")

    def describe(self) -> str:
        return f"event command {self.argv[0]!r}"

    def _send(self, payload: str) -> None:
        env = {**os.environ, "MOVENET_EVENT": payload}
        try:
            done = subprocess.run(self.argv, check=False, input=payload, text=True, env=env, timeout=self.timeout_s,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except FileNotFoundError:
            raise RuntimeError(f"no such command: {self.argv[0]}") from None
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"still running after {self.timeout_s:g} s, stopped") from None
        if done.returncode != 0:
            raise RuntimeError(f"exit code {done.returncode}: {done.stderr.strip()[:200]}")


class HttpHook(_Hook):
    def __init__(self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        super().__init__(timeout_s)
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InvalidOptionError(f"--post needs an http:// or https:// URL, got {url!r}")
        self.url = url

    def describe(self) -> str:
        return f"POST to {self.url}"

    def _send(self, payload: str) -> None:
        request = urllib.request.Request(self.url, data=payload.encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                response.read()
        except urllib.error.URLError as exc:
            raise RuntimeError(str(getattr(exc, "reason", exc))) from None
