"""The self-contained offline report: `kartoteka report -o report.html`.

One HTML file with the headline figures, every chart (Vega-Lite specs with the chart
libraries inlined, so it renders with no network, years from now), the tables, CSV downloads
as data: URIs, and the methodology. Optionally every chart as PNG and SVG (vl-convert).
"""

from kartoteka.report.html import ReportResult, build_report_html, write_report

__all__ = ["ReportResult", "build_report_html", "write_report"]
