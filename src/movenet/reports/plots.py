"""`movenet history --plot`: the trends in one PNG (matplotlib, the `plots` extra)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from movenet.errors import InvalidOptionError


def plot_history(h: dict, path: str | Path) -> Path:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise InvalidOptionError("plots need matplotlib: pip install 'movenet[plots]'") from exc
    panels = [("adherence", None)] + [(name, m) for name, ex in h["exercises"].items() for m in ex["rom"]] + \
             [(key, "test") for key in h["tests"]]
    n = max(len(panels), 1)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 2.6 * rows), squeeze=False)
    day = dt.date.fromisoformat
    for ax, (name, what) in zip(axes.flat, panels):
        if what is None:
            pts = h["adherence"]
            ax.plot([day(p["day"]) for p in pts], [p["adherence"] * 100 for p in pts], marker="o", ms=3)
            ax.set_ylim(0, 105)
            ax.set_title("adherence (%)", fontsize=10)
        elif what == "test":
            t = h["tests"][name]
            ax.plot([day(p["day"]) for p in t["points"]], [p["value"] for p in t["points"]], marker="o", ms=3, color="C2")
            ax.set_title(f"{name} ({t['unit']}, {t['better']} is better)", fontsize=10)
        else:
            pts = h["exercises"][name]["rom"][what]
            ax.plot([day(p["day"]) for p in pts], [p["min_deg"] for p in pts], marker="o", ms=3, label="smallest angle")
            ax.plot([day(p["day"]) for p in pts], [p["max_deg"] for p in pts], marker="o", ms=3, label="largest angle")
            ax.set_title(f"{name}: {what} (deg)", fontsize=10)
            ax.legend(fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"patient {h['patient']}: {h['sessions_total']} sessions", fontsize=11)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)
