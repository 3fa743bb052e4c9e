"""Remove or anonymise applicant records past the retention period or whose consent was withdrawn."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from layanan.pemohon import retention_apply, retention_plan

ACTIONS = {"hapus": "dihapus", "anonimkan": "dianonimkan", "tahan": "ditahan"}


class Command(BaseCommand):
    help = ("Hapus atau anonimkan data pemohon yang melewati APPLICANT_RETENTION_DAYS atau persetujuannya ditarik; "
            "yang data balikannya belum terkirim ditahan. --dry-run: hanya daftar, tidak mengubah apa pun.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="tampilkan rencana saja")

    def handle(self, *args: Any, **options: Any) -> None:
        dry = bool(options["dry_run"])
        plan = retention_plan()
        verb = "akan " if dry else ""
        for item in plan:
            self.stdout.write(f"pemohon #{item.pemohon_id} NIK {item.label}: {verb}{ACTIONS[item.action]} "
                              f"({item.reason})")
        if not dry:
            retention_apply(plan)
        counts = {a: sum(1 for i in plan if i.action == a) for a in ACTIONS}
        self.stdout.write(f"Masa retensi {settings.APPLICANT_RETENTION_DAYS} hari. "
                          f"{'Rencana (tidak ada yang diubah)' if dry else 'Selesai'}: {counts['hapus']} dihapus, "
                          f"{counts['anonimkan']} dianonimkan, {counts['tahan']} ditahan.")
