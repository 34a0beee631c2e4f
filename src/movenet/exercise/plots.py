"""A picture of a repetition count: the angle over time, the levels, the repetitions marked.

Needs matplotlib (the `plots` extra: `pip install -e '.[plots]'`); imported only when a plot is asked for.
"""

from __future__ import annotations

import math
from pathlib import Path

from movenet.errors import InvalidOptionError
from movenet.exercise.session import ExerciseReport, PersonReport
from movenet.exercise.specs import get_exercise
from movenet.extras import install_hint


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise InvalidOptionError(f"plots need matplotlib: {install_hint('plots')}") from exc
    return plt


def plot_report(report: ExerciseReport, path: str | Path, person: PersonReport | None = None, title: str | None = None) -> Path:
    """Write a PNG of one person's signal (default: the report's primary person)."""
    plt = _pyplot()
    person = person or report.primary
    spec = get_exercise(person.exercise) if person is not None and person.exercise else report.spec
    if spec is None:
        raise InvalidOptionError("no exercise was recognised (automatic mode, nothing counted): nothing to plot")
    fig, ax = plt.subplots(figsize=(10, 4), dpi=100)
    if person is not None and person.trace:
        t = [row[0] / 1000.0 for row in person.trace]
        ax.plot(t, [row[1] for row in person.trace], ".", color="0.6", markersize=3, label="measured")
        ax.plot(t, [row[2] for row in person.trace], "-", color="tab:blue", linewidth=1.6, label="smoothed")
        for i, rep in enumerate(person.repetitions, 1):
            ax.axvspan(rep.start_ms / 1000, rep.end_ms / 1000, color="tab:green", alpha=0.18, lw=0)
            ax.annotate(f"{i}" + (" shallow" if rep.shallow else ""), (rep.peak_ms / 1000, rep.peak_deg), textcoords="offset points",
                        xytext=(0, -14 if spec.direction < 0 else 8), ha="center", color="tab:green", fontsize=9, fontweight="bold")
        for rep in person.partial_repetitions:
            ax.axvspan(rep.start_ms / 1000, rep.end_ms / 1000, color="tab:orange", alpha=0.18, lw=0, hatch="//")
            if not math.isnan(rep.peak_deg):
                ax.annotate("partial", (rep.peak_ms / 1000, rep.peak_deg), textcoords="offset points",
                            xytext=(0, -14 if spec.direction < 0 else 8), ha="center", color="tab:orange", fontsize=9)
    for level, name, style in ((spec.enter_deg, "enter", "--"), (spec.exit_deg, "exit (count)", ":"), (spec.depth_deg, "depth", "-.")):
        ax.axhline(level, color="0.35", linestyle=style, linewidth=0.9)
        ax.text(1.005, level, f" {name} {level:g}", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="0.3")
    reps = person.reps if person else 0
    partial = len(person.partial_repetitions) if person else 0
    ax.set_title(title or f"{spec.name}: {reps} repetitions, {partial} partial ({spec.signal.label})", fontsize=11)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("degrees")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.8)
    ax.grid(alpha=0.25)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out
