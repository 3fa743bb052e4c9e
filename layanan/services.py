"""Writes of the counter's work: opening a service request and moving it along Lampiran II's flow."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from akun.models import User
from verifikasi.selectors import REQUIRED_ELEMENTS, VerificationDecision, answer_decision, verification_decision

from .ak1 import IssueRefused, ak1_issue
from .models import AturanPersetujuan, DokumenSyarat, Identitas, Jenis, Langkah, Permohonan, Status
from .workflow import TRANSITIONS, Transition


class TransitionRefused(Exception):
    """A transition the request's state or facts do not allow; `message` says why, in Indonesian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def required_documents(jenis: str) -> list[DokumenSyarat]:
    return list(DokumenSyarat.objects.filter(jenis=jenis, wajib=True, aktif=True))


def permohonan_open(*, operator: User, jenis: Jenis, identitas: Identitas = Identitas.KTP_EL,
                    dokumen: Iterable[DokumenSyarat] | None = None) -> Permohonan:
    """Open a service request for the applicant at the counter; numbered per day.

    `dokumen` are the documents handed over (None: every required one). With every required
    document handed over the request goes straight to checking, where the NIK is looked up.
    """
    prefix = f"P-{timezone.localdate():%Y%m%d}-"
    for _attempt in range(20):
        count = Permohonan.objects.filter(nomor__startswith=prefix).count()
        try:
            with transaction.atomic():
                permohonan = Permohonan.objects.create(nomor=f"{prefix}{count + 1:04d}", jenis=jenis,
                                                       identitas=identitas, dibuka_oleh=operator)
                Langkah.objects.create(permohonan=permohonan, transisi="diajukan", ke=Status.DIAJUKAN, oleh=operator,
                                       catatan=f"Identitas: {Identitas(identitas).label}")
                handed = required_documents(jenis) if dokumen is None else list(dokumen)
                permohonan.dokumen.set(handed)
                if not _missing_documents(permohonan):
                    _move(permohonan, TRANSITIONS["dokumen_lengkap"], operator=operator, note="")
                return permohonan
        except IntegrityError:
            continue  # another officer took this number at the same moment
    raise RuntimeError("Nomor permohonan tidak dapat dibuat; coba lagi.")


def _missing_documents(permohonan: Permohonan) -> list[str]:
    handed = set(permohonan.dokumen.values_list("pk", flat=True))
    return [d.nama for d in required_documents(permohonan.jenis) if d.pk not in handed]


def approval_decision(permohonan: Permohonan, *, answer: tuple[str, dict[str, bool | None]] | None = None,
                      ) -> VerificationDecision:
    """verifikasi's decision on the latest answer for this request's applicant, with the admin's rules.

    `answer` (category, per-field booleans) is that latest answer when the caller holds it already.
    """
    rules = AturanPersetujuan.objects.first()
    required = REQUIRED_ELEMENTS + (rules.extra_required() if rules else ())
    if answer is not None:
        return answer_decision(outcome=answer[0], kecocokan=answer[1], required=required)
    return verification_decision(permohonan_ref=permohonan.nomor, nik_hmac=permohonan.nik_hmac, required=required)


def permohonan_transition(*, permohonan: Permohonan, name: str, operator: User, note: str = "",
                          dokumen: Iterable[DokumenSyarat] | None = None, ak1_number: str = "") -> Permohonan:
    """Move the request along the transition `name`, recording who, when and the note.

    `terbitkan` on an AK/1 request issues the card in the same transaction (`layanan.ak1.ak1_issue`;
    `ak1_number` is the number SIAPkerja gave, when AK1_SOURCE=siapkerja).

    Raises TransitionRefused (nothing changes) when the transition is unknown, not allowed
    from the request's state, lacks its note, or its facts say no (documents missing,
    verification not approving).
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionRefused("Langkah itu tidak dikenal.")
    note = note.strip()
    with transaction.atomic():
        locked = Permohonan.objects.select_for_update().get(pk=permohonan.pk)
        if not transition.allowed_from(locked.status):
            raise TransitionRefused(f"\u201c{transition.label}\u201d tidak dapat dilakukan: permohonan "
                                    f"{locked.nomor} berstatus \u201c{locked.get_status_display()}\u201d.")
        if transition.needs_note and not note:
            raise TransitionRefused(f"Tulis catatan untuk \u201c{transition.label}\u201d: {transition.needs_note}.")
        if dokumen is not None:
            locked.dokumen.set(list(dokumen))
        if name == "dokumen_lengkap" and (missing := _missing_documents(locked)):
            raise TransitionRefused(f"Dokumen wajib belum diserahkan: {', '.join(missing)}.")
        if name == "setujui":
            decision = approval_decision(locked)
            if not decision.approved:
                raise TransitionRefused(" ".join(("Permohonan belum dapat disetujui.", *decision.reasons)))
        if name == "terbitkan" and locked.jenis == Jenis.AK1:
            try:
                ak1_issue(permohonan=locked, operator=operator, siapkerja_number=ak1_number)
            except IssueRefused as refused:
                raise TransitionRefused(refused.message) from refused
        _move(locked, transition, operator=operator, note=note)
    permohonan.refresh_from_db()
    return permohonan


def _move(permohonan: Permohonan, transition: Transition, *, operator: User, note: str) -> None:
    Langkah.objects.create(permohonan=permohonan, transisi=transition.name, dari=permohonan.status,
                           ke=transition.target, oleh=operator, catatan=note)
    permohonan.status = transition.target
    permohonan.save(update_fields=["status", "diubah_pada"])


def permohonan_close(*, permohonan: Permohonan, operator: User | None = None, note: str = "") -> None:
    """Close the request without issuing a document (from any open state)."""
    permohonan_transition(permohonan=permohonan, name="tutup", operator=operator or permohonan.dibuka_oleh, note=note)
