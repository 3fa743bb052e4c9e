"""The enumeration guard (Juknis II.E.1): no sequential, patterned or rapid-fire NIKs.

Before any quota is spent the guard refuses, with its reason:
- a NIK near (within ENUM_GUARD_NEAR_DISTANCE serials, same region and birth date)
  to one looked up in the last ENUM_GUARD_WINDOW_MINUTES,
- the same NIK again within ENUM_GUARD_REPEAT_MINUTES,
- a lookup by one officer sooner than ENUM_GUARD_MIN_INTERVAL_SECONDS after their last,
- a sweep over birth dates: same district, sex and serial, birth dates within
  ENUM_GUARD_NEAR_DAYS, in the window.
The officer may override with a written reason (twins, a family at the counter);
the caller audits the override. Traces are deleted once outside the window.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from nik_structure import NikParts, nik_parse

from .keyed import enumeration_pattern_hmac, enumeration_prefix_hmac, override_mac
from .models import GuardTrace

MIN_OVERRIDE_REASON = 15


@dataclass(frozen=True)
class EnumerationDecision:
    reasons: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # "interval", "repeat", "near", "sweep"

    @property
    def allowed(self) -> bool:
        return not self.reasons


def _parts(nik: str) -> NikParts:
    """The guard sees NIKs the local check passed; anything else is the caller's error."""
    parts = nik_parse(nik)
    if parts is None:
        raise ValueError("NIK harus 16 digit angka")
    return parts


def _window_start(now: dt.datetime) -> dt.datetime:
    longest = max(settings.ENUM_GUARD_WINDOW_MINUTES, settings.ENUM_GUARD_REPEAT_MINUTES)
    return now - dt.timedelta(minutes=longest, seconds=settings.ENUM_GUARD_MIN_INTERVAL_SECONDS)


def enumeration_purge(*, now: dt.datetime | None = None) -> int:
    """Delete every trace outside the window: the guard keeps nothing longer."""
    deleted, _ = GuardTrace.objects.filter(waktu__lt=_window_start(now or timezone.now())).delete()
    return deleted


ENUMERATION_LOCK_KEY = 0x4E494B  # "NIK": PostgreSQL advisory lock of the guard


def enumeration_lock() -> None:
    """Serialise check-and-record among concurrent lookups (call inside a transaction).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the portal's transactions
    begin IMMEDIATE, so one writer at a time already holds the database.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ENUMERATION_LOCK_KEY])


def _birth_index(parts: NikParts) -> int:
    """Days of the encoded birth date on a 31-day-month scale: close dates, close numbers."""
    return (parts.yy * 12 + parts.month - 1) * 31 + parts.day - 1


@dataclass(frozen=True)
class _Findings:
    too_soon: bool
    repeat: bool
    near: bool
    sweep: bool
    stale: bool  # traces older than the window are still there


def _db_time(value: dt.datetime) -> Any:
    """A time as the database compares it, the way the ORM adapts it (SQLite: UTC text)."""
    return GuardTrace._meta.get_field("waktu").get_db_prep_value(value, connection)


def _findings(*, operator_id: int, nik: str, now: dt.datetime) -> _Findings:
    """Every test of the guard in one statement (it runs, locked, before every lookup)."""
    parts = _parts(nik)
    serial, prefix, distance = parts.serial, enumeration_prefix_hmac(parts), settings.ENUM_GUARD_NEAR_DISTANCE
    recent = _db_time(now - dt.timedelta(minutes=settings.ENUM_GUARD_WINDOW_MINUTES))
    birth, days = _birth_index(parts), settings.ENUM_GUARD_NEAR_DAYS
    table = connection.ops.quote_name(GuardTrace._meta.db_table)
    sql = (
        # The operator's newest trace is closer than the minimum interval.
        f"SELECT EXISTS (SELECT 1 FROM {table} WHERE operator_id = %s AND waktu > %s), "  # noqa: S608
        # The same NIK within the repeat window.
        f"EXISTS (SELECT 1 FROM {table} WHERE prefix_hmac = %s AND serial = %s AND waktu >= %s), "
        # Another serial of the same prefix within the near distance, in the window.
        f"EXISTS (SELECT 1 FROM {table} WHERE prefix_hmac = %s AND waktu >= %s AND serial >= %s AND serial <= %s "
        f"AND NOT (serial = %s)), "
        # Same district, sex and serial, birth dates close, in the window; not this very NIK.
        f"EXISTS (SELECT 1 FROM {table} WHERE pola_hmac = %s AND waktu >= %s AND lahir >= %s AND lahir <= %s "
        f"AND NOT (prefix_hmac = %s AND serial = %s)), "
        f"EXISTS (SELECT 1 FROM {table} WHERE waktu < %s)"
    )
    params = [
        operator_id, _db_time(now - dt.timedelta(seconds=settings.ENUM_GUARD_MIN_INTERVAL_SECONDS)),
        prefix, serial, _db_time(now - dt.timedelta(minutes=settings.ENUM_GUARD_REPEAT_MINUTES)),
        prefix, recent, serial - distance, serial + distance, serial,
        enumeration_pattern_hmac(parts), recent, birth - days, birth + days, prefix, serial,
        _db_time(_window_start(now)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _Findings(*(bool(value) for value in cursor.fetchone()))


def enumeration_check(*, operator_id: int, nik: str, now: dt.datetime | None = None) -> EnumerationDecision:
    """Every reason to refuse this lookup now; empty when it may go."""
    now = now or timezone.now()
    findings = _findings(operator_id=operator_id, nik=nik, now=now)
    if findings.stale:
        enumeration_purge(now=now)
    found: list[tuple[str, str]] = []
    if findings.too_soon:
        last = GuardTrace.objects.filter(operator_id=operator_id).order_by("-waktu").first()
        seconds = int((now - last.waktu).total_seconds()) if last is not None else 0
        found.append(("interval", f"Permintaan terlalu cepat: {seconds} detik setelah permintaan Anda sebelumnya "
                                  f"(minimal {settings.ENUM_GUARD_MIN_INTERVAL_SECONDS} detik)."))
    if findings.repeat:
        found.append(("repeat", f"NIK yang sama sudah diperiksa dalam {settings.ENUM_GUARD_REPEAT_MINUTES} menit "
                                "terakhir."))
    if findings.near:
        found.append(("near", f"NIK berdekatan (selisih nomor urut ≤ {settings.ENUM_GUARD_NEAR_DISTANCE}) dengan NIK "
                              f"yang diperiksa dalam {settings.ENUM_GUARD_WINDOW_MINUTES} menit terakhir: pola "
                              "berurutan tidak diperbolehkan."))
    if findings.sweep:
        found.append(("sweep", f"NIK berpola: kecamatan dan nomor urut sama dengan NIK yang diperiksa dalam "
                               f"{settings.ENUM_GUARD_WINDOW_MINUTES} menit terakhir, tanggal lahir berselisih ≤ "
                               f"{settings.ENUM_GUARD_NEAR_DAYS} hari."))
    return EnumerationDecision(tuple(text for _, text in found), tuple(kind for kind, _ in found))


OVERRIDE_TOKEN_SECONDS = 600  # the officer writes the reason at the counter, now
_TOKEN = re.compile(r"[0-9]{1,12}\.[0-9a-f]{32}")


@dataclass(frozen=True)
class OverrideScope:
    """The one refusal a written override may answer."""

    operator_id: int
    permohonan_ref: str
    nik: str
    decision: EnumerationDecision

    def mac(self, issued: int) -> str:
        return override_mac(operator_id=self.operator_id, permohonan_ref=self.permohonan_ref, nik=self.nik,
                            kinds=self.decision.kinds, issued=issued)


def enumeration_override_token(*, scope: OverrideScope, now: dt.datetime | None = None) -> str:
    """Binds a written override to its refusal (officer, service request, NIK, kinds of
    refusal) for OVERRIDE_TOKEN_SECONDS."""
    issued = int((now or timezone.now()).timestamp())
    return f"{issued}.{scope.mac(issued)}"


def enumeration_override_valid(*, token: str, scope: OverrideScope, now: dt.datetime | None = None) -> bool:
    """Whether `token` was issued for this very refusal, and not too long ago."""
    if not _TOKEN.fullmatch(token):
        return False
    issued_text, _, mac = token.partition(".")
    age = int((now or timezone.now()).timestamp()) - int(issued_text)
    return 0 <= age <= OVERRIDE_TOKEN_SECONDS and hmac.compare_digest(mac, scope.mac(int(issued_text)))


def enumeration_override_expired(*, token: str, now: dt.datetime | None = None) -> bool:
    """Whether `token` is well formed but older than OVERRIDE_TOKEN_SECONDS (says why a reason was not used)."""
    if not _TOKEN.fullmatch(token):
        return False
    return int((now or timezone.now()).timestamp()) - int(token.partition(".")[0]) > OVERRIDE_TOKEN_SECONDS


def enumeration_record(*, operator_id: int, nik: str, now: dt.datetime | None = None) -> None:
    """Keep what the guard needs about this lookup: keyed hashes, the serial and a day index,
    never the NIK (one INSERT: it runs on every lookup)."""
    parts = _parts(nik)
    GuardTrace.objects.create(
        operator_id=operator_id, waktu=now or timezone.now(), prefix_hmac=enumeration_prefix_hmac(parts),
        serial=parts.serial, pola_hmac=enumeration_pattern_hmac(parts), lahir=_birth_index(parts),
    )
