"""The authentication backend: ModelBackend's permissions, read in one query, for one request only."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.test import Client

from akun.backends import PermissionsInOneQueryBackend
from akun.models import User
from akun.roles import ADMIN, KEPALA_DINAS, PETUGAS_LOKET
from tests.conftest import PASSWORD, verified_client


def test_it_is_the_backend_that_logs_people_in_after_axes() -> None:
    assert settings.AUTHENTICATION_BACKENDS == ["axes.backends.AxesStandaloneBackend",
                                                "akun.backends.PermissionsInOneQueryBackend"]


@pytest.mark.parametrize(("roles", "own"), [
    ([PETUGAS_LOKET, ADMIN], ["unduh_laporan", "akses_loket"]),  # akses_loket also from the group
    ([PETUGAS_LOKET, KEPALA_DINAS], []),
    ([], ["kelola_portal"]),
    ([], []),
])
def test_it_reads_own_and_group_permissions_in_one_query_with_modelbackends_result(
    roles: list[str], own: list[str], make_user: Callable[..., User],
    django_assert_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    user = make_user(None)
    user.groups.add(*Group.objects.filter(name__in=roles))
    user.user_permissions.add(*Permission.objects.filter(codename__in=own))
    make_user(ADMIN)  # someone else's permissions are not counted
    expected = ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert len(expected) >= len(own) + (2 if roles else 0)
    fresh = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert PermissionsInOneQueryBackend().get_all_permissions(fresh) == expected
        for perm in ("akun.akses_loket", "akun.akses_dukcapil", "akun.kelola_portal", "akun.unduh_laporan"):
            assert fresh.has_perm(perm) == (perm in expected)
        assert fresh.has_module_perms("axes") == any(p.startswith("axes.") for p in expected)


def test_an_inactive_user_has_no_permissions(
    make_user: Callable[..., User], django_assert_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    user = make_user(PETUGAS_LOKET, is_active=False)
    with django_assert_num_queries(0):
        assert PermissionsInOneQueryBackend().get_all_permissions(user) == set()
        assert not user.has_perm("akun.akses_loket")


def test_a_superuser_has_every_permission_and_none_for_an_object(make_user: Callable[..., User]) -> None:
    user = make_user(None, is_superuser=True)
    backend = PermissionsInOneQueryBackend()
    assert backend.get_all_permissions(user) == ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert len(backend.get_all_permissions(user)) == Permission.objects.count()
    assert backend.get_all_permissions(user, obj=user) == set()


def test_a_revoked_permission_counts_from_the_very_next_request(ready_petugas: User) -> None:
    client = verified_client(ready_petugas)
    assert client.get("/loket/").status_code == 200
    ready_petugas.groups.clear()  # the admin takes the role away
    assert client.get("/loket/").status_code == 403
    ready_petugas.user_permissions.add(Permission.objects.get(codename="akses_loket"))  # a permission of one's own
    assert client.get("/loket/").status_code == 200
    ready_petugas.user_permissions.clear()
    assert client.get("/loket/").status_code == 403


def test_a_password_login_is_made_by_this_backend(petugas: User) -> None:
    client = Client()
    client.post("/masuk/", {"username": petugas.username, "password": PASSWORD})
    assert client.session[BACKEND_SESSION_KEY] == "akun.backends.PermissionsInOneQueryBackend"
