"""The lookup, end to end (DESIGN "The lookup"): gate, NIK check, guards, quota, client, audit.

The counter's seam: `layanan` calls `lookup_submit`, `authorisation_submit` or
`manual_result_submit` with an `Asker` and the posted data, and renders the
`LookupPage` it gets back. `lookup_perform`, `lookup_authorise_manual` and
`lookup_record_manual` are the same steps with typed arguments.

What this module returns lives in memory for one response. Only the portal's
own facts (who, when, why, outcome, per-field booleans) reach the database.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from akun.gate import GateDecision, dukcapil_gate
from akun.models import DukcapilStop
from nik_structure import NIK_PATTERN

from .audit import audit_append, audit_head_lock
from .client import ClientConfig, GatewayFault, nik_lookup
from .compare import compare
from .counter import Asker, Claim, LookupOutcome, LookupPage, ServiceRequest
from .display import Row, display_rows
from .elements import LookupResult, Outcome, Stated
from .enumeration import (
    MIN_OVERRIDE_REASON,
    EnumerationDecision,
    OverrideScope,
    enumeration_check,
    enumeration_lock,
    enumeration_override_expired,
    enumeration_override_token,
    enumeration_override_valid,
    enumeration_record,
)
from .forms import LookupForm, ManualAuthoriseForm, ManualForm
from .keyed import authorisation_mac, nik_hmac
from .models import AuditEntry, Kind, Mode
from .nik import NikCheck, nik_check
from .quota import QuotaRefused, QuotaState, quota_spend, quota_state
from .selectors import current_mode, latest_answer

__all__ = [
    "Asker", "Claim", "LookupOutcome", "LookupPage", "ServiceRequest", "authorisation_submit",
    "lookup_authorise_manual", "lookup_perform", "lookup_record_manual", "lookup_submit", "manual_result_submit",
]

logger = logging.getLogger(__name__)


def _audit(asker: Asker, mode: Mode, **kwargs: object) -> AuditEntry:
    return audit_append(
        operator_id=asker.operator.pk, operator_username=asker.operator.get_username(),
        client_ip=asker.client_ip, permohonan_ref=asker.permohonan_ref, mode=mode,
        **kwargs,  # type: ignore[arg-type]
    )


def _typed(nik: str) -> str:
    """What the officer typed, for the audit's keyed hash and mask: only when it is 16 digits."""
    return nik if NIK_PATTERN.fullmatch(nik) else ""


OTHER_APPLICANT = ("Permohonan ini sudah dipakai untuk NIK pemohon lain. Setiap pemohon memerlukan "
                   "permohonan sendiri: selesaikan yang ini dan buka permohonan baru.")


@dataclass(frozen=True)
class _Granted:
    check: NikCheck
    quota: QuotaState  # after this request was counted
    entry: AuditEntry  # the grant's audit row (KIRIM or IZIN), written before anything leaves


CORRECTABLE = ("Permohonan ini sudah dipakai untuk NIK lain, yang hasilnya tidak ditemukan atau tidak sesuai "
               "format Dukcapil. Bila NIK pada formulir pemohon salah ketik, tulis alasan koreksi lalu kirim lagi: "
               "permohonan ini lalu menjadi milik NIK yang dikoreksi.")
CORRECTABLE_OUTCOMES = frozenset({Outcome.NOT_FOUND.value, Outcome.BAD_FORMAT.value})


def _correctable(asker: Asker, previous: str) -> str:
    """The outcome label of the request's first NIK when it may be corrected (not found, bad format)."""
    latest = latest_answer(permohonan_ref=asker.permohonan_ref, nik_hmac=previous)
    return Outcome(latest.outcome).label if latest is not None and latest.outcome in CORRECTABLE_OUTCOMES else ""


def _preflight(asker: Asker, *, mode: Mode, gate: GateDecision, nik: str, override_reason: str,
               override_token: str, expected_mode: Mode, correction_reason: str = "") -> LookupOutcome | _Granted:
    """Everything before a request may leave: the refusal, or the grant.

    The grant (applicant claim, guard trace, quota count and its audit row) commits as one
    step under the guard's lock before the request is sent, so a request that leaves always
    has a row, even if the process dies before the answer is recorded.
    """
    if asker.permohonan is None:
        reason = "Setiap pemeriksaan NIK harus terkait permohonan yang sedang dilayani."
        _audit(asker, mode, kind=Kind.REFUSAL, nik=_typed(nik), alasan=reason)
        return LookupOutcome(refusals=(reason,))
    if not gate.allowed:
        _audit(asker, mode, kind=Kind.REFUSAL, nik=_typed(nik), alasan=" ".join(gate.reasons))
        return LookupOutcome(refusals=gate.reasons)
    if mode != expected_mode:
        reason = f"Mode akses yang berlaku: {mode.label}. Muat ulang halaman."
        _audit(asker, mode, kind=Kind.REFUSAL, nik=_typed(nik), alasan=reason)
        return LookupOutcome(refusals=(reason,))
    check = nik_check(nik)
    if not check.valid:
        # Hashed and masked when 16 digits: repeated probing with malformed NIKs stays linkable.
        entry = _audit(asker, mode, kind=Kind.REFUSAL, nik=_typed(nik), outcome=Outcome.REFUSED_LOCALLY,
                       alasan=" ".join(check.errors))
        return LookupOutcome(refusals=(Outcome.REFUSED_LOCALLY.label, *check.errors), check=check,
                             result=LookupResult(outcome=Outcome.REFUSED_LOCALLY,
                                                 message=Outcome.REFUSED_LOCALLY.label),
                             audit=entry, quota=quota_state())
    with transaction.atomic():
        # Claim, check, count and record as one step, so parallel submissions cannot slip past
        # the guard, nor bind one service request to two applicants.
        enumeration_lock()
        digest = nik_hmac(check.nik)
        claim = asker.permohonan.applicant_claim(nik_hmac=digest)
        correction, previous = "", asker.permohonan.nik_hmac
        if claim is Claim.OTHER:
            first_outcome = _correctable(asker, previous)
            correction = correction_reason.strip()
            if not first_outcome or len(correction) < MIN_OVERRIDE_REASON:
                reason = CORRECTABLE if first_outcome else OTHER_APPLICANT
                entry = _audit(asker, mode, kind=Kind.REFUSAL, nik=check.nik, alasan=reason)
                return LookupOutcome(refusals=(reason,), correctable=bool(first_outcome), check=check, audit=entry,
                                     quota=quota_state())
            asker.permohonan.applicant_replace(old=previous, new=digest)
            _audit(asker, mode, kind=Kind.OVERRIDE, nik=check.nik,
                   alasan=f"Koreksi NIK pemohon (NIK sebelumnya: {first_outcome}). Alasan petugas: {correction}")
        refused = _guard_or_quota(asker, mode=mode, check=check, override_reason=override_reason,
                                  override_token=override_token, correction=correction)
        if isinstance(refused, LookupOutcome):
            if claim is Claim.FRESH:  # a refused first NIK does not make the request its applicant's
                asker.permohonan.applicant_release(nik_hmac=digest)
            elif correction:  # nor does a refused correction take it over
                asker.permohonan.applicant_replace(old=digest, new=previous)
            return refused
        enumeration_record(operator_id=asker.operator.pk, nik=check.nik)
        entry = _audit(asker, mode, kind=Kind.SENT if expected_mode == Mode.TERHUBUNG else Kind.AUTHORISATION,
                       nik=check.nik)
    return _Granted(check, refused, entry)


def _override_note(reason: str, token: str) -> str:
    """Why a written reason did not answer this refusal ("" when none was written)."""
    if not reason:
        return ""
    if len(reason) < MIN_OVERRIDE_REASON:
        return (f"Alasan Anda belum dipakai: terlalu pendek (paling sedikit {MIN_OVERRIDE_REASON} karakter). "
                "Lengkapi alasannya lalu kirim lagi.")
    if enumeration_override_expired(token=token):
        return ("Alasan Anda belum dipakai: izin melewati penolakan hanya berlaku 10 menit dan sudah lewat. "
                "Alasan tetap di kolom; bila masih berlaku untuk penolakan di atas, kirim lagi.")
    return ("Alasan Anda belum dipakai: penolakan di atas berbeda dari penolakan yang Anda jawab (alasannya "
            "berubah sejak Anda menulis). Setiap penolakan perlu dijawab sendiri: alasan tetap di kolom, baca "
            "penolakan ini, sesuaikan bila perlu, lalu kirim lagi.")


def _shown_before(asker: Asker, *, check: NikCheck, decision: EnumerationDecision) -> AuditEntry | None:
    """The answer this very request just had for this very NIK, when the guard refuses only because it is
    the same NIK again (a second click on the same form): its audit row, so the page says so and sends
    nothing. Read on the refusal path only (a lookup that goes out never pays for it)."""
    if "repeat" not in decision.kinds or not set(decision.kinds) <= {"repeat", "interval"} or not asker.permohonan_ref:
        return None
    since = timezone.now() - dt.timedelta(minutes=settings.ENUM_GUARD_REPEAT_MINUTES)
    return latest_answer(permohonan_ref=asker.permohonan_ref, nik_hmac=nik_hmac(check.nik), since=since)


def _guard_or_quota(asker: Asker, *, mode: Mode, check: NikCheck, override_reason: str,
                    override_token: str, correction: str = "") -> LookupOutcome | QuotaState:
    """Inside the guard's lock: the enumeration guard (or an override answering its refusal),
    then the quota's count. The refusal, or the quota after this request was counted.

    A NIK corrected with an audited reason (`correction`) passes the guard on that reason: a
    typo one digit off is what the guard calls neighbouring. It holds for that one NIK only.
    """
    decision = enumeration_check(operator_id=asker.operator.pk, nik=check.nik)
    if not decision.allowed and correction:
        _audit(asker, mode, kind=Kind.OVERRIDE, nik=check.nik,
               alasan=f"Penolakan: {' '.join(decision.reasons)} Koreksi NIK: {correction}")
    elif not decision.allowed:
        reason = override_reason.strip()
        scope = OverrideScope(asker.operator.pk, asker.permohonan_ref, check.nik, decision)
        # An override answers this refusal only: a reason written for an earlier one stays in the box
        # with a word of why, and needs its own submission against this refusal's token.
        if len(reason) < MIN_OVERRIDE_REASON or not enumeration_override_valid(token=override_token, scope=scope):
            entry = _audit(asker, mode, kind=Kind.REFUSAL, nik=check.nik, alasan=" ".join(decision.reasons))
            token = enumeration_override_token(scope=scope)
            earlier = _shown_before(asker, check=check, decision=decision) if not reason else None
            if earlier is not None:
                return LookupOutcome(overridable=True, override_token=token, check=check, audit=entry,
                                     quota=quota_state(), shown_before=earlier)
            return LookupOutcome(refusals=decision.reasons, overridable=True, override_token=token, check=check,
                                 audit=entry, quota=quota_state(),
                                 override_note=_override_note(reason, override_token))
        _audit(asker, mode, kind=Kind.OVERRIDE, nik=check.nik,
               alasan=f"Penolakan: {' '.join(decision.reasons)} Alasan petugas: {reason}")
    try:
        return quota_spend(operator_id=asker.operator.pk, operator_cap=asker.operator.operator_daily_cap())
    except QuotaRefused as refused:
        entry = _audit(asker, mode, kind=Kind.REFUSAL, nik=check.nik, alasan=refused.message)
        return LookupOutcome(refusals=(refused.message,), check=check, audit=entry, quota=quota_state())


def lookup_perform(
    *, asker: Asker, nik: str, stated: Stated, override_reason: str = "", override_token: str = "",
    correction_reason: str = "", config: ClientConfig | None = None,
) -> LookupOutcome:
    """Look a NIK up at Dukcapil for the applicant of `asker.permohonan` (connected mode).

    Refusals (gate, local NIK check, other applicant, enumeration guard, quota) spend nothing
    and are audited. A gateway fault is its own outcome, never "not found". Credential or
    institution refusals (03, 04/10, 16, 17) stop every lookup until the admin clears it.
    """
    return _lookup(asker, mode=current_mode(), gate=dukcapil_gate(user=asker.operator), nik=nik, stated=stated,
                   override_reason=override_reason, override_token=override_token,
                   correction_reason=correction_reason, config=config)


def _lookup(asker: Asker, *, mode: Mode, gate: GateDecision, nik: str, stated: Stated, override_reason: str,
            override_token: str, correction_reason: str = "", config: ClientConfig | None = None) -> LookupOutcome:
    nik = nik.strip()
    try:
        config = config or ClientConfig.from_settings()
    except ImproperlyConfigured:
        reason = "Sambungan ke gateway Dukcapil belum dikonfigurasi; hubungi admin."
        _audit(asker, mode, kind=Kind.REFUSAL, nik=_typed(nik), alasan=reason)
        return LookupOutcome(refusals=(reason,))
    passed = _preflight(asker, mode=mode, gate=gate, nik=nik, override_reason=override_reason,
                        override_token=override_token, expected_mode=Mode.TERHUBUNG,
                        correction_reason=correction_reason)
    if isinstance(passed, LookupOutcome):
        return passed
    check, spent = passed.check, passed.quota
    try:
        result = nik_lookup(nik=check.nik, config=config)
    except GatewayFault as fault:
        result = fault.to_result()
    except Exception as exc:  # noqa: BLE001 - quota is spent: the lookup must still be audited, as a fault
        # The type only: an exception's text may quote the answer.
        logger.error("dukcapil lookup failed unexpectedly: %s", type(exc).__name__)
        result = LookupResult(outcome=Outcome.GATEWAY_FAULT, detail="unexpected",
                              message="Jawaban layanan Dukcapil tidak dapat diproses portal. Laporkan ke admin.")
    code = result.gateway_code or result.outcome.value
    if result.outcome.stops_lookups:
        # Worded for every officer who reads it at the counter: the portal's credentials, not theirs.
        DukcapilStop.objects.create(alasan=f"Dukcapil menjawab: {result.outcome.label} (kode {code}) atas akses "
                                           "portal ke gateway, bukan akun petugas", kode=code)
    matches = compare(stated=stated, elemen=result.elemen) if result.elemen is not None else ()
    if result.outcome == Outcome.GATEWAY_FAULT:
        alasan = result.detail
    else:  # the code as sent where it differs from the category's (10 is filed under 04)
        alasan = f"kode gateway {code}" if code != result.outcome.value else ""
    entry = _audit(asker, mode, kind=Kind.LOOKUP, nik=check.nik, outcome=result.outcome.value,
                   kecocokan={m.key: m.match for m in matches}, rujukan=passed.entry.seq, alasan=alasan)
    return LookupOutcome(check=check, result=result, matches=matches, audit=entry, quota=spent,
                         warnings=check.warnings)


def _authorisation(entry: AuditEntry) -> str:
    mac = authorisation_mac(seq=entry.seq, nik_hmac=entry.nik_hmac, operator_id=entry.operator_id,
                            permohonan_ref=entry.permohonan_ref)
    return f"{entry.seq}.{mac}"


def lookup_authorise_manual(
    *, asker: Asker, nik: str, override_reason: str = "", override_token: str = "", correction_reason: str = "",
) -> LookupOutcome:
    """Manual mode, step 1, before the officer opens Dukcapil's own web portal (before the PoC).

    The same gate, NIK check, request link, enumeration guard, quota count and audit as a
    connected lookup, so that what the guard or the quota refuses is never looked up at all.
    Returns the authorisation that step 2 records its result against.
    """
    return _authorise(asker, mode=current_mode(), gate=dukcapil_gate(user=asker.operator), nik=nik,
                      override_reason=override_reason, override_token=override_token,
                      correction_reason=correction_reason)


def _authorise(asker: Asker, *, mode: Mode, gate: GateDecision, nik: str, override_reason: str,
               override_token: str, correction_reason: str = "") -> LookupOutcome:
    passed = _preflight(asker, mode=mode, gate=gate, nik=nik.strip(), override_reason=override_reason,
                        override_token=override_token, expected_mode=Mode.MANUAL, correction_reason=correction_reason)
    if isinstance(passed, LookupOutcome):
        return passed
    return LookupOutcome(check=passed.check, audit=passed.entry, quota=passed.quota,
                         warnings=passed.check.warnings, authorisation=_authorisation(passed.entry))


INVALID_AUTHORISATION = ("Izin pemeriksaan tidak sah atau hasilnya sudah dicatat. "
                         "Mulai lagi dari meminta izin pemeriksaan.")


def lookup_record_manual(
    *, asker: Asker, nik: str, authorisation: str, outcome: Outcome, kecocokan: dict[str, bool | None],
) -> LookupOutcome:
    """Manual mode, step 2: record what the officer read in Dukcapil's portal, once per authorisation.

    Only the outcome category and per-field Sesuai / Tidak Sesuai are recorded; nothing of
    the answer is typed in. The quota and the guard were settled by step 1.
    """
    return _record(asker, mode=current_mode(), nik=nik, authorisation=authorisation, outcome=outcome,
                   kecocokan=kecocokan)


def _record(asker: Asker, *, mode: Mode, nik: str, authorisation: str, outcome: Outcome,
            kecocokan: dict[str, bool | None]) -> LookupOutcome:
    nik = nik.strip()
    seq_text, _, _ = authorisation.partition(".")
    refused = LookupOutcome(refusals=(INVALID_AUTHORISATION,))
    if not seq_text.isascii() or not seq_text.isdigit():
        return refused
    with transaction.atomic():
        audit_head_lock()  # one recording per authorisation
        granted = AuditEntry.objects.filter(
            seq=int(seq_text), jenis=Kind.AUTHORISATION, operator_id=asker.operator.pk,
            permohonan_ref=asker.permohonan_ref,
            nik_hmac=nik_hmac(nik) if NIK_PATTERN.fullmatch(nik) else "-",
        ).first()
        if (granted is None or not hmac.compare_digest(_authorisation(granted), authorisation)
                or AuditEntry.objects.filter(jenis=Kind.MANUAL, rujukan=granted.seq).exists()):
            return refused
        if outcome != Outcome.FOUND:
            kecocokan = {}
        entry = _audit(asker, mode, kind=Kind.MANUAL, nik=nik, outcome=outcome.value, kecocokan=kecocokan,
                       rujukan=granted.seq)
    if outcome.stops_lookups:
        DukcapilStop.objects.create(alasan=f"Portal web Dukcapil menjawab: {outcome.label}", kode=outcome.value)
    return LookupOutcome(check=nik_check(nik), result=LookupResult(outcome=outcome, message=outcome.label),
                         audit=entry, quota=quota_state())


# -- the counter page's three steps: each takes the posted data and returns the whole page ----------


def _page(asker: Asker, *, mode: Mode, gate: GateDecision, form: LookupForm | ManualAuthoriseForm,
          outcome: LookupOutcome | None = None, record_form: ManualForm | None = None,
          rows: tuple[Row, ...] = ()) -> LookupPage:
    if outcome is not None and outcome.result is not None and outcome.result.outcome.stops_lookups:
        gate = dukcapil_gate(user=asker.operator)  # this very answer stopped every lookup
    quota = outcome.quota if outcome is not None and outcome.quota is not None else quota_state()
    return LookupPage(mode=mode, gate=gate, quota=quota, form=form, record_form=record_form, outcome=outcome,
                      rows=rows)


def _step_form(mode: Mode, form: LookupForm | ManualAuthoriseForm) -> LookupForm | ManualAuthoriseForm:
    """The form submitted, or, when the mode changed meanwhile, the first form of the mode in force."""
    expected = LookupForm if mode == Mode.TERHUBUNG else ManualAuthoriseForm
    return form if isinstance(form, expected) else expected()


def lookup_submit(*, asker: Asker, data: Mapping[str, Any]) -> LookupPage:
    """Connected mode: the counter form posted (the NIK and what the documents say), looked up."""
    mode, gate = current_mode(), dukcapil_gate(user=asker.operator)
    form = LookupForm(data)
    if not form.is_valid():
        return _page(asker, mode=mode, gate=gate, form=_step_form(mode, form))
    stated = form.stated()
    outcome = _lookup(asker, mode=mode, gate=gate, nik=form.cleaned_data["nik"], stated=stated,
                      override_reason=form.cleaned_data["override_reason"],
                      override_token=form.cleaned_data["override_token"],
                      correction_reason=form.cleaned_data["correction_reason"])
    form.answered(outcome=outcome)
    elemen = outcome.result.elemen if outcome.result is not None else None
    rows = tuple(display_rows(stated=stated, elemen=elemen, matches=outcome.matches, check=outcome.check)
                 ) if elemen is not None else ()
    return _page(asker, mode=mode, gate=gate, form=_step_form(mode, form), outcome=outcome, rows=rows)


def authorisation_submit(*, asker: Asker, data: Mapping[str, Any]) -> LookupPage:
    """Manual mode, step 1 posted: the authorisation granted (and step 2's form), or the refusal."""
    mode, gate = current_mode(), dukcapil_gate(user=asker.operator)
    form = ManualAuthoriseForm(data)
    if not form.is_valid():
        return _page(asker, mode=mode, gate=gate, form=_step_form(mode, form))
    outcome = _authorise(asker, mode=mode, gate=gate, nik=form.cleaned_data["nik"],
                         override_reason=form.cleaned_data["override_reason"],
                         override_token=form.cleaned_data["override_token"],
                         correction_reason=form.cleaned_data["correction_reason"])
    form.answered(outcome=outcome)
    record_form = None
    if outcome.authorisation and outcome.check is not None:
        record_form = ManualForm(initial={"nik": outcome.check.nik, "authorisation": outcome.authorisation})
    return _page(asker, mode=mode, gate=gate, form=_step_form(mode, form), outcome=outcome,
                 record_form=record_form)


def manual_result_submit(*, asker: Asker, data: Mapping[str, Any]) -> LookupPage:
    """Manual mode, step 2 posted: what the officer read in Dukcapil's portal, recorded once."""
    mode, gate = current_mode(), dukcapil_gate(user=asker.operator)
    form = ManualForm(data)
    if not form.is_valid():
        return _page(asker, mode=mode, gate=gate, form=_step_form(mode, ManualAuthoriseForm()), record_form=form)
    outcome = _record(asker, mode=mode, nik=form.cleaned_data["nik"],
                      authorisation=form.cleaned_data["authorisation"],
                      outcome=Outcome(form.cleaned_data["outcome"]), kecocokan=form.kecocokan())
    return _page(asker, mode=mode, gate=gate, form=_step_form(mode, ManualAuthoriseForm()), outcome=outcome)
