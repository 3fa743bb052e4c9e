"""Benchmark: the gate's one-statement read (`akun.gate._gate_facts`) against the ORM queries it replaces.

    .venv/bin/python bench/gate_read.py [--calls 2000] [--database sqlite|postgres]

Sets up a throwaway database (SQLite file in a temporary folder, or PostgreSQL at
postgres@127.0.0.1:5432), an officer with a verified NDA, a head of office with a verified
SPTJM and the agreement, then reads the gate's facts --calls times each way and prints,
per read: statements, CPU ms and wall ms. `tests/akun/test_gate_facts.py` holds the two to
the same answer; this says whether the raw statement is worth keeping. Not a timed test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench_gate_")
    name = f"bench_gate_{uuid.uuid4().hex[:8]}"
    if args.database == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.update({"DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "bench-only-" + "x" * 40,
                       "AUDIT_HMAC_KEY": "bench-only-" + "y" * 40, "ALLOWED_HOSTS": "127.0.0.1",
                       "PRIVATE_MEDIA_ROOT": folder, "ENV_FILE": os.devnull, "DB_POOL": "false"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker_portal.settings")
    try:
        return run(args.calls, args.database)
    finally:
        from django.db import connections

        connections.close_all()
        if args.database == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run(calls: int, database: str) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from akun.gate import _gate_facts, active_stop, current_agreement, current_head
    from akun.models import Nda, PenanggungJawabUserId, Sptjm, User

    officer = User.objects.create_user(username="petugas", password="x" * 20)  # noqa: S106
    head = User.objects.create_user(username="kepala", password="x" * 20)  # noqa: S106
    nda = Nda(operator=officer, tanggal_tanda_tangan=dt.date(2025, 9, 16), diverifikasi_oleh=head,
              diverifikasi_pada=timezone.now())
    nda.berkas.save("nda.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    sptjm = Sptjm(kepala_dinas=head, tanggal_tanda_tangan=dt.date(2025, 9, 16), diverifikasi_oleh=head,
                  diverifikasi_pada=timezone.now())
    sptjm.berkas.save("sptjm.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    agreement = current_agreement()
    assert agreement is not None  # migrations seed it
    PenanggungJawabUserId.objects.create(perjanjian=agreement, kepala_dinas=head, mulai=dt.date(2025, 9, 16))
    verified = {"diverifikasi_oleh__isnull": False, "diverifikasi_pada__isnull": False}

    def orm() -> object:
        h = current_head()
        return (Nda.objects.filter(operator_id=officer.pk, **verified).exists(), h,
                Sptjm.objects.filter(kepala_dinas_id=h.kepala_dinas_id, **verified).exists() if h else False,
                current_agreement(), active_stop())

    def raw() -> object:
        return _gate_facts(user_id=officer.pk)

    print(f"gate facts read, {calls} calls each, {database}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"{'read':<22}{'statements':>11}{'CPU ms':>9}{'wall ms':>9}")
    figures = {}
    for label, read in (("ORM (5 queries)", orm), ("_gate_facts (raw SQL)", raw)):
        read()  # warm
        statements = 0

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            nonlocal statements
            statements += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(calls):
                read()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        figures[label] = cpu / calls * 1000
        print(f"{label:<22}{statements / calls:>11.1f}{cpu / calls * 1000:>9.3f}{wall / calls * 1000:>9.3f}")
    orm_cpu, raw_cpu = figures.values()
    print(f"raw SQL saves {orm_cpu - raw_cpu:.3f} ms CPU per lookup ({(1 - raw_cpu / orm_cpu) * 100:.0f} % of the "
          f"ORM read) and {5 - 1} statements (round trips)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
