"""The login journey in a real browser: password, second factor, the counter's start page."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from akun.models import User
from akun.roles import KEPALA_DINAS, PETUGAS_LOKET
from tests.conftest import PASSWORD, head_with_sptjm, totp_token


def test_it_logs_in_with_password_and_totp_and_lands_on_the_counter_page(
    page: Page, ready_petugas: User, totp_device: Callable[[User], TOTPDevice]
) -> None:
    device = totp_device(ready_petugas)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/masuk/\?next=/$"))
    expect(page.get_by_role("heading", name="Masuk ke portal")).to_be_visible()
    username = page.get_by_label("Nama pengguna")
    expect(username).to_be_focused()
    username.press_sequentially(ready_petugas.username)
    page.keyboard.press("Tab")
    password = page.get_by_label("Kata sandi", exact=True)
    expect(password).to_be_focused()
    password.press_sequentially(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/masuk/kode/$"))
    expect(page.get_by_role("heading", name="Kode verifikasi")).to_be_visible()
    token_field = page.get_by_label(re.compile("Kode dari aplikasi autentikator"))
    expect(token_field).to_be_focused()
    token_field.press_sequentially(totp_token(device))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/loket/$"))
    expect(page.get_by_role("heading", name="Loket pelayanan")).to_be_visible()
    expect(page.get_by_text("Anda dapat melakukan verifikasi NIK")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu utama")).to_contain_text(str(ready_petugas))


def test_it_enrols_a_new_authenticator_on_first_login(page: Page, make_user: Callable[..., User]) -> None:
    user = make_user(PETUGAS_LOKET)

    page.goto("/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/masuk/daftar-autentikator/$"))
    expect(page.get_by_role("heading", name="Daftarkan aplikasi autentikator")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret  # Base32, as authenticator apps expect
    field = page.get_by_label("Kode 6 digit yang tampil di aplikasi")
    expect(field).to_be_focused()
    field.press_sequentially(totp_token(base64.b32decode(secret)))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Autentikator terdaftar")).to_be_visible()
    codes = page.locator("ul.codes li").all_inner_texts()
    assert len(codes) == 8
    assert len(set(codes)) == 8
    assert set(codes) == set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert TOTPDevice.objects.get(user=user).confirmed
    expect(page.get_by_role("link", name="Lanjut ke halaman awal")).to_be_focused()


def test_it_refuses_an_officer_without_nda(
    page: Page,
    make_user: Callable[..., User],
    totp_device: Callable[[User], TOTPDevice],
    log_in: Callable[..., None],
) -> None:
    officer = make_user(PETUGAS_LOKET)
    head_with_sptjm(kepala=make_user(KEPALA_DINAS))

    log_in(officer, totp_device(officer))

    expect(page).to_have_url(re.compile(r"/loket/$"))
    expect(page.get_by_role("heading", name="Loket pelayanan")).to_be_visible()
    refusal = page.locator(".card.refused")
    expect(refusal.get_by_role("heading", name="Akses data Dukcapil ditolak")).to_be_visible()
    expect(refusal.get_by_role("listitem")).to_have_count(1)
    expect(refusal.get_by_role("listitem")).to_contain_text(
        "NDA (Surat Pernyataan Menjaga Kerahasiaan Informasi)"
    )
    expect(page.get_by_text("Anda dapat melakukan verifikasi NIK")).to_have_count(0)


def test_it_keeps_the_second_factor_step_mandatory(
    page: Page, ready_petugas: User, totp_device: Callable[[User], TOTPDevice]
) -> None:
    totp_device(ready_petugas)

    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill(ready_petugas.username)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/masuk/kode/$"))

    page.goto("/loket/")

    expect(page).to_have_url(re.compile(r"/masuk/kode/$"))
    expect(page.get_by_role("heading", name="Kode verifikasi")).to_be_visible()
    expect(page.get_by_text("Loket pelayanan")).to_have_count(0)
    expect(page.get_by_role("link", name="Loket")).to_have_count(0)
