"""Reads of verifikasi's own state for pages: the access mode in force, the PoC warning, the counter page."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from akun.gate import current_agreement, dukcapil_gate
from nik_structure import NIK_PATTERN

from .counter import Asker, LookupPage
from .elements import FIELDS, Outcome
from .forms import LookupForm, ManualAuthoriseForm
from .keyed import nik_hmac as keyed_nik_hmac
from .models import AuditEntry, Kind, Mode, ModeAkses
from .quota import quota_state


def current_mode() -> Mode:
    """The access mode in force; manual until the admin connects the gateway."""
    row = ModeAkses.objects.values_list("mode", flat=True).first()
    return Mode(row) if row else Mode.MANUAL


def poc_warning() -> str:
    """Connected mode before the PoC result letter is on record: only for the PoC Dukcapil schedules."""
    if current_mode() != Mode.TERHUBUNG:
        return ""
    agreement = current_agreement()
    if agreement is not None and agreement.poc_passed:
        return ""
    return ("Mode terhubung aktif, tetapi surat hasil PoC belum dicatat pada perjanjian. Sebelum PoC, "
            "sambungan ke gateway Dukcapil hanya untuk pelaksanaan PoC yang dijadwalkan Dinas Dukcapil "
            "(Juknis II.D); akses sehari-hari melalui mode manual. Kuota tanpa batas baru berlaku setelah surat "
            "hasil PoC dicatat.")


def counter_page(*, asker: Asker) -> LookupPage:
    """The counter page before anything is posted: the first form of the mode in force."""
    mode = current_mode()
    form = LookupForm() if mode == Mode.TERHUBUNG else ManualAuthoriseForm()
    return LookupPage(mode=mode, gate=dukcapil_gate(user=asker.operator), quota=quota_state(), form=form)


class Verdict(enum.Enum):
    """What the latest answer about a service request's applicant means for issuing its document."""

    APPROVE = "setujui"  # Data Ditemukan, the required elements Sesuai, none Tidak Sesuai (Lampiran II 4a)
    SEND_BACK = "kembalikan"  # not found, bad format or an element Tidak Sesuai (Lampiran II 4b)
    BLOCKED = "tangguhkan"  # deceased, duplicate or inactive record: Dukcapil must act first
    UNDECIDED = "belum"  # no answer yet, a fault, or a required element left unchecked


# The guideline's advice to the applicant where the record itself stands in the way.
BLOCKED_ADVICE = {
    Outcome.DECEASED.value: "Data kependudukan mencatat pemohon telah meninggal dunia. Pemohon diarahkan ke "
                            "Dinas Dukcapil untuk pemutakhiran data sebelum permohonan dilanjutkan.",
    Outcome.DUPLICATE.value: "Data kependudukan pemohon tercatat ganda. Pemohon diarahkan ke Dinas Dukcapil untuk "
                             "penyelesaian data ganda sebelum permohonan dilanjutkan.",
    Outcome.INACTIVE.value: "Status data kependudukan pemohon non aktif: silahkan hubungi Dinas Dukcapil "
                            "(Juknis II.C.2.b) sebelum permohonan dilanjutkan.",
}
SEND_BACK_OUTCOMES = frozenset({Outcome.NOT_FOUND.value, Outcome.BAD_FORMAT.value, Outcome.NIK_UNPROCESSABLE.value})
REQUIRED_ELEMENTS = ("nik", "nama_lengkap", "tanggal_lahir", "jenis_kelamin")  # Lampiran II 4a, at the least


@dataclass(frozen=True)
class VerificationDecision:
    verdict: Verdict
    outcome: str = ""  # the latest answer's category, "" when there is none
    reasons: tuple[str, ...] = ()
    advice: str = ""  # for the applicant, when the record itself blocks issuance

    @property
    def approved(self) -> bool:
        return self.verdict is Verdict.APPROVE


def latest_answer(*, permohonan_ref: str, nik_hmac: str, since: dt.datetime | None = None) -> AuditEntry | None:
    """The newest answer row (connected or manual) a service request had for one NIK (by its keyed hash),
    optionally no older than `since`: the portal's own record of it, never Dukcapil's values."""
    if not permohonan_ref or not nik_hmac:
        return None
    rows = AuditEntry.objects.filter(permohonan_ref=permohonan_ref, nik_hmac=nik_hmac,
                                     jenis__in=(Kind.LOOKUP, Kind.MANUAL))
    if since is not None:
        rows = rows.filter(waktu__gte=since)
    return rows.order_by("-seq").first()


def verification_decision(*, permohonan_ref: str, nik_hmac: str,
                          required: Iterable[str] = REQUIRED_ELEMENTS) -> VerificationDecision:
    """What the latest answer (connected or manual) for this request's applicant decides.

    Only the portal's own facts are read: the outcome category and the per-field booleans of
    the audit row. `required` are the elements that must be Sesuai (the admin may add to
    REQUIRED_ELEMENTS); no element may be Tidak Sesuai.
    """
    row = latest_answer(permohonan_ref=permohonan_ref, nik_hmac=nik_hmac)
    if row is None:
        return VerificationDecision(Verdict.UNDECIDED, reasons=("Belum ada hasil pemeriksaan NIK pemohon.",))
    return answer_decision(outcome=row.outcome, kecocokan=row.kecocokan or {}, required=required)


def answer_decision(*, outcome: str, kecocokan: dict[str, bool | None],
                    required: Iterable[str] = REQUIRED_ELEMENTS) -> VerificationDecision:
    """The decision one answer gives (its category and per-field booleans), read from nowhere."""
    labels = dict(FIELDS)
    if outcome in BLOCKED_ADVICE:
        return VerificationDecision(Verdict.BLOCKED, outcome, (Outcome(outcome).label,), BLOCKED_ADVICE[outcome])
    if outcome in SEND_BACK_OUTCOMES:
        return VerificationDecision(Verdict.SEND_BACK, outcome, (
            f"{Outcome(outcome).label}: periksa kembali NIK pada dokumen pemohon.",))
    if outcome != Outcome.FOUND.value:
        label = Outcome(outcome).label if outcome in Outcome._value2member_map_ else outcome
        return VerificationDecision(Verdict.UNDECIDED, outcome, (
            f"Hasil terakhir bukan jawaban tentang pemohon ({label}); periksa lagi.",))
    differing = [labels.get(k, k) for k, match in kecocokan.items() if match is False]
    if differing:
        return VerificationDecision(Verdict.SEND_BACK, outcome, (f"Tidak Sesuai: {', '.join(differing)}.",))
    unchecked = [labels.get(k, k) for k in required if kecocokan.get(k) is not True]
    if unchecked:
        return VerificationDecision(Verdict.UNDECIDED, outcome, (
            f"Elemen wajib belum dinyatakan Sesuai: {', '.join(unchecked)}.",))
    return VerificationDecision(Verdict.APPROVE, outcome)


def nik_search_key(nik: str) -> str:
    """The keyed hash a NIK is stored under in Disnaker's own records, for a local search; "" when
    `nik` is not 16 digits. Reads nothing and sends nothing: never a Dukcapil lookup."""
    nik = "".join(nik.split())
    return keyed_nik_hmac(nik) if NIK_PATTERN.fullmatch(nik) else ""
