"""Background work of verifikasi: the daily chain head (outside the database), quota alert mail, guard purge."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def audit_head_publish() -> None:
    call_command("verifikasi_audit_head")


@shared_task(acks_late=True)
def quota_alert_mail(alert_pk: int) -> None:
    from .quota import quota_alert_mail_send

    quota_alert_mail_send(alert_pk=alert_pk)


@shared_task(acks_late=True)
def guard_traces_purge() -> int:
    """The guard keeps nothing past its window, even on a day without lookups."""
    from .enumeration import enumeration_purge

    return enumeration_purge()
