"""The audit chain finds an edited row, a deleted row, a rewritten tail and a cut-off tail."""

from __future__ import annotations

import datetime as dt

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



# Three rows and the head exactly as the code before issue 8 (commit 535ec10) wrote them, with the
# key below: produced by that code (its audit_append at fixed times), not by the code under test.
OLD_KEY = "pin-only-audit-key"
OLD_ROWS: list[dict[str, object]] = [
    dict(seq=1, waktu="2026-03-02T01:02:03.400000+00:00", operator_username="petugas", client_ip="127.0.0.1",
         permohonan_ref="P-20250916-0001", jenis="kirim", mode="terhubung", outcome="",
         nik_hmac="da203a4b0f7701efe64c8f26a61c76435b8d71a5bc670102c7290e6d5696fcbb",
         nik_masked="3303********0002", kecocokan={}, alasan="", rujukan=None, prev_hash="0" * 64,
         row_hash="cb2fd7de5658a0880247335a9e1cd8a78a9248febfdcd708f3c68978cffa6abb"),
    dict(seq=2, waktu="2026-03-02T01:02:03.400001+00:00", operator_username="petugas", client_ip="::ffff:10.0.0.1",
         permohonan_ref="P-20250916-0001", jenis="lookup", mode="terhubung", outcome="01",
         nik_hmac="da203a4b0f7701efe64c8f26a61c76435b8d71a5bc670102c7290e6d5696fcbb",
         nik_masked="3303********0002", kecocokan={"nik": True, "nama_lengkap": False, "alamat": None},
         alasan="kode gateway 10 — ünïcode", rujukan=1,
         prev_hash="cb2fd7de5658a0880247335a9e1cd8a78a9248febfdcd708f3c68978cffa6abb",
         row_hash="3f72fcdddc43e9ca5405cc39f3533c3f13c21256a9f8f34d0b0c59cd3c671c37"),
    dict(seq=3, waktu="2026-03-02T01:02:03.400002+00:00", operator_username="kepala", client_ip=None,
         permohonan_ref="", jenis="laporan", mode="manual", outcome="", nik_hmac="", nik_masked="", kecocokan={},
         alasan="Semester I 2026; kepala jejak dicetak: 2 baris", rujukan=None,
         prev_hash="3f72fcdddc43e9ca5405cc39f3533c3f13c21256a9f8f34d0b0c59cd3c671c37",
         row_hash="ba0c726aecf8727d66dd6b4238122f668817cc8f0c79f0eaace5888bd85aa8f1"),
]
OLD_HEAD = "ba0c726aecf8727d66dd6b4238122f668817cc8f0c79f0eaace5888bd85aa8f1"


@pytest.mark.django_db
def test_rows_written_by_the_code_before_issue_8_still_verify(settings) -> None:
    settings.AUDIT_HMAC_KEY = OLD_KEY
    AuditEntry.objects.bulk_create(
        AuditEntry(**{**row, "waktu": dt.datetime.fromisoformat(str(row["waktu"]))}) for row in OLD_ROWS)
    AuditHead.objects.update_or_create(pk=1, defaults={"count": 3, "head_hash": OLD_HEAD})
    report = audit_chain_check(expect_count=3, expect_hash=OLD_HEAD)
    assert report.intact and (report.count, report.head_hash) == (3, OLD_HEAD)
    # The check is able to fail on these very rows: one character of a reason changed breaks row 2.
    AuditEntry.objects.filter(seq=2).update(alasan="kode gateway 10 — unicode")
    assert audit_chain_check().broken_at == 2
    # Restored, the old chain takes a row appended by the new code and stays intact.
    AuditEntry.objects.filter(seq=2).update(alasan="kode gateway 10 — ünïcode")
    audit_append(operator_id=None, operator_username="admin", client_ip=None, permohonan_ref="-", kind=Kind.ADMIN,
                 mode=Mode.MANUAL, alasan="baris baru")
    assert audit_chain_check().intact and AuditEntry.objects.get(seq=4).prev_hash == OLD_HEAD
