"""Publish the audit chain's head (count and hash) outside the database: daily, to the admin's
mail, to an append-only file (AUDIT_HEAD_FILE) and to the server log."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.core.mail import mail_admins
from django.core.management.base import BaseCommand, CommandError

from verifikasi.audit import audit_head_line

logger = logging.getLogger("verifikasi.audit")


class Command(BaseCommand):
    help = "Menerbitkan kepala rantai jejak audit (jumlah dan hash) ke admin, berkas kepala jejak dan log."

    def handle(self, *args: Any, **options: Any) -> None:
        line = audit_head_line()
        self.stdout.write(line)
        logger.info("%s", line)
        failed = ""
        if settings.AUDIT_HEAD_FILE:
            try:
                # Appended, never rewritten: place it where the database's owner cannot edit it.
                fd = os.open(settings.AUDIT_HEAD_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                with os.fdopen(fd, "a", encoding="utf-8") as published:
                    published.write(line + "\n")
            except OSError as exc:  # the mail still goes: one place failing must not silence the others
                failed = f"Berkas kepala jejak AUDIT_HEAD_FILE tidak dapat ditulis ({exc.strerror})."
                logger.error("%s", failed)
        if settings.ADMINS:
            mail_admins("Kepala jejak audit harian", line + (f"\n\n{failed}" if failed else ""))
        if failed:
            raise CommandError(failed)
