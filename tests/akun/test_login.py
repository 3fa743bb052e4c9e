"""The real login: password, then a TOTP code or a backup code; enrolment; lock-out; inactive accounts."""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.models import User
from akun.otp import totp_device_confirm
from akun.roles import ADMIN, KEPALA_DINAS, PETUGAS_LOKET
from tests.akun.conftest import password_login, wrong_totp_token
from tests.conftest import PASSWORD, totp_token, verified_client

WRONG_CODE = "Kode tidak cocok atau sudah dipakai."
LOCKED = "Akun dikunci sementara"


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("role", "start_page"),
    [(PETUGAS_LOKET, "/loket/"), (ADMIN, "/pengelola/"), (KEPALA_DINAS, "/kepala/")],
)
def test_it_logs_in_with_password_and_totp_and_lands_on_the_role_start_page(
    role: str, start_page: str, make_user: Callable[..., User], totp_device: Callable[[User], TOTPDevice]
) -> None:
    user = make_user(role)
    device = totp_device(user)
    client = Client()

    response = client.post("/masuk/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == ("/masuk/kode/", 302)

    response = client.post("/masuk/kode/", {"token": totp_token(device)}, follow=True)
    assert response.redirect_chain[-1] == (start_page, 302)
    assert response.status_code == 200


def test_it_refuses_a_wrong_totp_code_with_an_indonesian_message(
    petugas: User, totp_device: Callable[[User], TOTPDevice]
) -> None:
    device = totp_device(petugas)
    client = Client()
    password_login(client, petugas)

    response = client.post("/masuk/kode/", {"token": wrong_totp_token(device)})

    assert response.status_code == 200
    assert WRONG_CODE in _text(response)
    assert client.get("/loket/")["Location"] == "/masuk/kode/"


def test_it_refuses_a_totp_code_used_a_second_time(petugas: User, totp_device: Callable[[User], TOTPDevice]) -> None:
    device = totp_device(petugas)
    code = totp_token(device)
    first = Client()
    password_login(first, petugas)
    assert first.post("/masuk/kode/", {"token": code})["Location"] == "/"

    second = Client()
    password_login(second, petugas)
    response = second.post("/masuk/kode/", {"token": code})

    assert WRONG_CODE in _text(response)
    assert second.get("/loket/")["Location"] == "/masuk/kode/"


def test_it_refuses_the_code_step_before_the_password(petugas: User, totp_device: Callable[[User], TOTPDevice]) -> None:
    device = totp_device(petugas)
    response = Client().post("/masuk/kode/", {"token": totp_token(device)})
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/?next=")


def test_it_accepts_a_backup_code_once(petugas: User, totp_device: Callable[[User], TOTPDevice]) -> None:
    codes = totp_device_confirm(user=petugas, device=totp_device(petugas))
    client = Client()
    password_login(client, petugas)

    response = client.post("/masuk/kode/", {"token": codes[0]}, follow=True)

    assert response.redirect_chain[-1] == ("/loket/", 302)
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_it_refuses_a_backup_code_the_second_time(petugas: User, totp_device: Callable[[User], TOTPDevice]) -> None:
    codes = totp_device_confirm(user=petugas, device=totp_device(petugas))
    first = Client()
    password_login(first, petugas)
    assert first.post("/masuk/kode/", {"token": codes[0]})["Location"] == "/"

    second = Client()
    password_login(second, petugas)
    response = second.post("/masuk/kode/", {"token": codes[0]})

    assert WRONG_CODE in _text(response)
    assert second.get("/loket/")["Location"] == "/masuk/kode/"


def test_it_sends_a_person_without_a_device_to_enrolment_with_a_qr_code(petugas: User) -> None:
    client = Client()
    response = client.post("/masuk/", {"username": petugas.username, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1] == ("/masuk/daftar-autentikator/", 302)
    page = response.content.decode()
    assert "<svg" in page
    assert "no-store" in response["Cache-Control"]
    device = TOTPDevice.objects.get(user=petugas)
    assert not device.confirmed
    assert base64.b32encode(device.bin_key).decode() in page


def _enrolling(user: User) -> tuple[Client, TOTPDevice]:
    """Past the password, on the enrolment page: the client and the unconfirmed device it shows."""
    client = Client()
    password_login(client, user)
    client.get("/masuk/daftar-autentikator/")
    return client, TOTPDevice.objects.get(user=user)


def test_it_confirms_the_device_and_issues_eight_backup_codes(petugas: User) -> None:
    client, device = _enrolling(petugas)

    response = client.post("/masuk/daftar-autentikator/", {"token": totp_token(device)})

    assert response.status_code == 200
    stored = set(StaticToken.objects.filter(device__user=petugas).values_list("token", flat=True))
    assert len(stored) == 8
    assert all(code in response.content.decode() for code in stored)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/loket/").status_code == 200


def test_it_refuses_a_wrong_code_at_enrolment(petugas: User) -> None:
    client, device = _enrolling(petugas)

    response = client.post("/masuk/daftar-autentikator/", {"token": wrong_totp_token(device)})

    assert "Kode tidak cocok." in _text(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=petugas).exists()


def _fail(client: Client, user: User, times: int, ip: str = "10.1.1.1") -> None:
    """Wrong passwords: the form again (200) until the one that reaches the limit locks the account (429)."""
    for attempt in range(1, times + 1):
        response = client.post("/masuk/", {"username": user.username, "password": "salah-sekali"}, REMOTE_ADDR=ip)
        assert "_auth_user_id" not in client.session
        assert response.status_code == (429 if attempt >= settings.AXES_FAILURE_LIMIT else 200)


def test_it_still_accepts_the_right_password_after_four_failures(petugas: User) -> None:
    client = Client()
    _fail(client, petugas, 4)
    response = client.post("/masuk/", {"username": petugas.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(petugas.pk)


def test_it_locks_the_account_after_five_failures(petugas: User) -> None:
    client = Client()
    _fail(client, petugas, 5)

    response = client.post("/masuk/", {"username": petugas.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")

    assert response.status_code == 429
    assert LOCKED in _text(response)
    assert "_auth_user_id" not in client.session


def test_it_keeps_the_lock_out_from_another_address(petugas: User) -> None:
    _fail(Client(), petugas, 5, ip="10.1.1.1")
    client = Client()

    response = client.post("/masuk/", {"username": petugas.username, "password": PASSWORD}, REMOTE_ADDR="10.2.2.2")

    assert response.status_code == 429
    assert LOCKED in _text(response)
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_other_people_out_with_one_account(petugas: User, kepala: User) -> None:
    _fail(Client(), petugas, 5)
    client = Client()
    response = client.post("/masuk/", {"username": kepala.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(kepala.pk)


def test_it_refuses_an_inactive_account_at_login(petugas: User) -> None:
    petugas.is_active = False
    petugas.save()
    client = Client()

    response = client.post("/masuk/", {"username": petugas.username, "password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session
    assert client.get("/loket/")["Location"] == "/masuk/?next=/loket/"


def test_it_ends_the_open_sessions_of_a_deactivated_user_at_once(ready_petugas: User, admin_user: User) -> None:
    petugas_client = verified_client(ready_petugas)
    assert petugas_client.get("/loket/").status_code == 200
    session_key = petugas_client.session.session_key

    response = verified_client(admin_user).post(
        "/kelola/akun/user/", {"action": "deactivate", "_selected_action": [ready_petugas.pk]}
    )

    assert response.status_code == 302
    ready_petugas.refresh_from_db()
    assert not ready_petugas.is_active
    assert not Session.objects.filter(session_key=session_key).exists()
    assert petugas_client.get("/loket/")["Location"] == "/masuk/?next=/loket/"


def test_it_leaves_other_sessions_open_when_deactivating_one_user(
    ready_petugas: User, admin_user: User, kepala: User
) -> None:
    kepala_client = verified_client(kepala)
    verified_client(admin_user).post(
        "/kelola/akun/user/", {"action": "deactivate", "_selected_action": [ready_petugas.pk]}
    )
    assert kepala_client.get("/kepala/").status_code == 200


def test_it_keeps_the_session_cookie_only_until_the_browser_closes(petugas: User) -> None:
    response = Client().post("/masuk/", {"username": petugas.username, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_it_ends_a_session_idle_for_fifteen_minutes(ready_petugas: User) -> None:
    client = verified_client(ready_petugas)
    session = Session.objects.get(session_key=client.session.session_key)
    assert dt.timedelta(minutes=14) < session.expire_date - timezone.now() <= dt.timedelta(minutes=15)

    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))

    assert client.get("/loket/")["Location"] == "/masuk/?next=/loket/"


def test_it_counts_the_idle_minutes_from_the_last_request(ready_petugas: User) -> None:
    client = verified_client(ready_petugas)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))

    assert client.get("/loket/").status_code == 200

    assert Session.objects.get(pk=key).expire_date - timezone.now() > dt.timedelta(minutes=14)


def test_it_renews_the_idle_expiry_at_most_once_a_minute(ready_petugas: User) -> None:
    """A request within a minute of the last renewal reads the session and does not rewrite it."""
    client = verified_client(ready_petugas)
    key = client.session.session_key
    almost_full = timezone.now() + dt.timedelta(minutes=15) - dt.timedelta(seconds=30)
    Session.objects.filter(pk=key).update(expire_date=almost_full)
    assert client.get("/loket/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == almost_full  # not rewritten
    Session.objects.filter(pk=key).update(expire_date=almost_full - dt.timedelta(seconds=61))
    assert client.get("/loket/").status_code == 200
    assert Session.objects.get(pk=key).expire_date - timezone.now() > dt.timedelta(minutes=14, seconds=50)
