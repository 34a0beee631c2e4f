"""Reports of a patient's programme sessions, from the database: a self-contained HTML report
with SVG charts (`render_html`), PDF (`write_pdf`), CSV (`export_csv`), FHIR R4 Observations
(`fhir_bundle`) and a matplotlib picture of the trends (`plots.plot_history`). A patient's data
leaves the machine only through these explicit exports."""

from movenet.reports.export import export_csv
from movenet.reports.fhir import fhir_bundle, observations
from movenet.reports.html import render_html
from movenet.reports.pdf import write_pdf

__all__ = ["export_csv", "fhir_bundle", "observations", "render_html", "write_pdf"]
