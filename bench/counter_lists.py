"""Benchmark: the officer's day (`/layanan/`) at 100,000 service requests on PostgreSQL.

    .venv/bin/python bench/counter_lists.py [--requests 100000] [--calls 200]

Sets up a throwaway PostgreSQL database (postgres@127.0.0.1:5432, created and dropped here),
migrates it, bulk-creates --requests applicants and service requests (about 5 % open, opened over
two years) and a signed-in officer whose second factor is verified, then asks the page through
Django's test client --calls times each way: the open requests (first page and a deep page) and the
search by name, by NIK and by request number. Prints per request: median and p95 wall ms, CPU ms
and statements. Target: p95 under 150 ms. Not a timed test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
FIRST = ("SITI", "BUDI", "AGUS", "DWI", "EKO", "SRI", "ANI", "TRI", "RINA", "JOKO", "WAHYU", "NUR", "DEWI", "ADI")
LAST = ("AMINAH", "SANTOSO", "SETIAWAN", "LESTARI", "PRASETYO", "RAHAYU", "HIDAYAT", "SUSANTO", "WIBOWO",
        "PURNAMA", "KURNIAWAN", "SAPUTRA", "HANDAYANI", "UTOMO")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench_counter_")
    name = f"bench_counter_{uuid.uuid4().hex[:8]}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ.update({"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}", "DEBUG": "false",
                       "SECRET_KEY": "bench-only-" + "x" * 40, "AUDIT_HMAC_KEY": "bench-only-" + "y" * 40,
                       "ALLOWED_HOSTS": "127.0.0.1,testserver", "PRIVATE_MEDIA_ROOT": folder,
                       "ENV_FILE": os.devnull, "DB_POOL": "false"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker_portal.settings")
    try:
        return run(args.requests, args.calls)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _populate(officer: object, count: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """`count` applicants and requests; returns some NIKs and request numbers to search for."""
    from django.db import connection

    from layanan.models import Jenis, Pemohon, Permohonan, Status
    from verifikasi.keyed import nik_hmac

    closed = (Status.SELESAI,) * 19
    open_states = (Status.DIAJUKAN, Status.PEMERIKSAAN, Status.DIKEMBALIKAN, Status.DISETUJUI)
    niks: list[str] = []
    nomors: list[str] = []
    batch = 5000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        people = []
        for i in range(start, start + size):
            nik = f"3303{rng.randint(1, 28):02d}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(80, 99)}" \
                  f"{i % 10000:04d}"
            people.append(Pemohon(nik=nik, nik_hmac=nik_hmac(nik), dicatat_oleh=officer,  # type: ignore[misc]
                                  nama_lengkap=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"))
            if i % 997 == 0:
                niks.append(nik)
        people = Pemohon.objects.bulk_create(people)
        requests = []
        for j, pemohon in enumerate(people):
            i = start + j
            nomor = f"P-{20240101 + i // 200:08d}-{i % 200 + 1:04d}"
            if i % 997 == 0:
                nomors.append(nomor)
            requests.append(Permohonan(nomor=nomor, jenis=rng.choice(Jenis.values), pemohon=pemohon,
                                       status=rng.choice(closed + open_states), dibuka_oleh=officer,  # type: ignore[misc]
                                       nik_hmac=pemohon.nik_hmac))
        Permohonan.objects.bulk_create(requests)
    with connection.cursor() as cursor:  # opened over two years (auto_now_add set them all to now)
        cursor.execute("UPDATE layanan_permohonan SET dibuka_pada = now() - random() * interval '730 days'")
    with connection.cursor() as cursor:  # as autovacuum leaves it (visibility map, statistics)
        cursor.execute("VACUUM ANALYZE")
    return niks, nomors


def _measure(client: object, label: str, params: Callable[[int], dict[str, object]], calls: int) -> None:
    from django.db import connection

    statements = 0

    def count(execute, sql, sql_params, many, context):  # type: ignore[no-untyped-def]
        nonlocal statements
        statements += 1
        return execute(sql, sql_params, many, context)

    walls: list[float] = []
    cpu = 0.0
    client.get("/layanan/", params(0), secure=True)  # type: ignore[attr-defined]
    with connection.execute_wrapper(count):
        for n in range(calls):
            c0, w0 = time.process_time(), time.perf_counter()
            response = client.get("/layanan/", params(n), secure=True)  # type: ignore[attr-defined]
            walls.append((time.perf_counter() - w0) * 1000)
            cpu += time.process_time() - c0
            assert response.status_code == 200, response.status_code
    walls.sort()
    p95 = walls[max(0, int(len(walls) * 0.95) - 1)]
    print(f"{label:<34}{statistics.median(walls):>10.1f}{p95:>9.1f}{cpu / calls * 1000:>9.1f}"
          f"{statements / calls:>12.1f}")


def run(count: int, calls: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from akun.models import Nda, User
    from akun.roles import PETUGAS_LOKET, ensure_roles

    call_command("migrate", verbosity=0)
    ensure_roles()
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile

    officer = User.objects.create_user(username="petugas", password="x" * 20)  # noqa: S106
    officer.groups.add(Group.objects.get(name=PETUGAS_LOKET))
    nda = Nda(operator=officer, tanggal_tanda_tangan=timezone.localdate(), diverifikasi_oleh=officer,
              diverifikasi_pada=timezone.now())
    nda.berkas.save("nda.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    rng = random.Random(9)  # noqa: S311 - test data
    started = time.perf_counter()
    niks, nomors = _populate(officer, count, rng)
    version = getattr(connection, "pg_version", 0)
    print(f"officer's day at {count:,} requests, PostgreSQL {version}, {calls} calls each, "
          f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')} (set-up {time.perf_counter() - started:.0f} s)")
    from layanan.models import Permohonan
    from layanan.selectors import open_requests

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = 'pemohon_nama_trgm'")
        trigram = cursor.fetchone() is not None
    print(f"open requests: {open_requests().count():,} of {Permohonan.objects.count():,}; "
          f"trigram index on names: {'yes' if trigram else 'no'}")
    client = Client()
    client.force_login(officer)
    device = TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    print(f"{'page':<34}{'median ms':>10}{'p95 ms':>9}{'CPU ms':>9}{'statements':>12}")
    deep = open_requests().count() // 25 // 2 or 1
    _measure(client, "open requests, page 1", lambda n: {}, calls)
    _measure(client, f"open requests, page {deep}", lambda n: {"hal": deep}, calls)
    _measure(client, "search by name (part, 1 of 196)", lambda n: {"q": f"{FIRST[n % 14]} {LAST[n // 14 % 14]}"},
             calls)
    _measure(client, "search by NIK (keyed hash)", lambda n: {"q": niks[n % len(niks)]}, calls)
    _measure(client, "search by request number", lambda n: {"q": nomors[n % len(nomors)]}, calls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
