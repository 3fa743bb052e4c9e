"""Check the lookup audit chain and report the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verifikasi.audit import audit_chain_check


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
