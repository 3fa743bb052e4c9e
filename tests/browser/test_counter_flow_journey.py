"""Lampiran II at the counter, in a browser: a lookup that does not match, sent back, corrected,
checked again, matching, approved and issued; the AK/1 downloaded, its QR code followed to the check page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from akun.models import User
from dukcapil_sim import NIK_FOUND, person
from layanan.models import Langkah, Permohonan, Status
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_lookup_journey import (  # noqa: F401 - the gateway fixture
    _open_request,
    documents_complete,
    gateway,
)
from tests.layanan.test_ak1 import _qr_payloads
from verifikasi.models import Mode, ModeAkses


def test_it_walks_a_request_from_a_mismatch_back_to_issuance(
    page: Page, gateway: None, ready_petugas: User, totp_device: Callable[[User], TOTPDevice],  # noqa: F811
    log_in: Callable[..., None], live_server,
) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    applicant = person(NIK_FOUND[0])
    assert applicant is not None
    log_in(ready_petugas, totp_device(ready_petugas))
    _open_request(page)
    expect(page.locator("#alur")).to_contain_text("Status: Pemeriksaan dokumen dan NIK")

    page.get_by_label("NIK pemohon").fill(applicant.nik)
    page.get_by_label("Nama lengkap").fill("NAMA YANG LAIN SAMA SEKALI")
    page.get_by_role("button", name="Periksa ke Dukcapil").click()
    expect(page.locator("#keputusan")).to_contain_text("Tidak Sesuai: Nama Lengkap")
    expect(page.get_by_role("button", name="Setujui permohonan")).to_have_count(0)
    page.get_by_role("button", name="Kembalikan untuk perbaikan").click()  # without a note: refused, said why
    expect(page.get_by_role("alert")).to_contain_text("Tulis catatan")
    page.get_by_label("Catatan", exact=True).fill(
        "Nama pada formulir berbeda dengan KTP-el; perbaiki formulir pendaftaran")
    page.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    expect(page.locator("#alur")).to_contain_text("Status: Dikembalikan untuk perbaikan")

    page.get_by_label("Catatan", exact=True).fill(
        "Pemohon membawa formulir yang sudah diperbaiki")
    page.get_by_role("button", name="Perbaikan diterima: periksa kembali").click()
    page.get_by_label("NIK pemohon").fill(applicant.nik)
    page.get_by_label("Nama lengkap").fill(applicant.nama)
    page.get_by_label("Jenis kelamin").select_option(applicant.jenis_kelamin)
    page.get_by_label("Tanggal lahir (mis. 15-05-1985)").fill(applicant.tanggal_lahir.strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Periksa ke Dukcapil").click()
    # The same NIK again on this request: nothing is sent until the officer says why it must be checked again.
    expect(page.locator("#hasil")).to_contain_text("Hasil untuk NIK ini sudah ditampilkan; tidak dikirim lagi")
    page.get_by_label("Alasan melewati penolakan (mis. pemohon kembar, satu keluarga datang bersama)").fill(
        "Pemeriksaan ulang setelah pemohon memperbaiki formulir")
    page.get_by_role("button", name="Periksa ke Dukcapil").click()
    expect(page.locator("#keputusan")).to_contain_text("Sesuai: permohonan dapat disetujui")
    page.screenshot(path=str(ARTIFACTS / "alur-siap-disetujui.png"), full_page=True)
    page.get_by_role("button", name="Setujui permohonan").click()
    # Issuing the card needs the applicant's own data, kept only with their consent.
    page.get_by_role("link", name="Isi data pemohon (dengan persetujuannya)").click()
    page.locator("#id_pemohon-nik").fill(applicant.nik)
    page.locator("#id_pemohon-nama_lengkap").fill(applicant.nama)
    page.get_by_label("Pemohon telah membaca teks persetujuan di atas dan menyetujuinya").check()
    page.get_by_role("button", name="Simpan data pemohon").click()
    expect(page.get_by_role("heading", name="Periksa NIK")).to_be_visible()
    page.get_by_role("button", name="Terbitkan dokumen").click()
    expect(page.locator("#alur")).to_contain_text("Dokumen diterbitkan")
    page.get_by_text("Riwayat permohonan").click()
    page.screenshot(path=str(ARTIFACTS / "alur-diterbitkan.png"), full_page=True)

    href = page.get_by_role("link", name="Unduh kartu AK/1 (PDF)").get_attribute("href")
    card = page.request.get(live_server.url + str(href))  # with the officer's session, as the link opens it
    assert card.ok and card.headers["content-type"] == "application/pdf"
    pdf = card.body()
    (payload,) = _qr_payloads(pdf)
    page.goto(live_server.url + urlparse(payload).path)  # what a phone opens: no sign-in needed
    expect(page.locator("body")).to_contain_text("Kartu AK/1 ini berlaku")
    expect(page.locator("body")).not_to_contain_text(applicant.nama)
    page.screenshot(path=str(ARTIFACTS / "ak1-cek.png"), full_page=True)

    permohonan = Permohonan.objects.get()
    assert permohonan.status == Status.DITERBITKAN
    assert list(Langkah.objects.filter(permohonan=permohonan).values_list("transisi", flat=True)) == [
        "diajukan", "dokumen_lengkap", "kembalikan", "perbaikan_diterima", "setujui", "terbitkan"]


def test_it_walks_a_training_participant_to_the_certificate(
    page: Page, gateway: None, ready_petugas: User, totp_device: Callable[[User], TOTPDevice],  # noqa: F811
    log_in: Callable[..., None],
) -> None:
    from balikan.models import Balikan, Peristiwa
    from tests.layanan.training_support import batch

    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    angkatan = batch(kuota=10)
    applicant = person(NIK_FOUND[0])
    assert applicant is not None
    log_in(ready_petugas, totp_device(ready_petugas))
    page.get_by_role("link", name="Ke daftar permohonan").click()
    page.get_by_label("Jenis layanan").select_option("pelatihan")
    page.get_by_role("button", name="Buka permohonan").click()
    documents_complete(page)
    page.get_by_label("Angkatan pelatihan").select_option(str(angkatan.pk))
    page.get_by_role("button", name="Daftarkan ke angkatan").click()
    expect(page.locator("#pelatihan")).to_contain_text("Terdaftar di Las listrik, angkatan I/2026")

    page.get_by_label("NIK pemohon").fill(applicant.nik)
    page.get_by_label("Nama lengkap").fill(applicant.nama)
    page.get_by_label("Jenis kelamin").select_option(applicant.jenis_kelamin)
    page.get_by_label("Tanggal lahir (mis. 15-05-1985)").fill(applicant.tanggal_lahir.strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Periksa ke Dukcapil").click()
    expect(page.locator("#keputusan")).to_contain_text("Sesuai: permohonan dapat disetujui")
    page.get_by_role("link", name="Isi data pemohon (dengan persetujuannya)").click()
    page.locator("#id_pemohon-nik").fill(applicant.nik)
    page.locator("#id_pemohon-nama_lengkap").fill(applicant.nama)
    page.get_by_label("Pemohon telah membaca teks persetujuan di atas dan menyetujuinya").check()
    page.get_by_role("button", name="Simpan data pemohon").click()
    page.get_by_role("button", name="Setujui permohonan").click()
    page.get_by_role("button", name="Terbitkan dokumen").click()

    page.get_by_label("Nomor sertifikat").fill("LAT/2026/001")
    page.get_by_label("Tanggal sertifikat (mis. 16-09-2026)").fill("30-09-2026")
    page.get_by_role("button", name="Catat sertifikat").click()
    expect(page.locator("#pelatihan")).to_contain_text("Sertifikat nomor LAT/2026/001 tanggal 30 September 2026")
    page.screenshot(path=str(ARTIFACTS / "pelatihan-sertifikat.png"), full_page=True)
    row = Balikan.objects.get()
    assert (row.peristiwa, row.nik) == (Peristiwa.SERTIFIKAT, applicant.nik)
