"""What the semester report counts, from the audit chain, service requests and quota days."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone

from laporan.selectors import semester_figures
from laporan.semester import Semester
from verifikasi.audit import GENESIS, audit_append
from verifikasi.models import AuditEntry, Kind, Mode, QuotaDay

UTC = dt.UTC
S1 = Semester(2026, 1)
AFTER_S1 = dt.datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def _semester_i_rows(append_at, make_user) -> dict[str, AuditEntry]:
    second = make_user(username="petugas2", nomor_pegawai="199001012020122001")
    second.nama_lengkap = "Sri Lestari"
    second.save()
    return {
        "before": append_at(dt.datetime(2025, 12, 31, 16, 30, tzinfo=UTC), Kind.LOOKUP, outcome="01"),  # 23:30 WIB
        "new_year": append_at(dt.datetime(2025, 12, 31, 17, 30, tzinfo=UTC), Kind.LOOKUP, outcome="01",  # 00:30 WIB
                              kecocokan={"nama_lengkap": True, "tanggal_lahir": False, "tempat_lahir": None}),
        "not_found": append_at(dt.datetime(2026, 3, 5, 2, 0, tzinfo=UTC), Kind.LOOKUP, outcome="13"),
        "izin": append_at(dt.datetime(2026, 3, 6, 2, 0, tzinfo=UTC), Kind.AUTHORISATION, operator=second),
        "manual": append_at(dt.datetime(2026, 3, 6, 2, 5, tzinfo=UTC), Kind.MANUAL, outcome="11", operator=second),
        "refusal": append_at(dt.datetime(2026, 4, 1, 2, 0, tzinfo=UTC), Kind.REFUSAL, outcome="RL"),
        "override": append_at(dt.datetime(2026, 4, 2, 2, 0, tzinfo=UTC), Kind.OVERRIDE),
        "fault": append_at(dt.datetime(2026, 4, 2, 2, 1, tzinfo=UTC), Kind.LOOKUP, outcome="GF"),
        "last_minute": append_at(dt.datetime(2026, 6, 30, 16, 59, 59, tzinfo=UTC), Kind.LOOKUP, outcome="12"),
        "next_semester": append_at(dt.datetime(2026, 6, 30, 17, 0, tzinfo=UTC), Kind.LOOKUP, outcome="01"),
    }


def test_it_counts_each_kind_of_row_in_its_month(append_at, make_user) -> None:
    _semester_i_rows(append_at, make_user)
    f = semester_figures(semester=S1, now=AFTER_S1)
    assert not f.running and f.until == S1.end_at
    total = f.total
    assert (total.connected, total.manual, total.accesses) == (4, 1, 5)
    assert (total.found, total.found_with_note, total.not_found, total.other) == (1, 2, 1, 1)
    assert (total.refused, total.overridden) == (1, 1)
    months = {m.month: t for m, t in f.monthly}
    assert sorted(months) == [1, 2, 3, 4, 5, 6]
    assert (months[1].connected, months[3].accesses, months[3].found_with_note, months[6].connected) == (1, 2, 1, 1)
    assert months[2].accesses == 0


def test_the_semester_ends_at_midnight_in_jakarta(append_at, make_user) -> None:
    rows = _semester_i_rows(append_at, make_user)
    f = semester_figures(semester=S1, now=AFTER_S1)
    # 23:30 WIB on 31 December belongs to the semester before; 00:00 WIB on 1 July to the next.
    assert f.chain_head == (rows["last_minute"].seq, rows["last_minute"].row_hash)
    s2 = semester_figures(semester=Semester(2026, 2), now=AFTER_S1)
    assert s2.total.connected == 1 and s2.total.found == 1


def test_outcomes_fields_and_operators_are_tallied(append_at, make_user) -> None:
    _semester_i_rows(append_at, make_user)
    f = semester_figures(semester=S1, now=AFTER_S1)
    assert [(code, n) for code, _label, n in f.by_outcome] == [("01", 1), ("11", 1), ("12", 1), ("13", 1), ("GF", 1)]
    assert dict((code, label) for code, label, _n in f.by_outcome)["13"].startswith("Data tidak ditemukan")
    fields = {row.label: (row.sesuai, row.tidak_sesuai) for row in f.kecocokan}
    assert fields["Nama Lengkap"] == (1, 0) and fields["Tanggal Lahir"] == (0, 1) and fields["Tempat Lahir"] == (0, 0)
    by_name = {r.name: r for r in f.by_operator}
    assert by_name["Sri Lestari"].tally.accesses == 1 and by_name["Sri Lestari"].employee_number == "199001012020122001"
    assert f.by_operator[0].tally.accesses == 4  # the busiest officer first


def test_a_running_semester_is_counted_up_to_now(append_at, make_user) -> None:
    rows = _semester_i_rows(append_at, make_user)
    now = dt.datetime(2026, 3, 6, 2, 1, tzinfo=UTC)  # between the authorisation and its recorded result
    f = semester_figures(semester=S1, now=now)
    assert f.running and f.until == now
    assert f.chain_head == (rows["izin"].seq, rows["izin"].row_hash)
    assert [m.month for m, _ in f.monthly] == [1, 2, 3]
    assert f.total.accesses == 3


def test_an_empty_semester_has_the_genesis_head(db) -> None:
    f = semester_figures(semester=Semester(2025, 2), now=AFTER_S1)
    assert f.chain_head == (0, GENESIS) and f.total.accesses == 0 and f.chain.intact


def test_a_tampered_chain_is_reported(append_at, make_user) -> None:
    rows = _semester_i_rows(append_at, make_user)
    AuditEntry.objects.filter(pk=rows["not_found"].pk).update(outcome="01")
    f = semester_figures(semester=S1, now=AFTER_S1)
    assert not f.chain.intact and f.chain.broken_at == rows["not_found"].seq


def test_quota_days_are_summarised(db, settings) -> None:
    settings.DUKCAPIL_DAILY_QUOTA = 200
    QuotaDay.objects.bulk_create([QuotaDay(tanggal=dt.date(2026, 2, 3), terpakai=200),
                                  QuotaDay(tanggal=dt.date(2026, 5, 4), terpakai=37),
                                  QuotaDay(tanggal=dt.date(2026, 7, 1), terpakai=150)])
    q = semester_figures(semester=S1, now=AFTER_S1).quota
    assert (q.quota, q.days_used, q.total, q.highest, q.highest_day, q.days_exhausted) == (
        200, 2, 237, 200, dt.date(2026, 2, 3), 1)



def test_report_downloads_and_admin_actions_are_not_officers_access(append_at, make_user, petugas, kepala,
                                                                     admin_user) -> None:
    refusing = make_user(username="petugas3")
    append_at(dt.datetime(2026, 2, 1, 2, 0, tzinfo=UTC), Kind.LOOKUP, outcome="01")
    append_at(dt.datetime(2026, 2, 1, 3, 0, tzinfo=UTC), Kind.REFUSAL, operator=refusing)
    append_at(dt.datetime(2026, 2, 2, 2, 0, tzinfo=UTC), Kind.REPORT, operator=kepala, nik="")
    append_at(dt.datetime(2026, 2, 3, 2, 0, tzinfo=UTC), Kind.ADMIN, operator=admin_user, nik="")
    f = semester_figures(semester=S1, now=AFTER_S1)
    # The officer who looked up, and the one refused before sending (0 accesses); not the head, not the admin.
    assert {r.name: r.tally.accesses for r in f.by_operator} == {petugas.nama_lengkap: 1, refusing.nama_lengkap: 0}
    assert f.operators_with_access == 1
    assert (f.total.accesses, f.total.refused) == (1, 1)


def test_a_request_sent_without_a_recorded_answer_is_counted_as_such(append_at, make_user) -> None:
    _semester_i_rows(append_at, make_user)
    append_at(dt.datetime(2026, 5, 4, 2, 0, tzinfo=UTC), Kind.SENT)  # the process stopped before the answer
    f = semester_figures(semester=S1, now=AFTER_S1)
    assert (f.total.connected, f.unanswered) == (5, 1)
    in_flight = semester_figures(semester=S1, now=dt.datetime(2026, 5, 4, 2, 0, 5, tzinfo=UTC))
    assert in_flight.unanswered == 0  # 5 s after it left: still waiting for Dukcapil, not lost


def test_a_lookup_row_from_before_request_rows_still_counts_as_sent(append_at, petugas) -> None:
    """Rows written before the request row (kirim) existed: the answer alone stands for the request."""
    when = dt.datetime(2026, 2, 1, 2, 0, tzinfo=UTC)
    with mock.patch.object(timezone, "now", return_value=when):
        audit_append(operator_id=petugas.pk, operator_username="petugas", client_ip=None, permohonan_ref="AK1-LAMA",
                     kind=Kind.LOOKUP, mode=Mode.TERHUBUNG, outcome="01", nik="3303011501900002")
    f = semester_figures(semester=S1, now=AFTER_S1)
    assert (f.total.connected, f.total.found, f.unanswered) == (1, 1, 0)
