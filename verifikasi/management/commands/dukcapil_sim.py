"""`manage.py dukcapil_sim`: the Dukcapil simulator in the foreground (FAKE people)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from verifikasi.simulator import (
    DEFAULT_BALIKAN_TOKEN,
    DEFAULT_IP_USER,
    DEFAULT_PASSWORD,
    DEFAULT_USER_ID,
    banner,
    make_server,
)


class Command(BaseCommand):
    help = "Jalankan simulator Dukcapil (cari NIK dan data balikan) di 127.0.0.1 sampai Ctrl+C."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--quota", type=int, default=200, help="kuota harian; 0 = tanpa batas")
        parser.add_argument("--latency-ms", type=int, default=0, help="jeda tambahan per jawaban")
        parser.add_argument("--user-id", default=DEFAULT_USER_ID)
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument("--ip-user", default=DEFAULT_IP_USER)
        parser.add_argument("--balikan-token", default=DEFAULT_BALIKAN_TOKEN)
        parser.add_argument("--quiet", action="store_true", help="tanpa baris akses per permintaan")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["quota"] < 0 or options["latency_ms"] < 0:
            raise CommandError("--quota dan --latency-ms tidak boleh negatif")
        try:
            sim = make_server(
                port=options["port"],
                quota=options["quota"],
                user_id=options["user_id"],
                password=options["password"],
                ip_user=options["ip_user"],
                balikan_token=options["balikan_token"],
                verbose=not options["quiet"],
            )
        except OSError as exc:
            raise CommandError(f"Port {options['port']} tidak dapat dipakai: {exc.strerror}") from None
        sim.control(latency_ms=options["latency_ms"])
        self.stdout.write(banner(sim))
        self.stdout.write("Ctrl+C untuk berhenti.")
        self.stdout.flush()
        try:
            sim.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Simulator berhenti.")
