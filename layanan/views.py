"""The counter: open a service request, check the applicant's NIK, see the per-field result."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from akun.gate import dukcapil_gate
from akun.http import client_ip, signed_in_user
from akun.models import User
from verifikasi.display import display_rows
from verifikasi.elements import Outcome
from verifikasi.forms import LookupForm, ManualAuthoriseForm, ManualForm
from verifikasi.models import Mode
from verifikasi.quota import quota_state
from verifikasi.services import (
    LookupOutcome,
    lookup_authorise_manual,
    lookup_perform,
    lookup_record_manual,
    mode_current,
)

from .models import Jenis, Permohonan, Status
from .services import permohonan_close, permohonan_open


def _get_permohonan_for_user(request: HttpRequest, pk: int) -> Permohonan:
    return get_object_or_404(Permohonan, pk=pk, dibuka_oleh=signed_in_user(request))


@permission_required("akun.akses_loket", raise_exception=True)
def daftar(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method == "POST":
        jenis = request.POST.get("jenis", "")
        if jenis not in Jenis.values:
            return render(request, "layanan/daftar.html", _daftar_context(user, "Pilih jenis layanan."), status=400)
        permohonan = permohonan_open(operator=user, jenis=Jenis(jenis))
        return redirect("layanan:periksa", pk=permohonan.pk)
    return render(request, "layanan/daftar.html", _daftar_context(user))


def _daftar_context(user: User, error: str = "") -> dict[str, object]:
    return {
        "gate": dukcapil_gate(user=user),
        "mode": mode_current(),
        "quota": quota_state(),
        "jenis_choices": Jenis.choices,
        "terbuka": Permohonan.objects.filter(dibuka_oleh=user, status=Status.PEMERIKSAAN),
        "error": error,
    }


@permission_required("akun.akses_loket", raise_exception=True)
def periksa(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the NIK of this request's applicant: a connected lookup, or the two manual steps."""
    permohonan = _get_permohonan_for_user(request, pk)
    user = signed_in_user(request)
    mode = mode_current()
    is_open = permohonan.status == Status.PEMERIKSAAN
    post = request.POST if request.method == "POST" and is_open else None
    common: dict[str, Any] = {"operator": user, "client_ip": client_ip(request), "permohonan_ref": permohonan.nomor}
    form: LookupForm | ManualAuthoriseForm | ManualForm
    record_form: ManualForm | None = None
    outcome: LookupOutcome | None = None
    if mode == Mode.TERHUBUNG:
        form = LookupForm(post)
        if form.is_valid():
            outcome = lookup_perform(stated=form.stated(), nik=form.cleaned_data["nik"], **_override(form),
                                     **common)
    elif post is not None and "izin" in post:
        form = ManualForm(post)
        if form.is_valid():
            outcome = lookup_record_manual(nik=form.cleaned_data["nik"], authorisation=form.cleaned_data["izin"],
                                           outcome=Outcome(form.cleaned_data["hasil"]), kecocokan=form.kecocokan(),
                                           **common)
        else:
            record_form = form
        form = ManualAuthoriseForm()
    else:
        form = ManualAuthoriseForm(post)
        if form.is_valid():
            outcome = lookup_authorise_manual(nik=form.cleaned_data["nik"], **_override(form),
                                              **common)
            if outcome.authorisation:
                record_form = ManualForm(initial={"nik": outcome.check.nik if outcome.check else "",
                                                  "izin": outcome.authorisation})
    if outcome is not None and post is not None and isinstance(form, LookupForm | ManualAuthoriseForm):
        # A written reason answers one refusal: the next page starts without it.
        data = post.copy()
        data["alasan_lewati"] = ""
        data["token_lewati"] = outcome.override_token
        form.data = data
    context = {
        "permohonan": permohonan, "form": form, "record_form": record_form, "outcome": outcome, "mode": mode,
        "is_open": is_open, "gate": outcome.gate if outcome and outcome.gate else dukcapil_gate(user=user),
        "quota": outcome.quota if outcome and outcome.quota else quota_state(),
        "rows": _rows(form, outcome),
    }
    response = render(request, "layanan/periksa.html", context, status=200)
    response["Cache-Control"] = "no-store"
    return response


def _override(form: LookupForm | ManualAuthoriseForm) -> dict[str, Any]:
    return {"override_reason": form.cleaned_data.get("alasan_lewati", ""),
            "override_token": form.cleaned_data.get("token_lewati", "")}


def _rows(form: LookupForm | ManualAuthoriseForm | ManualForm, outcome: LookupOutcome | None) -> list[object]:
    if not isinstance(form, LookupForm) or outcome is None or outcome.result is None:
        return []
    if outcome.result.elemen is None:
        return []
    return list(display_rows(stated=form.stated(), elemen=outcome.result.elemen, matches=outcome.matches,
                             check=outcome.check))


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def tutup(request: HttpRequest, pk: int) -> HttpResponse:
    permohonan_close(permohonan=_get_permohonan_for_user(request, pk))
    return redirect("layanan:daftar")
