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
    kinds: tuple[str, ...] = ()  # "interval", "repeat", "near", "sweep"

    @property
    def allowed(self) -> bool:
        return not self.reasons


def _hmac(text: str) -> str:
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _prefix_hmac(nik: str) -> str:
    return _hmac(f"guard:{nik[:12]}")


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


def _pattern_hmac(nik: str) -> str:
    """District, sex and serial without the birth date: the key of a sweep over dates."""
    sex = "P" if int(nik[6:8]) > 40 else "L"
    return _hmac(f"pola:{nik[:6]}:{sex}:{nik[12:]}")


def _birth_index(nik: str) -> int:
    """Days of the encoded birth date on a 31-day-month scale: close dates, close numbers."""
    day = int(nik[6:8])
    day = day - 40 if day > 40 else day
    return (int(nik[10:12]) * 12 + int(nik[8:10]) - 1) * 31 + day - 1


def guard_check(*, operator_id: int, nik: str, now: dt.datetime | None = None) -> GuardDecision:
    """Every reason to refuse this lookup now; empty when it may go."""
    now = now or timezone.now()
    guard_purge(now=now)
    found: list[tuple[str, str]] = []
    serial = int(nik[12:])
    interval = dt.timedelta(seconds=settings.ENUM_GUARD_MIN_INTERVAL_SECONDS)
    last = GuardTrace.objects.filter(operator_id=operator_id).order_by("-waktu").first()
    if last is not None and now - last.waktu < interval:
        seconds = int((now - last.waktu).total_seconds())
        found.append(("interval", f"Permintaan terlalu cepat: {seconds} detik setelah permintaan Anda sebelumnya "
                                  f"(minimal {settings.ENUM_GUARD_MIN_INTERVAL_SECONDS} detik)."))
    same_prefix = GuardTrace.objects.filter(prefix_hmac=_prefix_hmac(nik))
    repeat_since = now - dt.timedelta(minutes=settings.ENUM_GUARD_REPEAT_MINUTES)
    if same_prefix.filter(serial=serial, waktu__gte=repeat_since).exists():
        found.append(("repeat", f"NIK yang sama sudah diperiksa dalam {settings.ENUM_GUARD_REPEAT_MINUTES} menit "
                                "terakhir."))
    recent = now - dt.timedelta(minutes=settings.ENUM_GUARD_WINDOW_MINUTES)
    distance = settings.ENUM_GUARD_NEAR_DISTANCE
    if (
        same_prefix.filter(waktu__gte=recent, serial__gte=serial - distance, serial__lte=serial + distance)
        .exclude(serial=serial)
        .exists()
    ):
        found.append(("near", f"NIK berdekatan (selisih nomor urut ≤ {distance}) dengan NIK yang diperiksa dalam "
                              f"{settings.ENUM_GUARD_WINDOW_MINUTES} menit terakhir: pola berurutan tidak "
                              "diperbolehkan."))
    days, birth = settings.ENUM_GUARD_NEAR_DAYS, _birth_index(nik)
    if (
        GuardTrace.objects.filter(pola_hmac=_pattern_hmac(nik), waktu__gte=recent,
                                  lahir__gte=birth - days, lahir__lte=birth + days)
        .exclude(prefix_hmac=_prefix_hmac(nik), serial=serial)
        .exists()
    ):
        found.append(("sweep", f"NIK berpola: kecamatan dan nomor urut sama dengan NIK yang diperiksa dalam "
                               f"{settings.ENUM_GUARD_WINDOW_MINUTES} menit terakhir, tanggal lahir berselisih ≤ "
                               f"{days} hari."))
    return GuardDecision(tuple(text for _, text in found), tuple(kind for kind, _ in found))


def guard_override_token(*, nik: str, decision: GuardDecision) -> str:
    """Binds a written override to the refusal it answers: this NIK, these kinds of refusal."""
    return _hmac(f"lewati:{nik}:{','.join(sorted(decision.kinds))}")[:32]


def guard_record(*, operator_id: int, nik: str, now: dt.datetime | None = None) -> None:
    GuardTrace.objects.create(
        operator_id=operator_id, waktu=now or timezone.now(), prefix_hmac=_prefix_hmac(nik), serial=int(nik[12:]),
        pola_hmac=_pattern_hmac(nik), lahir=_birth_index(nik),
    )
