"""The lookup, end to end (DESIGN "The lookup"): gate, NIK check, guards, quota, client, audit.

What this module returns lives in memory for one response. Only the portal's
own facts (who, when, why, outcome, per-field booleans) reach the database.
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass, field
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from akun.gate import GateDecision, current_agreement, dukcapil_gate
from akun.models import DukcapilStop, User

from .audit import audit_append, nik_hmac
from .client import ClientConfig, GatewayFault, nik_lookup
from .compare import FieldMatch, Stated, compare
from .elements import LookupResult, Outcome
from .guard import (
    MIN_OVERRIDE_REASON,
    OverrideScope,
    guard_check,
    guard_lock,
    guard_override_token,
    guard_override_valid,
    guard_record,
)
from .models import AuditEntry, AuditHead, Kind, Mode, ModeAkses
from .nik import NikCheck, nik_check
from .quota import QuotaRefused, QuotaState, quota_spend, quota_state

logger = logging.getLogger(__name__)


@dataclass
class LookupOutcome:
    """What the page shows after one submission. Never stored, cached or pickled."""

    refusals: tuple[str, ...] = ()
    overridable: bool = False  # refused by the enumeration guard only
    override_token: str = ""  # binds a written override to this refusal
    authorisation: str = ""  # manual mode: step 1's grant, which step 2 records against
    check: NikCheck | None = None
    result: LookupResult | None = None
    matches: tuple[FieldMatch, ...] = ()
    quota: QuotaState | None = None
    audit: AuditEntry | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    gate: GateDecision | None = None  # the gate's decision, for the page's status card

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    def __repr__(self) -> str:
        return f"LookupOutcome(refused={self.refused}, result={self.result!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("Hasil pemeriksaan tidak boleh diserialisasi")


def mode_current() -> Mode:
    """The access mode in force; manual until the admin connects the gateway."""
    row = ModeAkses.objects.values_list("mode", flat=True).first()
    return Mode(row) if row else Mode.MANUAL


def poc_warning() -> str:
    """Connected mode before the PoC result letter is on record: only for the PoC Dukcapil schedules."""
    agreement = current_agreement()
    if mode_current() != Mode.TERHUBUNG or (agreement is not None and agreement.poc_passed):
        return ""
    return ("Mode terhubung aktif, tetapi surat hasil PoC belum dicatat pada perjanjian. Sebelum PoC, "
            "sambungan ke gateway Dukcapil hanya untuk pelaksanaan PoC yang dijadwalkan Dinas Dukcapil "
            "(Juknis II.D); akses sehari-hari melalui mode manual. Kuota tanpa batas baru berlaku setelah surat "
            "hasil PoC dicatat.")


@dataclass(frozen=True)
class _Who:
    operator: User
    client_ip: str | None
    permohonan_ref: str
    mode: Mode

    def audit(self, **kwargs: object) -> AuditEntry:
        return audit_append(
            operator_id=self.operator.pk, operator_username=self.operator.get_username(),
            client_ip=self.client_ip, permohonan_ref=self.permohonan_ref, mode=self.mode,
            **kwargs,  # type: ignore[arg-type]
        )


_NIK = re.compile(r"[0-9]{16}")


def _typed(nik: str) -> str:
    """What the officer typed, for the audit's keyed hash and mask: only when it is 16 digits."""
    return nik if _NIK.fullmatch(nik) else ""


def _other_nik_in_request(who: _Who, nik: str) -> str:
    """A service request is for one applicant: a second, different NIK is refused."""
    other = (
        AuditEntry.objects.filter(permohonan_ref=who.permohonan_ref, jenis__in=(Kind.KIRIM, Kind.LOOKUP, Kind.IZIN))
        .exclude(nik_hmac=nik_hmac(nik))
        .exists()
    )
    if other:
        return ("Permohonan ini sudah dipakai untuk NIK pemohon lain. Setiap pemohon memerlukan "
                "permohonan sendiri: selesaikan yang ini dan buka permohonan baru.")
    return ""


@dataclass(frozen=True)
class _Granted:
    check: NikCheck
    quota: QuotaState  # after this request was counted
    entry: AuditEntry  # the grant's audit row (KIRIM or IZIN), written before anything leaves


def _preflight(who: _Who, *, nik: str, override_reason: str, override_token: str,
               expected_mode: Mode) -> LookupOutcome | _Granted:
    """Everything before a request may leave: the refusal, or the grant.

    The grant (guard trace, quota count and its audit row) commits as one step before the
    request is sent, so a request that leaves always has a row, even if the process dies
    before the answer is recorded.
    """
    if not who.permohonan_ref:
        reason = "Setiap pemeriksaan NIK harus terkait permohonan yang sedang dilayani."
        who.audit(jenis=Kind.REFUSAL, nik=_typed(nik), alasan=reason)
        return LookupOutcome(refusals=(reason,))
    gate = dukcapil_gate(user=who.operator)
    if not gate.allowed:
        who.audit(jenis=Kind.REFUSAL, nik=_typed(nik), alasan=" ".join(gate.reasons))
        return LookupOutcome(refusals=gate.reasons, gate=gate)
    if who.mode != expected_mode:
        reason = f"Mode akses yang berlaku: {who.mode.label}. Muat ulang halaman."
        who.audit(jenis=Kind.REFUSAL, nik=_typed(nik), alasan=reason)
        return LookupOutcome(refusals=(reason,))
    check = nik_check(nik)
    if not check.valid:
        # Hashed and masked when 16 digits: repeated probing with malformed NIKs stays linkable.
        entry = who.audit(jenis=Kind.REFUSAL, nik=_typed(nik), outcome=Outcome.REFUSED_LOCALLY,
                          alasan=" ".join(check.errors))
        return LookupOutcome(refusals=(Outcome.REFUSED_LOCALLY.label, *check.errors), check=check,
                             result=LookupResult(outcome=Outcome.REFUSED_LOCALLY,
                                                 message=Outcome.REFUSED_LOCALLY.label),
                             audit=entry, quota=quota_state())
    other = _other_nik_in_request(who, check.nik)
    if other:
        entry = who.audit(jenis=Kind.REFUSAL, nik=check.nik, alasan=other)
        return LookupOutcome(refusals=(other,), check=check, audit=entry, quota=quota_state())
    with transaction.atomic():
        # Check, count and record as one step, so parallel submissions cannot slip past the guard.
        guard_lock()
        decision = guard_check(operator_id=who.operator.pk, nik=check.nik)
        if not decision.allowed:
            reason = override_reason.strip()
            scope = OverrideScope(who.operator.pk, who.permohonan_ref, check.nik, decision)
            # An override answers this refusal only: a reason left from an earlier one never carries over.
            if len(reason) < MIN_OVERRIDE_REASON or not guard_override_valid(token=override_token, scope=scope):
                entry = who.audit(jenis=Kind.REFUSAL, nik=check.nik, alasan=" ".join(decision.reasons))
                return LookupOutcome(refusals=decision.reasons, overridable=True,
                                     override_token=guard_override_token(scope=scope),
                                     check=check, audit=entry, quota=quota_state())
            who.audit(jenis=Kind.OVERRIDE, nik=check.nik,
                      alasan=f"Penolakan: {' '.join(decision.reasons)} Alasan petugas: {reason}")
        try:
            spent = quota_spend(operator_id=who.operator.pk, operator_cap=who.operator.operator_daily_cap())
        except QuotaRefused as refused:
            entry = who.audit(jenis=Kind.REFUSAL, nik=check.nik, alasan=refused.message)
            return LookupOutcome(refusals=(refused.message,), check=check, audit=entry, quota=quota_state())
        guard_record(operator_id=who.operator.pk, nik=check.nik)
        entry = who.audit(jenis=Kind.KIRIM if expected_mode == Mode.TERHUBUNG else Kind.IZIN, nik=check.nik)
    return _Granted(check, spent, entry)


def lookup_perform(
    *, operator: User, client_ip: str | None, permohonan_ref: str, nik: str, stated: Stated,
    override_reason: str = "", override_token: str = "", config: ClientConfig | None = None,
) -> LookupOutcome:
    """Look a NIK up at Dukcapil for the applicant of `permohonan_ref` (connected mode).

    Refusals (gate, local NIK check, enumeration guard, quota) spend nothing and are
    audited. A gateway fault is its own outcome, never "not found". Credential or
    institution refusals (03, 04/10, 16, 17) stop every lookup until the admin clears it.
    """
    nik = nik.strip()
    who = _Who(operator, client_ip, permohonan_ref, mode_current())
    try:
        config = config or ClientConfig.from_settings()
    except ImproperlyConfigured:
        reason = "Sambungan ke gateway Dukcapil belum dikonfigurasi; hubungi admin."
        who.audit(jenis=Kind.REFUSAL, nik=_typed(nik), alasan=reason)
        return LookupOutcome(refusals=(reason,))
    passed = _preflight(who, nik=nik, override_reason=override_reason, override_token=override_token,
                        expected_mode=Mode.TERHUBUNG)
    if isinstance(passed, LookupOutcome):
        return passed
    check, spent = passed.check, passed.quota
    try:
        result = nik_lookup(nik=check.nik, config=config)
    except GatewayFault as fault:
        result = LookupResult(outcome=Outcome.GATEWAY_FAULT, message=fault.message, detail=fault.kind)
    except Exception as exc:  # noqa: BLE001 - quota is spent: the lookup must still be audited, as a fault
        # The type only: an exception's text may quote the answer.
        logger.error("dukcapil lookup failed unexpectedly: %s", type(exc).__name__)
        result = LookupResult(outcome=Outcome.GATEWAY_FAULT, detail="unexpected",
                              message="Jawaban layanan Dukcapil tidak dapat diproses portal. Laporkan ke admin.")
    code = result.gateway_code or result.outcome.value
    if result.outcome.stops_lookups:
        DukcapilStop.objects.create(alasan=f"Dukcapil menjawab: {result.outcome.label} (kode {code})", kode=code)
    matches = compare(stated=stated, elemen=result.elemen) if result.elemen is not None else ()
    if result.outcome == Outcome.GATEWAY_FAULT:
        alasan = result.detail
    else:  # the code as sent where it differs from the category's (10 is filed under 04)
        alasan = f"kode gateway {code}" if code != result.outcome.value else ""
    entry = who.audit(jenis=Kind.LOOKUP, nik=check.nik, outcome=result.outcome.value,
                      kecocokan={m.key: m.match for m in matches}, rujukan=passed.entry.seq, alasan=alasan)
    return LookupOutcome(check=check, result=result, matches=matches, audit=entry, quota=spent,
                         gate=None if result.outcome.stops_lookups else GateDecision(()), warnings=check.warnings)


def _authorisation(entry: AuditEntry) -> str:
    mac = hmac.new(settings.AUDIT_HMAC_KEY.encode(),
                   f"izin:{entry.seq}:{entry.nik_hmac}:{entry.operator_id}:{entry.permohonan_ref}".encode(),
                   "sha256").hexdigest()[:32]
    return f"{entry.seq}.{mac}"


def lookup_authorise_manual(
    *, operator: User, client_ip: str | None, permohonan_ref: str, nik: str,
    override_reason: str = "", override_token: str = "",
) -> LookupOutcome:
    """Manual mode, step 1, before the officer opens Dukcapil's own web portal (before the PoC).

    The same gate, NIK check, request link, enumeration guard, quota count and audit as a
    connected lookup, so that what the guard or the quota refuses is never looked up at all.
    Returns the authorisation that step 2 records its result against.
    """
    nik = nik.strip()
    who = _Who(operator, client_ip, permohonan_ref, mode_current())
    passed = _preflight(who, nik=nik, override_reason=override_reason, override_token=override_token,
                        expected_mode=Mode.MANUAL)
    if isinstance(passed, LookupOutcome):
        return passed
    return LookupOutcome(check=passed.check, audit=passed.entry, quota=passed.quota, gate=GateDecision(()),
                         warnings=passed.check.warnings, authorisation=_authorisation(passed.entry))


def lookup_record_manual(
    *, operator: User, client_ip: str | None, permohonan_ref: str, nik: str, authorisation: str,
    outcome: Outcome, kecocokan: dict[str, bool | None],
) -> LookupOutcome:
    """Manual mode, step 2: record what the officer read in Dukcapil's portal, once per authorisation.

    Only the outcome category and per-field Sesuai / Tidak Sesuai are recorded; nothing of
    the answer is typed in. The quota and the guard were settled by step 1.
    """
    nik = nik.strip()
    who = _Who(operator, client_ip, permohonan_ref, mode_current())
    seq_text, _, _ = authorisation.partition(".")
    refused = LookupOutcome(refusals=("Izin pemeriksaan tidak sah atau hasilnya sudah dicatat. "
                                      "Mulai lagi dari meminta izin pemeriksaan.",))
    if not seq_text.isascii() or not seq_text.isdigit():
        return refused
    with transaction.atomic():
        AuditHead.objects.select_for_update().get_or_create(pk=1)  # one recording per authorisation
        granted = AuditEntry.objects.filter(
            seq=int(seq_text), jenis=Kind.IZIN, operator_id=operator.pk, permohonan_ref=permohonan_ref,
            nik_hmac=nik_hmac(nik) if _NIK.fullmatch(nik) else "-",
        ).first()
        if (granted is None or not hmac.compare_digest(_authorisation(granted), authorisation)
                or AuditEntry.objects.filter(jenis=Kind.MANUAL, rujukan=granted.seq).exists()):
            return refused
        if outcome != Outcome.FOUND:
            kecocokan = {}
        entry = who.audit(jenis=Kind.MANUAL, nik=nik, outcome=outcome.value, kecocokan=kecocokan,
                          rujukan=granted.seq)
    if outcome.stops_lookups:
        DukcapilStop.objects.create(alasan=f"Portal web Dukcapil menjawab: {outcome.label}", kode=outcome.value)
    return LookupOutcome(check=nik_check(nik), result=LookupResult(outcome=outcome, message=outcome.label),
                         audit=entry, quota=quota_state())


def report_published_audit(*, user: User, client_ip: str | None, periode: str, head: tuple[int, str]) -> AuditEntry:
    """Record that a report printing the chain head `head` was made (laporan's one write)."""
    count, digest = head
    who = _Who(user, client_ip, "", mode_current())
    return who.audit(jenis=Kind.LAPORAN, alasan=f"{periode}; kepala jejak dicetak: {count} baris, hash {digest}")
