"""Publish the audit chain's head (count and hash) outside the database: daily, to the admin's
mail, to an append-only file (AUDIT_HEAD_FILE) and to the server log."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.core.mail import mail_admins
from django.core.management.base import BaseCommand

from verifikasi.audit import audit_head_line

logger = logging.getLogger("verifikasi.audit")


class Command(BaseCommand):
    help = "Menerbitkan kepala rantai jejak audit (jumlah dan hash) ke admin, berkas kepala jejak dan log."

    def handle(self, *args: Any, **options: Any) -> None:
        line = audit_head_line()
        self.stdout.write(line)
        logger.info("%s", line)
        if settings.AUDIT_HEAD_FILE:
            # Appended, never rewritten: place it where the database's owner cannot edit it.
            fd = os.open(settings.AUDIT_HEAD_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            with os.fdopen(fd, "a", encoding="utf-8") as published:
                published.write(line + "\n")
        if settings.ADMINS:
            mail_admins("Kepala jejak audit harian", line)
