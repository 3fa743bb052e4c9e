"""The daily quota guard (Juknis II.B): one atomic check-and-count in the database.

Every request that leaves the portal is counted before it is sent, timeouts
included. The check and the count are a single conditional UPDATE, so with N
concurrent lookups and R remaining exactly min(N, R) are authorised, on
PostgreSQL (row lock, re-checked predicate) and on SQLite (one writer).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import mail_admins
from django.db import IntegrityError, connection, transaction
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
    quota: int  # 0 = unlimited
    used: int
    note: str = ""  # why the quota in force is not the one configured

    @property
    def remaining(self) -> int | None:
        return None if self.quota == 0 else max(self.quota - self.used, 0)

    @property
    def spent(self) -> bool:
        return self.remaining == 0

    @property
    def resets_at(self) -> dt.datetime:
        """When the next quota day begins: midnight in Asia/Jakarta (TIME_ZONE)."""
        return quota_resets_at()


def quota_today() -> dt.date:
    """The quota's day is the calendar day in Asia/Jakarta (TIME_ZONE)."""
    return timezone.localdate()


def quota_resets_at() -> dt.datetime:
    """The start of tomorrow's quota day: midnight in the current time zone (Asia/Jakarta)."""
    tomorrow = quota_today() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))


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
    quota, note = quota_effective()
    row = QuotaDay.objects.filter(tanggal=day or quota_today()).first()
    return QuotaState(quota=quota, used=row.terpakai if row else 0, note=note)


def _increment(model: type[QuotaDay] | type[OperatorQuotaDay], *, day: dt.date, limit: int,
               operator_id: int | None = None) -> int | None:
    """One conditional `UPDATE ... RETURNING`: the new count, or None when the limit is reached.

    The predicate is re-checked under the row lock (PostgreSQL) or the single writer
    (SQLite), so concurrent callers can never count past `limit` (0 = no limit).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    where = "tanggal = %s"
    params: list[Any] = [connection.ops.adapt_datefield_value(day)]
    if operator_id is not None:
        where, params = where + " AND operator_id = %s", [*params, operator_id]
    sql = (f"UPDATE {table} SET terpakai = terpakai + 1 WHERE {where} AND (%s = 0 OR terpakai < %s) "  # noqa: S608
           "RETURNING terpakai")

    def spend() -> int | None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, limit])
            row = cursor.fetchone()
        return None if row is None else int(row[0])

    used = spend()
    if used is not None:
        return used
    # No row matched: the limit is reached, or the day's row does not exist yet. Make sure it
    # exists (another process may be creating it right now), then the UPDATE decides alone.
    lookup: dict[str, object] = {"tanggal": day}
    if operator_id is not None:
        lookup["operator_id"] = operator_id
    if not model.objects.filter(**lookup).exists():  # type: ignore[misc]
        try:
            with transaction.atomic():
                model.objects.create(**lookup)  # type: ignore[misc]
        except IntegrityError:
            pass  # another process created it first
    return spend()


def quota_spend(*, operator_id: int | None, operator_cap: int | None = None) -> QuotaState:
    """Count one request about to be sent, or refuse without counting.

    `operator_cap` is the operator's own daily cap (0 = none; None = the deployment's
    DUKCAPIL_OPERATOR_DAILY_CAP). Raises QuotaRefused ("Kuota akses hari ini telah habis")
    when the day's quota, or the operator's own cap, is spent. Without a per-operator cap
    this is a single statement on the hot path.
    """
    day = quota_today()
    quota, note = quota_effective()
    cap = settings.DUKCAPIL_OPERATOR_DAILY_CAP if operator_cap is None else operator_cap
    if cap and operator_id is not None:
        with transaction.atomic():  # a global refusal undoes the operator's count
            if _increment(OperatorQuotaDay, day=day, limit=cap, operator_id=operator_id) is None:
                raise QuotaRefused(f"Batas pribadi Anda ({cap} permintaan per hari) telah habis.")
            used = _increment(QuotaDay, day=day, limit=quota)
            if used is None:
                raise QuotaRefused("Kuota akses hari ini telah habis")
    else:
        used = _increment(QuotaDay, day=day, limit=quota)
        if used is None:
            raise QuotaRefused("Kuota akses hari ini telah habis")
    if quota:
        _alert_when_crossing(day=day, used=used, quota=quota)
    return QuotaState(quota=quota, used=used, note=note)


def _alert_mail_enqueuer(alert_pk: int) -> Callable[[], None]:
    def alert_mail_enqueue() -> None:
        """After the commit: a broker that is down costs the mail, never the lookup."""
        from .tasks import quota_alert_mail

        try:
            quota_alert_mail.delay(alert_pk)
        except Exception as exc:  # noqa: BLE001 - the alert itself is in the portal already
            logger.error("quota alert %s not queued for mail: %s", alert_pk, type(exc).__name__)

    return alert_mail_enqueue


def quota_alert_mail_send(*, alert_pk: int) -> None:
    """Mail the admins one quota alert (the task's service)."""
    alert = QuotaAlert.objects.filter(pk=alert_pk).first()
    if alert is not None:
        mail_admins(f"Kuota Dukcapil {alert.ambang} % terpakai", str(alert), fail_silently=True)


def _alert_when_crossing(*, day: dt.date, used: int, quota: int) -> None:
    for level in ALERT_LEVELS:
        if used * 100 >= level * quota and (used - 1) * 100 < level * quota:
            try:
                with transaction.atomic():
                    alert = QuotaAlert.objects.create(tanggal=day, ambang=level, terpakai=used, kuota=quota)
            except IntegrityError:
                continue
            if settings.ADMINS:
                # After commit, as a task: a slow mail server must not hold the guard's lock,
                # and a broker fault must not fail the lookup that crossed the threshold.
                transaction.on_commit(_alert_mail_enqueuer(alert.pk), robust=True)
            logger.warning("Kuota Dukcapil mencapai %s %% (%s dari %s)", level, used, quota)
