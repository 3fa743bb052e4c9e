"""The AK/1 card as a PDF (WeasyPrint), from one HTML template with its QR code inline."""

from __future__ import annotations

import base64
import io

import qrcode
from django.template.loader import render_to_string

from .ak1 import REPORTS, check_url, report_dates
from .models import KartuAk1


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data URI (medium error correction: survives a crease in the folded card)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def ak1_pdf(*, kartu: KartuAk1) -> bytes:
    """Render the card (template `layanan/ak1_kartu.html`, replaceable without code changes)."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    pemohon = kartu.permohonan.pemohon
    html = render_to_string("layanan/ak1_kartu.html", {
        "kartu": kartu, "p": pemohon, "qr": qr_data_uri(check_url(kartu)),
        "lapor": list(zip(range(1, REPORTS + 1), report_dates(kartu), strict=True)),
    })
    return bytes(HTML(string=html).write_pdf())
