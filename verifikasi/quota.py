"""The daily quota guard (Juknis II.B): one atomic check-and-count in the database.

Every request that leaves the portal is counted before it is sent, timeouts
included. The check and the count are a single conditional UPDATE, so with N
concurrent lookups and R remaining exactly min(N, R) are authorised, on
PostgreSQL (row lock, re-checked predicate) and on SQLite (one writer).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from akun.gate import current_agreement

from .models import OperatorQuotaDay, QuotaAlert, QuotaDay

logger = logging.getLogger(__name__)

POC_DEFAULT_QUOTA = 200
ALERT_LEVELS = (80, 95)


class QuotaRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class QuotaState:
    kuota: int  # 0 = unlimited
    terpakai: int
    catatan: str = ""

    @property
    def sisa(self) -> int | None:
        return None if self.kuota == 0 else max(self.kuota - self.terpakai, 0)


def quota_today() -> dt.date:
    """The quota's day is the calendar day in Asia/Jakarta."""
    return timezone.localdate(timezone=dt.timezone(dt.timedelta(hours=7)))


def quota_effective() -> tuple[int, str]:
    """The configured quota, except that unlimited needs the PoC result letter on record."""
    configured = settings.DUKCAPIL_DAILY_QUOTA
    if configured == 0:
        agreement = current_agreement()
        if agreement is None or not agreement.poc_passed:
            return POC_DEFAULT_QUOTA, (
                "Kuota tanpa batas diminta, tetapi surat hasil PoC belum dicatat pada perjanjian; "
                f"kuota tetap {POC_DEFAULT_QUOTA} per hari (Juknis II.B)."
            )
    return configured, ""


def quota_state(*, day: dt.date | None = None) -> QuotaState:
    kuota, catatan = quota_effective()
    row = QuotaDay.objects.filter(tanggal=day or quota_today()).first()
    return QuotaState(kuota=kuota, terpakai=row.terpakai if row else 0, catatan=catatan)


def _ensure_rows(day: dt.date, operator_id: int | None) -> None:
    for model, lookup in ((QuotaDay, {"tanggal": day}),
                          (OperatorQuotaDay, {"tanggal": day, "operator_id": operator_id})):
        if model is OperatorQuotaDay and operator_id is None:
            continue
        if not model.objects.filter(**lookup).exists():  # type: ignore[attr-defined]
            try:
                with transaction.atomic():
                    model.objects.create(**lookup)  # type: ignore[attr-defined]
            except IntegrityError:
                pass  # another process created it first


def quota_spend(*, operator_id: int | None) -> QuotaState:
    """Count one request about to be sent, or refuse without counting.

    Raises QuotaRefused ("Kuota akses hari ini telah habis") when the day's quota,
    or the operator's own daily cap, is spent.
    """
    day = quota_today()
    kuota, catatan = quota_effective()
    cap = settings.DUKCAPIL_OPERATOR_DAILY_CAP
    _ensure_rows(day, operator_id if cap else None)
    with transaction.atomic():
        if cap and operator_id is not None:
            mine = OperatorQuotaDay.objects.filter(tanggal=day, operator_id=operator_id, terpakai__lt=cap)
            if mine.update(terpakai=F("terpakai") + 1) != 1:
                raise QuotaRefused(f"Batas pribadi Anda ({cap} permintaan per hari) telah habis.")
        rows = QuotaDay.objects.filter(tanggal=day)
        if kuota:
            rows = rows.filter(terpakai__lt=kuota)
        if rows.update(terpakai=F("terpakai") + 1) != 1:
            raise QuotaRefused("Kuota akses hari ini telah habis")
        used = QuotaDay.objects.values_list("terpakai", flat=True).get(tanggal=day)
    if kuota:
        _alert_when_crossing(day=day, terpakai=used, kuota=kuota)
    return QuotaState(kuota=kuota, terpakai=used, catatan=catatan)


def _alert_when_crossing(*, day: dt.date, terpakai: int, kuota: int) -> None:
    for level in ALERT_LEVELS:
        if terpakai * 100 >= level * kuota and (terpakai - 1) * 100 < level * kuota:
            try:
                with transaction.atomic():
                    alert = QuotaAlert.objects.create(tanggal=day, ambang=level, terpakai=terpakai, kuota=kuota)
            except IntegrityError:
                continue
            if settings.ADMINS:
                mail_admins(f"Kuota Dukcapil {level} % terpakai", str(alert), fail_silently=True)
            logger.warning("Kuota Dukcapil mencapai %s %% (%s dari %s)", level, terpakai, kuota)
