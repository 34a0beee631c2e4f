"""The README table of fall detection on the URFD clips, from `movenet falls eval --json` reports.

    movenet falls eval ../shared/data/videos/falls-urfd --labels docs/falls/urfd_labels.csv \\
        --model lightning --cache poses/ --json reports/lightning-video.json        # one per row
    python tools/falls_table.py reports/*.json

Each report's primary method and its baselines become rows: recall, specificity, false alarms
(per hour of no-fall video) and delay on all clips, and recall / specificity on the held-out split.
"""

from __future__ import annotations

import json
import sys


def rate(totals: dict, part: str, whole: str) -> str:
    value = totals["recall" if part == "caught" else "specificity"]
    return "n/a" if value is None else f"{value:.3f} ({totals[part]}/{totals[whole]})"


def row(poses: str, report: dict, bold: bool) -> str:
    test = report["splits"].get("test")
    delay = "n/a" if report["mean_delay_s"] is None else f"{report['mean_delay_s']:.2f} s ({report['max_delay_s']:.2f})"
    cells = [
        poses, report["method"], rate(report, "caught", "falls"), rate(report, "clean", "no_falls"),
        f"{report['false_alarms']} ({report['false_alarms_per_hour']:.0f}/h)", delay,
        f"{test['caught']}/{test['falls']}, {test['clean']}/{test['no_falls']}" if test else "",
    ]
    if bold:
        cells[1:4] = [f"**{c}**" for c in cells[1:4]]
    return "| " + " | ".join(cells) + " |"


def main(paths: list[str]) -> None:
    print("| poses | method | recall | specificity | false alarms | delay, mean (max) | held-out: falls caught, no-falls clean |")
    print("|---|---|---|---|---|---|---|")
    for path in paths:
        data = json.load(open(path))
        poses = f"{data['model']}, {data['pose_source']}"
        for report in [data, *data.get("baselines", [])]:
            print(row(poses, report, report["method"] == "default"))
            poses = ""


if __name__ == "__main__":
    main(sys.argv[1:])
