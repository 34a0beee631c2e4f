"""The destinations an outbox row is delivered to, each a function `send(event: dict)` that
returns when the destination took the event and raises otherwise (the row is then retried).

- `mqtt`: `MqttAlerts.publish_event` (broker PUBACK).
- `apprise:N`: the N-th apprise URL (ntfy, Telegram, e-mail, Signal, webhooks...), with the
  event's snapshot attached when it has one (the keypoints-only drawing with `keypoints_only`).
- `command`: a program run with the event JSON on standard input and in $MOVENET_EVENT (exit 0 = done).
- `post`: an HTTP POST of the event JSON (2xx = done).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from movenet.errors import InvalidOptionError
from movenet.io.streams import redact_stream_url

TIMEOUT_S = 10.0
KIND_TITLES = {"fall": "Fall", "long_lie": "Still down (long lie)", "recovered": "Up again", "down_at_end": "Down"}


def describe(event: dict) -> tuple[str, str]:
    """(title, body) of a notification."""
    kind = KIND_TITLES.get(event["event"], event["event"])
    where = event.get("room") or event["camera"]
    cameras = ", ".join(event.get("cameras") or [event["camera"]])
    title = f"{kind}: {where}"
    body = (f"{kind} seen by {cameras} at {event.get('time', '')} (confidence {event.get('confidence', 0):.2f}). "
            f"Event {event['id']}: movenet events show {event['id']}")
    return title, body


class AppriseSender:
    def __init__(self, url: str, attach: Callable[[dict], str | None] | None = None) -> None:
        try:
            import apprise
        except ImportError as exc:
            raise InvalidOptionError("apprise notifications need apprise: pip install -e '.[notify]' in the movenet checkout") from exc
        self.apprise = apprise.Apprise()
        self.safe_url = redact_stream_url(url)
        if not self.apprise.add(url):
            raise InvalidOptionError(f"{self.safe_url}: not an apprise URL apprise knows (see its wiki: ntfy://, tgram://, mailto://...)")
        self.attach = attach

    def __call__(self, event: dict) -> None:
        title, body = describe(event)
        path = self.attach(event) if self.attach is not None else None
        if not self.apprise.notify(title=title, body=body, attach=path):
            raise ConnectionError(f"apprise could not notify {self.safe_url}")


class CommandSender:
    """A program run without a shell (the command split like a shell would, `shlex`), the event JSON
    on its standard input and in $MOVENET_EVENT; exit 0 = done. `option` names the setting in
    errors (`on_event` in a watch config, `--on-event` on the command line)."""

    def __init__(self, command: str, timeout_s: float = TIMEOUT_S, option: str = "on_event") -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise InvalidOptionError(f"{option} {command!r}: {exc}") from None
        if not self.argv:
            raise InvalidOptionError(f"{option} needs a command")
        self.timeout_s = timeout_s

    def __call__(self, event: dict) -> None:
        payload = json.dumps(event)
        try:
            done = subprocess.run(self.argv, input=payload, text=True, env={**os.environ, "MOVENET_EVENT": payload},
                                  timeout=self.timeout_s, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        except FileNotFoundError:
            raise RuntimeError(f"no such command: {self.argv[0]}") from None
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"{self.argv[0]} still running after {self.timeout_s:g} s, stopped") from None
        if done.returncode != 0:
            raise RuntimeError(f"{self.argv[0]} exited with exit code {done.returncode}: {done.stderr.strip()[:200]}")


class PostSender:
    """An HTTP POST of the event JSON (2xx = done); the URL's credentials never appear in errors."""

    def __init__(self, url: str, timeout_s: float = TIMEOUT_S, option: str = "post") -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidOptionError(f"{option} needs an http:// or https:// URL, got {redact_stream_url(url)!r}")
        self.url, self.safe_url, self.timeout_s = url, redact_stream_url(url), timeout_s

    def __call__(self, event: dict) -> None:
        request = urllib.request.Request(self.url, data=json.dumps(event).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise ConnectionError(f"POST {self.safe_url}: {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ConnectionError(f"POST {self.safe_url}: {getattr(exc, 'reason', exc)}") from None
