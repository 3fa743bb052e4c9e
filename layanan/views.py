"""The counter: open a service request, check the applicant's NIK, see the per-field result.

Every Dukcapil step goes through `verifikasi`'s seam: the view builds an `Asker`, hands it
the posted data, and renders the `LookupPage` it gets back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from akun.http import client_ip, signed_in_user
from verifikasi.selectors import counter_page
from verifikasi.services import Asker, LookupPage, authorisation_submit, lookup_submit, manual_result_submit

from .models import DokumenSyarat, Jenis, Permohonan, Status
from .selectors import open_requests, requests_page, requests_search
from .services import TransitionRefused, approval_decision, permohonan_close, permohonan_open, permohonan_transition
from .workflow import transitions_from


def _get_permohonan_for_user(request: HttpRequest, pk: int) -> Permohonan:
    """Any officer with the counter's permission may work any request (several officers serve one
    applicant in turn); the views' `permission_required` refuses everyone else with 403."""
    return get_object_or_404(Permohonan, pk=pk)


def _asker(request: HttpRequest, permohonan: Permohonan | None) -> Asker:
    return Asker(operator=signed_in_user(request), client_ip=client_ip(request), permohonan=permohonan)


@permission_required("akun.akses_loket", raise_exception=True)
def daftar(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method == "POST":
        jenis = request.POST.get("jenis", "")
        if jenis not in Jenis.values:
            return render(request, "layanan/daftar.html", _daftar_context(request, "Pilih jenis layanan."), status=400)
        permohonan = permohonan_open(operator=user, jenis=Jenis(jenis))
        return redirect("layanan:periksa", pk=permohonan.pk)
    return render(request, "layanan/daftar.html", _daftar_context(request))


def _daftar_context(request: HttpRequest, error: str = "") -> dict[str, object]:
    """The officer's day: the open requests of every officer (oldest first, 25 a page), today's
    quota, and a search over Disnaker's own records (never Dukcapil)."""
    page = counter_page(asker=_asker(request, None))
    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, object] = {
        "gate": page.gate, "mode": page.mode, "quota": page.quota, "jenis_choices": Jenis.choices,
        "terbuka": requests_page(open_requests(), request.GET.get("hal")),
        "q": query, "error": error, "now": timezone.now(),
    }
    if query:
        found, context["catatan_cari"] = requests_search(query)
        context["hasil_cari"] = requests_page(found, request.GET.get("hal_cari"))
    return context


def _render(request: HttpRequest, permohonan: Permohonan, page: LookupPage, *, transition_error: str = "",
            status: int = 200, history: bool = False) -> HttpResponse:
    """The counter page. A step's own answer decides in memory; the history shows on the page itself (GET)."""
    checklist: list[tuple[DokumenSyarat, bool]] = []
    if permohonan.status == Status.DIAJUKAN:
        handed = set(permohonan.dokumen.values_list("pk", flat=True))
        checklist = [(d, d.pk in handed) for d in DokumenSyarat.objects.filter(jenis=permohonan.jenis, aktif=True)]
    # The answer shown (or, after a second click on the same form, the one shown just before).
    entry = (page.outcome.shown_before or page.outcome.audit) if page.outcome is not None else None
    answered = entry is not None and entry.jenis in ("lookup", "manual") and entry.nik_hmac == permohonan.nik_hmac
    decision = None
    if permohonan.status in (Status.PEMERIKSAAN, Status.DISETUJUI):
        answer = (entry.outcome, entry.kecocokan) if answered and entry is not None else None
        decision = approval_decision(permohonan, answer=answer)
    response = render(request, "layanan/periksa.html", {
        "permohonan": permohonan, "is_open": permohonan.status == Status.PEMERIKSAAN, "page": page,
        "mode": page.mode, "gate": page.gate, "quota": page.quota, "outcome": page.outcome,
        "decision": decision, "transitions": transitions_from(permohonan.status), "checklist": checklist,
        "langkah": permohonan.langkah.select_related("oleh") if history else None,
        "transition_error": transition_error, "typed_note": request.POST.get("catatan", "") if transition_error else "",
    }, status=status)
    response["Cache-Control"] = "no-store"  # the answer is shown once and kept nowhere
    return response


@require_GET
@permission_required("akun.akses_loket", raise_exception=True)
def periksa(request: HttpRequest, pk: int) -> HttpResponse:
    """The counter page of one service request: the form of the access mode in force."""
    permohonan = _get_permohonan_for_user(request, pk)
    return _render(request, permohonan, counter_page(asker=_asker(request, permohonan)), history=True)


Step = Callable[..., LookupPage]


def _step(request: HttpRequest, pk: int, submit: Step) -> HttpResponse:
    """One posted step: taken only while the request is in its checking state."""
    permohonan = _get_permohonan_for_user(request, pk)
    asker = _asker(request, permohonan)
    if permohonan.status != Status.PEMERIKSAAN:
        return _render(request, permohonan, counter_page(asker=asker))
    data: Mapping[str, Any] = request.POST
    return _render(request, permohonan, submit(asker=asker, data=data))


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def periksa_nik(request: HttpRequest, pk: int) -> HttpResponse:
    """Connected mode: look the applicant's NIK up at Dukcapil, side by side with the documents."""
    return _step(request, pk, lookup_submit)


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def minta_izin(request: HttpRequest, pk: int) -> HttpResponse:
    """Manual mode, step 1: the checks and the quota count before Dukcapil's own portal is opened."""
    return _step(request, pk, authorisation_submit)


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def catat_hasil(request: HttpRequest, pk: int) -> HttpResponse:
    """Manual mode, step 2: what the officer read in Dukcapil's portal, recorded once."""
    return _step(request, pk, manual_result_submit)


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def transisi(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of Lampiran II's flow (documents complete, approve, send back, issue, hand over, close)."""
    permohonan = _get_permohonan_for_user(request, pk)
    picked = [int(v) for v in request.POST.getlist("dokumen") if v.isascii() and v.isdigit() and len(v) <= 9]
    dokumen = None
    if "checklist" in request.POST:  # the form carried the checklist: what is ticked is what was handed over
        dokumen = DokumenSyarat.objects.filter(pk__in=picked, jenis=permohonan.jenis)
    try:
        permohonan_transition(permohonan=permohonan, name=request.POST.get("transisi", ""),
                              operator=signed_in_user(request), note=request.POST.get("catatan", ""), dokumen=dokumen)
    except TransitionRefused as refused:
        page = counter_page(asker=_asker(request, permohonan))
        return _render(request, permohonan, page, transition_error=refused.message, status=400)
    if permohonan.status == Status.SELESAI:
        return redirect("layanan:daftar")
    return redirect("layanan:periksa", pk=permohonan.pk)


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def tutup(request: HttpRequest, pk: int) -> HttpResponse:
    permohonan = _get_permohonan_for_user(request, pk)
    try:
        permohonan_close(permohonan=permohonan, operator=signed_in_user(request), note=request.POST.get("catatan", ""))
    except TransitionRefused as refused:
        page = counter_page(asker=_asker(request, permohonan))
        return _render(request, permohonan, page, transition_error=refused.message, status=400)
    return redirect("layanan:daftar")


@require_GET
@permission_required("akun.akses_loket", raise_exception=True)
def perbaikan(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable list for an applicant whose request was sent back: what to fix, to take home."""
    permohonan = _get_permohonan_for_user(request, pk)
    sent_back = (permohonan.langkah.filter(ke=Status.DIKEMBALIKAN).select_related("oleh")
                 .order_by("-pada", "-pk").first())
    if sent_back is None:
        raise Http404("Permohonan ini belum pernah dikembalikan untuk perbaikan.")
    handed = permohonan.dokumen.values_list("pk", flat=True)
    missing = DokumenSyarat.objects.filter(jenis=permohonan.jenis, aktif=True, wajib=True).exclude(pk__in=handed)
    return render(request, "layanan/perbaikan.html", {"permohonan": permohonan, "langkah": sent_back,
                                                      "kurang": missing})


@require_GET
@permission_required("akun.akses_loket", raise_exception=True)
def bantuan_gangguan(request: HttpRequest) -> HttpResponse:
    """What to do when Dukcapil's service is down (linked from the fault message)."""
    return render(request, "layanan/bantuan_gangguan.html")
