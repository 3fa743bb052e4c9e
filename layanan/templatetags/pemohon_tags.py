"""The applicant's section of the counter page (consent, data, the AK/1 card), rendered from the request."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from ..ak1 import validity
from ..models import Jenis, KartuAk1, Status
from ..pemohon import CONSENT_TEXT, consent_active

register = template.Library()


@register.inclusion_tag("layanan/_pemohon_section.html", takes_context=True)
def pemohon_section(context: template.Context) -> dict[str, Any]:
    permohonan = context["permohonan"]
    pemohon = permohonan.pemohon
    form = context.get("pemohon_form")  # only on the applicant's own page: the counter page links to it
    issued = permohonan.jenis == Jenis.AK1 and permohonan.status in (Status.DITERBITKAN, Status.SELESAI)
    kartu = KartuAk1.objects.filter(permohonan=permohonan).first() if issued else None  # no query before
    return {
        "permohonan": permohonan, "pemohon": pemohon, "form": form, "consent_text": CONSENT_TEXT,
        "consent": pemohon.persetujuan.first() if pemohon else None,
        "consent_active": consent_active(pemohon) if pemohon else False,
        "pemohon_error": context.get("pemohon_error", ""), "csrf_token": context.get("csrf_token"),
        "kartu": kartu, "kartu_validity": validity(kartu).value if kartu else "",
        "ask_siapkerja": settings.AK1_SOURCE == "siapkerja" and permohonan.jenis == Jenis.AK1
        and permohonan.status == Status.DISETUJUI,
    }
