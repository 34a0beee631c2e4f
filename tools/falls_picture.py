"""The README picture of fall detection, drawn from keypoints only (no pixel of the clip).

    movenet falls CLIP --jsonl poses.jsonl            # or `movenet track CLIP --jsonl poses.jsonl`
    python tools/falls_picture.py poses.jsonl --out docs/images/falls.png [--hold-s 4]

Runs the default method over the poses (the last frame held `--hold-s` seconds, as the evaluator
does: recorded falls end before the confirmation time), then draws four moments (upright, falling,
down, fall confirmed) as skeletons on a blank background with the on-screen state, and under them
the trunk inclination and the hip drop over time with the states as colour bands. Keypoints only:
the URFD clips are research-only and their frames stay out of the repository.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from movenet.falls import FallDetector
from movenet.falls.evaluate import held
from movenet.falls.overlay import STATE_COLORS, FrameInfo, draw_falls
from movenet.io.pose_jsonl import read_pose_jsonl

BACKGROUND = (250, 250, 250)


def run(frames):
    detector = FallDetector()
    rows = []
    for t, poses in frames:
        events = detector.update(poses, t)
        states = {k: s.value for k, s in detector.states().items()}
        person = detector.person(0)
        posture = person.posture if person is not None else None
        rows.append((t, poses, states, events, posture))
    return rows


def panel(poses, states, banner, size, scale, threshold=0.3):
    from movenet.types import Box, Pose

    canvas = np.empty((round(size[1] * scale), round(size[0] * scale), 3), dtype=np.uint8)
    canvas[:] = BACKGROUND
    scaled = []
    for p in poses:
        a = p.to_array().astype(np.float64)
        a[:, :2] *= scale
        box = Box(*(v * scale for v in p.box.to_list())) if p.box is not None else None
        scaled.append(Pose.from_array(a, p.score, box, p.id))
    return draw_falls(canvas, scaled, FrameInfo(states, banner), threshold)


def timeline(rows, width, clip_end_ms, height=160):
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=12)
    t0, t1 = rows[0][0], rows[-1][0]
    x = lambda t: 40 + (t - t0) / (t1 - t0) * (width - 50)
    for (ta, _, sa, _, _), (tb, _, _, _, _) in itertools.pairwise(rows):
        state = next(iter(sa.values()), None)
        if state:
            draw.rectangle([x(ta), height - 14, x(tb), height - 4], fill=STATE_COLORS[state])
    top, bottom = 10, height - 24
    y_incl = lambda v: bottom - v / 180.0 * (bottom - top)
    y_drop = lambda v: bottom - min(max(v, 0.0), 3.0) / 3.0 * (bottom - top)
    for value, label in ((0, "0"), (90, "90"), (180, "180")):
        draw.line([40, y_incl(value), width - 10, y_incl(value)], fill=(220, 220, 220))
        draw.text((4, y_incl(value) - 7), label, fill=(120, 120, 120), font=font)
    for key, y, color in (("inclination_deg", y_incl, (40, 90, 200)), ("hip_drop", y_drop, (230, 120, 0))):
        points = [(x(t), y(getattr(p, key))) for t, _, _, _, p in rows if p is not None]
        if len(points) > 1:
            draw.line(points, fill=color, width=2)
    draw.line([x(clip_end_ms), top, x(clip_end_ms), bottom], fill=(150, 150, 150), width=1)
    draw.text((x(clip_end_ms) + 3, bottom - 30), "clip ends (last frame held)", fill=(120, 120, 120), font=font)
    for t, _, _, events, _ in rows:
        for e in events:
            draw.line([x(t), top, x(t), bottom], fill=STATE_COLORS["fallen"], width=2)
            draw.text((x(t) + 3, top), e.event, fill=STATE_COLORS["fallen"], font=font)
    draw.text((width - 330, bottom - 14), "trunk inclination (deg)", fill=(40, 90, 200), font=font)
    draw.text((width - 170, bottom - 14), "hip drop (0-3 torso lengths)", fill=(230, 120, 0), font=font)
    return np.asarray(image)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("poses", help="JSON lines of poses per frame (movenet track / falls --jsonl)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--hold-s", type=float, default=6.0)
    parser.add_argument("--size", type=int, nargs=2, default=[320, 240], metavar=("W", "H"), help="the clip's frame size")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    frames = read_pose_jsonl(args.poses)
    rows = run(held(frames, args.hold_s))
    chosen = []
    for wanted in ("upright", "falling", "down", "fallen"):
        hits = [i for i, r in enumerate(rows) if r[2].get(0) == wanted and r[1]]
        lying = [i for i in hits if rows[i][4] is not None and rows[i][4].lying]
        if hits:
            chosen.append(hits[len(hits) // 2] if wanted == "upright" else (lying or hits)[0])
    panels = []
    for i in chosen:
        t, poses, states, _, _ = rows[i]
        banner = "FALL: person" if states.get(0) == "fallen" else None
        big = panel(poses, states, banner, args.size, args.scale)
        draw = ImageDraw.Draw(img := Image.fromarray(big))
        draw.text((6, big.shape[0] - 18), f"{t / 1000:.2f} s", fill=(90, 90, 90), font=ImageFont.load_default(size=13))
        panels.append(np.asarray(img))
    top = np.hstack(panels)
    picture = np.vstack([top, timeline(rows, top.shape[1], frames[-1][0])])
    Image.fromarray(picture).save(args.out)
    print(f"{args.out}: {picture.shape[1]}x{picture.shape[0]}, frames at {[round(rows[i][0]) for i in chosen]} ms")


if __name__ == "__main__":
    main()
