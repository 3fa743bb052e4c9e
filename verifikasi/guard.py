"""The enumeration guard (Juknis II.E.1): no sequential, patterned or rapid-fire NIKs.

Before any quota is spent the guard refuses, with its reason:
- a NIK near (within ENUM_GUARD_NEAR_DISTANCE serials, same region and birth date)
  to one looked up in the last ENUM_GUARD_WINDOW_MINUTES,
- the same NIK again within ENUM_GUARD_REPEAT_MINUTES,
- a lookup by one officer sooner than ENUM_GUARD_MIN_INTERVAL_SECONDS after their last.
The officer may override with a written reason (twins, a family at the counter);
the caller audits the override. Traces are deleted once outside the window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import GuardTrace

MIN_OVERRIDE_REASON = 15


@dataclass(frozen=True)
class GuardDecision:
    reasons: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.reasons


def _prefix_hmac(nik: str) -> str:
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), b"guard:" + nik[:12].encode(), hashlib.sha256).hexdigest()


def _window_start(now: dt.datetime) -> dt.datetime:
    longest = max(settings.ENUM_GUARD_WINDOW_MINUTES, settings.ENUM_GUARD_REPEAT_MINUTES)
    return now - dt.timedelta(minutes=longest, seconds=settings.ENUM_GUARD_MIN_INTERVAL_SECONDS)


def guard_purge(*, now: dt.datetime | None = None) -> int:
    """Delete every trace outside the window: the guard keeps nothing longer."""
    deleted, _ = GuardTrace.objects.filter(waktu__lt=_window_start(now or timezone.now())).delete()
    return deleted


GUARD_LOCK_KEY = 0x4E494B  # "NIK": PostgreSQL advisory lock of the guard


def guard_lock() -> None:
    """Serialise check-and-record among concurrent lookups (call inside a transaction).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the portal's transactions
    begin IMMEDIATE, so one writer at a time already holds the database.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GUARD_LOCK_KEY])


def guard_check(*, operator_id: int, nik: str, now: dt.datetime | None = None) -> GuardDecision:
    """Every reason to refuse this lookup now; empty when it may go."""
    now = now or timezone.now()
    guard_purge(now=now)
    reasons: list[str] = []
    serial = int(nik[12:])
    prefix = _prefix_hmac(nik)
    interval = dt.timedelta(seconds=settings.ENUM_GUARD_MIN_INTERVAL_SECONDS)
    last = GuardTrace.objects.filter(operator_id=operator_id).order_by("-waktu").first()
    if last is not None and now - last.waktu < interval:
        seconds = int((now - last.waktu).total_seconds())
        reasons.append(
            f"Permintaan terlalu cepat: {seconds} detik setelah permintaan Anda sebelumnya "
            f"(minimal {settings.ENUM_GUARD_MIN_INTERVAL_SECONDS} detik)."
        )
    same_prefix = GuardTrace.objects.filter(prefix_hmac=prefix)
    repeat_since = now - dt.timedelta(minutes=settings.ENUM_GUARD_REPEAT_MINUTES)
    if same_prefix.filter(serial=serial, waktu__gte=repeat_since).exists():
        reasons.append(
            f"NIK yang sama sudah diperiksa dalam {settings.ENUM_GUARD_REPEAT_MINUTES} menit terakhir."
        )
    near_since = now - dt.timedelta(minutes=settings.ENUM_GUARD_WINDOW_MINUTES)
    distance = settings.ENUM_GUARD_NEAR_DISTANCE
    if (
        same_prefix.filter(waktu__gte=near_since, serial__gte=serial - distance, serial__lte=serial + distance)
        .exclude(serial=serial)
        .exists()
    ):
        reasons.append(
            f"NIK berdekatan (selisih nomor urut ≤ {distance}) dengan NIK yang diperiksa dalam "
            f"{settings.ENUM_GUARD_WINDOW_MINUTES} menit terakhir: pola berurutan tidak diperbolehkan."
        )
    return GuardDecision(tuple(reasons))


def guard_record(*, operator_id: int, nik: str, now: dt.datetime | None = None) -> None:
    GuardTrace.objects.create(
        operator_id=operator_id, waktu=now or timezone.now(), prefix_hmac=_prefix_hmac(nik), serial=int(nik[12:])
    )
