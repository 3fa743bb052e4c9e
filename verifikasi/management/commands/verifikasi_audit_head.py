"""Publish the audit chain's head (count and hash) outside the database: daily to the admin."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import mail_admins
from django.core.management.base import BaseCommand

from verifikasi.audit import audit_head_line


class Command(BaseCommand):
    help = "Menerbitkan kepala rantai jejak audit (jumlah dan hash) ke admin melalui surel dan keluaran."

    def handle(self, *args: Any, **options: Any) -> None:
        line = audit_head_line()
        self.stdout.write(line)
        if settings.ADMINS:
            mail_admins("Kepala jejak audit harian", line)
