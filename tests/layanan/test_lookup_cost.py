"""What one connected lookup costs the database, counted as production runs it (no test transaction)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from akun.models import User
from dukcapil_sim import NIK_FOUND, SimServer
from layanan.models import Jenis
from layanan.services import permohonan_open
from tests.conftest import verified_client

MAX_STATEMENTS = 18  # issue 8: session, sign-in, gate, guard, quota, two audit rows, answer page
# Transaction control: SQLite's BEGIN/COMMIT are logged, PostgreSQL's are not; counted on neither.
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


def test_a_connected_lookup_takes_at_most_18_statements(
    transactional_db: None, django_db_serialized_rollback: None, connected: SimServer, ready_petugas: User,
) -> None:
    client = verified_client(ready_petugas)
    first = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client.post(reverse("layanan:periksa_nik", args=[first.pk]), {"nik": NIK_FOUND[0]})  # the day's first
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    url = reverse("layanan:periksa_nik", args=[permohonan.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"nik": NIK_FOUND[2], "nama_lengkap": "NAMA DARI DOKUMEN"})
    assert "Data Ditemukan" in response.content.decode()
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(_CONTROL)]
    assert len(statements) <= MAX_STATEMENTS, "\n".join(s[:120] for s in statements)
    assert len(statements) > 10  # the count itself is real: a lookup is never free
