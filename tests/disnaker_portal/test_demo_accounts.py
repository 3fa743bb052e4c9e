"""`manage.py demo_accounts`: invented people for the three roles, secrets printed once, never in production."""

from __future__ import annotations

import base64
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.gate import dukcapil_gate
from akun.models import User
from akun.roles import ADMIN, KEPALA_DINAS, PENGANTAR_KERJA, PETUGAS_LOKET
from tests.conftest import totp_token

SECRET_LINE = re.compile(r"^(\w+)\s+kata sandi (\S+)\s+kunci TOTP \(base32\) ([A-Z2-7]+=*)$", re.MULTILINE)


def _run() -> str:
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    return out.getvalue()


@pytest.fixture
def debug_on(settings: Any) -> None:
    settings.DEBUG = True


def test_it_creates_one_invented_person_per_role(db: None, debug_on: None) -> None:
    _run()
    roles = {u.username: set(u.groups.values_list("name", flat=True)) for u in User.objects.all()}
    # The demo officer also signs AK/1 cards, so the demo walks a request through to the issued card.
    assert roles == {"petugas": {PETUGAS_LOKET, PENGANTAR_KERJA}, "admin": {ADMIN}, "kepala": {KEPALA_DINAS}}


def test_it_prints_each_password_and_totp_secret_once(db: None, debug_on: None) -> None:
    output = _run()

    printed = {m[0]: (m[1], m[2]) for m in SECRET_LINE.findall(output)}
    assert set(printed) == {"petugas", "admin", "kepala"}
    for username, (password, secret) in printed.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert base64.b32decode(secret) == TOTPDevice.objects.get(user=user, confirmed=True).bin_key
        assert output.count(secret) == 1


def test_it_prints_nothing_secret_the_second_time(db: None, debug_on: None) -> None:
    first = _run()
    secrets = [s for m in SECRET_LINE.findall(first) for s in m[1:]]
    assert secrets

    second = _run()

    assert not SECRET_LINE.search(second)
    assert not any(secret in second for secret in secrets)
    assert "tidak ditampilkan lagi" in second
    assert User.objects.count() == 3


def test_it_refuses_when_debug_is_off(db: None, settings: Any) -> None:
    settings.DEBUG = False
    out = StringIO()
    with pytest.raises(CommandError, match="hanya boleh dibuat saat DEBUG hidup"):
        call_command("demo_accounts", stdout=out)
    assert not User.objects.exists()
    assert out.getvalue() == ""


def test_it_gives_the_demo_counter_officer_everything_a_lookup_needs(db: None, debug_on: None) -> None:
    _run()
    assert dukcapil_gate(user=User.objects.get(username="petugas")).allowed


def test_it_lets_the_demo_officer_log_in_with_the_printed_secrets(db: None, debug_on: None) -> None:
    printed = {m[0]: (m[1], m[2]) for m in SECRET_LINE.findall(_run())}
    password, secret = printed["petugas"]
    # The authenticator app knows only the printed secret.
    app = TOTPDevice(key=base64.b32decode(secret).hex())
    client = Client()

    client.post("/masuk/", {"username": "petugas", "password": password})
    response = client.post("/masuk/kode/", {"token": totp_token(app)}, follow=True)

    assert response.redirect_chain[-1] == ("/loket/", 302)
