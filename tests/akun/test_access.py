"""Every URL of the portal against every role and every login state."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.models import Nda, Sptjm, User
from tests.conftest import verified_client

URLS = [
    "/",
    "/loket/",
    "/pengelola/",
    "/kepala/",
    "/kelola/",
    "/kelola/akun/user/",
    "/kelola/akun/nda/",
    "/berkas/nda/{nda}/",
    "/berkas/sptjm/{sptjm}/",
]
ROLES = ["petugas", "admin", "kepala"]
ADMIN_LOGIN = "admin-login"  # Django admin sends non-staff to its own login page

# What each verified role gets: a status, or the path it is redirected to.
OWN, REFUSED = "own", "refused"
EXPECTED: dict[str, dict[str, tuple[str, int | str]]] = {
    "petugas": {
        "/": (OWN, "/loket/"),
        "/loket/": (OWN, 200),
        "/pengelola/": (REFUSED, 403),
        "/kepala/": (REFUSED, 403),
        "/kelola/": (REFUSED, ADMIN_LOGIN),
        "/kelola/akun/user/": (REFUSED, ADMIN_LOGIN),
        "/kelola/akun/nda/": (REFUSED, ADMIN_LOGIN),
        "/berkas/nda/{nda}/": (REFUSED, 403),
        "/berkas/sptjm/{sptjm}/": (REFUSED, 403),
    },
    "admin": {
        "/": (OWN, "/pengelola/"),
        "/loket/": (REFUSED, 403),
        "/pengelola/": (OWN, 200),
        "/kepala/": (REFUSED, 403),
        "/kelola/": (OWN, 200),
        "/kelola/akun/user/": (OWN, 200),
        "/kelola/akun/nda/": (OWN, 200),
        "/berkas/nda/{nda}/": (OWN, 200),
        "/berkas/sptjm/{sptjm}/": (OWN, 200),
    },
    "kepala": {
        "/": (OWN, "/kepala/"),
        "/loket/": (REFUSED, 403),
        "/pengelola/": (REFUSED, 403),
        "/kepala/": (OWN, 200),
        "/kelola/": (REFUSED, ADMIN_LOGIN),
        "/kelola/akun/user/": (REFUSED, ADMIN_LOGIN),
        "/kelola/akun/nda/": (REFUSED, ADMIN_LOGIN),
        "/berkas/nda/{nda}/": (REFUSED, 403),
        "/berkas/sptjm/{sptjm}/": (REFUSED, 403),
    },
}


def _cases(kind: str) -> list[tuple[str, str]]:
    return [(role, url) for role in ROLES for url in URLS if EXPECTED[role][url][0] == kind]


@pytest.fixture
def people(ready_petugas: User, admin_user: User, kepala: User) -> dict[str, User]:
    return {"petugas": ready_petugas, "admin": admin_user, "kepala": kepala}


@pytest.fixture
def fill(nda: Nda, sptjm: Sptjm) -> Callable[[str], str]:
    return lambda url: url.format(nda=nda.pk, sptjm=sptjm.pk)


def _assert_outcome(response: Any, url: str, expected: int | str) -> None:
    if expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/kelola/login/?next={url}"
    elif isinstance(expected, str):
        assert response.status_code == 302
        assert response["Location"] == expected
    else:
        assert response.status_code == expected, response.content.decode()[:300]


@pytest.mark.parametrize(("role", "url"), _cases(OWN))
def test_it_lets_each_role_reach_its_own_pages(
    role: str, url: str, people: dict[str, User], fill: Callable[[str], str]
) -> None:
    client = verified_client(people[role])
    _assert_outcome(client.get(fill(url)), fill(url), EXPECTED[role][url][1])


@pytest.mark.parametrize(("role", "url"), _cases(REFUSED))
def test_it_refuses_each_role_the_pages_of_the_others(
    role: str, url: str, people: dict[str, User], fill: Callable[[str], str]
) -> None:
    client = verified_client(people[role])
    _assert_outcome(client.get(fill(url)), fill(url), EXPECTED[role][url][1])


def test_it_explains_a_refusal_in_indonesian(people: dict[str, User]) -> None:
    response = verified_client(people["kepala"]).get("/loket/")
    assert response.status_code == 403
    assert "Halaman ini bukan untuk peran Anda." in html.unescape(response.content.decode())


def test_it_serves_the_scan_as_a_pdf_attachment_that_is_not_cached(people: dict[str, User], nda: Nda) -> None:
    response = verified_client(people["admin"]).get(f"/berkas/nda/{nda.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", URLS)
def test_it_sends_anonymous_visitors_to_the_login_page(url: str, fill: Callable[[str], str]) -> None:
    response = Client().get(fill(url))
    assert response.status_code == 302
    assert response["Location"] == f"/masuk/?next={fill(url)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", URLS)
def test_it_sends_a_session_without_the_second_factor_to_the_code_step(
    url: str, role: str, people: dict[str, User], fill: Callable[[str], str],
    totp_device: Callable[[User], TOTPDevice],
) -> None:
    totp_device(people[role])
    client = Client()
    client.force_login(people[role])
    response = client.get(fill(url))
    assert response.status_code == 302
    assert response["Location"] == "/masuk/kode/"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", URLS)
def test_it_sends_a_session_without_any_device_to_enrolment(
    url: str, role: str, people: dict[str, User], fill: Callable[[str], str]
) -> None:
    client = Client()
    client.force_login(people[role])
    response = client.get(fill(url), follow=True)
    assert response.redirect_chain[-1] == ("/masuk/daftar-autentikator/", 302)
    assert response.status_code == 200


def test_it_keeps_the_admin_login_page_behind_the_portal_login(admin_user: User) -> None:
    """The admin's own login form would skip the second factor; it must not answer."""
    response = Client().post("/kelola/login/", {"username": admin_user.username, "password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_it_refuses_a_person_without_a_role(no_role_user: User) -> None:
    response = verified_client(no_role_user).get("/")
    assert response.status_code == 403
    assert "Akun Anda belum diberi peran" in html.unescape(response.content.decode())


@pytest.mark.parametrize("state", ["anonim", "tanpa-kode", *ROLES])
def test_it_answers_healthz_in_every_state(state: str, people: dict[str, User]) -> None:
    if state == "anonim":
        client = Client()
    elif state == "tanpa-kode":
        client = Client()
        client.force_login(people["petugas"])
    else:
        client = verified_client(people[state])
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
