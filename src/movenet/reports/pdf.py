"""The report as PDF: WeasyPrint when installed (the `pdf` extra), else headless Chromium's
print-to-PDF (`chromium --headless --print-to-pdf`), else a one-line error naming both."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from movenet.errors import InvalidOptionError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT_S = 120


def find_chromium() -> str | None:
    env = os.environ.get("MOVENET_CHROMIUM")
    if env:
        return env
    return next((p for p in (shutil.which(n) for n in CHROMIUM_NAMES) if p), None)


def write_pdf(html: str, path: str | Path) -> str:
    """Write the PDF; returns which engine made it."""
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: the wheel is there but Pango is missing
        weasyprint = None
    if weasyprint is not None:
        weasyprint.HTML(string=html).write_pdf(str(path))
        return "weasyprint"
    chromium = find_chromium()
    if chromium is None:
        raise InvalidOptionError("--pdf needs WeasyPrint (pip install 'movenet[pdf]') or Chromium on the PATH; "
                                 "or write --html and print it from a browser")
    with tempfile.TemporaryDirectory(prefix="movenet-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        out = Path(path).resolve()
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}/profile",
               "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
               "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT_S)
        if run.returncode != 0 or not out.is_file():
            raise InvalidOptionError(f"Chromium could not print the PDF (exit {run.returncode}): {run.stderr.strip().splitlines()[-1:] or ''}")
    return "chromium"
