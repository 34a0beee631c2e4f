"""The main table of docs/results/falls.md: every method on every dev clip, per pose model and source,
from `movenet falls eval --json` reports.

    movenet falls eval ../shared/data/videos/falls-urfd --labels docs/falls/urfd_labels.csv --model lightning \\
        --method default --method learned --method ambianic --json urfd-lightning.json          # one per model and source
    movenet falls eval ../shared/data/videos/falls-urfd --labels docs/falls/urfd_labels.csv --model lightning \\
        --method default --set view_independent=0 --json before-urfd-lightning.json              # the rules without the new evidence
    python tools/falls_results_table.py urfd-*.json gmdcsa24-*.json before-*.json

A report whose file name starts with `before-` gives the row "default, view_independent=0".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def rate(t: dict, part: str, whole: str, key: str) -> str:
    return "n/a" if t[key] is None else f"{t[key]:.3f} ({t[part]}/{t[whole]})"


def main(paths: list[str]) -> None:
    rows = []
    for path in paths:
        data = json.load(open(path))
        source = "URFD" if data["per_clip"][0]["file"].startswith("urfd") else "GMDCSA24"
        before = Path(path).name.startswith("before-")
        for report in [data, *data.get("baselines", [])]:
            method = "default, view_independent=0" if before else report["method"]
            rows.append((data["model"], source, method, report))
    order = {"lightning": 0, "thunder": 1, "multipose": 2}
    methods = {"default": 0, "learned": 1, "default, view_independent=0": 2, "ambianic": 3}
    rows.sort(key=lambda r: (order.get(r[0], 9), r[1] != "URFD", methods.get(r[2], 9)))
    print("| poses | source | method | recall | specificity | false alarms (per hour) | delay, mean (max) |")
    print("|---|---|---|---|---|---|---|")
    for model, source, method, t in rows:
        delay = "n/a" if t["mean_delay_s"] is None else f"{t['mean_delay_s']:.2f} s ({t['max_delay_s']:.2f})"
        per_hour = f" ({t['false_alarms_per_hour']:.0f}/h)" if t["false_alarms_per_hour"] is not None else ""
        cells = [model, source, method, rate(t, "caught", "falls", "recall"), rate(t, "clean", "no_falls", "specificity"),
                 f"{t['false_alarms']}{per_hour}", delay]
        if method == "default":
            cells[2:5] = [f"**{c}**" for c in cells[2:5]]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1:])
