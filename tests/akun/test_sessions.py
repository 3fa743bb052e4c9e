"""The session store: Django's database sessions, read and updated with plain statements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from akun.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_reads_what_django_wrote_and_django_reads_what_it_wrote() -> None:
    django_store = DjangoSessionStore()
    django_store["a"] = 1
    django_store.create()
    ours = SessionStore(django_store.session_key)
    assert ours["a"] == 1
    ours["b"] = 2
    ours.save()
    assert dict(DjangoSessionStore(django_store.session_key).load()) == {"a": 1, "b": 2}


def test_each_save_moves_the_expiry_fifteen_minutes_on() -> None:
    store = SessionStore()
    store["a"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    again = SessionStore(store.session_key)
    again["b"] = 2
    again.save()
    assert Session.objects.get(pk=store.session_key).expire_date - timezone.now() > dt.timedelta(minutes=14)


def test_an_expired_session_reads_empty_and_is_saved_under_a_new_key() -> None:
    store = SessionStore()
    store["a"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    expired["b"] = 2
    expired.save()
    assert expired.session_key not in (None, store.session_key)
    assert SessionStore(expired.session_key).load() == {"b": 2}


def test_saving_a_session_deleted_meanwhile_fails_as_django_does() -> None:
    store = SessionStore()
    store["a"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).delete()
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()
