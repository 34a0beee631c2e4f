"""CSV export of a patient's sets: one row per set or test trial, every session."""

from __future__ import annotations

import csv

CSV_FIELDS = ["session", "started_at", "programme", "step", "kind", "name", "label", "set", "side", "status",
              "target_reps", "reps", "partial_reps", "holds_s", "test_value", "test_unit", "rom", "rom_met", "warnings"]


def export_csv(store, code: str, path) -> int:
    """Write the CSV; returns the number of rows (sets)."""
    sessions = store.sessions(code, limit=None)
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CSV_FIELDS)
        for s in reversed(sessions):  # oldest first
            d = store.session(s["id"])
            for st in d["sets"]:
                test = st.get("test") or {}
                rom = "; ".join(f"{c['measure']} {c['min_deg']}-{c['max_deg']}" for c in st["rom"] if c["min_deg"] is not None)
                met = "" if not st["rom"] else int(all(c["met"] for c in st["rom"]))
                w.writerow([d["id"], d["started_at"], d["programme"], st["step"] + 1, st["kind"], st["name"], st["label"], st["set"],
                            st["side"] or "", st["status"], st["target_reps"] if st["target_reps"] is not None else "", st["reps"],
                            st["partial_reps"], " ".join(f"{h / 1000:.1f}" for h in st["holds_ms"] if h is not None),
                            "" if test.get("value") is None else test["value"], test.get("unit", ""), rom, met, " | ".join(st["warnings"])])
                rows += 1
    return rows
