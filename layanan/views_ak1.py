"""The applicant's record (consent, correction, withdrawal, the printout), the AK/1 card and its check page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akun.http import signed_in_user

from .ak1 import IssueRefused, Validity, card_for_token, lapor_diri_record, reports_due, validity
from .forms import PemohonForm
from .models import KartuAk1, Pemohon, Permohonan
from .pdf import ak1_pdf
from .pemohon import ApplicantRefused, consent_withdraw, pemohon_record

LOKET = "akun.akses_loket"


@require_http_methods(["GET", "POST"])
@permission_required(LOKET, raise_exception=True)
def pemohon_simpan(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's data with their consent, or its correction, on a page of its own (the counter page
    holds the lookup form, with fields of the same names). Nothing is kept without consent."""
    permohonan = get_object_or_404(Permohonan.objects.select_related("pemohon"), pk=pk)
    form = PemohonForm(request.POST if request.method == "POST" else None, instance=permohonan.pemohon)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            pemohon_record(permohonan=permohonan, operator=signed_in_user(request), data=form.cleaned_data,
                           consent_given=bool(form.cleaned_data.get("setuju")))
        except ApplicantRefused as refused:
            error = refused.message
        else:
            messages.success(request, "Data pemohon disimpan.")
            return redirect("layanan:periksa", pk=permohonan.pk)
    response = render(request, "layanan/pemohon_form.html",
                      {"permohonan": permohonan, "pemohon_form": form, "pemohon_error": error},
                      status=400 if request.method == "POST" else 200)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required(LOKET, raise_exception=True)
def pemohon_tarik(request: HttpRequest, pemohon_pk: int) -> HttpResponse:
    """The applicant withdraws consent: no further use; removal at the next retention run."""
    pemohon = get_object_or_404(Pemohon, pk=pemohon_pk)
    if consent_withdraw(pemohon=pemohon, operator=signed_in_user(request)):
        messages.success(request, "Persetujuan pemohon ditarik. Datanya tidak dipakai lagi dan akan dihapus pada "
                                  "proses retensi berikutnya (kecuali yang masih terutang sebagai data balikan).")
    else:
        messages.info(request, "Tidak ada persetujuan yang masih berlaku.")
    return redirect("layanan:pemohon_cetak", pemohon_pk=pemohon.pk)


@require_GET
@permission_required(LOKET, raise_exception=True)
def pemohon_cetak(request: HttpRequest, pemohon_pk: int) -> HttpResponse:
    """Everything held about the applicant and its processing trail (UU 27/2022), printable."""
    pemohon = get_object_or_404(Pemohon, pk=pemohon_pk)
    permohonan = (pemohon.permohonan.select_related("dibuka_oleh").prefetch_related("langkah__oleh")
                  .order_by("dibuka_pada"))
    kartu = KartuAk1.objects.filter(permohonan__pemohon=pemohon).prefetch_related("lapor_diri")
    return render(request, "layanan/pemohon_cetak.html", {
        "pemohon": pemohon, "persetujuan": pemohon.persetujuan.select_related("dicatat_oleh").order_by("dicatat_pada"),
        "daftar_permohonan": permohonan, "kartu": kartu, "dicetak_pada": timezone.now(),
        "dicetak_oleh": signed_in_user(request),
    })


@require_GET
@permission_required(LOKET, raise_exception=True)
def kartu_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    kartu = get_object_or_404(KartuAk1.objects.select_related("permohonan__pemohon", "penandatangan"),
                              permohonan__pk=pk)
    response = HttpResponse(ak1_pdf(kartu=kartu), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ak1-{kartu.nomor}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required(LOKET, raise_exception=True)
def lapor_diri(request: HttpRequest) -> HttpResponse:
    """The six-monthly report-ins: who is due soon, who lapsed; record one."""
    error = ""
    if request.method == "POST":
        kartu = get_object_or_404(KartuAk1, nomor=request.POST.get("nomor", "").strip())
        try:
            done = lapor_diri_record(kartu=kartu, operator=signed_in_user(request),
                                     note=request.POST.get("catatan", "")[:200])
        except IssueRefused as refused:
            error = refused.message
        else:
            messages.success(request, f"Lapor diri ke-{done.ke} kartu {kartu.nomor} dicatat.")
            return redirect("layanan:lapor_diri")
    due, gone = reports_due()
    return render(request, "layanan/lapor_diri.html", {"due": due, "lapsed": gone, "error": error},
                  status=400 if error else 200)


@require_GET
def ak1_cek(request: HttpRequest, token: str) -> HttpResponse:
    """Public (no login): only whether the card is valid. No name, no NIK, no number."""
    result = validity(card_for_token(token))
    response = render(request, "layanan/ak1_cek.html", {"result": result.value, "valid": result is Validity.VALID},
                      status=404 if result is Validity.UNKNOWN else 200)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
