"""The counter: open a service request, check the applicant's NIK, see the per-field result."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from akun.gate import dukcapil_gate
from akun.models import User
from verifikasi.compare import FIELDS
from verifikasi.display import display_rows
from verifikasi.elements import Outcome
from verifikasi.forms import LookupForm, ManualForm
from verifikasi.models import Mode
from verifikasi.quota import quota_state
from verifikasi.services import LookupOutcome, lookup_perform, lookup_record_manual, mode_current

from .models import Jenis, Permohonan, Status
from .services import permohonan_close, permohonan_open


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied("Belum masuk.")
    return request.user


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _get_permohonan_for_user(request: HttpRequest, pk: int) -> Permohonan:
    return get_object_or_404(Permohonan, pk=pk, dibuka_oleh=_user(request))


@permission_required("akun.akses_loket", raise_exception=True)
def daftar(request: HttpRequest) -> HttpResponse:
    user = _user(request)
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
    """Check the NIK of this request's applicant: connected lookup, or manual record."""
    permohonan = _get_permohonan_for_user(request, pk)
    user = _user(request)
    mode = mode_current()
    form: LookupForm | ManualForm
    outcome: LookupOutcome | None = None
    is_open = permohonan.status == Status.PEMERIKSAAN
    if mode == Mode.TERHUBUNG:
        form = LookupForm(request.POST or None)
    else:
        form = ManualForm(request.POST or None)
    if request.method == "POST" and is_open and form.is_valid():
        common = {"operator": user, "client_ip": _client_ip(request), "permohonan_ref": permohonan.nomor,
                  "nik": form.cleaned_data["nik"], "override_reason": form.cleaned_data.get("alasan_lewati", ""),
                  "override_token": form.cleaned_data.get("token_lewati", "")}
        if isinstance(form, LookupForm):
            outcome = lookup_perform(stated=form.stated(), **common)  # type: ignore[arg-type]
        else:
            outcome = lookup_record_manual(outcome=Outcome(form.cleaned_data["hasil"]),  # type: ignore[arg-type]
                                           kecocokan=form.kecocokan(), **common)
    if outcome is not None:
        # A written reason answers one refusal: the next page starts without it.
        data = request.POST.copy()
        data["alasan_lewati"] = ""
        data["token_lewati"] = outcome.override_token
        form.data = data
    context = {
        "permohonan": permohonan, "form": form, "outcome": outcome, "mode": mode, "is_open": is_open,
        "gate": dukcapil_gate(user=user), "quota": outcome.quota if outcome and outcome.quota else quota_state(),
        "fields": FIELDS,
        "rows": _rows(form, outcome),
    }
    response = render(request, "layanan/periksa.html", context, status=200)
    response["Cache-Control"] = "no-store"
    return response


def _rows(form: LookupForm | ManualForm, outcome: LookupOutcome | None) -> list[object]:
    if not isinstance(form, LookupForm) or outcome is None or outcome.result is None:
        return []
    if outcome.result.elemen is None:
        return []
    return list(display_rows(stated=form.stated(), elemen=outcome.result.elemen, matches=outcome.matches))


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def tutup(request: HttpRequest, pk: int) -> HttpResponse:
    permohonan_close(permohonan=_get_permohonan_for_user(request, pk))
    return redirect("layanan:daftar")
