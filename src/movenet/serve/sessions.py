"""Live sessions: a bounded number at once, one frame in flight each, settings applied in order.

`LiveSession.serve(receive, send, close)` runs one WebSocket connection (the ASGI messages in,
text out): a receiving task puts frames into a one-frame slot (a newer frame replaces one still
waiting: `dropped`), settings and resets into a queue; a working task takes them, runs decoding,
the detector and the analysers in the engine's inference thread, and sends the results. So the
server never holds more than one waiting frame per client, latency cannot pile up whatever the
client does, and the analysers' state is only ever touched by that one thread.

The analysers get each frame's poses with the frame's capture time (the header's timestamp), so
counting and fall detection run on the camera's clock, not on when the server got round to it.

In browser mode (serve/browser.py) the page runs the model: the session builds no detector, refuses
frames, and analyses the poses of `keypoints` messages, in order, in the same thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable

from movenet.errors import InvalidInputError, InvalidOptionError
from movenet.serve import protocol
from movenet.serve.analysers import make_analysers, run_analysers
from movenet.serve.inference import (
    Engine,
    Settings,
    decode_jpeg_frame,
    estimate,
    rgba_frame,
    round_poses,
)


class SessionLimit:
    """At most `max_sessions` live sessions; `try_open()` is False when full (the "busy" answer)."""

    def __init__(self, max_sessions: int) -> None:
        self.max_sessions = max_sessions
        self._open = 0
        self._lock = threading.Lock()

    def try_open(self) -> bool:
        with self._lock:
            if self._open >= self.max_sessions:
                return False
            self._open += 1
            return True

    def close(self) -> None:
        with self._lock:
            self._open -= 1

    @property
    def open(self) -> int:
        return self._open


MAX_PENDING_KEYPOINTS = 30  # 1 s at 30 fps waiting for the analysers; older ones are dropped


class LiveSession:
    def __init__(
        self, engine: Engine, settings: Settings, *, max_frame_bytes: int, max_pixels: int, inference: str = "server",
        server_slots: SessionLimit | None = None,
    ) -> None:
        """server_slots: where the server's default is the browser, the --max-sessions slots a
        session must hold while its model runs on the server (None: this session already counts)."""
        self.engine = engine
        self.server_slots = server_slots
        self._holding_slot = False
        self.policy = inference  # the server's --inference: "browser-only" refuses the server mode
        # where this session's model runs: the server's default (a page says which it uses in its first
        # settings message; in browser mode, one that wants the server's inference asks for it)
        self.inference = "server" if inference == "server" else "browser"
        self.settings = settings
        self.max_frame_bytes = max_frame_bytes
        self.max_pixels = max_pixels
        self.detector = None  # built in the inference thread (a model may load)
        self.analysers: dict = {}
        self.analyser_options: dict = {}
        self.dropped = 0
        self.frames = 0
        self.settings_id = 0  # counts the settings applied (a fresh detector when its settings change)
        self._frame: tuple[protocol.FrameMessage, float] | None = None
        self._messages: list[tuple[str, object]] = []  # ("settings" | "reset" | "keypoints" | "error", payload), in order
        self._last_analysed_ms: float | None = None
        self._ready = asyncio.Event()

    # -- receiving side (event loop) ---------------------------------------------------------
    def offer_frame(self, frame: protocol.FrameMessage) -> None:
        if self._frame is not None:
            self.dropped += 1  # the waiting frame is stale now
        self._frame = (frame, time.perf_counter())
        self._ready.set()

    def offer_settings(self, changes: dict) -> None:
        self._messages.append(("settings", changes))
        self._ready.set()

    def offer_reset(self, payload: dict) -> None:
        self._messages.append(("reset", payload))
        self._ready.set()

    def offer_keypoints(self, message: protocol.KeypointsMessage) -> None:
        waiting = [i for i, (kind, _) in enumerate(self._messages) if kind == "keypoints"]
        if len(waiting) >= MAX_PENDING_KEYPOINTS:
            del self._messages[waiting[0]]  # the analysers are behind: the oldest poses go
            self.dropped += 1
        self._messages.append(("keypoints", message))
        self._ready.set()

    def take_frame(self, data: bytes) -> None:
        """A binary message: a frame, unless this session's model runs in the browser."""
        if self.inference == "browser":
            raise protocol.ProtocolError(protocol.CLOSE_POLICY, "this session runs the model in the browser: "
                                         "frames are not accepted, send keypoints")
        self.offer_frame(protocol.parse_frame(data, self.max_frame_bytes, self.max_pixels))

    def take_keypoints(self, payload: dict) -> None:
        """A keypoints message (without its type): browser mode only."""
        if self.inference != "browser":
            raise protocol.ProtocolError(protocol.CLOSE_POLICY, 'keypoints come only from a page in browser mode '
                                         '(a settings message with "inference": "browser")')
        self.offer_keypoints(protocol.parse_keypoints(payload, self.max_pixels))

    def switch_inference(self, payload: dict) -> None:
        """A settings message's "inference" (taken out of it): where the model runs from now on.
        Applied at once, so the frames or keypoints after it are judged by the new mode."""
        mode = payload.pop("inference")
        allowed = ("browser",) if self.policy == "browser-only" else ("browser", "server")
        if mode not in allowed:
            why = " (this server runs with --inference browser-only)" if self.policy == "browser-only" else ""
            self._messages.append(("error", f"inference must be one of {', '.join(allowed)}{why}, got {mode!r}"))
            return
        if mode == "server" and self.server_slots is not None and not self._holding_slot:
            if not self.server_slots.try_open():
                raise protocol.ProtocolError(protocol.CLOSE_BUSY, f"busy: {self.server_slots.max_sessions} sessions already run "
                                             "their model on this server (--max-sessions); try again later")
            self._holding_slot = True
        self.inference = mode
        if mode == "browser":
            self._frame = None  # a frame still waiting is not processed
            self.release()

    def release(self) -> None:
        """Give back the server-inference slot this session holds, if any."""
        if self._holding_slot:
            self.server_slots.close()
            self._holding_slot = False

    async def _receive_loop(self, receive: Callable[[], Awaitable[dict]]) -> None:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                self.take_frame(message["bytes"])
            elif message.get("text") is not None:
                payload = protocol.parse_text(message["text"])
                kind = payload.pop("type")
                if kind == "settings":
                    if "inference" in payload:
                        self.switch_inference(payload)
                    self.offer_settings(payload)
                elif kind == "reset":
                    self.offer_reset(payload)
                elif kind == "keypoints":
                    self.take_keypoints(payload)
                else:
                    raise protocol.ProtocolError(protocol.CLOSE_UNSUPPORTED,
                                                 f"unknown message type {kind!r}; known: settings, reset, keypoints")

    # -- working side ------------------------------------------------------------------------
    async def _work_loop(self, send: Callable[[str], Awaitable[None]]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._ready.wait()
            self._ready.clear()
            messages, self._messages = self._messages, []
            taken, self._frame = self._frame, None
            inline = type(self).handle is LiveSession.handle  # (a subclass's messages may do more: the thread)
            if inline and taken is None and self.inference == "browser" and all(kind != "settings" for kind, _ in messages):
                # keypoints and resets of a browser-mode session: the analysers (a fraction of a ms)
                # right here, without a hop to the inference thread (one at a time all the same:
                # this loop awaits each batch before the next)
                answers = self.handle(messages, None)
            else:
                answers = await loop.run_in_executor(self.engine.executor, self.handle, messages, taken)
            for text in answers:
                await send(text)

    def handle(self, messages: list[tuple[str, object]], taken: tuple[protocol.FrameMessage, float] | None) -> list[str]:
        """Apply settings and resets, analyse keypoints, then process the frame (in the inference
        thread); the messages to send."""
        out: list[str] = []
        for kind, payload in messages:
            if kind == "settings":
                out.append(self.apply(payload))
            elif kind == "reset":
                out.append(self.reset(payload))
            elif kind == "keypoints":
                out += self.analyse_keypoints(payload)
            else:
                out.append(protocol.dumps({"type": "error", "message": payload}))
        if taken is not None:
            try:
                out += self.process(*taken)
            except Exception as exc:  # noqa: BLE001 - reported to the page; the session goes on
                message = f"the server failed on this frame ({type(exc).__name__}: {exc})"
                out.append(protocol.dumps({"type": "error", "frame": taken[0].frame_id, "message": message}))
        return out

    def apply(self, changes: dict) -> str:
        try:
            analysers = changes.pop("analysers", None)
            settings = self.settings.updated(changes)
            made = make_analysers(analysers, self.analysers, self.analyser_options) if analysers is not None else None
            # a fresh detector (loading the model now if it is new) unless only the analysers
            # changed: tracks and smoothing go on, so the analysers' track ids keep their people
            same = settings == self.settings and self.detector is not None
            if self.inference == "browser":
                detector = None  # the page runs the model: nothing to load here
            else:
                detector = self.detector if same else self.engine.detector(settings)
        except InvalidOptionError as exc:
            return protocol.dumps({"type": "error", "message": str(exc)})
        self.settings, self.detector = settings, detector
        self.settings_id += 1
        if made is not None:
            self.analysers, self.analyser_options = made, analysers
        return protocol.dumps({"type": "settings", "settings_id": self.settings_id, "settings": settings.to_dict(),
                               "analysers": self.analyser_options, "inference": self.inference})

    def reset(self, payload: dict) -> str:
        """`{"analysers": [names]}` (all when absent): those analysers start over (a new set)."""
        names = payload.get("analysers", list(self.analysers))
        valid = isinstance(names, list) and all(isinstance(n, str) and n in self.analysers for n in names)
        if not valid or set(payload) - {"analysers"}:
            return protocol.dumps({"type": "error", "message": f"reset takes {{\"analysers\": [names]}} of the analysers on "
                                                               f"({', '.join(self.analysers) or 'none'}); got {payload!r}"})
        for name in names:
            self.analysers[name].reset()
        return protocol.dumps({"type": "reset", "analysers": names})

    def analyse_keypoints(self, message: protocol.KeypointsMessage) -> list[str]:
        """The browser's poses of one frame through the analysers (browser mode)."""
        self.frames += 1
        if not self.analysers:
            return []
        return self.analyse(message, list(message.poses), {"dropped": self.dropped})

    def analyse(self, frame: protocol.FrameMessage | protocol.KeypointsMessage, poses: list, extra: dict | None = None,
                frame_size: tuple[int, int] | None = None) -> list[str]:
        """The analysers on this frame's poses, at its capture time; their results or an error.
        `frame_size`: (width, height) of the image the poses are in (default: the message's)."""
        t = frame.timestamp_ms
        if self._last_analysed_ms is not None and not t > self._last_analysed_ms:
            return [protocol.dumps({"type": "error", "frame": frame.frame_id, "message":
                                    f"not analysed: frame times must increase ({t:g} ms after {self._last_analysed_ms:g} ms)"})]
        self._last_analysed_ms = t
        try:
            size = frame_size or ((frame.width, frame.height) if frame.width > 0 and frame.height > 0 else None)
            results = run_analysers(self.analysers, poses, t, frame_size=size)
        except InvalidInputError as exc:
            return [protocol.dumps({"type": "error", "frame": frame.frame_id, "message": f"analysis: {exc}"})]
        return [protocol.dumps({"type": "analysis", "frame": frame.frame_id, "results": results, **(extra or {})})] if results else []

    def process(self, frame: protocol.FrameMessage, received: float) -> list[str]:
        if self.detector is None:
            self.detector = self.engine.detector(self.settings)
        try:
            started = time.perf_counter()
            if frame.format == "jpeg":
                image = decode_jpeg_frame(frame.data, self.max_pixels)
            else:
                image = rgba_frame(frame.data, frame.width, frame.height)
            decode_ms = (time.perf_counter() - started) * 1000.0
            result = estimate(self.detector, image, frame.timestamp_ms, decode_ms)
        except InvalidInputError as exc:
            return [protocol.dumps({"type": "error", "frame": frame.frame_id, "message": str(exc)})]
        self.frames += 1
        poses = {
            "type": "poses", "frame": frame.frame_id, "width": result.width, "height": result.height,
            "model": self.settings.model, "settings_id": self.settings_id, "poses": round_poses(result.poses),
            "decode_ms": round(result.decode_ms, 2), "inference_ms": round(result.inference_ms, 2),
            "server_ms": round((time.perf_counter() - received) * 1000.0, 2), "dropped": self.dropped,
        }
        return [protocol.dumps(poses), *(self.analyse(frame, result.poses, frame_size=(result.width, result.height)) if self.analysers else [])]

    def hello(self) -> str:
        return protocol.dumps({
            "type": "hello", "settings": self.settings.to_dict(), "analysers": self.analyser_options, "inference": self.inference,
            "limits": {"max_frame_bytes": self.max_frame_bytes, "max_frame_pixels": self.max_pixels},
        })

    async def serve(
        self,
        receive: Callable[[], Awaitable[dict]],
        send: Callable[[str], Awaitable[None]],
        close: Callable[[int, str], Awaitable[None]],
    ) -> None:
        """Run the connection until the client leaves or breaks the protocol (closed with its code)."""
        await send(self.hello())
        receiving = asyncio.ensure_future(self._receive_loop(receive))
        working = asyncio.ensure_future(self._work_loop(send))
        try:
            done, _ = await asyncio.wait({receiving, working}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (receiving, working):
                task.cancel()
            await asyncio.gather(receiving, working, return_exceptions=True)
        for task in done:
            exc = task.exception()
            if isinstance(exc, protocol.ProtocolError):
                with contextlib.suppress(Exception):  # the client may have left already
                    await close(exc.code, protocol.reason(str(exc)))
            elif exc is not None and not _is_disconnect(exc):
                raise exc


def _is_disconnect(exc: BaseException) -> bool:
    """The client left: Starlette's WebSocketDisconnect, or a send refused after the close."""
    return type(exc).__name__ in ("WebSocketDisconnect", "ClientDisconnected") or isinstance(exc, (ConnectionError, RuntimeError))
