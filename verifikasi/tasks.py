"""Periodic work of verifikasi: publish the audit chain head daily (outside the database)."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def audit_head_publish() -> None:
    call_command("verifikasi_audit_head")


@shared_task(acks_late=True)
def guard_traces_purge() -> int:
    """The guard keeps nothing past its window, even on a day without lookups."""
    from .guard import guard_purge

    return guard_purge()
