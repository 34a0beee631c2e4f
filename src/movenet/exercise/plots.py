"""A picture of a repetition count: each signal over time, its levels, the repetitions marked.

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
    """Write a PNG of one person's signals (default: the report's primary person): one panel per
    signal of the exercise (the primary one, then its alternatives), each with its levels and the
    repetitions marked; a repetition's label is on the signal that describes it."""
    plt = _pyplot()
    person = person or report.primary
    spec = get_exercise(person.exercise) if person is not None and person.exercise else report.spec
    if spec is None:
        raise InvalidOptionError("no exercise was recognised (automatic mode, nothing counted): nothing to plot")
    tracks = spec.tracks
    traces = dict(person.traces) if person is not None and person.traces else {}
    if person is not None and not traces and person.trace:
        traces = {tracks[0].label: person.trace}
    fig, axes = plt.subplots(len(tracks), 1, figsize=(10, 1.0 + 3.0 * len(tracks)), dpi=100, sharex=True, squeeze=False)
    for ax, track in zip(axes[:, 0], tracks):
        trace = traces.get(track.label, ())
        if trace:
            t = [row[0] / 1000.0 for row in trace]
            ax.plot(t, [row[1] for row in trace], ".", color="0.6", markersize=3, label="measured")
            ax.plot(t, [row[2] for row in trace], "-", color="tab:blue", linewidth=1.6, label="smoothed")
        offset = -14 if track.direction < 0 else 8
        if person is not None:
            for i, rep in enumerate(person.repetitions, 1):
                ax.axvspan(rep.start_ms / 1000, rep.end_ms / 1000, color="tab:green", alpha=0.18, lw=0)
                if rep.signal in ("", track.label):
                    ax.annotate(f"{i}" + (" shallow" if rep.shallow else ""), (rep.peak_ms / 1000, rep.peak_deg), textcoords="offset points",
                                xytext=(0, offset), ha="center", color="tab:green", fontsize=9, fontweight="bold")
            for rep in person.partial_repetitions:
                ax.axvspan(rep.start_ms / 1000, rep.end_ms / 1000, color="tab:orange", alpha=0.18, lw=0, hatch="//")
                if rep.signal in ("", track.label) and not math.isnan(rep.peak_deg):
                    ax.annotate("cut off" if rep.cut_off else "partial", (rep.peak_ms / 1000, rep.peak_deg), textcoords="offset points",
                                xytext=(0, offset), ha="center", color="tab:orange", fontsize=9)
        for level, name, style in ((track.enter, "enter", "--"), (track.exit, "exit (count)", ":"), (track.depth, "depth", "-.")):
            ax.axhline(level, color="0.35", linestyle=style, linewidth=0.9)
            ax.text(1.005, level, f" {name} {level:g}", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="0.3")
        ax.set_ylabel("degrees" if track.unit == "deg" else "share of rest" if track.relative else track.unit)
        ax.set_title(track.label, fontsize=9, loc="left")
        ax.margins(y=0.15)  # room for the labels below (or above) the deepest points
        ax.grid(alpha=0.25)
    reps = person.reps if person else 0
    partial = len(person.partial_repetitions) if person else 0
    view = f", {person.view} view" if person is not None and person.view else ""
    cut = f" ({person.cut_off} cut off by the end)" if person is not None and person.cut_off else ""
    fig.suptitle(title or f"{spec.name}: {reps} repetitions, {partial} partial{cut}{view}", fontsize=11)
    axes[-1, 0].set_xlabel("time (s)")
    axes[0, 0].legend(loc="lower left", fontsize=8, framealpha=0.8)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out
