"""The counter page as a person uses it (issue 9, item 9): each sentence an officer or admin reads when
something is not as expected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from pytest_django.fixtures import SettingsWrapper

from akun.models import DukcapilStop, User
from dukcapil_sim import NIK_FOUND, SimServer, person
from layanan.models import DokumenSyarat, Jenis, Permohonan
from layanan.services import permohonan_open, permohonan_transition
from tests.conftest import verified_client
from verifikasi.models import AuditEntry, Kind, QuotaAlert
from verifikasi.quota import quota_spend, quota_today


def _lookups(sim: SimServer) -> int:
    return int(str(sim.stats()["lookups"]))


def _post(user: User, data: dict[str, str], permohonan: Permohonan | None = None) -> str:
    permohonan = permohonan or permohonan_open(operator=user, jenis=Jenis.AK1)
    return verified_client(user).post(reverse("layanan:periksa_nik", args=[permohonan.pk]), data).content.decode()


def test_a_refusal_of_the_portals_credentials_says_it_is_not_the_officers_sign_in_and_whom_to_call(
    connected: SimServer, ready_petugas: User, settings: SettingsWrapper,
) -> None:
    settings.DUKCAPIL_PASSWORD = "kata-sandi-salah"  # noqa: S105
    page = _post(ready_petugas, {"nik": NIK_FOUND[0]})
    result = page.split('id="hasil"')[1]
    assert "Gagal Login" in result and "bukan akun Anda" in result
    assert "Anda tetap masuk di portal" in result and "Hubungi admin portal" in result
    stop = DukcapilStop.objects.get()
    assert "bukan akun petugas" in stop.alasan  # what every other officer reads on the stopped page


def test_an_address_mismatch_names_the_parts_that_differ_and_no_value(connected, ready_petugas) -> None:
    p = person(NIK_FOUND[0])
    assert p is not None
    page = _post(ready_petugas, {"nik": p.nik, "kel_name": p.kel_name, "kec_name": "KECAMATAN LAIN",
                                 "no_rt": str(p.rt + 1), "no_rw": str(p.rw)})
    row = page.split("<tr><td>Alamat Sekarang</td>")[1].split("</tr>")[0]
    assert "Tidak Sesuai" in row and "Berbeda: RT, kecamatan" in row
    assert "desa/kelurahan" not in row.split("Berbeda:")[1]  # the part that matches is not named
    assert AuditEntry.objects.get(jenis=Kind.LOOKUP).kecocokan["alamat"] is False  # still only a boolean kept


def test_an_impossible_date_typed_by_the_officer_is_that_inputs_error_and_nothing_is_sent(
    connected, ready_petugas,
) -> None:
    page = _post(ready_petugas, {"nik": NIK_FOUND[0], "tanggal_lahir": "31-02-1990"})
    assert 'id="id_tanggal_lahir_error"' in page and "tidak ada di kalender" in page
    assert 'value="31-02-1990"' in page  # what was typed stays, to be corrected
    assert "Tidak Sesuai" not in page
    assert _lookups(connected) == 0 and not AuditEntry.objects.exists()


def test_a_spent_quota_says_when_it_resets_and_the_status_card_is_no_longer_green(
    connected, ready_petugas, settings: SettingsWrapper,
) -> None:
    settings.DUKCAPIL_DAILY_QUOTA = 1
    quota_spend(operator_id=None)
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    page = verified_client(ready_petugas).get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    card = page.split('id="status-loket"')[0].rsplit("<div", 1)[1]
    assert "refused" in card and "allowed" not in card
    assert "Kuota baru berlaku pukul 00.00 WIB" in page
    day = quota_today() + dt.timedelta(days=1)
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]
    assert f"{day.day} {months[day.month - 1]} {day.year}" in page
    refused = _post(ready_petugas, {"nik": NIK_FOUND[0]}, permohonan)
    assert "Kuota akses hari ini telah habis" in refused and "Kuota baru berlaku pukul 00.00 WIB" in refused
    assert _lookups(connected) == 0


def test_the_admins_start_page_shows_an_active_stop_and_the_open_alerts(admin_user) -> None:
    DukcapilStop.objects.create(alasan="Dukcapil menjawab: Gagal Login (kode 03)", kode="03")
    QuotaAlert.objects.create(tanggal=quota_today(), ambang=80, terpakai=160, kuota=200)
    page = verified_client(admin_user).get(reverse("akun:pengelola")).content.decode()
    stop = page.split('id="penghentian-aktif"')[1]
    assert "Akses Dukcapil dihentikan untuk semua petugas" in page and "Gagal Login" in stop
    assert "cabut penghentian" in stop
    assert "1 penghentian akses" in page and "1 peringatan kuota hari ini" in page
    assert "Kuota" in page.split('id="peringatan-terbuka"')[1] and "160 dari 200" in page


def test_the_admins_start_page_says_when_nothing_is_open(admin_user) -> None:
    page = verified_client(admin_user).get(reverse("akun:pengelola")).content.decode()
    assert "Tidak ada peringatan terbuka." in page and 'id="penghentian-aktif"' not in page


def test_a_request_sent_back_prints_what_the_applicant_must_fix(ready_petugas) -> None:
    kartu = DokumenSyarat.objects.create(jenis=Jenis.AK1, nama="Pas foto 3x4")
    ijazah = DokumenSyarat.objects.create(jenis=Jenis.AK1, nama="Fotokopi ijazah terakhir")
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1, dokumen=[kartu])
    permohonan_transition(permohonan=permohonan, name="kembalikan", operator=ready_petugas,
                          note="Ijazah belum dilegalisir; bawa fotokopi yang dilegalisir")
    client = verified_client(ready_petugas)
    counter = client.get(reverse("layanan:periksa", args=[permohonan.pk])).content.decode()
    assert reverse("layanan:perbaikan", args=[permohonan.pk]) in counter
    sheet = client.get(reverse("layanan:perbaikan", args=[permohonan.pk])).content.decode()
    assert permohonan.nomor in sheet and "Ijazah belum dilegalisir" in sheet
    missing = sheet.split('id="dokumen-kurang"')[1].split("</ul>")[0]
    assert ijazah.nama in missing and kartu.nama not in missing
    assert "window.print()" in sheet


def test_a_request_never_sent_back_has_no_list_to_print(ready_petugas) -> None:
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    response = verified_client(ready_petugas).get(reverse("layanan:perbaikan", args=[permohonan.pk]))
    assert response.status_code == 404


def test_the_fault_message_links_to_the_help_page_for_a_service_down(connected, ready_petugas) -> None:
    connected.control(http500=True)
    page = _post(ready_petugas, {"nik": NIK_FOUND[0]})
    assert "Gangguan layanan Dukcapil" in page
    help_url = reverse("layanan:bantuan_gangguan")
    assert f'href="{help_url}"' in page
    help_page = verified_client(ready_petugas).get(help_url).content.decode()
    assert "Bila layanan Dukcapil terganggu" in help_page and "jangan kembalikan permohonan" in help_page.lower()


@pytest.mark.parametrize("path", ["layanan:bantuan_gangguan"])
def test_the_help_page_needs_the_counters_permission(make_user, path: str) -> None:
    assert verified_client(make_user(role=None)).get(reverse(path)).status_code == 403


def _token(page: str) -> str:
    return page.split('name="override_token" value="')[1].split('"')[0]


def test_a_written_reason_stays_with_a_word_of_why_when_the_refusal_changes_and_needs_its_own_submission(
    connected: SimServer, ready_petugas: User, settings: SettingsWrapper,
) -> None:
    base = NIK_FOUND[0]
    twin = base[:12] + f"{int(base[12:]) + 1:04d}"
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    _post(ready_petugas, {"nik": base}, permohonan_open(operator=ready_petugas, jenis=Jenis.AK1))
    client = verified_client(ready_petugas)
    url = reverse("layanan:periksa_nik", args=[permohonan.pk])
    first = client.post(url, {"nik": twin}).content.decode()
    assert "NIK berdekatan" in first and "Permintaan terlalu cepat" not in first
    settings.ENUM_GUARD_MIN_INTERVAL_SECONDS = 3600  # meanwhile, the refusal's reasons change
    reason = "Pemohon kembar, datang bersama ibunya"
    second = client.post(url, {"nik": twin, "override_reason": reason, "override_token": _token(first)})
    page = second.content.decode()
    assert "Permintaan terlalu cepat" in page and "NIK berdekatan" in page
    assert reason in page.split('name="override_reason"')[1].split("</textarea>")[0]  # still in the box
    assert 'id="alasan-diminta-lagi"' in page and "penolakan di atas berbeda" in page
    assert _lookups(connected) == 1  # the reason did not answer the new refusal: nothing sent
    settings.ENUM_GUARD_MIN_INTERVAL_SECONDS = 0
    still = client.post(url, {"nik": twin, "override_reason": reason, "override_token": _token(page)})
    assert "Permintaan terlalu cepat" not in still.content.decode()
    third = client.post(url, {"nik": twin, "override_reason": reason, "override_token": _token(still.content.decode())})
    assert "Data Ditemukan" in third.content.decode() or "Data tidak ditemukan" in third.content.decode()
    assert _lookups(connected) == 2 and AuditEntry.objects.filter(jenis=Kind.OVERRIDE).count() == 1


def test_a_reason_too_short_stays_in_the_box_with_why(connected, ready_petugas) -> None:
    base = NIK_FOUND[0]
    twin = base[:12] + f"{int(base[12:]) + 1:04d}"
    _post(ready_petugas, {"nik": base})
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client = verified_client(ready_petugas)
    url = reverse("layanan:periksa_nik", args=[permohonan.pk])
    first = client.post(url, {"nik": twin}).content.decode()
    page = client.post(url, {"nik": twin, "override_reason": "kembar",
                             "override_token": _token(first)}).content.decode()
    assert "terlalu pendek" in page and "kembar</textarea>" in page
    assert _lookups(connected) == 1


def test_one_more_click_on_the_same_form_keeps_the_result_and_sends_nothing(connected, ready_petugas) -> None:
    p = person(NIK_FOUND[0])
    assert p is not None
    permohonan = permohonan_open(operator=ready_petugas, jenis=Jenis.AK1)
    client = verified_client(ready_petugas)
    url = reverse("layanan:periksa_nik", args=[permohonan.pk])
    typed = {"nik": p.nik, "nama_lengkap": p.nama, "tempat_lahir": "TEMPAT LAIN"}
    assert "Data Ditemukan" in client.post(url, typed).content.decode()
    used = AuditEntry.objects.filter(jenis=Kind.SENT).count()
    again = client.post(url, typed).content.decode()
    result = again.split('id="hasil"')[1].split("</section>")[0]
    assert "Hasil untuk NIK ini sudah ditampilkan; tidak dikirim lagi" in result
    assert "Data Ditemukan" in result and "Ditolak sebelum dikirim" not in result
    assert p.nama not in result  # the answer was never kept: it cannot be shown again
    table = result.split("Kecocokan per elemen yang tercatat")[1].split("</table>")[0]
    assert "Nama Lengkap</td><td><span class=\"ok\">Sesuai" in table and "Tidak Sesuai" in table
    assert f'value="{p.nama}"' in again  # what was typed stays in the form
    assert _lookups(connected) == 1 and AuditEntry.objects.filter(jenis=Kind.SENT).count() == used
    assert AuditEntry.objects.filter(jenis=Kind.LOOKUP).count() == 1
    assert 'id="keputusan"' in again  # the decision still reads the recorded answer


def test_the_same_nik_on_another_request_is_still_refused(connected, ready_petugas) -> None:
    _post(ready_petugas, {"nik": NIK_FOUND[0]})
    page = _post(ready_petugas, {"nik": NIK_FOUND[0]})
    assert "Ditolak sebelum dikirim" in page and "NIK yang sama" in page
    assert "sudah ditampilkan" not in page and _lookups(connected) == 1
