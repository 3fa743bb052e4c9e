"""The head of office's reports: the semesters since the agreement began, each as a PDF."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from akun.gate import current_agreement
from akun.http import client_ip, signed_in_user
from verifikasi.audit import audit_head_line, audit_report_published
from verifikasi.selectors import current_mode

from .pdf import report_pdf
from .selectors import semester_figures
from .semester import Semester, semesters_between

EARLIEST = dt.date(2025, 1, 1)  # no report before the portal existed



def _semesters() -> list[Semester]:
    agreement = current_agreement()
    today = timezone.localdate()
    first = agreement.tanggal_tanda_tangan if agreement else today
    # A signing date mistyped far in the past must not break the page: the portal began after 2000.
    return semesters_between(min(max(first, EARLIEST), today), today)


@permission_required("akun.unduh_laporan", raise_exception=True)
def report_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(s, today <= s.last_day) for s in _semesters()]
    return render(request, "laporan/daftar.html", {"semesters": rows, "chain_head": audit_head_line(),
                                                   "today": today})


@permission_required("akun.unduh_laporan", raise_exception=True)
def report_download(request: HttpRequest, year: int, half: int) -> HttpResponse:
    try:
        semester = Semester(year, half)
    except ValueError:
        raise Http404("Semester tidak dikenal.") from None
    if semester not in _semesters():
        raise Http404("Semester itu di luar masa perjanjian kerja sama.")
    now = timezone.now()
    figures = semester_figures(semester=semester, now=now)
    pdf = report_pdf(figures=figures, made_at=now)
    audit_report_published(user=signed_in_user(request), client_ip=client_ip(request), mode=current_mode(),
                           periode=semester.label + (" (sementara)" if figures.running else ""),
                           head=figures.chain_head)
    filename = f"laporan-pemanfaatan-nik-{semester.year}-s{semester.half}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
