"""Fixtures and helpers of the account tests: a wrong TOTP code, the scans on file, the login steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.models import Nda, Sptjm, User
from tests.conftest import PASSWORD, totp_token


def wrong_totp_token(device: TOTPDevice) -> str:
    """A well-formed code that no time step near now accepts."""
    near = {totp_token(device, steps=s) for s in range(-3, 4)}
    return next(code for n in range(1_000_000) if (code := f"{n:06d}") not in near)


def password_login(client: Client, user: User, **extra: Any) -> None:
    """Step 1 of the login, as a browser does it; the session is not yet verified."""
    response = client.post("/masuk/", {"username": user.username, "password": PASSWORD}, **extra)
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def nda(ready_petugas: User) -> Nda:
    return Nda.objects.get(operator=ready_petugas)


@pytest.fixture
def sptjm(ready_petugas: User, kepala: User) -> Sptjm:
    return Sptjm.objects.get(kepala_dinas=kepala)


@pytest.fixture
def no_role_user(make_user: Callable[..., User]) -> User:
    user = make_user(None, username="tanpaperan")
    assert not Group.objects.filter(user=user).exists()
    return user
