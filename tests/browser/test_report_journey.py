"""The head of office's journey: sign in, open the semester reports, download one as a PDF."""

from __future__ import annotations

import re
from collections.abc import Callable

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from akun.models import User
from tests.browser.conftest import ARTIFACTS
from tests.conftest import head_with_sptjm
from verifikasi.models import AuditEntry, Kind


def test_the_head_of_office_downloads_the_semester_report(
    page: Page, kepala: User, totp_device: Callable[[User], TOTPDevice], log_in: Callable[..., None],
) -> None:
    head_with_sptjm(kepala=kepala)
    log_in(kepala, totp_device(kepala))
    expect(page).to_have_url(re.compile(r"/kepala/$"))

    page.get_by_role("link", name="Buka laporan semester").click()
    expect(page.get_by_role("heading", name="Laporan pemanfaatan NIK per semester")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Semester II Tahun 2025")
    expect(row).to_contain_text("14 Januari 2026")
    expect(page.locator("code.hash")).to_contain_text("Kepala jejak audit")
    page.screenshot(path=str(ARTIFACTS / "laporan-daftar.png"), full_page=True)

    with page.expect_download() as info:
        row.get_by_role("link", name="Unduh PDF").click()
    download = info.value
    assert download.suggested_filename == "laporan-pemanfaatan-nik-2025-s2.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert AuditEntry.objects.filter(jenis=Kind.REPORT, operator=kepala).count() == 1
