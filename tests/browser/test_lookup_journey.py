"""The lookup journey: open a service request, type the NIK and the documents, see each element."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from akun.models import User
from dukcapil_sim import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, NIK_FOUND, SimServer, person
from tests.browser.conftest import ARTIFACTS
from tests.conftest import head_with_sptjm
from verifikasi.models import AuditEntry, Mode, ModeAkses


@pytest.fixture
def gateway(settings, sim: SimServer) -> None:
    sim.control(reset=True)
    settings.DUKCAPIL_NIK_URL = sim.lookup_url
    settings.DUKCAPIL_USER_ID = DEFAULT_USER_ID
    settings.DUKCAPIL_PASSWORD = DEFAULT_PASSWORD
    settings.DUKCAPIL_IP_USER = DEFAULT_IP_USER


def _open_request(page: Page) -> None:
    page.get_by_role("link", name="Ke daftar permohonan").click()
    page.get_by_label("Jenis layanan").select_option("ak1")
    page.get_by_role("button", name="Buka permohonan").click()
    expect(page.get_by_role("heading", name="Periksa NIK")).to_be_visible()
    documents_complete(page)


def documents_complete(page: Page) -> None:
    """Tick every document the applicant handed over, then go on to the NIK check."""
    expect(page.locator("#alur")).to_contain_text("Diajukan, dokumen belum lengkap")
    for box in page.get_by_role("group", name="Dokumen yang diserahkan pemohon").get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Dokumen lengkap: lanjut periksa NIK").click()


def test_it_shows_each_element_side_by_side_for_an_officer_with_nda(
    page: Page, gateway: None, ready_petugas: User, totp_device: Callable[[User], TOTPDevice],
    log_in: Callable[..., None],
) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    applicant = person(NIK_FOUND[0])
    assert applicant is not None
    log_in(ready_petugas, totp_device(ready_petugas))
    _open_request(page)
    expect(page.locator("#kuota")).to_contain_text("200 tersisa dari 200")
    page.get_by_label("NIK pemohon").fill(applicant.nik)
    page.get_by_label("Nama lengkap").fill(applicant.nama.title())
    page.get_by_label("Tempat lahir").fill("TEMPAT YANG KELIRU")
    page.get_by_label("Tanggal lahir (mis. 15-05-1985)").fill(applicant.tanggal_lahir.strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Periksa ke Dukcapil").click()

    result = page.locator("#hasil")
    expect(result).to_contain_text("Data Ditemukan")
    # The Hasil cell of every row, whole text: "Tidak Sesuai" contains "Sesuai", so a substring
    # check could not tell them apart. What was typed as on record matches, the birthplace typed
    # wrong does not, and what was left empty is not checked.
    verdicts = {
        "NIK": "Sesuai",
        "Nama Lengkap": "Sesuai",  # typed in title case: case is forgiven
        "Jenis Kelamin": "tidak diperiksa",
        "Tempat Lahir": "Tidak Sesuai",
        "Tanggal Lahir": "Sesuai",
        "Status Perkawinan": "tidak diperiksa",
        "Jenis Pekerjaan": "tidak diperiksa",
        "Alamat Sekarang": "tidak diperiksa",
    }
    rows = result.locator("table tr:has(td)")
    expect(rows.locator("td:nth-child(1)")).to_have_text(list(verdicts))
    expect(rows.locator("td:nth-child(4)")).to_have_text(list(verdicts.values()))
    name_row = rows.filter(has=page.locator("td:nth-child(1)", has_text="Nama Lengkap"))
    expect(name_row.locator("td:nth-child(3)")).to_have_text(applicant.nama)
    expect(result).not_to_contain_text(applicant.nama_ibu)
    expect(page.locator("#kuota")).to_contain_text("199 tersisa")
    assert AuditEntry.objects.filter(outcome="01").count() == 1


def test_it_refuses_the_lookup_of_an_officer_without_nda(
    page: Page, gateway: None, petugas: User, kepala: User, totp_device: Callable[[User], TOTPDevice],
    log_in: Callable[..., None],
) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    head_with_sptjm(kepala=kepala)  # only the NDA is missing
    log_in(petugas, totp_device(petugas))
    _open_request(page)
    page.get_by_label("NIK pemohon").fill(NIK_FOUND[0])
    page.get_by_role("button", name="Periksa ke Dukcapil").click()
    result = page.locator("#hasil")
    expect(result).to_contain_text("Ditolak sebelum dikirim")
    expect(result).to_contain_text("NDA")
    expect(result).not_to_contain_text("Data Ditemukan")


def test_it_walks_the_manual_mode_before_the_poc(
    page: Page, ready_petugas: User, totp_device: Callable[[User], TOTPDevice], log_in: Callable[..., None],
) -> None:
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.MANUAL})
    log_in(ready_petugas, totp_device(ready_petugas))
    _open_request(page)
    expect(page.get_by_text("Mode akses:")).to_be_visible()
    expect(page.locator("#kuota")).to_contain_text("200 tersisa")
    page.get_by_label("NIK pemohon").fill(NIK_FOUND[0])
    page.get_by_role("button", name="Minta izin pemeriksaan").click()
    expect(page.locator("#hasil")).to_contain_text("Izin pemeriksaan diberikan")
    expect(page.locator("#kuota")).to_contain_text("199 tersisa")
    page.get_by_label("Hasil di portal web Dukcapil").select_option("01")
    page.get_by_role("group", name="Nama Lengkap").get_by_label("Sesuai", exact=True).check()
    page.get_by_role("group", name="Alamat Sekarang").get_by_label("Tidak Sesuai").check()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "manual_step_2.png"), full_page=True)
    page.get_by_role("button", name="Catat hasil").click()
    expect(page.locator("#hasil")).to_contain_text("Hasil dari portal web Dukcapil telah dicatat")
    entry = AuditEntry.objects.get(jenis="manual")
    assert entry.kecocokan["nama_lengkap"] is True and entry.kecocokan["alamat"] is False
