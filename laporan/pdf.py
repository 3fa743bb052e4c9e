"""The semester report as a PDF (WeasyPrint), from one HTML template."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from akun.gate import current_agreement, current_head

from .selectors import Figures


def report_pdf(*, figures: Figures, made_at: dt.datetime) -> bytes:
    """Render the report; raises nothing of its own (WeasyPrint errors propagate)."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    html = render_to_string("laporan/semester.html", {
        "f": figures, "agreement": current_agreement(), "head": current_head(), "made_at": made_at,
    })
    return bytes(HTML(string=html).write_pdf())
