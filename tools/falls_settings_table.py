"""The settings table of fall detection (docs/results/falls.md, "Settings"): each setting of the
default method changed alone, on all dev clips' poses, per pose model: falls caught and false
alarms (URFD + GMDCSA24), beside the defaults.

    python tools/falls_settings_table.py --cache DIR [--models lightning thunder multipose]

DIR holds `<model>-video/<clip>.jsonl` (`movenet falls eval --cache DIR`). The candidate values of
the feedback loop (`movenet.falls.profile.CANDIDATES`) are the ones here that lose no dev fall.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from falls_train import HOLD_S, load  # noqa: E402

from movenet.falls.evaluate import judge_clip, totals  # noqa: E402

VALUES = {
    "max_fall_s": (1.0, 1.2, 1.3, 1.5),
    "min_hip_drop": (0.3, 0.4, 0.6, 0.8),
    "down_inclination_deg": (50.0, 60.0, 70.0),
    "lying_aspect": (1.3, 1.5, 1.8),
    "collapse_down": (0.4, 0.5, 0.6),
    "floor_hip_frac": (0.3, 0.4, 0.5),
    "foreshortened": (0.6, 0.75, 0.85),
    "min_descent_speed": (1.0, 1.5, 2.0),
    "lost_hip_drop": (0.4, 0.6, 99.0),
    "furniture_drop": (0.0, 0.8),
    "down_radius": (0.0, 1.5, 2.0, 3.0),
    "view_independent": (0.0, 1.0),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", required=True, type=Path)
    parser.add_argument("--models", nargs="+", default=["lightning", "thunder", "multipose"])
    args = parser.parse_args()
    clips = load(args.cache, args.models)
    print("| setting | value | " + " | ".join(f"{m}: falls caught, false alarms" for m in args.models) + " |")
    print("|---|---|" + "---|" * len(args.models))
    for name, values in VALUES.items():
        for value in values:
            cells = []
            for model in args.models:
                t = totals([judge_clip(c.frames[model], c.label_row, "default", HOLD_S, frame_size=c.size, **{name: value})
                            for c in clips])
                cells.append(f"{t.caught}/{t.falls}, {t.false_alarms}")
            print(f"| `{name}` | {value:g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
