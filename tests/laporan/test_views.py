"""The head of office downloads the semester report; the head it prints later finds a cut chain."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from laporan.semester import JAKARTA, Semester
from tests.conftest import head_with_sptjm, verified_client
from verifikasi.audit import audit_chain_check
from verifikasi.models import AuditEntry, AuditHead, Kind

S1 = Semester(2026, 1)
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


def _download(client, semester: Semester):
    return client.get(reverse("laporan:unduh", args=[semester.year, semester.half]))


@pytest.fixture
def rows(append_at) -> list[AuditEntry]:
    return [append_at(dt.datetime(2026, 2, day, 3, 0, tzinfo=dt.UTC), Kind.LOOKUP, outcome="01") for day in (2, 3, 4)]


def test_the_head_of_office_downloads_a_pdf_that_prints_the_chain_head(kepala, rows) -> None:
    head_with_sptjm(kepala=kepala)
    response = _download(verified_client(kepala), S1)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert 'filename="laporan-pemanfaatan-nik-2026-s1.pdf"' in response["Content-Disposition"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "laporan-semester.pdf").write_bytes(response.content)  # to look at (pdftoppm)
    text = pdf_text(response.content)
    assert "Semester I Tahun 2026" in text and "LAPORAN SEMENTARA" not in text
    assert "Kepala Dinas Tenaga Kerja" in text and "Orang Uji" in text  # the signing head
    last = rows[-1]
    flat = re.sub(r"\s+", "", text)
    assert f"--expect-count{last.seq}--expect-hash{last.row_hash}" in flat


def test_making_the_report_is_itself_audited_with_the_head_it_printed(kepala, rows) -> None:
    _download(verified_client(kepala), S1)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.jenis == Kind.REPORT and entry.operator_id == kepala.pk
    last = rows[-1]
    assert entry.alasan == f"Semester I Tahun 2026; kepala jejak dicetak: {last.seq} baris, hash {last.row_hash}"
    assert audit_chain_check().intact


def test_the_printed_head_finds_rows_cut_off_the_end_later(kepala, rows) -> None:
    text = re.sub(r"\s+", "", pdf_text(_download(verified_client(kepala), S1).content))
    printed = re.search(r"--expect-count(\d+)--expect-hash([0-9a-f]{64})", text)
    assert printed is not None
    count, digest = printed.groups()
    assert audit_chain_check(expect_count=int(count), expect_hash=digest).intact
    # Someone cuts the last two rows and moves the head back to match: the chain alone looks whole.
    keep = rows[0]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq > %s", [keep.seq])  # noqa: S608
    AuditHead.objects.filter(pk=1).update(count=keep.seq, head_hash=keep.row_hash)
    assert audit_chain_check().intact
    report = audit_chain_check(expect_count=int(count), expect_hash=digest)
    assert not report.intact and "kepala yang diterbitkan" in report.problem


def test_a_running_semester_is_marked_provisional(kepala, db) -> None:
    current = Semester.containing(timezone.now().astimezone(JAKARTA).date())
    text = pdf_text(_download(verified_client(kepala), current).content)
    assert "LAPORAN SEMENTARA" in text and current.label in text


def test_the_list_offers_every_semester_since_the_agreement(kepala, db) -> None:
    page = verified_client(kepala).get(reverse("laporan:daftar")).content.decode()
    current = Semester.containing(timezone.now().astimezone(JAKARTA).date())
    assert "Semester II Tahun 2025" in page and current.label in page
    assert reverse("laporan:unduh", args=[2025, 2]) in page
    assert "Semester I Tahun 2025" not in page  # before the agreement was signed


@pytest.mark.parametrize(("year", "half"), [(2025, 1), (2026, 3), (2099, 1)])
def test_a_semester_outside_the_agreement_or_unknown_is_not_found(kepala, db, year: int, half: int) -> None:
    assert verified_client(kepala).get(f"/laporan/{year}/{half}/").status_code == 404


@pytest.mark.parametrize("role", ["petugas", "admin_user"])
def test_other_roles_may_not_download_reports(request, role: str, db) -> None:
    user = request.getfixturevalue(role)
    client = verified_client(user)
    assert client.get(reverse("laporan:unduh", args=[2026, 1])).status_code == 403
    assert client.get(reverse("laporan:daftar")).status_code == 403
    assert not AuditEntry.objects.filter(jenis=Kind.REPORT).exists()


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login(client, db) -> None:
    response = client.get(reverse("laporan:unduh", args=[2026, 1]))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_a_signing_date_typed_far_in_the_past_does_not_break_the_pages(kepala, db) -> None:
    from akun.gate import current_agreement

    agreement = current_agreement()
    assert agreement is not None
    agreement.tanggal_tanda_tangan = dt.date(1925, 9, 16)
    agreement.save()
    client = verified_client(kepala)
    page = client.get(reverse("laporan:daftar"))
    assert page.status_code == 200 and "Semester I Tahun 2025" in page.content.decode()
    assert "Tahun 2024" not in page.content.decode()
    assert _download(client, Semester(2025, 1)).status_code == 200


def test_the_report_names_requests_sent_without_a_recorded_answer(kepala, rows, append_at) -> None:
    head_with_sptjm(kepala=kepala)
    assert "tanpa jawaban tercatat" not in pdf_text(_download(verified_client(kepala), S1).content)
    append_at(dt.datetime(2026, 2, 5, 3, 0, tzinfo=dt.UTC), Kind.SENT)
    text = re.sub(r"\s+", " ", pdf_text(_download(verified_client(kepala), S1).content))
    assert re.search(r"di antaranya tanpa jawaban tercatat .*? 1 ", text)
