"""The audit chain finds an edited row, a deleted row, a rewritten tail and a cut-off tail."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from verifikasi.audit import GENESIS, audit_append, audit_chain_check, audit_head_lock, nik_hmac, row_hash
from verifikasi.models import AuditEntry, AuditHead, Kind, Mode

NIK = "3303014504900002"


def _append(n: int) -> list[AuditEntry]:
    return [
        audit_append(operator_id=None, operator_username="petugas", client_ip="127.0.0.1",
                     permohonan_ref=f"P-{i}", kind=Kind.LOOKUP, mode=Mode.TERHUBUNG, outcome="01", nik=NIK,
                     kecocokan={"nama_lengkap": True})
        for i in range(n)
    ]


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_it_keeps_an_untouched_chain_intact() -> None:
    _append(5)
    report = audit_chain_check()
    assert report.intact and report.count == 5


@pytest.mark.django_db
def test_it_stores_the_nik_only_as_keyed_hash_and_mask() -> None:
    entry = _append(1)[0]
    assert entry.nik_masked == "3303********0002"
    assert entry.nik_hmac == nik_hmac(NIK) != nik_hmac("3303014504900003")
    assert NIK not in str(AuditEntry.objects.values().get())


@pytest.mark.django_db
def test_it_refuses_an_edit_or_delete_through_the_orm() -> None:
    entry = _append(1)[0]
    entry.outcome = "13"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.django_db
def test_it_finds_an_edited_row() -> None:
    entries = _append(5)
    _sql("UPDATE verifikasi_auditentry SET outcome = %s WHERE seq = %s", ["13", entries[2].seq])
    report = audit_chain_check()
    assert report.broken_at == 3


@pytest.mark.django_db
def test_it_finds_a_deleted_row() -> None:
    _append(5)
    _sql("DELETE FROM verifikasi_auditentry WHERE seq = %s", [2])
    assert audit_chain_check().broken_at == 2


@pytest.mark.django_db
def test_it_finds_a_rewritten_tail_without_the_key() -> None:
    _append(5)
    # An attacker rewrites rows 3..5 and recomputes plain SHA-256 hashes (no key).
    import hashlib

    prev = AuditEntry.objects.get(seq=2).row_hash
    for seq in (3, 4, 5):
        forged = hashlib.sha256(f"{prev}{seq}".encode()).hexdigest()
        _sql("UPDATE verifikasi_auditentry SET outcome = %s, prev_hash = %s, row_hash = %s WHERE seq = %s",
             ["13", prev, forged, seq])
        prev = forged
    assert audit_chain_check().broken_at == 3


@pytest.mark.django_db
def test_it_finds_a_rewritten_tail_against_the_published_head(settings) -> None:
    _append(5)
    published = AuditHead.objects.get()
    # Even one who holds the key and rewrites the tail and the head row is caught by the published head.
    _sql("UPDATE verifikasi_auditentry SET outcome = %s WHERE seq >= %s", ["13", 4])
    prev = AuditEntry.objects.get(seq=3).row_hash
    for seq in (4, 5):
        entry = AuditEntry.objects.get(seq=seq)
        entry.prev_hash = prev
        new = row_hash(entry)
        _sql("UPDATE verifikasi_auditentry SET prev_hash = %s, row_hash = %s WHERE seq = %s", [prev, new, seq])
        prev = new
    _sql("UPDATE verifikasi_audithead SET head_hash = %s", [prev])
    assert audit_chain_check().intact
    report = audit_chain_check(expect_count=published.count, expect_hash=published.head_hash)
    assert report.broken_at == 5 and not report.intact


@pytest.mark.django_db
def test_it_finds_a_cut_off_tail() -> None:
    _append(5)
    published = AuditHead.objects.get()
    _sql("DELETE FROM verifikasi_auditentry WHERE seq >= %s", [4])
    assert not audit_chain_check().intact  # the head row disagrees
    _sql("UPDATE verifikasi_audithead SET count = %s, head_hash = %s",
         [3, AuditEntry.objects.get(seq=3).row_hash])
    report = audit_chain_check(expect_count=published.count, expect_hash=published.head_hash)
    assert report.broken_at == 4


@pytest.mark.django_db
def test_the_command_reports_the_first_broken_link() -> None:
    _append(3)
    call_command("verifikasi_audit_check")
    _sql("UPDATE verifikasi_auditentry SET alasan = %s WHERE seq = %s", ["diubah", 2])
    with pytest.raises(CommandError, match="#2"):
        call_command("verifikasi_audit_check")


@pytest.mark.django_db
def test_an_append_costs_one_locking_read_one_insert_and_one_update() -> None:
    _append(1)  # the head row exists from here on
    with CaptureQueriesContext(connection) as queries:
        _append(1)
    sql = [q["sql"] for q in queries.captured_queries
           if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"))]
    assert [statement.split()[0].upper() for statement in sql] == ["SELECT", "INSERT", "UPDATE"]
    if connection.features.has_select_for_update:
        assert sql[0].rstrip().upper().endswith("FOR UPDATE")


@pytest.mark.django_db
def test_the_head_lock_gives_the_count_and_hash_of_the_last_row() -> None:
    with transaction.atomic():
        assert audit_head_lock() == (0, GENESIS)
    last = _append(2)[-1]
    with transaction.atomic():
        assert audit_head_lock() == (2, last.row_hash)
