"""/healthz: the database, and the broker when one is configured."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

from tests.conftest import service_required


def test_it_answers_ok_on_the_embedded_default(db: None, settings: Any) -> None:
    settings.CELERY_BROKER_URL = "memory://"  # CI points the broker at its Redis

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "tidak dipakai"}


def test_it_answers_503_when_the_broker_is_unreachable(db: None, settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "gagal", "database": "ok", "broker": "gagal"}


def test_it_needs_no_login_and_sets_no_session(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


@pytest.mark.services
def test_it_answers_ok_with_the_real_redis_broker(db: None, settings: Any) -> None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    service_required("Redis", url)
    settings.CELERY_BROKER_URL = url

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
