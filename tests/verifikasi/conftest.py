"""The portal connected to the Dukcapil simulator (the `sim` fixture of tests/conftest.py)."""

from __future__ import annotations

import pytest

from dukcapil_sim import DEFAULT_IP_USER, DEFAULT_PASSWORD, DEFAULT_USER_ID, SimServer
from verifikasi.models import Mode, ModeAkses


def portal_connect(settings, sim: SimServer, *, ip_user: str = DEFAULT_IP_USER) -> SimServer:
    """Point the portal at `sim` in connected mode, guards relaxed for back-to-back lookups."""
    settings.DUKCAPIL_NIK_URL = sim.lookup_url
    settings.DUKCAPIL_USER_ID = DEFAULT_USER_ID
    settings.DUKCAPIL_PASSWORD = DEFAULT_PASSWORD
    settings.DUKCAPIL_IP_USER = ip_user
    settings.DUKCAPIL_TIMEOUT = 1.0
    settings.ENUM_GUARD_MIN_INTERVAL_SECONDS = 0
    ModeAkses.objects.update_or_create(pk=1, defaults={"mode": Mode.TERHUBUNG})
    return sim


@pytest.fixture
def connected(sim: SimServer, settings, db: None) -> SimServer:
    """The portal in connected mode against the module's simulator, reset to its defaults for each test."""
    sim.control(reset=True)
    return portal_connect(settings, sim)
