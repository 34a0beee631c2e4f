"""`movenet watch --engine ray` on a local Ray started by the test: one actor per camera, events in
the same store; an actor killed (SIGKILL of its process) is restarted by Ray and its camera
watched again (its next fall is stored)."""

import importlib.util
import os
import signal
import threading

import pytest
from camera_servers import FALL_CLIP, RtspServer, why_no_rtsp
from watch_helpers import wait_for, write_config

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="needs Ray: pip install 'movenet[ray]'"),
    pytest.mark.skipif(why_no_rtsp() is not None, reason=str(why_no_rtsp())),
]
pytest.importorskip("sqlalchemy", reason="the watcher needs the db extra")


def test_one_actor_per_camera_restarted_after_a_kill(tmp_path):
    from movenet.watch.config import load_config
    from movenet.watch.service import Watcher

    with RtspServer(mounts={"/a": FALL_CLIP, "/b": FALL_CLIP}) as rtsp:
        config = load_config(write_config(tmp_path, [{"name": "a", "url": rtsp.url("/a")},
                                                     {"name": "b", "url": rtsp.url("/b")}]))
        watcher = Watcher(config, engine="ray")
        thread = threading.Thread(target=lambda: (watcher.start(), watcher.run()), daemon=True)
        thread.start()
        try:
            wait_for(lambda: {e["camera"] for e in watcher.store.list_events(kind="fall")} == {"a", "b"}, 120,
                     what="a fall from each actor")
            engine = watcher.engine
            import ray

            pids = {name: ray.get(actor.pid.remote()) for name, actor in engine.actors.items()}
            assert pids["a"] != pids["b"] and os.getpid() not in pids.values()  # a process each
            os.kill(pids["a"], signal.SIGKILL)
            falls_before = len(watcher.store.list_events(camera="a", kind="fall"))
            # Ray restarts the actor, which starts its camera again: the clip's fall is seen anew.
            wait_for(lambda: len(watcher.store.list_events(camera="a", kind="fall")) > falls_before, 120,
                     what="a fall from the restarted actor")
            assert ray.get(engine.actors["a"].pid.remote()) != pids["a"]
            wait_for(lambda: engine.restarts["a"] >= 1 or watcher.sample_health() and engine.restarts["a"] >= 1, 30,
                     what="the restart in the health")
        finally:
            watcher.stop()
            thread.join(60)
            watcher.close()
