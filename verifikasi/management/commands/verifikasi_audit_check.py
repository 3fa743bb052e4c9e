"""Check the lookup audit chain and report the first broken link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from verifikasi.audit import audit_chain_check, audit_unanswered


class Command(BaseCommand):
    help = "Memeriksa keutuhan rantai jejak audit; melaporkan tautan pertama yang putus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--expect-count", type=int, help="jumlah baris kepala yang pernah diterbitkan")
        parser.add_argument("--expect-hash", help="hash kepala yang pernah diterbitkan (pada jumlah itu)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_check(expect_count=options["expect_count"], expect_hash=options["expect_hash"])
        if not report.intact:
            raise CommandError(f"RANTAI RUSAK pada baris #{report.broken_at}: {report.problem}")
        self.stdout.write(f"Rantai utuh: {report.count} baris, hash kepala {report.head_hash}")
        # A request in flight is not yet answered: only those older than its timeout and a minute.
        unanswered = audit_unanswered(older_than=dt.timedelta(seconds=settings.DUKCAPIL_TIMEOUT + 60))
        if unanswered:
            listed = ", ".join(f"#{seq}" for seq in unanswered[:20]) + (" ..." if len(unanswered) > 20 else "")
            self.stdout.write(f"Perhatian: {len(unanswered)} permintaan terkirim ke Dukcapil tanpa jawaban "
                              f"tercatat (baris {listed}); periksa log server pada waktu itu.")
