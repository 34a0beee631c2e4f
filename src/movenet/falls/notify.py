"""Notification hooks: run a command or POST the event as JSON to a URL, on every event.

Nothing is contacted unless asked (`--on-event`, `--post`). Hooks run in the background, so a slow
command or server never holds up the video; a hook that fails is reported on standard error and
the detector goes on. `close()` waits for the hooks still running (at most `timeout_s` each).

- `CommandHook("notify-send Fall")`: the command is split like a shell would (`shlex`) but run
  without a shell (wrap it in `sh -c '...'` for pipes); the event JSON comes on its standard
  input and in the environment variable `MOVENET_EVENT`.
- `HttpHook("http://localhost:8123/api/webhook/fall")`: `POST` with `Content-Type:
  application/json`; http and https URLs only.

Both send through `movenet.alerts.senders` (the same senders `movenet watch` delivers its outbox
with); these hooks add the background threads and the warnings.
"""

from __future__ import annotations

import sys
import threading

from movenet.alerts.senders import CommandSender, PostSender

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
            self._send(event)
        except Exception as exc:  # noqa: BLE001 - a hook must never stop the detector
            message = f"warning: {self.describe()} failed: {exc}"
            self.failures.append(message)
            print(message, file=sys.stderr)

    def _send(self, event: dict) -> None:
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
        self.sender = CommandSender(command, timeout_s, option="--on-event")
        self.argv = self.sender.argv

    def describe(self) -> str:
        return f"event command {self.argv[0]!r}"

    def _send(self, event: dict) -> None:
        self.sender(event)


class HttpHook(_Hook):
    def __init__(self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        super().__init__(timeout_s)
        self.sender = PostSender(url, timeout_s, option="--post")

    def describe(self) -> str:
        return f"POST to {self.sender.safe_url}"

    def _send(self, event: dict) -> None:
        self.sender(event)
