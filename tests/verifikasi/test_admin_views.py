"""The admin's audit view and CSV export, the mode switch, and the extension reminder."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from akun.gate import current_agreement
from tests.conftest import verified_client
from verifikasi.audit import audit_append, audit_chain_check
from verifikasi.models import AuditEntry, Kind, Mode, ModeAkses


def _entry(alasan: str = "") -> AuditEntry:
    return audit_append(operator_id=None, operator_username="petugas", client_ip="127.0.0.1",
                        permohonan_ref="P-1", kind=Kind.REFUSAL, mode=Mode.MANUAL, nik="3303014504900002",
                        alasan=alasan)


def test_the_admin_exports_the_trail_as_csv_without_formulas(admin_user) -> None:
    _entry("=HYPERLINK(\"http://contoh\")")
    client = verified_client(admin_user)
    response = client.post("/kelola/verifikasi/auditentry/", {"action": "export_csv",
                                                               "_selected_action": [AuditEntry.objects.get().pk]})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["seq", "waktu", "operator_username"]
    assert rows[1][rows[0].index("nik_masked")] == "3303********0002"
    assert rows[1][rows[0].index("alasan")].startswith("'=")


def test_the_admin_filters_the_trail_by_operator_and_kind(admin_user, petugas, kepala) -> None:
    for who, jenis in ((petugas, Kind.REFUSAL), (kepala, Kind.REFUSAL), (petugas, Kind.OVERRIDE)):
        audit_append(operator_id=who.pk, operator_username=who.get_username(), client_ip="127.0.0.1",
                     permohonan_ref=f"P-{who.pk}", kind=jenis, mode=Mode.MANUAL, nik="3303014504900002")
    client = verified_client(admin_user)
    page = client.get("/kelola/verifikasi/auditentry/", {"operator__id__exact": petugas.pk, "jenis": "refusal"})
    assert [e.operator_id for e in page.context["cl"].result_list] == [petugas.pk]
    everyone = client.get("/kelola/verifikasi/auditentry/").context["cl"].result_list
    assert len(everyone) == 3


def test_the_audit_trail_is_read_only_in_the_admin(admin_user) -> None:
    entry = _entry()
    client = verified_client(admin_user)
    assert client.get("/kelola/verifikasi/auditentry/").status_code == 200
    assert client.get(f"/kelola/verifikasi/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post("/kelola/verifikasi/auditentry/add/").status_code == 403


@pytest.mark.parametrize("role_fixture", ["petugas", "kepala"])
def test_other_roles_do_not_see_the_audit_trail(request, role_fixture) -> None:
    client = verified_client(request.getfixturevalue(role_fixture))
    response = client.get("/kelola/verifikasi/auditentry/")
    assert response.status_code == 302  # Django admin sends a non-staff user to its own login page
    assert response["Location"] == "/kelola/login/?next=/kelola/verifikasi/auditentry/"


def test_connected_mode_needs_the_gateway_configured(admin_user, settings) -> None:
    settings.DUKCAPIL_NIK_URL = ""
    client = verified_client(admin_user)
    response = client.post("/kelola/verifikasi/modeakses/add/", {"mode": "terhubung"})
    assert "DUKCAPIL_NIK_URL" in response.content.decode()
    assert not ModeAkses.objects.exists()


def test_it_reminds_of_the_extension_from_four_months_before_the_end(admin_user, kepala) -> None:
    agreement = current_agreement()
    assert agreement is not None
    assert agreement.extension_reminder(today=dt.date(2027, 5, 15)) is None
    reminder = agreement.extension_reminder(today=dt.date(2027, 5, 16))
    assert reminder is not None and "16-07-2027" in reminder


def test_the_head_and_admin_pages_show_the_reminder_when_due(admin_user, kepala) -> None:
    agreement = current_agreement()
    assert agreement is not None
    agreement.tanggal_berakhir = dt.date.today() + dt.timedelta(days=60)
    agreement.save()
    for user, url in ((admin_user, "/pengelola/"), (kepala, "/kepala/")):
        assert "Pengingat perpanjangan" in verified_client(user).get(url).content.decode()


def test_the_admin_page_shows_todays_quota_alerts(admin_user, settings) -> None:
    from verifikasi.quota import quota_spend

    settings.DUKCAPIL_DAILY_QUOTA = 5
    for _ in range(4):
        quota_spend(operator_id=None)
    page = verified_client(admin_user).get("/pengelola/").content.decode()
    assert "Peringatan kuota" in page and "4 dari 5 (80 %)" in page


def test_the_daily_tasks_publish_the_head_and_purge_old_traces(admin_user, settings, tmp_path) -> None:
    from django.core import mail

    from verifikasi.tasks import audit_head_publish, guard_traces_purge

    settings.ADMINS = [("Admin", "admin@example.test")]
    settings.AUDIT_HEAD_FILE = str(tmp_path / "kepala-jejak.txt")
    _entry()
    audit_head_publish()
    first = audit_chain_check()
    _entry()
    audit_head_publish()
    assert "1 baris" in mail.outbox[0].body and "2 baris" in mail.outbox[1].body
    published = (tmp_path / "kepala-jejak.txt").read_text().splitlines()
    assert len(published) == 2 and f"1 baris, hash {first.head_hash}" in published[0]  # appended, not rewritten
    assert guard_traces_purge() == 0


def test_switching_the_mode_and_clearing_a_stop_are_audited(admin_user, settings) -> None:
    from akun.models import DukcapilStop

    settings.DUKCAPIL_NIK_URL = "http://127.0.0.1:9/call_nik"
    client = verified_client(admin_user)
    client.post("/kelola/verifikasi/modeakses/add/", {"mode": "terhubung"})
    stop = DukcapilStop.objects.create(alasan="Dukcapil menjawab: Gagal Login", kode="03")
    client.post("/kelola/akun/dukcapilstop/", {"action": "clear", "_selected_action": [stop.pk]})
    rows = list(AuditEntry.objects.filter(jenis=Kind.ADMIN).order_by("seq").values_list("alasan", flat=True))
    assert rows[0] == ("Mode akses diubah menjadi: Terhubung (portal mengirim permintaan ke gateway Dukcapil) "
                       "(sebelum surat hasil PoC dicatat)")
    assert rows[1].startswith("Penghentian akses Dukcapil dicabut (kode 03)")


def test_connected_mode_before_the_poc_letter_is_flagged_to_the_admin(admin_user, settings) -> None:
    settings.DUKCAPIL_NIK_URL = "http://127.0.0.1:9/call_nik"
    client = verified_client(admin_user)
    assert "PoC belum tercatat" not in client.get("/pengelola/").content.decode()  # manual mode: nothing to say
    saved = client.post("/kelola/verifikasi/modeakses/add/", {"mode": "terhubung"}, follow=True)
    assert "surat hasil PoC belum dicatat" in saved.content.decode()  # said when the admin switches
    assert "PoC belum tercatat" in client.get("/pengelola/").content.decode()
    agreement = current_agreement()
    assert agreement is not None
    agreement.nomor_surat_hasil_poc = "400.8/123/Dukcapil"
    agreement.tanggal_surat_hasil_poc = dt.date(2026, 11, 2)
    agreement.save()
    assert "PoC belum tercatat" not in client.get("/pengelola/").content.decode()


def test_the_head_is_still_mailed_when_its_file_cannot_be_written(admin_user, settings, tmp_path) -> None:
    from django.core import mail
    from django.core.management import CommandError, call_command

    settings.ADMINS = [("Admin", "admin@example.test")]
    settings.AUDIT_HEAD_FILE = str(tmp_path / "tidak-ada" / "kepala-jejak.txt")
    _entry()
    with pytest.raises(CommandError, match="AUDIT_HEAD_FILE"):
        call_command("verifikasi_audit_head")
    assert "1 baris" in mail.outbox[0].body and "tidak dapat ditulis" in mail.outbox[0].body
