"""The per-condition table of fall detection (docs/results/falls.md): recall and false alarms per
camera facing, fall direction, start posture, visibility, light and activity, per pose model and
method, on all dev clips.

    movenet falls eval ../shared/data/videos/falls-urfd --labels docs/falls/urfd_labels.csv \\
        --model lightning --method default --method learned --method ambianic --json urfd-lightning.json
    movenet falls eval ../shared/data/videos/falls-gmdcsa24 --labels ../shared/data/videos/falls-gmdcsa24/labels.csv \\
        --model lightning --method default --method learned --method ambianic --json gmdcsa24-lightning.json
    python tools/falls_conditions_table.py docs/falls/conditions.csv *.json

The conditions of each clip (`docs/falls/conditions.csv`) were tagged by eye from its frames (our
tags, not the datasets' labels): `facing` how the body ends up relative to the camera (side: lying
across the view; toward: along the line of sight), `direction` of the fall, `start` posture,
`visibility` (full; head_cut / feet_cut: the head or the feet out of the frame while standing;
bottom_edge / side_edge: the person ends partly out of the frame), `light` (day: a lit room; dim:
a dark room with one lamp; night: GMDCSA24's night recordings, lamp-lit) and `activity` (the
no-fall clips: walk, bend, crouch, sit, lie_bed, lie_floor: lying down on the floor on purpose).
Each cell: falls caught / falls (fall clips) or clips with a false alarm / clips (no-fall clips).
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict

CONDITIONS = ("facing", "direction", "start", "visibility", "light", "activity")


def main(conditions_csv: str, reports: list[str]) -> None:
    tags = {row["file"]: row for row in csv.DictReader(open(conditions_csv))}
    verdicts: dict = defaultdict(dict)  # model -> method -> file -> verdict
    for path in reports:
        data = json.load(open(path))
        for report in [data, *data.get("baselines", [])]:
            for v in report["per_clip"]:
                verdicts[data["model"]].setdefault(report["method"], {})[v["file"]] = v
    missing = sorted({f for by_method in verdicts.values() for files in by_method.values() for f in files} - set(tags))
    if missing:
        raise SystemExit(f"{conditions_csv}: no tags for {', '.join(missing)}")
    for model, by_method in verdicts.items():
        methods = list(by_method)
        files = sorted(set.intersection(*(set(v) for v in by_method.values())))
        print(f"\n**{model}** ({len(files)} clips)\n")
        print("| condition | value | " + " | ".join(f"{m}: falls caught" for m in methods) + " | "
              + " | ".join(f"{m}: false alarms" for m in methods) + " |")
        print("|---|---|" + "---|" * (2 * len(methods)))
        for condition in CONDITIONS:
            values = sorted({tags[f][condition] for f in files if tags[f][condition]})
            for value in values:
                group = [f for f in files if tags[f][condition] == value]
                falls = [f for f in group if tags[f]["label"] == "fall"]
                quiet = [f for f in group if tags[f]["label"] == "no_fall"]
                caught = [f"{sum(by_method[m][f]['detected'] for f in falls)}/{len(falls)}" if falls else "" for m in methods]
                alarms = [f"{sum(by_method[m][f]['detected'] for f in quiet)}/{len(quiet)}" if quiet else "" for m in methods]
                print(f"| {condition} | {value} | " + " | ".join(caught) + " | " + " | ".join(alarms) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2:])
