"""`Deliverer`: sends the outbox's rows to their destinations, in a thread, until each is taken.

Every row is retried with exponential backoff (1 s doubling to 60 s, `EventStore.failed`) for as
long as it takes: a broker down for an hour gets the event when it is back. `wake()` after
writing an event sends it at once (no polling delay); `stop()` makes one last pass within
`flush_s` (SIGTERM: what can go out goes out, the rest stays in the store for the next start).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POLL_S = 1.0  # the longest a due row waits when nobody calls wake()


class Deliverer:
    def __init__(self, store, senders: dict[str, Callable[[dict], None]], *, log: Callable[[str], None] | None = None,
                 on_delivered: Callable[[dict, float], None] | None = None) -> None:
        self.store = store
        self.senders = dict(senders)
        self._log = log or (lambda line: None)
        self._on_delivered = on_delivered
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._failing: dict[str, str] = {}
        self._thread = threading.Thread(target=self._run, name="movenet-deliver", daemon=True)

    def start(self) -> Deliverer:
        if self.senders:
            self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.pass_once()
            except Exception as exc:  # noqa: BLE001 - the database away for a moment: try again
                self._log(f"delivery: {exc}")
            self._wake.wait(POLL_S)
            self._wake.clear()

    def pass_once(self, deadline: float | None = None) -> int:
        """Send every due row once; returns how many were delivered."""
        sent = 0
        for row in self.store.due(targets=set(self.senders)):
            if self._stop.is_set() and deadline is None:
                break
            if deadline is not None and time.monotonic() > deadline:
                break
            target = row["target"]
            try:
                self.senders[target](row["payload"])
            except Exception as exc:  # noqa: BLE001 - any failure: retry later
                message = str(exc) or type(exc).__name__
                self.store.failed(row["id"], message)
                if self._failing.get(target) != message:
                    self._log(f"delivery to {target} failed ({message}); retrying with backoff")
                self._failing[target] = message
                continue
            self.store.delivered(row["id"])
            sent += 1
            if target in self._failing:
                self._log(f"delivery to {target} works again")
                del self._failing[target]
            if self._on_delivered is not None:
                self._on_delivered(row, time.time())
        return sent

    def stop(self, flush_s: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()
        if self.senders and flush_s > 0:
            try:
                self.pass_once(deadline=time.monotonic() + flush_s)
            except Exception as exc:  # noqa: BLE001
                self._log(f"delivery at exit: {exc}")
