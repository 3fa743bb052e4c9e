"""The counter: open a service request, check the applicant's NIK, see the per-field result.

Every Dukcapil step goes through `verifikasi`'s seam: the view builds an `Asker`, hands it
the posted data, and renders the `LookupPage` it gets back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from akun.http import client_ip, signed_in_user
from verifikasi.selectors import counter_page
from verifikasi.services import Asker, LookupPage, authorisation_submit, lookup_submit, manual_result_submit

from .ak1 import reports_due
from .forms import CertificateForm, PlacementForm, RegistrationForm
from .models import DokumenSyarat, Identitas, Jenis, Permohonan, PesertaPelatihan, Status
from .selectors import open_requests, requests_page, requests_search
from .services import (
    RecordRefused,
    TransitionRefused,
    approval_decision,
    certificate_record,
    participant_register,
    permohonan_close,
    permohonan_open,
    permohonan_transition,
    placement_record,
)
from .workflow import transitions_from


def _get_permohonan_for_user(request: HttpRequest, pk: int) -> Permohonan:
    """Any officer with the counter's permission may work any request (several officers serve one
    applicant in turn); the views' `permission_required` refuses everyone else with 403."""
    return get_object_or_404(Permohonan.objects.select_related("pemohon"), pk=pk)


def _asker(request: HttpRequest, permohonan: Permohonan | None) -> Asker:
    return Asker(operator=signed_in_user(request), client_ip=client_ip(request), permohonan=permohonan)


@permission_required("akun.akses_loket", raise_exception=True)
def daftar(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method == "POST":
        jenis, identitas = request.POST.get("jenis", ""), request.POST.get("identitas", "")
        if jenis not in Jenis.values or identitas not in Identitas.values:
            return render(request, "layanan/daftar.html",
                          _daftar_context(request, "Pilih jenis layanan dan identitas yang ditunjukkan pemohon."),
                          status=400)
        # Submitted at the counter: the officer ticks the documents handed over on the request's page.
        permohonan = permohonan_open(operator=user, jenis=Jenis(jenis), identitas=Identitas(identitas), dokumen=[])
        return redirect("layanan:periksa", pk=permohonan.pk)
    return render(request, "layanan/daftar.html", _daftar_context(request))


def _daftar_context(request: HttpRequest, error: str = "") -> dict[str, object]:
    """The officer's day: the open requests of every officer (oldest first, 25 a page), today's
    quota, and a search over Disnaker's own records (never Dukcapil)."""
    page = counter_page(asker=_asker(request, None))
    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, object] = {
        "gate": page.gate, "mode": page.mode, "quota": page.quota, "jenis_choices": Jenis.choices,
        "identitas_choices": Identitas.choices,
        "terbuka": requests_page(open_requests(), request.GET.get("hal")),
        "q": query, "error": error, "now": timezone.now(), "lapor_diri": _reports_summary(),
    }
    if query:
        found, context["catatan_cari"] = requests_search(query)
        context["hasil_cari"] = requests_page(found, request.GET.get("hal_cari"))
    return context


REPORTS_SUMMARY_CACHE_KEY = "layanan:lapor-diri-ringkas"


def _reports_summary() -> dict[str, object]:
    """The report-ins due soon and lapsed, for the start page (the list itself is /layanan/lapor-diri/).

    `reports_due` walks every card still valid; the start page opens all day, the dates move by the day:
    the summary (card numbers and dates only) is kept five minutes."""
    summary = cache.get(REPORTS_SUMMARY_CACHE_KEY)
    if summary is None:
        due, lapsed = reports_due()
        summary = {"due": [{"nomor": r.kartu.nomor, "ke": r.ke, "jatuh_tempo": r.jatuh_tempo} for r in due[:5]],
                   "due_count": len(due), "lapsed_count": len(lapsed)}
        cache.set(REPORTS_SUMMARY_CACHE_KEY, summary, 300)
    return dict(summary)


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
        # Approval is offered only when the verification approves: the page offers what is allowed now.
        "decision": decision, "checklist": checklist,
        "transitions": [t for t in transitions_from(permohonan.status)
                        if t.name != "setujui" or (decision is not None and decision.approved)],
        "langkah": permohonan.langkah.select_related("oleh") if history else None,
        "transition_error": transition_error, "typed_note": request.POST.get("catatan", "") if transition_error else "",
        "pelatihan": _training_context(permohonan),
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
                              operator=signed_in_user(request), note=request.POST.get("catatan", ""), dokumen=dokumen,
                              ak1_number=request.POST.get("nomor_ak1", ""))
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


def _training_context(permohonan: Permohonan, *, register: RegistrationForm | None = None,
                      certificate: CertificateForm | None = None, error: str = "") -> dict[str, object]:
    """What `_pelatihan.html` shows: the batch registration and the certificate of a training request."""
    peserta = None
    if permohonan.jenis == Jenis.PELATIHAN:  # an AK/1 request's page spends no query on this
        peserta = PesertaPelatihan.objects.select_related("angkatan__jenis").filter(permohonan=permohonan).first()
    initial = {"angkatan": peserta.angkatan_id} if peserta else None
    return {
        "peserta": peserta, "error": error,
        "can_register": permohonan.status in (Status.DIAJUKAN, Status.PEMERIKSAAN, Status.DIKEMBALIKAN),
        "can_certify": (peserta is not None and not peserta.nomor_sertifikat
                        and permohonan.status in (Status.DITERBITKAN, Status.SELESAI)),
        "register_form": register or RegistrationForm(initial=initial),
        "certificate_form": certificate or CertificateForm(),
        "can_place": permohonan.jenis == Jenis.AK1 and permohonan.status in (Status.DITERBITKAN, Status.SELESAI),
    }


def _training_refused(request: HttpRequest, permohonan: Permohonan, **context: Any) -> HttpResponse:
    """A refused registration or certificate: its own page, with what was typed and why."""
    return render(request, "layanan/pelatihan.html", {
        "permohonan": permohonan, "pelatihan": _training_context(permohonan, **context)}, status=400)


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def pelatihan_daftar(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the training request in a batch (seats counted under the batch's lock)."""
    permohonan = _get_permohonan_for_user(request, pk)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _training_refused(request, permohonan, register=form)
    try:
        participant_register(permohonan=permohonan, angkatan=form.cleaned_data["angkatan"],
                             operator=signed_in_user(request))
    except RecordRefused as refused:
        return _training_refused(request, permohonan, register=form, error=refused.message)
    return redirect(reverse("layanan:periksa", args=[permohonan.pk]) + "#pelatihan")


@require_POST
@permission_required("akun.akses_loket", raise_exception=True)
def sertifikat(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the participant's certificate on completion (its return data in the same transaction)."""
    permohonan = _get_permohonan_for_user(request, pk)
    form = CertificateForm(request.POST)
    if not form.is_valid():
        return _training_refused(request, permohonan, certificate=form)
    try:
        certificate_record(permohonan=permohonan, nomor=form.cleaned_data["nomor_sertifikat"],
                           tanggal=form.cleaned_data["tanggal_sertifikat"], operator=signed_in_user(request))
    except RecordRefused as refused:
        return _training_refused(request, permohonan, certificate=form, error=refused.message)
    return redirect(reverse("layanan:periksa", args=[permohonan.pk]) + "#pelatihan")


@permission_required("akun.akses_loket", raise_exception=True)
def penempatan(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a placement of the applicant of an issued AK/1 request (its return data in the same transaction)."""
    permohonan = _get_permohonan_for_user(request, pk)
    pemohon = permohonan.pemohon
    form = PlacementForm(request.POST if request.method == "POST" else None)
    error, status = "", 200
    if request.method == "POST" and pemohon is not None and form.is_valid():
        try:
            placement_record(pemohon=pemohon, operator=signed_in_user(request), **form.cleaned_data)
        except RecordRefused as refused:
            error = refused.message
        else:
            return redirect("layanan:penempatan", pk=permohonan.pk)
    if request.method == "POST":
        status = 400
    return render(request, "layanan/penempatan.html", {
        "permohonan": permohonan, "pemohon": pemohon, "form": form, "error": error,
        "placements": pemohon.penempatan.all() if pemohon is not None else [],
    }, status=status)


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
